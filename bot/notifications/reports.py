"""The weekly chart sent to coordinators next to the evening summary, as a picture."""

from __future__ import annotations

from datetime import date

from bot.notifications.base import Context, Rendered
from bot.reports.charts import render_week_png
from bot.reports.text import chart_caption, chart_labels
from logistics.broadcasts.weekly import SUMMARY_CHART, antenna_week_chart
from storage.models import Antenna


async def summary_chart(ctx: Context, payload: dict) -> Rendered | None:
    """The week of the summary's day, drawn in the recipient's (first) language."""
    antenna = await ctx.session.get(Antenna, int(payload["antenna"]))
    if antenna is None:
        return None
    chart = await antenna_week_chart(
        ctx.session, antenna_id=antenna.id, day=date.fromisoformat(payload["day"])
    )
    locale = ctx.languages[0] if ctx.languages else ctx.i18n.default_locale
    with ctx.i18n.use_locale(locale):
        labels = chart_labels(chart.monday)
    photo = await render_week_png(chart, locale, labels)
    caption = ctx.each(lambda: chart_caption(chart.monday, antenna.name))
    return Rendered(text=caption, photo=photo, photo_name=f"{SUMMARY_CHART}-{chart.today}.png")


RENDERERS = {SUMMARY_CHART: summary_chart}
