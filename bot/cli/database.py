"""`nhacviec db upgrade|current|backup`: the database's schema, and a consistent copy of it while the bot runs.

SQLite's online backup API copies page by page on its own connection, so the running bot is not
stopped and the copy is a consistent snapshot (a plain `cp` of a WAL database may not be). A
PostgreSQL database is backed up with its own tool; the command says which invocation to use.
"""

from __future__ import annotations

import shlex
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import URL, make_url

from bot.cli.common import db_app, execute, fail, settings_or_exit
from bot.root import Services
from locales import _
from models.store import db


@db_app.command("backup", help=_("Sao lưu cơ sở dữ liệu SQLite ra một tệp (chạy được khi bot đang chạy)."))
def db_backup(file: Annotated[Path, typer.Argument(help=_("Tệp sao lưu (chưa tồn tại)."))]) -> None:
    settings = settings_or_exit()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        # Never the password: it would end up in shell history. pg_dump reads PGPASSWORD or ~/.pgpass.
        safe = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                          query=url.query).render_as_string(hide_password=False)
        typer.echo(f"pg_dump --format=custom --file {shlex.quote(str(file))} {shlex.quote(safe)}")
        fail(_("Cơ sở dữ liệu là PostgreSQL: sao lưu bằng pg_dump như dòng trên (mật khẩu qua PGPASSWORD "
                "hoặc ~/.pgpass); khôi phục bằng pg_restore. Xem docs/deployment.md."), 2)
    source = Path(url.database or "")
    if not url.database or url.database == ":memory:" or not source.exists():
        fail(_("Không có tệp cơ sở dữ liệu {path} để sao lưu.").format(path=source), 1)
    if file.exists():
        fail(_("Tệp {path} đã có; chọn tên khác (bản sao lưu không ghi đè).").format(path=file), 2)
    try:
        # Its own connections, not the bot's engine: the copy runs beside the live bot.
        with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(file)) as dst:
            src.backup(dst)
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.Error as error:
        file.unlink(missing_ok=True)
        fail(_("Sao lưu không thành công: {reason}").format(reason=error), 1)
        return
    if not ok:
        fail(_("Bản sao lưu {path} không qua được kiểm tra toàn vẹn.").format(path=file), 1)
    typer.echo(_("Đã sao lưu {source} → {path} ({size} KB).").format(source=source, path=file,
                                                                  size=file.stat().st_size // 1024))


@db_app.command("upgrade", help=_("Tạo hoặc nâng cấp lược đồ cơ sở dữ liệu lên phiên bản mới nhất."))
def db_upgrade() -> None:

    async def work(services: Services) -> None:
        before = await db.current_revision(services.engine)
        await db.upgrade(services.engine)
        after = await db.current_revision(services.engine)
        url = db.safe_url(services.engine.url)
        if before == after:
            typer.echo(_("{url}: đã ở phiên bản mới nhất ({rev}).").format(url=url, rev=after))
        else:
            typer.echo(_("{url}: đã nâng cấp {before} → {after}.").format(url=url, before=before or "∅", after=after))

    execute(work, needs_schema=False)


@db_app.command("current", help=_("Phiên bản lược đồ hiện tại của cơ sở dữ liệu."))
def db_current() -> None:

    async def work(services: Services) -> None:
        current = await db.current_revision(services.engine)
        head = db.head_revision()
        state = _("mới nhất") if current == head else _("cần chạy `nhacviec db upgrade`")
        typer.echo(f"{current or '∅'} ({state})")

    execute(work, needs_schema=False)
