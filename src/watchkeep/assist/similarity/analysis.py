"""From incident text to index terms: words, whole identifiers and lexicon concepts."""

from collections.abc import Mapping, Sequence
import re
from dataclasses import dataclass

from watchkeep.assist.similarity.concepts import CONCEPT_PREFIX, ConceptMatcher
from watchkeep.assist.similarity.lexicon import CONCEPTS
from watchkeep.assist.similarity.text import VERSION, is_indexed, terms, words

_IDENTIFIER_SEPARATORS = re.compile(r"[._\-/:]")


@dataclass(frozen=True, slots=True)
class Analysis:
    """The index terms of one text and, for display, a readable form of each."""

    terms: tuple[str, ...]
    surfaces: Mapping[str, str]


class Analyzer:
    """Turns text into terms; one instance is shared by an index and its queries."""

    def __init__(
        self, lexicon: Mapping[str, Sequence[str]] | None = None, *, concepts: bool = True
    ) -> None:
        self._matcher = ConceptMatcher(CONCEPTS if lexicon is None else lexicon)
        self._concepts = concepts

    def terms(self, text: str, *, services: Sequence[str] = ()) -> list[str]:
        """Index terms of `text`: indexed words, whole identifiers, then concepts.

        The words of `services` (the incident's own services) are left out: where it
        happened is the service signal's business, and it would otherwise dominate.
        """
        if not text:
            return []
        normalised = words(text)
        found = terms(normalised)
        if services:
            found = [term for term in found if not _names_service(term, services)]
        if self._concepts:
            found += self._matcher.find(
                normalised.sequence, normalised.surfaces, normalised.pieces
            )
        return found

    def analyse(self, text: str) -> Analysis:
        """Terms of `text` together with the first surface form of each."""
        normalised = words(text)
        surfaces: dict[str, str] = {}
        for word, surface in zip(normalised.sequence, normalised.surfaces, strict=True):
            if word != VERSION and is_indexed(word, surface):
                surfaces.setdefault(word, surface.lower())
        for identifier in normalised.identifiers:
            surfaces.setdefault(identifier, identifier)
        found = self.terms(text)
        for term in found:
            if term.startswith(CONCEPT_PREFIX):
                surfaces.setdefault(term, term[len(CONCEPT_PREFIX) :])
        return Analysis(tuple(found), surfaces)


def _service_words(service: str) -> frozenset[str]:
    return frozenset((service.lower(), *words(service).sequence))


def _names_service(term: str, services: Sequence[str]) -> bool:
    for service in services:
        names = _service_words(service)
        if term in names or any(part in names for part in _IDENTIFIER_SEPARATORS.split(term)):
            return True
    return False


def is_concept(term: str) -> bool:
    """Whether a term stands for a lexicon concept rather than a word."""
    return term.startswith(CONCEPT_PREFIX)
