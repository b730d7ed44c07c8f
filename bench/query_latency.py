"""Query latency: snowfort against fakesnow's server, side by side in one run.

Both servers run on this machine at the same time, each on its own free port, and
are driven by the same client (snowflake-connector-python 4.x from .venv). Measured,
interleaved between the servers so that drift hits both alike:

1. round trip of ``SELECT 1`` on an open connection (p50, p90),
2. login: wall time of ``connect()`` (p50),
3. ``execute()`` + ``fetchall()`` of 100,000 rows of (int, varchar, double) (median),
4. queries/s of ``SELECT 1`` from 20 concurrent connections (threads, fixed duration).

Targets: snowfort takes at most 0.7x fakesnow's time for 1-3, and serves more
queries/s for 4. The results print as a text table and as markdown for
bench/RESULTS.md.

Run with ``./run bench query_latency [options]`` (which also builds the venvs), or
``.venv/bin/python bench/query_latency.py [options]``. fakesnow lives in its own venv
(bench/.venv-fakesnow, made here if missing) because it does not import with
connector 5.x. Every wait and loop is bounded in time; the servers are stopped at
the end, and a watchdog stops everything after --max-seconds.
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
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Before the connector is imported: no probing of cloud metadata endpoints on connect.
os.environ["SNOWFLAKE_DISABLE_PLATFORM_DETECTION"] = "true"

import snowflake.connector  # noqa: E402
from snowflake.connector import SnowflakeConnection  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FAKESNOW_VENV = ROOT / "bench" / ".venv-fakesnow"
FAKESNOW_REQS = ["fakesnow[server]", "snowflake-connector-python<5"]

DATABASE = "BENCH"
SCHEMA = "S1"
TABLE = "T"
ROWS = 100_000
# Plain Snowflake SQL that fakesnow 0.12 accepts too (checked): a typed table filled from GENERATOR.
SETUP_SQL = [
    f"create database if not exists {DATABASE}",
    f"create schema if not exists {DATABASE}.{SCHEMA}",
    f"use schema {DATABASE}.{SCHEMA}",
    f"create or replace table {TABLE} (a int, b varchar, c double)",
    f"insert into {TABLE} select seq4(), 'row' || seq4()::varchar, seq4() * 1.5"
    f" from table(generator(rowcount => {ROWS}))",
]
FETCH_SQL = f"select a, b, c from {TABLE}"

# Per connection: the connector never waits for ever, even if a server answers 5xx forever.
TIMEOUTS: dict[str, Any] = {"login_timeout": 30, "network_timeout": 60, "socket_timeout": 60}

log = logging.getLogger("bench")


class BenchError(Exception):
    """A server could not be started or measured."""


@dataclass
class Server:
    name: str
    cmd: list[str]
    conn_kwargs: dict[str, Any]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    error: str | None = None  # set once the server is out of the run

    @property
    def ok(self) -> bool:
        return self.error is None

    def connect(self) -> SnowflakeConnection:
        return snowflake.connector.connect(**self.conn_kwargs, **TIMEOUTS)

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join("    " + line for line in text[-lines:])


@dataclass
class Metric:
    key: str
    label: str
    unit: str
    higher_is_better: bool
    target: float  # ratio snowfort/fakesnow: at most this (times), or more than this (queries/s)
    values: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def ratio(self) -> float | None:
        sf, fs = self.values.get("snowfort"), self.values.get("fakesnow")
        if sf is None or fs is None or fs == 0:
            return None
        return sf / fs

    def verdict(self) -> str:
        r = self.ratio()
        if r is None:
            return "n/a"
        ok = r > self.target if self.higher_is_better else r <= self.target
        return "PASS" if ok else "FAIL"

    def target_text(self) -> str:
        return f"> {self.target:.2f}x" if self.higher_is_better else f"<= {self.target:.2f}x"


# --- processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_answers(port: int) -> bool:
    """True once anything answers HTTP on the port (any status, 404 included)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def start(server: Server, port: int, timeout: float) -> None:
    env = {**os.environ, "SNOWFLAKE_DISABLE_PLATFORM_DETECTION": "true", **server.env}
    log.info("starting %s: %s", server.name, " ".join(server.cmd))
    with server.log_path.open("wb") as out:
        try:
            server.proc = subprocess.Popen(
                server.cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=server.log_path.parent,
                start_new_session=True,  # its own process group, so stop() reaches its children
            )
        except OSError as e:
            raise BenchError(f"cannot run {server.cmd[0]}: {e}") from e
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchError(f"{server.name} exited with code {server.proc.returncode} before answering")
        if http_answers(port):
            log.info("%s answers on port %d", server.name, port)
            return
        time.sleep(0.1)
    raise BenchError(f"{server.name} did not answer on port {port} within {timeout:.0f}s")


def stop(server: Server) -> None:
    proc = server.proc
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def ensure_fakesnow_venv(timeout: float) -> Path:
    exe = FAKESNOW_VENV / "bin" / "fakesnow"
    if exe.exists():
        return exe
    log.info("creating %s (pip install %s)", FAKESNOW_VENV, " ".join(FAKESNOW_REQS))
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(FAKESNOW_VENV)], check=True, timeout=120)
    pip = [str(FAKESNOW_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *FAKESNOW_REQS], check=True, timeout=timeout)
    return exe


def version_in(python: Path, *packages: str) -> str:
    code = (
        "import importlib.metadata as m, sys\n"
        "for p in sys.argv[1:]:\n"
        "    try: print(p, m.version(p))\n"
        "    except m.PackageNotFoundError: print(p, '-')\n"
    )
    try:
        out = subprocess.run(
            [str(python), "-c", code, *packages], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    return ", ".join(line.strip() for line in out.splitlines())


# --- measurements -------------------------------------------------------------------------


def pct(samples: list[float], q: float) -> float:
    """Nearest-rank percentile, q in [0, 100]."""
    s = sorted(samples)
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


def describe_error(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}".replace("\n", " ")
    return text if len(text) <= 300 else text[:297] + "..."


def fail(server: Server, what: str, e: BaseException, detail: str = "") -> None:
    server.error = f"{what}: {describe_error(e)}" + (f"\n{detail}" if detail else "")
    log.error("%s out of the run: %s", server.name, server.error)


def setup(server: Server) -> None:
    """Creates the table on the server, then points its connections at the bench schema."""
    with contextlib.closing(server.connect()) as conn:
        cur = conn.cursor()
        for sql in SETUP_SQL:
            cur.execute(sql)
        cur.execute(f"select count(*), min(a), max(a), max(b) from {TABLE}")
        row = cur.fetchone()
    if row is None or int(row[0]) != ROWS:
        raise BenchError(f"{TABLE} has {row and row[0]} rows, not {ROWS}")
    server.conn_kwargs.update(database=DATABASE, schema=SCHEMA)


def interleaved(
    servers: list[Server],
    rounds: int,
    step: Callable[[Server], list[float]],
    budget: float,
    what: str,
) -> dict[str, list[float]]:
    """Calls step(server) for each live server in turn, `rounds` times; a server that
    raises drops out, and a server stops being called once its time budget is spent."""
    samples: dict[str, list[float]] = {s.name: [] for s in servers}
    spent: dict[str, float] = {s.name: 0.0 for s in servers}
    for _ in range(rounds):
        live = [s for s in servers if s.ok and spent[s.name] < budget]
        if not live:
            break
        for s in live:
            t0 = time.monotonic()
            try:
                samples[s.name].extend(step(s))
            except Exception as e:  # a server failing is a result, not a crash
                fail(s, what, e)
            spent[s.name] += time.monotonic() - t0
    for s in servers:
        if s.ok and spent[s.name] >= budget:
            log.warning("%s: %s stopped at its %.0fs budget", s.name, what, budget)
    return samples


def measure_select1(servers: list[Server], runs: int, warmup: int, budget: float) -> dict[str, list[float]]:
    conns: dict[str, SnowflakeConnection] = {}
    for s in servers:
        if not s.ok:
            continue
        try:
            conns[s.name] = s.connect()
            cur = conns[s.name].cursor()
            for _ in range(warmup):
                cur.execute("select 1").fetchall()
        except Exception as e:
            fail(s, "SELECT 1 warm-up", e)
    block = 25

    def step(s: Server) -> list[float]:
        cur = conns[s.name].cursor()
        out = []
        for _ in range(block):
            t0 = time.perf_counter()
            cur.execute("select 1")
            rows = cur.fetchall()
            out.append(time.perf_counter() - t0)
            if rows != [(1,)]:
                raise BenchError(f"SELECT 1 returned {rows!r}")
        return out

    try:
        return interleaved(servers, -(-runs // block), step, budget, "SELECT 1 round trip")
    finally:
        for c in conns.values():
            with contextlib.suppress(Exception):
                c.close()


def measure_login(servers: list[Server], runs: int, budget: float) -> dict[str, list[float]]:
    def step(s: Server) -> list[float]:
        t0 = time.perf_counter()
        conn = s.connect()
        elapsed = time.perf_counter() - t0
        conn.close()
        return [elapsed]

    for s in servers:  # one untimed login each first
        if s.ok:
            try:
                step(s)
            except Exception as e:
                fail(s, "login", e)
    return interleaved(servers, runs, step, budget, "login")


def measure_fetch(servers: list[Server], runs: int, budget: float) -> dict[str, list[float]]:
    conns: dict[str, SnowflakeConnection] = {}

    def step(s: Server) -> list[float]:
        if s.name not in conns:
            conns[s.name] = s.connect()
        cur = conns[s.name].cursor()
        t0 = time.perf_counter()
        cur.execute(FETCH_SQL)
        rows = cur.fetchall()
        elapsed = time.perf_counter() - t0
        if len(rows) != ROWS or len(rows[0]) != 3:
            raise BenchError(f"fetched {len(rows)} rows of {len(rows[0]) if rows else 0} columns")
        return [elapsed]

    try:
        warm = interleaved(servers, 1, step, budget, "fetch warm-up")
        budget_left = budget - max((sum(v) for v in warm.values()), default=0.0)
        return interleaved(servers, runs, step, budget_left, "fetch")
    finally:
        for c in conns.values():
            with contextlib.suppress(Exception):
                c.close()


def measure_throughput(server: Server, clients: int, seconds: float) -> tuple[int, float, float]:
    """SELECT 1 from `clients` threads, each with its own connection, for `seconds`.
    Returns (queries done, elapsed seconds, client CPU seconds)."""
    conns: list[SnowflakeConnection] = []
    try:
        for _ in range(clients):
            conns.append(server.connect())
        barrier = threading.Barrier(clients + 1, timeout=60)
        counts = [0] * clients
        errors: list[str] = []
        stop_at = [0.0]

        def worker(i: int) -> None:
            cur = conns[i].cursor()
            try:
                barrier.wait()
                while time.perf_counter() < stop_at[0]:
                    cur.execute("select 1")
                    cur.fetchall()
                    counts[i] += 1
            except Exception as e:
                errors.append(describe_error(e))

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
        for t in threads:
            t.start()
        start_t, cpu0 = time.perf_counter(), time.process_time()
        stop_at[0] = start_t + seconds
        barrier.wait()
        for t in threads:
            t.join(timeout=seconds + 90)
        elapsed = time.perf_counter() - start_t
        client_cpu = time.process_time() - cpu0
        if any(t.is_alive() for t in threads):
            raise BenchError("a client thread did not finish in time")
        if errors:
            raise BenchError(f"{len(errors)} client thread(s) failed, first: {errors[0]}")
        return sum(counts), elapsed, client_cpu
    finally:
        for c in conns:
            with contextlib.suppress(Exception):
                c.close()


# --- report -------------------------------------------------------------------------------


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "ms":
        return f"{v:.2f}" if v < 100 else f"{v:.0f}"
    return f"{v:.0f}"


def text_table(metrics: list[Metric]) -> str:
    head = ["metric", "fakesnow", "snowfort", "ratio", "target", "verdict"]
    rows = [
        [
            f"{m.label} ({m.unit})",
            fmt(m.values.get("fakesnow"), m.unit),
            fmt(m.values.get("snowfort"), m.unit),
            "-" if m.ratio() is None else f"{m.ratio():.2f}x",
            m.target_text(),
            m.verdict(),
        ]
        for m in metrics
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(head), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def markdown(metrics: list[Metric], context: list[str], problems: list[str]) -> str:
    out = [f"### {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}", ""]
    out += [f"- {c}" for c in context]
    out += [f"- **{p}**" for p in problems]
    out += [
        "",
        "| metric | fakesnow | snowfort | snowfort/fakesnow | target | verdict |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for m in metrics:
        r = m.ratio()
        out.append(
            f"| {m.label} ({m.unit}) | {fmt(m.values.get('fakesnow'), m.unit)} "
            f"| {fmt(m.values.get('snowfort'), m.unit)} | {'-' if r is None else f'{r:.2f}x'} "
            f"| {m.target_text()} | {m.verdict()} |"
        )
    return "\n".join(out)


def git_rev() -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return rev + ("+dirty" if dirty else "")


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--servers", default="fakesnow,snowfort", help="comma-separated subset to run")
    p.add_argument("--select1-runs", type=int, default=300)
    p.add_argument("--select1-warmup", type=int, default=50)
    p.add_argument("--login-runs", type=int, default=20)
    p.add_argument("--fetch-runs", type=int, default=5)
    p.add_argument("--clients", type=int, default=20, help="concurrent connections for queries/s")
    p.add_argument("--seconds", type=float, default=5.0, help="duration of one queries/s round")
    p.add_argument("--qps-rounds", type=int, default=2, help="queries/s rounds per server, ABBA order")
    p.add_argument("--budget", type=float, default=120.0, help="max seconds per server per metric")
    p.add_argument("--start-timeout", type=float, default=60.0, help="max seconds for a server to answer")
    p.add_argument("--max-seconds", type=float, default=1200.0, help="watchdog for the whole run")
    p.add_argument("--snowfort", type=Path, default=None, help="snowfort executable (default: .venv's)")
    p.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    p.add_argument("--keep-logs", action="store_true", help="keep the server logs and data dir")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[bench %(asctime)s] %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("snowflake").setLevel(logging.CRITICAL)  # telemetry 404s etc.
    wanted = {n.strip() for n in args.servers.split(",") if n.strip()}
    if not wanted <= {"fakesnow", "snowfort"}:
        log.error("--servers takes fakesnow and/or snowfort")
        return 2

    load_at_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="snowfort-bench-"))
    servers: list[Server] = []
    problems: list[str] = []

    def shutdown() -> None:
        for s in servers:
            stop(s)

    def watchdog() -> None:
        log.error("watchdog: the run took over %.0fs, stopping the servers and exiting", args.max_seconds)
        shutdown()
        os._exit(3)

    timer = threading.Timer(args.max_seconds, watchdog)
    timer.daemon = True
    timer.start()
    signal.signal(signal.SIGTERM, lambda *_: (shutdown(), os._exit(143)))

    try:
        if "fakesnow" in wanted:
            port = free_port()
            try:
                exe = ensure_fakesnow_venv(timeout=900)
            except (OSError, subprocess.SubprocessError) as e:
                problems.append(f"fakesnow: cannot build {FAKESNOW_VENV}: {describe_error(e)}")
            else:
                servers.append(
                    Server(
                        name="fakesnow",
                        cmd=[str(exe), "-s", "-p", str(port)],
                        conn_kwargs=dict(
                            user="fake",
                            password="snow",
                            account="fakesnow",
                            host="127.0.0.1",
                            port=port,
                            protocol="http",
                        ),
                        log_path=work / "fakesnow.log",
                    )
                )
        if "snowfort" in wanted:
            port = free_port()
            exe = args.snowfort or Path(sys.executable).parent / "snowfort"
            if not exe.exists():
                exe = ROOT / ".venv" / "bin" / "snowfort"
            data_dir = work / "snowfort-data"
            data_dir.mkdir()
            servers.append(
                Server(
                    name="snowfort",
                    cmd=[
                        str(exe),
                        "up",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--data-dir",
                        str(data_dir),
                    ],
                    conn_kwargs=dict(
                        user="admin",
                        password="snowfort",
                        account="test",
                        host="127.0.0.1",
                        port=port,
                        protocol="http",
                    ),
                    log_path=work / "snowfort.log",
                )
            )

        for s in servers:
            try:
                start(s, s.conn_kwargs["port"], args.start_timeout)
            except BenchError as e:
                fail(s, "cannot start", e, s.log_tail())
                continue
            try:
                setup(s)
            except Exception as e:
                fail(s, "cannot create the bench table", e, s.log_tail())

        metrics = [
            Metric("select1_p50", "SELECT 1 round trip p50", "ms", False, 0.7),
            Metric("select1_p90", "SELECT 1 round trip p90", "ms", False, 0.7),
            Metric("login_p50", "login, connect() p50", "ms", False, 0.7),
            Metric("fetch_median", f"fetch {ROWS:,} rows x 3 cols, median", "ms", False, 0.7),
            Metric("qps", f"SELECT 1 from {args.clients} connections", "queries/s", True, 1.0),
        ]
        by_key = {m.key: m for m in metrics}

        log.info("SELECT 1 round trip: %d runs after %d warm-up", args.select1_runs, args.select1_warmup)
        for name, xs in measure_select1(servers, args.select1_runs, args.select1_warmup, args.budget).items():
            if xs and next(s for s in servers if s.name == name).ok:
                by_key["select1_p50"].values[name] = pct(xs, 50) * 1000
                by_key["select1_p90"].values[name] = pct(xs, 90) * 1000
                by_key["select1_p50"].notes[name] = f"n={len(xs)}"

        log.info("login: %d runs", args.login_runs)
        for name, xs in measure_login(servers, args.login_runs, args.budget).items():
            if xs and next(s for s in servers if s.name == name).ok:
                by_key["login_p50"].values[name] = pct(xs, 50) * 1000
                by_key["login_p50"].notes[name] = f"n={len(xs)}"

        log.info("fetch %d rows: %d runs after 1 warm-up", ROWS, args.fetch_runs)
        for name, xs in measure_fetch(servers, args.fetch_runs, args.budget).items():
            if xs and next(s for s in servers if s.name == name).ok:
                by_key["fetch_median"].values[name] = statistics.median(xs) * 1000
                by_key["fetch_median"].notes[name] = f"n={len(xs)}"

        # Rounds in the order A B B A ..., so that drift in the machine hits both alike.
        done = {s.name: [0, 0.0, 0.0] for s in servers}
        for r in range(args.qps_rounds):
            for s in servers if r % 2 == 0 else servers[::-1]:
                if not s.ok:
                    continue
                log.info("queries/s: %s, %d connections for %.0fs", s.name, args.clients, args.seconds)
                try:
                    n, secs, cpu = measure_throughput(s, args.clients, args.seconds)
                except Exception as e:
                    fail(s, "queries/s", e)
                    continue
                acc = done[s.name]
                acc[0], acc[1], acc[2] = acc[0] + n, acc[1] + secs, acc[2] + cpu
        for s in servers:
            n, secs, cpu = done[s.name]
            if s.ok and secs > 0:
                by_key["qps"].values[s.name] = n / secs
                # A client near 100% of one core (the GIL) bounds what this figure can show.
                by_key["qps"].notes[s.name] = f"{int(n)} queries in {secs:.1f}s, client CPU {cpu / secs:.0%}"
    finally:
        shutdown()
        timer.cancel()

    for s in servers:
        if s.error:
            problems.append(f"{s.name}: {s.error.splitlines()[0]}")
    for name in sorted(wanted - {s.name for s in servers}):
        if not any(p.startswith(name) for p in problems):
            problems.append(f"{name}: not run")

    if load_at_start > 0.5:
        problems.append(
            f"the machine was busy: load average {load_at_start:.2f} at the start; figures are noisy, re-run when idle"
        )
    client = version_in(Path(sys.executable), "snowflake-connector-python")
    context = [
        f"commit {git_rev()}; {platform.node()}: {os.cpu_count()} cores, {cpu_model()};"
        f" load average {load_at_start:.2f} at the start",
        f"client: Python {platform.python_version()}, {client} (one process, both servers)",
        f"fakesnow venv: {version_in(FAKESNOW_VENV / 'bin' / 'python', 'fakesnow', 'duckdb', 'sqlglot')}",
        f"snowfort: {version_in(Path(sys.executable), 'snowfort', 'duckdb', 'sqlglot')}",
        f"runs: SELECT 1 x{args.select1_runs} (after {args.select1_warmup} warm-up), login x{args.login_runs},"
        f" fetch x{args.fetch_runs} (after 1 warm-up), {args.clients} threads x {args.seconds:.0f}s"
        f" x {args.qps_rounds} rounds;"
        " servers interleaved",
    ]

    print()
    print("== query latency: snowfort vs fakesnow (ratio = snowfort/fakesnow; times: lower is better) ==")
    for p in problems:
        print(f"!! {p}")
    for s in servers:
        if s.error and "\n" in s.error:
            print(f"!! last lines of {s.name}'s output:\n{s.error.split(chr(10), 1)[1]}")
    missing = sorted(wanted - {s.name for s in servers if s.ok})
    if missing:
        print(f"!! NOT MEASURED (or only in part): {', '.join(missing)}; the table compares nothing for it")
    print()
    print(text_table(metrics))
    print()
    for m in metrics:
        notes = ", ".join(f"{k} {v}" for k, v in sorted(m.notes.items()))
        r = m.ratio()
        why = "no comparison" if r is None else f"{r:.2f}x, target {m.target_text()}"
        print(f"{m.verdict():4}  {m.label}: {why}{'  (' + notes + ')' if notes else ''}")
    print()
    print("---- markdown for bench/RESULTS.md ----")
    print(markdown(metrics, context, problems))
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
                            "unit": m.unit,
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
    complete = all(len(m.values) == len(wanted) for m in metrics)
    every_server = len(servers) == len(wanted) and all(s.ok for s in servers)
    return 0 if complete and every_server else 1


if __name__ == "__main__":
    sys.exit(main())
