"""The weekly chart: its figures per local day (across the spring change), the PNG decoded,
its words in each language, and the picture sent to coordinators next to the summary."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import matplotlib.image
from sqlmodel import select

from bot.emulator import _png_size
from bot.i18n import create_i18n
from bot.reports.charts import (
    FUTURE,
    ChartLabels,
    month_figure,
    render_month_png,
    render_week_png,
    week_figure,
    week_png,
)
from bot.reports.text import chart_labels, period_text, report_text
from logistics.broadcasts.weekly import CategorySeries, WeekChart, queue_summary_chart, week_chart
from logistics.clock import FixedClock
from logistics.reports.month_chart import MonthChart, month_chart
from logistics.reports.monthly import Factors, monthly_report
from logistics.reports.periods import Month, month_period
from scheduler.broadcasts import send_summary
from storage.models import Antenna, Outbox
from tests.broadcasts.test_summary import add, one_id
from tests.harness import running_bot

BRUSSELS = ZoneInfo("Europe/Brussels")
FACTORS = Factors(meals_per_kg=2.38, co2e_kg_per_kg=2.5)
CLAIRE, JORIS = 100001, 100002
SUNDAY = date(2026, 3, 29)  # 23 hours long in Brussels: summer time begins at 02:00


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS).astimezone(UTC)


# window start, status, kg by category
ROWS = [
    (local(date(2026, 3, 23), 0, 5), "delivered", {"pain": 4}),  # Monday, first minutes
    (local(date(2026, 3, 24), 19), "received", {"pain": 6, "produits-laitiers": 2.5}),
    (local(date(2026, 3, 24), 20), "missed", {"pain": 50}),  # not collected
    (local(date(2026, 3, 28), 23, 30), "picked_up", {"viande": 3}),  # Saturday late
    (local(SUNDAY, 1, 30), "delivered", {"pain": 1}),  # Sunday before the change
    (local(SUNDAY, 3, 30), "delivered", {"pain": 2}),  # Sunday after the change
    (local(SUNDAY, 23, 55), "delivered", {"pain": 8}),  # Sunday's last minutes
    (local(date(2026, 3, 30), 0, 1), "delivered", {"pain": 100}),  # next Monday
    (local(date(2026, 3, 16), 19), "delivered", {"pain": 10}),  # last week's Monday
    (local(date(2026, 3, 22), 23, 59), "delivered", {"conserves": 7}),  # last week's Sunday
    (local(date(2026, 3, 15), 19), "delivered", {"pain": 1000}),  # two weeks before
]


def expected() -> tuple[dict[str, list[float]], list[float]]:
    monday = date(2026, 3, 23)
    series: dict[str, list[float]] = {}
    last_week = [0.0] * 7
    for start, status, items in ROWS:
        if status == "missed":
            continue
        offset = (start.astimezone(BRUSSELS).date() - monday).days
        for key, kg in items.items():
            if 0 <= offset < 7:
                series.setdefault(key, [0.0] * 7)[offset] += kg
            elif -7 <= offset < 0:
                last_week[offset + 7] += kg
    return series, last_week


async def test_kg_per_local_day_across_the_spring_change(settings, session_factory):
    async with session_factory() as s:
        for start, status, items in ROWS:
            await add(s, "super-flagey", start, status, items)
        await add(s, "super-helmet", local(SUNDAY, 12), "delivered", {"pain": 500})  # elsewhere
        ixelles = await one_id(s, Antenna, "ixelles")
        chart = await week_chart(
            s, antenna_ids=[ixelles], day=date(2026, 3, 26), tz="Europe/Brussels"
        )
    series, last_week = expected()
    assert chart.monday == date(2026, 3, 23)
    assert {c.key: list(c.kg) for c in chart.categories} == series
    assert list(chart.last_week) == last_week
    assert chart.categories[0].key == "pain", "heaviest first"
    assert chart.totals == (4, 8.5, 0, 0, 0, 3, 11)


def sample_chart(categories: int = 3) -> WeekChart:
    series = tuple(
        CategorySeries(
            f"c{i}", f"Catégorie {i}", f"Categorie {i}", tuple(float(i + d) for d in range(7))
        )
        for i in range(categories)
    )
    return WeekChart(date(2026, 3, 9), date(2026, 3, 10), series, (5, 0, 3, 1, 0, 2, 9))


async def test_the_png_decodes_at_phone_size_in_both_languages():
    i18n = create_i18n()
    for locale, words in (("fr", "Semaine précédente"), ("nl", "Vorige week")):
        with i18n.context(), i18n.use_locale(locale):
            labels = chart_labels(date(2026, 3, 9))
        assert labels.last_week == words
        png = await render_week_png(sample_chart(), locale, labels)
        image = matplotlib.image.imread(io.BytesIO(png), format="png")
        assert image.shape[:2] == (800, 1200)
        assert _png_size(png) == (1200, 800)
    assert "9 mars" in chart_labels_in(i18n, "fr").title
    assert "9 maart" in chart_labels_in(i18n, "nl").title
    many = week_png(sample_chart(15), "fr", chart_labels_in(i18n, "fr"))  # lightest merged
    empty = WeekChart(date(2026, 3, 9), date(2026, 3, 9), (), (0,) * 7)
    nothing = week_png(empty, "nl", ChartLabels("t", "kg", "vorige", "overige", "niets"))
    for png in (many, nothing):
        assert _png_size(png) == (1200, 800)


def chart_labels_in(i18n, locale: str) -> ChartLabels:
    with i18n.context(), i18n.use_locale(locale):
        return chart_labels(date(2026, 3, 9))


async def test_the_chart_goes_with_the_evening_summary_once(settings, session_factory, fake_api):
    async with session_factory() as s:
        await add(s, "super-flagey", local(date(2026, 3, 9), 19), "delivered", {"pain": 12})
        await add(s, "super-jourdan", local(date(2026, 3, 10), 8), "received", {"viande": 4})
    woken = []
    evening = FixedClock(datetime(2026, 3, 10, 18, 0, tzinfo=UTC))
    async with session_factory() as s:
        ixelles = await one_id(s, Antenna, "ixelles")
    assert await send_summary(
        session_factory=session_factory,
        clock=evening,
        on_queued=lambda: woken.append(1),
        antenna_id=ixelles,
    )
    async with session_factory() as s:
        assert await queue_summary_chart(s, antenna_id=ixelles, now=evening.now()) == 0
        entries = (await s.exec(select(Outbox).order_by(Outbox.id))).all()
    assert [(e.chat_id, e.payload["kind"]) for e in entries] == [
        (CLAIRE, "summary"),
        (CLAIRE, "summary_chart"),
    ]
    assert entries[1].payload == {"kind": "summary_chart", "antenna": ixelles, "day": "2026-03-10"}
    assert woken
    claire = fake_api.user(CLAIRE, language_code="fr")
    async with running_bot(settings, clock=evening) as app:
        app.dp["outbox"].wake()
        await fake_api.wait_for(method="sendPhoto", chat_id=CLAIRE, timeout=20)
    assert fake_api.refused == []
    assert claire["id"] == CLAIRE
    summary, picture = fake_api.sent(CLAIRE)
    assert "Bilan du mardi 10 mars" in summary["text"]
    assert picture["caption"].startswith("📊 Semaine du 9 mars — Antenne Ixelles-Etterbeek")
    size = picture["photo"][0]
    assert (size["width"], size["height"]) == (1200, 800)
    [upload] = [u for u in fake_api.uploads if u.chat_id == CLAIRE]
    assert matplotlib.image.imread(io.BytesIO(upload.data), format="png").shape[:2] == (800, 1200)
    async with session_factory() as s:
        statuses = (await s.exec(select(Outbox.status))).all()
    assert statuses == ["sent", "sent"]


# --- The monthly report's chart -----------------------------------------------------------

# window start, status, kg by category: March in Brussels, and around it
MARCH = [
    (local(date(2026, 3, 1), 0, 5), "delivered", {"pain": 2.5}),  # the 1st, first minutes
    (local(date(2026, 3, 10), 19), "received", {"pain": 6, "viande": 1.25}),
    (local(date(2026, 3, 10), 20), "missed", {"pain": 50}),  # not collected
    (local(date(2026, 3, 29), 1, 30), "delivered", {"pain": 1}),  # summer time begins
    (local(date(2026, 3, 29), 3, 30), "delivered", {"conserves": 2}),
    (local(date(2026, 3, 31), 23, 55), "picked_up", {"pain": 4}),  # the last minutes
    (local(date(2026, 2, 28), 23, 55), "delivered", {"pain": 100}),  # February
    (local(date(2026, 4, 1), 0, 1), "delivered", {"pain": 100}),  # April
]


def march_per_day(until: int = 31) -> dict[str, list[float]]:
    series: dict[str, list[float]] = {}
    for start, status, items in MARCH:
        day = start.astimezone(BRUSSELS).date()
        if status == "missed" or (day.year, day.month) != (2026, 3) or day.day > until:
            continue
        for key, kg in items.items():
            series.setdefault(key, [0.0] * until)[day.day - 1] += kg
    return series


async def march_report(session_factory, now: datetime):
    async with session_factory() as s:
        for start, status, items in MARCH:
            await add(s, "super-flagey", start, status, items)
        await add(s, "super-helmet", local(date(2026, 3, 3), 12), "delivered", {"pain": 500})
        ixelles = await one_id(s, Antenna, "ixelles")
        report = await monthly_report(
            s, antenna_ids=[ixelles], month=Month(2026, 3), factors=FACTORS, now=now
        )
        chart = await month_chart(
            s, antenna_ids=[ixelles], period=report.period, tz="Europe/Brussels"
        )
    return report, chart


def plotted(figure) -> dict[int, float]:
    """The height of the bars drawn above each day, read back from the figure."""
    [axes] = figure.axes
    heights: dict[int, float] = {}
    for bar in axes.patches:
        day = round(bar.get_x() + bar.get_width() / 2)
        heights[day] = heights.get(day, 0) + bar.get_height()
    return heights


async def test_the_march_report_charts_the_days_of_march(session_factory, settings):
    april = FixedClock(datetime(2026, 4, 2, 8, 0, tzinfo=UTC))
    report, chart = await march_report(session_factory, april.now())
    want = march_per_day()
    assert not report.period.current and report.kg == 16.75
    assert chart.days[0] == date(2026, 3, 1) and chart.days[-1] == date(2026, 3, 31)
    assert {c.key: list(c.kg) for c in chart.categories} == want
    assert chart.categories[0].key == "pain", "heaviest first"
    figure = month_figure(chart, "fr", ChartLabels("t", "kg", "", "Autres", "Rien"))
    [axes] = figure.axes
    assert [t.get_text() for t in axes.get_xticklabels()] == [str(d) for d in range(1, 32)]
    totals = [sum(kg[i] for kg in want.values()) for i in range(31)]
    assert plotted(figure) == {i: kg for i, kg in enumerate(totals)}
    assert totals[9] == 7.25 and totals[28] == 3 and sum(totals) == 16.75
    assert _png_size(await render_month_png(chart, "fr", chart_labels_in(create_i18n(), "fr"))) == (
        1200,
        800,
    )


async def test_the_current_month_runs_to_today(session_factory, settings, now):
    report, chart = await march_report(session_factory, now)  # Tuesday 10 March
    assert (report.period.first, report.period.last) == (date(2026, 3, 1), date(2026, 3, 10))
    assert len(chart.days) == 10
    want = march_per_day(until=10)
    assert {c.key: list(c.kg) for c in chart.categories} == want
    figure = month_figure(chart, "nl", ChartLabels("t", "kg", "", "Overige", "Niets"))
    assert plotted(figure) == {i: sum(kg[i] for kg in want.values()) for i in range(10)}
    ticks = figure.axes[0].get_xticklabels()
    assert len(ticks) == 31, "the days still to come are on the axis, empty"
    greyed = [t.get_text() for t in ticks if t.get_color() == FUTURE]
    assert greyed == [str(d) for d in range(11, 32)]


def header(i18n, report, locale: str) -> str:
    with i18n.context(), i18n.use_locale(locale):
        return report_text(report).splitlines()[0]


async def test_the_header_says_what_the_period_covers(session_factory, settings):
    i18n = create_i18n()
    december = FixedClock(datetime(2026, 12, 3, 18, 0, tzinfo=UTC))
    async with session_factory() as s:
        ixelles = await one_id(s, Antenna, "ixelles")
        reports = {
            month: await monthly_report(
                s, antenna_ids=[ixelles], month=month, factors=FACTORS, now=december.now()
            )
            for month in (Month(2026, 2), Month(2026, 12))
        }
    february, current = reports[Month(2026, 2)], reports[Month(2026, 12)]
    assert header(i18n, february, "fr") == "📈 <b>Rapport de février 2026</b> (1–28 février 2026)"
    assert (
        header(i18n, february, "nl") == "📈 <b>Verslag van februari 2026</b> (1–28 februari 2026)"
    )
    assert header(i18n, current, "fr") == (
        "📈 <b>Rapport de décembre 2026</b> (1–3 décembre 2026, mois en cours)"
    )
    assert header(i18n, current, "nl") == (
        "📈 <b>Verslag van december 2026</b> (1–3 december 2026, lopende maand)"
    )
    first_day = month_period(Month(2026, 12), date(2026, 12, 1))
    in_french = period_text(first_day, "fr", lambda m: i18n.gettext(m, locale="fr"))
    assert in_french == "1 décembre 2026, mois en cours"


def y_labels(figure) -> list[str]:
    figure.canvas.draw()
    [axes] = figure.axes
    return [t.get_text() for t in axes.get_yticklabels()]


def test_axis_numbers_use_the_decimal_comma_in_both_languages():
    month = MonthChart(
        month_period(Month(2026, 3), date(2026, 3, 4)),
        (CategorySeries("pain", "Pain", "Brood", (0.5, 1.25, 0, 2.25)),),
    )
    labels = ChartLabels("t", "kg", "", "o", "e")
    for locale in ("fr", "nl"):
        for figure in (
            month_figure(month, locale, labels),
            week_figure(sample_chart(), locale, labels),
        ):
            formatter = figure.axes[0].yaxis.get_major_formatter()
            assert formatter(2.5) == "2,5" and formatter(1234.5)[-2:] == ",5"
        shown = y_labels(month_figure(month, locale, labels))
        assert "0,5" in shown and "1,5" in shown, shown
        assert not any("." in label for label in shown)
