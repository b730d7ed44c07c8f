"""Snowflake-to-DuckDB rewrites: small pure functions over sqlglot trees, one rewrite each.

The executor applies them in order to every query before sqlglot writes it as DuckDB SQL.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from snowfort.domain import names

# Snowflake's semi-structured types are JSON in DuckDB.
_JSON_TYPES = {exp.DataType.Type.VARIANT, exp.DataType.Type.OBJECT, exp.DataType.Type.ARRAY}


def values_columns(tree: exp.Expression) -> exp.Expression:
    """`$n` refers to column n of a VALUES list; name VALUES columns COLUMN1.. as Snowflake does."""
    for values in list(tree.find_all(exp.Values)):
        in_from = isinstance(values.parent, (exp.From, exp.Join))
        if in_from and values.args.get("alias") is None and values.expressions:
            width = len(values.expressions[0].expressions) if isinstance(values.expressions[0], exp.Tuple) else 1
            values.set(
                "alias",
                exp.TableAlias(
                    this=exp.to_identifier("_VALUES"),
                    columns=[exp.to_identifier(f"COLUMN{i + 1}", quoted=True) for i in range(width)],
                ),
            )
    for param in list(tree.find_all(exp.Parameter)):
        inner = param.this
        if isinstance(inner, exp.Literal) and not inner.is_string and inner.this.isdigit():
            param.replace(exp.column(exp.to_identifier(f"COLUMN{inner.this}", quoted=True)))
    return tree


def snowflake_name(expression: exp.Expression) -> str:
    """The column name Snowflake gives an unaliased expression: its text, upper-cased."""
    return expression.sql(dialect="snowflake").upper()


def name_projections(tree: exp.Expression) -> exp.Expression:
    """Alias unaliased expressions of the outermost SELECT with Snowflake's derived names."""
    select = tree
    while isinstance(select, exp.SetOperation):
        select = select.this
    if isinstance(select, exp.Subquery):
        select = select.unnest()
    if not isinstance(select, exp.Select):
        return tree
    projections = []
    for projection in select.expressions:
        if isinstance(projection, (exp.Alias, exp.Column, exp.Star)) or (
            isinstance(projection, exp.Dot) and isinstance(projection.expression, exp.Star)
        ):
            projections.append(projection)
        else:
            projections.append(exp.alias_(projection, exp.to_identifier(snowflake_name(projection), quoted=True)))
    select.set("expressions", projections)
    return tree


def uppercase_identifiers(tree: exp.Expression) -> exp.Expression:
    """Unquoted identifiers resolve upper-cased; quote them so DuckDB keeps that case."""
    for ident in tree.find_all(exp.Identifier):
        if not ident.quoted:
            ident.set("this", ident.this.upper())
            ident.set("quoted", True)
    return tree


def json_types(tree: exp.Expression) -> exp.Expression:
    for dtype in tree.find_all(exp.DataType):
        if dtype.this in _JSON_TYPES:
            dtype.replace(exp.DataType.build("JSON"))
    return tree


def literal(value: object) -> exp.Expression:
    if value is None:
        return exp.null()
    return exp.Literal.string(str(value))


def session_functions(tree: exp.Expression, values: dict[str, object]) -> exp.Expression:
    """CURRENT_USER() and friends, and SYSTEM$ functions, become the session's values."""
    classes = {
        exp.CurrentUser: "CURRENT_USER",
        exp.CurrentRole: "CURRENT_ROLE",
        exp.CurrentDatabase: "CURRENT_DATABASE",
        exp.CurrentSchema: "CURRENT_SCHEMA",
        exp.CurrentWarehouse: "CURRENT_WAREHOUSE",
        exp.CurrentVersion: "CURRENT_VERSION",
        exp.CurrentAccount: "CURRENT_ACCOUNT",
        exp.CurrentSession: "CURRENT_SESSION",
    }

    def rewrite(node: exp.Expression) -> exp.Expression:
        for cls, key in classes.items():
            if type(node) is cls and key in values:
                return literal(values[key])
        if isinstance(node, exp.Anonymous):
            key = str(node.this).upper()
            if key in values:
                value = values[key]
                return value(node) if callable(value) else literal(value)  # type: ignore[operator]
        return node

    return tree.transform(rewrite, copy=False)


def table_parts(table: exp.Table) -> list[str]:
    """The normalised name parts of a table reference ([db, schema, name] or shorter)."""
    parts = []
    for key in ("catalog", "db", "this"):
        ident = table.args.get(key)
        if isinstance(ident, exp.Identifier):
            parts.append(ident.this if ident.quoted else ident.this.upper())
        elif ident is not None and not isinstance(ident, exp.Identifier):
            return []
    return parts


def cte_names(tree: exp.Expression) -> set[str]:
    out = set()
    for cte in tree.find_all(exp.CTE):
        alias = cte.args.get("alias")
        if alias is not None and alias.this is not None:
            ident = alias.this
            out.add(ident.this if ident.quoted else ident.this.upper())
    return out


def qualify_tables(
    tree: exp.Expression, resolve: Callable[[list[str], exp.Table], tuple[str, str, str] | None]
) -> exp.Expression:
    """Replace every table reference with its fully qualified, quoted DuckDB name.

    `resolve` checks existence and privileges and returns (database, schema, name); it returns
    None for names that are not catalog tables (registered result sets)."""
    ctes = cte_names(tree)
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier):
            continue
        parts = table_parts(table)
        if not parts or (len(parts) == 1 and parts[0] in ctes):
            continue
        resolved = resolve(parts, table)
        if resolved is None:
            continue
        database, schema, name = resolved
        table.set("catalog", exp.to_identifier(database, quoted=True))
        table.set("db", exp.to_identifier(schema, quoted=True))
        table.set("this", exp.to_identifier(name, quoted=True))
    return tree


def result_scans(tree: exp.Expression, register: Callable[[str], str]) -> exp.Expression:
    """TABLE(RESULT_SCAN('<query id>')) reads a kept result, registered under a name."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        inner = node.this if isinstance(node, exp.TableFromRows) else None
        if isinstance(inner, exp.Anonymous) and str(inner.this).upper() == "RESULT_SCAN":
            arg = inner.expressions[0] if inner.expressions else None
            query_id = arg.this if isinstance(arg, exp.Literal) else arg.sql() if arg is not None else ""
            name = register(str(query_id))
            table = exp.Table(this=exp.to_identifier(name, quoted=True))
            if node.args.get("alias"):
                table.set("alias", node.args["alias"])
            return table
        return node

    return tree.transform(rewrite, copy=False)


def quoted_name(parts: list[str]) -> str:
    return ".".join(names.dq(p) for p in parts)


def clock_functions(tree: exp.Expression) -> exp.Expression:
    """CURRENT_DATE / CURRENT_TIME as DuckDB keywords bind to a same-named alias; compute them
    from CURRENT_TIMESTAMP instead."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.CurrentDate):
            return exp.cast(exp.CurrentTimestamp(), exp.DataType.Type.DATE)
        if isinstance(node, (exp.CurrentTime, exp.Localtime)):
            local = exp.cast(exp.CurrentTimestamp(), exp.DataType.Type.TIMESTAMP)
            return exp.cast(local, exp.DataType.Type.TIME)
        return node

    return tree.transform(rewrite, copy=False)
