"""The job handlers of every domain, gathered into the registry that workers run."""

from datetime import timedelta

from watchkeep.assist import tasks as assist_tasks
from watchkeep.auth import tasks as auth_tasks
from watchkeep.incident import tasks as incident_tasks
from watchkeep.incident.events import INCIDENT_CHANGED
from watchkeep.jobs.registry import Registry
from watchkeep.oncall import tasks as oncall_tasks


def build_registry() -> Registry:
    registry = Registry()
    registry.add(incident_tasks.UPDATE_DUE, incident_tasks.remind_update_due)
    registry.add(INCIDENT_CHANGED, assist_tasks.on_incident_changed)
    registry.add(
        assist_tasks.PROPOSE_PROBLEMS, assist_tasks.propose_problems, every=timedelta(hours=1)
    )
    registry.add(
        auth_tasks.PURGE_SESSIONS, auth_tasks.purge_expired_sessions, every=timedelta(hours=1)
    )
    registry.add(
        oncall_tasks.RECORD_HISTORY, oncall_tasks.record_all_history, every=timedelta(hours=1)
    )
    return registry
