"""The `snowfort` command: up (run the server in the foreground), status."""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

from snowfort.config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    changes = {}
    if args.host:
        changes["host"] = args.host
    if args.port:
        changes["port"] = args.port
    if getattr(args, "data_dir", None):
        changes["data_dir"] = Path(args.data_dir)
    return replace(settings, **changes)


def connection_help(settings: Settings) -> str:
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "localhost", "::") else settings.host
    return f"""snowfort is up on http://{settings.host}:{settings.port}  (data: {settings.data_dir})

Connect with Snowpark:
    from snowflake.snowpark import Session
    session = Session.builder.configs({{
        "account": "snowfort", "user": "{settings.admin_user}", "password": "<SNOWFORT_ADMIN_PASSWORD>",
        "host": "{host}", "port": {settings.port}, "protocol": "http",
    }}).create()

Or with the snow CLI, in ~/.snowflake/config.toml:
    [connections.snowfort]
    account = "snowfort"
    user = "{settings.admin_user}"
    password = "<SNOWFORT_ADMIN_PASSWORD>"
    host = "{host}"
    port = {settings.port}
    protocol = "http"
    role = "ACCOUNTADMIN"

(The default password is "snowfort"; use 127.0.0.1, not localhost: snowflake.core needs a dot in the host.)
"""


def cmd_up(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from snowfort.server import build_app

    settings = _settings(args)
    logging.basicConfig(level=os.environ.get("SNOWFORT_LOG_LEVEL", "INFO"), format="%(asctime)s %(name)s %(message)s")
    print(connection_help(settings), flush=True)
    uvicorn.run(
        build_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=os.environ.get("SNOWFORT_LOG_LEVEL", "warning").lower(),
        access_log=False,
        timeout_keep_alive=120,
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    settings = _settings(args)
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    url = f"http://{host}:{settings.port}/snowfort/health"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            body = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        print(f"snowfort is not running on {host}:{settings.port}")
        return 1
    print(f"snowfort is up on {host}:{settings.port} ({body.get('status')})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="snowfort", description="Snowpark Container Services that you run yourself")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, fn, helptext in (("up", cmd_up, "run snowfort in the foreground"),
                               ("status", cmd_status, "say whether snowfort is up")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--host", help="address to listen on (SNOWFORT_HOST, default 127.0.0.1)")
        p.add_argument("--port", type=int, help="port (SNOWFORT_PORT, default 8080)")
        p.add_argument("--data-dir", help="where data is kept (SNOWFORT_DATA_DIR, default ~/.snowfort)")
        p.set_defaults(fn=fn)
    args = parser.parse_args(argv)
    return int(args.fn(args))


if __name__ == "__main__":
    sys.exit(main())
