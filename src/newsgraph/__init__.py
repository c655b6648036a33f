"""newsgraph: evidence-linked political event data from raw, multi-outlet, multilingual news.

The public surface is re-exported here; everything else is internal and may change.
"""

from .errors import (
    BenchmarkMissing,
    ConfigError,
    ExtractionError,
    InputError,
    NewsgraphError,
    StoreError,
)
from .export import export
from .options import IngestOptions, Limits
from .pipeline import IngestSummary, ingest
from .records import Article, RawDocument, Skipped
from .store import Store

__version__ = "0.1.0"

__all__ = [
    "Article",
    "BenchmarkMissing",
    "ConfigError",
    "ExtractionError",
    "IngestOptions",
    "IngestSummary",
    "InputError",
    "Limits",
    "NewsgraphError",
    "RawDocument",
    "Skipped",
    "Store",
    "StoreError",
    "__version__",
    "export",
    "ingest",
]
