"""The web view says what the chat says: the overview's figures are /tinhhinh's, for the same data."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from models.planfiles.load_reorg import load_reorg
from models.planfiles.reorg_file import read_reorg
from plans import DEFAULT_REORG
from tests.bot.web.pages import cells, rows

PLAN = "VL-3064-2023"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROUND = re.compile(r"■ (?P<title>.+?) — (?P<deadline>(?:hạn|tổ chức ngày) .+?)\n"  # a meeting: the day it is held
                   r"  Đã báo cáo (?P<done>\d+)/(?P<total>\d+)(?: · (?P<counts>.+))?")


def chat_rounds(text: str) -> list[tuple[str, str, int, int, str]]:
    return [(m["title"], m["deadline"], int(m["done"]), int(m["total"]), m["counts"] or "")
            for m in ROUND.finditer(text)]


def web_rounds(html: str) -> list[tuple[str, str, int, int, str]]:
    found = []
    numbers = [c for c in cells(html, f"rounds-{PLAN}") if "data-total" in c]
    for row, number in zip(rows(html, f"rounds-{PLAN}")[1:], numbers, strict=True):
        title_and_counts, deadline = row[0], row[1]
        counts = re.findall(r"((?:Hoàn thành|Đang thực hiện|Gặp vướng mắc|Chưa triển khai) \d+)", title_and_counts)
        title = title_and_counts.split(counts[0])[0].strip() if counts else title_and_counts
        found.append((title, deadline, int(number["data-reported"]), int(number["data-total"]), " · ".join(counts)))
    return found


async def _people(person, invite):
    coordinator = person("300", "Lê Văn Cường")
    await coordinator.say(f"/start {await invite(None, 'coordinator')}")
    industry = person("200", "Trần Thị Bình")
    await industry.say(f"/start {await invite('SCT')}")
    health = person("210", "Đỗ Văn Giang")
    await health.say(f"/start {await invite('SYT')}")
    science = person("220", "Ngô Thị Hà")
    await science.say(f"/start {await invite('SKHCN')}")
    return coordinator, industry, health, science


async def test_the_overview_shows_the_figures_of_tinhhinh(web, person, invite):
    coordinator, industry, health, science = await _people(person, invite)
    await industry.say("/bc IV.2.a vướng mắc chưa được bố trí kinh phí")
    await health.say("/bc IV.2.a xong dn=2")
    await science.say("/bc II.3 60% dn=3 tập huấn")
    chat = await coordinator.say("/tinhhinh")
    await web.sign_in("leader")
    html = await (await web.client.get("/web/")).text()

    expected = chat_rounds(chat)
    assert len(expected) >= 3 and any(done for _t, _d, done, _n, _c in expected)  # the test is about something
    shown = web_rounds(html)
    assert shown[:len(expected)] == expected  # /tinhhinh shows the first six rounds and counts the rest
    more = re.search(r"… và (\d+) kỳ báo cáo khác", chat)
    assert len(shown) - len(expected) == (int(more[1]) if more else 0)
    assert ("Báo cáo hằng năm, năm 2025", "hạn Thứ Ba, 16/12/2025 (còn 11 ngày làm việc)", 3, 37,
            "Hoàn thành 1 · Đang thực hiện 1 · Gặp vướng mắc 1") in web_rounds(html)
    # The units /tinhhinh says have not reported are the units with reports not yet due.
    waiting = re.search(r"Chưa báo cáo kỳ đang mở: (.+?)\. Gõ", chat)
    assert waiting is not None
    by_unit = {row[0].split()[0]: row for row in rows(html, f"units-{PLAN}")[1:]}
    not_due = sorted(code for code, row in by_unit.items() if row[2] != "0")
    listed = waiting[1].removesuffix(" …").split(", ")  # the chat shows the first 15
    assert not_due[:len(listed)] == listed and (len(not_due) > len(listed)) == waiting[1].endswith(" …")
    # Every received report is counted once, by unit.
    assert sum(int(row[1]) for row in by_unit.values()) == sum(done for _t, _d, done, _n, _c in expected)
    assert by_unit["SCT"][1:] == ["1", "0", "0", "100%"]
    # The obstacle /tinhhinh lists, with its words.
    assert "• SCT · IV.2.a: chưa được bố trí kinh phí" in chat
    assert "chưa được bố trí kinh phí" in html and '<svg class="chart"' in html


async def test_overdue_figures_equal_tinhhinh_after_the_deadline(web, person, invite, clock):
    coordinator, industry, _health, _science = await _people(person, invite)
    await industry.say("/bc IV.2.a xong dn=1")
    clock.now += timedelta(days=17)  # Thursday 18/12/2025: the annual reports are two working days late
    chat = await coordinator.say("/tinhhinh")
    overdue = re.search(r"⏰ Quá hạn chưa báo cáo: (\d+) \((.+?)\)", chat)
    assert overdue is not None and int(overdue[1]) == 37
    await web.sign_in()
    html = await (await web.client.get("/web/")).text()
    # The default page holds every open period, as /tinhhinh does (which shows the first six and counts
    # the rest); the year selector narrows to the periods of one year.
    shown = web_rounds(html)
    assert shown[:len(chat_rounds(chat))] == chat_rounds(chat)
    more = re.search(r"… và (\d+) kỳ báo cáo khác", chat)
    assert len(shown) - len(chat_rounds(chat)) == (int(more[1]) if more else 0)
    next_year = await (await web.client.get("/web/?nam=2026")).text()
    this_year = await (await web.client.get("/web/?nam=2025")).text()
    assert sorted(web_rounds(this_year) + web_rounds(next_year)) == sorted(shown)
    assert "Báo cáo hằng năm, năm 2026" in [r[0] for r in web_rounds(next_year)]
    assert 'href="/web/?nam=2026">2026 (' in this_year
    listed = rows(html, f"overdue-{PLAN}")
    assert len(listed) == int(overdue[1])
    units = sorted({item[0].split(" · ")[0] for item in listed})
    shown = overdue[2].removesuffix(" …").split(", ")  # the chat names the first 12
    assert units[:len(shown)] == shown and len(units) == 19
    by_unit = {row[0].split()[0]: row for row in rows(html, f"units-{PLAN}")[1:]}
    assert sum(int(row[3]) for row in by_unit.values()) == 37  # all of them closed in the last 30 days
    assert by_unit["SCT"][1:] == ["1", "1", "0", "50%"]  # 2025 received; 2026 open, not yet due


async def test_the_year_selector_shows_one_year_of_periods(web, person, invite, clock):
    await web.sign_in()
    everything = await (await web.client.get("/web/")).text()
    assert 'href="/web/" aria-current="page"' in everything and "Báo cáo hằng năm, năm 2025" in everything
    this_year = await (await web.client.get("/web/?nam=2025")).text()
    assert 'href="/web/?nam=2025" aria-current="page"' in this_year and "Báo cáo hằng năm, năm 2025" in this_year
    last_year = await (await web.client.get("/web/?nam=2024")).text()
    assert 'href="/web/?nam=2024" aria-current="page"' in last_year
    assert "Báo cáo hằng năm, năm 2025" not in last_year and "Không có kỳ báo cáo nào đang mở." in last_year
    assert rows(last_year, f"units-{PLAN}") == []
    clock.now = clock.now.replace(year=2026, month=1, day=12)  # January: last year's reports are being collected
    await web.sign_in()  # the earlier session has long ended
    january = await (await web.client.get("/web/?nam=2025")).text()
    assert 'href="/web/?nam=2025" aria-current="page"' in january
    assert "Báo cáo hằng năm, năm 2025" in january and "Báo cáo hằng năm, năm 2026" not in january
    assert 'href="/web/?nam=2026"' in january  # the new year's open period is a click away


async def test_unit_and_task_pages(web, person, invite):
    _coordinator, industry, health, _science = await _people(person, invite)
    await industry.say("/bc IV.2.a 60% dn=3 tập huấn cho doanh nghiệp")
    await industry.say("/bc IV.2.a vướng mắc: chưa có kinh phí")
    await health.say("/bc IV.2.a xong dn=2")
    await web.sign_in()
    sct = await web.unit_id("SCT")
    unit = await (await web.client.get(f"/web/unit/{sct}")).text()
    assert "Sở Công Thương" in unit and "Trần Thị Bình" in unit  # the unit and its focal point
    assert "Gặp vướng mắc" in unit and "chưa có kinh phí" in unit and "bản 2" in unit
    assert "Báo cáo gần đây" in unit and "Sở Y tế" not in unit
    task_id = re.search(r'href="/web/task/(\d+)">IV\.2\.a<', unit)
    assert task_id is not None
    task = await (await web.client.get(f"/web/task/{task_id[1]}")).text()
    assert "Chủ trì:" in task and ">SCT</a>" in task and ">SYT</a>" in task
    assert "Hoàn thành" in task and "Gặp vướng mắc" in task and "dn=2" in task
    assert (await web.client.get("/web/unit/999999")).status == 404
    assert (await web.client.get("/web/task/abc")).status == 404


async def test_the_workbook_download(web, person, invite):
    _coordinator, industry, _health, _science = await _people(person, invite)
    await industry.say("/bc IV.2.a xong dn=4 đã hỗ trợ bốn doanh nghiệp")
    await web.sign_in()
    answer = await web.client.get("/web/plan/1/workbook.xlsx")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="nhacviec-{PLAN}-2025-12-01.xlsx"'
    book = load_workbook(io.BytesIO(await answer.read()))
    values = [[c for c in row] for row in book["Tình hình"].iter_rows(values_only=True)]
    note = next(row for row in values if "Ghi chú" in row).index("Ghi chú")  # found by its heading
    assert any(row[0] == "SCT" and row[2] == "IV.2.a" and "đã hỗ trợ bốn doanh nghiệp" in (row[note] or "")
               for row in values)



async def test_a_unit_page_names_the_unit_as_it_was_called_that_day(web, sessions):
    """Issue 15 §10 on the web view: the statistics office's rename applies from 01/03/2025 only."""
    async with sessions() as session:
        await load_reorg(session, read_reorg(DEFAULT_REORG), actor="test")
    for moment, name in ((datetime(2025, 1, 13, 9, 0, tzinfo=VN), "Cục Thống kê tỉnh Vĩnh Long"),
                         (datetime(2025, 8, 4, 9, 0, tzinfo=VN), "Thống kê tỉnh Vĩnh Long")):
        web.clock.now = moment
        await web.sign_in()
        page = await (await web.client.get(f"/web/unit/{await web.unit_id('CTK')}")).text()
        assert f"<h1>{name} <small>" in page
