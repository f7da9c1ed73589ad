"""Settings: defaults that run out of the box, and one clear line for a bad value."""

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from plans import DEFAULT_PLAN, DEFAULT_REORG, EXAMPLE_PLAN


def test_defaults_run_on_sqlite_with_the_shipped_plan(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///nhacviec.db"
    assert settings.plan_files() == [DEFAULT_PLAN]
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.zalo_api_url == "https://bot-api.zaloplatforms.com"
    assert settings.timezone == "Asia/Ho_Chi_Minh" and settings.locale == "vi"
    assert settings.digest_cron == "30 7 * * mon" and settings.admins == []
    assert settings.telegram_token is None


def test_environment_and_dotenv(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("NHACVIEC_TELEGRAM_TOKEN=123:abc\nNHACVIEC_LOCALE=en\n", encoding="utf-8")
    monkeypatch.setenv("NHACVIEC_ADMINS", "telegram:12345, zalo:6ede9afa66b88fe6d6a9")
    monkeypatch.setenv("NHACVIEC_DATABASE_URL", "postgresql://bot:secret@db.example/nhacviec")
    settings = load_settings()
    assert settings.telegram_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(settings)  # secrets never print
    assert settings.locale == "en"
    assert settings.admins == ["telegram:12345", "zalo:6ede9afa66b88fe6d6a9"]
    assert "zalo:6ede9afa66b88fe6d6a9" in settings.admins and "telegram:1" not in settings.admins
    assert settings.database_url.startswith("postgresql+asyncpg://bot:")


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("NHACVIEC_TIMEZONE", "Mars/Olympus", "NHACVIEC_TIMEZONE: múi giờ không tồn tại: 'Mars/Olympus'"),
    ("NHACVIEC_DATABASE_URL", "not a url", "NHACVIEC_DATABASE_URL: địa chỉ cơ sở dữ liệu không hợp lệ"),
    ("NHACVIEC_DATABASE_URL", "mysql://x/y", "unsupported database 'mysql'"),
    ("NHACVIEC_TELEGRAM_API_URL", "ftp://x", "NHACVIEC_TELEGRAM_API_URL: 'ftp://x' không phải địa chỉ"),
    ("NHACVIEC_TELEGRAM_WEBHOOK_URL", "http://bot.example/hook", "https"),
    ("NHACVIEC_ADMINS", "12345", "NHACVIEC_ADMINS: '12345' phải viết kênh:mã"),
    ("NHACVIEC_DIGEST_CRON", "every monday", "NHACVIEC_DIGEST_CRON: biểu thức cron không hợp lệ"),
    ("NHACVIEC_WEBHOOK_LISTEN", "8080", "NHACVIEC_WEBHOOK_LISTEN"),
    ("NHACVIEC_LOCALE", "fr", "NHACVIEC_LOCALE"),
])
def test_bad_value_stops_with_one_line(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert expected in message and "\n" not in message and message.startswith("Cấu hình không hợp lệ")


def test_webhooks_require_secrets(monkeypatch):
    monkeypatch.setenv("NHACVIEC_TELEGRAM_WEBHOOK_URL", "https://bot.example/tg")
    with pytest.raises(SettingsError, match="NHACVIEC_TELEGRAM_WEBHOOK_SECRET"):
        load_settings()
    monkeypatch.setenv("NHACVIEC_TELEGRAM_WEBHOOK_SECRET", "has spaces!")
    with pytest.raises(SettingsError, match="A-Z"):
        load_settings()
    monkeypatch.setenv("NHACVIEC_TELEGRAM_WEBHOOK_SECRET", "s3cret_value-1")
    assert load_settings().telegram_webhook_secret.get_secret_value() == "s3cret_value-1"


def test_several_plans_from_files_and_folders(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NHACVIEC_PLANS", f"{DEFAULT_PLAN}, {EXAMPLE_PLAN}")
    settings = load_settings()
    assert settings.plan_files() == [DEFAULT_PLAN, EXAMPLE_PLAN]
    assert settings.reorg_files() == [DEFAULT_REORG]  # the shipped plan brings the shipped reorganisation
    # A folder: its plan files and its reorganisation files, told apart by their first key.
    folder = tmp_path / "tinh"
    folder.mkdir()
    for source in (DEFAULT_PLAN, EXAMPLE_PLAN, DEFAULT_REORG):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "ghi-chu.yaml").write_text("note: not a plan\n", encoding="utf-8")
    monkeypatch.setenv("NHACVIEC_PLANS", str(folder))
    settings = load_settings()
    assert [p.name for p in settings.plan_files()] == ["vi-du-chuyen-doi-so.yaml", "vinh-long-3064.yaml"]
    assert [p.name for p in settings.reorg_files()] == ["vinh-long-2025-reorg.yaml"]
    monkeypatch.setenv("NHACVIEC_REORGS", "none")
    assert load_settings().reorg_files() == []


def test_the_files_folder_is_beside_the_sqlite_file_unless_named(monkeypatch, tmp_path):
    """NHACVIEC_FILES_DIR, else `files/` beside the SQLite file; with PostgreSQL, `files/` in the working
    directory (the container image and compose.yaml name /data/files, a volume)."""
    monkeypatch.chdir(tmp_path)
    assert load_settings().evidence_dir() == Path("files")  # nhacviec.db in the working directory
    assert load_settings(database_url="sqlite:////srv/bot/nhacviec.db").evidence_dir() == Path("/srv/bot/files")
    assert load_settings(database_url="postgresql://bot@db/nhacviec").evidence_dir() == Path("files")
    monkeypatch.setenv("NHACVIEC_FILES_DIR", "/data/files")
    assert load_settings(database_url="postgresql://bot@db/nhacviec").evidence_dir() == Path("/data/files")
