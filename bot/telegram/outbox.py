"""The sender: drains the outbox to Telegram, in order per chat, within Telegram's limits.

Entries are written by the rules in the transaction of the change that caused them, so a
crash between the change and the send loses nothing: the sender picks them up at start.

Each pass takes the oldest pending entry of every chat (a later entry never overtakes an
earlier one of the same chat) and sends those that are due, paced by ``bot.telegram.pacing``: a chat
still cooling down is skipped and returned to later, so it never holds up the other chats.

- 429: the entry waits ``retry_after`` seconds, and the chat's later entries behind it.
- 5xx and network errors: retried with exponential backoff (capped), without giving up.
- 403 (blocked, kicked): the entry is unreachable, the person marked so and the
  coordinators of their antennas told, once.
- 400: refused for good ("failed"), or unreachable when the chat does not exist.

A group card is edited in place as its pickup moves along. Two refreshes queued back to back
render the same card: the sender remembers what it last put on each card and skips an edit
that would change nothing (Telegram refuses those with "message is not modified"); such a
refusal, after a restart has emptied that memory, counts as delivered.

Delivery is at least once, and once as far as we control it: an entry is marked sent in the
same transaction that records what the send produced (a group card's message id), committed
right after Telegram answers. A crash after Telegram accepted a message but before that
commit sends it again at the next start; Telegram offers no way to make a send idempotent.
A graceful stop lets the delivery under way finish and commit, so only a crash can do that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import I18n
from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select

from bot.notifications import Rendered, render
from bot.telegram.edits import edits_of
from bot.telegram.pacing import Pacer
from logistics.clock import Clock
from logistics.people.reachability import mark_unreachable
from storage.models import Donation, Outbox

log = logging.getLogger(__name__)
BACKOFF_CAP = 300.0  # seconds between two attempts at most, after repeated server errors
Sleep = Callable[[float], Awaitable[object]]


class OutboxSender:
    def __init__(
        self,
        *,
        bot: Bot,
        session_factory: async_sessionmaker,
        i18n: I18n,
        clock: Clock,
        pacer: Pacer | None = None,
        sleep: Sleep = asyncio.sleep,
        batch: int = 50,
        idle_seconds: float = 5.0,
    ) -> None:
        self.bot = bot
        self.session_factory = session_factory
        self.i18n = i18n
        self.clock = clock
        self.pacer = pacer or Pacer()
        self.sleep = sleep
        self.batch = batch
        self.idle_seconds = idle_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self, grace: float = 3.0) -> None:
        """Stop after the delivery under way (its commit included), cancelling it only when
        it takes longer than ``grace`` seconds."""
        if self._task:
            self._stopping = True
            self._wake.set()
            done, _ = await asyncio.wait({self._task}, timeout=grace)
            if not done:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                delay = await self.step()
            except Exception:
                log.exception("outbox drain failed")
                delay = self.idle_seconds
            if delay > 0 and not self._stopping:
                await self._nap(delay)

    async def _nap(self, seconds: float) -> None:
        """Sleep (through the injected sleep) until ``seconds`` passed or ``wake()``."""
        sleeper = asyncio.ensure_future(self.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait((sleeper, waker), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()
            await asyncio.gather(sleeper, waker, return_exceptions=True)

    async def step(self) -> float:
        """One pass over the chats with a due entry; returns how long to wait before the
        next pass: 0 when something was handled, else until a chat cools down or an entry
        falls due (``idle_seconds`` at most)."""
        now = self.clock.now()
        heads = await self._heads()
        due = [(entry_id, chat_id) for entry_id, chat_id, at in heads if at <= now]
        handled, cooling = 0, []
        for entry_id, chat_id in due[: self.batch]:
            if self._stopping:
                break
            chat_wait = self.pacer.chat_wait(chat_id)
            if chat_wait > 0:
                cooling.append(chat_wait)
                continue
            while (overall := self.pacer.overall_wait()) > 0:
                await self.sleep(overall)
            await self._deliver(entry_id)
            handled += 1
        if handled:
            return 0.0
        later = [(at - now).total_seconds() for _, _, at in heads if at > now]
        return max(0.0, min([*cooling, *later, self.idle_seconds]))

    async def _heads(self) -> list[tuple[int, int, datetime]]:
        """The oldest pending entry of each chat: (id, chat id, due at), oldest first."""
        oldest = (
            select(func.min(Outbox.id)).where(Outbox.status == "pending").group_by(Outbox.chat_id)
        )
        async with self.session_factory() as session:
            rows = await session.exec(
                select(Outbox.id, Outbox.chat_id, Outbox.next_attempt_at)
                .where(col(Outbox.id).in_(oldest))
                .order_by(Outbox.id)
            )
            return [tuple(row) for row in rows.all()]

    async def _deliver(self, entry_id: int) -> None:
        async with self.session_factory() as session:
            entry = await session.get(Outbox, entry_id)
            if entry is None or entry.status != "pending":
                return
            try:
                rendered = await render(session, self.i18n, entry.chat_id, entry.payload)
                if rendered is not None:
                    await self._send(session, entry.chat_id, rendered)
                entry.status, entry.sent_at = "sent", self.clock.now()
            except TelegramRetryAfter as exc:
                self._retry_later(entry, str(exc), exc.retry_after)
            except TelegramEntityTooLarge as exc:
                self._settle(entry, "failed", exc)
            except (TelegramServerError, TelegramNetworkError) as exc:
                self._retry_later(entry, str(exc), min(2.0 ** (entry.attempts + 1), BACKOFF_CAP))
            except TelegramForbiddenError as exc:
                self._settle(entry, "unreachable", exc)
                await self._mark_unreachable(session, entry.chat_id)
            except TelegramBadRequest as exc:
                # "chat not found": the person never wrote to the bot, it cannot reach them
                self._settle(
                    entry, "unreachable" if "chat not found" in exc.message else "failed", exc
                )
            except LookupError as exc:
                self._settle(entry, "failed", exc)
            except Exception as exc:  # a rendering bug must not block the entries behind it
                log.exception("outbox entry %s failed", entry.id)
                self._settle(entry, "failed", exc)
            session.add(entry)
            await session.commit()

    def _retry_later(self, entry: Outbox, error: str, seconds: float) -> None:
        log.warning("outbox entry %s retried in %ss: %s", entry.id, seconds, error)
        entry.attempts += 1
        entry.last_error = error[:500]
        entry.next_attempt_at = self.clock.now() + timedelta(seconds=seconds)

    def _settle(self, entry: Outbox, status: str, exc: Exception) -> None:
        log.warning("outbox entry %s %s: %r", entry.id, status, exc)
        entry.status, entry.last_error = status, repr(exc)[:500]

    async def _send(self, session, chat_id: int, rendered: Rendered) -> None:
        if rendered.photo is not None or rendered.photo_file_id is not None:
            self.pacer.record(chat_id)
            await self.bot.send_photo(
                chat_id,
                rendered.photo_file_id
                or BufferedInputFile(rendered.photo, filename=rendered.photo_name),
                caption=rendered.text,
                reply_markup=rendered.reply_markup,
            )
            return
        donation = await session.get(Donation, rendered.card_of) if rendered.card_of else None
        if donation is not None and donation.group_message_id is not None:
            if await self._edit_card(chat_id, donation.group_message_id, rendered):
                return
            # the card was deleted in the group: post it again below
        self.pacer.record(chat_id)
        message = await self.bot.send_message(
            chat_id, rendered.text, reply_markup=rendered.reply_markup
        )
        if donation is not None:
            donation.group_message_id = message.message_id
            session.add(donation)
            edits_of(self.bot).remember(
                (chat_id, message.message_id), rendered.text, rendered.reply_markup
            )

    async def _edit_card(self, chat_id: int, message_id: int, rendered: Rendered) -> bool:
        """The card shows the rendering (edited only when it changes); False when the card
        is gone from the group."""
        memory, card = edits_of(self.bot), (chat_id, message_id)
        async with memory.lock(card):
            if memory.shows(card, rendered.text, rendered.reply_markup):
                return True  # already shown: Telegram would refuse the edit
            try:
                self.pacer.record(chat_id)
                await self.bot.edit_message_text(
                    text=rendered.text,
                    chat_id=chat_id,
                    message_id=message_id,
                    reply_markup=rendered.reply_markup,
                )
            except TelegramBadRequest as exc:
                if "not found" in exc.message:
                    return False
                if "not modified" not in exc.message:
                    raise
            memory.remember(card, rendered.text, rendered.reply_markup)
            return True

    async def _mark_unreachable(self, session, chat_id: int) -> None:
        """The person blocked the bot: mark them, and tell their coordinators (once)."""
        await mark_unreachable(session, telegram_id=chat_id, now=self.clock.now())
