"""After the incident: the post-incident checklist, post-mortem templates and documents."""
