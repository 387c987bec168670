"""The words of the monthly report, its chart and the weekly chart, in the current language.

Used by /report, by the evening chart and by ``python -m bot report`` (inside
``i18n.use_locale``), so that the chat and the terminal show the same figures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from babel.dates import format_date
from babel.numbers import format_decimal

from bot import cards, formatting
from bot.i18n import BABEL_LOCALES, DEFAULT_LOCALE, N_
from bot.reports.charts import ChartLabels
from bot.reports.tour_figures_text import tour_lines
from logistics.reports.monthly import DisputeLine, Report
from logistics.reports.periods import Period

LINES_SHOWN = 10  # of each breakdown in the message; the files hold them all
STOCK_NOTE = N_(
    "The same food as the kg collected, on its way through the hub: not added to the tonnage."
)
LOSS_LABELS = {
    "past_date": N_("past its date"),
    "damaged": N_("damaged"),
    "cold_chain": N_("cold chain broken"),
}


def _babel(locale: str) -> str:
    return BABEL_LOCALES.get(locale, BABEL_LOCALES[DEFAULT_LOCALE])


def long_date(day: date, locale: str) -> str:
    """``1 mars 2026`` / ``1 maart 2026``."""
    return format_date(day, format="d MMMM y", locale=_babel(locale))


def month_name(report: Report, locale: str) -> str:
    """``mars 2026`` / ``maart 2026``."""
    return format_date(report.first_day, format="LLLL y", locale=_babel(locale))


def period_text(period: Period, locale: str, gettext: Callable[[str], str]) -> str:
    """``1–28 février 2026``, or ``1–3 décembre 2026, mois en cours`` (``gettext`` in
    ``locale``)."""
    last = long_date(period.last, locale)
    days = last if period.first == period.last else f"{period.first.day}–{last}"
    if not period.current:
        return days
    return gettext(N_("{days}, month in progress")).format(days=days)


def factor(value: float, locale: str) -> str:
    """``2,38``: a conversion factor with its decimals."""
    return format_decimal(value, format="#,##0.###", locale=_babel(locale))


def current_locale() -> str:
    return I18n.get_current().current_locale


def report_text(report: Report) -> str:
    """The report as one message (HTML), the heaviest lines of each breakdown first."""
    lc = current_locale()
    kg = lambda value: formatting.kg(value, lc)  # noqa: E731
    number = lambda value: formatting.number(value, lc)  # noqa: E731
    lines = [
        _("📈 <b>Report for {month}</b> ({period})").format(
            month=month_name(report, lc), period=period_text(report.period, lc, _)
        ),
        "",
        _("Collected: <b>{kg}</b>").format(kg=kg(report.kg)),
        _("≈ {meals} meals · ≈ {co2e} CO2e avoided").format(
            meals=number(round(report.meals)), co2e=kg(round(report.co2e_kg))
        ),
        _("✅ Pickups done: {done} · ❌ missed: {missed} · 🔓 unclaimed: {unclaimed}").format(
            done=report.total("done"),
            missed=report.total("missed"),
            unclaimed=report.total("unclaimed"),
        ),
        _(
            "⚠️ Released late: {late} · 🧾 receipts confirmed: {confirmed}, disputed: {disputed}"
        ).format(
            late=report.total("released_late"),
            confirmed=report.total("confirmed"),
            disputed=report.total("disputed"),
        ),
    ]
    if len(report.antennas) > 1:
        lines += ["", "<b>{}</b>".format(_("By antenna"))]
        lines += [f"• {escape(a.name)}: {kg(a.kg)}" for a in report.antennas]
    sections = (
        ("<b>{}</b>".format(_("By category")), [(c.name(lc), c.kg) for c in report.categories]),
        ("<b>{}</b>".format(_("By store")), [(s.name, s.kg) for s in report.stores]),
        (
            "<b>{}</b>".format(_("By destination")),
            [(d.name, d.delivered_kg) for d in report.destinations],
        ),
    )
    for title, rows in sections:
        if not rows:
            continue
        lines += ["", title]
        lines += [f"• {escape(name)}: {kg(value)}" for name, value in rows[:LINES_SHOWN]]
        if len(rows) > LINES_SHOWN:
            lines.append(_("… and {count} more").format(count=len(rows) - LINES_SHOWN))
    if report.disputes:
        lines += ["", "<b>{}</b>".format(_("Disputed receipts"))]
        lines += [dispute_line(d) for d in report.disputes[:LINES_SHOWN]]
        if len(report.disputes) > LINES_SHOWN:
            lines.append(_("… and {count} more").format(count=len(report.disputes) - LINES_SHOWN))
    lines += stock_lines(report)
    lines += tour_lines(report)
    lines += [
        "",
        _("Factors: {meals} meals and {co2e} kg CO2e per kg (config.toml, [impact]).").format(
            meals=factor(report.factors.meals_per_kg, lc),
            co2e=factor(report.factors.co2e_kg_per_kg, lc),
        ),
    ]
    return "\n".join(lines)


def signed(value: float, locale: str) -> str:
    """``+2,5`` / ``−2,5``: what a count added or found missing."""
    return ("+" if value >= 0 else "−") + formatting.number(abs(value), locale)


def losses_text(lost_kg: dict[str, float], locale: str) -> str:
    """``3 kg (past its date: 2 kg · damaged: 1 kg)``: the reasons that lost something."""
    reasons = [
        _("{reason}: {kg}").format(reason=_(LOSS_LABELS[r]), kg=formatting.kg(kg, locale))
        for r, kg in lost_kg.items()
        if kg
    ]
    total = formatting.kg(sum(lost_kg.values()), locale)
    return f"{total} ({' · '.join(reasons)})" if reasons else total


def stock_lines(report: Report) -> list[str]:
    """A short section per hub that moved stock in the period. Its kg are the food's way
    through the hub, already in the kg collected: said once, above them."""
    moved = [hub for hub in report.hubs if hub.moves]
    if not moved:
        return []
    lc = current_locale()
    lines = [
        "",
        "<b>{}</b>".format(_("Hub stock")),
        f"<i>{_(STOCK_NOTE)}</i>",
    ]
    for hub in moved:
        lines += [
            f"🏬 {escape(hub.hub)}",
            _("• into stock: {kg}").format(kg=formatting.kg(hub.received_kg, lc)),
            _("• out to associations: {kg}").format(kg=formatting.kg(hub.out_kg, lc)),
            _("• lost: {kg}").format(kg=losses_text(hub.lost_kg, lc)),
        ]
        if hub.count_kg:
            count = signed(hub.count_kg, lc) + " kg"
            lines.append(_("• count corrections: {kg}").format(kg=count))
        lines.append(
            _("• on hand on {day}: {kg}").format(
                day=long_date(report.period.last, lc), kg=formatting.kg(hub.on_hand_kg, lc)
            )
        )
    return lines


def dispute_what(dispute: DisputeLine) -> str:
    """The association's side of a dispute: the problem and its reason, or its weight."""
    if dispute.problem:
        return cards.problem_text(dispute.problem, dispute.note)
    return _("{kg} received").format(kg=formatting.kg(dispute.received_kg or 0, current_locale()))


def dispute_outcome(dispute: DisputeLine) -> str:
    return {
        "association": lambda: _("the association's figure kept"),
        "driver": lambda: _("the driver's figure kept"),
        "lost": lambda: _("recorded as lost"),
    }.get(dispute.settlement or "", lambda: _("not settled yet"))()


def dispute_line(dispute: DisputeLine) -> str:
    return _("• #{number} {store} → {place}: {kg} delivered; {what} ({outcome})").format(
        number=dispute.donation_id,
        store=escape(dispute.store),
        place=escape(dispute.destination),
        kg=formatting.kg(dispute.delivered_kg, current_locale()),
        what=dispute_what(dispute),
        outcome=dispute_outcome(dispute),
    )


def chart_labels(monday: date) -> ChartLabels:
    """The chart's words in the current language."""
    lc = current_locale()
    return ChartLabels(
        title=_("kg collected per day — week of {day}").format(
            day=format_date(monday, format="d MMMM", locale=_babel(lc))
        ),
        axis=_("kg collected"),
        last_week=_("Last week"),
        others=_("Other"),
        empty=_("Nothing collected yet"),
    )


def month_chart_labels(report: Report) -> ChartLabels:
    """The words of a report's chart in the current language."""
    return ChartLabels(
        title=_("kg collected per day — {month}").format(
            month=month_name(report, current_locale())
        ),
        axis=_("kg collected"),
        last_week="",
        others=_("Other"),
        empty=_("Nothing collected"),
    )


def month_chart_caption(report: Report, antenna_names: str) -> str:
    lc = current_locale()
    return _("📊 {period} — {antenna}: kg collected per day").format(
        period=period_text(report.period, lc, _), antenna=escape(antenna_names)
    )


def chart_caption(monday: date, antenna_name: str) -> str:
    lc = current_locale()
    return _("📊 Week of {day} — {antenna}: kg per day, against last week").format(
        day=format_date(monday, format="d MMMM", locale=_babel(lc)), antenna=escape(antenna_name)
    )
