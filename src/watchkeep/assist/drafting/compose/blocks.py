"""What a draft is made of (sentences that cite, blocks of them, the draft) and the helpers
every section shares."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from watchkeep.assist.drafting.citing import LABELS, Sources, short
from watchkeep.assist.drafting.record import ChangeFact, Record, Source


@dataclass(frozen=True)
class Sentence:
    text: str
    cites: tuple[str, ...]

    def markdown(self) -> str:
        return self.text + "".join(f"[^{key}]" for key in self.cites)


@dataclass(frozen=True)
class Block:
    """A paragraph of sentences, or a list with a sentence per item."""

    sentences: tuple[Sentence, ...]
    bullets: bool = False

    def markdown(self) -> str:
        if self.bullets:
            return "\n".join(f"- {s.markdown()}" for s in self.sentences)
        return " ".join(s.markdown() for s in self.sentences)


@dataclass(frozen=True)
class Draft:
    sections: Mapping[str, tuple[Block, ...]]
    sources: Mapping[str, Source]

    def markdown(self, key: str) -> str:
        return "\n\n".join(b.markdown() for b in self.sections.get(key, ()) if b.sentences)

    def sentences(self) -> list[Sentence]:
        return [s for blocks in self.sections.values() for b in blocks for s in b.sentences]


def impact_end(record: Record) -> tuple[str, datetime] | None:
    """The recorded end of the impact and its timestamp's name: mitigated, else resolved."""
    if record.mitigated_at is not None:
        return "mitigated_at", record.mitigated_at
    if record.resolved_at is not None:
        return "resolved_at", record.resolved_at
    return None


def cite_time(sources: Sources, name: str) -> str:
    """The citation of one of the record's timestamps."""
    return sources.field(name, LABELS[name], getattr(sources.record, name))


def change_words(change: ChangeFact) -> str:
    """A change in words: its kind, reference, service and summary."""
    kind = change.kind.replace("_", " ")
    where = f" on {change.service}" if change.service else ""
    return f"{kind.capitalize()} {change.reference}{where}: “{short(change.summary, 200)}”"
