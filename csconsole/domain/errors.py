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


class StaleTickets(StaleTicket):
    """Some tickets of a bulk action changed since the caller looked; ``others`` did not and may go ahead."""

    def __init__(self, stale: list[tuple[int, str]], others: list[int]) -> None:
        names = ", ".join(ref for _, ref in stale[:10]) + (" …" if len(stale) > 10 else "")
        total = len(stale) + len(others)
        super().__init__(f"{len(stale)} of {total} tickets changed since you looked at them ({names}); "
                         + (f"reassign the other {len(others)}, or refresh and try again" if others
                            else "refresh and try again"))
        self.stale = [ticket_id for ticket_id, _ in stale]
        self.stale_refs = [ref for _, ref in stale]
        self.others = others
