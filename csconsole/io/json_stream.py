"""The lists of a JSON object, item by item, as the file is read (ijson's C parser underneath), so a
Zendesk page of any size is never held whole, and a hostile file is refused with a plain reason: nesting
deeper than any API answer, a number beyond what a store can hold, text that is not UTF-8 or not JSON."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import ijson

MAX_DEPTH = 64  # Zendesk's answers nest about 6 deep; Python's own json gives up near 1,000
MAX_ITEM_EVENTS = 2_000_000  # one ticket or audit; far beyond a real one, far below what fills memory


class JsonProblem(Exception):
    """The file cannot be read as the JSON we expect; ``row`` is the JSON path where it was found."""

    def __init__(self, row: str, message: str) -> None:
        super().__init__(message)
        self.row = row


def lists(stream: BinaryIO, keys: tuple[str, ...], found: Callable[[str], None]) -> Iterator[tuple[str, int, Any]]:
    """(key, index, item) for every item of the top-level lists named ``keys``; other members are skipped.

    ``found(key)`` is called when a list starts; a key whose value is not a list raises JsonProblem.
    """
    events = _events(stream)
    event, _ = _next(events, "$")
    if event != "start_map":
        raise JsonProblem("$", "expected a JSON object like the Zendesk API returns")
    while True:
        event, key = _next(events, "$")
        if event == "end_map":
            break
        if key in keys:
            event, value = _next(events, key)
            if event != "start_array":
                raise JsonProblem(key, f"expected a list of {key}")
            found(key)
            index = 0
            while True:
                event, value = _next(events, f"{key}[{index}]")
                if event == "end_array":
                    break
                yield key, index, _build(events, event, value, f"{key}[{index}]")
                index += 1
        else:
            _skip(events, _next(events, str(key))[0], str(key))
    for _event in events:  # only whitespace may follow; the parser says so if not
        raise JsonProblem("$", "more JSON after the top-level object")


def _events(stream: BinaryIO) -> Iterator[tuple[str, Any]]:
    try:
        yield from ijson.basic_parse(stream, use_float=True)
    except ijson.JSONError as error:  # integer overflow (beyond 64 bits, e.g. 5,000 digits) included
        raise JsonProblem("$", f"not JSON: {_plain(str(error))}") from None
    except UnicodeDecodeError:
        raise JsonProblem("$", "not UTF-8 text") from None
    except (ValueError, OverflowError) as error:
        raise JsonProblem("$", f"not JSON: a value that cannot be read ({_plain(str(error))})") from None


def _plain(text: str) -> str:
    """yajl's message without its excerpt of the file (which may hold anything): "parse error: ..."."""
    text = text[2:] if text.startswith(("b'", 'b"')) else text
    first = text.replace("\\n", "\n").split("\n")[0]
    return " ".join(first.split("(right here)")[0].split())[:120].rstrip(" :")


def _next(events: Iterator[tuple[str, Any]], row: str) -> tuple[str, Any]:
    try:
        return next(events)
    except StopIteration:
        raise JsonProblem(row, "not JSON: the file ends in the middle of it") from None


def _build(events: Iterator[tuple[str, Any]], event: str, value: Any, row: str) -> Any:
    """One value from its first event, iteratively (no recursion), refusing deep nesting early."""
    if event not in ("start_map", "start_array"):
        return value
    root: Any = {} if event == "start_map" else []
    stack: list[Any] = [root]
    keys: list[str | None] = [None]
    seen = 0
    while stack:
        event, value = _next(events, row)
        seen += 1
        if seen > MAX_ITEM_EVENTS:
            raise JsonProblem(row, f"an item of more than {MAX_ITEM_EVENTS:,} values; not a Zendesk record")
        top = stack[-1]
        if event == "map_key":
            keys[-1] = value
            continue
        if event in ("end_map", "end_array"):
            stack.pop()
            keys.pop()
            continue
        if event in ("start_map", "start_array"):
            if len(stack) >= MAX_DEPTH:
                raise JsonProblem(row, f"nested more than {MAX_DEPTH} levels deep; not a Zendesk record")
            child: Any = {} if event == "start_map" else []
            _put(top, keys[-1], child)
            stack.append(child)
            keys.append(None)
            continue
        _put(top, keys[-1], value)
    return root


def _put(container: Any, key: str | None, value: Any) -> None:
    if isinstance(container, list):
        container.append(value)
    else:
        container[key] = value


def _skip(events: Iterator[tuple[str, Any]], event: str, row: str) -> None:
    depth = 1 if event in ("start_map", "start_array") else 0
    while depth:
        event, _ = _next(events, row)
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_DEPTH:
                raise JsonProblem(row, f"nested more than {MAX_DEPTH} levels deep; not a Zendesk export")
        elif event in ("end_map", "end_array"):
            depth -= 1
