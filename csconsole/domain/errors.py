"""Errors the domain raises. Each carries a message a supervisor can read as it is."""


class DomainError(Exception):
    """Base of every refusal or bad input the user should see as one plain line."""


class RuleViolation(DomainError):
    """An action the rules of DESIGN §2 do not allow."""


class NotFound(DomainError):
    """A ticket, agent, queue or customer that does not exist."""


class StaleTicket(DomainError):
    """The ticket changed since the caller last looked (e.g. an undo after someone else acted)."""


class BadInput(DomainError):
    """Input that is malformed: a bad value, a missing field."""
