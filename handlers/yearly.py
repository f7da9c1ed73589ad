"""The year's documents in chat: /duthao [năm], the draft of the consolidated report to UBND tỉnh and the
ministry, and /xuat [năm], the year's Excel workbook.

Without a year both take the previous year during January (when the year's last reports arrive and the
report is written) and the current year otherwise (models/annual.py: report_year). The files are built by
the `Exports` port (jobs/exports.py), which renders them off the event loop. Zalo takes no files from the
bot: there /duthao answers with the summary and where to get the file.
"""

from __future__ import annotations

import re

from handlers.core import READERS, Context, Router
from handlers.plan_choice import choose_plan, on_plan
from locales import N_, _
from models.annual import State, Year, report_year, year_data
from models.chat import Reply
from models.store.tables import Plan

router = Router()
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


def parse_year(ctx: Context, args: str, command: str) -> int | Reply:
    """The year named in `args`, or the default one; a Reply explaining the form when it is not a year."""
    if not args.strip():
        return report_year(ctx.today)
    match = _YEAR.match(args)
    if match is None:
        return Reply(_("“{text}” không phải một năm. Ví dụ: /{command} {year}").format(
            text=args.strip()[:40], command=command, year=report_year(ctx.today)))
    return int(match.group(1))


def _outside(plan: Plan, year: int) -> Reply | None:
    if plan.start.year <= year <= plan.end.year:
        return None
    return Reply(_("Năm {year} nằm ngoài thời gian của kế hoạch {plan} ({first}–{last}).").format(
        year=year, plan=plan.short or plan.code, first=plan.start.year, last=plan.end.year))


@router.command("duthao", "draft", roles=READERS, in_groups=True,
                help=N_("Dự thảo báo cáo tổng hợp năm gửi UBND tỉnh (tệp Word): /duthao [năm] [kế hoạch]"))
async def draft(ctx: Context, args: str) -> list[Reply]:
    plans, rest = ctx.catalog.split_plan(args)  # "/duthao 2026 kh 3064"
    year = parse_year(ctx, rest, "duthao")
    if isinstance(year, Reply):
        return [year]
    # One official report per plan: with several plans followed and none named, the person picks one.
    return await choose_plan(ctx, "duthao", year, plans)


@router.command("xuat", "export", roles=READERS, in_groups=True,
                help=N_("Bảng Excel cả năm: mọi kỳ báo cáo và báo cáo mới nhất: /xuat [năm] [kế hoạch]"))
async def export(ctx: Context, args: str) -> list[Reply]:
    plans, rest = ctx.catalog.split_plan(args)  # "/xuat 2026 chuyển đổi số"
    year = parse_year(ctx, rest, "xuat")
    if isinstance(year, Reply):
        return [year]
    if not plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp."))]
    # Every plan followed that ran that year, a workbook each (a plan's sheets compare it with its own year
    # before and its own targets); a plan named narrows to it.
    running = [p for p in plans if _outside(p, year) is None]
    if not running:
        return [r for r in (_outside(p, year) for p in plans[:1]) if r is not None]
    if ctx.incoming.channel == "zalo":
        return await _export_of(ctx, running[0], year)
    replies: list[Reply] = []
    for plan in running:
        replies += await _export_of(ctx, plan, year)
    return replies


@on_plan("duthao")
async def _draft_of(ctx: Context, plan: Plan, year: int) -> list[Reply]:
    if (outside := _outside(plan, year)) is not None:
        return [outside]
    # The summary reads the year here (cheap: one province's periods); the port reads it again to draft, so
    # that the port keeps one simple shape for chat and command line alike.
    data = await year_data(ctx.session, plan, year, ctx.today)
    text = summary(data)
    if ctx.incoming.channel == "zalo":
        return [Reply(text + "\n\n" + _("Zalo chưa nhận được tệp qua bot. Lấy tệp Word (.docx): gõ /duthao {year} trên "
                                        "Telegram, hoặc nhờ quản trị viên chạy `nhacviec draft --year {year} --out "
                                        "baocao-{year}.docx`.").format(year=year))]
    assert ctx.exports is not None, "the composition root gives the dispatcher its exports"
    await ctx.release()
    return [Reply(text, attachment=await ctx.exports.draft(ctx.session, plan, year, ctx.now))]


@on_plan("xuat")
async def _export_of(ctx: Context, plan: Plan, year: int) -> list[Reply]:
    if (outside := _outside(plan, year)) is not None:
        return [outside]
    if ctx.incoming.channel == "zalo":
        return [Reply(_("Zalo chưa nhận được tệp Excel qua bot. Vui lòng dùng /xuat {year} trên Telegram, hoặc nhờ "
                        "quản trị viên chạy `nhacviec export --year {year} --xlsx tonghop-{year}.xlsx`.").format(
            year=year))]
    assert ctx.exports is not None, "the composition root gives the dispatcher its exports"
    await ctx.release()
    return [Reply(_("Bảng tổng hợp năm {year} — {plan}: mọi kỳ báo cáo có số liệu kết thúc trong năm, với báo cáo "
                    "mới nhất của từng đơn vị.").format(year=year, plan=plan.short or plan.code),
                  attachment=await ctx.exports.workbook(ctx.session, plan, ctx.now, year))]


def summary(data: Year) -> str:
    """The draft in a few lines: what a leader reads on a phone, and all Zalo gets."""
    plan, rate = data.plan, data.rate
    lines = [_("📝 Dự thảo báo cáo năm {year} — {plan}").format(year=data.year, plan=plan.short or plan.code)]
    if rate.owed:
        lines.append(_("Báo cáo đã đến hạn: đã nhận {reported}/{owed} ({percent}%), nộp muộn {late}.").format(
            reported=rate.reported, owed=rate.owed, percent=rate.percent, late=rate.late))
    else:
        lines.append(_("Chưa có báo cáo nào của năm {year} đến hạn.").format(year=data.year))
    before = data.previous_rate
    if before is not None:
        lines.append(_("Năm {year}: {reported}/{owed} ({percent}%).").format(
            year=data.year - 1, reported=before.reported, owed=before.owed, percent=before.percent))
    missing = sorted({e.obligation.unit_name for e in data.entries if e.state is State.overdue})
    if missing:
        shown = ", ".join(missing[:10]) + (_(" và {n} đơn vị khác").format(n=len(missing) - 10)
                                           if len(missing) > 10 else "")
        lines.append(_("Chưa báo cáo ({n} đơn vị): {units}.").format(n=len(missing), units=shown))
    obstacles = sum(1 for e in data.entries if e.report and e.report.obstacles.strip())
    proposals = sum(1 for e in data.entries if e.report and e.report.proposals.strip())
    lines.append(_("Vướng mắc được nêu: {obstacles} báo cáo; đề xuất: {proposals} báo cáo.").format(
        obstacles=obstacles, proposals=proposals))
    lines.append(_("Số báo cáo, phương hướng năm tới, nơi nhận và người ký: văn thư, chuyên viên hoàn thiện."))
    return "\n".join(lines)
