"""Importing history: incidents, their timelines, services, people, changes, known errors
and alerts from another tool, in one document (docs/import.md). It writes into every domain,
so it sits in the composition layer, beside the demo data."""
