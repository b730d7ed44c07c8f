"""Snowflake functions that sqlglot does not carry over to DuckDB faithfully: one small pure
rewrite per function family, applied to every query after the identifier rewrites.

`rewrite` walks the tree once, children before parents, and dispatches each node to at most
one rewrite by its class (or, for functions sqlglot does not know, by its name). A rewrite
returns the node to put in its place, or None to keep it. Nodes a rewrite builds are not
walked again, so each rewrite emits finished DuckDB.

Semi-structured values (VARIANT, OBJECT, ARRAY) are DuckDB JSON throughout, as table columns
of those types already are; rewrites that build or read them mark their result with
`JSON_MARK` so that casts, comparisons and string functions around them know to unwrap the
JSON (Snowflake's `v:name::string` is the bare string, not its JSON text).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.dialects.snowflake import Snowflake
from sqlglot.time import format_time

from snowfort import errors

JSON_MARK = "snowfort_json"

DT = exp.DataType.Type
_TEXT_TYPES = {DT.VARCHAR, DT.TEXT, DT.CHAR, DT.NCHAR, DT.NVARCHAR}
_INT_TYPES = {DT.TINYINT, DT.SMALLINT, DT.INT, DT.BIGINT, DT.MEDIUMINT}
_FLOAT_TYPES = {DT.FLOAT, DT.DOUBLE}
_TZ_TYPES = {DT.TIMESTAMPTZ, DT.TIMESTAMPLTZ}
# DuckDB's type names of numbers, as a SIMILAR TO pattern over typeof().
_NUMERIC_TYPEOF = "U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL.*"
# A trailing UTC offset written after a space ('2024-01-05 10:11:12 +02:00'), which DuckDB
# reads as a time zone name.
_SPACED_OFFSET = re.compile(r"\s+([+-]\d{2}(?::?\d{2})?)$")


# -- small builders --------------------------------------------------------------------------
# Nodes are built directly: sqlglot's builder helpers (exp.Case().when, exp.or_, DataType.build
# from text) copy or parse their arguments, which costs more than the rest of the rewrite.
def _fn(name: str, *args: exp.Expression) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _str(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _num(value: int | str) -> exp.Literal:
    return exp.Literal.number(value)


_SIMPLE_TYPES = {
    "VARCHAR": DT.VARCHAR, "BIGINT": DT.BIGINT, "INTEGER": DT.INT, "DOUBLE": DT.DOUBLE, "BOOLEAN": DT.BOOLEAN,
    "DATE": DT.DATE, "TIMESTAMP": DT.TIMESTAMP, "TIMESTAMPTZ": DT.TIMESTAMPTZ, "HUGEINT": DT.INT128,
}
_BUILT_TYPES: dict[str, exp.DataType] = {}


def _dtype(name: str, *params: int) -> exp.DataType:
    """A DuckDB type: a simple name, DECIMAL with its parameters, or (parsed once) anything else."""
    if params:
        return exp.DataType(this=DT.DECIMAL, expressions=[exp.DataTypeParam(this=_num(p)) for p in params])
    simple = _SIMPLE_TYPES.get(name)
    if simple is not None:
        return exp.DataType(this=simple)
    built = _BUILT_TYPES.get(name)
    if built is None:
        built = _BUILT_TYPES[name] = exp.DataType.build(name, dialect="duckdb")
    return built.copy()


def _cast(node: exp.Expression, to: str | exp.DataType) -> exp.Cast:
    return exp.Cast(this=node, to=_dtype(to) if isinstance(to, str) else to)


def _case(*whens: tuple[exp.Expression, exp.Expression], default: exp.Expression | None = None,
          this: exp.Expression | None = None) -> exp.Case:
    return exp.Case(this=this, ifs=[exp.If(this=c, true=v) for c, v in whens], default=default)


def _or(*conditions: exp.Expression) -> exp.Expression:
    result = conditions[0]
    for condition in conditions[1:]:
        result = exp.Or(this=result, expression=condition)
    return exp.Paren(this=result) if len(conditions) > 1 else result


def _and(*conditions: exp.Expression) -> exp.Expression:
    result = conditions[0]
    for condition in conditions[1:]:
        result = exp.And(this=result, expression=condition)
    return exp.Paren(this=result) if len(conditions) > 1 else result


def _not(condition: exp.Expression) -> exp.Not:
    return exp.Not(this=condition)


def _is_null(node: exp.Expression) -> exp.Is:
    return exp.Is(this=node, expression=exp.Null())


def _lambda(parameter: str, body: exp.Expression) -> exp.Lambda:
    return exp.Lambda(this=body, expressions=[exp.to_identifier(parameter)])


def _alias(node: exp.Expression, name: str) -> exp.Alias:
    return exp.Alias(this=node, alias=exp.to_identifier(name, quoted=True))


def _mark(node: exp.Expression) -> exp.Expression:
    node.meta[JSON_MARK] = True
    return node


def _copy(node: exp.Expression) -> exp.Expression:
    return node.copy()


def _is_numeric_type(node: exp.Expression) -> exp.Expression:
    """DuckDB's `typeof(x)` names a number type (folded to a constant when DuckDB plans)."""
    return exp.SimilarTo(this=_fn("typeof", _copy(node)), expression=_str(_NUMERIC_TYPEOF))


def _unparen(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


# -- what a node is known to produce ---------------------------------------------------------
@dataclass
class Context:
    """What the whole statement tells the rewrites: the aliases of its FLATTENs."""

    flatten_aliases: set[str] = field(default_factory=set)


def _is_json(node: exp.Expression, ctx: Context) -> bool:
    """True when the node certainly yields DuckDB JSON (a Snowflake semi-structured value)."""
    node = _unparen(node)
    meta = node._meta  # noqa: SLF001 - reading without creating the dict
    if meta and meta.get(JSON_MARK):
        return True
    if isinstance(node, exp.ParseJSON):
        return True
    if isinstance(node, exp.Cast) and node.to.this == DT.JSON:
        return True
    if isinstance(node, exp.Column) and ctx.flatten_aliases and node.name in ("VALUE", "THIS"):
        table = node.table
        return table in ctx.flatten_aliases if table else True
    return False


def _json_text(node: exp.Expression) -> exp.Expression:
    """The text of a JSON value the way Snowflake casts a VARIANT to VARCHAR: strings bare,
    JSON null as NULL, anything else as compact JSON."""
    return _fn("json_extract_string", node, _str("$"))


def _as_text(node: exp.Expression) -> exp.Expression:
    """Snowflake's cast to VARCHAR of a value whose type only DuckDB knows.

    DuckDB folds `typeof(x)` to a constant when it plans the query, so only the branch for
    x's type remains: JSON as `_json_text`, timestamps in Snowflake's default output formats
    (milliseconds always shown), a list of strings (SPLIT) as JSON text, the rest as DuckDB
    casts them. Every branch is written to bind for any type."""
    as_text = _cast(_copy(node), "VARCHAR")
    timestamp = _fn("strftime", _cast(as_text, "TIMESTAMP"), _str("%Y-%m-%d %H:%M:%S.%g"))
    # '... -05' or '... +05:30' from DuckDB's %z, as Snowflake's TZHTZM '-0500' / '+0530'.
    zoned = _fn("strftime", _cast(_cast(_copy(node), "VARCHAR"), "TIMESTAMPTZ"), _str("%Y-%m-%d %H:%M:%S.%g %z"))
    zoned = _fn("regexp_replace", _fn("regexp_replace", zoned, _str(r":(\d\d)$"), _str(r"\1")),
                _str(r"([+-]\d\d)$"), _str(r"\100"))
    return _case(
        (_str("JSON"), _json_text(_fn("to_json", _copy(node)))),
        (_str("TIMESTAMP"), timestamp),
        (_str("TIMESTAMP WITH TIME ZONE"), zoned),
        (_str("VARCHAR[]"), _cast(_fn("to_json", _copy(node)), "VARCHAR")),
        this=_fn("typeof", _copy(node)),
        default=_cast(node, "VARCHAR"),
    )


def _to_text(node: exp.Expression, ctx: Context) -> exp.Expression | None:
    """The rewrite for a cast of `node` to text, or None when DuckDB's own cast is right."""
    if _is_json(node, ctx):
        return _json_text(node)
    if isinstance(_unparen(node), (exp.Literal, exp.Null, exp.Boolean)):
        return None
    return _as_text(node)


def _numeric_type(node: exp.Expression) -> tuple[str, int, int] | None:
    """("fixed", precision, scale) or ("real", 0, 0) when the tree alone tells a numeric
    expression's Snowflake type (literals and casts), else None."""
    node = _unparen(node)
    if isinstance(node, exp.Neg):
        return _numeric_type(node.this)
    if isinstance(node, exp.Null):
        return ("fixed", 1, 0)
    if isinstance(node, exp.Literal) and not node.is_string:
        text = node.this.lstrip("+-")
        if "e" in text.lower():
            return ("real", 0, 0)
        whole, _, frac = text.partition(".")
        digits = len(whole.lstrip("0")) + len(frac)
        return ("fixed", max(digits, 1), len(frac))
    if isinstance(node, (exp.Cast, exp.TryCast)):
        to = node.to
        if to.this in _INT_TYPES:
            return ("fixed", 38, 0)
        if to.this in _FLOAT_TYPES:
            return ("real", 0, 0)
        if to.this == DT.DECIMAL:
            params = [int(p.name) for p in to.expressions if p.name.isdigit()]
            precision = params[0] if params else 38
            scale = params[1] if len(params) > 1 else 0
            return ("fixed", precision, scale)
    return None


def _division_scale(scale: int) -> int:
    # Snowflake keeps the dividend's scale and adds up to 6 digits, to at most 12.
    return max(scale, min(scale + 6, 12))


# -- conversions -----------------------------------------------------------------------------
def casts(node: exp.Cast, ctx: Context) -> exp.Expression | None:
    """`::` and CAST/TRY_CAST with Snowflake's meaning.

    - to VARCHAR/STRING/TEXT: a VARIANT gives its bare string (`v:a::string` is `hi`, not
      `"hi"`), a timestamp Snowflake's default text; see `_as_text`.
    - to INT/INTEGER/BIGINT/SMALLINT/TINYINT/BYTEINT: Snowflake's integers are NUMBER(38,0),
      which rounds ('12.7'::int is 13; DuckDB refuses the text) and is not limited to 32 bits.
      The result is a BIGINT, which DuckDB's functions take where DECIMAL is refused.
    - to VARIANT/OBJECT/ARRAY (DuckDB JSON): a string becomes a JSON string, not parsed JSON.
    - to TIMESTAMP_TZ/LTZ from a literal written with a space before its UTC offset."""
    to = node.to
    kind = to.this
    safe = isinstance(node, exp.TryCast)
    if kind in _TEXT_TYPES:
        return _to_text(node.this, ctx)
    if kind in _INT_TYPES:
        source = node.this
        if not (isinstance(source, exp.Literal) and not source.is_string and source.this.isdigit()):
            number = _dtype("DECIMAL", 38, 0)
            source = exp.TryCast(this=source, to=number) if safe else _cast(source, number)
        return exp.TryCast(this=source, to=_dtype("BIGINT")) if safe else _cast(source, "BIGINT")
    if kind == DT.JSON:
        if _is_json(node.this, ctx):
            return _mark(node.this)
        return _mark(_fn("to_json", node.this))
    if kind in _TZ_TYPES and isinstance(node.this, exp.Literal) and node.this.is_string:
        fixed = _SPACED_OFFSET.sub(r"\1", node.this.this)
        if fixed != node.this.this:
            node.set("this", _str(fixed))
    return None


def to_char(node: exp.ToChar, ctx: Context) -> exp.Expression | None:
    """TO_CHAR/TO_VARCHAR: without a format, a cast to text; with a date/time format, that
    format (sqlglot drops it when it cannot see the argument is a date, e.g. a column)."""
    fmt = node.args.get("format")
    if fmt is None:
        return _to_text(node.this, ctx)
    if isinstance(fmt, exp.Literal) and fmt.is_string and not re.search(r"[09X]", fmt.this, re.IGNORECASE):
        strftime = format_time(fmt.this, Snowflake.TIME_MAPPING, Snowflake.TIME_TRIE)
        return exp.TimeToStr(this=node.this, format=_str(strftime or fmt.this))
    return None


def to_number_formats(node: exp.ToNumber, ctx: Context) -> exp.Expression | None:
    """TO_NUMBER(text, format [, p, s]) for formats of digits, separators and `$`: the text
    without separators and currency, as NUMBER(p, s) (default NUMBER(38, 0))."""
    fmt = node.args.get("format")
    if not (isinstance(fmt, exp.Literal) and fmt.is_string and re.fullmatch(r"[90.,$\s]+", fmt.this)):
        return None
    text = _fn("regexp_replace", _cast(node.this, "VARCHAR"), _str(r"[,$\s]"), _str(""), _str("g"))
    precision = node.args.get("precision")
    scale = node.args.get("scale")
    to = _dtype("DECIMAL", int(precision.name) if precision else 38, int(scale.name) if scale else 0)
    return exp.TryCast(this=text, to=to) if node.args.get("safe") else _cast(text, to)


_TO_TIMESTAMP = {
    "TO_TIMESTAMP": ("TIMESTAMP", False),
    "TO_TIMESTAMP_NTZ": ("TIMESTAMP", False),
    "TO_TIMESTAMP_LTZ": ("TIMESTAMPTZ", False),
    "TO_TIMESTAMP_TZ": ("TIMESTAMPTZ", False),
    "TRY_TO_TIMESTAMP": ("TIMESTAMP", True),
    "TRY_TO_TIMESTAMP_NTZ": ("TIMESTAMP", True),
    "TRY_TO_TIMESTAMP_LTZ": ("TIMESTAMPTZ", True),
    "TRY_TO_TIMESTAMP_TZ": ("TIMESTAMPTZ", True),
}


def to_timestamp(node: exp.Anonymous, ctx: Context) -> exp.Expression | None:
    """TO_TIMESTAMP[_NTZ|_LTZ|_TZ](x) and the TRY_ forms of one argument, whose type only
    DuckDB knows: a number is seconds since the epoch, anything else is read as text."""
    if len(node.expressions) != 1:
        return None
    target, safe = _TO_TIMESTAMP[node.name.upper()]
    arg = node.expressions[0]
    text: exp.Expression = _json_text(arg) if _is_json(arg, ctx) else _cast(_copy(arg), "VARCHAR")
    if target == "TIMESTAMPTZ":
        text = _fn("regexp_replace", text, _str(_SPACED_OFFSET.pattern), _str(r"\1"))
    parsed: exp.Expression = exp.TryCast(this=text, to=_dtype(target)) if safe else _cast(text, target)
    if _is_json(arg, ctx):
        return parsed
    micros = _cast(exp.Mul(this=_cast(_copy(arg), "DOUBLE"), expression=_num(1_000_000)), "BIGINT")
    epoch: exp.Expression = _fn("make_timestamp", micros)
    if target == "TIMESTAMPTZ":
        epoch = _fn("to_timestamp", _cast(_copy(arg), "DOUBLE"))
    return _case((_is_numeric_type(arg), epoch), default=parsed)


def _format_error(value: exp.Expression, kind: str, fmt: str) -> exp.Expression:
    sf_format = format_time(fmt, Snowflake.INVERSE_TIME_MAPPING, Snowflake.INVERSE_TIME_TRIE) or fmt
    message = exp.DPipe(
        this=exp.DPipe(this=_str("Can't parse '"), expression=_cast(_copy(value), "VARCHAR")),
        expression=_str(f"' as {kind} with format '{sf_format.upper()}'"),
    )
    return _fn("error", message)


def parse_with_format(node: exp.StrToTime | exp.TsOrDsToDate, ctx: Context) -> exp.Expression | None:
    """TO_DATE/TO_TIMESTAMP(text, format): fail as Snowflake does, naming the text and the
    format ("Can't parse '13/01/2024' as date with format 'MM/DD/YYYY'"), not with DuckDB's
    strptime message."""
    fmt = node.args.get("format")
    if node.args.get("safe") or not (isinstance(fmt, exp.Literal) and fmt.is_string):
        return None
    value = node.this
    text = _json_text(value) if _is_json(value, ctx) else value
    is_date = isinstance(node, exp.TsOrDsToDate)
    parsed = exp.Coalesce(
        this=_fn("try_strptime", text, _str(fmt.this)),
        expressions=[_format_error(value, "date" if is_date else "timestamp", fmt.this)],
    )
    target = node.args.get("target_type")
    to = "DATE" if is_date else ("TIMESTAMPTZ" if target is not None and target.this in _TZ_TYPES else "TIMESTAMP")
    return _cast(parsed, to)


# -- dates -----------------------------------------------------------------------------------
def convert_timezone(node: exp.ConvertTimezone, ctx: Context) -> exp.Expression | None:
    """CONVERT_TIMEZONE(target, ts): the wall-clock time in `target` of the instant `ts`
    (a TIMESTAMP_NTZ is taken in the session time zone). DuckDB's `ts AT TIME ZONE target`
    would read a TIMESTAMP_NTZ as local time in `target` instead."""
    if node.args.get("source_tz") is not None:
        return None
    stamp = node.args["timestamp"]
    if isinstance(stamp, exp.Literal) and stamp.is_string:
        stamp = _str(_SPACED_OFFSET.sub(r"\1", stamp.this))
    return _fn("timezone", node.args["target_tz"], _cast(stamp, "TIMESTAMPTZ"))


# -- numbers ---------------------------------------------------------------------------------
def division(node: exp.Div, ctx: Context) -> exp.Expression | None:
    """Division of NUMBERs is a NUMBER in Snowflake (10/4 is 2.500000, scale = the dividend's
    plus 6, at most 12), not DuckDB's DOUBLE. Only where the tree shows both types (literals,
    casts); a FLOAT operand keeps FLOAT, and JSON operands are read as numbers."""
    for key in ("this", "expression"):
        if _is_json(node.args[key], ctx):
            node.set(key, _cast(node.args[key], "DOUBLE"))
    left, right = _numeric_type(node.this), _numeric_type(node.expression)
    if left is None or right is None or left[0] != "fixed" or right[0] != "fixed":
        return None
    scale = _division_scale(left[2])
    precision = min(38, max(left[1] - left[2] + right[2] + scale, scale + 1))
    quotient = exp.Div(this=_cast(node.this, "DOUBLE"), expression=_cast(node.expression, "DOUBLE"))
    return _cast(quotient, _dtype("DECIMAL", precision, scale))


def json_arithmetic(node: exp.Binary, ctx: Context) -> exp.Expression | None:
    """A VARIANT in arithmetic is read as a number (`v:price * 2`); DuckDB has no JSON + INT."""
    for key in ("this", "expression"):
        if _is_json(node.args[key], ctx):
            node.set(key, _cast(node.args[key], "DOUBLE"))
    return None


def average(node: exp.Avg, ctx: Context) -> exp.Expression | None:
    """AVG of a NUMBER is a NUMBER (scale + 6, at most 12) where the tree shows the argument's
    type; AVG of a VARIANT reads it as a number."""
    if _is_json(node.this, ctx):
        node.set("this", _cast(node.this, "DOUBLE"))
        return None
    kind = _numeric_type(node.this)
    if kind is None or kind[0] != "fixed":
        return None
    return _cast(node, _dtype("DECIMAL", 38, _division_scale(kind[2])))


def json_sum(node: exp.Sum, ctx: Context) -> exp.Expression | None:
    """SUM of a VARIANT reads it as a number."""
    if _is_json(node.this, ctx):
        node.set("this", _cast(node.this, "DOUBLE"))
    return None


def median(node: exp.Median, ctx: Context) -> exp.Expression | None:
    """MEDIAN of a NUMBER is a NUMBER with 3 more digits of scale (MEDIAN of 1, 3, 10, 1, 3 is
    3.000), of a FLOAT a FLOAT: multiplying by 1.000 makes DuckDB's median exact and decimal
    for integers and decimals and leaves doubles alone."""
    arg = _cast(node.this, "DOUBLE") if _is_json(node.this, ctx) else exp.Mul(this=node.this, expression=_num("1.000"))
    return _fn("median", arg)


def floor_ceil(node: exp.Floor | exp.Ceil, ctx: Context) -> exp.Expression | None:
    """FLOOR/CEIL(x, scale) keep a NUMBER a NUMBER (DuckDB's rewrite divides, giving DOUBLE):
    shift by a power of ten written as a decimal literal, round away the float noise."""
    decimals = node.args.get("decimals")
    if decimals is None:
        return None
    if not _is_integer_literal(decimals):
        return None
    literal = _unparen(decimals)
    places = -int(literal.this.name) if isinstance(literal, exp.Neg) else int(literal.name)
    name = "floor" if isinstance(node, exp.Floor) else "ceil"
    down = f"0.{'0' * (places - 1)}1" if places > 0 else str(10 ** -places)
    up = str(10**places) if places > 0 else f"0.{'0' * (-places - 1)}1" if places < 0 else "1"
    shifted = _fn(name, exp.Mul(this=node.this, expression=_num(up)))
    return exp.Round(this=exp.Mul(this=shifted, expression=_num(down if places else "1")), decimals=_num(places))


def hash_function(node: exp.Anonymous, ctx: Context) -> exp.Expression | None:
    """HASH is a signed 64-bit NUMBER in Snowflake; DuckDB's hash is unsigned (and may not fit
    a signed column). The values differ from Snowflake's in any case."""
    unsigned = _cast(_fn("hash", *node.expressions), "HUGEINT")
    return _cast(exp.Sub(this=unsigned, expression=_num(2**63)), "BIGINT")


def sha2(node: exp.SHA2, ctx: Context) -> exp.Expression | None:
    """SHA2 with 224, 384 or 512 bits: DuckDB only has SHA-256, and sqlglot would silently
    compute that; say it is unsupported instead of answering a wrong digest."""
    length = node.args.get("length")
    if length is not None and length.name not in ("256", ""):
        raise errors.unsupported(f"SHA2 with a digest size of {length.name}")
    return None


# -- semi-structured -------------------------------------------------------------------------
def _json_path_for_key(key: exp.Expression) -> exp.Expression:
    """A DuckDB JSON path for GET's second argument: an index for numbers, a quoted member
    name for strings, decided from DuckDB's type when the tree does not show it."""
    if isinstance(key, exp.Literal):
        if key.is_string:
            return _str('$."' + key.this.replace('"', '\\"') + '"')
        return key
    index = exp.DPipe(this=exp.DPipe(this=_str("$["), expression=_cast(_copy(key), "VARCHAR")), expression=_str("]"))
    member = exp.DPipe(this=exp.DPipe(this=_str('$."'), expression=_cast(_copy(key), "VARCHAR")), expression=_str('"'))
    return _case((_is_numeric_type(key), index), default=member)


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _path_text(path: exp.JSONPath) -> str | None:
    """A DuckDB JSON path ('$.a."b c"[0]') from sqlglot's parsed Snowflake path."""
    text = ""
    for part in path.expressions:
        if isinstance(part, exp.JSONPathRoot):
            text += "$"
        elif isinstance(part, exp.JSONPathKey) and isinstance(part.this, str):
            key = part.this
            text += f".{key}" if _PLAIN_KEY.fullmatch(key) else '."' + key.replace('"', '\\"') + '"'
        elif isinstance(part, exp.JSONPathSubscript) and isinstance(part.this, int):
            text += f"[{part.this}]"
        elif isinstance(part, exp.JSONPathSubscript) and isinstance(part.this, exp.JSONPathWildcard):
            text += "[*]"
        else:
            return None
    return text if text.startswith("$") else None


def json_path(node: exp.JSONExtract, ctx: Context) -> exp.Expression | None:
    """`v:a.b[0]` and GET_PATH as DuckDB's json_extract, a function call: DuckDB's `->` binds
    looser than `=` and `+`, and any value (a list from SPLIT, say) converts to JSON."""
    path = node.expression
    text = _path_text(path) if isinstance(path, exp.JSONPath) else None
    if text is None:
        return None
    return _mark(_fn("json_extract", node.this, _str(text)))


def get(node: exp.GetExtract | exp.Bracket, ctx: Context) -> exp.Expression | None:
    """GET(v, i), GET(v, 'key'), v[i] and v['key'] on a VARIANT, OBJECT or ARRAY: indexes are
    0-based (sqlglot shifts them for DuckDB lists), the result is a VARIANT."""
    if isinstance(node, exp.Bracket):
        if len(node.expressions) != 1:
            return None
        key = node.expressions[0]
    else:
        key = node.expression
    return _mark(_fn("json_extract", node.this, _json_path_for_key(key)))


def _json_list(node: exp.Expression) -> exp.Expression:
    """The elements of an ARRAY (JSON or DuckDB list) as a DuckDB list of JSON values."""
    return _fn("json_extract", _fn("to_json", node), _str("$[*]"))


def _null_if_any_null(result: exp.Expression, *args: exp.Expression) -> exp.Expression:
    return _case((_or(*(_is_null(_copy(a)) for a in args)), exp.Null()), default=result)


def parse_json(node: exp.ParseJSON, ctx: Context) -> exp.Expression | None:
    """PARSE_JSON/TRY_PARSE_JSON: sqlglot's DuckDB form is right; mark it as JSON."""
    _mark(node)
    return None


def object_construct(node: exp.Struct, ctx: Context) -> exp.Expression | None:
    """OBJECT_CONSTRUCT as a JSON object that leaves out pairs whose value is SQL NULL (a JSON
    null stays), with values of any type (sqlglot's DuckDB struct cannot omit a key per row nor
    hold a VARIANT)."""
    pairs = [e for e in node.expressions if isinstance(e, exp.PropertyEQ)]
    if len(pairs) != len(node.expressions):
        return None
    entries = [
        exp.Struct(
            expressions=[
                exp.PropertyEQ(this=exp.to_identifier("k"), expression=_cast(p.this, "VARCHAR")),
                exp.PropertyEQ(this=exp.to_identifier("v"), expression=_fn("to_json", p.expression)),
            ]
        )
        for p in pairs
    ]
    if not entries:
        return _mark(_fn("json", _str("{}")))
    keep = _lambda("e", _not(_is_null(exp.column("v", "e"))))
    kept = _fn("list_filter", exp.Array(expressions=entries), keep)
    return _mark(_fn("to_json", _fn("map_from_entries", kept)))


def object_construct_keep_null(node: exp.JSONObject, ctx: Context) -> exp.Expression | None:
    """OBJECT_CONSTRUCT_KEEP_NULL: DuckDB's json_object keeps NULLs as JSON null already."""
    _mark(node)
    return None


def array_construct(node: exp.Array, ctx: Context) -> exp.Expression | None:
    """ARRAY_CONSTRUCT (and [a, b] literals) as a JSON array, which may mix types
    (ARRAY_CONSTRUCT(1, 'a') fails as a DuckDB list)."""
    return _mark(_fn("json_array", *node.expressions))


def array_size(node: exp.ArraySize, ctx: Context) -> exp.Expression | None:
    """ARRAY_SIZE: the length of an array, NULL for anything else."""
    arr = node.this
    is_array = exp.EQ(this=_fn("json_type", _fn("to_json", _copy(arr))), expression=_str("ARRAY"))
    return _case((is_array, _fn("json_array_length", _fn("to_json", arr))))


def array_contains(node: exp.ArrayContains, ctx: Context) -> exp.Expression | None:
    """ARRAY_CONTAINS(value, array): compare as JSON values, whatever the array holds."""
    value, arr = node.expression, node.this
    found = _fn("list_contains", _json_list(arr), _fn("to_json", _copy(value)))
    return _case((_is_null(value), exp.Null()), default=found)


def array_append(node: exp.ArrayAppend | exp.ArrayPrepend, ctx: Context) -> exp.Expression | None:
    """ARRAY_APPEND / ARRAY_PREPEND on JSON arrays; NULL array gives NULL."""
    arr, value = node.this, node.expression
    name = "list_append" if isinstance(node, exp.ArrayAppend) else "list_prepend"
    args = (_json_list(_copy(arr)), _fn("to_json", value))
    joined = _fn(name, *(args if name == "list_append" else reversed(args)))
    return _mark(_null_if_any_null(_fn("to_json", joined), arr))


def array_cat(node: exp.ArrayConcat, ctx: Context) -> exp.Expression | None:
    """ARRAY_CAT of JSON arrays; a NULL argument gives NULL."""
    arrays = [node.this, *node.expressions]
    joined = _fn("list_concat", *(_json_list(_copy(a)) for a in arrays))
    return _mark(_null_if_any_null(_fn("to_json", joined), *arrays))


def array_to_string(node: exp.ArrayToString, ctx: Context) -> exp.Expression | None:
    """ARRAY_TO_STRING: elements as text (strings bare), NULLs as empty strings."""
    element = _lambda("e", exp.Coalesce(this=_json_text(exp.column("e")), expressions=[_str("")]))
    texts = _fn("list_transform", _json_list(node.this), element)
    return _fn("array_to_string", texts, node.expression)


def array_slice(node: exp.ArraySlice, ctx: Context) -> exp.Expression | None:
    """ARRAY_SLICE(array, from, to) on a JSON array: 0-based, `to` excluded, negative counts
    from the end."""
    start, end = node.args.get("start"), node.args.get("end")
    if start is None or end is None:
        return None
    length = _fn("len", _json_list(_copy(node.this)))

    def position(bound: exp.Expression) -> exp.Expression:
        return _case(
            (exp.LT(this=_copy(bound), expression=_num(0)), exp.Add(this=_copy(length), expression=_copy(bound))),
            default=bound,
        )

    sliced = _fn(
        "list_slice", _json_list(node.this), exp.Add(this=position(start), expression=_num(1)), position(end)
    )
    return _mark(_fn("to_json", sliced))


# sqlglot's DuckDB forms of these work on DuckDB lists: give them the array's elements as a
# list of JSON values (arrays are JSON here), values as JSON, and make a list result JSON again.
# class -> (array arguments, value arguments, whether the result is an array)
_LIST_FUNCTIONS: dict[type[exp.Expression], tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    exp.ArrayDistinct: (("this",), (), True),
    exp.ArrayPosition: (("this",), ("expression",), False),
    exp.ArrayOverlaps: (("this", "expression"), (), False),
    exp.ArrayIntersect: (("expressions",), (), True),
    exp.ArrayExcept: (("this", "expression"), (), True),
    exp.ArrayInsert: (("this",), ("expression",), True),
    exp.ArrayRemove: (("this",), ("expression",), True),
    exp.ArrayReverse: (("this",), (), True),
}


def array_list_functions(node: exp.Expression, ctx: Context) -> exp.Expression | None:
    """ARRAY_DISTINCT, ARRAY_POSITION, ARRAYS_OVERLAP, ARRAY_INTERSECTION, ARRAY_EXCEPT,
    ARRAY_INSERT, ARRAY_REMOVE, ARRAY_REVERSE over JSON arrays (elements compared as JSON)."""
    arrays, values, returns_array = _LIST_FUNCTIONS[type(node)]
    for key in arrays:
        value = node.args.get(key)
        if isinstance(value, list):
            node.set(key, [_json_list(v) for v in value])
        elif value is not None:
            node.set(key, _json_list(value))
    for key in values:
        value = node.args.get(key)
        if value is not None:
            node.set(key, _fn("to_json", value))
    position = node.args.get("position")
    if isinstance(node, exp.ArrayInsert) and position is not None and not _is_integer_literal(position):
        node.set("position", _cast(position, "INTEGER"))
    return _mark(_fn("to_json", node)) if returns_array else None


def array_compact(node: exp.ArrayCompact, ctx: Context) -> exp.Expression | None:
    """ARRAY_COMPACT drops SQL NULLs and JSON nulls."""
    keep = _lambda("e", exp.NEQ(this=_fn("json_type", exp.column("e")), expression=_str("NULL")))
    return _mark(_fn("to_json", _fn("list_filter", _json_list(node.this), keep)))


def array_flatten(node: exp.Flatten, ctx: Context) -> exp.Expression | None:
    """ARRAY_FLATTEN: an array of arrays as one array."""
    inner = _lambda("e", _fn("json_extract", exp.column("e"), _str("$[*]")))
    return _mark(_fn("to_json", _fn("flatten", _fn("list_transform", _json_list(node.this), inner))))


def object_keys(node: exp.JSONKeys, ctx: Context) -> exp.Expression | None:
    """OBJECT_KEYS of any object value (a DuckDB struct or map converts to JSON)."""
    return _fn("json_keys", _fn("to_json", node.this))


def typeof(node: exp.Typeof, ctx: Context) -> exp.Expression | None:
    """TYPEOF names the VARIANT's type as Snowflake does: INTEGER, DECIMAL (a number with a
    fraction), DOUBLE (with an exponent), VARCHAR, BOOLEAN, ARRAY, OBJECT, NULL_VALUE."""
    value = _fn("to_json", node.this)
    kind = _fn("json_type", _copy(value))
    has_exponent = _fn("regexp_matches", _cast(_copy(value), "VARCHAR"), _str("[eE]"))
    real = _case((has_exponent, _str("DOUBLE")), default=_str("DECIMAL"))
    names = (("NULL", "NULL_VALUE"), ("BIGINT", "INTEGER"), ("UBIGINT", "INTEGER"), ("VARCHAR", "VARCHAR"),
             ("BOOLEAN", "BOOLEAN"), ("ARRAY", "ARRAY"), ("OBJECT", "OBJECT"))
    return _case(*((_str(duck), _str(snow)) for duck, snow in names), (_str("DOUBLE"), real), this=kind)


def _aggregate_top(node: exp.Expression) -> exp.Expression:
    top = node
    while isinstance(top.parent, (exp.WithinGroup, exp.Window, exp.Filter)) and top.arg_key == "this":
        top = top.parent
    return top


def _wrap_aggregate(node: exp.Expression, wrap: Callable[[exp.Expression], exp.Expression]) -> exp.Expression | None:
    """Wrap an aggregate together with its WITHIN GROUP / FILTER / OVER, which must stay
    attached to the call. Returns the replacement of `node` when it is the top itself."""
    top = _aggregate_top(node)
    if top is node:
        return wrap(node)
    parent, key, index = top.parent, top.arg_key, top.index
    wrapped = wrap(top)
    if parent is not None:
        parent.set(key, wrapped, index)
    return None


def array_agg(node: exp.ArrayAgg, ctx: Context) -> exp.Expression | None:
    """ARRAY_AGG as a JSON array: elements may be VARIANTs (a DuckDB list of JSON would be
    shown as strings) and no rows give [] as in Snowflake, not NULL."""

    def wrap(agg: exp.Expression) -> exp.Expression:
        return _mark(exp.Coalesce(this=_fn("to_json", agg), expressions=[_fn("json", _str("[]"))]))

    return _wrap_aggregate(node, wrap)


def object_agg(node: exp.ObjectAgg, ctx: Context) -> exp.Expression | None:
    """OBJECT_AGG(key, value): a JSON object of the rows whose key and value are not NULL,
    {} for no rows. (DuckDB's json_group_object is a macro, which takes no FILTER.)"""
    key, value = node.this, node.expression
    entry = exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier("k"), expression=_cast(_copy(key), "VARCHAR")),
            exp.PropertyEQ(this=exp.to_identifier("v"), expression=_fn("to_json", _copy(value))),
        ]
    )
    condition = _and(_not(_is_null(key)), _not(_is_null(value)))
    entries = exp.Filter(this=_fn("list", entry), expression=exp.Where(this=condition))

    def wrap(agg: exp.Expression) -> exp.Expression:
        return _mark(exp.Coalesce(this=_fn("to_json", _fn("map_from_entries", agg)), expressions=[_fn("json", _str("{}"))]))

    if _aggregate_top(node) is not node:
        _wrap_aggregate(node, wrap)
        return entries
    return wrap(entries)


def to_variant(node: exp.ToVariant, ctx: Context) -> exp.Expression | None:
    """TO_VARIANT: any value as JSON (a string as a JSON string)."""
    return _mark(_fn("to_json", node.this))


def to_array(node: exp.ToArray, ctx: Context) -> exp.Expression | None:
    """TO_ARRAY: an array stays, anything else becomes a one-element array, NULL stays NULL."""
    value = _fn("to_json", node.this)
    is_array = exp.EQ(this=_fn("json_type", _copy(value)), expression=_str("ARRAY"))
    return _mark(_case((_is_null(_copy(value)), exp.Null()), (is_array, _copy(value)), default=_fn("json_array", value)))


def json_compare(node: exp.Binary, ctx: Context) -> exp.Expression | None:
    """A VARIANT compared with a literal compares as that literal's type: `v:name = 'bob'`
    matches the JSON string "bob", `v:n > 3` compares numbers."""
    left, right = node.this, node.expression
    if _is_json(left, ctx) and not _is_json(right, ctx):
        converted = _json_for_literal(left, right)
        if converted is not None:
            node.set("this", converted)
    elif _is_json(right, ctx) and not _is_json(left, ctx):
        converted = _json_for_literal(right, left)
        if converted is not None:
            node.set("expression", converted)
    return None


def _json_for_literal(value: exp.Expression, literal: exp.Expression) -> exp.Expression | None:
    literal = _unparen(literal)
    if isinstance(literal, exp.Literal):
        return _json_text(value) if literal.is_string else _cast(value, "DOUBLE")
    if isinstance(literal, exp.Boolean):
        return _cast(value, "BOOLEAN")
    if isinstance(literal, exp.Neg) and isinstance(literal.this, exp.Literal):
        return _cast(value, "DOUBLE")
    return None


def json_in(node: exp.In, ctx: Context) -> exp.Expression | None:
    """`v:status IN ('a', 'b')` compares the VARIANT as text / number like `=` does."""
    if not _is_json(node.this, ctx) or not node.expressions:
        return None
    first = _unparen(node.expressions[0])
    if isinstance(first, (exp.Literal, exp.Boolean, exp.Neg)):
        converted = _json_for_literal(node.this, first)
        if converted is not None:
            node.set("this", converted)
    return None


# Arguments DuckDB wants as integers, where it refuses a DECIMAL (a Snowflake NUMBER column):
# lengths, positions, counts, date parts.
_INTEGER_ARGS: dict[type[exp.Expression], tuple[str, ...]] = {
    exp.Substring: ("start", "length"),
    exp.Left: ("expression",),
    exp.Right: ("expression",),
    exp.Repeat: ("times",),
    exp.Pad: ("expression",),
    exp.SplitPart: ("part_index",),
    exp.StrPosition: ("position", "occurrence"),
    exp.RegexpExtract: ("position", "occurrence", "group"),
    exp.Space: ("this",),
    exp.DateFromParts: ("year", "month", "day"),
}


def _is_integer_literal(node: exp.Expression) -> bool:
    node = _unparen(node)
    if isinstance(node, exp.Neg):
        node = node.this
    return isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit()


def integer_args(node: exp.Expression, ctx: Context) -> exp.Expression | None:
    """Lengths, positions and counts passed as NUMBER (DuckDB DECIMAL) become INTEGERs:
    DuckDB has no implicit DECIMAL-to-integer cast, so LEFT(name, n) with a NUMBER column
    would not bind."""
    for key in _INTEGER_ARGS.get(type(node), ()):
        value = node.args.get(key)
        if isinstance(value, exp.Expression) and not _is_integer_literal(value):
            node.set(key, _cast(value, "INTEGER"))
    return None


def json_text_args(node: exp.Expression, ctx: Context) -> exp.Expression | None:
    """String functions and operators read a VARIANT argument as its text (`v:first || ' '`,
    `UPPER(v:name)`, `v:name LIKE 'a%'`), as Snowflake casts VARIANT to VARCHAR there; their
    integer arguments are made integers (see `integer_args`)."""
    integer_args(node, ctx)
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            if _is_json(value, ctx):
                node.set(key, _json_text(value))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, exp.Expression) and _is_json(item, ctx):
                    node.set(key, _json_text(item), i)
    return None


# -- FLATTEN ---------------------------------------------------------------------------------
_FLATTEN_ARGS = ("INPUT", "PATH", "OUTER", "RECURSIVE", "MODE")
_FLATTEN_COLUMNS = ("SEQ", "KEY", "PATH", "INDEX", "VALUE", "THIS")


def _flatten_args(explode: exp.Explode) -> dict[str, exp.Expression]:
    args: dict[str, exp.Expression] = {}
    for position, arg in enumerate([explode.this, *explode.expressions]):
        if isinstance(arg, exp.Kwarg):
            args[arg.this.name.upper()] = arg.expression
        elif position < len(_FLATTEN_ARGS):
            args[_FLATTEN_ARGS[position]] = arg
    return args


def _flatten_select(columns: list[exp.Expression], source: exp.Expression, where: exp.Expression | None = None) -> exp.Select:
    select = exp.Select(
        expressions=[_alias(c, n) for c, n in zip(columns, _FLATTEN_COLUMNS, strict=True)], from_=exp.From(this=source)
    )
    if where is not None:
        select.set("where", exp.Where(this=where))
    return select


def _flatten_query(root: exp.Expression, prefix: str, kinds: list[str]) -> exp.Select:
    """SELECT SEQ, KEY, PATH, INDEX, VALUE, THIS of one level, in the value's own order: the
    keys (or indexes) and the values unnested side by side."""
    is_object = exp.EQ(this=_fn("json_type", _copy(root)), expression=_str("OBJECT"))
    is_array = exp.EQ(this=_fn("json_type", _copy(root)), expression=_str("ARRAY"))
    indexes = _fn(
        "list_transform", _fn("range", _cast(_fn("json_array_length", _copy(root)), "BIGINT")),
        _lambda("i", _cast(exp.column("i"), "VARCHAR")),
    )
    names: list[tuple[exp.Expression, exp.Expression]] = []
    values: list[tuple[exp.Expression, exp.Expression]] = []
    if "OBJECT" in kinds:
        members = _cast(_copy(root), "MAP(VARCHAR, JSON)")
        names.append((is_object.copy(), _fn("map_keys", members)))
        values.append((is_object.copy(), _fn("map_values", members.copy())))
    if "ARRAY" in kinds:
        names.append((is_array.copy(), indexes))
        values.append((is_array.copy(), _fn("json_extract", _copy(root), _str("$[*]"))))
    pairs = exp.Select(expressions=[_alias(_fn("unnest", _case(*names)), "k"), _alias(_fn("unnest", _case(*values)), "v")])
    name = exp.column("k", "__each", quoted=True)
    key = _case((is_object.copy(), name.copy()))
    index = _case((_not(is_object.copy()), _cast(name.copy(), "BIGINT")))
    item = _case(
        (is_object.copy(), exp.DPipe(this=_str(prefix + "." if prefix else ""), expression=name.copy())),
        default=exp.DPipe(this=exp.DPipe(this=_str(prefix + "["), expression=name.copy()), expression=_str("]")),
    )
    columns = [_cast(exp.Null(), "BIGINT"), key, item, index, exp.column("v", "__each", quoted=True), root]
    return _flatten_select(
        columns, exp.Subquery(this=pairs, alias=exp.TableAlias(this=exp.to_identifier("__each", quoted=True)))
    )


def _flatten_tree_query(root: exp.Expression, kinds: list[str]) -> exp.Select:
    """RECURSIVE => TRUE: every element at every depth, from DuckDB's json_tree."""

    def each(column: str) -> exp.Column:
        return exp.column(column, "__each", quoted=True)

    this = _fn("json_extract", _copy(root), each("path"))
    in_array = exp.EQ(this=_fn("right", each("fullkey"), _num(1)), expression=_str("]"))
    key = _case((in_array, exp.Null()), default=each("key"))
    index = _case((in_array.copy(), _cast(each("key"), "BIGINT")))
    item_path = _fn("regexp_replace", each("fullkey"), _str(r"^\$\.?"), _str(""))
    columns = [_cast(exp.Null(), "BIGINT"), key, item_path, index, each("value"), this]
    container = exp.In(this=_fn("json_type", _copy(this)), expressions=[_str(k) for k in kinds])
    source = exp.Table(this=_fn("json_tree", root), alias=exp.TableAlias(this=exp.to_identifier("__each", quoted=True)))
    return _flatten_select(columns, source, _and(_not(_is_null(each("parent"))), container))


def flatten(node: exp.Lateral | exp.TableFromRows, ctx: Context) -> exp.Expression | None:
    """LATERAL FLATTEN(input => v [, path, outer, recursive, mode]) and TABLE(FLATTEN(...)) as
    a subquery that unnests the keys and values (json_tree when recursive), with Snowflake's columns
    SEQ, KEY, PATH, INDEX, VALUE, THIS. SEQ is NULL: nothing in DuckDB numbers the input rows
    from inside the lateral subquery. OUTER => TRUE becomes a LEFT JOIN ... ON TRUE."""
    explode = node.this
    if not isinstance(explode, exp.Explode):
        return None
    args = _flatten_args(explode)
    if "INPUT" not in args:
        return None
    alias = node.args.get("alias")
    name = alias.this if alias is not None and alias.this is not None else exp.to_identifier("FLATTEN", quoted=True)
    root: exp.Expression = _fn("to_json", args["INPUT"])
    path = args.get("PATH")
    prefix = path.this if isinstance(path, exp.Literal) and path.is_string else ""
    if prefix:
        root = _fn("json_extract", root, _str("$" + ("" if prefix.startswith("[") else ".") + prefix))
    mode = args.get("MODE")
    kinds = ["ARRAY", "OBJECT"]
    if isinstance(mode, exp.Literal) and mode.is_string and mode.this.upper() in kinds:
        kinds = [mode.this.upper()]
    recursive = args.get("RECURSIVE")
    if isinstance(recursive, exp.Boolean) and recursive.this:
        query = _flatten_tree_query(root, kinds)
    else:
        query = _flatten_query(root, prefix, kinds)
    subquery = exp.Subquery(this=query, alias=exp.TableAlias(this=name))
    outer = args.get("OUTER")
    join = node.parent if isinstance(node.parent, exp.Join) else None
    if isinstance(node, exp.Lateral):
        lateral = exp.Lateral(this=subquery)
        if join is not None and isinstance(outer, exp.Boolean) and outer.this:
            join.set("side", "LEFT")
            join.set("kind", None)
            join.set("on", exp.Boolean(this=True))
        return lateral
    return subquery


# -- dispatch --------------------------------------------------------------------------------
Rewrite = Callable[..., exp.Expression | None]

_TEXT_FUNCTIONS: tuple[type[exp.Expression], ...] = (
    exp.DPipe, exp.Concat, exp.ConcatWs, exp.Upper, exp.Lower, exp.Trim, exp.Length, exp.Substring, exp.Replace,
    exp.Like, exp.ILike, exp.StartsWith, exp.EndsWith, exp.Contains, exp.Split, exp.SplitPart, exp.Left, exp.Right,
    exp.Pad, exp.RegexpLike, exp.RegexpReplace, exp.RegexpExtract, exp.StrPosition, exp.Initcap, exp.Reverse,
    exp.MD5, exp.SHA, exp.Repeat, exp.Space,
)

BY_CLASS: dict[type[exp.Expression], Rewrite] = {
    exp.Cast: casts,
    exp.TryCast: casts,
    exp.ToChar: to_char,
    exp.ToNumber: to_number_formats,
    exp.StrToTime: parse_with_format,
    exp.TsOrDsToDate: parse_with_format,
    exp.ConvertTimezone: convert_timezone,
    exp.Div: division,
    exp.Add: json_arithmetic,
    exp.Sub: json_arithmetic,
    exp.Mul: json_arithmetic,
    exp.Mod: json_arithmetic,
    exp.Avg: average,
    exp.Sum: json_sum,
    exp.Median: median,
    exp.Floor: floor_ceil,
    exp.Ceil: floor_ceil,
    exp.SHA2: sha2,
    exp.ParseJSON: parse_json,
    exp.JSONExtract: json_path,
    exp.GetExtract: get,
    exp.Bracket: get,
    exp.Struct: object_construct,
    exp.JSONObject: object_construct_keep_null,
    exp.Array: array_construct,
    exp.ArraySize: array_size,
    exp.ArrayContains: array_contains,
    exp.ArrayAppend: array_append,
    exp.ArrayPrepend: array_append,
    exp.ArrayConcat: array_cat,
    exp.ArrayToString: array_to_string,
    exp.ArraySlice: array_slice,
    exp.ArrayCompact: array_compact,
    exp.Flatten: array_flatten,
    **dict.fromkeys(_LIST_FUNCTIONS, array_list_functions),
    exp.JSONKeys: object_keys,
    exp.Typeof: typeof,
    exp.ArrayAgg: array_agg,
    exp.ObjectAgg: object_agg,
    exp.ToVariant: to_variant,
    exp.ToArray: to_array,
    exp.EQ: json_compare,
    exp.NEQ: json_compare,
    exp.GT: json_compare,
    exp.GTE: json_compare,
    exp.LT: json_compare,
    exp.LTE: json_compare,
    exp.In: json_in,
    exp.DateFromParts: integer_args,
    exp.Lateral: flatten,
    exp.TableFromRows: flatten,
    **dict.fromkeys(_TEXT_FUNCTIONS, json_text_args),
}

BY_NAME: dict[str, Rewrite] = {
    "HASH": hash_function,
    **dict.fromkeys(_TO_TIMESTAMP, to_timestamp),
}


def _context(nodes: list[exp.Expression]) -> Context:
    ctx = Context()
    for node in nodes:
        if isinstance(node, (exp.Lateral, exp.TableFromRows)) and isinstance(node.this, exp.Explode):
            alias = node.args.get("alias")
            ctx.flatten_aliases.add(alias.name if alias is not None and alias.this is not None else "FLATTEN")
    return ctx


def rewrite(tree: exp.Expression) -> exp.Expression:
    """Apply every rewrite in one pass over the tree, children before their parents."""
    nodes = list(tree.walk(bfs=False))
    ctx = _context(nodes)
    root = tree
    for node in reversed(nodes):
        handler = BY_CLASS.get(type(node))
        if handler is None:
            if type(node) is not exp.Anonymous:
                continue
            handler = BY_NAME.get(str(node.this).upper())
            if handler is None:
                continue
        parent, key, index = node.parent, node.arg_key, node.index
        new = handler(node, ctx)
        if new is None or new is node:
            continue
        if node is root:
            root = new
        elif parent is not None:
            parent.set(key, new, index)
    return root
