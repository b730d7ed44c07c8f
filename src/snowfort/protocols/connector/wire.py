"""The connector's JSON envelope: request bodies in, success and error bodies out."""

from __future__ import annotations

import gzip
import re
import zlib
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from snowfort import errors
from snowfort.errors import SnowflakeError

_TOKEN = re.compile(r'Snowflake\s+Token="([^"]*)"', re.IGNORECASE)


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def token_of(request: Request) -> str | None:
    match = _TOKEN.search(request.headers.get("authorization", ""))
    return match.group(1) if match else None


async def body_json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        if request.headers.get("content-encoding", "").lower() == "gzip" or raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        elif request.headers.get("content-encoding", "").lower() == "deflate":
            raw = zlib.decompress(raw)
        body = orjson.loads(raw)
    except (OSError, EOFError, zlib.error, orjson.JSONDecodeError):
        raise SnowflakeError("390400", "08000", "Malformed request: the body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise SnowflakeError("390400", "08000", "Malformed request: the body must be a JSON object.")
    return body


def ok(data: Any = None, code: str | None = None, message: str | None = None) -> JSONResponse:
    return JSONResponse({"data": data, "code": code, "message": message, "success": True})


def fail(exc: SnowflakeError, query_id: str | None = None, extra: dict[str, Any] | None = None) -> JSONResponse:
    """Always HTTP 200: the connector retries any 4xx/5xx, which would look like a hang."""
    data: dict[str, Any] = {
        "internalError": exc.code.startswith("0006"),
        "errorCode": exc.code,
        "age": 0,
        "sqlState": exc.sql_state,
        "queryId": query_id,
        "line": -1,
        "pos": -1,
        "type": "COMPILATION",
    }
    if extra:
        data.update(extra)
    return JSONResponse({"data": data, "code": exc.code, "message": exc.message, "success": False})


def unexpected(exc: BaseException) -> SnowflakeError:
    return errors.internal(f"{type(exc).__name__}: {exc}")
