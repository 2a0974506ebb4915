"""One ticket row as the table paints it: its columns, texts, colours, badges and tooltips.

Worked out once per fetched row (``RowView``), not once per paint; the paging lives in ticket_table.py.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QCoreApplication

from csconsole.domain.read_models import NO_OWNER, SortKey, TicketRow
from csconsole.domain.words import SlaState, Tier
from csconsole.ui import colours, durations
from csconsole.ui.watchlist import MARK
from csconsole.ui.wording import plural


def _tr(text: str) -> str:
    return QCoreApplication.translate("TicketTableModel", text)  # the table model's own context


class Column(IntEnum):
    REF = 0
    SUBJECT = 1
    CUSTOMER = 2
    QUEUE = 3
    OWNER = 4
    STATUS = 5
    PRIORITY = 6
    AGE = 7
    SLA = 8
    BOUNCES = 9
    PINGPONG = 10
    CONTACTS = 11


SORT_KEYS: dict[Column, SortKey] = {
    Column.REF: SortKey.ID,
    Column.AGE: SortKey.CREATED,
    Column.SLA: SortKey.SLA_DUE,
    Column.PRIORITY: SortKey.PRIORITY,
    Column.BOUNCES: SortKey.BOUNCES,
    Column.CONTACTS: SortKey.CONTACTS,
}
NUMERIC = {Column.BOUNCES, Column.PINGPONG, Column.CONTACTS, Column.AGE, Column.SLA}


def attention(row: TicketRow, now: str) -> str | None:
    """Why a row needs a supervisor's eye, most urgent reason first; None when it does not."""
    state = row.sla_state(now)
    if state is SlaState.BREACHED:
        return "breached"
    if row.bounced_over_two or row.pingpongs:
        return "pingpong"
    if row.senior_callback:
        return "callback"
    if state is SlaState.AT_RISK:
        return "at_risk"
    return None


ATTENTION_LOOK = {
    "breached": (colours.RED, "!"),
    "pingpong": (colours.AMBER, "⇄"),
    "callback": (colours.BLUE, "☎"),
    "at_risk": (colours.AMBER, "…"),
}


class RowView:
    """One row as painted: texts, colours and icons worked out once per fetch, not once per paint."""

    __slots__ = ("background", "customer_icon", "reason", "ref_icon", "row", "sla_ink", "texts", "watched")

    def __init__(self, row: TicketRow, now: str, watched: bool = False) -> None:
        self.row = row
        self.watched = watched
        self.texts = [display(row, c, now) for c in Column]
        if watched:
            self.texts[Column.REF] = f"{MARK} {row.ref}"
        self.reason = attention(row, now)
        hue_badge = ATTENTION_LOOK.get(self.reason) if self.reason else None
        self.background = colours.tint(hue_badge[0]) if hue_badge else None
        self.ref_icon = colours.badge(*hue_badge) if hue_badge else None
        self.customer_icon = colours.badge(colours.GOLD, "★") if row.customer_tier is Tier.LOYAL else None
        hue = colours.sla_hue(row.sla_state(now))
        # read on the row's own tint where it has one
        self.sla_ink = colours.ink(hue, on=[self.background or colours.base()]) if hue else None


def plain_row(item: TicketRow | RowView) -> TicketRow:
    return item.row if isinstance(item, RowView) else item


def display(row: TicketRow, column: Column, now: str) -> str:
    match column:
        case Column.REF:
            return row.ref
        case Column.SUBJECT:
            return row.subject
        case Column.CUSTOMER:
            return row.customer
        case Column.QUEUE:
            return row.queue
        case Column.OWNER:
            return row.owner or NO_OWNER
        case Column.STATUS:
            return row.status
        case Column.PRIORITY:
            return row.priority
        case Column.AGE:
            return durations.age(row.created_at, now)
        case Column.SLA:
            return durations.countdown(row.sla_due_at, now)
        case Column.BOUNCES:
            return str(row.bounces)
        case Column.PINGPONG:
            return f"⇄{row.pingpongs}" if row.pingpongs else ""
        case Column.CONTACTS:
            return str(row.contacts)


def tooltip(row: TicketRow, column: Column, now: str, watched: bool = False) -> str | None:
    if column == Column.REF:
        reasons = []
        state = row.sla_state(now)
        if state is SlaState.BREACHED:
            reasons.append(_tr("SLA breached"))
        elif state is SlaState.AT_RISK:
            reasons.append(_tr("SLA at risk"))
        if row.bounced_over_two:
            reasons.append(plural(row.bounces, _tr("bounced {0} time"), _tr("bounced {0} times")))
        if row.pingpongs:
            reasons.append(plural(row.pingpongs, _tr("ping-ponged {0} time"), _tr("ping-ponged {0} times")))
        if row.senior_callback:
            reasons.append(_tr("customer contacted us {0} times: senior callback").format(row.contacts))
        if watched:
            reasons.append(_tr("{0} you watch this ticket (Ctrl+D)").format(MARK))
        return "; ".join(reasons) or None
    if column == Column.CUSTOMER and row.customer_tier is Tier.LOYAL:
        return _tr("Loyal customer")
    if column == Column.SUBJECT:
        return " → ".join(row.path) or None
    return None
