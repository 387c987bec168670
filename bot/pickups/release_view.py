"""What a person sees when giving a pickup back: the question, its buttons, the outcome,
and the reasons of a late release in words."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import cards
from bot.callbacks import ReleaseAnswerCb
from bot.i18n import N_
from logistics.pickups.release import ReleaseQuestion
from logistics.pickups.views import DonationView

REASONS = {  # the button, and the reason as the alert says it
    "ill": (N_("🤒 I am ill"), N_("ill")),
    "vehicle": (N_("🚐 Vehicle problem"), N_("a vehicle problem")),
    "busy": (N_("📅 Another commitment"), N_("another commitment")),
    "other": (N_("✏️ Another reason"), N_("another reason")),
}


def reason_label(reason: str | None) -> str:
    """The reason given for a late release, as the alert says it ("—" when none was)."""
    return _(REASONS[reason][1]) if reason in REASONS else "—"


def question_text(view: DonationView, question: ReleaseQuestion) -> str:
    if question.holder_name is None:
        ask = _("↩️ Give this pickup back?")
    else:
        ask = _("↩️ Release the pickup {driver} holds?").format(driver=escape(question.holder_name))
    if question.late:
        ask += "\n" + _(
            "It is less than 24 hours before: the group and the coordinators are told. "
            "Why is it given back?"
        )
    else:
        ask += "\n" + _("It will be offered to the other drivers.")
    return cards.card_text(view) + "\n\n" + ask


def question_keyboard(question: ReleaseQuestion) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    donation_id = question.donation_id
    if question.late:
        for reason, (button, _said) in REASONS.items():
            builder.button(
                text=_(button),
                callback_data=ReleaseAnswerCb(donation_id=donation_id, answer=reason),
            )
    else:
        builder.button(
            text=_("✅ Yes, give it back"),
            callback_data=ReleaseAnswerCb(donation_id=donation_id, answer="yes"),
        )
    builder.button(
        text=_("🙅 No, keep it"),
        callback_data=ReleaseAnswerCb(donation_id=donation_id, answer="keep"),
    )
    builder.adjust(2 if question.late else 1)
    return builder.as_markup()


def released_text(view: DonationView, late: bool) -> str:
    said = _("↩️ Given back: the pickup at {store} is offered to the other drivers.").format(
        store=escape(view.store_name)
    )
    if late:
        said += "\n" + _("Less than 24 hours before: the group and the coordinators are told.")
    return said + "\n" + cards.window_line(view)
