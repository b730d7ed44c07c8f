"""SHOW and DESCRIBE for the account objects, tables and views, and grants."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from snowfort.catalog.store import Obj
from snowfort.domain import names
from snowfort.domain.listing import like_matcher
from snowfort.domain.warehouses import stamp
from snowfort.sql.commands import Env, handler
from snowfort.sql.commands.grants import securable_kind
from snowfort.sql.lexer import Tokens
from snowfort.sql.result import Result, rows_result


@dataclass
class ShowOptions:
    like: str | None = None
    scope: str | None = None  # ACCOUNT | DATABASE | SCHEMA
    scope_parts: list[str] | None = None
    starts_with: str | None = None
    limit: int | None = None
    terse: bool = False
    history: bool = False


def show_head(t: Tokens, *words: str) -> ShowOptions:
    t.expect("SHOW")
    opts = ShowOptions(terse=t.accept("TERSE"))
    t.expect(*words)
    opts.history = t.accept("HISTORY")
    if t.accept("LIKE"):
        opts.like = t.string()
    if t.accept("IN") or t.accept("FROM"):
        if t.accept("ACCOUNT"):
            opts.scope = "ACCOUNT"
        elif t.accept("DATABASE"):
            opts.scope = "DATABASE"
            opts.scope_parts = None if t.at_end() or t.word() in ("STARTS", "LIMIT") else t.qualified()
        elif t.accept("SCHEMA"):
            opts.scope = "SCHEMA"
            opts.scope_parts = None if t.at_end() or t.word() in ("STARTS", "LIMIT") else t.qualified()
        else:
            parts = t.qualified()
            opts.scope, opts.scope_parts = ("DATABASE" if len(parts) == 1 else "SCHEMA"), parts
    if t.accept("STARTS", "WITH"):
        opts.starts_with = t.string()
    if t.accept("LIMIT"):
        opts.limit = int(t.next().text)
        if t.accept("FROM"):
            t.string()
    t.end()
    return opts


def select(opts: ShowOptions, items: Sequence[Any], name: Callable[[Any], str]) -> list[Any]:
    match = like_matcher(opts.like)
    out = [i for i in items if match(name(i)) and (opts.starts_with is None or name(i).startswith(opts.starts_with))]
    return out[: opts.limit] if opts.limit is not None else out


def yn(flag: bool) -> str:
    return "Y" if flag else "N"


def tf(flag: Any) -> str:
    return "true" if flag in (True, "true", "TRUE") else "false"


def owner_type(owner: str) -> str | None:
    return "ROLE" if owner else None


# -- databases and schemas ------------------------------------------------------------------
DATABASE_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("name", "text"), ("is_default", "text"), ("is_current", "text"),
    ("origin", "text"), ("owner", "text"), ("comment", "text"), ("options", "text"), ("retention_time", "text"),
    ("kind", "text"), ("budget", "text"), ("owner_role_type", "text"), ("object_visibility", "text"),
]


@handler("SHOW", "DATABASES")
def show_databases(t: Tokens, env: Env) -> Result:
    opts = show_head(t, "DATABASES")
    d = env.domain
    default_ns = str(d.catalog.get_by_id(env.ctx.user_id).props.get("default_namespace") or "")  # type: ignore[union-attr]
    rows = []
    for db in select(opts, d.databases.list(env.ctx), lambda o: o.name):
        owner = d.base.owner_name(db)
        rows.append([
            db.created_on, db.name, yn(default_ns.upper().split(".")[0] == db.name), yn(env.ctx.database == db.name),
            "", owner, db.comment or "", "TRANSIENT" if db.props.get("kind") == "TRANSIENT" else "",
            str(db.props.get("retention_time", 1)), "STANDARD", None, owner_type(owner), None,
        ])
    return rows_result(DATABASE_COLUMNS, rows)


SCHEMA_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("name", "text"), ("is_default", "text"), ("is_current", "text"),
    ("database_name", "text"), ("owner", "text"), ("comment", "text"), ("options", "text"),
    ("retention_time", "text"), ("owner_role_type", "text"), ("budget", "text"), ("classification_profile", "text"),
    ("object_visibility", "text"),
]


@handler("SHOW", "SCHEMAS")
def show_schemas(t: Tokens, env: Env) -> Result:
    opts = show_head(t, "SCHEMAS")
    d = env.domain
    database: str | None
    if opts.scope == "ACCOUNT":
        database = None
    else:
        database = (opts.scope_parts or [env.ctx.database or ""])[0] or None
        if database is None:
            from snowfort import errors

            raise errors.no_current_database()
    rows = []
    for db, sc in select(opts, d.schemas.list(env.ctx, database), lambda p: p[1].name):
        owner = d.base.owner_name(sc)
        options = ", ".join(o for o, on in (("TRANSIENT", sc.props.get("kind") == "TRANSIENT"),
                                              ("MANAGED ACCESS", sc.props.get("managed_access"))) if on)
        rows.append([
            sc.created_on, sc.name, "N", yn(env.ctx.database == db.name and env.ctx.schema == sc.name), db.name,
            owner, sc.comment or "", options, str(db.props.get("retention_time", 1)), owner_type(owner), None, None, None,
        ])
    return rows_result(SCHEMA_COLUMNS, rows)


# -- warehouses -----------------------------------------------------------------------------
WAREHOUSE_COLUMNS = [
    ("name", "text"), ("state", "text"), ("type", "text"), ("size", "text"), ("min_cluster_count", "fixed"),
    ("max_cluster_count", "fixed"), ("started_clusters", "fixed"), ("running", "fixed"), ("queued", "fixed"),
    ("is_default", "text"), ("is_current", "text"), ("auto_suspend", "fixed"), ("auto_resume", "text"),
    ("available", "text"), ("provisioning", "text"), ("quiescing", "text"), ("other", "text"),
    ("created_on", "timestamp_ltz"), ("resumed_on", "timestamp_ltz"), ("updated_on", "timestamp_ltz"),
    ("owner", "text"), ("comment", "text"), ("enable_query_acceleration", "text"),
    ("query_acceleration_max_scale_factor", "fixed"), ("resource_monitor", "text"), ("actives", "fixed"),
    ("pendings", "fixed"), ("failed", "fixed"), ("suspended", "fixed"), ("uuid", "text"), ("scaling_policy", "text"),
    ("owner_role_type", "text"), ("resource_constraint", "text"), ("generation", "text"),
]


def warehouse_row(env: Env, wh: Obj) -> list[Any]:
    p = wh.props
    owner = env.domain.base.owner_name(wh)
    started = p.get("state") == "STARTED"
    is_default = env.domain.warehouses.is_default(env.ctx, wh)
    return [
        wh.name, p.get("state"), p.get("warehouse_type", "STANDARD"), p.get("warehouse_size", "X-Small"),
        p.get("min_cluster_count", 1), p.get("max_cluster_count", 1), 1 if started else 0, 0, 0,
        yn(is_default), yn(env.ctx.warehouse == wh.name), p.get("auto_suspend"), tf(p.get("auto_resume", True)),
        "100" if started else "", "0" if started else "", "0" if started else "", "0" if started else "",
        wh.created_on, stamp(p.get("resumed_on")), stamp(p.get("updated_on")), owner, wh.comment or "",
        tf(p.get("enable_query_acceleration")), p.get("query_acceleration_max_scale_factor", 8),
        p.get("resource_monitor") or "null", 1 if started else 0, 0, 0, 0 if started else 1, str(wh.id),
        p.get("scaling_policy", "STANDARD"), owner_type(owner), p.get("resource_constraint"), p.get("generation"),
    ]


@handler("SHOW", "WAREHOUSES")
def show_warehouses(t: Tokens, env: Env) -> Result:
    opts = show_head(t, "WAREHOUSES")
    rows = [warehouse_row(env, wh) for wh in select(opts, env.domain.warehouses.list(env.ctx), lambda o: o.name)]
    return rows_result(WAREHOUSE_COLUMNS, rows)


# -- roles and users ------------------------------------------------------------------------
ROLE_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("name", "text"), ("is_default", "text"), ("is_current", "text"),
    ("is_inherited", "text"), ("assigned_to_users", "fixed"), ("granted_to_roles", "fixed"),
    ("granted_roles", "fixed"), ("owner", "text"), ("comment", "text"), ("owner_role_type", "text"),
]


@handler("SHOW", "ROLES")
def show_roles(t: Tokens, env: Env) -> Result:
    opts = show_head(t, "ROLES")
    d = env.domain
    me = d.catalog.get_by_id(env.ctx.user_id)
    # Stored normalised (default_role = r1 is R1, "r1" stays r1), so it compares as is.
    default_role = str(me.props.get("default_role") or "") if me else ""
    current = d.base.current_role_id(env.ctx)
    inherited = d.base.roles_of(env.ctx)
    rows = []
    for info in select(opts, d.roles.list(env.ctx), lambda i: i.obj.name):
        role = info.obj
        rows.append([
            role.created_on, role.name, yn(role.name == default_role), yn(role.id == current),
            yn(role.id in inherited and role.id != current), info.assigned_to_users, info.granted_to_roles,
            info.granted_roles, info.owner, role.comment or "", owner_type(info.owner),
        ])
    return rows_result(ROLE_COLUMNS, rows)


USER_COLUMNS = [
    ("name", "text"), ("created_on", "timestamp_ltz"), ("login_name", "text"), ("display_name", "text"),
    ("first_name", "text"), ("last_name", "text"), ("email", "text"), ("mins_to_unlock", "text"),
    ("days_to_expiry", "text"), ("comment", "text"), ("disabled", "text"), ("must_change_password", "text"),
    ("snowflake_lock", "text"), ("default_warehouse", "text"), ("default_namespace", "text"),
    ("default_role", "text"), ("default_secondary_roles", "text"), ("ext_authn_duo", "text"),
    ("ext_authn_uid", "text"), ("mins_to_bypass_mfa", "text"), ("owner", "text"),
    ("last_success_login", "timestamp_ltz"), ("expires_at_time", "timestamp_ltz"),
    ("locked_until_time", "timestamp_ltz"), ("has_password", "text"), ("has_rsa_public_key", "text"),
    ("type", "text"), ("has_mfa", "text"),
]


def user_row(env: Env, user: Obj) -> list[Any]:
    p = user.props
    return [
        user.name, user.created_on, p.get("login_name", user.name), p.get("display_name", user.name),
        p.get("first_name"), p.get("last_name"), p.get("email"), None, p.get("days_to_expiry"), user.comment,
        tf(p.get("disabled")), tf(p.get("must_change_password")), "false", p.get("default_warehouse"),
        p.get("default_namespace"), p.get("default_role"), p.get("default_secondary_roles"), "false", None, None,
        env.domain.base.owner_name(user), None, None, None, tf(bool(p.get("password_hash"))),
        tf(bool(p.get("rsa_public_key"))), p.get("type"), "false",
    ]


@handler("SHOW", "USERS")
def show_users(t: Tokens, env: Env) -> Result:
    opts = show_head(t, "USERS")
    rows = [user_row(env, u) for u in select(opts, env.domain.users.list(env.ctx), lambda o: o.name)]
    return rows_result(USER_COLUMNS, rows)


# -- tables and views -----------------------------------------------------------------------
TABLE_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("name", "text"), ("database_name", "text"), ("schema_name", "text"),
    ("kind", "text"), ("comment", "text"), ("cluster_by", "text"), ("rows", "fixed"), ("bytes", "fixed"),
    ("owner", "text"), ("retention_time", "text"), ("automatic_clustering", "text"), ("change_tracking", "text"),
    ("search_optimization", "text"), ("search_optimization_progress", "text"), ("search_optimization_bytes", "fixed"),
    ("is_external", "text"), ("enable_schema_evolution", "text"), ("owner_role_type", "text"), ("is_event", "text"),
    ("budget", "text"), ("is_hybrid", "text"), ("is_iceberg", "text"), ("is_dynamic", "text"),
    ("is_immutable", "text"),
]
VIEW_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("name", "text"), ("reserved", "text"), ("database_name", "text"),
    ("schema_name", "text"), ("owner", "text"), ("comment", "text"), ("text", "text"), ("is_secure", "text"),
    ("is_materialized", "text"), ("owner_role_type", "text"), ("change_tracking", "text"),
]


def table_scope(env: Env, opts: ShowOptions) -> tuple[str, str | None, str | None]:
    if opts.scope == "ACCOUNT":
        return "ACCOUNT", None, None
    if opts.scope == "DATABASE":
        return "DATABASE", (opts.scope_parts or [None])[0], None  # type: ignore[list-item]
    if opts.scope == "SCHEMA" and opts.scope_parts:
        if len(opts.scope_parts) == 2:
            return "SCHEMA", opts.scope_parts[0], opts.scope_parts[1]
        return "SCHEMA", None, opts.scope_parts[0]
    if opts.scope is None and env.ctx.schema is None:
        return "DATABASE", None, None
    return "SCHEMA", None, None


@handler("SHOW", "TABLES")
def show_tables(t: Tokens, env: Env) -> Result:
    opts = show_head(t, "TABLES")
    scope, database, schema = table_scope(env, opts)
    items = select(opts, env.domain.tables.list(env.ctx, "TABLE", database, schema, scope), lambda p: p[2].name)
    rows = []
    for db, sc, obj in items:
        owner = env.domain.base.owner_name(obj)
        kind = "TEMPORARY" if obj.props.get("temporary") else "TRANSIENT" if obj.props.get("transient") else "TABLE"
        rows.append([
            obj.created_on, obj.name, db.name, sc.name, kind, obj.comment or "", "", env.domain.tables.row_count(db, sc, obj), 0,
            owner, "1", "OFF", "OFF", "OFF", None, None, "N", "N", owner_type(owner), "N", None, "N", "N", "N", "N",
        ])
    return rows_result(TABLE_COLUMNS, rows)


@handler("SHOW", "VIEWS")
def show_views(t: Tokens, env: Env) -> Result:
    opts = show_head(t, "VIEWS")
    scope, database, schema = table_scope(env, opts)
    items = select(opts, env.domain.tables.list(env.ctx, "VIEW", database, schema, scope), lambda p: p[2].name)
    rows = []
    for db, sc, obj in items:
        owner = env.domain.base.owner_name(obj)
        rows.append([obj.created_on, obj.name, "", db.name, sc.name, owner, obj.comment or "",
                     obj.props.get("text", ""), tf(obj.props.get("secure")), "false", owner_type(owner), "OFF"])
    return rows_result(VIEW_COLUMNS, rows)


OBJECT_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("name", "text"), ("database_name", "text"), ("schema_name", "text"),
    ("kind", "text"), ("comment", "text"), ("cluster_by", "text"), ("rows", "fixed"), ("bytes", "fixed"),
    ("owner", "text"), ("retention_time", "text"), ("owner_role_type", "text"),
]


@handler("SHOW", "OBJECTS")
def show_objects(t: Tokens, env: Env) -> Result:
    opts = show_head(t, "OBJECTS")
    scope, database, schema = table_scope(env, opts)
    items = select(opts, env.domain.tables.list(env.ctx, None, database, schema, scope), lambda p: p[2].name)
    rows = []
    for db, sc, obj in items:
        owner = env.domain.base.owner_name(obj)
        rows.append([obj.created_on, obj.name, db.name, sc.name, obj.kind, obj.comment or "", "",
                     env.domain.tables.row_count(db, sc, obj) if obj.kind == "TABLE" else None, 0, owner, "1", owner_type(owner)])
    return rows_result(OBJECT_COLUMNS, rows)


COLUMN_COLUMNS = [
    ("table_name", "text"), ("schema_name", "text"), ("column_name", "text"), ("data_type", "text"),
    ("null?", "text"), ("default", "text"), ("kind", "text"), ("expression", "text"), ("comment", "text"),
    ("database_name", "text"), ("autoincrement", "text"), ("schema_evolution_record", "text"),
]


@handler("SHOW", "COLUMNS")
def show_columns(t: Tokens, env: Env) -> Result:
    t.expect("SHOW")
    t.expect("COLUMNS")
    like = t.string() if t.accept("LIKE") else None
    parts: list[str] | None = None
    if t.accept("IN") or t.accept("FROM"):
        t.accept("TABLE") or t.accept("VIEW")
        parts = t.qualified()
    t.end()
    if parts is None:
        from snowfort import errors

        raise errors.unsupported("SHOW COLUMNS without IN TABLE")
    ref, obj = env.domain.tables.resolve(env.ctx, parts)
    match = like_matcher(like)
    rows = []
    for name, sf_type, nullable, default in env.domain.tables.columns(ref.database, ref.schema, obj):
        if match(name):
            rows.append([obj.name, ref.schema.name, name, _json_type(sf_type), "true" if nullable else "false",
                         default or "", "COLUMN", "", "", ref.database.name, "", None])
    return rows_result(COLUMN_COLUMNS, rows)


def _json_type(sf_type: str) -> str:
    import json

    base = sf_type.split("(")[0]
    kind = {"NUMBER": "FIXED", "VARCHAR": "TEXT", "FLOAT": "REAL"}.get(base, base)
    return json.dumps({"type": kind, "nullable": True})


DESCRIBE_TABLE_COLUMNS = [
    ("name", "text"), ("type", "text"), ("kind", "text"), ("null?", "text"), ("default", "text"),
    ("primary key", "text"), ("unique key", "text"), ("check", "text"), ("expression", "text"), ("comment", "text"),
    ("policy name", "text"), ("privacy domain", "text"),
]


@handler("DESCRIBE", "TABLE", "VIEW")
def describe_table(t: Tokens, env: Env) -> Result:
    t.next()
    t.next()
    parts = t.qualified()
    t.accept("TYPE", "=") and t.next()
    ref, obj = env.domain.tables.resolve(env.ctx, parts)
    rows = [
        [name, sf_type, "COLUMN", yn(nullable), default, "N", "N", None, None, None, None, None]
        for name, sf_type, nullable, default in env.domain.tables.columns(ref.database, ref.schema, obj)
    ]
    return rows_result(DESCRIBE_TABLE_COLUMNS, rows)


@handler("DESCRIBE", "DATABASE", "SCHEMA", "WAREHOUSE", "ROLE")
def describe_container(t: Tokens, env: Env) -> Result:
    t.next()
    kind = t.next().text.upper()
    parts = t.qualified()
    t.end()
    d = env.domain
    cols = [("created_on", "timestamp_ltz"), ("name", "text"), ("kind", "text")]
    if kind == "DATABASE":
        db = d.databases.get(env.ctx, parts[-1])
        return rows_result(cols, [[s.created_on, s.name, "SCHEMA"] for s in d.catalog.list(["SCHEMA"], db.id)
                                  if d.base.can_see(env.ctx, s)])
    if kind == "SCHEMA":
        ref = d.schemas.get(env.ctx, parts[0] if len(parts) == 2 else None, parts[-1])
        return rows_result(cols, [[o.created_on, o.name, o.kind] for o in d.catalog.list(["TABLE", "VIEW"], ref.schema.id)
                                  if d.tables.visible(env.ctx, o)])
    if kind == "WAREHOUSE":
        wh = d.warehouses.get(env.ctx, parts[-1])
        return rows_result(cols, [[wh.created_on, wh.name, "WAREHOUSE"]])
    role = d.roles.get(env.ctx, parts[-1])
    return rows_result(cols, [[role.created_on, role.name, "ROLE"]])


@handler("DESCRIBE", "USER")
def describe_user(t: Tokens, env: Env) -> Result:
    t.next()
    t.next()
    name = t.ident()
    t.end()
    user = env.domain.users.get(env.ctx, name)
    row = dict(zip([c for c, _ in USER_COLUMNS], user_row(env, user), strict=True))
    props = ["NAME", "COMMENT", "DISPLAY_NAME", "LOGIN_NAME", "FIRST_NAME", "LAST_NAME", "EMAIL", "DISABLED",
             "MUST_CHANGE_PASSWORD", "DEFAULT_WAREHOUSE", "DEFAULT_NAMESPACE", "DEFAULT_ROLE", "TYPE",
             "HAS_PASSWORD", "HAS_RSA_PUBLIC_KEY"]
    rows = [[p, None if row.get(p.lower()) is None else str(row.get(p.lower())), "null", ""] for p in props]
    return rows_result([("property", "text"), ("value", "text"), ("default", "text"), ("description", "text")], rows)


# -- grants ---------------------------------------------------------------------------------
GRANT_ON_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("privilege", "text"), ("granted_on", "text"), ("name", "text"),
    ("granted_to", "text"), ("grantee_name", "text"), ("grant_option", "text"), ("granted_by_role_type", "text"),
    ("granted_by", "text"),
]
# SHOW GRANTS TO ROLE: the ON shape without granted_by_role_type (only SHOW GRANTS ON has it).
GRANT_TO_COLUMNS = [c for c in GRANT_ON_COLUMNS if c[0] != "granted_by_role_type"]
ROLE_GRANT_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("role", "text"), ("granted_to", "text"), ("grantee_name", "text"),
    ("granted_by", "text"),
]
# SHOW GRANTS [TO USER u] since the 2025_01 behaviour change (bundle 1803): the TO ROLE columns plus
# `role`. A role granted to the user is a USAGE grant on that ROLE, `role` naming it.
USER_GRANT_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("privilege", "text"), ("granted_on", "text"), ("name", "text"),
    ("role", "text"), ("granted_to", "text"), ("grantee_name", "text"), ("grant_option", "text"),
    ("granted_by", "text"),
]


def user_grants(rows: list[Any]) -> Result:
    return rows_result(USER_GRANT_COLUMNS, [
        [r.created_on, "USAGE", "ROLE", r.role, r.role, r.granted_to, r.grantee_name, "false", r.granted_by]
        for r in rows
    ])


@handler("SHOW", "GRANTS")
def show_grants(t: Tokens, env: Env) -> Result:
    t.expect("SHOW", "GRANTS")
    g = env.domain.grants
    if t.at_end():
        return user_grants(g.to_user(env.ctx, env.ctx.user_name))
    if t.accept("OF", "ROLE"):
        role = t.ident()
        t.end()
        rows = g.of_role(env.ctx, role)
        return rows_result(ROLE_GRANT_COLUMNS, [[r.created_on, r.role, r.granted_to, r.grantee_name, r.granted_by] for r in rows])
    if t.accept("TO", "USER"):
        user = t.ident()
        t.end()
        return user_grants(g.to_user(env.ctx, user))
    if t.accept("TO"):
        t.accept("ROLE")
        role = t.ident()
        t.end()
        return rows_result(GRANT_TO_COLUMNS, [
            [r.created_on, r.privilege, r.granted_on, r.name, r.granted_to, r.grantee_name, tf(r.grant_option),
             r.granted_by]
            for r in g.to_role(env.ctx, role)
        ])
    else:
        t.expect("ON")
        kind = securable_kind(t)
        parts = [] if kind == "ACCOUNT" else t.qualified()
        t.end()
        grant_rows = g.on(env.ctx, kind, parts)
    return rows_result(GRANT_ON_COLUMNS, [
        [r.created_on, r.privilege, r.granted_on, r.name, r.granted_to, r.grantee_name, tf(r.grant_option),
         "ROLE" if r.granted_by else None, r.granted_by]
        for r in grant_rows
    ])


@handler("SHOW", "FUTURE GRANTS")
def show_future_grants(t: Tokens, env: Env) -> Result:
    return rows_result([("created_on", "timestamp_ltz"), ("privilege", "text"), ("grant_on", "text"), ("name", "text"),
                        ("grant_to", "text"), ("grantee_name", "text"), ("grant_option", "text")], [])


def quoted(parts: list[str]) -> str:
    return ".".join(names.quote(p) for p in parts)
