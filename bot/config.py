"""Settings, from the environment (prefix NHACVIEC_) or a `.env` file. Secrets come only from here."""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from bot.errors import UserError
from locales import _
from models.store.db import normalise_url
from plans import DEFAULT_PLAN, DEFAULT_REORG

CHANNELS = ("telegram", "zalo", "console")
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _http_url(value: str, *, https: bool = False) -> str:
    parts = urlsplit(value)
    allowed = ("https",) if https else ("http", "https")
    if parts.scheme not in allowed or not parts.netloc:
        raise ValueError(_("'{value}' không phải địa chỉ {scheme}:// hợp lệ").format(
            value=value, scheme="https" if https else "http(s)"))
    return value.rstrip("/") if not https else value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NHACVIEC_", env_file=".env", env_file_encoding="utf-8", extra="ignore",
        env_ignore_empty=True, populate_by_name=True,
    )

    database_url: str = "sqlite+aiosqlite:///nhacviec.db"
    # Plan files loaded at start-up: files and folders, comma-separated (a folder: its plan files, and the
    # reorganisation files beside them). Unset: NHACVIEC_PLAN, the older name for one file; else the shipped plan.
    plans: Annotated[list[str], NoDecode] | None = None
    plan: Path | None = None
    # Reorganisation files applied after the plans at start-up, comma-separated. Unset: the shipped 2025
    # reorganisation when the shipped plan is used (the plan's units as they are today); "none": none.
    reorgs: Annotated[list[str], NoDecode] | None = None
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    zalo_token: SecretStr | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None
    public_url: str | None = None  # https base where Zalo can fetch the digest chart (served by the webhook server)
    report_place: str = ""  # the place on the consolidated report ("Vĩnh Long"); empty: the province in the plan
    # The one HTTP listener: webhooks, the web view, /healthz and /metrics. NHACVIEC_WEBHOOK_LISTEN is
    # its older name, still accepted (NHACVIEC_LISTEN wins when both are set).
    listen: str = Field("127.0.0.1:8080", validation_alias=AliasChoices(
        "NHACVIEC_LISTEN", "NHACVIEC_WEBHOOK_LISTEN", "listen", "webhook_listen"))
    metrics: bool = True  # GET /metrics (Prometheus); off: 404
    admins: Annotated[list[str], NoDecode] = []
    timezone: str = "Asia/Ho_Chi_Minh"
    locale: Literal["vi", "en"] = "vi"
    digest_cron: str = "30 7 * * mon"
    reminder_time: time = time(8, 0)
    invite_days: Annotated[int, Field(ge=1, le=90)] = 14
    tick_seconds: Annotated[int, Field(ge=5, le=3600)] = 30
    send_rate: Annotated[float, Field(gt=0, le=30)] = 25.0
    escalate_to_leaders: bool = False
    # The day's list of reports waiting for review, to coordinators ("16:30"); unset or empty: none (the digest says).
    review_list_time: time | None = None
    # A delivery taken by a process that then died is sent again after this long (PostgreSQL, where
    # several processes may send; a lone SQLite process takes its rows back at start-up).
    send_lease_seconds: Annotated[int, Field(ge=1, le=3600)] = 120
    # Where evidence files are kept (by content hash). Unset: `files/` beside the SQLite file; with PostgreSQL,
    # `files/` in the working directory (the container image sets /data/files, a volume in compose.yaml).
    files_dir: Path | None = None

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            return normalise_url(value).render_as_string(hide_password=False)
        except Exception as error:
            raise ValueError(_("địa chỉ cơ sở dữ liệu không hợp lệ: {reason}").format(reason=error)) from error

    @field_validator("telegram_api_url", "zalo_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        return _http_url(value)

    @field_validator("telegram_webhook_url", "zalo_webhook_url", "public_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        return _http_url(value, https=True) if value else None

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TELEGRAM_SECRET.match(value.get_secret_value()):
            raise ValueError(_("chỉ gồm 1–256 ký tự A-Z, a-z, 0-9, _ hoặc - (quy định của Telegram)"))
        return value

    @field_validator("zalo_webhook_secret")
    @classmethod
    def _zalo_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not 8 <= len(value.get_secret_value()) <= 256:
            raise ValueError(_("cần 8–256 ký tự (quy định của Zalo)"))
        return value

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:  # 0: any free port
            raise ValueError(_("viết theo dạng máy:cổng, ví dụ 0.0.0.0:8080"))
        return value

    @field_validator("reorgs", "plans", mode="before")
    @classmethod
    def _reorgs(cls, value: object) -> list[str] | None:
        if value is None:
            return None
        items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        return [str(item).strip() for item in items if str(item).strip()]

    def plan_files(self) -> list[Path]:
        """The plan files to load at start-up (folders opened: their plan files, by name). A folder with
        no plan file is an error, not an empty list: the bot would otherwise start following nothing."""
        named = [Path(p) for p in self.plans] if self.plans else [self.plan or DEFAULT_PLAN]
        found: list[Path] = []
        for item in named:
            if item.is_dir():
                inside = _yaml_files(item, "plan")
                if not inside:
                    raise UserError(_("{path}: thư mục không có tệp kế hoạch nào (tệp .yaml có khóa `plan:` ở đầu)")
                                    .format(path=item))
                found += inside
            else:
                found.append(item)
        return found

    def reorg_files(self) -> list[Path]:
        """Reorganisation files applied after the plans: those named, those in the plan folders, or, with the
        shipped plan and none named, the shipped 2025 reorganisation."""
        if self.reorgs is not None:
            return [Path(item) for item in self.reorgs if item.lower() != "none"]
        folders = [Path(p) for p in self.plans or [] if Path(p).is_dir()]
        if folders:
            return [path for folder in folders for path in _yaml_files(folder, "reorganisation")]
        shipped = DEFAULT_PLAN.resolve()
        return [DEFAULT_REORG] if any(p.resolve() == shipped for p in self.plan_files()) else []

    @field_validator("admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> list[str]:
        items = value.split(",") if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
        result = []
        for item in (str(i).strip() for i in items):
            if not item:
                continue
            channel, sep, ident = item.partition(":")
            if not sep or channel not in CHANNELS or not ident.strip():
                raise ValueError(_("'{item}' phải viết kênh:mã, ví dụ telegram:12345 hoặc zalo:6ede9a…")
                                 .format(item=item))
            result.append(f"{channel}:{ident.strip()}")
        return result

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            message = _("múi giờ không tồn tại: '{zone}' (ví dụ Asia/Ho_Chi_Minh)").format(zone=value)
            raise ValueError(message) from error
        return value

    @field_validator("digest_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        try:
            CronTrigger.from_crontab(value)
        except ValueError as error:
            raise ValueError(_("biểu thức cron không hợp lệ '{value}' (ví dụ \"30 7 * * mon\": 7:30 sáng Thứ Hai)")
                             .format(value=value)) from error
        return value

    @model_validator(mode="after")
    def _webhooks_need_secrets(self) -> Settings:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError(_("NHACVIEC_TELEGRAM_WEBHOOK_URL cần kèm NHACVIEC_TELEGRAM_WEBHOOK_SECRET"))
        if self.zalo_webhook_url and not self.zalo_webhook_secret:
            raise ValueError(_("NHACVIEC_ZALO_WEBHOOK_URL cần kèm NHACVIEC_ZALO_WEBHOOK_SECRET"))
        return self

    @property
    def webhook_listen(self) -> str:
        """The older name of `listen`, for callers written before the web view."""
        return self.listen

    def web_url(self, port: int | None = None) -> str:
        """Where people open the web view: NHACVIEC_PUBLIC_URL, or else the listener itself (which answers
        on this machine only; `port`: the one it actually bound, when NHACVIEC_LISTEN asked for any)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host, _sep, listen_port = self.listen.rpartition(":")
        host = "127.0.0.1" if host in ("0.0.0.0", "::", "[::]") else host
        return f"http://{host}:{port or listen_port}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def evidence_dir(self) -> Path:
        """NHACVIEC_FILES_DIR, or `files/` beside the SQLite file, or (PostgreSQL, in-memory SQLite) in the
        working directory."""
        if self.files_dir is not None:
            return self.files_dir
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).parent / "files"
        return Path("files")

    def channels(self) -> frozenset[str]:
        """The chat platforms configured (a token given), which can carry messages the bot starts."""
        return frozenset(name for name, token in (("telegram", self.telegram_token), ("zalo", self.zalo_token))
                         if token is not None)


def _yaml_files(folder: Path, top_key: str) -> list[Path]:
    """The YAML files of a folder whose first top-level key is `top_key` (plan: or reorganisation:)."""
    found = []
    for path in sorted(folder.glob("*.y*ml")):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:20_000]
        except OSError:
            continue
        first = next((line for line in head.splitlines() if line and not line.startswith(("#", " ", "-"))), "")
        if first.split(":", 1)[0].strip() == top_key:
            found.append(path)
    return found


class SettingsError(Exception):
    """One line for the operator: which setting, what is wrong."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        parts = []
        for item in error.errors(include_url=False):
            field = str(item["loc"][0]).upper() if item["loc"] else "*"
            name = field if field.startswith("NHACVIEC_") else "NHACVIEC_" + field  # an alias is already whole
            if name == "NHACVIEC_LISTEN" and _given("NHACVIEC_WEBHOOK_LISTEN", overrides) \
                    and not _given("NHACVIEC_LISTEN", overrides):
                name = "NHACVIEC_WEBHOOK_LISTEN"  # name the variable the operator wrote
            message = str(item.get("ctx", {}).get("error", item["msg"])) if item["type"] == "value_error" \
                else item["msg"]
            parts.append(f"{name}: {message}")
        raise SettingsError(_("Cấu hình không hợp lệ: {details}").format(details="; ".join(parts))) from None


def _given(variable: str, overrides: dict[str, object]) -> bool:
    field = variable.removeprefix("NHACVIEC_").lower()
    return field in overrides or any(name.upper() == variable for name in os.environ)
