"""Thousands of generated texts and button presses, from every role and a stranger, through
the fake Bot API server with the real bot running: no unhandled error, nothing refused,
and the database consistent afterwards.

One bot serves a whole run: each Hypothesis example is a batch of steps sent to it, the
state of the network carrying over from batch to batch (as a real day would).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.callbacks import AnnounceCb, ClaimCb, RouteCb
from bot.commands import COMMANDS
from tests.bot.test_hostile_input import (
    HOSTILE_TEXTS,
    NON_TEXT,
    ErrorLog,
    callback_classes,
    donations,
    send_content,
)
from tests.harness import buttons, running_bot
from tests.invariants import assert_consistent

GROUP = -1001000000001
PEOPLE = {
    100001: "fr",  # Claire, coordinator, Ixelles
    100002: "nl",  # Joris, coordinator, Schaerbeek
    100003: "fr",  # Marc, store manager, Super Flagey
    100004: "nl",  # Sofie, driver, refrigerated
    100005: "fr",  # Karim, driver, Schaerbeek
    100006: "fr",  # Anne, association
    100007: "fr",  # Lucas, driver
    100008: "nl",  # Pieter, association
    999001: "en",  # a stranger
}
WORKERS = [100001, 100004, 100006, 100007, 100008]  # who moves pickups along
STEP = timedelta(seconds=3)  # between two steps: a brisk person, never a flood
EXAMPLES = 130
STEPS = 16
CHECK_EVERY = 10  # batches between two checks of the database (and once at the end)

ids = st.one_of(st.integers(0, 6), st.integers(-(2**31), 2**63 - 1))
words = st.sampled_from(
    "ok edit cancel as_announced total zero items planned kg diff problem none qty got no "
    "h d r a m usual evening other fr nl de too_warm damaged other no_food store_closed "
    "did_not_happen".split()
)
field_values = st.one_of(ids, words, st.text(max_size=12))


def forged(cls) -> st.SearchStrategy[str]:
    """The class's prefix with made-up values: other ids, other words, garbage."""
    fields = list(cls.model_fields)
    return st.lists(field_values, min_size=len(fields), max_size=len(fields)).map(
        lambda values: ":".join([cls.__prefix__, *(str(v) for v in values)])
    )


callback_data = st.one_of(
    st.sampled_from(callback_classes()).flatmap(forged),
    st.builds(lambda i: ClaimCb(donation_id=i).pack(), st.integers(1, 8)),
    st.builds(
        lambda d, k, p: RouteCb(donation_id=d, kind=k, place_id=p).pack(),
        st.integers(1, 8),
        st.sampled_from("ahmr"),
        st.integers(0, 12),
    ),
    st.text(max_size=80),
)

commands = st.builds(
    lambda c, arg: f"/{c.name} {arg}".strip(),
    st.sampled_from(COMMANDS),
    st.one_of(st.just(""), st.sampled_from(HOSTILE_TEXTS), st.text(max_size=40)),
)
plain_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300
).filter(lambda t: t.strip())
numbers = st.sampled_from(
    "0 -1 -0 12 18,5 1e9 1E400 NaN nan inf -inf 1,5 1.000,5 1.5.5 ½ ٣ 10001 0,04 "
    "99999999999999999999".split()
)
surplus = st.builds(
    lambda q, w, t: f"/surplus {q} kg {w} {t}",
    numbers,
    st.sampled_from(["pain", "légumes", "brood", "yaourts", "🍞", "<b>pain</b>", "x" * 300]),
    st.sampled_from(["18h-19h", "9h-8h", "hier 18h", "25h-26h", "", "18h-19h 20h-21h"]),
)
CHILLED_DATE = {"yaourts": " DLC 28/12", "viande": " DLC 28/12"}  # else asked, not announced
surplus_ok = st.builds(
    lambda q, w, start: f"/surplus {q} kg {w}{CHILLED_DATE.get(w, '')} {start}h-{start + 1}h",
    st.integers(1, 60),
    st.sampled_from(["pain", "légumes", "yaourts", "viande", "fruits"]),
    st.integers(8, 22),
)
texts = st.one_of(commands, plain_text, numbers, surplus, st.sampled_from(HOSTILE_TEXTS))


def unexpected_refusals(fake) -> list[str]:
    """Every call Telegram would refuse, an edit that changes nothing included."""
    return [c.describe() for c in fake.refused]


@dataclass(frozen=True)
class Step:
    kind: str  # text, press, offered, other, group, wait
    person: int
    value: Any = None


steps = st.one_of(
    st.builds(Step, st.just("text"), st.sampled_from(list(PEOPLE)), texts),
    st.builds(Step, st.just("offered"), st.sampled_from(list(PEOPLE)), st.integers(0, 99)),
    st.builds(Step, st.just("offered"), st.sampled_from(list(PEOPLE)), st.integers(0, 99)),
    st.builds(Step, st.just("offered"), st.sampled_from(WORKERS), st.integers(0, 99)),
    st.builds(Step, st.just("offered"), st.sampled_from(WORKERS), st.integers(0, 99)),
    st.builds(Step, st.just("press"), st.sampled_from(list(PEOPLE)), callback_data),
    st.builds(Step, st.just("other"), st.sampled_from(list(PEOPLE)), st.sampled_from(NON_TEXT)),
    st.builds(Step, st.just("group"), st.sampled_from(list(PEOPLE)), texts),
    st.builds(Step, st.just("wait"), st.just(0), st.integers(1, 180)),
    st.tuples(st.integers(0, 3), surplus_ok, st.sampled_from(WORKERS), st.integers(0, 99)).map(
        lambda t: Step("announce", 100003, t[1]) if t[0] == 0 else Step("offered", t[2], t[3])
    ),
)


class Network:
    """The people of the example network talking to the running bot."""

    def __init__(self, settings, fake, clock) -> None:
        self.settings = settings
        self.fake = fake
        self.clock = clock
        self.users = {
            tid: fake.user(tid, first_name=f"P{tid}", language_code=lc)
            for tid, lc in PEOPLE.items()
        }
        self.group = fake.group(GROUP, title="Antenne Ixelles-Etterbeek")
        self.sent = 0
        self.busy: set[int] = set()
        self.batches = 0
        self.errors: ErrorLog | None = None

    def _offered(self, person: int, choice: int) -> None:
        """A button the bot really showed this person (or the group), old or new."""
        chats = (person, GROUP)
        with_buttons = [
            [m for m in self.fake.sent(chat)[-30:] if any(d for _, d in buttons(m))][-3:]
            for chat in chats
        ]
        shown = [
            (message, data)
            for messages in with_buttons
            for message in messages
            for _, data in buttons(message)
            if data
        ]
        if shown:
            message, data = shown[choice % len(shown)]
            self.fake.press_button(self.users[person], message, data)
            self.sent += 1

    async def _announce(self, user: dict, text: str) -> None:
        """The store announces and confirms: the day gets pickups to claim and record."""
        self.fake.send_text(user, text)
        self.sent += 1
        await self.fake.wait_for(method="sendMessage", chat_id=user["id"])
        ok = AnnounceCb(action="ok").pack()
        echo = self.fake.last_message(user["id"])
        if ok in [data for _, data in buttons(echo)]:
            self.fake.press_button(user, echo, ok)
            self.sent += 1

    def _press(self, person: int, data: str) -> None:
        messages = self.fake.sent(person) or self.fake.sent(GROUP)
        if messages:
            self.fake.press_button(self.users[person], messages[-1], data)
            self.sent += 1

    async def play(self, step: Step) -> None:
        """One step; a person waits for the bot's answer before their next step, as people
        do, while different people write at the same time."""
        if step.person in self.busy:
            await self.fake.wait_idle(grace=0.02, timeout=60)
            self.busy.clear()
        self.busy.add(step.person)
        self.clock.advance(seconds=STEP.total_seconds())
        user = self.users.get(step.person)
        if step.kind == "wait":
            self.clock.advance(minutes=step.value)
        elif step.kind == "announce":
            await self._announce(user, step.value)
        elif step.kind == "text":
            self.fake.send_text(user, step.value[:4096])
            self.sent += 1
        elif step.kind == "group":
            self.fake.send_text(user, step.value[:4096], chat=self.group)
            self.sent += 1
        elif step.kind == "other":
            send_content(self.fake, user, step.value)
            self.sent += 1
        elif step.kind == "offered":
            self._offered(step.person, step.value)
        else:
            self._press(step.person, step.value)


@pytest.fixture
async def network(settings, fake_api, clock):
    errors = ErrorLog.attach()
    net = Network(settings, fake_api, clock)
    net.errors = errors
    # something to work on from the start: a store announces, a driver claims
    marc = net.users[100003]
    fake_api.send_text(marc, "/surplus 20 kg pain, 12 kg légumes 18h-19h30")
    async with running_bot(settings, clock=clock):
        yield net
        await fake_api.wait_idle(grace=0.2, timeout=60)  # the outbox may still be sending
    errors.detach()
    assert errors.records == [], errors.describe()
    assert unexpected_refusals(fake_api) == []
    await assert_consistent(settings.database_url)
    statuses = Counter(d.status for d in await donations(settings.database_url))
    logging.getLogger(__name__).info("%s updates sent; pickups: %s", net.sent, statuses)
    assert net.sent >= 1000


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # state carries over: shrinking would mislead
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(batch=st.lists(steps, min_size=STEPS // 2, max_size=STEPS))
async def test_generated_traffic_breaks_nothing(network, batch):
    for step in batch:
        await network.play(step)
    await network.fake.wait_idle(grace=0.1, timeout=60)
    assert network.errors.records == [], network.errors.describe()
    assert unexpected_refusals(network.fake) == []
    network.batches += 1
    if network.batches % CHECK_EVERY == 0:
        await assert_consistent(network.settings.database_url)
