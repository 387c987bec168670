"""Factories for the Bot and the Dispatcher, and the long-polling runner."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.commands import set_command_menus
from bot.config import Settings
from bot.i18n import create_i18n
from bot.middlewares import IdentityMiddleware, LocaleMiddleware, SessionMiddleware
from bot.routers import routers
from bot.telegram.dedupe import DedupeMiddleware
from bot.telegram.outbox import OutboxSender
from bot.telegram.session import BotApiSession
from bot.telegram.throttle import ThrottleMiddleware
from logistics.clock import Clock, SystemClock
from scheduler.broadcasts import BroadcastJobs
from scheduler.jobs import create_scheduler
from storage.engine import create_engine, create_session_factory, safe_url
from storage.fsm import create_fsm_storage
from storage.migrate import ensure_migrated

log = logging.getLogger(__name__)


def create_bot(settings: Settings) -> Bot:
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    api = (
        TelegramAPIServer.from_base(settings.telegram_api_url)
        if settings.telegram_api_url
        else None
    )
    session = BotApiSession(api=api) if api else BotApiSession()
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_dispatcher(
    *,
    settings: Settings,
    session_factory: async_sessionmaker,
    storage: BaseStorage,
    i18n: I18n,
    clock: Clock,
    outbox: OutboxSender | None = None,
) -> Dispatcher:
    """The dispatcher with its dependencies injected by name into every handler."""
    dp = Dispatcher(
        storage=storage,
        settings=settings,
        session_factory=session_factory,
        clock=clock,
        i18n=i18n,
        outbox=outbox,
        date_rules=settings.food_safety.rules(),
    )
    dp.update.outer_middleware(ThrottleMiddleware())  # first: a flood costs no database work
    dp.update.outer_middleware(DedupeMiddleware())
    dp.update.outer_middleware(SessionMiddleware())
    dp.update.outer_middleware(IdentityMiddleware())
    LocaleMiddleware(i18n).setup(dp)
    dp.include_routers(*routers())
    return dp


@dataclass
class Application:
    """Everything a running bot holds; built by ``create_application``."""

    settings: Settings
    bot: Bot
    dp: Dispatcher

    async def serve(self, *, handle_signals: bool = True, polling_timeout: int = 10) -> None:
        """Long polling until SIGINT/SIGTERM (or ``stop``); resources are closed on the way out."""
        await self.dp.start_polling(
            self.bot,
            handle_signals=handle_signals,
            close_bot_session=True,
            polling_timeout=polling_timeout,
            # a burst (the morning run sheet) waits its turn instead of draining the pool
            tasks_concurrency_limit=self.settings.max_concurrent_updates,
        )

    async def stop(self) -> None:
        await self.dp.stop_polling()


async def create_application(
    settings: Settings, *, clock: Clock | None = None, schedule: bool = True
) -> Application:
    """Builds the bot on a migrated database; raises NotMigrated before touching Telegram.

    ``schedule=False`` leaves out the periodic jobs, for tests that run the rules themselves.
    """
    engine = create_engine(settings.database_url)
    try:
        await ensure_migrated(engine)
    except BaseException:
        await engine.dispose()
        raise
    session_factory = create_session_factory(engine)
    storage = create_fsm_storage(redis_url=settings.redis_url, session_factory=session_factory)
    i18n = create_i18n()
    bot = create_bot(settings)
    clock = clock or SystemClock()
    outbox = OutboxSender(bot=bot, session_factory=session_factory, i18n=i18n, clock=clock)
    dp = create_dispatcher(
        settings=settings,
        session_factory=session_factory,
        storage=storage,
        i18n=i18n,
        clock=clock,
        outbox=outbox,
    )
    scheduler = (
        create_scheduler(
            session_factory=session_factory,
            clock=clock,
            on_queued=outbox.wake,
            timing=settings.reminders.timing(),
            routing=settings.routing,
        )
        if schedule
        else None
    )
    # /antenna rebuilds an antenna's daily jobs at once when its times change
    dp["broadcasts"] = (
        BroadcastJobs(scheduler, session_factory, clock, outbox.wake) if scheduler else None
    )

    async def on_startup(bot: Bot) -> None:
        await bot.delete_webhook(drop_pending_updates=False)
        me = await bot.get_me()
        log.info("serving as @%s on %s", me.username, safe_url(settings.database_url))
        await set_command_menus(bot, i18n)
        outbox.start()
        if scheduler is not None:
            scheduler.start()

    async def on_shutdown() -> None:
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        await outbox.stop()
        await storage.close()
        await engine.dispose()
        log.info("stopped")

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return Application(settings=settings, bot=bot, dp=dp)


async def run_polling(settings: Settings) -> None:
    app = await create_application(settings)
    await app.serve()
