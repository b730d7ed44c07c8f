"""Schemas: CREATE / ALTER / DROP / SHOW / USE SCHEMA. Each one is a DuckDB schema."""

from __future__ import annotations

from typing import Any

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import kinds, names, results
from snowfort.domain.base import Objects, SchemaRef
from snowfort.domain.context import Ctx
from snowfort.domain.results import CreateMode


class Schemas(Objects):
    def create(
        self, ctx: Ctx, database: str | None, name: str, mode: CreateMode, *, transient: bool = False,
        managed_access: bool = False, comment: str | None = None, props: dict[str, Any] | None = None,
    ) -> str:
        database = database or ctx.database
        if database is None:
            raise errors.no_current_database()
        db = self.database(ctx, database)
        self.require(ctx, db, "CREATE SCHEMA")
        replaced, answer = self.prepare_create(ctx, kinds.SCHEMA, db.id, name, mode)
        if answer:
            return answer
        owner = self.creating_role(ctx)
        if replaced:
            self._drop(db, replaced)
        with self.catalog.write() as conn:
            self.catalog.insert(
                conn, kind="SCHEMA", namespace="SCHEMA", parent_id=db.id, name=name, owner_id=owner, comment=comment,
                props={"kind": "TRANSIENT" if transient else "PERMANENT", "managed_access": managed_access, **(props or {})},
            )
        self.engine.create_schema(db.name, name)
        ctx.database, ctx.schema = db.name, name
        return results.created("Schema", name)

    def _drop(self, db: Obj, schema: Obj) -> None:
        with self.catalog.write() as conn:
            self.catalog.delete_tree(conn, schema.id)
        self.engine.drop_schema(db.name, schema.name)

    def _find(self, ctx: Ctx, database: str | None, name: str) -> tuple[Obj, Obj | None]:
        database = database or ctx.database
        if database is None:
            raise errors.no_current_database()
        db = self.database(ctx, database)
        sc = self.catalog.get("SCHEMA", db.id, name)
        if sc is not None and not self.can_see(ctx, sc):
            sc = None
        return db, sc

    def drop(self, ctx: Ctx, database: str | None, name: str, if_exists: bool = False) -> str:
        db, sc = self._find(ctx, database, name)
        if sc is None:
            if if_exists:
                return results.already_dropped(name)
            raise errors.does_not_exist("Schema", f"{names.quote(db.name)}.{names.quote(name)}")
        self.require(ctx, sc, "OWNERSHIP")
        self._drop(db, sc)
        if ctx.database == db.name and ctx.schema == name:
            ctx.schema = None
        return results.dropped(name)

    def get(self, ctx: Ctx, database: str | None, name: str) -> SchemaRef:
        return self.schema(ctx, database, name, usage=False)

    def list(self, ctx: Ctx, database: str | None) -> list[tuple[Obj, Obj]]:
        if database is not None:
            dbs = [self.database(ctx, database, usage=False)]
        else:
            dbs = [d for d in self.catalog.list(["DATABASE"]) if self.can_see(ctx, d)]
        out = []
        for db in dbs:
            out.extend((db, s) for s in self.catalog.list(["SCHEMA"], db.id) if self.can_see(ctx, s))
        return out

    def use(self, ctx: Ctx, database: str | None, name: str) -> str:
        ref = self.schema(ctx, database, name)
        ctx.database, ctx.schema = ref.database.name, ref.schema.name
        return results.OK

    def alter(
        self, ctx: Ctx, database: str | None, name: str, *, rename: list[str] | None = None,
        set_values: dict[str, Any] | None = None, unset: list[str] | None = None, if_exists: bool = False,
    ) -> str:
        db, sc = self._find(ctx, database, name)
        if sc is None:
            if if_exists:
                return results.OK
            raise errors.does_not_exist("Schema", f"{names.quote(db.name)}.{names.quote(name)}")
        values = self.property_changes(sc, set_values, unset)
        if rename:
            self.require(ctx, sc, "OWNERSHIP")
            new_name = rename[-1]
            if len(rename) > 1 and rename[-2] != db.name:
                raise errors.unsupported("renaming a schema into another database")
            if self.catalog.get("SCHEMA", db.id, new_name):
                raise errors.already_exists(new_name)
            values["name"] = new_name
            cur = self.engine.cursor()
            cur.execute(f"CREATE SCHEMA {names.dq(db.name)}.{names.dq(new_name)}")
            # DuckDB cannot move a table to another schema: copy the base tables, then drop the old schema.
            for (table,) in cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = ? AND table_schema = ? AND table_type = 'BASE TABLE'",
                [db.name, name],
            ).fetchall():
                cur.execute(
                    f"CREATE TABLE {names.dq(db.name)}.{names.dq(new_name)}.{names.dq(table)} AS "
                    f"SELECT * FROM {names.dq(db.name)}.{names.dq(name)}.{names.dq(table)}"
                )
            self.engine.drop_schema(db.name, name)
        else:
            self.require(ctx, sc, "MODIFY")
        with self.catalog.write() as conn:
            self.catalog.update(conn, sc.id, **values)
        if rename and ctx.database == db.name and ctx.schema == name:
            ctx.schema = rename[-1]
        return results.OK
