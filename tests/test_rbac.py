"""Role-based access control over the real connector: the system roles, users logging in with the
roles granted to them, privileges on databases, schemas, tables and warehouses, ownership, role
hierarchies, and the SHOW GRANTS shapes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import unique
from snowflake.connector.errors import ProgrammingError

OK = "Statement executed successfully."
ACCOUNT = "SNOWFORT"

GRANT_ON_COLUMNS = [
    "created_on", "privilege", "granted_on", "name", "granted_to", "grantee_name", "grant_option",
    "granted_by_role_type", "granted_by",
]
GRANT_TO_ROLE_COLUMNS = [
    "created_on", "privilege", "granted_on", "name", "granted_to", "grantee_name", "grant_option", "granted_by",
]
GRANT_OF_ROLE_COLUMNS = ["created_on", "role", "granted_to", "grantee_name", "granted_by"]
GRANT_TO_USER_COLUMNS = [
    "created_on", "privilege", "granted_on", "name", "role", "granted_to", "grantee_name", "grant_option", "granted_by",
]


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


def status(cur: Any, sql: str) -> str:
    cur.execute(sql)
    (row,) = cur.fetchall()
    return row[0]


def grants(cur: Any, sql: str) -> set[tuple[str, str, str, str]]:
    """(privilege, granted_on, name, grantee_name) of a SHOW GRANTS answer."""
    return {(r["privilege"], r["granted_on"], r["name"], r["grantee_name"]) for r in show(cur, sql)}


def assert_insufficient(exc: ProgrammingError, kind: str, name: str) -> None:
    assert (exc.errno, exc.sqlstate) == (3001, "42501")
    assert exc.raw_msg == f"SQL access control error:\nInsufficient privileges to operate on {kind} '{name}'."


def assert_missing(exc: ProgrammingError, kind: str, name: str, sql_state: str = "02000") -> None:
    assert (exc.errno, exc.sqlstate) == (2003, sql_state)
    assert exc.raw_msg == f"SQL compilation error:\n{kind} '{name}' does not exist or not authorized."


@dataclass
class Account:
    """Objects an admin made for one test, dropped afterwards."""

    cur: Any
    roles: list[str]
    users: list[str]
    databases: list[str]
    warehouses: list[str]

    def role(self, prefix: str = "ROLE") -> str:
        name = unique(prefix)
        self.cur.execute(f"create role {name}")
        self.roles.append(name)
        return name

    def user(self, *roles: str, default_role: str | None = None) -> tuple[str, str]:
        name, password = unique("USER"), f"pw-{unique('P')}"
        extra = f" default_role = {default_role}" if default_role else ""
        self.cur.execute(f"create user {name} password = '{password}'{extra}")
        self.users.append(name)
        for role in roles:
            self.cur.execute(f"grant role {role} to user {name}")
        return name, password

    def database(self) -> str:
        name = unique("DB")
        self.cur.execute(f"create database {name}")
        self.databases.append(name)
        return name


@pytest.fixture
def account(cur: Any) -> Iterator[Account]:
    acc = Account(cur, [], [], [], [])
    yield acc
    cur.execute("use role accountadmin")
    # Roles first: what they own passes to ACCOUNTADMIN, which may then drop it.
    for role in acc.roles:
        cur.execute(f"drop role if exists {role}")
    for user in acc.users:
        cur.execute(f"drop user if exists {user}")
    for db in acc.databases:
        cur.execute(f"drop database if exists {db}")
    for wh in acc.warehouses:
        cur.execute(f"drop warehouse if exists {wh}")


@contextmanager
def login(server: Any, user: str, password: str, **kwargs: Any) -> Iterator[Any]:
    conn = server.connect(user=user, password=password, **kwargs)
    try:
        yield conn
    finally:
        conn.close()


# -- the system roles -----------------------------------------------------------------------
def test_system_role_hierarchy(cur: Any) -> None:
    rows = show(cur, "show grants of role securityadmin")
    assert columns(cur) == GRANT_OF_ROLE_COLUMNS
    # (Other tests may grant the system roles to their users; the role-to-role edges are fixed.)
    assert {(r["role"], r["grantee_name"]) for r in rows if r["granted_to"] == "ROLE"} == {("SECURITYADMIN", "ACCOUNTADMIN")}
    assert {r["grantee_name"] for r in show(cur, "show grants of role sysadmin") if r["granted_to"] == "ROLE"} == {
        "ACCOUNTADMIN"
    }
    assert {r["grantee_name"] for r in show(cur, "show grants of role useradmin") if r["granted_to"] == "ROLE"} == {
        "SECURITYADMIN"
    }
    assert ("USER", "ADMIN") in {(r["granted_to"], r["grantee_name"]) for r in show(cur, "show grants of role accountadmin")}
    to_accountadmin = grants(cur, "show grants to role accountadmin")
    assert {("USAGE", "ROLE", "SYSADMIN", "ACCOUNTADMIN"), ("USAGE", "ROLE", "SECURITYADMIN", "ACCOUNTADMIN")} <= to_accountadmin
    assert grants(cur, "show grants to role useradmin") >= {
        ("CREATE USER", "ACCOUNT", ACCOUNT, "USERADMIN"), ("CREATE ROLE", "ACCOUNT", ACCOUNT, "USERADMIN"),
    }
    assert ("MANAGE GRANTS", "ACCOUNT", ACCOUNT, "SECURITYADMIN") in grants(cur, "show grants to role securityadmin")
    assert grants(cur, "show grants to role sysadmin") >= {
        ("CREATE DATABASE", "ACCOUNT", ACCOUNT, "SYSADMIN"), ("CREATE WAREHOUSE", "ACCOUNT", ACCOUNT, "SYSADMIN"),
    }
    roles = {r["name"]: r for r in show(cur, "show roles")}
    assert {"ACCOUNTADMIN", "SECURITYADMIN", "SYSADMIN", "USERADMIN", "PUBLIC"} <= set(roles)
    assert roles["ACCOUNTADMIN"]["is_current"] == "Y"
    # ACCOUNTADMIN inherits the roles below it.
    assert {roles[r]["is_inherited"] for r in ("SECURITYADMIN", "SYSADMIN", "USERADMIN", "PUBLIC")} == {"Y"}


def test_system_roles_act_through_the_hierarchy(cur: Any) -> None:
    db, role = unique("DB"), unique("ROLE")
    try:
        cur.execute("use role useradmin")
        assert_insufficient(error(cur, f"create database {db}"), "account", ACCOUNT)
        assert status(cur, f"create role {role}") == f"Role {role} successfully created."
        cur.execute("use role sysadmin")
        assert_insufficient(error(cur, f"create role {role}_2"), "account", ACCOUNT)
        assert status(cur, f"create database {db}") == f"Database {db} successfully created."
        assert show(cur, f"show databases like '{db}'")[0]["owner"] == "SYSADMIN"
        # SECURITYADMIN inherits USERADMIN's CREATE ROLE.
        cur.execute("use role securityadmin")
        assert status(cur, f"create role {role}_3") == f"Role {role}_3 successfully created."
        # ACCOUNTADMIN inherits SYSADMIN and so owns what SYSADMIN owns.
        cur.execute("use role accountadmin")
        assert status(cur, f"drop database {db}") == f"{db} successfully dropped."
    finally:
        cur.execute("use role accountadmin")
        cur.execute(f"drop database if exists {db}")
        for name in (role, f"{role}_2", f"{role}_3"):
            cur.execute(f"drop role if exists {name}")


# -- users and their roles ------------------------------------------------------------------
def test_user_logs_in_with_granted_roles(server: Any, account: Account) -> None:
    analyst = account.role("ANALYST")
    user, password = account.user(analyst, default_role=analyst)
    with login(server, user.lower(), password) as conn:
        cur = conn.cursor()
        assert conn.role == analyst
        cur.execute("select current_user(), current_role()")
        assert cur.fetchall() == [(user, analyst)]

        exc = error(cur, "use role accountadmin")
        assert (exc.errno, exc.sqlstate) == (3013, "42501")
        assert exc.raw_msg == (
            "SQL access control error:\nRequested role 'ACCOUNTADMIN' is not assigned to the executing user.  "
            "Specify another role to activate."
        )
        assert conn.role == analyst
        assert status(cur, "use role public") == OK
        assert conn.role == "PUBLIC"
        cur.execute(f"use role {analyst}")
        assert conn.role == analyst

        # A user sees its own grants; PUBLIC is not listed.
        rows = show(cur, "show grants")
        assert columns(cur) == GRANT_TO_USER_COLUMNS
        assert [(r["role"], r["granted_to"], r["grantee_name"]) for r in rows] == [(analyst, "USER", user)]
        # Without MANAGE GRANTS or CREATE USER, other users and roles are off limits.
        assert_insufficient(error(cur, "create user someone_else_x"), "account", ACCOUNT)
        assert_insufficient(error(cur, "create role some_role_x"), "account", ACCOUNT)
        exc = error(cur, "show grants to user admin")
        assert exc.errno == 3001

    rows = show(account.cur, f"show grants to user {user}")
    assert columns(account.cur) == GRANT_TO_USER_COLUMNS
    assert [(r["privilege"], r["granted_on"], r["name"], r["role"], r["granted_to"], r["grantee_name"],
             r["granted_by"]) for r in rows] == [("USAGE", "ROLE", analyst, analyst, "USER", user, "ACCOUNTADMIN")]
    rows = show(account.cur, f"show grants of role {analyst}")
    assert [(r["role"], r["granted_to"], r["grantee_name"], r["granted_by"]) for r in rows] == [
        (analyst, "USER", user, "ACCOUNTADMIN")
    ]

    account.cur.execute(f"revoke role {analyst} from user {user}")
    assert show(account.cur, f"show grants to user {user}") == []
    with login(server, user, password) as conn:
        # The default role is no longer granted: the session falls back to PUBLIC.
        assert conn.role == "PUBLIC"
        exc = error(conn.cursor(), f"use role {analyst}")
        assert exc.errno == 3013


def test_privileges_on_database_schema_table(server: Any, account: Account) -> None:
    admin = account.cur
    role = account.role()
    user, password = account.user(role, default_role=role)
    db = account.database()
    admin.execute(f"create table {db}.public.t (a int)")
    admin.execute(f"insert into {db}.public.t values (1), (2)")
    admin.execute(f"grant usage on warehouse compute_wh to role {role}")
    try:
        with login(server, user, password) as conn:
            cur = conn.cursor()
            cur.execute("use warehouse compute_wh")
            # No privilege on the database: it does not exist for this role.
            assert_missing(error(cur, f"use database {db}"), "Database", db)
            assert_missing(error(cur, f"select * from {db}.public.t"), "Database", db)
            assert show(cur, f"show databases like '{db}'") == []

            admin.execute(f"grant usage on database {db} to role {role}")
            assert status(cur, f"use database {db}") == OK
            assert conn.database == db
            assert [r["name"] for r in show(cur, f"show databases like '{db}'")] == [db]
            # USAGE is not CREATE SCHEMA.
            assert_insufficient(error(cur, "create schema s"), "database", db)
            # Without USAGE on the schema its objects are out of reach.
            assert_missing(error(cur, "select * from public.t"), "Schema", f"{db}.PUBLIC")

            admin.execute(f"grant usage on schema {db}.public to role {role}")
            cur.execute("use schema public")
            # No privilege on the table: it does not exist for this role.
            assert_missing(error(cur, "select * from t"), "Object", "T", "42S02")
            assert show(cur, "show tables") == []
            assert_insufficient(error(cur, "create table mine (a int)"), "schema", "PUBLIC")

            admin.execute(f"grant select on table {db}.public.t to role {role}")
            cur.execute("select a from t order by a")
            assert cur.fetchall() == [(1,), (2,)]
            assert [r["name"] for r in show(cur, "show tables")] == ["T"]
            # SELECT is not INSERT: now the table is visible, the error is 003001.
            assert_insufficient(error(cur, "insert into t values (3)"), "table", "T")
            assert_insufficient(error(cur, "delete from t"), "table", "T")
            # Only the owner (or MANAGE GRANTS) hands privileges on.
            assert_insufficient(error(cur, f"grant select on table t to role {role}"), "table", "T")

            admin.execute(f"grant insert on table {db}.public.t to role {role}")
            cur.execute("insert into t values (3)")
            assert cur.rowcount == 1

            admin.execute(f"grant create schema on database {db} to role {role}")
            assert status(cur, "create schema s") == "Schema S successfully created."
            assert status(cur, "create table s.mine (a int)") == "Table MINE successfully created."
            assert show(cur, "show schemas like 'S'")[0]["owner"] == role

            admin.execute(f"revoke select, insert on table {db}.public.t from role {role}")
            assert_missing(error(cur, "select * from public.t"), "Object", "PUBLIC.T", "42S02")
            admin.execute(f"revoke usage on database {db} from role {role}")
            assert_missing(error(cur, f"use database {db}"), "Database", db)
    finally:
        admin.execute(f"revoke usage on warehouse compute_wh from role {role}")


def test_warehouse_usage(server: Any, account: Account) -> None:
    admin = account.cur
    role = account.role()
    user, password = account.user(role, default_role=role)
    wh = unique("WH")
    admin.execute(f"create warehouse {wh} initially_suspended = true")
    account.warehouses.append(wh)
    admin.execute("use warehouse compute_wh")
    with login(server, user, password) as conn:
        cur = conn.cursor()
        assert show(cur, "show warehouses") == []
        exc = error(cur, f"use warehouse {wh}")
        assert exc.errno == 2003
        admin.execute(f"grant usage on warehouse {wh} to role {role}")
        cur.execute(f"use warehouse {wh}")
        assert conn.warehouse == wh
        assert [r["name"] for r in show(cur, "show warehouses")] == [wh]
        # USAGE is not OPERATE.
        assert_insufficient(error(cur, f"alter warehouse {wh} resume"), "warehouse", wh)
        admin.execute(f"grant operate on warehouse {wh} to role {role}")
        assert status(cur, f"alter warehouse {wh} resume") == OK


# -- the SPCS tutorial's setup (common-setup), minus compute pools and image repositories -----
def test_tutorial_setup_with_ownership_transfer(server: Any, account: Account) -> None:
    admin = account.cur
    test_role = unique("TEST_ROLE")
    db = unique("TUTORIAL_DB")
    wh = unique("TUTORIAL_WAREHOUSE")
    account.roles.append(test_role)
    account.databases.append(db)
    account.warehouses.append(wh)
    user, password = account.user()
    script = [
        "USE ROLE ACCOUNTADMIN",
        f"CREATE ROLE {test_role}",
        f"CREATE DATABASE IF NOT EXISTS {db}",
        f"GRANT USAGE ON DATABASE {db} TO ROLE SYSADMIN",
        f"GRANT OWNERSHIP ON DATABASE {db} TO ROLE {test_role} COPY CURRENT GRANTS",
        f"CREATE OR REPLACE WAREHOUSE {wh} WITH WAREHOUSE_SIZE='X-SMALL'",
        f"GRANT USAGE ON WAREHOUSE {wh} TO ROLE {test_role}",
        f"GRANT BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE {test_role}",
        f"GRANT ROLE {test_role} TO USER {user}",
    ]
    for sql in script:
        admin.execute(sql)
    admin.execute("use warehouse compute_wh")

    rows = show(admin, f"show grants on database {db}")
    assert columns(admin) == GRANT_ON_COLUMNS
    assert {(r["privilege"], r["grantee_name"], r["grant_option"]) for r in rows} == {
        ("OWNERSHIP", test_role, "true"), ("USAGE", "SYSADMIN", "false"),  # COPY CURRENT GRANTS kept USAGE
    }
    assert {(r["granted_on"], r["name"], r["granted_to"], r["granted_by_role_type"]) for r in rows} == {
        ("DATABASE", db, "ROLE", "ROLE")
    }
    # The copied grants are granted by the new owner from then on.
    assert [r["granted_by"] for r in rows if r["privilege"] == "USAGE"] == [test_role]
    assert show(admin, f"show databases like '{db}'")[0]["owner"] == test_role

    with login(server, user, password) as conn:
        cur = conn.cursor()
        for sql in (f"USE ROLE {test_role}", f"USE DATABASE {db}", f"USE WAREHOUSE {wh}"):
            assert status(cur, sql) == OK
        assert (conn.role, conn.database, conn.schema, conn.warehouse) == (test_role, db, "PUBLIC", wh)
        assert status(cur, "CREATE SCHEMA IF NOT EXISTS data_schema") == "Schema DATA_SCHEMA successfully created."
        assert conn.schema == "DATA_SCHEMA"
        cur.execute("select current_schema()")
        assert cur.fetchall() == [("DATA_SCHEMA",)]
        cur.execute("create table echo (msg varchar)")
        cur.execute("insert into echo values ('hello')")
        cur.execute("select msg from data_schema.echo")
        assert cur.fetchall() == [("hello",)]
        assert [r["name"] for r in show(cur, "SHOW WAREHOUSES")] == [wh]

        rows = show(cur, f"show grants to role {test_role}")
        assert columns(cur) == GRANT_TO_ROLE_COLUMNS
        assert {(r["privilege"], r["granted_on"], r["name"]) for r in rows} == {
            ("OWNERSHIP", "DATABASE", db),
            ("OWNERSHIP", "SCHEMA", f"{db}.DATA_SCHEMA"),
            ("OWNERSHIP", "TABLE", f"{db}.DATA_SCHEMA.ECHO"),
            ("USAGE", "WAREHOUSE", wh),
            ("BIND SERVICE ENDPOINT", "ACCOUNT", ACCOUNT),
        }
        assert {(r["granted_to"], r["grantee_name"]) for r in rows} == {("ROLE", test_role)}
        by_privilege = {(r["privilege"], r["granted_on"]): r for r in rows}
        assert by_privilege[("USAGE", "WAREHOUSE")]["granted_by"] == "ACCOUNTADMIN"
        assert by_privilege[("USAGE", "WAREHOUSE")]["grant_option"] == "false"

    # REVOKE CURRENT GRANTS drops the other grants on the object.
    admin.execute(f"grant ownership on database {db} to role sysadmin revoke current grants")
    assert {(r["privilege"], r["grantee_name"]) for r in show(admin, f"show grants on database {db}")} == {
        ("OWNERSHIP", "SYSADMIN")
    }


# -- role hierarchies -----------------------------------------------------------------------
def test_roles_granted_to_roles_inherit_privileges(server: Any, account: Account) -> None:
    admin = account.cur
    reader, parent = account.role("READER"), account.role("PARENT")
    user, password = account.user(parent, default_role=parent)
    db = account.database()
    admin.execute(f"create table {db}.public.t (a int)")
    admin.execute(f"insert into {db}.public.t values (42)")
    for sql in (f"grant usage on database {db} to role {reader}", f"grant usage on schema {db}.public to role {reader}",
                f"grant select on table {db}.public.t to role {reader}",
                f"grant usage on warehouse compute_wh to role {reader}"):
        admin.execute(sql)
    try:
        with login(server, user, password) as conn:
            cur = conn.cursor()
            assert_missing(error(cur, f"select * from {db}.public.t"), "Database", db)
            admin.execute(f"grant role {reader} to role {parent}")
            rows = show(admin, f"show grants of role {reader}")
            assert [(r["granted_to"], r["grantee_name"]) for r in rows] == [("ROLE", parent)]
            assert ("USAGE", "ROLE", reader, parent) in grants(admin, f"show grants to role {parent}")

            cur.execute("use warehouse compute_wh")
            cur.execute(f"select a from {db}.public.t")
            assert cur.fetchall() == [(42,)]
            # The user may now also use the inherited role itself.
            cur.execute(f"use role {reader}")
            assert conn.role == reader
            cur.execute(f"use role {parent}")
            roles = {r["name"]: r for r in show(cur, "show roles")}
            assert (roles[parent]["is_current"], roles[reader]["is_inherited"]) == ("Y", "Y")

            admin.execute(f"revoke role {reader} from role {parent}")
            assert_missing(error(cur, f"select a from {db}.public.t"), "Database", db)
    finally:
        admin.execute(f"revoke usage on warehouse compute_wh from role {reader}")


def test_drop_role_transfers_ownership(server: Any, account: Account) -> None:
    admin = account.cur
    role = account.role("OWNER")
    user, password = account.user(role, default_role=role)
    db = account.database()
    admin.execute(f"grant usage, create schema on database {db} to role {role}")
    admin.execute(f"grant usage on warehouse compute_wh to role {role}")
    with login(server, user, password, database=db, warehouse="COMPUTE_WH") as conn:
        cur = conn.cursor()
        cur.execute("create schema owned")
        cur.execute("create table owned.t (a int)")
    assert show(admin, f"show schemas like 'OWNED' in database {db}")[0]["owner"] == role

    admin.execute("use role accountadmin")
    assert status(admin, f"drop role {role}") == f"{role} successfully dropped."
    # What the dropped role owned now belongs to the role that dropped it.
    assert show(admin, f"show schemas like 'OWNED' in database {db}")[0]["owner"] == "ACCOUNTADMIN"
    assert show(admin, f"show tables in schema {db}.owned")[0]["owner"] == "ACCOUNTADMIN"
    rows = show(admin, f"show grants on table {db}.owned.t")
    assert [(r["privilege"], r["grantee_name"]) for r in rows] == [("OWNERSHIP", "ACCOUNTADMIN")]
    assert show(admin, f"show grants to user {user}") == []
    assert show(admin, f"show roles like '{role}'") == []


def test_grants_need_the_right_to_grant(server: Any, account: Account) -> None:
    admin = account.cur
    role, other = account.role(), account.role()
    user, password = account.user(role, default_role=role)
    with login(server, user, password) as conn:
        cur = conn.cursor()
        assert_insufficient(error(cur, f"grant role {other} to role {role}"), "role", other)
        assert_insufficient(error(cur, f"grant create database on account to role {role}"), "account", ACCOUNT)
        assert error(cur, f"drop role {other}").errno in (2003, 3001)
        assert [r["name"] for r in show(admin, f"show roles like '{other}'")] == [other]
    exc = error(admin, f"grant role {role} to role no_such_role_x")
    assert_missing(exc, "Role", "NO_SUCH_ROLE_X")
    exc = error(admin, "grant role no_such_role_x to user admin")
    assert_missing(exc, "Role", "NO_SUCH_ROLE_X")


def test_grant_ownership_with_dependent_grants(account: Account) -> None:
    admin = account.cur
    new_owner = account.role("NEW_OWNER")
    db = account.database()
    admin.execute(f"create schema {db}.s")
    # Nothing else granted on it: the plain form moves it.
    assert status(admin, f"grant ownership on schema {db}.s to role {new_owner}") == OK
    assert show(admin, f"show schemas like 'S' in database {db}")[0]["owner"] == new_owner

    admin.execute(f"grant usage on database {db} to role sysadmin")
    exc = error(admin, f"grant ownership on database {db} to role {new_owner}")
    assert (exc.errno, exc.sqlstate) == (3036, "23001")
    assert exc.raw_msg == (
        f"SQL execution error: Dependent grant of privilege 'USAGE' on securable '{db}' to role 'SYSADMIN' exists.  "
        "It must be revoked first.  More than one dependent grant may exist: use 'SHOW GRANTS' command to view them.  "
        "To revoke all dependent grants while transferring object ownership, use convenience command "
        "'GRANT OWNERSHIP ON <target_objects> TO <target_role> REVOKE CURRENT GRANTS'."
    )
    assert show(admin, f"show databases like '{db}'")[0]["owner"] == "ACCOUNTADMIN"
    assert status(admin, f"grant ownership on database {db} to role {new_owner} copy current grants") == OK
    assert show(admin, f"show databases like '{db}'")[0]["owner"] == new_owner
