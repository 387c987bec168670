"""/start: a greeting by role, or how to join for people the network does not know yet."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandStart
from aiogram.types import Message

from bot.texts import greeting
from logistics.people import Identity


async def start(message: Message, identity: Identity) -> None:
    await message.answer(greeting(identity, message.from_user.first_name))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(start, CommandStart())
    return router
