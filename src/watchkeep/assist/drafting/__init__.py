"""Post-mortem drafts from the record: facts gathered (``gather``), phrased deterministically
with a citation on every sentence (``compose``), checked (``check``), and optionally
rephrased by a language model whose output is held to the same checks (``llm``)."""
