"""Reading a Zendesk export (a folder or a .zip of the Support API's JSON answers) into items, each with
its file and JSON path for messages. Nothing is checked here beyond "is this the JSON we expect".

Read in bounded memory: every JSON file is parsed item by item as it streams (``json_stream``), and a zip
is judged on its own directory before a byte is inflated: a member or a total beyond the caps, or a
compression ratio no JSON reaches, is refused as a zip bomb; a member listed twice is refused too (which
one would be the export?).
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from csconsole.domain.errors import BadInput
from csconsole.io.import_file import check_folder, describe_os_error, open_regular, what_it_is
from csconsole.io.import_outcome import MAX_PROBLEMS, Problems
from csconsole.io.json_stream import JsonProblem, lists

RESOURCES: dict[str, str] = {  # JSON key → file name stem
    "tickets": "tickets", "audits": "ticket_audits", "users": "users", "groups": "groups",
    "organizations": "organizations", "ticket_metrics": "ticket_metrics",
    "schedules": "schedules", "sla_policies": "sla_policies",  # business hours and SLA policies, if exported
}
COMBINED = "export.json"
AUDIT_FOLDER = "audits"
SCHEDULE_FOLDER = "schedules"  # schedules/{id}/holidays.json: /api/v2/business_hours/schedules/{id}/holidays
HOLIDAYS = "holidays.json"
_SCHEDULE_ID = re.compile(r"[0-9]{1,19}")
_PAGE = re.compile(r"^(?P<stem>[a-z_]+)(?:[-_](?P<page>\d+))?\.json$")

# What a zip may inflate to, judged from its directory before reading (Python never inflates a member
# beyond the size its directory declares, so these hold while reading too).
MAX_MEMBER_BYTES = 1024**3
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 100  # JSON deflates 5 to 20 times; a bomb thousands of times
RATIO_FROM_BYTES = 1024**2  # below this a member is too small to matter, whatever its ratio


@dataclass(frozen=True)
class Item:
    file: str
    row: str  # JSON path, e.g. tickets[3]
    data: dict[str, Any]


class ExportFiles:
    """A folder or a zip, as relative POSIX names → bytes (a zip's single top folder is looked through)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._stream: BinaryIO | None = None
        self.digest = hashlib.sha256()  # of every byte read, in name order: the export's identity
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise BadInput(f"{path} does not exist") from None
        except OSError as error:
            raise BadInput(describe_os_error(path, error)) from None
        if stat.S_ISDIR(mode):
            check_folder(path)
            self.names = sorted(p.relative_to(path).as_posix() for p in _json_files(path))
            self._prefix = ""
        elif stat.S_ISREG(mode):
            self._stream = open_regular(path, what="Zendesk export")
            if not zipfile.is_zipfile(self._stream):
                self.close()
                raise BadInput(f"{path} is neither a folder nor a .zip of a Zendesk export")
            try:
                self._zip = zipfile.ZipFile(self._stream)
            except (zipfile.BadZipFile, OSError, ValueError) as error:
                self.close()
                raise BadInput(f"{path} is a damaged zip ({error})") from None
            members = self._check_zip(self._zip)
            tops = {n.split("/", 1)[0] for n in members}
            self._prefix = next(iter(tops)) + "/" if len(tops) == 1 and all("/" in n for n in members) else ""
            self.names = sorted(n[len(self._prefix):] for n in members)
        else:
            raise BadInput(f"{path} is {what_it_is(mode)}, not a Zendesk export (a folder or a .zip); nothing was read")

    def _check_zip(self, archive: zipfile.ZipFile) -> list[str]:
        """The JSON members, once the directory says they can be read without a bomb going off."""
        members = [i for i in archive.infolist() if i.filename.endswith(".json") and not i.is_dir()]
        seen: set[str] = set()
        total = 0
        for info in members:
            name = info.filename
            if name in seen:
                self._refuse(f"{name} is in the zip twice; which one is the export? Refused")
            seen.add(name)
            if info.flag_bits & 0x1:
                self._refuse(f"{name} is encrypted; export it again without a password")
            if info.file_size > MAX_MEMBER_BYTES:
                self._refuse(f"{name} would inflate to {_size(info.file_size)}; a member may hold at most "
                             f"{_size(MAX_MEMBER_BYTES)}. Refused before reading")
            if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                self._refuse(f"{name} would inflate {info.file_size // max(info.compress_size, 1):,} times "
                             f"({_size(info.compress_size)} to {_size(info.file_size)}); no JSON deflates more than "
                             f"{MAX_RATIO} times: a zip bomb? Refused before reading")
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            self._refuse(f"the zip would inflate to {_size(total)}; an export may hold at most "
                         f"{_size(MAX_TOTAL_BYTES)}. Refused before reading")
        return [i.filename for i in members]

    def _refuse(self, message: str) -> None:
        self.close()
        raise BadInput(f"{self.path}: {message}")

    @contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        """The member's bytes as a stream, hashed into ``digest`` as they are read."""
        if self._zip is not None:
            with self._zip.open(self._prefix + name) as member:
                yield _Hashing(member, self.digest)  # type: ignore[misc]
            return
        with open_regular(self.path / name, what="JSON file") as handle:
            yield _Hashing(handle, self.digest)  # type: ignore[misc]

    def label(self, name: str) -> str:
        return f"{self.path}/{name}"

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        if self._stream is not None:
            self._stream.close()
            self._stream = None


class _Hashing:
    def __init__(self, stream: IO[bytes], digest: Any) -> None:
        self._stream, self._digest = stream, digest

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._stream.read(size)
        self._digest.update(data)
        return data


def _json_files(folder: Path) -> Iterator[Path]:
    """The .json files of the export folder, its audits/ folder and each schedules/{id}/ folder's
    holidays.json (a walk never follows a link out)."""
    for entry in sorted(folder.iterdir()):
        if entry.name.endswith(".json") and not entry.is_dir():
            yield entry
        elif entry.name == AUDIT_FOLDER and entry.is_dir() and not entry.is_symlink():
            check_folder(entry)
            yield from (p for p in sorted(entry.iterdir()) if p.name.endswith(".json") and not p.is_dir())
        elif entry.name == SCHEDULE_FOLDER and entry.is_dir() and not entry.is_symlink():
            check_folder(entry)
            for schedule in sorted(entry.iterdir()):
                holidays = schedule / HOLIDAYS
                if _SCHEDULE_ID.fullmatch(schedule.name) and schedule.is_dir() and not schedule.is_symlink() \
                        and holidays.is_file():
                    yield holidays


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:.1f} MiB"


def page_key(name: str) -> tuple[str, int]:
    match = _PAGE.match(PurePosixPath(name).name)
    return (match["stem"], int(match["page"] or 0)) if match else ("", 0)


class ExportReader:
    """Collects every resource's items from the files, with their file and JSON path for messages."""

    def __init__(self, files: ExportFiles, problems: list[str]) -> None:
        self.files = files
        self.problems = problems
        self.items: dict[str, list[Item]] = {key: [] for key in RESOURCES}
        self.holidays: dict[int, list[Item]] = {}  # schedule id → its holidays.json's items

    def problem(self, file: str, row: str, column: str, message: str) -> None:
        reporter = Problems(file)
        reporter.lines = self.problems  # one list for every file: all problems, in order, capped once
        reporter.add(row, column, message)

    def read_all(self) -> None:
        by_stem = {stem: key for key, stem in RESOURCES.items()}
        pages: list[tuple[tuple[str, int], str, tuple[str, ...]]] = []
        for name in self.files.names:
            path = PurePosixPath(name)
            if len(path.parts) == 1 and name == COMBINED:
                pages.append((("", 0), name, tuple(RESOURCES)))
            elif len(path.parts) == 1 and page_key(name)[0] in by_stem:
                pages.append((page_key(name), name, (by_stem[page_key(name)[0]],)))
            elif len(path.parts) == 2 and path.parts[0] == AUDIT_FOLDER:
                pages.append((("ticket_audits", 0), name, ("audits",)))
            elif len(path.parts) == 3 and path.parts[0] == SCHEDULE_FOLDER and path.parts[2] == HOLIDAYS \
                    and _SCHEDULE_ID.fullmatch(path.parts[1]):
                pages.append(((HOLIDAYS, int(path.parts[1])), name, ("holidays",)))
        if not any("tickets" in keys for _, _, keys in pages):
            self.problem(str(self.files.path), "-", "-",
                         "no tickets.json (or export.json) here; expected a Zendesk export "
                         "(tickets.json, ticket_audits.json, users.json, groups.json, ...)")
            return
        for (stem, page), name, keys in sorted(pages):
            self._read_file(name, keys, required=name != COMBINED, schedule=page if stem == HOLIDAYS else None)

    def _read_file(self, name: str, keys: tuple[str, ...], *, required: bool, schedule: int | None = None) -> None:
        label = self.files.label(name)
        found: set[str] = set()
        try:
            with self.files.open(name) as stream:
                for key, index, value in lists(stream, keys, found.add):
                    row = f"{key}[{index}]"
                    if isinstance(value, dict):
                        into = self.items[key] if schedule is None else self.holidays.setdefault(schedule, [])
                        into.append(Item(label, row, value))
                    else:
                        self.problem(label, row, "-", "expected an object")
                    if len(self.problems) >= MAX_PROBLEMS:
                        return
        except JsonProblem as problem:
            self.problem(label, problem.row, "-", str(problem))
            return
        except zipfile.BadZipFile as error:  # a bad CRC-32, found at the member's end
            self.problem(label, "$", "-", f"damaged in the zip ({error}); export it again")
            return
        except BadInput as error:
            self.problem(label, "$", "-", str(error))
            return
        except OSError as error:
            self.problem(label, "$", "-", describe_os_error(Path(label), error))
            return
        if required and not found:
            self.problem(label, "$", keys[0], f"missing {keys[0]!r} list")
