"""The update queue as getUpdates serves it: update ids, offsets that confirm, allowed_updates,
the long poll and the conflict when a second one starts; the webhook methods that read or
drop the queue.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from aiohttp import web

from bot.emulator.records import Refusal, Upload, _Gone, _Pending, _Poller
from bot.emulator.rules import CONFLICT, DEFAULT_ALLOWED, _as_int
from bot.emulator.state import TelegramState


class UpdateQueue(TelegramState):
    """Queues updates for the bot and serves them by long polling."""

    def queue_update(
        self, update: dict[str, Any], *, ignore_offset: bool = False
    ) -> dict[str, Any]:
        """Queue a raw update, keeping its update_id if it has one.

        An update whose id is below the offset the bot already confirmed is dropped, as
        Telegram would; `ignore_offset` delivers it once anyway (a redelivered update).
        """
        update = copy.deepcopy(update)
        if "update_id" in update:
            self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
        else:
            update = {"update_id": self._take_update_id(), **update}
        return self._push(update, force=ignore_offset)

    def _enqueue(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._push({"update_id": self._take_update_id(), **payload})

    def _take_update_id(self) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        return update_id

    def _push(self, update: dict[str, Any], *, force: bool = False) -> dict[str, Any]:
        self._pending.append(_Pending(update, force=force))
        self.updates.append(update)
        self._signal.notify()
        return copy.deepcopy(update)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot."""
        return [copy.deepcopy(p.update) for p in self._pending]

    @property
    def polling(self) -> bool:
        """A getUpdates long poll is waiting right now."""
        return self._poller is not None and self._poller.waiting

    def _delete_webhook(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        if params.get("drop_pending_updates") is True:
            self._pending.clear()
        return True

    def _get_webhook_info(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    async def _get_updates(self, params: dict[str, Any], request: web.Request) -> list[dict]:
        offset = _as_int(params.get("offset"), 0)
        limit = min(max(_as_int(params.get("limit"), 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed = frozenset(allowed) if allowed else DEFAULT_ALLOWED
        if offset > 0:
            self._pending = [
                p for p in self._pending if p.update_id >= offset or (p.force and not p.delivered)
            ]
        elif offset < 0:
            self._pending = self._pending[offset:]

        if self._poller is not None:
            self._poller.superseded = True
            self._signal.notify()
        poller = self._poller = _Poller(request)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                self._pending = [p for p in self._pending if p.kind in self._allowed]
                batch = self._pending[:limit]
                remaining = deadline - loop.time()
                if batch or self._closing or poller.superseded or remaining <= 0:
                    break
                if not poller.waiting:
                    poller.waiting = True
                    self._signal.notify()
                await self._signal.wait(remaining)
        finally:
            poller.waiting = False
            if self._poller is poller:
                self._poller = None
        if poller.superseded:
            transport = request.transport
            if transport is None or transport.is_closing():
                raise _Gone
            raise Refusal(CONFLICT, 409)
        for pending in batch:
            pending.delivered = True
        return [copy.deepcopy(p.update) for p in batch]
