"""Forged buttons whose ids are out of the database's range: zero, negative, past a 32-bit or
a 64-bit integer, not a number. They never reach the database: each is told, in the person's
language, that the button is no longer valid; nothing is logged as an error, nothing changes.
An id at the very top of the range reaches the rules, which find nothing and say so."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import fields

import pytest
from pydantic.fields import FieldInfo

from bot import callbacks as cb
from bot.callbacks import MAX_ID
from tests.bot.test_hostile_input import callback_classes
from tests.harness import running_bot
from tests.invariants import assert_consistent, database_snapshot
from tests.people.test_permission_matrix import (
    BUTTONS,
    I18N,
    LANGUAGES,
    PEOPLE,
    Chats,
    World,
    build_world,
)

OUT_OF_RANGE = [
    "-1",
    str(MAX_ID + 1),
    str(2**63 - 1),  # SQLite's largest integer
    "9223372036854775808",  # 2**63: SQLite's driver overflows
    str(2**64),
    "-9223372036854775809",
    "abc",
    "1.5",
    "",
]
PRESSERS = ("coordinator", "driver")  # Claire writes French, Sofie Dutch
NO_LONGER_VALID = "This button is no longer valid."
APOLOGY = (
    "Sorry, something went wrong on our side. Please try again in a moment; "
    "if it happens again, tell your coordinator."
)


def id_fields(cls: type[cb.CallbackData]) -> dict[str, FieldInfo]:
    return {name: f for name, f in cls.model_fields.items() if name.endswith("_id")}


def lowest(field: FieldInfo) -> int | None:
    return next((m.ge for m in field.metadata if hasattr(m, "ge")), None)


def highest(field: FieldInfo) -> int | None:
    return next((m.le for m in field.metadata if hasattr(m, "le")), None)


def out_of_range(field: FieldInfo) -> list[str]:
    """Zero too where an id is required; where 0 means "none chosen", so does an empty value."""
    if field.default == 0:
        return [v for v in OUT_OF_RANGE if v]
    return ["0", *OUT_OF_RANGE]


def forged(packed: str, cls: type[cb.CallbackData], name: str, value: str) -> str:
    """The packed data of a real button, with one field replaced by a forged value."""
    parts = packed.split(cls.__separator__)
    parts[list(cls.model_fields).index(name) + 1] = value
    return cls.__separator__.join(parts)


def any_world() -> World:
    """Any id will do to pack a button: every id of this world is 1."""
    ones = {f.name: 1 for f in fields(World)}
    return World(**{**ones, "claimed": defaultdict(lambda: 1)})


def said(part: str, msgid: str) -> str:
    return I18N.gettext(msgid, locale=LANGUAGES.get(PEOPLE[part][0], "fr"))


WITH_IDS = [cls for cls in callback_classes() if id_fields(cls)]
CASES = [(cls, name) for cls in WITH_IDS for name in id_fields(cls)]


def test_every_id_is_bounded_to_the_column_range():
    assert len(CASES) > 20, "the buttons have ids"
    for cls, name in CASES:
        field = id_fields(cls)[name]
        # 0 only where it means "none chosen" and is the default
        expected_low = 0 if field.default == 0 else 1
        assert (lowest(field), highest(field)) == (expected_low, MAX_ID), (cls.__name__, name)


@pytest.mark.parametrize(("cls", "name"), CASES, ids=lambda c: getattr(c, "__name__", c))
def test_out_of_range_ids_do_not_unpack(cls, name):
    """What aiogram's filter takes for "not this button": a ValueError (or TypeError)."""
    packed = BUTTONS[cls][1](any_world()).pack()
    for value in out_of_range(id_fields(cls)[name]):
        with pytest.raises(ValueError):
            cls.unpack(forged(packed, cls, name, value))
    assert getattr(cls.unpack(forged(packed, cls, name, str(MAX_ID))), name) == MAX_ID


async def test_forged_ids_are_answered_no_longer_valid(settings, fake_api, clock, caplog):
    world = await build_world(settings.database_url, clock.now())
    chats = Chats(fake_api, clock)
    clock.advance(hours=8, minutes=45)  # the evening of the pickups, as in the matrix
    caplog.set_level(logging.ERROR)
    async with running_bot(settings, clock=clock):
        for part in PRESSERS:
            await chats.say(part, "/help")
        before = await database_snapshot(settings.database_url)
        for cls, name in CASES:
            packed = BUTTONS[cls][1](world).pack()
            for value in out_of_range(id_fields(cls)[name]):
                data = forged(packed, cls, name, value)
                for part in PRESSERS:
                    answer = await chats.press(part, data)
                    assert said(part, NO_LONGER_VALID) in answer, (part, data, answer)
        assert await database_snapshot(settings.database_url) == before
        # the top of the range is an id like any other: the rules look, find nothing, say so
        for cls in WITH_IDS:
            data = BUTTONS[cls][1](world).pack()
            for name in id_fields(cls):  # all of them: one real id may be enough to act
                data = forged(data, cls, name, str(MAX_ID))
            for part in PRESSERS:
                answer = await chats.press(part, data)
                assert answer and said(part, APOLOGY) not in answer, (part, data, answer)
        assert await database_snapshot(settings.database_url) == before
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert fake_api.refused == [], "\n".join(c.describe() for c in fake_api.refused)
    await assert_consistent(settings.database_url)
