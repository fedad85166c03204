"""Whether a sentence is supported by what it cites: the checks every drafted sentence passes,
the deterministic drafter's and a language model's alike.

A sentence must cite at least one source, and only sources the draft knows. Every time of
day and every reference (``INC-12``, ``CHG-3``, ``KE-2``, ``PRB-4``) it mentions must appear
in a source it cites. Causal words ("caused", "root cause", "because", "due to", ...) in the
sentence's own words need a citation of the incident's root cause, a problem or a known
error: a sentence may not make a change, or anything else, the cause on its own authority.
Words in quotes (“…”) are the record's, attributed to who wrote them, and not held to that
rule.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from watchkeep.assist.drafting.record import Source

MARKER = re.compile(r"\[\^([A-Za-z][A-Za-z0-9_.:-]*)\]")
TIME = re.compile(r"\b([01]\d|2[0-3]):[0-5]\d\b")
REFERENCE = re.compile(r"\b(?:INC|CHG|KE|PRB|ALR)-\d+\b")
CAUSAL = re.compile(
    r"\b(caus\w*|root cause|because|due to|triggered|led to|result(ed)? of|responsible for)\b",
    re.IGNORECASE,
)
CAUSE_SOURCES = ("F-root_cause", "P", "KE")
QUOTED_WORDS = re.compile(r"“[^”]*”")
QUOTED = re.compile(r"“[^”]*”|\*\*[^*]*\*\*")
BOUNDARY = re.compile(r"[.!?](?:\[\^[^\]]+\])*(?=\s+[A-Z“*(]|$)|(?:\[\^[^\]]+\])+(?=\s)")


@dataclass(frozen=True)
class Problem:
    sentence: str
    reason: str


def split(text: str) -> list[str]:
    """A section's Markdown as sentences (list items and paragraphs apart), citations kept
    with the sentence they end."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        for line in paragraph.splitlines():
            line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
            if not line or line.startswith("#"):
                continue
            sentences += _sentences(line)
    return sentences


def _sentences(line: str) -> list[str]:
    """Split at a sentence's end (its citations kept with it), not inside quoted words or
    bold text: quotes from the record may hold full stops of their own."""
    masked = QUOTED.sub(lambda m: "x" * len(m.group(0)), line)
    parts: list[str] = []
    start = 0
    for match in BOUNDARY.finditer(masked):
        parts.append(line[start : match.end()].strip())
        start = match.end()
    parts.append(line[start:].strip())
    return [p for p in parts if p]


def problems(sentence: str, sources: Mapping[str, Source]) -> list[str]:
    """What is wrong with one sentence (empty: it is supported)."""
    cited = MARKER.findall(sentence)
    if not cited:
        return ["cites no source"]
    unknown = [key for key in cited if key not in sources]
    if unknown:
        return [f"cites unknown source {', '.join(unknown)}"]
    plain = MARKER.sub("", sentence)
    texts = " ".join(f"{sources[k].text} {sources[k].label}" for k in cited)
    found: list[str] = []
    for time in {m.group(0) for m in TIME.finditer(plain)}:
        if time not in texts:
            found.append(f"the time {time} is in none of its sources")
    for ref in set(REFERENCE.findall(plain)):
        if ref not in texts:
            found.append(f"{ref} is in none of its sources")
    own_words = QUOTED_WORDS.sub("", plain)  # a quote is what someone wrote, not a claim
    if CAUSAL.search(own_words) and not any(k.startswith(CAUSE_SOURCES) for k in cited):
        found.append("speaks of a cause without citing the root cause, a problem or a known error")
    return found


def unsupported(texts: Iterable[str], sources: Mapping[str, Source]) -> list[Problem]:
    """Every sentence of ``texts`` (sections' Markdown) that fails a check, with why."""
    return [
        Problem(sentence, "; ".join(found))
        for text in texts
        for sentence in split(text)
        if (found := problems(sentence, sources))
    ]
