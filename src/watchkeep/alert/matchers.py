"""Alertmanager-style label matchers (``=``, ``!=``, ``=~``, ``!~``) and the route and silence
decisions made with them. Pure: plain values in, decisions out.

The semantics are Alertmanager's, so a matcher copied from an Alertmanager route or silence
means the same here: a missing label is the empty string (``team=""`` matches an alert
without ``team``), and a regular expression must match the whole value (``=~"crit"`` does
not match ``critical``). The regular expressions are Python's ``re``, which agrees with Go's
RE2 on the usual ones (alternation, classes, repetition).
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal, get_args

Op = Literal["=", "!=", "=~", "!~"]

OPS: tuple[Op, ...] = get_args(Op)
# Longest first: "=~" must not be read as "=" followed by a value starting with "~".
_OPS_BY_LENGTH: tuple[Op, ...] = ("=~", "!~", "!=", "=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LEADING_NAME = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*")
EXPECTED_FORM = 'name="value" with =, !=, =~ or !~, such as alertname="HighLatency" or ' + (
    'severity=~"critical|error"'
)


class MatcherError(ValueError):
    """A matcher that cannot be used; ``errors`` has one message per bad matcher."""

    def __init__(self, errors: str | list[str]) -> None:
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("; ".join(self.errors))


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    """Each regular expression is compiled once, however many alerts it is tried on."""
    return re.compile(pattern)


@dataclass(frozen=True)
class Matcher:
    """``name op value``, checked when made, so a rule holding one can always be evaluated."""

    name: str
    op: Op
    value: str

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise MatcherError(f"{self.name!r} is not a label name: write {EXPECTED_FORM}")
        if self.op not in OPS:
            raise MatcherError(f"{self.op!r} is not an operator: write {EXPECTED_FORM}")
        if self.op in ("=~", "!~"):
            try:
                _compiled(self.value)
            except re.error as exc:
                raise MatcherError(
                    f"{str(self)!r} has a bad regular expression: {exc}; write {EXPECTED_FORM}"
                ) from exc

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether ``labels`` satisfy this matcher; a missing label counts as ``""``."""
        actual = labels.get(self.name, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        found = _compiled(self.value).fullmatch(actual) is not None
        return found if self.op == "=~" else not found

    def __str__(self) -> str:
        """The canonical form, always quoted: ``parse(str(m)) == m``."""
        quoted = self.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{self.name}{self.op}"{quoted}"'


def parse(text: str) -> Matcher:
    """``name="value"`` (with ``\\"`` and ``\\\\`` escapes) or ``name=value`` (trimmed), with
    any of the four operators and spaces allowed around it.

    A backslash before any other character is kept, so a regular expression reads as
    written: ``code=~"5\\d\\d"`` matches ``503``.
    """
    head = _LEADING_NAME.match(text)
    if head is None:
        raise MatcherError(f"{text!r} does not start with a label name: write {EXPECTED_FORM}")
    rest = text[head.end() :]
    op = next((candidate for candidate in _OPS_BY_LENGTH if rest.startswith(candidate)), None)
    if op is None:
        raise MatcherError(f"{text!r} has no operator after {head[1]!r}: write {EXPECTED_FORM}")
    value = _value(text, rest[len(op) :].strip())
    return Matcher(head[1], op, value)


def _value(text: str, raw: str) -> str:
    """The value part: unquoted as is, or quoted with its escapes undone."""
    if raw.startswith(("=", "~")):
        raise MatcherError(
            f"{text!r} has a value starting with {raw[0]!r}, which looks like a mistyped "
            f"operator (quote the value if it is meant): write {EXPECTED_FORM}"
        )
    if not raw.startswith('"'):
        return raw
    chars: list[str] = []
    index = 1
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw) and raw[index + 1] in '"\\':
            chars.append(raw[index + 1])
            index += 2
        elif char == '"':
            if index != len(raw) - 1:
                raise MatcherError(
                    f"{text!r} has text after the closing quote: write {EXPECTED_FORM}"
                )
            return "".join(chars)
        else:
            chars.append(char)
            index += 1
    raise MatcherError(f"{text!r} has no closing quote: write {EXPECTED_FORM}")


def parse_all(texts: Iterable[str]) -> tuple[Matcher, ...]:
    """Every matcher of ``texts``, or one :class:`MatcherError` listing each bad one, so a
    form shows all its mistakes at once."""
    matchers: list[Matcher] = []
    errors: list[str] = []
    for text in texts:
        try:
            matchers.append(parse(text))
        except MatcherError as exc:
            errors.extend(exc.errors)
    if errors:
        raise MatcherError(errors)
    return tuple(matchers)


def matches_all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    """Whether every matcher matches; no matchers match everything."""
    return all(matcher.matches(labels) for matcher in matchers)


@dataclass(frozen=True)
class RouteRule:
    """A route's conditions; an empty ``source_ids`` or ``severities`` means any."""

    id: int
    matchers: tuple[Matcher, ...] = ()
    source_ids: frozenset[int] = frozenset()
    severities: frozenset[str] = frozenset()

    def fits(self, *, source_id: int, labels: Mapping[str, str], severity: str | None) -> bool:
        """A rule that names severities wants one of them: an alert without a severity does
        not fit it."""
        if self.source_ids and source_id not in self.source_ids:
            return False
        if self.severities and severity not in self.severities:
            return False
        return matches_all(self.matchers, labels)


def choose_route(
    rules: Sequence[RouteRule],
    *,
    source_id: int,
    labels: Mapping[str, str],
    severity: str | None,
) -> RouteRule | None:
    """The first rule, in order, that the alert fits: routes are ordered so that specific
    rules come before catch-alls, and the first fit wins."""
    return next(
        (r for r in rules if r.fits(source_id=source_id, labels=labels, severity=severity)),
        None,
    )


@dataclass(frozen=True)
class SilenceRule:
    """A silence: active from ``starts_at`` until just before ``ends_at``; an empty
    ``source_ids`` means any source."""

    id: int
    matchers: tuple[Matcher, ...]
    starts_at: datetime
    ends_at: datetime
    source_ids: frozenset[int] = frozenset()

    def silences(self, *, source_id: int, labels: Mapping[str, str], now: datetime) -> bool:
        if not self.starts_at <= now < self.ends_at:
            return False
        if self.source_ids and source_id not in self.source_ids:
            return False
        return matches_all(self.matchers, labels)


def silenced_by(
    rules: Iterable[SilenceRule],
    *,
    source_id: int,
    labels: Mapping[str, str],
    now: datetime,
) -> SilenceRule | None:
    """The first active silence that covers the alert, or ``None``.

    A silence without matchers and sources covers everything: allowed here, since what
    users may create is checked where silences are made.
    """
    return next(
        (r for r in rules if r.silences(source_id=source_id, labels=labels, now=now)),
        None,
    )
