"""The weekly chart as a PNG: kg collected per day by category, last week's totals beside.

Drawn with matplotlib's object API (``Figure`` with the Agg canvas, no pyplot): no display,
no global state, safe in a worker thread. Sized for a phone: 1200 x 800 pixels, large type.
Rendering is CPU work: ``render_week_png`` runs it off the event loop.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

from babel.dates import format_date
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.i18n import BABEL_LOCALES, DEFAULT_LOCALE
from logistics.weekly import WeekChart

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
MAX_SERIES = len(COLOURS)  # the lightest categories beyond it are drawn as one


@dataclass(frozen=True)
class ChartLabels:
    """The words of the chart, already in the reader's language."""

    title: str
    axis: str  # the vertical axis: kg
    last_week: str
    others: str
    empty: str  # shown when the week has nothing yet


def _series(chart: WeekChart, locale: str, others: str) -> list[tuple[str, tuple[float, ...]]]:
    named = [(c.name(locale), c.kg) for c in chart.categories]
    if len(named) <= MAX_SERIES:
        return named
    rest = named[MAX_SERIES - 1 :]
    merged = tuple(sum(kg[i] for _, kg in rest) for i in range(7))
    return [*named[: MAX_SERIES - 1], (others, merged)]


def week_png(chart: WeekChart, locale: str, labels: ChartLabels) -> bytes:
    """The chart as PNG bytes (blocking: see ``render_week_png``)."""
    babel = BABEL_LOCALES.get(locale, BABEL_LOCALES[DEFAULT_LOCALE])
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    days = [format_date(d, format="EEE d", locale=babel) for d in chart.days]
    positions = list(range(7))
    width = 0.38
    bottom = [0.0] * 7
    series = _series(chart, locale, labels.others)
    for n, (name, kg) in enumerate(series):
        colour = OTHERS if name == labels.others and n == MAX_SERIES - 1 else COLOURS[n]
        axes.bar(
            [p + width / 2 for p in positions], kg, width, bottom=bottom, label=name, color=colour
        )
        bottom = [b + k for b, k in zip(bottom, kg, strict=True)]
    axes.bar(
        [p - width / 2 for p in positions],
        chart.last_week,
        width,
        label=labels.last_week,
        color="white",
        edgecolor="#616161",
        hatch="//",
        linewidth=1.5,
    )
    axes.set_xticks(positions, days, fontsize=18)
    axes.tick_params(axis="y", labelsize=16)
    axes.set_ylabel(labels.axis, fontsize=18)
    axes.set_title(labels.title, fontsize=22, pad=16)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    if not series and not any(chart.last_week):
        axes.set_ylim(0, 1)
        axes.text(3, 0.5, labels.empty, ha="center", va="center", fontsize=22, color="#616161")
    axes.legend(
        fontsize=15, loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False, ncols=4
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


async def render_week_png(chart: WeekChart, locale: str, labels: ChartLabels) -> bytes:
    """The chart drawn in a worker thread, leaving the event loop free."""
    return await asyncio.to_thread(week_png, chart, locale, labels)
