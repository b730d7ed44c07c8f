"""Snowflake's errors: one exception type carrying the error code, SQL state and message.

Every door turns a SnowflakeError into its own wire format (connector: HTTP 200 success=false;
REST: a JSON body with an HTTP status). The helpers below build the messages exactly as Snowflake
words them, so the wording lives in one place.
"""

from __future__ import annotations


class SnowflakeError(Exception):
    def __init__(self, code: str, sql_state: str, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.sql_state = sql_state
        self.message = message
        # The REST door's status for this error; the connector door always answers 200.
        self.http_status = http_status

    def __repr__(self) -> str:
        return f"SnowflakeError({self.code}, {self.sql_state}, {self.message!r})"


COMPILATION = "SQL compilation error:\n"
ACCESS = "SQL access control error:\n"


def syntax_error(detail: str) -> SnowflakeError:
    return SnowflakeError("001003", "42000", f"{COMPILATION}{detail}")


def already_exists(name: str) -> SnowflakeError:
    return SnowflakeError("002002", "42710", f"{COMPILATION}Object '{name}' already exists.", 409)


def does_not_exist(kind: str, name: str, sql_state: str = "02000") -> SnowflakeError:
    """`kind` is Snowflake's word: 'Database', 'Schema', 'Object', 'Table', 'Warehouse', 'Role', 'User'."""
    return SnowflakeError("002003", sql_state, f"{COMPILATION}{kind} '{name}' does not exist or not authorized.", 404)


def object_does_not_exist(name: str) -> SnowflakeError:
    return does_not_exist("Object", name, "42S02")


def insufficient_privileges(kind: str, name: str) -> SnowflakeError:
    """`kind` is lower case as Snowflake prints it: account, database, schema, table, warehouse, role, user."""
    return SnowflakeError("003001", "42501", f"{ACCESS}Insufficient privileges to operate on {kind} '{name}'.", 403)


def invalid_identifier(name: str) -> SnowflakeError:
    return SnowflakeError("000904", "42000", f"{COMPILATION}error line 0 at position -1\ninvalid identifier '{name}'")


def unsupported(feature: str) -> SnowflakeError:
    return SnowflakeError("002040", "0A000", f"{COMPILATION}Unsupported feature '{feature}'.")


def invalid_value(detail: str) -> SnowflakeError:
    return SnowflakeError("002029", "22023", f"{COMPILATION}{detail}")


def no_active_warehouse() -> SnowflakeError:
    return SnowflakeError(
        "000606",
        "57P03",
        "No active warehouse selected in the current session.  "
        "Select an active warehouse with the 'use warehouse' command.\n",
    )


def no_current_database() -> SnowflakeError:
    return SnowflakeError(
        "090105",
        "22000",
        "Cannot perform operation. This session does not have a current database. "
        "Call 'USE DATABASE', or use a qualified name.",
    )


def no_current_schema() -> SnowflakeError:
    return SnowflakeError(
        "090106",
        "22000",
        "Cannot perform operation. This session does not have a current schema. "
        "Call 'USE SCHEMA', or use a qualified name.",
    )


def statement_count_mismatch(actual: int, desired: int) -> SnowflakeError:
    return SnowflakeError(
        "000008",
        "0A000",
        f"Actual statement count {actual} did not match the desired statement count {desired}.",
    )


def bad_login() -> SnowflakeError:
    return SnowflakeError("390100", "08004", "Incorrect username or password was specified.", 401)


def session_expired() -> SnowflakeError:
    return SnowflakeError("390112", "08001", "Your session has expired. Please login again.", 401)


def master_expired() -> SnowflakeError:
    return SnowflakeError("390114", "08001", "Authentication token has expired.  The user must authenticate again.", 401)


def session_gone() -> SnowflakeError:
    return SnowflakeError("390111", "08001", "Session no longer exists.  New login required to access the service.", 401)


def internal(detail: str) -> SnowflakeError:
    return SnowflakeError("000603", "XX000", f"SQL execution internal error:\nProcessing aborted due to error 300002:{detail}", 500)
