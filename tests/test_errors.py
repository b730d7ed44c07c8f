"""Errors as the real connector reports them (errno, SQL state, message), and the server answering
normally after each one."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_USER, unique
from snowflake.connector.errors import DatabaseError, ProgrammingError


def error(cur: Any, sql: str) -> ProgrammingError:
    with pytest.raises(ProgrammingError) as info:
        cur.execute(sql)
    return info.value


def still_answers(cur: Any) -> None:
    cur.execute("select 1")
    assert cur.fetchall() == [(1,)]


@pytest.mark.parametrize("sql", [
    "selec 1",
    "select 1 +",
    "select * from",
    "select (1",
    "create tablee x (a int)",
    "drop database",
    "grant select on table to role public",
    "show nothing_here",
    "select 'unterminated",
])
def test_syntax_errors(cur: Any, sql: str) -> None:
    exc = error(cur, sql)
    assert (exc.errno, exc.sqlstate) == (1003, "42000")
    assert exc.raw_msg.startswith("SQL compilation error:\nsyntax error line 1 at position ")
    assert exc.sfqid
    still_answers(cur)


def test_syntax_error_names_the_bad_token(cur: Any) -> None:
    exc = error(cur, "selec 1")
    assert exc.raw_msg == "SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'selec'."


def test_unknown_objects(cur: Any, db: str) -> None:
    name = unique("NOPE")
    for sql, message, state in [
        (f"select * from {name}", f"Object '{name}' does not exist or not authorized.", "42S02"),
        (f"use database {name}", f"Database '{name}' does not exist or not authorized.", "02000"),
        (f"drop role {name}", f"Role '{name}' does not exist or not authorized.", "02000"),
        (f"describe user {name}", f"User '{name}' does not exist or not authorized.", "02000"),
        (f"show grants on database {name}", f"Database '{name}' does not exist or not authorized.", "02000"),
    ]:
        exc = error(cur, sql)
        assert (exc.errno, exc.sqlstate, exc.raw_msg) == (2003, state, f"SQL compilation error:\n{message}")
        still_answers(cur)


def test_invalid_identifier(cur: Any) -> None:
    exc = error(cur, "select no_such_column from (select 1 as a)")
    assert (exc.errno, exc.sqlstate) == (904, "42000")
    assert exc.raw_msg.endswith("invalid identifier 'NO_SUCH_COLUMN'")
    still_answers(cur)


def test_runtime_errors(cur: Any) -> None:
    exc = error(cur, "select 'abc'::int")
    assert (exc.errno, exc.sqlstate) == (100038, "22018")
    assert exc.raw_msg == "Numeric value 'abc' is not recognized"
    still_answers(cur)
    exc = error(cur, "select 1; select 2")
    assert (exc.errno, exc.sqlstate) == (8, "0A000")
    assert exc.raw_msg == "Actual statement count 2 did not match the desired statement count 1."
    still_answers(cur)


def test_division_by_zero(cur: Any) -> None:
    exc = error(cur, "select 1/0")
    assert (exc.errno, exc.sqlstate, exc.raw_msg) == (100051, "22012", "Division by zero")


def test_wrong_password(server: Any, cur: Any) -> None:
    for user, password in [(ADMIN_USER, "not-the-password"), ("no_such_user_x", "whatever")]:
        with pytest.raises(DatabaseError) as info:
            server.connect(user=user, password=password)
        exc = info.value
        assert exc.errno == 390100
        assert exc.sqlstate == "28000"  # the connector's SQL state for a rejected credential
        assert "Incorrect username or password was specified." in exc.raw_msg
    # The server, and a session opened before, still answer.
    still_answers(cur)
    with server.connect() as conn:
        still_answers(conn.cursor())


def test_errors_leave_the_session_context_alone(conn: Any) -> None:
    cur = conn.cursor()
    before = (conn.role, conn.warehouse)
    error(cur, "use role no_such_role_x")
    error(cur, "use warehouse no_such_wh_x")
    error(cur, "selec 1")
    assert (conn.role, conn.warehouse) == before
    cur.execute("select current_role(), current_warehouse()")
    assert cur.fetchall() == [before]
