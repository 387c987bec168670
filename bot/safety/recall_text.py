"""How a recall reads, in the current locale: what is recalled, who received it, who answered."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from bot import formatting
from bot.i18n import N_
from bot.refusals import explain, locale
from logistics.errors import DomainError, InvalidInput
from logistics.safety.recall_matches import RecallPlace
from logistics.safety.recall_views import NoticeLine, RecallView

ANSWER_LABELS = {
    "seen": N_("👀 Seen"),
    "distributed": N_("✅ Already distributed"),
    "set_aside": N_("📦 Still in stock: set aside"),
}


def answer_label(answer: str | None) -> str:
    return _(ANSWER_LABELS[answer]) if answer in ANSWER_LABELS else _("⏳ Waiting")


def days_text(first: date, last: date) -> str:
    lc = formatting._babel(locale())
    if first == last:
        return _("on {day}").format(day=format_date(first, format="EEEE d MMMM", locale=lc))
    return _("from {first} to {last}").format(
        first=format_date(first, format="d MMMM", locale=lc),
        last=format_date(last, format="d MMMM yyyy", locale=lc),
    )


def when(instant: datetime | None, tz: str) -> str:
    if instant is None:
        return "—"
    lc = locale()
    return f"{formatting.abbreviated_day(instant, lc, tz)} {formatting.hour(instant, lc, tz)}"


def span(first: datetime | None, last: datetime | None, tz: str) -> str:
    if first is None or last is None or first == last:
        return when(first or last, tz)
    return f"{when(first, tz)} – {when(last, tz)}"


def what_text(
    *,
    product: str | None,
    category: str | None,
    store: str,
    first: date,
    last: date,
    lot: str | None,
) -> str:
    """📣 What is recalled, from which store, received when, and the lot."""
    what = formatting.quote(escape(product), locale()) if product else escape(category or "—")
    text = _("📣 Recall: {what} from {store}, received {days}.").format(
        what=what, store=escape(store), days=days_text(first, last)
    )
    if lot:
        text += "\n" + _("Lot: {lot}").format(lot=escape(lot))
    return text


def category_of(view: RecallView) -> str | None:
    return view.category_nl if locale() == "nl" else view.category_fr


def view_what(view: RecallView) -> str:
    return what_text(
        product=view.product,
        category=category_of(view),
        store=view.store,
        first=view.received_from,
        last=view.received_to,
        lot=view.lot,
    )


def place_line(name: str, kg: float, first: datetime | None, last: datetime | None, tz: str):
    return _("• {place}: {kg}, received {when}").format(
        place=escape(name), kg=formatting.kg(kg, locale()), when=span(first, last, tz)
    )


def preview_text(what: str, places: list[RecallPlace], tz: str) -> str:
    lines = [what, "", _("These places received matching food:")]
    for p in places:
        lines.append(place_line(p.name, p.kg, p.first_received_at, p.last_received_at, tz))
    lines += ["", _("Send the recall to each of them now?")]
    return "\n".join(lines)


def notice_status(line: NoticeLine, tz: str) -> str:
    if line.answered_at is not None:
        return f"{answer_label(line.answer)} ({when(line.answered_at, tz)})"
    if line.escalated_at is not None:
        return _("⏳ Waiting: coordinators told")
    if line.reminded_at is not None:
        return _("⏳ Waiting: reminded")
    return answer_label(None)


def recall_summary(view: RecallView) -> str:
    """A recall in /recall's list: what, then each place with its answer."""
    lines = [
        f"<b>#{view.id}</b> " + view_what(view),
        _("Answered: {answered} of {places}").format(
            answered=view.answered, places=len(view.notices)
        ),
    ]
    for n in view.notices:
        lines.append(
            _("• {place}: {kg}, {status}").format(
                place=escape(n.place),
                kg=formatting.kg(n.kg, locale()),
                status=notice_status(n, view.tz),
            )
        )
    return "\n".join(lines)


def notice_text(view: RecallView, line: NoticeLine) -> str:
    """The notice a place gets: what, how much it received and when, what to do."""
    return "\n".join(
        [
            view_what(view),
            "",
            _("{place} received {kg} of it ({when}).").format(
                place=escape(line.place),
                kg=formatting.kg(line.kg, locale()),
                when=span(line.first_received_at, line.last_received_at, view.tz),
            ),
            _(
                "Do not hand out this food. Set aside what is left and tell us what you did "
                "with one of the buttons."
            ),
        ]
    )


def recall_refusal() -> str:
    return _("Recalls are for the coordinators and store managers of an antenna.")


def recall_problem(error: DomainError) -> str:
    if isinstance(error, InvalidInput) and str(error) == "recall_days":
        return _(
            "I could not read those days. Write one day or two, for example 3/3 or "
            "1/3-5/3, none of them in the future."
        )
    if isinstance(error, InvalidInput) and str(error) == "recall_product":
        return _("Please write the product's name (2 to 200 characters), or tap a category.")
    if isinstance(error, InvalidInput) and str(error) == "recall_lot":
        return _("A lot number has at most 64 characters.")
    return explain(error)


def explain_not_allowed() -> str:
    return _("This is not yours to do: only the people concerned and the coordinators can.")
