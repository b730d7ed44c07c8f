"""snowflake.core's warehouses API against the REST door: every operation, create mode, state and error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Server, rest, unique
from snowflake.core import CreateMode, Root
from snowflake.core.exceptions import APIError, ConflictError, ForbiddenError, NotFoundError
from snowflake.core.warehouse import Warehouse

OK = {"status": "Request successfully completed"}




@pytest.fixture
def wh_name(cur: Any) -> Iterator[str]:
    """A warehouse name for one test; whatever it names is dropped afterwards."""
    name = unique("RWH")
    yield name
    cur.execute("use role accountadmin")
    cur.execute(f"drop warehouse if exists {name}")



def code_of(err: pytest.ExceptionInfo[APIError]) -> str:
    return str(json.loads(err.value.body)["code"])


def test_create_fetch_list_drop(root: Root, cur: Any, wh_name: str) -> None:
    root.warehouses.create(Warehouse(
        name=wh_name.lower(), warehouse_size="SMALL", auto_suspend=300, auto_resume="false", comment="over REST",
        max_concurrency_level=4, statement_timeout_in_seconds=1000,
    ))
    wh = root.warehouses[wh_name].fetch()
    assert (wh.name, wh.warehouse_size, wh.size, wh.warehouse_type, wh.type) == (
        wh_name, "Small", "Small", "STANDARD", "STANDARD")
    assert (wh.auto_suspend, wh.auto_resume, wh.initially_suspended, wh.enable_query_acceleration) == (
        300, "false", "false", "false")
    assert (wh.max_cluster_count, wh.min_cluster_count, wh.max_concurrency_level, wh.statement_timeout_in_seconds) == (
        1, 1, 4, 1000)
    assert (wh.state, wh.comment, wh.owner, wh.owner_role_type, wh.scaling_policy) == (
        "STARTED", "over REST", "ACCOUNTADMIN", "ROLE", "STANDARD")
    assert (wh.running, wh.queued, wh.started_clusters, wh.is_default) == (0, 0, 1, False)
    assert wh.created_on is not None and wh.resumed_on is not None and wh.updated_on is not None
    assert [w.name for w in root.warehouses.iter(like=wh_name.lower())] == [wh_name]
    assert wh_name in [w.name for w in root.warehouses.iter()]
    # One domain: the SQL door sees the warehouse made over REST.
    cur.execute(f"show warehouses like '{wh_name}'")
    row = cur.fetchone()
    assert (row[0], row[1], row[3], row[11], row[12], row[21]) == (wh_name, "STARTED", "Small", 300, "false", "over REST")
    root.warehouses[wh_name].drop()
    with pytest.raises(NotFoundError) as err:
        root.warehouses[wh_name].fetch()
    assert code_of(err) == "002003"
    assert "does not exist or not authorized" in str(err.value)


def test_rest_sees_sql_warehouses(root: Root, cur: Any, wh_name: str) -> None:
    cur.execute(f"create warehouse {wh_name} warehouse_size = 'X-LARGE' initially_suspended = true auto_suspend = null")
    wh = root.warehouses[wh_name].fetch()
    assert (wh.warehouse_size, wh.state, wh.initially_suspended, wh.auto_suspend) == ("X-Large", "SUSPENDED", "true", None)
    # The built-in COMPUTE_WH passes the client's models too.
    assert root.warehouses["COMPUTE_WH"].fetch().name == "COMPUTE_WH"


def test_tutorial_body(server: Server, conn: Any, root: Root, wh_name: str) -> None:
    body = {"name": wh_name.lower(), "warehouse_size": "X-SMALL"}
    for _ in range(2):
        assert rest(server, conn, "POST", "/api/v2/warehouses?createMode=ifNotExists", body) == (200, OK)
    wh = root.warehouses[wh_name].fetch()
    assert (wh.warehouse_size, wh.size, wh.state) == ("X-Small", "X-Small", "STARTED")
    code, raw = rest(server, conn, "GET", f"/api/v2/warehouses/{wh_name}")
    assert code == 200
    assert raw["auto_resume"] == "true" and raw["auto_suspend"] == 600 and isinstance(raw["max_cluster_count"], int)


def test_create_modes(root: Root, wh_name: str) -> None:
    root.warehouses.create(Warehouse(name=wh_name, comment="first"))
    with pytest.raises(ConflictError) as err:
        root.warehouses.create(Warehouse(name=wh_name))
    assert code_of(err) == "002002"
    root.warehouses.create(Warehouse(name=wh_name, comment="kept?"), mode=CreateMode.if_not_exists)
    assert root.warehouses[wh_name].fetch().comment == "first"
    root.warehouses.create(
        Warehouse(name=wh_name, comment="replaced", initially_suspended="true"), mode=CreateMode.or_replace
    )
    wh = root.warehouses[wh_name].fetch()
    assert (wh.comment, wh.state, wh.initially_suspended) == ("replaced", "SUSPENDED", "true")


def test_create_or_alter(root: Root, wh_name: str) -> None:
    ref = root.warehouses[wh_name]
    ref.create_or_alter(Warehouse(name=wh_name))
    assert ref.fetch().warehouse_size == "X-Small"
    ref.create_or_alter(Warehouse(name=wh_name))  # an empty alter is fine
    ref.create_or_alter(Warehouse(name=wh_name, warehouse_size="LARGE", comment="Hey", auto_suspend=120))
    wh = ref.fetch()
    assert (wh.warehouse_size, wh.comment, wh.auto_suspend) == ("Large", "Hey", 120)
    # What the definition leaves out goes back to its default; INITIALLY_SUSPENDED only applies
    # when the warehouse is made, and the state stays as it is.
    ref.create_or_alter(Warehouse(name=wh_name, warehouse_type="STANDARD", initially_suspended="true"))
    wh = ref.fetch()
    assert (wh.warehouse_size, wh.comment, wh.auto_suspend, wh.state) == ("X-Small", None, 600, "STARTED")
    # A fetched model goes back as it came (read-only and deprecated fields are ignored).
    fetched = ref.fetch()
    fetched.size = "LARGE"
    fetched.warehouse_size = "MEDIUM"
    ref.create_or_alter(fetched)
    assert ref.fetch().warehouse_size == "Medium"


def test_suspend_resume_abort(root: Root, wh_name: str) -> None:
    ref = root.warehouses.create(Warehouse(name=wh_name))
    ref.suspend()
    assert next(root.warehouses.iter(like=wh_name)).state == "SUSPENDED"
    with pytest.raises(ConflictError) as err:
        ref.suspend()
    assert code_of(err) == "090064"
    ref.resume()
    wh = next(root.warehouses.iter(like=wh_name))
    assert (wh.state, wh.started_clusters) == ("STARTED", 1)
    with pytest.raises(ConflictError) as err:
        ref.resume()
    assert code_of(err) == "090063"
    ref.abort_all_queries()
    wh = ref.fetch()
    assert (wh.running, wh.queued) == (0, 0)
    ref.drop()
    ref.suspend(if_exists=True)
    ref.resume(if_exists=True)
    ref.abort_all_queries(if_exists=True)
    for call in (ref.suspend, ref.resume, ref.abort_all_queries):
        with pytest.raises(NotFoundError):
            call()
    with pytest.raises(NotFoundError):
        ref.drop()
    ref.drop(if_exists=True)


def test_rename(root: Root, cur: Any, wh_name: str) -> None:
    new_name = wh_name + "_NEW"
    try:
        ref = root.warehouses.create(Warehouse(name=wh_name))
        ref.rename(new_name.lower())
        assert list(root.warehouses.iter(like=wh_name)) == []
        assert root.warehouses[new_name].fetch().name == new_name
        with pytest.raises(NotFoundError):
            ref.fetch()
        with pytest.raises(NotFoundError):
            ref.rename("ANOTHER")
        ref.rename("ANOTHER", if_exists=True)
        root.warehouses.create(Warehouse(name=wh_name))
        with pytest.raises(ConflictError) as err:
            root.warehouses[new_name].rename(wh_name)
        assert code_of(err) == "002002"
        cur.execute(f"show warehouses like '{new_name}'")
        assert cur.fetchone()[0] == new_name
    finally:
        cur.execute(f"drop warehouse if exists {new_name}")


def test_use_changes_the_session(server: Server, wh_name: str, root: Root, db: str) -> None:
    root.warehouses.create(Warehouse(name=wh_name, initially_suspended="true"))
    with server.connect() as conn:
        own = Root(conn)
        with conn.cursor() as cur:
            cur.execute("use warehouse compute_wh")
            cur.execute(f"create table {db}.public.t (a int)")
            assert own.warehouses[wh_name].fetch().is_current is False
            own.warehouses[wh_name].use_warehouse()
            cur.execute("select current_warehouse()")
            assert cur.fetchone()[0] == wh_name
            assert own.warehouses[wh_name].fetch().is_current is True
            # Queries run on it: a suspended warehouse with AUTO_RESUME resumes.
            cur.execute(f"select count(*) from {db}.public.t")
            assert own.warehouses[wh_name].fetch().state == "STARTED"
            # Renaming the current warehouse keeps it current under the new name.
            own.warehouses[wh_name].rename(wh_name + "_R")
            cur.execute("select current_warehouse()")
            assert cur.fetchone()[0] == wh_name + "_R"
            own.warehouses[wh_name + "_R"].rename(wh_name)
        with pytest.raises(NotFoundError):
            own.warehouses["NO_SUCH_WAREHOUSE"].use_warehouse()


def test_other_rest_calls_leave_the_session_alone(server: Server, wh_name: str) -> None:
    with server.connect() as conn, conn.cursor() as cur:
        cur.execute("use warehouse compute_wh")
        Root(conn).warehouses.create(Warehouse(name=wh_name))
        cur.execute("select current_warehouse()")
        assert cur.fetchone()[0] == "COMPUTE_WH"


def test_privileges_apply_to_rest(server: Server, root: Root, cur: Any, wh_name: str) -> None:
    root.warehouses.create(Warehouse(name=wh_name))
    with server.connect(role="PUBLIC") as public:
        public_root = Root(public)
        with pytest.raises(ForbiddenError) as err:
            public_root.warehouses.create(Warehouse(name=unique("RWH")))
        assert code_of(err) == "003001"
        # Without a privilege on it, the warehouse does not exist for PUBLIC.
        with pytest.raises(NotFoundError):
            public_root.warehouses[wh_name].fetch()
        with pytest.raises(NotFoundError):
            public_root.warehouses[wh_name].use_warehouse()
        assert wh_name not in [w.name for w in public_root.warehouses.iter()]
        # USAGE shows it and lets the session use it, but operating, changing and dropping it need more.
        cur.execute(f"grant usage on warehouse {wh_name} to role public")
        assert public_root.warehouses[wh_name].fetch().name == wh_name
        public_root.warehouses[wh_name].use_warehouse()
        for call in (
            public_root.warehouses[wh_name].suspend,
            public_root.warehouses[wh_name].abort_all_queries,
            public_root.warehouses[wh_name].drop,
            lambda: public_root.warehouses[wh_name].create_or_alter(Warehouse(name=wh_name, comment="mine")),
            lambda: public_root.warehouses[wh_name].rename("STOLEN"),
        ):
            with pytest.raises(ForbiddenError) as err:
                call()
            assert code_of(err) == "003001"
        cur.execute(f"grant operate on warehouse {wh_name} to role public")
        public_root.warehouses[wh_name].suspend()
        assert root.warehouses[wh_name].fetch().state == "SUSPENDED"


def test_adaptive_actions_and_tags(server: Server, conn: Any, root: Root, wh_name: str) -> None:
    root.warehouses.create(Warehouse(name=wh_name))
    for verb in ("enable", "disable"):
        code, answer = rest(server, conn, "POST", f"/api/v2/warehouses/{wh_name}:{verb}")
        assert code == 400 and answer["code"] == "002040", answer
        code, answer = rest(server, conn, "POST", f"/api/v2/warehouses/NO_SUCH_WH_X:{verb}")
        assert code == 404 and answer["code"] == "002003"
        assert rest(server, conn, "POST", f"/api/v2/warehouses/NO_SUCH_WH_X:{verb}?ifExists=True") == (200, OK)
    assert root.warehouses[wh_name].get_tags() == {}
    with pytest.raises(NotFoundError):
        root.warehouses["NO_SUCH_WH_X"].get_tags()
    code, answer = rest(server, conn, "POST", f"/api/v2/warehouses/{wh_name}:set-tags", [])
    assert code == 400 and answer["message"]


def test_bad_input_is_a_4xx_with_a_json_error(server: Server, conn: Any) -> None:
    cases = [
        ("POST", "/api/v2/warehouses?createMode=sometimes", {"name": "x"}),
        ("POST", "/api/v2/warehouses", b"{not json"),
        ("POST", "/api/v2/warehouses", {"comment": "no name"}),
        ("POST", "/api/v2/warehouses", {"name": "bad name!"}),
        ("POST", "/api/v2/warehouses", {"name": "BAD_SIZE_WH", "warehouse_size": "HUGE"}),
        ("POST", "/api/v2/warehouses", {"name": "BAD_INT_WH", "auto_suspend": "soon"}),
        ("POST", "/api/v2/warehouses", {"name": "BAD_BOOL_WH", "auto_resume": "maybe"}),
        ("POST", "/api/v2/warehouses", {"name": "BAD_TYPE_WH", "warehouse_type": "HUGE"}),
        ("POST", "/api/v2/warehouses", {"name": "BAD_POLICY_WH", "scaling_policy": "FAST"}),
        ("POST", "/api/v2/warehouses", {"name": "BAD_COMMENT_WH", "comment": 5}),
        ("POST", "/api/v2/warehouses", {"name": "BAD_NESTED_WH", "max_cluster_count": [1]}),
        ("PUT", "/api/v2/warehouses/ONE_NAME", {"name": "OTHER_NAME"}),
        ("DELETE", "/api/v2/warehouses/NOPE_NOT_HERE?ifExists=maybe", None),
        ("GET", "/api/v2/warehouses/%22unterminated", None),
        ("POST", "/api/v2/warehouses/COMPUTE_WH:rename", {"comment": "no name"}),
    ]
    for method, path, body in cases:
        code, answer = rest(server, conn, method, path, body)
        assert code == 400, (path, body, answer)
        assert answer["message"] and answer["code"] and answer["request_id"]
    # Nothing was made, and the server still answers.
    code, answer = rest(server, conn, "GET", "/api/v2/warehouses?like=BAD%25")
    assert code == 200 and answer == []
