"""The README's command-line reference cannot drift from ``--help``: every subcommand and option that
argparse knows is listed there, and every line there names a real command and real options."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

from csconsole.cli import build_parser

README = Path(__file__).resolve().parent.parent / "README.md"


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]  # e.g. ("audit", "verify")
    options: tuple[str, ...]  # long option strings, e.g. ("--head",)
    choices: dict[str, tuple[str, ...]]  # option → its choices, where no metavar stands for them


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:  # type: ignore[type-arg]
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def commands(parser: argparse.ArgumentParser | None = None, words: tuple[str, ...] = ()) -> list[Command]:
    """Every leaf command of the parser with its options, as ``csconsole CMD --help`` shows them."""
    parser = parser or build_parser()
    sub = _subparsers(parser)
    if sub is not None:
        return [c for name, child in sub.choices.items() for c in commands(child, (*words, name))]
    options: list[str] = []
    choices: dict[str, tuple[str, ...]] = {}
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
            continue
        name = max(action.option_strings, key=len)
        options.append(name)
        if action.choices and action.metavar is None:
            choices[name] = tuple(map(str, action.choices))
    return [Command(words, tuple(options), choices)]


def reference() -> list[str]:
    """The lines of the first code block under the README's "Command line" heading."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Command line\s*$(.*?)(?=^## )", text, re.M | re.S)
    assert section, "README.md has no '## Command line' section"
    block = re.search(r"^```[^\n]*\n(.*?)^```", section.group(1), re.M | re.S)
    assert block, "the Command line section has no code block"
    lines: list[str] = []
    for line in block.group(1).splitlines():
        if line.startswith("csconsole"):
            lines.append(line.rstrip())
        elif line.startswith(" ") and line.strip() and lines:  # a long usage or description wraps
            more = line.strip()
            lines[-1] += (" " if more.startswith(("[", "-")) else "  ") + more
    return lines


def _usage(line: str) -> str:
    """The usage part of a reference line (the description follows after a run of 2+ spaces)."""
    return re.split(r"\s{2,}", line, maxsplit=1)[0]


def _line_for(command: Command, lines: list[str]) -> str | None:
    words = command.words
    patterns = [" ".join(("csconsole", *words))]
    if words == ("gui",):
        patterns.append("csconsole [gui]")  # the default command
    for line in lines:
        usage = _usage(line)
        for pattern in patterns:
            if usage == pattern or usage.startswith(pattern + " "):
                return usage
    return None


def missing(lines: list[str] | None = None) -> list[str]:
    """What the README lacks, one plain sentence each (empty when it is complete)."""
    lines = reference() if lines is None else lines
    problems: list[str] = []
    for command in commands():
        name = " ".join(command.words)
        usage = _line_for(command, lines)
        if usage is None:
            problems.append(f"no line for `csconsole {name}` (options: {' '.join(command.options) or 'none'})")
            continue
        for option in command.options:
            if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", usage):
                problems.append(f"`csconsole {name}`: option {option} is not listed")
        for option, values in command.choices.items():
            for value in values:
                if not re.search(rf"{re.escape(option)}[ =][^\s\]]*(?<![\w-]){re.escape(value)}(?![\w-])", usage):
                    problems.append(f"`csconsole {name}`: {option} does not list the choice {value!r}")
    return problems


def stale(lines: list[str] | None = None) -> list[str]:
    """Reference lines that name a command or an option argparse does not know."""
    lines = reference() if lines is None else lines
    known = {c.words: c for c in commands()}
    problems: list[str] = []
    for line in lines:
        usage = _usage(line)
        words = tuple(w for w in usage.split()[1:] if re.fullmatch(r"[a-z][a-z-]*", w))
        match = next((known[words[:n]] for n in (2, 1) if words[:n] in known), None)
        if match is None and usage.startswith("csconsole [gui]"):
            match = known[("gui",)]
        if match is None:
            problems.append(f"`{usage}` names no command csconsole has")
            continue
        for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", usage):
            if option not in match.options:
                problems.append(f"`{usage}`: csconsole {' '.join(match.words)} has no option {option}")
    return problems


def test_the_parser_walk_sees_nested_commands_and_options() -> None:
    found = {c.words: c for c in commands()}
    assert ("audit", "verify") in found and ("audit", "head") in found
    assert "--head" in found[("audit", "verify")].options
    assert found[("import",)].choices["--format"] == ("csv", "zendesk", "pack")


def test_the_checker_notices_a_missing_option_and_a_missing_command() -> None:
    lines = reference()
    without_json = [line.replace(" [--json]", "") if line.startswith("csconsole tickets") else line for line in lines]
    assert "`csconsole tickets`: option --json is not listed" in missing(without_json)
    without_rebuild = [line for line in lines if not line.startswith("csconsole rebuild")]
    assert any(p.startswith("no line for `csconsole rebuild`") for p in missing(without_rebuild))
    assert stale([*lines, "csconsole frobnicate PATH"]) == ["`csconsole frobnicate PATH` names no command csconsole has"]


def test_readme_lists_every_command_and_option_of_the_cli() -> None:
    problems = missing()
    assert not problems, "README.md's Command line block is out of date:\n" + "\n".join(problems)


def test_readme_lists_no_command_or_option_the_cli_lacks() -> None:
    problems = stale()
    assert not problems, "README.md's Command line block names what csconsole lacks:\n" + "\n".join(problems)
