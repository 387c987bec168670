"""The HTTP session to the Bot API, which sends a request again when a kept-alive connection
turned out to be closed before the request could be written."""

from __future__ import annotations

from typing import Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiohttp import ClientConnectionResetError


def _never_written(error: TelegramNetworkError) -> bool:
    """The request failed while being written on a connection the server had closed: the
    server cannot have acted on it, so sending it again cannot do anything twice."""
    return isinstance(error.__cause__, ClientConnectionResetError)


class BotApiSession(AiohttpSession):
    # aiogram's signature, timeout included
    async def make_request(self, bot: Any, method: Any, timeout: int | None = None) -> Any:  # noqa: ASYNC109
        try:
            return await super().make_request(bot, method, timeout)
        except TelegramNetworkError as error:
            if not _never_written(error):
                raise
        return await super().make_request(bot, method, timeout)
