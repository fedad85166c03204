"""The jobs of every domain: each registers its handlers, subscriptions and periodic jobs in
its own ``tasks.register``; this only lists the domains."""

from types import ModuleType

from watchkeep.alert import tasks as alert_tasks
from watchkeep.assist import tasks as assist_tasks
from watchkeep.auth import tasks as auth_tasks
from watchkeep.escalation import tasks as escalation_tasks
from watchkeep.incident import tasks as incident_tasks
from watchkeep.jobs.registry import Registry
from watchkeep.notify import tasks as notify_tasks
from watchkeep.oncall import tasks as oncall_tasks
from watchkeep.postmortem import tasks as postmortem_tasks

DOMAIN_TASKS: tuple[ModuleType, ...] = (
    auth_tasks,
    incident_tasks,
    oncall_tasks,
    alert_tasks,
    escalation_tasks,
    notify_tasks,
    postmortem_tasks,
    assist_tasks,
)


def build_registry() -> Registry:
    registry = Registry()
    for module in DOMAIN_TASKS:
        module.register(registry)
    return registry
