"""The sender within Telegram's limits, through server errors, on a fake clock.

The pacer is checked on its own; the sender is driven pass by pass against the fake Bot API
server, its sleeps advancing the fake clocks instead of waiting.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter, defaultdict

import pytest
from sqlmodel import select

from bot.i18n import create_i18n
from bot.notifications import RENDERERS, Rendered
from bot.telegram.outbox import OutboxSender
from bot.telegram.pacing import Pacer
from storage.models import Antenna, AuditLog, Member, Membership, Outbox

GROUP = -1001000000099
COORDINATOR, BLOCKED = 300001, 300002
PRIVATE = list(range(200001, 200041))
EPSILON = 1e-6


class FakeTime:
    """A monotonic clock and a sleep that only advances it (and the wall clock with it).

    Every request the server recorded before a sleep is stamped with the time it was made.
    """

    def __init__(self, clock, fake_api=None) -> None:
        self.t = 0.0
        self.clock = clock
        self.fake_api = fake_api
        self.stamps: list[float] = []

    def monotonic(self) -> float:
        return self.t

    def stamp(self) -> None:
        if self.fake_api is not None:
            missing = len(self.fake_api.requests) - len(self.stamps)
            self.stamps.extend([self.t] * missing)

    async def sleep(self, seconds: float) -> None:
        self.stamp()
        self.t += seconds
        self.clock.advance(seconds=seconds)
        await asyncio.sleep(0)


def most_in_window(times: list[float], seconds: float) -> int:
    """The most sends any window of ``seconds`` (half-open) holds."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= seconds - EPSILON:
            start += 1
        best = max(best, end - start + 1)
    return best


# --- The pacer on its own ----------------------------------------------------------------


def test_a_private_chat_gets_one_message_a_second():
    time = FakeTime(clock=None)
    pacer = Pacer(clock=time.monotonic)
    assert pacer.wait(42) == 0
    pacer.record(42)
    assert pacer.wait(42) == pytest.approx(1.0)
    assert pacer.wait(43) == 0, "another chat is not held up"
    time.t = 0.4
    assert pacer.wait(42) == pytest.approx(0.6)
    time.t = 1.0
    assert pacer.wait(42) == 0


def test_a_group_gets_twenty_messages_a_minute():
    time = FakeTime(clock=None)
    pacer = Pacer(clock=time.monotonic)
    for second in range(20):
        time.t = float(second)
        assert pacer.wait(GROUP) == 0
        pacer.record(GROUP)
    time.t = 19.5
    assert pacer.wait(GROUP) == pytest.approx(40.5)  # the first of the 20 leaves at 60 s
    time.t = 60.0
    assert pacer.wait(GROUP) == 0
    pacer.record(GROUP)
    assert pacer.wait(GROUP) == pytest.approx(1.0)  # then the second one, sent at 1 s


def test_thirty_messages_a_second_overall():
    time = FakeTime(clock=None)
    pacer = Pacer(clock=time.monotonic)
    for chat_id in range(1, 31):
        assert pacer.wait(chat_id) == 0
        pacer.record(chat_id)
        time.t += 0.01
    assert pacer.chat_wait(31) == 0
    assert pacer.overall_wait() == pytest.approx(0.7)
    assert pacer.wait(31) == pytest.approx(0.7)
    time.t = 1.0
    assert pacer.wait(31) == 0


# --- The sender against the fake server --------------------------------------------------


async def note(ctx, payload: dict) -> Rendered:
    return Rendered(text=payload["text"])


@pytest.fixture
def notes(monkeypatch):
    """A plain outbox kind whose text is given in the entry."""
    monkeypatch.setitem(RENDERERS, "note", note)


async def queue(session_factory, now, entries: list[tuple[int, str]]) -> None:
    async with session_factory() as session:
        for chat_id, text in entries:
            session.add(
                Outbox(
                    chat_id=chat_id,
                    method="notify",
                    payload={"kind": "note", "text": text},
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            await session.flush()  # ids in the order given
        await session.commit()


async def outbox(session_factory) -> list[Outbox]:
    async with session_factory() as session:
        return list((await session.exec(select(Outbox).order_by(Outbox.id))).all())


async def drain(sender: OutboxSender, time: FakeTime, session_factory) -> None:
    """Pass after pass, sleeping (on the fake clock) as the sender asks, until all is settled."""
    for _ in range(5000):
        delay = await sender.step()
        if all(entry.status != "pending" for entry in await outbox(session_factory)):
            time.stamp()
            return
        await time.sleep(delay)
    raise AssertionError("the outbox never emptied")


@pytest.fixture
async def telegram_bot(fake_api):
    bot = fake_api.make_bot()
    yield bot
    await bot.session.close()


def sender_for(bot, session_factory, clock, time: FakeTime) -> OutboxSender:
    return OutboxSender(
        bot=bot,
        session_factory=session_factory,
        i18n=create_i18n(),
        clock=clock,
        pacer=Pacer(clock=time.monotonic),
        sleep=time.sleep,
    )


def sends(fake_api, time: FakeTime) -> list[tuple[float, int, str]]:
    """(time, chat, text) of each successful sendMessage."""
    return [
        (at, call.chat_id, call.params["text"])
        for at, call in zip(time.stamps, fake_api.requests, strict=True)
        if call.method.lower() == "sendmessage" and call.ok
    ]


async def test_a_cooling_chat_does_not_hold_up_the_others(
    session_factory, fake_api, telegram_bot, clock, now, notes
):
    for chat_id in (201, 202):
        fake_api.user(chat_id)
    await queue(session_factory, now, [(201, "a1"), (201, "a2"), (202, "b1")])
    time = FakeTime(clock, fake_api)
    await drain(sender_for(telegram_bot, session_factory, clock, time), time, session_factory)
    assert sends(fake_api, time) == [(0.0, 201, "a1"), (0.0, 202, "b1"), (1.0, 201, "a2")]


async def test_every_entry_arrives_once_through_errors_and_within_limits(
    session_factory, fake_api, telegram_bot, clock, now, notes
):
    rng = random.Random(20260310)
    async with session_factory() as session:
        antenna = Antenna(key="ixl", name="Ixelles", group_chat_id=GROUP)
        claire = Member(
            telegram_id=COORDINATOR, name="Claire", language="fr", created_at=now, opened_at=now
        )
        bram = Member(
            telegram_id=BLOCKED, name="Bram", language="nl", created_at=now, opened_at=now
        )
        session.add_all([antenna, claire, bram])
        await session.flush()
        for member, role in ((claire, "coordinator"), (bram, "driver")):
            session.add(
                Membership(member_id=member.id, antenna_id=antenna.id, role=role, created_at=now)
            )
        await session.commit()
    fake_api.group(GROUP)
    for chat_id in [*PRIVATE, COORDINATOR, BLOCKED]:
        fake_api.user(chat_id)
    fake_api.block(BLOCKED)

    chats = [GROUP] * 25 + [BLOCKED] * 3 + [rng.choice(PRIVATE) for _ in range(100)]
    rng.shuffle(chats)
    entries = [(chat_id, f"note {i}") for i, chat_id in enumerate(chats)]
    await queue(session_factory, now, entries)
    faults = 0
    for chat_id, _text in entries:  # each attempt fails with a chance of 30 %
        while chat_id != BLOCKED and rng.random() < 0.3:
            faults += 1
            if rng.random() < 0.5:
                seconds = rng.randint(1, 3)
                fake_api.fail_next(
                    "sendMessage",
                    status=429,
                    description=f"Too Many Requests: retry after {seconds}",
                    retry_after=seconds,
                    chat_id=chat_id,
                )
            else:
                status, description = rng.choice(
                    [(500, "Internal Server Error"), (502, "Bad Gateway")]
                )
                fake_api.fail_next(
                    "sendMessage", status=status, description=description, chat_id=chat_id
                )

    time = FakeTime(clock, fake_api)
    await drain(sender_for(telegram_bot, session_factory, clock, time), time, session_factory)

    injected = [c for c in fake_api.requests if c.injected]
    assert len(injected) == faults > 30
    assert {c.status for c in fake_api.refused} == {403}
    assert {c.chat_id for c in fake_api.refused} == {BLOCKED}

    delivered = sends(fake_api, time)
    counts = Counter(text for _, _, text in delivered)
    for chat_id, text in entries:
        assert counts[text] == (0 if chat_id == BLOCKED else 1), text
    by_chat: dict[int, list[str]] = defaultdict(list)
    for _, chat_id, text in delivered:
        by_chat[chat_id].append(text)
    for chat_id, texts in by_chat.items():
        if chat_id != COORDINATOR:
            assert texts == [t for c, t in entries if c == chat_id], "order kept per chat"

    rows = await outbox(session_factory)
    notes_by_text = {r.payload["text"]: r for r in rows if r.payload["kind"] == "note"}
    for chat_id, text in entries:
        assert notes_by_text[text].status == ("unreachable" if chat_id == BLOCKED else "sent")
    [told] = [r for r in rows if r.payload["kind"] == "member_unreachable"]
    assert (told.chat_id, told.status, told.payload["member_id"]) == (COORDINATOR, "sent", bram.id)
    [message] = by_chat[COORDINATOR]
    assert "Bram" in message and "a bloqué le bot" in message
    async with session_factory() as session:
        assert (await session.get(Member, bram.id)).unreachable
        [audit] = (
            await session.exec(select(AuditLog).where(AuditLog.action == "member.unreachable"))
        ).all()
        assert (audit.entity, audit.entity_id) == ("member", bram.id)

    times = defaultdict(list)
    for at, chat_id, _ in delivered:
        times[chat_id].append(at)
    attempts = [
        at
        for at, call in zip(time.stamps, fake_api.requests, strict=True)
        if call.method.lower() == "sendmessage"
    ]
    assert most_in_window(attempts, 1.0) == 30  # the limit was reached, and kept
    assert most_in_window([at for at, _, _ in delivered], 1.0) <= 30
    assert most_in_window(times[GROUP], 60.0) == 20
    for chat_id in PRIVATE:
        assert most_in_window(times[chat_id], 1.0) <= 1, chat_id
