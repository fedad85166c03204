"""What every HTTP route shares: the request transaction, the actor, error mapping."""

# Registers the ``id`` path converter before any route is declared.
from watchkeep.http import paths as paths
