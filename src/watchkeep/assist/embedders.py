"""Choose the similarity method from the settings (an optional plugin behind `Embedder`)."""

import importlib

from watchkeep.assist.similarity import Embedder

METHODS = ("lexical", "minilm")


def load(method: str) -> Embedder | None:
    """``None`` for the offline lexical method; a MiniLM embedder for ``minilm``.

    The MiniLM module pulls in the ``ml`` extra's libraries, so it is imported only when chosen.
    """
    if method == "lexical":
        return None
    if method == "minilm":
        module = importlib.import_module("watchkeep.assist.embedding")
        embedder: Embedder = module.MiniLMEmbedder()
        return embedder
    raise ValueError(
        f"WATCHKEEP_SIMILARITY_MODEL={method!r} is not a method; use one of {', '.join(METHODS)}"
    )
