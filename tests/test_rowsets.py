"""Rowset encoders, checked with the real connector's decoders (no server).

JSON rowsets go through ``JSONResultBatch.from_data`` with ``SnowflakeConverter`` (what
``cursor.fetchall()`` runs on a JSON result); Arrow rowsets through
``ArrowResultBatch.from_data`` and its nanoarrow iterators, both for rows (``fetchall``) and
for tables (``fetch_pandas_all`` / ``fetch_arrow_all``). Both batch classes accept static
data without a connection, so no fake connection is needed: the only client state they
read is the session parameters (``ArrowConverterContext``) and the converter.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import time
import uuid
from decimal import Decimal
from typing import Any

import duckdb

# The offline decoders are connector 4.x internals; 5.x decodes in its Rust core instead, so
# the 5.x run does not collect this module (tests/conftest.py).
import pandas as pd  # noqa: E402
import pyarrow as pa
import pytest
from snowflake.connector.arrow_context import ArrowConverterContext  # noqa: E402
from snowflake.connector.converter import SnowflakeConverter  # noqa: E402
from snowflake.connector.cursor import ResultMetadataV2  # noqa: E402
from snowflake.connector.result_batch import ArrowResultBatch, JSONResultBatch  # noqa: E402

from snowfort.protocols.connector.rowsets import arrow_rowset_base64, json_rowset, to_snowflake_arrow
from snowfort.warehouse.types import SfColumn, column_from_arrow, column_from_duckdb, duckdb_text_cast

# --- the all-types query -----------------------------------------------------------------

NL = "' || chr(10) || '"
# (name, DuckDB type, SQL literal per row). Row 1: ordinary values, row 2: negative /
# before 1970 / edge values, row 3: special values, row 4: NULL everywhere.
COLUMNS: list[tuple[str, str, list[str]]] = [
    ("i8", "TINYINT", ["127", "-128", "0"]),
    ("i16", "SMALLINT", ["32767", "-32768", "0"]),
    ("i32", "INTEGER", ["2147483647", "-2147483648", "0"]),
    ("i64", "BIGINT", ["9223372036854775807", "-9223372036854775808", "0"]),
    ("i128", "HUGEINT", ["170141183460469231731687303715884105727", "-12345678901234567890123", "0"]),
    ("i128_small", "HUGEINT", ["42", "-42", "0"]),
    ("u8", "UTINYINT", ["255", "0", "1"]),
    ("u32", "UINTEGER", ["4294967295", "0", "1"]),
    ("u64", "UBIGINT", ["18446744073709551615", "0", "1"]),
    ("dec", "DECIMAL(10,2)", ["12345678.90", "-0.01", "0"]),
    ("dec18", "DECIMAL(18,6)", ["123456789012.345678", "-0.000001", "-123456789012.345678"]),
    ("dec38", "DECIMAL(38,9)", ["12345678901234567890.123456789", "-0.000000001", "0"]),
    ("dec38_small", "DECIMAL(38,10)", ["1.5", "-2.25", "0"]),
    ("dbl", "DOUBLE", ["1.5", "-1e-300", "'nan'"]),
    ("dbl_inf", "DOUBLE", ["'inf'", "'-inf'", "0.1"]),
    ("flt", "FLOAT", ["0.1", "-3.4e38", "1.5"]),
    ("txt", "VARCHAR", ["'héllo ☃ 🎉'", "''", f"'quote '' \" \\ {NL}line'"]),
    ("bool", "BOOLEAN", ["true", "false", "true"]),
    ("dt", "DATE", ["'2024-02-29'", "'1969-12-31'", "'1900-01-01'"]),
    ("dt_far", "DATE", ["'9999-12-31'", "'0001-01-01'", "'1970-01-01'"]),
    ("tm", "TIME", ["'01:02:03.456789'", "'00:00:00'", "'23:59:59.999999'"]),
    (
        "ts",
        "TIMESTAMP",
        ["'2024-02-29 01:02:03.456789'", "'1969-12-31 23:59:59.5'", "'1900-01-01 00:00:00.000001'"],
    ),
    (
        "ts_far",
        "TIMESTAMP",
        ["'9999-12-31 23:59:59.999999'", "'0001-01-01 00:00:00'", "'1970-01-01 00:00:00'"],
    ),
    (
        "ts_ns",
        "TIMESTAMP_NS",
        [
            "'2024-02-29 01:02:03.123456789'",
            "'1969-12-31 23:59:59.999999999'",
            "'1970-01-01 00:00:00.000000001'",
        ],
    ),
    ("ts_ms", "TIMESTAMP_MS", ["'2024-02-29 01:02:03.123'", "'1969-12-31 23:59:59.999'", "'1970-01-01'"]),
    ("ts_s", "TIMESTAMP_S", ["'2024-02-29 01:02:03'", "'1900-01-01 00:00:00'", "'1970-01-01'"]),
    (
        "tstz",
        "TIMESTAMPTZ",
        ["'2024-02-29 01:02:03.456789+02'", "'1969-12-31 23:59:59.5+00'", "'2000-06-01 12:00:00-07'"],
    ),
    ("js", "JSON", ['\'{"b": 1, "a": [1, 2.5, null, "x"]}\'', "'\"str\"'", "'12345678901234567890123'"]),
    ("lst", "INTEGER[]", ["[1, 2, NULL]", "[]", "[-1]"]),
    ("lst_txt", "VARCHAR[]", ["['a', 'b\"c']", "[]", "['☃']"]),
    (
        "st",
        "STRUCT(b VARCHAR, a INTEGER, d DECIMAL(10,2), t TIMESTAMP, l INTEGER[])",
        [
            "{'b': 'x', 'a': 1, 'd': 1.50, 't': '2024-01-02 03:04:05', 'l': [1]}",
            "{'b': NULL, 'a': -1, 'd': -0.01, 't': NULL, 'l': []}",
            "{'b': '', 'a': 0, 'd': 0, 't': '1969-12-31 23:59:59', 'l': NULL}",
        ],
    ),
    ("mp", "MAP(VARCHAR, INTEGER)", ["MAP {'k': 1, 'a': 2}", "MAP {}", "MAP {'x': NULL}"]),
    ("arr", "INTEGER[2]", ["[1, 2]", "[-1, NULL]", "[0, 0]"]),
    ("bl", "BLOB", ["'\\xDE\\xAD\\xBE\\xEF'", "''", "'ab'"]),
    (
        "uid",
        "UUID",
        [
            "'12345678-1234-5678-1234-567812345678'",
            "'00000000-0000-0000-0000-000000000000'",
            "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
        ],
    ),
    ("nul", "", ["NULL", "NULL", "NULL"]),
]
ROWS = 4


def _select(row: int) -> str:
    exprs = [f"{row} AS rn"]
    for name, duck_type, literals in COLUMNS:
        literal = literals[row] if row < len(literals) else "NULL"
        exprs.append(f"CAST({literal} AS {duck_type}) AS {name}" if duck_type else f"{literal} AS {name}")
    return "SELECT " + ", ".join(exprs)


QUERY = "SELECT * EXCLUDE (rn) FROM (" + " UNION ALL ".join(_select(i) for i in range(ROWS)) + ") ORDER BY rn"


def _duckdb() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def _to_arrow(relation: Any) -> pa.Table:
    # duckdb 2.x renamed fetch_arrow_table() to to_arrow_table().
    fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return fetch()


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[SfColumn], pa.Table, list[tuple]]:
    rel = con.sql(sql)
    columns = [
        column_from_duckdb(name, duck_type) for name, duck_type in zip(rel.columns, rel.types, strict=True)
    ]
    return columns, _to_arrow(rel), con.sql(sql).fetchall()


# --- decoding with the real connector ----------------------------------------------------


def _schema(columns: list[SfColumn]) -> list[ResultMetadataV2]:
    return [ResultMetadataV2.from_column(c.rowtype()) for c in columns]


def decode_json(
    columns: list[SfColumn], rowset: list[list[str | None]], timezone: str = "UTC"
) -> list[tuple]:
    # The JSON round trip the server makes: the connector reads the rowset with json.loads.
    rowset = json.loads(json.dumps(rowset))
    converter = SnowflakeConverter()
    converter.set_parameter("TIMEZONE", timezone)
    converters = [(c.type.upper(), converter.to_python_method(c.type.upper(), c.rowtype())) for c in columns]
    batch = JSONResultBatch.from_data(rowset, len(rowset), _schema(columns), converters, False)
    rows = list(batch.create_iter())
    for row in rows:
        if isinstance(row, Exception):
            raise row
    return rows


def _arrow_batch(columns: list[SfColumn], b64: str, rowcount: int, timezone: str) -> ArrowResultBatch:
    context = ArrowConverterContext({"TIMEZONE": timezone})
    return ArrowResultBatch.from_data(b64, rowcount, context, False, False, _schema(columns), False)


def decode_arrow_rows(columns: list[SfColumn], b64: str, rowcount: int, timezone: str = "UTC") -> list[tuple]:
    rows = list(_arrow_batch(columns, b64, rowcount, timezone).create_iter())
    for row in rows:
        if isinstance(row, Exception):
            raise row
    return rows


def decode_arrow_pandas(columns: list[SfColumn], b64: str, rowcount: int, timezone: str = "UTC") -> Any:
    return _arrow_batch(columns, b64, rowcount, timezone).to_pandas()


# --- expected values ---------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """A DuckDB Python value as it reads back from the JSON text of a VARIANT/OBJECT/ARRAY."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex().upper()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _floor_micro(value: dt.datetime | None, nanos: int | None) -> dt.datetime | None:
    """Snowflake clients floor nanoseconds to microseconds; DuckDB's Python values truncate."""
    if value is None or nanos is None:
        return value
    return dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=nanos // 1000)


def expected_rows(table: pa.Table, duck_rows: list[tuple]) -> list[list[Any]]:
    rows = [list(r) for r in duck_rows]
    for i in range(table.num_columns):
        arrow_type = table.schema.field(i).type
        if pa.types.is_timestamp(arrow_type) and arrow_type.unit == "ns":
            nanos = table.column(i).cast(pa.int64()).to_pylist()
            for row, n in zip(rows, nanos, strict=True):
                row[i] = _floor_micro(row[i], n)
    return rows


def assert_cell(col: SfColumn, got: Any, expected: Any, where: str) -> None:
    if expected is None:
        assert got is None, where
        return
    assert got is not None, where
    kind = col.type
    if kind == "variant":
        assert json.loads(got) == json.loads(expected), where
    elif kind in ("array", "object"):
        assert json.loads(got) == _jsonable(expected), where
    elif kind == "binary":
        assert bytes(got) == expected, where
    elif kind == "real" and math.isnan(expected):
        assert math.isnan(got), where
    elif kind == "timestamp_tz":
        assert got == expected, where
        assert got.utcoffset() == expected.utcoffset(), where
    elif kind == "text" and not isinstance(expected, str):
        assert got == str(expected), where
    else:
        assert got == expected, where
        assert type(got) is type(expected), f"{where}: {type(got)} vs {type(expected)}"


def assert_rows(columns: list[SfColumn], got: list[tuple], expected: list[list[Any]], label: str) -> None:
    assert len(got) == len(expected), label
    for r, (got_row, exp_row) in enumerate(zip(got, expected, strict=True)):
        assert len(got_row) == len(columns), label
        for col, g, e in zip(columns, got_row, exp_row, strict=True):
            assert_cell(col, g, e, f"{label} row {r} column {col.name}: got {g!r}, expected {e!r}")


def assert_pandas(columns: list[SfColumn], df: Any, table: pa.Table, expected: list[list[Any]]) -> None:
    """``fetch_pandas_all()`` values against DuckDB's (timestamps against DuckDB's own pandas)."""
    assert list(df.columns) == [c.name for c in columns]
    assert len(df) == len(expected)
    for i, col in enumerate(columns):
        series = df.iloc[:, i]
        if col.type.startswith("timestamp"):
            want = table.column(i).to_pandas()
            for r in range(len(df)):
                g, e = series.iloc[r], want.iloc[r]
                assert (pd.isna(g) and pd.isna(e)) or g == e, f"pandas {col.name} row {r}: {g!r} vs {e!r}"
            continue
        for r, exp_row in enumerate(expected):
            g, e = series.iloc[r], exp_row[i]
            where = f"pandas {col.name} row {r}: got {g!r}, expected {e!r}"
            if e is None:
                assert g is None or pd.isna(g), where
            elif col.type == "fixed" and isinstance(g, float):
                # Scaled (or NULL-holding) FIXED columns arrive as float64, as from Snowflake.
                assert g == pytest.approx(float(e), rel=1e-15), where
            elif col.type == "real":
                assert (math.isnan(e) and math.isnan(g)) or g == e, where
            elif col.type in ("variant", "array", "object", "binary", "timestamp_tz") or (
                col.type == "text" and not isinstance(e, str)
            ):
                assert_cell(col, g, e, where)
            elif hasattr(g, "item"):  # numpy scalar
                assert g.item() == e, where
            else:
                assert g == e, where


# --- the tests ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def all_types() -> tuple[list[SfColumn], pa.Table, list[list[Any]]]:
    con = _duckdb()
    columns, table, duck_rows = run_query(con, QUERY)
    return columns, table, expected_rows(table, duck_rows)


def test_query_covers_every_snowflake_type(all_types: Any) -> None:
    columns, _, _ = all_types
    kinds = {c.type for c in columns}
    assert kinds == {
        "fixed",
        "real",
        "text",
        "boolean",
        "date",
        "time",
        "timestamp_ntz",
        "timestamp_ltz",
        "variant",
        "array",
        "object",
        "binary",
    }


def test_json_rowset_decodes_to_duckdb_values(all_types: Any) -> None:
    columns, table, expected = all_types
    rowset = json_rowset(columns, table)
    assert all(isinstance(v, str) or v is None for row in rowset for v in row)
    assert_rows(columns, decode_json(columns, rowset), expected, "json")


def test_arrow_rowset_decodes_to_duckdb_values(all_types: Any) -> None:
    columns, table, expected = all_types
    b64 = arrow_rowset_base64(columns, table)
    assert_rows(columns, decode_arrow_rows(columns, b64, table.num_rows), expected, "arrow")


def test_arrow_rowset_to_pandas(all_types: Any) -> None:
    columns, table, expected = all_types
    b64 = arrow_rowset_base64(columns, table)
    df = decode_arrow_pandas(columns, b64, table.num_rows)
    assert_pandas(columns, df, table, expected)


def test_arrow_pandas_dtypes_match_snowflake(all_types: Any) -> None:
    columns, table, _ = all_types
    df = decode_arrow_pandas(columns, arrow_rowset_base64(columns, table), table.num_rows)
    # Scaled NUMBERs that fit 64 bits become float64, as from real Snowflake; wider ones
    # stay exact (Decimal / int objects).
    assert str(df["dec"].dtype) == "float64"
    assert str(df["dec38_small"].dtype) == "float64"
    assert df["dec38"].iloc[0] == Decimal("12345678901234567890.123456789")
    assert df["i128"].iloc[0] == 170141183460469231731687303715884105727
    assert str(df["ts"].dtype) == "datetime64[ns]"
    assert df["ts_ns"].iloc[0] == pd.Timestamp("2024-02-29 01:02:03.123456789")
    # Outside the nanosecond range the connector falls back to microseconds.
    assert df["ts_far"].iloc[1] == pd.Timestamp("0001-01-01")


def test_json_cell_encodings_are_snowflakes(all_types: Any) -> None:
    columns, table, _ = all_types
    rowset = json_rowset(columns, table)
    cell = {c.name: [row[i] for row in rowset] for i, c in enumerate(columns)}
    assert cell["i64"][:3] == ["9223372036854775807", "-9223372036854775808", "0"]
    assert cell["dec"][:3] == ["12345678.90", "-0.01", "0.00"]
    # Arrow would print "-1E-9"; Snowflake sends plain digits.
    assert cell["dec38"][:3] == ["12345678901234567890.123456789", "-0.000000001", "0.000000000"]
    assert cell["dbl"][2] == "NaN"
    assert cell["dbl_inf"][:2] == ["inf", "-inf"]
    assert cell["bool"][:2] == ["1", "0"]
    assert cell["dt"][:2] == ["19782", "-1"]
    assert cell["tm"][:3] == ["3723.456789000", "0.000000000", "86399.999999000"]
    assert cell["ts"][1] == "-0.500000000"
    assert cell["ts_ns"][1:3] == ["-0.000000001", "0.000000001"]
    assert cell["tstz"][0] == "1709161323.456789000"  # TIMESTAMP_LTZ: an instant, no offset
    assert cell["bl"][:2] == ["DEADBEEF", ""]
    # Semi-structured values are pretty-printed with sorted keys, like Snowflake's output.
    assert cell["js"][0] == '{\n  "a": [\n    1,\n    2.5,\n    null,\n    "x"\n  ],\n  "b": 1\n}'
    assert cell["js"][2] == "12345678901234567890123"
    assert cell["lst"][1] == "[]"
    assert cell["mp"][0] == '{\n  "a": 2,\n  "k": 1\n}'
    assert all(row[-1] is None for row in rowset)


def test_rowtype_entries(all_types: Any) -> None:
    columns, _, _ = all_types
    by_name = {c.name: c.rowtype() for c in columns}
    required = {"name", "type", "nullable", "length", "precision", "scale"}
    assert all(required <= set(rt) for rt in by_name.values())
    assert by_name["i32"] | {} == {
        "name": "i32",
        "database": "",
        "schema": "",
        "table": "",
        "nullable": True,
        "type": "fixed",
        "byteLength": None,
        "length": None,
        "scale": 0,
        "precision": 38,
        "collation": None,
    }
    assert (by_name["dec"]["precision"], by_name["dec"]["scale"]) == (10, 2)
    assert (by_name["txt"]["length"], by_name["txt"]["byteLength"]) == (16777216, 16777216)
    assert (by_name["ts"]["precision"], by_name["ts"]["scale"]) == (0, 9)
    assert (by_name["bl"]["length"], by_name["bl"]["byteLength"]) == (8388608, 8388608)
    assert by_name["nul"]["type"] == "text"


@pytest.mark.parametrize(
    ("duck_type", "kind", "precision", "scale"),
    [
        ("TINYINT", "fixed", 38, 0),
        ("UBIGINT", "fixed", 38, 0),
        ("HUGEINT", "fixed", 38, 0),
        ("DECIMAL(10,2)", "fixed", 10, 2),
        ("DECIMAL", "fixed", 18, 3),
        ("FLOAT", "real", None, None),
        ("DOUBLE", "real", None, None),
        ("VARCHAR", "text", None, None),
        ("BOOLEAN", "boolean", None, None),
        ("DATE", "date", None, None),
        ("TIME", "time", 0, 9),
        ("TIMESTAMP", "timestamp_ntz", 0, 9),
        ("TIMESTAMP_NS", "timestamp_ntz", 0, 9),
        ("TIMESTAMP_MS", "timestamp_ntz", 0, 9),
        ("TIMESTAMP_S", "timestamp_ntz", 0, 9),
        ("TIMESTAMP WITH TIME ZONE", "timestamp_ltz", 0, 9),
        ("JSON", "variant", None, None),
        ("INTEGER[]", "array", None, None),
        ("INTEGER[3]", "array", None, None),
        ("STRUCT(a INTEGER, b VARCHAR[])", "object", None, None),
        ("STRUCT(a INTEGER)[]", "array", None, None),
        ("MAP(VARCHAR, INTEGER)", "object", None, None),
        ("BLOB", "binary", None, None),
        ("UUID", "text", None, None),
        ("INTERVAL", "text", None, None),
        ("ENUM('a', 'b')", "text", None, None),
        ('"NULL"', "text", None, None),
        ("BIT", "text", None, None),
    ],
)
def test_column_from_duckdb(duck_type: str, kind: str, precision: int | None, scale: int | None) -> None:
    col = column_from_duckdb("c", duck_type)
    assert col.type == kind
    rowtype = col.rowtype()
    assert (rowtype["precision"], rowtype["scale"]) == (precision, scale)


def test_column_from_duckdb_accepts_duckdb_types() -> None:
    rel = duckdb.sql("SELECT 1.5::DECIMAL(12,4) a, NULL b, '{}'::JSON c, [1] d")
    cols = [column_from_duckdb(n, t) for n, t in zip(rel.columns, rel.types, strict=True)]
    assert [(c.type, c.precision, c.scale) for c in cols] == [
        ("fixed", 12, 4),
        ("text", None, None),
        ("variant", None, None),
        ("array", None, None),
    ]


@pytest.mark.parametrize(
    ("arrow_type", "kind"),
    [
        (pa.int8(), "fixed"),
        (pa.uint64(), "fixed"),
        (pa.decimal128(10, 2), "fixed"),
        (pa.float32(), "real"),
        (pa.string(), "text"),
        (pa.large_string(), "text"),
        (pa.bool_(), "boolean"),
        (pa.date32(), "date"),
        (pa.time64("us"), "time"),
        (pa.timestamp("us"), "timestamp_ntz"),
        (pa.timestamp("ns", tz="UTC"), "timestamp_ltz"),
        (pa.list_(pa.int32()), "array"),
        (pa.struct([("a", pa.int32())]), "object"),
        (pa.map_(pa.string(), pa.int32()), "object"),
        (pa.binary(), "binary"),
        (pa.null(), "text"),
        (pa.dictionary(pa.int8(), pa.string()), "text"),
        (pa.month_day_nano_interval(), "text"),
    ],
)
def test_column_from_arrow(arrow_type: pa.DataType, kind: str) -> None:
    assert column_from_arrow("c", arrow_type).type == kind


def test_column_from_arrow_keeps_decimal_scale() -> None:
    assert column_from_arrow("c", pa.decimal128(12, 3)).sql_type() == "NUMBER(12,3)"


@pytest.mark.parametrize(
    ("column", "sql_type"),
    [
        (SfColumn("c", "fixed"), "NUMBER(38,0)"),
        (SfColumn("c", "fixed", precision=10, scale=2), "NUMBER(10,2)"),
        (SfColumn("c", "real"), "FLOAT"),
        (SfColumn("c", "text"), "VARCHAR(16777216)"),
        (SfColumn("c", "text", length=10), "VARCHAR(10)"),
        (SfColumn("c", "boolean"), "BOOLEAN"),
        (SfColumn("c", "date"), "DATE"),
        (SfColumn("c", "time"), "TIME(9)"),
        (SfColumn("c", "timestamp_ntz"), "TIMESTAMP_NTZ(9)"),
        (SfColumn("c", "timestamp_ltz", scale=3), "TIMESTAMP_LTZ(3)"),
        (SfColumn("c", "TIMESTAMP_TZ"), "TIMESTAMP_TZ(9)"),
        (SfColumn("c", "variant"), "VARIANT"),
        (SfColumn("c", "object"), "OBJECT"),
        (SfColumn("c", "array"), "ARRAY"),
        (SfColumn("c", "binary"), "BINARY(8388608)"),
    ],
)
def test_sql_type(column: SfColumn, sql_type: str) -> None:
    assert column.sql_type() == sql_type


def test_sf_column_validates_type() -> None:
    assert SfColumn("c", "TEXT").type == "text"
    with pytest.raises(ValueError):
        SfColumn("c", "varchar")


def test_text_length_sets_byte_length() -> None:
    rowtype = SfColumn("c", "text", length=10).rowtype()
    assert (rowtype["length"], rowtype["byteLength"]) == (10, 40)


def test_duckdb_text_cast() -> None:
    assert duckdb_text_cast("BIT") == "VARCHAR"
    assert duckdb_text_cast("TIME WITH TIME ZONE") == "VARCHAR"
    assert duckdb_text_cast("VARIANT") == "JSON"
    assert duckdb_text_cast("INTEGER") is None
    assert duckdb_text_cast("INTEGER[]") is None


def test_timezones_other_than_utc() -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'America/New_York'")
    sql = """SELECT * FROM (VALUES
        (TIMESTAMPTZ '2024-07-01 12:00:00+00'), (TIMESTAMPTZ '2024-01-01 12:00:00.25+00'),
        (TIMESTAMPTZ '1960-01-01 00:00:00+00'), (NULL)) t(tz)"""
    _, table, duck_rows = run_query(con, sql)
    # An explicit TIMESTAMP_TZ column: DuckDB's TIMESTAMPTZ maps to TIMESTAMP_LTZ by default.
    columns = [SfColumn("tz", "timestamp_tz")]
    assert table.schema.field(0).type.tz == "America/New_York"
    expected = [list(r) for r in duck_rows]
    assert json_rowset(columns, table)[:2] == [["1719835200.000000000 1200"], ["1704110400.250000000 1140"]]
    assert_rows(columns, decode_json(columns, json_rowset(columns, table)), expected, "json")
    b64 = arrow_rowset_base64(columns, table)
    assert_rows(columns, decode_arrow_rows(columns, b64, table.num_rows), expected, "arrow")
    layout = pa.ipc.open_stream(base64.b64decode(b64)).schema.field(0)
    assert [f.name for f in layout.type] == ["epoch", "fraction", "timezone"]
    assert layout.metadata[b"byteLength"] == b"16"


def test_timestamp_ltz_uses_the_session_timezone() -> None:
    con = _duckdb()
    sql = "SELECT * FROM (VALUES (TIMESTAMPTZ '2024-07-01 12:00:00.5+00'), (TIMESTAMPTZ '1969-12-31 23:59:59+00'), (NULL)) t(x)"
    _, table, duck_rows = run_query(con, sql)
    columns = [SfColumn("x", "timestamp_ltz")]
    zone = "America/Los_Angeles"
    for rows in (
        decode_json(columns, json_rowset(columns, table), timezone=zone),
        decode_arrow_rows(columns, arrow_rowset_base64(columns, table), table.num_rows, timezone=zone),
    ):
        assert [r[0] for r in rows] == [r[0] for r in duck_rows]
        assert str(rows[0][0].tzinfo) == zone
        assert rows[0][0].utcoffset() == dt.timedelta(hours=-7)
    df = decode_arrow_pandas(columns, arrow_rowset_base64(columns, table), table.num_rows, timezone=zone)
    assert df["x"].iloc[0] == pd.Timestamp("2024-07-01 12:00:00.5", tz="UTC")


@pytest.mark.parametrize("scale", [0, 3, 6, 9])
@pytest.mark.parametrize("kind", ["time", "timestamp_ntz", "timestamp_ltz", "timestamp_tz"])
def test_declared_time_scales(kind: str, scale: int) -> None:
    """Columns the SQL layer declares with a smaller scale are truncated to it."""
    con = _duckdb()
    if kind == "time":
        sql = "SELECT * FROM (VALUES (TIME '01:02:03.456789'), (TIME '00:00:00'), (NULL)) t(x)"
    else:
        sql = """SELECT * FROM (VALUES (TIMESTAMPTZ '2024-02-29 01:02:03.456789+00'),
            (TIMESTAMPTZ '1969-12-31 23:59:58.123456+00'), (NULL)) t(x)"""
    _, table, duck_rows = run_query(con, sql)
    columns = [SfColumn("x", kind, scale=scale)]

    def truncate(value: Any) -> Any:
        if value is None:
            return None
        step = 10 ** (6 - min(scale, 6))
        micro = value.microsecond - value.microsecond % step
        value = value.replace(microsecond=micro)
        if kind == "timestamp_ntz":
            value = value.replace(tzinfo=None)
        return value

    expected = [[truncate(r[0])] for r in duck_rows]
    for label, rows in (
        ("json", decode_json(columns, json_rowset(columns, table))),
        ("arrow", decode_arrow_rows(columns, arrow_rowset_base64(columns, table), table.num_rows)),
    ):
        assert [r[0] for r in rows] == [e[0] for e in expected], label
    df = decode_arrow_pandas(columns, arrow_rowset_base64(columns, table), table.num_rows)
    for r in range(2):
        got, want = df["x"].iloc[r], expected[r][0]
        assert got == (want if kind == "time" else pd.Timestamp(want)), f"pandas row {r}"


def test_declared_fixed_scale_on_other_types() -> None:
    con = _duckdb()
    _, table, _ = run_query(
        con, "SELECT * FROM (VALUES (1, 1.25::DOUBLE, '7.5'), (NULL, NULL, NULL)) t(a, b, c)"
    )
    columns = [
        SfColumn("a", "fixed", precision=10, scale=2),
        SfColumn("b", "fixed", precision=10, scale=2),
        SfColumn("c", "fixed", precision=10, scale=1),
    ]
    expected = [(Decimal("1.00"), Decimal("1.25"), Decimal("7.5")), (None, None, None)]
    assert json_rowset(columns, table)[0] == ["1.00", "1.25", "7.5"]
    assert decode_json(columns, json_rowset(columns, table)) == expected
    assert decode_arrow_rows(columns, arrow_rowset_base64(columns, table), table.num_rows) == expected


def test_text_rendered_types() -> None:
    con = _duckdb()
    sql = """SELECT 'a'::ENUM('a', 'b') e, INTERVAL '1 year 2 months 3 days 04:05:06.789' i,
        INTERVAL '-90 minutes' i2, 12345678901234567890123::BIGNUM big, -5::BIGNUM negbig,
        123::INTEGER::VARCHAR AS txt"""
    columns, table, _ = run_query(con, sql)
    assert [c.type for c in columns] == ["text"] * 6
    rows = decode_json(columns, json_rowset(columns, table))
    assert rows == [
        ("a", "1 year 2 months 3 days 04:05:06.789", "-01:30:00", "12345678901234567890123", "-5", "123")
    ]
    assert decode_arrow_rows(columns, arrow_rowset_base64(columns, table), 1) == rows


def test_variant_from_non_json_text_is_a_json_string() -> None:
    table = pa.table({"v": pa.array(["not json", '{"a": 1}', None])})
    columns = [SfColumn("v", "variant")]
    assert json_rowset(columns, table) == [['"not json"'], ['{\n  "a": 1\n}'], [None]]


def test_multiple_chunks_and_record_batches() -> None:
    con = _duckdb()
    columns, table, duck_rows = run_query(
        con,
        "SELECT i::BIGINT a, i::VARCHAR b, i / 4 c, TIMESTAMP '2020-01-01' + to_seconds(i) d,"
        " (i / 4)::DECIMAL(10,2) e, CASE WHEN i % 3 = 0 THEN NULL ELSE -i END f,"
        " i::HUGEINT * 10000000000000000000000 g, [i] h FROM range(10) r(i)",
    )
    chunked = pa.Table.from_batches(table.to_batches(max_chunksize=3))
    assert chunked.column(0).num_chunks > 1
    expected = [list(r) for r in duck_rows]
    assert_rows(columns, decode_json(columns, json_rowset(columns, chunked)), expected, "json")
    b64 = arrow_rowset_base64(columns, chunked)
    assert_rows(columns, decode_arrow_rows(columns, b64, 10), expected, "arrow")
    assert len(decode_arrow_pandas(columns, b64, 10)) == 10
    batch = table.to_batches()[0]
    assert json_rowset(columns, batch) == json_rowset(columns, table)
    # Slices keep an offset into their buffers, which the reinterpreting casts must respect.
    part = chunked.slice(4, 5)
    assert_rows(columns, decode_json(columns, json_rowset(columns, part)), expected[4:9], "json slice")
    b64 = arrow_rowset_base64(columns, part)
    assert_rows(columns, decode_arrow_rows(columns, b64, 5), expected[4:9], "arrow slice")


def test_empty_results() -> None:
    con = _duckdb()
    columns, table, _ = run_query(con, QUERY + " LIMIT 0")
    assert table.num_rows == 0
    assert json_rowset(columns, table) == []
    b64 = arrow_rowset_base64(columns, table)
    assert b64 == ""
    assert decode_arrow_rows(columns, b64, 0) == []
    df = decode_arrow_pandas(columns, b64, 0)
    assert list(df.columns) == [c.name for c in columns]
    assert len(df) == 0
    # A stream without rows decodes, too, should a caller build one.
    assert to_snowflake_arrow(columns, table).num_rows == 0
    assert json_rowset([], pa.table({})) == []
    assert arrow_rowset_base64([], pa.table({})) == ""


def test_arrow_stream_layout(all_types: Any) -> None:
    columns, table, _ = all_types
    raw = base64.b64decode(arrow_rowset_base64(columns, table))
    schema = pa.ipc.open_stream(raw).schema
    metadata = {f.name: {k.decode(): v.decode() for k, v in f.metadata.items()} for f in schema}
    assert metadata["dec"] == {
        "logicalType": "FIXED",
        "precision": "10",
        "scale": "2",
        "charLength": "0",
        "byteLength": "0",
    }
    assert schema.field("dec").type == pa.int64()
    assert schema.field("dec38").type == pa.decimal128(38, 9)
    assert schema.field("u64").type == pa.decimal128(38, 0)
    assert schema.field("u32").type == pa.int64()
    assert schema.field("flt").type == pa.float64()
    assert schema.field("tm").type == pa.int64()
    assert [f.name for f in schema.field("ts").type] == ["epoch", "fraction"]
    assert [f.name for f in schema.field("tstz").type] == ["epoch", "fraction"]  # TIMESTAMP_LTZ
    assert schema.field("js").type == pa.string()
    assert schema.field("nul").type == pa.string()


def test_mismatched_column_count() -> None:
    with pytest.raises(ValueError):
        to_snowflake_arrow([SfColumn("a", "text")], pa.table({"a": [1], "b": [2]}))


def test_speed_100k_rows(capsys: pytest.CaptureFixture[str]) -> None:
    """100,000 x (int, varchar, double): the shape the query benchmark fetches."""
    con = _duckdb()
    columns, table, _ = run_query(
        con, "SELECT i::BIGINT AS id, 'name_' || i::VARCHAR AS name, i * 1.5 AS score FROM range(100000) r(i)"
    )
    timings = {}
    for label, encode in (("json", json_rowset), ("arrow", arrow_rowset_base64)):
        encode(columns, table.slice(0, 10))  # warm up
        best = math.inf
        for _ in range(3):
            start = time.perf_counter()
            encode(columns, table)
            best = min(best, time.perf_counter() - start)
        timings[label] = best
    with capsys.disabled():
        print(
            f"\n100k x 3 rows: json_rowset {timings['json'] * 1000:.1f} ms, arrow_rowset_base64 {timings['arrow'] * 1000:.1f} ms"
        )
    # Loose bounds: they only catch a fall back to per-cell Python.
    assert timings["json"] < 1.0
    assert timings["arrow"] < 0.25


def test_sub_microsecond_scale_truncates_nanoseconds() -> None:
    con = _duckdb()
    _, table, _ = run_query(con, "SELECT TIMESTAMP_NS '2024-01-01 00:00:00.123456789' AS x")
    columns = [SfColumn("x", "timestamp_ntz", scale=7)]
    assert json_rowset(columns, table) == [["1704067200.1234567"]]
    df = decode_arrow_pandas(columns, arrow_rowset_base64(columns, table), 1)
    assert df["x"].iloc[0] == pd.Timestamp("2024-01-01 00:00:00.1234567")
