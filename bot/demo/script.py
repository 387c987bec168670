"""The day the demo plays, step by step, in the Ixelles antenna of the example network.

06:30 two stores announce their surplus (Marc in French, Els in Dutch) · 06:45 two drivers
race for the same pickup · 07:00 the morning run sheet reaches the group, where the other
pickup is claimed · 08:40 the drivers record what they collected · 09:40 they deliver ·
10:30 one association confirms, the other reports less than announced, the coordinator is
told · 19:00 the evening summary reaches the coordinators. The run sheet and the summary are
sent by the scheduler's own functions, called at their time on the demo's clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import col, select

from bot.callbacks import AnnounceCb, ClaimCb, DeliverCb, PickupCb, ReceiptCb
from bot.demo.cast import ANNE, CLAIRE, ELS, JORIS, LUCAS, MARC, PIETER, SOFIE
from bot.demo.stage import DemoFailed, Stage, buttons_of
from scheduler.broadcasts import send_run_sheet, send_summary
from storage.models import Antenna, Claim, Delivery, Member

ANNOUNCEMENTS = {
    MARC: "/surplus 20 kg pain, 12 kg légumes 8h-9h30",
    ELS.telegram_id: "/surplus brood 15 kg, 2 bakken yoghurt tgt 13/03 8u30-9u30",
}


@dataclass
class Day:
    """What the script learns as the day goes: pickups by store manager, drivers by pickup."""

    groups: dict[str, int]  # antenna key -> group chat id
    pickups: dict[int, int] = field(default_factory=dict)  # manager -> donation id
    drivers: dict[int, int] = field(default_factory=dict)  # donation id -> driver's telegram id
    deliveries: list[int] = field(default_factory=list)  # delivery ids, as recorded


async def play(stage: Stage, groups: dict[str, int]) -> Day:
    day = Day(groups=groups)
    stage.scene("06:30", "The stores announce their surplus (French, then Dutch)")
    await announce(stage, day, MARC)
    stage.at("06:40")
    await announce(stage, day, ELS.telegram_id)

    stage.scene("06:45", "Two drivers race for the same pickup")
    await claim_race(stage, day)

    stage.scene("07:00", "The morning run sheet")
    await run_sheet(stage, day)

    stage.scene("08:40", "Collections, with the real weights")
    await collect(stage, day)

    stage.scene("09:40", "Deliveries to the associations")
    await deliver(stage, day)

    stage.scene("10:30", "The associations confirm what they received")
    await receipts(stage, day)

    stage.scene("19:00", "The evening summary to the coordinators")
    await summary(stage)
    return day


async def announce(stage: Stage, day: Day, manager: int) -> None:
    """A store manager announces by free text and confirms the bot's echo."""
    group = day.groups["ixelles"]
    before = len(stage.fake.sent(group))
    await stage.write("the echo of the announcement", manager, ANNOUNCEMENTS[manager])
    echo = _last_with(stage, manager, AnnounceCb(action="ok").pack())
    await stage.tap("the confirmation", manager, echo, AnnounceCb(action="ok").pack())
    card = await stage.expect(
        "the pickup's card in the group",
        lambda: next((m for m in stage.fake.sent(group)[before:] if buttons_of(m, "cl")), None),
    )
    day.pickups[manager] = ClaimCb.unpack(buttons_of(card, "cl")[0]).donation_id
    await stage.settle()


async def claim_race(stage: Stage, day: Day) -> None:
    """Sofie and Lucas press the claim button of Marc's card at the same moment."""
    donation_id = day.pickups[MARC]
    data = ClaimCb(donation_id=donation_id).pack()
    card = _last_with(stage, day.groups["ixelles"], data)
    queries = {SOFIE: stage.press(SOFIE, card, data), LUCAS: stage.press(LUCAS, card, data)}
    answers = stage.fake.callback_answers
    await stage.expect(
        "the answers to the two claims", lambda: all(q in answers for q in queries.values())
    )
    await stage.settle()
    winners = await _claimants(stage, donation_id)
    if len(winners) != 1 or winners[0] not in queries:
        raise DemoFailed(f"the claim race should have one winner, not {len(winners)}")
    winner = winners[0]
    loser = LUCAS if winner == SOFIE else SOFIE
    if not answers[queries[loser]].get("text"):
        raise DemoFailed(f"{stage.people[loser].name} was not told the pickup was taken")
    day.drivers[donation_id] = winner
    stage.transcript.note(
        f"exactly one wins: {stage.people[winner].name}; "
        f"{stage.people[loser].name} is told it is taken"
    )


async def run_sheet(stage: Stage, day: Day) -> None:
    """The scheduler's run-sheet job for each antenna; Sofie claims Els's pickup from it."""
    group = day.groups["ixelles"]
    before = len(stage.fake.sent(group))
    for antenna_id in await _antenna_ids(stage):
        await send_run_sheet(
            session_factory=stage.session_factory,
            clock=stage.clock,
            on_queued=stage.wake_outbox,
            antenna_id=antenna_id,
        )
    donation_id = day.pickups[ELS.telegram_id]
    data = ClaimCb(donation_id=donation_id).pack()
    sheet = await stage.expect(
        "the run sheet in the Ixelles group",
        lambda: next(
            (m for m in stage.fake.sent(group)[before:] if data in buttons_of(m, "cl")), None
        ),
    )
    await stage.settle()
    stage.at("07:05")
    await stage.tap("the claim from the run sheet", SOFIE, sheet, data)
    if await _claimants(stage, donation_id) != [SOFIE]:
        raise DemoFailed("Sofie's claim from the run sheet was not recorded")
    day.drivers[donation_id] = SOFIE


async def collect(stage: Stage, day: Day) -> None:
    """Marc's pickup is weighed (a total typed in), Els's taken as announced."""
    marc, els = day.pickups[MARC], day.pickups[ELS.telegram_id]
    driver = day.drivers[marc]
    total = PickupCb(donation_id=marc, action="total").pack()
    await stage.tap("the question for the weight", driver, _last_with(stage, driver, total), total)
    await stage.write("the recorded weight", driver, "31,5")
    stage.at("08:55")
    same = PickupCb(donation_id=els, action="as_announced").pack()
    await stage.tap("the recorded pickup", SOFIE, _last_with(stage, SOFIE, same), same)


async def deliver(stage: Stage, day: Day) -> None:
    """Each driver records the stops: as planned, except the last stop of Marc's pickup,
    where another weight is typed in."""
    for manager in (MARC, ELS.telegram_id):
        donation_id = day.pickups[manager]
        driver = day.drivers[donation_id]
        deliveries = await _deliveries(stage, donation_id)
        if not deliveries:
            raise DemoFailed(f"no delivery planned for pickup {donation_id}")
        for number, delivery_id in enumerate(deliveries, start=1):
            other = manager == MARC and number == len(deliveries)
            data = DeliverCb(delivery_id=delivery_id, action="kg" if other else "planned").pack()
            await stage.tap("the delivery", driver, _last_with(stage, driver, data), data)
            if other:
                await stage.write("the delivered weight", driver, "10")
            stage.clock.advance(minutes=10)
        day.deliveries.extend(deliveries)


async def receipts(stage: Stage, day: Day) -> None:
    """Anne confirms what she received; Pieter reports less than delivered on his first
    delivery and confirms the others; the coordinator is told of the difference."""

    def request(delivery_id: int) -> tuple[int, dict] | None:
        data = ReceiptCb(delivery_id=delivery_id, action="ok").pack()
        for person in (ANNE, PIETER):
            for message in stage.with_button(person, "rc"):
                if data in buttons_of(message, "rc"):
                    return person, message
        return None

    await stage.expect("the receipt requests", lambda: all(request(d) for d in day.deliveries))
    await stage.settle()
    asked = {d: request(d) for d in day.deliveries}
    disputed = False
    for person in (ANNE, PIETER):
        for delivery_id, (asked_of, message) in asked.items():
            if asked_of != person:
                continue
            if person == PIETER and not disputed:
                disputed = True
                told = len(stage.fake.sent(CLAIRE))
                diff = ReceiptCb(delivery_id=delivery_id, action="diff").pack()
                await stage.tap("the question for the weight", person, message, diff)
                await stage.write("the disputed receipt", person, "8")
                await stage.expect(
                    "the coordinator told of the dispute",
                    lambda told=told: len(stage.fake.sent(CLAIRE)) > told,
                )
                await stage.settle()
            else:
                ok = ReceiptCb(delivery_id=delivery_id, action="ok").pack()
                await stage.tap("the confirmed receipt", person, message, ok)
            stage.clock.advance(minutes=5)
    if not disputed:
        raise DemoFailed("Pieter had no receipt to dispute")


async def summary(stage: Stage) -> None:
    """The scheduler's summary job for each antenna: Claire in French, Joris in Dutch."""
    told = {c: len(stage.fake.sent(c)) for c in (CLAIRE, JORIS)}
    for antenna_id in await _antenna_ids(stage):
        await send_summary(
            session_factory=stage.session_factory,
            clock=stage.clock,
            on_queued=stage.wake_outbox,
            antenna_id=antenna_id,
        )
    await stage.expect(
        "the evening summaries",
        lambda: all(len(stage.fake.sent(c)) > n for c, n in told.items()),
    )
    await stage.settle()


# --------------------------------------------------------------------------- helpers


def _last_with(stage: Stage, chat_id: int, data: str) -> dict:
    """The latest message of the chat with a button carrying ``data``."""
    prefix = data.split(":", 1)[0]
    for message in reversed(stage.with_button(chat_id, prefix)):
        if data in buttons_of(message, prefix):
            return message
    raise DemoFailed(f"no button {data!r} in the chat of {stage.transcript.chat(chat_id)}")


async def _claimants(stage: Stage, donation_id: int) -> list[int]:
    async with stage.session_factory() as session:
        rows = await session.exec(
            select(Member.telegram_id)
            .join(Claim, col(Claim.driver_id) == Member.id)
            .where(Claim.donation_id == donation_id, col(Claim.released_at).is_(None))
        )
        return list(rows.all())


async def _antenna_ids(stage: Stage) -> list[int]:
    async with stage.session_factory() as session:
        return list((await session.exec(select(Antenna.id).order_by(Antenna.id))).all())


async def _deliveries(stage: Stage, donation_id: int) -> list[int]:
    async with stage.session_factory() as session:
        rows = await session.exec(
            select(Delivery.id).where(Delivery.donation_id == donation_id).order_by(Delivery.id)
        )
        return list(rows.all())
