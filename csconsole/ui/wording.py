"""Counted words for the screens: "1 time", "3 times", with thousands separators."""

from __future__ import annotations


def plural(count: int, one: str, many: str) -> str:
    """``one`` or ``many`` (translated format strings with one ``{0}``), filled with ``count``."""
    return (one if count == 1 else many).format(f"{count:,}")
