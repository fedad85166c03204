"""Checks every request's text before a route sees it: no NUL characters anywhere, and no
query or form value longer than the longest text field.

PostgreSQL cannot store a NUL character in text (and SQLite would keep it, to surprise
every reader later), so a NUL in a path, a query parameter, a form field or a JSON body is
refused with 422 naming where it was; so is an unpaired surrogate in a JSON body. JSON
strings have their lengths checked by the body's schema; query and form values are
bounded here, because a route reads many of them as plain ``str``.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

from fastapi import Request

from watchkeep.core.errors import Invalid
from watchkeep.core.limits import TEXT_LENGTH

NUL = "\x00"
# JSON's \ud800-style escapes can spell halves of a character that are not one; PostgreSQL
# cannot store them either.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _json_texts(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every (location, text) in a JSON value: its strings and its object keys."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            yield inner, str(key)
            yield from _json_texts(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_texts(item, f"{where}[{index}]")


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _form_texts(request: Request) -> list[tuple[str, str]]:
    form = await request.form()
    return [(name, value) for name, value in form.multi_items() if isinstance(value, str)]


async def _json_body_texts(request: Request) -> list[tuple[str, str]]:
    body = await request.body()
    lowered = body.lower()
    if b"\x00" not in body and b"\\u0000" not in lowered and b"\\ud" not in lowered:
        return []  # the common case: nothing to look for, nothing to parse again
    try:
        return list(_json_texts(json.loads(body), ""))
    except ValueError:  # not JSON (or not UTF-8): the route's own parsing reports it
        return []


async def check_request_text(request: Request) -> None:
    """Refuse NUL characters anywhere in the request and over-long query or form values."""
    bounded = [
        *((name, value) for name, value in request.path_params.items() if isinstance(value, str)),
        *request.query_params.multi_items(),
        *((name, name) for name in request.query_params),
    ]
    anywhere: list[tuple[str, str]] = []
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if _content_type(request) in _FORM_TYPES:
            bounded += await _form_texts(request)
        else:
            anywhere = await _json_body_texts(request)
    for where, text in [*bounded, *anywhere]:
        if NUL in text:
            where = where.replace(NUL, "\\u0000")  # a key may hold one too
            raise Invalid(f"{where} must not contain NUL characters (\\u0000)", field=where)
        if _LONE_SURROGATE.search(text):
            where = _LONE_SURROGATE.sub("?", where)
            raise Invalid(
                f"{where} must not contain an unpaired surrogate (\\ud800 to \\udfff): "
                "it is not a character",
                field=where,
            )
    for where, text in bounded:
        if len(text) > TEXT_LENGTH:
            raise Invalid(f"{where} must be at most {TEXT_LENGTH} characters", field=where)
