"""/web: a one-time link that signs the person in to the web view (bot/web/).

Coordinators, leaders and admins get a link to the whole province; a focal point gets one per unit
it answers for, limited to that unit. The link is valid LINK_MINUTES and opens one session; it goes
out with link previews off, and only in a private chat (the command is not declared for groups), so
that nobody else in a group can take it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from handlers.core import REGISTERED, Context, Router
from locales import N_, _, current_locale
from models.chat import Reply
from models.store.tables import Role
from models.web_access import LINK_MINUTES, create_link, login_url

router = Router()

# The first of these a person holds is the role their session carries (and is re-checked against).
PROVINCE_ROLES = (Role.coordinator, Role.leader, Role.admin)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@router.command("web", roles=REGISTERED, help=N_("Đường dẫn đăng nhập trang theo dõi trên trình duyệt"))
async def web(ctx: Context, args: str) -> list[Reply]:
    base = ctx.config.web_url
    if not base:
        return [Reply(_("Trang theo dõi chưa được bật trên máy chủ này. Vui lòng liên hệ quản trị viên."))]
    roles = ctx.identity.roles
    province = next((role for role in PROVINCE_ROLES if role in roles), None)
    if province is not None:
        token = await _link(ctx, province, None)
        lines = [_("Đường dẫn đăng nhập trang theo dõi (toàn tỉnh):"), login_url(base, token)]
    else:
        lines = [_("Đường dẫn đăng nhập trang theo dõi của đơn vị:")]
        for unit_id in ctx.identity.focal_units:
            token = await _link(ctx, Role.focal, unit_id)
            unit = ctx.catalog.units.get(unit_id) if ctx.catalog else None
            url = login_url(base, token)
            lines.append(f"{ctx.name_of(unit)}: {url}" if unit and len(ctx.identity.focal_units) > 1 else url)
    lines.append(_("Dùng một lần, trong {minutes} phút: mở đường dẫn rồi bấm “Tiếp tục”. Đừng chuyển đường dẫn "
                   "này cho người khác.").format(minutes=LINK_MINUTES))
    if urlsplit(base).hostname in LOCAL_HOSTS:
        lines.append(_("Lưu ý: địa chỉ này chỉ mở được trên chính máy chủ của bot; để mở từ nơi khác, quản trị "
                       "viên cần đặt NHACVIEC_PUBLIC_URL."))
    return [Reply("\n".join(lines), link_preview=False)]


async def _link(ctx: Context, role: str, unit_id: int | None) -> str:
    # The pages speak the language the person chose in chat (the message is handled in it).
    return await create_link(ctx.session, role=role, unit_id=unit_id, member_id=ctx.member_id, now=ctx.now,
                             locale=current_locale(), created_by=ctx.actor)
