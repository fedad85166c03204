"""What every HTTP route shares: the request transaction, the actor, error mapping."""
