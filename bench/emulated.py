"""The project's Bot API emulator as the benchmark uses it: the answers timed, Telegram's
sending limits enforced on demand.

:class:`BenchTelegram` is :class:`~bot.emulator.FakeTelegram` plus:

- ``ask(user, text)`` and ``press(user, message, data)`` queue an update and return a future
  that resolves, with the seconds elapsed, when the bot's answer for that chat reaches the
  emulator: a ``sendMessage`` or ``editMessageText`` to that chat once the bot has fetched
  the update, for a text; the ``answerCallbackQuery`` of that very query, for a button;
- the latest message carrying each kind of button (callback data prefix) in every chat, so that
  a person can press what the bot last offered without reading the whole history;
- when ``limits`` is on, Telegram's limits on sending (30 messages a second overall, one a
  second in a private chat, 20 a minute in a group) answered with 429 and ``retry_after``;
- the instant of the first ``getUpdates``, for the start-up measure.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import defaultdict, deque
from typing import Any

from bot.emulator import FakeTelegram
from bot.emulator.records import Call, Refusal, Upload

ANSWERS = frozenset(("sendmessage", "editmessagetext", "answercallbackquery"))
SENDS = frozenset(("sendmessage", "senddocument", "sendphoto"))
LIMITS = {"overall": (30, 1.0), "private": (1, 1.0), "group": (20, 60.0)}


class _Window:
    def __init__(self, count: int, seconds: float) -> None:
        self.count, self.seconds, self.times = count, seconds, deque()

    def wait(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        return 0.0 if len(self.times) < self.count else self.times[0] + self.seconds - now


class BenchTelegram(FakeTelegram):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = False
        self.too_many = 0  # 429s answered
        self.first_poll: float | None = None
        self.last_query: dict[int, str] = {}  # each person's latest button press
        self.latest: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.sends: list[tuple[float, int]] = []  # (instant, chat) of each message sent
        self.last_sent: dict[int, dict[str, Any]] = {}  # the latest message sent to each chat
        self._send_counts: dict[int, int] = defaultdict(int)
        self._send_waiters: dict[int, list[tuple[int, asyncio.Future]]] = defaultdict(list)
        self._waiting: dict[int, tuple[float, asyncio.Future, int]] = {}
        self._fetched: set[int] = set()  # update ids the bot has fetched
        self._queries_waiting: dict[str, tuple[float, asyncio.Future]] = {}
        self._overall = _Window(*LIMITS["overall"])
        self._windows: dict[int, _Window] = {}

    # what people do, timed

    def ask(self, user: dict[str, Any], text: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        update = self.send_text(user, text)
        self._waiting[user["id"]] = (started, future, update["update_id"])
        return future

    def press(self, user: dict[str, Any], message: dict[str, Any], data: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        update = self.press_button(user, message, data)
        query_id = update["callback_query"]["id"]
        self._queries_waiting[query_id] = (started, future)
        self.last_query[user["id"]] = query_id
        return future

    def forget_waiting(self) -> int:
        """Drop the answers still awaited; how many there were (replies lost)."""
        lost = 0
        futures = [w[1] for w in [*self._waiting.values(), *self._queries_waiting.values()]]
        for future in futures:
            if not future.done():
                future.cancel()
                lost += 1
        self._waiting.clear()
        self._queries_waiting.clear()
        return lost

    def sends_to(self, chat_id: int) -> int:
        """How many messages were sent to the chat so far."""
        return self._send_counts[chat_id]

    def sent_beyond(self, chat_id: int, count: int) -> asyncio.Future:
        """A future done once more than ``count`` messages were sent to the chat."""
        future = asyncio.get_running_loop().create_future()
        if self._send_counts[chat_id] > count:
            future.set_result(None)
        else:
            self._send_waiters[chat_id].append((count, future))
        return future

    def last_with(self, chat_id: int, prefix: str) -> dict[str, Any] | None:
        return self.latest.get(chat_id, {}).get(prefix)

    # the server's side

    async def _get_updates(self, params, request):  # type: ignore[override]
        if self.first_poll is None:
            self.first_poll = time.perf_counter()
        batch = await super()._get_updates(params, request)
        self._fetched.update(update["update_id"] for update in batch)
        return batch

    def _send_message(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        self._limit(params)
        return super()._send_message(params, files)

    def _limit(self, params: dict[str, Any]) -> None:
        if not self.limits:
            return
        now = time.monotonic()
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            return
        chat = self._windows.get(chat_id)
        if chat is None:
            chat = self._windows[chat_id] = _Window(*LIMITS["group" if chat_id < 0 else "private"])
        wait = max(self._overall.wait(now), chat.wait(now))
        if wait > 0:
            self.too_many += 1
            seconds = max(1, math.ceil(wait))
            raise Refusal(f"Too Many Requests: retry after {seconds}", 429, seconds)
        self._overall.times.append(now)
        chat.times.append(now)

    def _answer(self, call: Call):  # type: ignore[override]
        response = super()._answer(call)
        name = call.method.lower()
        if not call.ok or name not in ANSWERS:
            return response
        now = time.perf_counter()
        if name == "answercallbackquery":
            waiting = self._queries_waiting.pop(str(call.params.get("callback_query_id")), None)
        else:
            chat_id = call.chat_id
            if name == "sendmessage":
                self.sends.append((now, chat_id))
                self._send_counts[chat_id] += 1
                self._wake_senders(chat_id)
                self.last_sent[chat_id] = call.result
            self._remember_buttons(chat_id, call.result)
            waiting = self._waiting.get(chat_id)
            # a message sent before the bot even fetched the update is not its answer (the
            # outbox writing to that person meanwhile)
            if waiting is not None and waiting[2] in self._fetched:
                del self._waiting[chat_id]
            else:
                waiting = None
        if waiting is not None and not waiting[1].done():
            waiting[1].set_result(now - waiting[0])
        return response

    def _wake_senders(self, chat_id: int) -> None:
        waiting = self._send_waiters.get(chat_id)
        if not waiting:
            return
        count = self._send_counts[chat_id]
        for limit, future in waiting:
            if count > limit and not future.done():
                future.set_result(None)
        waiting[:] = [(n, f) for n, f in waiting if not f.done()]

    def _remember_buttons(self, chat_id: Any, message: Any) -> None:
        if not isinstance(message, dict):
            return
        markup = message.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data") or ""
                if ":" in data:
                    self.latest[chat_id][data.split(":", 1)[0]] = message
