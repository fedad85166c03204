"""Small text helpers shared by the domains."""


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds ``text`` anywhere, with ``%``, ``_`` and ``\\`` taken literally.

    Use it with ``escape="\\\\"``.
    """
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
