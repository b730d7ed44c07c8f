"""Test fixtures: a real snowfort process on a free port, driven by the real client libraries."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# The connector probes cloud metadata endpoints at login unless told not to.
os.environ.setdefault("SNOWFLAKE_DISABLE_PLATFORM_DETECTION", "true")

# Under connector 5.x (the second CI run) these modules test 4.x internals or need Snowpark,
# which pins the connector below 5: they are not collected there at all.
try:
    from snowflake.connector import __version__ as _connector_version
except ImportError:  # pragma: no cover
    _connector_version = "0"
_NOT_UNDER_5 = [
    "test_rowsets.py", "test_connector4.py", "test_functions.py",  # connector 4.x internals
    "test_snowpark.py", "test_tutorial3_setup.py",  # Snowpark
    "test_rest_fuzz.py",  # schemathesis lives in the main venv only
]
collect_ignore = _NOT_UNDER_5 if _connector_version.startswith("5") else []

OPENAPI_DIR = Path(__file__).parent / "openapi"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "snowfort"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        self.log_path = self.data_dir.parent / f"snowfort-{self.port}.log"
        env = {
            **os.environ,
            "SNOWFORT_DATA_DIR": str(self.data_dir),
            "SNOWFORT_PORT": str(self.port),
            # Every REST answer is checked against Snowflake's OpenAPI files (protocols/rest/contract.py).
            "SNOWFORT_REST_CONTRACT": str(OPENAPI_DIR),
            **self.env,
        }
        log = open(self.log_path, "ab")  # noqa: SIM115 - the process writes to it for its lifetime
        self.process = subprocess.Popen([sys.executable, "-m", "snowfort", "up"], env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"snowfort exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/snowfort/health", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"snowfort did not start in {timeout}s:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def connect(self, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, **kwargs: Any) -> Any:
        import snowflake.connector

        return snowflake.connector.connect(
            account="snowfort", user=user, password=password, host="127.0.0.1", port=self.port, protocol="http",
            **kwargs,
        )

    def session(self, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, **kwargs: Any) -> Any:
        from snowflake.snowpark import Session

        return Session.builder.configs({
            "account": "snowfort", "user": user, "password": password, "host": "127.0.0.1", "port": self.port,
            "protocol": "http", **kwargs,
        }).create()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(port=free_port(), data_dir=tmp_path_factory.mktemp("snowfort") / "data")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Server]:
    """A server of its own, for tests that restart it or change its settings."""
    srv = Server(port=free_port(), data_dir=tmp_path / "data")
    yield srv
    srv.stop()


@pytest.fixture
def conn(server: Server) -> Iterator[Any]:
    c = server.connect()
    yield c
    c.close()


@pytest.fixture
def cur(conn: Any) -> Iterator[Any]:
    with conn.cursor() as c:
        yield c


@pytest.fixture
def root(conn: Any) -> Any:
    """snowflake.core's Root over the test connection (it talks REST on the same host)."""
    from snowflake.core import Root

    return Root(conn)


def rest(server: Server, conn: Any, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """A raw REST call with the connection's session token: (HTTP status, JSON body)."""
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        server.url + path, data=data, method=method,
        headers={"Authorization": f'Snowflake Token="{conn.rest.token}"', "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}".upper()


@pytest.fixture
def db(cur: Any) -> Iterator[str]:
    """A new database, current in `cur`, dropped afterwards."""
    name = unique("DB")
    cur.execute(f"create database {name}")
    yield name
    cur.execute("use role accountadmin")
    cur.execute(f"drop database if exists {name}")
