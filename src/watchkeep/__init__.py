"""Watchkeep: incident and problem management for SRE teams."""

__version__ = "0.1.0"
