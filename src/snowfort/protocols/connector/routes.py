"""The connector door: /session/*, /queries/*, /monitoring/*, /telemetry/* as the real
snowflake-connector-python (4.x and 5.x) and Snowpark speak them.

A handler parses the wire format, calls the session store or the SQL executor, and answers in
the connector's envelope. Every error is HTTP 200 with success=false.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from anyio import to_thread
from starlette.requests import Request
from starlette.routing import Route

from snowfort import errors
from snowfort.domain import names
from snowfort.errors import SnowflakeError
from snowfort.protocols import files
from snowfort.protocols.connector.queries import QueryRecord
from snowfort.protocols.connector.rowsets import arrow_rowset_fragment, json_rowset
from snowfort.protocols.connector.wire import JSONResponse, body_json, fail, ok, token_of, unexpected
from snowfort.sql.commands.session import PARAMETERS
from snowfort.sql.result import Result, new_query_id

if TYPE_CHECKING:
    from snowfort.auth.sessions import Session
    from snowfort.server import Snowfort

log = logging.getLogger("snowfort.connector")

# How long a synchronous query may run before the client is told to poll (code 333333).
SYNC_WAIT_S = 40.0
LOGIN_PARAMETERS: list[dict[str, Any]] = [
    {"name": "CLIENT_STAGE_ARRAY_BINDING_THRESHOLD", "value": 0},
    {"name": "AUTOCOMMIT", "value": True},
    {"name": "TIMEZONE", "value": "UTC"},
    {"name": "CLIENT_PREFETCH_THREADS", "value": 4},
    {"name": "CLIENT_RESULT_CHUNK_SIZE", "value": 160},
    {"name": "CLIENT_SESSION_KEEP_ALIVE", "value": False},
    {"name": "CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY", "value": 3600},
    {"name": "CLIENT_TELEMETRY_ENABLED", "value": False},
    {"name": "QUERY_CONTEXT_CACHE_SIZE", "value": 5},
    {"name": "CLIENT_RESULT_COLUMN_CASE_INSENSITIVE", "value": False},
    {"name": "TIMESTAMP_OUTPUT_FORMAT", "value": "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM"},
    {"name": "DATE_OUTPUT_FORMAT", "value": "YYYY-MM-DD"},
]
SERVER_VERSION = "9.40.1"


def app_of(request: Request) -> Snowfort:
    return request.app.state.snowfort


def session_info(session: Session) -> dict[str, Any]:
    ctx = session.ctx
    return {
        "databaseName": ctx.database,
        "schemaName": ctx.schema,
        "warehouseName": ctx.warehouse,
        "roleName": ctx.role,
    }


# -- login and tokens -----------------------------------------------------------------------
async def login(request: Request) -> JSONResponse:
    sf = app_of(request)
    try:
        body = await body_json(request)
        data = body.get("data") or {}
        if not isinstance(data, dict):
            raise SnowflakeError("390400", "08000", "Malformed request: 'data' must be an object.")
        authenticator = str(data.get("AUTHENTICATOR") or "SNOWFLAKE").upper()
        if authenticator not in ("SNOWFLAKE", "USERNAME_PASSWORD_MFA"):
            raise SnowflakeError("390100", "08004", f"Authenticator '{authenticator}' is not supported by this account.")
        login_name = str(data.get("LOGIN_NAME") or "")
        password = str(data.get("PASSWORD") or "")
        q = request.query_params
        session = await to_thread.run_sync(
            lambda: sf.login(
                login_name, password, role=q.get("roleName"), database=q.get("databaseName"),
                schema=q.get("schemaName"), warehouse=q.get("warehouse"),
                session_parameters=data.get("SESSION_PARAMETERS") or {},
            )
        )
    except SnowflakeError as exc:
        return fail(exc, extra={"nextAction": "RETRY_LOGIN", "authnMethod": "USERNAME_PASSWORD"})
    except Exception as exc:  # never a 5xx: the client would retry it for minutes
        log.exception("login failed")
        return fail(unexpected(exc), extra={"nextAction": "RETRY_LOGIN", "authnMethod": "USERNAME_PASSWORD"})
    sess, tokens = session
    return ok({
        "token": tokens.session_token,
        "masterToken": tokens.master_token,
        "sessionId": sess.id,
        "validityInSeconds": tokens.validity,
        "masterValidityInSeconds": tokens.master_validity,
        "displayUserName": sess.ctx.user_name,
        "serverVersion": SERVER_VERSION,
        "firstLogin": False,
        "remMeToken": None,
        "remMeValidityInSeconds": 0,
        "healthCheckInterval": 45,
        "newClientForUpgrade": None,
        "idToken": None,
        "idTokenValidityInSeconds": 0,
        "mfaToken": None,
        "mfaTokenValidityInSeconds": 0,
        "responseData": None,
        "parameters": LOGIN_PARAMETERS,
        "sessionInfo": session_info(sess),
    })


async def token_request(request: Request) -> JSONResponse:
    sf = app_of(request)
    try:
        body = await body_json(request)
        session_id, tokens = sf.sessions.renew(
            token_of(request), body.get("oldSessionToken"), str(body.get("requestType") or "RENEW")
        )
    except SnowflakeError as exc:
        return fail(exc)
    return ok({
        "sessionToken": tokens.session_token,
        "validityInSecondsST": tokens.validity,
        "masterToken": tokens.master_token,
        "validityInSecondsMT": tokens.master_validity,
        "validityInSeconds": tokens.validity,
        "masterValidityInSeconds": tokens.master_validity,
        "sessionId": session_id,
    })


async def heartbeat(request: Request) -> JSONResponse:
    try:
        app_of(request).sessions.authenticate(token_of(request))
    except SnowflakeError as exc:
        return fail(exc)
    return ok({})


async def session_endpoint(request: Request) -> JSONResponse:
    sf = app_of(request)
    try:
        session = sf.sessions.authenticate(token_of(request))
    except SnowflakeError as exc:
        return fail(exc)
    if request.query_params.get("delete", "").lower() == "true":
        await to_thread.run_sync(sf.logout, session)
    return ok({})


async def telemetry(request: Request) -> JSONResponse:
    return ok({})


# -- queries --------------------------------------------------------------------------------
def result_format(session: Session, result: Result) -> str:
    """Arrow unless the session asked for JSON; DML and multi-statement answers are JSON, since
    the connector reads their row counts and child ids from the JSON rowset."""
    wanted = str(session.ctx.params.get("PYTHON_CONNECTOR_QUERY_RESULT_FORMAT", "ARROW")).upper()
    if wanted == "JSON" or result.is_dml or result.child_ids is not None or not result.columns:
        return "json"
    return "arrow"


def changed_parameters(session: Session) -> list[dict[str, Any]]:
    return [{"name": k, "value": v} for k, v in session.ctx.params.items() if k in PARAMETERS]


def result_data(session: Session, result: Result, base_url: str = "") -> dict[str, Any]:
    if result.transfer is not None:
        # PUT/GET: the transfer descriptor instead of rows; the client moves the bytes itself.
        return {"rowtype": [], "rowset": [], **files.descriptor(result.transfer, base_url),
                "queryId": result.query_id, "finalDatabaseName": session.ctx.database,
                "finalSchemaName": session.ctx.schema, "finalWarehouseName": session.ctx.warehouse,
                "finalRoleName": session.ctx.role}
    fmt = result_format(session, result)
    data: dict[str, Any] = {
        "parameters": changed_parameters(session),
        "rowtype": [c.rowtype() for c in result.columns],
        "total": result.table.num_rows,
        "returned": result.table.num_rows,
        "queryId": result.query_id,
        "databaseProvider": None,
        "finalDatabaseName": session.ctx.database,
        "finalSchemaName": session.ctx.schema,
        "finalWarehouseName": session.ctx.warehouse,
        "finalRoleName": session.ctx.role,
        "numberOfBinds": 0,
        "arrayBindSupported": False,
        "statementTypeId": result.statement_type,
        "version": 1,
        "sendResultTime": int(time.time() * 1000),
        "queryResultFormat": fmt,
    }
    if fmt == "arrow":
        data["rowsetBase64"] = arrow_rowset_fragment(result.columns, result.table)
    else:
        data["rowset"] = json_rowset(result.columns, result.table)
    if result.child_ids is not None:
        data["resultIds"] = ",".join(result.child_ids)
        data["resultTypes"] = ",".join("4096" for _ in result.child_ids)
    return data


def record_response(session: Session, record: QueryRecord, base_url: str = "") -> JSONResponse:
    if record.error is not None:
        return fail(record.error, record.query_id)
    assert record.result is not None
    return ok(result_data(session, record.result, base_url))


def pending(record: QueryRecord, code: str) -> JSONResponse:
    return ok(
        {"queryId": record.query_id, "getResultUrl": f"/queries/{record.query_id}/result", "queryAbortsAfterSecs": 300,
         "progressDesc": None},
        code=code,
        message="Asynchronous execution in progress. Use provided query id to perform query monitoring and management."
        if code == "333334" else "Query execution in progress.",
    )


async def query_request(request: Request) -> JSONResponse:
    sf = app_of(request)
    query_id = new_query_id()
    try:
        session = sf.sessions.authenticate(token_of(request))
        body = await body_json(request)
        sql = body.get("sqlText")
        if not isinstance(sql, str):
            raise SnowflakeError("000900", "42000", "Empty SQL statement.")
        bindings = body.get("bindings")
        if bindings is not None and not isinstance(bindings, dict):
            raise SnowflakeError("390400", "08000", "Malformed request: 'bindings' must be an object.")
        if body.get("bindStage"):
            raise errors.unsupported("binding through a stage")
        params = body.get("parameters") or {}
        params = {str(k).upper(): v for k, v in params.items()} if isinstance(params, dict) else {}
        describe_only = bool(body.get("describeOnly"))
        async_exec = bool(body.get("asyncExec"))
    except SnowflakeError as exc:
        return fail(exc, query_id)
    except Exception as exc:
        log.exception("bad query request")
        return fail(unexpected(exc), query_id)

    request_id = request.query_params.get("requestId")
    record = sf.queries.by_request(request_id)
    if record is None or record.session_id != session.id or record.sql != sql:
        record = QueryRecord(query_id=query_id, session_id=session.id, sql=sql)
        sf.queries.add(record, request_id)
        task = asyncio.ensure_future(run_query(sf, session, record, sql, bindings, describe_only, params))
        sf.background.add(task)
        task.add_done_callback(sf.background.discard)
    if async_exec:
        return pending(record, "333334")
    try:
        await asyncio.wait_for(asyncio.shield(record.done.wait()), SYNC_WAIT_S)
    except TimeoutError:
        return pending(record, "333333")
    return record_response(session, record, str(request.base_url))


async def run_query(
    sf: Snowfort, session: Session, record: QueryRecord, sql: str, bindings: Any, describe_only: bool,
    params: dict[str, Any],
) -> None:
    def work() -> Result:
        with session.lock:
            try:
                return sf.executor.run(session, sql, bindings, describe_only, params, record.query_id)
            finally:
                sf.sessions.persist(session)

    timeout = statement_timeout(session, params)
    timer = None
    if timeout:
        def expire() -> None:
            if not record.done.is_set():
                if session.duck is not None:
                    session.duck.interrupt()
                record.finish(None, SnowflakeError(
                    "000630", "57014",
                    f"Statement reached its statement or warehouse timeout of {timeout} second(s) and was canceled.",
                ))

        timer = asyncio.get_running_loop().call_later(timeout, expire)
    try:
        result = await to_thread.run_sync(work, limiter=sf.limiter)
    except SnowflakeError as exc:
        record.finish(None, exc)
    except Exception as exc:
        log.exception("query failed: %s", sql[:200])
        record.finish(None, unexpected(exc))
    else:
        record.finish(result, None)
    finally:
        if timer is not None:
            timer.cancel()


def statement_timeout(session: Session, params: dict[str, Any]) -> int:
    """STATEMENT_TIMEOUT_IN_SECONDS from the request (connector 5.x sends `timeout=` so) or the
    session; 0 means none."""
    value = params.get("STATEMENT_TIMEOUT_IN_SECONDS", session.ctx.params.get("STATEMENT_TIMEOUT_IN_SECONDS", 0))
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


async def query_result(request: Request) -> JSONResponse:
    sf = app_of(request)
    query_id = request.path_params["query_id"]
    try:
        session = sf.sessions.authenticate(token_of(request))
    except SnowflakeError as exc:
        return fail(exc, query_id)
    record = sf.queries.get(query_id)
    if record is None or record.session_id != session.id:
        kept = sf.executor.results.get(query_id)
        if kept is None or kept[0] != session.id:
            return fail(SnowflakeError("000709", "02000", f"Statement {query_id} not found"), query_id)
        return ok(result_data(session, kept[1], str(request.base_url)))
    try:
        await asyncio.wait_for(asyncio.shield(record.done.wait()), SYNC_WAIT_S)
    except TimeoutError:
        return pending(record, "333333")
    return record_response(session, record, str(request.base_url))


async def monitoring(request: Request) -> JSONResponse:
    sf = app_of(request)
    query_id = request.path_params["query_id"].strip("/")
    try:
        session = sf.sessions.authenticate(token_of(request))
    except SnowflakeError as exc:
        return fail(exc, query_id)
    record = sf.queries.get(query_id)
    if record is None or record.session_id != session.id:
        return ok({"queries": []})
    entry: dict[str, Any] = {
        "id": record.query_id,
        "status": record.status,
        "state": record.status,
        "sqlText": record.sql,
        "startTime": int(record.started * 1000),
        "endTime": int(record.ended * 1000) if record.ended else 0,
        "totalDuration": int(((record.ended or time.time()) - record.started) * 1000),
        "sessionId": session.id,
    }
    if record.error is not None:
        entry["errorCode"] = record.error.code
        entry["errorMessage"] = record.error.message
    return ok({"queries": [entry]})


async def abort_request(request: Request) -> JSONResponse:
    sf = app_of(request)
    try:
        session = sf.sessions.authenticate(token_of(request))
        body = await body_json(request)
    except SnowflakeError as exc:
        return fail(exc)
    record = sf.queries.by_request(str(body.get("requestId") or "")) or sf.queries.get(str(body.get("requestId") or ""))
    if record is not None and record.session_id == session.id and not record.done.is_set():
        if session.duck is not None:
            session.duck.interrupt()
        record.finish(None, SnowflakeError("000604", "57014", "SQL execution canceled"))
    return ok({})


def quoted_user(name: str) -> str:
    return names.quote(name)


routes = [
    Route("/session/v1/login-request", login, methods=["POST"]),
    Route("/session/token-request", token_request, methods=["POST"]),
    Route("/session/heartbeat", heartbeat, methods=["POST"]),
    Route("/session", session_endpoint, methods=["POST"]),
    Route("/queries/v1/query-request", query_request, methods=["POST"]),
    Route("/queries/v1/abort-request", abort_request, methods=["POST"]),
    Route("/queries/{query_id}/result", query_result, methods=["GET"]),
    # Connector 5.x asks for /monitoring/queries//<id> (two slashes): take any path.
    Route("/monitoring/queries/{query_id:path}", monitoring, methods=["GET"]),
    Route("/telemetry/send", telemetry, methods=["POST"]),
]
