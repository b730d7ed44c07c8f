"""Everything survives a restart: objects, grants, rows, and the sessions of logged-in clients."""

from __future__ import annotations

import pytest
from conftest import Server

pytestmark = pytest.mark.connector5


def test_restart_keeps_objects_rows_and_sessions(fresh_server: Server) -> None:
    fresh_server.start()
    setup = [
        "create role analyst",
        "create user carol password = 'pw1' default_role = analyst",
        "grant role analyst to user carol",
        "create warehouse wh2 warehouse_size = 'SMALL' initially_suspended = true",
        "grant usage on warehouse wh2 to role analyst",
        "create database sales",
        "create schema sales.raw",
        'create table sales.raw.orders (id int, "Item" varchar, amount number(10,2))',
        "insert into sales.raw.orders values (1, 'a', 1.50), (2, 'b', 2.25)",
        "create view sales.raw.big as select * from sales.raw.orders where amount > 2",
        "grant usage on database sales to role analyst",
        "grant usage on schema sales.raw to role analyst",
        "grant select on table sales.raw.orders to role analyst",
    ]
    conn = fresh_server.connect()
    with conn.cursor() as cur:
        for sql in setup:
            cur.execute(sql)
    token = conn.rest.token

    fresh_server.stop()
    fresh_server.start()

    # The old connection's token still works after the restart.
    with conn.cursor() as cur:
        cur.execute('select id, "Item", amount from sales.raw.orders order by id')
        assert [(r[0], r[1], float(r[2])) for r in cur.fetchall()] == [(1, "a", 1.5), (2, "b", 2.25)]
        cur.execute("select count(*) from sales.raw.big")
        assert cur.fetchone() == (1,)
        cur.execute("show warehouses like 'WH2'")
        row = cur.fetchone()
        # WH2 became current when created, so the queries above resumed it (AUTO_RESUME).
        assert (row[0], row[1], row[3]) == ("WH2", "STARTED", "Small")
        cur.execute("show grants to role analyst")
        grants = {(r[1], r[2], r[3]) for r in cur.fetchall()}
        assert ("SELECT", "TABLE", "SALES.RAW.ORDERS") in grants
        assert ("USAGE", "DATABASE", "SALES") in grants
    assert conn.rest.token == token
    conn.close()

    with fresh_server.connect(user="carol", password="pw1", warehouse="wh2") as carol, carol.cursor() as cur:
        assert carol.role == "ANALYST"
        cur.execute("select sum(amount) from sales.raw.orders")
        assert float(cur.fetchone()[0]) == 3.75
