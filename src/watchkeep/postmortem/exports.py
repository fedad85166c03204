"""A post-mortem exported: Markdown with its citations as footnotes, or a standalone page."""

from typing import Literal

from sqlalchemy.orm import Session

from watchkeep.incident.models import Incident
from watchkeep.postmortem import documents, live, render

Format = Literal["md", "html"]
MEDIA_TYPES = {"md": "text/markdown", "html": "text/html"}


def export(session: Session, *, incident: Incident, format: Format) -> str:
    """The incident's post-mortem as ``format``, live blocks drawn from the record now."""
    document = documents.get(session, incident=incident)
    title = f"Post-mortem: {incident.reference} {incident.title}"
    blocks = live.blocks(session, incident)
    if format == "html":
        return render.page(title, document.sections, document.sources, blocks)
    return render.markdown(title, document.sections, document.sources, blocks)
