"""Measure (c): an antenna's run sheet and evening summary, read and rendered, and the plans
of the queries they make.

For each antenna named, ``render_times`` reads today's run sheet
(:func:`~logistics.broadcasts.runsheet.todays_run_sheet`) and renders it in both languages
(:func:`~bot.broadcasts.runsheet.render_sheet`), then reads and renders today's summary
(:func:`~logistics.broadcasts.summary.todays_summary`,
:func:`~bot.broadcasts.summary.render_summary`), each ``repeat`` times in a fresh session;
the median of each is kept, after one untimed run (the first one imports modules and loads the
catalogs). ``query_plans`` records the statements of one of each and asks the
database for their plans (``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN`` on PostgreSQL after
``ANALYZE``), listing every full scan of a table that grows with the network or its history.
"""

from __future__ import annotations

import re
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

BIG_TABLES = (
    "donation",
    "donation_item",
    "delivery",
    "receipt",
    "outbox",
    "member",
    "membership",
    "audit_log",
)


async def _sheet(session, i18n, antenna_id: int) -> int:
    from bot.broadcasts.runsheet import render_sheet
    from logistics.broadcasts.runsheet import todays_run_sheet

    sheet = await todays_run_sheet(session, antenna_id=antenna_id, now=datetime.now(UTC))
    return len(render_sheet(i18n, sheet, ("fr", "nl")))


async def _summary(session, i18n, antenna_id: int) -> int:
    from bot.broadcasts.summary import render_summary
    from logistics.broadcasts.summary import todays_summary

    summary = await todays_summary(session, antenna_id=antenna_id, now=datetime.now(UTC))
    return len(render_summary(i18n, summary, ("fr", "nl")))


RENDERS = {"run_sheet": _sheet, "summary": _summary}


async def render_times(factory, antennas: dict[str, int], repeat: int) -> dict[str, Any]:
    """Median milliseconds of each render for each antenna (by label)."""
    from bot.i18n import create_i18n

    i18n = create_i18n()
    out: dict[str, Any] = {}
    for label, antenna_id in antennas.items():
        for name, render in RENDERS.items():
            async with factory() as session:  # once untimed: imports, catalogs, caches
                await render(session, i18n, antenna_id)
            times = []
            for _ in range(repeat):
                async with factory() as session:
                    began = time.perf_counter()
                    await render(session, i18n, antenna_id)
                    times.append(time.perf_counter() - began)
            out[f"{name}:{label}"] = {
                "median_ms": round(1000 * statistics.median(times), 1),
                "max_ms": round(1000 * max(times), 1),
                "n": repeat,
            }
    return out


async def query_plans(engine, factory, antenna_id: int) -> dict[str, Any]:
    """The statements of one run sheet and one summary of the antenna, and the full scans of
    the big tables their plans show."""
    from bot.i18n import create_i18n

    i18n = create_i18n()
    captured: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    out: dict[str, Any] = {}
    for name, render in RENDERS.items():
        captured.clear()
        event.listen(engine.sync_engine, "before_cursor_execute", capture)
        try:
            async with factory() as session:
                await render(session, i18n, antenna_id)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", capture)
        statements = list(captured)
        scans: list[str] = []
        async with factory() as session:
            connection = await session.connection()
            sqlite = connection.dialect.name == "sqlite"
            if not sqlite:
                await connection.exec_driver_sql("ANALYZE")
            for statement, parameters in statements:
                prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
                rows = (await connection.exec_driver_sql(prefix + statement, parameters)).all()
                lines = [str(row[-1] if sqlite else row[0]) for row in rows]
                scans += [line.strip() for line in lines if _full_scan(line, sqlite)]
        out[name] = {"statements": len(statements), "full_scans": sorted(set(scans))}
    return out


def _full_scan(line: str, sqlite: bool) -> bool:
    """A whole big table read: SQLite's "SCAN table" (with or without an index, every row),
    PostgreSQL's "Seq Scan on table"."""
    if sqlite:
        words = line.split()
        return len(words) >= 2 and words[0] == "SCAN" and words[1] in BIG_TABLES
    found = re.search(r"Seq Scan on (\w+)", line)
    return found is not None and found.group(1) in BIG_TABLES
