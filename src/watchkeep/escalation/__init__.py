"""Escalation: policies (ordered levels of targets, each with a time to acknowledge), runs that
page level after level until someone acknowledges, and the pages sent to people."""
