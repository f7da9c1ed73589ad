"""`nhacviec draft` and `nhacviec export`: the year's consolidated report (a .docx draft in the NĐ 30
form) and the year's workbook (.xlsx), for the officer who writes the report, or the IT officer.

Without `--year`: the previous year during January, the current year otherwise (models/annual.py). With
several plans loaded and no `--plan`, one file per plan, and `--out` / `--xlsx` name a folder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import PlanOption, app, execute, settings_or_exit
from bot.config import Settings
from bot.errors import UserError
from bot.root import Services, local_today
from jobs.exports import Exports
from locales import _
from models.annual import report_year
from models.plans import chosen_plans
from models.store.tables import Plan

YearOption = Annotated[int | None, typer.Option(
    "--year", help=_("Năm báo cáo (mặc định: năm trước nếu đang là tháng 1, nếu không thì năm nay)."))]


def _year(settings: Settings, year: int | None) -> int:
    chosen = year if year is not None else report_year(local_today(settings))
    if not 1900 <= chosen <= 2200:
        raise typer.BadParameter(_("năm {year} không hợp lệ").format(year=chosen), param_hint="--year")
    return chosen


async def _plans(services: Services, code: str | None, year: int) -> list[Plan]:
    """The plan named, or every plan followed; only those that ran in `year`, and an error when none did."""
    async with services.sessions() as session:
        plans = await chosen_plans(session, code)
    running = [p for p in plans if p.start.year <= year <= p.end.year]
    if not running:
        spans = ", ".join(f"{p.code} ({p.start.year}–{p.end.year})" for p in plans)
        raise UserError(_("Năm {year} nằm ngoài thời gian của kế hoạch: {spans}.").format(year=year, spans=spans))
    return running


def _destinations(plans: Sequence[Plan], out: Path | None, name: Callable[[Plan | None], str]) -> list[Path]:
    """Where each plan's file goes. One plan: `out` (a file named for it inside `out` if `out` is a folder).
    Several: a file per plan inside the folder `out` (made if missing; the current folder by default)."""
    if len(plans) == 1:
        if out is None:
            return [Path(name(None))]
        return [out / name(None) if out.is_dir() else out]
    folder = out or Path(".")
    if folder.exists() and not folder.is_dir():
        raise UserError(_("Có {n} kế hoạch: {path} phải là một thư mục (mỗi kế hoạch một tệp).").format(
            n=len(plans), path=folder))
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise UserError(_("Không tạo được thư mục {path}: {reason}").format(path=folder, reason=error.strerror)) \
            from error
    return [folder / name(plan) for plan in plans]


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise UserError(_("Không ghi được {path}: {reason}").format(path=path, reason=error.strerror)) from error


@app.command("draft", help=_("Dự thảo báo cáo tổng hợp năm (tệp Word, thể thức Nghị định 30/2020/NĐ-CP) từ báo cáo "
                             "của các đơn vị."))
def draft(
    year: YearOption = None,
    plan: PlanOption = None,
    out: Annotated[Path | None, typer.Option("--out", help=_(
        "Tệp .docx (mặc định baocao-NĂM.docx); thư mục khi có nhiều kế hoạch."))] = None,
) -> None:
    settings = settings_or_exit()
    chosen = _year(settings, year)

    async def work(services: Services) -> None:
        plans = await _plans(services, plan, chosen)
        paths = _destinations(plans, out, lambda p: f"baocao-{p.code}-{chosen}.docx" if p else f"baocao-{chosen}.docx")
        exports = Exports(settings.tz, place=settings.report_place)
        now = datetime.now(settings.tz)
        for one, path in zip(plans, paths, strict=True):
            async with services.sessions() as session:
                data = await exports.year(session, one, chosen, now)
            _write(path, await exports.draft_file(data, now))
            rate = data.rate
            typer.echo(_("Đã lưu {path}: dự thảo báo cáo năm {year}, kế hoạch {plan} — đã nhận {reported}/{owed} báo "
                         "cáo đã đến hạn, {missing} chưa báo cáo.").format(
                path=path, year=chosen, plan=one.code, reported=rate.reported, owed=rate.owed, missing=rate.missing))
        typer.echo(_("Văn thư, chuyên viên hoàn thiện: số văn bản, mục IV, nơi nhận, người ký (phần tô vàng)."))

    execute(work, settings)


@app.command("export", help=_("Bảng Excel cả năm: mọi kỳ báo cáo có số liệu kết thúc trong năm, báo cáo mới nhất, "
                              "so sánh với năm trước."))
def export(
    year: YearOption = None,
    plan: PlanOption = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help=_(
        "Tệp .xlsx (mặc định tonghop-NĂM.xlsx); thư mục khi có nhiều kế hoạch."))] = None,
) -> None:
    settings = settings_or_exit()
    chosen = _year(settings, year)

    async def work(services: Services) -> None:
        plans = await _plans(services, plan, chosen)
        paths = _destinations(plans, xlsx,
                              lambda p: f"tonghop-{p.code}-{chosen}.xlsx" if p else f"tonghop-{chosen}.xlsx")
        exports = Exports(settings.tz, place=settings.report_place)
        now = datetime.now(settings.tz)
        for one, path in zip(plans, paths, strict=True):
            async with services.sessions() as session:
                data = await exports.year(session, one, chosen, now)
            _write(path, await exports.workbook_file(data))
            typer.echo(_("Đã lưu {path}: {n} kỳ báo cáo năm {year}, kế hoạch {plan}.").format(
                path=path, n=len(data.entries), year=chosen, plan=one.code))

    execute(work, settings)
