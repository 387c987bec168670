"""Every callback-data factory of the bot: short prefixes, typed fields, ids never names.

Telegram refuses callback data over 64 bytes; tests pack the longest value of each factory.

Every id is bounded to the range of the database's integer keys: a forged button with an id
outside it does not unpack, matches no handler, and is told the button is no longer valid.
"""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

MAX_ID = 2**31 - 1  # the largest key of an INTEGER column (PostgreSQL's int4)

RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""The id of a row: never zero, never past the column's range."""

RowIdOrZero = Annotated[int, Field(ge=0, le=MAX_ID)]
"""The id of a row, or 0 for "none chosen"."""


class LanguageCb(CallbackData, prefix="lg"):
    """Choose the language of the bot (``fr`` or ``nl``)."""

    code: str


class ClaimCb(CallbackData, prefix="cl"):
    """Claim a pickup (from the group card, an offer or /runs)."""

    donation_id: RowId


class ReleaseCb(CallbackData, prefix="rl"):
    """Release one's claim on a pickup."""

    donation_id: RowId


class PickupCb(CallbackData, prefix="pu"):
    """Record the pickup: ``as_announced``, ``total`` (ask kg), ``zero`` (ask reason)."""

    donation_id: RowId
    action: str


class ZeroCb(CallbackData, prefix="pz"):
    """Why nothing was collected: one of the zero reasons."""

    donation_id: RowId
    reason: str


class DeliverCb(CallbackData, prefix="dl"):
    """Record a delivery stop: ``planned`` (as planned) or ``kg`` (ask the real kg)."""

    delivery_id: RowId
    action: str


class ReceiptCb(CallbackData, prefix="rc"):
    """An association's answer: ``ok``, ``diff`` (ask kg), ``problem`` (choose which)."""

    delivery_id: RowId
    action: str


class ProblemCb(CallbackData, prefix="rp"):
    """Which problem a receipt has."""

    delivery_id: RowId
    problem: str


class AnnounceCb(CallbackData, prefix="an"):
    """The store's answer to the echo of an announcement: ``ok``, ``edit``, ``cancel``."""

    action: str


class CategoryCb(CallbackData, prefix="ct"):
    """A category chosen in the guided announcement."""

    category_id: RowId


class UnitCb(CallbackData, prefix="gu"):
    """The unit of the chosen category in the guided announcement: ``kg``, ``crate``, ``piece``."""

    unit: str


class QuantityCb(CallbackData, prefix="gq"):
    """A quantity tapped in the guided announcement; 0 means "another number" (typed)."""

    amount: int


class ItemsDoneCb(CallbackData, prefix="gd"):
    """The "That's all" button of the guided announcement: on to the pickup window."""


class WindowCb(CallbackData, prefix="gw"):
    """The pickup window of the guided announcement: ``usual``, ``evening`` or ``other``."""

    choice: str


class StoreCb(CallbackData, prefix="so"):
    """Which of their stores a manager announces for."""

    store_id: RowId


class RouteCb(CallbackData, prefix="ro"):
    """A coordinator's destination choice: ``kind`` a (association), h (hub), m (menu),
    r (back to the antenna's rule); ``place_id`` 0 when not a place."""

    donation_id: RowId
    kind: str
    place_id: RowIdOrZero = 0


class SlotCb(CallbackData, prefix="sl"):
    """A store's answer to a recurring pickup's question: ``none`` (nothing today) or ``qty``."""

    donation_id: RowId
    action: str


class WeeklySlotCb(CallbackData, prefix="ws"):
    """A weekly slot in /slots: ``h`` hold it every week, ``d`` stop holding, ``r`` remove it."""

    store_id: RowId
    slot_id: RowId
    action: str


class AddSlotsCb(CallbackData, prefix="wa"):
    """A coordinator adds weekly slots to a store (the days and window are then typed)."""

    store_id: RowId


class MissedCb(CallbackData, prefix="mc"):
    """The driver's answer to "did the pickup happen?": ``got`` (collected, record the weight),
    ``none`` (no food on arrival), ``no`` (did not go)."""

    donation_id: RowId
    action: str


class InviteCb(CallbackData, prefix="iv"):
    """/invite, step by step: the antenna, then the role (``-`` not chosen yet), then the store
    or association (``place_id`` 0 not chosen yet)."""

    antenna_id: RowId
    role: str = "-"
    place_id: RowIdOrZero = 0


class ApprovalCb(CallbackData, prefix="ap"):
    """A coordinator's answer to a driver waiting to join: ``y`` approve, ``n`` reject."""

    membership_id: RowId
    action: str


class MembersCb(CallbackData, prefix="ms"):
    """A page of /members for one antenna."""

    antenna_id: RowId
    page: int = 0


class MemberCb(CallbackData, prefix="mm"):
    """One person in /members: ``v`` view, ``s`` suspend, ``a`` reactivate, ``r`` remove (asks),
    ``R`` remove (confirmed), ``c`` change role (``role``, then ``place_id`` where needed)."""

    membership_id: RowId
    action: str
    role: str = "-"
    place_id: RowIdOrZero = 0


class LinkGroupCb(CallbackData, prefix="lk"):
    """/linkgroup in a group, for a coordinator of several antennas: which one."""

    antenna_id: RowId


class JoinCb(CallbackData, prefix="jn"):
    """A driver joining: ``cold`` / ``dry`` (refrigerated vehicle or not), ``skip`` (no phone)."""

    answer: str


class ForgetCb(CallbackData, prefix="fg"):
    """/forgetme: ``yes`` erases the person's data, ``no`` cancels; ``code`` is the one of
    the question asked (see ``logistics.people.erasure_request``)."""

    action: str
    code: str = ""


class HistoryCb(CallbackData, prefix="hi"):
    """/history: the history of one pickup, chosen from the recent ones."""

    donation_id: RowId


class AntennaCb(CallbackData, prefix="ae"):
    """/antenna: a coordinator changes a setting: ``rs`` run-sheet time, ``sm`` summary time
    (then typed), or the group's languages ``fr``, ``nl``, ``fn`` (both)."""

    antenna_id: RowId
    action: str


class SettleCb(CallbackData, prefix="st"):
    """A coordinator settles a disputed receipt: ``association`` (its figure), ``driver``
    (the driver's figure) or ``lost`` (the food is recorded as lost)."""

    delivery_id: RowId
    outcome: str


class StoreItemsCb(CallbackData, prefix="sq"):
    """A store manager changes the quantities of their open pickup (typed, then echoed)."""

    donation_id: RowId


class StoreWindowCb(CallbackData, prefix="sw"):
    """A store manager changes the window of their open pickup (then typed)."""

    donation_id: RowId


class StoreCancelCb(CallbackData, prefix="sx"):
    """A store manager cancels their pickup: ``step`` 0 asks, 1 cancels it, 2 keeps it."""

    donation_id: RowId
    step: int = 0


class LineCb(CallbackData, prefix="ln"):
    """A line of an announcement's echo that was not understood (``line``, its place among
    the parts not understood; ``check``, a check of its text): ``step`` 0 shows the
    categories, 1 files it under ``category_id``, 2 drops it, 3 goes back to the echo."""

    line: int
    check: int
    step: int
    category_id: RowIdOrZero = 0


class ReleaseAnswerCb(CallbackData, prefix="ry"):
    """The answer to "give this pickup back?": ``yes``; under 24 hours before its window, the
    reason instead (``ill``, ``vehicle``, ``busy``, ``other``); or ``keep`` (it stays taken)."""

    donation_id: RowId
    answer: str


class DistributionCb(CallbackData, prefix="dd"):
    """/antenna: a coordinator's distribution days of the associations. With
    ``association_id`` 0, the antenna's associations; else that association's days, and
    ``weekday`` 0 (Monday) to 6 toggles that day (-1 only shows them)."""

    antenna_id: RowIdOrZero = 0
    association_id: RowIdOrZero = 0
    weekday: int = -1


class RecallStepCb(CallbackData, prefix="rf"):
    """A step of the /recall flow, in the presser's own conversation: ``store`` (its id),
    ``cat`` (a category id), ``days`` (1 today, 3 or 7 the last days, 0 typed), ``lot`` (0: no
    lot), then ``ok`` (send the recall) or ``no`` (cancel it)."""

    step: str
    value: RowIdOrZero = 0


class RecallMenuCb(CallbackData, prefix="rm"):
    """/recall's list: ``new`` starts a recall; ``report`` sends the report of ``recall_id``."""

    action: str
    recall_id: RowIdOrZero = 0


class RecallAnswerCb(CallbackData, prefix="ra"):
    """A place's answer to a recall notice: ``seen``, ``distributed`` or ``set_aside``."""

    notice_id: RowId
    answer: str


class DateCb(CallbackData, prefix="dt"):
    """The date of an item of an announcement's echo (``item``, its place among the items;
    ``check``, a check of the item): ``days`` 0 to 3 sets today + days, 4 asks for another
    date (then typed), 5 removes the item."""

    item: int
    check: int
    days: int


class TourPlanCb(CallbackData, prefix="tp"):
    """/tours: propose the tour of ``vehicle_id`` for today (``day`` 0) or tomorrow (1): the
    evening's collection (``kind`` "c") or the distribution of its hub's stock ("d")."""

    vehicle_id: RowId
    day: int = 0
    kind: str = "c"


class TourCb(CallbackData, prefix="tr"):
    """A tour: ``show`` it, ``replan`` a proposal, ``drivers`` to confirm it with, ``sheet``
    (the driver's sheet, shown again), ``unload`` (everything collected is in the hub)."""

    tour_id: RowId
    action: str


class TourStopCb(CallbackData, prefix="ts"):
    """A stop of a proposed tour: ``up``, ``down`` or ``remove``."""

    stop_id: RowId
    move: str


class TourDriverCb(CallbackData, prefix="td"):
    """Confirm the tour with this driver."""

    tour_id: RowId
    member_id: RowId


class TourDeliverCb(CallbackData, prefix="tv"):
    """A distribution stop recorded by its driver: ``done`` (delivered) or ``nothing``."""

    stop_id: RowId
    action: str


StockPage = Annotated[int, Field(ge=0, le=999)]
"""A page of a hub's stock, from 0 (a forged page past the last shows the last)."""


class StockCb(CallbackData, prefix="sk"):
    """/stock: a page of one hub's stock (also the way back from a lot, leaving any typed
    step about it)."""

    hub_id: RowId
    page: StockPage = 0


class StockLotCb(CallbackData, prefix="sa"):
    """A lot of /stock: ``v`` shows it and what can be done, ``l`` a loss (its reason is
    chosen next), ``c`` a count (the kg counted are then typed); ``page`` is the stock's page
    to come back to."""

    lot_id: RowId
    action: str = "v"
    page: StockPage = 0


class StockLossCb(CallbackData, prefix="sz"):
    """A loss from a lot of /stock for a ``reason`` (``past_date``, ``damaged``,
    ``cold_chain``): ``amount`` ``-`` asks how much, ``all`` records all that is left of the
    lot, ``kg`` asks for the kg (then typed)."""

    lot_id: RowId
    reason: str
    amount: str = "-"
    page: StockPage = 0


class VehiclesCb(CallbackData, prefix="vs"):
    """/antenna: the antenna's vehicles, for its coordinators."""

    antenna_id: RowId


class VehicleCb(CallbackData, prefix="vc"):
    """A vehicle of /antenna: ``v`` shows it, ``r`` switches refrigerated on or off, ``a``
    takes it out of use or puts it back, ``h`` lists the hubs to choose its home hub from,
    ``c`` asks for its capacity (then typed in kg)."""

    vehicle_id: RowId
    action: str = "v"


class VehicleHubCb(CallbackData, prefix="vb"):
    """The home hub chosen for a vehicle, among its antenna's hubs."""

    vehicle_id: RowId
    hub_id: RowId
