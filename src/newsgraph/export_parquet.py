"""Every table of the store as a Parquet file (``export --format parquet``, docs/scaling.md).

One ``<table>.parquet`` per table of the database (articles, actors, mentions, events, ...),
whatever tables this version or a later migration has: they are read from ``sqlite_master``,
leaving out SQLite's own tables, full-text-search indexes and their shadow tables, and the
store's bookkeeping (tables whose name starts with ``_``). Rows are streamed in batches, so
memory stays flat whatever the size of the store; all tables are read from one snapshot.

Types: a column holding only integers is ``int64``, only numbers ``float64``, text ``string``
(JSON columns stay JSON text), bytes ``binary`` (article vectors); an empty column takes its
declared SQLite type. Each field keeps its declared SQLite type in its metadata. A file is
written under a temporary name and renamed over the old one, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import StoreError
from .store import Store

BATCH_ROWS = 2000
COMPRESSION = "zstd"
_FTS_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content", "_segments", "_segdir", "_stat")


def export_parquet(store: Store, out_dir: Path) -> dict[Path, int]:
    """Write each table of ``store`` as ``out_dir/<table>.parquet``; return the files written
    and their row counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    conn = store.db.conn
    written: dict[Path, int] = {}
    try:
        with _snapshot(conn):
            for table in export_tables(conn):
                path = out_dir / f"{table}.parquet"
                written[path] = _write_table(conn, table, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot read the database for the Parquet export: {exc}") from exc
    return written


def export_tables(conn: sqlite3.Connection) -> list[str]:
    """The store's data tables, in name order."""
    rows = conn.execute("select name, sql from sqlite_master where type = 'table' order by name").fetchall()
    virtual = {name for name, sql in rows if (sql or "").lstrip().upper().startswith("CREATE VIRTUAL")}
    shadows = {f"{name}{suffix}" for name in virtual for suffix in _FTS_SHADOWS}
    return [
        name
        for name, _ in rows
        if name not in virtual and name not in shadows and not name.startswith(("sqlite_", "_"))
    ]


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Read every table from one state of the database (a read transaction), unless the
    connection is inside a transaction already."""
    if conn.in_transaction:
        yield
        return
    conn.execute("begin")
    try:
        yield
    finally:
        conn.rollback()


def _write_table(conn: sqlite3.Connection, table: str, path: Path) -> int:
    schema = table_schema(conn, table)
    names = [f.name for f in schema]
    converters = [_converter(f.type) for f in schema]
    temporary = path.with_name(f".{path.name}.tmp")
    rows = 0
    try:
        with pq.ParquetWriter(temporary, schema, compression=COMPRESSION) as writer:
            cursor = conn.execute(f"select {', '.join(_quote(n) for n in names)} from {_quote(table)}")
            while batch := cursor.fetchmany(BATCH_ROWS):
                columns = [
                    pa.array([convert(row[i]) for row in batch], type=field.type)
                    for i, (field, convert) in enumerate(zip(schema, converters, strict=True))
                ]
                writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
                rows += len(batch)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return rows


def table_schema(conn: sqlite3.Connection, table: str) -> pa.Schema:
    """The Arrow schema of ``table``: each column typed by the values it holds (one pass over
    the table), or by its declared type when it holds none."""
    columns = [(row[1], row[2] or "") for row in conn.execute(f"pragma table_info({_quote(table)})")]
    if not columns:
        return pa.schema([])
    probes = ", ".join(
        f"max(typeof({_quote(name)}) = '{kind}')"
        for name, _ in columns
        for kind in ("integer", "real", "text", "blob")
    )
    found = conn.execute(f"select {probes} from {_quote(table)}").fetchone()
    fields = []
    for i, (name, declared) in enumerate(columns):
        has_int, has_real, has_text, has_blob = (bool(v) for v in found[4 * i : 4 * i + 4])
        fields.append(
            pa.field(
                name,
                _arrow_type(declared, has_int, has_real, has_text, has_blob),
                metadata={"sqlite_type": declared},
            )
        )
    return pa.schema(fields, metadata={"newsgraph.table": table})


def _arrow_type(declared: str, has_int: bool, has_real: bool, has_text: bool, has_blob: bool) -> pa.DataType:
    if has_blob:
        return pa.binary()
    if has_text:
        return pa.string()
    if has_real:
        return pa.float64()
    if has_int:
        return pa.int64()
    affinity = declared.upper()  # an empty column: SQLite's affinity rules
    if "INT" in affinity:
        return pa.int64()
    if any(word in affinity for word in ("CHAR", "CLOB", "TEXT")):
        return pa.string()
    if "BLOB" in affinity or not affinity:
        return pa.binary()
    if any(word in affinity for word in ("REAL", "FLOA", "DOUB")):
        return pa.float64()
    return pa.string()


def _converter(kind: pa.DataType) -> Any:
    """A value of the column as its Arrow type holds it (SQLite lets a column mix types)."""
    if pa.types.is_binary(kind):
        return _as_bytes
    if pa.types.is_string(kind):
        return _as_text
    if pa.types.is_floating(kind):
        return lambda v: None if v is None else float(v)
    return lambda v: v


def _as_bytes(value: Any) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return repr(value) if isinstance(value, float) else str(value)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
