from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from jobs.tick import TickConfig
from models.store.tables import ChannelAccount, ChatDestination, Member, RoleGrant, Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    """'2025-12-09 08:00' in Vĩnh Long."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)


@pytest.fixture
def config() -> TickConfig:
    return TickConfig(tz=VN, channels=frozenset({"telegram"}))


@pytest.fixture
def register(sessions, plan):
    """Put a person with a role directly in the database; returns the member id."""
    async def make(role: str, unit_code: str | None = None, *, user_id: str, name: str = "Người dùng",
                   channel: str = "telegram") -> int:
        async with sessions() as session:
            unit_id = (await session.exec(select(Unit.id).where(Unit.code == unit_code))).one() if unit_code else None
            account = (await session.exec(select(ChannelAccount).where(
                ChannelAccount.channel == channel, ChannelAccount.external_id == user_id))).first()
            if account is None:
                member = Member(display_name=name)
                session.add(member)
                await session.flush()
                account = ChannelAccount(member_id=member.id, channel=channel, external_id=user_id, chat_id=user_id)
                session.add(account)
            session.add(RoleGrant(member_id=account.member_id, role=role, unit_id=unit_id, granted_by="test"))
            await session.commit()
            return account.member_id
    return make


@pytest.fixture
def group(sessions):
    async def make(chat_id: str = "-100777") -> None:
        async with sessions() as session:
            session.add(ChatDestination(channel="telegram", chat_id=chat_id, title="Tổ theo dõi"))
            await session.commit()
    return make
