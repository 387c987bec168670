"""The guided announcement's items: one tap at a time, a kind of food, its unit, then the
quantity (tapped or typed), until "That's all". The conversation states and the keyboards of
the whole guided announcement are here too. A message typed at the first step is read as a
whole announcement instead.
"""

from __future__ import annotations

from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import cards, formatting
from bot.announcements.surplus_echo import example
from bot.announcements.surplus_reading import written
from bot.callbacks import CategoryCb, ItemsDoneCb, QuantityCb, UnitCb
from bot.telegram.edits import edit_markup
from logistics.announcements import announce_items as rules
from logistics.announcements.announce import load_catalog
from logistics.announcements.parsing.surplus import MAX_ITEMS, MAX_KG, CatalogEntry
from logistics.clock import Clock
from logistics.people.identity import Identity

QUICK_PICKS = {"kg": (5, 10, 20, 50), "crate": (1, 2, 3, 5, 10), "piece": (5, 10, 20, 50)}


class GuidedFlow(StatesGroup):
    category = State()  # data: store_id, items [[category_id, quantity, unit], ...]
    unit = State()  # + category_id
    quantity = State()  # + category_id, unit
    window = State()  # a button, or a time typed


def _name(entry: CatalogEntry) -> str:
    return entry.name_fr if cards.locale() == "fr" else entry.name_nl


async def _entry(session: AsyncSession, category_id: int | None) -> CatalogEntry | None:
    return next((e for e in await load_catalog(session) if e.id == category_id), None)


def _keyboard(buttons: list[tuple[str, CallbackData]], *sizes: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, data in buttons:
        builder.button(text=text, callback_data=data)
    builder.adjust(*sizes)
    return builder.as_markup()


def _categories(catalog: list[CatalogEntry], *, done: bool) -> InlineKeyboardMarkup:
    """Two kinds of food a row; "That's all" on a row of its own once something is in."""
    buttons = [(_name(e), CategoryCb(category_id=e.id)) for e in catalog]
    if done:
        buttons.append((_("✅ That's all"), ItemsDoneCb()))
    return _keyboard(buttons, *[2] * (len(catalog) // 2), 1)


async def ask_category(message: Message, state: FSMContext, session: AsyncSession) -> None:
    """The first question of ``/surplus`` without text, once the store is known."""
    await state.update_data(items=[])
    await state.set_state(GuidedFlow.category)
    text = _("What do you have today? Tap a kind of food.")
    text += "\n" + _("You may also type the whole message instead.") + "\n" + example()
    await message.answer(text, reply_markup=_categories(await load_catalog(session), done=False))


async def _ask_more(
    message: Message, state: FSMContext, session: AsyncSession, items: list, note: str = ""
) -> None:
    await state.set_state(GuidedFlow.category)
    catalog = await load_catalog(session)
    names = {e.id: _name(e) for e in catalog}
    lines = [note, _("So far:")] if note else [_("So far:")]
    lines += [f"• {escape(names[c])}: {cards.quantity(q, unit)}" for c, q, unit in items]
    lines.append(_("Something else? Tap a kind of food, or ✅ That's all."))
    await message.answer("\n".join(lines), reply_markup=_categories(catalog, done=True))


async def _taken(query: CallbackQuery, state: FSMContext) -> dict:
    """A button of the current step was tapped: acknowledge it and take its keyboard away."""
    await query.answer()
    await edit_markup(query.message, None)
    return await state.get_data()


async def typed_first(
    message: Message, state: FSMContext, identity: Identity, session: AsyncSession, clock: Clock
) -> None:
    """A message instead of a button: the whole announcement, unless items are already in."""
    items = (await state.get_data()).get("items")
    if items:
        await _ask_more(message, state, session, items, _("Please use the buttons below."))
    else:
        await written(message, state, identity, session, clock)


async def category_chosen(
    query: CallbackQuery, callback_data: CategoryCb, state: FSMContext, session: AsyncSession
) -> None:
    data = await _taken(query, state)
    entry = await _entry(session, callback_data.category_id)
    if entry is None or len(data["items"]) >= MAX_ITEMS:
        full = _("That is the most for one announcement.") if entry else ""
        await _ask_more(query.message, state, session, data["items"], full)
        return
    await state.update_data(category_id=entry.id)
    units = rules.units_for(entry)
    await state.set_state(GuidedFlow.unit)
    labels = {"kg": _("⚖️ kilograms"), "crate": _("📦 crates"), "piece": _("🔢 pieces")}
    keyboard = _keyboard([(labels[u], UnitCb(unit=u)) for u in units], len(units))
    text = _("<b>{category}</b>: in what unit?").format(category=escape(_name(entry)))
    await query.message.answer(text, reply_markup=keyboard)


async def unit_chosen(
    query: CallbackQuery, callback_data: UnitCb, state: FSMContext, session: AsyncSession
) -> None:
    data = await _taken(query, state)
    entry = await _entry(session, data.get("category_id"))
    if entry is None or callback_data.unit not in rules.units_for(entry):
        await _ask_more(query.message, state, session, data.get("items", []))
        return
    await _ask_quantity(query.message, state, entry, callback_data.unit)


async def _ask_quantity(
    message: Message, state: FSMContext, entry: CatalogEntry, unit: str, note: str = ""
) -> None:
    await state.update_data(unit=unit)
    await state.set_state(GuidedFlow.quantity)
    questions = {
        "kg": lambda: _("<b>{category}</b>: how many kilograms?"),
        "crate": lambda: _("<b>{category}</b>: how many crates?"),
        "piece": lambda: _("<b>{category}</b>: how many pieces?"),
    }
    text = questions[unit]().format(category=escape(_name(entry)))
    text += "\n" + _("Tap a number or type it, for example 12,5.")
    picks = [(str(n), QuantityCb(amount=n)) for n in QUICK_PICKS[unit]]
    keyboard = _keyboard([*picks, (_("✏️ Another number"), QuantityCb(amount=0))], len(picks), 1)
    await message.answer(f"{note}\n{text}" if note else text, reply_markup=keyboard)


async def quantity_tapped(
    query: CallbackQuery, callback_data: QuantityCb, state: FSMContext, session: AsyncSession
) -> None:
    await _taken(query, state)
    if callback_data.amount <= 0:
        await query.message.answer(_("Type the number, for example 12,5."))
    else:
        await _quantity(query.message, state, session, float(callback_data.amount))


async def quantity_typed(message: Message, state: FSMContext, session: AsyncSession) -> None:
    await _quantity(message, state, session, rules.parse_quantity(message.text))


def _quantity_refusal(problem: str) -> str:
    if problem in ("zero_quantity", "negative_quantity"):
        return _("The quantity must be more than 0.")
    if problem == "huge_quantity":
        limit = formatting.number(MAX_KG, cards.locale())
        return _("That is more than {max} kg: please check the number.").format(max=limit)
    return _("Please type a number, for example 12,5.")


async def _quantity(
    message: Message, state: FSMContext, session: AsyncSession, value: float | None
) -> None:
    """Add the item, or say what is wrong with the quantity and ask it again."""
    data = await state.get_data()
    entry = await _entry(session, data.get("category_id"))
    unit = data.get("unit")
    if entry is None or unit is None:  # the step was left meanwhile: back to the items
        await _ask_more(message, state, session, data.get("items", []))
        return
    problem = "invalid_number" if value is None else rules.quantity_problem(entry, value, unit)
    if problem is not None:
        await _ask_quantity(message, state, entry, unit, "⚠️ " + _quantity_refusal(problem))
        return
    items = [*data["items"], [entry.id, value, unit]]
    await state.set_data({"store_id": data["store_id"], "items": items})
    await _ask_more(message, state, session, items)
