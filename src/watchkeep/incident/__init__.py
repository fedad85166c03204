"""Running incidents: lifecycle, severity, roles, timeline, updates, custom fields, follow-ups."""
