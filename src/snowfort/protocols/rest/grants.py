"""/api/v2/grants (grant.yaml, `root.grants`): privileges and roles granted to a role or a user,
over the domain's grants module; and the Grant bodies and rows that the roles and users
resources share (role.yaml and user.yaml take the same Grant, with a securable object).

Securable types arrive as the client spells them, URL-decoded: `role`, `database`, `WAREHOUSE`,
`COMPUTE POOL`, `account` (whose name is `-`). A Grant without privileges on a ROLE grants the
role itself. ALL grants reach the objects there now; FUTURE grants are unsupported (the domain
keeps none), so they answer 400 and the future-grants lists are empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from snowfort import errors
from snowfort.domain import names
from snowfort.domain.grants import (
    OTHER_ROLES,
    GrantRow,
    RoleGrantRow,
    normalize_privilege,
    singular,
    type_phrase,
)
from snowfort.protocols.rest.http import OK, Call, bad_request, ident, iso, qualified, route

# -- bodies -----------------------------------------------------------------------------------


class PrivilegesIn(BaseModel):
    """grant.yaml's Grant as a request: what to grant; the path says on what and to whom."""

    model_config = ConfigDict(extra="ignore")
    privileges: list[str] | None = None
    grant_option: bool | None = None


class SecurableIn(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    database: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    service: str | None = None
    name: str | None = None


class ScopeIn(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    database: str
    schema_: str | None = Field(default=None, alias="schema")


class GrantIn(BaseModel):
    """role.yaml's and user.yaml's Grant: a securable object, or a containing scope for ALL."""

    model_config = ConfigDict(extra="ignore")
    securable_type: str
    securable: SecurableIn | None = None
    containing_scope: ScopeIn | None = None
    privileges: list[str] | None = None
    grant_option: bool | None = None


# -- names ------------------------------------------------------------------------------------




def user_grantee(call: Call, raw: str) -> Callable[[], str]:
    """A user named as a grantee, looked up when the domain work runs: exactly, and a quoted name
    that names no user exactly also case-insensitively (the tutorial sends Snowpark's
    get_current_user(), '"admin"', for the user ADMIN)."""
    name = ident(raw, "granteeName")
    quoted = raw.strip().startswith('"')
    return lambda: call.domain.users.grantee_name(name, quoted=quoted)


def delete_mode(call: Call, key: str) -> str:
    """restrict | cascade. Both revoke the same here: snowfort keeps no dependent re-grants."""
    raw = (call.text(key) or "restrict").lower()
    if raw not in ("restrict", "cascade"):
        raise bad_request(f"Invalid value '{call.text(key)}' for query parameter '{key}': expected restrict or cascade.")
    return raw


def _privileges(values: list[str] | None) -> list[str]:
    out = [normalize_privilege(p) for p in values or []]
    if any(not p for p in out):
        raise bad_request("Invalid request body: 'privileges': a privilege is empty.")
    return out


# -- doing a Grant body -------------------------------------------------------------------------


def grant_work(call: Call, grantee_kind: str, grantee: str, body: GrantIn, *, revoke: bool) -> Callable[[], str]:
    """The domain call a role's or user's Grant body asks for (GRANT or REVOKE)."""
    g = call.domain.grants
    ctx = call.ctx
    kind = type_phrase(body.securable_type)
    privileges = _privileges(body.privileges)
    option = bool(body.grant_option)
    if not kind:
        raise bad_request("Invalid request body: 'securable_type' is empty.")
    if grantee_kind == "USER" and (kind != "ROLE" or privileges or body.containing_scope):
        raise bad_request("Only ROLE can be granted to a user: securable_type ROLE with the role as securable.")
    if body.containing_scope is not None:
        scope = body.containing_scope
        container = [ident(scope.database, "containing_scope.database")]
        if scope.schema_:
            container.append(ident(scope.schema_, "containing_scope.schema"))
        where = "SCHEMA" if scope.schema_ else "DATABASE"
        if not privileges:
            raise bad_request("Invalid request body: 'privileges' are required with 'containing_scope'.")
        if revoke:
            return lambda: g.revoke_on_all(ctx, privileges, kind, where, container, grantee, option)
        return lambda: g.grant_on_all(ctx, privileges, kind, where, container, grantee, option)
    securable = body.securable or SecurableIn()
    if kind in OTHER_ROLES:
        raise errors.unsupported(f"{kind.lower()}s")
    if kind == "ROLE" and not privileges:
        if not securable.name:
            raise bad_request("Invalid request body: 'securable.name' is required: it names the role.")
        role = ident(securable.name, "securable.name")
        if revoke:
            return lambda: g.revoke_role(ctx, role, grantee_kind, grantee)
        return lambda: g.grant_role(ctx, role, grantee_kind, grantee)
    if not privileges:
        raise bad_request("Invalid request body: 'privileges' are required.")
    if securable.service:
        raise errors.unsupported("service roles")
    parts: list[str] = []
    if kind != "ACCOUNT":
        if not securable.name:
            raise bad_request("Invalid request body: 'securable.name' is required.")
        for value, what in ((securable.database, "database"), (securable.schema_, "schema"), (securable.name, "name")):
            if value:
                parts.append(ident(value, f"securable.{what}"))
    if revoke:
        return lambda: g.revoke_privileges(ctx, privileges, kind, parts, grantee, option)
    return lambda: g.grant_privileges(ctx, privileges, kind, parts, grantee, option)


# -- rows as models ---------------------------------------------------------------------------


def _securable_type(row: GrantRow) -> str:
    return row.granted_on.replace("_", " ")


def securable_of(row: GrantRow) -> dict[str, Any]:
    """role.yaml's Securable for a SHOW GRANTS row: names in SQL spelling (identifier pattern)."""
    if row.granted_on in ("ACCOUNT", "ROLE", "USER"):
        return {"name": names.quote(row.name)}
    parts = names.split(row.name)  # display names: each part quoted where it needs it
    if len(parts) == 3:
        return {"database": parts[0], "schema": parts[1], "name": parts[2]}
    if len(parts) == 2:
        return {"database": parts[0], "name": parts[1]}
    return {"name": parts[-1]}


def role_grant_model(row: GrantRow) -> dict[str, Any]:
    """role.yaml's Grant: one privilege of SHOW GRANTS TO ROLE."""
    return {
        "securable_type": _securable_type(row),
        "securable": securable_of(row),
        "privileges": [row.privilege],
        "grant_option": row.grant_option,
        "created_on": iso(row.created_on),
        "granted_by": row.granted_by or None,
    }


def user_grant_model(row: RoleGrantRow) -> dict[str, Any]:
    """user.yaml's Grant: a role granted to the user (SHOW GRANTS TO USER)."""
    return {
        "securable_type": "ROLE",
        "securable": {"name": names.quote(row.role)},
        "privileges": ["USAGE"],
        "created_on": iso(row.created_on),
        "granted_by": row.granted_by or None,
    }


def generic_model(row: GrantRow) -> dict[str, Any]:
    """grant.yaml's Grant: a SHOW GRANTS TO row."""
    return {
        "privileges": [row.privilege],
        "grant_option": row.grant_option,
        "created_on": iso(row.created_on),
        "grantee_type": row.granted_to,
        "grantee_name": row.grantee_name,
        "securable_type": _securable_type(row),
        "securable_name": row.name,
        "granted_by_role_type": "ROLE" if row.granted_by else None,
        "granted_by_name": row.granted_by or None,
    }


def limited(call: Call, rows: list[Any]) -> list[Any]:
    limit = call.integer("showLimit")
    if limit is not None and limit < 1:
        raise bad_request(f"Invalid value '{limit}' for query parameter 'showLimit': expected 1 to 10000.")
    rows = [r for r in rows if getattr(r, "granted_on", "") != "UNKNOWN"]
    return rows[:limit] if limit is not None else rows


# -- /api/v2/grants -----------------------------------------------------------------------------


def grantee_of(call: Call) -> tuple[str, Callable[[], str]]:
    """(ROLE | USER, the stored name when called) from {granteeType}/{granteeName}."""
    kind = call.request.path_params["granteeType"].lower()
    raw = call.request.path_params["granteeName"]
    if kind == "role":
        name = ident(raw, "granteeName")
        return "ROLE", lambda: name
    if kind == "user":
        return "USER", user_grantee(call, raw)
    if kind in ("database-role", "application-role", "share"):
        raise errors.unsupported(f"grants to a {kind.replace('-', ' ')}")
    raise bad_request(f"Invalid value '{call.request.path_params['granteeType']}' for 'granteeType': "
                      "expected user, role, application-role, database-role or share.")


def securable_parts(call: Call, kind: str) -> list[str]:
    raw = call.request.path_params["securableName"]
    return [] if kind == "ACCOUNT" else qualified(raw, "securableName")


async def grant_privilege(call: Call) -> str:
    grantee_kind, grantee = grantee_of(call)
    kind = type_phrase(call.request.path_params["securableType"])
    body: PrivilegesIn = await call.body(PrivilegesIn)
    privileges = _privileges(body.privileges)
    g = call.domain.grants
    if kind == "ROLE" and not privileges:
        role = ident(call.request.path_params["securableName"], "securableName")
        await call.run(lambda: g.grant_role(call.ctx, role, grantee_kind, grantee()))
        return OK
    if kind in OTHER_ROLES:
        raise errors.unsupported(f"{kind.lower()}s")
    if grantee_kind == "USER":
        raise errors.unsupported("granting privileges to a user")
    if not privileges:
        raise bad_request("Invalid request body: 'privileges' are required (or a role as the securable).")
    parts = securable_parts(call, kind)
    await call.run(lambda: g.grant_privileges(call.ctx, privileges, kind, parts, grantee(), bool(body.grant_option)))
    return OK


async def _revoke_privilege(call: Call, grant_option_only: bool) -> str:
    grantee_kind, grantee = grantee_of(call)
    kind = type_phrase(call.request.path_params["securableType"])
    privilege = normalize_privilege(call.request.path_params["privilege"])
    delete_mode(call, "deleteMode")
    g = call.domain.grants
    if kind == "ROLE" and privilege == "USAGE" and not grant_option_only:
        # A role granted to a role or user is the USAGE on that role (as SHOW GRANTS lists it).
        role = ident(call.request.path_params["securableName"], "securableName")
        await call.run(lambda: g.revoke_role(call.ctx, role, grantee_kind, grantee()))
        return OK
    if kind in OTHER_ROLES:
        raise errors.unsupported(f"{kind.lower()}s")
    if grantee_kind == "USER":
        raise errors.unsupported("revoking privileges from a user")
    parts = securable_parts(call, kind)
    await call.run(lambda: g.revoke_privileges(call.ctx, [privilege], kind, parts, grantee(), grant_option_only))
    return OK


async def revoke_privilege(call: Call) -> str:
    return await _revoke_privilege(call, grant_option_only=False)


async def revoke_privilege_grant_option(call: Call) -> str:
    return await _revoke_privilege(call, grant_option_only=True)


def bulk_of(call: Call) -> tuple[str, str, str, list[str]]:
    """(ALL | FUTURE, singular kind, DATABASE | SCHEMA, scope parts) from a bulk grant's path."""
    p = call.request.path_params
    bulk = p["bulkGrantType"].upper()
    if bulk not in ("ALL", "FUTURE"):
        raise bad_request(f"Invalid value '{p['bulkGrantType']}' for 'bulkGrantType': expected all or future.")
    scope = type_phrase(p["scopeType"])
    if scope not in ("DATABASE", "SCHEMA"):
        raise bad_request(f"Invalid value '{p['scopeType']}' for 'scopeType': expected database or schema.")
    return bulk, singular(p["securableTypePlural"]), scope, qualified(p["scopeName"], "scopeName")


async def grant_group_privilege(call: Call) -> str:
    grantee_kind, grantee = grantee_of(call)
    bulk, kind, scope, container = bulk_of(call)
    body: PrivilegesIn = await call.body(PrivilegesIn)
    if bulk == "FUTURE":
        raise errors.unsupported("GRANT ... ON FUTURE")
    if grantee_kind == "USER":
        raise errors.unsupported("granting privileges to a user")
    privileges = _privileges(body.privileges)
    if not privileges:
        raise bad_request("Invalid request body: 'privileges' are required.")
    g = call.domain.grants
    await call.run(lambda: g.grant_on_all(call.ctx, privileges, kind, scope, container, grantee(), bool(body.grant_option)))
    return OK


async def _revoke_group_privilege(call: Call, grant_option_only: bool) -> str:
    grantee_kind, grantee = grantee_of(call)
    bulk, kind, scope, container = bulk_of(call)
    privilege = normalize_privilege(call.request.path_params["privilege"])
    delete_mode(call, "deleteMode")
    if bulk == "FUTURE":
        raise errors.unsupported("REVOKE ... ON FUTURE")
    if grantee_kind == "USER":
        raise errors.unsupported("revoking privileges from a user")
    g = call.domain.grants
    await call.run(lambda: g.revoke_on_all(call.ctx, [privilege], kind, scope, container, grantee(), grant_option_only))
    return OK


async def revoke_group_privilege(call: Call) -> str:
    return await _revoke_group_privilege(call, grant_option_only=False)


async def revoke_group_privilege_grant_option(call: Call) -> str:
    return await _revoke_group_privilege(call, grant_option_only=True)


async def list_grants_to(call: Call) -> list[dict[str, Any]]:
    grantee_kind, grantee = grantee_of(call)
    g = call.domain.grants
    if grantee_kind == "ROLE":
        rows = await call.run(lambda: g.to_role(call.ctx, grantee()))
        return [generic_model(r) for r in limited(call, rows)]
    user_rows = await call.run(lambda: g.to_user(call.ctx, grantee()))
    return [
        generic_model(GrantRow(r.created_on, "USAGE", "ROLE", r.role, r.granted_to, r.grantee_name, False, r.granted_by))
        for r in limited(call, user_rows)
    ]


_TO = "/grants/{granteeType}/{granteeName}"
_ONE = _TO + "/{securableType}/{securableName}/privileges"
_BULK = _TO + "/{bulkGrantType}/{securableTypePlural}/{scopeType}/{scopeName}/privileges"

routes = [
    route(_TO, list_grants_to, ["GET"]),
    route(_ONE, grant_privilege, ["POST"]),
    route(_ONE + "/{privilege}", revoke_privilege, ["DELETE"]),
    route(_ONE + "/{privilege}/grant-option", revoke_privilege_grant_option, ["DELETE"]),
    route(_BULK, grant_group_privilege, ["POST"]),
    route(_BULK + "/{privilege}", revoke_group_privilege, ["DELETE"]),
    route(_BULK + "/{privilege}/grant-option", revoke_group_privilege_grant_option, ["DELETE"]),
]
