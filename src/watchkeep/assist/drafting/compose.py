"""The deterministic drafter: it selects facts from the record and phrases them, every
sentence citing where it came from. It never guesses: what the record does not say, it says
the record does not say, and a change is never called the cause unless the record's root
cause names it (a rollback followed by the end of the impact is reported as that, evidence
for people to weigh; a deploy in the window is only listed).
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from watchkeep.assist.drafting.citing import (
    LABELS,
    Sources,
    change_source,
    quoted,
    sentence,
    short,
    slug,
    span,
    update_source,
    when,
)
from watchkeep.assist.drafting.record import ChangeFact, Entry, Record, Source


@dataclass(frozen=True)
class Sentence:
    text: str
    cites: tuple[str, ...]

    def markdown(self) -> str:
        return self.text + "".join(f"[^{key}]" for key in self.cites)


@dataclass(frozen=True)
class Block:
    """A paragraph of sentences, or a list with a sentence per item."""

    sentences: tuple[Sentence, ...]
    bullets: bool = False

    def markdown(self) -> str:
        if self.bullets:
            return "\n".join(f"- {s.markdown()}" for s in self.sentences)
        return " ".join(s.markdown() for s in self.sentences)


@dataclass(frozen=True)
class Draft:
    sections: Mapping[str, tuple[Block, ...]]
    sources: Mapping[str, Source]

    def markdown(self, key: str) -> str:
        return "\n\n".join(b.markdown() for b in self.sections.get(key, ()) if b.sentences)

    def sentences(self) -> list[Sentence]:
        return [s for blocks in self.sections.values() for b in blocks for s in b.sentences]


KEY_KINDS = frozenset(
    {
        "declared",
        "status_changed",
        "severity_changed",
        "role_assigned",
        "alert",
        "known_error_matched",
        "incident_merged",
    }
)
"""Timeline entries that belong in the post-mortem's timeline (and pinned notes, and status
updates)."""

ROLLBACK = re.compile(r"\b(roll(ed|ing)?[ -]?back|revert(ed|ing)?|undo|undid|downgrad\w*)\b", re.I)
RECOVERY_WINDOW_MINUTES = 30
"""A rollback this close before the impact ended is reported next to that end."""


def _impact_end(record: Record) -> tuple[str, datetime] | None:
    if record.mitigated_at is not None:
        return "mitigated_at", record.mitigated_at
    if record.resolved_at is not None:
        return "resolved_at", record.resolved_at
    return None


def _time(sources: Sources, name: str) -> str:
    return sources.field(name, LABELS[name], getattr(sources.record, name))


def compose(record: Record) -> Draft:
    """Every section the drafter knows how to write, from the record alone."""
    sources = Sources(record)
    sections = {key: tuple(write(record, sources)) for key, write in WRITERS.items()}
    return Draft(sections, dict(sources.known))


# --- sections ---------------------------------------------------------------------------------


def _summary(record: Record, src: Sources) -> Iterable[Block]:
    services = ", ".join(name for name, _ in record.services)
    opening = f"{record.reference} “{record.title}” was a {record.severity} {record.type} incident"
    cites = [src.field("severity", "Severity", record.severity)]
    if services:
        opening += f" affecting {services}."
        cites.append(src.field("services", "Affected services", services))
    else:
        opening += "; the record names no affected service."
        cites.append(src.field("services", "Affected services", ""))
    lines = [Sentence(opening, tuple(cites))]
    if record.summary:
        lines.append(
            Sentence(
                f"It was summarized as: “{record.summary.strip()}”",
                (src.field("summary", "Summary", record.summary),),
            )
        )
    lines.append(_window(record, src))
    lines.append(_cause_statement(record, src))
    if record.resolution:
        lines.append(
            Sentence(
                f"The recorded resolution: {quoted(record.resolution)}.",
                (src.field("resolution", "Resolution", record.resolution),),
            )
        )
    yield Block(tuple(lines))


def _window(record: Record, src: Sources) -> Sentence:
    end = _impact_end(record)
    if record.impact_started_at is None:
        return Sentence(
            f"The record does not state when the impact started; the incident was declared at "
            f"{when(record.declared_at)}.",
            (_time(src, "impact_started_at"), _time(src, "declared_at")),
        )
    if end is None:
        return Sentence(
            f"The impact started at {when(record.impact_started_at)}; the record does not state "
            "when it ended.",
            (_time(src, "impact_started_at"), _time(src, "resolved_at")),
        )
    name, at = end
    return Sentence(
        f"The impact lasted {span((at - record.impact_started_at).total_seconds())}, from "
        f"{when(record.impact_started_at)} until it was {LABELS[name].lower()} at {when(at)}.",
        (_time(src, "impact_started_at"), _time(src, name)),
    )


def _cause_statement(record: Record, src: Sources) -> Sentence:
    cite = src.field("root_cause", "Root cause", record.root_cause)
    if record.root_cause:
        return Sentence(f"The recorded root cause: {quoted(record.root_cause)}.", (cite,))
    return Sentence("The record does not state a root cause.", (cite,))


def _impact(record: Record, src: Sources) -> Iterable[Block]:
    lines = [_window(record, src)]
    if record.services:
        owned = ", ".join(
            f"{name} (owned by {team})" if team else f"{name} (no owning team recorded)"
            for name, team in record.services
        )
        names = ", ".join(name for name, _ in record.services)
        lines.append(
            Sentence(
                f"Affected services: {owned}.", (src.field("services", "Affected services", names),)
            )
        )
    for name, value in sorted(record.custom_fields.items()):
        if value in (None, "", []):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        lines.append(Sentence(f"{name}: {shown}.", (src.field(f"cf-{slug(name)}", name, shown),)))
    if record.updates:
        first = record.updates[0]
        key = src.add(update_source(src, first))
        lines.append(
            Sentence(
                f"The first status update, at {when(first.at)}, said: "
                f"“{short(first.message, 400)}”",
                (key,),
            )
        )
    yield Block(tuple(lines))


def _key_entries(record: Record) -> list[Entry]:
    return sorted(
        (e for e in record.entries if e.kind in KEY_KINDS or (e.kind == "note" and e.pinned)),
        key=lambda e: (e.at, e.id),
    )


def _timeline(record: Record, src: Sources) -> Iterable[Block]:
    items: list[tuple[datetime, int, Sentence]] = []
    for entry in _key_entries(record):
        by = f" ({entry.actor})" if entry.actor and not entry.title.startswith(entry.actor) else ""
        text = f"**{when(entry.at)}**: {sentence(entry.title)[:-1]}{by}."
        items.append((entry.at, entry.id, Sentence(text, (src.entry(entry),))))
    for update in record.updates:
        key = src.add(update_source(src, update))
        said = short(update.message, 200)
        text = f"**{when(update.at)}**: Status update ({update.status}): “{said}”"
        items.append((update.at, update.id, Sentence(text, (key,))))
    for change in record.changes:
        key = src.add(change_source(src, change))
        items.append(
            (
                change.at,
                change.id,
                Sentence(f"**{when(change.at)}**: {_change_words(change)}.", (key,)),
            )
        )
    items.sort(key=lambda item: (item[0], item[1]))
    if not items:
        yield Block(
            (
                Sentence(
                    "The record holds no timeline entries beyond the declaration.",
                    (_time(src, "declared_at"),),
                ),
            )
        )
        return
    yield Block(tuple(line for _, _, line in items), bullets=True)


def _change_words(change: ChangeFact) -> str:
    kind = change.kind.replace("_", " ")
    where = f" on {change.service}" if change.service else ""
    return f"{kind.capitalize()} {change.reference}{where}: “{short(change.summary, 200)}”"


def is_rollback(change: ChangeFact) -> bool:
    return bool(ROLLBACK.search(f"{change.summary} {change.details}"))


def _root_cause(record: Record, src: Sources) -> Iterable[Block]:
    lines = [_cause_statement(record, src)]
    for problem in record.problems:
        key = src.add(
            Source(
                f"P{problem.id}",
                "problem",
                f"Problem {problem.reference}: {problem.title}",
                None,
                f"/problems/{problem.reference}",
                f"{problem.reference} {problem.title} root cause {problem.root_cause}",
            )
        )
        cause = (
            f"; its recorded root cause: {quoted(problem.root_cause)}."
            if problem.root_cause
            else "; the problem does not state a root cause yet."
        )
        lines.append(
            Sentence(
                f"The incident is linked to problem {problem.reference} “{problem.title}”{cause}",
                (key,),
            )
        )
    for known in record.known_errors:
        key = src.add(
            Source(
                f"KE{known.id}",
                "known_error",
                f"Known error {known.reference}: {known.title}",
                None,
                f"/known-errors/{known.reference}",
                f"{known.reference} {known.title} {' '.join(known.workaround)}",
            )
        )
        lines.append(Sentence(f"It matched known error {known.reference} “{known.title}”.", (key,)))
    yield Block(tuple(lines))
    changes = list(_change_sentences(record, src))
    if changes:
        yield Block(tuple(changes), bullets=True)


def _change_sentences(record: Record, src: Sources) -> Iterable[Sentence]:
    end = _impact_end(record)
    start = record.impact_started_at or record.declared_at
    for change in record.changes:
        key = src.add(change_source(src, change))
        words = f"{_change_words(change)}, at {when(change.at)}"
        named = change.reference.lower() in record.root_cause.lower()
        if named:
            cause_key = src.field("root_cause", "Root cause", record.root_cause)
            yield Sentence(f"{words}; the recorded root cause names this change.", (key, cause_key))
        elif (
            end is not None
            and is_rollback(change)
            and start <= change.at <= end[1]
            and (end[1] - change.at).total_seconds() <= RECOVERY_WINDOW_MINUTES * 60
        ):
            name, at = end
            after = span((at - change.at).total_seconds())
            yield Sentence(
                f"{words}: a rollback, and the impact was {LABELS[name].lower()} {after} later, "
                f"at {when(at)}; evidence to weigh, not a finding of the record.",
                (key, _time(src, name)),
            )
        else:
            yield Sentence(f"{words}; the record does not say whether it contributed.", (key,))


def _detection(record: Record, src: Sources) -> Iterable[Block]:
    lines: list[Sentence] = []
    alerts = [e for e in record.entries if e.kind == "alert"]
    if alerts:
        first = min(alerts, key=lambda e: (e.at, e.id))
        lines.append(
            Sentence(
                f"The first alert fired at {when(first.at)}: {sentence(first.title)}",
                (src.entry(first),),
            )
        )
    else:
        lines.append(Sentence("No alert is linked to the incident.", (_time(src, "declared_at"),)))
    if record.reported_at is not None:
        lines.append(
            Sentence(
                f"It was reported at {when(record.reported_at)}.", (_time(src, "reported_at"),)
            )
        )
    by = f" by {record.reporter}" if record.reporter else ""
    lines.append(
        Sentence(
            f"It was declared at {when(record.declared_at)}{by}.", (_time(src, "declared_at"),)
        )
    )
    for name, start_name in (
        ("acknowledged_at", "declared_at"),
        ("mitigated_at", None),
        ("resolved_at", None),
    ):
        at = getattr(record, name)
        if at is None:
            continue
        start_name = start_name or (
            "impact_started_at" if record.impact_started_at else "declared_at"
        )
        start = getattr(record, start_name)
        measure = {
            "acknowledged_at": "acknowledge",
            "mitigated_at": "mitigate",
            "resolved_at": "resolve",
        }[name]
        lines.append(
            Sentence(
                f"Time to {measure}: {span((at - start).total_seconds())} "
                f"({LABELS[start_name].lower()} {when(start)}, "
                f"{LABELS[name].lower()} {when(at)}).",
                (_time(src, start_name), _time(src, name)),
            )
        )
    yield Block(tuple(lines))
    roles = [e for e in record.entries if e.kind == "role_assigned"]
    if roles:
        yield Block(
            tuple(
                Sentence(f"{sentence(e.title)[:-1]} at {when(e.at)}.", (src.entry(e),))
                for e in roles
            ),
            bullets=True,
        )


def _went_well(record: Record, src: Sources) -> Iterable[Block]:
    lines: list[Sentence] = []
    if record.acknowledged_at is not None:
        took = (record.acknowledged_at - record.declared_at).total_seconds()
        if 0 < took <= 15 * 60:  # at 0 the declarer acknowledged by declaring: no news
            lines.append(
                Sentence(
                    f"The incident was acknowledged {span(took)} after it was declared.",
                    (_time(src, "declared_at"), _time(src, "acknowledged_at")),
                )
            )
    if record.known_errors:
        known = record.known_errors[0]
        key = f"KE{known.id}"
        if key in src.known:
            lines.append(
                Sentence(
                    f"A known error ({known.reference}) with a workaround matched the incident.",
                    (key,),
                )
            )
    if lines:
        yield Block(tuple(lines))


def _went_badly(record: Record, src: Sources) -> Iterable[Block]:
    lines: list[Sentence] = []
    reminders = [e for e in record.entries if e.kind == "update_reminder"]
    if reminders:
        times = len(reminders)
        lines.append(
            Sentence(
                f"A status update was overdue {times} time{'s' if times != 1 else ''}.",
                tuple(src.entry(e) for e in reminders[:5]),
            )
        )
    for entry in record.entries:
        if entry.kind == "severity_changed" and "raised" in entry.title.lower():
            after = span((entry.at - record.declared_at).total_seconds())
            lines.append(
                Sentence(
                    f"{sentence(entry.title)[:-1]} {after} after the declaration.",
                    (src.entry(entry),),
                )
            )
        if (
            entry.kind == "status_changed"
            and entry.payload.get("old") == "monitoring"
            and entry.payload.get("new") in ("investigating", "fixing")
        ):
            lines.append(
                Sentence(
                    f"The incident went back from monitoring to {entry.payload['new']} at "
                    f"{when(entry.at)}.",
                    (src.entry(entry),),
                )
            )
    if lines:
        yield Block(tuple(lines))


def _follow_ups(record: Record, src: Sources) -> Iterable[Block]:
    if not record.follow_ups:
        yield Block(
            (
                Sentence(
                    "The record holds no follow-up.",
                    (src.field("follow_ups", "Follow-ups", "none"),),
                ),
            )
        )
        return
    items = []
    for follow_up in record.follow_ups:
        owner = follow_up.owner or "no owner"
        due = f"due {follow_up.due_at:%Y-%m-%d}" if follow_up.due_at else "no due date"
        status = follow_up.status.replace("_", " ")
        key = src.add(
            Source(
                f"FU{follow_up.id}",
                "follow_up",
                f"Follow-up: {follow_up.title} ({owner}, {status})",
                None,
                f"{src.url}#follow-ups",
                f"{follow_up.title} {owner} {status} {due}",
            )
        )
        items.append(
            Sentence(f"{sentence(follow_up.title)[:-1]}: owner {owner}, {status}, {due}.", (key,))
        )
    yield Block(tuple(items), bullets=True)


def _lessons(record: Record, src: Sources) -> Iterable[Block]:
    items = []
    for similar in record.similar:
        key = src.add(
            Source(
                f"I{similar.reference.split('-')[-1]}",
                "incident",
                f"Similar incident {similar.reference}: {similar.title}",
                None,
                f"/incidents/{similar.reference}",
                f"{similar.reference} {similar.title} {similar.root_cause}",
            )
        )
        cause = (
            f"; its recorded root cause: {quoted(similar.root_cause)}."
            if similar.root_cause
            else "."
        )
        items.append(
            Sentence(f"{similar.reference} “{similar.title}” looks similar{cause}", (key,))
        )
    if items:
        yield Block(tuple(items), bullets=True)


Writer = Callable[[Record, Sources], Iterable[Block]]
WRITERS: Mapping[str, Writer] = {
    "summary": _summary,
    "impact": _impact,
    "timeline": _timeline,
    "root_cause": _root_cause,
    "detection": _detection,
    "went_well": _went_well,
    "went_badly": _went_badly,
    "follow_ups": _follow_ups,
    "lessons": _lessons,
}
"""The sections the drafter writes, by the template section keys they fill."""
