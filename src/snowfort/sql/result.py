"""A statement's result: Snowflake column descriptions over an Arrow table."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from snowfort.warehouse.types import SfColumn

# statementTypeId values the connector knows (cursor.py); DML ids change how it counts rows.
SELECT = 0x1000
DML = 0x3000
INSERT = DML + 0x100
UPDATE = DML + 0x200
DELETE = DML + 0x300
MERGE = DML + 0x400
DDL = 0x6000
MULTI_STATEMENT = 0xA000

_ARROW = {
    "text": pa.string(),
    "fixed": pa.int64(),
    "real": pa.float64(),
    "boolean": pa.bool_(),
    "timestamp_ltz": pa.timestamp("us", tz="UTC"),
    "timestamp_ntz": pa.timestamp("us"),
    "variant": pa.string(),
    "array": pa.string(),
    "object": pa.string(),
    "date": pa.date32(),
}


def new_query_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Result:
    columns: list[SfColumn]
    table: pa.Table
    statement_type: int = SELECT
    query_id: str = field(default_factory=new_query_id)
    # Set for a multi-statement parent: the query ids of its children, in order.
    child_ids: list[str] | None = None
    # A file transfer (PUT/GET) answers with this descriptor instead of rows.
    transfer: dict[str, Any] | None = None

    @property
    def is_dml(self) -> bool:
        return self.statement_type & 0xF000 == DML


def rows_result(
    columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]], statement_type: int = SELECT
) -> Result:
    """A result from Python rows; each column is (name, Snowflake type)."""
    sf_columns = [SfColumn(name, kind) for name, kind in columns]
    arrays = []
    for i, (_, kind) in enumerate(columns):
        values = [_coerce(row[i], kind) for row in rows]
        arrays.append(pa.array(values, type=_ARROW[kind]))
    table = pa.Table.from_arrays(arrays, names=[c[0] for c in columns]) if columns else pa.table({})
    return Result(sf_columns, table, statement_type)


def _coerce(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "text":
        return value if isinstance(value, str) else str(value)
    if kind == "boolean":
        return bool(value)
    if kind == "timestamp_ltz" and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def status(message: str, statement_type: int = DDL) -> Result:
    return rows_result([("status", "text")], [[message]], statement_type)
