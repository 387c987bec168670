"""Every role of the example network, a stranger, a suspended member and members of the other
antenna × every command of bot.commands.COMMANDS and every button of bot/callbacks.py.

Allowed ones act; forbidden ones are told so in their language (one of ``REFUSALS``, never an
empty list or a silence) and change nothing (the database is compared before and after,
conversation state and the outbox aside). Commands and buttons
are discovered, not listed: a new command is covered by its ``roles``; a new button fails
``test_every_button_has_a_row`` until BUTTONS says who may press it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot import callbacks as cb
from bot.commands import COMMANDS
from bot.i18n import create_i18n
from logistics.announcements.announce import announce, draft_from_text
from logistics.deliveries.receipts import report_difference
from logistics.deliveries.routing import send_to
from logistics.people.identity import identify
from logistics.pickups.claims import claim_pickup
from logistics.pickups.collection import record_delivery, record_pickup
from logistics.pickups.recurring import open_due_slots
from logistics.safety.recall_matches import RecallQuery
from logistics.safety.recalls import confirm_recall
from logistics.tours.collection import propose_collection_tour
from logistics.tours.distances import RoutingSettings
from logistics.tours.distribution.adjust import confirm_tour
from logistics.tours.distribution.proposal import propose_distribution
from storage.engine import create_engine, create_session_factory
from storage.food_safety import RecallNotice
from storage.models import (
    Antenna,
    Delivery,
    Donation,
    Hub,
    Member,
    Membership,
    Outbox,
    RecurringSlot,
    Store,
    TourStop,
    Vehicle,
)
from tests.bot.test_hostile_input import ErrorLog, callback_classes
from tests.harness import running_bot
from tests.invariants import assert_consistent, database_snapshot
from tests.people.permission_parts import (  # noqa: F401 (other tests import them from here)
    ANYWHERE,
    GROUP,
    LANGUAGES,
    NOT_YOURS,
    PEOPLE,
    Chats,
    may_use,
)
from tests.stock.stock_world import add_other_hub, put_lot

# what the bot says to someone who may not do something (msgids, checked in their language)
REFUSALS = (
    "This is not yours to do: only the people concerned and the coordinators can.",
    "Only the coordinators of an antenna can do this.",
    "Only the managers of a store can announce surplus here. Ask your coordinator.",
    "Pickups are for the drivers and coordinators of an antenna. Ask your coordinator.",
    "Confirming deliveries is for the associations and coordinators of an antenna. Ask your "
    "coordinator.",
    "The pickups on the way are for the coordinators of an antenna.",
    "The run sheet is for the coordinators of an antenna.",
    "The daily summary is for the coordinators of an antenna.",
    "Reports are for the coordinators of an antenna.",
    "The traceability register is for the associations and coordinators of an antenna.",
    "The calendar of pickups is for drivers.",
    "The antenna settings are for its coordinators.",
    "The history of a pickup is for the coordinators of its antenna.",
    "Weekly pickup slots are for the coordinators, drivers and store managers of an antenna. "
    "Ask your coordinator.",
    # a button of someone else's conversation step: that step is not (or no longer) theirs
    "This question is no longer open. Send /surplus to start again.",
    "This announcement was already sent or cancelled.",
    "This button is no longer valid.",
    "Recalls are for the coordinators and store managers of an antenna.",
    "This question is no longer open. Send /recall to start again.",
    "Tours are for the coordinators and the drivers of an antenna.",
    "A hub's stock is for its staff and the coordinators of its antenna.",
)
I18N = create_i18n()


def refused(part: str, said: str) -> bool:
    """The person was told, in their own language, that this is not for them."""
    locale = LANGUAGES.get(PEOPLE[part][0], "fr")
    return any(I18N.gettext(msgid, locale=locale) in said for msgid in REFUSALS)


@dataclass
class World:
    """The ids of what the buttons point at, made before the bot starts."""

    ixelles: int
    schaerbeek: int
    store: int
    slot: int
    open: int  # announced, nobody on it
    claimed: dict[str, int]  # one claimed pickup (Sofie) per button that changes it
    picked_stop: int  # a stop of a collected pickup, not delivered yet
    delivered_stop: int  # a stop delivered to Anne's association, receipt pending
    slot_day: int  # today's recurring pickup of the store, waiting for its answer
    lucas_membership: int
    disputed_stop: int = 0  # a stop whose receipt Anne disputed (another weight)
    association: int = 0  # Anne's association, in Ixelles
    recall: int = 0  # a recall of the store's bread, its notices waiting
    recall_notice: int = 0  # that recall's notice to Anne's association
    vehicle: int = 0  # Ixelles' van
    tour: int = 0  # its collection tour of the day, proposed
    tour_stop: int = 0  # the tour's first stop
    sofie: int = 0  # Sofie's member id (a driver to confirm the tour with)
    delivery_stop: int = 0  # a stop of the hub's distribution tour, confirmed with Sofie
    hub: int = 0  # the Ixelles hub
    lot: int = 0  # a lot of its stock (another hub of the antenna has its own staff)


Everyone = frozenset(PEOPLE)
Manager = frozenset({"coordinator"})
Holder = frozenset({"coordinator", "driver"})  # the driver on the pickup, or a coordinator
StoreSide = frozenset({"coordinator", "store_manager"})  # the store's manager, or a coordinator
HubSide = frozenset({"coordinator", "hub_staff"})  # the hub's staff, or a coordinator
FLOW = "flow"  # acts only inside the presser's own conversation step: never from outside

# who may press each button (allowed ones act), and what the pressed data points at
BUTTONS: dict[type, tuple[frozenset[str] | str, Callable[[World], object]]] = {
    cb.LanguageCb: (Everyone, lambda w: cb.LanguageCb(code="fr")),
    cb.ClaimCb: (frozenset({"driver"}), lambda w: cb.ClaimCb(donation_id=w.open)),
    cb.ReleaseCb: (Holder, lambda w: cb.ReleaseCb(donation_id=w.claimed["release"])),
    cb.ReleaseAnswerCb: (
        Holder,
        lambda w: cb.ReleaseAnswerCb(donation_id=w.claimed["release"], answer="vehicle"),
    ),
    cb.PickupCb: (
        Holder,
        lambda w: cb.PickupCb(donation_id=w.claimed["pickup"], action="as_announced"),
    ),
    cb.ZeroCb: (Holder, lambda w: cb.ZeroCb(donation_id=w.claimed["zero"], reason="no_food")),
    cb.MissedCb: (Holder, lambda w: cb.MissedCb(donation_id=w.claimed["missed"], action="no")),
    cb.DeliverCb: (Holder, lambda w: cb.DeliverCb(delivery_id=w.picked_stop, action="planned")),
    cb.ReceiptCb: (
        frozenset({"coordinator", "association"}),
        lambda w: cb.ReceiptCb(delivery_id=w.delivered_stop, action="ok"),
    ),
    cb.ProblemCb: (
        frozenset({"coordinator", "association"}),
        lambda w: cb.ProblemCb(delivery_id=w.delivered_stop, problem="damaged"),
    ),
    cb.RouteCb: (
        Manager,
        lambda w: cb.RouteCb(donation_id=w.claimed["route"], kind="r"),
    ),
    cb.SlotCb: (
        frozenset({"coordinator", "store_manager"}),
        lambda w: cb.SlotCb(donation_id=w.slot_day, action="none"),
    ),
    cb.WeeklySlotCb: (
        Manager,
        lambda w: cb.WeeklySlotCb(store_id=w.store, slot_id=w.slot, action="r"),
    ),
    cb.AddSlotsCb: (Manager, lambda w: cb.AddSlotsCb(store_id=w.store)),
    cb.AnnounceCb: (FLOW, lambda w: cb.AnnounceCb(action="ok")),
    cb.CategoryCb: (FLOW, lambda w: cb.CategoryCb(category_id=1)),
    cb.UnitCb: (FLOW, lambda w: cb.UnitCb(unit="kg")),
    cb.QuantityCb: (FLOW, lambda w: cb.QuantityCb(amount=5)),
    cb.ItemsDoneCb: (FLOW, lambda w: cb.ItemsDoneCb()),
    cb.WindowCb: (FLOW, lambda w: cb.WindowCb(choice="usual")),
    cb.StoreCb: (FLOW, lambda w: cb.StoreCb(store_id=w.store)),
    cb.StoreItemsCb: (StoreSide, lambda w: cb.StoreItemsCb(donation_id=w.open)),
    cb.StoreWindowCb: (StoreSide, lambda w: cb.StoreWindowCb(donation_id=w.open)),
    cb.StoreCancelCb: (StoreSide, lambda w: cb.StoreCancelCb(donation_id=w.open, step=1)),
    cb.LineCb: (FLOW, lambda w: cb.LineCb(line=0, check=0, step=1, category_id=1)),
    cb.DistributionCb: (
        Manager,
        lambda w: cb.DistributionCb(association_id=w.association, weekday=2),
    ),
    cb.DateCb: (FLOW, lambda w: cb.DateCb(item=0, check=0, days=2)),
    cb.RecallStepCb: (FLOW, lambda w: cb.RecallStepCb(step="ok")),
    cb.RecallMenuCb: (StoreSide, lambda w: cb.RecallMenuCb(action="report", recall_id=w.recall)),
    cb.RecallAnswerCb: (
        frozenset({"coordinator", "association"}),
        lambda w: cb.RecallAnswerCb(notice_id=w.recall_notice, answer="seen"),
    ),
    cb.TourPlanCb: (Manager, lambda w: cb.TourPlanCb(vehicle_id=w.vehicle, day=0)),
    cb.TourCb: (Manager, lambda w: cb.TourCb(tour_id=w.tour, action="drivers")),
    cb.TourStopCb: (Manager, lambda w: cb.TourStopCb(stop_id=w.tour_stop, move="down")),
    cb.TourDriverCb: (Manager, lambda w: cb.TourDriverCb(tour_id=w.tour, member_id=w.sofie)),
    cb.TourDeliverCb: (
        Holder,
        lambda w: cb.TourDeliverCb(stop_id=w.delivery_stop, action="nothing"),
    ),
    cb.VehiclesCb: (Manager, lambda w: cb.VehiclesCb(antenna_id=w.ixelles)),
    cb.VehicleCb: (Manager, lambda w: cb.VehicleCb(vehicle_id=w.vehicle, action="r")),
    cb.VehicleHubCb: (Manager, lambda w: cb.VehicleHubCb(vehicle_id=w.vehicle, hub_id=w.hub)),
    cb.StockCb: (HubSide, lambda w: cb.StockCb(hub_id=w.hub)),
    cb.StockLotCb: (HubSide, lambda w: cb.StockLotCb(lot_id=w.lot, action="c")),
    cb.StockLossCb: (
        HubSide,
        lambda w: cb.StockLossCb(lot_id=w.lot, reason="damaged", amount="all"),
    ),
}


def _optional_rows() -> None:
    """Buttons of features that may or may not be there yet, each with its row."""
    rows = {
        "InviteCb": (Manager, lambda w: cb.InviteCb(antenna_id=w.ixelles)),
        "ApprovalCb": (
            Manager,
            lambda w: cb.ApprovalCb(membership_id=w.lucas_membership, action="n"),
        ),
        "MembersCb": (Manager, lambda w: cb.MembersCb(antenna_id=w.ixelles)),
        "MemberCb": (
            Manager,
            lambda w: cb.MemberCb(membership_id=w.lucas_membership, action="a"),
        ),
        "LinkGroupCb": (FLOW, lambda w: cb.LinkGroupCb(antenna_id=w.ixelles)),
        "JoinCb": (FLOW, lambda w: cb.JoinCb(answer="cold")),
        "ForgetCb": (Everyone, lambda w: cb.ForgetCb(action="no")),  # "yes": oneself only
        "HistoryCb": (Manager, lambda w: cb.HistoryCb(donation_id=w.open)),
        "AntennaCb": (Manager, lambda w: cb.AntennaCb(antenna_id=w.ixelles, action="fr")),
        "SettleCb": (
            Manager,
            lambda w: cb.SettleCb(delivery_id=w.disputed_stop, outcome="driver"),
        ),
    }
    for name, row in rows.items():
        if hasattr(cb, name):
            BUTTONS[getattr(cb, name)] = row


_optional_rows()


def test_every_button_has_a_row():
    missing = [c.__name__ for c in callback_classes() if c not in BUTTONS]
    assert not missing, (
        f"buttons without a row in BUTTONS (tests/people/test_permission_matrix.py): {missing}; "
        "say who may press each one"
    )


async def build_world(database_url: str, now, *, suspend: bool = True) -> World:
    """Pickups in every state the buttons need, through the rules themselves."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            antennas = {a.key: a.id for a in (await session.exec(select(Antenna))).all()}
            # the matrix is about who may act, not about how many pickups a driver may hold
            await session.exec(
                update(Antenna).values(max_claims_per_day=None, max_claims_per_week=None)
            )
            await session.commit()
            store = (await session.exec(select(Store).where(Store.key == "super-flagey"))).one()
            marc = await identify(session, telegram_id=100003)
            sofie = await identify(session, telegram_id=100004)

            async def new_pickup() -> int:
                draft = await draft_from_text(
                    session, identity=marc, store_id=store.id, text="20 kg pain 18h-19h", now=now
                )
                return await announce(session, identity=marc, draft=draft, now=now)

            opened = await new_pickup()
            claimed = {}
            uses = (
                "release",
                "pickup",
                "zero",
                "missed",
                "route",
                "picked",
                "delivered",
                "disputed",
            )
            for use in uses:
                claimed[use] = await new_pickup()
                await claim_pickup(session, donation_id=claimed[use], identity=sofie, now=now)
            anne = (
                await session.exec(
                    select(Membership.association_id)
                    .join(Member, col(Member.id) == Membership.member_id)
                    .where(Member.telegram_id == 100006)
                )
            ).one()
            claire = await identify(session, telegram_id=100001)
            for use in ("delivered", "disputed"):
                await send_to(
                    session,
                    donation_id=claimed[use],
                    identity=claire,
                    kind="association",
                    place_id=anne,
                    now=now,
                )
            later = now + timedelta(hours=8, minutes=30)
            stops = {}
            for use in ("picked", "delivered", "disputed"):
                await record_pickup(
                    session, donation_id=claimed[use], identity=sofie, now=later, total_kg=20
                )
                stops[use] = (
                    await session.exec(
                        select(Delivery)
                        .where(Delivery.donation_id == claimed[use])
                        .order_by(col(Delivery.association_id).is_(None), Delivery.id)
                    )
                ).all()
            for stop in stops["delivered"] + stops["disputed"]:
                await record_delivery(session, delivery_id=stop.id, identity=sofie, now=later)
            [disputed] = [s for s in stops["disputed"] if s.association_id == anne]
            await report_difference(
                session,
                delivery_id=disputed.id,
                identity=await identify(session, telegram_id=100006),
                now=later,
                received_kg=12,
            )
            recall = await confirm_recall(
                session,
                identity=claire,
                query=RecallQuery(
                    antenna_id=store.antenna_id,
                    store_id=store.id,
                    received_from=date(2026, 3, 10),
                    received_to=date(2026, 3, 11),
                    product="pain",
                ),
                now=later,
            )
            recall_notice = (
                await session.exec(
                    select(RecallNotice.id).where(
                        RecallNotice.recall_id == recall.recall_id,
                        RecallNotice.association_id == anne,
                    )
                )
            ).one()
            await open_due_slots(session, now=now)
            slot_day = (
                await session.exec(
                    select(Donation.id).where(
                        Donation.store_id == store.id, col(Donation.recurring_slot_id).is_not(None)
                    )
                )
            ).first()
            slot = (
                await session.exec(
                    select(RecurringSlot.id).where(RecurringSlot.store_id == store.id)
                )
            ).first()
            lucas = (
                await session.exec(
                    select(Membership)
                    .join(Member, col(Member.id) == Membership.member_id)
                    .where(Member.telegram_id == 100007)
                )
            ).one()
            lucas.status = "suspended" if suspend else lucas.status
            session.add(lucas)
            lot = await put_lot(
                session, hub_key="hub-ixelles", category_key="viande", kg=6, now=now,
                use_by=date(2026, 3, 11), lot="M7",
            )  # fmt: skip
            await add_other_hub(session, now)
            # what the setting up queued is not what this test looks at
            await session.exec(update(Outbox).values(status="sent"))
            await session.commit()
            anne_stop = next(s for s in stops["delivered"] if s.association_id == anne)
            hub = (await session.exec(select(Hub.id).where(Hub.key == "hub-ixelles"))).one()
        tour = await _proposed_tour(engine, claire_id=100001, now=now)
        tour["delivery_stop"] = await _distribution_stop(engine, hub, tour["sofie"], now=now)
        return World(
            ixelles=antennas["ixelles"],
            schaerbeek=antennas["schaerbeek"],
            store=store.id,
            slot=slot,
            open=opened,
            claimed=claimed,
            picked_stop=stops["picked"][0].id,
            delivered_stop=anne_stop.id,
            slot_day=slot_day,
            lucas_membership=lucas.id,
            disputed_stop=disputed.id,
            association=anne,
            recall=recall.recall_id,
            recall_notice=recall_notice,
            hub=hub,
            lot=lot,
            **tour,
        )
    finally:
        await engine.dispose()


async def _proposed_tour(engine, *, claire_id: int, now) -> dict[str, int]:
    """The van's collection tour of the day, proposed by Claire (its own session: proposing
    ends the session's transaction before solving)."""
    async with create_session_factory(engine)() as session:
        van = (await session.exec(select(Vehicle).where(Vehicle.key == "van-ixelles"))).one()
        sofie = (await session.exec(select(Member.id).where(Member.telegram_id == 100004))).one()
        tour = await propose_collection_tour(
            session,
            vehicle_id=van.id,
            service_day=now.astimezone(ZoneInfo("Europe/Brussels")).date(),
            identity=await identify(session, telegram_id=claire_id),
            now=now,
            routing=RoutingSettings(),
        )
        stop = (await session.exec(select(TourStop.id).where(TourStop.tour_id == tour))).first()
        await session.exec(update(Outbox).values(status="sent"))
        await session.commit()
        return {"vehicle": van.id, "tour": tour, "tour_stop": stop, "sofie": sofie}


async def _distribution_stop(engine, hub_id: int, sofie: int, *, now) -> int:
    """The first stop of the hub's distribution tour of the day, confirmed with Sofie."""
    async with create_session_factory(engine)() as session:
        claire = await identify(session, telegram_id=100001)
        tour = await propose_distribution(
            session, hub_id=hub_id, service_day=now.astimezone(ZoneInfo("Europe/Brussels")).date(),
            now=now, identity=claire, routing=RoutingSettings(),
        )  # fmt: skip
        await confirm_tour(session, identity=claire, tour_id=tour.tour_id, driver_id=sofie, now=now)
        await session.exec(update(Outbox).values(status="sent"))
        await session.commit()
        return tour.stops[0].stop_id


def may_press(part: str, allowed: frozenset[str] | str) -> bool:
    return allowed != FLOW and part in allowed


async def test_every_command_by_every_part(settings, fake_api, clock):
    await build_world(settings.database_url, clock.now())
    chats = Chats(fake_api, clock)
    errors = ErrorLog.attach()
    try:
        async with running_bot(settings, clock=clock):
            for part in PEOPLE:
                await chats.say(part, "/help")
            for command in COMMANDS:
                for part in PEOPLE:
                    before = await database_snapshot(settings.database_url)
                    said = await chats.say(part, f"/{command.name}")
                    assert said, (part, command.name)
                    if not may_use(part, command.roles):
                        assert refused(part, said), (part, command.name, said)
                        after = await database_snapshot(settings.database_url)
                        assert after == before, (part, command.name)
                    await chats.say(part, "/cancel")
    finally:
        errors.detach()
    assert errors.records == [], errors.describe()
    assert fake_api.refused == [], "\n".join(c.describe() for c in fake_api.refused)
    await assert_consistent(settings.database_url)


@pytest.mark.parametrize("button", list(BUTTONS), ids=lambda c: c.__name__)
async def test_every_button_by_every_part(settings, fake_api, clock, button):
    world = await build_world(settings.database_url, clock.now())
    allowed, target = BUTTONS[button]
    data = target(world).pack()
    chats = Chats(fake_api, clock)
    errors = ErrorLog.attach()
    clock.advance(hours=8, minutes=45)  # the pickups' evening: windows open, stops to deliver
    try:
        async with running_bot(settings, clock=clock):
            for part in PEOPLE:
                await chats.say(part, "/help")
            # the refused first: each gets a polite answer, and nothing changes
            for part in [p for p in PEOPLE if not may_press(p, allowed)]:
                before = await database_snapshot(settings.database_url)
                answer = await chats.press(part, data)
                assert refused(part, answer), (part, data, answer)
                after = await database_snapshot(settings.database_url)
                assert after == before, (part, data, answer)
            # then the allowed ones act, one after the other (the first may settle it)
            for part in [p for p in PEOPLE if may_press(p, allowed)]:
                answer = await chats.press(part, data)
                assert answer, (part, data)
                assert not any(refusal in answer for refusal in NOT_YOURS), (part, data, answer)
    finally:
        errors.detach()
    assert errors.records == [], errors.describe()
    assert fake_api.refused == [], "\n".join(c.describe() for c in fake_api.refused)
    await assert_consistent(settings.database_url)
