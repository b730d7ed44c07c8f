"""DuckDB's exceptions as Snowflake errors (codes and SQL states as Snowflake reports them)."""

from __future__ import annotations

import re

import duckdb

from snowfort import errors
from snowfort.errors import SnowflakeError


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
    if isinstance(exc, duckdb.ConversionException):
        value = re.search(r"Could not convert string '([^']*)'", text)
        if value:
            return SnowflakeError("100038", "22018", f"Numeric value '{value.group(1)}' is not recognized")
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
