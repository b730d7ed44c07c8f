"""DuckDB's exceptions as Snowflake errors (codes and SQL states as Snowflake reports them)."""

from __future__ import annotations

import re

import duckdb

from snowfort import errors
from snowfort.errors import SnowflakeError

# DuckDB's messages for values it cannot convert, as Snowflake's (code, SQL state, message).
# The first group of each pattern is the offending value as written.
_VALUE_ERRORS: list[tuple[re.Pattern[str], str, str, str]] = [
    (re.compile(r'^(?:invalid date field format|date field value out of range): "(.*?)"(?:, expected|$)'),
     "100040", "22007", "Date '{}' is not recognized"),
    (re.compile(r'^(?:invalid timestamp field format|timestamp field value out of range): "(.*?)"(?:, expected|$)'),
     "100035", "22007", "Timestamp '{}' is not recognized"),
    (re.compile(r"^Could not convert string '(.*)' to BOOL$"), "100037", "22018", "Boolean value '{}' is not recognized"),
    (re.compile(r"""^Could not convert string ['"](.*)['"] to (?:U?(?:TINY|SMALL|BIG|HUGE)?INT|INT\d+|UINT\d+|DOUBLE|FLOAT|DECIMAL)"""),
     "100038", "22018", "Numeric value '{}' is not recognized"),
    (re.compile(r"^Could not cast value (\S+) to DECIMAL"), "100039", "22003", "Numeric value '{}' is out of range"),
    (re.compile(r'^Casting value "(.*)" to type DECIMAL\S* failed: value is out of range'),
     "100039", "22003", "Numeric value '{}' is out of range"),
    (re.compile(r"^Type \S+ with value (\S+) can't be cast because the value is out of range"),
     "100039", "22003", "Numeric value '{}' is out of range"),
    # Raised by the TO_DATE / TO_TIMESTAMP rewrites with Snowflake's own wording.
    (re.compile(r"^(Can't parse '.*' as \w+ with format '.*')$"), "100096", "22007", "{}"),
]
_MALFORMED_JSON = re.compile(r"^Malformed JSON at byte (\d+) of input: (.*?)\.?\s+Input: ")


def _value_error(detail: str) -> SnowflakeError | None:
    for pattern, code, state, message in _VALUE_ERRORS:
        match = pattern.search(detail)
        if match:
            return SnowflakeError(code, state, message.format(match.group(1)))
    match = _MALFORMED_JSON.search(detail)
    if match:
        # PARSE_JSON of text that is not JSON.
        return SnowflakeError("100069", "22P02", f"Error parsing JSON: {match.group(2)}, pos {match.group(1)}")
    return None


def translate(exc: Exception) -> SnowflakeError:
    text = str(exc).split("\n")[0]
    detail = re.sub(r"^[A-Za-z ]+ Error: ", "", text)
    if isinstance(exc, duckdb.ParserException):
        return errors.syntax_error(f"syntax error: {detail}")
    if isinstance(exc, duckdb.BinderException):
        missing = re.search(r'column "([^"]+)" not found|Referenced column "([^"]+)" not found', text)
        if missing:
            return errors.invalid_identifier(missing.group(1) or missing.group(2))
        return SnowflakeError("002001", "42601", f"{errors.COMPILATION}{detail}")
    if isinstance(exc, duckdb.CatalogException):
        table = re.search(r'Table with name "?([^"\s]+)"? does not exist', text)
        if table:
            return errors.object_does_not_exist(table.group(1))
        func = re.search(r"Scalar Function with name (\S+) does not exist|Table Function with name (\S+) does not exist", text)
        if func:
            name = (func.group(1) or func.group(2)).upper()
            return SnowflakeError("002140", "42601", f"{errors.COMPILATION}Unknown function {name}")
        return SnowflakeError("002003", "42S02", f"{errors.COMPILATION}{detail}")
    if isinstance(exc, (duckdb.ConversionException, duckdb.InvalidInputException)):
        known = _value_error(detail)
        if known is not None:
            return known
    if isinstance(exc, duckdb.ConversionException):
        return SnowflakeError("100037", "22018", detail)
    if isinstance(exc, duckdb.ConstraintException):
        column = re.search(r"NOT NULL constraint failed: \S+\.(\S+)", text)
        if column:
            return SnowflakeError("100072", "22000", "NULL result in a non-nullable column")
        return SnowflakeError("100072", "23000", detail)
    if isinstance(exc, duckdb.OutOfRangeException):
        return SnowflakeError("100046", "22003", f"Number out of representable range: {detail}")
    if isinstance(exc, duckdb.InvalidInputException):
        if "Division by zero" in text:
            return SnowflakeError("100051", "22012", "Division by zero")
        return SnowflakeError("100069", "22P02", detail)
    if isinstance(exc, duckdb.TransactionException):
        return SnowflakeError("000625", "57014", detail)
    if isinstance(exc, duckdb.Error):
        return SnowflakeError("100090", "42P18", detail)
    return errors.internal(type(exc).__name__)
