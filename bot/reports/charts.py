"""The charts as PNG: kg collected per day by category, for the week (last week's totals
beside) with the evening summary, and for the period of a monthly report.

Drawn with matplotlib's object API (``Figure`` with the Agg canvas, no pyplot): no display,
no global state, safe in a worker thread. Sized for a phone: 1200 x 800 pixels, large type.
Axis numbers carry the reader's decimal mark. Rendering is CPU work: ``render_week_png``
and ``render_month_png`` run it off the event loop.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_decimal
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.i18n import BABEL_LOCALES, DEFAULT_LOCALE
from logistics.broadcasts.weekly import CategorySeries, WeekChart
from logistics.reports.month_chart import MonthChart

WIDTH, HEIGHT, DPI = 12, 8, 100  # inches at 100 dpi: 1200 x 800 pixels
COLOURS = (
    "#2e7d32",
    "#1565c0",
    "#f9a825",
    "#c62828",
    "#6a1b9a",
    "#00838f",
    "#ef6c00",
    "#5d4037",
    "#ad1457",
    "#558b2f",
    "#283593",
)
OTHERS = "#9e9e9e"
GREY = "#616161"
FUTURE = "#bdbdbd"  # the days of the current month still to come
BAR = 0.38  # width of a bar beside another
MAX_SERIES = len(COLOURS)  # the lightest categories beyond it are drawn as one


@dataclass(frozen=True)
class ChartLabels:
    """The words of the chart, already in the reader's language."""

    title: str
    axis: str  # the vertical axis: kg
    last_week: str
    others: str
    empty: str  # shown when the week has nothing yet


def _series(
    categories: tuple[CategorySeries, ...], locale: str, others: str
) -> list[tuple[str, tuple[float, ...]]]:
    named = [(c.name(locale), c.kg) for c in categories]
    if len(named) <= MAX_SERIES:
        return named
    rest = named[MAX_SERIES - 1 :]
    merged = tuple(sum(kg[i] for _, kg in rest) for i in range(len(rest[0][1])))
    return [*named[: MAX_SERIES - 1], (others, merged)]


def _babel(locale: str) -> str:
    return BABEL_LOCALES.get(locale, BABEL_LOCALES[DEFAULT_LOCALE])


def _stacked(axes, positions: list[float], series, others: str, width: float) -> bool:
    """The categories stacked on each position; whether anything was drawn."""
    bottom = [0.0] * len(positions)
    for n, (name, kg) in enumerate(series):
        colour = OTHERS if name == others and n == MAX_SERIES - 1 else COLOURS[n]
        axes.bar(positions, kg, width, bottom=bottom, label=name, color=colour)
        bottom = [b + k for b, k in zip(bottom, kg, strict=True)]
    return bool(series)


def _dress(figure: Figure, axes, locale: str, labels: ChartLabels, empty: bool) -> None:
    """Axis, title, grid, legend; numbers with the locale's decimal mark (``2,5``)."""
    babel = _babel(locale)
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _: format_decimal(value, format="#,##0.##", locale=babel))
    )
    axes.tick_params(axis="y", labelsize=16)
    axes.set_ylabel(labels.axis, fontsize=18)
    axes.set_title(labels.title, fontsize=22, pad=16)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    if empty:
        axes.set_ylim(0, 1)
        middle = sum(axes.get_xlim()) / 2
        axes.text(middle, 0.5, labels.empty, ha="center", va="center", fontsize=22, color=GREY)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(
            fontsize=15, loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False, ncols=4
        )
    figure.tight_layout()


def _figure() -> tuple[Figure, object]:
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def week_figure(chart: WeekChart, locale: str, labels: ChartLabels) -> Figure:
    """The week's days, this week's categories stacked beside last week's totals."""
    figure, axes = _figure()
    positions = list(range(7))
    series = _series(chart.categories, locale, labels.others)
    drawn = _stacked(axes, [p + BAR / 2 for p in positions], series, labels.others, BAR)
    axes.bar(
        [p - BAR / 2 for p in positions],
        chart.last_week,
        BAR,
        label=labels.last_week,
        color="white",
        edgecolor=GREY,
        hatch="//",
        linewidth=1.5,
    )
    days = [format_date(d, format="EEE d", locale=_babel(locale)) for d in chart.days]
    axes.set_xticks(positions, days, fontsize=18)
    _dress(figure, axes, locale, labels, not drawn and not any(chart.last_week))
    return figure


def month_figure(chart: MonthChart, locale: str, labels: ChartLabels) -> Figure:
    """Each day of the report's period, the categories stacked; for the current month, the
    days still to come are on the axis, greyed and empty (``labels.last_week`` unused)."""
    figure, axes = _figure()
    month = chart.period.month
    every_day = range(1, month.last.day + 1)
    series = _series(chart.categories, locale, labels.others)
    drawn = _stacked(axes, list(range(len(chart.days))), series, labels.others, 0.75)
    axes.set_xticks(list(range(len(every_day))), [str(d) for d in every_day], fontsize=13)
    for tick in axes.get_xticklabels()[len(chart.days) :]:
        tick.set_color(FUTURE)
    axes.set_xlim(-0.6, len(every_day) - 0.4)
    _dress(figure, axes, locale, labels, not drawn)
    return figure


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def week_png(chart: WeekChart, locale: str, labels: ChartLabels) -> bytes:
    """The chart as PNG bytes (blocking: see ``render_week_png``)."""
    return png(week_figure(chart, locale, labels))


async def render_week_png(chart: WeekChart, locale: str, labels: ChartLabels) -> bytes:
    """The chart drawn in a worker thread, leaving the event loop free."""
    return await asyncio.to_thread(week_png, chart, locale, labels)


async def render_month_png(chart: MonthChart, locale: str, labels: ChartLabels) -> bytes:
    """The month's chart drawn in a worker thread."""
    return await asyncio.to_thread(lambda: png(month_figure(chart, locale, labels)))
