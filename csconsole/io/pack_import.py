"""A store rebuilt from an audit pack (``csconsole import NEW.db PACK --format pack``).

The pack's manifest names ``raw/events.jsonl`` with its sha256: a file that no longer matches is refused
before anything is written. The events go into the new store as the pack carried them, every derived
table is rebuilt from them, and the store is verified: it holds the same head as the store the pack was
made from. All of it in one transaction, or none of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csconsole.domain.errors import BadInput
from csconsole.io.pack_raw import EVENTS, read_rows
from csconsole.services import audit
from csconsole.store import restore
from csconsole.store.store import Store

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class PackImport:
    events: int
    head: audit.Head
    pack_head: tuple[int, str] | None  # what the manifest says the head was when the pack was made
    verdict: audit.Verdict


def import_pack(store: Store, folder: Path) -> PackImport:
    manifest = _manifest(folder)
    events = folder / EVENTS
    listed = {entry.get("name"): entry for entry in manifest.get("files", []) if isinstance(entry, Mapping)}
    entry = listed.get(EVENTS)
    if entry is None or not events.is_file():
        raise BadInput(f"{folder} has no {EVENTS}: it is not an audit pack a store can be rebuilt from")
    if _sha256(events) != entry.get("sha256"):
        raise BadInput(f"{events} does not match its sha256 in {MANIFEST}: it changed after the pack was made")
    with store.atomic():
        head, _ = restore.restore_events(store, _numbered(events))
    chain = manifest.get("chain") or {}
    kept = (chain["seq"], chain["head"]) if isinstance(chain, Mapping) and "head" in chain else None
    return PackImport(head.seq, head, kept, audit.verify(store, kept[1] if kept else None))


def _numbered(file: Path) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for number, row in enumerate(read_rows(file), 1):
        yield f"{file}:{number}", row


def _manifest(folder: Path) -> Mapping[str, Any]:
    file = folder / MANIFEST
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder: an audit pack is the folder `csconsole export` wrote")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except OSError:
        raise BadInput(f"{folder} has no {MANIFEST}: it is not an audit pack (or it was not finished)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadInput(f"{file}: not JSON ({error})") from None
    if not isinstance(manifest, dict):
        raise BadInput(f"{file}: not a pack's manifest")
    return manifest


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
