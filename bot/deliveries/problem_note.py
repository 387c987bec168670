"""After reporting a problem with a delivery, the association may say in its own words what
happened: one message, kept with the receipt and told to the coordinators; /cancel skips it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.refusals import explain
from logistics.clock import Clock
from logistics.deliveries.receipts import explain_problem
from logistics.errors import DomainError
from logistics.people.identity import Identity


class ProblemNote(StatesGroup):
    note = State()  # data: delivery_id


async def ask_note(
    message: Message, state: FSMContext, delivery_id: int, lead: str | None = None
) -> None:
    """Ask what happened; ``lead``, what the person must know first, opens the message."""
    await state.set_state(ProblemNote.note)
    await state.set_data({"delivery_id": delivery_id})
    question = _(
        "If you wish, say in a few words what happened, in one message (for example: "
        "the yoghurts were at 12 °C). /cancel if there is nothing to add."
    )
    await message.answer(f"{lead}\n\n{question}" if lead else question)


async def typed(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    data = await state.get_data()
    await state.clear()
    if "delivery_id" not in data:
        await message.answer(_("This step is over."))
        return
    try:
        await explain_problem(
            session,
            delivery_id=data["delivery_id"],
            identity=identity,
            now=clock.now(),
            note=message.text or "",
        )
    except DomainError as error:
        await message.answer(explain(error))
        return
    await message.answer(_("Thank you: the coordinator is told what happened."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(typed, ProblemNote.note, F.text, ~F.text.startswith("/"))
    return router
