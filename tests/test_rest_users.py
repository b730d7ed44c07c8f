"""snowflake.core's users API against the REST door: every operation of user.yaml, each create
mode, create-or-alter, roles granted to users, the password never answered, and the errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Server, rest, unique
from snowflake.core import CreateMode, Root
from snowflake.core.exceptions import APIError, ConflictError, ForbiddenError, NotFoundError
from snowflake.core.role import Role
from snowflake.core.user import Securable, User


@pytest.fixture
def user(root: Root) -> Iterator[str]:
    name = unique("RUSER")
    root.users.create(User(name=name, password="pw-1"))
    yield name
    root.users[name].drop(if_exists=True)



def test_create_fetch_list_drop(server: Server, conn: Any, root: Root, cur: Any) -> None:
    name = unique("RUSER")
    root.users.create(User(
        name=name.lower(), password="secret-1", display_name="Ada", first_name="Ada", last_name="Lovelace",
        email="ada@example.com", must_change_password=False, disabled=False, days_to_expiry=30, mins_to_unlock=5,
        default_warehouse="compute_wh", default_role="public", default_namespace="db1.s1",
        default_secondary_roles="ALL", mins_to_bypass_mfa=10, type="PERSON", comment="made over REST",
    ))
    u = root.users[name].fetch()
    assert (u.name, u.login_name, u.display_name, u.first_name, u.last_name, u.email) == (
        name, name, "Ada", "Ada", "Lovelace", "ada@example.com")
    assert (u.disabled, u.must_change_password, u.days_to_expiry, u.mins_to_unlock, u.mins_to_bypass_mfa) == (
        False, False, 30, 5, 10)
    # Names of objects are taken like the SQL door's bare names.
    assert (u.default_warehouse, u.default_role, u.default_namespace) == ("COMPUTE_WH", "PUBLIC", "DB1.S1")
    assert (u.default_secondary_roles, u.type, u.comment, u.owner) == ("ALL", "PERSON", "made over REST", "ACCOUNTADMIN")
    assert u.has_password is True and u.password is None and u.created_on is not None
    # The password never comes back, not even hashed.
    code, raw = rest(server, conn, "GET", f"/api/v2/users/{name}")
    assert code == 200 and "password" not in raw and not any("hash" in k for k in raw)
    assert "secret-1" not in json.dumps(raw) and "hash" not in json.dumps(raw)
    # One domain: SQL sees the user, and the user logs in with the password given over REST.
    cur.execute(f"show users like '{name}'")
    row = cur.fetchone()
    assert (row[0], row[3], row[9], row[15]) == (name, "Ada", "made over REST", "PUBLIC")
    with server.connect(user=name.lower(), password="secret-1") as theirs:
        assert theirs.cursor().execute("select current_user()").fetchone()[0] == name
    assert name in [x.name for x in root.users.iter(like=f"{name[:8].lower()}%")]
    root.users[name].drop()
    with pytest.raises(NotFoundError) as err:
        root.users[name].fetch()
    assert "does not exist or not authorized" in str(err.value)
    with pytest.raises(NotFoundError):
        root.users[name].drop()
    root.users[name].drop(if_exists=True)


def test_create_modes(root: Root, user: str) -> None:
    with pytest.raises(ConflictError) as err:
        root.users.create(User(name=user))
    assert "002002" in str(err.value)
    root.users.create(User(name=user, comment="kept?"), mode=CreateMode.if_not_exists)
    assert root.users[user].fetch().comment is None
    root.users.create(User(name=user, comment="replaced"), mode=CreateMode.or_replace)
    replaced = root.users[user].fetch()
    assert (replaced.comment, replaced.has_password) == ("replaced", False)


def test_create_or_alter(server: Server, root: Root, cur: Any) -> None:
    name = unique("RUSER")
    root.users[name].create_or_alter(User(name=name, password="first-pw"))
    u = root.users[name].fetch()
    assert (u.first_name, u.last_name, u.email, u.comment, u.has_password) == (None, None, None, None, True)
    root.users[name].create_or_alter(User(
        name=name, password="second-pw", first_name="firstname", last_name="lastname", email="x@example.com",
        disabled=False, days_to_expiry=1, default_role="public", comment="test_comment",
    ))
    u = root.users[name].fetch()
    assert (u.first_name, u.last_name, u.email, u.comment, u.default_role, u.days_to_expiry) == (
        "firstname", "lastname", "x@example.com", "test_comment", "PUBLIC", 1)
    # The password is not altered by create-or-alter (Snowflake's spec), only set on creation.
    with server.connect(user=name, password="first-pw") as theirs:
        theirs.cursor().execute("select 1")
    # What the body leaves out is unset.
    root.users[name].create_or_alter(User(name=name, email="y@example.com"))
    u = root.users[name].fetch()
    assert (u.first_name, u.email, u.comment, u.default_role, u.has_password) == (None, "y@example.com", None, None, True)
    cur.execute(f"describe user {name}")
    assert dict((r[0], r[1]) for r in cur.fetchall())["EMAIL"] == "y@example.com"
    root.users[name].drop()


def test_privileges_apply_to_rest(server: Server, root: Root, user: str) -> None:
    with server.connect(role="PUBLIC") as public:
        public_root = Root(public)
        with pytest.raises(ForbiddenError) as err:
            public_root.users.create(User(name=unique("RUSER")))
        assert "003001" in str(err.value)
        with pytest.raises(NotFoundError):
            public_root.users[user].fetch()
        with pytest.raises(NotFoundError):
            public_root.users[user].drop()
        assert user not in [u.name for u in public_root.users.iter()]
        # A user sees itself whatever its role.
        assert public_root.users["admin"].fetch().name == "ADMIN"
        assert [u.name for u in public_root.users.iter()] == ["ADMIN"]
        with pytest.raises(ForbiddenError):
            public_root.users[user].grant_role("ROLE", Securable(name="PUBLIC"))
        with pytest.raises(ForbiddenError):
            list(public_root.users[user].iter_grants_to())


def test_grant_and_revoke_roles_to_users(server: Server, root: Root, user: str, cur: Any) -> None:
    role, role2 = unique("RROLE"), unique("RROLE")
    root.roles.create(Role(name=role))
    root.roles.create(Role(name=role2))
    try:
        root.users[user].grant_role("ROLE", Securable(name=role.lower()))
        root.users[user].grant_role("ROLE", Securable(name=role))  # again: no error
        [grant] = list(root.users[user].iter_grants_to())
        assert (grant.securable_type, grant.securable.name, grant.privileges, grant.granted_by) == (
            "ROLE", role, ["USAGE"], "ACCOUNTADMIN")
        root.users[user].grant_role("ROLE", Securable(name=role2))
        assert sorted(g.securable.name for g in root.users[user].iter_grants_to()) == sorted([role, role2])
        cur.execute(f"show grants to user {user}")
        assert sorted(r[3] for r in cur.fetchall()) == sorted([role, role2])
        # The user may now use the role.
        with server.connect(user=user, password="pw-1", role=role) as theirs:
            assert theirs.cursor().execute("select current_role()").fetchone()[0] == role
        root.users[user].revoke_role("ROLE", Securable(name=role2))
        assert [g.securable.name for g in root.users[user].iter_grants_to()] == [role]
        root.users[user].revoke_role("ROLE", Securable(name=role2))  # again: no error
        with pytest.raises(NotFoundError):
            root.users[user].grant_role("ROLE", Securable(name="RANDOM_ROLE"))
        with pytest.raises(NotFoundError):
            root.users["RANDOM_USER"].grant_role("ROLE", Securable(name=role))
        with pytest.raises(NotFoundError):
            root.users[user].revoke_role("ROLE", Securable(name="RANDOM_ROLE"))
        with pytest.raises(NotFoundError):
            list(root.users["RANDOM_USER"].iter_grants_to())
        with pytest.raises(APIError) as err:
            root.users[user].grant_role("DATABASE", Securable(name="X"))
        assert err.value.status == 400 and "Only ROLE" in str(err.value)
    finally:
        root.roles[role].drop()
        root.roles[role2].drop()


def test_bad_input_is_a_4xx_with_a_json_error(server: Server, conn: Any, user: str) -> None:
    cases = [
        ("POST", "/api/v2/users?createMode=sometimes", b'{"name": "x"}', 400),
        ("POST", "/api/v2/users", b"{not json", 400),
        ("POST", "/api/v2/users", b'{"comment": "no name"}', 400),
        ("POST", "/api/v2/users", b'{"name": "bad name!"}', 400),
        ("POST", "/api/v2/users", b'{"name": "U_BAD", "disabled": "maybe"}', 400),
        ("POST", "/api/v2/users", b'{"name": "U_BAD", "days_to_expiry": "soon"}', 400),
        ("POST", "/api/v2/users", b'{"name": "U_BAD", "default_secondary_roles": "SOME"}', 400),
        ("POST", "/api/v2/users", b'{"name": "U_BAD", "network_policy": "NP"}', 400),
        ("PUT", f"/api/v2/users/{user}", b'{"name": "SOMEONE_ELSE"}', 400),
        ("DELETE", "/api/v2/users/NOPE_NOT_HERE?ifExists=maybe", None, 400),
        ("GET", "/api/v2/users/%22unterminated", None, 400),
        ("POST", f"/api/v2/users/{user}/grants", b'{"securable": {"name": "PUBLIC"}}', 400),
        ("POST", f"/api/v2/users/{user}/grants:revoke", b'{"securable_type": "ROLE"}', 400),
        ("POST", f"/api/v2/users/{user}:set-tags", b"[]", 400),
        ("POST", f"/api/v2/users/{user}:unset-tags", b"[]", 400),
    ]
    for method, path, body, status in cases:
        code, answer = rest(server, conn, method, path, body)
        assert code == status, (path, answer)
        assert answer["message"] and answer["code"] and answer["request_id"]
    code, answer = rest(server, conn, "GET", "/api/v2/users?like=U_BAD")
    assert code == 200 and answer == []
