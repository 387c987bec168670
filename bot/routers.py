"""Every router of the bot, in the order they are tried.

Each module builds its router in ``create_router()``, so that every dispatcher (a restart in
the same process, each test) gets routers of its own: aiogram attaches a router to one parent.
"""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    from bot.announcements import (
        guided,
        guided_correction,
        recurring,
        store_changes,
        store_pickups,
        surplus,
        surplus_dates,
        surplus_free,
        surplus_lines,
    )
    from bot.broadcasts import runsheet, summary
    from bot.conversation import cancel, errors, fallback, help, language, start
    from bot.deliveries import problem_note, receipts, routing
    from bot.network import antenna_settings, distribution_days, group
    from bot.people import invites, joining, members, mydata
    from bot.pickups import calendar, claiming, collection, missed, release, slots, weights
    from bot.reports import history, report
    from bot.safety import new_recall, recalls, register
    from bot.stock import screens as stock
    from bot.stock import weights as stock_weights
    from bot.tours import collection_tours, distribution_tours, vehicles

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
        new_recall,
        recalls,
        claiming,
        release,
        collection,
        receipts,
        routing,
        stock,
        slots,
        collection_tours,
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
