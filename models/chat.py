"""The channel-neutral shapes of a conversation, shared by every layer above the database.

What a person did (`Incoming`), what the bot says (`Reply`, with `Option`s and an `Attachment`), what
handling produced for the channel (`Outcome`), and the port a channel offers for messages the bot
starts itself (`Sender`, with the three ways a send can end badly). Channels translate to and from
these; handlers and jobs never see a transport."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, kw_only=True)
class Incoming:
    """One thing a person did: typed text, or pressed an option (`choice` holds its value)."""

    channel: str  # telegram | zalo | console
    chat_id: str
    user_id: str
    at: datetime  # when the platform says it happened (aware)
    text: str = ""
    choice: str | None = None
    display_name: str = ""
    username: str = ""
    chat_type: str = "private"  # private | group
    message_id: str | None = None
    reply_to_message_id: str | None = None  # the bot message this one answers, if any
    # The platform's id for this delivery of it (Telegram's update_id, Zalo's message id): a platform
    # that delivers it again (our answer to the webhook was lost) sends the same id, and it is handled once.
    update_id: str | None = None
    attachment: IncomingFile | None = None  # a file or photo the person sent (its bytes: FileSource.fetch)


@dataclass(frozen=True, kw_only=True)
class IncomingFile:
    """A file a person sent, as the platform describes it; the bytes stay with the platform until fetched."""

    file_id: str  # Telegram's file_id, Zalo's image URL, the console's path
    name: str
    mime: str = ""
    size: int | None = None  # as the platform reports it, before any download; None: not told


class FileSource(Protocol):
    """A channel's way to fetch the bytes of a file a person sent (Telegram: getFile and download; Zalo: the
    image's URL; the console: the path). Handlers fetch through it and never see a transport."""

    async def fetch(self, file: IncomingFile, limit: int) -> bytes:
        """The bytes; FileTooBig past `limit` bytes, FileUnavailable when the platform does not hand them over."""
        ...


class FileTooBig(Exception):
    """The file is larger than the limit (found while fetching: the platform did not say its size first)."""


class FileUnavailable(Exception):
    """The platform did not hand the file over (gone, refused, network trouble)."""


@dataclass(frozen=True)
class Option:
    """A button on Telegram, a numbered line on Zalo and the console."""

    label: str
    value: str  # short: Telegram allows 64 bytes of callback data


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime: str
    caption: str = ""
    # Sent as a file even when it is a picture (evidence keeps its bytes; Telegram recompresses photos).
    as_file: bool = False


@dataclass(frozen=True)
class Reply:
    text: str
    options: tuple[Option, ...] = ()
    attachment: Attachment | None = None
    columns: int = 1  # how many buttons per row where buttons exist
    # On channels without buttons a bare number picks an option — unless the question's answer is itself
    # a number (a percentage, an indicator value): then options are shown as words to type.
    numbered: bool = True
    # False for a message whose link must not be fetched by the platform's preview (a one-time sign-in link:
    # the confirmation page makes a fetch harmless, but a preview of it is noise).
    link_preview: bool = True


@dataclass(frozen=True)
class Sent:
    message_id: str


class Sender(Protocol):
    """A channel's way to write to a chat (used by the outbox dispatcher for messages the bot starts)."""

    channel: str

    async def deliver(self, chat_id: str, reply: Reply) -> Sent:
        """Send once; raise DeliveryRefused, DeliveryRetry or DeliveryUnknown instead of retrying."""
        ...


@dataclass
class Outcome:
    """What handling an Incoming produced, for the channel to render."""

    replies: list[Reply] = field(default_factory=list)
    # Set when the person's commands changed (registration, language): (command, description) pairs,
    # already in their language, for the channel's command menu.
    menu: tuple[tuple[str, str], ...] | None = None


class DeliveryRefused(Exception):
    """The chat cannot be written to any more (the person blocked the bot, the account is gone)."""


class DeliveryRetry(Exception):
    """Not delivered, try again later (rate limited: `after` seconds; server or network trouble: None)."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class DeliveryUnknown(Exception):
    """The request timed out: the message may or may not have arrived."""
