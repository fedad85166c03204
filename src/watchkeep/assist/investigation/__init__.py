"""The investigation assistant's method: what it knows of an incident (`model`), how it
ranks hypotheses about the cause (`scoring`) and what it suggests doing (`steps`).

Pure: no database, no HTTP. The evidence is gathered by :mod:`watchkeep.assist.evidence`.
"""
