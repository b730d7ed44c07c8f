"""Grants: privileges to roles, roles to roles and users, ownership, and SHOW GRANTS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from snowfort import errors
from snowfort.catalog.store import ACCOUNT_ID, Obj
from snowfort.domain import kinds, names, results
from snowfort.domain.base import Objects
from snowfort.domain.context import Ctx


@dataclass(frozen=True)
class GrantRow:
    created_on: datetime
    privilege: str
    granted_on: str
    name: str
    granted_to: str
    grantee_name: str
    grant_option: bool
    granted_by: str


@dataclass(frozen=True)
class RoleGrantRow:
    created_on: datetime
    role: str
    granted_to: str
    grantee_name: str
    granted_by: str


def normalize_privilege(text: str) -> str:
    return " ".join(text.upper().split())


def granted_on(kind: str) -> str:
    return kind.replace(" ", "_")


# Securable kinds Snowflake has that snowfort does not hold (yet): naming one finds nothing, as a
# missing object does. A kind that `kinds.register()` adds later is resolved like any other.
NOT_HELD = frozenset({
    "COMPUTE POOL", "IMAGE REPOSITORY", "SERVICE", "STAGE", "FUNCTION", "PROCEDURE", "INTEGRATION",
    "RESOURCE MONITOR", "EXTERNAL VOLUME", "CONNECTION", "FAILOVER GROUP", "REPLICATION GROUP", "ALERT",
    "AGGREGATION POLICY", "AUTHENTICATION POLICY", "DATA METRIC FUNCTION", "DYNAMIC TABLE", "EVENT TABLE",
    "EXTERNAL TABLE", "FILE FORMAT", "GIT REPOSITORY", "HYBRID TABLE", "ICEBERG TABLE", "MASKING POLICY",
    "MATERIALIZED VIEW", "MODEL", "NETWORK RULE", "NETWORK POLICY", "PACKAGES POLICY", "PASSWORD POLICY",
    "PIPE", "PROJECTION POLICY", "ROW ACCESS POLICY", "SECRET", "SESSION POLICY", "SEQUENCE", "STREAM",
    "TAG", "TASK", "STREAMLIT", "NOTEBOOK", "SEMANTIC VIEW", "CORTEX SEARCH SERVICE",
})
# Grantable like roles, but snowfort has no such roles.
OTHER_ROLES = frozenset({"DATABASE ROLE", "APPLICATION ROLE", "SERVICE ROLE"})


def type_phrase(text: str) -> str:
    """A securable type as any door spells it (`compute pool`, `COMPUTE_POOL`, `Compute-Pool`)
    in the form the kind tables use: `COMPUTE POOL`."""
    return " ".join(text.upper().replace("_", " ").replace("-", " ").split())


def singular(plural: str) -> str:
    """TABLES -> TABLE, IMAGE REPOSITORIES -> IMAGE REPOSITORY, MASKING POLICIES -> MASKING POLICY."""
    phrase = type_phrase(plural)
    if phrase.endswith("IES"):
        return phrase[:-3] + "Y"
    return phrase[:-1] if phrase.endswith("S") else phrase


class Grants(Objects):
    # -- securables ------------------------------------------------------------------------
    def securable(self, ctx: Ctx, kind_name: str, parts: list[str]) -> Obj | None:
        """The object a GRANT names; None is the account."""
        phrase = type_phrase(kind_name)
        if phrase == "ACCOUNT":
            return None
        kind_key = kinds.KIND_ALIASES.get(phrase)
        if kind_key is None:
            self._not_held(kind_name)
            raise errors.does_not_exist(phrase.capitalize(), ".".join(names.quote(p) for p in parts))
        kind = kinds.KINDS[kind_key]
        if kind.name == "DATABASE":
            return self.database(ctx, parts[-1], usage=False)
        if kind.name == "SCHEMA":
            if len(parts) > 2:
                raise errors.syntax_error(f"invalid schema name '{'.'.join(parts)}'")
            return self.schema(ctx, parts[0] if len(parts) == 2 else None, parts[-1], usage=False).schema
        if kind.level == 3:
            ref, name = self.schema_of(ctx, parts)
            obj = self.catalog.get(kind.namespace, ref.schema.id, name)
            shown = ".".join(names.quote(p) for p in parts)
            if obj is None or obj.kind != kind.name or not self.can_see(ctx, obj):
                raise errors.does_not_exist(kind.word, shown, "02000" if kind.name not in ("TABLE", "VIEW") else "42S02")
            return obj
        if len(parts) != 1:
            raise errors.syntax_error(f"invalid {kind.lower} name '{'.'.join(parts)}'")
        return self.resolve_named(ctx, kind, parts[0])

    @staticmethod
    def _not_held(kind_name: str) -> None:
        """Fails unless the kind is one Snowflake has and snowfort does not hold (yet)."""
        phrase = type_phrase(kind_name)
        if phrase in OTHER_ROLES:
            raise errors.unsupported(f"{phrase.lower()}s")
        if phrase not in NOT_HELD:
            raise errors.syntax_error(f"unsupported securable type '{kind_name}'")

    def _grantee_role(self, name: str) -> Obj:
        role = self.role_obj(name)
        if role is None:
            raise errors.does_not_exist("Role", names.quote(name))
        return role

    def _expand(self, obj: Obj | None, privileges: list[str]) -> list[str]:
        allowed = kinds.ACCOUNT_PRIVILEGES if obj is None else kinds.KINDS[obj.kind].privileges
        out: list[str] = []
        for raw in privileges:
            priv = normalize_privilege(raw)
            if priv in ("ALL", "ALL PRIVILEGES"):
                out.extend(sorted(allowed - {"OWNERSHIP"}))
                continue
            if priv not in allowed:
                where = "ACCOUNT" if obj is None else kinds.KINDS[obj.kind].name
                raise errors.syntax_error(f"Invalid privilege {priv} for {where}.")
            out.append(priv)
        return out

    def _may_grant(self, ctx: Ctx, obj: Obj | None, privileges: list[str]) -> None:
        if self.has_account_privilege(ctx, "MANAGE GRANTS"):
            return
        if obj is not None and self.owns(ctx, obj):
            return
        roles = self.roles_of(ctx)
        object_id = ACCOUNT_ID if obj is None else obj.id
        with_option = {g.privilege for g in self.catalog.privilege_grants(object_id=object_id) if g.grant_option and g.grantee_id in roles}
        if privileges and set(privileges) <= with_option:
            return
        if obj is None:
            raise errors.insufficient_privileges("account", self.settings.account)
        raise self.denied(obj)

    # -- privileges ------------------------------------------------------------------------
    def grant_privileges(
        self, ctx: Ctx, privileges: list[str], kind: str, parts: list[str], role: str, grant_option: bool = False
    ) -> str:
        obj = self.securable(ctx, kind, parts)
        privs = self._expand(obj, privileges)
        if "OWNERSHIP" in privs:
            return self.grant_ownership(ctx, kind, parts, role)
        grantee = self._grantee_role(role)
        self._may_grant(ctx, obj, privs)
        with self.catalog.write() as conn:
            for priv in privs:
                self.catalog.add_privilege_grant(
                    conn, ACCOUNT_ID if obj is None else obj.id, priv, grantee.id, grant_option, self.current_role_id(ctx)
                )
        return results.OK

    def _all_in(self, ctx: Ctx, kind: str, container_kind: str, container: list[str]) -> list[Obj]:
        """The objects ALL <kinds> IN SCHEMA|DATABASE names now (none of a kind snowfort does not hold)."""
        kind_key = kinds.KIND_ALIASES.get(type_phrase(kind))
        if kind_key is None:
            self._not_held(kind)
        if type_phrase(container_kind) == "DATABASE":
            if len(container) != 1:
                raise errors.syntax_error(f"invalid database name '{'.'.join(container)}'")
            db = self.database(ctx, container[-1], usage=False)
            schemas = self.catalog.list(["SCHEMA"], db.id)
        elif type_phrase(container_kind) == "SCHEMA":
            if len(container) > 2:
                raise errors.syntax_error(f"invalid schema name '{'.'.join(container)}'")
            schemas = [self.schema(ctx, container[0] if len(container) == 2 else None, container[-1], usage=False).schema]
        else:
            raise errors.syntax_error(f"invalid scope '{container_kind}': expected DATABASE or SCHEMA")
        if kind_key is None:
            return []
        return [o for s in schemas for o in self.catalog.list([kind_key], s.id)] if kind_key != "SCHEMA" else schemas

    def grant_on_all(self, ctx: Ctx, privileges: list[str], kind: str, container_kind: str, container: list[str],
                     role: str, grant_option: bool = False) -> str:
        """GRANT ... ON ALL <kinds> IN SCHEMA|DATABASE: a grant on each object there now."""
        targets = self._all_in(ctx, kind, container_kind, container)
        for obj in targets:
            privs = self._expand(obj, privileges)
            self._may_grant(ctx, obj, privs)
            grantee = self._grantee_role(role)
            with self.catalog.write() as conn:
                for priv in privs:
                    self.catalog.add_privilege_grant(conn, obj.id, priv, grantee.id, grant_option, self.current_role_id(ctx))
        return results.OK

    def revoke_on_all(self, ctx: Ctx, privileges: list[str], kind: str, container_kind: str, container: list[str],
                      role: str, grant_option_only: bool = False) -> str:
        """REVOKE ... ON ALL <kinds> IN SCHEMA|DATABASE: the grant off each object there now."""
        grantee = self._grantee_role(role)
        for obj in self._all_in(ctx, kind, container_kind, container):
            privs = self._expand(obj, privileges)
            self._may_grant(ctx, obj, privs)
            with self.catalog.write() as conn:
                for priv in privs:
                    self.catalog.remove_privilege_grant(conn, obj.id, priv, grantee.id, grant_option_only)
        return results.OK

    def revoke_privileges(
        self, ctx: Ctx, privileges: list[str], kind: str, parts: list[str], role: str, grant_option_only: bool = False
    ) -> str:
        obj = self.securable(ctx, kind, parts)
        privs = self._expand(obj, privileges)
        grantee = self._grantee_role(role)
        self._may_grant(ctx, obj, privs)
        with self.catalog.write() as conn:
            for priv in privs:
                self.catalog.remove_privilege_grant(
                    conn, ACCOUNT_ID if obj is None else obj.id, priv, grantee.id, grant_option_only
                )
        return results.OK

    def grant_ownership(
        self, ctx: Ctx, kind: str, parts: list[str], role: str, *, revoke_current_grants: bool = False,
        copy_current_grants: bool = False,
    ) -> str:
        """Snowflake's rules: the other grants on the object block the transfer unless the statement
        says what becomes of them; COPY keeps them (granted by the new owner from then on), REVOKE
        drops them. A role, or a move to the role that owns the object already, is never blocked."""
        obj = self.securable(ctx, kind, parts)
        if obj is None:
            raise errors.syntax_error("OWNERSHIP cannot be granted on the account.")
        grantee = self._grantee_role(role)
        if not (self.owns(ctx, obj) or self.has_account_privilege(ctx, "MANAGE GRANTS")):
            raise self.denied(obj)
        current = [g for g in self.catalog.privilege_grants(object_id=obj.id) if g.privilege != "OWNERSHIP"]
        if current and not (revoke_current_grants or copy_current_grants) and obj.kind != "ROLE" \
                and obj.owner_id != grantee.id:
            first = min(current, key=lambda g: (self._role_name(g.grantee_id), g.privilege))
            raise errors.SnowflakeError(
                "003036", "23001",
                f"SQL execution error: Dependent grant of privilege '{first.privilege}' on securable "
                f"'{self.display_name(obj)}' to role '{self._role_name(first.grantee_id)}' exists.  It must be revoked "
                "first.  More than one dependent grant may exist: use 'SHOW GRANTS' command to view them.  To revoke "
                "all dependent grants while transferring object ownership, use convenience command 'GRANT OWNERSHIP "
                "ON <target_objects> TO <target_role> REVOKE CURRENT GRANTS'.",
            )
        with self.catalog.write() as conn:
            for g in current:
                self.catalog.remove_privilege_grant(conn, obj.id, g.privilege, g.grantee_id)
                if copy_current_grants:
                    self.catalog.add_privilege_grant(conn, obj.id, g.privilege, g.grantee_id, g.grant_option, grantee.id)
            self.catalog.update(conn, obj.id, owner_id=grantee.id)
        return results.OK

    # -- roles -----------------------------------------------------------------------------
    def _grantee(self, grantee_kind: str, name: str) -> Obj:
        if grantee_kind == "USER":
            user = self.catalog.get("USER", 0, name)
            if user is None:
                raise errors.does_not_exist("User", names.quote(name))
            return user
        return self._grantee_role(name)

    def _may_grant_role(self, ctx: Ctx, role: Obj) -> None:
        if not (self.owns(ctx, role) or self.has_account_privilege(ctx, "MANAGE GRANTS")):
            raise errors.insufficient_privileges("role", role.name)

    def grant_role(self, ctx: Ctx, role: str, grantee_kind: str, grantee: str) -> str:
        granted = self._grantee_role(role)
        target = self._grantee(grantee_kind, grantee)
        self._may_grant_role(ctx, granted)
        if grantee_kind == "ROLE" and (target.id == granted.id or target.id in self.role_closure(granted.id)):
            raise errors.SnowflakeError(
                "003014", "42501",
                f"{errors.ACCESS}Cannot grant role '{names.quote(granted.name)}' to role "
                f"'{names.quote(target.name)}': it would create a cycle.",
            )
        with self.catalog.write() as conn:
            self.catalog.add_role_grant(conn, granted.id, grantee_kind, target.id, self.current_role_id(ctx))
        return results.OK

    def revoke_role(self, ctx: Ctx, role: str, grantee_kind: str, grantee: str) -> str:
        granted = self._grantee_role(role)
        target = self._grantee(grantee_kind, grantee)
        self._may_grant_role(ctx, granted)
        with self.catalog.write() as conn:
            self.catalog.remove_role_grant(conn, granted.id, grantee_kind, target.id)
        return results.OK

    # -- SHOW GRANTS -----------------------------------------------------------------------
    def _name_of(self, object_id: int) -> tuple[str, str]:
        if object_id == ACCOUNT_ID:
            return "ACCOUNT", self.settings.account
        obj = self.catalog.get_by_id(object_id)
        if obj is None:
            return "UNKNOWN", ""
        return granted_on(obj.kind), self.display_name(obj)

    def _role_name(self, role_id: int | None) -> str:
        if role_id is None:
            return ""
        obj = self.catalog.get_by_id(role_id)
        return obj.name if obj else ""

    def on(self, ctx: Ctx, kind: str, parts: list[str]) -> list[GrantRow]:
        obj = self.securable(ctx, kind, parts)
        rows: list[GrantRow] = []
        if obj is not None and obj.owner_id is not None:
            on, name = self._name_of(obj.id)
            rows.append(GrantRow(obj.created_on, "OWNERSHIP", on, name, "ROLE", self._role_name(obj.owner_id), True,
                                 self._role_name(obj.owner_id)))
        for g in self.catalog.privilege_grants(object_id=ACCOUNT_ID if obj is None else obj.id):
            on, name = self._name_of(g.object_id)
            rows.append(GrantRow(g.created_on, g.privilege, on, name, "ROLE", self._role_name(g.grantee_id),
                                 g.grant_option, self._role_name(g.granted_by_id)))
        if obj is not None and obj.kind == "ROLE":
            for rg in self.catalog.role_grants(role_id=obj.id):
                grantee = self.catalog.get_by_id(rg.grantee_id)
                rows.append(GrantRow(rg.created_on, "USAGE", "ROLE", obj.name, rg.grantee_kind,
                                     grantee.name if grantee else "", False, self._role_name(rg.granted_by_id)))
        return rows

    def to_role(self, ctx: Ctx, role: str) -> list[GrantRow]:
        target = self._grantee_role(role)
        if not (self.current_role_id(ctx) == target.id or target.id in self.roles_of(ctx)
                or self.owns(ctx, target) or self.has_account_privilege(ctx, "MANAGE GRANTS")):
            raise errors.insufficient_privileges("role", target.name)
        rows: list[GrantRow] = []
        for obj in self.catalog.list(list(kinds.KINDS)):
            if obj.owner_id == target.id:
                on, name = self._name_of(obj.id)
                rows.append(GrantRow(obj.created_on, "OWNERSHIP", on, name, "ROLE", target.name, True, target.name))
        for g in self.catalog.privilege_grants(grantee_ids=[target.id]):
            on, name = self._name_of(g.object_id)
            rows.append(GrantRow(g.created_on, g.privilege, on, name, "ROLE", target.name, g.grant_option,
                                 self._role_name(g.granted_by_id)))
        for rg in self.catalog.role_grants(grantee_kind="ROLE", grantee_id=target.id):
            rows.append(GrantRow(rg.created_on, "USAGE", "ROLE", self._role_name(rg.role_id), "ROLE", target.name,
                                 False, self._role_name(rg.granted_by_id)))
        return rows

    def future_to_role(self, ctx: Ctx, role: str) -> list[GrantRow]:
        """SHOW FUTURE GRANTS TO ROLE: none, since snowfort takes no future grants (GRANT ... ON
        FUTURE is unsupported); the role must exist and be one the session may look at."""
        self.to_role(ctx, role)
        return []

    def to_user(self, ctx: Ctx, user: str) -> list[RoleGrantRow]:
        target = self._grantee("USER", user)
        if target.id != ctx.user_id and not (self.owns(ctx, target) or self.has_account_privilege(ctx, "MANAGE GRANTS")):
            raise errors.insufficient_privileges("user", target.name)
        return [
            RoleGrantRow(rg.created_on, self._role_name(rg.role_id), "USER", target.name, self._role_name(rg.granted_by_id))
            for rg in self.catalog.role_grants(grantee_kind="USER", grantee_id=target.id)
        ]

    def of_role(self, ctx: Ctx, role: str) -> list[RoleGrantRow]:
        target = self._grantee_role(role)
        out = []
        for rg in self.catalog.role_grants(role_id=target.id):
            grantee = self.catalog.get_by_id(rg.grantee_id)
            out.append(RoleGrantRow(rg.created_on, target.name, rg.grantee_kind, grantee.name if grantee else "",
                                    self._role_name(rg.granted_by_id)))
        return out


