"""The runbooks of the affected services and of what they depend on, each with the section
that best matches the alerts."""

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from watchkeep.assist.evidence.source import DEFAULT_TIMEOUT
from watchkeep.assist.investigation.graph import Dependencies
from watchkeep.assist.investigation.model import Fact, RunbookFact, Subject
from watchkeep.assist.investigation.scoring import affected_services
from watchkeep.assist.investigation.text import analyzer
from watchkeep.core.actor import Actor

HOPS = 2  # the affected services, what they call, and what that calls
EXCERPT = 400
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Section:
    heading: str
    body: str


def sections(markdown: str) -> list[Section]:
    """A Markdown runbook cut at its headings (text before the first one has no heading)."""
    found = []
    marks = list(_HEADING.finditer(markdown))
    if not marks or marks[0].start() > 0:
        lead = markdown[: marks[0].start() if marks else len(markdown)].strip()
        if lead:
            found.append(Section("", lead))
    for n, mark in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(markdown)
        found.append(Section(mark.group(1), markdown[mark.end() : end].strip()))
    return found


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def best_section(markdown: str, symptoms: str, services: tuple[str, ...]) -> tuple[Section, float]:
    """The section sharing the most terms (words and concepts) with the symptoms, and how
    many it shares per the square root of its length."""
    wanted = set(analyzer().terms(symptoms, services=services))
    best, score = Section("", markdown), 0.0
    for section in sections(markdown):
        terms = analyzer().terms(f"{section.heading}\n{section.heading}\n{section.body}")
        shared = len(wanted & set(terms))
        value = shared / max(1.0, len(set(terms))) ** 0.5
        if value > score:
            best, score = section, value
    return best, score


class Runbooks:
    name = "runbooks"

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout

    def gather(self, session: Session, subject: Subject, actor: Actor) -> list[Fact]:
        graph = Dependencies(subject.catalog, affected_services(subject))
        symptoms = subject.symptoms()
        found: list[RunbookFact] = []
        for service in subject.catalog.values():
            placement = graph.place(service.name)
            if placement is None or placement.hops is None or placement.hops > HOPS:
                continue
            if not service.runbook and not service.runbook_url:
                continue
            section, score = Section("", ""), 0.0
            if service.runbook:
                section, score = best_section(service.runbook, symptoms, subject.services)
            found.append(
                RunbookFact(
                    service=service.name,
                    section=section.heading,
                    excerpt=_excerpt(section.body),
                    score=round(score, 3),
                    url=service.runbook_url,
                )
            )
        ranked: list[Fact] = [*sorted(found, key=lambda f: -f.score)]
        return ranked
