"""Imports every domain's models so that the metadata is complete (migrations, tests)."""

from watchkeep.alert import models as alert_models
from watchkeep.assist import models as assist_models
from watchkeep.auth import models as auth_models
from watchkeep.catalog import models as catalog_models
from watchkeep.core import counter, signing
from watchkeep.core.db import Base
from watchkeep.escalation import models as escalation_models
from watchkeep.followup import models as followup_models
from watchkeep.incident import models as incident_models
from watchkeep.jobs import models as jobs_models
from watchkeep.notify import models as notify_models
from watchkeep.oncall import models as oncall_models
from watchkeep.postmortem import models as postmortem_models
from watchkeep.problem import models as problem_models

metadata = Base.metadata

__all__ = [
    "alert_models",
    "assist_models",
    "auth_models",
    "catalog_models",
    "counter",
    "escalation_models",
    "followup_models",
    "incident_models",
    "jobs_models",
    "metadata",
    "notify_models",
    "oncall_models",
    "postmortem_models",
    "problem_models",
    "signing",
]
