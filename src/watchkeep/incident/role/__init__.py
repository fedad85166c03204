"""Incident roles: lead, reporter, communications lead and scribe, plus custom roles."""
