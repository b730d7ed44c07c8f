"""Tables and views: the catalog side (ownership, privileges, names) of what DuckDB stores."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import kinds, names, results
from snowfort.domain.base import Objects, SchemaRef
from snowfort.domain.context import Ctx
from snowfort.domain.results import CreateMode
from snowfort.warehouse.types import column_from_duckdb


def duck_name(ref: SchemaRef, name: str) -> str:
    return f"{names.dq(ref.database.name)}.{names.dq(ref.schema.name)}.{names.dq(name)}"


class Tables(Objects):
    def resolve(self, ctx: Ctx, parts: list[str], *privileges: str) -> tuple[SchemaRef, Obj]:
        """A table or view named in a statement; missing and invisible look the same (002003).

        A missing or invisible database or schema is reported as such, as Snowflake does
        ("Database 'X' does not exist or not authorized."); another session's temporary table
        does not exist for this one."""
        shown = ".".join(names.quote(p) for p in parts)
        ref, name = self.schema_of(ctx, parts)
        obj = self.catalog.get("TABLE", ref.schema.id, name)
        if obj is None or not self.visible(ctx, obj):
            raise errors.object_does_not_exist(shown)
        if privileges and not self.has_privilege(ctx, obj, *privileges):
            raise self.denied(obj)
        return ref, obj

    def visible(self, ctx: Ctx, obj: Obj) -> bool:
        """Seen by the session: a temporary table only by the session that made it."""
        if obj.props.get("temporary") and obj.props.get("session_id") != ctx.session_id:
            return False
        return self.can_see(ctx, obj)

    def create(
        self, ctx: Ctx, parts: list[str], kind: kinds.Kind, mode: CreateMode, build: Callable[[tuple[str, str, str], bool], None],
        *, comment: str | None = None, props: dict[str, Any] | None = None,
    ) -> str:
        """Check and record a new table or view; `build((db, schema, name), replace)` runs its DuckDB DDL."""
        ref, name = self.schema_of(ctx, parts)
        self.require(ctx, ref.schema, f"CREATE {kind.name}")
        replaced, answer = self.prepare_create(ctx, kind, ref.schema.id, name, mode)
        if answer:
            return answer
        owner = self.creating_role(ctx)
        target = duck_name(ref, name)
        if replaced and replaced.kind != kind.name:
            raise errors.already_exists(name)
        build((ref.database.name, ref.schema.name, name), replaced is not None)
        try:
            with self.catalog.write() as conn:
                if replaced:
                    self.catalog.delete_tree(conn, replaced.id)
                self.catalog.insert(
                    conn, kind=kind.name, namespace="TABLE", parent_id=ref.schema.id, name=name, owner_id=owner,
                    comment=comment, props={"session_id": ctx.session_id, **(props or {})} if (props or {}).get(
                        "temporary") else dict(props or {}),
                )
        except Exception:
            self.engine.cursor().execute(f"DROP {'VIEW' if kind.name == 'VIEW' else 'TABLE'} IF EXISTS {target}")
            raise
        return results.created(kind.word, name)

    def drop(self, ctx: Ctx, parts: list[str], kind: kinds.Kind, if_exists: bool = False) -> str:
        try:
            ref, obj = self.resolve(ctx, parts)
        except errors.SnowflakeError as exc:
            if if_exists and exc.code == "002003":
                return results.already_dropped(parts[-1])
            raise
        if obj.kind != kind.name:
            raise errors.SnowflakeError(
                "002203", "02000",
                f"{errors.COMPILATION}Object found is of type '{obj.kind}', not specified type '{kind.name}'.",
            )
        self.require(ctx, obj, "OWNERSHIP")
        self.engine.cursor().execute(f"DROP {kind.name} IF EXISTS {duck_name(ref, obj.name)}")
        with self.catalog.write() as conn:
            self.catalog.delete_tree(conn, obj.id)
        return results.dropped(obj.name)

    def rename(self, ctx: Ctx, parts: list[str], new_parts: list[str], kind: kinds.Kind, if_exists: bool = False) -> str:
        try:
            ref, obj = self.resolve(ctx, parts)
        except errors.SnowflakeError as exc:
            if if_exists and exc.code == "002003":
                return results.OK
            raise
        self.require(ctx, obj, "OWNERSHIP")
        new_ref, new_name = self.schema_of(ctx, new_parts if len(new_parts) > 1 else [ref.database.name, ref.schema.name, new_parts[0]])
        if new_ref.schema.id != ref.schema.id:
            raise errors.unsupported("moving a table to another schema")
        if self.catalog.get("TABLE", ref.schema.id, new_name):
            raise errors.already_exists(new_name)
        self.engine.cursor().execute(f"ALTER {kind.name} {duck_name(ref, obj.name)} RENAME TO {names.dq(new_name)}")
        with self.catalog.write() as conn:
            self.catalog.update(conn, obj.id, name=new_name)
        return results.OK

    def set_comment(self, ctx: Ctx, parts: list[str], comment: str | None) -> str:
        _, obj = self.resolve(ctx, parts)
        self.require(ctx, obj, "OWNERSHIP")
        with self.catalog.write() as conn:
            self.catalog.update(conn, obj.id, comment=comment)
        return results.OK

    def list(self, ctx: Ctx, kind: str | None, database: str | None, schema: str | None,
             scope: str = "SCHEMA") -> list[tuple[Obj, Obj, Obj]]:
        """(database, schema, table) triples visible to the session, for SHOW TABLES/VIEWS/OBJECTS."""
        schemas = self.schemas_in_scope(ctx, scope, database, schema)
        wanted = ["TABLE", "VIEW"] if kind is None else [kind]
        out = []
        for db, sc in schemas:
            for obj in self.catalog.list(wanted, sc.id):
                if self.visible(ctx, obj):
                    out.append((db, sc, obj))
        return out

    def columns(self, db: Obj, sc: Obj, obj: Obj) -> list[tuple[str, str, bool, str | None]]:
        """(name, Snowflake type text, nullable, default) of a table's or view's columns. Declared
        semi-structured types (OBJECT, ARRAY) are kept in the catalog: DuckDB has only JSON."""
        declared = obj.props.get("column_types", {})
        return [
            (name, declared.get(name) or column_from_duckdb(name, duck_type).sql_type(), nullable, default)
            for name, duck_type, nullable, default in self.engine.table_columns(db.name, sc.name, obj.name)
        ]

    def row_count(self, db: Obj, sc: Obj, obj: Obj) -> int | None:
        try:
            return self.engine.row_count(db.name, sc.name, obj.name)
        except Exception:  # a size estimate must never fail a SHOW
            return None

    def drop_session_temporaries(self, session_id: int) -> None:
        """Temporary tables end with their session."""
        for obj in self.catalog.list(["TABLE"]):
            if obj.props.get("temporary") and obj.props.get("session_id") == session_id:
                sc = self.catalog.get_by_id(obj.parent_id)
                db = self.catalog.get_by_id(sc.parent_id) if sc else None
                if sc and db:
                    self.engine.cursor().execute(
                        f"DROP TABLE IF EXISTS {names.dq(db.name)}.{names.dq(sc.name)}.{names.dq(obj.name)}"
                    )
                with self.catalog.write() as conn:
                    self.catalog.delete_tree(conn, obj.id)
