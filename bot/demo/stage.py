"""What the demo's script acts with: the emulator, the running bot, the moving clock.

Every step a person takes goes through the emulator as a real Telegram update; every answer
is awaited with a timeout, and a missing one stops the demo with ``DemoFailed`` naming the
step. Between steps the stage waits until the bot has settled (updates handled, the outbox's
due messages sent), prints what it said, then pauses for the reader.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from aiogram import Dispatcher
from sqlalchemy import func
from sqlmodel import col, select

from bot.demo.cast import Person
from bot.demo.transcript import Transcript
from bot.emulator import FakeTelegram
from logistics.clock import FixedClock
from storage.models import Outbox

T = TypeVar("T")
TIMEOUT = 15.0  # seconds an expected answer of the bot may take


class DemoFailed(Exception):
    """A step of the demo did not happen as it should."""


class Stage:
    def __init__(
        self,
        *,
        fake: FakeTelegram,
        dp: Dispatcher,
        clock: FixedClock,
        transcript: Transcript,
        people: dict[int, Person],
        day: date,
        tz: str,
        pause: float,
    ) -> None:
        self.fake = fake
        self.dp = dp
        self.clock = clock
        self.transcript = transcript
        self.people = people
        self.day = day
        self.zone = ZoneInfo(tz)
        self.pause = pause
        self.users = {
            tid: fake.user(tid, first_name=p.first_name, language_code=p.language)
            for tid, p in people.items()
        }

    @property
    def session_factory(self) -> Any:
        return self.dp["session_factory"]

    def wake_outbox(self) -> None:
        self.dp["outbox"].wake()

    # ----------------------------------------------------------------- time

    def at(self, hh_mm: str) -> None:
        """Move the clock to that local time of the demo's day."""
        hour, minute = (int(x) for x in hh_mm.split(":"))
        self.clock.set(datetime.combine(self.day, time(hour, minute), tzinfo=self.zone))

    def scene(self, hh_mm: str, title: str) -> None:
        self.at(hh_mm)
        self.transcript.scene(title)

    # ----------------------------------------------------------------- people act

    def say(self, tid: int, text: str) -> None:
        self.transcript.says(self.people[tid].speaker, text)
        self.fake.send_text(self.users[tid], text)

    async def write(self, step: str, tid: int, text: str) -> None:
        """The person writes ``text``; the bot must answer in that chat."""
        before = len(self.fake.calls(chat_id=tid))
        self.say(tid, text)
        await self.expect(step, lambda: len(self.fake.calls(chat_id=tid)) > before)
        await self.settle()

    async def tap(self, step: str, tid: int, message: dict[str, Any], data: str) -> None:
        """The person presses a button; the bot must answer the press."""
        query_id = self.press(tid, message, data)
        await self.expect(step, lambda: query_id in self.fake.callback_answers)
        await self.settle()

    def press(self, tid: int, message: dict[str, Any], data: str) -> str:
        """The person presses the button carrying ``data`` on ``message``; the query's id."""
        label = next(
            (
                b["text"]
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
                for b in row
                if b.get("callback_data") == data
            ),
            None,
        )
        if label is None:
            raise DemoFailed(f"no button {data!r} on the message {message.get('message_id')}")
        update = self.fake.press_button(self.users[tid], message, data, check=True)
        query_id = update["callback_query"]["id"]
        self.transcript.presses(self.people[tid].speaker, label, query_id)
        return query_id

    # ----------------------------------------------------------------- the bot answers

    async def expect(self, step: str, predicate: Callable[[], T], within: float = TIMEOUT) -> T:
        """Wait until ``predicate`` holds (returns its value), or fail the step."""
        try:
            return await self.fake.wait_for(predicate, timeout=within)
        except AssertionError as exc:
            self.transcript.echo(self.fake.requests)
            raise DemoFailed(f"{step}: the bot did not answer within {within:g} s") from exc

    async def settle(self, *, within: float = TIMEOUT) -> None:
        """Wait until the bot is quiet with nothing due in its outbox, print what it said,
        then pause for the reader."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            try:
                await self.fake.wait_idle(grace=0.15, timeout=max(deadline - loop.time(), 0.1))
            except AssertionError as exc:
                raise DemoFailed(f"the bot did not settle within {within:g} s") from exc
            if not await self._outbox_due():
                break
            if loop.time() > deadline:
                raise DemoFailed(f"messages still waiting to be sent after {within:g} s")
            await asyncio.sleep(0.1)
        self.transcript.echo(self.fake.requests)
        if self.pause:
            await asyncio.sleep(self.pause)

    async def _outbox_due(self) -> int:
        async with self.session_factory() as session:
            return (
                await session.exec(
                    select(func.count())
                    .select_from(Outbox)
                    .where(
                        col(Outbox.status) == "pending",
                        col(Outbox.next_attempt_at) <= self.clock.now(),
                    )
                )
            ).one()

    # ----------------------------------------------------------------- reading the chats

    def with_button(self, chat_id: int, prefix: str) -> list[dict[str, Any]]:
        """Messages of the chat (as they are now) carrying a button of that callback prefix."""
        return [m for m in self.fake.sent(chat_id) if buttons_of(m, prefix)]


def buttons_of(message: dict[str, Any], prefix: str) -> list[str]:
    """The callback data of the message's buttons that start with ``prefix:``."""
    markup = message.get("reply_markup") or {}
    return [
        b["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for b in row
        if str(b.get("callback_data", "")).startswith(prefix + ":")
    ]
