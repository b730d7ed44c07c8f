"""ALTER SESSION, SHOW PARAMETERS and transaction statements."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlglot.tokens import TokenType

from snowfort import errors
from snowfort.domain import results
from snowfort.domain.listing import like_matcher
from snowfort.sql.commands import Env, handler
from snowfort.sql.lexer import Tokens
from snowfort.sql.result import Result, rows_result, status

# Session parameters snowfort knows, with Snowflake's defaults and types.
PARAMETERS: dict[str, tuple[Any, str, str]] = {
    "AUTOCOMMIT": (True, "BOOLEAN", "The autocommit property determines whether is statement should to be implicitly wrapped within a transaction or not."),
    "QUERY_TAG": ("", "STRING", "String (up to 4096 characters) used to tag statements executed by the session"),
    "TIMEZONE": ("UTC", "STRING", "time zone"),
    "TIMESTAMP_OUTPUT_FORMAT": ("YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM", "STRING", "Display format for TIMESTAMP values."),
    "DATE_OUTPUT_FORMAT": ("YYYY-MM-DD", "STRING", "display format for date output"),
    "QUOTED_IDENTIFIERS_IGNORE_CASE": (False, "BOOLEAN", "If true, the case of quoted identifiers is ignored"),
    "MULTI_STATEMENT_COUNT": (1, "NUMBER", "Number of statement included in submitted query text"),
    "PYTHON_CONNECTOR_QUERY_RESULT_FORMAT": ("ARROW", "STRING", "Format used to serialize query results to send back to python connector"),
    "STATEMENT_TIMEOUT_IN_SECONDS": (172800, "NUMBER", "Timeout in seconds for statements."),
    "LOCK_TIMEOUT": (43200, "NUMBER", "Number of seconds to wait while trying to lock a resource"),
    "WEEK_START": (0, "NUMBER", "The first day of the week"),
    "USE_CACHED_RESULT": (True, "BOOLEAN", "If enabled, query results can be reused between successive invocations of the same query"),
    "CLIENT_SESSION_KEEP_ALIVE": (False, "BOOLEAN", "If true, the session stays alive indefinitely as long as the connection is active"),
    "BINARY_OUTPUT_FORMAT": ("HEX", "STRING", "Display format for binary values"),
    "ROWS_PER_RESULTSET": (0, "NUMBER", "Maximum number of rows in a result set"),
}


def parameter_value(params: dict[str, Any], name: str) -> Any:
    return params.get(name, PARAMETERS.get(name, (None,))[0])


def check_timezone(value: Any) -> None:
    """A zone must exist when it is set, not fail every later query."""
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise errors.SnowflakeError(
            "002029", "22023", f"{errors.COMPILATION}Invalid value '{value}' for parameter 'TIMEZONE'."
        ) from None


def display(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@handler("ALTER", "SESSION")
def alter_session(t: Tokens, env: Env) -> Result:
    t.expect("ALTER", "SESSION")
    if t.accept("SET"):
        for key, value in t.properties().items():
            if key == "TIMEZONE":
                check_timezone(value)
            env.ctx.params[key] = value
    else:
        t.expect("UNSET")
        keys = [t.next().text.upper()]
        while t.punct(TokenType.COMMA):
            keys.append(t.next().text.upper())
        for key in keys:
            env.ctx.params.pop(key, None)
    return status(results.OK)


@handler("SHOW", "PARAMETERS")
def show_parameters(t: Tokens, env: Env) -> Result:
    t.expect("SHOW", "PARAMETERS")
    like = t.string() if t.accept("LIKE") else None
    level = "SESSION"
    if t.accept("IN") or t.accept("FOR"):
        level = t.next().text.upper()
        if not t.at_end():
            t.qualified()
    t.end()
    match = like_matcher(like)
    rows = []
    for name, (default, kind, description) in sorted(PARAMETERS.items()):
        if not match(name):
            continue
        set_here = level == "SESSION" and name in env.ctx.params
        value = env.ctx.params[name] if set_here else default
        rows.append([name, display(value), display(default), "SESSION" if set_here else "", description, kind])
    return rows_result(
        [("key", "text"), ("value", "text"), ("default", "text"), ("level", "text"), ("description", "text"),
         ("type", "text")],
        rows,
    )


@handler("BEGIN")
@handler("START")
@handler("COMMIT")
@handler("ROLLBACK")
def transaction(t: Tokens, env: Env) -> Result:
    # Every statement commits on its own (DuckDB autocommit); explicit transactions are accepted
    # and answered as Snowflake does, without multi-statement atomicity.
    verb = t.word()
    return status({"BEGIN": "Statement executed successfully.", "START": "Statement executed successfully.",
                   "COMMIT": "Statement executed successfully.", "ROLLBACK": "Statement executed successfully."}[verb])
