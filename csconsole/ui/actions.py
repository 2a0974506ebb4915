"""Every console action in one registry: its text, shortcut, menu place and whether it writes.

Menus, toolbars and the keyboard all reach the same QAction; read-only mode disables every
action that writes in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, auto

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence


class ActionId(Enum):
    """Every action of the console; each is bound by the one controller that owns it."""

    OPEN_STORE = auto()
    OPEN_READ_ONLY = auto()
    NEW_STORE = auto()
    DEMO_STORE = auto()
    NEW_QUEUE = auto()
    NEW_AGENT = auto()
    SLA_TARGETS = auto()
    IDENTITY = auto()
    SET_PIN = auto()
    IMPORT_CSV = auto()
    IMPORT_ZENDESK = auto()
    EXPORT_PACK = auto()
    QUIT = auto()
    UNDO = auto()
    REDO = auto()
    FIND = auto()
    REFRESH = auto()
    PREFERENCES = auto()
    CHIP_BOUNCED = auto()
    CHIP_CALLBACK = auto()
    CHIP_SLA = auto()
    CHIP_UNOWNED = auto()
    CHIP_WATCHED = auto()
    OPEN_ONLY = auto()
    THEME_SYSTEM = auto()
    THEME_LIGHT = auto()
    THEME_DARK = auto()
    RECOVERY_PANEL = auto()
    DASHBOARD_PANEL = auto()
    FOCUS_QUEUES = auto()
    FOCUS_TABLE = auto()
    FOCUS_DETAIL = auto()
    NEW_TICKET = auto()
    TAKE = auto()
    REASSIGN = auto()
    TRANSFER = auto()
    REPLY = auto()
    NOTE = auto()
    CONTACT = auto()
    ESCALATE = auto()
    RESOLVE = auto()
    CLOSE = auto()
    REOPEN = auto()
    WATCH = auto()
    OPEN_RECOVERY = auto()
    EVALUATE = auto()
    CROSSCHECK = auto()
    GUIDE = auto()
    SHORTCUTS = auto()
    ABOUT = auto()


@dataclass(frozen=True)
class Spec:
    text: str
    menu: str  # "&File", "&Edit", "&View", "&Ticket", "&Tools", "&Help"
    shortcut: str = ""
    writes: bool = False
    needs_ticket: bool = False
    checkable: bool = False
    tip: str = ""
    short: str = ""  # the label on a toolbar button or a chip, where room is short (menus show ``text``)


def _t(text: str) -> str:
    return QCoreApplication.translate("actions", text)


SPECS: dict[ActionId, Spec] = {
    ActionId.OPEN_STORE: Spec("&Open store…", "&File", "Ctrl+O"),
    ActionId.OPEN_READ_ONLY: Spec("Open &read-only…", "&File",
                                  tip="Open a store for viewing and audit: nothing you do changes it"),
    ActionId.NEW_STORE: Spec("&New empty store…", "&File"),
    ActionId.DEMO_STORE: Spec("New &demo store…", "&File"),
    ActionId.NEW_QUEUE: Spec("Add a &queue…", "&File", writes=True, tip="A new queue tickets can wait in"),
    ActionId.NEW_AGENT: Spec("Add an &agent…", "&File", writes=True, tip="A rep, supervisor or manager on this floor"),
    ActionId.SLA_TARGETS: Spec("&SLA policy of this queue…", "&File", writes=True,
                        tip="Business hours, holidays and targets of the selected queue"),
    ActionId.IDENTITY: Spec("Who is at the &console…", "&File", "Ctrl+Shift+I"),
    ActionId.SET_PIN: Spec("Set my console &PIN…", "&File", writes=True,
                    tip="Keep others from acting as you at a shared workstation"),
    ActionId.IMPORT_CSV: Spec("&Import CSV event log…", "&File", writes=True,
                       tip="Add tickets and their history from a CSV event log (all or nothing)"),
    ActionId.IMPORT_ZENDESK: Spec("Import &Zendesk export…", "&File", writes=True,
                           tip="Add tickets, agents and groups from a Zendesk export: a folder or a .zip"),
    ActionId.EXPORT_PACK: Spec("&Export audit pack…", "&File",
                        tip="Tables as CSV, findings, report.pdf, manifest.json; the store is not changed"),
    ActionId.QUIT: Spec("&Quit", "&File", "Ctrl+Q"),
    ActionId.UNDO: Spec("&Undo", "&Edit", "Ctrl+Z", writes=True, short="Undo"),
    ActionId.REDO: Spec("&Redo", "&Edit", "Ctrl+Shift+Z", writes=True, short="Redo"),
    ActionId.FIND: Spec("&Find tickets", "&Edit", "Ctrl+F", tip="Search by reference, subject or customer"),
    ActionId.REFRESH: Spec("Re&fresh", "&Edit", "F5", tip="Read everything on screen again from the store"),
    ActionId.PREFERENCES: Spec("&Preferences…", "&Edit", "Ctrl+,",
                        tip="Theme, refresh, SLA targets, reassignment reasons, recovery checklists"),
    ActionId.CHIP_BOUNCED: Spec("&Bounced > 2", "&View", "Ctrl+1", checkable=True, tip="Bounced three times or more",
                                short="Bounced > 2"),
    ActionId.CHIP_CALLBACK: Spec("Senior &callback", "&View", "Ctrl+2", checkable=True,
                                 tip="The customer contacted us three times or more", short="Callback"),
    ActionId.CHIP_SLA: Spec("Breached / at &risk", "&View", "Ctrl+3", checkable=True, tip="SLA breached or at risk",
                            short="SLA risk"),
    ActionId.CHIP_UNOWNED: Spec("&Unowned", "&View", "Ctrl+4", checkable=True, tip="Open tickets nobody has taken",
                                short="Unowned"),
    ActionId.CHIP_WATCHED: Spec("&Mine to watch", "&View", "Ctrl+5", checkable=True,
                                tip="The tickets I watch (Ctrl+D on a ticket)", short="Watched"),
    ActionId.OPEN_ONLY: Spec("&Open tickets only", "&View", "Ctrl+Shift+O", checkable=True),
    ActionId.THEME_SYSTEM: Spec("Theme: &system", "&View", checkable=True),
    ActionId.THEME_LIGHT: Spec("Theme: &light", "&View", checkable=True),
    ActionId.THEME_DARK: Spec("Theme: &dark", "&View", checkable=True),
    ActionId.RECOVERY_PANEL: Spec("Recovery &cases", "&View", "F7", checkable=True,
                                  tip="Service-recovery cases and the tickets that need one (a tab beside the tickets)"),
    ActionId.DASHBOARD_PANEL: Spec("Dash&board", "&View", "F8", checkable=True,
                                   tip="Queues, SLA and recovery at a glance (a window of its own)"),
    ActionId.FOCUS_QUEUES: Spec("Go to &queues", "&View", "Alt+1"),
    ActionId.FOCUS_TABLE: Spec("Go to &tickets", "&View", "Alt+2"),
    ActionId.FOCUS_DETAIL: Spec("Go to &detail", "&View", "Alt+3"),
    ActionId.NEW_TICKET: Spec("&New ticket…", "&Ticket", "Ctrl+N", writes=True, short="New"),
    ActionId.TAKE: Spec("&Take", "&Ticket", "Ctrl+T", writes=True, needs_ticket=True, tip="Become the owner",
                        short="Take"),
    ActionId.REASSIGN: Spec("&Reassign…", "&Ticket", "Ctrl+R", writes=True, needs_ticket=True,
                            tip="Give the selected tickets a new owner", short="Reassign"),
    ActionId.TRANSFER: Spec("Trans&fer…", "&Ticket", "Ctrl+Shift+T", writes=True, needs_ticket=True,
                            tip="Move the ticket to another queue or owner, with a note", short="Transfer"),
    ActionId.REPLY: Spec("Re&ply…", "&Ticket", "Ctrl+Shift+R", writes=True, needs_ticket=True,
                         tip="Record an answer to the customer", short="Reply"),
    ActionId.NOTE: Spec("Add &note…", "&Ticket", "Ctrl+Shift+N", writes=True, needs_ticket=True,
                        tip="An internal note on the ticket", short="Note"),
    ActionId.CONTACT: Spec("Log customer &contact…", "&Ticket", "Ctrl+L", writes=True, needs_ticket=True,
                           tip="The customer reached out again", short="Contact"),
    ActionId.ESCALATE: Spec("&Escalate…", "&Ticket", "Ctrl+E", writes=True, needs_ticket=True,
                            tip="Raise the ticket's priority, saying why", short="Escalate"),
    ActionId.RESOLVE: Spec("Re&solve", "&Ticket", "Ctrl+Shift+D", writes=True, needs_ticket=True, short="Resolve"),
    ActionId.CLOSE: Spec("C&lose", "&Ticket", "Ctrl+Shift+L", writes=True, needs_ticket=True, short="Close"),
    ActionId.REOPEN: Spec("Re&open", "&Ticket", "Ctrl+Shift+P", writes=True, needs_ticket=True),
    ActionId.WATCH: Spec("&Watch", "&Ticket", "Ctrl+D", needs_ticket=True, checkable=True,
                  tip="Add to or remove from Mine to watch"),
    ActionId.OPEN_RECOVERY: Spec("Service &recovery…", "&Ticket", "Ctrl+Shift+A", writes=True, needs_ticket=True,
                          tip="Open or continue the recovery case of this ticket (AWARE)"),
    ActionId.EVALUATE: Spec("E&valuate…", "&Ticket", "Ctrl+Shift+E", writes=True, needs_ticket=True,
                     tip="Score the associate and the policy separately"),
    ActionId.CROSSCHECK: Spec("&Zendesk cross-check…", "&Tools",
                       tip="Where csconsole's counts of imported tickets differ from Zendesk's own"),
    ActionId.GUIDE: Spec("&User guide", "&Help", "F1", tip="How to work the floor with csconsole"),
    ActionId.SHORTCUTS: Spec("&Keyboard shortcuts", "&Help", "Ctrl+F1"),
    ActionId.ABOUT: Spec("&About csconsole", "&Help"),
}

CHIPS: tuple[ActionId, ...] = (ActionId.CHIP_BOUNCED, ActionId.CHIP_CALLBACK, ActionId.CHIP_SLA, ActionId.CHIP_UNOWNED, ActionId.CHIP_WATCHED)
MENUS: tuple[str, ...] = ("&File", "&Edit", "&View", "&Ticket", "&Tools", "&Help")
# a separator goes before these in their menu
SEPARATE_BEFORE = {ActionId.NEW_QUEUE, ActionId.IDENTITY, ActionId.IMPORT_CSV, ActionId.QUIT, ActionId.PREFERENCES,
                   ActionId.FIND, ActionId.CHIP_BOUNCED, ActionId.OPEN_ONLY, ActionId.THEME_SYSTEM,
                   ActionId.FOCUS_QUEUES, ActionId.TAKE, ActionId.REPLY, ActionId.RESOLVE, ActionId.WATCH,
                   ActionId.OPEN_RECOVERY, ActionId.RECOVERY_PANEL, ActionId.ABOUT}


class Actions:
    """The QActions, created once per window from SPECS."""

    def __init__(self, parent: QObject) -> None:
        self._actions: dict[ActionId, QAction] = {}
        self._tips: dict[ActionId, str] = {}
        for key, spec in SPECS.items():
            action = QAction(_t(spec.text), parent)
            action.setObjectName(key.name.lower())
            if spec.shortcut:
                action.setShortcut(QKeySequence(spec.shortcut))
            if spec.short:
                action.setIconText(_t(spec.short))  # stays short when the menu text grows ("Undo Reassign …")
            action.setCheckable(spec.checkable)
            tip = _t(spec.tip) if spec.tip else _t(spec.text).replace("&", "").rstrip("…")
            self._tips[key] = f"{tip} ({spec.shortcut})" if spec.shortcut else tip
            action.setStatusTip(tip)
            action.setToolTip(self._tips[key])
            self._actions[key] = action

    def __getitem__(self, key: ActionId) -> QAction:
        return self._actions[key]

    def on_trigger(self, key: ActionId, handler: Callable[[], object]) -> None:
        """Bind an action to its handler (the owning controller does this, once)."""
        self._actions[key].triggered.connect(lambda _checked=False: handler())

    def on_toggle(self, key: ActionId, handler: Callable[[bool], object]) -> None:
        self._actions[key].toggled.connect(handler)

    def items(self) -> list[tuple[ActionId, QAction]]:
        return list(self._actions.items())

    @staticmethod
    def why_not(*, read_only: bool, has_identity: bool, busy: bool, needs_ticket: bool = False,
                has_ticket: bool = True) -> str:
        """Why an action that writes is off now, in the user's words; "" when nothing stops it."""
        if read_only:
            return _t("Read-only audit: this store is open for viewing, nothing here can change it")
        if not has_identity:
            return _t("Say who you are first (File > Who is at the console…): every change is recorded under a name")
        if busy:
            return _t("A change is being written; a moment")
        if needs_ticket and not has_ticket:
            return _t("Select a ticket first")
        return ""

    def set_enabled(self, key: ActionId, why_not: str, tip: str | None = None) -> None:
        """Enable ``key``, or disable it with its tooltip saying why (a menu shows it on hover too); ``tip``
        replaces the spec's own tooltip (the undo step the action would take)."""
        action = self._actions[key]
        action.setEnabled(not why_not)
        base = tip or self._tips[key]
        tip = base if not why_not else f"{base} — {why_not}"
        if action.toolTip() != tip:
            action.setToolTip(tip)

    def update_enabled(self, *, read_only: bool, has_ticket: bool, has_identity: bool, busy: bool) -> None:
        for key in self._actions:
            spec = SPECS[key]
            if key in (ActionId.UNDO, ActionId.REDO):
                continue  # the undo stack decides, see TicketWork
            why = ""
            if spec.writes:
                why = self.why_not(read_only=read_only, has_identity=has_identity, busy=busy)
            if not why and spec.needs_ticket and not has_ticket:
                why = _t("Select a ticket first")
            self.set_enabled(key, why)

    def shortcut_table(self) -> list[tuple[str, str, str]]:
        """(menu, action, shortcut) for every action with a shortcut, read from the live QActions, in menu order."""
        rows = []
        for menu in MENUS:
            for key, action in self._actions.items():
                if SPECS[key].menu == menu and not action.shortcut().isEmpty():
                    # the spec's text: live texts carry counts ("Unowned (9)") or the undo step
                    rows.append((_t(menu).replace("&", ""), _t(SPECS[key].text).replace("&", "").rstrip("…"),
                                 action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)))
        return rows
