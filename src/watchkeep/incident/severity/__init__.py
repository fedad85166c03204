"""Configurable, ranked severities and incident types."""
