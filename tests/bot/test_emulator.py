"""The fake Bot API server, driven by a real aiogram Bot over loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)

from bot.emulator import FakeTelegram, parse_html, utf16_len

TOKEN = "123456:TEST"
ALICE = 1001


class QuickSession(AiohttpSession):
    """AiohttpSession without the quarter-second pause on close."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram(TOKEN)
    await fake.start()
    yield fake
    await fake.stop()
    assert fake.crashes == []


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    session = QuickSession(api=TelegramAPIServer.from_base(tg.base_url))
    real = Bot(TOKEN, session=session)
    yield real
    await real.session.close()


@pytest.fixture
def alice(tg: FakeTelegram) -> dict:
    return tg.user(ALICE, first_name="Alice", language_code="nl")


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=d or "?", callback_data=d) for d in data]]
    )


async def refusal(call) -> str:
    with pytest.raises(TelegramBadRequest) as caught:
        await call
    return caught.value.message


# ------------------------------------------------------------------ basics


async def test_get_me_and_a_sent_message_look_like_telegram(tg, bot, alice):
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "antenna_test_bot", True)

    first = await bot.send_message(ALICE, "Hallo", reply_markup=keyboard("a:1"))
    second = await bot.send_message(ALICE, "Nog eens")
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.id == ALICE and first.chat.type == "private"
    assert first.from_user.id == me.id
    assert first.reply_markup.inline_keyboard[0][0].callback_data == "a:1"

    sent = tg.sent(ALICE)
    assert [m["text"] for m in sent] == ["Hallo", "Nog eens"]
    assert sent[0]["reply_markup"] == {
        "inline_keyboard": [[{"text": "a:1", "callback_data": "a:1"}]]
    }
    assert "reply_markup" not in sent[1]
    assert tg.last_message(ALICE)["message_id"] == 2
    assert tg.requests[-1].params == {"chat_id": ALICE, "text": "Nog eens"}
    assert tg.refused == []


async def test_html_becomes_text_and_entities(tg, bot, alice):
    message = await bot.send_message(
        ALICE,
        '<b>Lijst</b> &amp; <a href="https://example.org/?a=1&amp;b=2">plan</a> &#x27;ok&#39;',
        parse_mode="HTML",
    )
    assert message.text == "Lijst & plan 'ok'"
    kinds = [(e.type, e.offset, e.length) for e in message.entities]
    assert kinds == [("bold", 0, 5), ("text_link", 8, 4)]
    assert message.entities[1].url == "https://example.org/?a=1&b=2"
    assert tg.last_message(ALICE)["text"] == "Lijst & plan 'ok'"


async def test_user_messages_share_the_chat_numbering(tg, bot, alice):
    update = tg.send_text(alice, "/start@antenna_test_bot deep")
    message = update["message"]
    assert message["message_id"] == 1
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 23}]
    assert message["from"]["language_code"] == "nl"
    reply = await bot.send_message(ALICE, "Welkom", reply_to_message_id=1)
    assert reply.message_id == 2
    assert reply.reply_to_message.text == "/start@antenna_test_bot deep"


async def test_groups_are_known_chats(tg, bot, alice):
    group = tg.group(-1001234, title="Antenne Gent")
    tg.send_text(alice, "hallo", chat=group)
    message = await bot.send_message(-1001234, "Hallo groep")
    assert message.chat.type == "supergroup"
    assert message.message_id == 2
    assert (await bot.get_chat(-1001234)).title == "Antenne Gent"
    assert (await bot.get_chat(ALICE)).first_name == "Alice"


# ------------------------------------------------------------------ refusals


async def test_unknown_chat_is_not_found(bot):
    assert await refusal(bot.send_message(999, "hi")) == "Bad Request: chat not found"
    assert await refusal(bot.get_chat(-5)) == "Bad Request: chat not found"


@pytest.mark.parametrize("text", ["", "   \n ", "<b></b>"])
async def test_empty_text_is_refused(bot, alice, text):
    assert await refusal(bot.send_message(ALICE, text, parse_mode="HTML")) == (
        "Bad Request: message text is empty"
    )


async def test_length_counts_visible_utf16_units(tg, bot, alice):
    await bot.send_message(ALICE, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert utf16_len(tg.last_message(ALICE)["text"]) == 4096
    too_long = bot.send_message(ALICE, "<b>" + "x" * 4097 + "</b>", parse_mode="HTML")
    assert await refusal(too_long) == "Bad Request: message is too long"
    await bot.send_message(ALICE, "&amp;" * 4096, parse_mode="HTML")
    await bot.send_message(ALICE, "🥕" * 2048)
    assert await refusal(bot.send_message(ALICE, "🥕" * 2049)) == "Bad Request: message is too long"
    assert await refusal(bot.send_message(ALICE, "x" * 4097)) == "Bad Request: message is too long"
    assert len(tg.refused) == 3


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<br>x", 'Unsupported start tag "br" at byte offset 0'),
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        (
            "<b><i>test</b></i>",
            'Unmatched end tag at byte offset 10, expected "</i>", found "</b>"',
        ),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("é<", "Unclosed start tag at byte offset 2"),
        ("Fruits & légumes", 'Character "&" must be escaped as "&amp;" at byte offset 7'),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<a href="x>y', 'Unclosed start tag "a" at byte offset 0'),
    ],
)
async def test_malformed_html_is_refused(bot, alice, html, problem):
    description = await refusal(bot.send_message(ALICE, html, parse_mode="HTML"))
    assert description == f"Bad Request: can't parse entities: {problem}"


def test_every_supported_tag_parses():
    text, entities = parse_html(
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        "<strike>k</strike><del>d</del><tg-spoiler>p</tg-spoiler>"
        '<span class="tg-spoiler">q</span><a href="https://t.me">a</a><code>c</code>'
        '<pre><code class="language-python">x</code></pre><blockquote>q</blockquote>'
        '<blockquote expandable>z</blockquote><tg-emoji emoji-id="5368324170671202286">👍'
        "</tg-emoji> &lt;&gt;&quot;&#233;&#xE9;"
    )
    assert text == 'bsieunskdpqacxqz👍 <>"éé'
    assert [e["type"] for e in entities] == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "text_link",
        "code",
        "pre",
        "blockquote",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert entities[13]["language"] == "python"
    assert entities[16] == {
        "offset": 16,
        "length": 2,
        "type": "custom_emoji",
        "custom_emoji_id": "5368324170671202286",
    }


def test_a_bare_ampersand_passes_when_not_strict():
    assert parse_html("Q&A", strict=False) == ("Q&A", [])


async def test_inline_keyboards_are_checked(bot, alice):
    assert await refusal(bot.send_message(ALICE, "x", reply_markup=keyboard("x" * 65))) == (
        "Bad Request: BUTTON_DATA_INVALID"
    )
    assert await refusal(bot.send_message(ALICE, "x", reply_markup=keyboard("é" * 33))) == (
        "Bad Request: BUTTON_DATA_INVALID"
    )
    await bot.send_message(ALICE, "x", reply_markup=keyboard("é" * 32, "y" * 64))
    text_only = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="t")]])
    unallowed = (
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard"
    )
    assert await refusal(bot.send_message(ALICE, "x", reply_markup=text_only)) == unallowed
    assert await refusal(bot.send_message(ALICE, "x", reply_markup=keyboard(""))) == unallowed
    bad_url = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="t", url="ftp://example.com")]]
    )
    assert await refusal(bot.send_message(ALICE, "x", reply_markup=bad_url)) == (
        "Bad Request: inline keyboard button URL 'ftp://example.com' is invalid: "
        "Unsupported URL protocol"
    )


async def test_reply_keyboards_are_remembered_not_echoed(tg, bot, alice):
    markup = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Ja")]], resize_keyboard=True)
    message = await bot.send_message(ALICE, "Kies", reply_markup=markup)
    assert message.reply_markup is None
    assert tg.reply_keyboards[ALICE]["keyboard"] == [[{"text": "Ja"}]]


async def test_captions_and_uploads(tg, bot, alice):
    document = BufferedInputFile(b"a;b\n1;2\n", filename="plan.csv")
    message = await bot.send_document(ALICE, document, caption="<i>Plan</i>", parse_mode="HTML")
    assert message.document.file_name == "plan.csv"
    assert message.document.file_size == 8
    assert message.caption == "Plan"
    [upload] = tg.uploads
    assert (upload.filename, upload.size, upload.data) == ("plan.csv", 8, b"a;b\n1;2\n")
    assert (upload.chat_id, upload.message_id) == (ALICE, message.message_id)
    assert tg.requests[-1].files["document"] is upload

    again = await bot.send_document(ALICE, message.document.file_id)
    assert again.document.file_id == message.document.file_id

    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (3).to_bytes(4, "big") * 2 + b"rest"
    photo = await bot.send_photo(ALICE, BufferedInputFile(png, filename="chart.png"))
    assert (photo.photo[0].width, photo.photo[0].height) == (3, 3)

    long_caption = bot.send_document(ALICE, document, caption="c" * 1025)
    assert await refusal(long_caption) == "Bad Request: message caption is too long"
    not_an_image = bot.send_photo(ALICE, BufferedInputFile(b"text", filename="x.png"))
    assert await refusal(not_an_image) == "Bad Request: IMAGE_PROCESS_FAILED"


# ------------------------------------------------------------------ edits and buttons


async def test_edits_are_applied_to_sent(tg, bot, alice):
    message = await bot.send_message(ALICE, "Kies", reply_markup=keyboard("a", "b"))
    edited = await bot.edit_message_text(
        text="Gekozen: <b>a</b>",
        chat_id=ALICE,
        message_id=message.message_id,
        parse_mode="HTML",
        reply_markup=keyboard("undo"),
    )
    assert edited.text == "Gekozen: a"
    [current] = tg.sent(ALICE)
    assert current["text"] == "Gekozen: a"
    assert current["entities"] == [{"offset": 9, "length": 1, "type": "bold"}]
    assert current["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "undo"
    assert "edit_date" in current

    same = bot.edit_message_text(
        text="Gekozen: <b>a</b>",
        chat_id=ALICE,
        message_id=message.message_id,
        parse_mode="HTML",
        reply_markup=keyboard("undo"),
    )
    assert (await refusal(same)).startswith("Bad Request: message is not modified: specified")

    await bot.edit_message_reply_markup(chat_id=ALICE, message_id=message.message_id)
    assert "reply_markup" not in tg.last_message(ALICE)
    same_markup = bot.edit_message_reply_markup(chat_id=ALICE, message_id=message.message_id)
    assert (await refusal(same_markup)).startswith("Bad Request: message is not modified")

    missing = bot.edit_message_text(text="x", chat_id=ALICE, message_id=99)
    assert await refusal(missing) == "Bad Request: message to edit not found"

    assert await bot.delete_message(ALICE, message.message_id)
    assert tg.deleted == [(ALICE, message.message_id)]
    gone = bot.edit_message_text(text="x", chat_id=ALICE, message_id=message.message_id)
    assert await refusal(gone) == "Bad Request: message to edit not found"
    again = bot.delete_message(ALICE, message.message_id)
    assert await refusal(again) == "Bad Request: message to delete not found"


async def test_button_press_gives_an_answerable_callback_query(tg, bot, alice):
    message = await bot.send_message(ALICE, "Taal?", reply_markup=keyboard("lg:nl", "lg:fr"))
    pressed = tg.press_button(alice, tg.last_message(ALICE), "lg:fr")
    [update] = await bot.get_updates()
    assert update.update_id == pressed["update_id"]
    query = update.callback_query
    assert query.data == "lg:fr"
    assert query.from_user.id == ALICE
    assert query.message.message_id == message.message_id
    assert query.message.reply_markup.inline_keyboard[0][1].callback_data == "lg:fr"

    too_long = bot.answer_callback_query(query.id, text="x" * 201)
    assert await refusal(too_long) == "Bad Request: MESSAGE_TOO_LONG"
    assert await bot.answer_callback_query(query.id, text="Ok")
    assert tg.callback_answers[query.id]["text"] == "Ok"
    invalid = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    assert await refusal(bot.answer_callback_query(query.id)) == invalid
    assert tg.callback_answers[query.id]["text"] == "Ok"
    assert await refusal(bot.answer_callback_query("12345")) == invalid


async def test_press_button_needs_an_existing_message(tg, bot, alice):
    message = await bot.send_message(ALICE, "Taal?", reply_markup=keyboard("lg:nl"))
    tg.press_button(alice, tg.last_message(ALICE), "stale:data")
    with pytest.raises(ValueError, match="not among the buttons"):
        tg.press_button(alice, tg.last_message(ALICE), "stale:data", check=True)
    await bot.delete_message(ALICE, message.message_id)
    with pytest.raises(ValueError, match="no message 1 in chat 1001"):
        tg.press_button(alice, tg.last_message(ALICE), "lg:nl")


# ------------------------------------------------------------------ getUpdates


async def test_confirmed_updates_are_not_returned_again(tg, bot, alice):
    first = tg.send_text(alice, "een")
    second = tg.send_text(alice, "twee")
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first["update_id"], second["update_id"]]
    assert [u.update_id for u in await bot.get_updates()] == [1, 2]  # not yet confirmed
    assert [u.update_id for u in await bot.get_updates(offset=2)] == [2]
    assert [u.update_id for u in await bot.get_updates()] == [2]  # 1 is gone for good
    assert await bot.get_updates(offset=3) == []
    third = tg.send_text(alice, "drie")
    assert [u.message.text for u in await bot.get_updates()] == ["drie"]
    assert third["update_id"] == 3
    assert tg.pending_updates == [third]


async def test_limit_and_allowed_updates(tg, bot, alice):
    for word in ("a", "b", "c"):
        tg.send_text(alice, word)
    assert [u.message.text for u in await bot.get_updates(limit=2)] == ["a", "b"]
    await bot.send_message(ALICE, "k", reply_markup=keyboard("k"))
    tg.press_button(alice, tg.last_message(ALICE), "k")
    only_queries = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in only_queries] == ["k"]


async def test_long_poll_returns_when_an_update_arrives(tg, bot, alice):
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await tg.wait_for(lambda: tg.polling)
    tg.send_text(alice, "ping")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates] == ["ping"]


async def test_long_poll_ends_when_the_server_stops(tg, bot):
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await tg.wait_for(lambda: tg.polling)
    await asyncio.wait_for(tg.stop(), 2)
    assert await asyncio.wait_for(poll, 2) == []


async def test_a_second_poller_terminates_the_first(tg, bot):
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await tg.wait_for(lambda: tg.polling)
    second = asyncio.create_task(bot.get_updates(timeout=0))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)
    assert await asyncio.wait_for(second, 2) == []


async def test_queue_update_keeps_ids_for_duplicates(tg, bot, alice):
    update = tg.send_text(alice, "dubbel")
    assert [u.update_id for u in await bot.get_updates()] == [1]
    assert await bot.get_updates(offset=2) == []
    tg.queue_update(update)  # below the confirmed offset: dropped, as Telegram would
    assert await bot.get_updates(offset=2) == []
    tg.queue_update(update, ignore_offset=True)
    [again] = await bot.get_updates(offset=2)
    assert (again.update_id, again.message.text) == (1, "dubbel")
    assert tg.send_text(alice, "next")["update_id"] == 2


# ------------------------------------------------------------------ other methods


async def test_missing_and_unknown_methods_answer_404():
    async with FakeTelegram(TOKEN, missing_methods={"setMyCommands"}) as fake:
        real = fake.make_bot()
        try:
            with pytest.raises(TelegramNotFound, match="Not Found"):
                await real.set_my_commands([BotCommand(command="start", description="Start")])
            with pytest.raises(TelegramNotFound):
                await real.get_chat_menu_button()
            assert [c.status for c in fake.refused] == [404, 404]
        finally:
            await real.session.close()


async def test_raw_json_form_and_wrong_token(tg, alice):
    async with aiohttp.ClientSession() as http:
        url = f"{tg.base_url}/bot{TOKEN}/sendMessage"
        markup = {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}
        async with http.post(
            url, json={"chat_id": ALICE, "text": "json", "reply_markup": markup}
        ) as r:
            body = await r.json()
        assert body["ok"] is True and body["result"]["reply_markup"] == markup
        async with http.post(url, data={"chat_id": str(ALICE), "text": "123"}) as r:
            assert (await r.json())["result"]["text"] == "123"
        async with http.post(f"{tg.base_url}/bot1:WRONG/getMe") as r:
            assert r.status == 401
            assert await r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        async with http.post(f"{tg.base_url}/bot{TOKEN}/sendSticker", data={"x": "1"}) as r:
            assert await r.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_commands_are_stored_per_scope_and_language(tg, bot, alice):
    menu = [
        BotCommand(command="start", description="Starten"),
        BotCommand(command="lang", description="Taal"),
    ]
    assert await bot.set_my_commands(menu, language_code="nl")
    assert await bot.set_my_commands(menu[:1], scope=BotCommandScopeChat(chat_id=ALICE))
    assert await bot.set_my_commands(menu[1:])
    assert tg.commands[("default", "nl")] == [
        {"command": "start", "description": "Starten"},
        {"command": "lang", "description": "Taal"},
    ]
    assert tg.commands[("chat", None)] == [{"command": "start", "description": "Starten"}]
    assert tg.commands[("default", None)] == [{"command": "lang", "description": "Taal"}]
    fetched = await bot.get_my_commands(scope=BotCommandScopeDefault(), language_code="nl")
    assert [c.command for c in fetched] == ["start", "lang"]
    assert await bot.delete_my_commands(language_code="nl")
    assert ("default", "nl") not in tg.commands
    assert await bot.set_my_description("Voedselhulp", language_code="nl")
    assert await bot.set_my_short_description("Antenne")
    assert tg.descriptions == {"nl": "Voedselhulp"} and tg.short_descriptions == {None: "Antenne"}


@pytest.mark.parametrize(
    ("command", "description", "language", "expected"),
    [
        ("Start", "x", None, "Bad Request: BOT_COMMAND_INVALID"),
        ("start-now", "x", None, "Bad Request: BOT_COMMAND_INVALID"),
        ("a" * 33, "x", None, "Bad Request: BOT_COMMAND_INVALID"),
        ("", "x", None, "Bad Request: command must be non-empty"),
        ("start", "", None, "Bad Request: command description must be non-empty"),
        ("start", "d" * 257, None, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"),
        ("start", "x", "nld", "Bad Request: invalid language code specified"),
    ],
)
async def test_bad_commands_are_refused(bot, command, description, language, expected):
    call = bot.set_my_commands(
        [BotCommand(command=command, description=description)], language_code=language
    )
    assert await refusal(call) == expected


async def test_too_many_commands_and_long_descriptions(bot):
    many = [BotCommand(command=f"c{i}", description="d") for i in range(101)]
    assert await refusal(bot.set_my_commands(many)) == "Bad Request: BOT_COMMANDS_TOO_MUCH"
    assert await bot.set_my_commands(many[:100])
    assert await refusal(bot.set_my_description("d" * 513)) == "Bad Request: BOT_DESC_INVALID"
    assert await refusal(bot.set_my_short_description("d" * 121)) == (
        "Bad Request: BOT_SHARETEXT_INVALID"
    )


async def test_chat_action_and_webhook_methods(tg, bot, alice):
    assert await bot.send_chat_action(ALICE, "typing")
    tg.send_text(alice, "old")
    assert await bot.delete_webhook(drop_pending_updates=False)
    assert (await bot.get_webhook_info()).pending_update_count == 1
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []
    assert (await bot.get_webhook_info()).url == ""
    assert await refusal(bot.send_chat_action(ALICE, "dancing")) == (
        "Bad Request: wrong parameter action in request"
    )


# ------------------------------------------------------------------ faults and waiting


async def test_injected_faults_raise_aiogram_errors(tg, bot, alice):
    tg.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(ALICE, "eerste")
    assert caught.value.retry_after == 3
    await bot.send_message(ALICE, "tweede")
    assert [m["text"] for m in tg.sent(ALICE)] == ["tweede"]
    assert tg.refused == []
    assert [c.injected for c in tg.calls("sendMessage")] == [True, False]

    tg.fail_next(
        "sendMessage", status=403, description="Forbidden: bot was blocked by the user", times=2
    )
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(ALICE, "x")
    await bot.send_message(ALICE, "derde")
    assert tg.refused == []


async def test_blocked_users_answer_403(tg, bot, alice):
    tg.block(ALICE)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(ALICE, "x")
    assert [c.status for c in tg.refused] == [403]


async def test_wait_for_counts_new_calls_and_explains_timeouts(tg, bot, alice):
    await bot.send_message(ALICE, "voor")
    waiter = asyncio.create_task(tg.wait_for(method="sendMessage", chat_id=ALICE, count=2))
    await bot.send_message(ALICE, "een")
    await bot.send_chat_action(ALICE, "typing")
    await bot.send_message(ALICE, "twee")
    calls = await asyncio.wait_for(waiter, 2)
    assert [c.params["text"] for c in calls] == ["een", "twee"]
    assert await tg.wait_for(lambda: len(tg.sent()) == 3) is True

    with pytest.raises(AssertionError) as caught:
        await tg.wait_for(method="editMessageText", timeout=0.01)
    report = str(caught.value)
    assert "timed out" in report
    assert "sendMessage chat=1001 text='twee' -> ok" in report


async def test_wait_idle_after_the_bot_handles_everything(tg, bot, alice):
    tg.send_text(alice, "a")
    idle = asyncio.create_task(tg.wait_idle())
    assert len(await bot.get_updates()) == 1
    await bot.send_message(ALICE, "antwoord")
    await asyncio.wait_for(idle, 2)
    assert tg.texts(ALICE) == ["antwoord"]


# ------------------------------------------------------------------ a real dispatcher


async def test_dispatcher_round_trip(tg, alice):
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("<b>Dag</b> Alice", reply_markup=keyboard("lg:fr"))

    @router.callback_query(F.data == "lg:fr")
    async def language(query: CallbackQuery) -> None:
        await query.answer("Ok")
        await query.message.edit_text("Bonjour Alice")

    dp = Dispatcher()
    dp.include_router(router)
    real = Bot(
        TOKEN,
        session=QuickSession(api=TelegramAPIServer.from_base(tg.base_url)),
        default=DefaultBotProperties(parse_mode="HTML"),
    )
    polling = asyncio.create_task(dp.start_polling(real, handle_signals=False, polling_timeout=30))
    try:
        tg.send_text(alice, "/start")
        [sent] = await tg.wait_for(method="sendMessage", chat_id=ALICE)
        assert sent.params["parse_mode"] == "HTML"
        assert tg.last_message(ALICE)["text"] == "Dag Alice"
        tg.press_button(alice, tg.last_message(ALICE), "lg:fr", check=True)
        await tg.wait_for(method="editMessageText", chat_id=ALICE)
        assert await tg.wait_for(lambda: tg.callback_answers)
        assert tg.texts(ALICE) == ["Bonjour Alice"]
        assert "reply_markup" not in tg.last_message(ALICE)
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)
    assert tg.refused == []
