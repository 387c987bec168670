"""What Telegram keeps for one bot, and the emulator with it: users, chats and their messages,
the pending updates, the queries, files and commands; finding the chat a call names, and
storing a new message (a reply too) in its chat.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from bot.emulator.records import Call, Refusal, Upload, _Fault, _Pending, _Poller, _Signal
from bot.emulator.rules import BLOCKED, CHAT_NOT_FOUND, DEFAULT_ALLOWED, _as_int


class TelegramState:
    """The state of the emulated Bot API; the emulator's other parts act on it.

    Built from the bot's token and identity, the methods to answer 404 (``missing_methods``),
    whether a stray "&" in HTML is refused (``strict_html``) and the clock messages are dated by.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_id: int = 123456,
        bot_username: str = "antenna_test_bot",
        bot_first_name: str = "Antenna Test Bot",
        missing_methods: Iterable[str] = frozenset(),
        strict_html: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.base_url = ""
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.missing_methods = {m.lower() for m in missing_methods}
        self.strict_html = strict_html
        self._clock = clock

        self.requests: list[Call] = []
        self.crashes: list[str] = []
        self.uploads: list[Upload] = []
        self.updates: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        self.commands_by_scope: dict[tuple[str, int | None, int | None, str | None], list] = {}
        self.descriptions: dict[str | None, str] = {}
        self.short_descriptions: dict[str | None, str] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.reply_keyboards: dict[int, dict[str, Any]] = {}
        self.deleted: list[tuple[int, int]] = []
        self.blocked: set[int] = set()

        self._users: dict[int, dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._sent: list[tuple[int, int]] = []
        self._next_message_id: dict[int, int] = {}
        self._pending: list[_Pending] = []
        self._next_update_id = 1
        self._allowed: frozenset[str] = DEFAULT_ALLOWED
        self._queries: dict[str, bool] = {}
        self._query_ids = itertools.count(4_600_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._files: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._poller: _Poller | None = None
        self._signal = _Signal()
        self._closing = False
        self._runner: web.AppRunner | None = None

    def _chat_for(self, params: dict[str, Any], *, sending: bool = True) -> dict[str, Any]:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise Refusal("Bad Request: chat_id is empty")
        chat: dict[str, Any] | None = None
        if isinstance(raw, int):
            chat = self._chats.get(raw)
        elif isinstance(raw, str) and raw.startswith("@"):
            chat = next((c for c in self._chats.values() if c.get("username") == raw[1:]), None)
        if chat is None:
            raise Refusal(CHAT_NOT_FOUND)
        if sending and chat["id"] in self.blocked:
            raise Refusal(BLOCKED, 403)
        return chat

    def _new_message(
        self, chat: dict[str, Any], sender: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
        chat_id = chat["id"]
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        message = {
            "message_id": message_id,
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(chat),
            "date": int(self._clock()),
            **content,
        }
        self._messages[(chat_id, message_id)] = message
        for photo in content.get("photo", ()):  # a bot may send again what it was sent
            self._files.setdefault(photo["file_id"], {k: photo[k] for k in photo if "file" in k})
        return message

    def _bot_message(
        self, chat: dict[str, Any], content: dict[str, Any], params: dict[str, Any]
    ) -> dict[str, Any]:
        reply_to = self._reply_target(chat["id"], params)
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        message = self._new_message(chat, self.bot_user, content)
        self._sent.append((chat["id"], message["message_id"]))
        return copy.deepcopy(message)

    def _reply_target(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            if "message_id" not in reply:
                raise Refusal('Bad Request: can\'t find field "message_id"')
            message_id, allow = reply["message_id"], reply.get("allow_sending_without_reply")
        elif params.get("reply_to_message_id") is not None:
            message_id = params["reply_to_message_id"]
            allow = params.get("allow_sending_without_reply")
        else:
            return None
        target = self._messages.get((chat_id, _as_int(message_id, 0)))
        if target is None or (chat_id, target["message_id"]) in self.deleted:
            if allow:
                return None
            raise Refusal("Bad Request: message to be replied not found")
        return {k: copy.deepcopy(v) for k, v in target.items() if k != "reply_to_message"}
