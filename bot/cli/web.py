"""`nhacviec web-link`: a one-time sign-in link to the web view, for the IT officer.

The same link a person gets in chat with /web; made here for someone who has no chat account
yet, or to check the web view after a deployment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.cli.common import app, execute, settings_or_exit
from bot.errors import UserError
from bot.root import Services, local_today
from locales import _
from models.catalog import load_catalog
from models.store.tables import Role
from models.web_access import LINK_MINUTES, create_link, login_url

AS_ROLES = {"coordinator": Role.coordinator, "leader": Role.leader, "admin": Role.admin, "focal": Role.focal}


@app.command("web-link", help=_("Tạo đường dẫn đăng nhập trang theo dõi (dùng một lần, trong 15 phút)."))
def web_link(
    as_: Annotated[str, typer.Option("--as", help=_("coordinator | leader | admin | focal:ĐƠN_VỊ"))] = "coordinator",
) -> None:
    settings = settings_or_exit()
    role_text, _sep, unit_text = as_.partition(":")
    role = AS_ROLES.get(role_text.strip().lower())
    if role is None:
        raise typer.BadParameter(_("vai trò '{role}' không rõ; dùng coordinator, leader, admin hoặc focal:SCT.")
                                 .format(role=role_text))
    if (role == Role.focal) != bool(unit_text.strip()):
        raise typer.BadParameter(_("chỉ đầu mối cần đơn vị, viết focal:SCT; các vai trò khác xem toàn tỉnh."))

    async def work(services: Services) -> None:
        unit_id = None
        async with services.sessions() as session:
            if role == Role.focal:
                catalog = await load_catalog(session)
                units = catalog.find_units(unit_text, on=local_today(settings))
                if len(units) != 1:
                    found = ", ".join(u.code for u in units) or _("không có")
                    raise UserError(_("Đơn vị “{text}” không xác định được (khớp: {found}). Xem `nhacviec units`.")
                                    .format(text=unit_text, found=found))
                unit_id = units[0].id
            token = await create_link(session, role=role, unit_id=unit_id, member_id=None, now=datetime.now(UTC),
                                      locale=settings.locale, created_by="cli")
            await session.commit()
        typer.echo(login_url(settings.web_url(), token))
        typer.echo(_("Dùng một lần, trong {minutes} phút. Mở đường dẫn rồi bấm “Tiếp tục”.").format(
            minutes=LINK_MINUTES), err=True)

    execute(work, settings)
