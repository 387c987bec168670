"""A hub's stock as its staff and coordinators read it: by temperature class, the oldest date
first (first expired, first out), with what passes its date today or tomorrow marked, in pages
that each fit one Telegram message; a lot with what can be done about it (a loss and its
reason, a count); and what a move recorded. Rendered in the current locale, HTML-escaped."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import formatting
from bot.callbacks import StockCb, StockLossCb, StockLotCb
from bot.cards import locale
from logistics.stock.moves import MoveResult
from logistics.stock.views import HubStock, LotLine
from storage.models import LOSS_REASONS

MARKS = {"past": "⛔", "today": "⚠️", "tomorrow": "⏳"}
LOTS_PER_PAGE = 20  # a button each: far from Telegram's 100 buttons per message
PAGE_BUDGET = 3000  # characters of headings and lot lines per page: the hub, the legend, the
# page number and what was just recorded stay well within the rest of Telegram's 4096
LABEL = 40  # characters of what the store wrote, shown beside the category
HUB = 80


def short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lot_name(line: LotLine) -> str:
    """The category in the reader's language and, when it says more, what the store wrote
    (plain text)."""
    name = line.category_fr if locale() == "fr" else line.category_nl
    label = short(line.label, LABEL)
    if label and label.casefold() != name.casefold():
        name += " " + formatting.quote(label, locale())
    return name


def kg(value: float) -> str:
    return formatting.kg(value, locale())


def dates(line: LotLine) -> str:
    """``DLC 12/03`` / ``TGT 12/03``, ``DDM 20/03`` / ``THT 20/03``."""
    parts = []
    if line.use_by is not None:
        parts.append(_("use-by {date}").format(date=f"{line.use_by:%d/%m}"))
    if line.best_before is not None:
        parts.append(_("best-before {date}").format(date=f"{line.best_before:%d/%m}"))
    return " ".join(parts)


def lot_line(number: int, line: LotLine) -> str:
    """``3. ⚠️ Produits laitiers « yaourts » · 12 kg · DLC 10/03 · lot A12``"""
    mark = f"{MARKS[line.due]} " if line.due else ""
    parts = [f"{number}. {mark}{escape(lot_name(line))}", kg(line.on_hand_kg)]
    if dated := dates(line):
        parts.append(dated)
    if line.lot:
        parts.append(_("lot {lot}").format(lot=escape(short(line.lot, 30))))
    return " · ".join(parts)


def cold_heading(cold_chain: str, value: float) -> str:
    if cold_chain == "frozen":
        return _("🧊 <b>Frozen</b>: {kg}").format(kg=kg(value))
    if cold_chain == "chilled":
        return _("❄️ <b>Chilled</b>: {kg}").format(kg=kg(value))
    return _("🥫 <b>Ambient</b>: {kg}").format(kg=kg(value))


def legend(due: str) -> str:
    return {
        "past": lambda: _("⛔ date passed"),
        "today": lambda: _("⚠️ last day today"),
        "tomorrow": lambda: _("⏳ last day tomorrow"),
    }[due]()


def reason_label(reason: str) -> str:
    return {
        "past_date": lambda: _("date passed"),
        "damaged": lambda: _("damaged"),
        "cold_chain": lambda: _("cold chain broken"),
    }[reason]()


def pages(stock: HubStock) -> list[tuple[int, int]]:
    """Where each page starts and ends in the stock's lines: at most ``LOTS_PER_PAGE`` lots
    and ``PAGE_BUDGET`` characters of lines and headings, never a line cut in two."""
    bounds, start, size = [], 0, 0
    for i, line in enumerate(stock.lines):
        cost = len(lot_line(i + 1, line)) + 1
        heading = len(cold_heading(line.cold_chain, stock.kg_of(line.cold_chain))) + 2
        new_class = i == start or line.cold_chain != stock.lines[i - 1].cold_chain
        if i > start and (i - start >= LOTS_PER_PAGE or size + cost + heading > PAGE_BUDGET):
            bounds.append((start, i))
            start, size = i, cost + heading  # a page opens with its class's heading
            continue
        size += cost + (heading if new_class else 0)
    bounds.append((start, len(stock.lines)))
    return bounds


def page_of(stock: HubStock, page: int) -> int:
    """The page asked for, or the nearest one that exists (the stock may have shrunk)."""
    return min(max(page, 0), len(pages(stock)) - 1)


def stock_view(
    stock: HubStock, page: int = 0, done: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the hub's stock, with a button per lot; ``done``: what was just recorded
    (plain text), on top."""
    bounds = pages(stock)
    page = page_of(stock, page)
    start, end = bounds[page]
    lines = [escape(done), ""] if done else []
    hub = escape(short(stock.hub_name, HUB))
    builder = InlineKeyboardBuilder()
    if not stock.lines:
        lines.append(_("📦 <b>Stock of {hub}</b>: nothing on hand.").format(hub=hub))
    else:
        lines.append(_("📦 <b>Stock of {hub}</b>: {kg}").format(hub=hub, kg=kg(stock.total_kg)))
        lines.append(_("Oldest date first: first expired, first out."))
        for i in range(start, end):
            line = stock.lines[i]
            if i == start or line.cold_chain != stock.lines[i - 1].cold_chain:
                lines += ["", cold_heading(line.cold_chain, stock.kg_of(line.cold_chain))]
            lines.append(lot_line(i + 1, line))
            mark = f"{MARKS[line.due]} " if line.due else ""
            builder.button(
                text=f"{mark}{i + 1}",
                callback_data=StockLotCb(lot_id=line.lot_id, page=page),
            )
        shown = {line.due for line in stock.lines[start:end]}
        if marks := [legend(due) for due in MARKS if due in shown]:
            lines += ["", " · ".join(marks)]
        if len(bounds) > 1:
            lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=len(bounds)))
    builder.adjust(5)
    nav = InlineKeyboardBuilder()
    if page > 0:
        nav.button(text="⬅️", callback_data=StockCb(hub_id=stock.hub_id, page=page - 1))
    nav.button(text=_("🔄 Refresh"), callback_data=StockCb(hub_id=stock.hub_id, page=page))
    if page < len(bounds) - 1:
        nav.button(text="➡️", callback_data=StockCb(hub_id=stock.hub_id, page=page + 1))
    builder.attach(nav)
    return "\n".join(lines), builder.as_markup()


def _number(stock: HubStock, line: LotLine) -> int:
    return next(i for i, x in enumerate(stock.lines, start=1) if x.lot_id == line.lot_id)


def _head(stock: HubStock, line: LotLine) -> list[str]:
    hub = escape(short(stock.hub_name, HUB))
    return [_("📦 <b>Stock of {hub}</b>").format(hub=hub), lot_line(_number(stock, line), line)]


def _back_to_stock(builder: InlineKeyboardBuilder, stock: HubStock, page: int) -> None:
    builder.button(text=_("⬅️ Back"), callback_data=StockCb(hub_id=stock.hub_id, page=page))


def lot_view(stock: HubStock, line: LotLine, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """A lot and what can be done about it; one past its date suggests its loss first."""
    lines = _head(stock, line)
    builder = InlineKeyboardBuilder()
    if line.due == "past":
        lines.append(_("⛔ Its date has passed: record it as a loss?"))
        builder.button(
            text=_("🗑 Loss: date passed"),
            callback_data=StockLossCb(lot_id=line.lot_id, reason="past_date", page=page),
        )
        loss = _("🗑 Loss, another reason")
    else:
        if line.due == "today":
            lines.append(_("⚠️ Its last day is today: hand it out first."))
        elif line.due == "tomorrow":
            lines.append(_("⏳ Its last day is tomorrow: hand it out soon."))
        loss = _("🗑 Loss")
    builder.button(text=loss, callback_data=StockLotCb(lot_id=line.lot_id, action="l", page=page))
    builder.button(
        text=_("🔢 Count"), callback_data=StockLotCb(lot_id=line.lot_id, action="c", page=page)
    )
    _back_to_stock(builder, stock, page)
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def reasons_view(stock: HubStock, line: LotLine, page: int) -> tuple[str, InlineKeyboardMarkup]:
    lines = [*_head(stock, line), _("🗑 Why is it lost?")]
    builder = InlineKeyboardBuilder()
    for reason in LOSS_REASONS:
        builder.button(
            text=reason_label(reason).capitalize(),
            callback_data=StockLossCb(lot_id=line.lot_id, reason=reason, page=page),
        )
    builder.button(text=_("⬅️ Back"), callback_data=StockLotCb(lot_id=line.lot_id, page=page))
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def amount_view(
    stock: HubStock, line: LotLine, reason: str, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        *_head(stock, line),
        _("🗑 Loss ({reason}): all of the lot, or part of it?").format(reason=reason_label(reason)),
    ]
    builder = InlineKeyboardBuilder()
    lot = {"lot_id": line.lot_id, "reason": reason, "page": page}
    builder.button(
        text=_("All of it: {kg}").format(kg=kg(line.on_hand_kg)),
        callback_data=StockLossCb(**lot, amount="all"),
    )
    builder.button(
        text=_("Part of it (type the kg)"), callback_data=StockLossCb(**lot, amount="kg")
    )
    builder.button(
        text=_("⬅️ Back"), callback_data=StockLotCb(lot_id=line.lot_id, action="l", page=page)
    )
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def back_markup(stock: HubStock, page: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _back_to_stock(builder, stock, page)
    return builder.as_markup()


def loss_question(stock: HubStock, line: LotLine, reason: str) -> str:
    return "\n".join(
        [
            *_head(stock, line),
            _(
                "🗑 How many kilograms of it are lost ({reason})? Send a number, for example "
                "<code>2,5</code>. /cancel to stop."
            ).format(reason=reason_label(reason)),
        ]
    )


def count_question(stock: HubStock, line: LotLine) -> str:
    return "\n".join(
        [
            *_head(stock, line),
            _(
                "🔢 The stock says {kg}. How many kilograms did you count? Send a number, for "
                "example <code>12,5</code>. /cancel to stop."
            ).format(kg=kg(line.on_hand_kg)),
        ]
    )


def loss_done(line: LotLine, result: MoveResult, reason: str) -> str:
    """What a loss recorded (plain text: shown on a button's notice and above the stock)."""
    return _("🗑 Loss recorded: {kg} of {lot} ({reason}); {left} left.").format(
        kg=kg(result.kg),
        lot=lot_name(line),
        reason=reason_label(reason),
        left=kg(result.on_hand_kg),
    )


def count_done(line: LotLine, result: MoveResult) -> str:
    return _("🔢 Count recorded: {lot} now {kg} (the stock said {seen}).").format(
        lot=lot_name(line), kg=kg(result.on_hand_kg), seen=kg(result.on_hand_kg - result.kg)
    )
