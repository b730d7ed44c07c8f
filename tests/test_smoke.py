"""The first thing a user does: log in with the real connector and run a query."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.connector5


def test_select_one(cur: Any) -> None:
    cur.execute("select 1")
    assert cur.fetchall() == [(1,)]


def test_session_context(cur: Any) -> None:
    cur.execute("select current_user(), current_role(), current_warehouse()")
    assert cur.fetchone() == ("ADMIN", "ACCOUNTADMIN", "COMPUTE_WH")
