"""Turning incident prose into normalised words.

Incident text mixes English with identifiers: `OOMKilled`, `checkout-api`, `v5.3.0`,
`java.lang.OutOfMemoryError`, `HTTP 503`. The tokeniser keeps both views of an
identifier — the whole (`checkout-api`, `oomkilled`), which matches the same identifier
exactly, and its words (`checkout`, `api`; `oom`, `kill`), which match prose — and
turns versions into one marker so that "since v2.8.0" and "after release 4.2" meet.

Two outputs come from one pass:
- the *sequence*: every word stemmed and in order, stop words and numbers included,
  which the concept lexicon matches phrases against ("out of memory", "exit code 137");
- the *terms*: what is indexed — the sequence without stop words, bare numbers (except
  status-like codes 100-599 and long error codes) and one-letter words, plus whole
  identifiers.
"""

import re
from dataclasses import dataclass

from watchkeep.assist.similarity.stem import stem

VERSION = "#version"
"""The sequence word that stands for any version number (v5.3.0, 2.8.0, 2025.06.2)."""

_APOSTROPHE = re.compile("(?<=[A-Za-z])['\u2019](?=[A-Za-z])")
_CHUNK = re.compile(r"[A-Za-z0-9]+(?:[._\-/:][A-Za-z0-9]+)*%?")
_VERSION = re.compile(r"v?\d+(?:\.\d+){1,3}")
_CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_PART = re.compile(r"[A-Za-z0-9]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+")
_QUANTITY = re.compile(
    r"\d+(?:ms|s|sec|secs|m|min|mins|h|hr|hrs|d|w|k|x|b|kb|mb|gb|tb|pb|ki|mi|gi|ti|kib|mib|gib"
    r"|tib|g|rps|qps|tps|mbps|gbps|th|st|nd|rd)"
)
_STATUS_CLASS = re.compile(r"[1-5]xx")
_STATUS_PLURAL = re.compile(r"[1-5]\d\ds")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _word_set(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself nor of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves also us got get gets via per still yet etc eg ie vs every since around across
    already almost another anything whether within without onto upon like min mins sec secs
    ms hrs
    """
)
"""Common English function words; they carry no evidence of what went wrong."""

BOILERPLATE = _word_set(
    """
    second seconds minute minutes hour hours day days week weeks today yesterday tonight
    user users customer customers people someone everyone anyone team teams see sees seeing
    saw seen show shows showed showing shown look looks looked looking seem seems seemed
    appear appears appeared notice noticed noticing report reported went go goes going gone
    come came started starting begin began begun roughly approximately about around some
    many much several lot lots bit right now then again even though although instead anyway
    really quite issue issues problem problems incident incidents thing things something
    """
)
"""Words that every incident report uses, whatever went wrong.

Both lists stay in the sequence (the lexicon needs "no space left *on* device") but are
never indexed.
"""


@dataclass(frozen=True, slots=True)
class Words:
    """One text, normalised: the stemmed sequence and the extra whole-identifier terms."""

    sequence: tuple[str, ...]
    surfaces: tuple[str, ...]
    """The words as written, lower-cased, one per sequence word."""
    identifiers: tuple[str, ...]
    """Whole identifiers, lower-cased: `checkout-api`, `oomkilled`, `2.8.0`."""
    pieces: tuple[str, ...]
    """The identifiers' pieces between separators, unsplit: `outofmemoryerror`."""


def _split_part(part: str) -> list[str]:
    """Words of one alphanumeric run: camel case split, quantities dropped, codes kept."""
    if part.isdigit():
        return [part]
    if part.isalpha():
        return [word.lower() for word in _CAMEL.findall(part)]
    lowered = part.lower()
    if _STATUS_CLASS.fullmatch(lowered):
        return [lowered]
    if _STATUS_PLURAL.fullmatch(lowered):
        return [lowered[:-1]]  # "503s" are HTTP 503 responses
    if _QUANTITY.fullmatch(lowered):
        return []  # 2Gi, 300MB, 20s, 8x: a quantity says little about the cause
    return [lowered]  # x509, p99, gen2, 40P01, ec2: codes are words in their own right


def words(text: str) -> Words:
    """Normalise `text` into its stemmed word sequence and whole identifiers."""
    sequence: list[str] = []
    surfaces: list[str] = []
    identifiers: list[str] = []
    pieces: list[str] = []
    for match in _CHUNK.finditer(_APOSTROPHE.sub("", text)):
        chunk = match.group().rstrip("%")
        if _VERSION.fullmatch(chunk):
            sequence.append(VERSION)
            surfaces.append(chunk.lower())
            identifiers.append(chunk.lower().lstrip("v"))
            continue
        if _CLOCK_TIME.fullmatch(chunk):
            continue
        parts = [word for part in _PART.findall(chunk) for word in _split_part(part)]
        if len(parts) > 1 and len(chunk) > 3 and not all(part.isdigit() for part in parts):
            identifiers.append(chunk.lower())
            pieces.extend(p.lower() for p in _PART.findall(chunk) if len(_split_part(p)) > 1)
        for part in parts:
            sequence.append(stem(part))
            surfaces.append(part)
    return Words(tuple(sequence), tuple(surfaces), tuple(identifiers), tuple(pieces))


MAX_TERM = 100
"""The longest term, in characters: a longer "word" is a blob (a hash, a dump, a base64
body) that no other incident shares, and a database's full-text index refuses one over 2 KB."""


def is_indexed(word: str, written: str) -> bool:
    """Whether a sequence word (stemmed, and as written) is worth indexing as a term."""
    if written in STOP_WORDS or written in BOILERPLATE or not 2 <= len(word) <= MAX_TERM:
        return False
    if word.isdigit():
        return _is_code(word)
    return True


def _is_code(number: str) -> bool:
    """HTTP-status-like (100-599) and 4-5 digit error codes (1205, 40001) mean something."""
    if len(number) == 3:
        return "100" <= number <= "599"
    return len(number) in (4, 5) and number[0] != "0" and not number.startswith(("19", "20"))


def terms(normalised: Words) -> list[str]:
    """The index terms of a normalised text (without concepts)."""
    found = [
        word
        for word, written in zip(normalised.sequence, normalised.surfaces, strict=True)
        if word != VERSION and is_indexed(word, written)
    ]
    return found + [i for i in normalised.identifiers if len(i) <= MAX_TERM]
