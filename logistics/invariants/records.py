"""What the database keeps beside the rules: messages waiting to be sent, and strings within
their declared length (PostgreSQL refuses longer ones, SQLite not)."""

from __future__ import annotations

from sqlalchemy import String, select

from logistics.invariants.tables import Tables
from storage.models import ALL_TABLES, Outbox


async def outbox_problems(tables: Tables) -> list[str]:
    problems = []
    for entry in await tables.all(Outbox):
        if entry.method == "notify" and entry.payload.get("kind") not in tables.notify_kinds:
            problems.append(f"outbox {entry.id}: unknown kind {entry.payload.get('kind')!r}")
        if entry.status == "failed" and entry.last_error is None:
            problems.append(f"outbox {entry.id}: failed without a reason")
    return problems


async def length_problems(tables: Tables) -> list[str]:
    problems = []
    for table in ALL_TABLES.sorted_tables:
        bounded = [
            c for c in table.columns if isinstance(c.type, String) and c.type.length is not None
        ]
        if not bounded:
            continue
        rows = (await tables.session.exec(select(*bounded))).all()
        for row in rows:
            for column, value in zip(bounded, row, strict=True):
                if isinstance(value, str) and len(value) > column.type.length:
                    problems.append(f"{table.name}.{column.name}: {len(value)} characters")
    return problems
