"""Recall notices: to each place told, with its three answers; the reminder; and the
coordinators told of a place that has not answered. Each says nothing (None) once answered."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import RecallAnswerCb
from bot.notifications.base import Context, Rendered
from bot.safety.recall_text import ANSWER_LABELS, notice_text, view_what
from logistics.errors import NotFound
from logistics.safety.recall_views import NoticeLine, RecallView, notice_view


async def _open(ctx: Context, payload: dict) -> tuple[RecallView, NoticeLine] | None:
    try:
        view, line = await notice_view(ctx.session, int(payload["notice_id"]))
    except NotFound:
        return None
    return None if line.answered_at is not None else (view, line)


def _answers(ctx: Context, notice_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for answer, msgid in ANSWER_LABELS.items():
        builder.button(
            text=ctx.label(msgid), callback_data=RecallAnswerCb(notice_id=notice_id, answer=answer)
        )
    builder.adjust(1)
    return builder.as_markup()


async def recall_notice(ctx: Context, payload: dict) -> Rendered | None:
    found = await _open(ctx, payload)
    if found is None:
        return None
    view, line = found
    return Rendered(
        text=ctx.each(lambda: notice_text(view, line)),
        reply_markup=_answers(ctx, line.notice_id),
    )


async def recall_reminder(ctx: Context, payload: dict) -> Rendered | None:
    found = await _open(ctx, payload)
    if found is None:
        return None
    view, line = found
    return Rendered(
        text=ctx.each(
            lambda: (
                _("⏰ Reminder: this recall is still waiting for your answer.")
                + "\n\n"
                + notice_text(view, line)
            )
        ),
        reply_markup=_answers(ctx, line.notice_id),
    )


async def recall_overdue(ctx: Context, payload: dict) -> Rendered | None:
    found = await _open(ctx, payload)
    if found is None:
        return None
    view, line = found
    return Rendered(
        text=ctx.each(
            lambda: (
                _(
                    "⚠️ {place} has still not answered recall #{id}, after a reminder. "
                    "Please call them."
                ).format(place=escape(line.place), id=view.id)
                + "\n\n"
                + view_what(view)
            )
        )
    )


RENDERERS = {
    "recall_notice": recall_notice,
    "recall_reminder": recall_reminder,
    "recall_overdue": recall_overdue,
}
