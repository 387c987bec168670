"""How an opened day of a store's weekly slot is shown before the store gives its quantities.

Such a day has no items yet: it waits for the store's quantities (it may be held by the driver
of the weekly slot), or the store has nothing that day. Once announced it is a pickup like any
other and ``cards.card_text`` shows it.
"""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot import cards
from logistics.pickups.views import DonationView

WAITING = "draft"  # opened, the store has not given its quantities yet
NOTHING_TODAY = "cancelled"


def is_waiting(view: DonationView) -> bool:
    return view.recurring_slot_id is not None and view.status == WAITING


def state_line(view: DonationView) -> str:
    """Where the opened day stands: waiting for the store, or nothing that day."""
    if view.status == NOTHING_TODAY:
        return _("🚫 Nothing today: the store has nothing to give")
    return _("⏳ Waiting for the store's quantities")


def holder_line(view: DonationView) -> str:
    """Who holds the weekly slot, and so gets the pickup once it is announced."""
    if view.slot_holder_name is None:
        return _("🔁 Weekly slot: no driver holds it yet")
    return _("🔁 Weekly slot held by {driver}").format(driver=escape(view.slot_holder_name))


def slot_day_text(view: DonationView) -> str:
    """The card of an opened slot day: the store, the window, its state and its holder."""
    head = f"🛒 <b>{escape(view.store_name)}</b>"
    if view.store_address:
        head += f" — {escape(view.store_address)}"
    head += f" · #{view.id}"
    return "\n".join((head, cards.window_line(view), state_line(view), holder_line(view)))
