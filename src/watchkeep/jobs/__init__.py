"""Durable jobs and timers in the main database: the one place that runs background work."""
