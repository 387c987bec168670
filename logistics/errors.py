"""Domain errors raised by the rules; the bot turns each into a message in the person's language."""


class DomainError(Exception):
    """Base of every refusal a rule can give."""


class NotAllowed(DomainError):
    """The acting person may not do this."""


class NotFound(DomainError):
    """The thing referred to does not exist (any more)."""


class InvalidInput(DomainError):
    """A value given by a person cannot be used."""


class AlreadyClaimed(DomainError):
    """Someone else claimed this pickup first (or it is no longer open)."""


class NotOpen(DomainError):
    """The pickup is not in a state where this can be done (cancelled, expired, done...)."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class WindowPassed(DomainError):
    """The pickup window is over."""


class NeedsRefrigeration(DomainError):
    """Chilled or frozen items need a driver with a refrigerated vehicle."""


class CapReached(DomainError):
    """The antenna's cap of claims per driver is reached for this day or week."""

    def __init__(self, period: str, limit: int) -> None:
        super().__init__(period, limit)
        self.period = period  # "day" | "week"
        self.limit = limit


class AlreadyDone(DomainError):
    """This step was already recorded (an old button pressed again)."""


class NotYetOpen(DomainError):
    """The pickup window has not opened yet: nothing can have been weighed."""

    def __init__(self, opens_at, tz: str) -> None:
        super().__init__(opens_at, tz)
        self.opens_at = opens_at  # aware UTC
        self.tz = tz


class DriverComing(NotOpen):
    """A driver has claimed the pickup: the store may still cancel it, not change it."""

    def __init__(self, driver_name: str | None) -> None:
        super().__init__("claimed")
        self.driver_name = driver_name


class TourClosed(DomainError):
    """The tour is no longer a proposal (or is over): ``status`` is its state."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status
