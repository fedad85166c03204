"""Custom fields on incidents: definitions, validation and values."""
