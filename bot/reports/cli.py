"""``python -m bot report``: the monthly report on the command line.

Prints the figures and writes the CSV, the XLSX, the chart (and the hubs' stock and the
vehicles' tours as PDFs when there were some) into ``--out`` (``reports/`` by default, ignored
by git); the same figures and files as /report, every line in ``--lang``. Standard output
holds the report alone: log lines go to standard error. Without ``--antenna``, every antenna.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from aiogram.utils.i18n import I18n
from sqlmodel import select

from bot.config import Settings
from bot.i18n import LOCALES, N_, create_i18n
from bot.reports.export import Bundle, make_bundle
from logistics.clock import Clock, SystemClock
from logistics.errors import InvalidInput
from logistics.reports.monthly import Factors
from logistics.reports.periods import parse_month
from storage.engine import create_engine, create_session_factory
from storage.migrate import NotMigrated, ensure_migrated
from storage.models import Antenna

_TAG = re.compile(r"<[^>]+>")
MONTH_PROBLEMS = {
    "month": N_(
        "--month {month}: not a month; write it like 2026-03, 03/2026, mars 2026 or maart 2026"
    ),
    "future_month": N_("--month {month}: that month has not begun yet"),
}
OUT = "reports"


class ReportRefused(Exception):
    """A mistake in the arguments, told in one line (a message id and its values)."""

    def __init__(self, message: str, **values: str) -> None:
        super().__init__(message)
        self.message, self.values = message, values

    def text(self, i18n: I18n, locale: str) -> str:
        return i18n.gettext(self.message, locale=locale).format(**self.values)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", help="YYYY-MM, MM/YYYY or a month name (default: last month)")
    parser.add_argument("--antenna", help="key of one antenna (default: all)")
    parser.add_argument(
        "--out", default=OUT, help=f"folder for the CSV, XLSX and PNG files (default: {OUT}/)"
    )
    parser.add_argument("--lang", choices=LOCALES, default="fr", help="language of the report")
    parser.add_argument(
        "--database", help="database URL, or the path of a SQLite file (e.g. demo.db)"
    )


def database_url(settings: Settings, database: str | None) -> str:
    if not database:
        return settings.database_url
    return database if "://" in database else f"sqlite+aiosqlite:///{database}"


def plain(text: str) -> str:
    """The HTML of a message as terminal text."""
    return html.unescape(_TAG.sub("", text))


async def build(settings: Settings, args: argparse.Namespace, clock: Clock, i18n: I18n) -> Bundle:
    engine = create_engine(database_url(settings, args.database))
    try:
        await ensure_migrated(engine)
        async with create_session_factory(engine)() as session:
            antennas = (await session.exec(select(Antenna).order_by(Antenna.id))).all()
            chosen = [a for a in antennas if args.antenna in (None, a.key)]
            if not chosen:
                keys = ", ".join(a.key for a in antennas) or "—"
                raise ReportRefused(
                    N_("no antenna “{key}” (antennas: {keys})"), key=args.antenna, keys=keys
                )
            try:
                month = parse_month(args.month, now=clock.now(), tz=chosen[0].timezone)
            except InvalidInput as error:
                raise ReportRefused(MONTH_PROBLEMS[str(error)], month=args.month) from None
            bundle = await make_bundle(
                session,
                antenna_ids=[a.id for a in chosen],
                month=month,
                factors=Factors(settings.impact.meals_per_kg, settings.impact.co2e_kg_per_kg),
                now=clock.now(),
                i18n=i18n,
                locale=args.lang,
            )
    finally:
        await engine.dispose()
    return bundle


def write_files(named: Iterable[tuple[str, bytes]], folder: str) -> list[Path]:
    """Each (file name, content) written into the folder (made if missing); their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in named:
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written


def run_report(settings: Settings, args: argparse.Namespace, clock: Clock | None = None) -> int:
    """Print the report in ``--lang`` and write its files; library logs go to stderr only."""
    i18n = create_i18n()
    try:
        bundle = asyncio.run(build(settings, args, clock or SystemClock(), i18n))
    except ReportRefused as exc:
        print(exc.text(i18n, args.lang), file=sys.stderr)
        return 2
    except NotMigrated as exc:
        print(str(exc), file=sys.stderr)
        return 2
    named = [(bundle.csv_name, bundle.csv), (bundle.xlsx_name, bundle.xlsx)]
    if bundle.stock_pdf is not None:
        named.append((bundle.stock_pdf_name, bundle.stock_pdf))
    if bundle.tours_pdf is not None:
        named.append((bundle.tours_pdf_name, bundle.tours_pdf))
    written = write_files([*named, (bundle.chart_name, bundle.chart)], args.out)
    print(plain(bundle.text))
    print()
    print(plain(bundle.reliability))
    print()
    for path in written:
        print(i18n.gettext(N_("written: {path}"), locale=args.lang).format(path=path))
    return 0
