"""A post-mortem as Markdown (citations as footnotes) and as a standalone HTML page.

Drafted sentences cite their sources with footnote markers, ``[^T12]`` (timeline entry 12),
``[^F-root_cause]`` (a field of the incident) and so on; the document's ``sources`` say what
each marker points at. A line holding only ``{{timeline}}``, ``{{follow_ups}}`` or
``{{problem}}`` is a live block: it shows the record as it is when the page is drawn.
Markdown is rendered without raw HTML (anything that looks like a tag is shown as text) and
markdown-it's link check drops ``javascript:`` and similar links.
"""

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from markdown_it import MarkdownIt

MARKER = re.compile(r"\[\^([A-Za-z][A-Za-z0-9_.:-]*)\]")
LIVE_BLOCK = re.compile(r"^\{\{\s*(timeline|follow_ups|problem)\s*\}\}\s*$", re.MULTILINE)
LIVE_BLOCKS = ("timeline", "follow_ups", "problem")

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


def markers(text: str) -> list[str]:
    """The citation markers in ``text``, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in MARKER.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def expand(body: str, blocks: Mapping[str, str]) -> str:
    """``body`` with its live blocks replaced by what they show now."""
    return LIVE_BLOCK.sub(lambda m: blocks.get(m.group(1), ""), body)


def source_label(source: Mapping[str, Any]) -> str:
    label = str(source.get("label", ""))
    at = source.get("at")
    return f"{label} ({at})" if at else label


def markdown(
    title: str,
    sections: Sequence[Mapping[str, Any]],
    sources: Mapping[str, Mapping[str, Any]],
    blocks: Mapping[str, str],
) -> str:
    """The whole document as Markdown, its citations as footnotes at the end."""
    parts = [f"# {title}", ""]
    for item in sections:
        parts += [f"## {item['title']}", "", expand(item["body"], blocks).strip(), ""]
    text = "\n".join(parts)
    cited = markers(text)
    if cited:
        parts = [text.rstrip(), "", "---", ""]
        for key in cited:
            source = sources.get(key)
            parts.append(f"[^{key}]: {source_label(source) if source else 'source not recorded'}")
        text = "\n".join(parts)
    return text.rstrip() + "\n"


def section_html(
    body: str,
    sources: Mapping[str, Mapping[str, Any]],
    blocks: Mapping[str, str],
    numbers: dict[str, int],
) -> str:
    """One section's Markdown as HTML, each citation a numbered link to its source with the
    source as its tooltip. ``numbers`` (marker → number) is shared across sections."""
    rendered = _MD.render(expand(body, blocks))

    def cite(match: re.Match[str]) -> str:
        key = match.group(1)
        number = numbers.setdefault(key, len(numbers) + 1)
        source = sources.get(key)
        tip = html.escape(source_label(source) if source else "source not recorded", quote=True)
        return (
            f'<sup class="cite"><a href="#src-{html.escape(key, quote=True)}" '
            f'title="{tip}" data-source="{html.escape(key, quote=True)}">{number}</a></sup>'
        )

    return MARKER.sub(cite, rendered)


def sources_html(sources: Mapping[str, Mapping[str, Any]], numbers: Mapping[str, int]) -> str:
    """The numbered list of cited sources."""
    items = []
    for key, number in sorted(numbers.items(), key=lambda kv: kv[1]):
        source = sources.get(key)
        label = html.escape(source_label(source) if source else "source not recorded")
        url = source.get("url") if source else None
        shown = f'<a href="{html.escape(str(url), quote=True)}">{label}</a>' if url else label
        items.append(f'<li id="src-{html.escape(key, quote=True)}" value="{number}">{shown}</li>')
    return f'<ol class="sources">{"".join(items)}</ol>' if items else ""


PAGE_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
  color: #1b1f24; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
sup.cite a { text-decoration: none; padding: 0 .1em; }
ol.sources { font-size: .9rem; color: #444; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2rem .5rem; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; }
  h2 { break-after: avoid; } sup.cite a::after { content: none; } }
"""


def page(
    title: str,
    sections: Sequence[Mapping[str, Any]],
    sources: Mapping[str, Mapping[str, Any]],
    blocks: Mapping[str, str],
) -> str:
    """The document as one standalone, print-friendly HTML page (no scripts, no assets)."""
    numbers: dict[str, int] = {}
    body = "".join(
        f"<section><h2>{html.escape(item['title'])}</h2>"
        f"{section_html(item['body'], sources, blocks, numbers)}</section>"
        for item in sections
    )
    listed = sources_html(sources, numbers)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}"
        + (f"<section><h2>Sources</h2>{listed}</section>" if listed else "")
        + "</body></html>\n"
    )
