"""What coordinators are told about the people of their antenna."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.notifications.base import Context, Rendered
from storage.models import Member


async def member_unreachable(ctx: Context, payload: dict) -> Rendered | None:
    """The coordinators learn that the bot can no longer write to someone."""
    member = await ctx.session.get(Member, int(payload["member_id"]))
    if member is None or not member.unreachable:
        return None  # reachable again meanwhile
    name = escape(member.name or "—")

    def render() -> str:
        return _(
            "⚠️ {name} blocked the bot or left Telegram: the bot can no longer write to them."
        ).format(name=name)

    return Rendered(text=ctx.each(render))


RENDERERS = {
    "member_unreachable": member_unreachable,
}
