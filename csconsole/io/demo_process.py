"""The demo build's processes: a story writer that never outlives its parent, and one build per path.

A killed ``csconsole demo`` left its story writer running (one was alive an hour later), and two builds
on one path at once wrote into the same ``.building`` file: one reported success for a store holding the
other's data.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from queue import Empty, Full
from typing import Any

from csconsole.domain.errors import BadInput

_PR_SET_PDEATHSIG = 1
_PUT_WAIT_SECONDS = 1.0


def die_with_parent(parent_pid: int) -> None:
    """In the child: be killed when the parent dies (Linux), and leave now if it is already gone."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass  # no prctl: put_while_parent_lives still notices
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)


def put_while_parent_lives(queue: Any, item: object, parent_pid: int) -> None:
    """Hand ``item`` over, giving up (the process exits) once the parent is gone: a bounded queue nobody
    reads would otherwise hold the child forever, wherever prctl does not exist."""
    while True:
        try:
            queue.put(item, timeout=_PUT_WAIT_SECONDS)
            return
        except Full:
            if os.getppid() != parent_pid:
                os._exit(1)


@contextmanager
def one_build_at_a_time(path: Path) -> Iterator[None]:
    """Hold ``PATH.building.lock`` for the build; a second build of the same path is refused at once.

    An advisory lock (flock) dies with its process, so a killed build never blocks the next one.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no flock; two builds of one path there are the user's to avoid
        yield
        return
    lock = path.with_name(path.name + ".building.lock")
    handle = lock.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BadInput(f"{path} is being built by another csconsole demo right now; wait for it to "
                           "finish or choose another path") from None
        if path.exists():  # the other build finished between our look and the lock
            raise BadInput(f"{path} already exists; the demo never overwrites a store")
        yield
        lock.unlink(missing_ok=True)  # while held: a later build sees the finished store, not the lock
    finally:
        handle.close()


def _produce(stories: Callable[[Any], Iterable[Any]], floor: Any, out: Any, parent: int) -> None:
    """The producer process: stories into the queue, then None; an error travels as its message."""
    die_with_parent(parent)
    try:
        for batch in stories(floor):
            put_while_parent_lives(out, batch, parent)
        put_while_parent_lives(out, None, parent)
    except BaseException as error:
        put_while_parent_lives(out, f"{type(error).__name__}: {error}", parent)


def stories_in_child(stories: Callable[[Any], Iterable[Any]], floor: Any) -> Iterator[Any]:
    """``stories(floor)``'s batches, written by a second process while this one stores them."""
    # spawn, not fork: the console calls this from a worker thread of a Qt process.
    context = multiprocessing.get_context("spawn")
    out = context.Queue(maxsize=4)  # bounded: the producer waits rather than filling memory
    producer = context.Process(target=_produce, args=(stories, floor, out, os.getpid()),
                               name="csconsole-demo-stories", daemon=True)
    producer.start()
    try:
        while True:
            try:
                item = out.get(timeout=5)
            except Empty:
                if not producer.is_alive():
                    raise RuntimeError("the demo's story process stopped unexpectedly") from None
                continue
            if item is None:
                return
            if isinstance(item, str):
                raise RuntimeError(f"the demo's story process failed: {item}")
            yield item
    finally:
        if producer.is_alive():
            producer.terminate()
        producer.join(timeout=10)
