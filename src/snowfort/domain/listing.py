"""SHOW-style name filters (LIKE patterns), shared by the SQL and REST doors."""

from __future__ import annotations

import re
from collections.abc import Callable


def like_matcher(pattern: str | None) -> Callable[[str], bool]:
    """Snowflake's LIKE for SHOW: case-insensitive, % and _ wildcards, backslash escapes."""
    if pattern is None:
        return lambda _name: True
    regex = ""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            regex += re.escape(pattern[i + 1])
            i += 2
            continue
        regex += ".*" if ch == "%" else "." if ch == "_" else re.escape(ch)
        i += 1
    compiled = re.compile(f"^{regex}$", re.IGNORECASE | re.DOTALL)
    return lambda name: bool(compiled.match(name))
