"""Encode a DuckDB Arrow result as the connector's ``rowset`` (JSON) or ``rowsetBase64`` (Arrow).

Both encodings start from ``to_snowflake_arrow``, which rewrites each column into the
physical layout Snowflake itself sends. The rules below come from the connector's decoders
(``nanoarrow_cpp/ArrowIterator``: CArrowChunkIterator.cpp for rows, CArrowTableIterator.cpp
for pandas/Arrow fetches, and converter.py for JSON):

* every field carries string metadata ``logicalType`` (upper case), ``precision``, ``scale``,
  ``charLength`` and ``byteLength``. The C++ reads ``scale``/``precision`` with ``std::stoi``
  and would crash on a missing key, so they are always present;
* FIXED: int8..int64 holding the unscaled value, or decimal128 when some value needs more
  than 64 bits. Snowflake prefers integers too, and it matters for pandas: the table path
  turns scaled integers into float64 (as with real Snowflake), decimal128 into ``Decimal``
  objects;
* TIME: int64 in units of 10^-scale since midnight;
* TIMESTAMP_NTZ/LTZ: int64 in units of 10^-scale when scale <= 6, otherwise a struct
  {epoch: int64 seconds, fraction: int32 nanoseconds}. The pandas path reads the struct only
  when scale > 6 and the raw int64 otherwise;
* TIMESTAMP_TZ: struct {epoch, fraction, timezone} with metadata byteLength 16, or, for
  scale <= 3, {epoch (10^-scale units), timezone} with byteLength 8 (the pandas path
  mis-reads the 3-field form for scale <= 3). ``timezone`` is the UTC offset in minutes
  + 1440;
* DATE date32, REAL float64, BOOLEAN bool, BINARY binary, and TEXT/VARIANT/OBJECT/ARRAY utf8
  (semi-structured values as JSON text, which is what the clients expect without
  structured types).
"""

from __future__ import annotations

import base64
import gc
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from snowfort.warehouse.types import SfColumn

__all__ = ["arrow_rowset_base64", "json_rowset", "to_snowflake_arrow"]

_UNITS_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
_UTC_NAMES = frozenset(
    {"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Z", "+00:00", "+0000", "Etc/Universal", "Universal", "Zulu"}
)
_TZ_OFFSET_BIAS = 1440  # Snowflake sends the offset in minutes + 1440, so it is never negative

_TS_EPOCH = pa.field("epoch", pa.int64(), nullable=False)
_TS_FRACTION = pa.field("fraction", pa.int32(), nullable=False)
_TS_TIMEZONE = pa.field("timezone", pa.int32(), nullable=False)

_JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS

Converter = Callable[[SfColumn, pa.ChunkedArray], pa.ChunkedArray]


# --- helpers -----------------------------------------------------------------------------


def _chunks(data: pa.ChunkedArray) -> list[pa.Array]:
    # A zero-chunk column still needs one (empty) array so that types can be derived.
    return data.chunks or [data.combine_chunks()]


def _map_chunks(data: pa.ChunkedArray, fn: Callable[[pa.Array], pa.Array]) -> pa.ChunkedArray:
    out = [fn(chunk) for chunk in _chunks(data)]
    return pa.chunked_array(out, type=out[0].type)


def _per_cell(
    data: pa.ChunkedArray, fn: Callable[[Any], Any], out_type: pa.DataType, **pylist: Any
) -> pa.ChunkedArray:
    values = data.to_pylist(**pylist)
    return pa.chunked_array(
        [pa.array([None if v is None else fn(v) for v in values], type=out_type)], type=out_type
    )


def _reinterpret(arr: pa.Array, new_type: pa.DataType) -> pa.Array:
    # Same buffers, new logical type (e.g. decimal128(p, s) read as its unscaled integer).
    return pa.Array.from_buffers(
        new_type, len(arr), arr.buffers(), null_count=arr.null_count, offset=arr.offset
    )


def _plain(data: pa.ChunkedArray) -> pa.ChunkedArray:
    """Strip extension and dictionary wrappers, which the conversions below do not handle."""
    t = data.type
    if isinstance(t, pa.BaseExtensionType):
        return _plain(pa.chunked_array([c.storage for c in data.chunks], type=t.storage_type))
    if pa.types.is_dictionary(t):
        return _plain(data.cast(t.value_type))
    return data


def _is_any(t: pa.DataType, *predicates: str) -> bool:
    # View types are missing from older pyarrow releases, which pyproject still allows.
    return any((check := getattr(pa.types, name, None)) is not None and check(t) for name in predicates)


_STRING_TYPES = ("is_string", "is_large_string", "is_string_view")
_BINARY_TYPES = ("is_binary", "is_large_binary", "is_fixed_size_binary", "is_binary_view")


def _is_utc(tz: str | None) -> bool:
    return tz is None or tz in _UTC_NAMES


def _floor_divmod(v: pa.Array, divisor: int) -> tuple[pa.Array, pa.Array]:
    """Floor division and a non-negative remainder; Arrow's integer divide truncates to zero."""
    if divisor == 1:
        return v, pc.multiply(v, 0)
    q = pc.divide(v, divisor)
    r = pc.subtract(v, pc.multiply(q, divisor))
    neg = pc.less(r, 0)
    return pc.if_else(neg, pc.subtract(q, 1), q), pc.if_else(neg, pc.add(r, divisor), r)


def _fixed_point_text(q: pa.Array, r: pa.Array, scale: int) -> pa.Array:
    """Decimal text of ``q + r / 10**scale`` (0 <= r < 10**scale), e.g. -2, 50, 2 -> "-1.50".

    The connector parses negative timestamps as the signed decimal (``-0.5`` is half a second
    before the epoch), so values just below zero need a "-0." integer part.
    """
    if scale == 0:
        return q.cast(pa.string())
    neg = pc.and_(pc.less(q, 0), pc.greater(r, 0))
    whole = pc.if_else(neg, pc.negate(pc.add(q, 1)), q).cast(pa.string())
    frac = pc.if_else(neg, pc.subtract(10**scale, r), r).cast(pa.string())
    frac = pc.utf8_lpad(frac, width=scale, padding="0")
    sign = pc.if_else(neg, "-", "")
    return pc.binary_join_element_wise(sign, whole, ".", frac, "")


def _null_where_invalid(arr: pa.Array, valid_from: pa.Array) -> pa.Array:
    if valid_from.null_count == 0:
        return arr
    return pc.if_else(pc.is_valid(valid_from), arr, pa.scalar(None, arr.type))


# --- JSON text for semi-structured values ------------------------------------------------


def _interval_text(months: int, days: int, nanos: int) -> str:
    # DuckDB's own rendering, e.g. "1 year 2 months 3 days 04:05:06.789".
    parts = []
    # DuckDB splits months toward zero: -14 months is "-1 year -2 months".
    years = abs(months) // 12 * (1 if months >= 0 else -1)
    months -= years * 12
    for amount, unit in ((years, "year"), (months, "month"), (days, "day")):
        if amount:
            parts.append(f"{amount} {unit}{'' if abs(amount) == 1 else 's'}")
    if nanos or not parts:
        sign = "-" if nanos < 0 else ""
        micros = abs(nanos) // 1000
        secs, micros = divmod(micros, 1_000_000)
        mins, secs = divmod(secs, 60)
        hours, mins = divmod(mins, 60)
        text = f"{sign}{hours:02d}:{mins:02d}:{secs:02d}"
        if micros:
            text += f".{micros:06d}".rstrip("0")
        parts.append(text)
    return " ".join(parts)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Keep every digit: a float would round large or long decimals. (orjson < 3.9.15
        # has no Fragment.)
        fragment = getattr(orjson, "Fragment", None)
        return float(value) if fragment is None else fragment(format(value, "f"))
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex().upper()
    if isinstance(value, pa.MonthDayNano):
        return _interval_text(value.months, value.days, value.nanoseconds)
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, set | frozenset):
        return list(value)
    return str(value)


def _std_json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _json_default(value)


def _dump_json(value: Any, pretty: bool = True) -> str:
    """Snowflake's rendering of a semi-structured value: 2-space indent, sorted keys.

    ``pretty=False`` gives compact JSON, for nested values shown in a TEXT column.
    """
    try:
        options = _JSON_OPTIONS if pretty else orjson.OPT_NON_STR_KEYS
        return orjson.dumps(value, default=_json_default, option=options).decode()
    except (orjson.JSONEncodeError, TypeError):
        # orjson rejects integers beyond 64 bits (e.g. HUGEINT inside a struct).
        indent = 2 if pretty else None
        try:
            return json.dumps(
                value, indent=indent, sort_keys=pretty, ensure_ascii=False, default=_std_json_default
            )
        except TypeError:  # keys of mixed types cannot be sorted
            return json.dumps(value, indent=indent, ensure_ascii=False, default=_std_json_default)


def _reformat_json_text(text: str) -> str:
    # The stdlib parser keeps big integers exact; orjson.loads would turn them into floats.
    try:
        value = json.loads(text)
    except ValueError:
        # Not JSON: a plain string stored in a VARIANT column is a JSON string.
        return orjson.dumps(text).decode()
    return _dump_json(value)


def _bignum_text(raw: bytes) -> str:
    # DuckDB's BIGNUM blob: 3 header bytes (top bit set when non-negative), then the
    # big-endian magnitude, with every byte inverted for negative numbers.
    if len(raw) < 3:
        return raw.hex()
    negative = not raw[0] & 0x80
    body = bytes(b ^ 0xFF for b in raw[3:]) if negative else raw[3:]
    magnitude = int.from_bytes(body, "big")
    return str(-magnitude if negative else magnitude)


# --- per-type conversion to Snowflake's Arrow layout -------------------------------------


def _sf_fixed(col: SfColumn, data: pa.ChunkedArray) -> pa.ChunkedArray:
    scale = col.effective_scale or 0
    data = _plain(data)
    t = data.type
    if pa.types.is_boolean(t):
        data, t = data.cast(pa.int8()), pa.int8()
    if pa.types.is_integer(t) and scale == 0:
        if pa.types.is_signed_integer(t):
            return data
        # The connector only reads signed integers.
        if t.bit_width < 64:
            return data.cast(
                pa.int64() if t.bit_width == 32 else pa.int32() if t.bit_width == 16 else pa.int16()
            )
        try:
            return data.cast(pa.int64())
        except pa.ArrowInvalid:
            return data.cast(pa.decimal128(38, 0))
    if not (pa.types.is_decimal(t) and t.bit_width == 128 and t.scale == scale):
        # Ints, floats, other decimal widths or scales: let Arrow rescale (it may truncate
        # when the declared scale is smaller than the data's).
        data = data.cast(pa.decimal128(38, scale), safe=False)
    unscaled = _map_chunks(data, lambda c: _reinterpret(c, pa.decimal128(38, 0)))
    try:
        return unscaled.cast(pa.int64())
    except pa.ArrowInvalid:
        # At least one value needs more than 64 bits.
        return data


def _sf_real(col: SfColumn, data: pa.ChunkedArray) -> pa.ChunkedArray:
    data = _plain(data)
    return data if pa.types.is_float64(data.type) else data.cast(pa.float64())


def _sf_text(col: SfColumn, data: pa.ChunkedArray) -> pa.ChunkedArray:
    t = data.type
    if pa.types.is_string(t):
        return data
    if isinstance(t, pa.BaseExtensionType):
        name = t.extension_name
        if name == "arrow.uuid":
            return _per_cell(_plain(data), lambda b: str(uuid.UUID(bytes=b)), pa.string())
        if name == "arrow.opaque" and getattr(t, "type_name", "") in ("bignum", "varint"):
            return _per_cell(_plain(data), _bignum_text, pa.string())
        return _sf_text(col, _plain(data))
    if pa.types.is_dictionary(t):
        return _sf_text(col, data.cast(t.value_type))
    if pa.types.is_null(t):
        return pa.chunked_array([pa.nulls(len(data), pa.string())])
    if _is_any(t, *_STRING_TYPES):
        return data.cast(pa.string())
    if _is_any(t, *_BINARY_TYPES):
        try:
            return data.cast(pa.string())
        except pa.ArrowInvalid:  # not UTF-8
            return _per_cell(data, lambda b: b.hex().upper(), pa.string())
    if pa.types.is_interval(t):
        return _per_cell(data, lambda v: _interval_text(v.months, v.days, v.nanoseconds), pa.string())
    if pa.types.is_nested(t):
        # Compact JSON: a nested value shown as text, not as a VARIANT.
        return _per_cell(data, lambda v: _dump_json(v, pretty=False), pa.string(), maps_as_pydicts="lossy")
    try:
        return data.cast(pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return _per_cell(data, str, pa.string())


def _sf_semi_structured(col: SfColumn, data: pa.ChunkedArray) -> pa.ChunkedArray:
    data = _plain(data)
    t = data.type
    if pa.types.is_null(t):
        return pa.chunked_array([pa.nulls(len(data), pa.string())])
    if _is_any(t, *_STRING_TYPES):
        return _per_cell(data, _reformat_json_text, pa.string())
    return _per_cell(data, _dump_json, pa.string(), maps_as_pydicts="lossy")


def _sf_boolean(col: SfColumn, data: pa.ChunkedArray) -> pa.ChunkedArray:
    data = _plain(data)
    return data if pa.types.is_boolean(data.type) else data.cast(pa.bool_())


def _sf_date(col: SfColumn, data: pa.ChunkedArray) -> pa.ChunkedArray:
    data = _plain(data)
    if pa.types.is_date32(data.type):
        return data
    if pa.types.is_timestamp(data.type) and data.type.tz:
        data = _map_chunks(data, pc.local_timestamp)
    return data.cast(pa.date32())


def _sf_binary(col: SfColumn, data: pa.ChunkedArray) -> pa.ChunkedArray:
    data = _plain(data)
    return data if pa.types.is_binary(data.type) else data.cast(pa.binary())


def _sf_time(col: SfColumn, data: pa.ChunkedArray) -> pa.ChunkedArray:
    scale = col.effective_scale or 0
    data = _plain(data)
    if pa.types.is_timestamp(data.type) and data.type.tz:
        data = _map_chunks(data, pc.local_timestamp)
    nanos = data.cast(pa.time64("ns")).cast(pa.int64())
    if scale == 9:
        return nanos
    # Times are never negative, so truncating division is floor division here.
    return pc.divide(nanos, 10 ** (9 - scale))


def _timestamp_parts(arr: pa.Array, wall_clock: bool) -> tuple[pa.Array, pa.Array, int]:
    """(whole seconds, sub-second units, units per second) of a timestamp-like array.

    ``wall_clock`` gives the local time of a zoned timestamp (for NTZ); otherwise the UTC
    instant is used. Null slots hold 0 in both outputs.
    """
    t = arr.type
    if pa.types.is_date(t):
        arr, t = arr.cast(pa.timestamp("s")), pa.timestamp("s")
    elif not pa.types.is_timestamp(t):
        arr, t = arr.cast(pa.timestamp("ns")), pa.timestamp("ns")
    if wall_clock and not _is_utc(t.tz):
        arr = pc.local_timestamp(arr)
    per_second = _UNITS_PER_SECOND[t.unit]
    values = pc.fill_null(arr.cast(pa.int64()), 0)
    epoch, sub = _floor_divmod(values, per_second)
    return epoch, sub, per_second


def _tz_offsets(arr: pa.Array) -> pa.Array:
    """Snowflake's timezone field: UTC offset in minutes of each value, + 1440."""
    # Values without a zone (naive timestamps, dates) are taken as UTC.
    if not pa.types.is_timestamp(arr.type) or _is_utc(arr.type.tz):
        return pc.fill_null(pa.nulls(len(arr), pa.int32()), _TZ_OFFSET_BIAS)
    per_minute = 60 * _UNITS_PER_SECOND[arr.type.unit]
    delta = pc.subtract(pc.local_timestamp(arr).cast(pa.int64()), arr.cast(pa.int64()))
    minutes = pc.add(pc.divide(delta, per_minute), _TZ_OFFSET_BIAS)
    return pc.fill_null(minutes, _TZ_OFFSET_BIAS).cast(pa.int32())


def _to_scale(epoch: pa.Array, sub: pa.Array, per_second: int, scale: int) -> tuple[pa.Array, pa.Array]:
    """Rescale the sub-second part from 1/per_second units to 10^-scale units (floor)."""
    target = 10**scale
    if per_second == target:
        return epoch, sub
    if per_second < target:
        return epoch, pc.multiply(sub, target // per_second)
    return epoch, pc.divide(sub, per_second // target)


def _null_mask(arr: pa.Array) -> pa.Array | None:
    return pc.is_null(arr) if arr.null_count else None


def _sf_timestamp(col: SfColumn, data: pa.ChunkedArray) -> pa.ChunkedArray:
    scale = col.effective_scale or 0
    kind = col.type
    data = _plain(data)

    def convert(arr: pa.Array) -> pa.Array:
        # NTZ keeps the wall-clock time of zoned input; LTZ/TZ keep the instant, and naive
        # input counts as UTC for them.
        epoch, sub, per_second = _timestamp_parts(arr, wall_clock=kind == "timestamp_ntz")
        if kind == "timestamp_tz":
            zone = _tz_offsets(arr)
            if scale <= 3:
                whole, part = _to_scale(epoch, sub, per_second, scale)
                units = pc.add(pc.multiply(whole, 10**scale), part)
                return pa.StructArray.from_arrays(
                    [units, zone], fields=[_TS_EPOCH, _TS_TIMEZONE], mask=_null_mask(arr)
                )
            _, nanos = _to_scale(epoch, sub, per_second, 9)
            nanos = _truncate_fraction(nanos, scale)
            return pa.StructArray.from_arrays(
                [epoch, nanos.cast(pa.int32()), zone],
                fields=[_TS_EPOCH, _TS_FRACTION, _TS_TIMEZONE],
                mask=_null_mask(arr),
            )
        if scale <= 6:
            whole, part = _to_scale(epoch, sub, per_second, scale)
            units = pc.add(pc.multiply(whole, 10**scale), part)
            return _null_where_invalid(units, arr)
        _, nanos = _to_scale(epoch, sub, per_second, 9)
        nanos = _truncate_fraction(nanos, scale)
        return pa.StructArray.from_arrays(
            [epoch, nanos.cast(pa.int32())], fields=[_TS_EPOCH, _TS_FRACTION], mask=_null_mask(arr)
        )

    return _map_chunks(data, convert)


def _truncate_fraction(nanos: pa.Array, scale: int) -> pa.Array:
    # A struct's fraction is always in nanoseconds; drop digits beyond the declared scale.
    if scale >= 9:
        return nanos
    step = 10 ** (9 - scale)
    return pc.multiply(pc.divide(nanos, step), step)


_TO_SF: dict[str, Converter] = {
    "fixed": _sf_fixed,
    "real": _sf_real,
    "text": _sf_text,
    "boolean": _sf_boolean,
    "date": _sf_date,
    "time": _sf_time,
    "timestamp_ntz": _sf_timestamp,
    "timestamp_ltz": _sf_timestamp,
    "timestamp_tz": _sf_timestamp,
    "variant": _sf_semi_structured,
    "object": _sf_semi_structured,
    "array": _sf_semi_structured,
    "binary": _sf_binary,
}


def _field_metadata(col: SfColumn) -> dict[str, str]:
    precision = col.effective_precision
    scale = col.effective_scale
    length = col.effective_length
    byte_length = col.effective_byte_length
    if col.type == "timestamp_tz":
        # Selects the 2-field (8) or 3-field (16) struct decoder.
        byte_length = 8 if (scale or 0) <= 3 else 16
    return {
        "logicalType": col.type.upper(),
        "precision": str(precision or 0),
        "scale": str(scale or 0),
        "charLength": str(length or 0),
        "byteLength": str(byte_length or 0),
    }


def _as_table(table: pa.Table | pa.RecordBatch) -> pa.Table:
    return pa.Table.from_batches([table]) if isinstance(table, pa.RecordBatch) else table


def to_snowflake_arrow(columns: Sequence[SfColumn], table: pa.Table) -> pa.Table:
    """Rewrite ``table`` into Snowflake's Arrow layout, one field per ``columns`` entry."""
    table = _as_table(table)
    if len(columns) != table.num_columns:
        raise ValueError(f"{len(columns)} column descriptions for {table.num_columns} Arrow columns")
    arrays = []
    fields = []
    for col, data in zip(columns, table.columns, strict=True):
        out = _TO_SF[col.type](col, data)
        arrays.append(out)
        fields.append(pa.field(col.name, out.type, nullable=True, metadata=_field_metadata(col)))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


# --- JSON rowset -------------------------------------------------------------------------


def _json_fixed(col: SfColumn, arr: pa.Array) -> pa.Array:
    scale = col.effective_scale or 0
    if pa.types.is_integer(arr.type):
        if scale == 0:
            return arr.cast(pa.string())
        if scale >= 7:
            q, r = _floor_divmod(arr.cast(pa.int64()), 10**scale)
            return _fixed_point_text(q, r, scale)
        # Cheaper than the arithmetic above, and exact: Arrow prints decimals of scale <= 6
        # in plain notation.
        arr = _reinterpret(arr.cast(pa.decimal128(38, 0)), pa.decimal128(38, scale))
    text = arr.cast(pa.string())
    if scale < 7:
        return text
    # Arrow prints decimals with an adjusted exponent below -6 in E notation ("1E-9");
    # Snowflake always sends plain digits.
    if not pc.any(pc.match_substring(text, "E")).as_py():
        return text
    return pa.array([None if v is None else format(Decimal(v), "f") for v in text.to_pylist()], pa.string())


def _json_real(col: SfColumn, arr: pa.Array) -> pa.Array:
    # Arrow prints the shortest round-trip form, and "inf"/"-inf" like Snowflake; only NaN differs.
    text = arr.cast(pa.string())
    nan = pc.is_nan(arr)
    return pc.if_else(nan, "NaN", text) if pc.any(nan).as_py() else text


def _json_boolean(col: SfColumn, arr: pa.Array) -> pa.Array:
    return pc.if_else(arr, "1", "0")


def _json_date(col: SfColumn, arr: pa.Array) -> pa.Array:
    return arr.cast(pa.int32()).cast(pa.string())


def _json_time(col: SfColumn, arr: pa.Array) -> pa.Array:
    scale = col.effective_scale or 0
    q, r = _floor_divmod(arr, 10**scale)
    return _fixed_point_text(q, r, scale)


def _json_timestamp(col: SfColumn, arr: pa.Array) -> pa.Array:
    scale = col.effective_scale or 0
    if pa.types.is_struct(arr.type):
        names = [arr.type.field(i).name for i in range(arr.type.num_fields)]
        epoch = arr.field(names.index("epoch"))
        if "fraction" in names:
            q, r = epoch, pc.divide(arr.field(names.index("fraction")).cast(pa.int64()), 10 ** (9 - scale))
        else:  # 2-field TIMESTAMP_TZ: epoch in 10^-scale units
            q, r = _floor_divmod(epoch, 10**scale)
        text = _fixed_point_text(q, r, scale)
        if "timezone" in names:
            zone = arr.field(names.index("timezone")).cast(pa.string())
            text = pc.binary_join_element_wise(text, zone, " ")
        return _null_where_invalid(text, arr)
    q, r = _floor_divmod(arr, 10**scale)
    return _fixed_point_text(q, r, scale)


def _json_binary(col: SfColumn, arr: pa.Array) -> pa.Array:
    return pa.array([None if v is None else v.hex().upper() for v in arr.to_pylist()], pa.string())


def _json_as_is(col: SfColumn, arr: pa.Array) -> pa.Array:
    return arr


_TO_JSON: dict[str, Callable[[SfColumn, pa.Array], pa.Array]] = {
    "fixed": _json_fixed,
    "real": _json_real,
    "text": _json_as_is,
    "boolean": _json_boolean,
    "date": _json_date,
    "time": _json_time,
    "timestamp_ntz": _json_timestamp,
    "timestamp_ltz": _json_timestamp,
    "timestamp_tz": _json_timestamp,
    "variant": _json_as_is,
    "object": _json_as_is,
    "array": _json_as_is,
    "binary": _json_binary,
}


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Building 100k small lists otherwise triggers repeated full collections for nothing:
    # none of these objects can be part of a cycle.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def json_rowset(columns: Sequence[SfColumn], table: pa.Table) -> list[list[str | None]]:
    """The ``rowset`` of a JSON result: rows of strings (or None), encoded per column type."""
    table = _as_table(table)
    if not columns:
        return [[] for _ in range(table.num_rows)]
    sf = to_snowflake_arrow(columns, table)
    with _gc_paused():
        cells = []
        for col, data in zip(columns, sf.columns, strict=True):
            encode = _TO_JSON[col.type]
            if data.num_chunks == 1:
                cells.append(encode(col, data.chunks[0]).to_pylist())
                continue
            values: list[str | None] = []
            for chunk in data.chunks:
                values.extend(encode(col, chunk).to_pylist())
            cells.append(values)
        return list(map(list, zip(*cells, strict=True)))


# --- Arrow rowset ------------------------------------------------------------------------


def arrow_rowset_base64(columns: Sequence[SfColumn], table: pa.Table) -> str:
    """The ``rowsetBase64`` of an Arrow result: a base64 Arrow IPC stream.

    An empty result is sent as "", which needs no Arrow work: connectors 4.x and 5.x then
    build the empty result (and fetch_pandas_all's empty frame) from ``rowtype``. The
    response's ``total`` must then be 0: a non-zero ``total`` with an empty rowset makes the
    client re-fetch the result.
    """
    table = _as_table(table)
    if not columns or table.num_rows == 0:
        return ""
    sf = to_snowflake_arrow(columns, table)
    return base64.b64encode(_ipc_stream(sf)).decode("ascii")


def _ipc_stream(table: pa.Table) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def arrow_rowset_fragment(columns: Sequence[SfColumn], table: pa.Table) -> orjson.Fragment:
    """``rowsetBase64`` as a ready JSON string for orjson: large results skip a decode to str
    and a copy through the JSON encoder (base64 needs no escaping)."""
    table = _as_table(table)
    if not columns or table.num_rows == 0:
        return orjson.Fragment(b'""')
    return orjson.Fragment(b'"' + base64.b64encode(_ipc_stream(to_snowflake_arrow(columns, table))) + b'"')
