"""What the emulator records and passes around: the calls the bot made and the files it
uploaded, the refusal raised to answer ok=False, and the small pieces of the update queue
(a pending update, the long poll waiting, the signal that wakes every waiter).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Upload:
    """A file the bot uploaded."""

    method: str
    field: str
    filename: str | None
    content_type: str | None
    data: bytes
    chat_id: int | None = None
    message_id: int | None = None
    file_id: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Call:
    """One request the bot made, and how it was answered."""

    method: str
    params: dict[str, Any]
    ok: bool = True
    error: str | None = None
    status: int = 200
    injected: bool = False
    retry_after: int | None = None
    result: Any = None
    files: dict[str, Upload] = field(default_factory=dict)

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    def describe(self) -> str:
        parts = [self.method]
        if self.chat_id is not None:
            parts.append(f"chat={self.chat_id}")
        for key in ("text", "caption", "callback_query_id"):
            if key in self.params:
                value = str(self.params[key]).replace("\n", "\\n")
                parts.append(f"{key}={value[:60]!r}")
        if self.ok:
            parts.append("-> ok")
        else:
            tag = " (injected)" if self.injected else ""
            parts.append(f"-> {self.status} {self.error!r}{tag}")
        return " ".join(parts)


class _Gone(Exception):
    """The client went away; nothing to answer or record."""


class Refusal(Exception):
    """An answer with ok=False."""

    def __init__(self, description: str, status: int = 400, retry_after: int | None = None):
        super().__init__(description)
        self.description = description
        self.status = status
        self.retry_after = retry_after


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None
    chat_id: int | None


@dataclass
class _Pending:
    update: dict[str, Any]
    force: bool = False
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return self.update["update_id"]

    @property
    def kind(self) -> str:
        return next((k for k in self.update if k != "update_id"), "")


@dataclass
class _Poller:
    request: web.Request
    waiting: bool = False
    superseded: bool = False


class _Signal:
    """Wakes every waiter whenever anything happens (a request, a queued update, stop)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, within: float | None = None) -> bool:
        """True when notified, False when `within` seconds passed first."""
        event = self._event
        try:
            async with asyncio.timeout(within):
                await event.wait()
        except TimeoutError:
            return False
        return True
