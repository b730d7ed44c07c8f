"""/api/v2/roles: the Role resource (role.yaml) over the domain's roles and grants modules."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from snowfort import errors
from snowfort.domain import names
from snowfort.domain.roles import RoleInfo
from snowfort.protocols.rest.grants import GrantIn, delete_mode, grant_work, ident, limited, role_grant_model
from snowfort.protocols.rest.http import OK, Call, iso, listed, route


class RoleIn(BaseModel):
    """The writable fields of Role; the read-only ones (owner, counts...) are ignored."""

    model_config = ConfigDict(extra="ignore")
    name: str
    comment: str | None = None


def model(info: RoleInfo) -> dict[str, Any]:
    role = info.obj
    return {
        "name": names.quote(role.name),
        "comment": role.comment,
        "created_on": iso(role.created_on),
        # The system roles have no owner; the pattern takes no empty name.
        "owner": names.quote(info.owner) if info.owner else None,
        "is_default": info.is_default,
        "is_current": info.is_current,
        "is_inherited": info.is_inherited,
        "assigned_to_users": info.assigned_to_users,
        "granted_to_roles": info.granted_to_roles,
        "granted_roles": info.granted_roles,
    }


async def list_roles(call: Call) -> list[dict[str, Any]]:
    roles = await call.run(lambda: call.domain.roles.list(call.ctx))
    return [model(i) for i in listed(roles, call, lambda i: i.obj.name)]


async def create_role(call: Call) -> str:
    body: RoleIn = await call.body(RoleIn)
    mode = call.create_mode()
    name = ident(body.name, "name")
    await call.run(lambda: call.domain.roles.create(call.ctx, name, mode, body.comment))
    return OK


async def delete_role(call: Call) -> str:
    name = call.ident("name")
    if_exists = call.flag("ifExists")
    await call.run(lambda: call.domain.roles.drop(call.ctx, name, if_exists))
    return OK


async def list_grants(call: Call) -> list[dict[str, Any]]:
    name = call.ident("name")
    rows = await call.run(lambda: call.domain.grants.to_role(call.ctx, name))
    return [role_grant_model(r) for r in limited(call, rows)]


async def grant_privileges(call: Call) -> str:
    name = call.ident("name")
    body: GrantIn = await call.body(GrantIn)
    await call.run(grant_work(call, "ROLE", name, body, revoke=False))
    return OK


async def revoke_grants(call: Call) -> str:
    name = call.ident("name")
    delete_mode(call, "mode")
    body: GrantIn = await call.body(GrantIn)
    await call.run(grant_work(call, "ROLE", name, body, revoke=True))
    return OK


async def list_grants_of(call: Call) -> list[dict[str, Any]]:
    name = call.ident("name")
    rows = await call.run(lambda: call.domain.grants.of_role(call.ctx, name))
    return [
        {"created_on": iso(r.created_on), "role": r.role, "granted_to": r.granted_to, "grantee_name": r.grantee_name,
         "granted_by": r.granted_by or None}
        for r in limited(call, rows)
    ]


async def list_grants_on(call: Call) -> list[dict[str, Any]]:
    name = call.ident("name")
    rows = await call.run(lambda: call.domain.grants.on(call.ctx, "ROLE", [name]))
    return [
        {"created_on": iso(r.created_on), "privilege": r.privilege, "granted_on": r.granted_on, "name": r.name,
         "granted_to": r.granted_to, "grantee_name": r.grantee_name, "grant_option": "true" if r.grant_option else "false",
         "granted_by": r.granted_by or None, "granted_by_role_type": "ROLE" if r.granted_by else None}
        for r in limited(call, rows)
    ]


async def list_future_grants(call: Call) -> list[dict[str, Any]]:
    # The domain takes no future grants (GRANT ... ON FUTURE is unsupported), so there are none.
    name = call.ident("name")
    rows = await call.run(lambda: call.domain.grants.future_to_role(call.ctx, name))
    return [role_grant_model(r) for r in limited(call, rows)]


async def future_grants_unsupported(call: Call) -> str:
    call.ident("name")
    verb = "REVOKE" if call.request.url.path.endswith(":revoke") else "GRANT"
    raise errors.unsupported(f"{verb} ... ON FUTURE")


async def tags_unsupported(call: Call) -> str:
    call.ident("name")
    raise errors.unsupported("tags")


routes = [
    route("/roles", list_roles, ["GET"]),
    route("/roles", create_role, ["POST"]),
    route("/roles/{name}:set-tags", tags_unsupported, ["POST"]),
    route("/roles/{name}:unset-tags", tags_unsupported, ["POST"]),
    route("/roles/{name}:get-tags", tags_unsupported, ["GET"]),
    route("/roles/{name}", delete_role, ["DELETE"]),
    route("/roles/{name}/grants", list_grants, ["GET"]),
    route("/roles/{name}/grants", grant_privileges, ["POST"]),
    route("/roles/{name}/grants:revoke", revoke_grants, ["POST"]),
    route("/roles/{name}/grants-of", list_grants_of, ["GET"]),
    route("/roles/{name}/grants-on", list_grants_on, ["GET"]),
    route("/roles/{name}/future-grants", list_future_grants, ["GET"]),
    route("/roles/{name}/future-grants", future_grants_unsupported, ["POST"]),
    route("/roles/{name}/future-grants:revoke", future_grants_unsupported, ["POST"]),
]
