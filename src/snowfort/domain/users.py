"""Users: CREATE / ALTER / DROP / SHOW / DESCRIBE USER, and the login lookup."""

from __future__ import annotations

from typing import Any

from snowfort import errors
from snowfort.auth.passwords import hash_password, verify_password
from snowfort.catalog.store import Obj
from snowfort.domain import kinds, names, results
from snowfort.domain.base import Objects
from snowfort.domain.context import Ctx
from snowfort.domain.results import CreateMode

# Properties a user takes (CREATE/ALTER USER ... SET <prop> = <value>); values are kept as given.
PROPERTIES = {
    "PASSWORD",
    "LOGIN_NAME",
    "DISPLAY_NAME",
    "FIRST_NAME",
    "MIDDLE_NAME",
    "LAST_NAME",
    "EMAIL",
    "MUST_CHANGE_PASSWORD",
    "DISABLED",
    "DAYS_TO_EXPIRY",
    "MINS_TO_UNLOCK",
    "DEFAULT_WAREHOUSE",
    "DEFAULT_NAMESPACE",
    "DEFAULT_ROLE",
    "DEFAULT_SECONDARY_ROLES",
    "MINS_TO_BYPASS_MFA",
    "RSA_PUBLIC_KEY",
    "RSA_PUBLIC_KEY_2",
    "TYPE",
    "COMMENT",
    "ENABLE_UNREDACTED_QUERY_SYNTAX_ERROR",
}


def _props(values: dict[str, Any], name: str) -> dict[str, Any]:
    unknown = set(values) - PROPERTIES
    if unknown:
        raise errors.syntax_error(f"invalid property '{sorted(unknown)[0]}' for 'USER'")
    props = {k.lower(): v for k, v in values.items() if k not in ("PASSWORD", "COMMENT")}
    if "PASSWORD" in values and values["PASSWORD"] is not None:
        props["password_hash"] = hash_password(str(values["PASSWORD"]))
    props.setdefault("login_name", name.upper())
    props["login_name"] = str(props["login_name"]).upper()
    return props


class Users(Objects):
    def create(self, ctx: Ctx, name: str, mode: CreateMode, values: dict[str, Any]) -> str:
        self.require_account(ctx, "CREATE USER")
        replaced, answer = self.prepare_create(ctx, kinds.USER, 0, name, mode)
        if answer:
            return answer
        props = _props(values, name)
        owner = self.creating_role(ctx)
        with self.catalog.write() as conn:
            if replaced:
                self.catalog.delete_tree(conn, replaced.id)
            self.catalog.insert(
                conn, kind="USER", namespace="USER", parent_id=0, name=name, owner_id=owner,
                comment=values.get("COMMENT"), props=props,
            )
        return results.created("User", name)

    def get(self, ctx: Ctx, name: str) -> Obj:
        user = self.catalog.get("USER", 0, name)
        # A user sees itself; otherwise it takes ownership, MONITOR or MANAGE GRANTS.
        if user is None or not (user.id == ctx.user_id or self.can_see(ctx, user)):
            raise errors.does_not_exist("User", names.quote(name))
        return user

    def exists(self, ctx: Ctx, name: str) -> bool:
        """Whether the name is taken (seen or not: a create would conflict with it)."""
        return self.catalog.get("USER", 0, name) is not None

    def alter(self, ctx: Ctx, name: str, *, set_values: dict[str, Any] | None = None, unset: list[str] | None = None,
              rename: str | None = None, if_exists: bool = False) -> str:
        user = self.catalog.get("USER", 0, name)
        if user is None or not (user.id == ctx.user_id or self.can_see(ctx, user)):
            if if_exists:
                return results.OK
            raise errors.does_not_exist("User", names.quote(name))
        if user.id != ctx.user_id:
            self.require(ctx, user, "OWNERSHIP")
        values: dict[str, Any] = {}
        props = dict(user.props)
        if set_values:
            unknown = set(set_values) - PROPERTIES
            if unknown:
                raise errors.syntax_error(f"invalid property '{sorted(unknown)[0]}' for 'USER'")
            for key, value in set_values.items():
                if key == "PASSWORD":
                    props["password_hash"] = hash_password(str(value))
                elif key == "COMMENT":
                    values["comment"] = value
                elif key == "LOGIN_NAME":
                    props["login_name"] = str(value).upper()
                else:
                    props[key.lower()] = value
        for key in unset or []:
            if key == "COMMENT":
                values["comment"] = None
            elif key == "PASSWORD":
                props.pop("password_hash", None)
            else:
                props.pop(key.lower(), None)
        values["props"] = props
        if rename:
            if self.catalog.get("USER", 0, rename):
                raise errors.already_exists(rename)
            values["name"] = rename
        with self.catalog.write() as conn:
            self.catalog.update(conn, user.id, **values)
        return results.OK

    def drop(self, ctx: Ctx, name: str, if_exists: bool = False) -> str:
        user = self.catalog.get("USER", 0, name)
        if user is None or not self.can_see(ctx, user):
            if if_exists:
                return results.already_dropped(name)
            raise errors.does_not_exist("User", names.quote(name))
        if not (self.owns(ctx, user) or self.has_account_privilege(ctx, "MANAGE GRANTS")):
            raise errors.insufficient_privileges("user", name)
        with self.catalog.write() as conn:
            self.catalog.delete_tree(conn, user.id)
        return results.dropped(name)

    def list(self, ctx: Ctx) -> list[Obj]:
        return [u for u in self.catalog.list(["USER"]) if u.id == ctx.user_id or self.can_see(ctx, u)]

    def authenticate(self, login_name: str, password: str) -> Obj:
        user = self.by_login_name(login_name)
        if user is None or user.props.get("disabled") in (True, "TRUE", "true") or not verify_password(
            user.props.get("password_hash"), password
        ):
            raise errors.bad_login()
        return user

    def grantee_name(self, name: str, quoted: bool) -> str:
        """The stored user a grantee names: exactly first; then a quoted name that names no user
        matches case-insensitively. Snowflake's own rule is exact, but its Python API's tutorial
        grants to Snowpark's get_current_user(), which is the login name in double quotes
        ('"admin"' for the user ADMIN), and that must work. An unknown name comes back as given."""
        if not quoted or self.catalog.get("USER", 0, name) is not None:
            return name
        found = [u.name for u in self.catalog.list(["USER"]) if u.name.upper() == name.upper()]
        if len(found) == 1:
            return found[0]
        return name.upper() if name.upper() in found else name

    def by_login_name(self, login_name: str) -> Obj | None:
        wanted = login_name.upper()
        for user in self.catalog.list(["USER"]):
            if str(user.props.get("login_name", user.name)).upper() == wanted:
                return user
        return None
