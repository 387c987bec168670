"""Logging set-up; the bot token is masked in every line, whatever logs it."""

from __future__ import annotations

import logging

from bot.config import Settings


class RedactSecret(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg = message.replace(self.secret, "***")
            record.args = None
        return True


def setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if settings.bot_token is not None and settings.bot_token.get_secret_value():
        redact = RedactSecret(settings.bot_token.get_secret_value())
        for handler in logging.getLogger().handlers:
            handler.addFilter(redact)
