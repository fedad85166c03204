"""Status updates to stakeholders, and the reminder when the next one is overdue."""
