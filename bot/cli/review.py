"""`nhacviec review accept|return UNIT TASK [--period P] [--comment TEXT] [--undo]`: the operator's review of a
report, the same actions as /tiepnhan and /tralai (models/review_actions.py), audited as "cli"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.cli.common import app, execute, fail, settings_or_exit
from bot.errors import UserError
from bot.root import Services, local_today
from locales import _
from models.catalog import load_catalog
from models.review import Review, review_label
from models.review_actions import Found, latest_of, set_review, tell_returned
from models.rules.period_words import read_period
from models.rules.text import clean

review_app = typer.Typer(no_args_is_help=True, help=_("Tiếp nhận hoặc trả lại báo cáo của đơn vị."))
app.add_typer(review_app, name="review")

UnitArg = Annotated[str, typer.Argument(help=_("Đơn vị (mã hoặc tên), ví dụ SCT."))]
TaskArg = Annotated[str, typer.Argument(help=_("Mã nhiệm vụ, ví dụ IV.2.a."))]
PeriodOpt = Annotated[str | None, typer.Option("--period", help=_(
    "Kỳ báo cáo như bot ghi: \"quý IV/2026\", \"tháng 12/2026\", \"2026\"; mặc định: báo cáo gửi gần nhất."))]
UndoOpt = Annotated[bool, typer.Option("--undo", help=_("Hủy việc tiếp nhận / trả lại: báo cáo trở lại “mới”."))]


async def _find(services: Services, session, unit: str, task: str, period: str | None) -> Found:
    catalog = await load_catalog(session)
    units = catalog.find_units(unit, on=local_today(services.settings))
    if len(units) != 1:
        found = ", ".join(u.code for u in units[:12])
        raise UserError(_("Chưa xác định được đơn vị “{text}”{found}.").format(
            text=unit[:60], found=f" ({found})" if found else ""))
    tasks = catalog.find_tasks(task)
    if not tasks:
        raise UserError(_("Không có nhiệm vụ “{text}”.").format(text=task[:40]))
    ref = None
    if period is not None:  # an empty --period (an unset shell variable) is not "the latest"
        words = period.split()
        read = read_period(words)
        if read is None or read.words_used != len(words):
            raise UserError(_("Không đọc được kỳ “{text}”. Viết như bot ghi: quý IV/2026, tháng 12/2026, "
                              "6 tháng đầu năm 2026, 2026.").format(text=period[:40]))
        ref = read.period
    unit_ids = [units[0].id, *(u.id for u in catalog.predecessors(units[0].id))]
    found_report = await latest_of(session, unit_ids=unit_ids, task_ids=[t.id for t in tasks], period=ref)
    if found_report is None:
        raise UserError(_("Chưa có báo cáo {task} nào của {unit} (cho kỳ đã ghi).").format(
            task=tasks[0].code, unit=units[0].name))
    if not found_report.review_on:
        raise UserError(_("Kế hoạch {plan} không dùng bước tiếp nhận: báo cáo được tiếp nhận ngay khi gửi.").format(
            plan=found_report.plan_short))
    if found_report.state is Review.withdrawn:
        raise UserError(_("Báo cáo {what} đã được đơn vị rút; chờ bản mới.").format(what=found_report.label()))
    return found_report


def _act(state: Review, unit: str, task: str, period: str | None, comment: str, undo: bool) -> None:
    settings = settings_or_exit()

    async def work(services: Services) -> None:
        now = datetime.now(UTC)
        async with services.sessions() as session:
            found = await _find(services, session, unit, task, period)
            if undo:
                if found.state is not state:
                    raise UserError(_("Báo cáo {what} đang ở trạng thái “{state}”, không có gì để hủy.").format(
                        what=found.label(), state=review_label(found.state)))
                await set_review(session, found, Review.new, actor="cli", member_id=None, at=now)
                await session.commit()
                typer.echo(_("Đã hủy; báo cáo {what} trở lại “mới”.").format(what=found.label()))
                return
            if found.state is state:  # as in chat: an acceptance or a return is not repeated (nor re-sent)
                raise UserError(_("Báo cáo {what} đã ở trạng thái “{state}”.").format(
                    what=found.label(), state=review_label(state)))
            await set_review(session, found, state, actor="cli", member_id=None, at=now, comment=comment)
            told = []
            if state is Review.returned:
                told = await tell_returned(session, found, channels=settings.channels(),
                                           default_locale=settings.locale, now=now)
            await session.commit()
        if state is Review.accepted:
            typer.echo(_("Đã tiếp nhận báo cáo {what}.").format(what=found.label()))
        else:
            typer.echo(_("Đã trả lại báo cáo {what}; tin cho {n} đầu mối đã vào hàng gửi.").format(
                what=found.label(), n=len(told)))

    execute(work, settings)


@review_app.command("accept", help=_("Tiếp nhận báo cáo (--undo: hủy việc tiếp nhận)."))
def accept(unit: UnitArg, task: TaskArg, period: PeriodOpt = None, undo: UndoOpt = False) -> None:
    _act(Review.accepted, unit, task, period, "", undo)


@review_app.command("return", help=_("Trả lại báo cáo kèm ý kiến; đầu mối của đơn vị nhận ý kiến (--undo: hủy)."))
def give_back(unit: UnitArg, task: TaskArg, period: PeriodOpt = None,
              comment: Annotated[str, typer.Option("--comment", help=_("Ý kiến trả lại (bắt buộc)."))] = "",
              undo: UndoOpt = False) -> None:
    comment = clean(comment).strip()  # as typed in chat: control characters never enter (issue 10)
    if not undo and not comment:
        fail(_("Ghi ý kiến trả lại: --comment \"…\", để đơn vị biết cần sửa gì."), 2)
    _act(Review.returned, unit, task, period, comment, undo)
