"""The methods about the bot itself and its chats: getMe, getChat, sendChatAction, and the
commands and descriptions it sets per scope and language, with Telegram's checks on them.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from bot.emulator.records import Refusal, Upload
from bot.emulator.rules import BOT_COMMAND_INVALID, CHAT_ACTIONS, COMMAND_SCOPES, _as_int
from bot.emulator.state import TelegramState

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")


class Settings(TelegramState):
    """The bot's profile, commands and descriptions; chat actions and chat info."""

    def _true(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        return True

    def _get_me(self, params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _send_chat_action(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        self._chat_for(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise Refusal("Bad Request: wrong parameter action in request")
        return True

    def _get_chat(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        chat = self._chat_for(params, sending=False)
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _language(self, params: dict[str, Any]) -> str | None:
        code = params.get("language_code")
        if code in (None, ""):
            return None
        if not isinstance(code, str) or not _LANGUAGE_RE.fullmatch(code):
            raise Refusal("Bad Request: invalid language code specified")
        return code

    def _scope(self, params: dict[str, Any]) -> tuple[str, int | None, int | None]:
        scope = params.get("scope")
        if scope in (None, ""):
            return "default", None, None
        prefix = "Bad Request: can't parse BotCommandScope: "
        if not isinstance(scope, dict):
            raise Refusal(prefix + "expected an Object")
        kind = scope.get("type")
        if kind not in COMMAND_SCOPES:
            raise Refusal(prefix + "Unsupported type specified")
        chat_id = user_id = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            if "chat_id" not in scope:
                raise Refusal(prefix + 'Can\'t find field "chat_id"')
            chat_id = self._chat_for(scope, sending=False)["id"]
        if kind == "chat_member":
            if "user_id" not in scope:
                raise Refusal(prefix + 'Can\'t find field "user_id"')
            user_id = _as_int(scope["user_id"], 0)
        return kind, chat_id, user_id

    def _set_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        if "commands" not in params:
            raise Refusal('Bad Request: parameter "commands" is required')
        commands = params["commands"]
        if not isinstance(commands, list):
            raise Refusal('Bad Request: field "commands" must be of type Array')
        if len(commands) > 100:
            raise Refusal("Bad Request: BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for item in commands:
            if not isinstance(item, dict):
                raise Refusal("Bad Request: BotCommand must be an Object")
            command = str(item.get("command", "")).strip()
            description = str(item.get("description", "")).strip()
            if not command:
                raise Refusal("Bad Request: command must be non-empty")
            if not _COMMAND_RE.fullmatch(command):
                raise Refusal(BOT_COMMAND_INVALID)
            if not description:
                raise Refusal("Bad Request: command description must be non-empty")
            if len(description) > 256:
                raise Refusal("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command, "description": description})
        kind, chat_id, user_id = self._scope(params)
        language = self._language(params)
        if cleaned:
            self.commands[(kind, language)] = cleaned
            self.commands_by_scope[(kind, chat_id, user_id, language)] = copy.deepcopy(cleaned)
        else:
            self.commands.pop((kind, language), None)
            self.commands_by_scope.pop((kind, chat_id, user_id, language), None)
        return True

    def _get_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> list:
        kind, chat_id, user_id = self._scope(params)
        language = self._language(params)
        return copy.deepcopy(self.commands_by_scope.get((kind, chat_id, user_id, language), []))

    def _delete_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        kind, chat_id, user_id = self._scope(params)
        language = self._language(params)
        self.commands.pop((kind, language), None)
        self.commands_by_scope.pop((kind, chat_id, user_id, language), None)
        return True

    def _set_text_setting(
        self, params: dict[str, Any], key: str, limit: int, error: str, store: dict
    ) -> bool:
        language = self._language(params)
        value = str(params.get(key) or "")
        if len(value) > limit:
            raise Refusal(error)
        if value:
            store[language] = value
        else:
            store.pop(language, None)
        return True

    def _set_my_description(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        return self._set_text_setting(
            params, "description", 512, "Bad Request: BOT_DESC_INVALID", self.descriptions
        )

    def _set_my_short_description(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        return self._set_text_setting(
            params,
            "short_description",
            120,
            "Bad Request: BOT_SHARETEXT_INVALID",
            self.short_descriptions,
        )

    def _get_my_description(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        return {"description": self.descriptions.get(self._language(params), "")}

    def _get_my_short_description(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        return {"short_description": self.short_descriptions.get(self._language(params), "")}
