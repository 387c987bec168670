"""``python -m bot register``: the traceability register of an antenna (or of one of its
associations or hubs) over some days, as XLSX, CSV and PDF files in ``--out`` (``reports/`` by
default, ignored by git), every word in ``--lang``: ready to hand to an inspector.

Standard output holds the list of the files written, one a line; logs and mistakes go to
standard error. ``--from`` and ``--to`` are days (``2026-03-01``), both included; without
them, this month to date.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from typing import Any

from aiogram.utils.i18n import I18n
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.i18n import LOCALES, N_, create_i18n
from bot.reports.cli import OUT, ReportRefused, database_url, write_files
from bot.safety.register_export import RegisterFiles, make_register
from logistics.clock import Clock, SystemClock
from logistics.reports.periods import MAX_DAYS, Days, parse_days
from storage.engine import create_engine, create_session_factory
from storage.migrate import NotMigrated, ensure_migrated
from storage.models import Antenna, Association, Hub


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--antenna", required=True, help="key of the antenna")
    parser.add_argument("--from", dest="first", help="first day, YYYY-MM-DD (default: the 1st)")
    parser.add_argument("--to", dest="last", help="last day, YYYY-MM-DD (default: today)")
    place = parser.add_mutually_exclusive_group()
    place.add_argument("--association", help="key of one association of the antenna")
    place.add_argument("--hub", help="key of one hub of the antenna")
    parser.add_argument(
        "--out", default=OUT, help=f"folder for the XLSX, CSV and PDF files (default: {OUT}/)"
    )
    parser.add_argument("--lang", choices=LOCALES, default="fr", help="language of the files")
    parser.add_argument(
        "--database", help="database URL, or the path of a SQLite file (e.g. demo.db)"
    )


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportRefused(
            N_("{option} {day}: not a day; write it like 2026-03-01"), option=option, day=text
        ) from None


def chosen_days(args: argparse.Namespace, antenna: Antenna, clock: Clock) -> Days:
    default = parse_days(None, now=clock.now(), tz=antenna.timezone)
    first = _day(args.first, "--from") if args.first else default.first
    last = _day(args.last, "--to") if args.last else default.last
    if last < first:
        raise ReportRefused(N_("--to comes before --from"))
    if (last - first).days >= MAX_DAYS:
        raise ReportRefused(N_("at most {most} days at a time"), most=str(MAX_DAYS))
    return Days(first, last)


PLACE_MISSING = {
    "association": N_("no association “{key}” in the antenna “{antenna}”"),
    "hub": N_("no hub “{key}” in the antenna “{antenna}”"),
}


async def _place(session: AsyncSession, model: Any, key: str | None, antenna: Antenna) -> Any:
    """The association or hub of this key in the antenna; None when no key is given."""
    if not key:
        return None
    found = (
        await session.exec(select(model).where(model.key == key, model.antenna_id == antenna.id))
    ).first()
    if found is None:
        raise ReportRefused(PLACE_MISSING[model.__tablename__], key=key, antenna=antenna.key)
    return found


async def build(
    settings: Settings, args: argparse.Namespace, clock: Clock, i18n: I18n
) -> RegisterFiles:
    engine = create_engine(database_url(settings, args.database))
    try:
        await ensure_migrated(engine)
        async with create_session_factory(engine)() as session:
            antennas = (await session.exec(select(Antenna).order_by(Antenna.id))).all()
            antenna = next((a for a in antennas if a.key == args.antenna), None)
            if antenna is None:
                keys = ", ".join(a.key for a in antennas) or "—"
                raise ReportRefused(
                    N_("no antenna “{key}” (antennas: {keys})"), key=args.antenna, keys=keys
                )
            association = await _place(session, Association, args.association, antenna)
            hub = await _place(session, Hub, getattr(args, "hub", None), antenna)
            return await make_register(
                session,
                antenna=antenna,
                days=chosen_days(args, antenna, clock),
                network=settings.bot.network_name,
                i18n=i18n,
                locale=args.lang,
                association=association,
                hub=hub,
            )
    finally:
        await engine.dispose()


def run_register(settings: Settings, args: argparse.Namespace, clock: Clock | None = None) -> int:
    """Write the register's files and print their paths; mistakes go to standard error."""
    i18n = create_i18n()
    try:
        files = asyncio.run(build(settings, args, clock or SystemClock(), i18n))
    except ReportRefused as exc:
        print(exc.text(i18n, args.lang), file=sys.stderr)
        return 2
    except NotMigrated as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for path in write_files(files.files(), args.out):
        print(path)
    return 0
