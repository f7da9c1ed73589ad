"""Every command as every role: exactly the allowed ones run, the others are refused and audited."""

import pytest
from sqlmodel import func, select

from models.store.tables import AuditLog

COMMANDS = ["/start", "/trogiup", "/huy", "/ngonngu vi", "/baocao", "/bc IV.2.a 50%", "/tinhhinh", "/quahan",
            "/chuabaocao", "/moi SCT", "/nhacnho SCT", "/xuat", "/duthao", "/nhomtonghop"]
READ = {"/start", "/trogiup", "/huy", "/ngonngu vi", "/tinhhinh", "/quahan", "/chuabaocao", "/xuat", "/duthao"}
ALLOWED = {
    "unregistered": {"/start", "/trogiup", "/huy"},
    "focal": {"/start", "/trogiup", "/huy", "/ngonngu vi", "/baocao", "/bc IV.2.a 50%", "/tinhhinh"},
    "coordinator": set(COMMANDS),
    "leader": READ,
    "admin": READ | {"/moi SCT", "/nhomtonghop"},
}


@pytest.fixture
async def people(person, focal, coordinator, leader):
    return {"unregistered": person("888"), "focal": focal, "coordinator": coordinator, "leader": leader,
            "admin": person("900", "Quản trị")}


@pytest.mark.parametrize("role", list(ALLOWED))
async def test_role_matrix(people, role, sessions):
    someone = people[role]
    refused = []
    for command in COMMANDS:
        async with sessions() as session:
            before = (await session.exec(select(func.count()).select_from(AuditLog).where(
                AuditLog.action == "access.denied"))).one()
        await someone.say(command)
        await someone.say("/huy")  # leave no flow open between commands
        async with sessions() as session:
            after = (await session.exec(select(func.count()).select_from(AuditLog).where(
                AuditLog.action == "access.denied"))).one()
        if after > before:
            refused.append(command)
    assert set(COMMANDS) - set(refused) == ALLOWED[role]
