"""``python -m bot check``: whether the database holds together, for an operator.

Runs every invariant of logistics/invariants/ (the same checks the tests run after each
scenario: claims, pickups and their stops, receipts, people, the outbox, string lengths, and
the hub stock's balance per hub and category, lot by lot, never below zero) and prints each
with OK or the problems it found, in English. Exit status: 0 when all holds, 1 when something
is off, 2 when the database cannot be checked (missing, unmigrated, unreachable).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.notifications import RENDERERS
from bot.reports.cli import database_url
from logistics.invariants import CheckResult, run_checks
from storage.engine import create_engine, create_session_factory, safe_url
from storage.migrate import NotMigrated, ensure_migrated


class CannotCheck(Exception):
    """The database cannot be read: said in one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", help="database URL, or the path of a SQLite file (default: the config's)"
    )


def _missing_file(url: str) -> str | None:
    """The path of a SQLite database file that does not exist (opening it would create it)."""
    parsed = make_url(url)
    path = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or path in ("", ":memory:") or "mode" in parsed.query:
        return None
    return None if Path(path).exists() else path


async def check(url: str) -> list[CheckResult]:
    missing = _missing_file(url)
    if missing is not None:
        raise CannotCheck(f"no database at {missing}")
    engine = create_engine(url)
    try:
        await ensure_migrated(engine)
        async with create_session_factory(engine)() as session:
            return await run_checks(session, notify_kinds=RENDERERS)
    except (SQLAlchemyError, OSError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise CannotCheck(f"cannot read the database {safe_url(url)}: {reason}") from None
    finally:
        await engine.dispose()


def report(results: list[CheckResult]) -> list[str]:
    """Each check on a line with OK or its problems, then one line that sums up."""
    lines = []
    width = max(len(result.name) for result in results)
    for result in results:
        found = len(result.problems)
        said = "OK" if result.holds else f"{found} problem{'s' if found > 1 else ''}"
        lines.append(f"{result.name:<{width}}  {said}")
        lines += [f"    {problem}" for problem in result.problems]
    off = sum(not result.holds for result in results)
    if off:
        lines.append(f"{off} of {len(results)} checks found problems")
    else:
        lines.append(f"all {len(results)} checks hold")
    return lines


def run_check(settings: Settings, args: argparse.Namespace) -> int:
    url = database_url(settings, args.database)
    try:
        results = asyncio.run(check(url))
    except (NotMigrated, CannotCheck) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print("\n".join(report(results)))
    return 0 if all(result.holds for result in results) else 1
