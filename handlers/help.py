"""/trogiup (exactly what the caller may do), /ngonngu, /huy."""

from __future__ import annotations

import dataclasses

from handlers.core import ANYONE, REGISTERED, Context, Router
from locales import N_, SUPPORTED, _, use_locale
from models.callbacks import Button
from models.chat import Reply
from models.rules.text import fold
from models.store.tables import Member
from models.wording import role_label

router = Router()

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}


@router.command("trogiup", "help", "giupdo", roles=ANYONE, in_groups=True, help=N_("Các lệnh anh/chị dùng được"))
async def help_(ctx: Context, args: str) -> list[Reply]:
    assert ctx.commands is not None
    commands = ctx.commands(ctx.identity.roles, ctx.in_group)
    lines = []
    if ctx.identity.registered:
        lines.append(_("Anh/chị đang là: {roles}.").format(
            roles=", ".join(role_label(r) for r in sorted(ctx.identity.roles))))
    else:
        who = await ctx.who_to_ask()
        lines.append(_("Anh/chị chưa đăng ký. Gửi /start MÃ-MỜI với mã do {who} cấp.").format(who=who))
    lines.append("")
    lines.append(_("Các lệnh:"))
    for command in commands:
        english = [a for a in command.aliases if a.isascii() and a != command.name]
        alias = f" (/{english[0]})" if english else ""
        lines.append(f"/{command.name}{alias} — {_(command.help)}")
    if "focal" in ctx.identity.roles:
        lines.append("")
        lines.append(_("Mẹo: trả lời (reply) tin nhắc việc bằng một dòng như “80% dn=5 ghi chú” là báo cáo luôn "
                       "cho nhiệm vụ đó."))
    if ctx.incoming.channel != "telegram" and ctx.identity.registered:
        lines.append(_("Trên kênh này các lựa chọn hiện thành danh sách đánh số: trả lời bằng số."))
    if ctx.incoming.channel == "zalo" and ctx.identity.roles & {"coordinator", "leader", "admin"}:
        lines.append(_("Zalo không nhận tệp qua bot: bảng Excel (/xuat) và biểu đồ của bản tin tuần có trên Telegram."))
    return [Reply("\n".join(lines))]


@router.command("ngonngu", "language", "lang", roles=REGISTERED, help=N_("Đổi ngôn ngữ: Tiếng Việt / English"))
async def language(ctx: Context, args: str) -> list[Reply]:
    assert ctx.member_id is not None
    member = await ctx.session.get(Member, ctx.member_id)
    assert member is not None
    wanted = fold(args)
    choice = {"vi": "vi", "tiengviet": "vi", "vietnamese": "vi", "en": "en", "english": "en", "tienganh": "en"}.get(
        wanted)
    if choice is None:
        current = member.locale or ctx.config.default_locale
        choice = "en" if current == "vi" else "vi"
    if choice not in SUPPORTED:
        return [Reply(_("Ngôn ngữ hỗ trợ: vi, en."))]
    member.locale = choice
    if ctx.identity.member is not None:  # the menu sent with this answer is in the new language
        ctx.identity = dataclasses.replace(ctx.identity, member=dataclasses.replace(ctx.identity.member, locale=choice))
    ctx.menu_changed = True
    with use_locale(choice):
        return [Reply(_("Đã chuyển sang {language}.").format(language=LANGUAGES[choice]),
                      tuple(ctx.button(name, Language(code=code)) for code, name in LANGUAGES.items()
                            if code != choice))]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Language(Button, prefix="lg"):
    code: str


@router.button(Language, roles=REGISTERED)
async def language_choice(ctx: Context, button: Language) -> list[Reply]:
    return await language(ctx, button.code)


@router.command("huy", "cancel", roles=ANYONE, help=N_("Hủy việc đang làm dở (không lưu)"))
async def cancel(ctx: Context, args: str) -> list[Reply]:
    if await ctx.end_flow():
        return [Reply(_("Đã hủy. Những gì đang nhập dở chưa được lưu."))]
    return [Reply(_("Không có việc gì đang làm dở để hủy."))]
