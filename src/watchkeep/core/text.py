"""Small text helpers shared by the domains."""


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds ``text`` anywhere, with ``%``, ``_`` and ``\\`` taken literally.

    Use it with ``escape="\\\\"``.
    """
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and
# carriage return, may strip them and read what follows as one).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """``value`` as a CSV cell that a spreadsheet shows as text: text that would start a
    formula gets a leading single quote; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
