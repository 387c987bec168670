"""A local Telegram Bot API emulator: the tests and the demo talk to it instead of Telegram.

It speaks real HTTP on loopback, keeps the state Telegram keeps (chats, messages, pending
updates, command menus) and refuses what Telegram refuses, with Telegram's envelopes and
descriptions, so that aiogram raises its usual exceptions.

    tg = FakeTelegram()
    base_url = await tg.start()
    alice = tg.user(42, first_name="Alice", language_code="nl")
    tg.send_text(alice, "/start")
    [call] = await tg.wait_for(method="sendMessage", chat_id=42)
    await tg.stop()
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

__all__ = [
    "Call",
    "EntityParseError",
    "FakeTelegram",
    "Upload",
    "parse_html",
    "utf16_len",
]

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

# Form fields that stay strings; every other form field is JSON-decoded when it can be.
STRING_FIELDS = frozenset(
    (
        "text caption parse_mode description short_description language_code "
        "callback_query_id inline_message_id action url title name emoji "
        "business_connection_id message_effect_id document photo thumbnail secret_token"
    ).split()
)

# Fields holding objects; in a JSON body they may still arrive as JSON strings.
OBJECT_FIELDS = frozenset(
    (
        "reply_markup reply_parameters entities caption_entities link_preview_options "
        "commands scope allowed_updates"
    ).split()
)

_WHITESPACE = " \t\r\n"
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")
_LEADING_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?")
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# --------------------------------------------------------------------------- records


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


# --------------------------------------------------------------------------- HTML


class EntityParseError(ValueError):
    """Markup Telegram would refuse with "can't parse entities: ..."."""


_HTML_TAGS = frozenset(
    "a b strong i em s strike del u ins tg-spoiler tg-emoji span pre code blockquote".split()
)
_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\v\f")


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int
    expandable: bool = False
    language: str = ""


def _decode_entity(source: str, pos: int) -> tuple[str | None, int]:
    """Decode the entity at source[pos] == "&" like Telegram: (char, end) or (None, pos)."""
    end = pos + 1
    size = len(source)
    if end < size and source[end] == "#":
        end += 1
        hexadecimal = end < size and source[end] in "xX"
        if hexadecimal:
            end += 1
        start = end
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < size and source[end] in digits:
            end += 1
        if end == start or end - start > 8:
            return None, pos
        code = int(source[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None, pos
        char = chr(code)
    else:
        start = end
        while end < size and source[end].isascii() and source[end].isalpha():
            end += 1
        char = _NAMED_ENTITIES.get(source[start:end])
        if char is None:
            return None, pos
    if end < size and source[end] == ";":
        end += 1
    return char, end


def parse_html(source: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: the visible text and its entities (UTF-16 offsets).

    Raises EntityParseError with Telegram's wording. With `strict`, a "&" that starts no
    entity is refused too (Telegram itself keeps it as a literal "&").
    """
    size = len(source)
    out: list[str] = []
    offset = 0
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []

    def byte_offset(pos: int) -> int:
        return len(source[:pos].encode("utf-8", "surrogatepass"))

    def ampersand(pos: int) -> tuple[str, int]:
        char, end = _decode_entity(source, pos)
        if char is not None:
            return char, end
        if strict:
            raise EntityParseError(
                f'Character "&" must be escaped as "&amp;" at byte offset {byte_offset(pos)}'
            )
        return "&", pos + 1

    def skip_spaces(pos: int) -> int:
        while pos < size and source[pos] in _SPACES:
            pos += 1
        return pos

    i = 0
    while i < size:
        char = source[i]
        if char == "&":
            text, i = ampersand(i)
            out.append(text)
            offset += utf16_len(text)
            continue
        if char != "<":
            out.append(char)
            offset += utf16_len(char)
            i += 1
            continue

        begin = i
        i += 1
        if i >= size:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")

        if source[i] != "/":
            while i < size and source[i] not in _SPACES and source[i] != ">":
                i += 1
            if i >= size:
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            name = source[begin + 1 : i].lower()
            if name not in _HTML_TAGS:
                raise EntityParseError(
                    f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}'
                )
            tag = _OpenTag(name, "", offset)
            unclosed = EntityParseError(
                f'Unclosed start tag "{name}" at byte offset {byte_offset(begin)}'
            )
            while True:
                i = skip_spaces(i)
                if i >= size:
                    raise unclosed
                if source[i] == ">":
                    break
                start = i
                while i < size and source[i] not in _SPACES and source[i] not in "=>":
                    i += 1
                attribute = source[start:i].lower()
                i = skip_spaces(i)
                if i >= size:
                    raise unclosed
                if source[i] != "=":
                    if name == "blockquote" and attribute == "expandable":
                        tag.expandable = True
                        continue
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{name}" at byte offset {byte_offset(begin)}'
                    )
                i = skip_spaces(i + 1)
                if i >= size:
                    raise unclosed
                if source[i] in "'\"":
                    quote = source[i]
                    i += 1
                    value: list[str] = []
                    while i < size and source[i] != quote:
                        if source[i] == "&":
                            text, i = ampersand(i)
                            value.append(text)
                        else:
                            value.append(source[i])
                            i += 1
                    if i >= size:
                        raise unclosed
                    i += 1
                    attribute_value = "".join(value)
                else:
                    start = i
                    while i < size and (
                        (source[i].isascii() and source[i].isalnum()) or source[i] in ".-"
                    ):
                        i += 1
                    attribute_value = source[start:i].lower()
                    if i < size and source[i] not in _SPACES and source[i] != ">":
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {byte_offset(start)}"
                        )
                if name == "a" and attribute == "href":
                    tag.argument = attribute_value
                elif name == "code" and attribute == "class":
                    if attribute_value.startswith("language-"):
                        tag.argument = attribute_value.removeprefix("language-")
                elif name == "span" and attribute == "class":
                    if attribute_value.startswith("tg-"):
                        tag.argument = attribute_value.removeprefix("tg-")
                elif name == "tg-emoji" and attribute == "emoji-id":
                    tag.argument = attribute_value
            i += 1
            if name == "span" and tag.argument != "spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
                )
            stack.append(tag)
            continue

        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
        i += 1
        while i < size and source[i] not in _SPACES and source[i] != ">":
            i += 1
        end_name = source[begin + 2 : i]
        i = skip_spaces(i)
        if i >= size or source[i] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
        i += 1
        tag = stack.pop()
        if end_name and end_name.lower() != tag.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{end_name}>"'
            )
        length = offset - tag.offset
        if length <= 0:
            continue
        if tag.name == "code" and tag.argument and stack and stack[-1].name == "pre":
            stack[-1].language = tag.argument
            continue
        entity: dict[str, Any] = {"offset": tag.offset, "length": length}
        if tag.name in _TAG_TYPES:
            entity["type"] = _TAG_TYPES[tag.name]
            if tag.name == "pre" and tag.language:
                entity["language"] = tag.language
        elif tag.name == "blockquote":
            entity["type"] = "expandable_blockquote" if tag.expandable else "blockquote"
        elif tag.name == "a":
            if not tag.argument:
                continue
            entity.update(type="text_link", url=tag.argument)
        elif tag.name == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=tag.argument)
        entities.append(entity)

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace as Telegram does, keeping entities in place."""
    stripped = text.lstrip(_WHITESPACE)
    shift = utf16_len(text[: len(text) - len(stripped)])
    stripped = stripped.rstrip(_WHITESPACE)
    total = utf16_len(stripped)
    if not shift and total == utf16_len(text):
        return text, entities
    kept = []
    for entity in entities:
        start = max(entity.get("offset", 0) - shift, 0)
        end = min(entity.get("offset", 0) + entity.get("length", 0) - shift, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


# --------------------------------------------------------------------------- params


def _decode_field(key: str, value: str) -> Any:
    if key in STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


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


# --------------------------------------------------------------------------- server


class FakeTelegram:
    """A Telegram Bot API server on 127.0.0.1 with an OS-chosen port."""

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
        self._handlers: dict[str, Callable[[dict[str, Any], dict[str, Upload]], Any]] = {
            "getme": self._get_me,
            "logout": self._true,
            "close": self._true,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "sendchataction": self._send_chat_action,
            "getchat": self._get_chat,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setmydescription": self._set_my_description,
            "getmydescription": self._get_my_description,
            "setmyshortdescription": self._set_my_short_description,
            "getmyshortdescription": self._get_my_short_description,
        }

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> str:
        """Start serving; returns the base URL for TelegramAPIServer.from_base()."""
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving; a pending long poll returns [] at once."""
        self._closing = True
        self._signal.notify()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def make_bot(self, **kwargs: Any) -> Any:
        """An aiogram Bot talking to this server (its session closes without lingering)."""
        from aiogram import Bot
        from aiogram.client.telegram import TelegramAPIServer

        from bot.telegram_session import BotApiSession

        class _Session(BotApiSession):
            async def close(self) -> None:
                if self._session is not None and not self._session.closed:
                    await self._session.close()

        session = _Session(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **kwargs)

    # ----------------------------------------------------------------- people and chats

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

    # ----------------------------------------------------------------- producing updates

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

    # ----------------------------------------------------------------- what the bot did

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

    # ----------------------------------------------------------------- faults

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

    # ----------------------------------------------------------------- HTTP

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        params: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        method = request.match_info["method"]
        for key, value in request.query.items():
            params[key] = _decode_field(key, value)
        if request.method != "POST" or not request.body_exists:
            return params, files
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise Refusal("Bad Request: can't parse JSON object")
            for key, value in body.items():
                if key in OBJECT_FIELDS and isinstance(value, str):
                    value = _decode_field(key, value)
                params[key] = value
            return params, files
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = Upload(
                    method=method,
                    field=key,
                    filename=value.filename,
                    content_type=value.content_type,
                    data=value.file.read(),
                )
            elif isinstance(value, str):
                params[key] = _decode_field(key, value)
            else:
                params[key] = _decode_field(key, bytes(value).decode())
        return params, files

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(method=method, params={})
        try:
            call.params, call.files = await self._read_params(request)
            if request.match_info["token"] != self.token:
                raise Refusal("Unauthorized", 401)
            fault = self._take_fault(method, call.params)
            if fault is not None:
                call.injected = True
                raise Refusal(fault.description, fault.status, fault.retry_after)
            name = method.lower()
            if name in self.missing_methods or (
                name not in self._handlers and name != "getupdates"
            ):
                raise Refusal(NOT_FOUND, 404)
            if name == "getupdates":
                call.result = await self._get_updates(call.params, request)
            else:
                call.result = self._handlers[name](call.params, call.files)
        except _Gone:
            return web.Response(status=499)
        except Refusal as refusal:
            call.ok = False
            call.status = refusal.status
            call.error = refusal.description
            call.retry_after = refusal.retry_after
        except Exception as exc:
            self.crashes.append(f"{method}: {exc!r}\n{traceback.format_exc()}")
            call.ok = False
            call.status = 500
            call.error = f"Internal Server Error: {exc!r}"
        return self._answer(call)

    def _answer(self, call: Call) -> web.Response:
        self.requests.append(call)
        self._signal.notify()
        if call.ok:
            body: dict[str, Any] = {"ok": True, "result": call.result}
        else:
            body = {"ok": False, "error_code": call.status, "description": call.error}
            if call.retry_after is not None:
                body["parameters"] = {"retry_after": call.retry_after}
        return web.json_response(body, status=call.status)

    # ----------------------------------------------------------------- helpers

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

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
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
                    self._check_inline_button(button)
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

    def _check_inline_button(self, button: Any) -> None:
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
                raise Refusal(
                    f"Bad Request: inline keyboard button URL '{url}' is invalid: {problem}"
                )
        if not actions:
            raise Refusal(TEXT_BUTTONS)

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

    # ----------------------------------------------------------------- methods

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

    def _send_message(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        inline = self._markup(params)
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
        inline = self._markup(params)
        text, entities = self._text(params)
        message = self._edit_target(params)
        if "text" not in message:
            raise Refusal("Bad Request: there is no text in the message to edit")
        changes = {"text": text, "entities": entities, "reply_markup": inline}
        return self._apply_edit(message, changes)

    def _edit_message_caption(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        inline = self._markup(params)
        caption, entities = self._caption(params)
        message = self._edit_target(params)
        if "text" in message:
            raise Refusal("Bad Request: there is no caption in the message to edit")
        changes = {"caption": caption, "caption_entities": entities, "reply_markup": inline}
        return self._apply_edit(message, changes)

    def _edit_message_reply_markup(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        inline = self._markup(params)
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

    def _send_document(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        return self._send_file(params, files, "document")

    def _send_photo(self, params: dict[str, Any], files: dict[str, Upload]) -> dict:
        return self._send_file(params, files, "photo")

    def _send_file(self, params: dict[str, Any], files: dict[str, Upload], kind: str) -> dict:
        inline = self._markup(params)
        caption, entities = self._caption(params)
        chat = self._chat_for(params)
        upload, meta = self._file(params, files, kind)
        content: dict[str, Any] = {}
        if kind == "photo":
            width, height = _png_size(upload.data) if upload else (0, 0)
            content["photo"] = [{**meta, "width": width, "height": height}]
        else:
            content["document"] = meta
        if caption:
            content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
        if inline is not None:
            content["reply_markup"] = copy.deepcopy(inline)
        message = self._bot_message(chat, content, params)
        self._remember_keyboard(chat["id"], params)
        if upload is not None:
            upload.chat_id = chat["id"]
            upload.message_id = message["message_id"]
            self.uploads.append(upload)
        return message

    def _file(
        self, params: dict[str, Any], files: dict[str, Upload], kind: str
    ) -> tuple[Upload | None, dict[str, Any]]:
        value = params.get(kind)
        upload = files.get(kind)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.pop(value.removeprefix("attach://"), None)
            if upload is None:
                raise Refusal(f'Bad Request: file "{value}" not found')
            upload.field = kind
            files[kind] = upload
        if upload is None:
            if not value:
                raise Refusal(f'Bad Request: parameter "{kind}" is required')
            value = str(value)
            if value in self._files:
                return None, dict(self._files[value])
            if value.startswith(("http://", "https://")):
                return None, self._register_file(kind, None, None, 0)
            raise Refusal("Bad Request: wrong file identifier/HTTP URL specified")
        if not upload.data:
            raise Refusal("Bad Request: file must be non-empty")
        if kind == "photo" and not upload.data.startswith(_IMAGE_MAGIC):
            raise Refusal("Bad Request: IMAGE_PROCESS_FAILED")
        meta = self._register_file(kind, upload.filename, upload.content_type, upload.size)
        upload.file_id = meta["file_id"]
        return upload, meta

    def _register_file(
        self, kind: str, filename: str | None, content_type: str | None, size: int
    ) -> dict[str, Any]:
        number = next(self._file_ids)
        meta: dict[str, Any] = {
            "file_id": f"{'AgAC' if kind == 'photo' else 'BQAC'}{number:06d}",
            "file_unique_id": f"AQAD{number:06d}",
        }
        if size:
            meta["file_size"] = size
        if kind == "document":
            if filename:
                meta["file_name"] = filename
            if content_type:
                meta["mime_type"] = content_type
        self._files[meta["file_id"]] = meta
        return dict(meta)

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
