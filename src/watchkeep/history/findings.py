"""What is wrong with an import file: every problem, named by its record and field.

A problem reads ``incidents[3] (ref "PD-1234").severity: no severity named "SEV9"; …``: the
record's place in the file, its key when it has one, the field, and what to fix. All of
them are found before anything is written, and refused together (the first
:data:`MAX_LISTED`, with the count of the rest).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from pydantic import ValidationError

from watchkeep.core.errors import Invalid
from watchkeep.history.words import quoted

Loc = tuple[str | int, ...]
MAX_LISTED = 100
SECTIONS = ("users", "services", "change_events", "known_errors", "alerts", "incidents")
KEYS = {
    "users": ("email",),
    "services": ("name",),
    "change_events": ("id",),
    "known_errors": ("title",),
    "alerts": ("id", "title"),
    "incidents": ("ref",),
}
TIMELINE_KINDS = frozenset(
    ("declared", "status", "severity", "role", "update", "note", "alert", "change", "follow_up")
)


def _value(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


class Labels:
    """Names records as the file has them: ``incidents[3] (ref "PD-1234")``.

    ``sections`` are the document's lists, raw (dicts) or parsed (models)."""

    def __init__(self, sections: Mapping[str, Sequence[Any]]) -> None:
        self.sections = sections

    @classmethod
    def of(cls, document: Any) -> "Labels":
        sections = {}
        for name in SECTIONS:
            items = _value(document, name)
            sections[name] = items if isinstance(items, list) else []
        return cls(sections)

    def record(self, section: str, index: int) -> str:
        label = f"{section}[{index}]"
        items = self.sections.get(section, [])
        if not 0 <= index < len(items):
            return label
        for key in KEYS.get(section, ()):
            value = _value(items[index], key)
            if isinstance(value, str) and value.strip():
                return f"{label} ({key} {quoted(value.strip()[:80])})"
        return label


def _path(loc: Loc) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


@dataclass(frozen=True)
class Finding:
    loc: Loc  # the whole path: section, index, field, …
    record: str  # the record the path starts with, as people name it
    field: Loc  # the rest of the path
    message: str

    def __str__(self) -> str:
        return f"{self.record}{_path(self.field)}: {self.message}"


class Findings:
    """The problems found so far in one document."""

    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        self.found: list[Finding] = []

    def add(self, loc: Loc, message: str) -> None:
        """One problem at ``loc`` (section, index, field, …)."""
        if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
            self.found.append(Finding(loc, self.labels.record(loc[0], loc[1]), loc[2:], message))
        else:  # not within a record: the whole path is the field
            self.found.append(Finding(loc, "the file", loc, message))

    def __bool__(self) -> bool:
        return bool(self.found)

    def refuse(self) -> NoReturn:
        """Raise :class:`Invalid` listing every problem, in the file's order."""
        order = {name: n for n, name in enumerate(SECTIONS)}
        found = sorted(
            self.found,
            key=lambda f: (
                order.get(str(f.loc[0]), -1) if f.loc else -1,
                f.loc[1] if len(f.loc) > 1 and isinstance(f.loc[1], int) else 0,
            ),
        )
        listed = found[:MAX_LISTED]
        more = len(found) - len(listed)
        lines = [f"- {finding}" for finding in listed]
        if more:
            lines.append(f"- … and {more} more")
        raise Invalid(
            f"{len(found)} problem(s) in the import; nothing was imported:\n" + "\n".join(lines),
            errors=[{"loc": list(f.loc), "record": f.record, "msg": f.message} for f in listed],
            count=len(found),
        )

    def raise_if_any(self) -> None:
        if self.found:
            self.refuse()


def _without_tags(loc: Loc) -> Loc:
    """A timeline entry's path without the kind pydantic puts in it
    (``timeline, 3, "note", payload`` → ``timeline, 3, payload``)."""
    out: list[str | int] = []
    for part in loc:
        if (
            isinstance(part, str)
            and part in TIMELINE_KINDS
            and len(out) >= 2
            and out[-2] == "timeline"
            and isinstance(out[-1], int)
        ):
            continue
        out.append(part)
    return tuple(out)


_MESSAGES = {
    "missing": "required",
    "extra_forbidden": "unknown field (see docs/import.md for the fields)",
}


def from_errors(errors: Sequence[Mapping[str, Any]], raw: Any) -> Findings:
    """The problems pydantic found in the raw document (decoded JSON), named like the
    others; a request body's paths start with ``body``, which is left out."""
    findings = Findings(Labels.of(raw))
    for problem in errors:
        loc: Loc = tuple(p for p in problem.get("loc", ()) if isinstance(p, str | int))
        if loc[:1] == ("body",):
            loc = loc[1:]
        message = _MESSAGES.get(str(problem.get("type")), str(problem.get("msg", "invalid")))
        findings.add(_without_tags(loc), message)
    return findings


def from_validation(error: ValidationError, raw: Any) -> Findings:
    """The problems of a document that does not parse."""
    return from_errors(error.errors(), raw)
