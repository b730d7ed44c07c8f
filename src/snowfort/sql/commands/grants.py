"""GRANT and REVOKE: privileges, roles and ownership."""

from __future__ import annotations

from sqlglot.tokens import TokenType

from snowfort import errors
from snowfort.domain import kinds
from snowfort.sql.commands import Env, handler
from snowfort.sql.lexer import Tokens
from snowfort.sql.result import Result, status


def privilege_list(t: Tokens) -> list[str]:
    privileges: list[str] = []
    words: list[str] = []
    while not t.at_end() and t.word() != "ON":
        if t.punct(TokenType.COMMA):
            privileges.append(" ".join(words))
            words = []
            continue
        words.append(t.next().text.upper())
    if words:
        privileges.append(" ".join(words))
    if not privileges:
        t.fail()
    return privileges


def securable_kind(t: Tokens) -> str:
    """The longest object-kind phrase at the cursor (COMPUTE POOL, IMAGE REPOSITORY, TABLE...)."""
    for size in (3, 2, 1):
        phrase = " ".join(t.word(k) for k in range(size))
        if phrase in kinds.KIND_ALIASES or (size == 1 and phrase == "ACCOUNT"):
            t.i += size
            return phrase
    t.fail()
    raise AssertionError


def plural_kind(t: Tokens) -> str:
    """ALL TABLES / ALL SCHEMAS / ALL COMPUTE POOLS -> the singular kind."""
    for size in (3, 2, 1):
        words = [t.word(k) for k in range(size)]
        if words and words[-1].endswith("S"):
            singular = " ".join([*words[:-1], words[-1][:-1]])
            if words[-1].endswith("IES"):
                singular = " ".join([*words[:-1], words[-1][:-3] + "Y"])
            if singular in kinds.KIND_ALIASES:
                t.i += size
                return singular
    t.fail()
    raise AssertionError


def grantee(t: Tokens) -> tuple[str, str]:
    if t.accept("USER"):
        return "USER", t.ident()
    t.accept("ROLE")
    return "ROLE", t.ident()


@handler("GRANT")
def grant(t: Tokens, env: Env) -> Result:
    t.expect("GRANT")
    g = env.domain.grants
    if t.accept("ROLE"):
        role = t.ident()
        t.expect("TO")
        kind, name = grantee(t)
        t.end()
        return status(g.grant_role(env.ctx, role, kind, name))
    if t.accept("DATABASE", "ROLE"):
        raise errors.unsupported("database roles")
    privileges = privilege_list(t)
    t.expect("ON")
    if t.accept("ALL"):
        kind = plural_kind(t)
        t.expect("IN")
        container = t.next().text.upper()
        parts = t.qualified()
        t.expect("TO")
        _, role = grantee(t)
        option = t.accept("WITH", "GRANT", "OPTION")
        t.end()
        return status(g.grant_on_all(env.ctx, privileges, kind, container, parts, role, option))
    if t.accept("FUTURE"):
        raise errors.unsupported("GRANT ... ON FUTURE")
    kind = securable_kind(t)
    parts = [] if kind == "ACCOUNT" else t.qualified()
    t.expect("TO")
    grantee_kind, role = grantee(t)
    if grantee_kind != "ROLE":
        raise errors.unsupported("granting privileges to a user")
    if privileges == ["OWNERSHIP"]:
        revoke = t.accept("REVOKE", "CURRENT", "GRANTS")
        copy = not revoke and t.accept("COPY", "CURRENT", "GRANTS")
        t.end()
        return status(g.grant_ownership(env.ctx, kind, parts, role, revoke_current_grants=revoke,
                                        copy_current_grants=copy))
    option = t.accept("WITH", "GRANT", "OPTION")
    t.end()
    return status(g.grant_privileges(env.ctx, privileges, kind, parts, role, option))


@handler("REVOKE")
def revoke(t: Tokens, env: Env) -> Result:
    t.expect("REVOKE")
    g = env.domain.grants
    if t.accept("ROLE"):
        role = t.ident()
        t.expect("FROM")
        kind, name = grantee(t)
        t.end()
        return status(g.revoke_role(env.ctx, role, kind, name))
    option_only = t.accept("GRANT", "OPTION", "FOR")
    privileges = privilege_list(t)
    t.expect("ON")
    if t.is_("ALL") or t.is_("FUTURE"):
        raise errors.unsupported("REVOKE ... ON ALL|FUTURE")
    kind = securable_kind(t)
    parts = [] if kind == "ACCOUNT" else t.qualified()
    t.expect("FROM")
    _, role = grantee(t)
    t.accept("CASCADE") or t.accept("RESTRICT")
    t.end()
    return status(g.revoke_privileges(env.ctx, privileges, kind, parts, role, option_only))
