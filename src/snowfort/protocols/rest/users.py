"""/api/v2/users: the User resource (user.yaml) over the domain's users and grants modules.
The password goes in and never comes out (has_password says whether there is one)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import names
from snowfort.domain.results import CreateMode
from snowfort.protocols.rest.grants import GrantIn, grant_work, ident, limited, user_grant_model
from snowfort.protocols.rest.http import OK, Call, bad_request, iso, listed, route


class UserIn(BaseModel):
    """The writable fields of User; the read-only ones are ignored."""

    model_config = ConfigDict(extra="ignore")
    name: str
    password: str | None = None
    login_name: str | None = None
    display_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    must_change_password: bool | None = None
    disabled: bool | None = None
    days_to_expiry: int | None = None
    mins_to_unlock: int | None = None
    default_warehouse: str | None = None
    default_namespace: str | None = None
    default_role: str | None = None
    default_secondary_roles: str | None = None
    mins_to_bypass_mfa: int | None = None
    rsa_public_key: str | None = None
    rsa_public_key_2: str | None = None
    comment: str | None = None
    type: str | None = None
    enable_unredacted_query_syntax_error: bool | None = None
    network_policy: str | None = None


# Body fields that are user properties (CREATE/ALTER USER ... <NAME> = value).
PROPERTIES = [
    "password", "login_name", "display_name", "first_name", "middle_name", "last_name", "email",
    "must_change_password", "disabled", "days_to_expiry", "mins_to_unlock", "default_warehouse",
    "default_namespace", "default_role", "default_secondary_roles", "mins_to_bypass_mfa", "rsa_public_key",
    "rsa_public_key_2", "comment", "type", "enable_unredacted_query_syntax_error",
]
# Properties naming an object: stored in SQL spelling like the SQL door's bare names (public -> PUBLIC).
NAMING = ("default_warehouse", "default_namespace", "default_role")


def _spelled(value: str) -> str:
    try:
        return ".".join(names.quote(names.normalize(p)) for p in names.split(value))
    except errors.SnowflakeError:
        return value


def values_of(body: UserIn) -> dict[str, Any]:
    """The body's properties as the domain takes them (upper-case names); absent ones left out."""
    if body.network_policy is not None:
        raise errors.unsupported("network policies")
    if body.default_secondary_roles is not None and body.default_secondary_roles.upper() not in ("ALL", "NONE"):
        raise bad_request(f"Invalid value '{body.default_secondary_roles}' for 'default_secondary_roles': "
                          "expected ALL or NONE.")
    out: dict[str, Any] = {}
    for key in PROPERTIES:
        value = getattr(body, key)
        if value is None:
            continue
        if key in NAMING:
            value = _spelled(value)
        elif key == "default_secondary_roles":
            value = value.upper()
        out[key.upper()] = value
    return out


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    return str(value).strip().upper() in ("TRUE", "YES", "ON", "1", "Y")


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _secondary(value: Any) -> str | None:
    """ALL | NONE; the SQL door keeps DEFAULT_SECONDARY_ROLES = ('ALL') as a list."""
    if isinstance(value, list):
        return "ALL" if [str(v).upper() for v in value] == ["ALL"] else "NONE" if not value else None
    text = str(value).upper() if value is not None else None
    return text if text in ("ALL", "NONE") else None


def model(call: Call, user: Obj) -> dict[str, Any]:
    p = user.props
    owner = call.domain.base.owner_name(user)
    return {
        "name": names.quote(user.name),
        "login_name": _text(p.get("login_name", user.name)),
        "display_name": _text(p.get("display_name", user.name)),
        "first_name": _text(p.get("first_name")),
        "middle_name": _text(p.get("middle_name")),
        "last_name": _text(p.get("last_name")),
        "email": _text(p.get("email")),
        "must_change_password": bool(_bool(p.get("must_change_password"))),
        "disabled": bool(_bool(p.get("disabled"))),
        "days_to_expiry": _int(p.get("days_to_expiry")),
        "mins_to_unlock": _int(p.get("mins_to_unlock")),
        "default_warehouse": _text(p.get("default_warehouse")),
        "default_namespace": _text(p.get("default_namespace")),
        "default_role": _text(p.get("default_role")),
        "default_secondary_roles": _secondary(p.get("default_secondary_roles")),
        "mins_to_bypass_mfa": _int(p.get("mins_to_bypass_mfa")),
        "rsa_public_key": _text(p.get("rsa_public_key")),
        "rsa_public_key_2": _text(p.get("rsa_public_key_2")),
        "comment": user.comment,
        "type": _text(p.get("type")),
        "enable_unredacted_query_syntax_error": _bool(p.get("enable_unredacted_query_syntax_error")),
        "created_on": iso(user.created_on),
        "has_password": bool(p.get("password_hash")),
        "has_rsa_public_key": bool(p.get("rsa_public_key")),
        "ext_authn_duo": False,
        "owner": owner or None,
        "snowflake_lock": False,
        "snowflake_support": False,
        "custom_landing_page_url_flush_next_ui_load": False,
    }


async def list_users(call: Call) -> list[dict[str, Any]]:
    users = await call.run(lambda: call.domain.users.list(call.ctx))
    return [model(call, u) for u in listed(users, call, lambda u: u.name)]


async def create_user(call: Call) -> str:
    body: UserIn = await call.body(UserIn)
    mode = call.create_mode()
    name = ident(body.name, "name")
    values = values_of(body)
    await call.run(lambda: call.domain.users.create(call.ctx, name, mode, values))
    return OK


async def fetch_user(call: Call) -> dict[str, Any]:
    name = call.ident("name")
    user = await call.run(lambda: call.domain.users.get(call.ctx, name))
    return model(call, user)


async def create_or_alter_user(call: Call) -> str:
    """Creates the user, or makes it match the body: properties the body leaves out are unset.
    The password is not altered here (as Snowflake's spec says); only a new user takes it."""
    name = call.ident("name")
    body: UserIn = await call.body(UserIn)
    if ident(body.name, "name") != name:
        raise bad_request("The name in the body must match the name in the path.")
    values = values_of(body)
    users = call.domain.users

    def work() -> None:
        if not users.exists(call.ctx, name):
            users.create(call.ctx, name, CreateMode.ERROR_IF_EXISTS, values)
            return
        values.pop("PASSWORD", None)
        unset = [k.upper() for k in PROPERTIES if k != "password" and k.upper() not in values]
        users.alter(call.ctx, name, set_values=values, unset=unset)

    await call.run(work)
    return OK


async def delete_user(call: Call) -> str:
    name = call.ident("name")
    if_exists = call.flag("ifExists")
    await call.run(lambda: call.domain.users.drop(call.ctx, name, if_exists))
    return OK


async def list_grants(call: Call) -> list[dict[str, Any]]:
    name = call.ident("name")
    rows = await call.run(lambda: call.domain.grants.to_user(call.ctx, name))
    return [user_grant_model(r) for r in limited(call, rows)]


async def grant(call: Call) -> str:
    name = call.ident("name")
    body: GrantIn = await call.body(GrantIn)
    await call.run(grant_work(call, "USER", name, body, revoke=False))
    return OK


async def revoke_grants(call: Call) -> str:
    name = call.ident("name")
    body: GrantIn = await call.body(GrantIn)
    await call.run(grant_work(call, "USER", name, body, revoke=True))
    return OK


async def tags_unsupported(call: Call) -> str:
    call.ident("name")
    raise errors.unsupported("tags")


routes = [
    route("/users", list_users, ["GET"]),
    route("/users", create_user, ["POST"]),
    route("/users/{name}:set-tags", tags_unsupported, ["POST"]),
    route("/users/{name}:unset-tags", tags_unsupported, ["POST"]),
    route("/users/{name}:get-tags", tags_unsupported, ["GET"]),
    route("/users/{name}", fetch_user, ["GET"]),
    route("/users/{name}", create_or_alter_user, ["PUT"]),
    route("/users/{name}", delete_user, ["DELETE"]),
    route("/users/{name}/grants", list_grants, ["GET"]),
    route("/users/{name}/grants", grant, ["POST"]),
    route("/users/{name}/grants:revoke", revoke_grants, ["POST"]),
]
