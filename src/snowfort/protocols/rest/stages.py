"""/api/v2/databases/{database}/schemas/{schema}/stages: the Stage resource (stage.yaml) over
the domain's stages module, with the files in a stage and presigned URLs for one file.

snowflake.core's `stage.put()` / `stage.get()` do not come here: they send SQL PUT/GET through the
connector (`PUT /* snowflake.core.stage.StageResource.put */ 'file://...' '@db.schema.stage/'`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StrictStr

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import names
from snowfort.domain.stages import MAX_PRESIGNED_TTL_S, Location, clean_path
from snowfort.protocols.files import absolute
from snowfort.protocols.rest.http import OK, Call, bad_request, iso, listed, route


class DirectoryTableIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    enable: StrictBool | None = None
    refresh_on_create: StrictBool | None = None
    auto_refresh: StrictBool | None = None
    notification_integration: StrictStr | None = None


class EncryptionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["SNOWFLAKE_FULL", "SNOWFLAKE_SSE", "AWS_CSE", "AWS_SSE_S3", "AWS_SSE_KMS", "GCS_SSE_KMS",
                  "AZURE_CSE", "NONE"] | None = None
    master_key: StrictStr | None = None
    kms_key_id: StrictStr | None = None


class StageIn(BaseModel):
    """The writable fields of Stage (stage.yaml); read-only ones are ignored."""

    model_config = ConfigDict(extra="ignore")
    name: StrictStr
    kind: Literal["PERMANENT", "TEMPORARY"] | None = None
    url: StrictStr | None = None
    endpoint: StrictStr | None = None
    storage_integration: StrictStr | None = None
    comment: StrictStr | None = None
    credentials: dict[str, Any] | None = None
    encryption: EncryptionIn | None = None
    directory_table: DirectoryTableIn | None = None


class PresignedUrlIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    expiration_time: StrictInt | None = None


def model(call: Call, database: Obj, schema: Obj, obj: Obj) -> dict[str, Any]:
    """A Stage as stage.yaml has it; fields without a value are left out (the spec has no nulls)."""
    owner = call.domain.base.owner_name(obj)
    directory = obj.props.get("directory", {})
    out: dict[str, Any] = {
        "name": names.quote(obj.name),
        "kind": "TEMPORARY" if obj.props.get("temporary") else "PERMANENT",
        "url": "",
        "directory_table": {
            "enable": bool(directory.get("enable", False)),
            "refresh_on_create": bool(directory.get("refresh_on_create", True)),
            "auto_refresh": bool(directory.get("auto_refresh", False)),
        },
        "created_on": iso(obj.created_on),
        "has_credentials": False,
        "has_encryption_key": False,
    }
    if obj.comment is not None:
        out["comment"] = obj.comment
    if owner:
        out["owner"] = owner
        out["owner_role_type"] = "ROLE"
    return out


async def list_stages(call: Call) -> list[dict[str, Any]]:
    database, schema = call.ident("database"), call.ident("schema")
    items = await call.run(lambda: call.domain.stages.list(call.ctx, database, schema))
    return [model(call, db, sc, obj) for db, sc, obj in listed(items, call, lambda i: i[2].name)]


async def create_stage(call: Call) -> str:
    body: StageIn = await call.body(StageIn)
    mode = call.create_mode()
    if body.url or body.storage_integration or body.credentials or body.endpoint:
        raise errors.unsupported("external stages")
    encryption = body.encryption.type if body.encryption else None
    if encryption not in (None, "SNOWFLAKE_FULL", "SNOWFLAKE_SSE"):
        raise bad_request(f"Invalid value '{encryption}' for 'encryption.type': an internal stage takes "
                          "SNOWFLAKE_FULL or SNOWFLAKE_SSE.")
    directory = body.directory_table.model_dump(exclude_none=True) if body.directory_table else None
    target = call.schema_object(body.name)
    await call.run(lambda: call.domain.stages.create(
        call.ctx, target, mode, temporary=body.kind == "TEMPORARY", directory=directory, encryption=encryption,
        comment=body.comment,
    ))
    return OK


async def fetch_stage(call: Call) -> dict[str, Any]:
    target = call.schema_object()
    ref, obj = await call.run(lambda: call.domain.stages.get(call.ctx, target))
    return model(call, ref.database, ref.schema, obj)


async def drop_stage(call: Call) -> str:
    target = call.schema_object()
    if_exists = call.flag("ifExists")
    await call.run(lambda: call.domain.stages.drop(call.ctx, target, if_exists))
    return OK


async def list_files(call: Call) -> list[dict[str, Any]]:
    target = tuple(call.schema_object())
    pattern = call.text("pattern")
    files = await call.run(lambda: call.domain.stages.list_files(call.ctx, Location(target), pattern or None))
    return [{"name": f.name, "size": str(f.size), "md5": f.md5, "last_modified": f.last_modified_text}
            for f in files]


async def presigned_url(call: Call) -> dict[str, Any]:
    target = tuple(call.schema_object())
    body: PresignedUrlIn = await call.body(PresignedUrlIn)
    ttl = 3600 if body.expiration_time is None else body.expiration_time
    if not 0 < ttl <= MAX_PRESIGNED_TTL_S:
        raise bad_request(f"Invalid value '{ttl}' for 'expiration_time': from 1 to {MAX_PRESIGNED_TTL_S} seconds.")
    raw_path = call.request.path_params["filePath"]
    path = clean_path(raw_path)
    if not path or path.endswith("/"):
        raise bad_request(f"Invalid value '{raw_path}' for 'filePath': a file path in the stage.")
    stages = call.domain.stages

    def work() -> str:
        stage = stages.resolve(call.ctx, Location(target), "READ")
        # Reading needs READ; the same URL uploads too when the role may write (FileTransferMaterial
        # is "for uploading and downloading").
        ops = "rw" if stage.obj is not None and stages.has_privilege(call.ctx, stage.obj, "WRITE") else "r"
        return stages.presign(stage, path, ops, overwrite=True, ttl=ttl)

    url = await call.run(work)
    return {"presigned_url": absolute(url, str(call.request.base_url))}


BASE = "/databases/{database}/schemas/{schema}/stages"
routes = [
    route(BASE, list_stages, ["GET"]),
    route(BASE, create_stage, ["POST"]),
    route(BASE + "/{name}/files/{filePath:path}:presigned-url", presigned_url, ["POST"]),
    route(BASE + "/{name}/files", list_files, ["GET"]),
    route(BASE + "/{name}", fetch_stage, ["GET"]),
    route(BASE + "/{name}", drop_stage, ["DELETE"]),
]
