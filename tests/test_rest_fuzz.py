"""Property-based fuzz of the REST door against Snowflake's own OpenAPI files (issue #3).

schemathesis generates requests from the specs of the resources issue #3 covers (databases,
schemas, warehouses, roles, users, grants, stages): schema-valid ones and invalid ones, two in
three aimed at objects that exist (in the path, and in one of those also as the body's name). They go to a server of their own (`fresh_server`, with every
200 answer checked against the same specs, see protocols/rest/contract.py), logged in with the
connector's session token. Every answer must be:

- below 500: a user's bad input is a 4xx, a bug is a 5xx (a 200 that breaks the spec is a 500);
- JSON, and for a 4xx an error object with a message (snowflake.core parses error bodies);
- on time: no request may take longer than SNOWFORT_FUZZ_TIMEOUT seconds.

Afterwards the catalog must be whole, before and after a restart: `select 1` answers; canary
objects made over SQL before the fuzz (a database with a schema and a table of two rows, a
role, a user, a warehouse) are all there with their rows; SHOW DATABASES, ROLES, USERS and
WAREHOUSES list the same names on both sides of the restart; and every object that a served
REST collection lists (databases, warehouses, users, schemas, stages) also fetches over REST.

Only operations that snowfort routes are fuzzed. Each one is first probed with one plain
request; our no-route 404 (error_code 390404) or a 405 (error_code 390405: the path is
routed, for other methods) means the operation is not served yet, and it joins the fuzz by itself once its
route exists. The probe answers themselves must be JSON and below 500 too (the first test).

Bounded: SNOWFORT_FUZZ_EXAMPLES examples per operation and generation mode (default 25),
within SNOWFORT_FUZZ_SECONDS (default 90 s) for the whole fuzz: each operation may take up to
three fair shares of the time left. The random seed is printed with every failure, and
SNOWFORT_FUZZ_SEED=<seed> replays it. A longer run:
SNOWFORT_FUZZ_EXAMPLES=200 SNOWFORT_FUZZ_SECONDS=1200 pytest -s tests/test_rest_fuzz.py
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from conftest import OPENAPI_DIR, Server
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from schemathesis import GenerationMode

SPECS = ("database.yaml", "schema.yaml", "warehouse.yaml", "role.yaml", "user.yaml", "grant.yaml", "stage.yaml")
EXAMPLES = int(os.environ.get("SNOWFORT_FUZZ_EXAMPLES", "25"))
BUDGET = float(os.environ.get("SNOWFORT_FUZZ_SECONDS", "90"))
TIMEOUT = float(os.environ.get("SNOWFORT_FUZZ_TIMEOUT", "10"))
SEED = int(os.environ.get("SNOWFORT_FUZZ_SEED") or random.randrange(2**32))
NO_ROUTE = "390404"

# Objects the fuzz aims at (two in three examples put these names in the path, and half of
# those also as the body's `name`: a PUT must name its path's object, a clone may name its
# source). They are (re)made before each operation, since the fuzz may drop them.
SEED_DB, SEED_SCHEMA, SEED_WH, SEED_ROLE, SEED_USER, SEED_STAGE = (
    "FUZZ_DB", "FUZZ_SC", "FUZZ_WH", "FUZZ_ROLE", "FUZZ_USER", "FUZZ_STAGE",
)
SEED_SQL = [
    f"create database if not exists {SEED_DB}",
    f"create schema if not exists {SEED_DB}.{SEED_SCHEMA}",
    f"create warehouse if not exists {SEED_WH} initially_suspended = true",
    f"create role if not exists {SEED_ROLE}",
    f"create user if not exists {SEED_USER} password = 'Fuzz-1'",
    f"create stage if not exists {SEED_DB}.{SEED_SCHEMA}.{SEED_STAGE}",
]
# Objects the fuzz never names: they must come through it, and a restart, unchanged.
CANARY_SQL = [
    "create database CANARY_DB comment = 'canary'",
    "create schema CANARY_DB.CANARY_SC",
    "create table CANARY_DB.CANARY_SC.T (id int, v varchar)",
    "insert into CANARY_DB.CANARY_SC.T values (1, 'one'), (2, 'two')",
    "create role CANARY_ROLE",
    "create user CANARY_USER password = 'Canary-1' default_role = CANARY_ROLE",
    "create warehouse CANARY_WH initially_suspended = true",
]


def aimed_names(template: str) -> dict[str, str]:
    """Path parameter -> an existing object's name, for the operation's path template."""
    resource = template.removeprefix("/api/v2/").split("/")
    names = {"database": SEED_DB, "schema": SEED_SCHEMA, "granteeName": SEED_ROLE, "securableName": SEED_DB,
             "scopeName": SEED_DB}
    if len(resource) >= 5 and resource[4].startswith("stages"):
        names["name"] = SEED_STAGE
    elif len(resource) >= 3 and resource[2].startswith("schemas"):
        names["name"] = SEED_SCHEMA
    else:
        first = resource[0].split(":")[0]
        names["name"] = {"databases": SEED_DB, "warehouses": SEED_WH, "roles": SEED_ROLE, "users": SEED_USER}.get(
            first, SEED_DB
        )
    return names


# --- what a finding is -----------------------------------------------------------------------


@dataclass
class Finding:
    operation: str
    problem: str
    request: str
    response: str
    count: int = 1


@dataclass
class Findings:
    items: dict[tuple[str, str], Finding] = field(default_factory=dict)

    def add(self, operation: str, problem: str, request: str, response: str) -> None:
        key = (operation, problem)
        if key in self.items:
            self.items[key].count += 1
        else:
            self.items[key] = Finding(operation, problem, request, response)

    def report(self) -> str:
        out = []
        for f in self.items.values():
            out.append(
                f"* {f.operation}: {f.problem} ({f.count}x; the first one below)\n"
                f"  request:  {f.request}\n  response: {f.response}"
            )
        return "\n".join(out)


def clip(text: str, limit: int = 1500) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


# Request headers that every request carries; the report shows the others.
ROUTINE_HEADERS = {"authorization", "user-agent", "accept", "accept-encoding", "connection", "content-length",
                   "x-schemathesis-testcaseid"}


def describe_request(req: requests.PreparedRequest) -> str:
    body = req.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "backslashreplace")
    headers = {k: v for k, v in req.headers.items() if k.lower() not in ROUTINE_HEADERS}
    return (
        f"{req.method} {req.path_url} (path decoded: {urllib.parse.unquote(req.path_url)!r})"
        f" headers={headers} body={clip(str(body or ''))}"
    )


def describe_response(status: int, content_type: str, content: bytes) -> str:
    return f"{status} [{content_type}] {clip(content.decode('utf-8', 'backslashreplace'))}"


def problems_of(status: int, content_type: str, content: bytes) -> list[str]:
    """What is wrong with one answer (empty when nothing is)."""
    out = []
    if status >= 500:
        out.append(f"HTTP {status}")
    try:
        body = json.loads(content)
        is_json = content_type.split(";")[0].strip() == "application/json"
    except ValueError:
        body, is_json = None, False
    if not is_json:
        out.append(f"not JSON (HTTP {status}, Content-Type {content_type or '-'})")
    elif 400 <= status < 500 and not (isinstance(body, dict) and isinstance(body.get("message"), str)):
        out.append(f"HTTP {status} without an error message")
    return out


# --- the server side ---------------------------------------------------------------------------


@dataclass
class Rest:
    """Plain requests to the REST door with the connector's session token."""

    url: str
    token: str
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f'Snowflake Token="{self.token}"'}

    def call(self, method: str, path: str, body: Any = None) -> requests.Response:
        return self.http.request(method, self.url + path, headers=self.auth, json=body, timeout=TIMEOUT)


def sql(conn: Any, statements: list[str], *, ignore_errors: bool = False) -> list[str]:
    failed = []
    with conn.cursor() as cur:
        for statement in statements:
            try:
                cur.execute(statement)
            except Exception as e:
                if not ignore_errors:
                    raise
                failed.append(f"{statement}: {e}")
    return failed


def names_of(conn: Any, show: str) -> set[str]:
    with conn.cursor() as cur:
        cur.execute(show)
        column = [d[0].lower() for d in cur.description].index("name")
        return {row[column] for row in cur.fetchall()}


@dataclass
class Probe:
    operation: Any  # schemathesis APIOperation
    served: bool
    answer: str
    problems: list[str]


def probe(rest: Rest, operation: Any) -> Probe:
    """One plain request per operation: is it routed at all?"""
    path = operation.path
    for name in operation.path_parameters:
        path = path.replace("{" + name.name + "}", "FUZZ_PROBE")
    method = operation.method.upper()
    try:
        r = rest.call(method, path, {} if method in ("POST", "PUT") else None)
    except requests.Timeout:
        return Probe(operation, True, f"{method} {path} -> no answer", [f"no answer within {TIMEOUT:g} s"])
    ctype = r.headers.get("content-type", "")
    answer = describe_response(r.status_code, ctype, r.content)
    code = None
    with contextlib.suppress(ValueError, AttributeError):
        code = r.json().get("error_code")
    served = not ((r.status_code == 404 and code == NO_ROUTE) or r.status_code == 405)
    return Probe(operation, served, f"{method} {path} -> {answer}", problems_of(r.status_code, ctype, r.content))


def load_operations() -> list[Any]:
    ops = []
    for spec in SPECS:
        schema = schemathesis.openapi.from_path(OPENAPI_DIR / spec)
        for result in schema.get_all_operations():
            ops.append(result.ok())
    return ops


def login(server: Server) -> tuple[Any, Rest]:
    # Bounded: the connector retries a server that is gone for as long as network_timeout.
    conn = server.connect(login_timeout=30, network_timeout=30, socket_timeout=30)
    return conn, Rest(server.url, conn.rest.token)


# --- fuzzing one operation ---------------------------------------------------------------------


@dataclass
class Tally:
    sent: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    out_of_time: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "-")


class ServerGone(Exception):
    pass


class OutOfTime(Exception):
    """Ends an operation's examples once its share of the budget is spent."""


def fuzz_operation(
    rest: Rest, operation: Any, mode: Any, deadline: float, findings: Findings, tally: Tally
) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    aimed = {k: v for k, v in aimed_names(operation.path).items() if k in {p.name for p in operation.path_parameters}}

    def one(case: Any, aim: str) -> None:
        if time.monotonic() > deadline:
            raise OutOfTime
        if aim != "no" and aimed:
            for k, v in aimed.items():
                case.path_parameters[k] = v
            if aim == "path and body" and "name" in aimed and isinstance(case.body, dict) and "name" in case.body:
                case.body["name"] = aimed["name"]
        try:
            response = case.call(base_url=rest.url, session=rest.http, headers=rest.auth, timeout=TIMEOUT)
        except requests.Timeout as e:
            req = getattr(e, "request", None)
            findings.add(label, f"no answer within {TIMEOUT:g} s", describe_request(req) if req else repr(case), "-")
            return
        except requests.ConnectionError as e:
            req = getattr(e, "request", None)
            raise ServerGone(f"{label}: {e}; request: {describe_request(req) if req else repr(case)}") from e
        tally.sent[label] = tally.sent.get(label, 0) + 1
        if response.elapsed > tally.slowest[0]:
            tally.slowest = (response.elapsed, describe_request(response.request)[:300])
        tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
        ctype = (response.headers.get("content-type") or [""])[0]
        for problem in problems_of(response.status_code, ctype, response.content):
            findings.add(
                label,
                problem,
                describe_request(response.request),
                describe_response(response.status_code, ctype, response.content),
            )

    aims = st.sampled_from(["no", "path", "path and body"])
    run = given(case=operation.as_strategy(generation_mode=mode), aim=aims)(one)
    run = settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate],  # no shrinking against a live server: the first failing request is reported
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        verbosity=Verbosity.quiet,
    )(run)
    run = seed(SEED)(run)
    try:
        run()
    except OutOfTime:
        tally.out_of_time.append(f"{label} ({mode.value})")
    except (HypothesisException, schemathesis.errors.SchemathesisError) as e:
        tally.notes.append(f"{label} ({mode.value}): no examples: {type(e).__name__}: {str(e)[:200]}")


# --- the catalog afterwards ----------------------------------------------------------------------


# Collections listed over REST after the fuzz, and whether each listed object is then fetched.
COLLECTIONS = [
    ("/api/v2/databases", True),
    ("/api/v2/warehouses", True),
    ("/api/v2/users", True),
    ("/api/v2/roles", False),
    ("/api/v2/databases/CANARY_DB/schemas", True),
    (f"/api/v2/databases/{SEED_DB}/schemas", True),
    (f"/api/v2/databases/{SEED_DB}/schemas/{SEED_SCHEMA}/stages", True),
]


def answer_of(r: requests.Response) -> str:
    return describe_response(r.status_code, r.headers.get("content-type", ""), r.content)


def check_catalog(conn: Any, rest: Rest, when: str) -> tuple[dict[str, set[str]], list[str]]:
    """SQL and REST still answer; the canaries are there; every object that a served collection
    lists also fetches. Returns the names SHOW sees, to compare across the restart."""
    problems = []
    with conn.cursor() as cur:
        cur.execute("select 1")
        assert cur.fetchall() == [(1,)], f"{when}: select 1"
        cur.execute("select id, v from CANARY_DB.CANARY_SC.T order by id")
        if cur.fetchall() != [(1, "one"), (2, "two")]:
            problems.append(f"{when}: the canary table's rows changed")
    seen = {kind: names_of(conn, f"show {kind}") for kind in ("databases", "roles", "users", "warehouses")}
    seen["schemas in CANARY_DB"] = names_of(conn, "show schemas in database CANARY_DB")
    for kind, name in (("databases", "CANARY_DB"), ("roles", "CANARY_ROLE"), ("users", "CANARY_USER"),
                       ("warehouses", "CANARY_WH"), ("schemas in CANARY_DB", "CANARY_SC")):
        if name not in seen[kind]:
            problems.append(f"{when}: {name} is missing from SHOW {kind.upper()}")
    for collection, fetch in COLLECTIONS:
        try:
            listed = rest.call("GET", collection)
        except requests.Timeout:
            problems.append(f"{when}: GET {collection}: no answer within {TIMEOUT:g} s")
            continue
        if listed.status_code == 404 and listed.json().get("error_code") == NO_ROUTE:
            continue  # not served (yet)
        if listed.status_code != 200:
            if not collection.startswith(f"/api/v2/databases/{SEED_DB}"):  # the fuzz may drop FUZZ_DB
                problems.append(f"{when}: GET {collection} -> {answer_of(listed)}")
            continue
        for item in listed.json() if fetch else []:
            path = f"{collection}/{urllib.parse.quote(item['name'], safe='')}"
            try:
                r = rest.call("GET", path)
            except requests.Timeout:
                problems.append(f"{when}: GET {path}: no answer within {TIMEOUT:g} s")
                continue
            if r.status_code != 200:
                problems.append(f"{when}: {item['name']!r} is listed by GET {collection} but GET {path} -> {answer_of(r)}")
    return seen, problems


# --- the tests ---------------------------------------------------------------------------------


@pytest.fixture
def fuzz_server(fresh_server: Server) -> Iterator[Server]:
    fresh_server.start()
    yield fresh_server


def test_every_spec_operation_answers_json_even_without_a_route(fuzz_server: Server) -> None:
    """One plain request per operation of the covered specs, served or not: JSON, never 5xx."""
    conn, rest = login(fuzz_server)
    try:
        probes = [probe(rest, op) for op in load_operations()]
    finally:
        conn.close()
    bad = [f"* {p.answer}: {', '.join(p.problems)}" for p in probes if p.problems]
    assert not bad, f"{len(bad)} of {len(probes)} operations answer badly:\n" + "\n".join(bad)


def test_fuzz_rest_operations(fuzz_server: Server) -> None:
    started = time.monotonic()
    conn, rest = login(fuzz_server)
    try:
        sql(conn, CANARY_SQL)
        seed_problems = sql(conn, SEED_SQL, ignore_errors=True)
        probes = [probe(rest, op) for op in load_operations()]
        served = [p.operation for p in probes if p.served]
        routed = {f"{op.method.upper()} {op.path}" for op in served}
        # The detection itself must work: databases are served, and nothing we know is unrouted counts as served.
        assert {"GET /api/v2/databases", "POST /api/v2/databases", "GET /api/v2/databases/{name}"} <= routed

        findings = Findings()
        tally = Tally()
        fuzz_start = time.monotonic()
        fuzz_end = fuzz_start + BUDGET
        jobs = [(op, mode) for op in served for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        try:
            for i, (op, mode) in enumerate(jobs):
                if fuzz_server.process is None or fuzz_server.process.poll() is not None:
                    raise ServerGone(f"the server exited before {op.method.upper()} {op.path}")
                sql(conn, SEED_SQL, ignore_errors=True)
                # An operation may take up to three fair shares of what is left: slow generators
                # (large bodies) get room, and the ones after them still get their share.
                now = time.monotonic()
                left = max(0.0, fuzz_end - now)
                fuzz_operation(rest, op, mode, now + min(left, 3 * left / (len(jobs) - i)), findings, tally)
        except ServerGone as e:
            log = fuzz_server.log_path.read_text()[-3000:] if fuzz_server.log_path else ""
            pytest.fail(f"the server stopped answering during the fuzz (seed {SEED}): {e}\n{log}")
        fuzz_seconds = time.monotonic() - fuzz_start

        catalog_problems: list[str] = []
        before, found = check_catalog(conn, rest, "after the fuzz")
        catalog_problems += found
        fuzz_server.stop()
        fuzz_server.start()
        after, found = check_catalog(conn, rest, "after a restart")
        catalog_problems += found
        for kind in before:
            if before[kind] != after[kind]:
                catalog_problems.append(
                    f"a restart changed SHOW {kind.upper()}: lost {sorted(before[kind] - after[kind])},"
                    f" gained {sorted(after[kind] - before[kind])}"
                )
    finally:
        conn.close()

    sent = sum(tally.sent.values())
    summary = [
        f"REST fuzz: seed {SEED}; {len(served)} of {len(probes)} operations served, {sent} requests in"
        f" {fuzz_seconds:.0f}s (budget {BUDGET:.0f}s, {EXAMPLES} examples per operation and mode);"
        f" {time.monotonic() - started:.0f}s in all",
        "statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items())),
        f"slowest answer: {tally.slowest[0] * 1000:.0f} ms, {tally.slowest[1]}",
        *(f"not served yet: {p.answer[:160]}" for p in probes if not p.served),
        *(f"seed object not made: {s}" for s in seed_problems),
        *tally.notes,
    ]
    if tally.out_of_time:
        summary.append(f"budget ran out during {len(tally.out_of_time)} of {len(jobs)}: {', '.join(tally.out_of_time)}")
    print("\n".join(summary))
    failures = []
    if findings.items:
        failures.append(f"{len(findings.items)} kinds of bad answers (seed {SEED}; replay with SNOWFORT_FUZZ_SEED={SEED}):"
                        f"\n{findings.report()}")
    if catalog_problems:
        failures.append("the catalog after the fuzz:\n" + "\n".join(f"* {p}" for p in catalog_problems))
    assert not failures, "\n\n".join(failures) + "\n\n" + "\n".join(summary)
