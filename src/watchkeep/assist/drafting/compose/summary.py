"""The summary and impact sections: what happened, to what, and for how long."""

from collections.abc import Iterable

from watchkeep.assist.drafting.citing import (
    LABELS,
    Sources,
    quoted,
    short,
    slug,
    span,
    update_source,
    when,
)
from watchkeep.assist.drafting.compose.blocks import Block, Sentence, cite_time, impact_end
from watchkeep.assist.drafting.compose.causes import cause_statement
from watchkeep.assist.drafting.record import Record


def write_summary(record: Record, src: Sources) -> Iterable[Block]:
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
    lines.append(cause_statement(record, src))
    if record.resolution:
        lines.append(
            Sentence(
                f"The recorded resolution: {quoted(record.resolution)}.",
                (src.field("resolution", "Resolution", record.resolution),),
            )
        )
    yield Block(tuple(lines))


def _window(record: Record, src: Sources) -> Sentence:
    end = impact_end(record)
    if record.impact_started_at is None:
        return Sentence(
            f"The record does not state when the impact started; the incident was declared at "
            f"{when(record.declared_at)}.",
            (cite_time(src, "impact_started_at"), cite_time(src, "declared_at")),
        )
    if end is None:
        return Sentence(
            f"The impact started at {when(record.impact_started_at)}; the record does not state "
            "when it ended.",
            (cite_time(src, "impact_started_at"), cite_time(src, "resolved_at")),
        )
    name, at = end
    return Sentence(
        f"The impact lasted {span((at - record.impact_started_at).total_seconds())}, from "
        f"{when(record.impact_started_at)} until it was {LABELS[name].lower()} at {when(at)}.",
        (cite_time(src, "impact_started_at"), cite_time(src, name)),
    )


def write_impact(record: Record, src: Sources) -> Iterable[Block]:
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
