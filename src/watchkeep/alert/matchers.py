"""Alertmanager-style label matchers (``=``, ``!=``, ``=~``, ``!~``) and the route and silence
decisions made with them. Pure: plain values in, decisions out."""
