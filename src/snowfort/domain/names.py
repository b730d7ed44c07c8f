"""Snowflake identifier rules: unquoted names are upper-cased, quoted names are kept exactly."""

from __future__ import annotations

import re

from snowfort import errors

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_PLAIN_UPPER = re.compile(r"^[A-Z_][A-Z0-9_$]*$")
MAX_LENGTH = 255


def normalize(ident: str) -> str:
    """The stored form of one identifier as a user wrote it (`foo` -> FOO, `"foo"` -> foo)."""
    ident = ident.strip()
    if len(ident) >= 2 and ident[0] == '"' and ident[-1] == '"':
        name = ident[1:-1].replace('""', '"')
        if not name:
            raise errors.syntax_error("Zero-length delimited identifier.")
    else:
        if not _PLAIN.match(ident):
            raise errors.invalid_identifier(ident)
        name = ident.upper()
    if len(name) > MAX_LENGTH:
        raise errors.invalid_identifier(ident)
    return name


def quote(name: str) -> str:
    """The SQL spelling of a stored name: bare when it needs no quotes, quoted otherwise."""
    if _PLAIN_UPPER.match(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def dq(name: str) -> str:
    """Always double-quoted, for generated DuckDB SQL."""
    return '"' + name.replace('"', '""') + '"'


def split(qualified: str) -> list[str]:
    """Split `a."b.c".d` into its parts, each still in user spelling."""
    parts: list[str] = []
    cur: list[str] = []
    quoted = False
    i = 0
    while i < len(qualified):
        ch = qualified[i]
        if ch == '"':
            if quoted and i + 1 < len(qualified) and qualified[i + 1] == '"':
                cur.append('""')
                i += 2
                continue
            quoted = not quoted
            cur.append(ch)
        elif ch == "." and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    if any(not p.strip() for p in parts) or quoted:
        raise errors.syntax_error(f"invalid identifier '{qualified}'")
    return parts


def normalize_qualified(qualified: str) -> list[str]:
    return [normalize(p) for p in split(qualified)]
