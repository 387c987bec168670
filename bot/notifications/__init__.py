"""The wording of what the bot says on its own: one renderer per outbox ``kind``.

Renderers run when the entry is sent, so they show the current state, in the recipient's
language (a group gets its antenna's languages; a person whose language is unknown, both).
Each module of this package holds the renderers of one part of the work in its ``RENDERERS``;
a new kind of message goes in the module it belongs to, and that module is listed here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram.utils.i18n import I18n
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cards import problem_label
from bot.notifications import (
    daily,
    donations,
    followups,
    food_safety,
    people,
    recalls,
    receipts,
    tours,
)
from bot.notifications import reports as report_notes
from bot.notifications.base import Context, Rendered, languages_of
from bot.notifications.donations import zero_reason_label

Renderer = Callable[[Context, dict], Awaitable[Rendered | None]]

RENDERERS: dict[str, Renderer] = {}
for _module in (
    donations,
    receipts,
    daily,
    people,
    followups,
    report_notes,
    food_safety,
    recalls,
    tours,
):
    assert not RENDERERS.keys() & _module.RENDERERS.keys(), _module.__name__
    RENDERERS.update(_module.RENDERERS)

__all__ = ["RENDERERS", "Context", "Rendered", "problem_label", "render", "zero_reason_label"]


async def render(session: AsyncSession, i18n: I18n, chat_id: int, payload: dict) -> Rendered | None:
    renderer = RENDERERS.get(payload.get("kind", ""))
    if renderer is None:
        raise LookupError(f"no renderer for outbox kind {payload.get('kind')!r}")
    ctx = Context(session, i18n, chat_id, await languages_of(session, chat_id))
    with i18n.context():
        return await renderer(ctx, payload)
