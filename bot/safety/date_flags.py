"""What the dates on food and the cold chain say about a stop, in words: food to hand out on
the day it is received (its use-by day), chilled food not to be handed out after a too-warm
receipt. Shown on the card, the driver's panel, the run sheet and to the association."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from logistics.pickups.views import DonationView, StopView


def _name(item) -> str:
    return item.name_fr if I18n.get_current().current_locale == "fr" else item.name_nl


def today_line(view: DonationView, stop: StopView) -> str | None:
    """ "To hand out today" with the items received on their use-by day, else None."""
    items = view.to_distribute_today(stop)
    if stop.chilled_withheld_at is not None:  # withheld food is not handed out at all
        items = tuple(i for i in items if i.cold_chain == "ambient")
    if not items:
        return None
    names = ", ".join(dict.fromkeys(escape(_name(i)) for i in items))
    return _("⏰ {items}: to hand out today (use-by date)").format(items=names)


def withheld_line(view: DonationView, stop: StopView) -> str | None:
    """After a too-warm receipt: its chilled and frozen food must not be handed out."""
    if stop.chilled_withheld_at is None:
        return None
    cold = [i for i in view.items if i.cold_chain != "ambient"]
    if not cold:
        return _("🚫 Chilled food: do not hand out (it came too warm)")
    names = ", ".join(dict.fromkeys(escape(_name(i)) for i in cold))
    return _("🚫 {items}: do not hand out (it came too warm)").format(items=names)


def stop_notes(view: DonationView, stop: StopView) -> list[str]:
    return [line for line in (today_line(view, stop), withheld_line(view, stop)) if line]
