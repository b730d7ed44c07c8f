"""The files door: the presigned URLs that PUT, GET and the REST API hand out, served without a
session (the signed token in the URL is the authority; domain.stages signs and redeems it).

The connector moves stage files itself, as with a GCS stage: `PUT <url>` with the file's bytes
(already gzipped by the client when AUTO_COMPRESS is on), `GET <url>` for a download. The bytes are
kept exactly as sent.
"""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING, Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from snowfort.domain.stages import FILES_PREFIX
from snowfort.errors import SnowflakeError

if TYPE_CHECKING:
    from snowfort.server import Snowfort

log = logging.getLogger("snowfort.files")


def absolute(url: str, base_url: str) -> str:
    return base_url.rstrip("/") + url if url.startswith(FILES_PREFIX) else url


def descriptor(transfer: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A PUT/GET transfer descriptor with its URLs made absolute for the client that asked."""
    out = copy.deepcopy(transfer)
    info = out.get("stageInfo") or {}
    if isinstance(info.get("presignedUrl"), str):
        info["presignedUrl"] = absolute(info["presignedUrl"], base_url)
    if isinstance(out.get("presignedUrls"), list):
        out["presignedUrls"] = [absolute(u, base_url) for u in out["presignedUrls"]]
    return out


def _error(exc: SnowflakeError) -> JSONResponse:
    # GCS answers a refused presigned request with 400/403; the connector reads a 400 as "expired"
    # and asks for a new URL once, then fails. A JSON body keeps every client's error path simple.
    return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.http_status)


async def upload(request: Request) -> Response:
    sf: Snowfort = request.app.state.snowfort
    stages = sf.domain.stages
    try:
        grant = stages.redeem(request.path_params["token"], "w")
    except SnowflakeError as exc:
        return _error(exc)
    if not grant.path or grant.path.endswith("/"):
        # The first answer to a PUT names no file: GCS's 400 for a presigned URL makes the client
        # ask for the file's own URL (connector 5.x re-issues the PUT with the file's name).
        return JSONResponse({"code": "400", "message": "This URL names no file; re-issue the PUT for the file."},
                            status_code=400)
    if not stages.claim(grant):
        return JSONResponse({"code": "400", "message": "This URL was used; re-issue the PUT for the file."},
                            status_code=400)
    # GCS's conditional create (connector 5.x, OVERWRITE = FALSE): 412 tells it the file is there.
    if request.headers.get("x-goog-if-generation-match") == "0" and stages.exists(grant):
        return Response(status_code=412)
    tmp = stages.incoming()
    try:
        with open(tmp, "wb") as f:
            async for chunk in request.stream():
                f.write(chunk)
        stored = await to_thread.run_sync(stages.store, grant, tmp)
    finally:
        tmp.unlink(missing_ok=True)
    # A file kept because the upload may not overwrite it still answers 200: the client (GCS,
    # presigned) cannot check first, and Snowflake's PUT then completes without overwriting.
    return Response(status_code=200, headers={"x-snowfort-stored": "true" if stored else "false"})


async def download(request: Request) -> Response:
    sf: Snowfort = request.app.state.snowfort
    try:
        grant = sf.domain.stages.redeem(request.path_params["token"], "r")
        path = sf.domain.stages.open_file(grant)
    except SnowflakeError as exc:
        return _error(exc)
    return FileResponse(path, media_type="application/octet-stream", filename=None)


routes = [
    Route(f"{FILES_PREFIX}/{{token}}/{{name:path}}", upload, methods=["PUT"]),
    Route(f"{FILES_PREFIX}/{{token}}/{{name:path}}", download, methods=["GET", "HEAD"]),
]
