"""What every domain module shares: the catalog, name resolution and the privilege checks (RBAC).

Snowflake's rules, in short: a session acts with its current role and every role granted to it,
down the hierarchy (and PUBLIC). A role may act on an object it owns or holds a privilege on. An
object the role cannot see is reported as "does not exist or not authorized" (002003); an object it
can see but may not act on gives "Insufficient privileges" (003001).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from snowfort import errors
from snowfort.catalog.store import ACCOUNT_ID, Catalog, Obj
from snowfort.domain import kinds, names, results
from snowfort.domain.context import Ctx
from snowfort.domain.results import CreateMode

if TYPE_CHECKING:
    from snowfort.config import Settings
    from snowfort.warehouse.engine import Engine

PUBLIC = "PUBLIC"
SYSTEM_ROLES = ("ACCOUNTADMIN", "SECURITYADMIN", "SYSADMIN", "USERADMIN", "PUBLIC")


@dataclass(frozen=True)
class SchemaRef:
    database: Obj
    schema: Obj

    @property
    def qualified(self) -> str:
        return f"{names.quote(self.database.name)}.{names.quote(self.schema.name)}"


class Base:
    """Shared state of the domain; each object kind's module is a subclass instance."""

    def __init__(self, catalog: Catalog, engine: Engine, settings: Settings) -> None:
        self.catalog = catalog
        self.engine = engine
        self.settings = settings
        self._closure_lock = threading.Lock()
        self._closure: tuple[int, dict[int, frozenset[int]]] = (-1, {})

    # -- roles of a session ----------------------------------------------------------------
    def role_obj(self, name: str) -> Obj | None:
        return self.catalog.get("ROLE", 0, name)

    def role_closure(self, role_id: int) -> frozenset[int]:
        """The role itself, every role granted to it (transitively) and PUBLIC."""
        generation = self.catalog.generation
        with self._closure_lock:
            cached_gen, cache = self._closure
            if cached_gen != generation:
                cache = {}
                self._closure = (generation, cache)
            if role_id in cache:
                return cache[role_id]
        edges: dict[int, list[int]] = {}
        for grantee, granted in self.catalog.all_role_to_role_edges():
            edges.setdefault(grantee, []).append(granted)
        seen = {role_id}
        stack = [role_id]
        while stack:
            for nxt in edges.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        public = self.role_obj(PUBLIC)
        if public:
            seen.add(public.id)
        result = frozenset(seen)
        with self._closure_lock:
            if self._closure[0] == generation:
                self._closure[1][role_id] = result
        return result

    def roles_of(self, ctx: Ctx) -> frozenset[int]:
        role = self.role_obj(ctx.role) if ctx.role else None
        if role is None:
            public = self.role_obj(PUBLIC)
            return frozenset({public.id}) if public else frozenset()
        return self.role_closure(role.id)

    def current_role_id(self, ctx: Ctx) -> int | None:
        role = self.role_obj(ctx.role) if ctx.role else None
        return role.id if role else None

    # -- privilege checks ------------------------------------------------------------------
    def privileges_on(self, ctx: Ctx, object_id: int) -> set[str]:
        roles = self.roles_of(ctx)
        return {g.privilege for g in self.catalog.privilege_grants(object_id=object_id) if g.grantee_id in roles}

    def owns(self, ctx: Ctx, obj: Obj) -> bool:
        return obj.owner_id is not None and obj.owner_id in self.roles_of(ctx)

    def has_privilege(self, ctx: Ctx, obj: Obj, *privileges: str) -> bool:
        if self.owns(ctx, obj):
            return True
        held = self.privileges_on(ctx, obj.id)
        return bool(held & {*privileges, "OWNERSHIP"})

    def has_account_privilege(self, ctx: Ctx, privilege: str) -> bool:
        return privilege in self.privileges_on(ctx, ACCOUNT_ID)

    def can_see(self, ctx: Ctx, obj: Obj) -> bool:
        """Any privilege on an object makes it visible; MANAGE GRANTS sees everything."""
        return self.owns(ctx, obj) or bool(self.privileges_on(ctx, obj.id)) or self.has_account_privilege(
            ctx, "MANAGE GRANTS"
        )

    def require_account(self, ctx: Ctx, privilege: str) -> None:
        if not self.has_account_privilege(ctx, privilege):
            raise errors.insufficient_privileges("account", self.settings.account)

    def require(self, ctx: Ctx, obj: Obj, *privileges: str) -> None:
        if not self.has_privilege(ctx, obj, *privileges):
            raise self.denied(obj)

    def denied(self, obj: Obj) -> errors.SnowflakeError:
        """003001 on an object the role can see: Snowflake names it by its own name alone, unquoted
        and unqualified ("Insufficient privileges to operate on table 'ORDERS'.")."""
        return errors.insufficient_privileges(kinds.KINDS[obj.kind].lower, obj.name)

    # -- resolution ------------------------------------------------------------------------
    def display_name(self, obj: Obj) -> str:
        """Fully qualified, as Snowflake prints it in messages (DB.SCHEMA.OBJECT)."""
        parts = [names.quote(obj.name)]
        parent = obj.parent_id
        while parent:
            p = self.catalog.get_by_id(parent)
            if p is None:
                break
            parts.append(names.quote(p.name))
            parent = p.parent_id
        return ".".join(reversed(parts))

    def database(self, ctx: Ctx, name: str, *, usage: bool = True) -> Obj:
        """A database the session may use (USAGE, or any privilege when `usage` is False)."""
        db = self.catalog.get("DATABASE", 0, name)
        if db is None:
            raise errors.does_not_exist("Database", names.quote(name))
        ok = self.has_privilege(ctx, db, "USAGE") if usage else self.can_see(ctx, db)
        if not ok:
            raise errors.does_not_exist("Database", names.quote(name))
        return db

    def schema(self, ctx: Ctx, database: str | None, name: str | None, *, usage: bool = True) -> SchemaRef:
        database = database or ctx.database
        if database is None:
            raise errors.no_current_database()
        name = name or ctx.schema
        if name is None:
            raise errors.no_current_schema()
        db = self.database(ctx, database)
        sc = self.catalog.get("SCHEMA", db.id, name)
        shown = f"{names.quote(db.name)}.{names.quote(name)}"
        if sc is None:
            raise errors.does_not_exist("Schema", shown)
        ok = self.has_privilege(ctx, sc, "USAGE") if usage else self.can_see(ctx, sc)
        if not ok:
            raise errors.does_not_exist("Schema", shown)
        return SchemaRef(db, sc)

    def schemas_in_scope(
        self, ctx: Ctx, scope: str, database: str | None, schema: str | None
    ) -> list[tuple[Obj, Obj]]:
        """(database, schema) pairs a SHOW ... IN ACCOUNT|DATABASE|SCHEMA (or a REST list) covers,
        as far as the session can see them."""
        if scope == "ACCOUNT":
            dbs = [d for d in self.catalog.list(["DATABASE"]) if self.can_see(ctx, d)]
            return [(d, s) for d in dbs for s in self.catalog.list(["SCHEMA"], d.id) if self.can_see(ctx, s)]
        if scope == "DATABASE":
            name = database or ctx.database
            if name is None:
                raise errors.no_current_database()
            db = self.database(ctx, name, usage=False)
            return [(db, s) for s in self.catalog.list(["SCHEMA"], db.id) if self.can_see(ctx, s)]
        ref = self.schema(ctx, database, schema, usage=False)
        return [(ref.database, ref.schema)]

    def schema_of(self, ctx: Ctx, parts: list[str]) -> tuple[SchemaRef, str]:
        """Resolve `[db.][schema.]name` (normalised parts) to its schema and the object name."""
        if len(parts) == 1:
            return self.schema(ctx, None, None), parts[0]
        if len(parts) == 2:
            return self.schema(ctx, None, parts[0]), parts[1]
        if len(parts) == 3:
            return self.schema(ctx, parts[0], parts[1]), parts[2]
        raise errors.syntax_error(f"invalid object name '{'.'.join(parts)}'")

    def owner_name(self, obj: Obj) -> str:
        if obj.owner_id is None:
            return ""
        owner = self.catalog.get_by_id(obj.owner_id)
        return owner.name if owner else ""


class Objects(Base):
    """Create/drop bookkeeping that every named object kind shares."""

    def __init__(self, shared: Base) -> None:  # share one cache and catalog among modules
        self.__dict__ = shared.__dict__

    def creating_role(self, ctx: Ctx) -> int:
        role_id = self.current_role_id(ctx)
        if role_id is None:
            raise errors.SnowflakeError("003001", "42501", f"{errors.ACCESS}No current role to own the new object.", 403)
        return role_id

    def find(self, kind: kinds.Kind, parent_id: int, name: str) -> Obj | None:
        return self.catalog.get(kind.namespace, parent_id, name)

    def prepare_create(
        self, ctx: Ctx, kind: kinds.Kind, parent_id: int, name: str, mode: CreateMode
    ) -> tuple[Obj | None, str | None]:
        """Apply the create mode to an existing object: (object to replace, early answer)."""
        existing = self.find(kind, parent_id, name)
        if existing is None:
            return None, None
        if mode is CreateMode.IF_NOT_EXISTS:
            return None, results.already_exists(name)
        if mode is CreateMode.ERROR_IF_EXISTS or existing.kind != kind.name:
            raise errors.already_exists(name)
        self.require(ctx, existing, "OWNERSHIP")
        return existing, None

    @staticmethod
    def property_changes(
        obj: Obj, set_values: dict[str, Any] | None, unset: list[str] | None, allowed: set[str] | None = None,
    ) -> dict[str, Any]:
        """Catalog values for ALTER ... SET/UNSET: COMMENT is a column, the rest are properties
        (stored lower-case). `allowed` lists the upper-case property names a kind takes."""
        values: dict[str, Any] = {}
        props = dict(obj.props)
        for key in [*(set_values or {}), *(unset or [])]:
            if key != "COMMENT" and allowed is not None and key not in allowed:
                raise errors.syntax_error(f"invalid property '{key}' for '{obj.kind}'")
        for key, value in (set_values or {}).items():
            if key == "COMMENT":
                values["comment"] = value
            else:
                props[key.lower()] = value
        for key in unset or []:
            if key == "COMMENT":
                values["comment"] = None
            else:
                props.pop(key.lower(), None)
        values["props"] = props
        return values

    def resolve_named(self, ctx: Ctx, kind: kinds.Kind, name: str) -> Obj:
        """An account-level object (warehouse, role, user...) the session can see."""
        obj = self.catalog.get(kind.namespace, 0, name)
        if obj is None or obj.kind != kind.name or not self.can_see(ctx, obj):
            raise errors.does_not_exist(kind.word, names.quote(name))
        return obj


