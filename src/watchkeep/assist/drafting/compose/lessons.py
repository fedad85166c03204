"""The follow-ups and lessons sections: the actions the record holds and similar incidents."""

from collections.abc import Iterable

from watchkeep.assist.drafting.citing import Sources, quoted, sentence
from watchkeep.assist.drafting.compose.blocks import Block, Sentence
from watchkeep.assist.drafting.record import Record, Source


def write_follow_ups(record: Record, src: Sources) -> Iterable[Block]:
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


def write_lessons(record: Record, src: Sources) -> Iterable[Block]:
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
