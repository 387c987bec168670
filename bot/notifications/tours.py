"""What a tour's driver is sent: the tour as one sheet, with the buttons to record each stop
and to unload at the hub (rendered when sent, so it shows the tour as it is then)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.notifications.base import Context, Rendered
from bot.tour_text import sheet_keyboard, tour_text
from logistics.tours.views import tour_view


async def tour_sheet(ctx: Context, payload: dict) -> Rendered | None:
    view = await tour_view(ctx.session, int(payload["tour_id"]))
    if view is None or view.status != "confirmed":
        return None  # cancelled or over meanwhile: nothing to drive

    def render() -> str:
        return (
            _("You drive this tour. Record each stop with its buttons.") + "\n\n" + tour_text(view)
        )

    with ctx.i18n.use_locale(ctx.languages[0]):
        markup = sheet_keyboard(view)
    return Rendered(text=ctx.each(render), reply_markup=markup)


RENDERERS = {"tour_sheet": tour_sheet}
