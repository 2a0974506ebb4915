"""The console's Qt layer: widgets, models and the one path by which writes happen."""

import sys

if sys.version_info < (3, 12):  # pragma: no cover - depends on the interpreter
    # PySide6 6.12 drops one reference to None each time C++ receives None from a Python override
    # (a model's data() or headerData(): thousands of times per paint). Before Python 3.12 None is
    # an ordinary counted object, and the process aborts ("deallocating None") within minutes.
    # Giving None a reference count no session can use up makes it as immortal as 3.12 does.
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
