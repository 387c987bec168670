"""Every router of the bot, in the order they are tried.

Each module builds its router in ``create_router()``, so that every dispatcher (a restart in
the same process, each test) gets routers of its own: aiogram attaches a router to one parent.
"""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    from bot import runsheet, summary
    from bot.flows import (
        cancel,
        guided,
        guided_correction,
        joining,
        missed,
        problem_note,
        recall,
        recurring,
        stock_weights,
        store_changes,
        surplus,
        surplus_dates,
        surplus_free,
        surplus_lines,
        weights,
    )
    from bot.handlers import (
        antenna_settings,
        calendar,
        collection,
        distribution_days,
        distribution_tours,
        errors,
        fallback,
        group,
        help,
        history,
        invites,
        language,
        members,
        mydata,
        pickups,
        recalls,
        receipts,
        register,
        release,
        report,
        routing,
        slots,
        start,
        stock,
        store_pickups,
        tours,
        vehicles,
    )

    # groups first (commands there get a pointer to the private chat); then language:
    # nothing else runs for a person who has not chosen one yet; fallback last: whatever
    # nobody took gets an answer.
    modules = [
        errors,
        group,
        joining,
        language,
        cancel,
        start,
        invites,
        members,
        help,
        store_pickups,
        store_changes,  # before surplus: the echo of a change is answered here
        surplus,
        surplus_lines,
        surplus_dates,
        guided,
        guided_correction,
        recurring,
        weights,
        stock_weights,
        problem_note,
        recall,
        recalls,
        pickups,
        release,
        collection,
        receipts,
        routing,
        stock,
        slots,
        tours,
        distribution_tours,
        runsheet,
        summary,
        report,
        register,
        calendar,
        missed,
        mydata,
        history,
        antenna_settings,
        distribution_days,
        vehicles,
        surplus_free,
        fallback,
    ]
    return [module.create_router() for module in modules]
