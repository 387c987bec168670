"""The steps of a conversation with the bot that end-to-end tests of several domains take:
press a button and read its notice, wait for a message shown or edited to hold something,
and set a person up as suspended or as someone who never opened the bot.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from storage.engine import create_engine, create_session_factory
from storage.models import Member, Membership
from tests.harness import buttons


async def press(fake, user, message, data: str) -> str:
    """Press a button of this message; the notice the bot answers with."""
    fake.press_button(user, message, data)
    answer = (await fake.wait_for(method="answerCallbackQuery"))[-1]
    return answer.params.get("text", "")


async def suspend(database_url: str, telegram_id: int) -> None:
    """Suspend every membership of this person, straight in the database."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        member_id = select(Member.id).where(Member.telegram_id == telegram_id).scalar_subquery()
        await session.exec(
            update(Membership)
            .where(col(Membership.member_id) == member_id)
            .values(status="suspended")
        )
        await session.commit()
    await engine.dispose()


def data(message: dict) -> list[str]:
    """The callback data of every button of this message."""
    return [d for _, d in buttons(message)]


async def shown(fake, chat_id: int, wanted: str) -> dict:
    """The latest message of the chat, as it is now, whose text or buttons hold this (waiting
    for the bot to send or edit it); offers may come in between."""

    def found() -> dict | None:
        return next(
            (m for m in reversed(fake.sent(chat_id)) if wanted in m["text"] or wanted in data(m)),
            None,
        )

    await fake.wait_for(lambda: found() is not None)
    return found()


async def edited(fake, message: dict, wanted: str) -> dict:
    """This message once the bot has edited it to hold this (text or button)."""
    chat_id, message_id = message["chat"]["id"], message["message_id"]

    def now() -> dict:
        return fake.message(chat_id, message_id)

    await fake.wait_for(lambda: wanted in now()["text"] or wanted in data(now()))
    return now()


async def never_opened(database_url: str, *telegram_ids: int) -> None:
    """These people are listed but have never opened the bot (Telegram lets no bot write first)."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(
            update(Member).where(col(Member.telegram_id).in_(telegram_ids)).values(opened_at=None)
        )
        await session.commit()
    await engine.dispose()
