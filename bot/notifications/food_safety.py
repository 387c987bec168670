"""What the coordinators are told when the dates on food leave a pickup without a place: no
association or hub receives it by its use-by date (or best-before date and grace days)."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards, formatting
from bot.callbacks import RouteCb
from bot.i18n import N_
from bot.notifications.base import Context, Rendered, view_of
from logistics.announcements.item_lines import ItemView
from logistics.deliveries.delivery_plans import ROUTE_FOR_DATES
from logistics.deliveries.routing import ROUTABLE


def dated_item(item: ItemView) -> str:
    """``Yaourt (DLC 10 mars)`` / ``Yoghurt (TGT 10 mrt.)``."""
    name = escape(item.name_fr if cards.locale() == "fr" else item.name_nl)
    if item.use_by is not None:
        day = formatting.day_month(item.use_by, cards.locale())
        return _("{name} (use-by {day})").format(name=name, day=day)
    day = formatting.day_month(item.best_before, cards.locale())
    return _("{name} (best-before {day})").format(name=name, day=day)


async def route_for_dates(ctx: Context, payload: dict) -> Rendered | None:
    view = await view_of(ctx, payload)
    if view is None or view.status not in ROUTABLE:
        return None  # delivered or cancelled meanwhile: nothing to choose any more

    def render() -> str:
        dated = [i for i in view.items if i.use_by is not None or i.best_before is not None]
        items = ", ".join(dict.fromkeys(dated_item(i) for i in dated)) or "—"
        head = _(
            "⚠️ No association or hub receives part of this pickup by the date on its food: "
            "{items}. Choose where it goes, or leave it at the store."
        ).format(items=items)
        return head + "\n\n" + cards.card_text(view)

    builder = InlineKeyboardBuilder()
    builder.button(
        text=ctx.label(N_("🔀 Change the destination")),
        callback_data=RouteCb(donation_id=view.id, kind="m"),
    )
    return Rendered(text=ctx.each(render), reply_markup=builder.as_markup())


RENDERERS = {ROUTE_FOR_DATES: route_for_dates}
