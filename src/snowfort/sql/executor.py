"""Runs Snowflake SQL for a session: commands go to the domain, queries to DuckDB.

One entry point, `run`, for every door that speaks SQL. It binds parameters, splits
multi-statement text, routes each statement, keeps results for RESULT_SCAN and
GET /queries/<id>/result, and turns every failure into a SnowflakeError.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from snowfort import errors
from snowfort.domain import kinds
from snowfort.domain.results import CreateMode
from snowfort.sql import commands, functions, transforms
from snowfort.sql.bindings import bind
from snowfort.sql.commands import Env
from snowfort.sql.commands.session import parameter_value
from snowfort.sql.duck_errors import translate
from snowfort.sql.lexer import Tokens, tokenize
from snowfort.sql.result import (
    DELETE,
    INSERT,
    MERGE,
    MULTI_STATEMENT,
    SELECT,
    UPDATE,
    Result,
    rows_result,
    status,
)
from snowfort.warehouse.types import column_from_duckdb

if TYPE_CHECKING:
    from snowfort.auth.sessions import Session
    from snowfort.domain import Domain

VERSION = "9.40.1"
RESULT_CACHE_SIZE = 256


@dataclass
class Plan:
    """A SELECT's DuckDB translation, and the (table, privilege) checks it needs on every run."""

    duck_sql: str
    checks: list[tuple[list[str], str | None]]
    cacheable: bool = True


class PlanCache:
    """A session's recent SELECT translations (sqlglot parsing and rewriting cost more than
    running a small query)."""

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[tuple[Any, ...], Plan] = OrderedDict()
        self._size = size

    def get(self, key: tuple[Any, ...]) -> Plan | None:
        plan = self._items.get(key)
        if plan is not None:
            self._items.move_to_end(key)
        return plan

    def put(self, key: tuple[Any, ...], plan: Plan) -> None:
        self._items[key] = plan
        while len(self._items) > self._size:
            self._items.popitem(last=False)


def plan_key(env: Env, sql: str) -> tuple[Any, ...]:
    """Names resolve, and session functions answer, by the session's role, database, schema and
    warehouse: a plan holds only while they stay the same."""
    ctx = env.ctx
    return sql, ctx.role, ctx.database, ctx.schema, ctx.warehouse, parameter_value(ctx.params, "TIMEZONE")


class ResultCache:
    """Recent results by query id, for RESULT_SCAN and the connector's result endpoint."""

    def __init__(self, size: int = RESULT_CACHE_SIZE) -> None:
        self._items: OrderedDict[str, tuple[int, Result]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def put(self, session_id: int, result: Result) -> None:
        with self._lock:
            self._items[result.query_id] = (session_id, result)
            self._items.move_to_end(result.query_id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def get(self, query_id: str) -> tuple[int, Result] | None:
        with self._lock:
            return self._items.get(query_id)


def split_statements(sql: str) -> list[str]:
    """Top-level statements of a text, split on semicolons outside strings and $$ blocks."""
    tokens = tokenize(sql)
    out: list[str] = []
    start = 0
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            piece = sql[start:tok.start].strip()
            if piece:
                out.append(piece)
            start = tok.end + 1
    tail = sql[start:].strip()
    if tail:
        out.append(tail)
    return out


STATEMENT_STARTS = {
    "SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER", "TRUNCATE", "VALUES",
    "(", "SHOW", "DESCRIBE", "DESC", "USE", "GRANT", "REVOKE", "BEGIN", "START", "COMMIT", "ROLLBACK", "CALL",
    "EXPLAIN", "PUT", "GET", "LIST", "LS", "REMOVE", "RM", "COPY", "UNDROP", "EXECUTE", "SET", "UNSET",
}


def parse_error(exc: ParseError | TokenError, sql: str) -> errors.SnowflakeError:
    words = sql.split()
    if words and words[0].upper() not in STATEMENT_STARTS:
        # Snowflake names the first word when a statement starts with something it does not know.
        return errors.syntax_error(f"syntax error line 1 at position 0 unexpected '{words[0]}'.")
    if isinstance(exc, ParseError) and exc.errors:
        err = exc.errors[0]
        near = (err.get("highlight") or "").strip() or "<EOF>"
        return errors.syntax_error(
            f"syntax error line {err.get('line') or 1} at position {max((err.get('col') or 1) - len(near), 0)} "
            f"unexpected '{near}'."
        )
    first = sql.split()[0] if sql.split() else "<EOF>"
    return errors.syntax_error(f"syntax error line 1 at position 0 unexpected '{first}'.")


class Executor:
    def __init__(self, domain: Domain) -> None:
        self.domain = domain
        self.results = ResultCache()
        commands.load()

    # -- entry point -----------------------------------------------------------------------
    def run(
        self,
        session: Session,
        sql: str,
        bindings: dict[str, Any] | None = None,
        describe_only: bool = False,
        statement_params: dict[str, Any] | None = None,
        query_id: str | None = None,
    ) -> Result:
        env = Env(self.domain, session, self)
        texts = bind(sql, bindings)
        if len(texts) > 1:
            result = self._executemany(env, texts)
        else:
            result = self._text(env, texts[0], describe_only, statement_params or {})
        if query_id:
            result.query_id = query_id
        self.remember(session, result)
        return result

    def remember(self, session: Session, result: Result) -> None:
        self.results.put(session.id, result)
        session.history.append(result.query_id)
        del session.history[:-100]

    def _executemany(self, env: Env, texts: list[str]) -> Result:
        total = 0
        last: Result | None = None
        for text in texts:
            last = self._statement(env, text, False)
            if last.is_dml and last.table.num_columns:
                total += int(last.table.column(0)[0].as_py() or 0)
        assert last is not None
        if last.is_dml:
            return rows_result([(last.columns[0].name, "fixed")], [[total]], last.statement_type)
        return last

    def _text(self, env: Env, sql: str, describe_only: bool, params: dict[str, Any]) -> Result:
        statements = [sql] if commands.find_raw(sql) else split_statements(sql)
        if not statements:
            raise errors.SnowflakeError("000900", "42000", "Empty SQL statement.")
        wanted = params.get("MULTI_STATEMENT_COUNT", parameter_value(env.ctx.params, "MULTI_STATEMENT_COUNT"))
        wanted = int(wanted) if wanted is not None else 1
        if len(statements) == 1 and wanted in (0, 1):
            return self._statement(env, statements[0], describe_only)
        if wanted not in (0, len(statements)):
            raise errors.statement_count_mismatch(len(statements), wanted)
        child_ids = []
        for text in statements:
            child = self._statement(env, text, False)
            self.remember(env.session, child)
            child_ids.append(child.query_id)
        parent = rows_result([("multiple statement execution", "text")], [["Multiple statements executed successfully."]],
                             MULTI_STATEMENT)
        parent.child_ids = child_ids
        return parent

    # -- one statement ---------------------------------------------------------------------
    def _statement(self, env: Env, sql: str, describe_only: bool) -> Result:
        raw = commands.find_raw(sql)
        if raw is not None:
            return status("") if describe_only else raw(sql, env)
        plan = None if describe_only else env.session.plans.get(plan_key(env, sql))
        if plan is not None:
            try:
                return self._run_plan(env, plan)
            except duckdb.Error as exc:
                raise translate(exc) from None
        tokens = Tokens(sql)
        if tokens.at_end():
            raise errors.SnowflakeError("000900", "42000", "Empty SQL statement.")
        handler = commands.find(tokens)
        if handler is not None:
            if describe_only and tokens.word() != "SHOW":
                return status("")
            try:
                return handler(tokens, env)
            except duckdb.Error as exc:
                raise translate(exc) from None
        try:
            tree = sqlglot.parse_one(sql, read="snowflake")
        except (ParseError, TokenError) as exc:
            raise parse_error(exc, sql) from None
        if tree is None or isinstance(tree, exp.Command):
            first = tokens.peek()
            raise errors.syntax_error(
                f"syntax error line 1 at position 0 unexpected '{first.text if first else '<EOF>'}'."
            )
        try:
            return self._query(env, tree, sql, describe_only)
        except duckdb.Error as exc:
            raise translate(exc) from None

    def _query(self, env: Env, tree: exp.Expression, sql: str, describe_only: bool) -> Result:
        if isinstance(tree, exp.Create) and str(tree.args.get("kind", "")).upper() in ("TABLE", "VIEW"):
            return self._create(env, tree, sql)
        if isinstance(tree, exp.Drop) and str(tree.args.get("kind", "")).upper() in ("TABLE", "VIEW"):
            kind = kinds.KINDS[str(tree.args["kind"]).upper()]
            tables = tree.args.get("tables") or [tree.this]
            if len(tables) != 1:
                raise errors.syntax_error("DROP takes one table or view name.")
            return status(
                self.domain.tables.drop(env.ctx, transforms.table_parts(tables[0]), kind, bool(tree.args.get("exists")))
            )
        if isinstance(tree, exp.Alter) and str(tree.args.get("kind", "")).upper() in ("TABLE", "VIEW"):
            return self._alter(env, tree)
        if isinstance(tree, exp.TruncateTable):
            for table in tree.expressions:
                parts = transforms.table_parts(table)
                self._target(env, parts, "TRUNCATE")
            self._duck(env, self._prepare(env, tree, None, "TRUNCATE"))
            return status("Statement executed successfully.")
        if isinstance(tree, (exp.Insert, exp.Update, exp.Delete, exp.Merge)):
            return self._dml(env, tree, describe_only)
        if isinstance(tree, (exp.Query, exp.Values)):
            return self._select(env, tree, describe_only, sql)
        raise errors.syntax_error(f"syntax error line 1 at position 0 unexpected '{sql.split()[0]}'.")

    # -- translation -----------------------------------------------------------------------
    def _session_values(self, env: Env) -> dict[str, Any]:
        ctx = env.ctx
        history = env.session.history

        def last_query_id(node: exp.Expression) -> exp.Expression:
            index = -1
            if isinstance(node, exp.Anonymous) and node.expressions:
                index = int(node.expressions[0].sql().replace(" ", ""))
            try:
                return transforms.literal(history[index] if index < 0 else history[index - 1])
            except IndexError:
                return transforms.literal("")

        def available_roles(_node: exp.Expression) -> exp.Expression:
            roles = [r.name for r in self.domain.catalog.list(["ROLE"]) if self.domain.roles.user_has_role(ctx.user_id, r.id)]
            return transforms.literal(json.dumps(roles))

        return {
            "CURRENT_USER": ctx.user_name,
            "CURRENT_ROLE": ctx.role,
            "CURRENT_DATABASE": ctx.database,
            "CURRENT_SCHEMA": ctx.schema,
            "CURRENT_WAREHOUSE": ctx.warehouse,
            "CURRENT_VERSION": VERSION,
            "CURRENT_ACCOUNT": self.domain.settings.account,
            "CURRENT_ACCOUNT_NAME": self.domain.settings.account,
            "CURRENT_ORGANIZATION_NAME": "SNOWFORT",
            "CURRENT_REGION": "SNOWFORT_LOCAL",
            "CURRENT_SESSION": str(env.session.id),
            "CURRENT_CLIENT": "snowfort",
            "CURRENT_AVAILABLE_ROLES": available_roles,
            "CURRENT_SECONDARY_ROLES": json.dumps({"roles": "", "value": ""}),
            "CURRENT_IP_ADDRESS": "127.0.0.1",
            "LAST_QUERY_ID": last_query_id,
            "SYSTEM$CLIENT_VERSION_INFO": "[]",
            "SYSTEM$CANCEL_ALL_QUERIES": "0",
            "SYSTEM$VERSION": VERSION,
        }

    def _prepare(
        self, env: Env, tree: exp.Expression, target: exp.Table | None, target_privilege: str | None,
        needs_warehouse: list[bool] | None = None, source: str | None = None, plan: Plan | None = None,
    ) -> str:
        """Apply the rewrites and return DuckDB SQL; `target` is the statement's written table.
        `plan`, when given, records what a cached translation must check again."""
        used_tables = needs_warehouse if needs_warehouse is not None else []
        plan = plan if plan is not None else Plan("", [])

        def resolve(parts: list[str], table: exp.Table) -> tuple[str, str, str] | None:
            if len(parts) == 1 and parts[0].startswith("__snowfort_result_"):
                return None
            if table is target and target_privilege is None:
                return None  # a table being created: the caller named it already
            privilege = target_privilege if table is target else "SELECT"
            ref, obj = self.domain.tables.resolve(env.ctx, parts, privilege) if privilege else \
                self.domain.tables.resolve(env.ctx, parts)
            used_tables.append(True)
            plan.checks.append((parts, privilege))
            return ref.database.name, ref.schema.name, obj.name

        registered: dict[str, pa.Table] = {}

        def register(query_id: str) -> str:
            kept = self.results.get(query_id)
            if kept is None or kept[0] != env.session.id:
                raise errors.SnowflakeError(
                    "000709", "02000", f"Statement {query_id} not found"
                )
            name = f"__snowfort_result_{len(registered)}"
            registered[name] = kept[1].table
            plan.cacheable = False
            return name

        tree = transforms.name_projections(tree, source)
        tree = transforms.values_columns(tree)
        values = self._session_values(env)
        volatile = {"LAST_QUERY_ID", "CURRENT_AVAILABLE_ROLES"}
        if any(isinstance(node, exp.Anonymous) and str(node.this).upper() in volatile for node in tree.find_all(exp.Anonymous)):
            plan.cacheable = False  # their answers change between runs of the same text
        tree = transforms.session_functions(tree, values)
        tree = transforms.result_scans(tree, register)
        tree = transforms.qualify_tables(tree, resolve)
        tree = transforms.uppercase_identifiers(tree)
        tree = transforms.json_types(tree)
        tree = transforms.clock_functions(tree)
        tree = transforms.checked_division(tree)
        tree = transforms.date_arithmetic(tree)
        tree = functions.rewrite(tree)
        if used_tables:
            self.domain.warehouses.ensure_running(env.ctx)
        cursor = self._cursor(env)
        for name, table in registered.items():
            cursor.register(name, table)
        return tree.sql(dialect="duckdb")

    def _cursor(self, env: Env) -> duckdb.DuckDBPyConnection:
        if env.session.duck is None:
            env.session.duck = self.domain.engine.cursor()
            env.session.duck_timezone = "UTC"
            env.session.duck.execute("SET TimeZone = 'UTC'")
        # ALTER SESSION SET TIMEZONE reaches DuckDB, which computes CURRENT_TIMESTAMP and casts.
        timezone = str(parameter_value(env.ctx.params, "TIMEZONE"))
        if timezone != env.session.duck_timezone:
            try:
                env.session.duck.execute("SET TimeZone = ?", [timezone])
            except duckdb.Error:
                raise errors.invalid_value(f"invalid value '{timezone}' for parameter 'TIMEZONE'") from None
            env.session.duck_timezone = timezone
        return env.session.duck

    def _duck(self, env: Env, sql: str) -> duckdb.DuckDBPyConnection:
        cursor = self._cursor(env)
        cursor.execute(sql)
        return cursor

    def _target(self, env: Env, parts: list[str], privilege: str) -> None:
        self.domain.tables.resolve(env.ctx, parts, privilege)

    # -- statement kinds -------------------------------------------------------------------
    def _select(self, env: Env, tree: exp.Expression, describe_only: bool, source: str | None = None) -> Result:
        plan = Plan("", [])
        sql = self._prepare(env, tree, None, None, source=source, plan=plan)
        if source is not None and plan.cacheable:
            plan.duck_sql = sql
            env.session.plans.put(plan_key(env, source), plan)
        cursor = self._cursor(env)
        if describe_only:
            rel = cursor.sql(sql)
            columns = [column_from_duckdb(n, t) for n, t in zip(rel.columns, rel.types, strict=True)]
            return Result(columns, pa.table({c.name: pa.array([], pa.string()) for c in columns}), SELECT)
        rel = cursor.sql(sql)
        columns = [column_from_duckdb(n, t) for n, t in zip(rel.columns, rel.types, strict=True)]
        return Result(columns, rel.to_arrow_table(), SELECT)

    def _run_plan(self, env: Env, plan: Plan) -> Result:
        """A SELECT translated before in this session: the privilege checks run again (grants
        may have changed), the translation does not."""
        for parts, privilege in plan.checks:
            self.domain.tables.resolve(env.ctx, parts, privilege)
        if plan.checks:
            self.domain.warehouses.ensure_running(env.ctx)
        rel = self._cursor(env).sql(plan.duck_sql)
        columns = [column_from_duckdb(n, t) for n, t in zip(rel.columns, rel.types, strict=True)]
        return Result(columns, rel.to_arrow_table(), SELECT)

    def _dml(self, env: Env, tree: exp.Expression, describe_only: bool) -> Result:
        target_node = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        if isinstance(tree, exp.Insert):
            privilege, kind, column = "INSERT", INSERT, "number of rows inserted"
        elif isinstance(tree, exp.Update):
            privilege, kind, column = "UPDATE", UPDATE, "number of rows updated"
        elif isinstance(tree, exp.Delete):
            privilege, kind, column = "DELETE", DELETE, "number of rows deleted"
        else:
            return self._merge(env, tree)
        if tree.args.get("overwrite") and isinstance(tree, exp.Insert):
            # INSERT OVERWRITE empties the table first (needs DELETE too).
            parts = transforms.table_parts(target_node)
            self._target(env, parts, "DELETE")
            sql = self._prepare(env, tree, target_node, privilege)
            cursor = self._cursor(env)
            cursor.execute(f"DELETE FROM {target_node.sql(dialect='duckdb')}")
            sql = sql.replace("INSERT OVERWRITE INTO", "INSERT INTO", 1)
        else:
            sql = self._prepare(env, tree, target_node, privilege)
        if describe_only:
            return rows_result([(column, "fixed")], [], kind)
        cursor = self._duck(env, sql)
        count = cursor.fetchone()
        rows = [[int(count[0]) if count else 0]]
        if kind == UPDATE:
            return rows_result([(column, "fixed"), ("number of multi-joined rows updated", "fixed")], [[rows[0][0], 0]], kind)
        return rows_result([(column, "fixed")], rows, kind)

    def _merge(self, env: Env, tree: exp.Expression) -> Result:
        target_node = tree.this
        whens = tree.args.get("whens")
        clauses = whens.expressions if whens is not None else []
        actions: list[str] = []
        for when in clauses:
            then = when.args.get("then")
            if isinstance(then, exp.Insert):
                actions.append("INSERT")
            elif isinstance(then, exp.Update):
                actions.append("UPDATE")
            else:
                actions.append("DELETE")
        # Any of the clause privileges lets the role see the target; each clause needs its own.
        for action in set(actions):
            self._target(env, transforms.table_parts(target_node), action)
        sql = self._prepare(env, tree, target_node, actions[0] if actions else "UPDATE")
        cursor = self._duck(env, f"{sql} RETURNING merge_action")
        counts = {"INSERT": 0, "UPDATE": 0, "DELETE": 0}
        for (action,) in cursor.fetchall():
            counts[str(action).upper()] = counts.get(str(action).upper(), 0) + 1
        names = {"INSERT": "number of rows inserted", "UPDATE": "number of rows updated", "DELETE": "number of rows deleted"}
        present = [a for a in ("INSERT", "UPDATE", "DELETE") if a in actions]
        return rows_result([(names[a], "fixed") for a in present], [[counts[a] for a in present]], MERGE)

    def _create(self, env: Env, tree: exp.Create, sql: str) -> Result:
        kind = kinds.KINDS[str(tree.args["kind"]).upper()]
        schema_node = tree.this if isinstance(tree.this, exp.Schema) else None
        target = schema_node.this if schema_node is not None else tree.this
        parts = transforms.table_parts(target)
        properties = tree.args.get("properties")
        temporary = transient = secure = False
        if properties is not None:
            for prop in list(properties.expressions):
                if isinstance(prop, exp.TemporaryProperty):
                    temporary = True
                    prop.pop()
                elif isinstance(prop, exp.TransientProperty):
                    transient = True
                    prop.pop()
                elif isinstance(prop, exp.SecureProperty):
                    secure = True
                    prop.pop()
                elif isinstance(prop, exp.CopyGrantsProperty):
                    prop.pop()
        mode = CreateMode.of(bool(tree.args.get("replace")), bool(tree.args.get("exists")))
        clone = tree.args.get("clone")
        if clone is not None:
            tree.set("clone", None)
            tree.set("expression", exp.select("*").from_(clone.this.copy()))
        declared: dict[str, str] = {}
        if schema_node is not None:
            for column in schema_node.expressions:
                if isinstance(column, exp.ColumnDef) and column.args.get("kind") is not None:
                    written = column.args["kind"].sql(dialect="snowflake").upper()
                    if written.split("(")[0] in ("VARIANT", "OBJECT", "ARRAY"):
                        ident = column.this
                        declared[ident.this if ident.quoted else ident.this.upper()] = written
        tree.set("replace", False)
        tree.set("exists", False)
        text = tree.expression.sql(dialect="snowflake") if kind.name == "VIEW" and tree.expression else ""

        def build(qualified: tuple[str, str, str], replace: bool) -> None:
            for key, part in zip(("catalog", "db", "this"), qualified, strict=True):
                target.set(key, exp.to_identifier(part, quoted=True))
            tree.set("replace", replace)
            query = tree.args.get("expression")
            if schema_node is not None and query is not None and kind.name == "TABLE":
                # DuckDB takes a column list or AS SELECT, not both: create, then fill.
                tree.set("expression", None)
                self._duck(env, self._prepare(env, tree, target, None))
                fill = exp.insert(query, target.copy())
                self._duck(env, self._prepare(env, fill, fill.this, None))
                return
            self._duck(env, self._prepare(env, tree, target, None))

        props: dict[str, Any] = {}
        if temporary:
            props["temporary"] = True
        if transient:
            props["transient"] = True
        if secure:
            props["secure"] = True
        if declared:
            props["column_types"] = declared
        if text:
            props["text"] = sql
        return status(self.domain.tables.create(env.ctx, parts, kind, mode, build, props=props))

    def _alter(self, env: Env, tree: exp.Alter) -> Result:
        kind = kinds.KINDS[str(tree.args["kind"]).upper()]
        target = tree.this
        parts = transforms.table_parts(target)
        actions = tree.args.get("actions") or []
        if_exists = bool(tree.args.get("exists"))
        if len(actions) == 1 and isinstance(actions[0], exp.AlterRename):
            return status(self.domain.tables.rename(env.ctx, parts, transforms.table_parts(actions[0].this), kind, if_exists))
        if len(actions) == 1 and isinstance(actions[0], exp.AlterSet) and actions[0].find(exp.SchemaCommentProperty):
            comment = actions[0].find(exp.SchemaCommentProperty).this.name  # type: ignore[union-attr]
            return status(self.domain.tables.set_comment(env.ctx, parts, comment))
        try:
            self._target(env, parts, "OWNERSHIP")
        except errors.SnowflakeError as exc:
            if if_exists and exc.code == "002003":
                return status("Statement executed successfully.")
            raise
        self._duck(env, self._prepare(env, tree, None, None))
        return status("Statement executed successfully.")


def describe_columns(result: Result) -> list[dict[str, Any]]:
    return [c.rowtype() for c in result.columns]


Resolver = Callable[[list[str], exp.Table], tuple[str, str, str] | None]
