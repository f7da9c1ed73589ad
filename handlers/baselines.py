"""/nhapso: a coordinator enters a target's figure for a year before the bot followed the plan.

"/nhapso DN_HO_TRO 2021 8 Báo cáo 45/BC-SKHCN ngày 20/12/2021": target, year, figure, then where the figure
comes from (required). Without words it lists what was entered and how to write it. The rules (which years,
what replaces what) are models/baselines.py's; the digest counts these figures and marks them as entered by
hand.
"""

from __future__ import annotations

from decimal import Decimal

from handlers.core import STAFF, Context, Router
from locales import N_, _, format_number
from models.baselines import BaselineError, baselines_of, enter, find_target, read_value, targets_of, years_open
from models.chat import Reply
from models.rules.period_words import read_period
from models.rules.periods import Every
from models.store.tables import Plan
from models.wording import short

router = Router()


def _example(plan: Plan) -> str:
    years = years_open(plan)
    year = years[0] if years else plan.start.year
    return _("/nhapso DN_HO_TRO {year} 8 Báo cáo 45/BC-SKHCN ngày 20/12/{year}").format(year=year)


def _usage(plan: Plan) -> str:
    return _("Cách ghi: /nhapso <mục tiêu> <năm> <số liệu> <nguồn số liệu>, ví dụ: {example}").format(
        example=_example(plan))


def _figure(value: Decimal, measure: str) -> str:
    return f"{format_number(value.normalize())} {measure}".strip()


@router.command("nhapso", "baseline", roles=STAFF,
                help=N_("Nhập số liệu của mục tiêu các năm trước khi bot theo dõi: /nhapso <mục tiêu> <năm> <số> "
                        "<nguồn>"))
async def baseline(ctx: Context, args: str) -> list[Reply]:
    if not ctx.plans:
        return [Reply(_("Chưa có kế hoạch nào được nạp."))]
    words = args.split()
    # The plan is found by the target's code; a coordinator of several plans names the plan first.
    by_code = [p for p in ctx.plans if words and find_target(await targets_of(ctx.session, p), words[0])]
    if not by_code and words:
        named, rest = ctx.catalog.split_plan(args)
        if len(named) == 1 and rest != args:
            return await _entry(ctx, named[0], rest.split())
    if len(by_code) > 1:
        return [Reply(_("Mục tiêu {code} có trong nhiều kế hoạch; ghi tên kế hoạch trước, ví dụ: /nhapso KH 3064 "
                        "{code} …").format(code=words[0]))]
    if not words:
        return [Reply(await _listing(ctx, plan)) for plan in ctx.plans]
    return await _entry(ctx, by_code[0] if by_code else ctx.plans[0], words)


async def _entry(ctx: Context, plan: Plan, words: list[str]) -> list[Reply]:
    if not words:
        return [Reply(await _listing(ctx, plan))]
    read = read_period(words[1:])
    if read is None or read.period.every != Every.year or len(words) < 3 + read.words_used:
        return [Reply(_("Chưa đủ: cần mục tiêu, năm, số liệu và nguồn số liệu.") + "\n" + _usage(plan))]
    value_word = words[1 + read.words_used]
    source = " ".join(words[2 + read.words_used:])
    try:
        entered = await enter(ctx.session, plan, target_code=words[0], year=int(read.period.key),
                              value=read_value(value_word), source_note=source, entered_by=ctx.actor,
                              member_id=ctx.member_id, now=ctx.now)
    except BaselineError as error:
        return [Reply(str(error) + "\n" + _usage(plan))]
    target, row = entered.target, entered.baseline
    text = _("Đã ghi số liệu nhập tay: {code} năm {year} = {figure} (nguồn: {source}).").format(
        code=target.code, year=row.year, figure=_figure(Decimal(row.value), target.measure), source=row.source_note)
    if entered.replaced is not None:
        text += " " + _("Thay số đã ghi trước: {figure}.").format(figure=_figure(entered.replaced, target.measure))
    text += "\n" + _("Bản tin tuần và bảng Excel tính số này, ghi rõ là số liệu nhập tay.")
    return [Reply(text)]


async def _listing(ctx: Context, plan: Plan) -> str:
    rows = await baselines_of(ctx.session, plan)
    lines = [_("Số liệu nhập tay — {plan}").format(plan=plan.short or plan.code)]
    lines += [f"• {t.code} {b.year}: {_figure(Decimal(b.value), t.measure)} — {short(b.source_note, 80)}"
              for t, b in rows] or [_("Chưa có số liệu nào được nhập tay.")]
    years = years_open(plan)
    if years:
        lines.append(_("Nhập được các năm {first}–{last} (trước khi bot theo dõi kế hoạch).").format(
            first=years[0], last=years[-1]))
    targets = await targets_of(ctx.session, plan)
    lines.append(_("Mục tiêu: {codes}.").format(codes=", ".join(t.code for t in targets) or "–"))
    lines.append(_usage(plan))
    return "\n".join(lines)
