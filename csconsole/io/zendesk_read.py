"""Reading a Zendesk export (a folder or a .zip of the Support API's JSON answers) into items, each with
its file and JSON path for messages. Nothing is checked here beyond "is this the JSON we expect"."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from csconsole.domain.errors import BadInput
from csconsole.io.import_outcome import Problems

RESOURCES: dict[str, str] = {  # JSON key → file name stem
    "tickets": "tickets", "audits": "ticket_audits", "users": "users", "groups": "groups",
    "organizations": "organizations", "ticket_metrics": "ticket_metrics",
}
COMBINED = "export.json"
AUDIT_FOLDER = "audits"
_PAGE = re.compile(r"^(?P<stem>[a-z_]+)(?:[-_](?P<page>\d+))?\.json$")


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
        if path.is_dir():
            self.names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*.json") if p.is_file())
            self._prefix = ""
        elif path.is_file() and zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            members = [n for n in self._zip.namelist() if n.endswith(".json") and not n.endswith("/")]
            tops = {n.split("/", 1)[0] for n in members}
            self._prefix = next(iter(tops)) + "/" if len(tops) == 1 and all("/" in n for n in members) else ""
            self.names = sorted(n[len(self._prefix):] for n in members)
        elif path.exists():
            raise BadInput(f"{path} is neither a folder nor a .zip of a Zendesk export")
        else:
            raise BadInput(f"{path} does not exist")

    def read(self, name: str) -> bytes:
        if self._zip is not None:
            return self._zip.read(self._prefix + name)
        return (self.path / name).read_bytes()

    def label(self, name: str) -> str:
        return f"{self.path}/{name}"

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def page_key(name: str) -> tuple[str, int]:
    match = _PAGE.match(PurePosixPath(name).name)
    return (match["stem"], int(match["page"] or 0)) if match else ("", 0)


class ExportReader:
    """Collects every resource's items from the files, with their file and JSON path for messages."""

    def __init__(self, files: ExportFiles, problems: list[str]) -> None:
        self.files = files
        self.problems = problems
        self.items: dict[str, list[Item]] = {key: [] for key in RESOURCES}

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
        if not any("tickets" in keys for _, _, keys in pages):
            self.problem(str(self.files.path), "-", "-",
                         "no tickets.json (or export.json) here; expected a Zendesk export "
                         "(tickets.json, ticket_audits.json, users.json, groups.json, ...)")
            return
        for _, name, keys in sorted(pages):
            self._read_file(name, keys, required=name != COMBINED)

    def _read_file(self, name: str, keys: tuple[str, ...], *, required: bool) -> None:
        label = self.files.label(name)
        try:
            document = json.loads(self.files.read(name).decode("utf-8-sig"))
        except UnicodeDecodeError:
            self.problem(label, "$", "-", "not UTF-8 text")
            return
        except json.JSONDecodeError as error:
            self.problem(label, "$", "-", f"not JSON: {error.msg} at line {error.lineno} column {error.colno}")
            return
        if not isinstance(document, dict):
            self.problem(label, "$", "-", "expected a JSON object like the Zendesk API returns")
            return
        found = False
        for key in keys:
            if key not in document:
                continue
            found = True
            values = document[key]
            if not isinstance(values, list):
                self.problem(label, key, "-", f"expected a list of {key}")
                continue
            for index, value in enumerate(values):
                row = f"{key}[{index}]"
                if isinstance(value, dict):
                    self.items[key].append(Item(label, row, value))
                else:
                    self.problem(label, row, "-", "expected an object")
        if required and not found:
            self.problem(label, "$", keys[0], f"missing {keys[0]!r} list")
