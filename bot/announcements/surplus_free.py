"""Store managers write as they talk: words without a command that read like an announcement,
or a photo with a caption, start the same announcement as ``/surplus`` (same echo, same
confirmation). A photo without caption, a voice note, a location or a sticker gets a short
answer with an example. Only in private and outside any conversation step; what is left goes
on to the fallback (bot/conversation/fallback.py).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.announcements.surplus import begin
from bot.announcements.surplus_echo import example
from logistics.announcements.announce import announcing_stores
from logistics.announcements.announce_lines import reads_like_announcement
from logistics.clock import Clock
from logistics.people.identity import Identity


def manages_a_store(message: Message, identity: Identity | None = None) -> bool:
    return bool(announcing_stores(identity))


async def announcement_words(
    message: Message, session: AsyncSession, identity: Identity | None = None
) -> bool:
    text = message.text or ""
    return (
        not text.startswith("/")
        and bool(announcing_stores(identity))
        and await reads_like_announcement(session, text)
    )


async def announced_in_words(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    await begin(message, message.text, state, identity, session, clock)


async def announced_with_photo(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    """The caption is the announcement; the photo goes with it (see surplus.py)."""
    await begin(
        message,
        message.caption.strip(),
        state,
        identity,
        session,
        clock,
        photo_file_id=message.photo[-1].file_id,
    )


async def not_words(message: Message) -> None:
    await message.answer(
        _(
            "To announce surplus, write it in words (or as the photo's caption), or send "
            "/surplus to be guided step by step."
        )
        + "\n"
        + example()
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private", StateFilter(None))
    router.message.register(announced_in_words, F.text, announcement_words)
    router.message.register(announced_with_photo, F.photo, F.caption, manages_a_store)
    router.message.register(not_words, ~F.text, manages_a_store)
    return router
