"""What `nhacviec run` says when it starts: one line per plan and reorganisation loaded, and where to
look. Short on purpose: the first command a newcomer runs must show what runs, not a hundred changes
(`plan load … --dry-run` and `reorg load … --dry-run` list them before a file is loaded)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from locales import _
from models.planfiles.load_plan import LoadResult, summarise
from models.planfiles.reorg_file import read_reorg


def loaded(results: Sequence[LoadResult], reorg_files: Sequence[Path]) -> list[str]:
    """`results` as `bot.root.prepare` returns them: the plan's first, then one per reorganisation file."""
    plan, *reorgs = results
    lines = [plan_line(plan)]
    for path, result in zip(reorg_files, reorgs, strict=True):
        lines.append(reorg_line(read_reorg(path).spec.reorganisation.code, result))
    return lines


def plan_line(result: LoadResult) -> str:
    summary = summarise(result.changes)
    if not result.changed:
        return _("Kế hoạch {code}: đã nạp, không có thay đổi.").format(code=result.plan_code)
    if "add" in summary.get("plan", {}):  # the first load
        return _("Kế hoạch {code}: đã nạp, {units} đơn vị, {tasks} nhiệm vụ.").format(
            code=result.plan_code, units=summary.get("unit", {}).get("add", 0),
            tasks=summary.get("task", {}).get("add", 0))
    return _("Kế hoạch {code}: đã cập nhật, {n} thay đổi — xem `nhacviec plan show`.").format(
        code=result.plan_code, n=len(result.changes))


def reorg_line(code: str, result: LoadResult) -> str:
    if not result.changed:
        return _("Sắp xếp tổ chức {code}: đã áp dụng trước đó, không có thay đổi.").format(code=code)
    # After loading, `reorg load --dry-run` has nothing left to show: the plan as it now stands tells more.
    return _("Đã áp dụng {code}: {n} thay đổi — xem `nhacviec plan show` và `nhacviec units history MÃ`.").format(
        code=code, n=len(result.changes))


def no_channel() -> str:
    return _("Chưa cấu hình kênh chat (NHACVIEC_TELEGRAM_TOKEN, NHACVIEC_ZALO_TOKEN): bot chạy trang theo dõi và "
             "nhắc việc; tin gửi tài khoản console được ghi vào nhật ký. Thử trò chuyện: `nhacviec chat --as "
             "focal:SCT`.")


def where_to_look(url: str) -> str:
    return _("Trang theo dõi: {url} — đăng nhập bằng `nhacviec web-link --as coordinator`").format(url=url)
