"""The long-lived components of a process, built by the composition layer from the settings:
the similarity index, and the state a job worker hands its handlers."""

from types import SimpleNamespace

from watchkeep.assist.embedders import load as load_embedder
from watchkeep.assist.index import IndexKeeper
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings


def similarity_index(db: Database, settings: Settings) -> IndexKeeper:
    """The similarity index of ``db`` by the settings' method; its owner starts it."""
    return IndexKeeper(db, embedder=load_embedder(settings.similarity_model))


def worker_state(*, similarity: IndexKeeper) -> SimpleNamespace:
    """What a worker hands its job handlers as ``ctx.state``."""
    return SimpleNamespace(similarity=similarity)
