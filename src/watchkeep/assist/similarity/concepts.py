"""Finding lexicon concepts in a normalised word sequence."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from watchkeep.assist.similarity.text import VERSION, words

CONCEPT_PREFIX = "~"
"""Concept terms are written `~oom`: no tokenised word can start with `~`."""

_GAP_WORDS = 3


@dataclass(frozen=True, slots=True)
class _Element:
    word: str
    prefix: bool = False
    gap: bool = False
    as_written: bool = False

    def matches(self, stemmed: str, written: str) -> bool:
        if self.prefix:
            return written.startswith(self.word) or stemmed.startswith(self.word)
        if self.as_written:
            return written == self.word
        return stemmed == self.word


@dataclass(frozen=True, slots=True)
class _Pattern:
    concept: str
    elements: tuple[_Element, ...]


def _compile(concept: str, phrase: str) -> _Pattern:
    elements: list[_Element] = []
    for piece in phrase.split():
        if piece == "...":
            elements.append(_Element("", gap=True))
        elif piece == VERSION:
            elements.append(_Element(VERSION))
        elif piece.endswith("*"):
            elements.append(_Element(piece[:-1].lower(), prefix=True))
        elif piece.startswith("="):
            elements.append(_Element(piece[1:].lower(), as_written=True))
        else:
            elements.extend(_Element(word) for word in words(piece).sequence)
    if not elements or elements[0].gap or elements[-1].gap:
        raise ValueError(f"concept {concept!r}: phrase {phrase!r} must start and end with a word")
    return _Pattern(concept, tuple(elements))


def _match_end(
    elements: Sequence[_Element], stemmed: Sequence[str], written: Sequence[str], start: int
) -> int:
    """End (exclusive) of the shortest match of `elements` at `start`, or -1."""
    if not elements:
        return start
    head, rest = elements[0], elements[1:]
    if head.gap:
        for skip in range(_GAP_WORDS + 1):
            end = _match_end(rest, stemmed, written, start + skip)
            if end >= 0:
                return end
        return -1
    if start < len(stemmed) and head.matches(stemmed[start], written[start]):
        return _match_end(rest, stemmed, written, start + 1)
    return -1


class ConceptMatcher:
    """Matches every phrase of a lexicon against word sequences."""

    def __init__(self, lexicon: Mapping[str, Iterable[str]]) -> None:
        self._exact: dict[str, list[_Pattern]] = defaultdict(list)
        self._prefix: dict[int, dict[str, list[_Pattern]]] = defaultdict(lambda: defaultdict(list))
        for concept, phrases in lexicon.items():
            for phrase in dict.fromkeys(phrases):
                pattern = _compile(concept, phrase)
                head = pattern.elements[0]
                if head.prefix:
                    self._prefix[len(head.word)][head.word].append(pattern)
                else:
                    self._exact[head.word].append(pattern)
        self._prefix_lengths = sorted(self._prefix)
        self._by_word: dict[tuple[str, str], tuple[_Pattern, ...]] = {}
        self.concepts = tuple(lexicon)

    def _candidates(self, stemmed: str, written: str) -> tuple[_Pattern, ...]:
        key = (stemmed, written)
        cached = self._by_word.get(key)
        if cached is not None:
            return cached
        found = dict.fromkeys(self._exact.get(stemmed, ()))
        for length in self._prefix_lengths:
            for word in (stemmed, written):
                if length <= len(word):
                    found.update(dict.fromkeys(self._prefix[length].get(word[:length], ())))
        candidates = tuple(found)
        if len(self._by_word) < 200_000:
            self._by_word[key] = candidates
        return candidates

    def find(
        self, stemmed: Sequence[str], written: Sequence[str], pieces: Sequence[str] = ()
    ) -> list[str]:
        """Concept terms (`~name`) in a text, once per non-overlapping match of a concept.

        `stemmed` and `written` are the same words, stemmed and as written (lower case):
        exact phrase words compare with stems, `word*` prefixes with either. One-word
        phrases are also tried on `pieces`, the unsplit parts of identifiers, so that
        `outofmemory*` finds `java.lang.OutOfMemoryError`.
        """
        free_from: dict[str, int] = {}
        found: list[str] = []
        for piece in pieces:
            for pattern in self._candidates(piece, piece):
                if len(pattern.elements) == 1 and pattern.elements[0].matches(piece, piece):
                    found.append(CONCEPT_PREFIX + pattern.concept)
        for start, (word, surface) in enumerate(zip(stemmed, written, strict=True)):
            for pattern in self._candidates(word, surface):
                if start < free_from.get(pattern.concept, 0):
                    continue
                end = _match_end(pattern.elements, stemmed, written, start)
                if end >= 0:
                    free_from[pattern.concept] = end
                    found.append(CONCEPT_PREFIX + pattern.concept)
        return found
