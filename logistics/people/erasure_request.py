"""/forgetme asks before erasing, and only an answer to that question erases.

Each question carries a random code, kept with the person's conversation state and put in the
confirmation button. A press erases only with the code of the latest question asked to that
same person, within ``VALID`` of it: a forged button, an old question answered after a newer
one, or a question left for too long erase nothing.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from logistics.errors import DomainError

VALID = timedelta(minutes=10)
CODE_BYTES = 6  # 8 characters in the button, well within the 64 bytes of callback data


class NotAsked(DomainError):
    """The confirmation answers no question asked to this person lately."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "unknown" (forged, or a newer question replaced it) | "expired"


def ask(now: datetime) -> dict[str, str]:
    """A new question: its code, and when it was asked (what the conversation state keeps)."""
    return {"code": secrets.token_urlsafe(CODE_BYTES), "at": now.isoformat()}


def answers(asked: Any, code: str) -> bool:
    """Whether ``code`` is the one of the question ``asked`` (however old)."""
    if not isinstance(asked, dict) or not code:
        return False
    expected = asked.get("code")
    return isinstance(expected, str) and secrets.compare_digest(expected.encode(), code.encode())


def check_answer(asked: Any, code: str, now: datetime) -> None:
    """Raise ``NotAsked`` unless ``code`` answers the question ``asked``, within ``VALID``."""
    if not answers(asked, code):
        raise NotAsked("unknown")
    try:
        at = datetime.fromisoformat(str(asked.get("at")))
    except ValueError:
        raise NotAsked("unknown") from None
    if at.tzinfo is None or not (at <= now <= at + VALID):
        raise NotAsked("expired")
