"""Every callback-data factory of the bot: short prefixes, typed fields, ids never names.

Telegram refuses callback data over 64 bytes; tests pack the longest value of each factory.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCb(CallbackData, prefix="lg"):
    """Choose the language of the bot (``fr`` or ``nl``)."""

    code: str


class ClaimCb(CallbackData, prefix="cl"):
    """Claim a pickup (from the group card, an offer or /runs)."""

    donation_id: int


class ReleaseCb(CallbackData, prefix="rl"):
    """Release one's claim on a pickup."""

    donation_id: int


class PickupCb(CallbackData, prefix="pu"):
    """Record the pickup: ``as_announced``, ``total`` (ask kg), ``zero`` (ask reason)."""

    donation_id: int
    action: str


class ZeroCb(CallbackData, prefix="pz"):
    """Why nothing was collected: one of the zero reasons."""

    donation_id: int
    reason: str


class DeliverCb(CallbackData, prefix="dl"):
    """Record a delivery stop: ``planned`` (as planned) or ``kg`` (ask the real kg)."""

    delivery_id: int
    action: str


class ReceiptCb(CallbackData, prefix="rc"):
    """An association's answer: ``ok``, ``diff`` (ask kg), ``problem`` (choose which)."""

    delivery_id: int
    action: str


class ProblemCb(CallbackData, prefix="rp"):
    """Which problem a receipt has."""

    delivery_id: int
    problem: str


class AnnounceCb(CallbackData, prefix="an"):
    """The store's answer to the echo of an announcement: ``ok``, ``edit``, ``cancel``."""

    action: str


class CategoryCb(CallbackData, prefix="ct"):
    """A category chosen in the guided announcement."""

    category_id: int


class StoreCb(CallbackData, prefix="so"):
    """Which of their stores a manager announces for."""

    store_id: int
