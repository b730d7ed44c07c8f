"""snowflake.core's schemas API against the REST door: every operation, create mode and error,
and :clone copying tables, rows and views."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import Server, rest, unique
from snowflake.core import Clone, CreateMode, PointOfTimeOffset, Root
from snowflake.core.database import Database
from snowflake.core.exceptions import APIError, ConflictError, ForbiddenError, NotFoundError
from snowflake.core.schema import Schema

OK = {"status": "Request successfully completed"}





def code_of(err: pytest.ExceptionInfo[APIError]) -> str:
    return str(json.loads(err.value.body)["code"])


def show_schema(cur: Any, db: str, name: str) -> dict[str, Any]:
    cur.execute(f"show schemas like '{name}' in database {db}")
    names = [d.name for d in cur.description]
    (row,) = cur.fetchall()
    return dict(zip(names, row, strict=True))


def test_create_fetch_list_drop(root: Root, cur: Any, db: str) -> None:
    schemas = root.databases[db].schemas
    schemas.create(Schema(name="rest_schema", comment="over REST", data_retention_time_in_days=3))
    sc = schemas["REST_SCHEMA"].fetch()
    assert (sc.name, sc.kind, sc.database_name, sc.owner, sc.owner_role_type) == (
        "REST_SCHEMA", "PERMANENT", db, "ACCOUNTADMIN", "ROLE")
    assert (sc.comment, sc.managed_access, sc.options, sc.is_default) == ("over REST", False, "", False)
    assert (sc.retention_time, sc.data_retention_time_in_days) == (3, 3)
    assert (sc.log_level, sc.max_data_extension_time_in_days, sc.pipe_execution_paused) == ("OFF", 14, False)
    assert sc.created_on is not None and sc.dropped_on is None
    assert [s.name for s in schemas.iter()] == ["PUBLIC", "REST_SCHEMA"]
    # One domain: the SQL door sees the schema made over REST.
    row = show_schema(cur, db, "REST_SCHEMA")
    assert (row["name"], row["database_name"], row["comment"], row["owner"]) == (
        "REST_SCHEMA", db, "over REST", "ACCOUNTADMIN")
    schemas["rest_schema"].drop()
    with pytest.raises(NotFoundError) as err:
        schemas["REST_SCHEMA"].fetch()
    assert code_of(err) == "002003"
    assert f"Schema '{db}.REST_SCHEMA' does not exist or not authorized." in str(err.value)


def test_tutorial_body_and_sql_made_schemas(server: Server, conn: Any, root: Root, cur: Any, db: str) -> None:
    body = {"name": "data_schema", "kind": "PERMANENT", "managed_access": False, "dropped_on": None}
    for _ in range(2):
        assert rest(server, conn, "POST", f"/api/v2/databases/{db}/schemas?createMode=ifNotExists", body) == (200, OK)
    assert root.databases[db].schemas["data_schema"].fetch().name == "DATA_SCHEMA"
    # The REST call did not make the schema the connection's current one.
    cur.execute("select current_schema()")
    assert cur.fetchone()[0] == "PUBLIC"
    cur.execute(f"create transient schema {db}.sql_made with managed access comment = 'from SQL'")
    sc = root.databases[db].schemas["SQL_MADE"].fetch()
    assert (sc.kind, sc.managed_access, sc.options, sc.comment) == (
        "TRANSIENT", True, "TRANSIENT, MANAGED ACCESS", "from SQL")


def test_create_modes_and_kinds(root: Root, cur: Any, db: str) -> None:
    schemas = root.databases[db].schemas
    schemas.create(Schema(name="S1", kind="TRANSIENT", managed_access=True))
    sc = schemas["S1"].fetch()
    assert (sc.kind, sc.managed_access, sc.options) == ("TRANSIENT", True, "TRANSIENT, MANAGED ACCESS")
    row = show_schema(cur, db, "S1")
    assert row["options"] == "TRANSIENT, MANAGED ACCESS"
    cur.execute(f"create table {db}.s1.t (a int)")
    with pytest.raises(ConflictError) as err:
        schemas.create(Schema(name="S1"))
    assert code_of(err) == "002002"
    schemas.create(Schema(name="S1", comment="kept?"), mode=CreateMode.if_not_exists)
    assert schemas["S1"].fetch().comment is None
    schemas.create(Schema(name="S1", comment="replaced"), mode=CreateMode.or_replace)
    sc = schemas["S1"].fetch()
    assert (sc.kind, sc.comment, sc.managed_access) == ("PERMANENT", "replaced", False)
    # Replacing a schema drops what was in it.
    cur.execute(f"show tables in schema {db}.s1")
    assert cur.fetchall() == []
    # Quoted names stay exact.
    schemas.create(Schema(name='"mixed Case"'))
    assert schemas['"mixed Case"'].fetch().name == '"mixed Case"'
    assert '"mixed Case"' in [s.name for s in schemas.iter(like="mixed%")]


def test_list_filters(server: Server, conn: Any, root: Root, db: str) -> None:
    schemas = root.databases[db].schemas
    for name in ("ALPHA_1", "ALPHA_2", "BETA_1"):
        schemas.create(Schema(name=name))
    assert [s.name for s in schemas.iter(like="alpha%")] == ["ALPHA_1", "ALPHA_2"]
    assert [s.name for s in schemas.iter(starts_with="BETA")] == ["BETA_1"]
    assert [s.name for s in schemas.iter(like="%_1", limit=1)] == ["ALPHA_1"]
    assert [s.name for s in schemas.iter(from_name="B")] == ["BETA_1", "PUBLIC"]
    code, answer = rest(server, conn, "GET", f"/api/v2/databases/{db}/schemas?history=True&like=BETA%25")
    assert code == 200 and [s["name"] for s in answer] == ["BETA_1"]
    with pytest.raises(NotFoundError) as err:
        list(root.databases["NO_SUCH_DB_X"].schemas.iter())
    assert "Database 'NO_SUCH_DB_X' does not exist or not authorized." in str(err.value)


def test_create_or_alter(root: Root, db: str) -> None:
    schemas = root.databases[db].schemas
    ref = schemas["COA"]
    ref.create_or_alter(Schema(name="COA", kind="TRANSIENT", comment="one", log_level="INFO"))
    sc = ref.fetch()
    assert (sc.kind, sc.comment, sc.log_level) == ("TRANSIENT", "one", "INFO")
    ref.create_or_alter(Schema(name="COA", kind="TRANSIENT", managed_access=True, data_retention_time_in_days=0))
    sc = ref.fetch()
    # What the definition leaves out is unset.
    assert (sc.comment, sc.log_level, sc.managed_access, sc.data_retention_time_in_days) == (None, "OFF", True, 0)
    # A fetched model goes back as it came, changes and all.
    fetched = ref.fetch()
    fetched.comment = "my new comment"
    fetched.max_data_extension_time_in_days = 7
    fetched.user_task_timeout_ms = 3600001
    fetched.managed_access = None
    ref.create_or_alter(fetched)
    sc = ref.fetch()
    assert (sc.comment, sc.max_data_extension_time_in_days, sc.user_task_timeout_ms, sc.managed_access) == (
        "my new comment", 7, 3600001, False)
    # The kind of an existing schema cannot change.
    with pytest.raises(APIError) as err:
        ref.create_or_alter(Schema(name="COA", kind="PERMANENT"))
    assert err.value.status == 400 and code_of(err) == "002040"


def test_drop(server: Server, conn: Any, root: Root, cur: Any, db: str) -> None:
    schemas = root.databases[db].schemas
    schemas.create(Schema(name="GONE"))
    cur.execute(f"use schema {db}.gone")
    schemas["GONE"].drop()
    # Like DROP SCHEMA, dropping the session's current schema leaves it without one.
    cur.execute("select current_database(), current_schema()")
    assert cur.fetchone() == (db, None)
    schemas["GONE"].drop(if_exists=True)
    with pytest.raises(NotFoundError):
        schemas["GONE"].drop()
    schemas.create(Schema(name="GONE"))
    assert rest(server, conn, "DELETE", f"/api/v2/databases/{db}/schemas/GONE?restrict=True") == (200, OK)
    with pytest.raises(NotFoundError):
        root.databases["NO_SUCH_DB_X"].schemas["GONE"].drop(if_exists=True)


def test_clone_copies_tables_rows_and_views(root: Root, cur: Any, db: str) -> None:
    cur.execute(f"create schema {db}.src")
    cur.execute(f"create table {db}.src.orders (id int, item varchar)")
    cur.execute(f"insert into {db}.src.orders values (1, 'tea'), (2, 'cake')")
    cur.execute(f"create view {db}.src.cheap as select item from orders where id = 1")
    cur.execute(f"create view {db}.src.cheaper as select * from cheap")
    schemas = root.databases[db].schemas
    schemas.create(Schema(name="copy", comment="a copy"), clone="src")
    sc = schemas["COPY"].fetch()
    assert (sc.comment, sc.kind, sc.owner) == ("a copy", "PERMANENT", "ACCOUNTADMIN")
    cur.execute(f"select * from {db}.copy.orders order by id")
    assert cur.fetchall() == [(1, "tea"), (2, "cake")]
    # The copy is a copy: changing the source changes nothing in it, and its views read the copy.
    cur.execute(f"update {db}.src.orders set item = 'coffee' where id = 1")
    cur.execute(f"select * from {db}.copy.cheaper")
    assert cur.fetchall() == [("tea",)]
    cur.execute(f"show objects in schema {db}.copy")
    assert sorted((r[1], r[4]) for r in cur.fetchall()) == [("CHEAP", "VIEW"), ("CHEAPER", "VIEW"), ("ORDERS", "TABLE")]
    # Create modes apply to the clone's name.
    with pytest.raises(ConflictError):
        schemas.create(Schema(name="copy"), clone="src")
    schemas.create(Schema(name="copy", comment="not me"), clone="src", mode=CreateMode.if_not_exists)
    assert schemas["COPY"].fetch().comment == "a copy"
    schemas.create(Schema(name="copy", kind="TRANSIENT"), clone="src", mode=CreateMode.or_replace)
    assert schemas["COPY"].fetch().kind == "TRANSIENT"
    cur.execute(f"select item from {db}.copy.cheap")
    assert cur.fetchall() == [("coffee",)]


def test_clone_into_another_database(root: Root, cur: Any, db: str) -> None:
    other = unique("RDB")
    cur.execute(f"create table {db}.public.t (a int)")
    cur.execute(f"insert into {db}.public.t values (7)")
    cur.execute(f"create view {db}.public.v as select a + 1 as b from t")
    try:
        root.databases.create(Database(name=other))
        root.databases[other].schemas.create(Schema(name="FROM_ELSEWHERE"), clone=Clone(source=f"{db}.public"))
        cur.execute(f"select * from {other}.from_elsewhere.t")
        assert cur.fetchall() == [(7,)]
        cur.execute(f"insert into {db}.public.t values (8)")
        cur.execute(f"select b from {other}.from_elsewhere.v")
        assert cur.fetchall() == [(8,)]
        # Cloning a missing schema, or into a missing database, is a 404.
        with pytest.raises(NotFoundError):
            root.databases[other].schemas.create(Schema(name="X"), clone=Clone(source=f"{db}.no_such_schema"))
        with pytest.raises(NotFoundError):
            root.databases["NO_SUCH_DB_X"].schemas.create(Schema(name="X"), clone=Clone(source=f"{db}.public"))
        # No time travel: a point in time is refused.
        with pytest.raises(APIError) as err:
            root.databases[other].schemas.create(
                Schema(name="PAST"), clone=Clone(source=f"{db}.public", point_of_time=PointOfTimeOffset(
                    reference="at", when="-5")),
            )
        assert err.value.status == 400 and code_of(err) == "002040"
    finally:
        cur.execute(f"drop database if exists {other}")


def test_undrop_and_tags(server: Server, conn: Any, root: Root, db: str) -> None:
    schemas = root.databases[db].schemas
    schemas.create(Schema(name="S"))
    schemas["S"].drop()
    with pytest.raises(APIError) as err:
        schemas["S"].undrop()
    assert err.value.status == 400 and code_of(err) == "002040"
    assert schemas["PUBLIC"].get_tags() == {}
    with pytest.raises(NotFoundError):
        schemas["S"].get_tags()
    code, answer = rest(server, conn, "POST", f"/api/v2/databases/{db}/schemas/PUBLIC:unset-tags", [])
    assert code == 400 and answer["code"] == "002040"


def test_privileges_apply_to_rest(server: Server, root: Root, cur: Any, db: str) -> None:
    role = unique("RROLE")
    cur.execute(f"create role {role}")
    cur.execute(f"grant role {role} to user admin")
    cur.execute(f"create schema {db}.private")
    hidden = unique("RDB")
    cur.execute(f"create database {hidden}")
    try:
        with server.connect(role=role) as conn:
            mine = Root(conn)
            # A database the role cannot see does not exist for it.
            with pytest.raises(NotFoundError) as err:
                list(mine.databases[hidden].schemas.iter())
            assert f"Database '{hidden}' does not exist or not authorized." in str(err.value)
            with pytest.raises(NotFoundError):
                mine.databases[hidden].schemas.create(Schema(name="S"))
            with pytest.raises(NotFoundError):
                mine.databases[hidden].schemas["PUBLIC"].fetch()
            # USAGE on the database: it is seen, but making a schema needs CREATE SCHEMA.
            cur.execute(f"grant usage on database {db} to role {role}")
            with pytest.raises(ForbiddenError) as err:
                mine.databases[db].schemas.create(Schema(name="MINE"))
            assert code_of(err) == "003001"
            # Schemas without a privilege of the role's are invisible to it.
            assert "PRIVATE" not in [s.name for s in mine.databases[db].schemas.iter()]
            with pytest.raises(NotFoundError):
                mine.databases[db].schemas["PRIVATE"].fetch()
            with pytest.raises(NotFoundError):
                mine.databases[db].schemas["PRIVATE"].drop()
            # Seen with USAGE, but dropping and altering it are the owner's.
            cur.execute(f"grant usage on schema {db}.private to role {role}")
            assert mine.databases[db].schemas["PRIVATE"].fetch().owner == "ACCOUNTADMIN"
            with pytest.raises(ForbiddenError):
                mine.databases[db].schemas["PRIVATE"].drop()
            with pytest.raises(ForbiddenError):
                mine.databases[db].schemas.create(Schema(name="MINE"), clone="PRIVATE")
            with pytest.raises(ForbiddenError):
                mine.databases[db].schemas["PRIVATE"].create_or_alter(Schema(name="PRIVATE", comment="mine"))
            # With CREATE SCHEMA the role makes and owns schemas, clones included.
            cur.execute(f"grant create schema on database {db} to role {role}")
            mine.databases[db].schemas.create(Schema(name="MINE"))
            mine.databases[db].schemas.create(Schema(name="MINE_TOO"), clone="PRIVATE")
            assert mine.databases[db].schemas["MINE_TOO"].fetch().owner == role
            mine.databases[db].schemas["MINE"].drop()
    finally:
        cur.execute(f"drop database if exists {hidden}")
        cur.execute(f"drop role if exists {role}")


def test_bad_input_is_a_4xx_with_a_json_error(server: Server, conn: Any, db: str) -> None:
    base = f"/api/v2/databases/{db}/schemas"
    cases = [
        ("POST", f"{base}?createMode=sometimes", {"name": "x"}),
        ("POST", base, b"{not json"),
        ("POST", base, {"comment": "no name"}),
        ("POST", base, {"name": "bad name!"}),
        ("POST", base, {"name": "BAD_KIND", "kind": "TEMPORARY"}),
        ("POST", f"{base}?kind=SOMETIMES", {"name": "BAD_KIND"}),
        ("POST", base, {"name": "BAD_BOOL", "managed_access": "yes"}),
        ("POST", base, {"name": "BAD_INT", "data_retention_time_in_days": "1"}),
        ("PUT", f"{base}/ONE_NAME", {"name": "OTHER_NAME"}),
        ("DELETE", f"{base}/NOPE?ifExists=maybe", None),
        ("DELETE", f"{base}/NOPE?restrict=maybe", None),
        ("GET", f"{base}?history=maybe", None),
        ("GET", f"{base}?showLimit=many", None),
        ("GET", f"{base}/%22unterminated", None),
        ("POST", f"{base}/PUBLIC:clone?targetDatabase=bad%20db", {"name": "C"}),
        ("POST", f"{base}/PUBLIC:clone", {"kind": "PERMANENT"}),
        ("POST", f"{base}/PUBLIC:undrop", None),
    ]
    for method, path, body in cases:
        code, answer = rest(server, conn, method, path, body)
        assert code == 400, (method, path, body, answer)
        assert answer["message"] and answer["code"] and answer["request_id"]
    code, answer = rest(server, conn, "GET", f"{base}?like=BAD%25")
    assert code == 200 and answer == []
