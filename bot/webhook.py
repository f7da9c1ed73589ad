"""One HTTP server for every channel's webhook (NHACVIEC_WEBHOOK_LISTEN).

Each route checks its channel's secret header in constant time, caps the body size, hands the
update over and answers at once: the platform must not wait for the bot to think.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
Feed = Callable[[Any], Awaitable[None]]


class WebhookServer:
    def __init__(self, listen: str) -> None:
        host, _sep, port = listen.rpartition(":")
        self.host, self.port = host, int(port)
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_get("/healthz", self._health)
        self._runner: web.AppRunner | None = None

    def route(self, path: str, *, header: str, secret: str, feed: Feed, name: str,
              reject_status: int = 403) -> None:
        expected = secret.encode()

        async def receive(request: web.Request) -> web.Response:
            given = request.headers.get(header, "").encode()
            if not hmac.compare_digest(given, expected):
                log.warning("%s webhook: request from %s without the right secret", name, request.remote)
                return web.Response(status=reject_status)
            try:
                body = await request.read()
                data = json.loads(body)
            except web.HTTPRequestEntityTooLarge:
                log.warning("%s webhook: body over %d bytes refused", name, MAX_BODY)
                return web.Response(status=413)
            except (ValueError, UnicodeDecodeError):
                log.warning("%s webhook: body is not JSON", name)
                return web.Response(status=400)
            try:
                await feed(data)
            except Exception:  # a malformed update must not turn into a retry storm from the platform
                log.exception("%s webhook: update could not be queued", name)
            return web.Response(status=200)

        self.app.router.add_post(path, receive)

    async def _health(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.info("webhook server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
