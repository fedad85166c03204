"""The incident timeline: structured entries, notes, pins and audited edits."""
