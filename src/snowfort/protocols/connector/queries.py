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
        if self.done.is_set():  # cancelled already: the late result is dropped
            return
        self.result, self.error = result, error
        self.status = "SUCCESS" if error is None else "FAILED_WITH_ERROR"
        self.ended = time.time()
        self.done.set()


class QueryLog:
    """Recent queries by query id, and by the client's requestId: a retried request (same
    requestId) gets the first execution's answer instead of running twice; abort-request names
    the query by its requestId too."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, QueryRecord] = OrderedDict()
        self._by_request: OrderedDict[str, QueryRecord] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, record: QueryRecord, request_id: str | None = None) -> None:
        with self._lock:
            self._items[record.query_id] = record
            if request_id:
                self._by_request[request_id] = record
            for items in (self._items, self._by_request):
                while len(items) > KEEP:
                    items.popitem(last=False)

    def by_request(self, request_id: str | None) -> QueryRecord | None:
        if not request_id:
            return None
        with self._lock:
            return self._by_request.get(request_id)

    def get(self, query_id: str) -> QueryRecord | None:
        with self._lock:
            return self._items.get(query_id)
