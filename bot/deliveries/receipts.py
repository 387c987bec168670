"""The association's answer to a delivery (received / quantity differs / problem),
/receipts, the list of what is still to confirm, and the coordinator settling a dispute."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.callbacks import ProblemCb, ReceiptCb, SettleCb
from bot.cards import problem_label
from bot.deliveries.problem_note import ask_note
from bot.pickups.weights import WeightFlow, ask_kg
from bot.refusals import associations_only, explain
from bot.telegram.edits import edit_markup
from logistics.clock import Clock
from logistics.deliveries.receipts import (
    PROBLEMS,
    TOO_WARM,
    check_receiver,
    confirm_receipt,
    pending_receipts,
    report_problem,
)
from logistics.deliveries.settlement import settle_receipt
from logistics.errors import DomainError
from logistics.people.identity import Identity
from logistics.people.permissions import may_confirm_receipts


async def answered(
    query: CallbackQuery,
    callback_data: ReceiptCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    delivery_id = callback_data.delivery_id
    try:
        if callback_data.action == "ok":
            await confirm_receipt(
                session, delivery_id=delivery_id, identity=identity, now=clock.now()
            )
            await query.answer(_("Thank you: receipt confirmed."))
            await edit_markup(query.message, None)
            return
        await check_receiver(session, delivery_id=delivery_id, identity=identity)
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer()
    if callback_data.action == "diff":
        await state.set_state(WeightFlow.received_kg)
        await state.set_data({"delivery_id": delivery_id})
        await query.message.answer(_("How much did you receive?") + "\n" + ask_kg())
        return
    builder = InlineKeyboardBuilder()
    for problem in PROBLEMS:
        builder.button(
            text=problem_label(problem),
            callback_data=ProblemCb(delivery_id=delivery_id, problem=problem),
        )
    builder.adjust(1)
    await query.message.answer(_("What is the problem?"), reply_markup=builder.as_markup())


async def problem_chosen(
    query: CallbackQuery,
    callback_data: ProblemCb,
    state: FSMContext,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    try:
        await report_problem(
            session,
            delivery_id=callback_data.delivery_id,
            identity=identity,
            now=clock.now(),
            problem=callback_data.problem,
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    await query.answer(_("Thank you. The coordinator is told."), show_alert=True)
    await edit_markup(query.message, None)
    lead = None
    if callback_data.problem == TOO_WARM:
        lead = _("🚫 Do not hand out the chilled food of this delivery: it came too warm.")
    await ask_note(query.message, state, callback_data.delivery_id, lead)


async def receipts(message: Message, identity: Identity, session: AsyncSession) -> None:
    if not may_confirm_receipts(identity):
        await message.answer(associations_only())
        return
    pending = await pending_receipts(session, identity=identity)
    if not pending:
        await message.answer(_("No delivery is waiting for your confirmation."))
        return
    locale = cards.locale()
    for receipt in pending[:10]:
        text = _("🚚 {driver} delivered {kg} from {store} to {place}. Did you receive it?").format(
            driver=escape(receipt.driver_name or "—"),
            kg=formatting.kg(receipt.delivered_kg or 0, locale),
            store=escape(receipt.store_name),
            place=escape(receipt.association_name),
        )
        builder = InlineKeyboardBuilder()
        for action, label in (
            ("ok", _("✅ Received as stated")),
            ("diff", _("⚖️ The quantity differs")),
            ("problem", _("⚠️ A problem")),
        ):
            builder.button(
                text=label, callback_data=ReceiptCb(delivery_id=receipt.delivery_id, action=action)
            )
        builder.adjust(1)
        await message.answer(text, reply_markup=builder.as_markup())


async def settle(
    query: CallbackQuery,
    callback_data: SettleCb,
    identity: Identity,
    session: AsyncSession,
    clock: Clock,
) -> None:
    """A coordinator settles a disputed receipt from the alert's buttons."""
    try:
        result = await settle_receipt(
            session,
            delivery_id=callback_data.delivery_id,
            identity=identity,
            now=clock.now(),
            outcome=callback_data.outcome,
        )
    except DomainError as error:
        await query.answer(explain(error), show_alert=True)
        return
    kg = formatting.kg(result.counted_kg, cards.locale())
    answers = {
        "association": lambda: _("Settled: the association's figure, {kg}, is kept."),
        "driver": lambda: _("Settled: the driver's figure, {kg}, is kept."),
        "lost": lambda: _("Settled: the food is recorded as lost; it leaves the delivered kg."),
    }
    await query.answer(answers[result.settlement]().format(kg=kg), show_alert=True)
    await edit_markup(query.message, None)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(answered, ReceiptCb.filter())
    router.callback_query.register(problem_chosen, ProblemCb.filter())
    router.callback_query.register(settle, SettleCb.filter())
    router.message.register(receipts, F.chat.type == "private", Command("receipts"))
    return router
