"""The long-lived components of a process, built by the composition layer from the settings:
the similarity index, and the state a job worker hands its handlers (with the notification
channels)."""

from datetime import timedelta
from types import SimpleNamespace

from watchkeep.assist.embedders import load as load_embedder
from watchkeep.assist.investigations import standard_sources
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.notify.channels import build_channels


def similarity_index(db: Database, settings: Settings) -> SimilarityStore:
    """The stored similarity index of ``db`` with the settings' method (nothing to start)."""
    return SimilarityStore(db, embedder=load_embedder(settings.similarity_model))


def worker_state(*, similarity: SimilarityStore, settings: Settings) -> SimpleNamespace:
    """What a worker hands its job handlers as ``ctx.state``: the similarity index, the
    notification channels the settings configure, the public URL for links, how long
    before a shift its notice goes, how long before an incident began its services'
    changes are attached to it, and the investigation assistant's evidence sources."""
    return SimpleNamespace(
        similarity=similarity,
        investigation_sources=standard_sources(
            similarity,
            timeout=settings.investigation_source_timeout_seconds,
            prometheus_url=settings.prometheus_url,
        ),
        channels=build_channels(settings),
        base_url=settings.base_url,
        shift_notice=timedelta(minutes=settings.shift_notice_minutes),
        change_lookback=timedelta(minutes=settings.change_lookback_minutes),
    )
