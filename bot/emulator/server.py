"""The HTTP side: FakeTelegram serves the Bot API on loopback with aiohttp, reads each call's
parameters (query, JSON or multipart form), routes it to its method and answers with
Telegram's envelope; the calls it records and the crashes it catches.
"""

from __future__ import annotations

import json
import traceback
from typing import Any

from aiohttp import web

from bot.emulator.files import Files
from bot.emulator.observe import Observation
from bot.emulator.people import People
from bot.emulator.records import Call, Refusal, Upload, _Gone
from bot.emulator.rules import NOT_FOUND
from bot.emulator.settings import Settings

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

# The Bot API methods served (lower case) and the method of FakeTelegram answering each;
# getUpdates, which waits for updates, is served apart.
HANDLERS = {
    "getme": "_get_me",
    "logout": "_true",
    "close": "_true",
    "deletewebhook": "_delete_webhook",
    "getwebhookinfo": "_get_webhook_info",
    "sendmessage": "_send_message",
    "editmessagetext": "_edit_message_text",
    "editmessagecaption": "_edit_message_caption",
    "editmessagereplymarkup": "_edit_message_reply_markup",
    "deletemessage": "_delete_message",
    "answercallbackquery": "_answer_callback_query",
    "senddocument": "_send_document",
    "sendphoto": "_send_photo",
    "sendchataction": "_send_chat_action",
    "getchat": "_get_chat",
    "setmycommands": "_set_my_commands",
    "getmycommands": "_get_my_commands",
    "deletemycommands": "_delete_my_commands",
    "setmydescription": "_set_my_description",
    "getmydescription": "_get_my_description",
    "setmyshortdescription": "_set_my_short_description",
    "getmyshortdescription": "_get_my_short_description",
}


def _decode_field(key: str, value: str) -> Any:
    if key in STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeTelegram(People, Observation, Files, Settings):
    """A Telegram Bot API server on 127.0.0.1 with an OS-chosen port.

    Its arguments (token, bot_id, bot_username, bot_first_name, missing_methods, strict_html,
    clock) are TelegramState's.
    """

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

        from bot.telegram.session import BotApiSession

        class _Session(BotApiSession):
            async def close(self) -> None:
                if self._session is not None and not self._session.closed:
                    await self._session.close()

        session = _Session(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **kwargs)

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
            if name in self.missing_methods or (name not in HANDLERS and name != "getupdates"):
                raise Refusal(NOT_FOUND, 404)
            if name == "getupdates":
                call.result = await self._get_updates(call.params, request)
            else:
                call.result = getattr(self, HANDLERS[name])(call.params, call.files)
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
