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


class ImportPaused(DomainError):
    """A checked batch stopped between two of its short transactions (a cancel, Ctrl+C): what was
    appended stays, and importing the same file again appends the rest."""

    def __init__(self, file: Path | str, done: int, total: int, *, interrupted: bool = False) -> None:
        super().__init__(f"{file}: the import stopped after {done:,} of {total:,} rows; those are in the store. "
                         "Import the same file again to append the rest")
        self.done, self.total, self.interrupted = done, total, interrupted


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
    warnings: list[str] = field(default_factory=list)  # FILE:ROW:FIELD lines kept as imported, but odd
    batch: str = ""  # the data["import"] mark on every event of this import
    resumed_from: int = 0  # rows a cut-short run of the same import had already appended


class Problems:
    """Collects ``FILE:ROW:FIELD: message`` lines; ROW is a line number (CSV) or a JSON path (Zendesk)."""

    def __init__(self, file: Path | str) -> None:
        self.file = file
        self.lines: list[str] = []

    def add(self, line: int | str, column: str, message: str) -> None:
        if len(self.lines) < MAX_PROBLEMS:
            self.lines.append(f"{self.file}:{line}:{column}: {message}")

    @property
    def full(self) -> bool:
        """As many problems as will be shown: reading further would only cost time."""
        return len(self.lines) >= MAX_PROBLEMS

    def raise_if_any(self) -> None:
        if self.lines:
            raise ImportRejected(self.lines)
