"""Databases: CREATE / ALTER / DROP / SHOW / USE DATABASE. Each one is a DuckDB file."""

from __future__ import annotations

from typing import Any

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import kinds, names, results
from snowfort.domain.base import Objects
from snowfort.domain.context import Ctx
from snowfort.domain.results import CreateMode


class Databases(Objects):
    def create(
        self, ctx: Ctx, name: str, mode: CreateMode, *, transient: bool = False, comment: str | None = None,
        retention_time: int = 1, props: dict[str, Any] | None = None,
    ) -> str:
        self.require_account(ctx, "CREATE DATABASE")
        replaced, answer = self.prepare_create(ctx, kinds.DATABASE, 0, name, mode)
        if answer:
            return answer
        owner = self.creating_role(ctx)
        if replaced:
            self._drop(replaced)
        with self.catalog.write() as conn:
            db = self.catalog.insert(
                conn, kind="DATABASE", namespace="DATABASE", parent_id=0, name=name, owner_id=owner, comment=comment,
                props={"kind": "TRANSIENT" if transient else "PERMANENT", "retention_time": retention_time, **(props or {})},
            )
            self.catalog.insert(conn, kind="SCHEMA", namespace="SCHEMA", parent_id=db.id, name="PUBLIC", owner_id=owner)
        self.engine.create_database(db.id, name)
        self.engine.create_schema(name, "PUBLIC")
        # Snowflake makes a new database (and its PUBLIC schema) the session's current one.
        ctx.database, ctx.schema = name, "PUBLIC"
        return results.created("Database", name)

    def create_or_alter(
        self, ctx: Ctx, name: str, *, transient: bool, set_values: dict[str, Any], unset: list[str] | None = None
    ) -> str:
        """CREATE OR ALTER DATABASE: create it, or make an existing one match the definition."""
        if self.catalog.get("DATABASE", 0, name) is None:
            props = dict(set_values)
            return self.create(
                ctx, name, CreateMode.ERROR_IF_EXISTS, transient=transient, comment=props.pop("COMMENT", None),
                retention_time=int(props.pop("DATA_RETENTION_TIME_IN_DAYS", 1)),
            )
        return self.alter(ctx, name, set_values=set_values, unset=unset)

    def clone(self, ctx: Ctx, source: str, target: str, mode: CreateMode) -> str:
        """CREATE DATABASE target CLONE source: a copy of its schemas, tables and rows now."""
        self.require_account(ctx, "CREATE DATABASE")
        src = self.database(ctx, source)
        if target == src.name:
            raise errors.SnowflakeError(
                "002043", "02000", f"{errors.COMPILATION}Cannot clone database '{names.quote(source)}' onto itself.", 409
            )
        replaced, answer = self.prepare_create(ctx, kinds.DATABASE, 0, target, mode)
        if answer:
            return answer
        owner = self.creating_role(ctx)
        if replaced:
            self._drop(replaced)
        with self.catalog.write() as conn:
            db = self.catalog.insert(conn, kind="DATABASE", namespace="DATABASE", parent_id=0, name=target,
                                     owner_id=owner, comment=src.comment, props=dict(src.props))
            for schema in self.catalog.children(src.id):
                copy = self.catalog.insert(conn, kind=schema.kind, namespace=schema.namespace, parent_id=db.id,
                                           name=schema.name, owner_id=owner, comment=schema.comment,
                                           props=dict(schema.props))
                for child in self.catalog.children(schema.id):
                    # Tables and views are cloned; Snowflake does not clone internal stages, and
                    # running objects (services) are never copied.
                    if child.kind not in ("TABLE", "VIEW") or child.props.get("temporary"):
                        continue
                    self.catalog.insert(conn, kind=child.kind, namespace=child.namespace, parent_id=copy.id,
                                        name=child.name, owner_id=owner, comment=child.comment,
                                        props=dict(child.props))
        self.engine.create_database(db.id, target)
        self.engine.copy_database(src.name, target)
        return results.created("Database", target)

    def _drop(self, db: Obj) -> None:
        with self.catalog.write() as conn:
            self.catalog.delete_tree(conn, db.id)
        self.engine.drop_database(db.id, db.name)

    def drop(self, ctx: Ctx, name: str, if_exists: bool = False) -> str:
        db = self.catalog.get("DATABASE", 0, name)
        if db is None or not self.can_see(ctx, db):
            if if_exists:
                return results.already_dropped(name)
            raise errors.does_not_exist("Database", names.quote(name))
        self.require(ctx, db, "OWNERSHIP")
        self._drop(db)
        if ctx.database == name:
            ctx.database = ctx.schema = None
        return results.dropped(name)

    def get(self, ctx: Ctx, name: str) -> Obj:
        return self.database(ctx, name, usage=False)

    def list(self, ctx: Ctx) -> list[Obj]:
        return [d for d in self.catalog.list(["DATABASE"]) if self.can_see(ctx, d)]

    def use(self, ctx: Ctx, name: str) -> str:
        self.database(ctx, name)
        ctx.database = name
        ctx.schema = "PUBLIC" if self.catalog.get("SCHEMA", self.catalog.get("DATABASE", 0, name).id, "PUBLIC") else None  # type: ignore[union-attr]
        return results.OK

    def alter(
        self, ctx: Ctx, name: str, *, rename: str | None = None, set_values: dict[str, Any] | None = None,
        unset: list[str] | None = None, if_exists: bool = False,
    ) -> str:
        db = self.catalog.get("DATABASE", 0, name)
        if db is None or not self.can_see(ctx, db):
            if if_exists:
                return results.OK
            raise errors.does_not_exist("Database", names.quote(name))
        values: dict[str, Any] = {}
        if rename:
            self.require(ctx, db, "OWNERSHIP")
            if self.catalog.get("DATABASE", 0, rename):
                raise errors.already_exists(rename)
            values["name"] = rename
        else:
            self.require(ctx, db, "MODIFY")
        changes = dict(set_values or {})
        if "DATA_RETENTION_TIME_IN_DAYS" in changes:
            # Kept under the name SHOW DATABASES prints it by.
            changes["RETENTION_TIME"] = int(changes.pop("DATA_RETENTION_TIME_IN_DAYS"))
        values.update(self.property_changes(db, changes, unset))
        with self.catalog.write() as conn:
            self.catalog.update(conn, db.id, **values)
        if rename:
            self.engine.rename_database(db.id, name, rename)
            if ctx.database == name:
                ctx.database = rename
        return results.OK
