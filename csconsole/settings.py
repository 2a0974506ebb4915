"""Every console preference, declared once with its type and default, over QSettings.

Business data lives in the store; only what belongs to this user on this machine lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QLocale, QSettings

from csconsole.domain.recovery import RecoveryTriggers
from csconsole.domain.rules import REASSIGN_REASONS

T = TypeVar("T")

ORGANIZATION = "csconsole"
APPLICATION = "csconsole"
SETTINGS_VERSION = 1


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    kind: type
    default: T
    doc: str


class Prefs:
    """The declared preferences. Read with ``prefs.get(Prefs.X)``, write with ``prefs.set(Prefs.X, v)``."""

    IDENTITY = Setting[str]("identity/agent", str, "", "name of the supervisor at this console")
    LAST_STORE = Setting[str]("store/last", str, "", "the store opened last time")
    GEOMETRY = Setting[QByteArray]("window/geometry", QByteArray, QByteArray(), "main window geometry")
    WINDOW_STATE = Setting[QByteArray]("window/state", QByteArray, QByteArray(), "the toolbar's place")
    SPLITTER = Setting[QByteArray]("window/splitter", QByteArray, QByteArray(), "panel sizes")
    # v2: the columns are sized from the font and ordered anew (issue 14); an older header is left unread
    HEADER = Setting[QByteArray]("tickets/header_v2", QByteArray, QByteArray(), "ticket table columns")
    OPEN_ONLY = Setting[bool]("tickets/open_only", bool, True, "show only open tickets")
    POLL_MS = Setting[int]("live/poll_ms", int, 250, "how often to look for commits by others")
    THEME = Setting[str]("view/theme", str, "system", "system, light or dark")
    WATCHED = Setting[str]("tickets/watched", str, "", "ids of tickets I watch, per store (JSON)")
    REASONS = Setting[list[str]]("tickets/reassign_reasons", list, list(REASSIGN_REASONS),
                            "reasons offered when reassigning, in order")
    CHECKLIST = Setting[str]("recovery/checklist", str, "", "checklist proposed for a new recovery case")
    TRIGGER_BOUNCES = Setting[int]("recovery/min_bounces", int, 3, "propose a recovery case from this many bounces")
    TRIGGER_CONTACTS = Setting[int]("recovery/min_contacts", int, 3, "... or from this many customer contacts")
    TRIGGER_LOYAL_BREACH = Setting[bool]("recovery/loyal_breach", bool, True, "... or a loyal customer's breached SLA")
    IMPORT_FOLDER = Setting[str]("import/folder", str, "", "where the last import was picked from")
    EXPORT_FOLDER = Setting[str]("export/folder", str, "", "where the last audit pack went (else the documents)")
    CURRENCY = Setting[str]("view/currency", str, "", "ISO code shown with goodwill amounts; empty: the locale's")
    PANELS = Setting[list[str]]("window/panels", list, [], "the Recovery and Dashboard tabs open, in order")
    DASHBOARD_GEOMETRY = Setting[QByteArray]("window/dashboard_geometry", QByteArray, QByteArray(),
                                             "the dashboard window's place and size")
    PANEL_CURRENT = Setting[str]("window/panel_current", str, "", "the tab in front: tickets, recovery or dashboard")


class Settings:
    def __init__(self, backend: QSettings | None = None) -> None:
        # INI everywhere: one readable file, and QSettings.setPath (tests, portable installs) applies to it.
        self._q = backend or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)
        if int(str(self._q.value("meta/version", 0) or 0)) < SETTINGS_VERSION:
            self._q.setValue("meta/version", SETTINGS_VERSION)

    def get(self, setting: Setting[T]) -> T:
        raw = self._q.value(setting.key, setting.default)
        if raw is None:
            return setting.default
        if setting.kind is bool and isinstance(raw, str):  # INI files hand booleans back as text
            return raw.lower() in ("true", "1", "yes")  # type: ignore[return-value]
        if setting.kind is list:  # INI hands a one-item list back as a plain string
            items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else []
            kept = [str(i) for i in items if str(i).strip()]
            return (kept or [str(i) for i in setting.default])  # type: ignore[return-value,attr-defined]  # T is list[str] here
        if setting.kind is QByteArray:
            return raw if isinstance(raw, QByteArray) else setting.default  # type: ignore[return-value]
        try:
            return setting.kind(raw)  # type: ignore[no-any-return]
        except (TypeError, ValueError):
            return setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        self._q.setValue(setting.key, value)

    def recovery_triggers(self) -> RecoveryTriggers:
        return RecoveryTriggers(max(1, self.get(Prefs.TRIGGER_BOUNCES)), max(1, self.get(Prefs.TRIGGER_CONTACTS)),
                                self.get(Prefs.TRIGGER_LOYAL_BREACH))

    def currency(self) -> str:
        """The currency goodwill amounts are shown in: the preference, else the locale's, else USD (the demo
        floor's policies speak dollars)."""
        chosen = self.get(Prefs.CURRENCY).strip().upper()
        return chosen or QLocale().currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode) or "USD"

    def sync(self) -> None:
        self._q.sync()
