"""Compact JSON text (no spaces, ASCII), exactly ``json.dumps(value, separators=(",", ":"))``.

The derived columns hold a few JSON texts a ticket (its holder path, its clocks), made again for every
ticket by ``rebuild`` and ``audit verify``. ``json.dumps`` builds a new encoder at each call, which costs
more than encoding a short list; one C encoder made once gives the same text in a third of the time.
"""

from __future__ import annotations

import json
from json import encoder as _encoder
from typing import Any


def _make() -> Any:
    maker = getattr(_encoder, "c_make_encoder", None)
    if maker is None:  # a Python without the C accelerator: the plain call
        return None
    plain = json.JSONEncoder(separators=(",", ":"))
    # (markers, default, encoder, indent, key separator, item separator, sort_keys, skipkeys, allow_nan),
    # as JSONEncoder.iterencode passes them for a one-shot encoding with these settings, but no markers:
    # a shared marker table could keep a failed call's entries. The values here are never circular.
    return maker(None, plain.default, _encoder.encode_basestring_ascii, None, ":", ",", False, False, True)


_C = _make()


def dumps(value: Any) -> str:
    if _C is None:
        return json.dumps(value, separators=(",", ":"))
    return "".join(_C(value, 0))
