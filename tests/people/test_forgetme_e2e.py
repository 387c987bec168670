"""/forgetme end to end: after a whole day of work, a driver and a store manager erase
themselves through the bot; nothing of theirs is left anywhere in the database, while the
month's tonnage figures stay exactly what they were. Cancelling changes nothing, a stranger
is answered, and seeding again does not bring them back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, make_url, text
from sqlmodel import SQLModel, select

from bot.callbacks import ForgetCb
from logistics.broadcasts.summary import summary
from logistics.network.seed import seed_network
from logistics.reports.monthly import Factors, monthly_report
from logistics.reports.periods import Month
from storage.engine import create_engine, create_session_factory
from storage.models import Antenna, Member
from tests.antenna_day import (
    CAST,
    GROUP,
    LUCAS,
    MARC,
    SOFIE,
    WORDS,
    play_the_day,
    set_everyone_language,
)
from tests.harness import buttons, running_bot

STRANGER = 555002
MONTH_END = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)  # the report of March, as read at its end
PROFILES = {  # what a join would have recorded: Telegram username and phone
    MARC: ("marc_flagey", "+32 2 555 01 02"),
    SOFIE: ("sofie_v", "+32 470 12 34 56"),
    LUCAS: ("lucas_x", "+32 470 65 43 21"),
}
IGNORED = {"processed_update"}  # updates seen: ids of Telegram's, no personal data


class Database:
    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.sessions = create_session_factory(self.engine)

    async def profiles(self) -> dict[int, dict[str, Any]]:
        people = {}
        async with self.sessions() as session:
            for telegram_id, (username, phone) in PROFILES.items():
                found = await session.exec(select(Member).where(Member.telegram_id == telegram_id))
                member = found.one()
                member.username, member.phone = username, phone
                session.add(member)
                people[telegram_id] = {"name": member.name, "username": username, "phone": phone}
            await session.commit()
        return people

    async def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, by table name."""
        async with self.engine.connect() as conn:
            return {
                table.name: [
                    dict(row)
                    for row in (await conn.execute(table.select().order_by(*table.primary_key)))
                    .mappings()
                    .all()
                ]
                for table in SQLModel.metadata.sorted_tables
                if table.name not in IGNORED
            }

    async def figures(self) -> dict[str, Any]:
        """The summary figures of both days, the month's tonnage report, and totals computed
        here by plain SQL."""
        async with self.sessions() as session:
            ixelles = (await session.exec(select(Antenna).where(Antenna.key == "ixelles"))).one()
            days = [date(2026, 3, 10), date(2026, 3, 11)]
            figures: dict[str, Any] = {
                str(d): await summary(session, antenna_id=ixelles.id, day=d) for d in days
            }
            antennas = (await session.exec(select(Antenna.id))).all()
            report = await monthly_report(
                session,
                antenna_ids=list(antennas),
                month=Month(2026, 3),
                factors=Factors(2.38, 2.5),
                now=MONTH_END,
            )
            # the drivers' figures stay; only an erased driver's name goes
            drivers = tuple(replace(d, name=None) for d in report.reliability.drivers)
            reliability = replace(report.reliability, drivers=drivers)
            figures["march report"] = replace(report, reliability=reliability)
            for name, sql in TOTALS.items():
                statement = text(sql).bindparams(antenna=ixelles.id)
                row = (await session.exec(statement)).one()
                figures[name] = tuple(row)
        return figures


TOTALS = {
    "donations": "SELECT COUNT(*), COALESCE(SUM(collected_kg), 0), COALESCE(SUM(estimated_kg), 0)"
    " FROM donation WHERE antenna_id = :antenna AND status IN ('picked_up', 'delivered',"
    " 'received')",
    "items": "SELECT COUNT(*), COALESCE(SUM(donation_item.collected_kg), 0) FROM donation_item"
    " JOIN donation ON donation.id = donation_item.donation_id WHERE antenna_id = :antenna",
    "deliveries": "SELECT COUNT(*), COALESCE(SUM(delivered_kg), 0) FROM delivery"
    " JOIN donation ON donation.id = delivery.donation_id WHERE antenna_id = :antenna",
    "receipts": "SELECT COUNT(*), COALESCE(SUM(received_kg), 0), COUNT(confirmed_by_id)"
    " FROM receipt JOIN delivery ON delivery.id = receipt.delivery_id"
    " JOIN donation ON donation.id = delivery.donation_id WHERE antenna_id = :antenna",
    "claims": "SELECT COUNT(*), COUNT(DISTINCT driver_id) FROM claim"
    " JOIN donation ON donation.id = claim.donation_id WHERE antenna_id = :antenna",
}


def holds(value: Any, tokens: list[str], numbers: set[int]) -> bool:
    """Whether a column value (JSON included, keys and values) holds a personal field."""
    if isinstance(value, dict):
        return any(holds(k, tokens, numbers) or holds(v, tokens, numbers) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(holds(v, tokens, numbers) for v in value)
    if isinstance(value, str):
        return any(token.casefold() in value.casefold() for token in tokens)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value in numbers
    return False


def leftovers(tables: dict[str, list[dict]], people: list[dict], ids: list[int]) -> list[str]:
    tokens = [p[field] for p in people for field in ("name", "username", "phone")]
    tokens += [str(i) for i in ids]
    return [
        f"{name}.{column} = {value!r}"
        for name, rows in tables.items()
        for row in rows
        for column, value in row.items()
        if holds(value, tokens, set(ids))
    ]


def database_files(url: str) -> list[Path]:
    """The SQLite database file and its write-ahead log (none on PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return []
    main = Path(parsed.database)
    return [main, *(p for p in (Path(f"{main}-wal"), Path(f"{main}-journal")) if p.exists())]


def written_in(files: list[Path], people: list[dict]) -> list[str]:
    """Which of the people's name, username and phone are found in the files' bytes."""
    content = b"".join(f.read_bytes() for f in files)
    return [
        f"{field} {person[field]!r}"
        for person in people
        for field in ("name", "username", "phone")
        if person[field].encode() in content
    ]


async def forget(fake_api, user: dict, *, confirm: bool) -> str:
    """/forgetme, then the confirm or cancel button; returns what the question became."""
    chat = user["id"]
    fake_api.send_text(user, "/forgetme")
    await fake_api.wait_for(method="sendMessage", chat_id=chat)
    question = fake_api.last_message(chat)
    action = "yes" if confirm else "no"
    data = next(d for _, d in buttons(question) if ForgetCb.unpack(d).action == action)
    fake_api.press_button(user, question, data)
    await fake_api.wait_for(method="editMessageText", chat_id=chat)
    await fake_api.wait_idle()
    return fake_api.message(chat, question["message_id"])["text"]


async def test_forgetme_after_a_day_leaves_no_trace_and_the_same_figures(settings, fake_api, clock):
    await set_everyone_language(settings.database_url, "fr")
    db = Database(settings.database_url)
    profiles = await db.profiles()
    fake_api.group(GROUP, title="Antenne Ixelles-Etterbeek")
    people = {
        tid: fake_api.user(
            tid,
            first_name=name,
            language_code="fr",
            username=PROFILES.get(tid, ("", ""))[0] or None,
        )
        for tid, name in CAST
    }
    stranger = fake_api.user(STRANGER, first_name="Eve", language_code="fr")
    try:
        async with running_bot(settings, clock=clock):
            winner = (await play_the_day(fake_api, clock, people, WORDS["fr"])).winner
            loser = LUCAS if winner == SOFIE else SOFIE
            await fake_api.wait_idle()
            before = await db.figures()
            assert sum(c.kg for c in before["march report"].categories) > 0, "a month with tonnage"
            assert before["donations"][:2] == (1, 31.5)
            assert before["receipts"] == (2, before["receipts"][1], 2)
            tables = await db.tables()

            # Cancelling changes nothing; a stranger is told nothing is kept.
            assert "Rien n'a été effacé" in await forget(fake_api, people[loser], confirm=False)
            assert await db.tables() == tables
            fake_api.send_text(stranger, "/forgetme")
            await fake_api.wait_for(method="sendMessage", chat_id=STRANGER)
            assert fake_api.texts(STRANGER)[-1] == "Ce bot ne garde rien à votre sujet."

            # The driver who did the day's work and the store manager erase themselves.
            for telegram_id in (winner, MARC):
                done = await forget(fake_api, people[telegram_id], confirm=True)
                assert "données personnelles sont effacées" in done
            # Afterwards the bot no longer knows them.
            fake_api.send_text(people[MARC], "/mydata")
            await fake_api.wait_for(method="sendMessage", chat_id=MARC)
            assert fake_api.texts(MARC)[-1] == "Ce bot ne garde rien à votre sujet."
            # With the bot still running, the erased values are gone from the files on disk.
            files = database_files(settings.database_url)
            if files:
                erased = [profiles[winner], profiles[MARC]]
                assert written_in(files, erased) == []
                assert written_in(files, [profiles[loser]]), "the search does find the others"

        gone = [profiles[winner], profiles[MARC]]
        assert leftovers(await db.tables(), gone, [winner, MARC]) == []
        assert await db.figures() == before
        # The scan does find the people who stayed.
        assert leftovers(await db.tables(), [profiles[loser]], [loser])

        # Seeding the same configuration again does not bring them back.
        async with db.sessions() as session:
            members = (await session.exec(select(func.count()).select_from(Member))).one()
            report = await seed_network(session, settings.network, now=clock.now())
            await session.commit()
        assert report.total_created == 0
        assert leftovers(await db.tables(), gone, [winner, MARC]) == []
        async with db.sessions() as session:
            assert (await session.exec(select(func.count()).select_from(Member))).one() == members
    finally:
        await db.engine.dispose()
    assert fake_api.refused == []
