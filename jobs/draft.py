"""The consolidated report ("Báo cáo") drafted from what the units sent: a year's data (models/annual.py)
→ an `OfficialReport` (jobs/render/document.py), which jobs/render/docx.py writes in the NĐ 30 form.

Sections I–III hold only what the units reported, quoted and attributed (unit, period, version), and
figures computed from it; a unit that did not report is named as such, and a section with nothing to
quote says so. Section IV, the report's number, the other recipients and the signer are left to the
clerk, highlighted. The document is written in Vietnamese whatever language the person who asked for it
uses: it goes to Vietnamese authorities.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from jobs.draft_appendix import status_appendix, targets_appendix
from jobs.draft_text import (
    attribution,
    previous_sentence,
    province,
    rate_sentence,
    result_phrase,
    review_mark,
    target_sentence,
    units_list,
    with_measure,
)
from jobs.render.document import Block, OfficialReport, Paragraph, Quote, Run, Style
from locales import _, format_date, use_locale
from models.annual import Entry, State, TaskFacts, Year
from models.store.tables import ReportStatus

H1, H2, H3, BULLET = Style.HEADING1, Style.HEADING2, Style.HEADING3, Style.BULLET
LETTERS = "abcdefghiklmnopqrstuvxy"  # Vietnamese lists skip j, w and z


def build(data: Year, *, today: date, place: str = "", locale: str = "vi") -> OfficialReport:
    """The draft of `data`'s yearly report, dated `today`; `place` overrides the one read from the plan."""
    with use_locale(locale):
        parent, issuer = _issuer(data)
        plan = data.plan
        return OfficialReport(
            issuer_parent=parent, issuer=issuer, symbol=f"BC-{plan.coordinator_code}",
            place=place or province(plan) or "…", date=today,
            summary=_("Kết quả thực hiện {plan} năm {year}").format(plan=plan.title, year=data.year),
            recipients=plan.report_to or (_("Ủy ban nhân dân tỉnh"),),
            body=tuple(_body(data)),
            appendices=(status_appendix(data), targets_appendix(data)),
            distribution=(_("Như trên"), Run(text=_("[Nơi nhận khác, nếu có]"), placeholder=True),
                          Run(text=_("Lưu: VT, …"), placeholder=True)),
        )


def _issuer(data: Year) -> tuple[str, str]:
    """(parent body, issuing body) from the plan file's `issuer`; without it, the coordinator under the
    province's People's Committee."""
    lines = [line for line in data.plan.issuer if line.strip()]
    if len(lines) >= 2:
        return lines[0], lines[-1]
    if lines:
        return "", lines[0]
    where = province(data.plan)
    parent = _("UBND TỈNH {province}").format(province=where.upper()) if where else _("UBND TỈNH …")
    return parent, data.plan.coordinator_name.upper()


def _body(data: Year) -> Iterator[Block]:
    plan, year = data.plan, data.year
    yield Paragraph.of(_("Thực hiện Quyết định số {decision} ngày {issued} ban hành {title}; trên cơ sở báo cáo của "
                         "các cơ quan, đơn vị, {coordinator} báo cáo kết quả thực hiện năm {year} như sau:").format(
        decision=plan.decision, issued=format_date(plan.issued), title=plan.title,
        coordinator=plan.coordinator_name, year=year))
    yield Paragraph.of(_("I. KẾT QUẢ THỰC HIỆN"), H1)
    yield from _reporting(data)
    yield from _tasks(data)
    yield from _targets(data)
    yield Paragraph.of(_("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"), H1)
    yield from _obstacles(data)
    yield Paragraph.of(_("III. ĐỀ XUẤT, KIẾN NGHỊ"), H1)
    yield from _proposals(data)
    yield Paragraph.of(_("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {year}").format(year=year + 1), H1)
    yield Paragraph.of(_("[Phương hướng, nhiệm vụ năm {year}: do chuyên viên soạn]").format(year=year + 1),
                       placeholder=True)
    recipients = plan.report_to or (_("Ủy ban nhân dân tỉnh"),)
    yield Paragraph.of(_("Trên đây là báo cáo kết quả thực hiện Kế hoạch năm {year} của {coordinator}, kính báo cáo "
                         "{recipients}.").format(year=year, coordinator=plan.coordinator_name,
                                                 recipients=_(" và ").join(recipients)))


# --- I. Kết quả thực hiện ---------------------------------------------------------------------------


def _reporting(data: Year) -> Iterator[Block]:
    yield Paragraph.of(_("1. Tình hình báo cáo của các cơ quan, đơn vị"), H2)
    yield Paragraph.of(rate_sentence(data))
    missing = [e for e in data.entries if e.state is State.overdue]
    if missing:
        yield Paragraph(runs=(Run(text=_("Chưa báo cáo ({n}): ").format(n=len(missing))),
                              Run(text=units_list(missing, with_tasks=True), bold=True), Run(text=".")),
                        style=BULLET)
    if waiting := [e for e in data.entries if e.state is State.not_due]:
        yield Paragraph.of(_("Chưa đến hạn ({n}): {units}.").format(n=len(waiting),
                                                                      units=units_list(waiting, with_tasks=True)),
                           BULLET)
    if untracked := [e for e in data.entries if e.state is State.not_followed]:
        yield Paragraph.of(_("{n} báo cáo có hạn trước ngày {day}, ngày bắt đầu theo dõi trên hệ thống, không được "
                             "tính.").format(n=len(untracked), day=format_date(data.plan.track_from)), BULLET)
    yield Paragraph.of(previous_sentence(data), BULLET)
    yield Paragraph.of(_("Chi tiết tại Phụ lục I."))


def _groups(data: Year) -> list[tuple[str, list[TaskFacts]]]:
    """The plan's tasks by part of the plan (II, III, IV … of `Task.section`), in the plan's order."""
    groups: dict[str, list[TaskFacts]] = {}
    for task in data.tasks:
        groups.setdefault(task.section.split(".")[0].strip() if task.section else "", []).append(task)
    return list(groups.items())


def _tasks(data: Year) -> Iterator[Block]:
    yield Paragraph.of(_("2. Kết quả thực hiện các nhiệm vụ"), H2)
    without: list[str] = []
    for letter, (part, tasks) in zip(LETTERS, _groups(data), strict=False):
        heading = (_("Các nhiệm vụ tại mục {part} của Kế hoạch").format(part=part) if part
                   else _("Các nhiệm vụ khác"))
        yield Paragraph.of(f"{letter}) {heading}", H3)
        shown = False
        for task in tasks:
            entries = data.of_task(task.id)
            if not entries:
                without.append(task.code)
                continue
            shown = True
            yield from _task(data, task, entries)
        if not shown:
            yield Paragraph.of(_("Không có kỳ báo cáo nào trong năm {year}.").format(year=data.year))
    if without:
        yield Paragraph.of(_("Các nhiệm vụ không có kỳ báo cáo trong năm {year}: {codes}.").format(
            year=data.year, codes=", ".join(without)))


def _task(data: Year, task: TaskFacts, entries: list[Entry]) -> Iterator[Block]:
    yield Paragraph(runs=(Run(text=f"{task.code}. {task.title}", bold=True),))
    filed = [e for e in entries if e.report is not None]
    for entry in filed:
        assert entry.report is not None
        result = result_phrase(entry, data.indicators)
        if entry.report.note.strip():
            yield Paragraph.of(f"{entry.obligation.unit_name}: {result}.", BULLET)
            yield Quote(text=entry.report.note, source=attribution(entry), mark=review_mark(data.plan, entry))
        else:  # nothing to quote: the figures alone, and which report they are from
            source = attribution(entry)
            if mark := review_mark(data.plan, entry):
                source = f"{source}; {mark}"
            yield Paragraph.of(_("{unit}: {result}; không nêu nội dung kết quả ({source}).").format(
                unit=entry.obligation.unit_name, result=result, source=source), BULLET)
    yield from _totals(data, task, entries)
    if missing := [e for e in entries if e.state is State.overdue]:
        yield Paragraph(runs=(Run(text=_("Chưa báo cáo: ")), Run(text=units_list(missing), bold=True),
                              Run(text=".")), style=BULLET)
    if waiting := [e for e in entries if e.state is State.not_due]:
        yield Paragraph.of(_("Chưa đến hạn báo cáo: {units}.").format(units=units_list(waiting)), BULLET)
    if untracked := [e for e in entries if e.state is State.not_followed]:
        yield Paragraph.of(_("Không theo dõi trên hệ thống (hạn trước ngày {day}): {units}.").format(
            day=format_date(data.plan.track_from), units=units_list(untracked)), BULLET)


def _totals(data: Year, task: TaskFacts, entries: list[Entry]) -> Iterator[Block]:
    """The units' figures added up where they add up (counts, amounts; not rates), with the year before:
    said when several units reported one, or when there is a previous year to compare with."""
    counted = [e for e in entries if e.reported]
    before = [e for e in data.previous if e.obligation.task_id == task.id and e.reported]
    for indicator in data.indicators:
        having = [e.values[indicator.code] for e in counted if indicator.code in e.values]
        earlier = [e.values[indicator.code] for e in before if indicator.code in e.values]
        if not indicator.summable or not having or (len(having) < 2 and not earlier):
            continue
        text = _("Tổng {name} theo báo cáo của {n} đơn vị: {value}").format(
            name=indicator.name[:1].lower() + indicator.name[1:],
            n=len({e.obligation.unit_id for e in counted if indicator.code in e.values}),
            value=with_measure(sum(having, Decimal(0)), indicator.measure))
        if earlier:
            text += _(" (năm {year}: {value})").format(year=data.year - 1,
                                                       value=with_measure(sum(earlier, Decimal(0)), indicator.measure))
        yield Paragraph.of(text + ".", BULLET)


def _targets(data: Year) -> Iterator[Block]:
    yield Paragraph.of(_("3. Kết quả thực hiện các mục tiêu của Kế hoạch"), H2)
    if not data.targets:
        yield Paragraph.of(_("Kế hoạch không đặt mục tiêu định lượng."))
        return
    yield Paragraph.of(_("Theo số liệu các cơ quan, đơn vị báo cáo (chi tiết tại Phụ lục II):"))
    for target in data.targets:
        yield Paragraph.of(target_sentence(target, data), BULLET)


# --- II, III: what the units raised -----------------------------------------------------------------


def _raised(data: Year, field: str) -> Iterator[tuple[TaskFacts, list[Entry]]]:
    for task in data.tasks:
        entries = [e for e in data.of_task(task.id) if e.report is not None and getattr(e.report, field).strip()]
        if entries:
            yield task, entries


def _obstacles(data: Year) -> Iterator[Block]:
    found = False
    for task, entries in _raised(data, "obstacles"):
        found = True
        yield Paragraph(runs=(Run(text=f"{task.code}. {task.short_title or task.title}:", bold=True),))
        for entry in entries:
            assert entry.report is not None
            yield Quote(text=entry.report.obstacles, source=attribution(entry), mark=review_mark(data.plan, entry))
    blocked = [e for e in data.entries if e.report is not None and e.report.status == ReportStatus.blocked
               and not e.report.obstacles.strip()]
    for entry in blocked:
        found = True
        yield Paragraph.of(_("{unit} báo cáo nhiệm vụ {task} “Gặp vướng mắc” nhưng không nêu cụ thể ({source}).")
                           .format(unit=entry.obligation.unit_name, task=entry.obligation.task_code,
                                   source=attribution(entry)), BULLET)
    if not found:
        yield Paragraph.of(_("Các cơ quan, đơn vị không nêu khó khăn, vướng mắc trong các báo cáo năm {year}.").format(
            year=data.year))
    rate = data.rate
    if rate.missing or rate.late:
        yield Paragraph.of(_("Về chế độ báo cáo: {missing} báo cáo đã đến hạn chưa được gửi, {late} báo cáo nộp muộn "
                             "(chi tiết tại Phụ lục I).").format(missing=rate.missing, late=rate.late))


def _proposals(data: Year) -> Iterator[Block]:
    found = False
    for task, entries in _raised(data, "proposals"):
        found = True
        yield Paragraph(runs=(Run(text=f"{task.code}. {task.short_title or task.title}:", bold=True),))
        for entry in entries:
            assert entry.report is not None
            yield Quote(text=entry.report.proposals, source=attribution(entry), mark=review_mark(data.plan, entry))
    if not found:
        yield Paragraph.of(_("Các cơ quan, đơn vị không có đề xuất, kiến nghị trong các báo cáo năm {year}.").format(
            year=data.year))
