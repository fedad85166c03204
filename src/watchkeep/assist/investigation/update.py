"""A stakeholder status update drafted from an investigation: what is affected, what we
know, what we are doing, when the next update comes. A person edits and posts it."""

from datetime import datetime, timedelta

from watchkeep.assist.investigation.model import Conclusion, Subject
from watchkeep.assist.investigation.scoring import CONFIRMED, RULED_OUT, STRONG

NEXT_UPDATE = timedelta(minutes=30)  # when the incident names no time for the next update


def _clock(at: datetime) -> str:
    return at.strftime("%H:%M UTC")


def draft_update(subject: Subject, conclusion: Conclusion) -> str:
    affected = ", ".join(subject.services) or "some of our services"
    since = f" since {_clock(subject.impact_start)}"
    severity = f" ({subject.severity})" if subject.severity else ""
    lines = [f"Affected: {affected}{severity}{since}: {subject.title}."]
    standing = [h for h in conclusion.hypotheses if h.verdict != RULED_OUT]
    best = standing[0] if standing else None
    if best and best.verdict == CONFIRMED:
        lines.append(f"What we know: we have found the cause: {best.title}.")
    elif best and best.confidence >= STRONG:
        lines.append(f"What we know: our leading hypothesis is {best.title}; we are confirming it.")
    else:
        lines.append("What we know: we are still looking for the cause.")
    doing = best.next_steps[0] if best and best.next_steps and best.confidence >= STRONG else None
    lines.append(f"What we are doing: {doing}." if doing else "What we are doing: investigating.")
    due = subject.next_update_at or subject.at + NEXT_UPDATE
    lines.append(f"Next update: by {_clock(max(due, subject.at))}.")
    return "\n".join(lines)
