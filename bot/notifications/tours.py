"""What a tour's driver is sent: the tour as one sheet, with the buttons to record each stop
and to unload at the hub (rendered when sent, so it shows the tour as it is then)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.notifications.base import Context, Rendered
from bot.tours.distribution_text import (
    distribution_keyboard,
    distribution_sheet_keyboard,
    distribution_text,
    fit,
)
from bot.tours.text import sheet_keyboard, tour_text
from logistics.tours.distribution.access import distribution_tour_row
from logistics.tours.distribution.view import view_of_tour
from logistics.tours.views import tour_view


async def _distribution(ctx: Context, tour_id: int):
    tour = await distribution_tour_row(ctx.session, tour_id)
    return await view_of_tour(ctx.session, tour, now=tour.created_at)


async def tour_sheet(ctx: Context, payload: dict) -> Rendered | None:
    view = await tour_view(ctx.session, int(payload["tour_id"]))
    if view is None or view.status != "confirmed":
        return None  # cancelled or over meanwhile: nothing to drive
    if view.kind == "distribution":
        whole = await _distribution(ctx, view.tour_id)

        def render_distribution() -> str:
            intro = _("You drive this tour. Record each stop with its buttons.")
            return intro + "\n\n" + distribution_text(whole, for_driver=True)

        with ctx.i18n.use_locale(ctx.languages[0]):
            markup = distribution_sheet_keyboard(whole)
        text = ctx.each(render_distribution)
        if len(text) > 4096:
            with ctx.i18n.use_locale(ctx.languages[0]):
                text = fit(render_distribution())
        return Rendered(text=text, reply_markup=markup)

    def render() -> str:
        return (
            _("You drive this tour. Record each stop with its buttons.") + "\n\n" + tour_text(view)
        )

    with ctx.i18n.use_locale(ctx.languages[0]):
        markup = sheet_keyboard(view)
    return Rendered(text=ctx.each(render), reply_markup=markup)


async def distribution_proposal(ctx: Context, payload: dict) -> Rendered | None:
    """A coordinator is told the hub's morning distribution is proposed, to adjust and
    confirm it with the buttons."""
    view = await tour_view(ctx.session, int(payload["tour_id"]))
    if view is None or view.status != "proposed":
        return None  # confirmed or replaced meanwhile: nothing to propose any more
    whole = await _distribution(ctx, view.tour_id)

    def render() -> str:
        intro = _("🌅 The distribution of the hub's stock is proposed: adjust it, then confirm it.")
        return intro + "\n\n" + distribution_text(whole)

    with ctx.i18n.use_locale(ctx.languages[0]):
        markup = distribution_keyboard(whole)
    text = ctx.each(render)
    if len(text) > 4096:  # both languages would not fit: the first one
        with ctx.i18n.use_locale(ctx.languages[0]):
            text = fit(render())
    return Rendered(text=text, reply_markup=markup)


RENDERERS = {"tour_sheet": tour_sheet, "distribution_proposal": distribution_proposal}
