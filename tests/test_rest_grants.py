"""snowflake.core's generic grants API (`root.grants`, grant.yaml) against the REST door: every
operation, securable types as the client spells them, roles granted by a bodiless grant, the
quoted-user grantee of the tutorial, ALL/FUTURE grants, and the errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Server, rest, unique
from snowflake.core import Root
from snowflake.core._common import DeleteMode
from snowflake.core.exceptions import APIError, ForbiddenError, NotFoundError
from snowflake.core.grant import Grant, Grantees, Privileges, Securables
from snowflake.core.role import Role
from snowflake.core.user import User


@pytest.fixture
def role(root: Root) -> Iterator[str]:
    name = unique("GROLE")
    root.roles.create(Role(name=name))
    yield name
    root.roles[name].drop(if_exists=True)



def shown(cur: Any, role: str) -> set[tuple[str, str, str, str]]:
    """SHOW GRANTS TO ROLE as (privilege, granted_on, name, grant_option)."""
    cur.execute(f"show grants to role {role}")
    return {(r[1], r[2], r[3], r[6]) for r in cur.fetchall()}


def test_grant_and_revoke_privileges(root: Root, role: str, db: str, cur: Any) -> None:
    cur.execute("create table t (a int)")
    grantee = Grantees.role(name=role.lower())
    root.grants.grant(Grant(grantee=grantee, securable=Securables.database(db.lower()),
                            privileges=[Privileges.usage, Privileges.create_schema]))
    root.grants.grant(Grant(grantee=grantee, securable=Securables.warehouse("compute_wh"),
                            privileges=[Privileges.usage], grant_option=True))
    root.grants.grant(Grant(grantee=grantee, securable=Securables.current_account,
                            privileges=[Privileges.bind_service_endpoint]))
    root.grants.grant(Grant(grantee=grantee, securable=Securables.schema(f"{db}.public"), privileges=[Privileges.usage]))
    root.grants.grant(Grant(grantee=grantee, securable=Securables.table(f"{db}.public.t"),
                            privileges=[Privileges.select, Privileges.insert]))
    assert shown(cur, role) == {
        ("USAGE", "DATABASE", db, "false"), ("CREATE SCHEMA", "DATABASE", db, "false"),
        ("USAGE", "WAREHOUSE", "COMPUTE_WH", "true"), ("BIND SERVICE ENDPOINT", "ACCOUNT", "SNOWFORT", "false"),
        ("USAGE", "SCHEMA", f"{db}.PUBLIC", "false"), ("SELECT", "TABLE", f"{db}.PUBLIC.T", "false"),
        ("INSERT", "TABLE", f"{db}.PUBLIC.T", "false"),
    }
    listed = list(root.grants.to(Grantees.role(name=role)))
    assert {(g.privileges[0], g.securable_type, g.securable_name) for g in listed} == {
        ("USAGE", "DATABASE", db), ("CREATE SCHEMA", "DATABASE", db), ("USAGE", "WAREHOUSE", "COMPUTE_WH"),
        ("BIND SERVICE ENDPOINT", "ACCOUNT", "SNOWFORT"), ("USAGE", "SCHEMA", f"{db}.PUBLIC"),
        ("SELECT", "TABLE", f"{db}.PUBLIC.T"), ("INSERT", "TABLE", f"{db}.PUBLIC.T"),
    }
    assert all((g.grantee_type, g.grantee_name, g.granted_by_name, g.granted_by_role_type) ==
               ("ROLE", role, "ACCOUNTADMIN", "ROLE") and g.created_on is not None for g in listed)
    assert len(list(root.grants.to(Grantees.role(name=role), limit=3))) == 3
    # The grant option alone, then the privileges (one DELETE per privilege).
    root.grants.revoke_grant_option(Grant(grantee=grantee, securable=Securables.warehouse("COMPUTE_WH"),
                                          privileges=[Privileges.usage]))
    assert ("USAGE", "WAREHOUSE", "COMPUTE_WH", "false") in shown(cur, role)
    root.grants.revoke(Grant(grantee=grantee, securable=Securables.database(db),
                             privileges=[Privileges.usage, Privileges.create_schema]))
    root.grants.revoke(Grant(grantee=grantee, securable=Securables.warehouse("COMPUTE_WH"),
                             privileges=[Privileges.usage]), mode=DeleteMode.cascade)
    root.grants.revoke(Grant(grantee=grantee, securable=Securables.current_account,
                             privileges=[Privileges.bind_service_endpoint]))
    root.grants.revoke(Grant(grantee=grantee, securable=Securables.schema(f"{db}.PUBLIC"), privileges=[Privileges.usage]))
    root.grants.revoke(Grant(grantee=grantee, securable=Securables.table(f"{db}.PUBLIC.T"),
                             privileges=[Privileges.select, Privileges.insert]))
    assert shown(cur, role) == set()
    assert list(root.grants.to(Grantees.role(name=role))) == []


def test_roles_granted_without_privileges(root: Root, role: str, cur: Any) -> None:
    other = unique("GROLE")
    root.roles.create(Role(name=other))
    try:
        root.grants.grant(Grant(grantee=Grantees.role(name=role), securable=Securables.role(other.lower())))
        cur.execute(f"show grants of role {other}")
        assert [(r[2], r[3]) for r in cur.fetchall()] == [("ROLE", role)]
        [listed] = list(root.grants.to(Grantees.role(name=role)))
        assert (listed.privileges, listed.securable_type, listed.securable_name) == (["USAGE"], "ROLE", other)
        # Revoking a role is the USAGE on it.
        root.grants.revoke(Grant(grantee=Grantees.role(name=role), securable=Securables.role(other),
                                 privileges=[Privileges.usage]))
        assert list(root.grants.to(Grantees.role(name=role))) == []
    finally:
        root.roles[other].drop()


def test_a_quoted_user_grantee_resolves_like_the_tutorial_needs(server: Server, conn: Any, root: Root,
                                                                role: str, cur: Any) -> None:
    # Snowpark's get_current_user() is the login name in double quotes; the tutorial grants to it.
    root.grants.grant(Grant(grantee=Grantees.user(name='"admin"'), securable=Securables.role(role)))
    cur.execute("show grants to user admin")
    assert role in [r[3] for r in cur.fetchall()]
    assert role in [g.securable_name for g in root.grants.to(Grantees.user(name='"admin"'))]
    user_grants = list(root.grants.to(Grantees.user(name="admin")))
    assert {(g.grantee_type, g.grantee_name, g.privileges[0]) for g in user_grants} == {("USER", "ADMIN", "USAGE")}
    code, _ = rest(server, conn, "DELETE", f"/api/v2/grants/user/%22admin%22/role/{role}/privileges/USAGE")
    assert code == 200
    assert role not in [g.securable_name for g in root.grants.to(Grantees.user(name="admin"))]
    # The same wire call the tutorial makes, byte for byte.
    code, answer = rest(server, conn, "POST", f"/api/v2/grants/user/%22admin%22/role/{role.lower()}/privileges",
                        b'{"grant_option": false}')
    assert (code, answer) == (200, {"status": "Request successfully completed"})
    assert role in [g.securable_name for g in root.grants.to(Grantees.user(name="ADMIN"))]
    # Exactly first: a quoted name that is a user's exact name is that user, not another one.
    lower = f'"{unique("guser").lower()}"'
    upper = lower.strip('"').upper()
    root.users.create(User(name=lower))
    root.users.create(User(name=upper))
    try:
        root.grants.grant(Grant(grantee=Grantees.user(name=lower), securable=Securables.role(role)))
        assert [g.grantee_name for g in root.grants.to(Grantees.user(name=lower))] == [lower.strip('"')]
        assert list(root.grants.to(Grantees.user(name=upper))) == []
        # No exact match: the upper-case (unquoted) spelling wins among the case-insensitive ones.
        mixed = '"' + upper.capitalize() + '"'
        root.grants.grant(Grant(grantee=Grantees.user(name=mixed), securable=Securables.role(role)))
        assert [g.grantee_name for g in root.grants.to(Grantees.user(name=upper))] == [upper]
    finally:
        root.users[lower].drop()
        root.users[upper].drop()
    # Unquoted names follow Snowflake's rule; an unknown user is not found.
    with pytest.raises(NotFoundError):
        root.grants.grant(Grant(grantee=Grantees.user(name='"nobody_here"'), securable=Securables.role(role)))
    with pytest.raises(APIError) as err:
        root.grants.grant(Grant(grantee=Grantees.user(name="admin"), securable=Securables.database("X"),
                                privileges=[Privileges.usage]))
    assert err.value.status == 400 and "Unsupported feature" in str(err.value)


def test_securable_types_as_the_client_spells_them(server: Server, conn: Any, root: Root, role: str, db: str) -> None:
    for kind in ("database", "DATABASE", "Database"):
        code, answer = rest(server, conn, "POST", f"/api/v2/grants/role/{role}/{kind}/{db}/privileges",
                            b'{"privileges": ["MONITOR"]}')
        assert code == 200, answer
    # Compute pools are not held yet: the pool is not found, as a missing one would be.
    with pytest.raises(NotFoundError) as err:
        root.grants.grant(Grant(grantee=Grantees.role(name=role), securable=Securables.compute_pool("tutorial_pool"),
                                privileges=[Privileges.usage, Privileges.operate, Privileges.monitor]))
    assert "Compute pool 'TUTORIAL_POOL' does not exist or not authorized." in str(err.value)
    code, answer = rest(server, conn, "POST", f"/api/v2/grants/role/{role}/COMPUTE%20POOL/p1/privileges",
                        b'{"privileges": ["USAGE"]}')
    assert (code, answer["code"]) == (404, "002003")
    with pytest.raises(NotFoundError):
        root.grants.grant(Grant(grantee=Grantees.role(name=role), securable=Securables.database("NO_SUCH_DB"),
                                privileges=[Privileges.usage]))
    with pytest.raises(NotFoundError):
        root.grants.grant(Grant(grantee=Grantees.role(name="NO_SUCH_ROLE"), securable=Securables.database(db),
                                privileges=[Privileges.usage]))
    with pytest.raises(APIError) as err:
        root.grants.grant(Grant(grantee=Grantees.role(name=role), securable=Securables.database_role("DBR"),
                                privileges=[Privileges.usage]))
    assert err.value.status == 400


def test_bulk_grants(root: Root, role: str, db: str, cur: Any) -> None:
    cur.execute("create schema s2")
    cur.execute("create table public.t1 (a int)")
    cur.execute("create table s2.t2 (a int)")
    grantee = Grantees.role(name=role)
    root.grants.grant(Grant(grantee=grantee, securable=Securables.all_tables(Securables.database(db)),
                            privileges=[Privileges.select]))
    root.grants.grant(Grant(grantee=grantee, securable=Securables.all_schemas(Securables.database(db)),
                            privileges=[Privileges.usage]))
    assert shown(cur, role) == {
        ("SELECT", "TABLE", f"{db}.PUBLIC.T1", "false"), ("SELECT", "TABLE", f"{db}.S2.T2", "false"),
        ("USAGE", "SCHEMA", f"{db}.PUBLIC", "false"), ("USAGE", "SCHEMA", f"{db}.S2", "false"),
    }
    root.grants.revoke(Grant(grantee=grantee, securable=Securables.all_tables(Securables.schema(f"{db}.s2")),
                             privileges=[Privileges.select]))
    assert ("SELECT", "TABLE", f"{db}.S2.T2", "false") not in shown(cur, role)
    root.grants.grant(Grant(grantee=grantee, securable=Securables.all_tables(Securables.schema(f"{db}.public")),
                            privileges=[Privileges.insert], grant_option=True))
    root.grants.revoke_grant_option(Grant(grantee=grantee,
                                          securable=Securables.all_tables(Securables.schema(f"{db}.PUBLIC")),
                                          privileges=[Privileges.insert]))
    assert ("INSERT", "TABLE", f"{db}.PUBLIC.T1", "false") in shown(cur, role)
    root.grants.revoke(Grant(grantee=grantee, securable=Securables.all_tables(Securables.database(db)),
                             privileges=[Privileges.select, Privileges.insert]))
    root.grants.revoke(Grant(grantee=grantee, securable=Securables.all_schemas(Securables.database(db)),
                             privileges=[Privileges.usage]))
    assert shown(cur, role) == set()
    # Kinds snowfort does not hold have no objects: nothing to grant.
    root.grants.grant(Grant(grantee=grantee, securable=Securables.all_image_repositories(Securables.database(db)),
                            privileges=[Privileges.read]))
    assert shown(cur, role) == set()
    # FUTURE grants are not supported: 400, nothing kept.
    for call in (root.grants.grant, root.grants.revoke):
        with pytest.raises(APIError) as err:
            call(Grant(grantee=grantee, securable=Securables.future_tables(Securables.schema(f"{db}.PUBLIC")),
                       privileges=[Privileges.select]))
        assert err.value.status == 400 and "Unsupported feature" in str(err.value)
    with pytest.raises(NotFoundError):
        root.grants.grant(Grant(grantee=grantee, securable=Securables.all_tables(Securables.database("NO_SUCH_DB")),
                                privileges=[Privileges.select]))


def test_privileges_apply_to_rest(server: Server, root: Root, role: str, db: str) -> None:
    with server.connect(role="PUBLIC") as public:
        public_root = Root(public)
        with pytest.raises(ForbiddenError) as err:
            public_root.grants.grant(Grant(grantee=Grantees.role(name=role), securable=Securables.current_account,
                                           privileges=[Privileges.create_database]))
        assert "003001" in str(err.value)
        with pytest.raises(NotFoundError):  # a database PUBLIC cannot see
            public_root.grants.grant(Grant(grantee=Grantees.role(name=role), securable=Securables.database(db),
                                           privileges=[Privileges.usage]))
        with pytest.raises(ForbiddenError):
            public_root.grants.grant(Grant(grantee=Grantees.user(name="admin"), securable=Securables.role(role)))
        with pytest.raises(ForbiddenError):
            list(public_root.grants.to(Grantees.role(name=role)))


def test_bad_input_is_a_4xx_with_a_json_error(server: Server, conn: Any, role: str, db: str) -> None:
    base = f"/api/v2/grants/role/{role}"
    usage = b'{"privileges": ["USAGE"]}'
    cases = [
        ("POST", f"{base}/database/{db}/privileges", b"{not json", 400),
        ("POST", f"{base}/database/{db}/privileges", b'{"privileges": "USAGE"}', 400),
        ("POST", f"{base}/database/{db}/privileges", b"{}", 400),
        ("POST", f"{base}/database/{db}/privileges", b'{"privileges": ["SELECT"]}', 400),
        ("POST", f"{base}/no%20such%20kind/X/privileges", usage, 400),
        ("POST", f"{base}/database/%22unterminated/privileges", usage, 400),
        ("POST", f"/api/v2/grants/share/S1/database/{db}/privileges", usage, 400),
        ("POST", f"/api/v2/grants/database-role/D1/database/{db}/privileges", usage, 400),
        ("POST", f"/api/v2/grants/application/A1/database/{db}/privileges", usage, 400),
        ("DELETE", f"{base}/database/{db}/privileges/USAGE?deleteMode=sometimes", None, 400),
        ("POST", f"{base}/some/tables/database/{db}/privileges", b'{"privileges": ["SELECT"]}', 400),
        ("POST", f"{base}/all/tables/table/{db}/privileges", b'{"privileges": ["SELECT"]}', 400),
        ("POST", f"{base}/all/tables/database/{db}/privileges", b"{}", 400),
        ("POST", f"{base}/all/widgets/database/{db}/privileges", b'{"privileges": ["SELECT"]}', 400),
        ("DELETE", f"{base}/future/tables/database/{db}/privileges/SELECT", None, 400),
        ("GET", f"{base}?showLimit=lots", None, 400),
        ("GET", "/api/v2/grants/share/S1", None, 400),
    ]
    for method, path, body, status in cases:
        code, answer = rest(server, conn, method, path, body)
        assert code == status, (path, answer)
        assert answer["message"] and answer["code"] and answer["request_id"]
    code, answer = rest(server, conn, "GET", base)
    assert code == 200 and answer == []


def test_securable_types_registered_later_resolve(tmp_path: Any) -> None:
    """In-process: a kind that `kinds.register()` adds later (compute pools, in their issue) is
    granted on through the same parsing the REST door uses, with no change to the grants code."""
    from snowfort.catalog.store import Catalog
    from snowfort.config import Settings
    from snowfort.domain import Domain, kinds
    from snowfort.domain.context import Ctx
    from snowfort.errors import SnowflakeError
    from snowfort.protocols.rest.grants import generic_model, role_grant_model
    from snowfort.warehouse.engine import Engine

    settings = Settings(data_dir=tmp_path / "data")
    settings.data_dir.mkdir()
    catalog = Catalog(settings.catalog_database_url)
    engine = Engine(settings.warehouse_dir)
    saved = dict(kinds.KINDS), dict(kinds.KIND_ALIASES)
    try:
        domain = Domain(catalog, engine, settings)
        domain.start()
        admin = catalog.get("USER", 0, "ADMIN")
        assert admin is not None
        ctx = Ctx(session_id=1, user_id=admin.id, user_name=admin.name, role="ACCOUNTADMIN")
        g = domain.grants
        with pytest.raises(SnowflakeError) as err:
            g.grant_privileges(ctx, ["USAGE"], "COMPUTE POOL", ["POOL1"], "SYSADMIN")
        assert (err.value.http_status, err.value.code) == (404, "002003")
        assert "Compute pool 'POOL1' does not exist or not authorized." in err.value.message
        with pytest.raises(SnowflakeError) as err:
            g.grant_privileges(ctx, ["USAGE"], "WIDGET", ["W1"], "SYSADMIN")
        assert err.value.http_status == 400

        kinds.register(kinds.Kind("COMPUTE POOL", "COMPUTE POOL", "Compute pool", "compute pool",
                                  frozenset({"USAGE", "OPERATE", "MONITOR", "MODIFY", "OWNERSHIP"}), 0))
        accountadmin = catalog.get("ROLE", 0, "ACCOUNTADMIN")
        assert accountadmin is not None
        with catalog.write() as conn:
            catalog.insert(conn, kind="COMPUTE POOL", namespace="COMPUTE POOL", parent_id=0, name="POOL1",
                           owner_id=accountadmin.id)
        for spelling in ("COMPUTE POOL", "compute pool", "Compute_Pool"):
            g.grant_privileges(ctx, ["usage", "MONITOR"], spelling, ["POOL1"], "SYSADMIN")
        rows = [r for r in g.to_role(ctx, "SYSADMIN") if r.name == "POOL1"]
        assert sorted(r.privilege for r in rows) == ["MONITOR", "USAGE"]
        assert {role_grant_model(r)["securable_type"] for r in rows} == {"COMPUTE POOL"}
        assert {generic_model(r)["securable_name"] for r in rows} == {"POOL1"}
        with pytest.raises(SnowflakeError) as err:
            g.grant_privileges(ctx, ["SELECT"], "COMPUTE POOL", ["POOL1"], "SYSADMIN")
        assert "Invalid privilege SELECT for COMPUTE POOL" in err.value.message
        g.revoke_privileges(ctx, ["USAGE", "MONITOR"], "compute pool", ["POOL1"], "SYSADMIN")
        assert [r for r in g.to_role(ctx, "SYSADMIN") if r.name == "POOL1"] == []
    finally:
        kinds.KINDS.clear()
        kinds.KINDS.update(saved[0])
        kinds.KIND_ALIASES.clear()
        kinds.KIND_ALIASES.update(saved[1])
        engine.close()
