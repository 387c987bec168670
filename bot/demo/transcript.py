"""The demo's transcript: who says what, in which chat, at which simulated time.

People's words and presses are written by the script as it plays them; the bot's side is read
from the calls the emulator recorded (sent messages, edited cards, pop-up answers, files), in
the order they reached it. Telegram's HTML becomes plain text, with bold and italics in ANSI
only when the output is a terminal.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.emulator import Call

BOLD, NOT_BOLD, ITALIC, NOT_ITALIC = "\033[1m", "\033[22m", "\033[3m", "\033[23m"
DIM, RESET = "\033[2m", "\033[0m"
INDENT = "    "
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
_ANSI = {("", "b"): BOLD, ("/", "b"): NOT_BOLD, ("", "i"): ITALIC, ("/", "i"): NOT_ITALIC}
_ALIASES = {"strong": "b", "em": "i"}
# Calls that are the bot's own housekeeping, not part of any conversation.
_QUIET = frozenset(
    "getupdates getme deletewebhook setmycommands deletemycommands setmydescription "
    "setmyshortdescription sendchataction".split()
)


def plain(text: str, *, ansi: bool) -> str:
    """Telegram HTML as terminal text: tags dropped (bold and italics kept in ANSI when
    ``ansi``), entities decoded."""

    def tag(match: re.Match[str]) -> str:
        name = _ALIASES.get(match.group(2).lower(), match.group(2).lower())
        return _ANSI.get((match.group(1), name), "") if ansi else ""

    return html.unescape(_TAG.sub(tag, text))


def keyboard(markup: dict[str, Any] | None) -> list[str]:
    """Inline buttons as ``[ label ]``, one line per row."""
    rows = (markup or {}).get("inline_keyboard", [])
    return ["  ".join(f"[ {b['text']} ]" for b in row) for row in rows if row]


@dataclass(frozen=True)
class Speaker:
    """How a chat or a person is named in the transcript."""

    name: str
    role: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class Transcript:
    """Prints the conversation as it happens; ``echo`` reads the emulator's new calls."""

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        tz: str,
        chats: dict[int, Speaker],
        out: TextIO | None = None,
        ansi: bool | None = None,
    ) -> None:
        self.out = out or sys.stdout
        self.ansi = self.out.isatty() if ansi is None else ansi
        self._now = now
        self._zone = ZoneInfo(tz)
        self._chats = chats
        self._seen = 0
        self._queries: dict[str, Speaker] = {}
        self._texts: dict[tuple[int, int], str] = {}  # what each message of the bot says now
        self.lines = 0

    # ----------------------------------------------------------------- writing

    def _write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()
        self.lines += 1

    def _stamp(self) -> str:
        return self._now().astimezone(self._zone).strftime("%a %d %b %H:%M")

    def _header(self, who: str) -> None:
        stamp = f"[{self._stamp()}]"
        self._write(f"{DIM}{stamp}{RESET} {who}" if self.ansi else f"{stamp} {who}")

    def _body(self, text: str, markup: dict[str, Any] | None = None) -> None:
        for line in plain(text, ansi=self.ansi).splitlines() or [""]:
            self._write(INDENT + line)
        for row in keyboard(markup):
            self._write(INDENT + row)

    def scene(self, title: str) -> None:
        """A heading between the parts of the day."""
        self._write()
        rule = f"── {self._stamp()} · {title} "
        self._write(f"{BOLD}{rule}{NOT_BOLD}" if self.ansi else rule)

    def cast(self, speakers: list[Speaker]) -> None:
        """Who is who, before the day starts."""
        self.scene("Who is who (the example network of config.toml)")
        for speaker in speakers:
            self._write(f"{INDENT}{speaker}")

    def note(self, text: str) -> None:
        """A line of narration, neither a person nor the bot."""
        self._write(f"{INDENT}({text})")

    def says(self, who: Speaker, text: str, *, where: Speaker | None = None) -> None:
        place = f" in {where}" if where else ""
        self._header(f"👤 {who}{place}")
        self._body(html.escape(text, quote=False))

    def presses(self, who: Speaker, label: str, query_id: str) -> None:
        self._queries[query_id] = who
        self._header(f"👤 {who}")
        self._write(f"{INDENT}→ presses [ {label} ]")

    def chat(self, chat_id: int) -> Speaker:
        return self._chats.get(chat_id, Speaker(f"chat {chat_id}"))

    # ----------------------------------------------------------------- the bot's side

    def echo(self, calls: list[Call]) -> None:
        """Print the calls after those already printed (``calls`` is the emulator's record)."""
        new, self._seen = calls[self._seen :], len(calls)
        for call in new:
            if call.ok and call.method.lower() not in _QUIET:
                self._bot_call(call)

    def _bot_call(self, call: Call) -> None:
        method, params = call.method.lower(), call.params
        markup = params.get("reply_markup")
        markup = markup if isinstance(markup, dict) else None
        if method == "sendmessage":
            text = str(params.get("text", ""))
            if isinstance(call.result, dict) and "message_id" in call.result:
                self._texts[(int(call.chat_id), int(call.result["message_id"]))] = text
            self._header(f"🤖 bot → {self.chat(int(call.chat_id))}")
            self._body(text, markup)
        elif method == "editmessagetext":
            self._edited(call, markup)
        elif method == "editmessagereplymarkup":
            self._header(f"🤖 bot ✎ updates the buttons in {self.chat(int(call.chat_id))}")
            for row in keyboard(markup) or ["(buttons removed)"]:
                self._write(INDENT + row)
        elif method == "answercallbackquery" and params.get("text"):
            who = self._queries.get(str(params.get("callback_query_id")), Speaker("someone"))
            self._header(f"🤖 bot → {who} (pop-up)")
            self._body(str(params["text"]))
        elif method in ("senddocument", "sendphoto"):
            self._header(f"🤖 bot → {self.chat(int(call.chat_id))}")
            upload = call.files.get(method.removeprefix("send"))
            name = upload.filename if upload and upload.filename else method.removeprefix("send")
            self._write(f"{INDENT}📎 {name}")
            if params.get("caption"):
                self._body(str(params["caption"]), markup)
        elif method == "deletemessage":
            self._header(f"🤖 bot 🗑 deletes a message in {self.chat(int(call.chat_id))}")

    def _edited(self, call: Call, markup: dict[str, Any] | None) -> None:
        """An edited message: only its changed lines, when the earlier text is known."""
        chat_id, text = int(call.chat_id), str(call.params.get("text", ""))
        key = (chat_id, int(call.params.get("message_id") or 0))
        before = self._texts.get(key)
        self._texts[key] = text
        if before is None:
            self._header(f"🤖 bot ✎ updates its message in {self.chat(chat_id)}")
            self._body(text, markup)
            return
        old = set(before.splitlines())
        changed = [line for line in text.splitlines() if line not in old and line.strip()]
        self._header(f"🤖 bot ✎ updates its message in {self.chat(chat_id)}, changed lines:")
        self._body("\n".join(changed) or "(same text)", markup)
