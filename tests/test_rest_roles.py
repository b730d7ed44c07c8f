"""snowflake.core's roles API against the REST door: every operation of role.yaml, each create
mode, the grants to, of and on a role, and the errors (404, 409, 403, 400)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Server, rest, unique
from snowflake.core import CreateMode, Root
from snowflake.core._common import DeleteMode
from snowflake.core.exceptions import APIError, ConflictError, ForbiddenError, NotFoundError
from snowflake.core.role import ContainingScope, Role, Securable


@pytest.fixture
def role(root: Root) -> Iterator[str]:
    name = unique("RROLE")
    root.roles.create(Role(name=name))
    yield name
    root.roles[name].drop(if_exists=True)



def test_create_list_drop_is_the_role_sql_sees(root: Root, cur: Any) -> None:
    name = unique("RROLE")
    root.roles.create(Role(name=name.lower(), comment="made over REST"))
    cur.execute(f"show roles like '{name}'")
    row = cur.fetchone()
    assert (row[1], row[8], row[9]) == (name, "ACCOUNTADMIN", "made over REST")
    [listed] = list(root.roles.iter(like=name))
    assert (listed.name, listed.comment, listed.owner) == (name, "made over REST", "ACCOUNTADMIN")
    assert listed.created_on is not None
    assert (listed.is_current, listed.is_default, listed.is_inherited) == (False, False, False)
    assert (listed.assigned_to_users, listed.granted_to_roles, listed.granted_roles) == (0, 0, 0)
    # A role made by SQL is the one REST lists and drops.
    cur.execute(f"grant role {name} to role sysadmin")
    assert next(root.roles.iter(like=name)).granted_to_roles == 1
    root.roles[name].drop()
    cur.execute(f"show roles like '{name}'")
    assert cur.fetchall() == []
    with pytest.raises(NotFoundError) as err:
        root.roles[name].drop()
    assert "does not exist or not authorized" in str(err.value) and "002003" in str(err.value)
    root.roles[name].drop(if_exists=True)


def test_the_system_roles_and_the_session_flags(root: Root) -> None:
    roles = {r.name: r for r in root.roles.iter()}
    assert {"ACCOUNTADMIN", "SECURITYADMIN", "SYSADMIN", "USERADMIN", "PUBLIC"} <= set(roles)
    admin = roles["ACCOUNTADMIN"]
    assert (admin.is_current, admin.is_default, admin.is_inherited, admin.owner) == (True, True, False, None)
    assert admin.assigned_to_users >= 1 and admin.granted_roles == 2
    assert roles["SYSADMIN"].is_inherited and roles["USERADMIN"].is_inherited and not roles["SYSADMIN"].is_current


def test_create_modes(root: Root, cur: Any) -> None:
    name = unique("RROLE")
    root.roles.create(Role(name=name, comment="first"))
    with pytest.raises(ConflictError) as err:
        root.roles.create(Role(name=name))
    assert "002002" in str(err.value) and "already exists" in str(err.value)
    root.roles.create(Role(name=name, comment="kept?"), mode=CreateMode.if_not_exists)
    assert next(root.roles.iter(like=name)).comment == "first"
    root.roles.create(Role(name=name, comment="replaced"), mode=CreateMode.or_replace)
    assert next(root.roles.iter(like=name)).comment == "replaced"
    cur.execute(f"show roles like '{name}'")
    assert cur.fetchone()[9] == "replaced"
    root.roles[name].drop()


def test_quoted_names(root: Root, cur: Any) -> None:
    root.roles.create(Role(name='"mixed Case role"'))
    assert [r.name for r in root.roles.iter(like="mixed case role")] == ['"mixed Case role"']
    cur.execute("show roles like 'mixed Case role'")
    assert cur.fetchone()[1] == "mixed Case role"
    root.roles['"mixed Case role"'].drop()


def test_list_filters(root: Root) -> None:
    prefix = unique("RLIST")
    made = [f"{prefix}_{i}" for i in range(3)]
    for name in made:
        root.roles.create(Role(name=name))
    try:
        assert [r.name for r in root.roles.iter(like=f"{prefix.lower()}%")] == made
        assert [r.name for r in root.roles.iter(starts_with=prefix)] == made
        assert [r.name for r in root.roles.iter(starts_with=prefix.lower())] == []  # case-sensitive
        assert [r.name for r in root.roles.iter(like=f"{prefix}%", limit=2)] == made[:2]
        assert [r.name for r in root.roles.iter(like=f"{prefix}%", from_name=made[1])] == made[1:]
    finally:
        for name in made:
            root.roles[name].drop()


def test_privileges_apply_to_rest(server: Server, root: Root, role: str) -> None:
    with server.connect(role="PUBLIC") as public:
        public_root = Root(public)
        with pytest.raises(ForbiddenError) as err:
            public_root.roles.create(Role(name=unique("RROLE")))
        assert "003001" in str(err.value) and "Insufficient privileges" in str(err.value)
        with pytest.raises(NotFoundError):
            public_root.roles[role].drop()
        with pytest.raises(ForbiddenError):
            list(public_root.roles[role].iter_grants_to())
        with pytest.raises(ForbiddenError):
            public_root.roles[role].grant_role("ROLE", Securable(name="SYSADMIN"))
        # Every role is listed to every role, as SHOW ROLES does.
        assert role in [r.name for r in public_root.roles.iter(like=role)]
    with pytest.raises(ForbiddenError) as err:
        root.roles["SYSADMIN"].drop()
    assert "Cannot drop system role" in str(err.value)


def test_grant_and_revoke_roles(root: Root, role: str, cur: Any) -> None:
    other = unique("RROLE")
    root.roles.create(Role(name=other))
    try:
        root.roles[role].grant_role("ROLE", Securable(name=other.lower()))
        root.roles[role].grant_role("ROLE", Securable(name=other))  # again: no error, no second grant
        [grant] = list(root.roles[role].iter_grants_to())
        assert (grant.securable_type, grant.securable.name, grant.privileges) == ("ROLE", other, ["USAGE"])
        assert grant.granted_by == "ACCOUNTADMIN" and grant.created_on is not None and not grant.grant_option
        [of] = list(root.roles[other].iter_grants_of())
        assert (of.role, of.granted_to, of.grantee_name, of.granted_by) == (other, "ROLE", role, "ACCOUNTADMIN")
        on = list(root.roles[other].iter_grants_on())
        assert [(g.privilege, g.granted_to, g.grantee_name, g.grant_option) for g in on] == [
            ("OWNERSHIP", "ROLE", "ACCOUNTADMIN", "true"), ("USAGE", "ROLE", role, "false")]
        assert on[0].granted_by_role_type == "ROLE" and on[0].name == other and on[0].granted_on == "ROLE"
        cur.execute(f"show grants of role {other}")
        assert [(r[2], r[3]) for r in cur.fetchall()] == [("ROLE", role)]
        # A cycle is refused.
        with pytest.raises(APIError) as err:
            root.roles[other].grant_role("ROLE", Securable(name=role))
        assert err.value.status == 400 and "cycle" in str(err.value)
        root.roles[role].revoke_role("ROLE", Securable(name=other))
        assert list(root.roles[role].iter_grants_to()) == []
        assert list(root.roles[other].iter_grants_of()) == []
        with pytest.raises(NotFoundError):
            root.roles[role].grant_role("ROLE", Securable(name="NO_SUCH_ROLE"))
        with pytest.raises(NotFoundError):
            root.roles["NO_SUCH_ROLE"].grant_role("ROLE", Securable(name=other))
    finally:
        root.roles[other].drop()


def test_grant_and_revoke_privileges(root: Root, role: str, db: str, cur: Any) -> None:
    cur.execute("create table t (a int)")
    r = root.roles[role]
    r.grant_privileges(["usage", "create schema"], "database", Securable(name=db))
    r.grant_privileges(["USAGE"], "SCHEMA", Securable(database=db, name="PUBLIC"), grant_option=True)
    r.grant_privileges(["SELECT"], "TABLE", Securable(database=db, schema="PUBLIC", name="T"))
    r.grant_privileges(["CREATE DATABASE"], "ACCOUNT")
    got = {(g.securable_type, g.privileges[0]): g for g in r.iter_grants_to()}
    assert set(got) == {("DATABASE", "USAGE"), ("DATABASE", "CREATE SCHEMA"), ("SCHEMA", "USAGE"), ("TABLE", "SELECT"),
                        ("ACCOUNT", "CREATE DATABASE")}
    assert got[("SCHEMA", "USAGE")].grant_option and not got[("DATABASE", "USAGE")].grant_option
    assert (got[("SCHEMA", "USAGE")].securable.database, got[("SCHEMA", "USAGE")].securable.name) == (db, "PUBLIC")
    table = got[("TABLE", "SELECT")].securable
    assert (table.database, table.var_schema, table.name) == (db, "PUBLIC", "T")
    account = got[("ACCOUNT", "CREATE DATABASE")].securable
    assert account.name == "SNOWFORT" and account.database is None
    assert len(list(r.iter_grants_to(show_limit=2))) == 2
    cur.execute(f"show grants to role {role}")
    assert {(row[1], row[2]) for row in cur.fetchall()} == {
        ("USAGE", "DATABASE"), ("CREATE SCHEMA", "DATABASE"), ("USAGE", "SCHEMA"), ("SELECT", "TABLE"),
        ("CREATE DATABASE", "ACCOUNT")}
    # The grant option alone, then the privileges.
    r.revoke_grant_option_for_privileges(["USAGE"], "SCHEMA", Securable(database=db, name="PUBLIC"))
    assert not next(g for g in r.iter_grants_to() if g.securable_type == "SCHEMA").grant_option
    r.revoke_privileges(["USAGE", "CREATE SCHEMA"], "DATABASE", Securable(name=db), mode=DeleteMode.cascade)
    r.revoke_privileges(["USAGE"], "SCHEMA", Securable(database=db, name="PUBLIC"))
    r.revoke_privileges(["SELECT"], "TABLE", Securable(database=db, schema="PUBLIC", name="T"), mode=DeleteMode.restrict)
    r.revoke_privileges(["CREATE DATABASE"], "ACCOUNT")
    assert list(r.iter_grants_to()) == []
    # The domain's errors: a missing object, a privilege the kind has not, a missing grantee.
    with pytest.raises(NotFoundError):
        r.grant_privileges(["USAGE"], "DATABASE", Securable(name="NO_SUCH_DB"))
    with pytest.raises(NotFoundError) as err:
        r.grant_privileges(["USAGE"], "COMPUTE POOL", Securable(name="NO_POOL"))
    assert "Compute pool 'NO_POOL' does not exist" in str(err.value)
    with pytest.raises(APIError) as err:
        r.grant_privileges(["SELECT"], "DATABASE", Securable(name=db))
    assert err.value.status == 400 and "Invalid privilege SELECT" in str(err.value)
    with pytest.raises(NotFoundError):
        root.roles["NO_SUCH_ROLE"].grant_privileges(["USAGE"], "DATABASE", Securable(name=db))


def test_grants_on_all(root: Root, role: str, db: str, cur: Any) -> None:
    cur.execute("create schema s2")
    cur.execute("create table public.t1 (a int)")
    cur.execute("create table s2.t2 (a int)")
    r = root.roles[role]
    r.grant_privileges_on_all(["SELECT"], "TABLE", ContainingScope(database=db))
    r.grant_privileges_on_all(["USAGE"], "SCHEMA", ContainingScope(database=db))
    tables = sorted(g.securable.name for g in r.iter_grants_to() if g.securable_type == "TABLE")
    assert tables == ["T1", "T2"]
    assert sorted(g.securable.name for g in r.iter_grants_to() if g.securable_type == "SCHEMA") == ["PUBLIC", "S2"]
    r.revoke_privileges_on_all(["SELECT"], "TABLE", ContainingScope(database=db, schema="S2"))
    assert sorted(g.securable.name for g in r.iter_grants_to() if g.securable_type == "TABLE") == ["T1"]
    r.grant_privileges_on_all(["INSERT"], "TABLE", ContainingScope(database=db, schema="PUBLIC"), grant_option=True)
    r.revoke_grant_option_for_privileges_on_all(["INSERT"], "TABLE", ContainingScope(database=db, schema="PUBLIC"))
    insert = next(g for g in r.iter_grants_to() if g.privileges == ["INSERT"])
    assert not insert.grant_option
    r.revoke_privileges_on_all(["SELECT", "INSERT"], "TABLE", ContainingScope(database=db))
    r.revoke_privileges_on_all(["USAGE"], "SCHEMA", ContainingScope(database=db))
    assert list(r.iter_grants_to()) == []
    with pytest.raises(NotFoundError):
        r.grant_privileges_on_all(["SELECT"], "TABLE", ContainingScope(database="NO_SUCH_DB"))


def test_future_grants_are_unsupported(root: Root, role: str, db: str) -> None:
    r = root.roles[role]
    assert list(r.iter_future_grants_to()) == []
    with pytest.raises(APIError) as err:
        r.grant_future_privileges(["SELECT"], "TABLE", ContainingScope(database=db, schema="PUBLIC"))
    assert err.value.status == 400 and "Unsupported feature" in str(err.value)
    with pytest.raises(APIError) as err:
        r.revoke_future_privileges(["SELECT"], "TABLE", ContainingScope(database=db, schema="PUBLIC"))
    assert err.value.status == 400
    with pytest.raises(APIError) as err:
        r.revoke_grant_option_for_future_privileges(["SELECT"], "TABLE", ContainingScope(database=db))
    assert err.value.status == 400
    with pytest.raises(NotFoundError):
        list(root.roles["NO_SUCH_ROLE"].iter_future_grants_to())


def test_bad_input_is_a_4xx_with_a_json_error(server: Server, conn: Any, role: str) -> None:
    cases = [
        ("POST", "/api/v2/roles?createMode=sometimes", b'{"name": "x"}', 400),
        ("POST", "/api/v2/roles", b"{not json", 400),
        ("POST", "/api/v2/roles", b'{"comment": "no name"}', 400),
        ("POST", "/api/v2/roles", b'{"name": "bad name!"}', 400),
        ("DELETE", "/api/v2/roles/NOPE_NOT_HERE?ifExists=maybe", None, 400),
        ("DELETE", "/api/v2/roles/%22unterminated", None, 400),
        ("GET", f"/api/v2/roles/{role}/grants?showLimit=many", None, 400),
        ("GET", f"/api/v2/roles/{role}/grants?showLimit=0", None, 400),
        ("POST", f"/api/v2/roles/{role}/grants", b'{"privileges": ["USAGE"]}', 400),
        ("POST", f"/api/v2/roles/{role}/grants", b'{"securable_type": "ROLE"}', 400),
        ("POST", f"/api/v2/roles/{role}/grants", b'{"securable_type": "NO SUCH KIND", "securable": {"name": "X"}, '
                                                 b'"privileges": ["USAGE"]}', 400),
        ("POST", f"/api/v2/roles/{role}/grants", b'{"securable_type": "DATABASE ROLE", "securable": {"name": "X"}}', 400),
        ("POST", f"/api/v2/roles/{role}/grants", b'{"securable_type": "DATABASE", "securable": {"name": "X"}, '
                                                 b'"privileges": "USAGE"}', 400),
        ("POST", f"/api/v2/roles/{role}/grants:revoke?mode=sometimes", b'{"securable_type": "ROLE", '
                                                                      b'"securable": {"name": "PUBLIC"}}', 400),
        ("POST", f"/api/v2/roles/{role}:set-tags", b"[]", 400),
        ("GET", f"/api/v2/roles/{role}:get-tags", None, 400),
    ]
    for method, path, body, status in cases:
        code, answer = rest(server, conn, method, path, body)
        assert code == status, (path, answer)
        assert answer["message"] and answer["code"] and answer["request_id"]
    code, answer = rest(server, conn, "GET", f"/api/v2/roles/{role}/grants")
    assert code == 200 and answer == []
