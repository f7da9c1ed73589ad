"""What coordinators do beyond reading: nudge a unit now (/nhacnho), and make a group chat the
department's destination for digests and escalations (/nhomtonghop). The year's files (/xuat, /duthao)
are in handlers/yearly.py."""

from __future__ import annotations

from sqlmodel import select

from handlers.core import STAFF, Context, Router
from handlers.texts import succession_note, with_note
from locales import N_, _
from models.chat import Reply
from models.outbox import Action, Item, Recipients, claim
from models.rules.text import fold
from models.status import snapshot
from models.store.audit import record
from models.store.tables import ChatDestination, Unit
from models.wording import period_of, short

router = Router()


@router.command("nhacnho", "nudge", roles=frozenset({"coordinator"}),
                help=N_("Nhắc ngay một đơn vị chưa báo cáo: /nhacnho <đơn vị>"))
async def nudge(ctx: Context, args: str) -> list[Reply]:
    if not ctx.plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp."))]
    if not args:
        return [Reply(_("Ghi đơn vị cần nhắc, ví dụ: /nhacnho SCT"))]
    units, steps = ctx.catalog.resolve_units(args, on=ctx.today)
    if len(units) != 1:
        found = ", ".join(u.code for u in units[:12])
        return [Reply(_("Chưa xác định được đơn vị “{text}”{found}. Ví dụ: /nhacnho SCT").format(
            text=short(args, 60), found=f" ({found})" if found else ""))]
    return with_note(succession_note(steps), await _nudge(ctx, units[0]))


async def _nudge(ctx: Context, unit: Unit) -> list[Reply]:
    state = await snapshot(ctx.session, ctx.plans, ctx.today, unit_ids=[unit.id], values=False)
    waiting = [i.obligation for i in [*state.overdue, *state.current] if i.missing]
    if not waiting:
        return [Reply(_("{unit} đã báo cáo đủ các kỳ đang mở; không cần nhắc.").format(unit=ctx.name_of(unit)))]
    recipients = await Recipients(channels=ctx.config.channels, default_locale=ctx.config.default_locale
                                  ).load(ctx.session)
    members = recipients.focal.get(unit.id, [])
    if not members:
        return [Reply(_("{unit} chưa có đầu mối đăng ký nên bot không nhắc được. Gõ /moi {code} để tạo mã mời.")
                      .format(unit=ctx.name_of(unit), code=unit.code))]
    who = ctx.identity.member.display_name if ctx.identity.member else ctx.actor
    items = [Item.of(o, 1 if o.due < ctx.today else 0, plan=o.plan_short,
                     indicators=[i.code for i in ctx.catalog.tasks[o.task_id].indicators]
                     if o.task_id in ctx.catalog.tasks else ()) for o in waiting]
    actions = [Action.nudge(item, recipient, ctx.now, day=ctx.today, by=who)
               for recipient in (recipients.of(m) for m in members) if recipient is not None for item in items]
    queued = await claim(ctx.session, actions, now=ctx.now)
    await record(ctx.session, ctx.actor, "unit.nudge", "unit", unit.code, {"messages": len(queued)},
                 member_id=ctx.member_id)
    if not actions:
        return [Reply(_("Không gửi được: các đầu mối của {unit} không còn liên lạc được qua bot.").format(
            unit=ctx.name_of(unit)))]
    if not queued:
        return [Reply(_("Hôm nay {unit} đã được nhắc rồi; bot không nhắc lại trong cùng ngày.").format(
            unit=ctx.name_of(unit)))]
    tasks = ", ".join(sorted({f"{o.task_code} · {period_of(o)}" for o in waiting}))
    return [Reply(_("Đã gửi nhắc tới {n} đầu mối của {unit}: {tasks}.").format(
        n=len(queued), unit=ctx.name_of(unit), tasks=tasks))]


@router.command("nhomtonghop", "digestgroup", roles=STAFF, in_groups=True,
                help=N_("Trong nhóm làm việc: nhận bản tin tuần và cảnh báo quá hạn tại nhóm này (/nhomtonghop tat để "
                        "thôi)"))
async def digest_group(ctx: Context, args: str) -> list[Reply]:
    if not ctx.in_group:
        return [Reply(_("Lệnh này dùng trong nhóm làm việc: thêm bot vào nhóm rồi gửi /nhomtonghop tại đó."))]
    incoming = ctx.incoming
    destination = (await ctx.session.exec(select(ChatDestination).where(
        ChatDestination.channel == incoming.channel, ChatDestination.chat_id == incoming.chat_id))).first()
    if fold(args) in {"tat", "off", "huy", "thoi"}:
        if destination is not None:
            destination.active = False
        await record(ctx.session, ctx.actor, "group.remove", "chat", incoming.chat_id, member_id=ctx.member_id)
        return [Reply(_("Nhóm này sẽ không nhận bản tin tuần và cảnh báo quá hạn nữa."))]
    if destination is None:
        ctx.session.add(ChatDestination(channel=incoming.channel, chat_id=incoming.chat_id,
                                        added_by_member_id=ctx.member_id, added_at=ctx.now))
    else:
        destination.active = True
    await record(ctx.session, ctx.actor, "group.add", "chat", incoming.chat_id, member_id=ctx.member_id)
    return [Reply(_("Từ nay nhóm này nhận bản tin hằng tuần và cảnh báo báo cáo quá hạn. Báo cáo của các đơn vị "
                    "vẫn chỉ nhận trong tin nhắn riêng. Gõ /nhomtonghop tat để thôi."))]
