"""Telegram's rules that hold for every method: the limits (message, caption, callback data),
its refusals' descriptions, the values it accepts (update types, chat actions, buttons, command
scopes), counting in UTF-16, reading integers, URLs and PNG sizes, and checking reply markup.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.emulator.records import Refusal

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64

NOT_FOUND = "Not Found"
CHAT_NOT_FOUND = "Bad Request: chat not found"
TEXT_EMPTY = "Bad Request: message text is empty"
TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
DELETE_NOT_FOUND = "Bad Request: message to delete not found"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
TEXT_BUTTONS = (
    "Bad Request: can't parse inline keyboard button: "
    "Text buttons are unallowed in the inline keyboard"
)
BOT_COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"
BLOCKED = "Forbidden: bot was blocked by the user"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

# Update types Telegram sends when allowed_updates was never given (or given empty).
DEFAULT_ALLOWED = frozenset(
    (
        "message edited_message channel_post edited_channel_post business_connection "
        "business_message edited_business_message deleted_business_messages inline_query "
        "chosen_inline_result callback_query shipping_query pre_checkout_query "
        "purchased_paid_media poll poll_answer my_chat_member chat_join_request chat_boost "
        "removed_chat_boost"
    ).split()
)

CHAT_ACTIONS = frozenset(
    (
        "typing upload_photo record_video upload_video record_voice upload_voice "
        "upload_document choose_sticker find_location record_video_note upload_video_note"
    ).split()
)

BUTTON_ACTIONS = (
    "url callback_data web_app login_url switch_inline_query switch_inline_query_current_chat "
    "switch_inline_query_chosen_chat copy_text callback_game pay"
).split()

COMMAND_SCOPES = frozenset(
    (
        "default all_private_chats all_group_chats all_chat_administrators chat "
        "chat_administrators chat_member"
    ).split()
)

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _as_int(value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Refusal("Bad Request: wrong parameter value") from None


def _url_problem(url: str) -> str | None:
    parsed = urlsplit(url if "://" in url else f"http://{url}")
    scheme = parsed.scheme.lower()
    if scheme == "tg":
        return None
    if scheme not in ("http", "https"):
        return "Unsupported URL protocol"
    host = parsed.hostname or ""
    if not host:
        return "URL host is empty"
    if "." not in host and host != "localhost":
        return "Wrong HTTP URL"
    return None


def _png_size(data: bytes) -> tuple[int, int]:
    if data.startswith(_IMAGE_MAGIC[0]) and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 0, 0


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    """Validate reply_markup; returns it when it is an inline keyboard."""
    markup = params.get("reply_markup")
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise Refusal("Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise Refusal('Bad Request: field "inline_keyboard" must be of type Array')
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return markup
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise Refusal('Bad Request: field "keyboard" must be of type Array')
        for row in rows:
            for button in row:
                if isinstance(button, dict) and not isinstance(button.get("text"), str):
                    raise Refusal(
                        "Bad Request: can't parse keyboard button: Can't find field \"text\""
                    )
                if not isinstance(button, dict | str):
                    raise Refusal(
                        "Bad Request: can't parse keyboard button: "
                        "KeyboardButton must be a String or an Object"
                    )
    elif "remove_keyboard" not in markup and "force_reply" not in markup:
        raise Refusal("Bad Request: can't parse reply keyboard markup JSON object")
    return None


def _check_inline_button(button: Any) -> None:
    prefix = "Bad Request: can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise Refusal(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise Refusal(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise Refusal(prefix + 'Field "text" must be of type String')
    actions = [a for a in BUTTON_ACTIONS if a in button]
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str):
            raise Refusal(prefix + 'Field "callback_data" must be of type String')
        if not data:
            actions.remove("callback_data")
        elif len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
            raise Refusal(BUTTON_DATA_INVALID)
    if "url" in button:
        url = str(button["url"])
        problem = _url_problem(url)
        if problem:
            raise Refusal(f"Bad Request: inline keyboard button URL '{url}' is invalid: {problem}")
    if not actions:
        raise Refusal(TEXT_BUTTONS)
