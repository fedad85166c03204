"""Similar incidents: find past incidents like a live one, and group recurring ones.

Pure: plain values in, plain values out; no database, no web framework, no I/O. The
default method is offline and light (BM25F over normalised text and an SRE concept
lexicon, with structured signals); an `Embedder` adds semantic similarity.
"""

from watchkeep.assist.similarity.analysis import Analyzer
from watchkeep.assist.similarity.cluster import Cluster, TimePattern, cluster, recent
from watchkeep.assist.similarity.lexical import Bm25Settings
from watchkeep.assist.similarity.model import (
    Document,
    DocumentId,
    Embedder,
    Match,
    Query,
    Reasons,
    Searcher,
)
from watchkeep.assist.similarity.rank import SimilarityIndex
from watchkeep.assist.similarity.rerank import Candidate, Ranker
from watchkeep.assist.similarity.signals import Weights

__all__ = [
    "Analyzer",
    "Bm25Settings",
    "Candidate",
    "Cluster",
    "Document",
    "DocumentId",
    "Embedder",
    "Match",
    "Query",
    "Ranker",
    "Reasons",
    "Searcher",
    "SimilarityIndex",
    "TimePattern",
    "Weights",
    "cluster",
    "recent",
]
