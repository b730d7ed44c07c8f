"""The REST door's wire conventions (snowflake.core's REST API v2), shared by every resource:
session auth, Snowflake's error model with real HTTP statuses, the `True`/`False` query
parameters, create modes, identifiers in paths, JSON bodies, and timestamps in ISO-8601.

A resource module writes `async def handler(call: Call) -> Any` and registers it with `route`;
the handler parses, calls the domain, and returns a model dict, a list or a status text.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import orjson
from anyio import to_thread
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from snowfort import errors
from snowfort.domain import names
from snowfort.domain.listing import like_matcher
from snowfort.domain.results import CreateMode
from snowfort.errors import SnowflakeError
from snowfort.protocols.connector.wire import token_of
from snowfort.protocols.rest import contract

if TYPE_CHECKING:
    from snowfort.auth.sessions import Session
    from snowfort.domain import Domain
    from snowfort.domain.context import Ctx
    from snowfort.server import Snowfort

log = logging.getLogger("snowfort.rest")
# Tests point this at Snowflake's OpenAPI files so every answer is checked (contract.py).
CONTRACT_DIR = os.environ.get("SNOWFORT_REST_CONTRACT", "")
OK = "Request successfully completed"
_PREFIXES = (errors.COMPILATION, errors.ACCESS)


def bad_request(message: str) -> SnowflakeError:
    return SnowflakeError("000400", "22000", message, 400)


def ident(raw: str, field: str = "name") -> str:
    """An identifier from a request body or path, stored form; bad spelling is a 400 naming the field."""
    try:
        return names.normalize(raw)
    except SnowflakeError:
        raise bad_request(f"Invalid identifier '{raw}' for '{field}'.") from None


def qualified(raw: str, field: str) -> list[str]:
    try:
        return names.normalize_qualified(raw)
    except SnowflakeError:
        raise bad_request(f"Invalid identifier '{raw}' for '{field}'.") from None


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def error_response(exc: SnowflakeError, request_id: str) -> JSON:
    message = exc.message
    for prefix in _PREFIXES:
        message = message.removeprefix(prefix)
    body = {"message": message, "code": exc.code, "error_code": exc.code, "request_id": request_id}
    return JSON(body, status_code=exc.http_status, headers={"X-Snowflake-Request-ID": request_id})


class Call:
    """One REST request: its parsed parts and the session it runs for."""

    def __init__(self, request: Request, sf: Snowfort, session: Session) -> None:
        self.request = request
        self.sf = sf
        self.session = session
        # REST calls act with the session's role and defaults but never change them (a database
        # created over REST does not become the connection's current database).
        self.ctx: Ctx = copy.copy(session.ctx)
        self.ctx.params = dict(session.ctx.params)

    @property
    def domain(self) -> Domain:
        return self.sf.domain

    # -- path and query ----------------------------------------------------------------------
    def ident(self, key: str) -> str:
        """A path parameter as a stored name (quoted kept, unquoted upper-cased)."""
        return ident(self.request.path_params[key], key)

    def schema_object(self, name: str | None = None) -> list[str]:
        """[database, schema, object] of a schema-level resource path; `name` (a body's name, in
        user spelling) replaces the path's {name}."""
        last = ident(name) if name is not None else self.ident("name")
        return [self.ident("database"), self.ident("schema"), last]

    def flag(self, key: str, default: bool = False) -> bool:
        raw = self.request.query_params.get(key)
        if raw is None or raw == "":
            return default
        if raw.lower() in ("true", "1"):
            return True
        if raw.lower() in ("false", "0"):
            return False
        raise bad_request(f"Invalid value '{raw}' for query parameter '{key}': expected true or false.")

    def text(self, key: str) -> str | None:
        return self.request.query_params.get(key)

    def integer(self, key: str) -> int | None:
        raw = self.request.query_params.get(key)
        if raw is None or raw == "":
            return None
        try:
            return int(raw)
        except ValueError:
            raise bad_request(f"Invalid value '{raw}' for query parameter '{key}': expected an integer.") from None

    def create_mode(self) -> CreateMode:
        raw = self.request.query_params.get("createMode") or "errorIfExists"
        for mode in CreateMode:
            if mode.value.lower() == raw.lower():
                return mode
        raise bad_request(f"Invalid value '{raw}' for query parameter 'createMode'.")

    # -- body --------------------------------------------------------------------------------
    async def body(self, model: type[BaseModel]) -> Any:
        raw = await self.request.body()
        try:
            data = orjson.loads(raw) if raw else {}
        except orjson.JSONDecodeError:
            raise bad_request("The request body is not valid JSON.") from None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise bad_request(f"Invalid request body: '{where}': {first['msg']}.") from None

    async def run(self, fn: Callable[[], Any]) -> Any:
        """Domain work, off the event loop, one statement at a time per session."""

        def work() -> Any:
            with self.session.lock:
                return fn()

        return await to_thread.run_sync(work, limiter=self.sf.limiter)


Handler = Callable[[Call], Awaitable[Any]]


# Quoted identifiers may hold "/", which a client sends as %2F. Routing works on the decoded
# path, so such a slash is carried through routing as this private-use character instead.
ENCODED_SLASH = "\ue000"


class EncodedSlashes:
    """ASGI middleware for /api/v2: decode each path segment on its own, keeping %2F inside a
    segment (as ENCODED_SLASH) so an object named "a/b" is still one path parameter."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        raw = scope.get("raw_path") if scope.get("type") == "http" else None
        if raw and raw.startswith(b"/api/v2/") and b"%2f" in raw.lower():
            segments = raw.decode("latin-1").split("/")
            scope = {**scope, "path": "/".join(unquote(seg).replace("/", ENCODED_SLASH) for seg in segments)}
        await self.app(scope, receive, send)


class Pending:
    """REST calls still running after ASYNC_AFTER_S: answered 202 with a Location the client
    polls (GET /api/v2/results/<handle>), as Snowflake does for long operations."""

    def __init__(self) -> None:
        self.calls: dict[str, tuple[int, asyncio.Task[Response]]] = {}

    @staticmethod
    def of(request: Request) -> Pending:
        state = request.app.state
        if not hasattr(state, "rest_pending"):
            state.rest_pending = Pending()
        return state.rest_pending


def accepted(handle: str, request_id: str) -> JSON:
    body = {
        "code": "392604",
        "message": "Request execution in progress. Use the provided location header or result handler ID "
        "to perform query monitoring and management.",
        "resultHandler": handle,
    }
    return JSON(body, status_code=202, headers={"Location": f"/api/v2/results/{handle}",
                                                 "X-Snowflake-Request-ID": request_id})


async def answer(handler: Handler, request: Request, sf: Snowfort, session: Session, request_id: str) -> Response:
    try:
        result = await handler(Call(request, sf, session))
    except SnowflakeError as exc:
        return error_response(exc, request_id)
    except Exception:
        log.exception("REST %s %s failed", request.method, request.url.path)
        return error_response(errors.internal("unexpected error"), request_id)
    if isinstance(result, Response):
        return result
    if isinstance(result, str):
        result = {"status": result}
    result = without_nulls(result)
    if CONTRACT_DIR:
        # The path as sent: a parameter may hold an encoded '/' (a stage file path, %2F).
        raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        problems = contract.load(CONTRACT_DIR).check(request.method, raw_path, 200, orjson.loads(
            orjson.dumps(result, default=_default)))
        if problems:
            log.error("REST answer breaks the spec: %s %s: %s", request.method, request.url.path, problems)
            return error_response(errors.internal(f"contract: {'; '.join(problems)}"), request_id)
    return JSON(result, headers={"X-Snowflake-Request-ID": request_id})


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def asgi(request: Request) -> Response:
        request_id = str(uuid.uuid4())
        sf: Snowfort = request.app.state.snowfort
        try:
            session = sf.sessions.authenticate(token_of(request))
        except SnowflakeError as exc:
            return error_response(exc, request_id)
        # The body is read before the call may outlive this request.
        await request.body()
        params = request.scope.get("path_params") or {}
        request.scope["path_params"] = {k: v.replace(ENCODED_SLASH, "/") for k, v in params.items()}
        task = asyncio.ensure_future(answer(handler, request, sf, session, request_id))
        done, _ = await asyncio.wait({task}, timeout=async_after())
        if done:
            return task.result()
        handle = str(uuid.uuid4())
        Pending.of(request).calls[handle] = (session.id, task)
        return accepted(handle, request_id)

    return asgi


def async_after() -> float:
    return float(os.environ.get("SNOWFORT_REST_ASYNC_AFTER", "10"))


async def fetch_result(request: Request) -> Response:
    """GET /api/v2/results/{result_handler}: the answer of a call that went on past 202."""
    request_id = str(uuid.uuid4())
    sf: Snowfort = request.app.state.snowfort
    try:
        session = sf.sessions.authenticate(token_of(request))
    except SnowflakeError as exc:
        return error_response(exc, request_id)
    handle = request.path_params["result_handler"]
    pending = Pending.of(request)
    entry = pending.calls.get(handle)
    if entry is None or entry[0] != session.id:
        return error_response(SnowflakeError("000709", "02000", f"Result '{handle}' not found.", 404), request_id)
    task = entry[1]
    # A long poll: answer as soon as the call ends, or 202 again after a few seconds.
    done, _ = await asyncio.wait({task}, timeout=5.0)
    if not done:
        return accepted(handle, request_id)
    del pending.calls[handle]
    return task.result()


def route(path: str, handler: Handler, methods: Sequence[str]) -> Route:
    return Route(f"/api/v2{path}", endpoint(handler), methods=list(methods))


routes = [Route("/api/v2/results/{result_handler}", fetch_result, methods=["GET"])]


def without_nulls(value: Any) -> Any:
    """Absent, not null: Snowflake's schemas declare most fields non-nullable, and the client
    treats an absent field as None."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def listed(items: Sequence[Any], call: Call, name: Callable[[Any], str]) -> list[Any]:
    """The list filters every list operation takes: like, startsWith, showLimit, fromName."""
    match = like_matcher(call.text("like"))
    starts = call.text("startsWith")
    from_name = call.text("fromName")
    limit = call.integer("showLimit")
    out = [i for i in items if match(name(i)) and (starts is None or name(i).startswith(starts))]
    if from_name:
        out = [i for i in out if name(i) >= from_name]
    return out[:limit] if limit is not None else out
