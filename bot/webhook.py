"""The one HTTP server (NHACVIEC_LISTEN): every channel's webhook, and the web view, /healthz and /metrics
that bot/web/app.py mounts on it.

Each route checks its channel's secret header in constant time, caps the body size, hands the
update over and answers at once: the platform must not wait for the bot to think.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from locales import _

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
Feed = Callable[[Any], Awaitable[None]]


class ListenFailed(Exception):
    """The listener could not be opened (the port is taken, the address is not this machine's): one line."""


class WebhookServer:
    def __init__(self, listen: str) -> None:
        host, _sep, port = listen.rpartition(":")
        self.host, self.port = host, int(port)
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_get("/healthz", self._health)
        self.app.router.add_get("/files/{name}", self._file)
        self._runner: web.AppRunner | None = None
        self._files: dict[str, tuple[bytes, str, float]] = {}
        self.public_url: str | None = None
        self.health: Callable[[web.Request], Awaitable[web.StreamResponse]] | None = None  # bot/web/app.py's

    def publish(self, content: bytes, filename: str) -> str:
        """Serve `content` under an unguessable name for a week (the digest chart for Zalo); its URL."""
        assert self.public_url, "publishing needs NHACVIEC_PUBLIC_URL"
        now = time.time()
        self._files = {k: v for k, v in self._files.items() if v[2] > now}
        name = f"{secrets.token_urlsafe(16)}-{filename}"
        kind = "image/png" if filename.endswith(".png") else "application/octet-stream"
        self._files[name] = (content, kind, now + 7 * 24 * 3600)
        return f"{self.public_url.rstrip('/')}/files/{name}"

    async def _file(self, request: web.Request) -> web.Response:
        entry = self._files.get(request.match_info["name"])
        if entry is None or entry[2] < time.time():
            return web.Response(status=404)
        return web.Response(body=entry[0], content_type=entry[1])

    def route(self, path: str, *, header: str, secret: str, feed: Feed, name: str,
              missing_status: int = 403) -> None:
        """POST `path`: `header` must carry `secret` (compared in constant time): 403 when wrong,
        `missing_status` when absent (Zalo's docs say 401)."""
        expected = secret.encode()

        async def receive(request: web.Request) -> web.Response:
            if header not in request.headers:
                log.warning("%s webhook: request from %s without a secret", name, request.remote)
                return web.Response(status=missing_status)
            if not hmac.compare_digest(request.headers[header].encode(), expected):
                log.warning("%s webhook: request from %s with a wrong secret", name, request.remote)
                return web.Response(status=403)
            try:
                body = await request.read()
                data = json.loads(body)
            except web.HTTPRequestEntityTooLarge:
                log.warning("%s webhook: body over %d bytes refused", name, MAX_BODY)
                return web.Response(status=413)
            except (ValueError, UnicodeDecodeError):
                log.warning("%s webhook: body is not JSON", name)
                return web.Response(status=400)
            except RecursionError:  # json's decoder recurses per level: "[[[[…" 100,000 deep exhausts it
                log.warning("%s webhook: body nested too deeply", name)
                return web.Response(status=400)
            try:
                await feed(data)
            except ValueError as error:  # a JSON list, a string, {}: the channel says it is not an update
                log.warning("%s webhook: body is not an update (%s)", name, error)
                return web.Response(status=400)
            except RecursionError:  # valid JSON, but too deep for the platform library's parser
                log.warning("%s webhook: update nested too deeply", name)
                return web.Response(status=400)
            except Exception:  # a bug of ours: not the platform's to retry, so 200, with the traceback to fix it
                log.exception("%s webhook: update could not be queued", name)
            return web.Response(status=200)

        self.app.router.add_post(path, receive)

    async def _health(self, request: web.Request) -> web.StreamResponse:
        if self.health is not None:
            return await self.health(request)
        return web.Response(text="ok")

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as error:
            await self._runner.cleanup()
            raise ListenFailed(_("Không mở được {host}:{port} ({reason}); đổi NHACVIEC_LISTEN, ví dụ 127.0.0.1:8081.")
                               .format(host=self.host, port=self.port, reason=error.strerror or error)) from None
        if self.port == 0:
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.info("HTTP server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
