"""Schemas: CREATE / ALTER / DROP / SHOW / USE SCHEMA. Each one is a DuckDB schema."""

from __future__ import annotations

from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import kinds, names, results
from snowfort.domain.base import Objects, SchemaRef
from snowfort.domain.context import Ctx
from snowfort.domain.results import CreateMode

# The parameters a schema keeps (lower-case, as stored in its props) and their types. A schema
# made by CREATE OR ALTER has exactly the ones its definition names.
PARAMETERS: dict[str, type] = {
    "data_retention_time_in_days": int,
    "max_data_extension_time_in_days": int,
    "default_ddl_collation": str,
    "log_level": str,
    "trace_level": str,
    "pipe_execution_paused": bool,
    "suspend_task_after_num_failures": int,
    "user_task_managed_initial_warehouse_size": str,
    "user_task_timeout_ms": int,
    "serverless_task_min_statement_size": str,
    "serverless_task_max_statement_size": str,
}


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

    def create_or_alter(
        self, ctx: Ctx, database: str | None, name: str, *, transient: bool = False, managed_access: bool = False,
        comment: str | None = None, props: dict[str, Any] | None = None,
    ) -> str:
        """CREATE OR ALTER SCHEMA: create it, or make an existing one match the definition. What the
        definition leaves out is unset; the kind (PERMANENT/TRANSIENT) of a schema cannot change."""
        database = database or ctx.database
        if database is None:
            raise errors.no_current_database()
        db = self.database(ctx, database)
        sc = self.catalog.get("SCHEMA", db.id, name)
        if sc is None or not self.can_see(ctx, sc):
            return self.create(ctx, db.name, name, CreateMode.ERROR_IF_EXISTS, transient=transient,
                               managed_access=managed_access, comment=comment, props=props)
        self.require(ctx, sc, "MODIFY")
        kind = "TRANSIENT" if transient else "PERMANENT"
        if sc.props.get("kind", "PERMANENT") != kind:
            raise errors.unsupported(f"CREATE OR ALTER changing the kind of schema {names.quote(name)} to {kind}")
        kept = {k: v for k, v in sc.props.items() if k not in PARAMETERS}
        given = {k: v for k, v in (props or {}).items() if v is not None}
        with self.catalog.write() as conn:
            self.catalog.update(conn, sc.id, comment=comment,
                                props={**kept, **given, "kind": kind, "managed_access": managed_access})
        return results.OK

    def clone(
        self, ctx: Ctx, source_database: str | None, source: str, target_database: str | None, target: str,
        mode: CreateMode, *, transient: bool | None = None, managed_access: bool = False, comment: str | None = None,
        props: dict[str, Any] | None = None,
    ) -> str:
        """CREATE SCHEMA target CLONE source: a copy, made now, of its tables (with their rows) and
        views. Without `transient` the clone keeps the source's kind."""
        src = self.schema(ctx, source_database, source)
        db = self.database(ctx, target_database or src.database.name)
        self.require(ctx, db, "CREATE SCHEMA")
        if db.id == src.database.id and target == src.schema.name and mode is CreateMode.OR_REPLACE:
            raise errors.unsupported("CREATE OR REPLACE SCHEMA ... CLONE of the schema itself")
        replaced, answer = self.prepare_create(ctx, kinds.SCHEMA, db.id, target, mode)
        if answer:
            return answer
        owner = self.creating_role(ctx)
        if replaced:
            self._drop(db, replaced)
        children = [c for c in self.catalog.list(["TABLE", "VIEW"], src.schema.id) if not c.props.get("temporary")]
        made = self._copy_contents(src, db.name, target, children)
        kind = src.schema.props.get("kind", "PERMANENT") if transient is None else ("TRANSIENT" if transient else "PERMANENT")
        try:
            with self.catalog.write() as conn:
                copy = self.catalog.insert(
                    conn, kind="SCHEMA", namespace="SCHEMA", parent_id=db.id, name=target, owner_id=owner,
                    comment=comment, props={"kind": kind, "managed_access": managed_access, **(props or {})},
                )
                for child in children:
                    if child.name in made:
                        self.catalog.insert(conn, kind=child.kind, namespace=child.namespace, parent_id=copy.id,
                                            name=child.name, owner_id=owner, comment=child.comment,
                                            props=dict(child.props))
        except Exception:
            self.engine.drop_schema(db.name, target)
            raise
        ctx.database, ctx.schema = db.name, target
        return results.created("Schema", target)

    def _copy_contents(self, src: SchemaRef, database: str, schema: str, children: list[Obj]) -> set[str]:
        """Make the DuckDB schema `database.schema` with copies of the source's base tables and
        views; answer the names made. A view whose text cannot be carried over is left out."""
        source_db, source_schema = src.database.name, src.schema.name
        cur = self.engine.cursor()
        self.engine.create_schema(database, schema)
        made: set[str] = set()
        try:
            found = dict(cur.execute(
                "SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog = ? AND table_schema = ?",
                [source_db, source_schema],
            ).fetchall())
            for child in children:
                if child.kind == "TABLE" and found.get(child.name) == "BASE TABLE":
                    cur.execute(
                        f"CREATE OR REPLACE TABLE {names.dq(database)}.{names.dq(schema)}.{names.dq(child.name)} AS "
                        f"SELECT * FROM {names.dq(source_db)}.{names.dq(source_schema)}.{names.dq(child.name)}"
                    )
                    made.add(child.name)
            texts = dict(cur.execute(
                "SELECT view_name, sql FROM duckdb_views() WHERE database_name = ? AND schema_name = ? AND NOT internal",
                [source_db, source_schema],
            ).fetchall())
            pending = {}
            for child in children:
                if child.kind == "VIEW" and child.name in texts:
                    text = retarget_view(texts[child.name], (source_db, source_schema), (database, schema), child.name)
                    if text is not None:
                        pending[child.name] = text
            # A view may read another view of the schema: create them until no more can be made.
            while pending:
                progress = False
                for view, text in list(pending.items()):
                    try:
                        cur.execute(text)
                    except duckdb.Error:
                        continue
                    made.add(view)
                    del pending[view]
                    progress = True
                if not progress:
                    break
        except Exception:
            self.engine.drop_schema(database, schema)
            raise
        return made

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


def retarget_view(
    text: str, source: tuple[str, str], target: tuple[str, str], name: str
) -> str | None:
    """DuckDB's CREATE VIEW text of a view in `source` (database, schema), rewritten to create the
    view `name` in `target`: what it read in the source schema it reads in the target one, every
    other table stays where it was. None when the text cannot be parsed."""
    try:
        tree = sqlglot.parse_one(text, read="duckdb")
    except sqlglot.errors.SqlglotError:
        return None
    if not isinstance(tree, exp.Create) or tree.expression is None:
        return None
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    same = (source[0].lower(), source[1].lower())
    for table in tree.expression.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue
        if not table.db and not table.catalog and table.name.lower() in ctes:
            continue
        catalog, schema = table.catalog or source[0], table.db or source[1]
        if (catalog.lower(), schema.lower()) == same:
            catalog, schema = target
        table.set("catalog", exp.to_identifier(catalog, quoted=True))
        table.set("db", exp.to_identifier(schema, quoted=True))
    head = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    for key, part in zip(("catalog", "db", "this"), (*target, name), strict=True):
        head.set(key, exp.to_identifier(part, quoted=True))
    return tree.sql(dialect="duckdb")
