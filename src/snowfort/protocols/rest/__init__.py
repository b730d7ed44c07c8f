"""The REST door: /api/v2, as snowflake.core's Root speaks it. One module per resource, each
with a `routes` list; they are collected here so adding a resource touches no other file."""

from __future__ import annotations

import importlib
import pkgutil

from starlette.routing import BaseRoute

_SHARED = {"contract"}


def collect() -> list[BaseRoute]:
    found: list[BaseRoute] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name in _SHARED or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "routes", []))
    return found


routes = collect()
