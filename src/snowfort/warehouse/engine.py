"""The data plane: one DuckDB instance, one attached database file per Snowflake database.

A Snowflake database `DB` is the DuckDB catalog "DB" (a file named by the catalog object id, so any
quoted name is safe on disk), a Snowflake schema is a DuckDB schema in it. Every session gets its
own DuckDB connection (a cursor of the shared instance), so sessions run in parallel threads.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from snowfort.domain.names import dq


class Engine:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._root = duckdb.connect(":memory:", config={"threads": 2})
        self._lock = threading.Lock()
        self._attached: dict[str, Path] = {}

    def path_for(self, database_id: int) -> Path:
        return self.directory / f"{database_id}.duckdb"

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._root.cursor()

    def _run(self, sql: str) -> None:
        with self._lock:
            self._root.execute(sql)

    def attach(self, database_id: int, name: str) -> None:
        path = self.path_for(database_id)
        self._run(f"ATTACH '{path.as_posix()}' AS {dq(name)}")
        self._attached[name] = path

    def detach(self, name: str) -> None:
        if name in self._attached:
            self._run(f"DETACH {dq(name)}")
            del self._attached[name]

    def create_database(self, database_id: int, name: str) -> None:
        path = self.path_for(database_id)
        for stale in (path, path.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        self.attach(database_id, name)

    def drop_database(self, database_id: int, name: str) -> None:
        self.detach(name)
        path = self.path_for(database_id)
        for stale in (path, path.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)

    def rename_database(self, database_id: int, old: str, new: str) -> None:
        self.detach(old)
        self.attach(database_id, new)

    def copy_database(self, source: str, target: str) -> None:
        self._run(f"COPY FROM DATABASE {dq(source)} TO {dq(target)}")

    def create_schema(self, database: str, schema: str) -> None:
        self._run(f"CREATE SCHEMA IF NOT EXISTS {dq(database)}.{dq(schema)}")

    def drop_schema(self, database: str, schema: str) -> None:
        self._run(f"DROP SCHEMA IF EXISTS {dq(database)}.{dq(schema)} CASCADE")

    def table_columns(self, database: str, schema: str, table: str) -> list[tuple[str, str, bool, str | None]]:
        """(name, DuckDB type, nullable, default) of a table's or view's columns, in order."""
        rows = self.cursor().execute(
            "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [database, schema, table],
        ).fetchall()
        return [(name, kind, nullable == "YES", default) for name, kind, nullable, default in rows]

    def row_count(self, database: str, schema: str, table: str) -> int | None:
        """DuckDB's estimate of a table's rows (what SHOW TABLES prints), None if unknown."""
        row = self.cursor().execute(
            "SELECT estimated_size FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND table_name = ?",
            [database, schema, table],
        ).fetchone()
        return None if row is None else int(row[0])

    def close(self) -> None:
        with self._lock:
            self._root.close()
