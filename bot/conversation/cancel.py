"""/cancel, shared by every multi-step flow: leaves the current step, keeps nothing half-done."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _


async def cancel(message: Message, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer(_("There is nothing to cancel."))
        return
    await state.clear()
    await message.answer(_("Cancelled. Nothing was saved."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cancel, Command("cancel"))
    return router
