"""Inputs for benchmarks/imports.py and the import tests: a large event log and hostile files, made here."""

from __future__ import annotations

import io
import json
import os
import random
import zipfile
from pathlib import Path

HEADER = "ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note\n"
QUEUES = ("Billing", "Tech", "Returns", "Sales")
AGENTS = ("Ana", "Raj", "Li", "Omar", "Mei", "Tom")


def event_log(path: Path, rows: int, *, seed: int = 5, prefix: str = "L") -> Path:
    """``rows`` events, ~6 a ticket (created, take, transfer, contact, reply, status), tickets interleaved
    in time order as a real helpdesk log is; written in pieces, never held whole."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        written = n = 0
        base = 1_767_225_600  # 2026-01-01
        while written < rows:
            n += 1
            ref = f"{prefix}-{n}"
            t = base + n * 20
            queue, other = rng.sample(QUEUES, 2)
            agent, colleague = rng.sample(AGENTS, 2)
            story = [
                f"{ref},{_at(t)},created,,{queue},,Customer {n % 5000},Problem {n},phone,normal,,",
                f"{ref},{_at(t + 60)},take,{agent},{queue},,,,,,,",
                f"{ref},{_at(t + 600)},transfer,{agent},{other},{colleague},,,,,,Needs {other}",
                f"{ref},{_at(t + 900)},contact,Customer {n % 5000},,,,,,,,Still waiting",
                f"{ref},{_at(t + 1200)},reply,{colleague},,,,,,,,Fixed it",
                f"{ref},{_at(t + 1500)},status,{colleague},,,,,,,resolved,",
            ]
            for line in story[: rows - written]:
                out.write(line + "\n")
                written += 1
    return path


def _at(epoch: int) -> str:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def huge_field(path: Path, megabytes: int = 200) -> Path:
    """A valid first row, then a note of ``megabytes`` MB on one line."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "H-1,2026-03-02T09:00:00Z,created,,Billing,,Acme,Broken,phone,high,,\n")
        out.write("H-1,2026-03-02T09:05:00Z,note,Ana,,,,,,,,")
        block = "x" * (1 << 20)
        for _ in range(megabytes):
            out.write(block)
        out.write("\n")
    return path


def zip_bomb(path: Path, gigabytes: float = 2.0) -> Path:
    """A Zendesk-looking zip whose tickets.json inflates to ``gigabytes`` GB of spaces (a few MB on disk)."""
    size = int(gigabytes * 1024**3)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("tickets.json", "w", force_zip64=True) as member:
            member.write(b'{"tickets": [')
            block = b" " * (8 << 20)
            left = size
            while left > 0:
                member.write(block[: min(left, len(block))])
                left -= len(block)
            member.write(b"]}")
        archive.writestr("users.json", json.dumps({"users": []}))
    return path


def deep_json(folder: Path, depth: int = 100_000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tickets.json").write_bytes(b'{"tickets": [' + b"[" * depth + b"]" * depth + b"]}")
    return folder


def bad_crc_zip(path: Path, export: Path) -> Path:
    """A copy of the export folder as a zip, with one byte of tickets.json changed inside the archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for file in sorted(export.rglob("*.json")):
            archive.write(file, file.relative_to(export).as_posix())
    data = bytearray(buffer.getvalue())
    at = data.find(b'"tickets"', data.find(b"tickets.json") + 12)
    data[at + 1] ^= 0x01  # stored, so the member's bytes lie as they are: its CRC no longer matches
    path.write_bytes(bytes(data))
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path
