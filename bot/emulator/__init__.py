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

FakeTelegram is one class put together from the package's modules, each a part of it:

- ``server``: the HTTP server, reading each call and routing it to its method (FakeTelegram);
- ``state``: what Telegram keeps (users, chats, messages, queue, files, commands) and the
  storing of a new message in its chat;
- ``updates``: the update queue, getUpdates' long poll, offsets and conflicts, the webhook
  methods;
- ``people``: users and groups, and what they do (write, press a button) as updates;
- ``observe``: what the bot did as the tests read it, waiting for it, injected failures;
- ``messages``: sending, editing and deleting messages, answering callback queries;
- ``files``: sending documents and photos, uploads and file ids;
- ``settings``: getMe, getChat, chat actions, the bot's commands and descriptions;
- ``rules``: Telegram's limits, refusal descriptions, accepted values, markup validation;
- ``parse_mode``: Telegram's HTML parse mode (text and entities) and whitespace trimming;
- ``records``: the recorded calls and uploads, the refusal, the queue's small pieces.
"""

from bot.emulator.parse_mode import EntityParseError, parse_html
from bot.emulator.records import Call, Upload
from bot.emulator.rules import _png_size as _png_size
from bot.emulator.rules import utf16_len
from bot.emulator.server import FakeTelegram

__all__ = [
    "Call",
    "EntityParseError",
    "FakeTelegram",
    "Upload",
    "parse_html",
    "utf16_len",
]
