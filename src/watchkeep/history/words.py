"""How the import's messages quote what the file says."""

import json


def quoted(value: object) -> str:
    """``value`` as JSON writes it: ``"SEV9"`` (what people type in the file)."""
    return json.dumps(value, ensure_ascii=False)
