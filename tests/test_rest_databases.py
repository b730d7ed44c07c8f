"""snowflake.core's databases API against the REST door: every operation, create mode and error."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from conftest import Server, rest, unique
from snowflake.core import CreateMode, Root
from snowflake.core.database import Database
from snowflake.core.exceptions import ConflictError, NotFoundError


def test_create_fetch_list_drop(root: Root, cur: Any) -> None:
    name = unique("RDB")
    root.databases.create(Database(name=name.lower(), comment="made over REST"))
    db = root.databases[name].fetch()
    assert (db.name, db.comment, db.kind, db.owner) == (name, "made over REST", "PERMANENT", "ACCOUNTADMIN")
    assert db.created_on is not None
    assert name in [d.name for d in root.databases.iter(like=f"{name[:6]}%")]
    # The SQL door sees the same object: one domain.
    cur.execute(f"show databases like '{name}'")
    assert cur.fetchone()[1] == name
    root.databases[name].drop()
    with pytest.raises(NotFoundError) as err:
        root.databases[name].fetch()
    assert "does not exist or not authorized" in str(err.value)


def test_create_modes(root: Root) -> None:
    name = unique("RDB")
    root.databases.create(Database(name=name))
    with pytest.raises(ConflictError) as err:
        root.databases.create(Database(name=name))
    assert "002002" in str(err.value)
    root.databases.create(Database(name=name, comment="kept?"), mode=CreateMode.if_not_exists)
    assert root.databases[name].fetch().comment is None
    root.databases.create(Database(name=name, comment="replaced"), mode=CreateMode.or_replace)
    assert root.databases[name].fetch().comment == "replaced"
    root.databases[name].drop()


def test_create_or_alter_transient_and_drop_if_exists(root: Root) -> None:
    name = unique("RDB")
    root.databases[name].create_or_alter(Database(name=name, kind="TRANSIENT", comment="one"))
    assert (root.databases[name].fetch().kind, root.databases[name].fetch().comment) == ("TRANSIENT", "one")
    root.databases[name].create_or_alter(Database(name=name, kind="TRANSIENT", comment="two"))
    assert root.databases[name].fetch().comment == "two"
    root.databases[name].drop()
    root.databases[name].drop(if_exists=True)
    with pytest.raises(NotFoundError):
        root.databases[name].drop()


def test_quoted_names(root: Root) -> None:
    # A slash inside a quoted name arrives as %2F and must stay one path parameter.
    for name in ('"mixed Case db"', '"a/b c"', '"x/"'):
        root.databases.create(Database(name=name))
        assert root.databases[name].fetch().name == name
        assert name in [d.name for d in root.databases.iter()]
        root.databases[name].drop()


def test_privileges_apply_to_rest(server: Server, root: Root) -> None:
    from snowflake.core.exceptions import ForbiddenError

    with server.connect(role="PUBLIC") as public:
        public_root = Root(public)
        with pytest.raises(ForbiddenError) as err:
            public_root.databases.create(Database(name=unique("RDB")))
        assert "003001" in str(err.value)
        hidden = unique("RDB")
        root.databases.create(Database(name=hidden))
        with pytest.raises(NotFoundError):
            public_root.databases[hidden].fetch()
        assert hidden not in [d.name for d in public_root.databases.iter()]
        root.databases[hidden].drop()


def test_bad_input_is_a_4xx_with_a_json_error(server: Server, conn: Any) -> None:
    cases = [
        ("POST", "/api/v2/databases?createMode=sometimes", b'{"name": "x"}', 400),
        ("POST", "/api/v2/databases", b"{not json", 400),
        ("POST", "/api/v2/databases", b'{"comment": "no name"}', 400),
        ("POST", "/api/v2/databases", b'{"name": "bad name!"}', 400),
        ("DELETE", "/api/v2/databases/NOPE_NOT_HERE?ifExists=maybe", None, 400),
        ("GET", "/api/v2/databases/%22unterminated", None, 400),
        ("POST", "/api/v2/databases/X:undrop", None, 400),
    ]
    for method, path, body, status in cases:
        code, answer = rest(server, conn, method, path, body)
        assert code == status, (path, answer)
        assert answer["message"] and answer["code"] and answer["request_id"]
    # The catalog is untouched and the server still answers.
    code, answer = rest(server, conn, "GET", "/api/v2/databases?like=X")
    assert code == 200 and answer == []


def test_rest_needs_a_session(server: Server) -> None:
    request = urllib.request.Request(server.url + "/api/v2/databases", headers={"Authorization": 'Snowflake Token="nope"'})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    assert err.value.code == 401
    assert json.loads(err.value.read())["code"] == "390111"


def test_long_calls_answer_202_and_the_client_polls(fresh_server: Server) -> None:
    """With SNOWFORT_REST_ASYNC_AFTER=0 every REST call outlives its request: the server answers
    202 + Location and snowflake.core polls /api/v2/results/<handle> for the real answer."""
    fresh_server.env["SNOWFORT_REST_ASYNC_AFTER"] = "0"
    fresh_server.start()
    with fresh_server.connect() as conn:
        root = Root(conn)
        name = unique("RDB")
        root.databases.create(Database(name=name))
        assert root.databases[name].fetch().name == name
        with pytest.raises(ConflictError):
            root.databases.create(Database(name=name))
        code, answer = rest(fresh_server, conn, "GET", f"/api/v2/databases/{name}")
        assert code == 202 and answer["resultHandler"]
        handle = answer["resultHandler"]
        for _ in range(10):  # each poll waits up to 5 s for the call to end
            code, answer = rest(fresh_server, conn, "GET", f"/api/v2/results/{handle}")
            if code != 202:
                break
        assert (code, answer["name"]) == (200, name)
        code, answer = rest(fresh_server, conn, "GET", "/api/v2/results/no-such-handle")
        assert code == 404
