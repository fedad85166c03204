"""The server-rendered web UI: Jinja2 templates, htmx, hand-written CSS."""
