"""The Spark runner: ``ingest --engine spark`` and the loader of its Parquet shards
(docs/scaling.md).

pyspark is an optional extra (``pip install '.[spark]'``) and is imported only when a job
starts; ``load_shards`` and the shard rows need pyarrow alone.
"""

from __future__ import annotations

from .job import SparkJobFailed, spark_ingest, spark_session, start_session
from .load import load_shards

__all__ = ["SparkJobFailed", "load_shards", "spark_ingest", "spark_session", "start_session"]
