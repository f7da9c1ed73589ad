"""Whatever arrives — emoji, right-to-left text, NUL bytes, 10,000 characters, forged button data —
the handlers answer it and nothing escapes."""

import contextlib
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.oneline import LineError, parse_line, parse_number
from tests.handlers.dialog import Person

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="ạảãàáâậầấẩẫăắằặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ0123456789%=.,: /-IVabcdn", max_size=80),
    st.sampled_from(["", " ", "\x00", "/", "//", "/bc", "/bc \x00", "/start \u202e", "🤖🔥" * 50, "שלום עולם",
                     "مرحبا", "/bc II.3 999999999999999999999% dn=1e999", "/moi " + "A" * 500, "x" * 10_000,
                     "/bc IV.2.a dn=" + "9" * 40, "/ngonngu 🇻🇳", "/tinhhinh %", "1", "/baocao II.3"]),
)
choices = st.one_of(st.text(max_size=70), st.sampled_from(
    ["c:", "c:1:1:", "c:abc:0:s:done", "c:999999:0:ok", "go:", "go:1:2", "go:x:y", "mi:1:admin", "mi::",
     "ti:0", "lg:xx", "s:done", "\x00", "c:1:0:" + "z" * 60]))


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
async def test_every_message_gets_an_answer(focal, data):
    text = data.draw(texts)
    await focal.say(text)
    # Group-chat silence aside, every message is answered with something readable.
    assert focal.last and all(r.text.strip() for r in focal.last)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_forged_button_data_is_answered(coordinator, data):
    value = data.draw(choices)
    await coordinator.press_value(value)
    assert coordinator.last and all(r.text.strip() for r in coordinator.last)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_strangers_are_answered_too(bot, clock, data):
    stranger = Person(bot, clock, user_id="12345")
    await stranger.say(data.draw(texts))
    assert stranger.last and all(r.text.strip() for r in stranger.last)
