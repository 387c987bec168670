"""What must hold in the database whatever people did, checked by ``python -m bot check`` and
by the tests alike.

Each check is named and returns its problems in words (an operator reads them); an empty list
when all holds. The rules come from storage/ (the tables) and logistics/ (claims, collection,
receipts, allocation, notify, hub stock); SQLite enforces neither string lengths nor every
cross-table rule, so they are checked here on both databases. The kinds of notifications the
bot can render are given by the caller, the bot being a layer above.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from logistics.invariants import people, pickups, records, stock
from logistics.invariants.tables import Tables

CHECKS: tuple[tuple[str, Callable[[Tables], Awaitable[list[str]]]], ...] = (
    ("claims", pickups.claim_problems),
    ("pickup items", pickups.item_problems),
    ("pickups and their stops", pickups.donation_problems),
    ("receipts", pickups.receipt_problems),
    ("memberships", people.membership_problems),
    ("members", people.member_problems),
    ("outbox", records.outbox_problems),
    ("string lengths", records.length_problems),
    ("stock balance per hub and category", stock.balance_problems),
    ("stock lots and their moves", stock.lot_problems),
    ("no negative stock", stock.negative_problems),
)


@dataclass(frozen=True)
class CheckResult:
    name: str
    problems: tuple[str, ...]

    @property
    def holds(self) -> bool:
        return not self.problems


async def run_checks(session: AsyncSession, *, notify_kinds: Collection[str]) -> list[CheckResult]:
    """Every check, in order, with what it found."""
    tables = Tables(session, notify_kinds=notify_kinds)
    return [CheckResult(name, tuple(await check(tables))) for name, check in CHECKS]


async def check_invariants(session: AsyncSession, *, notify_kinds: Collection[str]) -> list[str]:
    """Every broken rule, in words; an empty list when the database is consistent."""
    results = await run_checks(session, notify_kinds=notify_kinds)
    return [problem for result in results for problem in result.problems]


async def stock_problems(session: AsyncSession) -> list[str]:
    """The hub stock's checks alone (balance, lots, nothing negative)."""
    tables = Tables(session, notify_kinds=())
    checks = (stock.balance_problems, stock.lot_problems, stock.negative_problems)
    return [problem for check in checks for problem in await check(tables)]
