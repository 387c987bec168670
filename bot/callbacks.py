"""Every callback-data factory of the bot: short prefixes, typed fields, ids never names.

Telegram refuses callback data over 64 bytes; tests pack the longest value of each factory.
A factory's purpose, or a field's values, is the comment on its line (just above when longer).

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

StockPage = Annotated[int, Field(ge=0, le=999)]
"""A page of a hub's stock, from 0 (a forged page past the last shows the last)."""


# --- People -------------------------------------------------------------------------------
class LanguageCb(CallbackData, prefix="lg"):  # choose the language of the bot
    code: str  # "fr" or "nl"


class JoinCb(CallbackData, prefix="jn"):  # a driver joining
    answer: str  # "cold" / "dry" (refrigerated vehicle or not), "skip" (no phone)


class ForgetCb(CallbackData, prefix="fg"):  # /forgetme
    action: str  # "yes" erases the person's data, "no" cancels
    code: str = ""  # the one of the question asked (see logistics.people.erasure_request)


class InviteCb(CallbackData, prefix="iv"):  # /invite, step by step
    antenna_id: RowId  # first the antenna
    role: str = "-"  # then the role ("-" not chosen yet)
    place_id: RowIdOrZero = 0  # then the store or association (0 not chosen yet)


class ApprovalCb(CallbackData, prefix="ap"):  # a coordinator's answer to a driver waiting to join
    membership_id: RowId
    action: str  # "y" approve, "n" reject


class MembersCb(CallbackData, prefix="ms"):  # a page of /members for one antenna
    antenna_id: RowId
    page: int = 0


class MemberCb(CallbackData, prefix="mm"):  # one person in /members
    membership_id: RowId
    # "v" view, "s" suspend, "a" reactivate, "r" remove (asks), "R" remove (confirmed), "c"
    # change role (role, then place_id where needed)
    action: str
    role: str = "-"
    place_id: RowIdOrZero = 0


# --- The antenna's settings, for its coordinators ------------------------------------------
class LinkGroupCb(CallbackData, prefix="lk"):  # /linkgroup in a group
    antenna_id: RowId  # which one, for a coordinator of several antennas


class AntennaCb(CallbackData, prefix="ae"):  # /antenna: a coordinator changes a setting
    antenna_id: RowId
    # "rs" run-sheet or "sm" summary time (then typed), or group languages "fr", "nl", "fn" (both)
    action: str


class DistributionCb(CallbackData, prefix="dd"):  # /antenna: the associations' distribution days
    antenna_id: RowIdOrZero = 0
    association_id: RowIdOrZero = 0  # 0: the antenna's associations; else that one's days
    weekday: int = -1  # 0 (Monday) to 6 toggles that day (-1 only shows them)


class VehiclesCb(CallbackData, prefix="vs"):  # /antenna: the antenna's vehicles
    antenna_id: RowId


class VehicleCb(CallbackData, prefix="vc"):  # a vehicle of /antenna
    vehicle_id: RowId
    # "v" shows it, "r" switches refrigerated on or off, "a" takes it out of use or puts it back,
    # "h" lists the hubs to choose its home hub from, "c" asks for its capacity (then typed in kg)
    action: str = "v"


class VehicleHubCb(CallbackData, prefix="vb"):  # the home hub chosen for a vehicle
    vehicle_id: RowId
    hub_id: RowId  # among its antenna's hubs


# --- A store's surplus: announced, or on a weekly slot -------------------------------------
class StoreCb(CallbackData, prefix="so"):  # which of their stores a manager announces for
    store_id: RowId


class AnnounceCb(CallbackData, prefix="an"):  # the store's answer to the echo of an announcement
    action: str  # "ok", "edit", "cancel"


class CategoryCb(CallbackData, prefix="ct"):  # a category chosen in the guided announcement
    category_id: RowId


class UnitCb(CallbackData, prefix="gu"):  # the chosen category's unit in the guided announcement
    unit: str  # "kg", "crate", "piece"


class QuantityCb(CallbackData, prefix="gq"):  # a quantity tapped in the guided announcement
    amount: int  # 0 means "another number" (typed)


class ItemsDoneCb(CallbackData, prefix="gd"):
    """The "That's all" button of the guided announcement: on to the pickup window."""


class WindowCb(CallbackData, prefix="gw"):  # the pickup window of the guided announcement
    choice: str  # "usual", "evening" or "other"


class LineCb(CallbackData, prefix="ln"):  # a line of an announcement's echo not understood
    line: int  # its place among the parts not understood
    check: int  # a check of its text
    step: int  # 0 shows the categories, 1 files it, 2 drops it, 3 goes back to the echo
    category_id: RowIdOrZero = 0  # where step 1 files it


class DateCb(CallbackData, prefix="dt"):  # the date of an item of an announcement's echo
    item: int  # its place among the items
    check: int  # a check of the item
    days: int  # 0 to 3 sets today + days, 4 asks for another date (then typed), 5 removes the item


class StoreItemsCb(CallbackData, prefix="sq"):  # a store manager changes the quantities
    donation_id: RowId  # of their open pickup (typed, then echoed)


class StoreWindowCb(CallbackData, prefix="sw"):  # a store manager changes the window
    donation_id: RowId  # of their open pickup (then typed)


class StoreCancelCb(CallbackData, prefix="sx"):  # a store manager cancels their pickup
    donation_id: RowId
    step: int = 0  # 0 asks, 1 cancels it, 2 keeps it


class SlotCb(CallbackData, prefix="sl"):  # a store's answer to a recurring pickup's question
    donation_id: RowId
    action: str  # "none" (nothing today) or "qty"


class WeeklySlotCb(CallbackData, prefix="ws"):  # a weekly slot in /slots
    store_id: RowId
    slot_id: RowId
    action: str  # "h" hold it every week, "d" stop holding, "r" remove it


class AddSlotsCb(CallbackData, prefix="wa"):  # a coordinator adds weekly slots to a store
    store_id: RowId  # the days and window are then typed


# --- Pickups, their deliveries and receipts -----------------------------------------------
class ClaimCb(CallbackData, prefix="cl"):  # claim a pickup (from the group card, an offer or /runs)
    donation_id: RowId


class ReleaseCb(CallbackData, prefix="rl"):  # release one's claim on a pickup
    donation_id: RowId


class ReleaseAnswerCb(CallbackData, prefix="ry"):  # the answer to "give this pickup back?"
    donation_id: RowId
    # "yes"; under 24 hours before its window, the reason instead ("ill", "vehicle", "busy",
    # "other"); or "keep" (it stays taken)
    answer: str


class PickupCb(CallbackData, prefix="pu"):  # record the pickup
    donation_id: RowId
    action: str  # "as_announced", "total" (ask kg), "zero" (ask reason)


class ZeroCb(CallbackData, prefix="pz"):  # why nothing was collected
    donation_id: RowId
    reason: str  # one of the zero reasons


class MissedCb(CallbackData, prefix="mc"):  # the driver's answer to "did the pickup happen?"
    donation_id: RowId
    # "got" (collected, record the weight), "none" (no food on arrival), "no" (did not go)
    action: str


class HistoryCb(CallbackData, prefix="hi"):  # /history: the history of one pickup
    donation_id: RowId  # chosen from the recent ones


class RouteCb(CallbackData, prefix="ro"):  # a coordinator's destination choice
    donation_id: RowId
    kind: str  # "a" (association), "h" (hub), "m" (menu), "r" (back to the antenna's rule)
    place_id: RowIdOrZero = 0  # 0 when not a place


class DeliverCb(CallbackData, prefix="dl"):  # record a delivery stop
    delivery_id: RowId
    action: str  # "planned" (as planned) or "kg" (ask the real kg)


class ReceiptCb(CallbackData, prefix="rc"):  # an association's answer
    delivery_id: RowId
    action: str  # "ok", "diff" (ask kg), "problem" (choose which)


class ProblemCb(CallbackData, prefix="rp"):  # which problem a receipt has
    delivery_id: RowId
    problem: str


class SettleCb(CallbackData, prefix="st"):  # a coordinator settles a disputed receipt
    delivery_id: RowId
    # "association" (its figure), "driver" (the driver's figure), "lost" (food recorded as lost)
    outcome: str


# --- Recalls ------------------------------------------------------------------------------
class RecallMenuCb(CallbackData, prefix="rm"):  # /recall's list
    action: str  # "new" starts a recall; "report" sends the report of recall_id
    recall_id: RowIdOrZero = 0


class RecallStepCb(CallbackData, prefix="rf"):  # a step of /recall, in the presser's own chat
    step: str  # "store", "cat", "days", "lot", then "ok" (send the recall) or "no" (cancel it)
    # store: its id; cat: a category id; days: 1 today, 3 or 7 the last days, 0 typed; lot: 0 none
    value: RowIdOrZero = 0


class RecallAnswerCb(CallbackData, prefix="ra"):  # a place's answer to a recall notice
    notice_id: RowId
    answer: str  # "seen", "distributed" or "set_aside"


# --- Tours --------------------------------------------------------------------------------
class TourPlanCb(CallbackData, prefix="tp"):  # /tours: propose the tour of vehicle_id
    vehicle_id: RowId
    day: int = 0  # for today (0) or tomorrow (1)
    kind: str = "c"  # the evening's collection ("c") or the distribution of its hub's stock ("d")


class TourCb(CallbackData, prefix="tr"):  # a tour
    tour_id: RowId
    # "show" it, "replan" a proposal, "drivers" to confirm it with, "sheet" (the driver's
    # sheet, shown again), "unload" (everything collected is in the hub)
    action: str


class TourStopCb(CallbackData, prefix="ts"):  # a stop of a proposed tour
    stop_id: RowId
    move: str  # "up", "down" or "remove"


class TourDriverCb(CallbackData, prefix="td"):  # confirm the tour with this driver
    tour_id: RowId
    member_id: RowId


class TourDeliverCb(CallbackData, prefix="tv"):  # a distribution stop recorded by its driver
    stop_id: RowId
    action: str  # "done" (delivered) or "nothing"


# --- A hub's stock ------------------------------------------------------------------------
class StockCb(CallbackData, prefix="sk"):  # /stock: a page of one hub's stock
    hub_id: RowId
    page: StockPage = 0  # also the way back from a lot, leaving any typed step about it


class StockLotCb(CallbackData, prefix="sa"):  # a lot of /stock
    lot_id: RowId
    # "v" shows it and what can be done, "l" a loss (its reason is chosen next), "c" a count
    # (the kg counted are then typed)
    action: str = "v"
    page: StockPage = 0  # the stock's page to come back to


class StockLossCb(CallbackData, prefix="sz"):  # a loss from a lot of /stock
    lot_id: RowId
    reason: str  # "past_date", "damaged" or "cold_chain"
    # "-" asks how much, "all" records all that is left of the lot, "kg" asks for the kg (typed)
    amount: str = "-"
    page: StockPage = 0
