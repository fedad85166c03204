"""Telling the user what an action did, in words a screen reader speaks.

Every web action says what happened in one short sentence ("Status changed to
Monitoring"). An htmx answer carries it as the ``wk-announce`` event in its ``HX-Trigger``
header, which ``static/watchkeep.js`` puts into the page's polite live region. An action
that sends the browser to another page (declaring an incident, saving a schedule) leaves the
sentence in a short-lived cookie that the next page shows once and announces.
"""

import json
from collections.abc import Iterable
from urllib.parse import quote, unquote

from fastapi import Request
from starlette.responses import Response

ANNOUNCE_EVENT = "wk-announce"
NOTICE_COOKIE = "wk_notice"
MAX_NOTICE = 200  # characters; a notice is one sentence


def hx_trigger(events: Iterable[str], announce: str | None = None) -> str | None:
    """The ``HX-Trigger`` header for ``events`` and an announcement (``None``: no header).

    Plain names are sent comma-separated; with an announcement the header is JSON, ASCII
    escaped (header values are Latin-1)."""
    names = sorted(set(events))
    if announce is None:
        return ", ".join(names) or None
    payload: dict[str, str | None] = dict.fromkeys(names)
    payload[ANNOUNCE_EVENT] = announce
    return json.dumps(payload, ensure_ascii=True)


def announced(response: Response, text: str) -> Response:
    """``response`` (an htmx answer that is not made of panels) with ``text`` announced."""
    header = hx_trigger((), text)
    assert header is not None  # an announcement always makes a header
    response.headers["HX-Trigger"] = header
    return response


def leave_notice(response: Response, text: str) -> Response:
    """Keep ``text`` for the next page this browser draws (it is shown there once)."""
    response.set_cookie(
        NOTICE_COOKIE,
        quote(text[:MAX_NOTICE]),
        max_age=60,
        path="/",
        httponly=True,
        samesite="lax",
    )
    return response


def pending_notice(request: Request) -> str | None:
    """The notice an earlier action left for this page, if any."""
    raw = request.cookies.get(NOTICE_COOKIE)
    return unquote(raw)[:MAX_NOTICE] if raw else None


def clear_notice(response: Response) -> None:
    response.delete_cookie(NOTICE_COOKIE, path="/", httponly=True, samesite="lax")
