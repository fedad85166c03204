"""One sequence for every factory, so that generated names never collide within a run."""

from itertools import count

_sequence = count(1)


def unique() -> int:
    """The next number of the run's sequence."""
    return next(_sequence)
