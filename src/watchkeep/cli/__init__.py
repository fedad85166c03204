"""The ``watchkeep`` command line: one module per command group."""
