"""The generic HTTP source: our own format, so a field it does not know is an error."""

from collections.abc import Mapping
from typing import Any

from watchkeep.alert.normalize.fields import Fields, derived_key, finish, labels_json
from watchkeep.alert.normalize.shapes import (
    DEDUP_KEY_MAX,
    DESCRIPTION_MAX,
    GENERIC_ALERTS_MAX,
    TITLE_MAX,
    Action,
    Link,
    PayloadError,
    Signal,
    severity_of,
)
from watchkeep.alert.normalize.words import shown

GENERIC_FIELDS = ("title", "status", "dedup_key", "description", "labels", "severity", "source_url")
_GENERIC_STATUSES: Mapping[str, Action] = {
    "firing": "trigger",
    "triggered": "trigger",
    "trigger": "trigger",
    "problem": "trigger",
    "acknowledged": "acknowledge",
    "acknowledge": "acknowledge",
    "resolved": "resolve",
    "resolve": "resolve",
    "ok": "resolve",
}
_UNKNOWN_SHOWN = 10


def generic(body: Any) -> list[Signal]:
    """The generic HTTP source: one alert object, or ``{"alerts": [...]}``.

    Our own format, so it is strict: a field it does not know is an error, which catches a
    typo (``"titel"``) that would otherwise lose the field without a word.
    """
    errors: list[str] = []
    top = Fields.of(body, "", errors)
    if top is None:
        raise PayloadError(errors)
    if "alerts" in top.obj:
        _refuse_unknown(top, ("alerts",))
        entries = top.items("alerts", required=True, most=GENERIC_ALERTS_MAX)
        objects = [Fields.of(entry, f"alerts[{i}]", errors) for i, entry in enumerate(entries)]
    else:
        objects = [top]
    signals = [_generic_alert(alert) for alert in objects if alert is not None]
    finish(errors)
    return [signal for signal in signals if signal is not None]


def _refuse_unknown(fields: Fields, known: tuple[str, ...]) -> None:
    unknown = sorted(name for name in fields.obj if name not in known)
    if not unknown:
        return
    names = ", ".join(shown(name) for name in unknown[:_UNKNOWN_SHOWN])
    more = f" and {len(unknown) - _UNKNOWN_SHOWN} more" if len(unknown) > _UNKNOWN_SHOWN else ""
    where = fields.path or "the body"
    noun = "field" if len(unknown) == 1 else "fields"
    fields.errors.append(
        f"{where} has unknown {noun} {names}{more}; the fields are {', '.join(known)}"
    )


def _generic_alert(alert: Fields) -> Signal | None:
    mark = len(alert.errors)
    _refuse_unknown(alert, GENERIC_FIELDS)
    title = alert.text("title", required=True, non_empty=True, cut=TITLE_MAX)
    action = alert.choice("status", _GENERIC_STATUSES, required=False, fold_case=True)
    dedup_key = alert.text("dedup_key", most=DEDUP_KEY_MAX)
    description = alert.text("description", cut=DESCRIPTION_MAX) or ""
    labels = alert.strings("labels") or {}
    source_url = alert.url("source_url", strict=True)
    severity = alert.text("severity")
    if len(alert.errors) > mark or title is None:
        return None
    return Signal(
        action=action or "trigger",
        dedup_key=dedup_key or derived_key(title, labels_json(labels)),
        title=title,
        description=description,
        severity=severity_of(severity if severity is not None else labels.get("severity")),
        labels=labels,
        links=(Link(source_url, "Source"),) if source_url else (),
        source_url=source_url,
    )
