"""How the incident list is sorted on the page: the choices, and the column headers' links.

An unknown ``sort`` in the address is ignored (the default order), as a stale bookmark
should still open the list; the API refuses it instead.
"""

from dataclasses import dataclass

from starlette.datastructures import URL

from watchkeep.core.errors import Invalid
from watchkeep.incident.listing import DEFAULT_SORT, SORTS, Sort, parse_sort

CHOICES = (
    ("-declared", "Newest first"),
    ("declared", "Oldest first"),
    ("severity", "Most severe first"),
    ("-severity", "Least severe first"),
    ("status", "Status, triage first"),
    ("-status", "Status, closed first"),
    ("lead", "Lead, A to Z"),
    ("-lead", "Lead, Z to A"),
    ("-duration", "Longest first"),
    ("duration", "Shortest first"),
)

# The order a column's header asks for first; asked again, it reverses.
FIRST = {"declared": "-declared", "severity": "severity", "status": "status", "lead": "lead"}


@dataclass(frozen=True)
class HeaderLink:
    href: str
    aria_sort: str | None  # "ascending" or "descending" on the column the list is sorted by


def chosen(value: str) -> Sort:
    """The order asked for, or the default one for a value that is not an order."""
    try:
        return parse_sort(value)
    except Invalid:
        return parse_sort(DEFAULT_SORT)


def header_links(url: URL, current: Sort) -> dict[str, HeaderLink]:
    """For each sortable column: where its header leads (page one of the list in that
    order, the filters kept) and whether the list is sorted by it."""
    links = {}
    for key in SORTS:
        if key == current.key:
            target = Sort(key, not current.descending).value
            aria: str | None = "descending" if current.descending else "ascending"
        else:
            target, aria = FIRST.get(key, f"-{key}"), None
        query = url.remove_query_params("page").include_query_params(sort=target).query
        links[key] = HeaderLink(href=f"/incidents?{query}", aria_sort=aria)
    return links
