"""The bot's side as the tests read it: the calls it made (and those refused), the messages it
sent as they are now, a summary for failure messages, waiting until the bot did something or
settled, and failures injected into the next calls of a method.
"""

from __future__ import annotations

import asyncio
import copy
from collections import deque
from collections.abc import Callable
from typing import Any

from bot.emulator.records import Call, Upload, _Fault
from bot.emulator.state import TelegramState


class Observation(TelegramState):
    """What the bot did, waiting for it, and the faults to answer it with."""

    @property
    def refused(self) -> list[Call]:
        """Calls answered ok=False, except the failures injected with fail_next()."""
        return [c for c in self.requests if not c.ok and not c.injected]

    def calls(
        self, method: str | None = None, *, chat_id: int | None = None, ok: bool | None = None
    ) -> list[Call]:
        """The recorded calls, optionally of one method, to one chat, successful or not."""
        return [
            c
            for c in self.requests
            if (method is None or c.method.lower() == method.lower())
            and (chat_id is None or c.chat_id == chat_id)
            and (ok is None or c.ok == ok)
        ]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot sent (deleted ones too), as they are now, optionally to one chat."""
        return [
            copy.deepcopy(self._messages[key])
            for key in self._sent
            if chat_id is None or key[0] == chat_id
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """The text (or caption) of each message the bot sent."""
        return [m.get("text", m.get("caption", "")) for m in self.sent(chat_id)]

    def last_message(self, chat_id: int) -> dict[str, Any]:
        """The latest message the bot sent to the chat."""
        messages = self.sent(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}\n{self.summary()}")
        return messages[-1]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """Any message of a chat (the users' ones too), as it is now."""
        return copy.deepcopy(self._messages[(chat_id, message_id)])

    def upload(self, file_id: str) -> Upload:
        """The upload behind a file_id the bot got back."""
        return next(u for u in self.uploads if u.file_id == file_id)

    def summary(self, last: int = 15) -> str:
        """Recent calls (long polls left out), pending updates and crashes, for messages."""
        calls = [c for c in self.requests if c.method.lower() != "getupdates"][-last:]
        lines = [f"last {len(calls)} calls:"] + [f"  {c.describe()}" for c in calls]
        if not calls:
            lines = ["no calls besides getUpdates"]
        undelivered = sum(1 for p in self._pending if not p.delivered)
        lines.append(f"pending updates: {len(self._pending)} ({undelivered} never fetched)")
        lines.extend(f"server crash: {c}" for c in self.crashes)
        return "\n".join(lines)

    async def wait_for(
        self,
        predicate: Callable[[], Any] | None = None,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> Any:
        """Wait, woken by every request and update, until the bot did something.

        With `method` and/or `chat_id` (or with no argument at all): until `count` more
        successful calls of that method / to that chat (getUpdates aside) than when called;
        returns those calls. With only `predicate`: until it is true; returns its value.
        Both: both. Raises AssertionError with a summary of recent calls on timeout.
        """
        by_calls = method is not None or chat_id is not None or predicate is None

        wanted_method = method.lower() if method else None

        def matching() -> list[Call]:
            return [
                c
                for c in self.requests
                if c.ok
                and (
                    c.method.lower() == wanted_method
                    or (wanted_method is None and c.method.lower() != "getupdates")
                )
                and (chat_id is None or c.chat_id == chat_id)
            ]

        baseline = len(matching()) if by_calls else 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate() if predicate is not None else True
            calls = matching()[baseline:] if by_calls else []
            if value and (not by_calls or len(calls) >= count):
                return calls[:count] if by_calls else value
            remaining = deadline - loop.time()
            if remaining <= 0 or not await self._signal.wait(remaining):
                wanted = []
                if method or chat_id is not None or predicate is None:
                    wanted.append(f"{count} more {method or 'call'}(s)")
                    if chat_id is not None:
                        wanted.append(f"to chat {chat_id}")
                if predicate is not None:
                    wanted.append(f"predicate {getattr(predicate, '__name__', predicate)}")
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {' '.join(wanted)}\n{self.summary()}"
                )

    async def wait_idle(
        self,
        *,
        grace: float = 0.05,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> None:
        """Wait until every queued update was fetched and then no call came for `grace` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"the bot did not settle within {timeout}s\n{self.summary()}")
            if any(not p.delivered for p in self._pending):
                await self._signal.wait(remaining)
                continue
            if not await self._signal.wait(min(grace, remaining)):
                return

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, if given) with an error.

        They are recorded with injected=True and left out of `refused`.
        """
        queue = self._faults.setdefault(method.lower(), deque())
        for _ in range(times):
            queue.append(_Fault(status, description, retry_after, chat_id))

    def _take_fault(self, method: str, params: dict[str, Any]) -> _Fault | None:
        queue = self._faults.get(method.lower())
        if not queue:
            return None
        for fault in queue:
            if fault.chat_id is None or fault.chat_id == params.get("chat_id"):
                queue.remove(fault)
                return fault
        return None
