"""The web view, /healthz and /metrics, mounted on the one HTTP server (bot/webhook.py).

Pages live in a sub-application under /web, so that their middleware (who is signed in, the CSRF
check on every POST) never touches the channels' webhooks. Security headers are added to every
response of the server, webhooks and errors included.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import metrics
from bot.config import Settings
from bot.web import data, health
from bot.web.render import Renderer
from bot.webhook import WebhookServer
from jobs import digest as digest_data
from locales import _, use_locale
from models.catalog import CatalogCache
from models.registry import unit_name
from models.store.base import utcnow
from models.store.tables import Delivery, DeliveryStatus, Plan, Task, Unit
from models.web_access import SESSION_HOURS, LinkRejected, SignedIn, check_link, end_session, find_session, redeem_link
from models.wording import role_label as _role_label

log = logging.getLogger(__name__)

PREFIX = "/web"
SESSION_COOKIE = "nhacviec_session"
CSRF_COOKIE = "nhacviec_csrf"  # double-submit token for the one form shown before a session exists
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # the sign-in link is in the URL: never pass it on
    "X-Content-Type-Options": "nosniff",
}
# Request storage key for the signed-in session (typed keys exist from aiohttp 3.12 on).
SIGNED: Any = web.RequestKey("nhacviec.signed_in", object) if hasattr(web, "RequestKey") else "nhacviec.signed_in"

LastTick = Callable[[AsyncSession], Awaitable[datetime | None]]


@dataclass
class WebView:
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    clock: Callable[[], datetime] = utcnow
    renderer: Renderer = field(default_factory=Renderer)
    catalogs: CatalogCache = field(default_factory=CatalogCache)
    health: health.Health | None = None

    @property
    def secure_cookies(self) -> bool:
        return bool(self.settings.public_url and self.settings.public_url.startswith("https://"))

    # -- rendering ---------------------------------------------------------------------------

    def page(self, request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
        signed: SignedIn | None = request.get(SIGNED)
        body = self.renderer.render(template, signed=signed, csrf=context.pop("csrf", None) or (
            signed.csrf_token if signed else ""), role_label=role_label(signed), **context)
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "no-store"})

    def message(self, request: web.Request, status: int, title: str, text: str, **context: Any) -> web.Response:
        return self.page(request, "message.html", status=status, title=title, text=text, **context)

    def sign_in_needed(self, request: web.Request) -> web.Response:
        return self.message(request, 401, _("Cần đăng nhập"), _(
            "Trang này chỉ dành cho người đã đăng nhập. Để nhận đường dẫn đăng nhập (dùng một lần, trong 15 phút), "
            "nhắn /web cho bot Nhắc việc trên Telegram hoặc Zalo, hoặc nhờ quản trị viên chạy lệnh "
            "`nhacviec web-link`."), sign_in=True)

    def forbidden(self, request: web.Request) -> web.Response:
        return self.message(request, 403, _("Không có quyền xem"), _(
            "Tài khoản của anh/chị chỉ xem được thông tin của đơn vị mình."))

    def not_found(self, request: web.Request) -> web.Response:
        return self.message(request, 404, _("Không tìm thấy"), _("Trang này không có hoặc đã bị xóa."))

    # -- middleware: who is signed in, and CSRF on every POST -------------------------------------

    @web.middleware
    async def middleware(self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                         ) -> web.StreamResponse:
        signed = None
        token = request.cookies.get(SESSION_COOKIE, "")
        if token:
            async with self.sessions() as session:
                signed = await find_session(session, token, now=self.clock())
        request[SIGNED] = signed
        with use_locale(signed.access.locale if signed else self.settings.locale):
            if request.method == "POST" and not await self._csrf_ok(request, signed):
                return self.message(request, 403, _("Yêu cầu không hợp lệ"), _(
                    "Biểu mẫu đã hết hạn hoặc không đến từ trang này. Vui lòng tải lại trang rồi thử lại."))
            return await handler(request)

    async def _csrf_ok(self, request: web.Request, signed: SignedIn | None) -> bool:
        expected = signed.csrf_token if signed else request.cookies.get(CSRF_COOKIE, "")
        try:
            given = (await request.post()).get("csrf", "")
        except ValueError:
            return False
        return bool(expected) and isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())

    # -- sign-in and sign-out ----------------------------------------------------------------------

    async def confirm(self, request: web.Request) -> web.Response:
        """GET of a link: a page with a button. Chat apps fetch links for previews; this uses nothing."""
        token = request.match_info["token"]
        async with self.sessions() as session:
            try:
                access = await check_link(session, token, now=self.clock())
            except LinkRejected as error:
                return self.rejected(request, error.reason)
        signed: SignedIn | None = request[SIGNED]
        csrf = signed.csrf_token if signed else request.cookies.get(CSRF_COOKIE) or _new_csrf()
        with use_locale(access.locale):
            response = self.page(request, "confirm.html", title=_("Đăng nhập"), csrf=csrf,
                                 action=f"{PREFIX}/login/{token}", role=role_label_for(access.role))
        if signed is None:
            response.set_cookie(CSRF_COOKIE, csrf, path=PREFIX, httponly=True, samesite="Strict",
                                secure=self.secure_cookies)
        return response

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        async with self.sessions() as session:
            try:
                started = await redeem_link(session, token, now=self.clock(), actor=f"web:{request.remote}")
            except LinkRejected as error:
                await session.commit()  # the refusal is audited
                return self.rejected(request, error.reason)
            await session.commit()
        access = started.signed_in.access
        target = f"{PREFIX}/" if access.province else f"{PREFIX}/unit/{access.unit_id}"
        response = web.Response(status=303, headers={"Location": target})
        response.set_cookie(SESSION_COOKIE, started.token, max_age=SESSION_HOURS * 3600, path=PREFIX, httponly=True,
                            samesite="Lax", secure=self.secure_cookies)
        response.del_cookie(CSRF_COOKIE, path=PREFIX)
        return response

    def rejected(self, request: web.Request, reason: str) -> web.Response:
        if reason == "expired":
            return self.message(request, 410, _("Đường dẫn đã hết hạn"), _(
                "Đường dẫn đăng nhập chỉ dùng được trong 15 phút. Nhắn /web cho bot để nhận đường dẫn mới."),
                sign_in=True)
        if reason == "used":
            return self.message(request, 410, _("Đường dẫn đã được dùng"), _(
                "Mỗi đường dẫn đăng nhập chỉ dùng được một lần. Nhắn /web cho bot để nhận đường dẫn mới."),
                sign_in=True)
        return self.message(request, 403, _("Đường dẫn không hợp lệ"), _(
            "Đường dẫn đăng nhập này không đúng. Hãy mở đúng đường dẫn bot đã gửi, hoặc nhắn /web để nhận "
            "đường dẫn mới."), sign_in=True)

    async def sign_out(self, request: web.Request) -> web.Response:
        signed: SignedIn | None = request[SIGNED]
        if signed is not None:
            async with self.sessions() as session:
                await end_session(session, signed.id, now=self.clock(), actor=f"web:{request.remote}")
                await session.commit()
        request[SIGNED] = None
        response = self.message(request, 200, _("Đã đăng xuất"), _(
            "Anh/chị đã đăng xuất. Để xem lại, nhắn /web cho bot để nhận đường dẫn đăng nhập mới."), sign_in=True)
        response.del_cookie(SESSION_COOKIE, path=PREFIX)
        return response

    # -- pages -------------------------------------------------------------------------------

    async def overview(self, request: web.Request) -> web.StreamResponse:
        signed: SignedIn | None = request[SIGNED]
        if signed is None:
            return self.sign_in_needed(request)
        if not signed.access.province:
            raise web.HTTPSeeOther(f"{PREFIX}/unit/{signed.access.unit_id}")
        now = self.clock()
        today = now.astimezone(self.settings.tz).date()
        year = _year(request.query.get("nam"))  # none given: every open period, as /tinhhinh shows them
        async with self.sessions() as session:
            overviews = [await data.overview(session, plan, now, self.settings.tz, year)
                         for plan in await data.plans(session)]
        years = sorted({y for o in overviews for y in o.years} | ({year} if year else {data.default_year(today)}))
        return self.page(request, "overview.html", title=_("Tổng quan"), overviews=overviews, year=year, years=years)

    async def unit(self, request: web.Request) -> web.Response:
        signed: SignedIn | None = request[SIGNED]
        if signed is None:
            return self.sign_in_needed(request)
        unit_id = _int(request.match_info["unit_id"])
        if unit_id is None:
            return self.not_found(request)
        if not signed.access.may_see_unit(unit_id):
            return self.forbidden(request)
        async with self.sessions() as session:
            unit = await session.get(Unit, unit_id)
            if unit is None:
                return self.not_found(request)
            catalog = await self.catalogs.get(session)
            page = await data.unit_page(session, catalog.followed(), catalog, unit, self.clock(), self.settings.tz)
        named = unit_name(unit, self.clock().astimezone(self.settings.tz).date())
        return self.page(request, "unit.html", title=f"{named} ({unit.code})", page=page)

    async def task(self, request: web.Request) -> web.Response:
        signed: SignedIn | None = request[SIGNED]
        if signed is None:
            return self.sign_in_needed(request)
        task_id = _int(request.match_info["task_id"])
        if task_id is None:
            return self.not_found(request)
        now = self.clock()
        async with self.sessions() as session:
            task = await session.get(Task, task_id)
            if task is None or not task.active:
                return self.not_found(request)
            plan = await session.get(Plan, task.plan_id)
            assert plan is not None
            catalog = await self.catalogs.get(session)
            today = now.astimezone(self.settings.tz).date()
            limit_to = None
            if not signed.access.province:
                if signed.access.unit_id not in data.task_units(catalog, task_id, today):
                    return self.forbidden(request)
                limit_to = signed.access.unit_id
            page = await data.task_page(session, plan, catalog, task_id, now, self.settings.tz, limit_to=limit_to)
        return self.page(request, "task.html", title=f"{page.code} — {page.title}", page=page)

    async def workbook(self, request: web.Request) -> web.StreamResponse:
        signed: SignedIn | None = request[SIGNED]
        if signed is None:
            return self.sign_in_needed(request)
        if not signed.access.province:
            return self.forbidden(request)
        plan_id = _int(request.match_info["plan_id"])
        now = self.clock()
        async with self.sessions() as session:
            plan = await session.get(Plan, plan_id) if plan_id is not None else None
            if plan is None:
                return self.not_found(request)
            digest = await digest_data.build(session, plan, now, self.settings.tz, contributions=True)
        # openpyxl takes seconds on a big province: off the event loop, which serves the chats too.
        # to_thread copies the context, so the workbook is written in this person's language.
        from jobs import workbook  # openpyxl: loaded by the first download, not at start-up

        content = await asyncio.to_thread(workbook.render, digest)
        name = f"nhacviec-{plan.code}-{digest.today.isoformat()}.xlsx"
        return web.Response(body=content, headers={
            "Content-Type": workbook.MIME, "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store"})

    async def stylesheet(self, request: web.Request) -> web.Response:
        return web.Response(body=self.renderer.stylesheet, content_type="text/css", charset="utf-8",
                            headers={"Cache-Control": "public, max-age=3600"})

    async def fallback(self, request: web.Request) -> web.Response:
        return self.not_found(request)

    # -- operations ----------------------------------------------------------------------------

    async def metrics(self, request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(3), self.sessions() as session:
                rows = (await session.exec(
                    select(Delivery.channel, func.count()).where(
                        col(Delivery.status).in_([DeliveryStatus.pending, DeliveryStatus.sending]))
                    .group_by(Delivery.channel))).all()
            metrics.set_outbox_depth({channel: count for channel, count in rows})
        except Exception as error:  # the rest of the page is still worth scraping
            log.warning("metrics: outbox depth not read: %s", type(error).__name__)
        return web.Response(body=metrics.exposition(), headers={"Content-Type": metrics.CONTENT_TYPE})


def _new_csrf() -> str:
    return secrets.token_urlsafe(32)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 12 else None


def _year(text: str | None) -> int | None:
    value = _int(text)
    return value if value is not None and 2000 <= value <= 2100 else None


def role_label_for(role: str) -> str:
    return _role_label(role)


def role_label(signed: SignedIn | None) -> str:
    return role_label_for(signed.access.role) if signed else ""


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


def mount(server: WebhookServer, sessions: async_sessionmaker[AsyncSession], settings: Settings, *,
          clock: Callable[[], datetime] = utcnow, last_tick: LastTick | None = None,
          check_tick: bool = True) -> WebView:
    """Add the web view (/web/…), /healthz and /metrics to `server` (before `server.start()`).

    `last_tick` reads when the reminder tick last ran (default: the row models.heartbeat keeps);
    `check_tick=False` for a process that runs no tick (then /healthz checks the database only)."""
    view = WebView(sessions, settings, clock)
    view.health = health.Health(sessions, clock=clock, tick_seconds=settings.tick_seconds if check_tick else None,
                                last_tick=last_tick, started=time.monotonic())
    root = server.app
    root.on_response_prepare.append(_security_headers)
    server.health = view.health.handle
    if settings.metrics:
        root.router.add_get("/metrics", view.metrics)
    root.router.add_get("/", _to_pages)
    pages = web.Application(middlewares=[view.middleware])
    pages.router.add_get("/", view.overview)
    pages.router.add_get("/login/{token}", view.confirm)
    pages.router.add_post("/login/{token}", view.sign_in)
    pages.router.add_post("/logout", view.sign_out)
    pages.router.add_get("/unit/{unit_id}", view.unit)
    pages.router.add_get("/task/{task_id}", view.task)
    pages.router.add_get("/plan/{plan_id}/workbook.xlsx", view.workbook)
    pages.router.add_get("/static/style.css", view.stylesheet)
    pages.router.add_route("*", "/{tail:.*}", view.fallback)
    root.add_subapp(PREFIX, pages)
    return view


async def _to_pages(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther(f"{PREFIX}/")
