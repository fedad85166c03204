"""Alerts in: sources and their keys, raw events, alerts (deduplicated), routes, silences,
heartbeats and change events."""
