"""Tables and views over the real connector: DDL, DML row counts, SHOW/DESCRIBE, names and types,
and the common Snowflake functions, run on DuckDB behind the wire protocol."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from conftest import unique
from snowflake.connector.errors import ProgrammingError

OK = "Statement executed successfully."

TABLE_COLUMNS = [
    "created_on", "name", "database_name", "schema_name", "kind", "comment", "cluster_by", "rows", "bytes", "owner",
    "retention_time", "automatic_clustering", "change_tracking", "search_optimization",
    "search_optimization_progress", "search_optimization_bytes", "is_external", "enable_schema_evolution",
    "owner_role_type", "is_event", "budget", "is_hybrid", "is_iceberg", "is_dynamic", "is_immutable",
]
VIEW_COLUMNS = [
    "created_on", "name", "reserved", "database_name", "schema_name", "owner", "comment", "text", "is_secure",
    "is_materialized", "owner_role_type", "change_tracking",
]
DESCRIBE_COLUMNS = [
    "name", "type", "kind", "null?", "default", "primary key", "unique key", "check", "expression", "comment",
    "policy name", "privacy domain",
]
SHOW_COLUMNS_COLUMNS = [
    "table_name", "schema_name", "column_name", "data_type", "null?", "default", "kind", "expression", "comment",
    "database_name", "autoincrement", "schema_evolution_record",
]


def status(cur: Any, sql: str) -> str:
    cur.execute(sql)
    assert [d.name for d in cur.description] == ["status"]
    (row,) = cur.fetchall()
    return row[0]


def error(cur: Any, sql: str) -> ProgrammingError:
    with pytest.raises(ProgrammingError) as info:
        cur.execute(sql)
    return info.value


def show(cur: Any, sql: str) -> list[dict[str, Any]]:
    cur.execute(sql)
    names = [d.name for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def dml(cur: Any, sql: str) -> tuple[list[str], tuple[Any, ...], int]:
    """(result column names, the one result row, cursor.rowcount) of a DML statement."""
    cur.execute(sql)
    names = [d.name for d in cur.description]
    (row,) = cur.fetchall()
    return names, row, cur.rowcount


def assert_object_missing(exc: ProgrammingError, shown: str) -> None:
    assert (exc.errno, exc.sqlstate) == (2003, "42S02")
    assert exc.raw_msg == f"SQL compilation error:\nObject '{shown}' does not exist or not authorized."


# -- CREATE TABLE ---------------------------------------------------------------------------
def test_create_table_forms(cur: Any, db: str) -> None:
    assert status(cur, "create table t1 (id number(10,2), name varchar)") == "Table T1 successfully created."
    exc = error(cur, "create table t1 (a int)")
    assert (exc.errno, exc.sqlstate) == (2002, "42710")
    assert exc.raw_msg == "SQL compilation error:\nObject 'T1' already exists."
    assert status(cur, "create table if not exists t1 (a int)") == "T1 already exists, statement succeeded."
    cur.execute("insert into t1 values (1, 'a')")
    assert status(cur, "create or replace table t1 (a int, b int)") == "Table T1 successfully created."
    cur.execute("select * from t1")
    assert [d.name for d in cur.description] == ["A", "B"]
    assert cur.fetchall() == []

    assert status(cur, "create table t2 as select 1 as id, 'x' as name union all select 2, 'y'") == (
        "Table T2 successfully created."
    )
    cur.execute("select id, name from t2 order by id")
    assert cur.fetchall() == [(1, "x"), (2, "y")]

    assert status(cur, "create transient table t3 (a int)") == "Table T3 successfully created."
    assert status(cur, "create temporary table t4 (a int)") == "Table T4 successfully created."
    kinds = {r["name"]: r["kind"] for r in show(cur, "show tables")}
    assert kinds == {"T1": "TABLE", "T2": "TABLE", "T3": "TRANSIENT", "T4": "TEMPORARY"}


def test_temporary_table_belongs_to_its_session(server: Any, cur: Any, db: str) -> None:
    cur.execute("create temporary table tmp (a int)")
    cur.execute("insert into tmp values (1)")
    cur.execute("select * from tmp")
    assert cur.fetchall() == [(1,)]
    with server.connect(database=db, schema="PUBLIC") as other:
        ocur = other.cursor()
        assert_object_missing(error(ocur, "select * from tmp"), "TMP")
        assert show(ocur, "show tables like 'TMP'") == []


def test_show_tables_and_fully_qualified_names(cur: Any, db: str) -> None:
    cur.execute("create schema other")
    cur.execute(f"create table {db}.public.pt (a int)")
    cur.execute(f"create table {db}.other.ot (a int) comment = 'in other'")
    cur.execute(f"insert into {db}.other.ot values (1), (2)")
    cur.execute(f"insert into {db}.public.pt select a * 10 from {db}.other.ot")
    cur.execute(f"select p.a, o.a from {db}.public.pt p join other.ot o on p.a = o.a * 10 order by 1")
    assert cur.fetchall() == [(10, 1), (20, 2)]

    rows = show(cur, f"show tables in schema {db}.other")
    assert [d.name for d in cur.description] == TABLE_COLUMNS
    assert [(r["name"], r["database_name"], r["schema_name"], r["owner"]) for r in rows] == [
        ("OT", db, "OTHER", "ACCOUNTADMIN")
    ]
    assert rows[0]["rows"] == 2
    assert {r["name"] for r in show(cur, f"show tables in database {db}")} == {"PT", "OT"}
    assert [r["name"] for r in show(cur, f"show tables like 'p%' in {db}.public")] == ["PT"]
    assert [r["name"] for r in show(cur, "show tables like 'O%' in account") if r["database_name"] == db] == ["OT"]


def test_missing_objects(cur: Any, db: str) -> None:
    assert_object_missing(error(cur, "select * from nosuch"), "NOSUCH")
    assert_object_missing(error(cur, f"select * from {db}.public.nosuch"), f"{db}.PUBLIC.NOSUCH")
    assert_object_missing(error(cur, "insert into nosuch values (1)"), "NOSUCH")
    # A missing database or schema is reported as that, as Snowflake does.
    exc = error(cur, "select * from no_such_db_x.public.t")
    assert (exc.errno, exc.sqlstate) == (2003, "02000")
    assert exc.raw_msg == "SQL compilation error:\nDatabase 'NO_SUCH_DB_X' does not exist or not authorized."
    exc = error(cur, f"select * from {db}.no_such_schema.t")
    assert exc.errno == 2003
    assert exc.raw_msg == f"SQL compilation error:\nSchema '{db}.NO_SUCH_SCHEMA' does not exist or not authorized."


# -- views ----------------------------------------------------------------------------------
def test_views(cur: Any, db: str) -> None:
    cur.execute("create table base (id int, amount number(10,2))")
    cur.execute("insert into base values (1, 1.50), (2, 2.25)")
    assert status(cur, "create view v as select id, amount * 2 as doubled from base") == "View V successfully created."
    cur.execute("select * from v order by id")
    assert cur.fetchall() == [(1, Decimal("3.00")), (2, Decimal("4.50"))]
    exc = error(cur, "create view v as select 1 as x")
    assert exc.errno == 2002
    assert status(cur, "create or replace view v as select id from base") == "View V successfully created."

    rows = show(cur, "show views")
    assert [d.name for d in cur.description] == VIEW_COLUMNS
    assert [(r["name"], r["database_name"], r["schema_name"], r["is_secure"]) for r in rows] == [
        ("V", db, "PUBLIC", "false")
    ]
    assert "select id from base" in rows[0]["text"]
    # Views are not tables.
    assert [r["name"] for r in show(cur, "show tables")] == ["BASE"]


# -- DML and row counts ---------------------------------------------------------------------
def test_insert_update_delete_rowcounts(cur: Any, db: str) -> None:
    cur.execute("create table t (id int, name varchar)")
    names, row, count = dml(cur, "insert into t values (1, 'a'), (2, 'b'), (3, 'c')")
    assert (names, row, count) == (["number of rows inserted"], (3,), 3)
    names, row, count = dml(cur, "insert into t (id, name) select id + 10, name from t where id < 3")
    assert (names, row, count) == (["number of rows inserted"], (2,), 2)
    cur.execute("insert into t values (%s, %s)", (20, "bound"))
    assert cur.rowcount == 1
    cur.executemany("insert into t values (%s, %s)", [(21, "x"), (22, "y")])
    assert cur.rowcount == 2

    names, row, count = dml(cur, "update t set name = 'z' where id > 10")
    assert names == ["number of rows updated", "number of multi-joined rows updated"]
    assert (row, count) == ((5, 0), 5)
    names, row, count = dml(cur, "delete from t where name = 'z'")
    assert (names, row, count) == (["number of rows deleted"], (5,), 5)
    names, row, count = dml(cur, "delete from t where id > 100")
    assert (row, count) == ((0,), 0)
    cur.execute("select id, name from t order by id")
    assert cur.fetchall() == [(1, "a"), (2, "b"), (3, "c")]


def test_merge_rowcounts(cur: Any, db: str) -> None:
    cur.execute("create table target (id int, v varchar)")
    cur.execute("insert into target values (1, 'a'), (2, 'b'), (3, 'c')")
    names, row, count = dml(cur, """
        merge into target t using (
            select 1 as id, 'x' as v union all select 2, 'del' union all select 4, 'new'
        ) s on t.id = s.id
        when matched and s.v = 'del' then delete
        when matched then update set v = s.v
        when not matched then insert (id, v) values (s.id, s.v)
    """)
    assert names == ["number of rows inserted", "number of rows updated", "number of rows deleted"]
    assert (row, count) == ((1, 1, 1), 3)
    cur.execute("select id, v from target order by id")
    assert cur.fetchall() == [(1, "x"), (3, "c"), (4, "new")]

    names, row, _ = dml(cur, "merge into target t using (select 3 as id) s on t.id = s.id "
                             "when matched then update set v = 'upd'")
    assert (names, row) == (["number of rows updated"], (1,))


def test_truncate(cur: Any, db: str) -> None:
    cur.execute("create table t (a int)")
    cur.execute("insert into t values (1), (2)")
    assert status(cur, "truncate table t") == OK
    cur.execute("select count(*) from t")
    assert cur.fetchall() == [(0,)]
    assert status(cur, "truncate t") == OK
    assert_object_missing(error(cur, "truncate table nosuch"), "NOSUCH")


# -- ALTER, DESCRIBE, SHOW COLUMNS ----------------------------------------------------------
def test_alter_table_and_describe(cur: Any, db: str) -> None:
    cur.execute(
        "create table typed (id number(10,2) not null, name varchar, f float, b boolean, d date, "
        "ts timestamp_ntz, v variant)"
    )
    cur.execute("describe table typed")
    assert [d.name for d in cur.description] == DESCRIBE_COLUMNS
    rows = [(r[0], r[1], r[2], r[3]) for r in cur.fetchall()]
    assert rows == [
        ("ID", "NUMBER(10,2)", "COLUMN", "N"),
        ("NAME", "VARCHAR(16777216)", "COLUMN", "Y"),
        ("F", "FLOAT", "COLUMN", "Y"),
        ("B", "BOOLEAN", "COLUMN", "Y"),
        ("D", "DATE", "COLUMN", "Y"),
        ("TS", "TIMESTAMP_NTZ(9)", "COLUMN", "Y"),
        ("V", "VARIANT", "COLUMN", "Y"),
    ]

    assert status(cur, "alter table typed add column extra varchar") == OK
    cur.execute("desc table typed")
    assert [r[0] for r in cur.fetchall()][-1] == "EXTRA"

    rows = show(cur, "show columns in table typed")
    assert [d.name for d in cur.description] == SHOW_COLUMNS_COLUMNS
    assert [r["column_name"] for r in rows] == ["ID", "NAME", "F", "B", "D", "TS", "V", "EXTRA"]
    assert {r["table_name"] for r in rows} == {"TYPED"}
    assert json.loads(rows[0]["data_type"])["type"] == "FIXED"
    assert json.loads(rows[1]["data_type"])["type"] == "TEXT"
    assert [r["column_name"] for r in show(cur, "show columns like 'N%' in table typed")] == ["NAME"]

    assert status(cur, "alter table typed rename to renamed") == OK
    assert [r["name"] for r in show(cur, "show tables")] == ["RENAMED"]
    assert_object_missing(error(cur, "select * from typed"), "TYPED")
    cur.execute("select count(*) from renamed")
    assert cur.fetchall() == [(0,)]
    assert_object_missing(error(cur, "describe table nosuch"), "NOSUCH")


def test_dateadd_on_dates_keeps_date(cur: Any) -> None:
    cur.execute("select dateadd(day, 1, '2024-01-31'::date), dateadd(month, 1, '2024-01-31'::date)")
    assert cur.fetchone() == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))


def test_current_date_time_functions(cur: Any) -> None:
    cur.execute("select current_date(), current_time(), current_timestamp()")
    d, t, ts = cur.fetchone()
    assert isinstance(d, dt.date) and isinstance(t, dt.time) and isinstance(ts, dt.datetime)
    assert ts.tzinfo is not None
    assert abs(ts - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert [c.type_code for c in cur.description] == [3, 12, 6]  # DATE, TIME, TIMESTAMP_LTZ


def test_current_date_without_parentheses(cur: Any) -> None:
    cur.execute("select current_date, current_timestamp")
    d, ts = cur.fetchone()
    assert isinstance(d, dt.date) and isinstance(ts, dt.datetime)


def test_unaliased_column_names_are_the_text_written(cur: Any) -> None:
    cur.execute("select current_timestamp, to_varchar(1.5::number(10,2)), nvl(null, 1)")
    assert [d.name for d in cur.description] == ["CURRENT_TIMESTAMP", "TO_VARCHAR(1.5::NUMBER(10,2))", "NVL(NULL, 1)"]


# -- warehouse needed -----------------------------------------------------------------------
def test_table_query_without_warehouse(cur: Any, db: str) -> None:
    cur.execute("create table t (a int)")
    name = unique("WH")
    cur.execute(f"create warehouse {name}")
    cur.execute(f"drop warehouse {name}")  # the session's current warehouse is gone
    try:
        cur.execute("select current_warehouse()")
        assert cur.fetchall() == [(None,)]
        exc = error(cur, "select * from t")
        assert (exc.errno, exc.sqlstate) == (606, "57P03")
        assert exc.raw_msg.startswith("No active warehouse selected in the current session.")
        # A query on no table needs no warehouse.
        cur.execute("select 1")
        assert cur.fetchall() == [(1,)]
    finally:
        cur.execute("use warehouse compute_wh")
    cur.execute("select count(*) from t")
    assert cur.fetchall() == [(0,)]
