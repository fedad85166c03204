"""Reading one JSON object of a payload, field by field, collecting every problem; instants,
URLs and the keys made for senders that give none."""

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from watchkeep.alert.normalize.shapes import (
    LABEL_NAME_MAX,
    LABEL_VALUE_MAX,
    LABELS_MAX,
    Link,
    PayloadError,
)
from watchkeep.alert.normalize.words import check_json, check_text, kind, one_of, path_of, shown

T = TypeVar("T")

_INSTANT_MAX = 64
# Alertmanager sends nanoseconds; datetime keeps microseconds, so digits past the sixth go.
_FRACTION_BEYOND_MICROSECONDS = re.compile(r"(?<=[.,][0-9]{6})[0-9]+")
_INSTANT_EXAMPLE = '"2024-05-01T10:00:00Z"'
# Go's zero time.Time, whatever offset it was printed with.
_GO_ZERO_TIME = datetime.min.replace(tzinfo=UTC)


def parse_instant(text: str) -> datetime | None:
    """An RFC 3339 / ISO 8601 instant as an aware UTC datetime; naive text means UTC.

    Go's zero time (``0001-01-01T00:00:00Z``, Alertmanager's "no end yet") means not set and
    gives ``None``. Raises ValueError for anything else that is not an instant.
    """
    if len(text) > _INSTANT_MAX:
        raise ValueError("too long for an instant")
    parsed = datetime.fromisoformat(_FRACTION_BEYOND_MICROSECONDS.sub("", text, count=1))
    if parsed.replace(tzinfo=UTC) == _GO_ZERO_TIME:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError as exc:  # year 1 or 9999 pushed out of range by the offset
        raise ValueError("out of range") from exc


def is_web_url(text: str) -> bool:
    """Whether ``text`` is an absolute http(s) URL: the only links worth showing as links
    (a ``javascript:`` or relative one would be unsafe or broken on our pages)."""
    if any(char.isspace() or not char.isprintable() for char in text):
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


class Fields:
    """One JSON object being read. Each accessor returns the field's value when it is right,
    or ``None`` after adding to the shared ``errors`` a message naming the field by its path:
    reading goes on after a problem, so one answer lists every problem."""

    def __init__(self, obj: Mapping[str, Any], path: str, errors: list[str]) -> None:
        self.obj = obj
        self.path = path
        self.errors = errors

    @classmethod
    def of(cls, value: Any, path: str, errors: list[str]) -> "Fields | None":
        """``value`` to read as an object, or ``None`` (and an error) when it is not one."""
        if isinstance(value, dict):
            return cls(value, path, errors)
        errors.append(f"{path or 'the body'} must be a JSON object, not {kind(value)}")
        return None

    def at(self, key: str) -> str:
        return path_of(self.path, key)

    def fail(self, key: str, problem: str) -> None:
        self.errors.append(f"{self.at(key)} {problem}")

    def given(self, key: str) -> bool:
        """JSON null counts as absent: many clients serialize an unset field as null."""
        return self.obj.get(key) is not None

    def text(
        self,
        key: str,
        *,
        required: bool = False,
        non_empty: bool = False,
        most: int | None = None,
        cut: int | None = None,
    ) -> str | None:
        """A string field: ``most`` refuses a longer one, ``cut`` shortens it instead."""
        value = self.obj.get(key)
        if value is None:
            if required:
                self.fail(key, "is required")
            return None
        if not isinstance(value, str):
            self.fail(key, f"must be a string, not {kind(value)}")
            return None
        if not check_text(value, self.at(key), self.errors):
            return None
        if non_empty and not value.strip():
            self.fail(key, "must not be empty")
            return None
        if most is not None and len(value) > most:
            self.fail(key, f"must be at most {most} characters, not {len(value)}")
            return None
        return value if cut is None else value[:cut]

    def choice(
        self, key: str, meanings: Mapping[str, T], *, required: bool = True, fold_case: bool = False
    ) -> T | None:
        """A string field that must be one of ``meanings``' keys; its meaning is returned."""
        word = self.text(key, required=required)
        if word is None:
            return None
        meaning = meanings.get(word.lower() if fold_case else word)
        if meaning is None:
            self.fail(key, f"must be {one_of(meanings)}, not {shown(word)}")
        return meaning

    def instant(self, key: str) -> datetime | None:
        text = self.text(key)
        if text is None:
            return None
        try:
            return parse_instant(text)
        except ValueError:
            self.fail(
                key, f"must be an RFC 3339 instant such as {_INSTANT_EXAMPLE}, not {shown(text)}"
            )
            return None

    def url(self, key: str, *, strict: bool = False) -> str | None:
        """An http(s) URL field. Senders fill URL fields with "" or a relative path when they
        have none, so by default anything else is dropped; ``strict`` refuses it instead."""
        text = self.text(key)
        if text is None:
            return None
        if is_web_url(text):
            return text
        if strict:
            self.fail(key, f"must be an absolute http(s) URL, not {shown(text)}")
        return None

    def count(self, key: str) -> int | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(key, f"must be a whole number, 0 or more, not {shown(value)}")
            return None
        return value

    def items(self, key: str, *, required: bool = False, most: int | None = None) -> list[Any]:
        """A list field's entries ([] when absent or wrong, with an error when wrong)."""
        value = self.obj.get(key)
        if value is None:
            if required:
                self.fail(key, "is required (a list, which may be empty)")
            return []
        if not isinstance(value, list):
            self.fail(key, f"must be a list, not {kind(value)}")
            return []
        if most is not None and len(value) > most:
            self.fail(key, f"must have at most {most} entries, not {len(value)}")
            return []
        return value

    def nested(self, key: str, *, required: bool = False) -> "Fields | None":
        value = self.obj.get(key)
        if value is None:
            if required:
                self.fail(key, "is required (an object)")
            return None
        return Fields.of(value, self.at(key), self.errors)

    def any_json(self, key: str, *, object_only: bool = False) -> Any:
        """Any JSON value, kept as sent once every text in it is storable."""
        value = self.obj.get(key)
        if value is None:
            return None
        if object_only and not isinstance(value, dict):
            self.fail(key, f"must be an object, not {kind(value)}")
            return None
        return value if check_json(value, self.at(key), self.errors) else None

    def strings(
        self, key: str, *, required: bool = False, cut: int | None = None
    ) -> dict[str, str] | None:
        """An object of strings (labels, annotations): at most :data:`LABELS_MAX` names of
        at most :data:`LABEL_NAME_MAX` characters, values of at most :data:`LABEL_VALUE_MAX`
        characters, or any length cut to ``cut``."""
        value = self.obj.get(key)
        where = self.at(key)
        if value is None:
            if required:
                self.fail(key, "is required (an object of strings)")
            return None
        if not isinstance(value, dict):
            self.fail(key, f"must be an object of strings, not {kind(value)}")
            return None
        if len(value) > LABELS_MAX:
            self.fail(key, f"must have at most {LABELS_MAX} entries, not {len(value)}")
            return None
        mark = len(self.errors)
        for name, item in value.items():
            self._string_entry(where, name, item, LABEL_VALUE_MAX if cut is None else None)
        if len(self.errors) > mark:
            return None
        return {name: item if cut is None else item[:cut] for name, item in value.items()}

    def _string_entry(self, where: str, name: str, item: Any, most: int | None) -> None:
        if len(name) > LABEL_NAME_MAX:
            self.errors.append(
                f"{where} has a name of {len(name)} characters (at most {LABEL_NAME_MAX}): "
                f"{shown(name)}"
            )
            return
        if not check_text(name, f"the name {shown(name)} in {where}", self.errors):
            return
        item_at = path_of(where, name)
        if not isinstance(item, str):
            self.errors.append(f"{item_at} must be a string, not {kind(item)}")
        elif most is not None and len(item) > most:
            self.errors.append(f"{item_at} must be at most {most} characters, not {len(item)}")
        else:
            check_text(item, item_at, self.errors)

    def links(self, key: str) -> tuple[Link, ...]:
        """``[{"href", "text"?}, ...]``; an href that is not an http(s) URL is dropped."""
        kept: list[Link] = []
        for index, entry in enumerate(self.items(key)):
            link = self._entry(key, index, entry, '"href"')
            if link is None:
                continue
            href = link.text("href", required=True)
            text = link.text("text") or ""
            if href is not None and is_web_url(href):
                kept.append(Link(href, text))
        return tuple(kept)

    def images(self, key: str) -> tuple[Link, ...]:
        """``[{"src", "href"?, "alt"?}, ...]`` as links to the image, its ``alt`` the text."""
        kept: list[Link] = []
        for index, entry in enumerate(self.items(key)):
            image = self._entry(key, index, entry, '"src"')
            if image is None:
                continue
            src = image.text("src", required=True)
            image.text("href")
            alt = image.text("alt") or ""
            if src is not None and is_web_url(src):
                kept.append(Link(src, alt))
        return tuple(kept)

    def _entry(self, key: str, index: int, entry: Any, needs: str) -> "Fields | None":
        where = path_of(self.at(key), index)
        if isinstance(entry, dict):
            return Fields(entry, where, self.errors)
        self.errors.append(f"{where} must be an object with a string {needs}, not {kind(entry)}")
        return None


def finish(errors: list[str]) -> None:
    """Raise what was found. Every accessor that returns ``None`` for a wrong field adds an
    error, so a parser that finds none here has all its required values."""
    if errors:
        raise PayloadError(errors)


def derived_key(*parts: str) -> str:
    """A stable dedup key for a sender that gave none: the same alert (same texts) always
    gets the same key, the first 16 hex digits of their SHA-256."""
    joined = "".join(parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def labels_json(labels: Mapping[str, str]) -> str:
    """Labels as sorted, compact JSON: the order a sender wrote them in changes no key."""
    return json.dumps(labels, sort_keys=True, separators=(",", ":"))
