"""Command line: ``python -m bot run|migrate|seed|demo|report|register|check``.

Each subcommand is a small function; errors a person can fix (a bad config file, an
unmigrated database, a missing token) are printed as one clear line, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable

from bot.config import ConfigError, Settings, load_settings
from bot.logs import setup_logging

log = logging.getLogger("bot")


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import run_polling
    from storage.migrate import NotMigrated

    if settings.bot_token is None:
        print(
            "BOT_TOKEN is not set: ask @BotFather for a token and run "
            "BOT_TOKEN=... python -m bot run",
            file=sys.stderr,
        )
        return 2
    try:
        asyncio.run(run_polling(settings))
    except NotMigrated as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from storage.engine import safe_url
    from storage.migrate import upgrade

    asyncio.run(upgrade(settings.database_url))
    print(f"database is up to date: {safe_url(settings.database_url)}")
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from logistics.clock import SystemClock
    from logistics.network.seed import seed_network
    from storage.engine import create_engine, create_session_factory
    from storage.migrate import NotMigrated, ensure_migrated

    async def seed() -> str:
        engine = create_engine(settings.database_url)
        try:
            await ensure_migrated(engine)
            async with create_session_factory(engine)() as session:
                report = await seed_network(session, settings.network, now=SystemClock().now())
                await session.commit()
            return str(report)
        finally:
            await engine.dispose()

    try:
        print(asyncio.run(seed()))
    except NotMigrated as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.demo.run import run_demo

    return run_demo(settings, database=Path(args.database), fast=args.fast)


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fast", action="store_true", help="no pauses between the steps")
    parser.add_argument(
        "--database", default="data/demo.db", help="SQLite file to create (replaced at each run)"
    )


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from bot.reports.cli import run_report

    return run_report(settings, args)


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    from bot.reports.cli import add_arguments

    add_arguments(parser)


def _register(settings: Settings, args: argparse.Namespace) -> int:
    from bot.safety.register_cli import run_register

    return run_register(settings, args)


def _register_arguments(parser: argparse.ArgumentParser) -> None:
    from bot.safety.register_cli import add_arguments

    add_arguments(parser)


def _check(settings: Settings, args: argparse.Namespace) -> int:
    from bot.check_cli import run_check

    return run_check(settings, args)


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    from bot.check_cli import add_arguments

    add_arguments(parser)


COMMANDS: dict[str, tuple[str, Callable[[Settings, argparse.Namespace], int]]] = {
    "run": ("serve the bot by long polling until SIGINT/SIGTERM", _run),
    "migrate": ("create or upgrade the database schema", _migrate),
    "seed": ("add the network of the config file to the database (idempotent)", _seed),
    "demo": ("play a day on a local Telegram emulator: no token, no internet", _demo),
    "report": ("print a month's report and write its CSV, XLSX and chart", _report),
    "register": ("write the traceability register as XLSX, CSV and PDF files", _register),
    "check": ("verify the database's invariants; exit 1 when something is off", _check),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, _) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--config", default="config.toml", help="path of config.toml")
        if name == "demo":
            _demo_arguments(p)
        if name == "report":
            _report_arguments(p)
        if name == "register":
            _register_arguments(p)
        if name == "check":
            _check_arguments(p)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    setup_logging(settings)
    return COMMANDS[args.command][1](settings, args)


if __name__ == "__main__":
    sys.exit(main())
