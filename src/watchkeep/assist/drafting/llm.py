"""Optional prose from a language model, held to the drafter's checks.

The model gets the drafted sections (with their citation markers) and the sources they
cite, and is asked to rewrite them as readable prose keeping a marker on every sentence. It
may not add facts: every sentence it returns goes through :func:`check.problems`, and one
without a valid citation, or one its sources do not support, is dropped and reported. Any
OpenAI-compatible chat-completions API works (``POST {base}/chat/completions``); nothing is
sent anywhere unless ``llm_base_url`` is set.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from watchkeep.assist.drafting import check
from watchkeep.assist.drafting.record import Source

SYSTEM_PROMPT = """You edit incident post-mortems. You receive JSON with "sections" (Markdown
drafted from an incident record; every sentence ends with citation markers such as [^T12])
and "sources" (what each marker points at). Rewrite each section as clear, concise prose for
engineers. Rules: use only facts present in the sections or sources; end every sentence with
the marker(s) of the sources it relies on, written exactly as given; never name a cause that
the root cause, a problem or a known error does not state; keep times and references as
given. Answer with one JSON object: {"sections": {"<key>": "<markdown>"}} and nothing else."""


class PhraserError(Exception):
    """The model could not be asked, or its answer could not be read."""


class Phraser(Protocol):
    def phrase(
        self, sections: Mapping[str, str], sources: Mapping[str, Source]
    ) -> Mapping[str, str]:
        """Sections rewritten (keys as given); may raise :class:`PhraserError`."""
        ...


@dataclass
class ChatCompletions:
    """An OpenAI-compatible chat-completions endpoint."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0
    transport: httpx.BaseTransport | None = field(default=None, repr=False)

    def phrase(
        self, sections: Mapping[str, str], sources: Mapping[str, Source]
    ) -> Mapping[str, str]:
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": json.dumps(_facts(sections, sources))},
            ],
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        url = self.base_url.rstrip("/") + "/chat/completions"
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(url, json=body, headers=headers)
                response.raise_for_status()
                content = response.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise PhraserError(f"the language model at {self.base_url} failed: {exc}") from exc
        return _sections_of(content, sections)


def _facts(sections: Mapping[str, str], sources: Mapping[str, Source]) -> dict[str, Any]:
    return {
        "sections": dict(sections),
        "sources": {
            key: {"kind": s.kind, "says": s.label, "at": s.as_json()["at"]}
            for key, s in sources.items()
        },
    }


def _sections_of(content: Any, asked: Mapping[str, str]) -> dict[str, str]:
    """The JSON object in the model's answer (models wrap it in a code fence at times)."""
    if not isinstance(content, str):
        raise PhraserError("the language model's answer is not text")
    text = content.strip()
    start, end = text.find("{"), text.rfind("}")
    try:
        parsed = json.loads(text[start : end + 1]) if start >= 0 else None
    except ValueError as exc:
        raise PhraserError(f"the language model's answer is not JSON: {exc}") from exc
    sections = parsed.get("sections") if isinstance(parsed, dict) else None
    if not isinstance(sections, dict):
        raise PhraserError('the language model\'s answer has no "sections" object')
    return {k: v for k, v in sections.items() if k in asked and isinstance(v, str)}


@dataclass(frozen=True)
class Vetted:
    """The model's sections with every unsupported sentence taken out, and what was."""

    sections: dict[str, str]
    dropped: list[check.Problem]


def vet(phrased: Mapping[str, str], sources: Mapping[str, Source]) -> Vetted:
    """Keep each supported sentence of each section; drop and report the others."""
    kept: dict[str, str] = {}
    dropped: list[check.Problem] = []
    for key, text in phrased.items():
        paragraphs = []
        for paragraph in text.split("\n\n"):
            lines = []
            for line in paragraph.splitlines():
                bullet = line.lstrip().startswith(("- ", "* "))
                good = []
                for sentence in check.split(line):
                    found = check.problems(sentence, sources)
                    if found:
                        dropped.append(check.Problem(sentence, "; ".join(found)))
                    else:
                        good.append(sentence)
                if good:
                    lines.append(("- " if bullet else "") + " ".join(good))
            if lines:
                paragraphs.append("\n".join(lines))
        kept[key] = "\n\n".join(paragraphs)
    return Vetted(kept, dropped)
