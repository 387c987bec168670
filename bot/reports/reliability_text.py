"""Who keeps doing it, in words: the drivers' and stores' figures of a monthly report (the
month, and the last 90 days in brackets), and a driver's figures on their /members page."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.notifications.donations import zero_reason_label
from bot.people.members_view import short
from logistics.reports.reliability import DriverFigures, Reliability, StoreFigures

LINES_SHOWN = 8  # drivers and stores each, heaviest problems first; the files hold them all


def driver_pairs(month: DriverFigures, recent: DriverFigures) -> list[str]:
    """``done 5 (12)``, ``missed 1 (2)``, ...; the 0 kg reasons only when there were any."""
    pairs = [
        _("done {month} ({recent})").format(month=month.done, recent=recent.done),
        _("missed {month} ({recent})").format(month=month.missed, recent=recent.missed),
        _("released late {month} ({recent})").format(
            month=month.released_late, recent=recent.released_late
        ),
    ]
    for reason, count in month.zero.items():
        if count or recent.zero[reason]:
            pairs.append(
                _("0 kg, {reason}: {month} ({recent})").format(
                    reason=zero_reason_label(reason), month=count, recent=recent.zero[reason]
                )
            )
    return pairs


def store_pairs(month: StoreFigures, recent: StoreFigures) -> list[str]:
    return [
        _("announced {month} ({recent})").format(month=month.announced, recent=recent.announced),
        _("cancelled {month} ({recent})").format(month=month.cancelled, recent=recent.cancelled),
        _("“nothing today” {month} ({recent})").format(
            month=month.nothing_today, recent=recent.nothing_today
        ),
        _("missed by drivers {month} ({recent})").format(month=month.missed, recent=recent.missed),
    ]


def person_name(name: str | None) -> str:
    return escape(short(name)) if name else _("erased person")


def _more(lines: list[str], count: int) -> None:
    if count > LINES_SHOWN:
        lines.append(_("… and {count} more").format(count=count - LINES_SHOWN))


def reliability_text(reliability: Reliability, month: str) -> str:
    """The report's section on drivers and stores (HTML), those with most problems first."""
    lines = [
        _("👥 <b>Who keeps doing it</b>: {month}, and in brackets the last 90 days").format(
            month=month
        ),
        "",
        "<b>{}</b>".format(_("Drivers")),
    ]
    antennas = {line.antenna for line in (*reliability.drivers, *reliability.stores)}

    def where(antenna: str) -> str:  # named when the report covers several antennas
        return f" ({escape(short(antenna))})" if len(antennas) > 1 else ""

    for d in reliability.drivers[:LINES_SHOWN]:
        who = person_name(d.name) + where(d.antenna)
        lines.append(f"• {who}: " + " · ".join(driver_pairs(d.month, d.recent)))
    if not reliability.drivers:
        lines.append(_("No pickup taken by a driver."))
    _more(lines, len(reliability.drivers))
    lines += ["", "<b>{}</b>".format(_("Stores"))]
    for s in reliability.stores[:LINES_SHOWN]:
        which = escape(short(s.name)) + where(s.antenna)
        lines.append(f"• {which}: " + " · ".join(store_pairs(s.month, s.recent)))
    if not reliability.stores:
        lines.append(_("No pickup at any store."))
    _more(lines, len(reliability.stores))
    return "\n".join(lines)


def driver_card_lines(month: DriverFigures, recent: DriverFigures) -> list[str]:
    """A driver's figures on their /members page."""
    return [
        _("📊 This month (last 90 days in brackets):"),
        " · ".join(driver_pairs(month, recent)),
    ]
