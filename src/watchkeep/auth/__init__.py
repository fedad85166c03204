"""Users, API tokens, web sessions and who may do what."""
