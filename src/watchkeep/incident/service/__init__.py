"""Declare, find, change and move incidents through their lifecycle."""

from watchkeep.incident.service.declaring import declare, open_from_alert
from watchkeep.incident.service.editing import add_participant_by, get, update

__all__ = ["add_participant_by", "declare", "get", "open_from_alert", "update"]
