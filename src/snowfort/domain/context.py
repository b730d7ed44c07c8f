"""Who is asking: the session state every domain operation receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Ctx:
    session_id: int
    user_id: int
    user_name: str
    role: str | None = None
    database: str | None = None
    schema: str | None = None
    warehouse: str | None = None
    # Session parameters set by ALTER SESSION or at login (names upper-case).
    params: dict[str, Any] = field(default_factory=dict)

    def state(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "database": self.database,
            "schema": self.schema,
            "warehouse": self.warehouse,
            "params": dict(self.params),
        }
