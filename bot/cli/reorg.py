"""`nhacviec reorg check|load FILE`: the province's reorganisations (merges, renames, splits, retirements)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli import text
from bot.cli.common import execute, fail, reorg_app
from bot.errors import UserError
from bot.root import Services
from locales import _
from models.planfiles.load_reorg import load_reorg, province_state
from models.planfiles.reorg_file import LoadedReorg, check_against, read_reorg
from models.planfiles.source import SourceError


def _read(file: Path, intro: str) -> LoadedReorg:
    try:
        return read_reorg(file)
    except SourceError as error:
        fail(intro + "\n" + str(error), 2)
        raise  # not reached: fail exits


@reorg_app.command("check", help=_("Kiểm tra một tệp sắp xếp với các kế hoạch đã nạp (không ghi gì)."))
def reorg_check(file: Annotated[Path, typer.Argument(help=_("Tệp sắp xếp YAML."))]) -> None:
    loaded = _read(file, _("Tệp sắp xếp có lỗi:"))

    async def work(services: Services) -> None:
        async with services.sessions() as s:
            problems = check_against(loaded, await province_state(s))
        if problems:
            raise UserError(_("Tệp sắp xếp có lỗi:") + "\n" + str(SourceError(problems)))
        spec = loaded.spec
        typer.echo(_("{file}: hợp lệ — {events} sự kiện, {units} đơn vị mới.").format(
            file=file, events=len(spec.events), units=len(spec.units)))

    execute(work)


@reorg_app.command("load", help=_("Nạp một tệp sắp xếp; --dry-run in mọi nhiệm vụ đổi đơn vị mà không ghi gì."))
def reorg_load(
    file: Annotated[Path, typer.Argument(help=_("Tệp sắp xếp YAML."))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Chỉ in những gì sẽ thay đổi."))] = False,
) -> None:
    loaded = _read(file, _("Tệp sắp xếp có lỗi, chưa ghi gì vào cơ sở dữ liệu:"))

    async def work(services: Services) -> None:
        async with services.sessions() as s:
            try:
                result = await load_reorg(s, loaded, actor="cli", dry_run=dry_run)
            except SourceError as error:
                raise UserError(_("Tệp sắp xếp có lỗi, chưa ghi gì vào cơ sở dữ liệu:") + "\n" + str(error)) from error
        typer.echo(text.reorg_listing(result.changes, dry_run=dry_run))

    execute(work)
