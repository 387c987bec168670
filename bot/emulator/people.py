"""The people's side, for the tests and the demo: users and groups the bot knows, blocking the
bot, writing a text and pressing an inline button, each queued as the update Telegram would
send.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from bot.emulator.rules import utf16_len
from bot.emulator.updates import UpdateQueue

_LEADING_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?")


class People(UpdateQueue):
    """Users and groups, and what they do that makes an update."""

    def user(
        self,
        user_id: int,
        *,
        first_name: str = "Test",
        language_code: str | None = "fr",
        username: str | None = None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        """A Telegram User who has a private chat with the bot."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        self._remember_user(user)
        return copy.deepcopy(user)

    def group(self, chat_id: int, title: str = "Antenne") -> dict[str, Any]:
        """A group the bot is in (negative id; "-100..." ids are supergroups)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        chat = {"id": chat_id, "type": kind, "title": title}
        self._chats[chat_id] = chat
        return dict(chat)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sending there answers 403."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def _remember_user(self, user: dict[str, Any]) -> None:
        user = copy.deepcopy(user)
        self._users[user["id"]] = user
        chat = {"id": user["id"], "type": "private", "first_name": user.get("first_name", "")}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        self._chats[user["id"]] = chat

    def send_text(
        self, user: dict[str, Any], text: str, *, chat: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The user writes `text` (in their private chat, or in `chat`); returns the update."""
        self._remember_user(user)
        if chat is None:
            target = self._chats[user["id"]]
        else:
            target = self._chats.setdefault(chat["id"], copy.deepcopy(chat))
        content: dict[str, Any] = {"text": text}
        command = _LEADING_COMMAND_RE.match(text)
        if command:
            length = utf16_len(command.group())
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        message = self._new_message(target, self._users[user["id"]], content)
        return self._enqueue({"message": copy.deepcopy(message)})

    def press_button(
        self,
        user: dict[str, Any],
        message: dict[str, Any],
        callback_data: str,
        *,
        check: bool = False,
    ) -> dict[str, Any]:
        """The user presses an inline button of a message the bot sent; returns the update.

        The callback query carries the message as it is now. With `check`, the data must be
        on the message's current keyboard (by default any data goes, like a stale client).
        """
        self._remember_user(user)
        key = (message["chat"]["id"], message["message_id"])
        current = self._messages.get(key)
        if current is None or key in self.deleted:
            raise ValueError(f"no message {key[1]} in chat {key[0]}")
        if check:
            markup = current.get("reply_markup") or {}
            offered = [
                b.get("callback_data") for row in markup.get("inline_keyboard", []) for b in row
            ]
            if callback_data not in offered:
                raise ValueError(f"{callback_data!r} is not among the buttons {offered}")
        query_id = str(next(self._query_ids))
        self._queries[query_id] = False
        query = {
            "id": query_id,
            "from": copy.deepcopy(self._users[user["id"]]),
            "message": copy.deepcopy(current),
            "chat_instance": str(abs(key[0]) * 7919 + 13),
            "data": callback_data,
        }
        return self._enqueue({"callback_query": query})
