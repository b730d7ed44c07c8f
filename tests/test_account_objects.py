"""Account objects over the real connector: users, roles, databases, schemas and warehouses.

CREATE [OR REPLACE] / IF NOT EXISTS, ALTER, DROP [IF EXISTS], SHOW [LIKE, IN] and DESCRIBE, with
Snowflake's status texts and error codes, identifier rules and USE (the connector reads the
session's final role/database/schema/warehouse from every answer).
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_USER, unique
from snowflake.connector.errors import ProgrammingError

OK = "Statement executed successfully."

DATABASE_COLUMNS = [
    "created_on", "name", "is_default", "is_current", "origin", "owner", "comment", "options", "retention_time",
    "kind", "budget", "owner_role_type", "object_visibility",
]
SCHEMA_COLUMNS = [
    "created_on", "name", "is_default", "is_current", "database_name", "owner", "comment", "options",
    "retention_time", "owner_role_type", "budget", "classification_profile", "object_visibility",
]
WAREHOUSE_COLUMNS = [
    "name", "state", "type", "size", "min_cluster_count", "max_cluster_count", "started_clusters", "running",
    "queued", "is_default", "is_current", "auto_suspend", "auto_resume", "available", "provisioning", "quiescing",
    "other", "created_on", "resumed_on", "updated_on", "owner", "comment", "enable_query_acceleration",
    "query_acceleration_max_scale_factor", "resource_monitor", "actives", "pendings", "failed", "suspended", "uuid",
    "scaling_policy", "owner_role_type", "resource_constraint", "generation",
]
ROLE_COLUMNS = [
    "created_on", "name", "is_default", "is_current", "is_inherited", "assigned_to_users", "granted_to_roles",
    "granted_roles", "owner", "comment", "owner_role_type",
]


def one(cur: Any, sql: str) -> Any:
    cur.execute(sql)
    rows = cur.fetchall()
    assert len(rows) == 1, rows
    return rows[0][0] if len(rows[0]) == 1 else rows[0]


def status(cur: Any, sql: str) -> str:
    cur.execute(sql)
    assert [d.name for d in cur.description] == ["status"]
    rows = cur.fetchall()
    assert len(rows) == 1
    return rows[0][0]


def error(cur: Any, sql: str) -> ProgrammingError:
    with pytest.raises(ProgrammingError) as info:
        cur.execute(sql)
    return info.value


def show(cur: Any, sql: str) -> list[dict[str, Any]]:
    cur.execute(sql)
    names = [d.name for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def columns(cur: Any) -> list[str]:
    return [d.name for d in cur.description]


def assert_already_exists(exc: ProgrammingError, name: str) -> None:
    assert (exc.errno, exc.sqlstate) == (2002, "42710")
    assert exc.raw_msg == f"SQL compilation error:\nObject '{name}' already exists."


def assert_missing(exc: ProgrammingError, kind: str, name: str) -> None:
    assert (exc.errno, exc.sqlstate) == (2003, "02000")
    assert exc.raw_msg == f"SQL compilation error:\n{kind} '{name}' does not exist or not authorized."


# -- databases ------------------------------------------------------------------------------
def test_database_lifecycle(cur: Any) -> None:
    name = unique("DB")
    try:
        assert status(cur, f"create database {name.lower()}") == f"Database {name} successfully created."
        assert_already_exists(error(cur, f"create database {name}"), name)
        assert status(cur, f"create database if not exists {name}") == f"{name} already exists, statement succeeded."
        assert status(cur, f"create or replace database {name}") == f"Database {name} successfully created."

        rows = show(cur, f"show databases like '{name.lower()}'")
        assert columns(cur) == DATABASE_COLUMNS
        assert len(rows) == 1
        row = rows[0]
        assert (row["name"], row["owner"], row["is_current"], row["owner_role_type"]) == (name, "ACCOUNTADMIN", "Y", "ROLE")

        assert status(cur, f"alter database {name} set comment = 'kept here'") == OK
        assert show(cur, f"show databases like '{name}'")[0]["comment"] == "kept here"

        renamed = unique("DB")
        assert status(cur, f"alter database {name} rename to {renamed}") == OK
        assert show(cur, f"show databases like '{name}'") == []
        assert one(cur, "select current_database()") == renamed

        cur.execute(f"describe database {renamed}")
        assert columns(cur) == ["created_on", "name", "kind"]
        assert [(r[1], r[2]) for r in cur.fetchall()] == [("PUBLIC", "SCHEMA")]

        assert status(cur, f"drop database {renamed}") == f"{renamed} successfully dropped."
        assert_missing(error(cur, f"drop database {renamed}"), "Database", renamed)
        assert status(cur, f"drop database if exists {renamed}") == (
            f"Drop statement executed successfully ({renamed} already dropped)."
        )
        assert_missing(error(cur, f"use database {renamed}"), "Database", renamed)
        assert_missing(error(cur, f"alter database {renamed} set comment = 'x'"), "Database", renamed)
        assert status(cur, f"alter database if exists {renamed} set comment = 'x'") == OK
    finally:
        cur.execute(f"drop database if exists {name}")


def test_new_database_becomes_current_with_public_schema(conn: Any) -> None:
    name = unique("DB")
    cur = conn.cursor()
    cur.execute(f"create database {name}")
    try:
        assert one(cur, "select current_database(), current_schema()") == (name, "PUBLIC")
        rows = show(cur, "show schemas")
        assert columns(cur) == SCHEMA_COLUMNS
        assert [(r["name"], r["database_name"], r["is_current"]) for r in rows] == [("PUBLIC", name, "Y")]
        # The connector takes the database from the answer once it has one (always after USE).
        cur.execute("use schema public")
        assert (conn.database, conn.schema) == (name, "PUBLIC")
    finally:
        cur.execute(f"drop database if exists {name}")


def test_quoted_and_unquoted_identifiers(cur: Any) -> None:
    suffix = unique("X").split("_")[1].lower()
    quoted, plain = f"mixedCase_{suffix}", f"plain_{suffix}"
    try:
        assert quoted in status(cur, f'create database "{quoted}"')
        status(cur, f"create database {plain}")
        names = {r["name"] for r in show(cur, f"show databases like '%_{suffix}'")}
        assert names == {quoted, plain.upper()}
        # An unquoted name is upper-cased, so it does not find the mixed-case database...
        assert_missing(error(cur, f"use database {quoted}"), "Database", quoted.upper())
        # ...and "PLAIN_X" is the same object as plain_x.
        assert_already_exists(error(cur, f'create database "{plain.upper()}"'), plain.upper())
        assert status(cur, f'use database "{quoted}"') == OK
        assert one(cur, "select current_database()") == quoted
        assert status(cur, 'create schema "lowerSchema"') == 'Schema "lowerSchema" successfully created.'
        assert one(cur, "select current_schema()") == "lowerSchema"
        assert {r["name"] for r in show(cur, f'show schemas in database "{quoted}"')} == {"PUBLIC", "lowerSchema"}
    finally:
        cur.execute(f'drop database if exists "{quoted}"')
        cur.execute(f"drop database if exists {plain}")


# -- schemas --------------------------------------------------------------------------------
def test_schema_lifecycle(conn: Any, db: str) -> None:
    cur = conn.cursor()
    assert status(cur, "create schema s1") == "Schema S1 successfully created."
    assert one(cur, "select current_schema()") == "S1"
    assert_already_exists(error(cur, f"create schema {db}.s1"), "S1")
    assert status(cur, "create schema if not exists s1") == "S1 already exists, statement succeeded."
    assert status(cur, f"create or replace schema {db}.s1") == "Schema S1 successfully created."
    assert status(cur, "create transient schema s2 with managed access comment = 'two'") == (
        "Schema S2 successfully created."
    )

    rows = {r["name"]: r for r in show(cur, f"show schemas in database {db}")}
    assert set(rows) == {"PUBLIC", "S1", "S2"}
    assert rows["S2"]["options"] == "TRANSIENT, MANAGED ACCESS"
    assert rows["S2"]["comment"] == "two"
    assert (rows["S1"]["database_name"], rows["S1"]["owner"]) == (db, "ACCOUNTADMIN")
    assert [r["name"] for r in show(cur, f"show schemas like 's_' in database {db}")] == ["S1", "S2"]
    assert [r["name"] for r in show(cur, f"show schemas like 'S1' in {db}")] == ["S1"]

    cur.execute(f"use schema {db}.s1")
    assert (conn.database, conn.schema) == (db, "S1")
    cur.execute("use schema public")
    assert conn.schema == "PUBLIC"
    cur.execute(f"use {db}.s2")
    assert (conn.database, conn.schema) == (db, "S2")

    assert status(cur, f"alter schema {db}.s1 rename to s3") == OK
    assert status(cur, "alter schema s3 set comment = 'three'") == OK
    assert show(cur, f"show schemas like 'S3' in database {db}")[0]["comment"] == "three"

    cur.execute(f"describe schema {db}.s3")
    assert columns(cur) == ["created_on", "name", "kind"]
    assert cur.fetchall() == []

    assert status(cur, f"drop schema {db}.s3") == "S3 successfully dropped."
    assert_missing(error(cur, f"drop schema {db}.s3"), "Schema", f"{db}.S3")
    assert status(cur, "drop schema if exists s3") == "Drop statement executed successfully (S3 already dropped)."
    assert_missing(error(cur, "use schema s3"), "Schema", f"{db}.S3")
    assert_missing(error(cur, "create schema nosuchdb_x.s"), "Database", "NOSUCHDB_X")


# -- warehouses -----------------------------------------------------------------------------
def test_warehouse_lifecycle_and_states(conn: Any) -> None:
    cur = conn.cursor()
    name = unique("WH")
    try:
        assert status(cur, f"create warehouse {name} with warehouse_size = 'X-SMALL' auto_suspend = 60") == (
            f"Warehouse {name} successfully created."
        )
        # A new warehouse becomes the session's current one.
        assert conn.warehouse == name
        assert one(cur, "select current_warehouse()") == name

        rows = show(cur, f"show warehouses like '{name.lower()}'")
        assert columns(cur) == WAREHOUSE_COLUMNS
        assert len(rows) == 1
        wh = rows[0]
        assert (wh["state"], wh["type"], wh["size"], wh["auto_suspend"], wh["auto_resume"]) == (
            "STARTED", "STANDARD", "X-Small", 60, "true",
        )
        assert (wh["is_current"], wh["is_default"], wh["owner"], wh["min_cluster_count"], wh["max_cluster_count"]) == (
            "Y", "N", "ACCOUNTADMIN", 1, 1,
        )
        assert wh["scaling_policy"] == "STANDARD"

        assert_already_exists(error(cur, f"create warehouse {name}"), name)
        assert status(cur, f"create warehouse if not exists {name}") == f"{name} already exists, statement succeeded."

        assert status(cur, f"alter warehouse {name} suspend") == OK
        assert show(cur, f"show warehouses like '{name}'")[0]["state"] == "SUSPENDED"
        exc = error(cur, f"alter warehouse {name} suspend")
        assert (exc.errno, exc.sqlstate) == (90064, "22000")
        assert exc.raw_msg == f"Invalid state. Warehouse '{name}' cannot be suspended."

        assert status(cur, f"alter warehouse {name} resume") == OK
        assert show(cur, f"show warehouses like '{name}'")[0]["state"] == "STARTED"
        exc = error(cur, f"alter warehouse {name} resume")
        assert (exc.errno, exc.sqlstate) == (90063, "22000")
        assert status(cur, f"alter warehouse {name} resume if suspended") == OK
        # Without a name, SUSPEND acts on the current warehouse.
        assert status(cur, "alter warehouse suspend") == OK
        assert show(cur, f"show warehouses like '{name}'")[0]["state"] == "SUSPENDED"

        assert status(cur, f"alter warehouse {name} set warehouse_size = 'SMALL' auto_resume = false comment = 'c'") == OK
        wh = show(cur, f"show warehouses like '{name}'")[0]
        assert (wh["size"], wh["auto_resume"], wh["comment"]) == ("Small", "false", "c")
        assert status(cur, f"alter warehouse {name} set warehouse_size = xlarge") == OK
        assert show(cur, f"show warehouses like '{name}'")[0]["size"] == "X-Large"
        exc = error(cur, f"alter warehouse {name} set warehouse_size = 'HUGE'")
        assert "invalid value 'HUGE' for property 'WAREHOUSE_SIZE'" in exc.raw_msg

        cur.execute(f"describe warehouse {name}")
        assert columns(cur) == ["created_on", "name", "kind"]
        assert [(r[1], r[2]) for r in cur.fetchall()] == [(name, "WAREHOUSE")]

        assert status(cur, f"drop warehouse {name}") == f"{name} successfully dropped."
        assert_missing(error(cur, f"drop warehouse {name}"), "Warehouse", name)
        assert status(cur, f"drop warehouse if exists {name}") == (
            f"Drop statement executed successfully ({name} already dropped)."
        )
    finally:
        cur.execute(f"drop warehouse if exists {name}")
        cur.execute("use warehouse compute_wh")


def test_warehouse_auto_resume(cur: Any, db: str) -> None:
    cur.execute("create table t(a int)")
    name = unique("WH")
    try:
        cur.execute(f"create warehouse {name} initially_suspended = true")
        assert show(cur, f"show warehouses like '{name}'")[0]["state"] == "SUSPENDED"
        # AUTO_RESUME (the default) starts a suspended warehouse when a query needs it.
        cur.execute("select count(*) from t")
        assert cur.fetchall() == [(0,)]
        assert show(cur, f"show warehouses like '{name}'")[0]["state"] == "STARTED"

        cur.execute(f"alter warehouse {name} suspend")
        cur.execute(f"alter warehouse {name} set auto_resume = false")
        exc = error(cur, "select count(*) from t")
        assert (exc.errno, exc.sqlstate) == (606, "57P03")
        assert show(cur, f"show warehouses like '{name}'")[0]["state"] == "SUSPENDED"
    finally:
        cur.execute(f"drop warehouse if exists {name}")
        cur.execute("use warehouse compute_wh")


def test_use_warehouse(conn: Any) -> None:
    cur = conn.cursor()
    name = unique("WH")
    try:
        cur.execute(f"create warehouse {name}")
        assert status(cur, "use warehouse compute_wh") == OK
        assert conn.warehouse == "COMPUTE_WH"
        cur.execute(f"use warehouse {name.lower()}")
        assert conn.warehouse == name
        rows = {r["name"]: r["is_current"] for r in show(cur, "show warehouses")}
        assert rows[name] == "Y" and rows["COMPUTE_WH"] == "N"
        exc = error(cur, "use warehouse no_such_wh_x")
        assert exc.errno == 2003
        assert "'NO_SUCH_WH_X' does not exist or not authorized." in exc.raw_msg
    finally:
        cur.execute(f"drop warehouse if exists {name}")
        cur.execute("use warehouse compute_wh")


# -- roles ----------------------------------------------------------------------------------
def test_role_lifecycle(conn: Any) -> None:
    cur = conn.cursor()
    name = unique("ROLE")
    quoted = f"mixed{name.title()}"
    try:
        assert status(cur, f"create role {name}") == f"Role {name} successfully created."
        assert_already_exists(error(cur, f"create role {name}"), name)
        assert status(cur, f"create role if not exists {name}") == f"{name} already exists, statement succeeded."
        assert status(cur, f"create or replace role {name} comment = 'first'") == f"Role {name} successfully created."

        rows = show(cur, f"show roles like '{name.lower()}'")
        assert columns(cur) == ROLE_COLUMNS
        assert len(rows) == 1
        role = rows[0]
        assert (role["name"], role["owner"], role["comment"], role["is_current"], role["assigned_to_users"]) == (
            name, "ACCOUNTADMIN", "first", "N", 0,
        )

        assert status(cur, f"alter role {name} set comment = 'second'") == OK
        assert show(cur, f"show roles like '{name}'")[0]["comment"] == "second"
        renamed = f"{name}_2"
        assert status(cur, f"alter role {name} rename to {renamed}") == OK
        assert [r["name"] for r in show(cur, f"show roles like '{name}%'")] == [renamed]

        assert status(cur, f'create role "{quoted}"') == f'Role "{quoted}" successfully created.'
        assert [r["name"] for r in show(cur, f"show roles like '{quoted}'")] == [quoted]
        assert_missing(error(cur, f"drop role {quoted}"), "Role", quoted.upper())

        assert status(cur, f"drop role {renamed}") == f"{renamed} successfully dropped."
        assert_missing(error(cur, f"drop role {renamed}"), "Role", renamed)
        assert status(cur, f"drop role if exists {renamed}") == (
            f"Drop statement executed successfully ({renamed} already dropped)."
        )
        assert_missing(error(cur, f"alter role {renamed} set comment = 'x'"), "Role", renamed)
        assert_missing(error(cur, f"use role {renamed}"), "Role", renamed)
    finally:
        cur.execute(f"drop role if exists {name}")
        cur.execute(f"drop role if exists {name}_2")
        cur.execute(f'drop role if exists "{quoted}"')


def test_use_role_updates_connection(conn: Any) -> None:
    cur = conn.cursor()
    assert conn.role == "ACCOUNTADMIN"
    for role in ("SYSADMIN", "SECURITYADMIN", "USERADMIN", "PUBLIC", "ACCOUNTADMIN"):
        assert status(cur, f"use role {role.lower()}") == OK
        assert conn.role == role
        assert one(cur, "select current_role()") == role


def test_system_roles_cannot_be_dropped(cur: Any) -> None:
    error(cur, "drop role sysadmin")
    assert [r["name"] for r in show(cur, "show roles like 'SYSADMIN'")] == ["SYSADMIN"]


# -- users ----------------------------------------------------------------------------------
USER_COLUMNS = [
    "name", "created_on", "login_name", "display_name", "first_name", "last_name", "email", "mins_to_unlock",
    "days_to_expiry", "comment", "disabled", "must_change_password", "snowflake_lock", "default_warehouse",
    "default_namespace", "default_role", "default_secondary_roles", "ext_authn_duo", "ext_authn_uid",
    "mins_to_bypass_mfa", "owner", "last_success_login", "expires_at_time", "locked_until_time", "has_password",
    "has_rsa_public_key", "type", "has_mfa",
]


def test_user_lifecycle(cur: Any) -> None:
    name = unique("USER")
    try:
        assert status(cur, f"create user {name.lower()} password = 'Secret-1' default_role = public "
                           f"default_warehouse = compute_wh display_name = 'Some One' comment = 'c'") == (
            f"User {name} successfully created."
        )
        assert_already_exists(error(cur, f"create user {name}"), name)
        assert status(cur, f"create user if not exists {name}") == f"{name} already exists, statement succeeded."

        rows = show(cur, f"show users like '{name}'")
        assert columns(cur) == USER_COLUMNS
        assert len(rows) == 1
        user = rows[0]
        assert (user["name"], user["login_name"], user["display_name"], user["comment"]) == (name, name, "Some One", "c")
        # Bare names are identifiers: stored upper-cased, as for the objects themselves.
        assert (user["default_role"], user["default_warehouse"]) == ("PUBLIC", "COMPUTE_WH")
        assert (user["has_password"], user["disabled"], user["owner"]) == ("true", "false", "ACCOUNTADMIN")

        assert status(cur, f"alter user {name} set email = 'x@example.com' default_namespace = some_db.some_schema") == OK
        user = show(cur, f"show users like '{name}'")[0]
        assert (user["email"], user["default_namespace"]) == ("x@example.com", "SOME_DB.SOME_SCHEMA")

        cur.execute(f"describe user {name}")
        assert columns(cur) == ["property", "value", "default", "description"]
        props = {r[0]: r[1] for r in cur.fetchall()}
        assert props["NAME"] == name
        assert props["DISPLAY_NAME"] == "Some One"
        assert props["DEFAULT_ROLE"] == "PUBLIC"
        assert props["EMAIL"] == "x@example.com"

        assert status(cur, f"alter user {name} unset email") == OK
        assert show(cur, f"show users like '{name}'")[0]["email"] is None

        assert status(cur, f"drop user {name}") == f"{name} successfully dropped."
        assert_missing(error(cur, f"drop user {name}"), "User", name)
        assert status(cur, f"drop user if exists {name}") == f"Drop statement executed successfully ({name} already dropped)."
        assert_missing(error(cur, f"describe user {name}"), "User", name)
    finally:
        cur.execute(f"drop user if exists {name}")


def test_show_users_and_current_user(cur: Any) -> None:
    names = {r["name"] for r in show(cur, "show users")}
    assert ADMIN_USER.upper() in names
    assert one(cur, "select current_user()") == ADMIN_USER.upper()


def test_clone_database_and_schema_over_sql(cur: Any, db: str) -> None:
    cur.execute("create table t (a int)")
    cur.execute("insert into t values (1), (2)")
    clone = unique("CLONE")
    cur.execute(f"create database {clone} clone {db}")
    assert cur.fetchone() == (f"Database {clone} successfully created.",)
    cur.execute(f"select count(*) from {clone}.public.t")
    assert cur.fetchone() == (2,)
    cur.execute(f"create schema {db}.copy clone {db}.public")
    cur.execute(f"select sum(a) from {db}.copy.t")
    assert cur.fetchone() == (3,)
    cur.execute(f"drop database {clone}")
