"""`nhacviec member list` and `nhacviec member forget`: the people the bot knows, and deleting one's
personal data on request (Nghị định 13/2023/NĐ-CP; what is kept and why: models/privacy.py).
`nhacviec members [UNIT]` and `nhacviec revoke MEMBER`: the chat's /thanhvien and /thuhoi, for the operator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlmodel import col, select

from bot.cli import text as cli_text
from bot.cli.common import app, execute, settings_or_exit
from bot.errors import UserError
from bot.root import Services, local_today
from locales import _, ngettext
from models.catalog import load_catalog
from models.evidence import FileStore, unreferenced
from models.members import matching, registered
from models.privacy import Person, find_person, forget
from models.revocation import Revoker, RevokeRefused, held, revoke
from models.store.tables import ChannelAccount, GrantStatus, Member, RoleGrant, Unit
from models.wording import role_label

member_app = typer.Typer(no_args_is_help=True, help=_("Người dùng bot: danh sách, xóa dữ liệu cá nhân."))
app.add_typer(member_app, name="member")


@member_app.command("list", help=_("Những người đang dùng bot: mã thành viên, tên, vai trò, tài khoản chat."))
def member_list(unit: Annotated[str | None, typer.Option("--unit", help=_("Chỉ một đơn vị (mã)."))] = None) -> None:

    async def work(services: Services) -> None:
        async with services.sessions() as session:
            grants = (await session.exec(select(RoleGrant, Unit.code).join(Unit, col(Unit.id) == RoleGrant.unit_id,
                                                                          isouter=True)
                                         .where(RoleGrant.status != GrantStatus.revoked)
                                         .order_by(col(RoleGrant.member_id), col(RoleGrant.id)))).all()
            if unit:
                grants = [(g, code) for g, code in grants if code == unit.upper()]
            ids = sorted({g.member_id for g, _code in grants})
            members = {m.id: m for m in (await session.exec(select(Member).where(col(Member.id).in_(ids)))).all()}
            accounts = (await session.exec(select(ChannelAccount).where(col(ChannelAccount.member_id).in_(ids))
                                           .order_by(col(ChannelAccount.id)))).all()
        rows = []
        for member_id in ids:
            roles = ", ".join(role_label(g.role) + (f" {code}" if code else "") for g, code in grants
                              if g.member_id == member_id)
            where = ", ".join(f"{a.channel}:{a.external_id}" for a in accounts if a.member_id == member_id)
            rows.append((str(member_id), members[member_id].display_name, roles, where))
        typer.echo(cli_text.table(rows, (_("Mã"), _("Tên"), _("Vai trò"), _("Tài khoản chat"))) if rows
                   else _("Chưa có ai."))

    execute(work)


@member_app.command("forget", help=_("Xóa dữ liệu cá nhân của một người (Nghị định 13/2023/NĐ-CP): tên, tài khoản "
                                     "chat, vai trò, bản nháp; báo cáo được giữ, ghi cho đơn vị."))
def member_forget(
    member: Annotated[str, typer.Argument(help=_("Mã thành viên (xem `nhacviec member list`) hoặc kênh:mã, "
                                                 "ví dụ telegram:12345."))],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=_("Không hỏi lại."))] = False,
) -> None:
    settings = settings_or_exit()

    async def work(services: Services) -> None:
        async with services.sessions() as session:
            person = await find_person(session, member)
            if person is None:
                raise UserError(_("Không có thành viên “{text}”. Xem `nhacviec member list`.").format(text=member[:60]))
            if person.forgotten and not person.accounts:
                typer.echo(_("Dữ liệu cá nhân của thành viên #{id} đã được xóa trước đây.").format(id=person.member.id))
                return
            typer.echo(describe(person))
            if not yes and not typer.confirm(_("Xóa? Việc này không hoàn tác được."), default=False):
                raise UserError(_("Chưa xóa gì."))
            done = await forget(session, person, actor="cli", now=datetime.now(UTC))
            await session.commit()
            store = FileStore(settings.evidence_dir())  # draft attachments' bytes, where no one else sent them
            for sha256 in await unreferenced(session, done.files):
                store.remove(sha256)
        typer.echo(_("Đã xóa dữ liệu cá nhân của thành viên #{id}: nay là “{name}”; {accounts} tài khoản chat, "
                     "{grants} vai trò, {drafts} bản nháp, {cancelled} tin chưa gửi. Giữ lại {reports} báo cáo, "
                     "ghi cho đơn vị.").format(id=done.member_id, name=done.name, accounts=done.accounts,
                                               grants=done.grants, drafts=done.drafts, cancelled=done.cancelled,
                                               reports=done.reports))
        if admins := [a for a in person.accounts if a in settings.admins]:
            typer.echo(_("Lưu ý: {accounts} vẫn có trong NHACVIEC_ADMINS; bỏ ra, nếu không lần nhắn tin sau sẽ tạo "
                         "lại tài khoản quản trị.").format(accounts=", ".join(admins)))

    execute(work, settings)


def describe(person: Person) -> str:
    member = person.member
    roles = ", ".join(role_label(role) + (f" {code}" if code else "") for role, code in person.roles) or "–"
    return "\n".join([
        _("Thành viên #{id}: {name}").format(id=member.id, name=member.display_name),
        _("Tài khoản chat: {accounts}").format(accounts=", ".join(person.accounts) or "–"),
        _("Vai trò: {roles}").format(roles=roles),
        ngettext("Sẽ xóa: tên, tài khoản chat, vai trò, bản nháp, phiên đăng nhập web. Giữ lại {n} báo cáo đã gửi "
                 "(ghi cho đơn vị, người gửi hiện là “người dùng đã xóa”).",
                 "Sẽ xóa: tên, tài khoản chat, vai trò, bản nháp, phiên đăng nhập web. Giữ lại {n} báo cáo đã gửi "
                 "(ghi cho đơn vị, người gửi hiện là “người dùng đã xóa”).", person.reports).format(n=person.reports),
    ])


# --- `nhacviec members` and `nhacviec revoke`: what /thanhvien and /thuhoi do in chat ---------------


@app.command("members", help=_("Người dùng bot theo đơn vị (như /thanhvien): số, tên, vai trò, kênh, từ ngày, lần cuối "
                               "hoạt động."))
def members(unit: Annotated[str | None, typer.Argument(help=_("Chỉ một đơn vị (mã hoặc tên)."))] = None) -> None:
    settings = settings_or_exit()

    async def work(services: Services) -> None:
        async with services.sessions() as session:
            catalog = await load_catalog(session)
            unit_ids = None
            if unit:
                found = catalog.find_units(unit, on=local_today(settings))
                if len(found) != 1:
                    codes = ", ".join(u.code for u in found[:12])
                    raise UserError(_("Chưa xác định được đơn vị “{text}”{found}. Xem `nhacviec units`.").format(
                        text=unit[:60], found=f" ({codes})" if codes else ""))
                unit_ids = [found[0].id]
            people = await registered(session, admins=() if unit_ids else settings.admins, unit_ids=unit_ids)
        rows = []
        for person in people:
            for unit_id in dict.fromkeys(h.unit_id for h in person.holdings):
                if unit_ids is not None and unit_id not in unit_ids:
                    continue
                held = [h for h in person.holdings if h.unit_id == unit_id]
                since = person.since(unit_id)
                rows.append((catalog.units[unit_id].code if unit_id in catalog.units else "–", str(person.id),
                             person.member.display_name,
                             ", ".join(role_label(h.role) + (" " + _("(chờ xác nhận)") if h.pending else "")
                                       for h in held),
                             ", ".join(person.channels) + (" " + _("(đã chặn bot)") if person.unreachable else ""),
                             since.astimezone(settings.tz).strftime("%d/%m/%Y") if since else "",
                             person.last_seen.astimezone(settings.tz).strftime("%d/%m/%Y") if person.last_seen else ""))
        rows.sort(key=lambda r: (r[0] != "–", r[0]))
        typer.echo(cli_text.table(rows, (_("Đơn vị"), _("Số"), _("Tên"), _("Vai trò"), _("Kênh"), _("Từ ngày"),
                                         _("Lần cuối"))) if rows else _("Chưa có ai."))

    execute(work, settings)


@app.command("revoke", help=_("Thu hồi mọi vai trò của một người đã nghỉ hoặc chuyển công tác (như /thuhoi): báo cáo "
                              "được giữ, người đó được báo, bản nháp bị bỏ."))
def revoke_member(
    member: Annotated[str, typer.Argument(help=_("Số (xem `nhacviec members`), kênh:mã như telegram:12345, hoặc "
                                                 "họ tên."))],
) -> None:
    settings = settings_or_exit()

    async def work(services: Services) -> None:
        async with services.sessions() as session:
            people = await registered(session, admins=settings.admins)
            person = await find_person(session, member) if ":" in member else None
            found = [p for p in people if person and p.id == person.member.id] if person else matching(people, member)
            if not found:
                raise UserError(_("Không có ai đang dùng bot là “{text}”. Xem `nhacviec members`.").format(
                    text=member[:60]))
            if len(found) > 1:
                raise UserError(_("“{text}” khớp với nhiều người; ghi số của người cần thu hồi:").format(
                    text=member[:60]) + "\n" + "\n".join(f"  {p.id}  {p.member.display_name}" for p in found[:20]))
            catalog = await load_catalog(session)
            office = catalog.coordinator
            by = Revoker(actor="cli", member_id=None, admins=settings.admins,
                         channels=settings.channels() | {"console"}, default_locale=settings.locale,
                         contact=office.name if office else "")
            try:
                done = await revoke(session, found[0].id, by, now=datetime.now(UTC))
            except RevokeRefused as refused:
                raise UserError({
                    "configured_admin": _("Người này là quản trị viên do NHACVIEC_ADMINS: bỏ tài khoản của họ khỏi "
                                          "cấu hình đó rồi khởi động lại bot."),
                    "last_admin": _("Không thu hồi được: đây là quản trị viên cuối cùng."),
                }.get(refused.reason, _("Người này không còn vai trò nào để thu hồi."))) from None
            await session.commit()
            store = FileStore(settings.evidence_dir())  # dropped draft attachments' bytes, where no one else sent them
            for sha256 in await unreferenced(session, done.files):
                store.remove(sha256)
        typer.echo(_("Đã thu hồi quyền của {name} ({roles}); báo cáo được giữ.").format(
            name=done.member.display_name, roles=held(done.roles)))
        typer.echo(_("Đã báo cho người này qua bot.") if done.told else
                   _("Chưa báo được cho người này: {reason}.").format(reason=done.not_told))
        for unit in done.orphaned:
            typer.echo(_("{unit} không còn đầu mối nào: tạo mã mời cho người thay bằng `nhacviec invite {code} --role "
                         "focal`.").format(unit=unit.name, code=unit.code))

    execute(work, settings)
