"""Builds snowfort: the catalog, the warehouse engine, the domain, the sessions and the doors."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from anyio import CapacityLimiter
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from snowfort import errors
from snowfort.auth.sessions import Session, SessionStore, Tokens
from snowfort.catalog.store import Catalog
from snowfort.config import Settings
from snowfort.domain import Domain, names
from snowfort.domain.context import Ctx
from snowfort.protocols import files, rest
from snowfort.protocols.connector import routes as connector
from snowfort.protocols.connector.queries import QueryLog
from snowfort.protocols.connector.wire import fail as connector_fail
from snowfort.protocols.rest.http import EncodedSlashes
from snowfort.sql.executor import Executor
from snowfort.warehouse.engine import Engine

log = logging.getLogger("snowfort")


def _normalize(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return names.normalize(name)
    except errors.SnowflakeError:
        return None


class Snowfort:
    """Everything one snowfort process holds; the doors reach it as `app.state.snowfort`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(settings.catalog_database_url)
        self.engine = Engine(settings.warehouse_dir)
        self.domain = Domain(self.catalog, self.engine, settings)
        self.domain.start()
        self.sessions = SessionStore(self.catalog, settings.session_validity_s, settings.master_validity_s)
        self.executor = Executor(self.domain)
        self.queries = QueryLog()
        # DuckDB work runs in threads; this bounds how many at once.
        self.limiter = CapacityLimiter(64)
        self.background: set[asyncio.Future[Any]] = set()

    def login(
        self, login_name: str, password: str, *, role: str | None, database: str | None, schema: str | None,
        warehouse: str | None, session_parameters: dict[str, Any],
    ) -> tuple[Session, Tokens]:
        d = self.domain
        user = d.users.authenticate(login_name, password)
        wanted_role = _normalize(role) or _normalize(str(user.props.get("default_role") or "")) or "PUBLIC"
        role_obj = d.catalog.get("ROLE", 0, wanted_role)
        if role_obj is None or not d.roles.user_has_role(user.id, role_obj.id):
            if role:
                raise errors.SnowflakeError(
                    "390189", "08004",
                    f"Role '{wanted_role}' specified in the connect string is not granted to this user. Contact "
                    "your local system administrator, or attempt to login with another role, e.g. PUBLIC.",
                )
            wanted_role = "PUBLIC"
        params = {str(k).upper(): v for k, v in session_parameters.items() if str(k).upper() in _KEPT_PARAMETERS}
        ctx = Ctx(session_id=SessionStore.new_id(), user_id=user.id, user_name=user.name, role=wanted_role,
                  params=params)
        namespace = str(user.props.get("default_namespace") or "")
        db_name = _normalize(database) or (_normalize(names.split(namespace)[0]) if namespace else None)
        schema_name = _normalize(schema) or (
            _normalize(names.split(namespace)[1]) if namespace and len(names.split(namespace)) > 1 else None
        )
        # A database, schema or warehouse the user cannot use leaves it unset, as in Snowflake.
        with contextlib.suppress(errors.SnowflakeError):
            if db_name:
                d.databases.use(ctx, db_name)
                if schema_name:
                    d.schemas.use(ctx, db_name, schema_name)
        wh_name = _normalize(warehouse) or _normalize(str(user.props.get("default_warehouse") or ""))
        with contextlib.suppress(errors.SnowflakeError):
            if wh_name:
                d.warehouses.use(ctx, wh_name)
        session, tokens = self.sessions.create(ctx)
        return session, tokens

    def logout(self, session: Session) -> None:
        with session.lock:
            self.domain.tables.drop_session_temporaries(session.id)
            if session.duck is not None:
                session.duck.close()
                session.duck = None
        self.sessions.close(session)

    def close(self) -> None:
        self.engine.close()


_KEPT_PARAMETERS = {"QUERY_TAG", "TIMEZONE", "AUTOCOMMIT", "PYTHON_CONNECTOR_QUERY_RESULT_FORMAT",
                    "MULTI_STATEMENT_COUNT", "CLIENT_SESSION_KEEP_ALIVE"}


async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"code": "390405", "message": f"Method {request.method} is not allowed on {request.url.path}",
         "error_code": "390405"}, 405,
    )


async def not_found(request: Request, exc: Exception) -> JSONResponse:
    # Clients parse error bodies as JSON (snowflake.core raises on anything else).
    log.warning("no route: %s %s", request.method, request.url.path)
    return JSONResponse({"code": "390404", "message": f"Not found: {request.url.path}", "error_code": "390404"}, 404)


CONNECTOR_PATHS = ("/session", "/queries", "/monitoring", "/telemetry")


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug must not look like a hang: the connector retries 5xx answers for minutes, so its
    paths get Snowflake's error envelope with HTTP 200."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if request.url.path.startswith(CONNECTOR_PATHS):
        return connector_fail(errors.internal(f"{type(exc).__name__}: {exc}"))
    return JSONResponse({"code": "500", "message": "Internal error.", "error_code": "000603"}, 500)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "service": "snowfort"})


def build_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        sf = Snowfort(settings)
        app.state.snowfort = sf
        log.info("snowfort ready on %s:%s (data in %s)", settings.host, settings.port, settings.data_dir)
        try:
            yield
        finally:
            sf.close()

    return Starlette(
        routes=[Route("/snowfort/health", health), *connector.routes, *rest.routes, *files.routes],
        exception_handlers={404: not_found, 405: method_not_allowed, Exception: unexpected_error},
        middleware=[Middleware(EncodedSlashes)],
        lifespan=lifespan,
    )
