"""What the command line prints besides its results: exit codes, one line of progress on stderr, and
untrusted text made safe for a terminal."""

from __future__ import annotations

import re
from typing import TextIO

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class UsageError(Exception):
    """A command given wrongly: its one line goes to stderr, exit 2."""


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Imported text as a terminal may print it: control characters (an escape sequence can retitle
    the window or clear the screen) and bidi overrides written as escapes, the rest as it is."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class ProgressBar:
    """A one-line progress bar on stderr (quiet when stderr is not a terminal, except the final line)."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.tty = stream.isatty()
        self._last = -1

    def update(self, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if percent == self._last:
            return
        self._last = percent
        if self.tty:
            filled = percent // 4
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (25 - filled)}] {percent:3d}%")
            self.stream.flush()
        elif percent % 10 == 0:
            self.stream.write(f"{self.label}: {percent}%\n")

    def finish(self) -> None:
        if self.tty and self._last >= 0:
            self.stream.write("\n")
            self.stream.flush()
