"""What every importer ends with: a result, a rejection naming each problem as ``FILE:ROW:FIELD: message``,
or a cancel. Shared by the CSV and the Zendesk importers (and any added later)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from csconsole.domain.errors import DomainError
from csconsole.domain.findings import Finding

MAX_PROBLEMS = 200

Progress = Callable[[int, int], None]


class ImportCancelled(DomainError):
    """Raised inside the import session: it rolls back, so nothing of the import is written."""

    def __init__(self) -> None:
        super().__init__("import cancelled; nothing was written")


class ImportRejected(DomainError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "import rejected")
        self.problems = problems


@dataclass
class ImportResult:
    tickets: int
    new_tickets: int
    events: int
    findings: list[Finding] = field(default_factory=list)


class Problems:
    """Collects ``FILE:ROW:FIELD: message`` lines; ROW is a line number (CSV) or a JSON path (Zendesk)."""

    def __init__(self, file: Path | str) -> None:
        self.file = file
        self.lines: list[str] = []

    def add(self, line: int | str, column: str, message: str) -> None:
        if len(self.lines) < MAX_PROBLEMS:
            self.lines.append(f"{self.file}:{line}:{column}: {message}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise ImportRejected(self.lines)
