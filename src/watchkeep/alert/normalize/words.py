"""Saying what is wrong with a payload in the sender's terms: JSON's names for values, paths
as a sender writes them, and the texts a database cannot store."""

import json
import re
from collections.abc import Mapping
from typing import Any

from watchkeep.alert.normalize.shapes import PayloadError

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHOWN_MAX = 60


def kind(value: Any) -> str:
    """JSON's name for what ``value`` is: the sender wrote JSON, not Python."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def shown(value: Any) -> str:
    """``value`` quoted as JSON and kept short, so an error shows what was sent without
    echoing a whole document (or a NUL, or a megabyte) back."""
    if isinstance(value, str):
        short = value if len(value) <= _SHOWN_MAX else value[:_SHOWN_MAX] + "..."
        return json.dumps(short)
    if value is None or isinstance(value, bool | int | float):
        try:
            return json.dumps(value)
        except ValueError:  # an integer too long to print
            return kind(value)
    return kind(value)


def one_of(options: Mapping[str, Any] | tuple[str, ...]) -> str:
    """``"a", "b" or "c"``: the accepted values, as an error lists them."""
    quoted = [json.dumps(option) for option in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def path_of(path: str, key: str | int) -> str:
    """The path of ``key`` inside ``path``, as a sender would write it: ``alerts[2].status``,
    ``alerts[0].labels["app.kubernetes.io/name"]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{shown(key)}]"


def check_text(text: str, where: str, errors: list[str]) -> bool:
    """Whether PostgreSQL can store ``text``: it refuses NUL characters and lone surrogates
    (both are valid JSON escapes), so the sender hears it now instead of a failed insert."""
    storable = True
    if "\x00" in text:
        errors.append(f"{where} must not contain a NUL character (\\u0000)")
        storable = False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        errors.append(f"{where} must be valid Unicode, without a lone surrogate (\\ud800-\\udfff)")
        storable = False
    return storable


def check_json(value: Any, where: str, errors: list[str]) -> bool:
    """Whether every text anywhere inside ``value`` (keys included) is storable. Walked
    with a stack, not recursion: a deeply nested body must not end in RecursionError."""
    storable = True
    pending: list[tuple[Any, str]] = [(value, where)]
    while pending:
        item, path = pending.pop()
        if isinstance(item, str):
            storable = check_text(item, path, errors) and storable
        elif isinstance(item, list):
            pending.extend((child, path_of(path, index)) for index, child in enumerate(item))
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str):
                    where_key = f"a name in {path or 'the body'}"
                    storable = check_text(key, where_key, errors) and storable
                pending.append((child, path_of(path, str(key))))
    return storable


def check_storable(body: Any) -> None:
    """Raise :class:`PayloadError` if any text anywhere in ``body`` cannot be stored: the
    body is kept as it came, with the fields that no parser reads."""
    errors: list[str] = []
    if not check_json(body, "", errors):
        raise PayloadError(errors)
