"""What `nhacviec run` says when it starts: one line per plan and reorganisation loaded, and where to
look. Short on purpose: the first command a newcomer runs must show what runs, not a hundred changes
(`plan load … --dry-run` and `reorg load … --dry-run` list them before a file is loaded)."""

from __future__ import annotations

from collections.abc import Sequence

from locales import _
from models.planfiles.changes import LoadResult, summarise


def loaded(results: Sequence[LoadResult]) -> list[str]:
    """One line per file `bot.root.prepare` loaded: each plan, then each reorganisation."""
    return [reorg_line(r) if r.kind == "reorg" else plan_line(r) for r in results]


def plan_line(result: LoadResult) -> str:
    summary = summarise(result.changes)
    if not result.changed:
        return _("Kế hoạch {code}: đã nạp, không có thay đổi.").format(code=result.code)
    if "add" in summary.get("plan", {}):  # the first load
        return _("Kế hoạch {code}: đã nạp, {units} đơn vị, {tasks} nhiệm vụ.").format(
            code=result.code, units=summary.get("unit", {}).get("add", 0),
            tasks=summary.get("task", {}).get("add", 0))
    return _("Kế hoạch {code}: đã cập nhật, {n} thay đổi — xem `nhacviec plan show --plan {code}`.").format(
        code=result.code, n=len(result.changes))


def reorg_line(result: LoadResult) -> str:
    if not result.changed:
        return _("Sắp xếp tổ chức {code}: đã áp dụng trước đó, không có thay đổi.").format(code=result.code)
    # After loading, `reorg load --dry-run` has nothing left to show: the plan as it now stands tells more.
    return _("Đã áp dụng {code}: {n} thay đổi — xem `nhacviec plan show` và `nhacviec units history MÃ`.").format(
        code=result.code, n=len(result.changes))


def no_channel() -> str:
    return _("Chưa cấu hình kênh chat (NHACVIEC_TELEGRAM_TOKEN, NHACVIEC_ZALO_TOKEN): bot chạy trang theo dõi và "
             "nhắc việc; tin gửi tài khoản console được ghi vào nhật ký. Thử trò chuyện: `nhacviec chat --as "
             "focal:SCT`.")


def where_to_look(url: str) -> str:
    return _("Trang theo dõi: {url} — đăng nhập bằng `nhacviec web-link --as coordinator`").format(url=url)
