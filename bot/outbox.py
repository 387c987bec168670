"""The sender: drains the outbox to Telegram, in order, retrying what can be retried.

Entries are written by the rules in the transaction of the change that caused them, so a
crash between the change and the send loses nothing: the sender picks them up at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select

from bot.notifications import Rendered, render
from logistics.clock import Clock
from storage.models import Donation, Member, Outbox

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


class OutboxSender:
    def __init__(
        self,
        *,
        bot: Bot,
        session_factory: async_sessionmaker,
        i18n: I18n,
        clock: Clock,
        batch: int = 50,
        idle_seconds: float = 5.0,
    ) -> None:
        self.bot = bot
        self.session_factory = session_factory
        self.i18n = i18n
        self.clock = clock
        self.batch = batch
        self.idle_seconds = idle_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                done = await self.drain_once()
            except Exception:
                log.exception("outbox drain failed")
                done = 0
            if done < self.batch:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.idle_seconds):
                        await self._wake.wait()

    async def drain_once(self) -> int:
        """Send every entry that is due, oldest first; returns how many were handled."""
        async with self.session_factory() as session:
            ids = (
                await session.exec(
                    select(Outbox.id)
                    .where(Outbox.status == "pending", Outbox.next_attempt_at <= self.clock.now())
                    .order_by(Outbox.id)
                    .limit(self.batch)
                )
            ).all()
        for entry_id in ids:
            await self._deliver(entry_id)
        return len(ids)

    async def _deliver(self, entry_id: int) -> None:
        async with self.session_factory() as session:
            entry = await session.get(Outbox, entry_id)
            if entry is None or entry.status != "pending":
                return
            now = self.clock.now()
            try:
                rendered = await render(session, self.i18n, entry.chat_id, entry.payload)
                if rendered is not None:
                    await self._send(session, entry.chat_id, rendered)
                entry.status, entry.sent_at = "sent", now
            except TelegramRetryAfter as exc:
                entry.next_attempt_at = now + timedelta(seconds=exc.retry_after)
                entry.attempts += 1
            except (TelegramServerError, TelegramNetworkError) as exc:
                self._retry_later(entry, now, str(exc))
            except TelegramForbiddenError as exc:
                entry.status, entry.last_error = "unreachable", str(exc)[:500]
                await self._mark_unreachable(session, entry.chat_id)
            except TelegramBadRequest as exc:
                if "chat not found" in exc.message:  # never wrote to the bot: cannot be reached
                    entry.status, entry.last_error = "unreachable", str(exc)[:500]
                else:
                    log.error("outbox entry %s refused: %s", entry.id, exc)
                    entry.status, entry.last_error = "failed", str(exc)[:500]
            except LookupError as exc:
                log.error("outbox entry %s cannot be rendered: %s", entry.id, exc)
                entry.status, entry.last_error = "failed", str(exc)[:500]
            except Exception as exc:  # a rendering bug must not block the entries behind it
                log.exception("outbox entry %s failed", entry.id)
                entry.status, entry.last_error = "failed", repr(exc)[:500]
            session.add(entry)
            await session.commit()

    def _retry_later(self, entry: Outbox, now, error: str) -> None:
        entry.attempts += 1
        entry.last_error = error[:500]
        if entry.attempts >= MAX_ATTEMPTS:
            entry.status = "failed"
        else:
            entry.next_attempt_at = now + timedelta(seconds=min(2**entry.attempts, 300))

    async def _send(self, session, chat_id: int, rendered: Rendered) -> None:
        donation = await session.get(Donation, rendered.card_of) if rendered.card_of else None
        if donation is not None and donation.group_message_id is not None:
            try:
                await self.bot.edit_message_text(
                    text=rendered.text,
                    chat_id=chat_id,
                    message_id=donation.group_message_id,
                    reply_markup=rendered.reply_markup,
                )
                return
            except TelegramBadRequest as exc:
                if "not modified" in exc.message:
                    return
                if "not found" not in exc.message:
                    raise
                # the card was deleted in the group: post it again below
        message = await self.bot.send_message(
            chat_id, rendered.text, reply_markup=rendered.reply_markup
        )
        if donation is not None:
            donation.group_message_id = message.message_id
            session.add(donation)

    async def _mark_unreachable(self, session, chat_id: int) -> None:
        member = (await session.exec(select(Member).where(Member.telegram_id == chat_id))).first()
        if member is not None:
            member.unreachable = True
            session.add(member)
