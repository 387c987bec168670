"""The echo of an announcement: what the bot understood, what it did not, and its buttons
(confirm, correct, cancel, and per line not understood: its kind of food, or drop it)."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards, formatting
from bot.callbacks import AnnounceCb, DateCb, LineCb
from bot.i18n import N_
from bot.refusals import out_of_date_line, parse_problem, remove_or_date
from logistics.announcements.announce import Draft
from logistics.announcements.announce_dates import item_check, refused_items, waiting_item
from logistics.announcements.announce_lines import line_check, open_lines
from logistics.announcements.drafts import DraftItem

QUOTE_CHARS = 80  # of each part not understood, quoted back
QUOTED_PARTS = 10
LINE_LABEL_CHARS = 28  # of a line not understood, on its button


def example() -> str:
    return _("For example: <code>20 kg bread, 3 crates yoghurt, 12 kg vegetables 18h-19h30</code>")


def render_draft(draft: Draft, tz: str) -> str:
    locale = cards.locale()
    lines = [_("Here is what I understood:")]
    for item in draft.items:
        name = item.name_fr if locale == "fr" else item.name_nl
        amount = cards.quantity(item.quantity, item.unit)
        shown = f"<b>{escape(name)}: {amount}</b>"
        text = escape(_short(item.text))
        line = f"• {text} → {shown}" if item.text else f"• {shown}"  # guided: no text
        if item.unit != "kg":
            if item.estimated_kg is None:
                line += " " + _("(weight unknown)")
            else:
                line += " " + _("(≈ {kg})").format(kg=formatting.kg(item.estimated_kg, locale))
        if cold := cards.cold_label(item.cold_chain):
            line += " " + cold
        if dated := cards.date_label(item.use_by, item.best_before):
            line += " " + dated
        if item.lot:
            line += " " + _("lot {lot}").format(lot=escape(item.lot))
        lines.append(line)
    if not draft.items:
        lines.append(_("• no item with a quantity"))
    if draft.window_start and draft.window_end:
        window = _("🕕 {day}, {start}–{end}").format(
            day=formatting.short_day(draft.window_start, locale, tz),
            start=formatting.hour(draft.window_start, locale, tz),
            end=formatting.hour(draft.window_end, locale, tz),
        )
        if draft.window_source == "default":
            window += " " + _("(your usual window)")
        lines.append(window)
    else:
        lines.append(_("🕕 no time window: please add one, e.g. 18h-19h30"))
    lines.append(_("Total ≈ {kg}").format(kg=formatting.kg(draft.estimated_kg, locale)))
    if draft.not_understood:
        lines.append(_("❓ Not understood: {parts}").format(parts=quoted(draft.not_understood)))
    if draft.dropped:
        lines.append(_("🗑 Left out: {parts}").format(parts=quoted(draft.dropped)))
    if open_lines(draft):
        lines.append(_("For each line below, choose its kind of food or drop it."))
    lines += [f"⚠️ {parse_problem(code)}" for code in dict.fromkeys(draft.problems)]
    lines += date_lines(draft)
    if draft.ready:
        lines.append(_("Is this right?"))
    else:
        lines.append(_("Please send a corrected message.") + "\n" + example())
    return "\n".join(lines)


def item_name(item: DraftItem) -> str:
    """The item as the store wrote it (its kind of food when chosen with buttons), quoted."""
    name = item.name_fr if cards.locale() == "fr" else item.name_nl
    return formatting.quote(escape(_short(item.text or name)), cards.locale())


def date_lines(draft: Draft) -> list[str]:
    """⛔ each item refused for its date; 📅 the question about the first item waiting."""
    if draft.today is None:
        return []
    lines = [out_of_date_line(item) for item in refused_items(draft, draft.today)]
    waiting = waiting_item(draft, draft.today)
    if lines:
        lines.append(remove_or_date())
    elif waiting is not None:
        lines.append(
            _("📅 Which use-by date for {item}? Choose it below.").format(
                item=item_name(draft.items[waiting])
            )
        )
    return lines


DATE_CHOICES = (
    (0, N_("Today")),
    (1, N_("Tomorrow")),
    (2, N_("In 2 days")),
    (3, N_("In 3 days")),
)
OTHER_DATE, REMOVE_ITEM = 4, 5


def date_buttons(builder: InlineKeyboardBuilder, draft: Draft) -> tuple[int, ...]:
    """The date buttons of the first item waiting for its date; the sizes of their rows."""
    if draft.today is None or (n := waiting_item(draft, draft.today)) is None:
        return ()
    check = item_check(draft.items[n])
    for days, label in DATE_CHOICES:
        day = draft.today + timedelta(days=days)
        builder.button(
            text=f"{_(label)} · {day:%d/%m}", callback_data=DateCb(item=n, check=check, days=days)
        )
    other = DateCb(item=n, check=check, days=OTHER_DATE)
    builder.button(text=_("📅 Another date"), callback_data=other)
    remove = DateCb(item=n, check=check, days=REMOVE_ITEM)
    builder.button(text=_("🗑 Remove this line"), callback_data=remove)
    return (2, 2, 2)


def _short(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def quoted(parts: tuple[str, ...]) -> str:
    """The parts not understood, each cut short, so that the echo stays one message."""
    shown = [
        formatting.quote(escape(_short(part)), cards.locale()) for part in parts[:QUOTED_PARTS]
    ]
    if len(parts) > QUOTED_PARTS:
        shown.append("…")
    return ", ".join(shown)


def draft_keyboard(draft: Draft, *, correct: str = "edit"):
    """Confirm, correct, cancel; ``correct`` is "back" for the guided announcement, whose
    correction goes back to its list of items (bot/announcements/guided_correction.py)."""
    builder = InlineKeyboardBuilder()
    lines = open_lines(draft)
    for line in lines:
        text = draft.not_understood[line]
        check = line_check(text)
        label = text if len(text) <= LINE_LABEL_CHARS else text[:LINE_LABEL_CHARS] + "…"
        builder.button(text=f"❓ {label}", callback_data=LineCb(line=line, check=check, step=0))
        builder.button(text=_("🗑 Drop"), callback_data=LineCb(line=line, check=check, step=2))
    dates = date_buttons(builder, draft)
    if draft.ready:
        builder.button(text=_("✅ Confirm"), callback_data=AnnounceCb(action="ok"))
    builder.button(text=_("✏️ Correct"), callback_data=AnnounceCb(action=correct))
    builder.button(text=_("✖️ Cancel"), callback_data=AnnounceCb(action="cancel"))
    builder.adjust(*[2] * len(lines), *dates, 1 if draft.ready else 2, 2)
    return builder.as_markup()
