"""The catalog on PostgreSQL: a server of the test's own (initdb in a temporary directory), first
the catalog store on its own, then snowfort end to end through the connector, across a restart.

PostgreSQL comes from Debian's packages (`./run test` installs them); the test never skips.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import Server, free_port

from snowfort.config import sqlalchemy_url

# Not the server's time zone: the catalog must hand back UTC whatever the session's zone is.
PG_TIMEZONE = "Asia/Kolkata"


def _pg_bindir() -> Path:
    """Debian keeps initdb and pg_ctl off PATH, in /usr/lib/postgresql/<major>/bin: the newest."""
    found = sorted(
        (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl", path=str(Path(initdb).resolve().parent)):
        return Path(initdb).resolve().parent
    pytest.fail("PostgreSQL is not installed (no initdb): `./run test` installs it, or apt-get install postgresql")


@dataclass
class Postgres:
    """A PostgreSQL server in a temporary directory, on 127.0.0.1:port, trust auth, superuser `postgres`."""

    bindir: Path
    root: Path
    port: int = 0
    _run_as: dict[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str) -> str:
        # A plain postgresql:// URL: snowfort must pick the psycopg driver itself.
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]], cwd=self.root, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, check=False, **self._run_as,
        )

    def init(self) -> None:
        if os.geteuid() == 0:
            # initdb and postgres refuse to run as root: the directory and the processes belong to
            # the `postgres` system user, which Debian's package creates.
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self._run_as = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
        done = self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync",
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        for _attempt in range(3):  # another process may take the free port first
            self.port = free_port()
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
                f"-c fsync=off -c full_page_writes=off -c timezone={PG_TIMEZONE}"
            )
            done = self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                             "-o", options, timeout=90)
            if done.returncode == 0:
                return
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            self.stop()
            if "could not bind" not in log:
                break
        raise RuntimeError(f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n{log[-3000:]}")

    def stop(self) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        try:
            done = self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", timeout=45)
            if done.returncode == 0:
                return
        except subprocess.TimeoutExpired:
            pass
        # pg_ctl did not manage: kill the postmaster (its children follow it).
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.1)
        except (OSError, ValueError, IndexError):
            pass

    def engine(self, database: str = "postgres") -> sa.Engine:
        return sa.create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}", isolation_level="AUTOCOMMIT",
            poolclass=sa.pool.NullPool,
        )

    def create_database(self, name: str, icu_locale: str | None = None) -> str:
        """An ICU locale gives the database a collation of a real deployment's kind (en_US.UTF-8
        sorts "a" before "B"), which the cluster's own C locale would not."""
        sql = f'CREATE DATABASE "{name}"'
        if icu_locale:
            sql += f" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE '{icu_locale}'"
        with self.engine().connect() as conn:
            conn.execute(sa.text(sql))
        return name


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    # Not under pytest's tmp_path: /tmp/pytest-of-root is 0700, closed to the postgres user. And
    # short: the server's socket path must fit in 107 bytes.
    root = Path(tempfile.mkdtemp(prefix="snowfort-pg-"))
    pg = Postgres(bindir=_pg_bindir(), root=root)
    try:
        pg.init()
        pg.start()
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def _new_database(pg: Postgres) -> str:
    # ICU databases need PostgreSQL 15 (Debian 12 has 15).
    return pg.create_database(f"snowfort_{uuid.uuid4().hex[:8]}", icu_locale="en-US")


def test_postgres_urls_get_psycopg() -> None:
    assert sqlalchemy_url("postgresql://u:p@h:5/d") == "postgresql+psycopg://u:p@h:5/d"
    assert sqlalchemy_url("postgres://u@h/d?sslmode=require") == "postgresql+psycopg://u@h/d?sslmode=require"
    assert sqlalchemy_url("postgresql+psycopg2://u@h/d") == "postgresql+psycopg2://u@h/d"
    assert sqlalchemy_url("sqlite:////tmp/c.sqlite") == "sqlite:////tmp/c.sqlite"


def test_processes_starting_together_migrate_once(postgres: Postgres) -> None:
    """Replicas sharing a catalog start at the same moment: one creates the tables, the others wait
    for it (without the lock some die on duplicate CREATE TABLE)."""
    url = postgres.url(_new_database(postgres))
    script = (
        "import sys, time; from snowfort.catalog.store import Catalog; "
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time())); Catalog(sys.argv[1])"
    )
    start_at = time.time() + 2.0  # after every interpreter has imported snowfort
    procs = [
        subprocess.Popen([sys.executable, "-c", script, url, str(start_at)], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    failures = []
    for proc in procs:
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate(timeout=10)
        if proc.returncode != 0:
            failures.append(err[-1500:])
    assert not failures, failures[0]


def test_catalog_store_on_postgres(postgres: Postgres) -> None:
    from snowfort.catalog.store import Catalog

    database = _new_database(postgres)
    catalog = Catalog(postgres.url(database))
    assert catalog.engine.dialect.driver == "psycopg"
    Catalog(postgres.url(database))  # a second start migrates nothing and fails on nothing

    # Names come back in code-point order, whatever the database's collation.
    names = ["b", "B", "a_c", "ab", "A", "Z9", "_x"]
    with catalog.write() as conn:
        role = catalog.insert(conn, kind="ROLE", namespace="ROLE", parent_id=0, name="R", owner_id=None)
        for name in names:
            catalog.insert(conn, kind="DATABASE", namespace="DATABASE", parent_id=0, name=name, owner_id=role.id,
                           comment="c", props={"nested": {"list": [1, 2.5, None, "x"]}, "flag": True})
    listed = catalog.list(["DATABASE"])
    assert [o.name for o in listed] == sorted(names)
    assert listed[0].props == {"nested": {"list": [1, 2.5, None, "x"]}, "flag": True}
    assert catalog.get("DATABASE", 0, "ab") is not None
    assert catalog.get_by_id(role.id).name == "R"  # type: ignore[union-attr]

    # Timestamps come back as UTC although the server's zone is not.
    with postgres.engine(database).connect() as conn:
        assert conn.execute(sa.text("SHOW timezone")).scalar() == PG_TIMEZONE
    created = catalog.get("DATABASE", 0, "A").created_on  # type: ignore[union-attr]
    assert created.tzinfo is not None and created.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert created.tzinfo == UTC

    # The unique constraints hold.
    with pytest.raises(sa.exc.IntegrityError), catalog.write() as conn:
        catalog.insert(conn, kind="DATABASE", namespace="DATABASE", parent_id=0, name="ab", owner_id=None)

    # Booleans, grant-option upgrades, role grants.
    target = catalog.get("DATABASE", 0, "B").id  # type: ignore[union-attr]
    with catalog.write() as conn:
        catalog.add_privilege_grant(conn, target, "USAGE", role.id, False, None)
        catalog.add_privilege_grant(conn, target, "USAGE", role.id, True, None)
        assert catalog.add_role_grant(conn, role.id, "USER", 42, None)
        assert not catalog.add_role_grant(conn, role.id, "USER", 42, None)
    [grant] = catalog.privilege_grants(object_id=target)
    assert grant.grant_option is True and grant.created_on.tzinfo == UTC
    with catalog.write() as conn:
        assert catalog.remove_privilege_grant(conn, target, "USAGE", role.id, grant_option_only=True) == 1
    assert catalog.privilege_grants(grantee_ids=[role.id])[0].grant_option is False
    assert [(g.role_id, g.grantee_id) for g in catalog.role_grants(grantee_kind="USER")] == [(role.id, 42)]

    # Session ids go up to 2**53; state is JSON; tokens join their session.
    sid = 2**53 - 1
    catalog.save_session(sid, role.id, {"role": "R", "n": 1}, 1.5, [("h" * 64, "SESSION", 2.5)])
    assert catalog.session_exists(sid)
    catalog.update_session_state(sid, {"role": "R", "n": 2})
    token, session = catalog.find_token("h" * 64)  # type: ignore[misc]
    assert token == {"token_hash": "h" * 64, "session_id": sid, "kind": "SESSION", "expires_at": 2.5}
    assert session == {"id": sid, "user_id": role.id, "state": {"role": "R", "n": 2}, "created_at": 1.5}
    catalog.delete_session(sid)
    assert catalog.find_token("h" * 64) is None

    # Account settings, renames, cascading deletes.
    with catalog.write() as conn:
        catalog.set_account_value(conn, "bootstrapped", True)
        catalog.set_account_value(conn, "bootstrapped", True)
        catalog.update(conn, target, name="B2", props={"k": "v"})
    assert catalog.account_value("bootstrapped") is True
    assert catalog.get("DATABASE", 0, "B2").props == {"k": "v"}  # type: ignore[union-attr]
    with catalog.write() as conn:
        child = catalog.insert(conn, kind="SCHEMA", namespace="SCHEMA", parent_id=target, name="S", owner_id=None)
        assert sorted(catalog.delete_tree(conn, target)) == sorted([target, child.id])
        catalog.transfer_ownership(conn, role.id, None)
    assert catalog.get_by_id(target) is None
    assert all(o.owner_id is None for o in catalog.list(["DATABASE"]))
    catalog.engine.dispose()


def test_snowfort_on_postgres_survives_restart(postgres: Postgres, fresh_server: Server) -> None:
    database = _new_database(postgres)
    fresh_server.env["SNOWFORT_CATALOG_URL"] = postgres.url(database)
    fresh_server.start()
    setup = [
        "create role analyst comment = 'reads sales'",
        "create user carol password = 'pw1' default_role = analyst",
        "grant role analyst to user carol",
        "create warehouse wh2 warehouse_size = 'SMALL' initially_suspended = true",
        "grant usage on warehouse wh2 to role analyst",
        "create database sales",
        "create schema sales.raw",
        'create table sales.raw.orders (id int, "Item" varchar, amount number(10,2))',
        "insert into sales.raw.orders values (1, 'a', 1.50), (2, 'b', 2.25)",
        "grant usage on database sales to role analyst",
        "grant usage on schema sales.raw to role analyst",
        "grant select on table sales.raw.orders to role analyst with grant option",
    ]
    conn = fresh_server.connect()
    with conn.cursor() as cur:
        for sql in setup:
            cur.execute(sql)
    token = conn.rest.token

    # The catalog is in PostgreSQL, not in a SQLite file in the data directory.
    assert not (fresh_server.data_dir / "catalog.sqlite").exists()
    with postgres.engine(database).connect() as pg:
        kinds = dict(pg.execute(sa.text("SELECT name, kind FROM objects")).all())
        assert {kinds.get(n) for n in ("ANALYST", "CAROL", "WH2", "SALES", "RAW", "ORDERS")} == {
            "ROLE", "USER", "WAREHOUSE", "DATABASE", "SCHEMA", "TABLE"
        }
        assert pg.execute(sa.text("SELECT count(*) FROM session_tokens")).scalar() >= 1
        assert pg.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0001"

    fresh_server.stop()
    fresh_server.start()

    # The old connection's session token still works after the restart.
    with conn.cursor() as cur:
        cur.execute('select id, "Item", amount from sales.raw.orders order by id')
        assert [(r[0], r[1], float(r[2])) for r in cur.fetchall()] == [(1, "a", 1.5), (2, "b", 2.25)]
        cur.execute("show roles like 'ANALYST'")
        assert [r[1] for r in cur.fetchall()] == ["ANALYST"]
        cur.execute("show users like 'CAROL'")
        assert [r[0] for r in cur.fetchall()] == ["CAROL"]
        cur.execute("show warehouses like 'WH2'")
        row = cur.fetchone()
        assert (row[0], row[3]) == ("WH2", "Small")
        cur.execute("show schemas in database sales")
        assert "RAW" in {r[1] for r in cur.fetchall()}
        cur.execute("show grants to role analyst")
        grants = {(r[1], r[2], r[3], r[6]) for r in cur.fetchall()}
        assert ("SELECT", "TABLE", "SALES.RAW.ORDERS", "true") in grants
        assert ("USAGE", "DATABASE", "SALES", "false") in grants
        assert ("USAGE", "WAREHOUSE", "WH2", "false") in grants
        cur.execute("show databases like 'SALES'")
        created_on = cur.fetchone()[0]
        assert created_on.utcoffset() is not None
    assert conn.rest.token == token
    conn.close()

    with fresh_server.connect(user="carol", password="pw1", warehouse="wh2") as carol, carol.cursor() as cur:
        assert carol.role == "ANALYST"
        cur.execute("select sum(amount) from sales.raw.orders")
        assert float(cur.fetchone()[0]) == 3.75
    fresh_server.stop()
    log = fresh_server.log_path.read_text() if fresh_server.log_path else ""
    assert not re.search(r"Traceback|psycopg\.\w*Error", log), log[-3000:]
