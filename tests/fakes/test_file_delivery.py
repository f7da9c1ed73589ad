"""The fakes deliver files as the platforms do, checked with the real clients over loopback HTTP:
python-telegram-bot's `Bot` (getUpdates → getFile → download) and httpx for Zalo's image URLs."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.channels.zalo import ZaloClient
from tests.fakes.telegram_api import MAX_DOWNLOAD, FakeTelegram
from tests.fakes.zalo_api import FakeZalo

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"  # binary, every byte value: nothing is decoded
JPEG = b"\xff\xd8\xff\xe0" + hashlib.sha256(b"evidence").digest() * 50 + b"\xff\xd9"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def telegram():
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(telegram: FakeTelegram):
    # Pointed at the fake as bot/channels/telegram.py points PTB at the configured API URL.
    async with Bot(telegram.token, base_url=telegram.base_url,
                   base_file_url=telegram.base_url.replace("/bot", "/file/bot")) as client:
        yield client


async def only_message(bot: Bot):
    (update,) = await bot.get_updates(timeout=0)
    return update.message


async def test_a_document_arrives_with_its_metadata_and_downloads(telegram, bot):
    telegram.document(200, PDF, file_name="Báo cáo quý 4.pdf", mime_type="application/pdf", caption="IV.2.a")
    message = await only_message(bot)
    document = message.document
    assert (document.file_name, document.mime_type, document.file_size) == ("Báo cáo quý 4.pdf",
                                                                             "application/pdf", len(PDF))
    assert message.caption == "IV.2.a" and message.from_user.id == 200 and message.chat.id == 200
    file = await bot.get_file(document.file_id)
    assert (file.file_id, file.file_unique_id, file.file_size) == (document.file_id, document.file_unique_id,
                                                                  len(PDF))
    assert file.file_path.startswith(f"{bot.base_file_url}/documents/file_") and file.file_path.endswith(".pdf")
    assert await file.download_as_bytearray() == PDF
    assert [m for m, _ in telegram.calls if m in ("getFile", "download")] == ["getFile", "download"]


async def test_a_photo_lists_its_sizes_largest_last_and_the_largest_is_the_photo(telegram, bot):
    telegram.photo(201, JPEG, width=1600, height=1200, caption="Ảnh hiện trường")
    message = await only_message(bot)
    sizes = [(p.width, p.height) for p in message.photo]
    assert sizes == [(90, 68), (320, 240), (800, 600), (1280, 960), (1600, 1200)]
    assert message.caption == "Ảnh hiện trường" and message.photo[-1].file_size == len(JPEG)
    assert len({p.file_id for p in message.photo}) == len({p.file_unique_id for p in message.photo}) == 5
    largest = await bot.get_file(message.photo[-1].file_id)
    assert largest.file_path.startswith(f"{bot.base_file_url}/photos/file_")
    assert await largest.download_as_bytearray() == JPEG
    thumbnail = await (await bot.get_file(message.photo[0].file_id)).download_as_bytearray()
    assert thumbnail != JPEG and thumbnail.startswith(b"\xff\xd8")  # a smaller copy, not the photo


async def test_a_small_photo_has_no_bigger_copies_and_the_old_builder_still_works(telegram, bot):
    telegram.photo(202, JPEG, width=300, height=200)
    telegram.photo(203)  # no bytes given: a stand-in photo, as the non-text-message tests use
    first = (await bot.get_updates(timeout=0))[0].message
    assert [(p.width, p.height) for p in first.photo] == [(90, 60), (300, 200)]
    last = (await bot.get_updates(timeout=0))[-1].message
    assert last.photo and last.caption is None and last.chat.id == 203


async def test_files_over_20_mb_cannot_be_fetched_and_20_mb_can(telegram, bot):
    telegram.document(204, b"tiny", file_name="big.xlsx", mime_type=XLSX_MIME, size=21 * 1024 * 1024)
    telegram.document(204, b"edge", file_name="edge.xlsx", mime_type=XLSX_MIME, size=MAX_DOWNLOAD)
    big, edge = [u.message.document for u in await bot.get_updates(timeout=0)]
    assert big.file_size == 21 * 1024 * 1024  # the message tells the size; only the download is refused
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(big.file_id)
    assert (await bot.get_file(edge.file_id)).file_size == 20 * 1024 * 1024


async def test_the_same_content_twice_has_one_unique_id_and_two_file_ids(telegram, bot):
    telegram.document(205, PDF, file_name="a.pdf", mime_type="application/pdf")
    telegram.document(205, PDF, file_name="b.pdf", mime_type="application/pdf")
    telegram.document(205, PDF + b" ", file_name="c.pdf", mime_type="application/pdf")
    telegram.photo(205, JPEG)
    telegram.photo(205, JPEG)
    first, second, other = [u.message.document for u in (await bot.get_updates(timeout=0))[:3]]
    assert first.file_unique_id == second.file_unique_id != other.file_unique_id
    assert first.file_id != second.file_id
    assert await (await bot.get_file(second.file_id)).download_as_bytearray() == PDF
    photo_a, photo_b = [u.message.photo for u in (await bot.get_updates(timeout=0))[3:]]
    assert [p.file_unique_id for p in photo_a] == [p.file_unique_id for p in photo_b]
    assert not {p.file_id for p in photo_a} & {p.file_id for p in photo_b}


async def test_unknown_file_ids_paths_and_tokens_are_refused(telegram, bot):
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("BQACAgIAAxkBAAnotafile")
    telegram.document(206, PDF, file_name="x.pdf", mime_type="application/pdf")
    document = (await only_message(bot)).document
    files = f"http://127.0.0.1:{telegram.port}/file/bot"
    async with httpx.AsyncClient() as client:
        # No file_path before getFile: Telegram hands paths out, a bot cannot make them up.
        assert (await client.get(f"{files}{telegram.token}/documents/file_0.pdf")).status_code == 404
        path = (await bot.get_file(document.file_id)).file_path.rsplit(f"{telegram.token}/", 1)[1]
        assert (await client.get(f"{files}{telegram.token}/{path}")).content == PDF
        assert (await client.get(f"{files}{telegram.token}/documents/file_99.pdf")).status_code == 404
        assert (await client.get(f"{files}999:wrong-token/{path}")).status_code == 401
        assert (await client.get(f"{files}not-a-token/{path}")).status_code == 404
    assert [c for c in telegram.calls if c[0] == "download"] == [("download", {"file_path": "documents/file_0.pdf"}),
                                                                  ("download", {"file_path": path}),
                                                                  ("download", {"file_path": "documents/file_99.pdf"})]


# -- Zalo ---------------------------------------------------------------------------------------------


@pytest.fixture
async def zalo():
    async with FakeZalo() as server:
        yield server


@pytest.mark.parametrize("spelling", ["photo_url", "photo"])
async def test_a_zalo_image_carries_a_url_that_serves_its_bytes(zalo, spelling):
    queued = zalo.image("u500", JPEG, caption="Ảnh biên bản", spelling=spelling)
    client = ZaloClient(zalo.token, zalo.base_url)
    try:
        update = await client.get_update(hold_seconds=0)
    finally:
        await client.close()
    assert update == queued and update["event_name"] == "message.image.received"
    message = update["message"]
    assert message["caption"] == "Ảnh biên bản" and message["from"]["id"] == message["chat"]["id"] == "u500"
    other = "photo" if spelling == "photo_url" else "photo_url"
    assert other not in message and "text" not in message
    url = message[spelling]
    assert url.startswith(f"{zalo.base_url}/_files/")
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200 and response.content == JPEG
    assert response.headers["content-type"] == "image/jpeg"
    assert zalo.calls[-1][0] == "download"


async def test_zalo_images_without_caption_and_unknown_urls(zalo):
    bare = zalo.image("u501", b"\x89PNG\r\n\x1a\n-not-really", mime_type="image/png")["message"]
    assert "caption" not in bare and bare["photo_url"].endswith(".png")
    placeholder = zalo.text("u502", "", event="message.image.received")["message"]["photo_url"]
    async with httpx.AsyncClient() as http:
        assert (await http.get(bare["photo_url"])).content == b"\x89PNG\r\n\x1a\n-not-really"
        assert (await http.get(placeholder)).status_code == 200  # the older builder's images load too
        assert (await http.get(f"{zalo.base_url}/_files/0123456789abcdef.jpg")).status_code == 404
    assert zalo.status_counts[404] == 1
