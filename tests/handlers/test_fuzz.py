"""Whatever arrives — emoji, right-to-left text, NUL bytes, 10,000 characters, forged button data —
the handlers answer it and nothing escapes.

"Nothing escapes" is checked where it would show: `Dispatcher.handle` turns any exception into a polite
apology (so that a person is never left without an answer) and logs it at ERROR. An answer alone would
therefore prove nothing; each example also fails on a record at ERROR from the dispatcher, and on the
apology's text."""

import contextlib
import logging
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.oneline import LineError, parse_line, parse_number
from tests.handlers.dialog import Person

pytestmark = pytest.mark.faults

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ0123456789%=.,: /-IVabcdn", max_size=80),
    st.sampled_from(["", " ", "\x00", "/", "//", "/bc", "/bc \x00", "/start \u202e", "🤖🔥" * 50, "שלום עולם",
                     "مرحبا", "/bc II.3 999999999999999999999% dn=1e999", "/moi " + "A" * 500, "x" * 10_000,
                     "/bc IV.2.a dn=" + "9" * 40, "/ngonngu 🇻🇳", "/tinhhinh %", "1", "/baocao II.3",
                     "/bc IV.2.a 40% tiến độ \x1b tốt", "/bc@OtherBot IV.2.a 40%", "/bc IV.2.a ²%", "/xuat",
                     "/moi Sở TT&TT đầu mối", "/tinhhinh \ud800", "/start K7QM-9XPA-3RZT\x00"]),
)
PREFIXES = ["go", "cf", "c", "mi", "ti", "lg", "s", ""]
# The typed button codec (models/callbacks.py): every kind, with owners that are not the presser's, ids
# that overflow a BIGINT, digits that are not ASCII, fields missing or extra.
codec = st.tuples(
    st.sampled_from(PREFIXES),
    st.lists(st.one_of(st.integers(0, 10**25).map(str), st.sampled_from(["", "-1", "²", "١", "0x1", "yes", "no",
                                                                          "focal", "admin", "done", " 1"]),
                       st.text(max_size=6)), max_size=6),
).map(lambda parts: ":".join([parts[0], *parts[1]]))
choices = st.one_of(st.text(max_size=70), codec, st.sampled_from(
    ["c:", "c:1:1:", "c:abc:0:s:done", "c:999999:0:ok", "go:", "go:1:2", "go:x:y", "mi:1:admin", "mi::",
     "ti:0", "lg:xx", "s:done", "\x00", "c:1:0:" + "z" * 60,
     "go:1:99999999999999999999", "c:0:1:2:x", "go:99999999999999999999:1", "go:²:1", "go:1:²", "ti:١:1",
     "c:0:1:99999999999999999999:done", "cf:1:1:maybe", "cf:2:1:yes", "mi:2:1:admin", "mi:1:1:leader",
     "ti:1:1", "ti:2:99999", "go:2:1", "go:0:1", "c:2:1:0:done", "c:1:1:0:done", "mi:0:1:focal"]))


@pytest.fixture
def failures(caplog):
    """Call with a person after each example: fails if anything reached the dispatcher's apology path."""
    caplog.set_level(logging.ERROR, logger="handlers.dispatcher")

    def check(person: Person) -> None:
        errors = [r for r in caplog.records if r.name == "handlers.dispatcher" and r.levelno >= logging.ERROR]
        caplog.clear()
        assert not errors, [(r.getMessage(), r.exc_text or r.exc_info) for r in errors]
        assert "bot gặp lỗi" not in person.text, person.text
    return check


def is_task(token: str) -> bool:
    return token.upper() in {"II.3", "IV.2.A"}


@given(texts)
def test_parser_raises_only_line_errors(text):
    with contextlib.suppress(LineError):
        parse_line(text, is_task=is_task)


@given(st.text(alphabet=string.digits + ".,-% ", max_size=30), st.sampled_from(["int", "decimal", "percent"]))
def test_number_parser_raises_only_line_errors(text, kind):
    with contextlib.suppress(LineError):
        parse_number(text, kind)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_every_message_gets_an_answer(focal, failures, data):
    text = data.draw(texts)
    await focal.say(text)
    # Group-chat silence aside, every message is answered with something readable.
    assert focal.last and all(r.text.strip() for r in focal.last)
    failures(focal)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_forged_button_data_is_answered(coordinator, focal, failures, data):
    value = data.draw(choices)
    for someone in (coordinator, focal):
        await someone.press_value(value)
        assert someone.last and all(r.text.strip() for r in someone.last)
        failures(someone)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_strangers_are_answered_too(bot, clock, failures, data):
    stranger = Person(bot, clock, user_id="12345")
    await stranger.say(data.draw(texts))
    assert stranger.last and all(r.text.strip() for r in stranger.last)
    failures(stranger)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_groups_get_nothing_a_report_needs(bot, clock, focal, failures, data):
    """The focal point in a group: commands, plain text and button data alike; nothing fails, and no
    report is filed there (the group rule is the dispatcher's)."""
    group = Person(bot, clock, user_id=focal.user_id, name=focal.name, chat_type="group", chat_id="-100200")
    if data.draw(st.booleans()):
        await group.say(data.draw(texts))
    else:
        await group.press_value(data.draw(choices))
    failures(group)
    assert "Đã ghi nhận báo cáo" not in group.text
