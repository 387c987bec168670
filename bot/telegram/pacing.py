"""Telegram's sending limits, as pure bookkeeping: how long before the next send to a chat.

Telegram asks bots to stay under about 30 messages a second overall, one a second in a
private chat and 20 a minute in a group (negative chat id). The pacer keeps the times of the
recent sends (a sliding window, so no window of that length ever holds more than the limit)
and answers how many seconds a send must wait. It never sleeps itself: the sender does, and
skips a chat that is cooling down rather than making every other chat wait behind it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """At most ``count`` sends in any ``seconds``-long window."""

    count: int
    seconds: float


OVERALL = Limit(30, 1.0)
PRIVATE = Limit(1, 1.0)
GROUP = Limit(20, 60.0)


class _Window:
    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.times: deque[float] = deque()

    def forget_before(self, now: float) -> None:
        while self.times and self.times[0] <= now - self.limit.seconds:
            self.times.popleft()

    def wait(self, now: float) -> float:
        self.forget_before(now)
        if len(self.times) < self.limit.count:
            return 0.0
        return self.times[0] + self.limit.seconds - now

    def record(self, now: float) -> None:
        self.times.append(now)


class Pacer:
    """Sliding windows overall and per chat; ``clock`` is a monotonic clock in seconds."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        overall: Limit = OVERALL,
        private: Limit = PRIVATE,
        group: Limit = GROUP,
    ) -> None:
        self.clock = clock
        self.private = private
        self.group = group
        self._overall = _Window(overall)
        self._chats: dict[int, _Window] = {}

    def limit_of(self, chat_id: int) -> Limit:
        return self.group if chat_id < 0 else self.private

    def overall_wait(self) -> float:
        """Seconds before any send may go."""
        return self._overall.wait(self.clock())

    def chat_wait(self, chat_id: int) -> float:
        """Seconds before a send to this chat may go, the overall limit aside."""
        window = self._chats.get(chat_id)
        return window.wait(self.clock()) if window is not None else 0.0

    def wait(self, chat_id: int) -> float:
        return max(self.overall_wait(), self.chat_wait(chat_id))

    def record(self, chat_id: int) -> None:
        """A request to the chat is being made now (whether or not it succeeds)."""
        now = self.clock()
        self._overall.record(now)
        window = self._chats.get(chat_id)
        if window is None:
            window = self._chats[chat_id] = _Window(self.limit_of(chat_id))
        window.record(now)
        if len(self._chats) > 1000:
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for chat_id, window in list(self._chats.items()):
            window.forget_before(now)
            if not window.times:
                del self._chats[chat_id]
