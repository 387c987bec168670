"""The steps of a van's evening shared by the end-to-end tests of tours and of the hub's day:
four stores of the example network's Ixelles antenna announce their evening's surplus, and
the coordinator plans and confirms the van's collection tour through /tours."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from logistics.announcements.announce import announce, draft_from_text
from logistics.people.identity import identify
from storage.engine import create_engine, create_session_factory
from storage.models import Antenna, Member, Store
from tests.chat_steps import edited, press, shown
from tests.harness import add_store_manager, buttons

MATONGE = "epicerie-matonge"  # a fourth store, added here with its coordinates
# store key, manager's Telegram id (Marc manages Flagey in config.toml), what it announces
EVENING = (
    ("super-flagey", 100003, "/surplus 30 kg pain, 10 kg yaourts DLC {use_by} 18h-19h"),
    ("boulangerie-chatelain", 100031, "/surplus 20 kg pain 18h-19h"),
    ("super-jourdan", 100032, "/surplus 25 kg légumes, 12 kg fromage DLC {use_by} 18h30-19h30"),
    (MATONGE, 100033, "/surplus 15 kg conserves 19h-20h"),
)
MANAGERS = tuple(manager for _, manager, _ in EVENING)


async def everyone_speaks(database_url: str, language: str) -> None:
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await session.exec(update(Member).values(language=language))
        await session.commit()
    await engine.dispose()


async def open_the_evening(database_url: str, at, language: str, use_by: str) -> list[int]:
    """The fourth store and the managers, then each store's announcement; the pickups' ids."""
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        ixelles = (await session.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
        session.add(
            Store(
                key=MATONGE, antenna_id=ixelles.id, name="Épicerie Exemple Matongé",
                address="Chaussée Fictive 12, 1050 Ixelles", latitude=50.8340, longitude=4.3640,
            )
        )  # fmt: skip
        await session.commit()
    for key, manager, _ in EVENING[1:]:
        await add_store_manager(
            database_url, telegram_id=manager, name=f"Gérant {key}", store_key=key,
            language=language,
        )  # fmt: skip
    pickups = []
    async with create_session_factory(engine)() as session:
        for key, manager, text in EVENING:
            store = (await session.exec(select(Store).where(Store.key == key))).one()
            identity = await identify(session, telegram_id=manager)
            draft = await draft_from_text(
                session, identity=identity, store_id=store.id,
                text=text.format(use_by=use_by).removeprefix("/surplus "), now=at,
            )  # fmt: skip
            pickups.append(await announce(session, identity=identity, draft=draft, now=at))
    await engine.dispose()
    return pickups


async def plan_and_confirm(fake, coordinator, coordinator_id: int, driver_member_id: int, words):
    """/tours, plan today's van tour, then confirm it with the driver; the tour's message."""
    fake.send_text(coordinator, "/tours")
    menu = await shown(fake, coordinator_id, words["tours"])
    plan = next(d for _, d in buttons(menu) if d.startswith("tp:") and d.endswith(":0:c"))
    await press(fake, coordinator, menu, plan)
    proposal = await edited(fake, menu, words["proposed"])
    ask = next(d for _, d in buttons(proposal) if d.startswith("tr:") and d.endswith(":drivers"))
    await press(fake, coordinator, proposal, ask)
    drivers = await edited(fake, menu, words["who"])
    chosen = next(d for _, d in buttons(drivers) if d.endswith(f":{driver_member_id}"))
    await press(fake, coordinator, drivers, chosen)
    return await edited(fake, menu, words["confirmed"])
