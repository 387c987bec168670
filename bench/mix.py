"""The realistic mix: people of the network each playing their part in a loop, one update at a
time (a person waits for the bot's answer before the next step, as on a phone).

- a store manager: /start, /help, a free-text announcement, its confirmation, /mine;
- a driver: /start, /runs, a claim press (on the latest offer or list), /mine, the weight
  (the "total" button, then the kilos typed), a delivery press, /help;
- an association's person: /start, /help, /receipts, the receipt press when one is asked;
- a coordinator: /start, /runsheet, /help.

Each update's latency runs from its queueing in the emulator to the bot's answer for that
chat reaching it (see :mod:`bench.emulated`). ``rate`` paces the whole crowd to that many
updates a second; ``None`` is saturation (nobody waits but for the answers). Against the echo
bot the same steps are played, a press going to the person's last message.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bench.emulated import BenchTelegram
from bench.network import Cast, cast

ANSWER_TIMEOUT = 15.0


def announcement(now: datetime | None = None) -> str:
    """A free-text announcement whose window is open now (so the weight can be recorded)."""
    local = (now or datetime.now(ZoneInfo("Europe/Brussels"))).astimezone(
        ZoneInfo("Europe/Brussels")
    )
    start = max(local.hour - 1, 0)
    end = f"{local.hour + 3}h" if local.hour < 21 else "23h59"
    return f"/surplus 20 kg pain, 12 kg légumes {start}h-{end}"


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lost: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: int = 0

    @property
    def answered(self) -> int:
        return sum(len(v) for v in self.latencies.values())


class _TimeUp(Exception):
    pass


class _Pace:
    """The crowd's pace: one update every 1/rate s (bursts of up to 1 s of arrears), and the
    end of the run, after which no step starts."""

    def __init__(self, rate: float | None, stop_at: float) -> None:
        self.interval = None if rate is None else 1.0 / rate
        self.next_at = time.perf_counter()
        self.stop_at = stop_at

    async def take(self) -> None:
        if time.perf_counter() >= self.stop_at:
            raise _TimeUp
        if self.interval is None:
            return
        at = self.next_at = max(self.next_at + self.interval, time.perf_counter() - 1.0)
        await asyncio.sleep(max(0.0, at - time.perf_counter()))


class Person:
    def __init__(self, fake: BenchTelegram, telegram_id: int, role: str, echo: bool, text: str):
        self.fake, self.id, self.role, self.echo, self.text = fake, telegram_id, role, echo, text
        self.user = fake._users[telegram_id]

    async def _timed(self, kind: str, answer: asyncio.Future, tally: Tally) -> bool:
        try:
            seconds = await asyncio.wait_for(answer, ANSWER_TIMEOUT)
        except (TimeoutError, asyncio.CancelledError):
            tally.lost[kind] += 1
            return False
        tally.latencies[kind].append(seconds)
        return True

    async def say(self, kind: str, text: str, pace: _Pace, tally: Tally) -> bool:
        await pace.take()
        return await self._timed(kind, self.fake.ask(self.user, text), tally)

    async def press(self, kind: str, prefix: str, pace: _Pace, tally: Tally, pick=None) -> bool:
        if self.echo:
            message, data = self.fake.last_sent.get(self.id), f"{prefix}:1"
        else:
            message = self.fake.last_with(self.id, prefix)
            datas = [
                b.get("callback_data", "")
                for row in (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
                if b.get("callback_data", "").startswith(prefix + ":")
            ]
            data = next((d for d in datas if pick is None or d.endswith(pick)), None)
        if message is None or data is None:
            tally.skipped += 1
            return False
        await pace.take()
        return await self._timed(kind, self.fake.press(self.user, message, data), tally)

    async def weight(self, pace: _Pace, tally: Tally) -> None:
        before = self.fake.sends_to(self.id)
        if not await self.press("weight", "pu", pace, tally, pick=":total"):
            return
        answer = self.fake.callback_answers.get(self.fake.last_query[self.id], {})
        if answer.get("text"):  # refused, said in an alert (the window not open yet, ...)
            return
        if not self.echo:  # the question "how many kilos?" follows the answer to the press
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.fake.sent_beyond(self.id, before), 2.0)
        await self.say("weight", "31,5", pace, tally)

    async def round(self, pace: _Pace, tally: Tally) -> None:
        """One pass of the person's part."""
        if self.role == "store":
            for kind, text in (("start", "/start"), ("help", "/help")):
                await self.say(kind, text, pace, tally)
            if await self.say("announce", self.text, pace, tally):
                await self.press("confirm", "an", pace, tally, pick=":ok")
            await self.say("mine", "/mine", pace, tally)
        elif self.role == "driver":
            await self.say("start", "/start", pace, tally)
            await self.say("runs", "/runs", pace, tally)
            await self.press("claim", "cl", pace, tally)
            await self.say("mine", "/mine", pace, tally)
            await self.weight(pace, tally)
            await self.press("delivery", "dl", pace, tally, pick=":planned")
            await self.say("help", "/help", pace, tally)
        elif self.role == "association":
            for kind, text in (("start", "/start"), ("help", "/help"), ("receipt", "/receipts")):
                await self.say(kind, text, pace, tally)
            await self.press("receipt", "rc", pace, tally, pick=":ok")
        else:
            for kind, text in (("start", "/start"), ("runsheet", "/runsheet"), ("help", "/help")):
                await self.say(kind, text, pace, tally)


def crowd(fake: BenchTelegram, size: int, *, echo: bool, first_antenna: int = 1) -> list[Person]:
    """``size`` people, ten per antenna from ``first_antenna`` on: a coordinator, three store
    managers, four drivers and two people of associations."""
    people: list[Person] = []
    text = announcement()
    antenna = first_antenna
    while len(people) < size:
        who: Cast = cast(antenna)
        roles = (
            [(who.coordinator, "coordinator")]
            + [(i, "store") for i in who.store_managers[:3]]
            + [(i, "driver") for i in who.drivers[:4]]
            + [(i, "association") for i in who.association_people[::4]]
        )
        people += [Person(fake, i, role, echo, text) for i, role in roles]
        antenna += 1
    return people[:size]


async def play(people: list[Person], *, seconds: float, rate: float | None) -> tuple[Tally, float]:
    """Everyone plays rounds for ``seconds`` (no step starts after that; the answers awaited
    are waited for); the tally and the seconds it really took."""
    tally = Tally()
    began = time.perf_counter()
    pace = _Pace(rate, began + seconds)

    async def live(person: Person) -> None:
        try:
            while True:
                await person.round(pace, tally)
        except _TimeUp:
            pass

    await asyncio.gather(*(live(p) for p in people))
    return tally, time.perf_counter() - began
