"""Snowflake-to-DuckDB rewrites: small pure functions over sqlglot trees, one rewrite each.

The executor applies them in order to every query before sqlglot writes it as DuckDB SQL.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp
from sqlglot.dialects.snowflake import Snowflake
from sqlglot.tokens import TokenType

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


_CLAUSE_ENDS = {
    TokenType.FROM, TokenType.WHERE, TokenType.GROUP_BY, TokenType.HAVING, TokenType.QUALIFY, TokenType.ORDER_BY,
    TokenType.LIMIT, TokenType.UNION, TokenType.EXCEPT, TokenType.INTERSECT, TokenType.WINDOW, TokenType.INTO,
    TokenType.SEMICOLON, TokenType.FETCH, TokenType.OFFSET,
}


def projection_texts(source: str) -> list[str] | None:
    """The select-list items of the outermost SELECT as written, or None if not found."""
    try:
        tokens = Snowflake().tokenize(source)
    except Exception:  # the parser already accepted it; a tokenizer hiccup just loses the names
        return None
    depth = 0
    start = None
    for i, tok in enumerate(tokens):
        if tok.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE):
            depth += 1
        elif tok.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE):
            depth -= 1
        elif depth == 0 and tok.token_type == TokenType.SELECT:
            start = i + 1
            break
    if start is None:
        return None
    while start < len(tokens) and tokens[start].token_type in (TokenType.DISTINCT, TokenType.ALL):
        start += 1
    items: list[str] = []
    first = start
    depth = 0
    for i in range(start, len(tokens) + 1):
        tok = tokens[i] if i < len(tokens) else None
        if tok is not None and tok.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE):
            depth += 1
            continue
        if tok is not None and tok.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE):
            depth -= 1
            continue
        if tok is None or (depth == 0 and (tok.token_type == TokenType.COMMA or tok.token_type in _CLAUSE_ENDS)):
            if i > first:
                items.append(source[tokens[first].start : tokens[i - 1].end + 1])
            first = i + 1
            if tok is None or tok.token_type != TokenType.COMMA:
                break
    return items


def snowflake_name(expression: exp.Expression, written: str | None = None) -> str:
    """The column name Snowflake gives an unaliased expression: its text as written, upper-cased."""
    return (written if written is not None else expression.sql(dialect="snowflake")).upper()


def name_projections(tree: exp.Expression, source: str | None = None) -> exp.Expression:
    """Alias unaliased expressions of the outermost SELECT with Snowflake's derived names."""
    select = tree
    while isinstance(select, exp.SetOperation):
        select = select.this
    if isinstance(select, exp.Subquery):
        select = select.unnest()
    if not isinstance(select, exp.Select):
        return tree
    written = projection_texts(source) if source else None
    if written is not None and len(written) != len(select.expressions):
        written = None
    projections = []
    for i, projection in enumerate(select.expressions):
        if isinstance(projection, (exp.Alias, exp.Column, exp.Star)) or (
            isinstance(projection, exp.Dot) and isinstance(projection.expression, exp.Star)
        ):
            projections.append(projection)
        else:
            name = snowflake_name(projection, written[i] if written else None)
            projections.append(exp.alias_(projection, exp.to_identifier(name, quoted=True)))
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
    """CURRENT_DATE / CURRENT_TIME / CURRENT_TIMESTAMP as DuckDB keywords bind to a same-named
    alias; call the function now() instead."""

    def now() -> exp.Expression:
        return exp.Anonymous(this="now", expressions=[])

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.CurrentTimestamp):
            if node.args.get("sysdate"):  # SYSDATE(): the UTC wall clock as TIMESTAMP_NTZ
                return exp.AtTimeZone(this=now(), zone=exp.Literal.string("UTC"))
            return now()
        if isinstance(node, exp.CurrentDate):
            return exp.cast(now(), exp.DataType.Type.DATE)
        if isinstance(node, (exp.CurrentTime, exp.Localtime)):
            return exp.cast(exp.cast(now(), exp.DataType.Type.TIMESTAMP), exp.DataType.Type.TIME)
        return node

    return tree.transform(rewrite, copy=False)


def checked_division(tree: exp.Expression) -> exp.Expression:
    """x / 0 is an error in Snowflake (100051), not inf or NULL as in DuckDB."""
    for div in list(tree.find_all(exp.Div)):
        divisor = div.expression
        if isinstance(divisor, exp.Literal) and not divisor.is_string and float(divisor.this or 0) != 0:
            continue
        guard = exp.Case().when(
            exp.EQ(this=divisor.copy(), expression=exp.Literal.number(0)),
            exp.Anonymous(this="error", expressions=[exp.Literal.string("Division by zero")]),
        )
        replacement = guard.else_(div.copy())
        div.replace(replacement)
    return tree


_DATE_UNITS = {"DAY", "DAYS", "D", "WEEK", "WEEKS", "W", "MONTH", "MONTHS", "MM", "MON", "QUARTER", "Q",
               "YEAR", "YEARS", "Y", "YY", "YYYY"}


def _is_date(node: exp.Expression) -> bool:
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.DATE
    return isinstance(node, (exp.CurrentDate, exp.TsOrDsToDate, exp.StrToDate, exp.Date, exp.DateFromParts))


def date_arithmetic(tree: exp.Expression) -> exp.Expression:
    """DATEADD by days or larger units keeps a DATE a DATE (DuckDB's date + interval is a timestamp)."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.DateAdd) and _is_date(node.this):
            unit = node.args.get("unit")
            unit_name = (unit.name if unit is not None else "DAY").upper()
            if unit_name in _DATE_UNITS:
                return exp.cast(node, exp.DataType.Type.DATE)
        return node

    return tree.transform(rewrite, copy=False)
