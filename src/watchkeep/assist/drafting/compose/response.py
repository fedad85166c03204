"""The detection, went-well and went-badly sections: how the incident was noticed and handled."""

from collections.abc import Iterable

from watchkeep.assist.drafting.citing import LABELS, Sources, sentence, span, when
from watchkeep.assist.drafting.compose.blocks import Block, Sentence, cite_time
from watchkeep.assist.drafting.record import Record


def write_detection(record: Record, src: Sources) -> Iterable[Block]:
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
        lines.append(
            Sentence("No alert is linked to the incident.", (cite_time(src, "declared_at"),))
        )
    if record.reported_at is not None:
        lines.append(
            Sentence(
                f"It was reported at {when(record.reported_at)}.", (cite_time(src, "reported_at"),)
            )
        )
    by = f" by {record.reporter}" if record.reporter else ""
    lines.append(
        Sentence(
            f"It was declared at {when(record.declared_at)}{by}.", (cite_time(src, "declared_at"),)
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
                (cite_time(src, start_name), cite_time(src, name)),
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


def write_went_well(record: Record, src: Sources) -> Iterable[Block]:
    lines: list[Sentence] = []
    if record.acknowledged_at is not None:
        took = (record.acknowledged_at - record.declared_at).total_seconds()
        if 0 < took <= 15 * 60:  # at 0 the declarer acknowledged by declaring: no news
            lines.append(
                Sentence(
                    f"The incident was acknowledged {span(took)} after it was declared.",
                    (cite_time(src, "declared_at"), cite_time(src, "acknowledged_at")),
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


def write_went_badly(record: Record, src: Sources) -> Iterable[Block]:
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
