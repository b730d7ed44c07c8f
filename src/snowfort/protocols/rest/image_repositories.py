"""/api/v2/databases/{database}/schemas/{schema}/image-repositories: the ImageRepository resource
(image-repository.yaml) over the domain's image_repositories module, and the images in one
(an empty list until the registry holds images)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictStr

from snowfort.catalog.store import Obj
from snowfort.domain import names
from snowfort.protocols.rest.http import OK, Call, iso, listed, route


class ImageRepositoryIn(BaseModel):
    """The writable fields of ImageRepository: only the name; read-only ones are ignored."""

    model_config = ConfigDict(extra="ignore")
    name: StrictStr


def model(call: Call, database: Obj, schema: Obj, obj: Obj) -> dict[str, Any]:
    """An ImageRepository as image-repository.yaml has it; fields without a value are left out."""
    d = call.domain.image_repositories.describe(database, schema, obj)
    out: dict[str, Any] = {
        "name": names.quote(obj.name),
        "database_name": names.quote(database.name),
        "schema_name": names.quote(schema.name),
        "created_on": iso(obj.created_on),
        "repository_url": d["repository_url"],
    }
    if d["owner"]:
        out["owner"] = d["owner"]
        out["owner_role_type"] = d["owner_role_type"]
    return out


async def list_repositories(call: Call) -> list[dict[str, Any]]:
    database, schema = call.ident("database"), call.ident("schema")
    items = await call.run(lambda: call.domain.image_repositories.list(call.ctx, database, schema))
    return [model(call, db, sc, obj) for db, sc, obj in listed(items, call, lambda i: i[2].name)]


async def create_repository(call: Call) -> str:
    body: ImageRepositoryIn = await call.body(ImageRepositoryIn)
    mode = call.create_mode()
    target = call.schema_object(body.name)
    await call.run(lambda: call.domain.image_repositories.create(call.ctx, target, mode))
    return OK


async def fetch_repository(call: Call) -> dict[str, Any]:
    target = call.schema_object()
    ref, obj = await call.run(lambda: call.domain.image_repositories.get(call.ctx, target))
    return model(call, ref.database, ref.schema, obj)


async def drop_repository(call: Call) -> str:
    target = call.schema_object()
    if_exists = call.flag("ifExists")
    await call.run(lambda: call.domain.image_repositories.drop(call.ctx, target, if_exists))
    return OK


async def list_images(call: Call) -> list[dict[str, Any]]:
    target = call.schema_object()
    images = await call.run(lambda: call.domain.image_repositories.list_images(call.ctx, target))
    return [{"created_on": iso(i.created_on), "image_name": i.image_name, "tags": i.tags, "digest": i.digest,
             "image_path": i.image_path} for i in images]


BASE = "/databases/{database}/schemas/{schema}/image-repositories"
routes = [
    route(BASE, list_repositories, ["GET"]),
    route(BASE, create_repository, ["POST"]),
    route(BASE + "/{name}/images", list_images, ["GET"]),
    route(BASE + "/{name}", fetch_repository, ["GET"]),
    route(BASE + "/{name}", drop_repository, ["DELETE"]),
]
