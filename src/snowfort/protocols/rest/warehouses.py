"""/api/v2/warehouses: the Warehouse resource over the domain's warehouses module.

Warehouse's flags travel as the strings "true"/"false" (warehouse.yaml), not JSON booleans, and
its size as Snowflake shows it ("X-Small", "Small", ...), in both `warehouse_size` and `size`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import names
from snowfort.domain.warehouses import DEFAULTS, stamp
from snowfort.protocols.rest.http import OK, Call, bad_request, ident, iso, listed, route

Scalar = str | bool | int | None


class WarehouseIn(BaseModel):
    """The writable fields of Warehouse; the domain validates each value as CREATE WAREHOUSE does.
    Read-only fields, the deprecated `size`/`type` and the adaptive-only fields are ignored."""

    model_config = ConfigDict(extra="ignore")
    name: str
    warehouse_type: Scalar = None
    warehouse_size: Scalar = None
    wait_for_completion: Scalar = None
    max_cluster_count: Scalar = None
    min_cluster_count: Scalar = None
    scaling_policy: Scalar = None
    auto_suspend: Scalar = None
    auto_resume: Scalar = None
    initially_suspended: Scalar = None
    resource_monitor: Scalar = None
    comment: Scalar = None
    enable_query_acceleration: Scalar = None
    query_acceleration_max_scale_factor: Scalar = None
    max_concurrency_level: Scalar = None
    statement_queued_timeout_in_seconds: Scalar = None
    statement_timeout_in_seconds: Scalar = None


class RenameIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str


def properties(body: WarehouseIn) -> dict[str, Any]:
    """The body's properties as CREATE WAREHOUSE takes them (WAIT_FOR_COMPLETION only matters
    while a resize runs, which here is instant)."""
    values = body.model_dump(exclude={"name", "wait_for_completion"}, exclude_none=True)
    if isinstance(values.get("comment"), (bool, int)):
        raise bad_request("Invalid value for 'comment': expected a string.")
    if "resource_monitor" in values:
        values["resource_monitor"] = ident(str(values["resource_monitor"]))
    return values


def tf(value: Any) -> str:
    return "true" if value else "false"


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def model(call: Call, wh: Obj) -> dict[str, Any]:
    p = {**DEFAULTS, **wh.props}
    owner = call.domain.base.owner_name(wh)
    started = p.get("state") == "STARTED"
    monitor = p.get("resource_monitor")
    size = str(p.get("warehouse_size") or "X-Small")
    kind = str(p.get("warehouse_type") or "STANDARD")
    return {
        "name": names.quote(wh.name),
        "warehouse_type": kind,
        "warehouse_size": size,
        "max_cluster_count": _int(p.get("max_cluster_count")),
        "min_cluster_count": _int(p.get("min_cluster_count")),
        "scaling_policy": str(p.get("scaling_policy") or "STANDARD"),
        "auto_suspend": _int(p.get("auto_suspend")),
        "auto_resume": tf(p.get("auto_resume")),
        "initially_suspended": tf(p.get("initially_suspended")),
        "resource_monitor": names.quote(str(monitor)) if monitor else None,
        "comment": wh.comment,
        "enable_query_acceleration": tf(p.get("enable_query_acceleration")),
        "query_acceleration_max_scale_factor": _int(p.get("query_acceleration_max_scale_factor")),
        "max_concurrency_level": _int(p.get("max_concurrency_level")),
        "statement_queued_timeout_in_seconds": _int(p.get("statement_queued_timeout_in_seconds")),
        "statement_timeout_in_seconds": _int(p.get("statement_timeout_in_seconds")),
        "type": kind,
        "size": size,
        "state": p.get("state"),
        "started_clusters": 1 if started else 0,
        "running": 0,
        "queued": 0,
        "is_default": call.domain.warehouses.is_default(call.ctx, wh),
        "is_current": call.session.ctx.warehouse == wh.name,
        "available": "100" if started else "",
        "provisioning": "0" if started else "",
        "quiescing": "0" if started else "",
        "other": "0" if started else "",
        "created_on": iso(wh.created_on),
        "resumed_on": iso(stamp(p.get("resumed_on"))),
        "updated_on": iso(stamp(p.get("updated_on"))),
        "owner": owner,
        "budget": None,
        "owner_role_type": "ROLE" if owner else None,
    }


async def list_warehouses(call: Call) -> list[dict[str, Any]]:
    whs = await call.run(lambda: call.domain.warehouses.list(call.ctx))
    return [model(call, wh) for wh in listed(whs, call, lambda w: w.name)]


async def create_warehouse(call: Call) -> str:
    body: WarehouseIn = await call.body(WarehouseIn)
    mode = call.create_mode()
    name = ident(body.name)
    values = properties(body)
    await call.run(lambda: call.domain.warehouses.create(call.ctx, name, mode, values))
    return OK


async def fetch_warehouse(call: Call) -> dict[str, Any]:
    name = call.ident("name")
    wh = await call.run(lambda: call.domain.warehouses.get(call.ctx, name))
    return model(call, wh)


async def create_or_alter_warehouse(call: Call) -> str:
    name = call.ident("name")
    body: WarehouseIn = await call.body(WarehouseIn)
    if ident(body.name) != name:
        raise bad_request("The name in the body must match the name in the path.")
    values = properties(body)
    await call.run(lambda: call.domain.warehouses.create_or_alter(call.ctx, name, values))
    return OK


async def drop_warehouse(call: Call) -> str:
    name = call.ident("name")
    if_exists = call.flag("ifExists")
    session = call.session

    def work() -> None:
        call.domain.warehouses.drop(call.ctx, name, if_exists)
        # The session's current warehouse is gone with it, as after DROP WAREHOUSE.
        if session.ctx.warehouse == name and call.ctx.warehouse is None:
            session.ctx.warehouse = None
            call.sf.sessions.persist(session)

    await call.run(work)
    return OK


def action(verb: str) -> Any:
    async def handler(call: Call) -> str:
        name = call.ident("name")
        if_exists = call.flag("ifExists")
        await call.run(lambda: call.domain.warehouses.alter(call.ctx, name, action=verb, if_exists=if_exists))
        return OK

    handler.__name__ = f"{verb.lower()}_warehouse"
    return handler


async def rename_warehouse(call: Call) -> str:
    name = call.ident("name")
    if_exists = call.flag("ifExists")
    body: RenameIn = await call.body(RenameIn)
    new_name = ident(body.name)
    session = call.session

    def work() -> None:
        call.domain.warehouses.alter(call.ctx, name, rename=new_name, if_exists=if_exists)
        # A renamed current warehouse stays current under its new name, as after ALTER ... RENAME.
        if session.ctx.warehouse == name and call.ctx.warehouse == new_name:
            session.ctx.warehouse = new_name
            call.sf.sessions.persist(session)

    await call.run(work)
    return OK


async def use_warehouse(call: Call) -> str:
    """The one call that changes the session: it becomes the current warehouse, as USE WAREHOUSE."""
    name = call.ident("name")
    session = call.session

    def work() -> None:
        call.domain.warehouses.use(session.ctx, name)
        call.sf.sessions.persist(session)

    await call.run(work)
    return OK


async def adaptive(call: Call) -> str:
    """:enable / :disable apply to adaptive warehouses only, and snowfort has none."""
    name = call.ident("name")
    if_exists = call.flag("ifExists")

    def work() -> None:
        try:
            call.domain.warehouses.get(call.ctx, name)
        except errors.SnowflakeError as exc:
            if if_exists and exc.code == "002003":
                return
            raise
        verb = call.request.url.path.rsplit(":", 1)[-1].upper()
        raise errors.SnowflakeError(
            "002040", "0A000",
            f"Unsupported feature '{verb}': warehouse {names.quote(name)} is not an adaptive warehouse.", 400,
        )

    await call.run(work)
    return OK


async def get_tags(call: Call) -> list[dict[str, Any]]:
    name = call.ident("name")
    call.flag("withLineage")
    await call.run(lambda: call.domain.warehouses.get(call.ctx, name))
    return []  # snowfort has no tags, so nothing is ever assigned


async def change_tags(call: Call) -> str:
    raise errors.SnowflakeError("002040", "0A000", "Unsupported feature 'TAG'.", 400)


routes = [
    route("/warehouses", list_warehouses, ["GET"]),
    route("/warehouses", create_warehouse, ["POST"]),
    route("/warehouses/{name}:resume", action("RESUME"), ["POST"]),
    route("/warehouses/{name}:suspend", action("SUSPEND"), ["POST"]),
    route("/warehouses/{name}:abort", action("ABORT"), ["POST"]),
    route("/warehouses/{name}:rename", rename_warehouse, ["POST"]),
    route("/warehouses/{name}:use", use_warehouse, ["POST"]),
    route("/warehouses/{name}:enable", adaptive, ["POST"]),
    route("/warehouses/{name}:disable", adaptive, ["POST"]),
    route("/warehouses/{name}:get-tags", get_tags, ["GET"]),
    route("/warehouses/{name}:set-tags", change_tags, ["POST"]),
    route("/warehouses/{name}:unset-tags", change_tags, ["POST"]),
    route("/warehouses/{name}", fetch_warehouse, ["GET"]),
    route("/warehouses/{name}", create_or_alter_warehouse, ["PUT"]),
    route("/warehouses/{name}", drop_warehouse, ["DELETE"]),
]
