"""From incident text to index terms: words, whole identifiers and lexicon concepts."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from watchkeep.assist.similarity.concepts import CONCEPT_PREFIX, ConceptMatcher
from watchkeep.assist.similarity.lexicon import CONCEPTS, CONTEXT
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


def _name_parts(names: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Each name as the words the tokeniser makes of it (`payments-api`: payments, api)."""
    parts = {words(name).surfaces for name in names if name}
    return tuple(sorted((p for p in parts if p), key=len, reverse=True))


NameIndex = tuple[dict[str, list[tuple[str, ...]]], re.Pattern[str] | None]


@lru_cache(maxsize=64)
def _name_index(names: tuple[tuple[str, ...], ...]) -> NameIndex:
    """``names`` by their first word (in their order), and a pattern that finds any of them
    written as one word: a catalog of hundreds of names is looked up, not scanned."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for name in names:
        by_first.setdefault(name[0], []).append(name)
    joined = sorted({"".join(name) for name in names}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(name) for name in joined)) if joined else None
    return by_first, pattern


def without_names(
    normalised: Words,
    names: tuple[tuple[str, ...], ...],
    catalog: tuple[tuple[str, ...], ...] = (),
) -> Words:
    """``normalised`` without the words that spell one of ``names`` or, after them, of
    ``catalog``, however the text joins them (`payments-api`, `payments api`, `PaymentsApi`
    in `PaymentsApiHighLatency`), and without the identifiers and pieces that contain one.

    ``names`` are few (an incident's services) and scanned; ``catalog`` is indexed once."""
    if not names and not catalog:
        return normalised
    own: dict[str, list[tuple[str, ...]]] = {}
    for name in names:
        own.setdefault(name[0], []).append(name)
    listed, pattern = _name_index(catalog)
    keep = [True] * len(normalised.surfaces)
    surfaces = normalised.surfaces
    for start, surface in enumerate(surfaces):
        for name in (*own.get(surface, ()), *listed.get(surface, ())):
            if surfaces[start : start + len(name)] == name:
                keep[start : start + len(name)] = [False] * len(name)
                break
    joined = tuple("".join(name) for name in names)

    def named(identifier: str) -> bool:
        flat = "".join(ch for ch in identifier if ch.isalnum())
        if any(name in flat for name in joined):
            return True
        return pattern is not None and pattern.search(flat) is not None

    return Words(
        tuple(w for w, k in zip(normalised.sequence, keep, strict=True) if k),
        tuple(w for w, k in zip(surfaces, keep, strict=True) if k),
        tuple(i for i in normalised.identifiers if not named(i)),
        tuple(p for p in normalised.pieces if not named(p)),
    )


class Analyzer:
    """Turns text into terms; one instance is shared by an index and its queries.

    ``names`` are the catalog's names (services, vendors): left out of every text wherever
    they occur, as an incident's own services are (`without_services`).
    """

    def __init__(
        self,
        lexicon: Mapping[str, Sequence[str]] | None = None,
        *,
        concepts: bool = True,
        names: Sequence[str] = (),
    ) -> None:
        self._matcher = ConceptMatcher(CONCEPTS if lexicon is None else lexicon)
        self._concepts = concepts
        self._names = _name_parts(names)

    def _words(self, text: str, services: Sequence[str]) -> Words:
        own = _name_parts(services)
        return without_names(words(without_services(text, services)), own, self._names)

    def _terms(self, normalised: Words) -> list[str]:
        found = terms(normalised)
        if self._concepts:
            found += self._matcher.find(normalised.sequence, normalised.surfaces, normalised.pieces)
        return found

    def terms(self, text: str, *, services: Sequence[str] = ()) -> list[str]:
        """Index terms of `text`: indexed words, whole identifiers, then concepts.

        The names of `services` (the incident's own) and the catalog's are left out.
        """
        if not text:
            return []
        return self._terms(self._words(text, services))

    def analyse(self, text: str, *, services: Sequence[str] = ()) -> Analysis:
        """Terms of `text` together with a readable form of each."""
        normalised = self._words(text, services)
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


def is_failure(term: str) -> bool:
    """Whether a term stands for a failure mode: a concept not in the lexicon's `CONTEXT`."""
    return is_concept(term) and term[len(CONCEPT_PREFIX) :] not in CONTEXT
