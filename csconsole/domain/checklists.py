"""Service-recovery checklists as data (DESIGN §3): AWARE by default, HEARD and LEARN ship too.

A checklist is a name and an ordered list of steps. Each step says what it records besides its note
(``records``): nothing, the promise (Agree), the resolution (Resolve) or the evaluation (Evaluate).
A business defines its own checklist as the same data, without touching the code. A case stores the
checklist it was opened with inside its opening event, so editing a checklist never changes old cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from csconsole.domain.errors import BadInput


class Records(StrEnum):
    """What a step records besides its note."""

    NOTE = "note"
    PROMISE = "promise"  # what was promised and the promised-by date
    RESOLUTION = "resolution"  # fix, goodwill (kind, amount), follow-up date, outcome
    EVALUATION = "evaluation"  # root cause, policy, what should change


@dataclass(frozen=True, slots=True)
class Step:
    key: str  # lower-case name, what the CLI's --step takes
    title: str
    hint: str = ""
    records: Records = Records.NOTE


@dataclass(frozen=True, slots=True)
class Checklist:
    name: str
    steps: tuple[Step, ...]
    description: str = ""

    def step(self, key: str) -> Step:
        wanted = key.strip().lower()
        for step in self.steps:
            if step.key == wanted:
                return step
        names = ", ".join(s.key for s in self.steps)
        raise BadInput(f"the {self.name} checklist has no step {key!r} (steps: {names})")

    def index(self, key: str) -> int:
        return self.steps.index(self.step(key))

    def to_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "steps": [{"key": s.key, "title": s.title, "hint": s.hint, "records": s.records.value}
                      for s in self.steps],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Checklist:
        return make_checklist(
            str(data.get("name", "")),
            [(str(s.get("title", "")), str(s.get("hint", "")), str(s.get("records", "note")))
             for s in data.get("steps", [])],
            description=str(data.get("description", "")),
        )


def make_checklist(
    name: str, steps: list[tuple[str, str, str]], *, description: str = ""
) -> Checklist:
    """A checklist from (title, hint, records) rows; refuses an unusable one with a plain message."""
    label = name.strip()
    if not label:
        raise BadInput("a checklist needs a name")
    if not steps:
        raise BadInput(f"checklist {label!r} needs at least one step")
    built: list[Step] = []
    for title, hint, records in steps:
        text = title.strip()
        if not text:
            raise BadInput(f"checklist {label!r}: every step needs a name")
        try:
            kind = Records(records.strip().lower() or "note")
        except ValueError:
            allowed = ", ".join(r.value for r in Records)
            raise BadInput(f"checklist {label!r}: step {text!r} records {records!r} (expected one of: {allowed})") from None
        built.append(Step(text.lower(), text, hint.strip(), kind))
    keys = [s.key for s in built]
    if len(set(keys)) != len(keys):
        raise BadInput(f"checklist {label!r} names a step twice")
    for special in (Records.PROMISE, Records.RESOLUTION, Records.EVALUATION):
        if sum(s.records is special for s in built) > 1:
            raise BadInput(f"checklist {label!r} has more than one {special.value} step")
    return Checklist(label, tuple(built), description.strip())


AWARE = make_checklist(
    "AWARE",
    [
        ("Acknowledge", "Stop, acknowledge what happened and apologise sincerely.", "note"),
        ("Widen", "See it from the customer's side, in their words; bring them into the solution.", "note"),
        ("Agree", "Agree what will be done, by whom, by when.", "promise"),
        ("Resolve", "Do it as promised; record the fix, any goodwill, and follow up.", "resolution"),
        ("Evaluate", "Find the systemic cause so it does not happen again.", "evaluation"),
    ],
    description="Micah Solomon's AWARE service-recovery framework (the default).",
)
HEARD = make_checklist(
    "HEARD",
    [
        ("Hear", "Let the customer tell the whole story without interrupting.", "note"),
        ("Empathize", "Show you understand how they feel.", "note"),
        ("Apologize", "Apologise sincerely for what happened.", "note"),
        ("Resolve", "Fix it, record any goodwill, and follow up.", "resolution"),
        ("Diagnose", "Find why it happened so it does not happen again.", "evaluation"),
    ],
    description="Hear, Empathize, Apologize, Resolve, Diagnose.",
)
LEARN = make_checklist(
    "LEARN",
    [
        ("Listen", "Listen to the whole complaint.", "note"),
        ("Empathize", "Acknowledge the customer's feelings.", "note"),
        ("Apologize", "Apologise for the experience.", "note"),
        ("Respond", "Put it right, record any goodwill, and follow up.", "resolution"),
        ("Notify", "Tell the owners of the cause so it gets fixed.", "evaluation"),
    ],
    description="Listen, Empathize, Apologize, Respond, Notify.",
)
BUILT_IN: dict[str, Checklist] = {c.name: c for c in (AWARE, HEARD, LEARN)}
DEFAULT = AWARE
