"""Who is at the console: the one identity every controller that writes asks for."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from csconsole.domain.rules import Agent
from csconsole.ui.messages import Messages


class Who(QObject):
    changed = Signal()  # someone else is at the console now (or nobody)

    def __init__(self, agent: Agent | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.agent = agent

    def set(self, agent: Agent | None) -> None:
        self.agent = agent
        self.changed.emit()

    def id_or_tell(self, messages: Messages) -> int | None:
        """The actor id for a write; nobody signed in is told so, once, in plain words."""
        if self.agent is None:
            messages.error(self.tr("Choose who is at the console first (File menu)."))
            return None
        return self.agent.id
