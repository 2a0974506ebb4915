"""Odd text in imported names: kept as it came (it is history), but said, because it can mislead."""

from __future__ import annotations

import re

# Explicit bidi embeddings, overrides and isolates: a name can display as another (CVE-2021-42574).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def name_warning(name: str) -> str:
    """Why ``name`` may not read as what it is, or ''."""
    if name.isprintable():
        if name.isascii() or not _BIDI.search(name):
            return ""
        return "bidi control characters in a name (it may display as a different name); kept as it came"
    if _BIDI.search(name):
        return "bidi control characters in a name (it may display as a different name); kept as it came"
    return "control characters in a name; kept as it came"
