"""The root-cause section: the recorded cause, linked problems and known errors, and the changes
around the impact (a change is called the cause only when the recorded root cause names it)."""

import re
from collections.abc import Iterable

from watchkeep.assist.drafting.citing import LABELS, Sources, change_source, quoted, span, when
from watchkeep.assist.drafting.compose.blocks import (
    Block,
    Sentence,
    change_words,
    cite_time,
    impact_end,
)
from watchkeep.assist.drafting.record import ChangeFact, Entry, Record, Source

ROLLBACK = re.compile(r"\b(roll(ed|ing)?[ -]?back|revert(ed|ing)?|undo|undid|downgrad\w*)\b", re.I)
RECOVERY_WINDOW_MINUTES = 30
"""A rollback this close before the impact ended is reported next to that end."""


def cause_statement(record: Record, src: Sources) -> Sentence:
    cite = src.field("root_cause", "Root cause", record.root_cause)
    if record.root_cause:
        return Sentence(f"The recorded root cause: {quoted(record.root_cause)}.", (cite,))
    return Sentence("The record does not state a root cause.", (cite,))


def is_rollback(change: ChangeFact) -> bool:
    return bool(ROLLBACK.search(f"{change.summary} {change.details}"))


def confirmed_hypotheses(record: Record, src: Sources) -> list[Sentence]:
    """What responders confirmed of the investigation's hypotheses, as a suggestion for the
    finding, citing the timeline entry of each confirmation (the latest, if given twice)."""
    latest: dict[str, Entry] = {}
    for entry in record.entries:
        key = entry.payload.get("key")
        confirmation = entry.payload.get("verdict") == "confirmed"
        if entry.kind == "investigation_verdict" and confirmation and key in record.confirmed:
            latest[str(key)] = entry
    return [
        Sentence(
            f"{entry.actor or 'A responder'} confirmed the investigation's hypothesis "
            f"{quoted(str(entry.payload.get('title', '')))} during the response: "
            "a suggestion for the finding, to be checked.",
            (src.entry(entry),),
        )
        for entry in latest.values()
    ]


def write_root_cause(record: Record, src: Sources) -> Iterable[Block]:
    lines = [cause_statement(record, src), *confirmed_hypotheses(record, src)]
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
    end = impact_end(record)
    start = record.impact_started_at or record.declared_at
    for change in record.changes:
        key = src.add(change_source(src, change))
        words = f"{change_words(change)}, at {when(change.at)}"
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
                (key, cite_time(src, name)),
            )
        else:
            yield Sentence(f"{words}; the record does not say whether it contributed.", (key,))
