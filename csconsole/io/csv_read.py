"""Reading a CSV file as it comes, in bounded memory: lines of bounded length, decoded strictly as UTF-8,
each problem named as ``FILE:ROW:FIELD: message``.

The csv module reads whatever lines it is given, so a file without a newline (or ``/dev/zero``) would
reach it as one endless line: the lines are cut here first, and a line longer than any real row is
refused with the field it was in.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from typing import BinaryIO

from csconsole.io.import_outcome import Problems

MAX_FIELD = 10_000  # characters; longer is not a note, it is a mistake
MAX_LINE_BYTES = 256 * 1024  # a row of twelve full fields in 4-byte characters would still be far less
_CHUNK = 1 << 20
_BOM = b"\xef\xbb\xbf"


class Lines:
    """The decoded lines of a binary stream (newlines kept, as csv wants them); hashes what it reads."""

    def __init__(self, stream: BinaryIO, problems: Problems) -> None:
        self.stream = stream
        self.problems = problems
        self.digest = hashlib.sha256()
        self.bytes_read = 0
        self.header: list[str] = []  # set by the caller once known, to name the field of a long line

    def __iter__(self) -> Iterator[str]:
        pending = b""
        number = 0
        while True:
            chunk = self.stream.read(_CHUNK)
            self.digest.update(chunk)
            if not self.bytes_read and chunk.startswith(_BOM):
                chunk = chunk[len(_BOM):]
            self.bytes_read += len(chunk)
            if not chunk:
                if pending:
                    yield self._decode(pending, number + 1)
                return
            pieces = (pending + chunk).split(b"\n")
            pending = pieces.pop()  # what follows the last newline: the start of the next line
            for piece in pieces:
                number += 1
                yield self._decode(piece + b"\n", number)
            if len(pending) > MAX_LINE_BYTES:
                self._too_long(pending, number + 1)

    def _decode(self, raw: bytes, number: int) -> str:
        if len(raw) > MAX_LINE_BYTES:
            self._too_long(raw, number)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            self.problems.add(number, "-", f"not UTF-8 text (byte 0x{raw[error.start]:02x} at column "
                                           f"{error.start + 1}); save the file as UTF-8")
            self.problems.raise_if_any()
            raise AssertionError("unreachable") from None

    def _too_long(self, raw: bytes, number: int) -> None:
        """Refuse now, naming the field that runs on (the first one longer than a field may be)."""
        index = _long_field(raw[:MAX_LINE_BYTES].decode("utf-8", errors="replace"))
        column = self.header[index] if index < len(self.header) else "-"
        self.problems.add(number, column, f"a line of more than {MAX_LINE_BYTES:,} bytes (a field holds at most "
                                          f"{MAX_FIELD:,} characters); nothing was imported")
        self.problems.raise_if_any()


def _long_field(text: str) -> int:
    """The index of the first field of a CSV line's start that is longer than MAX_FIELD characters."""
    index = length = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted  # a doubled quote toggles twice: the count of fields is all that matters
        elif char == "," and not quoted:
            index, length = index + 1, 0
            continue
        length += 1
        if length > MAX_FIELD:
            break
    return index


def records(lines: Lines, expected: tuple[str, ...], problems: Problems) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: stripped value}) for every non-blank row, after checking the header."""
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        problems.add(1, "-", "the file is empty; expected a header row: " + ",".join(expected))
        problems.raise_if_any()
        raise AssertionError("unreachable") from None
    except csv.Error as error:
        problems.add(1, "-", f"not a CSV header row ({error})")
        problems.raise_if_any()
        raise AssertionError("unreachable") from None
    names = [h.strip().lower() for h in header]
    lines.header = names
    for column in expected:
        if column not in names:
            problems.add(1, column, "missing column")
    for column in names:
        if column not in expected:
            if column and column.isprintable() and ":" not in column:
                problems.add(1, column, "unknown column")
            else:  # NULs, control characters or ':' would break the one-line FILE:ROW:FIELD message
                problems.add(1, "-", f"unknown column {column!r}")
    problems.raise_if_any()
    line = 1
    try:
        for values in reader:
            line = reader.line_num
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(names):
                problems.add(line, "-", f"{len(values)} fields where the header has {len(names)}")
                continue
            stripped = [v.strip() for v in values]
            record = dict(zip(names, stripped, strict=True))
            if max(map(len, stripped)) > MAX_FIELD or "\x00" in "".join(stripped):  # rare: say which field
                for column, value in record.items():
                    if len(value) > MAX_FIELD:
                        problems.add(line, column, f"{len(value):,} characters; at most {MAX_FIELD:,} are accepted")
                    if "\x00" in value:
                        problems.add(line, column, "a NUL byte; the field is not text")
            yield line, record
    except csv.Error as error:
        text = str(error)
        if "field larger than field limit" in text:
            text = f"a field of more than {csv.field_size_limit():,} characters; at most {MAX_FIELD:,} are accepted"
        else:
            text = f"broken CSV ({text})"
        problems.add(reader.line_num or line + 1, "-", text)
        problems.raise_if_any()
