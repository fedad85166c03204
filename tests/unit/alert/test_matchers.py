"""Alertmanager-style matchers, and the route and silence decisions made with them."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.hypothesis_profiles import examples

from watchkeep.alert.matchers import (
    Matcher,
    MatcherError,
    RouteRule,
    SilenceRule,
    choose_route,
    matches_all,
    parse,
    parse_all,
    silenced_by,
)

LABELS = {"alertname": "HighLatency", "severity": "critical", "team": "payments"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('alertname="HighLatency"', Matcher("alertname", "=", "HighLatency")),
        ("alertname=HighLatency", Matcher("alertname", "=", "HighLatency")),
        ('  severity =~ "critical|error"  ', Matcher("severity", "=~", "critical|error")),
        ("team != payments ", Matcher("team", "!=", "payments")),
        ('instance!~"web-.*"', Matcher("instance", "!~", "web-.*")),
        ("env=", Matcher("env", "=", "")),
        ('env=""', Matcher("env", "=", "")),
        ('msg="say \\"hi\\""', Matcher("msg", "=", 'say "hi"')),
        ('path="C:\\\\temp"', Matcher("path", "=", "C:\\temp")),
        ('code=~"5\\d\\d"', Matcher("code", "=~", "5\\d\\d")),  # other escapes are kept
        ("_x1=a b", Matcher("_x1", "=", "a b")),
        ('q="a=b"', Matcher("q", "=", "a=b")),
    ],
)
def test_parse(text: str, expected: Matcher) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("alertname", "has no operator"),
        ("", "does not start with a label name"),
        ('"alertname"="x"', "does not start with a label name"),
        ("1team=x", "does not start with a label name"),
        ("team-name=x", "has no operator"),
        ("team~x", "has no operator"),
        ('team="payments', "has no closing quote"),
        ('team="payments" extra', "has text after the closing quote"),
        ("team==payments", "looks like a mistyped operator"),
        ('team=~"(pay"', "has a bad regular expression: missing ), unterminated subpattern"),
    ],
)
def test_a_bad_matcher_says_what_is_wrong_and_shows_the_form(text: str, problem: str) -> None:
    with pytest.raises(MatcherError) as raised:
        parse(text)
    message = str(raised.value)
    assert problem in message
    assert 'alertname="HighLatency"' in message
    assert 'severity=~"critical|error"' in message
    assert isinstance(raised.value, ValueError)


def test_a_matcher_is_checked_when_made() -> None:
    with pytest.raises(MatcherError, match="not a label name"):
        Matcher("bad name", "=", "x")
    with pytest.raises(MatcherError, match="not an operator"):
        Matcher("team", "~=", "x")  # type: ignore[arg-type]
    with pytest.raises(MatcherError, match="bad regular expression"):
        Matcher("team", "!~", "[")


def test_parse_all_lists_every_bad_matcher() -> None:
    assert parse_all(['team="payments"', "severity=~crit.*"]) == (
        Matcher("team", "=", "payments"),
        Matcher("severity", "=~", "crit.*"),
    )
    assert parse_all([]) == ()
    with pytest.raises(MatcherError) as raised:
        parse_all(["ok=1", "bad", 'x=~"("', "fine!=2"])
    assert len(raised.value.errors) == 2
    assert raised.value.errors[0].startswith("'bad' has no operator")
    assert "bad regular expression" in raised.value.errors[1]


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ('team="payments"', LABELS, True),
        ('team="Payments"', LABELS, False),
        ('team!="payments"', LABELS, False),
        ('team!="search"', LABELS, True),
        # A missing label is the empty string.
        ('env=""', LABELS, True),
        ('env!=""', LABELS, False),
        ('env=~".*"', LABELS, True),
        ('env=~".+"', LABELS, False),
        ('env!~"prod"', LABELS, True),
        ('env="prod"', LABELS, False),
        # Regular expressions match the whole value.
        ('severity=~"crit"', LABELS, False),
        ('severity=~"crit.*"', LABELS, True),
        ('severity=~"critical|error"', LABELS, True),
        ('severity=~"error|critical"', LABELS, True),
        ('severity=~"warning|error"', LABELS, False),
        ('severity!~"crit"', LABELS, True),
        ('severity!~"critical|error"', LABELS, False),
        ('alertname=~"High.*"', LABELS, True),
        ('alertname=~"igh"', LABELS, False),
    ],
)
def test_matches(text: str, labels: dict[str, str], expected: bool) -> None:
    assert parse(text).matches(labels) is expected


def test_matches_all() -> None:
    both = parse_all(['team="payments"', 'severity=~"critical|error"'])
    assert matches_all(both, LABELS)
    assert not matches_all(both, {**LABELS, "severity": "info"})
    assert matches_all((), {})
    assert matches_all([], LABELS)


@pytest.mark.parametrize(
    "matcher",
    [
        Matcher("team", "=", 'say "hi" \\ bye'),
        Matcher("code", "=~", "5\\d\\d|4\\d\\d"),
        Matcher("env", "!=", ""),
        Matcher("msg", "!~", " spaced "),
        Matcher("x", "=", "="),
    ],
)
def test_the_canonical_form_round_trips(matcher: Matcher) -> None:
    text = str(matcher)
    assert text.startswith(f'{matcher.name}{matcher.op}"')
    assert parse(text) == matcher


def test_the_canonical_form_is_quoted() -> None:
    assert str(parse("team = payments")) == 'team="payments"'
    assert str(parse('msg="a\\"b"')) == 'msg="a\\"b"'


@settings(max_examples=examples(4))
@given(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]*", fullmatch=True),
    st.sampled_from(["=", "!="]),
    st.text(),
)
def test_any_value_round_trips(name: str, op: str, value: str) -> None:
    matcher = Matcher(name, "=" if op == "=" else "!=", value)
    assert parse(str(matcher)) == matcher


@settings(max_examples=examples(2))
@given(st.text())
def test_parse_gives_a_matcher_or_a_matcher_error(text: str) -> None:
    try:
        matcher = parse(text)
    except MatcherError as error:
        assert error.errors
    else:
        assert parse(str(matcher)) == matcher


def rule(
    rule_id: int,
    *matchers: str,
    sources: frozenset[int] = frozenset(),
    severities: frozenset[str] = frozenset(),
) -> RouteRule:
    return RouteRule(rule_id, parse_all(matchers), sources, severities)


ROUTES = [
    rule(1, 'team="search"'),
    rule(2, 'team="payments"', severities=frozenset({"critical"})),
    rule(3, sources=frozenset({7})),
    rule(4, 'team="payments"'),
    rule(5),
]


@pytest.mark.parametrize(
    ("source_id", "labels", "severity", "expected"),
    [
        (1, {"team": "search"}, None, 1),
        (1, {"team": "payments"}, "critical", 2),
        (1, {"team": "payments"}, "warning", 4),
        (1, {"team": "payments"}, None, 4),  # a rule naming severities wants one
        (7, {"team": "payments"}, "info", 3),
        (7, {"team": "payments"}, "critical", 2),
        (1, {}, None, 5),
    ],
)
def test_the_first_fitting_route_wins(
    source_id: int, labels: dict[str, str], severity: str | None, expected: int
) -> None:
    chosen = choose_route(ROUTES, source_id=source_id, labels=labels, severity=severity)
    assert chosen is not None and chosen.id == expected


def test_no_route_fits() -> None:
    assert choose_route([], source_id=1, labels=LABELS, severity="critical") is None
    strict = [rule(1, sources=frozenset({2})), rule(2, severities=frozenset({"critical", "error"}))]
    assert choose_route(strict, source_id=1, labels=LABELS, severity="info") is None
    assert choose_route(strict, source_id=1, labels=LABELS, severity="error") == strict[1]


NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def silence(
    silence_id: int,
    *matchers: str,
    starts: datetime = NOW - HOUR,
    ends: datetime = NOW + HOUR,
    sources: frozenset[int] = frozenset(),
) -> SilenceRule:
    return SilenceRule(silence_id, parse_all(matchers), starts, ends, sources)


def test_the_first_active_matching_silence_applies() -> None:
    rules = [
        silence(1, 'team="payments"', ends=NOW - HOUR / 2),  # over
        silence(2, 'team="payments"', starts=NOW + HOUR),  # not yet
        silence(3, 'team="search"'),
        silence(4, 'team="payments"', sources=frozenset({9})),
        silence(5, 'severity=~"critical|error"', 'team="payments"'),
        silence(6, 'team="payments"'),
    ]
    found = silenced_by(rules, source_id=1, labels=LABELS, now=NOW)
    assert found is not None and found.id == 5
    from_nine = silenced_by(rules, source_id=9, labels=LABELS, now=NOW)
    assert from_nine is not None and from_nine.id == 4


def test_a_silence_starts_inclusive_and_ends_exclusive() -> None:
    rule_ = silence(1, starts=NOW, ends=NOW + HOUR)
    assert silenced_by([rule_], source_id=1, labels={}, now=NOW) == rule_
    assert silenced_by([rule_], source_id=1, labels={}, now=NOW + HOUR) is None
    assert silenced_by([rule_], source_id=1, labels={}, now=NOW - timedelta(microseconds=1)) is None


def test_a_silence_without_matchers_or_sources_silences_everything() -> None:
    everything = silence(1)
    assert silenced_by([everything], source_id=3, labels=LABELS, now=NOW) == everything
    assert silenced_by([], source_id=3, labels=LABELS, now=NOW) is None
