"""What an importer may read: a regular file (or, for a Zendesk export, a folder of them), looked at
before a byte is read, so a FIFO, a device or ``/dev/zero`` is refused in one plain line instead of
hanging the import or filling memory."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from csconsole.domain.errors import BadInput

# Far beyond any real export, small enough that a runaway file is refused before the work starts.
MAX_FILE_BYTES = 8 * 1024**3

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def what_it_is(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def describe_os_error(path: Path, error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    if isinstance(error, PermissionError):
        return f"cannot read {path}: permission denied (the file or a folder above it is not readable by you)"
    return f"cannot read {path}: {reason}"


def open_regular(path: Path, *, what: str = "file") -> BinaryIO:
    """Open ``path`` for reading if it is a regular file; refuse anything else plainly.

    Opened without blocking (a FIFO would otherwise wait for a writer forever) and checked on the open
    descriptor, so a file swapped for a pipe between a look and the open is still caught.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise BadInput(f"{path} does not exist") from None
    except IsADirectoryError:
        raise BadInput(f"{path} is a folder, not a {what}") from None
    except OSError as error:
        raise BadInput(describe_os_error(path, error)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(f"{path} is {what_it_is(info.st_mode)}, not a {what}; nothing was read")
        if info.st_size > MAX_FILE_BYTES:
            raise BadInput(f"{path} is {info.st_size / 1024**3:.1f} GiB; an import reads at most "
                           f"{MAX_FILE_BYTES // 1024**3} GiB")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def check_folder(path: Path) -> None:
    """A folder an importer will walk: it exists and can be listed."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BadInput(f"{path} does not exist") from None
    except OSError as error:
        raise BadInput(describe_os_error(path, error)) from None
    if not stat.S_ISDIR(info.st_mode):
        raise BadInput(f"{path} is {what_it_is(info.st_mode)}")
    if not os.access(path, os.R_OK | os.X_OK):
        raise BadInput(f"cannot read {path}: permission denied (the folder is not readable by you)")
