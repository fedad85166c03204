"""Assistance for responders: similar incidents, recurring-problem candidates."""
