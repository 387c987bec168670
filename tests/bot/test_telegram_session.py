"""A request that could not be written on a closed kept-alive connection is sent once more;
any other network failure is not repeated (the server may have acted on it)."""

from __future__ import annotations

import pytest
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage
from aiohttp import ClientConnectionResetError, ServerDisconnectedError

from bot.telegram.session import BotApiSession

METHOD = SendMessage(chat_id=1, text="x")


def failing_first(monkeypatch: pytest.MonkeyPatch, cause: Exception) -> list[int]:
    calls: list[int] = []

    async def make_request(self, bot, method, timeout=None):  # noqa: ASYNC109
        calls.append(1)
        if len(calls) == 1:
            raise TelegramNetworkError(method=method, message=str(cause)) from cause
        return "sent"

    monkeypatch.setattr(AiohttpSession, "make_request", make_request)
    return calls


async def test_a_request_never_written_is_sent_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = failing_first(monkeypatch, ClientConnectionResetError("closing transport"))
    assert await BotApiSession().make_request(None, METHOD) == "sent"
    assert len(calls) == 2


async def test_a_request_that_may_have_arrived_is_not_repeated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = failing_first(monkeypatch, ServerDisconnectedError())
    with pytest.raises(TelegramNetworkError):
        await BotApiSession().make_request(None, METHOD)
    assert len(calls) == 1
