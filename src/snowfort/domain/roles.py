"""Roles: CREATE / ALTER / DROP / SHOW ROLE."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import kinds, names, results
from snowfort.domain.base import SYSTEM_ROLES, Objects
from snowfort.domain.context import Ctx
from snowfort.domain.results import CreateMode


@dataclass(frozen=True)
class RoleInfo:
    obj: Obj
    owner: str
    assigned_to_users: int
    granted_to_roles: int
    granted_roles: int
    # As SHOW ROLES reports them for the asking session: the user's default role, its current
    # role, and a role the current role inherits (granted to it, directly or not).
    is_default: bool = False
    is_current: bool = False
    is_inherited: bool = False


class Roles(Objects):
    def create(self, ctx: Ctx, name: str, mode: CreateMode, comment: str | None = None) -> str:
        self.require_account(ctx, "CREATE ROLE")
        replaced, answer = self.prepare_create(ctx, kinds.ROLE, 0, name, mode)
        if answer:
            return answer
        owner = self.creating_role(ctx)
        with self.catalog.write() as conn:
            if replaced:
                self.catalog.delete_tree(conn, replaced.id)
            self.catalog.insert(conn, kind="ROLE", namespace="ROLE", parent_id=0, name=name, owner_id=owner, comment=comment)
        return results.created("Role", name)

    def get(self, ctx: Ctx, name: str) -> Obj:
        return self.resolve_named(ctx, kinds.ROLE, name)

    def drop(self, ctx: Ctx, name: str, if_exists: bool = False) -> str:
        role = self.catalog.get("ROLE", 0, name)
        if role is None or not self.can_see(ctx, role):
            if if_exists:
                return results.already_dropped(name)
            raise errors.does_not_exist("Role", names.quote(name))
        if name in SYSTEM_ROLES:
            raise errors.SnowflakeError("003020", "42501", f"{errors.ACCESS}Cannot drop system role '{name}'.", 403)
        if not (self.owns(ctx, role) or self.has_account_privilege(ctx, "MANAGE GRANTS")):
            raise errors.insufficient_privileges("role", name)
        with self.catalog.write() as conn:
            # Snowflake hands what the dropped role owned to the role that dropped it.
            self.catalog.transfer_ownership(conn, role.id, self.current_role_id(ctx))
            self.catalog.delete_tree(conn, role.id)
        if ctx.role == name:
            ctx.role = None
        return results.dropped(name)

    def alter(
        self, ctx: Ctx, name: str, *, rename: str | None = None, set_values: dict[str, Any] | None = None,
        unset: list[str] | None = None, if_exists: bool = False,
    ) -> str:
        role = self.catalog.get("ROLE", 0, name)
        if role is None or not self.can_see(ctx, role):
            if if_exists:
                return results.OK
            raise errors.does_not_exist("Role", names.quote(name))
        self.require(ctx, role, "OWNERSHIP")
        values = self.property_changes(role, set_values, unset, allowed=set())
        if rename:
            if self.catalog.get("ROLE", 0, rename):
                raise errors.already_exists(rename)
            values["name"] = rename
        with self.catalog.write() as conn:
            self.catalog.update(conn, role.id, **values)
        if rename and ctx.role == name:
            ctx.role = rename
        return results.OK

    def list(self, ctx: Ctx) -> list[RoleInfo]:
        # Every role is listed to every role in Snowflake's SHOW ROLES.
        roles = self.catalog.list(["ROLE"])
        grants = self.catalog.role_grants()
        default_role = self._default_role(ctx)
        current = self.current_role_id(ctx)
        inherited = self.roles_of(ctx)
        out = []
        for role in roles:
            mine = [g for g in grants if g.role_id == role.id]
            out.append(
                RoleInfo(
                    obj=role,
                    owner=self.owner_name(role),
                    assigned_to_users=sum(1 for g in mine if g.grantee_kind == "USER"),
                    granted_to_roles=sum(1 for g in mine if g.grantee_kind == "ROLE"),
                    granted_roles=sum(1 for g in grants if g.grantee_kind == "ROLE" and g.grantee_id == role.id),
                    is_default=role.name == default_role,
                    is_current=role.id == current,
                    is_inherited=role.id in inherited and role.id != current,
                )
            )
        return out

    def _default_role(self, ctx: Ctx) -> str | None:
        """The stored name of the session user's DEFAULT_ROLE (kept in SQL spelling: R1 or "r1")."""
        me = self.catalog.get_by_id(ctx.user_id)
        spelled = str(me.props.get("default_role") or "") if me else ""
        try:
            return names.normalize(spelled) if spelled else None
        except errors.SnowflakeError:
            return spelled

    def use(self, ctx: Ctx, name: str) -> str:
        role = self.catalog.get("ROLE", 0, name)
        if role is None:
            raise errors.does_not_exist("Role", names.quote(name))
        if not self.user_has_role(ctx.user_id, role.id):
            raise errors.SnowflakeError(
                "003013",
                "42501",
                f"{errors.ACCESS}Requested role '{names.quote(name)}' is not assigned to the executing user.  "
                "Specify another role to activate.",
                403,
            )
        ctx.role = role.name
        return results.OK

    def user_has_role(self, user_id: int, role_id: int) -> bool:
        public = self.role_obj("PUBLIC")
        if public and role_id == public.id:
            return True
        for grant in self.catalog.role_grants(grantee_kind="USER", grantee_id=user_id):
            if role_id in self.role_closure(grant.role_id):
                return True
        return False
