"""/api/v2/databases/{database}/schemas: the Schema resource over the domain's schemas module."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StrictStr

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import names
from snowfort.domain.schemas import PARAMETERS
from snowfort.protocols.rest.http import OK, Call, bad_request, ident, iso, listed, route

# What a schema shows for a parameter it does not set itself (Snowflake's defaults).
DEFAULTS: dict[str, Any] = {
    "max_data_extension_time_in_days": 14,
    "default_ddl_collation": "",
    "log_level": "OFF",
    "trace_level": "OFF",
    "pipe_execution_paused": False,
    "suspend_task_after_num_failures": 10,
    "user_task_managed_initial_warehouse_size": "Medium",
    "user_task_timeout_ms": 3600000,
    "serverless_task_min_statement_size": "XSMALL",
    "serverless_task_max_statement_size": "X2LARGE",
}


class SchemaIn(BaseModel):
    """The writable fields of Schema (schema.yaml); read-only ones are ignored."""

    model_config = ConfigDict(extra="ignore")
    name: StrictStr
    kind: StrictStr | None = None
    comment: StrictStr | None = None
    managed_access: StrictBool | None = None
    data_retention_time_in_days: StrictInt | None = None
    default_ddl_collation: StrictStr | None = None
    log_level: StrictStr | None = None
    pipe_execution_paused: StrictBool | None = None
    max_data_extension_time_in_days: StrictInt | None = None
    suspend_task_after_num_failures: StrictInt | None = None
    trace_level: StrictStr | None = None
    user_task_managed_initial_warehouse_size: StrictStr | None = None
    user_task_timeout_ms: StrictInt | None = None
    serverless_task_min_statement_size: StrictStr | None = None
    serverless_task_max_statement_size: StrictStr | None = None


class SchemaCloneIn(SchemaIn):
    point_of_time: dict[str, Any] | None = None


def transient(call: Call, body: SchemaIn) -> bool:
    """The kind from the (deprecated) `kind` query parameter or the body; '' means PERMANENT."""
    kind = (call.text("kind") or body.kind or "PERMANENT").upper()
    if kind not in ("PERMANENT", "TRANSIENT"):
        raise bad_request(f"Invalid value '{kind}' for 'kind': expected PERMANENT or TRANSIENT.")
    return kind == "TRANSIENT"


def parameters(body: SchemaIn) -> dict[str, Any]:
    return {k: v for k in PARAMETERS if (v := getattr(body, k)) is not None}


def _typed(value: Any, kind: type) -> Any:
    """A stored value (SQL gives strings, numbers, booleans) as the JSON type the model takes."""
    if value is None:
        return None
    try:
        if kind is bool:
            return value if isinstance(value, bool) else str(value).strip().upper() in ("TRUE", "YES", "ON", "1")
        if kind is int:
            return int(value)
    except (TypeError, ValueError):
        return None
    return str(value)


def model(call: Call, db: Obj, sc: Obj) -> dict[str, Any]:
    owner = call.domain.base.owner_name(sc)
    props = sc.props
    transient_kind = props.get("kind") == "TRANSIENT"
    managed = bool(_typed(props.get("managed_access", False), bool))
    retention = _typed(props.get("data_retention_time_in_days", db.props.get("retention_time", 1)), int)
    ctx = call.session.ctx
    out: dict[str, Any] = {
        "created_on": iso(sc.created_on),
        "name": names.quote(sc.name),
        "kind": "TRANSIENT" if transient_kind else "PERMANENT",
        "is_default": False,
        "is_current": ctx.database == db.name and ctx.schema == sc.name,
        "database_name": names.quote(db.name),
        "owner": owner,
        "comment": sc.comment,
        "options": ", ".join(o for o, on in (("TRANSIENT", transient_kind), ("MANAGED ACCESS", managed)) if on),
        "managed_access": managed,
        "retention_time": retention,
        "dropped_on": None,
        "owner_role_type": "ROLE" if owner else None,
        "budget": None,
        "data_retention_time_in_days": retention,
    }
    for key, kind in PARAMETERS.items():
        if key != "data_retention_time_in_days":
            value = props.get(key, db.props.get(key, DEFAULTS.get(key)))
            out[key] = _typed(value, kind)
    return out


async def list_schemas(call: Call) -> list[dict[str, Any]]:
    database = call.ident("database")
    call.flag("history")  # no time travel: dropped schemas are gone, so history adds nothing
    pairs = await call.run(lambda: call.domain.schemas.list(call.ctx, database))
    return [model(call, db, sc) for db, sc in listed(pairs, call, lambda p: p[1].name)]


async def create_schema(call: Call) -> str:
    database = call.ident("database")
    body: SchemaIn = await call.body(SchemaIn)
    mode = call.create_mode()
    name = ident(body.name)
    is_transient = transient(call, body)
    await call.run(lambda: call.domain.schemas.create(
        call.ctx, database, name, mode, transient=is_transient, managed_access=bool(body.managed_access),
        comment=body.comment, props=parameters(body),
    ))
    return OK


async def fetch_schema(call: Call) -> dict[str, Any]:
    database = call.ident("database")
    name = call.ident("name")
    ref = await call.run(lambda: call.domain.schemas.get(call.ctx, database, name))
    return model(call, ref.database, ref.schema)


async def create_or_alter_schema(call: Call) -> str:
    database = call.ident("database")
    name = call.ident("name")
    body: SchemaIn = await call.body(SchemaIn)
    if ident(body.name) != name:
        raise bad_request("The name in the body must match the name in the path.")
    is_transient = transient(call, body)
    await call.run(lambda: call.domain.schemas.create_or_alter(
        call.ctx, database, name, transient=is_transient, managed_access=bool(body.managed_access),
        comment=body.comment, props=parameters(body),
    ))
    return OK


async def drop_schema(call: Call) -> str:
    database = call.ident("database")
    name = call.ident("name")
    if_exists = call.flag("ifExists")
    # RESTRICT refuses a drop that foreign keys from other schemas depend on; snowfort keeps no
    # cross-schema foreign keys, so it never refuses.
    call.flag("restrict")
    session = call.session

    def work() -> None:
        call.domain.schemas.drop(call.ctx, database, name, if_exists)
        # The session's current schema is gone with it, as after DROP SCHEMA.
        if (session.ctx.database, session.ctx.schema) == (database, name) and call.ctx.schema is None:
            session.ctx.schema = None
            call.sf.sessions.persist(session)

    await call.run(work)
    return OK


async def clone_schema(call: Call) -> str:
    database = call.ident("database")
    source = call.ident("name")
    body: SchemaCloneIn = await call.body(SchemaCloneIn)
    mode = call.create_mode()
    raw_target = call.text("targetDatabase")
    try:
        target_database = names.normalize(raw_target) if raw_target else database
    except errors.SnowflakeError:
        raise bad_request(f"Invalid identifier '{raw_target}' for 'targetDatabase'.") from None
    if body.point_of_time:
        raise errors.SnowflakeError(
            "002040", "0A000", "Unsupported feature 'CLONE ... AT | BEFORE': snowfort keeps no time travel history.", 400
        )
    target = ident(body.name)
    kind_given = call.text("kind") or body.kind
    is_transient = transient(call, body) if kind_given else None
    await call.run(lambda: call.domain.schemas.clone(
        call.ctx, database, source, target_database, target, mode, transient=is_transient,
        managed_access=bool(body.managed_access), comment=body.comment, props=parameters(body),
    ))
    return OK


async def undrop_schema(call: Call) -> str:
    raise errors.SnowflakeError(
        "002040", "0A000", "Unsupported feature 'UNDROP SCHEMA': snowfort keeps no time travel history.", 400
    )


async def get_tags(call: Call) -> list[dict[str, Any]]:
    database = call.ident("database")
    name = call.ident("name")
    call.flag("withLineage")
    await call.run(lambda: call.domain.schemas.get(call.ctx, database, name))
    return []  # snowfort has no tags, so nothing is ever assigned


async def change_tags(call: Call) -> str:
    raise errors.SnowflakeError("002040", "0A000", "Unsupported feature 'TAG'.", 400)


routes = [
    route("/databases/{database}/schemas", list_schemas, ["GET"]),
    route("/databases/{database}/schemas", create_schema, ["POST"]),
    route("/databases/{database}/schemas/{name}:clone", clone_schema, ["POST"]),
    route("/databases/{database}/schemas/{name}:undrop", undrop_schema, ["POST"]),
    route("/databases/{database}/schemas/{name}:get-tags", get_tags, ["GET"]),
    route("/databases/{database}/schemas/{name}:set-tags", change_tags, ["POST"]),
    route("/databases/{database}/schemas/{name}:unset-tags", change_tags, ["POST"]),
    route("/databases/{database}/schemas/{name}", fetch_schema, ["GET"]),
    route("/databases/{database}/schemas/{name}", create_or_alter_schema, ["PUT"]),
    route("/databases/{database}/schemas/{name}", drop_schema, ["DELETE"]),
]
