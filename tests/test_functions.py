"""Snowflake's everyday functions over the real connector: the values and the result types Snowflake
gives (sql/functions.py rewrites them for DuckDB), and Snowflake's errors for bad values."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from snowflake.connector.constants import FIELD_TYPES
from snowflake.connector.errors import ProgrammingError


def one(cur: Any, sql: str) -> tuple[tuple[Any, ...], list[str]]:
    """The single row of a query and its columns' Snowflake type names (FIXED, TEXT, ...)."""
    cur.execute(sql)
    (row,) = cur.fetchall()
    return row, [FIELD_TYPES[d.type_code].name for d in cur.description]


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return cur.fetchall()


def error(cur: Any, sql: str) -> ProgrammingError:
    with pytest.raises(ProgrammingError) as info:
        cur.execute(sql)
    return info.value


def scales(cur: Any) -> list[int | None]:
    return [d.scale for d in cur.description]


# -- conversion ------------------------------------------------------------------------------
def test_to_number_and_decimal(cur: Any) -> None:
    row, types = one(cur, "select to_number('12.345', 10, 2), to_decimal('12.5'), to_numeric('-7.5'), "
                          "to_number('1,234.5', '9,999.9', 10, 1), try_to_number('12x'), try_to_number('12')")
    assert row == (Decimal("12.35"), 13, -8, Decimal("1234.5"), None, 12)
    assert types == ["FIXED"] * 6
    assert scales(cur)[:4] == [2, 0, 0, 1]


def test_to_double_and_casts_to_number(cur: Any) -> None:
    row, types = one(cur, "select to_double('1.5'), '12.7'::int, 12.5::integer, 1.5::number(10,2), "
                          "'3000000000'::int, 2.5::float::int")
    assert row == (1.5, 13, 13, Decimal("1.50"), 3000000000, 3)
    assert types == ["REAL", "FIXED", "FIXED", "FIXED", "FIXED", "FIXED"]
    assert [d.precision for d in cur.description][1:4] == [38, 38, 10]


def test_casts_to_text(cur: Any) -> None:
    row, types = one(cur, "select 12::varchar, 1.50::number(10,2)::string, 0.1::float::text, true::varchar, "
                          "'2024-01-05'::date::varchar, '2024-01-05 10:11:12.5'::timestamp::varchar, "
                          "cast(12 as string)")
    assert row == ("12", "1.50", "0.1", "true", "2024-01-05", "2024-01-05 10:11:12.500", "12")
    assert types == ["TEXT"] * 7


def test_to_varchar_with_formats(cur: Any, db: str) -> None:
    cur.execute("create table t (d date, ts timestamp_ntz, n number(10,2))")
    cur.execute("insert into t values ('2024-01-05', '2024-01-05 09:08:07.123', 1.5)")
    row, types = one(cur, "select to_varchar(d, 'YYYY/MM/DD'), to_char(ts, 'YYYY-MM-DD HH24:MI:SS'), "
                          "to_varchar(ts, 'DD Mon YYYY HH12:MI AM'), to_char(d, 'YYYYMMDD'), to_varchar(n), "
                          "to_varchar(ts), to_char(ts, 'HH24:MI:SS.FF3') from t")
    assert row == ("2024/01/05", "2024-01-05 09:08:07", "05 Jan 2024 09:08 AM", "20240105", "1.50",
                   "2024-01-05 09:08:07.123", "09:08:07.123")
    assert types == ["TEXT"] * 7


def test_to_date_and_timestamps(cur: Any) -> None:
    row, types = one(cur, "select to_date('2024-01-05'), to_date('05/01/2024', 'DD/MM/YYYY'), "
                          "to_timestamp('2024-01-05 10:11:12'), "
                          "to_timestamp_ntz('2024-01-05 10:11:12', 'YYYY-MM-DD HH24:MI:SS'), "
                          "to_timestamp('20240105 101112', 'YYYYMMDD HH24MISS'), to_date('2024-01-05 10:11:12'::timestamp)")
    assert row == (dt.date(2024, 1, 5), dt.date(2024, 1, 5), dt.datetime(2024, 1, 5, 10, 11, 12),
                   dt.datetime(2024, 1, 5, 10, 11, 12), dt.datetime(2024, 1, 5, 10, 11, 12), dt.date(2024, 1, 5))
    assert types == ["DATE", "DATE", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ", "DATE"]


def test_to_timestamp_of_columns_numbers_and_offsets(cur: Any, db: str) -> None:
    cur.execute("create table t (epoch number, txt varchar)")
    cur.execute("insert into t values (1700000000, '2024-01-05 10:11:12')")
    row, types = one(cur, "select to_timestamp(epoch), to_timestamp(txt), to_timestamp_ntz(txt), "
                          "try_to_timestamp('nope'), try_to_timestamp(txt) from t")
    assert row == (dt.datetime(2023, 11, 14, 22, 13, 20), dt.datetime(2024, 1, 5, 10, 11, 12),
                   dt.datetime(2024, 1, 5, 10, 11, 12), None, dt.datetime(2024, 1, 5, 10, 11, 12))
    assert types == ["TIMESTAMP_NTZ"] * 5
    (tz,), _ = one(cur, "select to_timestamp_tz('2024-01-05 10:11:12 +02:00')")
    assert tz == dt.datetime(2024, 1, 5, 8, 11, 12, tzinfo=dt.UTC)


def test_to_boolean_and_try_functions(cur: Any) -> None:
    row, types = one(cur, "select to_boolean('yes'), to_boolean('off'), to_boolean(0), try_cast('x' as int), "
                          "try_to_date('2024-02-30'), try_to_date('2024-02-29'), try_to_date('29/02/2024', 'DD/MM/YYYY'), "
                          "try_cast('12' as number(5,1))")
    assert row == (True, False, False, None, None, dt.date(2024, 2, 29), dt.date(2024, 2, 29), Decimal("12.0"))
    assert types == ["BOOLEAN", "BOOLEAN", "BOOLEAN", "FIXED", "DATE", "DATE", "DATE", "FIXED"]


# -- dates -----------------------------------------------------------------------------------
def test_date_arithmetic(cur: Any) -> None:
    row, types = one(cur, "select dateadd(day, 1, '2024-01-31'::date), dateadd(month, 1, '2024-01-31'::date), "
                          "timeadd(hour, 2, '2024-01-01 10:00:00'::timestamp), "
                          "timestampadd(minute, 5, '2024-01-01 10:00:00'::timestamp), "
                          "dateadd(year, -1, '2024-02-29'::date), add_months('2024-01-31'::date, 1)")
    assert row == (dt.date(2024, 2, 1), dt.date(2024, 2, 29), dt.datetime(2024, 1, 1, 12), dt.datetime(2024, 1, 1, 10, 5),
                   dt.date(2023, 2, 28), dt.date(2024, 2, 29))
    assert types == ["DATE", "DATE", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ", "DATE", "DATE"]


def test_datediff_counts_boundaries(cur: Any) -> None:
    row, types = one(cur, "select datediff(year, '2023-12-31'::date, '2024-01-01'::date), "
                          "datediff(month, '2024-01-31'::date, '2024-02-01'::date), "
                          "datediff(day, '2024-01-01 23:00'::timestamp, '2024-01-02 01:00'::timestamp), "
                          "datediff(hour, '2024-01-01 10:59'::timestamp, '2024-01-01 11:01'::timestamp), "
                          "datediff('day', '2024-03-01'::date, '2024-02-01'::date), "
                          "timestampdiff(minute, '2024-01-01 10:00:59'::timestamp, '2024-01-01 10:01:00'::timestamp)")
    assert row == (1, 1, 1, 1, -29, 1)
    assert types == ["FIXED"] * 6


def test_date_parts(cur: Any) -> None:
    row, types = one(cur, "select date_trunc('month', '2024-03-15'::date), date_trunc(hour, '2024-03-15 10:59:01'::timestamp), "
                          "date_part(year, '2024-03-15'::date), extract(month from '2024-03-15'::date), "
                          "date_part(epoch_second, '2024-01-15'::timestamp), year('2024-03-17'::date), "
                          "month('2024-03-17'::date), day('2024-03-17'::date), dayofweek('2024-03-17'::date), "
                          "dayname('2024-03-15'::date), monthname('2024-03-15'::date), last_day('2024-02-10'::date), "
                          "quarter('2024-03-17'::date), hour('2024-01-01 10:11:12'::timestamp)")
    assert row == (dt.date(2024, 3, 1), dt.datetime(2024, 3, 15, 10), 2024, 3, 1705276800, 2024, 3, 17, 0, "Fri", "Mar",
                   dt.date(2024, 2, 29), 1, 10)
    assert types == ["DATE", "TIMESTAMP_NTZ", *["FIXED"] * 7, "TEXT", "TEXT", "DATE", "FIXED", "FIXED"]


def test_convert_timezone(cur: Any) -> None:
    row, _ = one(cur, "select convert_timezone('UTC', 'America/New_York', '2024-01-01 12:00:00'::timestamp_ntz), "
                      "convert_timezone('America/New_York', '2024-01-01 12:00:00 +00:00'::timestamp_tz), "
                      "convert_timezone('Asia/Tokyo', '2024-01-01 20:00:00'::timestamp_ntz)::date")
    # The two-argument form gives the wall-clock time in the target zone (see functions.py).
    assert row == (dt.datetime(2024, 1, 1, 7), dt.datetime(2024, 1, 1, 7), dt.date(2024, 1, 2))


def test_current_timestamp_and_sysdate(cur: Any) -> None:
    (now, sysdate, today), types = one(cur, "select current_timestamp(), sysdate(), current_date()")
    assert abs(now - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    # SYSDATE() is the UTC wall clock without a zone (TIMESTAMP_NTZ).
    assert sysdate.tzinfo is None
    assert abs(sysdate - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=5)
    assert types[1] == "TIMESTAMP_NTZ"
    assert today == now.date()
    assert types[2] == "DATE"


# -- strings ---------------------------------------------------------------------------------
def test_concatenation_and_splitting(cur: Any) -> None:
    row, types = one(cur, "select concat('a', 'b', 'c'), 'a' || 1 || null, concat_ws(',', 'a', 'b'), "
                          "split('a,b,c', ','), split_part('a,b,c', ',', 2), split_part('a,b,c', ',', -1), "
                          "split('a,b', ',')[1], concat('x', null)")
    assert row[:3] == ("abc", None, "a,b")
    assert json.loads(row[3]) == ["a", "b", "c"]
    assert row[4:6] == ("b", "c")
    assert json.loads(row[6]) == "b"
    assert row[7] is None
    assert types[:3] == ["TEXT"] * 3 and types[3] == "ARRAY" and types[4:6] == ["TEXT", "TEXT"]


def test_substrings_and_positions(cur: Any) -> None:
    row, types = one(cur, "select substr('hello', 2, 3), substring('hello', 2), substr('hello', -3), left('hello', 2), "
                          "right('hello', 2), position('l' in 'hello'), position('l', 'hello', 4), charindex('l', 'hello'), "
                          "charindex('z', 'hello'), contains('hello', 'ell'), startswith('hello', 'he'), endswith('hello', 'x')")
    assert row == ("ell", "ello", "llo", "he", "lo", 3, 4, 3, 0, True, True, False)
    assert types == ["TEXT"] * 5 + ["FIXED"] * 4 + ["BOOLEAN"] * 3


def test_replace_and_regular_expressions(cur: Any) -> None:
    row, types = one(cur, "select replace('hello', 'l'), replace('hello', 'l', 'L'), regexp_like('abc', 'a.c'), "
                          "'abc' rlike 'b', rlike('abc', 'a.*'), regexp_substr('ab12cd345', '[0-9]+'), "
                          "regexp_substr('ab12cd345', '[0-9]+', 1, 2), regexp_replace('ab12', '[0-9]'), "
                          "regexp_replace('ab12', '([a-z])', '<\\\\1>'), regexp_count('abcabc', 'b')")
    assert row == ("heo", "heLLo", True, False, True, "12", "345", "ab", "<a><b>12", 2)
    assert types == ["TEXT", "TEXT", "BOOLEAN", "BOOLEAN", "BOOLEAN", "TEXT", "TEXT", "TEXT", "TEXT", "FIXED"]


def test_case_padding_trimming(cur: Any) -> None:
    row, types = one(cur, "select initcap('hello wORLD-foo'), lpad('5', 3, '0'), rpad('5', 3, 'x'), lpad('hello', 3), "
                          "trim('  x  '), ltrim('xxaxx', 'x'), rtrim('xxaxx', 'x'), upper('abc'), lower('ABC'), "
                          "length('héllo'), len(''), reverse('abc')")
    assert row == ("Hello World-Foo", "005", "5xx", "hel", "x", "axx", "xxa", "ABC", "abc", 5, 0, "cba")
    assert types == ["TEXT"] * 9 + ["FIXED", "FIXED", "TEXT"]


def test_hashes_and_uuids(cur: Any) -> None:
    row, types = one(cur, "select md5('abc'), sha2('abc'), sha2('abc', 256), uuid_string(), "
                          "editdistance('kitten', 'sitting'), hash('a') = hash('a'), hash(1, 'a')")
    assert row[:3] == ("900150983cd24fb0d6963f7d28e17f72",
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert len(row[3]) == 36 and row[3].count("-") == 4
    assert row[4:6] == (3, True)
    assert -(2**63) <= row[6] < 2**63
    assert types == ["TEXT", "TEXT", "TEXT", "TEXT", "FIXED", "BOOLEAN", "FIXED"]
    exc = error(cur, "select sha2('abc', 512)")
    assert (exc.errno, exc.sqlstate) == (2040, "0A000")


def test_like_forms(cur: Any) -> None:
    row, _ = one(cur, "select 'Hello' ilike 'h%', 'Hello' like 'h%', 'hello' like any ('x%', 'h%'), "
                      "'hello' ilike any ('H%'), 'hello' not like 'x%'")
    assert row == (True, False, True, True, True)


# -- numbers ---------------------------------------------------------------------------------
def test_rounding_with_scale(cur: Any) -> None:
    row, types = one(cur, "select round(2.567, 2), round(2.5), round(-2.5), trunc(2.567, 1), truncate(-2.567), "
                          "floor(2.567, 1), ceil(2.561, 2), floor(-2.567, 1), floor(1234, -2), floor(2.5), ceil(2.1), "
                          "round(2.567::float, 1)")
    assert row == (Decimal("2.57"), 3, -3, Decimal("2.5"), -2, Decimal("2.5"), Decimal("2.57"), Decimal("-2.6"), 1200, 2, 3,
                   2.6)
    assert types == ["FIXED"] * 11 + ["REAL"]


def test_division_is_a_number(cur: Any) -> None:
    row, types = one(cur, "select 10/4, 1/3, 10.5/2, 7::number(10,2)/3, 10/4::float, div0(10, 4), div0(1, 0), "
                          "div0null(1, null), mod(10, 3), mod(-10, 3), 10 % 3")
    assert row == (Decimal("2.500000"), Decimal("0.333333"), Decimal("5.2500000"), Decimal("2.33333333"), 2.5,
                   Decimal("2.500000"), 0, 0, 1, -1, 1)
    assert types == ["FIXED"] * 4 + ["REAL"] + ["FIXED"] * 6
    assert scales(cur)[:4] == [6, 6, 7, 8]


def test_other_numeric_functions(cur: Any) -> None:
    row, types = one(cur, "select square(3), abs(-2), abs(-2.5), sign(-3.5), sign(0), sqrt(16), power(2, 10)")
    assert row == (9, 2, Decimal("2.5"), -1, 0, 4, 1024)
    assert types[1:3] == ["FIXED", "FIXED"]


def test_aggregates_of_numbers(cur: Any) -> None:
    row, types = one(cur, "select median(column1), median(column1::float), avg(column1::number(10,0)), sum(column1), "
                          "min(column1), max(column1) from (values (1), (3), (10), (1), (3))")
    assert row == (Decimal("3.000"), 3.0, Decimal("3.600000"), 18, 1, 10)
    assert types == ["FIXED", "REAL", "FIXED", "FIXED", "FIXED", "FIXED"]
    assert scales(cur)[:3] == [3, None, 6]


# -- semi-structured -------------------------------------------------------------------------
def test_parse_and_construct(cur: Any) -> None:
    row, types = one(cur, "select parse_json('{\"a\": {\"b\": [1, \"x\"]}}'), try_parse_json('{bad'), "
                          "to_json(parse_json('{\"a\":1}')), object_construct('a', 1, 'b', null, 'c', 'x'), "
                          "object_construct_keep_null('a', 1, 'b', null), array_construct(1, 'a', 2.5), array_construct(), "
                          "object_construct('n', parse_json('null'))")
    assert json.loads(row[0]) == {"a": {"b": [1, "x"]}}
    assert row[1] is None
    assert row[2] == '{"a":1}'
    assert json.loads(row[3]) == {"a": 1, "c": "x"}
    assert json.loads(row[4]) == {"a": 1, "b": None}
    assert json.loads(row[5]) == [1, "a", 2.5]
    assert json.loads(row[6]) == []
    assert json.loads(row[7]) == {"n": None}
    assert types[0] == "VARIANT" and types[2] == "TEXT"


def test_array_functions(cur: Any) -> None:
    row, types = one(cur, "select array_size(array_construct(1, 2)), array_size(parse_json('{}')), "
                          "array_contains(1::variant, array_construct(1, 2)), array_contains('x'::variant, array_construct('y')), "
                          "array_append(array_construct(1, 2), 3), array_cat(array_construct(1), array_construct('a')), "
                          "array_to_string(array_construct('a', 1, null), '-'), array_slice(array_construct(1, 2, 3, 4), 1, 3), "
                          "array_prepend(array_construct(2), 1)")
    assert row[:4] == (2, None, True, False)
    assert [json.loads(v) for v in row[4:6]] == [[1, 2, 3], [1, "a"]]
    assert row[6] == "a-1-"
    assert [json.loads(v) for v in row[7:]] == [[2, 3], [1, 2]]
    assert types[:4] == ["FIXED", "FIXED", "BOOLEAN", "BOOLEAN"] and types[6] == "TEXT"


def test_more_array_functions(cur: Any) -> None:
    row, types = one(cur, "select array_compact(array_construct(1, null, 2)), array_distinct(array_construct(1, 1, 'a')), "
                          "array_position(2::variant, array_construct(1, 2)), "
                          "arrays_overlap(array_construct(1, 2), array_construct(2, 3)), "
                          "array_intersection(array_construct(1, 2, 3), array_construct(2, 3, 4)), "
                          "array_except(array_construct(1, 2, 3), array_construct(2)), array_insert(array_construct(1, 3), 1, 2), "
                          "array_remove(array_construct(1, 2, 1), 1), array_reverse(array_construct(1, 2)), "
                          "array_flatten(array_construct(array_construct(1, 2), array_construct(3)))")
    assert json.loads(row[0]) == [1, 2]
    assert sorted(json.loads(row[1]), key=str) == [1, "a"]
    assert row[2:4] == (1, True)
    assert [json.loads(v) for v in row[4:]] == [[2, 3], [1, 3], [1, 2, 3], [2], [2, 1], [1, 2, 3]]
    assert types[2:4] == ["FIXED", "BOOLEAN"]


def test_paths_and_get(cur: Any) -> None:
    row, types = one(cur, "select v:a.b[0], v:a.b[1]::string, v:a.c::string, v:a.c, v['a']['c'], v:a.b[1]::varchar, "
                          "get(v:a.b, 1), get(v, 'a'):c::string, get_path(v, 'a.b[0]'), v:missing, v:a.c::string is null, "
                          "v:n::string from (select parse_json('{\"a\": {\"b\": [1, \"x\"], \"c\": \"hi\"}, \"n\": null}') v)")
    assert row[0] == "1"
    assert row[1:3] == ("x", "hi")
    assert json.loads(row[3]) == "hi" and json.loads(row[4]) == "hi"
    assert row[5] == "x"
    assert json.loads(row[6]) == "x"
    assert row[7] == "hi"
    assert row[8] == "1"
    assert row[9] is None and row[10] is False and row[11] is None
    assert types[:4] == ["VARIANT", "TEXT", "TEXT", "VARIANT"]


def test_variants_in_expressions(cur: Any, db: str) -> None:
    cur.execute("create table events (payload variant)")
    cur.execute("""insert into events select parse_json('{"name": "bob", "n": 5, "tags": ["a", "b"], "ok": true}')""")
    cur.execute("""insert into events select parse_json('{"name": "al", "n": 1, "tags": [], "ok": false}')""")
    assert rows(cur, "select payload:name::string from events where payload:name = 'bob'") == [("bob",)]
    assert rows(cur, "select payload:n + 1 from events where payload:n > 3") == [(6,)]
    assert rows(cur, "select upper(payload:name), payload:name || '!' from events where payload:name like 'b%'") == [
        ("BOB", "bob!")]
    assert rows(cur, "select count(*) from events where payload:name in ('al', 'x')") == [(1,)]
    assert rows(cur, "select payload:name::string from events where payload:ok = true") == [("bob",)]
    assert rows(cur, "select sum(payload:n) from events") == [(6,)]
    assert rows(cur, "select array_size(payload:tags) from events order by 1") == [(0,), (2,)]
    cur.execute("select payload from events order by payload:n")
    assert [json.loads(r[0])["name"] for r in cur.fetchall()] == ["al", "bob"]
    assert FIELD_TYPES[cur.description[0].type_code].name == "VARIANT"


def test_object_keys_and_typeof(cur: Any) -> None:
    row, types = one(cur, "select object_keys(v), typeof(v:i), typeof(v:d), typeof(v:s), typeof(v:b), typeof(v:o), "
                          "typeof(v:a), typeof(v:n), typeof(v:missing) from (select parse_json("
                          "'{\"i\": 1, \"d\": 1.5, \"s\": \"x\", \"b\": true, \"o\": {}, \"a\": [], \"n\": null}') v)")
    assert sorted(json.loads(row[0])) == ["a", "b", "d", "i", "n", "o", "s"]
    assert row[1:] == ("INTEGER", "DECIMAL", "VARCHAR", "BOOLEAN", "OBJECT", "ARRAY", "NULL_VALUE", None)
    assert types[0] == "ARRAY" and types[1:] == ["TEXT"] * 8


def test_lateral_flatten(cur: Any, db: str) -> None:
    cur.execute("create table docs (id int, v variant)")
    cur.execute("""insert into docs select 1, parse_json('{"items": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 3}]}')""")
    cur.execute("""insert into docs select 2, parse_json('{"items": []}')""")
    got = rows(cur, "select d.id, f.index, f.value:sku::string, f.value:qty::int from docs d, "
                    "lateral flatten(input => d.v:items) f order by 1, 2")
    assert got == [(1, 0, "a", 2), (1, 1, "b", 3)]
    cur.execute("select * from docs d, lateral flatten(input => d.v:items) f where f.index = 0")
    assert [c.name for c in cur.description] == ["ID", "V", "SEQ", "KEY", "PATH", "INDEX", "VALUE", "THIS"]
    (row,) = cur.fetchall()
    assert row[3:6] == (None, "[0]", 0)
    assert json.loads(row[6]) == {"sku": "a", "qty": 2}
    got = rows(cur, "select d.id, f.value from docs d, lateral flatten(input => d.v:items, outer => true) f "
                    "where d.id = 2")
    assert got == [(2, None)]
    got = rows(cur, "select key, value::int from table(flatten(input => parse_json('{\"x\": 1, \"y\": 2}'))) order by key")
    assert got == [("x", 1), ("y", 2)]
    got = rows(cur, "select value::string from table(flatten(split('a,b', ','))) order by 1")
    assert got == [("a",), ("b",)]


def test_array_and_object_aggregates(cur: Any) -> None:
    row, types = one(cur, "select array_agg(column1) within group (order by column1 desc), array_agg(distinct column2), "
                          "object_agg(column2, column1), listagg(column2, ',') within group (order by column2) "
                          "from (values (1, 'a'), (2, 'b'), (3, null))")
    assert json.loads(row[0]) == [3, 2, 1]
    assert sorted(json.loads(row[1])) == ["a", "b"]
    assert json.loads(row[2]) == {"a": 1, "b": 2}
    assert row[3] == "a,b"
    assert types[3] == "TEXT"
    (empty, empty_object), _ = one(cur, "select array_agg(column1), object_agg(column2, column1) "
                                        "from (values (1, 'a')) where false")
    assert json.loads(empty) == [] and json.loads(empty_object) == {}


# -- conditionals and aggregates -------------------------------------------------------------
def test_conditionals(cur: Any) -> None:
    row, types = one(cur, "select iff(1 > 2, 'a', 'b'), nvl(null, 'x'), nvl2(null, 1, 2), zeroifnull(null), nullifzero(0), "
                          "decode(2, 1, 'one', 2, 'two', 'other'), decode(null, null, 'null', 'not'), equal_null(null, null), "
                          "greatest(1, 5, 3), least('b', 'a'), coalesce(null, null, 3), ifnull(null, 4)")
    assert row == ("b", "x", 2, 0, None, "two", "null", True, 5, "a", 3, 4)
    assert types == ["TEXT", "TEXT", "FIXED", "FIXED", "FIXED", "TEXT", "TEXT", "BOOLEAN", "FIXED", "TEXT", "FIXED", "FIXED"]


def test_aggregates(cur: Any) -> None:
    row, types = one(cur, "select count_if(column1 > 1), listagg(column2, ',') within group (order by column2), "
                          "listagg(distinct column2, '|') within group (order by column2), mode(column1), "
                          "any_value(column1) in (1, 2), booland_agg(column1 > 0), boolor_agg(column1 > 5), "
                          "approx_count_distinct(column1), count(distinct column2) "
                          "from (values (1, 'a'), (2, 'b'), (2, 'b'))")
    assert row == (2, "a,b,b", "a|b", 2, True, True, False, 2, 2)
    assert types == ["FIXED", "TEXT", "TEXT", "FIXED", "BOOLEAN", "BOOLEAN", "BOOLEAN", "FIXED", "FIXED"]


def test_window_functions_and_qualify(cur: Any) -> None:
    got = rows(cur, "select column1, row_number() over (order by column1) rn, rank() over (order by column1) r, "
                    "lag(column1) over (order by column1), lead(column1, 1, 0) over (order by column1) "
                    "from (values (3), (1), (2), (2)) qualify rn <= 3 order by rn")
    assert got == [(1, 1, 1, None, 2), (2, 2, 2, 1, 2), (2, 3, 2, 2, 3)]
    got = rows(cur, "select column1 from (values (1, 'a'), (2, 'a'), (3, 'b')) "
                    "qualify row_number() over (partition by column2 order by column1 desc) = 1 order by 1")
    assert got == [(2,), (3,)]


# -- generators ------------------------------------------------------------------------------
def test_generator(cur: Any) -> None:
    got = rows(cur, "select seq4(), seq8(), row_number() over (order by seq4()), uniform(1, 10, random()) between 1 and 10 "
                    "from table(generator(rowcount => 3)) order by 1")
    assert got == [(0, 0, 1, True), (1, 1, 2, True), (2, 2, 3, True)]
    row, types = one(cur, "select count(*), max(seq4()), count(distinct random()) from table(generator(rowcount => 1000)) g")
    assert row[:2] == (1000, 999) and row[2] > 990
    assert types == ["FIXED"] * 3


# -- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("sql", "code", "state", "message"), [
    ("select '2024-02-30'::date", 100040, "22007", "Date '2024-02-30' is not recognized"),
    ("select to_date('abc')", 100040, "22007", "Date 'abc' is not recognized"),
    ("select 'nope'::timestamp", 100035, "22007", "Timestamp 'nope' is not recognized"),
    ("select 'abc'::int", 100038, "22018", "Numeric value 'abc' is not recognized"),
    ("select '12.5x'::number(10,2)", 100038, "22018", "Numeric value '12.5x' is not recognized"),
    ("select 'abc'::float", 100038, "22018", "Numeric value 'abc' is not recognized"),
    ("select 999::number(2,0)", 100039, "22003", "Numeric value '999' is out of range"),
    ("select 'maybe'::boolean", 100037, "22018", "Boolean value 'maybe' is not recognized"),
    ("select to_date('13/01/2024', 'MM/DD/YYYY')", 100096, "22007",
     "Can't parse '13/01/2024' as date with format 'MM/DD/YYYY'"),
    ("select 1/0", 100051, "22012", "Division by zero"),
])
def test_value_errors(cur: Any, sql: str, code: int, state: str, message: str) -> None:
    exc = error(cur, sql)
    assert (exc.errno, exc.sqlstate, exc.raw_msg) == (code, state, message)
    cur.execute("select 1")


def test_invalid_json(cur: Any) -> None:
    exc = error(cur, "select parse_json('{bad')")
    assert (exc.errno, exc.sqlstate) == (100069, "22P02")
    assert exc.raw_msg.startswith("Error parsing JSON: ")
