"""Evidence files: a focal point sends a document or photo (on the console `/dinhkem PATH`), and it goes onto
the report they filed; a coordinator gets a report's files back with /tep.

Where a file goes: onto the report the guided dialogue just filed (its last step offers it), else onto the
latest report version the sender filed — when they filed several in the last 24 hours, they are asked which
(numbered) — else it is kept as a draft attachment for their next report, and they are told so. A refused
file (type, 20 MB) leaves nothing behind: it is checked before anything is written (models/evidence.py).
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from handlers.core import READERS, REPORTERS, Context, Router
from locales import N_, _, format_number
from models.chat import Attachment, FileTooBig, FileUnavailable, IncomingFile, Reply
from models.evidence import (
    ALLOWED,
    MAX_BYTES,
    FileStore,
    Refusal,
    as_it_is,
    attach,
    drafts_to_report,
    extension,
    filed_by,
    files_of,
    mime_of,
    on_report,
    record_file,
    refusal_after,
    refusal_before,
    unit_reports,
)
from models.obligations import FAR_FUTURE, obligations
from models.rules.period_words import read_period
from models.rules.text import fold
from models.store.audit import record
from models.store.tables import Evidence, Period, Report, Role
from models.wording import period_of, short

router = Router()
FLOW = "evidence"
OFFER, WHICH = "offer", "which"  # the guided report's last step; the choice among recent reports
SKIP = {"bo qua", "khong", "khong co", "skip", "none", "-", "huy", "cancel"}
TEP_USAGE = N_("Viết: /tep <đơn vị> <mã nhiệm vụ> [kỳ], ví dụ /tep SCT II.3 hoặc /tep SCT II.3 năm 2025.")


def _store(ctx: Context) -> FileStore | None:
    return FileStore(ctx.config.files_dir) if ctx.config.files_dir is not None else None


def _megabytes(size: int) -> str:
    return format_number((Decimal(size) / (1024 * 1024)).quantize(Decimal("0.1")))


def _size(size: int) -> str:
    """"2,4 MB", or "35 KB" for what is under a megabyte."""
    if size < 1024 * 1024:
        return f"{format_number(max(1, round(size / 1024)))} KB"
    return f"{_megabytes(size)} MB"


def _refused(refusal: Refusal, file: IncomingFile, size: int | None) -> Reply:
    name = short(file.name, 60)
    if refusal == Refusal.too_big:
        if size:
            return Reply(_("Tệp “{name}” lớn {size} MB, vượt giới hạn 20 MB nên bot chưa nhận; chưa có gì được lưu. "
                           "Vui lòng nén hoặc chia nhỏ tệp rồi gửi lại.").format(name=name, size=_megabytes(size)))
        return Reply(_("Tệp “{name}” vượt giới hạn 20 MB nên bot chưa nhận; chưa có gì được lưu. Vui lòng nén hoặc "
                       "chia nhỏ tệp rồi gửi lại.").format(name=name))
    if refusal == Refusal.not_what_it_says:
        return Reply(_("Tệp “{name}” có đuôi .{ext} nhưng nội dung không phải tệp .{ext}, nên bot chưa nhận; chưa có "
                       "gì được lưu. Vui lòng kiểm tra lại tệp rồi gửi lại.").format(
            name=name, ext=extension(file.name, file.mime)))
    return Reply(_("Tệp “{name}” không thuộc loại bot nhận, nên chưa có gì được lưu. Bot nhận tệp {allowed} (tối đa "
                   "20 MB); vui lòng chuyển sang một trong các dạng đó rồi gửi lại.").format(
        name=name, allowed=ALLOWED))


async def _describe(ctx: Context, reports: list[Report]) -> dict[int, str]:
    """"II.3 · năm 2025 (SCT, bản 2)" for each report."""
    found = await obligations(ctx.session, [p.id for p in ctx.plans], due_from=date.min, due_to=FAR_FUTURE,
                              as_of=ctx.today, assignment_ids=sorted({r.assignment_id for r in reports}),
                              period_ids=sorted({r.period_id for r in reports})) if ctx.plans else []
    by_pair = {(o.assignment_id, o.period_id): o for o in found}
    named = {}
    for report in reports:
        o = by_pair.get((report.assignment_id, report.period_id))
        what = f"{o.task_code} · {period_of(o)} ({o.unit_code}" if o else f"#{report.id} ("
        named[report.id] = what + ", " + _("bản {n}").format(n=report.version) + ")"
    return named


def _own(ctx: Context, reports: list[Report]) -> list[Report]:
    """A focal point's files go onto their own unit's reports only (a coordinator's onto any)."""
    if Role.coordinator in ctx.identity.roles:
        return reports
    units = {a.id: a.unit_id for t in ctx.catalog.tasks.values() for a in t.assignments}
    return [r for r in reports if units.get(r.assignment_id) in ctx.identity.focal_units]


@router.file(roles=REPORTERS)
async def received(ctx: Context, file: IncomingFile) -> list[Reply]:
    store = _store(ctx)
    if store is None or ctx.files is None:
        return [Reply(_("Bot chưa được cấu hình để nhận tệp trên kênh này; chưa có gì được lưu. Vui lòng báo quản "
                        "trị viên."))]
    refusal = refusal_before(file.name, file.mime, file.size)
    if refusal is not None:
        return [_refused(refusal, file, file.size)]
    try:
        content = await ctx.files.fetch(file, MAX_BYTES)
    except FileTooBig:
        return [_refused(Refusal.too_big, file, None)]
    except FileUnavailable:
        return [Reply(_("Bot không tải được tệp “{name}” từ kênh chat; chưa có gì được lưu. Vui lòng gửi lại sau ít "
                        "phút.").format(name=short(file.name, 60)))]
    name, mime = as_it_is(file.name, file.mime, content)
    file = IncomingFile(file_id=file.file_id, name=name, mime=mime, size=file.size)
    refusal = refusal_after(file.name, file.mime, content)
    if refusal is not None:
        return [_refused(refusal, file, len(content))]
    sha256 = await asyncio.to_thread(store.put, content)
    row = await record_file(ctx.session, sha256=sha256, name=file.name, mime=mime_of(file.name, file.mime),
                            size=len(content), member_id=ctx.member_id, channel=ctx.incoming.channel, report_id=None,
                            at=ctx.now)
    await record(ctx.session, ctx.actor, "evidence.receive", "evidence", row.id,
                 {"name": file.name, "sha256": sha256, "size": len(content)}, member_id=ctx.member_id)
    reports = _own(ctx, await filed_by(ctx.session, ctx.member_id or 0, now=ctx.now))
    conversation = await ctx.load_conversation()
    if conversation is not None and conversation.flow == FLOW:
        # A file answers the guided report's last step; sent while the bot asks where an earlier file goes, it
        # leaves that one a draft.
        await ctx.end_flow()
        # The step offered the report just filed: unless another was filed since, the file goes there unasked.
        if conversation.step == OFFER and reports and reports[0].id == int(conversation.data["report"]):
            return [await _onto(ctx, row, reports[0])]
    if not reports:
        return [Reply(_("📎 Đã lưu tệp “{name}”. Anh/chị chưa gửi báo cáo nào nên tệp được giữ làm tệp nháp và sẽ "
                        "được đính kèm vào báo cáo tiếp theo anh/chị gửi.").format(name=short(file.name, 60)))]
    if len(reports) == 1:
        return [await _onto(ctx, row, reports[0])]
    reports = reports[:9]
    await ctx.start_flow(FLOW, WHICH, {"evidence": row.id, "choices": [r.id for r in reports]})
    return [await _ask_which(ctx, reports)]


async def _onto(ctx: Context, row: Evidence, report: Report) -> Reply:
    named = (await _describe(ctx, [report]))[report.id]
    if await on_report(ctx.session, report.id, row.sha256) is not None:
        await ctx.session.delete(row)  # the same content is on this report already: one copy is enough
        return Reply(_("Tệp “{name}” đã có trong báo cáo {report}; không lưu thêm.").format(
            name=short(row.name, 60), report=named))
    await attach(ctx.session, row.id, report.id)
    return Reply(_("📎 Đã đính kèm “{name}” vào báo cáo {report}.").format(name=short(row.name, 60), report=named))


async def _ask_which(ctx: Context, reports: list[Report]) -> Reply:
    named = await _describe(ctx, reports)
    options = tuple(ctx.option(f"{n}. {named[r.id]}", f"e:{n - 1}") for n, r in enumerate(reports, start=1))
    return Reply(_("Anh/chị đã gửi {n} báo cáo trong 24 giờ qua. Đính kèm tệp vào báo cáo nào? (bấm nút hoặc gõ số "
                   "thứ tự; gõ Bỏ qua để giữ tệp cho báo cáo tiếp theo)").format(n=len(reports)), options)


async def offer(ctx: Context, report_id: int) -> Reply:
    """The guided report's last step, once the report is filed: a file now goes onto it."""
    await ctx.start_flow(FLOW, OFFER, {"report": report_id})
    return Reply(_("📎 Tệp minh chứng (ảnh, PDF…) — gửi tệp hoặc Bỏ qua."), (ctx.option(_("Bỏ qua"), "skip"),),
                 numbered=False)


async def carry_drafts(ctx: Context, report_id: int) -> str:
    """The sender's draft attachments go onto the report just filed: the line that says so, or ""."""
    if ctx.member_id is None:
        return ""
    moved = await drafts_to_report(ctx.session, ctx.member_id, report_id)
    return _("📎 Đã đính kèm {n} tệp anh/chị gửi trước đó vào báo cáo này.").format(n=moved) if moved else ""


@router.flow(FLOW)
async def step(ctx: Context, text: str, choice: str | None) -> list[Reply]:
    assert ctx.conversation is not None
    data = ctx.conversation.data
    skipped = choice == "skip" or " ".join(fold(w) for w in text.lower().split()) in SKIP
    if ctx.conversation.step == OFFER:
        if skipped:
            await ctx.end_flow()
            return [Reply(_("Xong; báo cáo được gửi không kèm tệp. Anh/chị vẫn có thể gửi tệp sau."))]
        if text.strip() and ctx.plain is not None:  # not an answer to this optional step: the step ends
            await ctx.end_flow()
            return await ctx.plain(ctx, text)
        return [Reply(_("Bước này chờ tệp minh chứng: gửi ảnh hoặc tệp (PDF, Word, Excel), hoặc bấm Bỏ qua.")),
                await offer(ctx, int(data["report"]))]
    choices = [int(i) for i in data.get("choices", [])]
    index = None
    if choice and choice.startswith("e:") and choice[2:].isdigit():
        index = int(choice[2:])
    elif text.strip().isdigit():
        index = int(text.strip()) - 1
    kept = Reply(_("Tệp được giữ làm tệp nháp và sẽ được đính kèm vào báo cáo tiếp theo anh/chị gửi."))
    if skipped:
        await ctx.end_flow()
        return [kept]
    if index is None and text.strip() and ctx.plain is not None:  # something else than an answer: handled as such
        await ctx.end_flow()
        return [kept, *await ctx.plain(ctx, text)]
    reports = [r for r in [await ctx.session.get(Report, i) for i in choices] if r is not None]
    if index is None or not 0 <= index < len(reports):
        ctx.save_flow(WHICH, data)
        return [Reply(_("Chưa rõ báo cáo nào. Gõ số thứ tự từ 1 đến {n}, hoặc Bỏ qua.").format(n=len(reports))),
                await _ask_which(ctx, reports)]
    row = await ctx.session.get(Evidence, int(data["evidence"]))
    await ctx.end_flow()
    if row is None or row.report_id is not None:
        return [Reply(_("Tệp này đã được xử lý rồi."))]
    return [await _onto(ctx, row, reports[index])]


@router.command("dinhkem", "attach", roles=REPORTERS, help=N_("Đính kèm tệp minh chứng: gửi tệp ngay sau báo cáo"),
                menu=False)
async def attach_command(ctx: Context, args: str) -> list[Reply]:
    """On the console the channel turns `/dinhkem PATH` into a file; elsewhere a file is simply sent."""
    if ctx.incoming.channel == "console":
        return [Reply(_("Viết: /dinhkem ĐƯỜNG-DẪN-TỆP, ví dụ /dinhkem ~/bao-cao-quy-4.pdf"))]
    return [Reply(_("Để đính kèm tệp minh chứng, gửi tệp (PDF, Word, Excel) hoặc ảnh cho bot ngay sau khi báo "
                    "cáo; bot đính kèm vào báo cáo anh/chị vừa gửi."))]


# --- /tep: a coordinator gets a report's files ------------------------------------------------------


@router.command("tep", "files", roles=READERS, help=N_("Tệp minh chứng của một báo cáo: /tep <đơn vị> <nhiệm vụ> [kỳ]"))
async def files(ctx: Context, args: str) -> list[Reply]:
    words = args.split()
    at = next((n for n, w in enumerate(words) if ctx.catalog.is_task_key(w.strip(",;:"))), None)
    if at is None or at == 0:
        return [Reply(_(TEP_USAGE))]
    units = ctx.catalog.find_units(" ".join(words[:at]), on=ctx.today)
    tasks = ctx.catalog.find_tasks(words[at].strip(",;:"))
    if len(units) != 1:
        return [Reply(_("Không xác định được đơn vị “{text}”. {usage}").format(text=short(" ".join(words[:at]), 60),
                                                                            usage=_(TEP_USAGE)))]
    rest = words[at + 1:]
    period = read_period(rest) if rest else None
    if rest and (period is None or period.words_used < len(rest)):  # /tep has no comment after the period
        return [Reply(_("“{text}” không phải một kỳ báo cáo. {usage}").format(text=short(" ".join(rest), 40),
                                                                           usage=_(TEP_USAGE)))]
    reports = [r for t in tasks for r in await unit_reports(ctx.session, units[0].id, t.id)]
    if period is not None:
        keys = {r.period_id: (await ctx.session.get(Period, r.period_id)) for r in reports}
        reports = [r for r in reports if (p := keys[r.period_id]) is not None and p.key == period.period.key]
    if not reports:
        return [Reply(_("{unit} chưa có báo cáo nào cho nhiệm vụ {task}{period}.").format(
            unit=units[0].name, task=words[at], period=" " + " ".join(rest) if rest else ""))]
    report = reports[0]
    named = (await _describe(ctx, [report]))[report.id]
    found = await files_of(ctx.session, report.assignment_id, report.period_id)
    if not found:
        return [Reply(_("Báo cáo {report} không kèm tệp minh chứng nào.").format(report=named))]
    return await _deliver(ctx, named, found)


async def _deliver(ctx: Context, named: str, found: list[Evidence]) -> list[Reply]:
    """The files as documents (Telegram), as their paths (console), as a list of names (Zalo takes no files)."""
    store = _store(ctx)
    head = _("📎 Tệp minh chứng của báo cáo {report}: {n} tệp.").format(report=named, n=len(found))
    if store is None or ctx.incoming.channel == "zalo":
        lines = [head, *(f"{n}. {e.name} ({_size(e.size)})" for n, e in enumerate(found, start=1))]
        if ctx.incoming.channel == "zalo":
            lines.append(_("Zalo không nhận tệp từ bot: mở tệp trên Telegram hoặc trang theo dõi."))
        return [Reply("\n".join(lines))]
    if ctx.incoming.channel == "console":
        return [Reply("\n".join([head, *(f"{n}. {e.name}: {store.path(e.sha256)}"
                                         for n, e in enumerate(found, start=1))]))]
    replies = [Reply(head)]
    for evidence in found:
        try:
            content = await asyncio.to_thread(store.read, evidence.sha256)
        except OSError:
            replies.append(Reply(_("Không đọc được tệp “{name}” trong kho lưu; vui lòng báo quản trị viên.").format(
                name=evidence.name)))
            continue
        replies.append(Reply("", attachment=Attachment(evidence.name, content, evidence.mime, caption=evidence.name,
                                                       as_file=True)))
    return replies
