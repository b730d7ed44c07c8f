"""Snowflake column types for DuckDB results.

A result column is described to the connector by a ``rowtype`` entry (see
``shared/reference/client-protocol.md`` section 2.2). ``SfColumn`` holds that
description; ``column_from_duckdb`` / ``column_from_arrow`` derive it from what DuckDB
reports. The encoders in ``snowfort.protocols.connector.rowsets`` read only the
``SfColumn`` (plus the Arrow data), so the SQL layer may also build ``SfColumn``s by hand,
e.g. to report ``timestamp_ltz`` or ``NUMBER(10,2)`` for a catalog column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

SF_TYPES = frozenset(
    {
        "fixed",
        "real",
        "text",
        "boolean",
        "date",
        "time",
        "timestamp_ntz",
        "timestamp_ltz",
        "timestamp_tz",
        "variant",
        "object",
        "array",
        "binary",
    }
)

# Snowflake's maxima; they are also what it reports for unsized VARCHAR / BINARY.
MAX_TEXT_LENGTH = 16_777_216
MAX_BINARY_LENGTH = 8_388_608
# Every time-like column is encoded with nanosecond fractions, as Snowflake does by default
# (TIME(9), TIMESTAMP_NTZ(9)); the rowtype scale tells the client how to read the fraction.
DEFAULT_TIME_SCALE = 9

_TIME_TYPES = frozenset({"time", "timestamp_ntz", "timestamp_ltz", "timestamp_tz"})


@dataclass(frozen=True, slots=True)
class SfColumn:
    name: str
    type: str
    precision: int | None = None
    scale: int | None = None
    length: int | None = None
    byte_length: int | None = None
    nullable: bool = True

    def __post_init__(self) -> None:
        kind = self.type.lower()
        if kind not in SF_TYPES:
            raise ValueError(f"unknown Snowflake column type {self.type!r}")
        if kind != self.type:
            object.__setattr__(self, "type", kind)

    @property
    def effective_precision(self) -> int | None:
        if self.type == "fixed":
            return 38 if self.precision is None else self.precision
        if self.type in _TIME_TYPES:
            # Snowflake reports precision 0 for TIME/TIMESTAMP columns.
            return 0 if self.precision is None else self.precision
        return self.precision

    @property
    def effective_scale(self) -> int | None:
        if self.type == "fixed":
            return 0 if self.scale is None else self.scale
        if self.type in _TIME_TYPES:
            return DEFAULT_TIME_SCALE if self.scale is None else self.scale
        return self.scale

    @property
    def effective_length(self) -> int | None:
        if self.type == "text":
            return MAX_TEXT_LENGTH if self.length is None else self.length
        if self.type == "binary":
            return MAX_BINARY_LENGTH if self.length is None else self.length
        return self.length

    @property
    def effective_byte_length(self) -> int | None:
        if self.byte_length is not None:
            return self.byte_length
        if self.type == "text":
            # Snowflake reserves up to 4 bytes per character, capped at the 16 MB maximum.
            length = MAX_TEXT_LENGTH if self.length is None else self.length
            return min(4 * length, MAX_TEXT_LENGTH)
        if self.type == "binary":
            return self.effective_length
        return None

    def rowtype(self) -> dict[str, Any]:
        """The connector's ``rowtype`` entry, with the keys real Snowflake sends.

        ``name``, ``type``, ``nullable``, ``length``, ``precision`` and ``scale`` are indexed
        directly by the client, so they are always present (possibly null). A null ``scale`` on
        a FIXED column would make Snowpark see DECFLOAT, and a null ``length`` on TEXT breaks
        Snowpark's StringType, hence the defaults.
        """
        return {
            "name": self.name,
            "database": "",
            "schema": "",
            "table": "",
            "nullable": self.nullable,
            "type": self.type,
            "byteLength": self.effective_byte_length,
            "length": self.effective_length,
            "scale": self.effective_scale,
            "precision": self.effective_precision,
            "collation": None,
        }

    def sql_type(self) -> str:
        """Snowflake's display type, as in DESCRIBE / SHOW COLUMNS."""
        kind = self.type
        if kind == "fixed":
            return f"NUMBER({self.effective_precision},{self.effective_scale})"
        if kind == "real":
            return "FLOAT"
        if kind == "text":
            return f"VARCHAR({self.effective_length})"
        if kind == "binary":
            return f"BINARY({self.effective_length})"
        if kind in _TIME_TYPES:
            return f"{kind.upper()}({self.effective_scale})"
        return kind.upper()


# --- DuckDB ------------------------------------------------------------------------------

_INTEGER_NAMES = frozenset(
    (
        *("TINYINT", "INT1", "SMALLINT", "INT2", "INT16", "SHORT", "INTEGER", "INT", "INT4", "INT32"),
        *("SIGNED", "BIGINT", "INT8", "INT64", "LONG", "HUGEINT", "INT128"),
        *("UTINYINT", "UINT8", "USMALLINT", "UINT16", "UINTEGER", "UINT32", "UBIGINT", "UINT64"),
        *("UHUGEINT", "UINT128"),
    )
)
_SIMPLE_DUCK: dict[str, str] = {
    **dict.fromkeys(("FLOAT", "FLOAT4", "REAL", "DOUBLE", "FLOAT8"), "real"),
    **dict.fromkeys(("BOOLEAN", "BOOL", "LOGICAL"), "boolean"),
    "DATE": "date",
    **dict.fromkeys(("TIME", "TIME_NS", "TIME WITHOUT TIME ZONE"), "time"),
    **dict.fromkeys(
        (
            "TIMESTAMP",
            "DATETIME",
            "TIMESTAMP_US",
            "TIMESTAMP_NS",
            "TIMESTAMP_MS",
            "TIMESTAMP_S",
            "TIMESTAMP WITHOUT TIME ZONE",
        ),
        "timestamp_ntz",
    ),
    # DuckDB's TIMESTAMPTZ is an instant shown in the session's time zone, with no stored offset:
    # that is Snowflake's TIMESTAMP_LTZ (what CURRENT_TIMESTAMP returns).
    **dict.fromkeys(("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_TZ", "TIMESTAMP_LTZ"), "timestamp_ltz"),
    **dict.fromkeys(("JSON", "VARIANT"), "variant"),
    **dict.fromkeys(("BLOB", "BYTEA", "BINARY", "VARBINARY"), "binary"),
}
_TEXT_LENGTH_NAMES = frozenset({"VARCHAR", "CHAR", "BPCHAR", "TEXT", "STRING", "NVARCHAR"})
_DECIMAL_ARGS = re.compile(r"\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)")

# Types whose Arrow export loses information or is an opaque DuckDB encoding, mapped to the
# SQL cast that makes DuckDB render them itself. The SQL layer can wrap such columns
# (``SELECT * REPLACE (c::VARCHAR AS c)``) before fetching Arrow.
_NEEDS_CAST: dict[str, str] = {
    "BIT": "VARCHAR",  # Arrow gets DuckDB's internal bit layout as plain binary
    "BITSTRING": "VARCHAR",
    "BIGNUM": "VARCHAR",  # an opaque extension type
    "VARINT": "VARCHAR",
    "TIME WITH TIME ZONE": "VARCHAR",  # Arrow gets time64 without the offset
    "TIMETZ": "VARCHAR",
    "INTERVAL": "VARCHAR",  # only DuckDB knows its own interval text format
    "VARIANT": "JSON",  # Arrow gets the binary parquet-variant encoding
    "UNION": "VARCHAR",
}


def _type_text(duck_type: Any) -> str:
    text = str(duck_type).strip()
    # DuckDB prints the type of a bare NULL as '"NULL"'.
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text


def _base_name(upper: str) -> str:
    return upper.split("(", 1)[0].strip()


def column_from_duckdb(name: str, duck_type: Any) -> SfColumn:
    """Map a DuckDB type (a ``DuckDBPyType`` from ``description``/``types``, or its text)."""
    text = _type_text(duck_type)
    upper = text.upper()
    base = _base_name(upper)
    # LIST and ARRAY types print as ``T[]`` / ``T[n]``; check first, since ``STRUCT(...)[]``
    # is a list.
    if upper.endswith("]"):
        return SfColumn(name, "array")
    if base in ("STRUCT", "ROW", "MAP"):
        return SfColumn(name, "object")
    if base in _INTEGER_NAMES:
        return SfColumn(name, "fixed", precision=38, scale=0)
    if base in ("DECIMAL", "NUMERIC"):
        match = _DECIMAL_ARGS.search(upper)
        if match is None:
            precision, scale = 18, 3  # DuckDB's default DECIMAL
        else:
            precision, scale = int(match[1]), int(match[2] or 0)
        return SfColumn(name, "fixed", precision=precision, scale=scale)
    if base in _TEXT_LENGTH_NAMES:
        match = _DECIMAL_ARGS.search(upper)
        return SfColumn(name, "text", length=int(match[1]) if match else None)
    kind = _SIMPLE_DUCK.get(base)
    if kind is not None:
        return SfColumn(name, kind)
    # UUID, INTERVAL, ENUM, BIT, BIGNUM, TIMETZ, UNION, NULL and anything unknown.
    return SfColumn(name, "text")


def duckdb_text_cast(duck_type: Any) -> str | None:
    """The DuckDB type to cast a column to before fetching Arrow, or None if not needed."""
    return _NEEDS_CAST.get(_base_name(_type_text(duck_type).upper()))


# --- Arrow -------------------------------------------------------------------------------


def _is_any(t: pa.DataType, *predicates: str) -> bool:
    # View types are missing from older pyarrow releases, which pyproject still allows.
    return any((check := getattr(pa.types, name, None)) is not None and check(t) for name in predicates)


def column_from_arrow(name: str, arrow_type: pa.DataType) -> SfColumn:
    """Map an Arrow type (e.g. of a DuckDB Arrow result) to a Snowflake column type.

    Prefer ``column_from_duckdb`` when the DuckDB type is known: Arrow cannot tell JSON from
    VARCHAR.
    """
    t = arrow_type
    if isinstance(t, pa.BaseExtensionType):
        ext = t.extension_name
        if ext in ("arrow.json", "arrow.parquet.variant"):
            return SfColumn(name, "variant")
        if ext in ("arrow.uuid", "arrow.opaque"):
            return SfColumn(name, "text")
        t = t.storage_type
    if pa.types.is_dictionary(t):
        return column_from_arrow(name, t.value_type)
    if pa.types.is_integer(t):
        return SfColumn(name, "fixed", precision=38, scale=0)
    if pa.types.is_decimal(t):
        if t.precision > 38:
            return SfColumn(name, "text")
        return SfColumn(name, "fixed", precision=t.precision, scale=t.scale)
    if pa.types.is_floating(t):
        return SfColumn(name, "real")
    if pa.types.is_boolean(t):
        return SfColumn(name, "boolean")
    if pa.types.is_date(t):
        return SfColumn(name, "date")
    if pa.types.is_time(t):
        return SfColumn(name, "time")
    if pa.types.is_timestamp(t):
        return SfColumn(name, "timestamp_ltz" if t.tz else "timestamp_ntz")
    if _is_any(t, "is_list", "is_large_list", "is_fixed_size_list", "is_list_view", "is_large_list_view"):
        return SfColumn(name, "array")
    if pa.types.is_struct(t) or pa.types.is_map(t):
        return SfColumn(name, "object")
    if _is_any(t, "is_binary", "is_large_binary", "is_fixed_size_binary", "is_binary_view"):
        return SfColumn(name, "binary")
    # strings, NULL, intervals, durations, unions and anything else.
    return SfColumn(name, "text")
