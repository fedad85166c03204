"""The timeline section: key entries, status updates and changes, in the order they happened."""

from collections.abc import Iterable
from datetime import datetime

from watchkeep.assist.drafting.citing import (
    Sources,
    change_source,
    sentence,
    short,
    update_source,
    when,
)
from watchkeep.assist.drafting.compose.blocks import Block, Sentence, change_words, cite_time
from watchkeep.assist.drafting.record import Entry, Record

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


def _key_entries(record: Record) -> list[Entry]:
    return sorted(
        (e for e in record.entries if e.kind in KEY_KINDS or (e.kind == "note" and e.pinned)),
        key=lambda e: (e.at, e.id),
    )


def write_timeline(record: Record, src: Sources) -> Iterable[Block]:
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
                Sentence(f"**{when(change.at)}**: {change_words(change)}.", (key,)),
            )
        )
    items.sort(key=lambda item: (item[0], item[1]))
    if not items:
        yield Block(
            (
                Sentence(
                    "The record holds no timeline entries beyond the declaration.",
                    (cite_time(src, "declared_at"),),
                ),
            )
        )
        return
    yield Block(tuple(line for _, _, line in items), bullets=True)
