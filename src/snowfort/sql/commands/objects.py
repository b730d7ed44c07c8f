"""CREATE / ALTER / DROP / USE for users, roles, databases, schemas and warehouses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlglot.tokens import TokenType

from snowfort import errors
from snowfort.domain import names, results
from snowfort.domain.results import CreateMode
from snowfort.sql.commands import Env, handler
from snowfort.sql.lexer import STRINGS, Tokens
from snowfort.sql.result import Result, status


@dataclass
class CreateHead:
    mode: CreateMode
    modifiers: set[str]


def create_head(t: Tokens, kind: str) -> CreateHead:
    """CREATE [OR REPLACE] [modifiers] <kind> [IF NOT EXISTS]."""
    t.expect("CREATE")
    or_replace = t.accept("OR", "REPLACE")
    mods: set[str] = set()
    while t.word() in ("TRANSIENT", "TEMPORARY", "TEMP", "LOCAL", "GLOBAL", "VOLATILE", "SECURE"):
        mods.add(t.next().text.upper())
    t.expect(*kind.split())
    return CreateHead(CreateMode.of(or_replace, t.if_not_exists()), mods)


def split_schema(parts: list[str]) -> tuple[str | None, str]:
    if len(parts) == 1:
        return None, parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    raise errors.syntax_error(f"invalid schema name '{'.'.join(parts)}'")


def one_name(parts: list[str]) -> str:
    if len(parts) != 1:
        raise errors.syntax_error(f"invalid identifier '{'.'.join(parts)}'")
    return parts[0]


# User properties whose value names an object: a bare name resolves upper-cased like any identifier.
USER_NAME_PROPERTIES = {"DEFAULT_ROLE", "DEFAULT_WAREHOUSE", "DEFAULT_NAMESPACE", "DEFAULT_SECONDARY_ROLES"}


def user_properties(t: Tokens) -> dict[str, object]:
    """`KEY = value` pairs of CREATE/ALTER USER; `default_role = r1` stores R1, `"r1"` stays r1."""
    props: dict[str, object] = {}
    t.accept("WITH")
    while not t.at_end():
        key = t.next().text.upper()
        if not t.punct(TokenType.EQ):
            t.i -= 1
            t.fail()
        tok = t.peek()
        bare = tok is not None and tok.token_type not in STRINGS and tok.token_type != TokenType.IDENTIFIER
        value = t.value()
        if key in USER_NAME_PROPERTIES and bare and isinstance(value, str):
            value = ".".join(names.quote(names.normalize(part)) for part in names.split(value))
        props[key] = value
        t.punct(TokenType.COMMA)
    return props


def unset_list(t: Tokens) -> list[str]:
    keys = [t.next().text.upper()]
    while t.punct(TokenType.COMMA):
        keys.append(t.next().text.upper())
    return keys


# -- CREATE ---------------------------------------------------------------------------------
@handler("CREATE", "DATABASE")
def create_database(t: Tokens, env: Env) -> Result:
    head = create_head(t, "DATABASE")
    name = one_name(t.qualified())
    if t.accept("CLONE"):
        source = one_name(t.qualified())
        if t.is_("AT") or t.is_("BEFORE"):
            raise errors.unsupported("CLONE ... AT|BEFORE (time travel)")
        t.end()
        return status(env.domain.databases.clone(env.ctx, source, name, head.mode))
    props = t.properties()
    comment = props.pop("COMMENT", None)
    retention = int(props.pop("DATA_RETENTION_TIME_IN_DAYS", 1) or 0)
    return status(
        env.domain.databases.create(
            env.ctx, name, head.mode, transient="TRANSIENT" in head.modifiers, comment=comment,
            retention_time=retention, props={k.lower(): v for k, v in props.items()},
        )
    )


@handler("CREATE", "SCHEMA")
def create_schema(t: Tokens, env: Env) -> Result:
    head = create_head(t, "SCHEMA")
    database, name = split_schema(t.qualified())
    if t.accept("CLONE"):
        source_database, source = split_schema(t.qualified())
        if t.is_("AT") or t.is_("BEFORE"):
            raise errors.unsupported("CLONE ... AT|BEFORE (time travel)")
        t.end()
        transient = True if "TRANSIENT" in head.modifiers else None
        return status(env.domain.schemas.clone(env.ctx, source_database, source, database, name, head.mode,
                                               transient=transient))
    managed = t.accept("WITH", "MANAGED", "ACCESS")
    props = t.properties()
    comment = props.pop("COMMENT", None)
    return status(
        env.domain.schemas.create(
            env.ctx, database, name, head.mode, transient="TRANSIENT" in head.modifiers, managed_access=managed,
            comment=comment, props={k.lower(): v for k, v in props.items()},
        )
    )


@handler("CREATE", "WAREHOUSE")
def create_warehouse(t: Tokens, env: Env) -> Result:
    head = create_head(t, "WAREHOUSE")
    name = one_name(t.qualified())
    return status(env.domain.warehouses.create(env.ctx, name, head.mode, t.properties()))


@handler("CREATE", "ROLE")
def create_role(t: Tokens, env: Env) -> Result:
    head = create_head(t, "ROLE")
    name = one_name(t.qualified())
    props = t.properties()
    return status(env.domain.roles.create(env.ctx, name, head.mode, props.pop("COMMENT", None)))


@handler("CREATE", "USER")
def create_user(t: Tokens, env: Env) -> Result:
    head = create_head(t, "USER")
    name = one_name(t.qualified())
    return status(env.domain.users.create(env.ctx, name, head.mode, user_properties(t)))


# -- DROP -----------------------------------------------------------------------------------
def drop_head(t: Tokens, kind: str) -> tuple[bool, list[str]]:
    t.expect("DROP", *kind.split())
    if_exists = t.if_exists()
    parts = t.qualified()
    t.accept("CASCADE") or t.accept("RESTRICT")
    t.end()
    return if_exists, parts


@handler("DROP", "DATABASE")
def drop_database(t: Tokens, env: Env) -> Result:
    if_exists, parts = drop_head(t, "DATABASE")
    return status(env.domain.databases.drop(env.ctx, one_name(parts), if_exists))


@handler("DROP", "SCHEMA")
def drop_schema(t: Tokens, env: Env) -> Result:
    if_exists, parts = drop_head(t, "SCHEMA")
    database, name = split_schema(parts)
    return status(env.domain.schemas.drop(env.ctx, database, name, if_exists))


@handler("DROP", "WAREHOUSE")
def drop_warehouse(t: Tokens, env: Env) -> Result:
    if_exists, parts = drop_head(t, "WAREHOUSE")
    return status(env.domain.warehouses.drop(env.ctx, one_name(parts), if_exists))


@handler("DROP", "ROLE")
def drop_role(t: Tokens, env: Env) -> Result:
    if_exists, parts = drop_head(t, "ROLE")
    return status(env.domain.roles.drop(env.ctx, one_name(parts), if_exists))


@handler("DROP", "USER")
def drop_user(t: Tokens, env: Env) -> Result:
    if_exists, parts = drop_head(t, "USER")
    return status(env.domain.users.drop(env.ctx, one_name(parts), if_exists))


# -- ALTER ----------------------------------------------------------------------------------
def common_change(
    t: Tokens, *, qualified_rename: bool = False, read_properties: Callable[[Tokens], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """RENAME TO / SET props / UNSET names: the ALTER forms every object kind shares, as the
    keyword arguments of its domain `alter`."""
    if t.accept("RENAME", "TO"):
        return {"rename": t.qualified() if qualified_rename else one_name(t.qualified())}
    if t.accept("SET"):
        return {"set_values": (read_properties or Tokens.properties)(t)}
    if t.accept("UNSET"):
        return {"unset": unset_list(t)}
    t.fail()
    raise AssertionError


@handler("ALTER", "WAREHOUSE")
def alter_warehouse(t: Tokens, env: Env) -> Result:
    t.expect("ALTER", "WAREHOUSE")
    if_exists = t.if_exists()
    actions = ("SUSPEND", "RESUME", "ABORT", "SET", "UNSET", "RENAME")
    # The name is optional (the current warehouse); a name that is itself an action word comes
    # before another action word.
    name = None if t.word() in actions and t.word(1) not in actions else one_name(t.qualified())
    wh = env.domain.warehouses
    if t.accept("SUSPEND"):
        return status(wh.alter(env.ctx, name, action="SUSPEND", if_exists=if_exists))
    if t.accept("RESUME"):
        if_suspended = t.accept("IF", "SUSPENDED")
        return status(wh.alter(env.ctx, name, action="RESUME", if_exists=if_exists, if_suspended=if_suspended))
    if t.accept("ABORT", "ALL", "QUERIES"):
        return status(wh.alter(env.ctx, name, action="ABORT", if_exists=if_exists))
    return status(wh.alter(env.ctx, name, if_exists=if_exists, **common_change(t)))


@handler("ALTER", "DATABASE")
def alter_database(t: Tokens, env: Env) -> Result:
    t.expect("ALTER", "DATABASE")
    if_exists = t.if_exists()
    name = one_name(t.qualified())
    return status(env.domain.databases.alter(env.ctx, name, if_exists=if_exists, **common_change(t)))


@handler("ALTER", "SCHEMA")
def alter_schema(t: Tokens, env: Env) -> Result:
    t.expect("ALTER", "SCHEMA")
    if_exists = t.if_exists()
    database, name = split_schema(t.qualified())
    schemas = env.domain.schemas
    for verb, value in (("ENABLE", True), ("DISABLE", False)):
        if t.accept(verb, "MANAGED", "ACCESS"):
            return status(schemas.alter(env.ctx, database, name, set_values={"MANAGED_ACCESS": value}, if_exists=if_exists))
    return status(schemas.alter(env.ctx, database, name, if_exists=if_exists, **common_change(t, qualified_rename=True)))


@handler("ALTER", "ROLE")
def alter_role(t: Tokens, env: Env) -> Result:
    t.expect("ALTER", "ROLE")
    if_exists = t.if_exists()
    name = one_name(t.qualified())
    return status(env.domain.roles.alter(env.ctx, name, if_exists=if_exists, **common_change(t)))


@handler("ALTER", "USER")
def alter_user(t: Tokens, env: Env) -> Result:
    t.expect("ALTER", "USER")
    if_exists = t.if_exists()
    name = one_name(t.qualified())
    if t.accept("RESET", "PASSWORD"):
        return status(results.OK)
    change = common_change(t, read_properties=user_properties)
    return status(env.domain.users.alter(env.ctx, name, if_exists=if_exists, **change))


# -- USE ------------------------------------------------------------------------------------
@handler("USE")
def use(t: Tokens, env: Env) -> Result:
    t.expect("USE")
    d = env.domain
    if t.accept("ROLE"):
        message = d.roles.use(env.ctx, one_name(t.qualified()))
    elif t.accept("WAREHOUSE"):
        message = d.warehouses.use(env.ctx, one_name(t.qualified()))
    elif t.accept("SECONDARY", "ROLES"):
        t.next()
        message = results.OK
    elif t.accept("SCHEMA"):
        database, name = split_schema(t.qualified())
        message = d.schemas.use(env.ctx, database, name)
    else:
        t.accept("DATABASE")
        parts = t.qualified()
        if len(parts) == 2:
            message = d.schemas.use(env.ctx, parts[0], parts[1])
        else:
            message = d.databases.use(env.ctx, one_name(parts))
    t.end()
    return status(message)
