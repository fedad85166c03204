"""From incident text to index terms: words, whole identifiers and lexicon concepts."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from watchkeep.assist.similarity.concepts import CONCEPT_PREFIX, ConceptMatcher
from watchkeep.assist.similarity.lexicon import CONCEPTS
from watchkeep.assist.similarity.text import VERSION, Words, is_indexed, terms, words


@dataclass(frozen=True, slots=True)
class Analysis:
    """The index terms of one text and, for display, a readable form of each."""

    terms: tuple[str, ...]
    surfaces: Mapping[str, str]


@lru_cache(maxsize=4096)
def _service_name(services: tuple[str, ...]) -> re.Pattern[str]:
    """Matches a service's name where the text uses it, with any suffix (`search-api`)."""
    names = "|".join(re.escape(name) for name in sorted(services, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{names})(?:[-_.:/][A-Za-z0-9]+)*(?![\w-])", re.IGNORECASE)


def without_services(text: str, services: Sequence[str]) -> str:
    """`text` with the names of `services` blanked out.

    Where an incident happened is the service signal's business: as words, a service's
    name would make every incident of that service look alike, and "cache-warmer" would
    read as a cache stampede.
    """
    names = tuple(name for name in services if name)
    return _service_name(names).sub(" ", text) if names else text


class Analyzer:
    """Turns text into terms; one instance is shared by an index and its queries."""

    def __init__(
        self, lexicon: Mapping[str, Sequence[str]] | None = None, *, concepts: bool = True
    ) -> None:
        self._matcher = ConceptMatcher(CONCEPTS if lexicon is None else lexicon)
        self._concepts = concepts

    def _terms(self, normalised: Words) -> list[str]:
        found = terms(normalised)
        if self._concepts:
            found += self._matcher.find(normalised.sequence, normalised.surfaces, normalised.pieces)
        return found

    def terms(self, text: str, *, services: Sequence[str] = ()) -> list[str]:
        """Index terms of `text`: indexed words, whole identifiers, then concepts.

        The names of `services` (the incident's own) are left out (`without_services`).
        """
        if not text:
            return []
        return self._terms(words(without_services(text, services)))

    def analyse(self, text: str, *, services: Sequence[str] = ()) -> Analysis:
        """Terms of `text` together with a readable form of each."""
        normalised = words(without_services(text, services))
        surfaces: dict[str, str] = {}
        for word, surface in zip(normalised.sequence, normalised.surfaces, strict=True):
            if word != VERSION and is_indexed(word, surface):
                surfaces.setdefault(word, surface)
        for identifier in normalised.identifiers:
            surfaces.setdefault(identifier, identifier)
        found = self._terms(normalised)
        for term in found:
            if is_concept(term):
                surfaces.setdefault(term, term[len(CONCEPT_PREFIX) :])
        return Analysis(tuple(found), surfaces)


def is_concept(term: str) -> bool:
    """Whether a term stands for a lexicon concept rather than a word."""
    return term.startswith(CONCEPT_PREFIX)
