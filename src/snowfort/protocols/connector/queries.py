"""Queries in flight and done: what the monitoring and result endpoints report."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from snowfort.errors import SnowflakeError
from snowfort.sql.result import Result

KEEP = 1000


@dataclass
class QueryRecord:
    query_id: str
    session_id: int
    sql: str
    status: str = "RUNNING"
    result: Result | None = None
    error: SnowflakeError | None = None
    started: float = field(default_factory=time.time)
    ended: float | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def finish(self, result: Result | None, error: SnowflakeError | None) -> None:
        self.result, self.error = result, error
        self.status = "SUCCESS" if error is None else "FAILED_WITH_ERROR"
        self.ended = time.time()
        self.done.set()


class QueryLog:
    def __init__(self) -> None:
        self._items: OrderedDict[str, QueryRecord] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, record: QueryRecord) -> None:
        with self._lock:
            self._items[record.query_id] = record
            while len(self._items) > KEEP:
                self._items.popitem(last=False)

    def get(self, query_id: str) -> QueryRecord | None:
        with self._lock:
            return self._items.get(query_id)
