"""Snowpark over the wire: what session.sql, create_dataframe, table(), save_as_table and
to_pandas() send must work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Server, unique


@pytest.fixture
def session(server: Server) -> Iterator[Any]:
    s = server.session()
    name = unique("SPDB")
    s.sql(f"create database {name}").collect()
    yield s
    s.sql(f"drop database if exists {name}").collect()
    s.close()


def test_current_context(session: Any) -> None:
    assert session.get_current_user() == '"admin"'
    assert session.get_current_role() == '"ACCOUNTADMIN"'
    assert session.get_current_warehouse() == '"COMPUTE_WH"'
    assert session.get_current_database().startswith('"SPDB_')
    assert session.get_current_schema() == '"PUBLIC"'


def test_sql_collect_and_params(session: Any) -> None:
    assert session.sql("select 1 as a, 'b' as b").collect()[0].as_dict() == {"A": 1, "B": "b"}
    assert session.sql("select ? + 1 as n", params=[41]).collect()[0]["N"] == 42


def test_create_dataframe_and_tables(session: Any) -> None:
    df = session.create_dataframe([[1, "a", 1.5], [2, "b", 2.5]], schema=["id", "name", "score"])
    assert [r.as_dict() for r in df.collect()] == [
        {"ID": 1, "NAME": "a", "SCORE": 1.5}, {"ID": 2, "NAME": "b", "SCORE": 2.5},
    ]
    df.write.mode("overwrite").save_as_table("people")
    df.write.mode("append").save_as_table("people")
    people = session.table("people")
    assert people.count() == 4
    assert people.filter(people["ID"] == 2).select("NAME").distinct().collect()[0]["NAME"] == "b"
    frame = people.sort("ID").to_pandas()
    assert list(frame.columns) == ["ID", "NAME", "SCORE"]
    assert frame["SCORE"].sum() == 8.0


def test_use_role_and_database(session: Any) -> None:
    session.use_role("SYSADMIN")
    assert session.get_current_role() == '"SYSADMIN"'
    session.use_role("ACCOUNTADMIN")
    assert session.get_current_role() == '"ACCOUNTADMIN"'


def test_sql_errors_are_snowpark_exceptions(session: Any) -> None:
    from snowflake.snowpark.exceptions import SnowparkSQLException

    with pytest.raises(SnowparkSQLException) as err:
        session.sql("select * from nowhere_at_all").collect()
    assert "002003" in str(err.value)
