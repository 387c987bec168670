"""The methods on text messages: sending, editing (text, caption, keyboard) and deleting them,
answering callback queries; with the formatting of a text or caption (parse mode, entities,
length) that editing and sending share.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.emulator.parse_mode import EntityParseError, _trim, parse_html
from bot.emulator.records import Refusal, Upload
from bot.emulator.rules import (
    CAPTION_LIMIT,
    CAPTION_TOO_LONG,
    DELETE_NOT_FOUND,
    EDIT_NOT_FOUND,
    MESSAGE_LIMIT,
    NOT_MODIFIED,
    QUERY_INVALID,
    TEXT_EMPTY,
    TOO_LONG,
    _as_int,
    _markup,
    utf16_len,
)
from bot.emulator.state import TelegramState


class Messages(TelegramState):
    """sendMessage, the edits, deleteMessage and answerCallbackQuery."""

    def _formatted(
        self, params: dict[str, Any], key: str, entities_key: str, limit: int, too_long: str
    ) -> tuple[str, list[dict[str, Any]]]:
        raw = params.get(key)
        text = "" if raw is None else str(raw)
        mode = str(params.get("parse_mode") or "").lower()
        if mode == "html":
            try:
                text, entities = parse_html(text, strict=self.strict_html)
            except EntityParseError as exc:
                raise Refusal(f"Bad Request: can't parse entities: {exc}") from None
        elif mode in ("markdown", "markdownv2"):
            entities = []  # Markdown is passed through unparsed
        elif mode:
            raise Refusal("Bad Request: unsupported parse_mode")
        else:
            given = params.get(entities_key)
            entities = list(given) if isinstance(given, list) else []
        text, entities = _trim(text, entities)
        if utf16_len(text) > limit:
            raise Refusal(too_long)
        return text, entities

    def _text(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        text, entities = self._formatted(params, "text", "entities", MESSAGE_LIMIT, TOO_LONG)
        if not text:
            raise Refusal(TEXT_EMPTY)
        return text, entities

    def _caption(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        return self._formatted(
            params, "caption", "caption_entities", CAPTION_LIMIT, CAPTION_TOO_LONG
        )

    def _edit_target(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("inline_message_id"):
            raise Refusal("Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat_for(params, sending=False)
        if params.get("message_id") in (None, ""):
            raise Refusal("Bad Request: message identifier is not specified")
        key = (chat["id"], _as_int(params["message_id"], 0))
        message = self._messages.get(key)
        if message is None or key in self.deleted:
            raise Refusal(EDIT_NOT_FOUND)
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise Refusal("Bad Request: message can't be edited")
        return message

    def _apply_edit(self, message: dict[str, Any], changes: dict[str, Any]) -> Any:
        before = {k: message.get(k) for k in changes}
        after = {k: v or None for k, v in changes.items()}
        if before == after:
            raise Refusal(NOT_MODIFIED)
        for key, value in after.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = copy.deepcopy(value)
        message["edit_date"] = int(self._clock())
        return copy.deepcopy(message)

    def _send_message(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        inline = _markup(params)
        text, entities = self._text(params)
        chat = self._chat_for(params)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        if inline is not None:
            content["reply_markup"] = copy.deepcopy(inline)
        message = self._bot_message(chat, content, params)
        self._remember_keyboard(chat["id"], params)
        return message

    def _remember_keyboard(self, chat_id: int, params: dict[str, Any]) -> None:
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" not in markup:
            self.reply_keyboards[chat_id] = copy.deepcopy(markup)

    def _edit_message_text(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        inline = _markup(params)
        text, entities = self._text(params)
        message = self._edit_target(params)
        if "text" not in message:
            raise Refusal("Bad Request: there is no text in the message to edit")
        changes = {"text": text, "entities": entities, "reply_markup": inline}
        return self._apply_edit(message, changes)

    def _edit_message_caption(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        inline = _markup(params)
        caption, entities = self._caption(params)
        message = self._edit_target(params)
        if "text" in message:
            raise Refusal("Bad Request: there is no caption in the message to edit")
        changes = {"caption": caption, "caption_entities": entities, "reply_markup": inline}
        return self._apply_edit(message, changes)

    def _edit_message_reply_markup(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        inline = _markup(params)
        message = self._edit_target(params)
        return self._apply_edit(message, {"reply_markup": inline})

    def _delete_message(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        chat = self._chat_for(params, sending=False)
        key = (chat["id"], _as_int(params.get("message_id"), 0))
        if key not in self._messages or key in self.deleted:
            raise Refusal(DELETE_NOT_FOUND)
        self.deleted.append(key)
        return True

    def _answer_callback_query(self, params: dict[str, Any], files: dict[str, Upload]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if utf16_len(str(params.get("text") or "")) > 200:
            raise Refusal("Bad Request: MESSAGE_TOO_LONG")
        if self._queries.get(query_id, True):
            raise Refusal(QUERY_INVALID)
        self._queries[query_id] = True
        self.callback_answers[query_id] = dict(params)
        return True
