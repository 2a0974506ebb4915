"""A store on a network filesystem: the CLI says WAL is unsafe there (a faked mount table)."""

from __future__ import annotations

from pathlib import Path

import pytest

from csconsole.cli import main
from csconsole.store.sqlite import netfs
from tests.faults.harness import make_store


def test_the_cli_warns_when_the_store_lies_on_nfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    path = make_store(share / "store.db", n_tickets=2)
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nfiler:/floor {share} nfs4 rw 0 0\n")
    monkeypatch.setattr(netfs.is_network_path, "__defaults__", (mounts,))  # the default is bound at import
    assert main(["stats", str(path)]) == 0
    err = capsys.readouterr().err
    assert "network filesystem" in err and "WAL" in err
