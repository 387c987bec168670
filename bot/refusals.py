"""Every refusal of a rule, said in the person's language: never a stack trace."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot import formatting
from logistics.errors import (
    AlreadyClaimed,
    AlreadyDone,
    CapReached,
    DomainError,
    DriverComing,
    InvalidInput,
    NeedsRefrigeration,
    NotAllowed,
    NotFound,
    NotOpen,
    NotYetOpen,
    TourClosed,
    WindowPassed,
)
from logistics.safety.food_dates import OutOfDate, PastDate
from logistics.stock.moves import CountChanged, StockShort


def explain(error: DomainError) -> str:
    if isinstance(error, AlreadyClaimed):
        return _("Too late: someone else has already taken this pickup.")
    if isinstance(error, NeedsRefrigeration):
        return _(
            "This pickup has chilled or frozen food: it needs a refrigerated vehicle, "
            "and yours is not registered as one."
        )
    if isinstance(error, CapReached):
        if error.period == "day":
            return _(
                "You already have {count} pickups that day, the antenna's limit. It is lifted "
                "a few hours before the window if nobody else takes it."
            ).format(count=error.limit)
        return _(
            "You already have {count} pickups that week, the antenna's limit. It is lifted "
            "a few hours before the window if nobody else takes it."
        ).format(count=error.limit)
    if isinstance(error, NotYetOpen):
        return _(
            "The pickup window opens {day} at {hour}: the weights can be recorded from then "
            "on, once you are at the store."
        ).format(
            day=formatting.short_day(error.opens_at, locale(), error.tz),
            hour=formatting.hour(error.opens_at, locale(), error.tz),
        )
    if isinstance(error, WindowPassed):
        return _("The pickup window is over.")
    if isinstance(error, DriverComing):
        return _(
            "{driver} has claimed this pickup: its quantities and window can no longer be "
            "changed. You can still cancel it, or agree on it with the driver."
        ).format(driver=error.driver_name or "—")
    if isinstance(error, TourClosed):
        return _("This tour is already {status}: it can no longer be changed.").format(
            status=tour_status_label(error.status)
        )
    if isinstance(error, NotOpen) and error.status == "cancelled":
        return _("This pickup is cancelled: there is nothing to collect.")
    if isinstance(error, NotOpen):
        return _("This pickup can no longer be changed ({status}).").format(
            status=status_label(error.status)
        )
    if isinstance(error, PastDate):
        return "\n".join([*(out_of_date_line(item) for item in error.items), remove_or_date()])
    if isinstance(error, StockShort):
        return stock_short(error.on_hand_kg)
    if isinstance(error, CountChanged):
        return _("Someone moved this lot meanwhile: here is the stock again.")
    if isinstance(error, AlreadyDone):
        return _("This was already recorded.")
    if isinstance(error, NotAllowed):
        return _("This is not yours to do: only the people concerned and the coordinators can.")
    if isinstance(error, NotFound):
        return _("This no longer exists.")
    if isinstance(error, InvalidInput):
        return invalid_input(str(error))
    return _("This cannot be done.")


def out_of_date_line(item: OutOfDate) -> str:
    """⛔ the item and its date: why it may not be given."""
    name = item.name_fr if locale() == "fr" else item.name_nl
    shown = formatting.quote(escape(f"{item.text or name}"[:80]), locale())
    day = f"{item.day:%d/%m/%Y}"
    if item.kind == "use_by":
        return _("⛔ {item}: its use-by date ({date}) is past: it may not be given.").format(
            item=shown, date=day
        )
    if not item.grace_days:
        return _("⛔ {item}: its best-before date ({date}) is past: it may not be given.").format(
            item=shown, date=day
        )
    return _(
        "⛔ {item}: its best-before date ({date}) is past by more than {days} days: it may "
        "not be given."
    ).format(item=shown, date=day, days=item.grace_days)


def stock_short(on_hand_kg: float) -> str:
    """A loss of more than the lot holds."""
    if on_hand_kg < 0.05:
        return _("Nothing of this lot is on hand any more.")
    return _("Only {kg} of it is on hand.").format(kg=formatting.kg(on_hand_kg, locale()))


def remove_or_date() -> str:
    return _("Nothing is announced yet: remove this line or correct its date with the buttons.")


def locale() -> str:
    return I18n.get_current().current_locale


def invalid_input(code: str) -> str:
    messages = {
        "kg_invalid": lambda: _(
            "Please give a weight in kilograms between 0 and 10,000, for example 12,5."
        ),
        "zero_needs_reason": lambda: _("Nothing collected? Please say why with the buttons."),
        "window_past": lambda: _("This pickup window is already over: give a later time."),
        "window_unreadable": lambda: _(
            "I could not read a time window: write only the window, for example "
            "18h-19h30, or demain 18h-19h for tomorrow."
        ),
        "window_other_day": lambda: _(
            "This is a weekly pickup: its window can change within its day only."
        ),
        "date_past": lambda: _("This date is already past: give today's or a later one."),
        "draft_incomplete": lambda: _(
            "Something is missing: at least one item with a quantity, and a time window."
        ),
        "vehicle_without_hub": lambda: _(
            "This vehicle has no home hub: give it one (/antenna, then Vehicles) to plan its tours."
        ),
        "hub_without_coordinates": lambda: _(
            "The hub has no coordinates: add its latitude and longitude to config.toml to plan "
            "tours from it."
        ),
        "tour_empty": lambda: _("There is no stop on this tour: nothing to confirm."),
        "tour_changed": lambda: _(
            "The tour changed meanwhile (a pickup was claimed or changed): here it is again."
        ),
        "capacity_invalid": lambda: _(
            "Please give the capacity in kilograms, above 0 and at most 40,000, for example 1200."
        ),
        "count_unchanged": lambda: _(
            "That is the figure the stock shows already: nothing to correct."
        ),
    }
    return messages.get(code, lambda: _("This value cannot be used."))()


def tour_status_label(status: str) -> str:
    return {
        "proposed": _("proposed"),
        "confirmed": _("confirmed"),
        "done": _("done"),
        "cancelled": _("cancelled"),
    }.get(status, status)


def status_label(status: str) -> str:
    return {
        "announced": _("open"),
        "claimed": _("claimed"),
        "picked_up": _("collected"),
        "delivered": _("delivered"),
        "received": _("received"),
        "cancelled": _("cancelled"),
        "expired": _("expired"),
        "missed": _("missed"),
    }.get(status, status)


def parse_problem(code: str) -> str:
    """What the surplus parser could not accept, in words."""
    messages = {
        "zero_quantity": lambda: _("a quantity of zero was left out"),
        "negative_quantity": lambda: _("a negative quantity was left out"),
        "huge_quantity": lambda: _("an unbelievably large quantity was left out"),
        "invalid_number": lambda: _("a number I cannot read was left out"),
        "quantity_without_category": lambda: _("a quantity without a kind of food was left out"),
        "category_without_quantity": lambda: _(
            "a kind of food without a quantity was left out: say how much"
        ),
        "window_end_before_start": lambda: _("the end of the window is before its start"),
        "several_windows": lambda: _("only the first time window was kept"),
        "unknown_unit": lambda: _(
            "a unit I do not know was left out: use kg, crates, pieces, pallets or litres"
        ),
        "window_past": lambda: _("this time window is already over today"),
        "too_many_items": lambda: _("only the first 30 items were kept"),
        "text_too_long": lambda: _("the message is too long: only its beginning was read"),
    }
    return messages.get(code, lambda: _("something could not be used"))()


def drivers_only() -> str:
    """/runs and /mine asked by someone who neither drives nor coordinates (here or any more)."""
    return _("Pickups are for the drivers and coordinators of an antenna. Ask your coordinator.")


def associations_only() -> str:
    """/receipts asked by someone who neither receives food nor coordinates."""
    return _(
        "Confirming deliveries is for the associations and coordinators of an antenna. "
        "Ask your coordinator."
    )


def stock_only() -> str:
    """/stock and its buttons, for someone who neither staffs that hub nor coordinates it."""
    return _("A hub's stock is for its staff and the coordinators of its antenna.")


def coordinators_only() -> str:
    """/pickups asked by someone who does not coordinate an antenna."""
    return _("The pickups on the way are for the coordinators of an antenna.")
