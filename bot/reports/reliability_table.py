"""The reliability sheet of a monthly report's files: one row per driver or store and period
(the month, the last 90 days); a figure that does not apply to the kind is left empty."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import N_
from logistics.reports.monthly import Report
from logistics.reports.reliability import DriverFigures, StoreFigures

KIND_DRIVER, KIND_STORE = N_("driver"), N_("store")
HEADERS = (
    N_("Antenna"),
    N_("Type"),
    N_("Name"),
    N_("Period"),
    N_("Pickups done"),
    N_("Pickups missed"),
    N_("Released late"),
    N_("0 kg: no food on arrival"),
    N_("0 kg: store closed"),
    N_("0 kg: the pickup did not happen"),
    N_("Pickups announced"),
    N_("Pickups cancelled"),
    N_("“Nothing today”"),
)


def _driver(f: DriverFigures) -> tuple:
    return (f.done, f.missed, f.released_late, *f.zero.values(), None, None, None)


def _store(f: StoreFigures) -> tuple:
    """Missed by drivers in the drivers' column; done, late and 0 kg are the drivers'."""
    return (None, f.missed, None, None, None, None, f.announced, f.cancelled, f.nothing_today)


def reliability_table(
    report: Report, t: Callable[[str], str], month: str
) -> tuple[str, list[str], list[list]]:
    """Title, headers and rows in the language of ``t``; ``month`` names the month."""
    recent = t(N_("last 90 days"))
    rows = []
    for d in report.reliability.drivers:
        name = d.name or t(N_("erased person"))
        for period, figures in ((month, d.month), (recent, d.recent)):
            rows.append([d.antenna, t(KIND_DRIVER), name, period, *_driver(figures)])
    for s in report.reliability.stores:
        for period, figures in ((month, s.month), (recent, s.recent)):
            rows.append([s.antenna, t(KIND_STORE), s.name, period, *_store(figures)])
    return t(N_("Reliability")), [t(h) for h in HEADERS], rows
