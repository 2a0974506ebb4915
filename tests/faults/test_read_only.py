"""Read-only: every reading command of the CLI changes no byte of the store, nor grows its WAL."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from csconsole.cli import main
from csconsole.services import open_store, queries, tickets
from tests.faults.harness import make_store, sha256


def _read_commands(store: str, out: Path) -> list[list[str]]:
    return [
        ["stats", store], ["stats", store, "--json"], ["tickets", store], ["tickets", store, "--json"],
        ["tickets", store, "--min-bounces", "1", "--queue", "Billing"], ["tickets", store, "--breached"],
        ["audit", "verify", store], ["audit", "head", store], ["export", store, "--out", str(out)],
    ]


def _files(path: Path) -> tuple[str, str]:
    """The store and its WAL; a read-only open may leave an empty -wal behind, which holds nothing."""
    wal = Path(f"{path}-wal")
    return sha256(path), hashlib.sha256(wal.read_bytes() if wal.exists() else b"").hexdigest()


@pytest.mark.parametrize("writer_open", [False, True], ids=["closed store", "a writer holds it open"])
def test_every_read_command_changes_no_byte(
    writer_open: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_store(tmp_path / "store.db", n_tickets=20)
    writer = open_store(str(path)) if writer_open else None
    if writer is not None:  # leave committed frames in the WAL, not yet checkpointed
        sue, raj = queries.agent_by_name(writer, "Sue").id, queries.agent_by_name(writer, "Raj").id
        tickets.reassign(writer, [3], actor_id=sue, to_id=raj, reason="cover")
    before = _files(path)
    try:
        for n, command in enumerate(_read_commands(str(path), tmp_path / "pack")):
            if command[0] == "export":
                command[-1] = str(tmp_path / f"pack{n}")
            assert main(command) == 0, (command, capsys.readouterr().err)
            assert _files(path) == before, command
    finally:
        if writer is not None:
            writer.close()
    assert "warning" not in capsys.readouterr().err
