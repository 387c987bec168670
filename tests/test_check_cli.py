"""``python -m bot check``: every invariant with OK or its problems, exit 1 when something is
off; and the stock checks it runs, each shown able to find what it looks for."""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text, update
from sqlmodel import select

from bot.check_cli import run_check
from bot.config import load_settings
from logistics.invariants import CHECKS, stock_problems
from logistics.stock.moves import record_loss
from storage.models import Membership, StockLot, StockMove
from tests.invariants import check_invariants
from tests.stock.stock_rules_world import (
    STAFF,
    Item,
    act,
    build_stock_world,
    deliver,
    hand_out,
    lots_of,
    stock_at,
)

ROOT = Path(__file__).resolve().parents[1]


async def bot_check(database_url: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real command in its own process, on this database."""
    command = [sys.executable, "-m", "bot", "check", "--config", str(ROOT / "config.toml")]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("DATABASE_URL", None)
    return await asyncio.to_thread(
        subprocess.run,
        [*command, "--database", database_url],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
async def stocked(session_factory, now):
    """A world whose depot received tins and yoghurt, some handed out, some lost."""
    world = await build_stock_world(session_factory, now)
    tins, dairy = await stock_at(session_factory, world, now, [Item("tins", 12), Item("dairy", 4)])
    await deliver(
        session_factory, world, now, [Item("bread", 9)],
        stops=(("association", "epicerie", 5), ("hub", "frigo", 4)),
    )  # fmt: skip
    async with session_factory() as s:
        await hand_out(
            s, lot_id=tins.id, kg=3, association_id=world.associations["epicerie"], now=now
        )
    await act(session_factory, record_loss, STAFF, lot_id=dairy.id, reason="damaged", now=now)
    return world, tins, dairy


async def test_a_consistent_database_passes_every_check(database_url, stocked, tmp_path):
    done = await bot_check(database_url, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[-1] for line in lines[:-1]] == ["OK"] * len(CHECKS)
    assert lines[-1] == f"all {len(CHECKS)} checks hold"


async def test_a_lot_changed_without_its_move_is_named(
    database_url, session_factory, stocked, tmp_path
):
    world, tins, _ = stocked
    async with session_factory() as s:  # 3 kg appear in the lot, no move says so
        await s.exec(update(StockLot).where(StockLot.id == tins.id).values(on_hand_kg=12))
        await s.commit()

    done = await bot_check(database_url, tmp_path)

    assert done.returncode == 1, done.stdout + done.stderr
    hub, tins_category = world.hubs["depot"], world.categories["tins"]
    assert (
        f"""stock balance per hub and category  1 problem
    hub {hub} (depot), category {tins_category} (tins): in 12 + counts 0 - out 3 - losses 0 \
= 9 kg, but the lots hold 12 kg
stock lots and their moves          1 problem
    lot {tins.id} (hub {hub}): its moves leave 9 kg, but it holds 12 kg
no negative stock                   OK
2 of {len(CHECKS)} checks found problems
"""
        in done.stdout
    )
    assert "pickups and their stops             OK" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("made", [False, True])
async def test_a_missing_or_unmigrated_database_is_told_in_one_line(tmp_path, capsys, made):
    """Without ``--database``, the config's: here a file that is not there, or empty."""
    path = tmp_path / "antenna.db"
    if made:
        path.touch()
    settings = load_settings(ROOT / "config.toml").model_copy(
        update={"database_url": f"sqlite+aiosqlite:///{path}"}
    )
    args = argparse.Namespace(database=None)

    assert await asyncio.to_thread(run_check, settings, args) == 2

    captured = capsys.readouterr()
    said = "The database has no schema yet" if made else f"no database at {path}"
    assert captured.out == "" and captured.err.startswith(said)
    assert path.exists() == made, "checking creates no database"


def test_the_command_is_listed():
    from bot.__main__ import COMMANDS, parse_args

    args = parse_args(["check", "--database", "demo.db"])
    assert (args.command, args.database, args.config) == ("check", "demo.db", "config.toml")
    assert "check" in COMMANDS


# --- What the stock checks find -----------------------------------------------------------


async def problems(session_factory) -> list[str]:
    async with session_factory() as s:
        return await stock_problems(s)


async def test_a_move_booked_elsewhere_or_missing_is_found(session_factory, stocked):
    world, tins, dairy = stocked
    assert await problems(session_factory) == []
    async with session_factory() as s:
        out = (await s.exec(select(StockMove.id).where(StockMove.kind == "out"))).one()
        await s.exec(
            update(StockMove)
            .where(StockMove.lot_id == tins.id, StockMove.kind == "out")
            .values(hub_id=world.hubs["frigo"])
        )
        await s.exec(
            update(StockMove)
            .where(StockMove.lot_id == dairy.id, StockMove.kind == "in")
            .values(kind="count")
        )
        await s.commit()

    found = await problems(session_factory)

    depot, frigo = world.hubs["depot"], world.hubs["frigo"]
    assert f"lot {tins.id} (hub {depot}): move {out} is booked to another hub or category" in found
    assert f"lot {dairy.id} (hub {depot}): received 4 kg, moved in []" in found
    assert any(p.startswith(f"hub {frigo} (frigo), category ") for p in found), found
    assert any(p.startswith(f"hub {depot} (depot), category ") for p in found), found


async def test_a_lot_of_a_delivery_to_elsewhere_or_out_to_another_antenna_is_found(
    session_factory, stocked
):
    world, tins, _ = stocked
    async with session_factory() as s:
        await s.exec(
            update(StockLot).where(StockLot.id == tins.id).values(hub_id=world.hubs["frigo"])
        )
        await s.exec(
            update(StockMove).where(StockMove.lot_id == tins.id).values(hub_id=world.hubs["frigo"])
        )
        await s.exec(
            update(StockMove)
            .where(StockMove.kind == "out")
            .values(association_id=world.associations["far"])
        )
        await s.commit()

    found = await problems(session_factory)

    lot_id, frigo = tins.id, world.hubs["frigo"]
    assert f"lot {lot_id} (hub {frigo}): its delivery {tins.delivery_id} went elsewhere" in found
    assert any("to an association of another antenna" in p for p in found), found
    assert not any(p.startswith("hub ") for p in found), "the balance itself still holds"


async def test_a_lot_below_zero_is_found_should_the_table_let_one_in(
    session_factory, engine, stocked
):
    _, tins, _ = stocked
    async with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            await connection.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
        else:
            await connection.execute(
                text("ALTER TABLE stock_lot DROP CONSTRAINT ck_stock_lot_stock_lot_on_hand")
            )
        await connection.execute(
            update(StockLot).where(StockLot.id == tins.id).values(on_hand_kg=-1)
        )
        if connection.dialect.name == "sqlite":
            await connection.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")

    found = await problems(session_factory)

    assert f"lot {tins.id}: less than nothing on hand" in found
    assert f"lot {tins.id} (hub {tins.hub_id}): its moves leave 9 kg, but it holds -1 kg" in found
    assert [lot.id for lot in await lots_of(session_factory) if lot.on_hand_kg < 0] == [tins.id]


async def test_hub_staff_of_a_hub_of_another_antenna_is_found(session_factory, stocked):
    world, _, _ = stocked
    async with session_factory() as s:
        staff = (
            await s.exec(select(Membership).where(Membership.member_id == world.members[STAFF]))
        ).one()
        staff.hub_id = world.hubs["far"]
        s.add(staff)
        await s.commit()
        assert await check_invariants(s) == [
            f"membership {staff.id} (hub_staff): a hub of another antenna"
        ]
