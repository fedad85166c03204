"""How far a service is from the ones an incident affects, along the catalog's
dependencies."""

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from watchkeep.assist.investigation.model import ServiceFact


@dataclass(frozen=True)
class Placement:
    """Where a service stands relative to the affected ones."""

    hops: int | None
    """0: affected; n: an affected service depends on it through n links; None: it does not."""
    dependent: bool = False
    """It depends on an affected service (it calls it): its changes can send it bad traffic."""

    @property
    def related(self) -> bool:
        return self.hops is not None or self.dependent


class Dependencies:
    """Distances from the affected services, computed once per investigation."""

    def __init__(self, catalog: Mapping[str, ServiceFact], affected: Iterable[str]) -> None:
        self.catalog = catalog
        self.affected = tuple(dict.fromkeys(affected))
        self._hops, self._via = self._walk(self.affected, self._needs)
        users: dict[str, list[str]] = {}
        for service in catalog.values():
            for needed in service.depends_on:
                users.setdefault(needed, []).append(service.name)
        self._dependents, _ = self._walk(self.affected, lambda name: users.get(name, []))

    def _needs(self, name: str) -> tuple[str, ...]:
        service = self.catalog.get(name)
        return service.depends_on if service else ()

    @staticmethod
    def _walk(
        start: tuple[str, ...], step: Callable[[str], Iterable[str]]
    ) -> tuple[dict[str, int], dict[str, str]]:
        """Breadth first from ``start``: each name's distance, and the name it was reached from."""
        seen = dict.fromkeys(start, 0)
        via: dict[str, str] = {}
        queue = deque(start)
        while queue:
            name = queue.popleft()
            for following in step(name):
                if following not in seen:
                    seen[following] = seen[name] + 1
                    via[following] = name
                    queue.append(following)
        return seen, via

    def place(self, name: str | None) -> Placement | None:
        """Where ``name`` stands; None for no service at all."""
        if name is None:
            return None
        hops = self._hops.get(name)
        return Placement(hops=hops, dependent=hops is None and name in self._dependents)

    def path(self, name: str) -> list[str]:
        """An affected service and the links down to ``name`` (shortest), for the evidence."""
        if name not in self._hops:
            return []
        path = [name]
        while path[-1] in self._via:
            path.append(self._via[path[-1]])
        return list(reversed(path))
