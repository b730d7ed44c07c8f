"""Warehouses: CREATE / ALTER / DROP / SHOW / USE WAREHOUSE, with Snowflake's states.

A warehouse here is bookkeeping over the one DuckDB instance: its state gates queries as in
Snowflake (a suspended warehouse resumes on use when AUTO_RESUME is on).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from snowfort import errors
from snowfort.catalog.store import Obj, now
from snowfort.domain import kinds, names, results
from snowfort.domain.base import Objects
from snowfort.domain.context import Ctx
from snowfort.domain.results import CreateMode

# The accepted spellings of each size, and how SHOW WAREHOUSES prints it.
SIZES = {
    "XSMALL": "X-Small", "X-SMALL": "X-Small",
    "SMALL": "Small",
    "MEDIUM": "Medium",
    "LARGE": "Large",
    "XLARGE": "X-Large", "X-LARGE": "X-Large",
    "XXLARGE": "2X-Large", "X2LARGE": "2X-Large", "2X-LARGE": "2X-Large",
    "XXXLARGE": "3X-Large", "X3LARGE": "3X-Large", "3X-LARGE": "3X-Large",
    "X4LARGE": "4X-Large", "4X-LARGE": "4X-Large",
    "X5LARGE": "5X-Large", "5X-LARGE": "5X-Large",
    "X6LARGE": "6X-Large", "6X-LARGE": "6X-Large",
}
TYPES = {"STANDARD": "STANDARD", "SNOWPARK-OPTIMIZED": "SNOWPARK-OPTIMIZED", "SNOWPARK_OPTIMIZED": "SNOWPARK-OPTIMIZED"}
DEFAULTS: dict[str, Any] = {
    "warehouse_size": "X-Small",
    "warehouse_type": "STANDARD",
    "max_cluster_count": 1,
    "min_cluster_count": 1,
    "scaling_policy": "STANDARD",
    "auto_suspend": 600,
    "auto_resume": True,
    "initially_suspended": False,
    "resource_monitor": None,
    "enable_query_acceleration": False,
    "query_acceleration_max_scale_factor": 8,
    "max_concurrency_level": 8,
    "statement_queued_timeout_in_seconds": 0,
    "statement_timeout_in_seconds": 172800,
}
PROPERTIES = set(DEFAULTS) | {"comment", "generation", "resource_constraint", "warehouse_type"}


def as_bool(value: Any, prop: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().upper()
    if text in ("TRUE", "YES", "ON", "1", "Y"):
        return True
    if text in ("FALSE", "NO", "OFF", "0", "N"):
        return False
    raise errors.invalid_value(f"invalid value '{value}' for property '{prop.upper()}'")


def as_int(value: Any, prop: str, *, nullable: bool = False) -> int | None:
    if value is None or (isinstance(value, str) and value.upper() == "NULL"):
        if nullable:
            return None
        raise errors.invalid_value(f"invalid value 'NULL' for property '{prop.upper()}'")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise errors.invalid_value(f"invalid value '{value}' for property '{prop.upper()}'") from None


def normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Validate warehouse properties (keys upper- or lower-case) into stored form."""
    out: dict[str, Any] = {}
    for raw_key, value in values.items():
        key = raw_key.lower()
        if key not in PROPERTIES:
            raise errors.syntax_error(f"invalid property '{raw_key.upper()}' for 'WAREHOUSE'")
        if key == "warehouse_size":
            size = SIZES.get(str(value).upper().replace("_", "-")) or SIZES.get(str(value).upper())
            if size is None:
                raise errors.invalid_value(f"invalid value '{value}' for property 'WAREHOUSE_SIZE'")
            out[key] = size
        elif key == "warehouse_type":
            kind = TYPES.get(str(value).upper())
            if kind is None:
                raise errors.invalid_value(f"invalid value '{value}' for property 'WAREHOUSE_TYPE'")
            out[key] = kind
        elif key in ("auto_resume", "initially_suspended", "enable_query_acceleration"):
            out[key] = as_bool(value, key)
        elif key == "auto_suspend":
            out[key] = as_int(value, key, nullable=True)
        elif key in ("max_cluster_count", "min_cluster_count", "query_acceleration_max_scale_factor",
                     "max_concurrency_level", "statement_queued_timeout_in_seconds", "statement_timeout_in_seconds"):
            out[key] = as_int(value, key)
        elif key == "scaling_policy":
            if str(value).upper() not in ("STANDARD", "ECONOMY"):
                raise errors.invalid_value(f"invalid value '{value}' for property 'SCALING_POLICY'")
            out[key] = str(value).upper()
        else:
            out[key] = value
    return out


class Warehouses(Objects):
    def create(self, ctx: Ctx, name: str, mode: CreateMode, values: dict[str, Any]) -> str:
        self.require_account(ctx, "CREATE WAREHOUSE")
        props = {**DEFAULTS, **normalise(values)}
        replaced, answer = self.prepare_create(ctx, kinds.WAREHOUSE, 0, name, mode)
        if answer:
            return answer
        owner = self.creating_role(ctx)
        comment = props.pop("comment", None)
        stamp = now().isoformat()
        props["state"] = "SUSPENDED" if props["initially_suspended"] else "STARTED"
        props["resumed_on"] = props["updated_on"] = stamp
        with self.catalog.write() as conn:
            if replaced:
                self.catalog.delete_tree(conn, replaced.id)
            self.catalog.insert(
                conn, kind="WAREHOUSE", namespace="WAREHOUSE", parent_id=0, name=name, owner_id=owner,
                comment=comment, props=props,
            )
        # Like Snowflake, a new warehouse becomes the session's current warehouse.
        ctx.warehouse = name
        return results.created("Warehouse", name)

    def create_or_alter(self, ctx: Ctx, name: str, values: dict[str, Any]) -> str:
        """CREATE OR ALTER WAREHOUSE: create it, or make an existing one match the definition. What
        the definition leaves out goes back to its default; INITIALLY_SUSPENDED only applies to a
        new warehouse, and the state is left as it is."""
        wh = self.catalog.get("WAREHOUSE", 0, name)
        if wh is None or not self.can_see(ctx, wh):
            return self.create(ctx, name, CreateMode.ERROR_IF_EXISTS, values)
        changes = {k.lower(): v for k, v in values.items() if k.lower() != "initially_suspended"}
        unset = [k for k in (*DEFAULTS, "comment") if k not in changes and k != "initially_suspended"]
        return self.alter(ctx, name, set_values=changes, unset=unset)

    def get(self, ctx: Ctx, name: str) -> Obj:
        return self.resolve_named(ctx, kinds.WAREHOUSE, name)

    def is_default(self, ctx: Ctx, wh: Obj) -> bool:
        """Whether the warehouse is the session user's DEFAULT_WAREHOUSE."""
        user = self.catalog.get_by_id(ctx.user_id)
        default = str((user.props.get("default_warehouse") if user else None) or "")
        try:
            return bool(default) and names.normalize(default) == wh.name
        except errors.SnowflakeError:
            return False

    def list(self, ctx: Ctx) -> list[Obj]:
        return [w for w in self.catalog.list(["WAREHOUSE"]) if self.can_see(ctx, w)]

    def drop(self, ctx: Ctx, name: str, if_exists: bool = False) -> str:
        wh = self.catalog.get("WAREHOUSE", 0, name)
        if wh is None or not self.can_see(ctx, wh):
            if if_exists:
                return results.already_dropped(name)
            raise errors.does_not_exist("Warehouse", names.quote(name))
        self.require(ctx, wh, "OWNERSHIP")
        with self.catalog.write() as conn:
            self.catalog.delete_tree(conn, wh.id)
        if ctx.warehouse == name:
            ctx.warehouse = None
        return results.dropped(name)

    def use(self, ctx: Ctx, name: str) -> str:
        wh = self.catalog.get("WAREHOUSE", 0, name)
        if wh is None or not self.has_privilege(ctx, wh, "USAGE"):
            raise errors.does_not_exist("Object", names.quote(name))
        ctx.warehouse = name
        return results.OK

    def _set_state(self, wh: Obj, state: str) -> None:
        props = dict(wh.props)
        props["state"] = state
        stamp = now().isoformat()
        props["updated_on"] = stamp
        if state == "STARTED":
            props["resumed_on"] = stamp
        with self.catalog.write() as conn:
            self.catalog.update(conn, wh.id, props=props)

    def alter(
        self, ctx: Ctx, name: str | None, *, action: str | None = None, set_values: dict[str, Any] | None = None,
        unset: list[str] | None = None, rename: str | None = None, if_exists: bool = False, if_suspended: bool = False,
    ) -> str:
        name = name or ctx.warehouse
        if name is None:
            raise errors.no_active_warehouse()
        wh = self.catalog.get("WAREHOUSE", 0, name)
        if wh is None or not self.can_see(ctx, wh):
            if if_exists:
                return results.OK
            raise errors.does_not_exist("Warehouse", names.quote(name))
        state = wh.props.get("state")
        if action == "SUSPEND":
            self.require(ctx, wh, "OPERATE")
            if state == "SUSPENDED":
                raise errors.SnowflakeError(
                    "090064", "22000", f"Invalid state. Warehouse '{names.quote(name)}' cannot be suspended.", 409
                )
            self._set_state(wh, "SUSPENDED")
        elif action == "RESUME":
            self.require(ctx, wh, "OPERATE")
            if state != "SUSPENDED":
                if if_suspended:
                    return results.OK
                raise errors.SnowflakeError(
                    "090063", "22000", f"Invalid state. Warehouse '{names.quote(name)}' cannot be resumed because it is not suspended.", 409
                )
            self._set_state(wh, "STARTED")
        elif action == "ABORT":
            self.require(ctx, wh, "OPERATE")
        elif rename:
            self.require(ctx, wh, "OWNERSHIP")
            if self.catalog.get("WAREHOUSE", 0, rename):
                raise errors.already_exists(rename)
            with self.catalog.write() as conn:
                self.catalog.update(conn, wh.id, name=rename)
            if ctx.warehouse == name:
                ctx.warehouse = rename
        else:
            self.require(ctx, wh, "MODIFY")
            props = dict(wh.props)
            comment: Any = wh.comment
            changes = normalise(set_values or {})
            if "comment" in changes:
                comment = changes.pop("comment")
            props.update(changes)
            for key in unset or []:
                lowered = key.lower()
                if lowered == "comment":
                    comment = None
                elif lowered in DEFAULTS:
                    props[lowered] = DEFAULTS[lowered]
                else:
                    raise errors.syntax_error(f"invalid property '{key.upper()}' for 'WAREHOUSE'")
            props["updated_on"] = now().isoformat()
            with self.catalog.write() as conn:
                self.catalog.update(conn, wh.id, props=props, comment=comment)
        return results.OK

    def ensure_running(self, ctx: Ctx) -> None:
        """Queries on data need a current, usable warehouse; a suspended one auto-resumes."""
        if ctx.warehouse is None:
            raise errors.no_active_warehouse()
        wh = self.catalog.get("WAREHOUSE", 0, ctx.warehouse)
        if wh is None or not self.has_privilege(ctx, wh, "USAGE"):
            raise errors.no_active_warehouse()
        if wh.props.get("state") == "SUSPENDED":
            if not wh.props.get("auto_resume", True):
                raise errors.SnowflakeError(
                    "000606", "57P03",
                    f"No active warehouse selected in the current session.  Warehouse '{names.quote(wh.name)}' is suspended.",
                )
            self._set_state(wh, "STARTED")


def stamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
