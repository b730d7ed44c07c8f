"""REST latency: snowfort's REST door against the same operation over SQL, side by side in one run.

One snowfort server on this machine (a fresh data dir, a free loopback port), one client
process: snowflake.core's Root(conn) on top of a connector 4.x connection, and that same
connection's cursor for the SQL side. Measured, in blocks that alternate between the two
doors (A B B A ...) so that drift hits both alike:

1. fetch one database: ``root.databases[DB].fetch()`` against
   ``SHOW DATABASES LIKE 'DB'`` + ``fetchall()`` (p50, p90);
2. create a role: ``root.roles.create(Role(name=...))`` against ``CREATE ROLE ...``
   (unique names; every role made here is dropped afterwards, untimed) (p50, p90).

Target: the REST door is not slower than SQL (REST/SQL <= 1.00x). The results print as a
text table and as markdown for bench/RESULTS.md.

Run with ``./run bench rest_latency [options]`` or ``.venv/bin/python bench/rest_latency.py``.
Every wait and loop is bounded: counts, a time budget per metric, and a watchdog that stops
the server and exits with code 3 after --max-seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import platform
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Before the connector is imported: no probing of cloud metadata endpoints on connect.
os.environ["SNOWFLAKE_DISABLE_PLATFORM_DETECTION"] = "true"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import query_latency as ql  # noqa: E402  (the process and report helpers of the other bench)
from snowflake.core import Root  # noqa: E402
from snowflake.core.role import Role  # noqa: E402

DATABASE = "BENCH_REST"
ROLE_PREFIX = "BENCH_ROLE_"
REST, SQL = "REST", "SQL"

log = logging.getLogger("bench")


@dataclass
class Metric:
    key: str
    label: str
    values: dict[str, float] = field(default_factory=dict)  # ms, by door
    samples: dict[str, int] = field(default_factory=dict)
    target: float = 1.0  # REST/SQL at most this

    def ratio(self) -> float | None:
        rest, sql = self.values.get(REST), self.values.get(SQL)
        if rest is None or sql is None or sql == 0:
            return None
        return rest / sql

    def verdict(self) -> str:
        r = self.ratio()
        if r is None:
            return "n/a"
        return "PASS" if r <= self.target else "FAIL"


class Doors:
    """The two ways into one server, over one connection."""

    def __init__(self, server: ql.Server) -> None:
        self.conn = server.connect()
        self.cur = self.conn.cursor()
        self.root = Root(self.conn)
        self.roles: list[str] = []  # made by the run, dropped at the end

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()


def alternating(
    steps: dict[str, Callable[[], float]], runs: int, block: int, budget: float, what: str
) -> dict[str, list[float]]:
    """`runs` calls of each step, in blocks of `block`, the doors' order swapped every round;
    stops early once `budget` seconds are spent. A step returns its own timed seconds."""
    samples: dict[str, list[float]] = {door: [] for door in steps}
    started = time.monotonic()
    order = list(steps)
    while any(len(xs) < runs for xs in samples.values()):
        for door in order:
            for _ in range(min(block, runs - len(samples[door]))):
                samples[door].append(steps[door]())
        order.reverse()
        if time.monotonic() - started > budget:
            log.warning("%s stopped at its %.0fs budget", what, budget)
            break
    return samples


def measure_fetch(doors: Doors, runs: int, warmup: int, block: int, budget: float) -> dict[str, list[float]]:
    def rest() -> float:
        t0 = time.perf_counter()
        db = doors.root.databases[DATABASE].fetch()
        elapsed = time.perf_counter() - t0
        if db.name != DATABASE:
            raise ql.BenchError(f"REST fetched {db.name!r}, not {DATABASE}")
        return elapsed

    def sql() -> float:
        t0 = time.perf_counter()
        doors.cur.execute(f"SHOW DATABASES LIKE '{DATABASE}'")
        rows = doors.cur.fetchall()
        elapsed = time.perf_counter() - t0
        if len(rows) != 1 or rows[0][1] != DATABASE:
            raise ql.BenchError(f"SHOW DATABASES LIKE '{DATABASE}' returned {rows!r}")
        return elapsed

    t0 = time.monotonic()
    alternating({REST: rest, SQL: sql}, warmup, block, budget, "fetch warm-up")
    return alternating({REST: rest, SQL: sql}, runs, block, budget - (time.monotonic() - t0), "fetch")


def measure_create_role(
    doors: Doors, runs: int, warmup: int, block: int, budget: float
) -> dict[str, list[float]]:
    run_id = uuid.uuid4().hex[:6].upper()

    def name() -> str:
        n = f"{ROLE_PREFIX}{run_id}_{len(doors.roles)}"
        doors.roles.append(n)
        return n

    def rest() -> float:
        role = Role(name=name())
        t0 = time.perf_counter()
        doors.root.roles.create(role)
        return time.perf_counter() - t0

    def sql() -> float:
        statement = f"CREATE ROLE {name()}"
        t0 = time.perf_counter()
        doors.cur.execute(statement)
        doors.cur.fetchall()
        return time.perf_counter() - t0

    t0 = time.monotonic()
    alternating({REST: rest, SQL: sql}, warmup, block, budget, "create role warm-up")
    samples = alternating(
        {REST: rest, SQL: sql}, runs, block, budget - (time.monotonic() - t0), "create role"
    )
    doors.cur.execute(f"SHOW ROLES LIKE '{ROLE_PREFIX}{run_id}_%'")
    made = len(doors.cur.fetchall())
    if made != len(doors.roles):
        raise ql.BenchError(f"{len(doors.roles)} roles created, but SHOW ROLES lists {made}")
    return samples


def drop_roles(doors: Doors) -> None:
    for n in doors.roles:  # bounded: the roles this run made
        doors.cur.execute(f"DROP ROLE IF EXISTS {n}")
    doors.roles.clear()


# --- report -------------------------------------------------------------------------------


def fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def rows(metrics: list[Metric]) -> list[list[str]]:
    return [
        [
            f"{m.label} (ms)",
            fmt(m.values.get(REST)),
            fmt(m.values.get(SQL)),
            "-" if m.ratio() is None else f"{m.ratio():.2f}x",
            f"<= {m.target:.2f}x",
            m.verdict(),
        ]
        for m in metrics
    ]


HEAD = ["metric", "REST", "SQL", "REST/SQL", "target", "verdict"]


def text_table(metrics: list[Metric]) -> str:
    table = [HEAD, *rows(metrics)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEAD))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(HEAD), line(["-" * w for w in widths]), *(line(r) for r in table[1:])])


def markdown(metrics: list[Metric], context: list[str], problems: list[str]) -> str:
    out = [f"### {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}", ""]
    out += [f"- {c}" for c in context]
    out += [f"- **{p}**" for p in problems]
    out += ["", "| " + " | ".join(HEAD) + " |", "|---|---:|---:|---:|---:|---|"]
    out += ["| " + " | ".join(r) + " |" for r in rows(metrics)]
    return "\n".join(out)


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--fetch-runs", type=int, default=300, help="database fetches per door")
    p.add_argument("--fetch-warmup", type=int, default=30)
    p.add_argument("--create-runs", type=int, default=100, help="roles created per door")
    p.add_argument("--create-warmup", type=int, default=10)
    p.add_argument("--block", type=int, default=25, help="runs in a row on one door before switching")
    p.add_argument("--budget", type=float, default=120.0, help="max seconds per metric")
    p.add_argument("--start-timeout", type=float, default=60.0, help="max seconds for the server to answer")
    p.add_argument("--max-seconds", type=float, default=600.0, help="watchdog for the whole run")
    p.add_argument("--snowfort", type=Path, default=None, help="snowfort executable (default: .venv's)")
    p.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    p.add_argument("--keep-logs", action="store_true", help="keep the server log and data dir")
    args = p.parse_args(argv)
    if (
        min(args.fetch_runs, args.create_runs, args.block) < 1
        or min(args.fetch_warmup, args.create_warmup) < 0
    ):
        p.error("runs and --block must be at least 1, warm-ups at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[bench %(asctime)s] %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("snowflake").setLevel(logging.CRITICAL)  # telemetry 404s etc.

    load_at_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="snowfort-bench-rest-"))
    port = ql.free_port()
    exe = args.snowfort or Path(sys.executable).parent / "snowfort"
    if not exe.exists():
        exe = ql.ROOT / ".venv" / "bin" / "snowfort"
    data_dir = work / "snowfort-data"
    data_dir.mkdir()
    server = ql.Server(
        name="snowfort",
        cmd=[str(exe), "up", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)],
        conn_kwargs=dict(
            user="admin", password="snowfort", account="test", host="127.0.0.1", port=port, protocol="http"
        ),
        log_path=work / "snowfort.log",
    )
    problems: list[str] = []

    def watchdog() -> None:
        log.error("watchdog: the run took over %.0fs, stopping the server and exiting", args.max_seconds)
        ql.stop(server)
        os._exit(3)

    timer = threading.Timer(args.max_seconds, watchdog)
    timer.daemon = True
    timer.start()
    signal.signal(signal.SIGTERM, lambda *_: (ql.stop(server), os._exit(143)))

    metrics = [
        Metric("fetch_p50", "fetch a database p50: databases[...].fetch() vs SHOW DATABASES LIKE"),
        Metric("fetch_p90", "fetch a database p90"),
        Metric("create_role_p50", "create a role p50: roles.create(Role(...)) vs CREATE ROLE"),
        Metric("create_role_p90", "create a role p90"),
    ]
    by_key = {m.key: m for m in metrics}
    doors: Doors | None = None
    try:
        ql.start(server, port, args.start_timeout)
        doors = Doors(server)
        doors.cur.execute(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")

        log.info("fetch a database: %d runs per door after %d warm-up", args.fetch_runs, args.fetch_warmup)
        try:
            fetch = measure_fetch(doors, args.fetch_runs, args.fetch_warmup, args.block, args.budget)
        except Exception as e:
            problems.append(f"fetch a database: {ql.describe_error(e)}")
        else:
            for door, xs in fetch.items():
                if xs:
                    by_key["fetch_p50"].values[door] = ql.pct(xs, 50) * 1000
                    by_key["fetch_p90"].values[door] = ql.pct(xs, 90) * 1000
                    by_key["fetch_p50"].samples[door] = len(xs)

        log.info("create a role: %d runs per door after %d warm-up", args.create_runs, args.create_warmup)
        try:
            create = measure_create_role(doors, args.create_runs, args.create_warmup, args.block, args.budget)
        except Exception as e:
            problems.append(f"create a role: {ql.describe_error(e)}")
        else:
            for door, xs in create.items():
                if xs:
                    by_key["create_role_p50"].values[door] = ql.pct(xs, 50) * 1000
                    by_key["create_role_p90"].values[door] = ql.pct(xs, 90) * 1000
                    by_key["create_role_p50"].samples[door] = len(xs)
        finally:
            try:
                drop_roles(doors)
                doors.cur.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            except Exception as e:
                problems.append(f"clean-up: {ql.describe_error(e)}")
    except Exception as e:
        problems.append(f"snowfort: {ql.describe_error(e)}")
        tail = server.log_tail()
        if tail:
            problems.append(f"last lines of snowfort's output:\n{tail}")
    finally:
        if doors is not None:
            doors.close()
        ql.stop(server)
        timer.cancel()

    if load_at_start > 0.5:
        problems.append(
            f"the machine was busy: load average {load_at_start:.2f} at the start; figures are noisy, re-run when idle"
        )
    python = Path(sys.executable)
    context = [
        f"commit {ql.git_rev()}; {platform.node()}: {os.cpu_count()} cores, {ql.cpu_model()};"
        f" load average {load_at_start:.2f} at the start",
        f"client: Python {platform.python_version()},"
        f" {ql.version_in(python, 'snowflake-connector-python', 'snowflake-core')} (one process, one connection)",
        f"snowfort: {ql.version_in(python, 'snowfort')}",
        f"runs per door: fetch x{args.fetch_runs} (after {args.fetch_warmup} warm-up),"
        f" create role x{args.create_runs} (after {args.create_warmup} warm-up); blocks of {args.block}, alternating",
    ]

    print()
    print(
        "== REST latency: snowfort's REST door vs SQL on the same server (ratio = REST/SQL; lower is better) =="
    )
    for p in problems:
        print(f"!! {p}")
    print()
    print(text_table(metrics))
    print()
    for m in metrics:
        r = m.ratio()
        why = "no comparison" if r is None else f"{r:.2f}x, target <= {m.target:.2f}x"
        notes = ", ".join(f"{door} n={n}" for door, n in m.samples.items())
        print(f"{m.verdict():4}  {m.label}: {why}{'  (' + notes + ')' if notes else ''}")
    print()
    print("---- markdown for bench/RESULTS.md ----")
    print(markdown(metrics, context, [p.splitlines()[0] for p in problems]))
    print("---- end markdown ----")

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "time": dt.datetime.now(dt.UTC).isoformat(),
                    "context": context,
                    "problems": problems,
                    "metrics": [
                        {
                            "key": m.key,
                            "unit": "ms",
                            "values": m.values,
                            "ratio": m.ratio(),
                            "verdict": m.verdict(),
                        }
                        for m in metrics
                    ],
                },
                indent=2,
            )
        )
    if args.keep_logs:
        print(f"logs and data kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    complete = all(len(m.values) == 2 for m in metrics)
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
