"""Known errors: documented faults with symptoms and a workaround (the known-error database)."""
