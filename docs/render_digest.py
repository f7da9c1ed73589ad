"""One reminder and one weekly digest as people receive them: `python docs/render_digest.py` (with the
project's Python, e.g. `.venv/bin/python`).

Builds a throw-away SQLite database, loads the shipped plan and its 2025 reorganisation as if installed on
03/11/2025, files the made-up reports of docs/render_sample.py as units would, registers a focal point of Sở
Khoa học và Công nghệ and a leader, then asks the same code the bot runs: what a tick would send the focal
point at 08:00 on 09/12/2026 (`nhacviec reminders preview`), and the digest of Monday 21/12/2026 07:30 (`nhacviec
digest`). Prints both texts (the README quotes them; tests/test_readme_samples.py checks that it still does) and
writes the chart to docs/images/ban-tin-tuan.png.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "docs")]  # run from a clone without installing it

from render_sample import REPORTS, VN  # noqa: E402
from sqlmodel import select  # noqa: E402

from jobs import chart, digest  # noqa: E402
from jobs.preview import preview  # noqa: E402
from jobs.tick import TickConfig  # noqa: E402
from models.obligations import obligations  # noqa: E402
from models.planfiles.load_plan import load_plan  # noqa: E402
from models.planfiles.load_reorg import load_reorg  # noqa: E402
from models.planfiles.plan_file import read_plan  # noqa: E402
from models.planfiles.reorg_file import read_reorg  # noqa: E402
from models.plans import find_plan  # noqa: E402
from models.reports import ReportInput, submit_report  # noqa: E402
from models.store import db  # noqa: E402
from models.store.tables import ChannelAccount, Indicator, Member, RoleGrant, Unit  # noqa: E402
from plans import DEFAULT_PLAN  # noqa: E402

OUT = ROOT / "docs" / "images" / "ban-tin-tuan.png"
REMINDED = datetime(2026, 12, 9, 8, 0, tzinfo=VN)
DIGEST = datetime(2026, 12, 21, 7, 30, tzinfo=VN)
FOCAL = "Võ Thị Hạnh"


async def _file(session, plan, until: datetime, done: set) -> None:
    """The reports sent before `until` (and not filed yet)."""
    indicator = {i.code: i.id for i in (await session.exec(select(Indicator))).all()}
    for year in (2025, 2026):
        for o in await obligations(session, [plan.id], due_from=date(year, 1, 1), due_to=date(year + 1, 12, 31),
                                   as_of=DIGEST.date()):
            found = REPORTS.get((year, o.unit_code, o.task_code))
            if o.window_end.year != year or found is None or (o.assignment_id, o.period_id) in done:
                continue
            day, status, percent, values, note, obstacles, proposals = found
            sent = datetime.fromisoformat(f"{year}-{day}T10:00").replace(tzinfo=VN)
            if sent >= until:
                continue
            done.add((o.assignment_id, o.period_id))
            await submit_report(session, assignment_id=o.assignment_id, period_id=o.period_id, due=o.due, tz=VN,
                                member_id=None, channel="cli", at=sent, data=ReportInput(
                                    status=status, percent=percent, note=note, obstacles=obstacles,
                                    proposals=proposals, via="cli",
                                    values={indicator[c]: Decimal(v) for c, v in values.items()}))
    await session.commit()


async def _person(session, name: str, role: str, unit: str | None, chat: str) -> None:
    member = Member(display_name=name)
    session.add(member)
    await session.flush()
    session.add(ChannelAccount(member_id=member.id, channel="telegram", external_id=chat, chat_id=chat))
    unit_id = (await session.exec(select(Unit.id).where(Unit.code == unit))).one() if unit else None
    session.add(RoleGrant(member_id=member.id, role=role, unit_id=unit_id, granted_by="docs"))
    await session.commit()


async def samples(url: str) -> tuple[str, str, bytes]:
    """(the focal point's reminder, the digest's text, the chart) from a fresh database at `url`."""
    engine = db.make_engine(url)
    try:
        await db.upgrade(engine)
        sessions = db.session_factory(engine)
        async with sessions() as session:
            await load_plan(session, read_plan(DEFAULT_PLAN), actor="docs", today=date(2025, 11, 3))
        async with sessions() as session:
            await load_reorg(session, read_reorg(DEFAULT_PLAN.parent / "vinh-long-2025-reorg.yaml"), actor="docs")
        async with sessions() as session:
            await _person(session, FOCAL, "focal", "SKHCN", "1001")
            await _person(session, "Nguyễn Văn Tâm", "leader", None, "1002")
            plan = await find_plan(session, "VL-3064-2023")
            done: set = set()
            await _file(session, plan, REMINDED, done)
            planned = await preview(session, TickConfig(tz=VN), REMINDED)
            reminder = next(m.text for m in planned.messages if m.recipient == FOCAL)
            await _file(session, plan, DIGEST, done)
            data = await digest.build(session, plan, DIGEST, VN)
        return reminder, digest.text(data), chart.render(data)
    finally:
        await engine.dispose()


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        reminder, text, picture = asyncio.run(samples(f"sqlite:///{Path(folder) / 'nhacviec.db'}"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(picture)
    print(reminder, text, sep="\n\n" + "-" * 40 + "\n\n")
    print(f"\nwrote {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
