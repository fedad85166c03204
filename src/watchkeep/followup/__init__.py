"""Follow-up actions, tracked to completion (one model for incidents and, later, problems)."""
