"""Domain errors raised by the rules; the bot turns each into a message in the person's language."""


class DomainError(Exception):
    """Base of every refusal a rule can give."""


class NotAllowed(DomainError):
    """The acting person may not do this."""


class NotFound(DomainError):
    """The thing referred to does not exist (any more)."""


class InvalidInput(DomainError):
    """A value given by a person cannot be used."""
