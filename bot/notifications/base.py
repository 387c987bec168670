"""What every renderer shares: the rendered message and the recipient's context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards
from bot.i18n import LOCALES
from logistics.pickups.views import DonationView, donation_view
from storage.models import Antenna, Member


@dataclass(frozen=True)
class Rendered:
    """A message to send; with ``photo`` (PNG bytes) it is sent as a picture whose caption is
    ``text`` (at most 1024 characters)."""

    text: str
    reply_markup: InlineKeyboardMarkup | None = None
    card_of: int | None = None  # a group card: edited in place once posted
    photo: bytes | None = None
    photo_name: str = "chart.png"
    photo_file_id: str | None = None  # a photo Telegram already has (one a person sent)


@dataclass
class Context:
    session: AsyncSession
    i18n: I18n
    chat_id: int
    languages: tuple[str, ...]

    def each(self, render: Callable[[], str]) -> str:
        return cards.bilingual(self.i18n, self.languages, render)

    def label(self, msgid: str) -> str:
        return " · ".join(self.i18n.gettext(msgid, locale=lc) for lc in self.languages)


async def languages_of(session: AsyncSession, chat_id: int) -> tuple[str, ...]:
    if chat_id < 0:
        antenna = (
            await session.exec(select(Antenna).where(Antenna.group_chat_id == chat_id))
        ).first()
        if antenna:
            return tuple(x for x in antenna.group_languages.split(",") if x) or LOCALES
        return LOCALES
    member = (await session.exec(select(Member).where(Member.telegram_id == chat_id))).first()
    return (member.language,) if member and member.language else LOCALES


async def view_of(ctx: Context, payload: dict) -> DonationView | None:
    return await donation_view(ctx.session, int(payload["donation_id"]))


async def pickup_note(
    ctx: Context, payload: dict, status: str, head: Callable[[DonationView], str]
) -> tuple[DonationView, str] | None:
    """A note about a pickup still in ``status`` (else outdated: None), with its card."""
    view = await view_of(ctx, payload)
    if view is None or view.status != status:
        return None
    return view, ctx.each(lambda: head(view) + "\n\n" + cards.card_text(view))
