"""A session re-runs a SELECT from its cached translation: privileges and existence are still
checked on every run, and a change of role, database or schema is a different plan."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Server, unique
from snowflake.connector.errors import ProgrammingError

pytestmark = pytest.mark.connector5


def test_cached_select_rechecks_privileges_and_existence(server: Server, cur: Any, db: str) -> None:
    role, user = unique("R"), unique("U")
    for sql in [
        "create table t (a int)", "insert into t values (1)",
        f"create role {role}", f"create user {user} password = 'pw' default_role = {role}",
        f"grant role {role} to user {user}", f"grant usage on database {db} to role {role}",
        f"grant usage on schema {db}.public to role {role}", f"grant select on table {db}.public.t to role {role}",
        f"grant usage on warehouse compute_wh to role {role}",
    ]:
        cur.execute(sql)
    query = f"select a from {db}.public.t"
    with server.connect(user=user, password="pw", warehouse="compute_wh") as conn, conn.cursor() as other:
        for _ in range(2):  # the second run comes from the plan cache
            other.execute(query)
            assert other.fetchall() == [(1,)]
        cur.execute(f"revoke select on table {db}.public.t from role {role}")
        with pytest.raises(ProgrammingError) as err:
            other.execute(query)
        assert err.value.errno in (2003, 3001)
        cur.execute(f"grant select on table {db}.public.t to role {role}")
        other.execute(query)
        assert other.fetchall() == [(1,)]
        cur.execute(f"drop table {db}.public.t")
        with pytest.raises(ProgrammingError) as err:
            other.execute(query)
        assert err.value.errno == 2003
    cur.execute(f"drop user {user}")
    cur.execute(f"drop role {role}")


def test_plans_follow_the_current_schema(cur: Any, db: str) -> None:
    cur.execute("create schema s1")
    cur.execute("create table t (v varchar)")
    cur.execute("insert into t values ('s1')")
    cur.execute("create schema s2")
    cur.execute("create table t (v varchar)")
    cur.execute("insert into t values ('s2')")
    for schema in ("s1", "s2", "s1"):
        cur.execute(f"use schema {schema}")
        cur.execute("select v from t")
        assert cur.fetchone() == (schema,)
