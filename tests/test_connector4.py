"""Behaviour seen through connector 4.x internals (the JSON/Arrow switch, the heartbeat call).

Connector 5.x converts results in its native core and has no heartbeat method to call, so these
run in the 4.x environment only (they carry no connector5 mark)."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from conftest import Server
from snowflake.connector.errors import NotSupportedError, ProgrammingError


def test_json_when_the_session_asks(server: Server) -> None:
    with server.connect() as conn, conn.cursor() as cur:
        cur.execute("alter session set python_connector_query_result_format = 'json'")
        cur.execute("select 1 as a, 'x' as b, true as c, 1.5::number(10,2) as d, '2024-01-02'::date as e")
        assert cur._query_result_format == "json"
        assert cur.fetchone() == (1, "x", True, Decimal("1.50"), dt.date(2024, 1, 2))
        cur.execute("select 1")
        with pytest.raises(NotSupportedError):
            cur.fetch_pandas_all()


def test_heartbeat_keeps_session(server: Server) -> None:
    with server.connect(client_session_keep_alive=True) as conn:
        conn._heartbeat_tick()  # the keep-alive thread's own call: POST /session/heartbeat
        with conn.cursor() as cur:
            cur.execute("select 1")
            assert cur.fetchone() == (1,)


def test_timeout_cancels_a_running_query(server: Server) -> None:
    # Connector 4.x implements `timeout=` on the client: it sends abort-request when it runs out.
    with server.connect() as conn, conn.cursor() as cur:
        started = time.monotonic()
        with pytest.raises(ProgrammingError) as err:
            # The connector sends abort-request after the timeout; the server interrupts DuckDB.
            cur.execute("select count(*) from range(100000000000) a", timeout=1)
        assert err.value.errno == 604
        assert time.monotonic() - started < 15
        cur.execute("select 'still here'")
        assert cur.fetchone() == ("still here",)
