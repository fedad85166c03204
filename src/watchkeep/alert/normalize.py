"""What each sender's payload says, in one shape: pure parsers with the senders' own rules.

Every parser takes the decoded JSON body and returns plain values (:class:`Signal` for an
alert event, :class:`Change` for a change event), or raises :class:`PayloadError` listing
everything that is wrong, in words that say what to fix. Nothing here touches the database;
``now`` is never needed (instants missing from a payload are filled in by the caller).

Senders and their documented formats:

- Prometheus Alertmanager's webhook, payload version 4 (``alertmanager``): one signal per
  entry of ``alerts``, keyed by its ``fingerprint``; each alert's own ``status`` decides
  trigger or resolve.
- PagerDuty Events API v2 (``pagerduty_event``, ``pagerduty_change``): ``/v2/enqueue`` and
  ``/v2/change/enqueue``.
- Grafana alerting's webhook contact point (``grafana``): Alertmanager's shape plus
  Grafana's fields.
- The generic HTTP source (``generic``): ``status``, ``title``, ``dedup_key``,
  ``description``, ``labels``, ``source_url``.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

Action = Literal["trigger", "acknowledge", "resolve"]
Severity = Literal["critical", "error", "warning", "info"]

SEVERITIES: tuple[Severity, ...] = ("critical", "error", "warning", "info")

# What is stored is bounded. Titles and descriptions are cut (PagerDuty itself truncates a
# long summary); anything a rule matches on (labels) or a key is refused instead, since a cut
# label would silently match a different rule and a cut key a different alert.
TITLE_MAX = 1024
DESCRIPTION_MAX = 20_000
LABELS_MAX = 200
LABEL_NAME_MAX = 200
LABEL_VALUE_MAX = 2000
# Annotations carry the description, so they get its room rather than a label's, and like
# it a longer one is cut: no rule matches on annotations.
ANNOTATION_VALUE_MAX = DESCRIPTION_MAX
DEDUP_KEY_MAX = 255
ROUTING_KEY_MAX = 64
GENERIC_ALERTS_MAX = 1000
ALERTMANAGER_VERSIONS = ("4",)


class PayloadError(ValueError):
    """The payload cannot be accepted; ``errors`` says each thing to fix."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Link:
    href: str
    text: str = ""


@dataclass(frozen=True)
class Signal:
    """One alert event as every sender's payload becomes it.

    ``dedup_key`` is ``None`` only for a PagerDuty trigger that gave none (the caller makes
    one and answers it). ``severity`` is one of :data:`SEVERITIES` or ``None`` when the
    payload does not say. ``details`` holds what the sender gave beyond the common fields
    (PagerDuty's ``component``, ``group``, ``class``, ``source`` and ``custom_details``).
    """

    action: Action
    dedup_key: str | None
    title: str
    description: str = ""
    severity: Severity | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    images: tuple[Link, ...] = ()
    source_url: str | None = None
    group_key: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """A change event (a deploy, a configuration change) from ``/v2/change/enqueue``."""

    summary: str
    source: str | None = None
    timestamp: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[Link, ...] = ()


T = TypeVar("T")

# ---------------------------------------------------------------------------------------
# Severities
# ---------------------------------------------------------------------------------------

_SEVERITY_TABLE: tuple[tuple[Severity, tuple[str, ...]], ...] = (
    ("critical", ("critical", "crit", "page", "p1", "fatal", "emergency", "sev1")),
    ("error", ("error", "err", "high", "major", "p2", "sev2")),
    ("warning", ("warning", "warn", "medium", "minor", "p3", "sev3")),
    (
        "info",
        ("info", "information", "informational", "low", "none", "ok", "p4", "p5", "sev4", "sev5"),
    ),
)
_SEVERITY_WORDS: Mapping[str, Severity] = {
    word: severity for severity, words in _SEVERITY_TABLE for word in words
}


def severity_of(text: str | None) -> Severity | None:
    """The severity a sender's word means, or ``None`` for a word this table does not know.

    Every monitoring tool spells severities its own way (``warn``, ``page``, ``P2``,
    ``sev1``); one lenient table keeps routes and silences working on four values. An
    unknown word is not an error: the alert still arrives, only without a severity.
    """
    if text is None:
        return None
    return _SEVERITY_WORDS.get(text.strip().lower())


# ---------------------------------------------------------------------------------------
# Saying what is wrong
# ---------------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHOWN_MAX = 60


def _kind(value: Any) -> str:
    """JSON's name for what ``value`` is: the sender wrote JSON, not Python."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _shown(value: Any) -> str:
    """``value`` quoted as JSON and kept short, so an error shows what was sent without
    echoing a whole document (or a NUL, or a megabyte) back."""
    if isinstance(value, str):
        short = value if len(value) <= _SHOWN_MAX else value[:_SHOWN_MAX] + "..."
        return json.dumps(short)
    if value is None or isinstance(value, bool | int | float):
        try:
            return json.dumps(value)
        except ValueError:  # an integer too long to print
            return _kind(value)
    return _kind(value)


def _one_of(options: Mapping[str, Any] | tuple[str, ...]) -> str:
    """``"a", "b" or "c"``: the accepted values, as an error lists them."""
    quoted = [json.dumps(option) for option in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _at(path: str, key: str | int) -> str:
    """The path of ``key`` inside ``path``, as a sender would write it: ``alerts[2].status``,
    ``alerts[0].labels["app.kubernetes.io/name"]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{_shown(key)}]"


def _storable(text: str, where: str, errors: list[str]) -> bool:
    """Whether PostgreSQL can store ``text``: it refuses NUL characters and lone surrogates
    (both are valid JSON escapes), so the sender hears it now instead of a failed insert."""
    storable = True
    if "\x00" in text:
        errors.append(f"{where} must not contain a NUL character (\\u0000)")
        storable = False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        errors.append(f"{where} must be valid Unicode, without a lone surrogate (\\ud800-\\udfff)")
        storable = False
    return storable


def _check_json(value: Any, where: str, errors: list[str]) -> bool:
    """Whether every text anywhere inside ``value`` (keys included) is storable. Walked
    with a stack, not recursion: a deeply nested body must not end in RecursionError."""
    storable = True
    pending: list[tuple[Any, str]] = [(value, where)]
    while pending:
        item, path = pending.pop()
        if isinstance(item, str):
            storable = _storable(item, path, errors) and storable
        elif isinstance(item, list):
            pending.extend((child, _at(path, index)) for index, child in enumerate(item))
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str):
                    where_key = f"a name in {path or 'the body'}"
                    storable = _storable(key, where_key, errors) and storable
                pending.append((child, _at(path, str(key))))
    return storable


def check_storable(body: Any) -> None:
    """Raise :class:`PayloadError` if any text anywhere in ``body`` cannot be stored: the
    body is kept as it came, with the fields that no parser reads."""
    errors: list[str] = []
    if not _check_json(body, "", errors):
        raise PayloadError(errors)


# ---------------------------------------------------------------------------------------
# Instants and URLs
# ---------------------------------------------------------------------------------------

_INSTANT_MAX = 64
# Alertmanager sends nanoseconds; datetime keeps microseconds, so digits past the sixth go.
_FRACTION_BEYOND_MICROSECONDS = re.compile(r"(?<=[.,][0-9]{6})[0-9]+")
_INSTANT_EXAMPLE = '"2024-05-01T10:00:00Z"'
# Go's zero time.Time, whatever offset it was printed with.
_GO_ZERO_TIME = datetime.min.replace(tzinfo=UTC)


def _instant(text: str) -> datetime | None:
    """An RFC 3339 / ISO 8601 instant as an aware UTC datetime; naive text means UTC.

    Go's zero time (``0001-01-01T00:00:00Z``, Alertmanager's "no end yet") means not set and
    gives ``None``. Raises ValueError for anything else that is not an instant.
    """
    if len(text) > _INSTANT_MAX:
        raise ValueError("too long for an instant")
    parsed = datetime.fromisoformat(_FRACTION_BEYOND_MICROSECONDS.sub("", text, count=1))
    if parsed.replace(tzinfo=UTC) == _GO_ZERO_TIME:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError as exc:  # year 1 or 9999 pushed out of range by the offset
        raise ValueError("out of range") from exc


def _is_web_url(text: str) -> bool:
    """Whether ``text`` is an absolute http(s) URL: the only links worth showing as links
    (a ``javascript:`` or relative one would be unsafe or broken on our pages)."""
    if any(char.isspace() or not char.isprintable() for char in text):
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------
# Reading one JSON object
# ---------------------------------------------------------------------------------------


class _Fields:
    """One JSON object being read. Each accessor returns the field's value when it is right,
    or ``None`` after adding to the shared ``errors`` a message naming the field by its path:
    reading goes on after a problem, so one answer lists every problem."""

    def __init__(self, obj: Mapping[str, Any], path: str, errors: list[str]) -> None:
        self.obj = obj
        self.path = path
        self.errors = errors

    @classmethod
    def of(cls, value: Any, path: str, errors: list[str]) -> "_Fields | None":
        """``value`` to read as an object, or ``None`` (and an error) when it is not one."""
        if isinstance(value, dict):
            return cls(value, path, errors)
        errors.append(f"{path or 'the body'} must be a JSON object, not {_kind(value)}")
        return None

    def at(self, key: str) -> str:
        return _at(self.path, key)

    def fail(self, key: str, problem: str) -> None:
        self.errors.append(f"{self.at(key)} {problem}")

    def given(self, key: str) -> bool:
        """JSON null counts as absent: many clients serialize an unset field as null."""
        return self.obj.get(key) is not None

    def text(
        self,
        key: str,
        *,
        required: bool = False,
        non_empty: bool = False,
        most: int | None = None,
        cut: int | None = None,
    ) -> str | None:
        """A string field: ``most`` refuses a longer one, ``cut`` shortens it instead."""
        value = self.obj.get(key)
        if value is None:
            if required:
                self.fail(key, "is required")
            return None
        if not isinstance(value, str):
            self.fail(key, f"must be a string, not {_kind(value)}")
            return None
        if not _storable(value, self.at(key), self.errors):
            return None
        if non_empty and not value.strip():
            self.fail(key, "must not be empty")
            return None
        if most is not None and len(value) > most:
            self.fail(key, f"must be at most {most} characters, not {len(value)}")
            return None
        return value if cut is None else value[:cut]

    def choice(
        self, key: str, meanings: Mapping[str, T], *, required: bool = True, fold_case: bool = False
    ) -> T | None:
        """A string field that must be one of ``meanings``' keys; its meaning is returned."""
        word = self.text(key, required=required)
        if word is None:
            return None
        meaning = meanings.get(word.lower() if fold_case else word)
        if meaning is None:
            self.fail(key, f"must be {_one_of(meanings)}, not {_shown(word)}")
        return meaning

    def instant(self, key: str) -> datetime | None:
        text = self.text(key)
        if text is None:
            return None
        try:
            return _instant(text)
        except ValueError:
            self.fail(
                key, f"must be an RFC 3339 instant such as {_INSTANT_EXAMPLE}, not {_shown(text)}"
            )
            return None

    def url(self, key: str, *, strict: bool = False) -> str | None:
        """An http(s) URL field. Senders fill URL fields with "" or a relative path when they
        have none, so by default anything else is dropped; ``strict`` refuses it instead."""
        text = self.text(key)
        if text is None:
            return None
        if _is_web_url(text):
            return text
        if strict:
            self.fail(key, f"must be an absolute http(s) URL, not {_shown(text)}")
        return None

    def count(self, key: str) -> int | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(key, f"must be a whole number, 0 or more, not {_shown(value)}")
            return None
        return value

    def items(self, key: str, *, required: bool = False, most: int | None = None) -> list[Any]:
        """A list field's entries ([] when absent or wrong, with an error when wrong)."""
        value = self.obj.get(key)
        if value is None:
            if required:
                self.fail(key, "is required (a list, which may be empty)")
            return []
        if not isinstance(value, list):
            self.fail(key, f"must be a list, not {_kind(value)}")
            return []
        if most is not None and len(value) > most:
            self.fail(key, f"must have at most {most} entries, not {len(value)}")
            return []
        return value

    def nested(self, key: str, *, required: bool = False) -> "_Fields | None":
        value = self.obj.get(key)
        if value is None:
            if required:
                self.fail(key, "is required (an object)")
            return None
        return _Fields.of(value, self.at(key), self.errors)

    def any_json(self, key: str, *, object_only: bool = False) -> Any:
        """Any JSON value, kept as sent once every text in it is storable."""
        value = self.obj.get(key)
        if value is None:
            return None
        if object_only and not isinstance(value, dict):
            self.fail(key, f"must be an object, not {_kind(value)}")
            return None
        return value if _check_json(value, self.at(key), self.errors) else None

    def strings(
        self, key: str, *, required: bool = False, cut: int | None = None
    ) -> dict[str, str] | None:
        """An object of strings (labels, annotations): at most :data:`LABELS_MAX` names of
        at most :data:`LABEL_NAME_MAX` characters, values of at most :data:`LABEL_VALUE_MAX`
        characters, or any length cut to ``cut``."""
        value = self.obj.get(key)
        where = self.at(key)
        if value is None:
            if required:
                self.fail(key, "is required (an object of strings)")
            return None
        if not isinstance(value, dict):
            self.fail(key, f"must be an object of strings, not {_kind(value)}")
            return None
        if len(value) > LABELS_MAX:
            self.fail(key, f"must have at most {LABELS_MAX} entries, not {len(value)}")
            return None
        mark = len(self.errors)
        for name, item in value.items():
            self._string_entry(where, name, item, LABEL_VALUE_MAX if cut is None else None)
        if len(self.errors) > mark:
            return None
        return {name: item if cut is None else item[:cut] for name, item in value.items()}

    def _string_entry(self, where: str, name: str, item: Any, most: int | None) -> None:
        if len(name) > LABEL_NAME_MAX:
            self.errors.append(
                f"{where} has a name of {len(name)} characters (at most {LABEL_NAME_MAX}): "
                f"{_shown(name)}"
            )
            return
        if not _storable(name, f"the name {_shown(name)} in {where}", self.errors):
            return
        item_at = _at(where, name)
        if not isinstance(item, str):
            self.errors.append(f"{item_at} must be a string, not {_kind(item)}")
        elif most is not None and len(item) > most:
            self.errors.append(f"{item_at} must be at most {most} characters, not {len(item)}")
        else:
            _storable(item, item_at, self.errors)

    def links(self, key: str) -> tuple[Link, ...]:
        """``[{"href", "text"?}, ...]``; an href that is not an http(s) URL is dropped."""
        kept: list[Link] = []
        for index, entry in enumerate(self.items(key)):
            link = self._entry(key, index, entry, '"href"')
            if link is None:
                continue
            href = link.text("href", required=True)
            text = link.text("text") or ""
            if href is not None and _is_web_url(href):
                kept.append(Link(href, text))
        return tuple(kept)

    def images(self, key: str) -> tuple[Link, ...]:
        """``[{"src", "href"?, "alt"?}, ...]`` as links to the image, its ``alt`` the text."""
        kept: list[Link] = []
        for index, entry in enumerate(self.items(key)):
            image = self._entry(key, index, entry, '"src"')
            if image is None:
                continue
            src = image.text("src", required=True)
            image.text("href")
            alt = image.text("alt") or ""
            if src is not None and _is_web_url(src):
                kept.append(Link(src, alt))
        return tuple(kept)

    def _entry(self, key: str, index: int, entry: Any, needs: str) -> "_Fields | None":
        where = _at(self.at(key), index)
        if isinstance(entry, dict):
            return _Fields(entry, where, self.errors)
        self.errors.append(f"{where} must be an object with a string {needs}, not {_kind(entry)}")
        return None


def _finish(errors: list[str]) -> None:
    """Raise what was found. Every accessor that returns ``None`` for a wrong field adds an
    error, so a parser that finds none here has all its required values."""
    if errors:
        raise PayloadError(errors)


def _cut(text: str, most: int) -> str:
    return text[:most]


def _derived_key(*parts: str) -> str:
    """A stable dedup key for a sender that gave none: the same alert (same texts) always
    gets the same key, the first 16 hex digits of their SHA-256."""
    joined = "".join(parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _labels_json(labels: Mapping[str, str]) -> str:
    """Labels as sorted, compact JSON: the order a sender wrote them in changes no key."""
    return json.dumps(labels, sort_keys=True, separators=(",", ":"))


# ---------------------------------------------------------------------------------------
# Alertmanager and Grafana: a group of alerts, each with its own status and fingerprint
# ---------------------------------------------------------------------------------------

_GROUP_STATUSES: Mapping[str, Action] = {"firing": "trigger", "resolved": "resolve"}


@dataclass(frozen=True)
class _Group:
    """What a notification says once for all its alerts."""

    key: str | None
    details: Mapping[str, Any]


def alertmanager(body: Any) -> list[Signal]:
    """Alertmanager's webhook (version 4).

    One signal per entry of ``alerts``: Alertmanager resends a group's notification with
    every alert still firing, and each entry carries its own status and fingerprint, so
    each is its own trigger or resolve and the fingerprint deduplicates the repeats.
    """
    return _alert_group(body, grafana=False)


def grafana(body: Any) -> list[Signal]:
    """Grafana alerting's webhook contact point.

    Grafana's unified alerting sends Alertmanager's shape (it embeds Alertmanager) with its
    own ``"version": "1"`` and extra fields: the org, and per alert the dashboard, panel and
    image URLs and the evaluated values. Any ``version`` is taken.
    """
    return _alert_group(body, grafana=True)


def _alert_group(body: Any, *, grafana: bool) -> list[Signal]:
    errors: list[str] = []
    top = _Fields.of(body, "", errors)
    if top is None:
        raise PayloadError(errors)
    if not grafana:
        _check_alertmanager_version(top)
    group = _Group(key=top.text("groupKey"), details=_group_details(top, grafana=grafana))
    signals: list[Signal] = []
    for index, entry in enumerate(top.items("alerts", required=True)):
        alert = _Fields.of(entry, f"alerts[{index}]", errors)
        signal = None if alert is None else _group_alert(alert, group, grafana=grafana)
        if signal is not None:
            signals.append(signal)
    _finish(errors)
    return signals


def _check_alertmanager_version(top: _Fields) -> None:
    """Only payload version 4 is known; another version may move fields, and a silently
    misread alert is worse than a refused one."""
    version = top.obj.get("version")
    accepted = _one_of(ALERTMANAGER_VERSIONS)
    if version is None:
        top.fail("version", f"is required: the Alertmanager webhook payload version is {accepted}")
    elif version not in ALERTMANAGER_VERSIONS:
        top.fail(
            "version",
            f"must be {accepted} (the Alertmanager webhook payload version accepted), "
            f"not {_shown(version)}",
        )


def _group_details(top: _Fields, *, grafana: bool) -> dict[str, Any]:
    """Where the notification came from, kept with each alert for whoever investigates."""
    given: dict[str, Any] = {
        "receiver": top.text("receiver"),
        "external_url": top.text("externalURL"),
        "truncated_alerts": top.count("truncatedAlerts"),
    }
    if grafana:
        given["org_id"] = top.count("orgId")
    return {name: value for name, value in given.items() if value is not None}


def _group_alert(alert: _Fields, group: _Group, *, grafana: bool) -> Signal | None:
    """One entry of ``alerts``, or ``None`` when it has errors (they are in the list)."""
    mark = len(alert.errors)
    action = alert.choice("status", _GROUP_STATUSES)
    labels = alert.strings("labels", required=True)
    annotations = alert.strings("annotations", cut=ANNOTATION_VALUE_MAX) or {}
    fingerprint = alert.text("fingerprint", most=DEDUP_KEY_MAX)
    starts_at = alert.instant("startsAt")
    ends_at = alert.instant("endsAt")
    source_url = alert.url("generatorURL")
    links = _alert_links(alert, source_url, annotations, grafana=grafana)
    images = _grafana_images(alert) if grafana else ()
    details = {**group.details, **(_grafana_details(alert) if grafana else {})}
    if len(alert.errors) > mark or action is None or labels is None:
        return None
    return Signal(
        action=action,
        dedup_key=fingerprint or _derived_key(_labels_json(labels)),
        title=_cut(annotations.get("summary") or labels.get("alertname") or "Alert", TITLE_MAX),
        description=_cut(
            annotations.get("description") or annotations.get("message") or "", DESCRIPTION_MAX
        ),
        severity=severity_of(labels.get("severity")),
        labels=labels,
        annotations=annotations,
        links=links,
        images=images,
        source_url=source_url,
        group_key=group.key,
        starts_at=starts_at,
        ends_at=ends_at,
        details=details,
    )


def _alert_links(
    alert: _Fields, source_url: str | None, annotations: Mapping[str, str], *, grafana: bool
) -> tuple[Link, ...]:
    """The rule's page in Prometheus or Grafana, Grafana's dashboard and panel, and the
    runbook the rule's annotations point to: what a responder opens first."""
    candidates = [(source_url, "Source")]
    if grafana:
        candidates += [(alert.url("dashboardURL"), "Dashboard"), (alert.url("panelURL"), "Panel")]
    runbook = annotations.get("runbook_url", "")
    candidates.append((runbook if _is_web_url(runbook) else None, "Runbook"))
    return tuple(Link(url, text) for url, text in candidates if url)


def _grafana_images(alert: _Fields) -> tuple[Link, ...]:
    """The panel screenshot Grafana attaches when image rendering is set up."""
    image = alert.url("imageURL")
    return (Link(image),) if image else ()


def _grafana_details(alert: _Fields) -> dict[str, Any]:
    """The evaluated values as Grafana prints them (``[ var='B' ... value=95.2 ]``)."""
    value_string = alert.text("valueString")
    return {} if value_string is None else {"value_string": value_string}


# ---------------------------------------------------------------------------------------
# The generic HTTP source
# ---------------------------------------------------------------------------------------

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
    top = _Fields.of(body, "", errors)
    if top is None:
        raise PayloadError(errors)
    if "alerts" in top.obj:
        _refuse_unknown(top, ("alerts",))
        entries = top.items("alerts", required=True, most=GENERIC_ALERTS_MAX)
        objects = [_Fields.of(entry, f"alerts[{i}]", errors) for i, entry in enumerate(entries)]
    else:
        objects = [top]
    signals = [_generic_alert(alert) for alert in objects if alert is not None]
    _finish(errors)
    return [signal for signal in signals if signal is not None]


def _refuse_unknown(fields: _Fields, known: tuple[str, ...]) -> None:
    unknown = sorted(name for name in fields.obj if name not in known)
    if not unknown:
        return
    shown = ", ".join(_shown(name) for name in unknown[:_UNKNOWN_SHOWN])
    more = f" and {len(unknown) - _UNKNOWN_SHOWN} more" if len(unknown) > _UNKNOWN_SHOWN else ""
    where = fields.path or "the body"
    noun = "field" if len(unknown) == 1 else "fields"
    fields.errors.append(
        f"{where} has unknown {noun} {shown}{more}; the fields are {', '.join(known)}"
    )


def _generic_alert(alert: _Fields) -> Signal | None:
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
        dedup_key=dedup_key or _derived_key(title, _labels_json(labels)),
        title=title,
        description=description,
        severity=severity_of(severity if severity is not None else labels.get("severity")),
        labels=labels,
        links=(Link(source_url, "Source"),) if source_url else (),
        source_url=source_url,
    )


# ---------------------------------------------------------------------------------------
# PagerDuty Events API v2
# ---------------------------------------------------------------------------------------

_PAGERDUTY_ACTIONS: Mapping[str, Action] = {
    "trigger": "trigger",
    "acknowledge": "acknowledge",
    "resolve": "resolve",
}
# PagerDuty refuses any other severity, so a PagerDuty sender is held to the same four.
_PAGERDUTY_SEVERITIES: Mapping[str, Severity] = {severity: severity for severity in SEVERITIES}
_PAGERDUTY_LABELS = ("source", "component", "group", "class")


def pagerduty_event(body: Any) -> tuple[str, Signal]:
    """PagerDuty Events API v2 ``/v2/enqueue``: the routing key and the signal.

    An acknowledge or resolve names the alert by ``dedup_key`` and carries nothing else
    PagerDuty uses, so its payload is not read.
    """
    errors: list[str] = []
    top = _Fields.of(body, "", errors)
    if top is None:
        raise PayloadError(errors)
    routing_key = _routing_key(top)
    action = top.choice("event_action", _PAGERDUTY_ACTIONS)
    dedup_key = top.text("dedup_key", most=DEDUP_KEY_MAX) or None
    signal: Signal | None = None
    if action == "trigger":
        signal = _pagerduty_trigger(top, dedup_key)
    elif action is not None:
        if top.obj.get("dedup_key") in (None, ""):
            errors.append("dedup_key is required to acknowledge or resolve (the trigger's key)")
        signal = Signal(action=action, dedup_key=dedup_key, title="")
    _finish(errors)
    if routing_key is None or signal is None:
        raise PayloadError(errors)
    return routing_key, signal


def _routing_key(top: _Fields) -> str | None:
    return top.text("routing_key", required=True, non_empty=True, most=ROUTING_KEY_MAX)


def _pagerduty_trigger(top: _Fields, dedup_key: str | None) -> Signal | None:
    mark = len(top.errors)
    payload = top.nested("payload", required=True)
    client = top.text("client")
    client_url = top.text("client_url")
    links = top.links("links")
    images = top.images("images")
    if payload is None:
        return None
    summary = payload.text("summary", required=True, non_empty=True, cut=TITLE_MAX)
    severity = payload.choice("severity", _PAGERDUTY_SEVERITIES)
    timestamp = payload.instant("timestamp")
    source = payload.text("source", required=True, non_empty=True, most=LABEL_VALUE_MAX)
    labels = {"source": source}
    for name in _PAGERDUTY_LABELS[1:]:
        labels[name] = payload.text(name, most=LABEL_VALUE_MAX)
    custom_details = payload.any_json("custom_details")
    if len(top.errors) > mark or summary is None or severity is None:
        return None
    if client_url is not None and _is_web_url(client_url):
        links += (Link(client_url, client or "Client"),)
    given = {**labels, "custom_details": custom_details, "client": client, "client_url": client_url}
    return Signal(
        action="trigger",
        dedup_key=dedup_key,
        title=summary,
        severity=severity,
        labels={name: value for name, value in {**labels, "severity": severity}.items() if value},
        links=links,
        images=images,
        starts_at=timestamp,
        details={name: value for name, value in given.items() if value is not None},
    )


def pagerduty_change(body: Any) -> tuple[str, Change]:
    """PagerDuty Events API v2 ``/v2/change/enqueue``: the routing key and the change."""
    errors: list[str] = []
    top = _Fields.of(body, "", errors)
    if top is None:
        raise PayloadError(errors)
    routing_key = _routing_key(top)
    links = top.links("links")
    payload = top.nested("payload", required=True)
    change: Change | None = None
    if payload is not None:
        summary = payload.text("summary", required=True, non_empty=True, cut=TITLE_MAX)
        source = payload.text("source")
        timestamp = payload.instant("timestamp")
        custom_details = payload.any_json("custom_details", object_only=True)
        if summary is not None:
            change = Change(summary, source, timestamp, custom_details or {}, links)
    _finish(errors)
    if routing_key is None or change is None:
        raise PayloadError(errors)
    return routing_key, change
