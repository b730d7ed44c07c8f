"""/api/v2/databases: the Database resource over the domain's databases module."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import names
from snowfort.protocols.rest.http import OK, Call, ident, iso, listed, route


class DatabaseIn(BaseModel):
    """The writable fields of Database (database.yaml); read-only ones are ignored."""

    model_config = ConfigDict(extra="ignore")
    name: str
    kind: str | None = None
    comment: str | None = None
    data_retention_time_in_days: int | None = None
    max_data_extension_time_in_days: int | None = None
    default_ddl_collation: str | None = None
    log_level: str | None = None
    trace_level: str | None = None


class CloneIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str


def model(call: Call, db: Obj) -> dict[str, Any]:
    owner = call.domain.base.owner_name(db)
    retention = int(db.props.get("retention_time", 1))
    return {
        "name": names.quote(db.name),
        "kind": db.props.get("kind", "PERMANENT"),
        "created_on": iso(db.created_on),
        "is_default": False,
        "is_current": call.session.ctx.database == db.name,
        "origin": "",
        "owner": owner,
        "comment": db.comment,
        "options": "TRANSIENT" if db.props.get("kind") == "TRANSIENT" else "",
        "retention_time": retention,
        "dropped_on": None,
        "owner_role_type": "ROLE" if owner else None,
        "budget": None,
        "data_retention_time_in_days": retention,
        "max_data_extension_time_in_days": db.props.get("max_data_extension_time_in_days", 14),
        "default_ddl_collation": db.props.get("default_ddl_collation"),
        "log_level": db.props.get("log_level", "OFF"),
        "trace_level": db.props.get("trace_level", "OFF"),
    }


def settable(body: DatabaseIn) -> dict[str, Any]:
    """The body's properties as ALTER DATABASE ... SET names."""
    values = {
        "COMMENT": body.comment,
        "DATA_RETENTION_TIME_IN_DAYS": body.data_retention_time_in_days,
        "MAX_DATA_EXTENSION_TIME_IN_DAYS": body.max_data_extension_time_in_days,
        "DEFAULT_DDL_COLLATION": body.default_ddl_collation,
        "LOG_LEVEL": body.log_level,
        "TRACE_LEVEL": body.trace_level,
    }
    return {k: v for k, v in values.items() if v is not None}


async def list_databases(call: Call) -> list[dict[str, Any]]:
    dbs = await call.run(lambda: call.domain.databases.list(call.ctx))
    return [model(call, db) for db in listed(dbs, call, lambda d: d.name)]


async def create_database(call: Call) -> str:
    body: DatabaseIn = await call.body(DatabaseIn)
    mode = call.create_mode()
    kind = (call.text("kind") or body.kind or "PERMANENT").upper()
    if kind not in ("PERMANENT", "TRANSIENT"):
        raise errors.SnowflakeError("000400", "22000", f"Invalid value '{kind}' for 'kind'.", 400)
    name = ident(body.name)
    props = settable(body)
    comment = props.pop("COMMENT", None)
    retention = int(props.pop("DATA_RETENTION_TIME_IN_DAYS", 1))
    await call.run(lambda: call.domain.databases.create(
        call.ctx, name, mode, transient=kind == "TRANSIENT", comment=comment, retention_time=retention,
        props={k.lower(): v for k, v in props.items()},
    ))
    return OK


async def fetch_database(call: Call) -> dict[str, Any]:
    name = call.ident("name")
    db = await call.run(lambda: call.domain.databases.get(call.ctx, name))
    return model(call, db)


async def create_or_alter_database(call: Call) -> str:
    name = call.ident("name")
    body: DatabaseIn = await call.body(DatabaseIn)
    if ident(body.name) != name:
        raise errors.SnowflakeError("000400", "22000", "The name in the body must match the name in the path.", 400)
    transient = (body.kind or "").upper() == "TRANSIENT"
    unset = ["COMMENT"] if body.comment is None else None

    def work() -> str:
        return call.domain.databases.create_or_alter(
            call.ctx, name, transient=transient, set_values=settable(body), unset=unset
        )

    await call.run(work)
    return OK


async def drop_database(call: Call) -> str:
    name = call.ident("name")
    if_exists = call.flag("ifExists")
    await call.run(lambda: call.domain.databases.drop(call.ctx, name, if_exists))
    return OK


async def clone_database(call: Call) -> str:
    source = call.ident("name")
    body: CloneIn = await call.body(CloneIn)
    mode = call.create_mode()
    target = ident(body.name)
    await call.run(lambda: call.domain.databases.clone(call.ctx, source, target, mode))
    return OK


async def unsupported(call: Call) -> str:
    raise errors.SnowflakeError(
        "002040", "0A000", f"Unsupported feature '{call.request.url.path.rsplit('/', 1)[-1]}'.", 400
    )


routes = [
    route("/databases", list_databases, ["GET"]),
    route("/databases", create_database, ["POST"]),
    route("/databases/{name}:clone", clone_database, ["POST"]),
    route("/databases/{name}:undrop", unsupported, ["POST"]),
    route("/databases:from-share", unsupported, ["POST"]),
    route("/databases/{name}:from_share", unsupported, ["POST"]),
    route("/databases/{name}/replication:{action}", unsupported, ["POST"]),
    route("/databases/{name}/failover:{action}", unsupported, ["POST"]),
    route("/databases/{name}:set-tags", unsupported, ["POST"]),
    route("/databases/{name}:unset-tags", unsupported, ["POST"]),
    route("/databases/{name}:get-tags", unsupported, ["GET", "POST"]),
    route("/databases/{name}", fetch_database, ["GET"]),
    route("/databases/{name}", create_or_alter_database, ["PUT"]),
    route("/databases/{name}", drop_database, ["DELETE"]),
]
