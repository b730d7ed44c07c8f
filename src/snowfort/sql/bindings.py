"""Server-side bindings (qmark `?` and numeric `:1`) spliced into the SQL text as literals.

The connector sends each value as a string with a Snowflake type name; executemany sends arrays,
one statement per row. Literals are written in Snowflake syntax, before parsing, so every
statement kind (commands included) sees plain SQL.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlglot.tokens import TokenType

from snowfort import errors
from snowfort.sql.lexer import tokenize

EPOCH = datetime(1970, 1, 1)


def _string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _number(text: str) -> str:
    try:
        Decimal(text)
    except InvalidOperation:
        raise errors.SnowflakeError("100038", "22018", f"Numeric value '{text}' is not recognized") from None
    return text


def _timestamp_text(nanos: int) -> str:
    seconds, frac = divmod(nanos, 1_000_000_000)
    stamp = EPOCH + timedelta(seconds=seconds)
    return f"{stamp:%Y-%m-%d %H:%M:%S}.{frac:09d}"


def literal(kind: str, value: Any) -> str:
    if value is None:
        return "NULL"
    kind = kind.upper()
    text = str(value)
    if kind in ("FIXED", "REAL", "NUMBER", "DECIMAL", "FLOAT"):
        return _number(text)
    if kind == "BOOLEAN":
        return "TRUE" if text.strip().lower() in ("true", "1", "t", "yes", "y", "on") else "FALSE"
    if kind == "DATE":
        day = date(1970, 1, 1) + timedelta(milliseconds=int(text))
        return f"'{day.isoformat()}'::DATE"
    if kind == "TIME":
        nanos = int(text)
        seconds, frac = divmod(nanos, 1_000_000_000)
        return f"'{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{frac:09d}'::TIME"
    if kind == "TIMESTAMP_NTZ":
        return f"'{_timestamp_text(int(text))}'::TIMESTAMP_NTZ"
    if kind in ("TIMESTAMP_LTZ", "TIMESTAMP_TZ"):
        parts = text.split()
        stamp = _timestamp_text(int(parts[0]))
        if len(parts) > 1:
            offset = int(parts[1]) - 1440
            sign = "+" if offset >= 0 else "-"
            return f"'{stamp} {sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}'::{kind}"
        return f"'{stamp} +00:00'::{kind}"
    if kind == "BINARY":
        return f"TO_BINARY({_string(text)}, 'HEX')"
    return _string(text)


def bind(sql: str, bindings: dict[str, Any] | None) -> list[str]:
    """The statement text for each row of bindings (one row unless executemany)."""
    if not bindings:
        return [sql]
    spans: list[tuple[int, int, str]] = []  # (start, end, binding key)
    tokens = tokenize(sql)
    qmark = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.token_type == TokenType.PLACEHOLDER and tok.text == "?":
            qmark += 1
            spans.append((tok.start, tok.end, str(qmark)))
        elif tok.token_type == TokenType.COLON and i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.NUMBER \
                and tokens[i + 1].start == tok.end + 1:
            spans.append((tok.start, tokens[i + 1].end, tokens[i + 1].text))
            i += 1
        elif tok.token_type == TokenType.PLACEHOLDER and tok.text.startswith(":") and tok.text[1:].isdigit():
            spans.append((tok.start, tok.end, tok.text[1:]))
        i += 1
    rows = 1
    for entry in bindings.values():
        if isinstance(entry.get("value"), list):
            rows = len(entry["value"])
            break
    out = []
    for row in range(rows):
        pieces = []
        last = 0
        for start, end, key in spans:
            entry = bindings.get(key)
            if entry is None:
                raise errors.SnowflakeError("002049", "42601", f"{errors.COMPILATION}Bind variable :{key} not set.")
            value = entry.get("value")
            if isinstance(value, list):
                value = value[row]
            pieces.append(sql[last:start])
            pieces.append(literal(str(entry.get("type", "TEXT")), value))
            last = end + 1
        pieces.append(sql[last:])
        out.append("".join(pieces))
    return out


