"""Is a path on a network filesystem? SQLite's WAL needs shared memory, which NFS/SMB do not give."""

from __future__ import annotations

import os
from pathlib import Path

NETWORK_TYPES = frozenset({"nfs", "nfs4", "cifs", "smbfs", "smb3", "ncpfs", "afs", "9p", "fuse.sshfs", "davfs"})
MOUNTS = Path("/proc/self/mounts")


def filesystem_type(path: Path, mounts: Path = MOUNTS) -> str | None:
    """The type of the filesystem holding ``path``, from the mount table (Linux); None if unknown."""
    try:
        table = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = os.path.realpath(path if path.exists() else path.parent)
    best: tuple[int, str] | None = None
    for line in table:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and (best is None or len(mount_point) > best[0]):
            best = (len(mount_point), fields[2])
    return best[1] if best else None


def is_network_path(path: Path, mounts: Path = MOUNTS) -> bool:
    kind = filesystem_type(path, mounts)
    return kind is not None and kind.lower() in NETWORK_TYPES
