"""`nhacviec member list` and `nhacviec member forget`: the people the bot knows, and deleting one's
personal data on request (Nghị định 13/2023/NĐ-CP; what is kept and why: models/privacy.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlmodel import select

from bot.cli import text as cli_text
from bot.cli.common import app, execute, settings_or_exit
from bot.errors import UserError
from bot.root import Services
from locales import _, ngettext
from models.evidence import FileStore, unreferenced
from models.privacy import Person, find_person, forget
from models.store.tables import ChannelAccount, GrantStatus, Member, RoleGrant, Unit
from models.wording import role_label

member_app = typer.Typer(no_args_is_help=True, help=_("Người dùng bot: danh sách, xóa dữ liệu cá nhân."))
app.add_typer(member_app, name="member")


@member_app.command("list", help=_("Những người đang dùng bot: mã thành viên, tên, vai trò, tài khoản chat."))
def member_list(unit: Annotated[str | None, typer.Option("--unit", help=_("Chỉ một đơn vị (mã)."))] = None) -> None:

    async def work(services: Services) -> None:
        async with services.sessions() as session:
            grants = (await session.exec(select(RoleGrant, Unit.code).join(Unit, Unit.id == RoleGrant.unit_id,
                                                                          isouter=True)
                                         .where(RoleGrant.status != GrantStatus.revoked)
                                         .order_by(RoleGrant.member_id, RoleGrant.id))).all()
            if unit:
                grants = [(g, code) for g, code in grants if code == unit.upper()]
            ids = sorted({g.member_id for g, _code in grants})
            members = {m.id: m for m in (await session.exec(select(Member).where(Member.id.in_(ids)))).all()}
            accounts = (await session.exec(select(ChannelAccount).where(ChannelAccount.member_id.in_(ids))
                                           .order_by(ChannelAccount.id))).all()
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
