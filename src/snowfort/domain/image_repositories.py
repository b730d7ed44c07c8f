"""Image repositories: schema objects that name where images live in snowfort's registry.

Only the catalog side lives here (CREATE / DROP / SHOW, privileges, the repository URL); the OCI
registry that stores and serves the images is a later step, and fills `list_images`.

A repository's URL is `<registry host[:port]>/<db>/<schema>/<repo>`, all lower case and without a
scheme, as Snowflake prints it; the registry host is snowfort's own (`Settings.registry`).

Privileges: CREATE IMAGE REPOSITORY on the schema creates one; READ lists and pulls images, WRITE
pushes too, the owner does everything. A role with none of them does not see the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import kinds, names, results
from snowfort.domain.base import Objects, SchemaRef
from snowfort.domain.context import Ctx
from snowfort.domain.results import CreateMode

IMAGE_REPOSITORY = kinds.Kind(
    "IMAGE REPOSITORY", "IMAGE REPOSITORY", "Image repository", "image repository",
    frozenset({"READ", "WRITE", "SERVICE READ", "SERVICE WRITE", "OWNERSHIP"}), 3,
)
kinds.register(IMAGE_REPOSITORY)

ENCRYPTION_TYPES = ("SNOWFLAKE_FULL", "SNOWFLAKE_SSE")
# Quoted names are not supported [docs]: a repository name is a plain identifier.
_PLAIN = re.compile(r"[A-Z_][A-Z0-9_$]*")


@dataclass(frozen=True)
class Image:
    """One tagged image in a repository, as SHOW IMAGES IN IMAGE REPOSITORY lists it."""

    created_on: datetime
    image_name: str
    tags: str
    digest: str
    image_path: str  # db/schema/repo/image:tag, lower case


class ImageRepositories(Objects):
    # -- resolution ----------------------------------------------------------------------------
    def _find(self, ctx: Ctx, parts: list[str] | tuple[str, ...]) -> tuple[SchemaRef, str, Obj | None]:
        ref, name = self.schema_of(ctx, list(parts))
        obj = self.catalog.get(IMAGE_REPOSITORY.namespace, ref.schema.id, name)
        if obj is not None and (obj.kind != IMAGE_REPOSITORY.name or not self.can_see(ctx, obj)):
            obj = None
        return ref, name, obj

    @staticmethod
    def _missing(ref: SchemaRef, name: str) -> errors.SnowflakeError:
        return errors.does_not_exist("Image repository", f"{ref.qualified}.{names.quote(name)}")

    def get(self, ctx: Ctx, parts: list[str] | tuple[str, ...], *privileges: str) -> tuple[SchemaRef, Obj]:
        """A repository the session can see; with `privileges`, one of them (or ownership) too."""
        ref, name, obj = self._find(ctx, parts)
        if obj is None:
            raise self._missing(ref, name)
        if privileges:
            self.require(ctx, obj, *privileges)
        return ref, obj

    def repository_url(self, database: Obj, schema: Obj, obj: Obj) -> str:
        """`<registry host>/<db>/<schema>/<repo>`, lower case, no scheme; `$` and the like URL-encoded."""
        path = "/".join(quote(part.lower(), safe="") for part in (database.name, schema.name, obj.name))
        return f"{self.settings.registry}/{path}"

    # -- DDL -----------------------------------------------------------------------------------
    def create(
        self, ctx: Ctx, parts: list[str] | tuple[str, ...], mode: CreateMode, *, encryption: str | None = None,
        comment: str | None = None,
    ) -> str:
        encryption = str(encryption or "SNOWFLAKE_FULL").upper()
        if encryption not in ENCRYPTION_TYPES:
            raise errors.invalid_value(
                f"invalid value '{encryption}' for property 'TYPE' of 'ENCRYPTION': an image repository takes "
                "SNOWFLAKE_FULL or SNOWFLAKE_SSE"
            )
        ref, name = self.schema_of(ctx, list(parts))
        if not _PLAIN.fullmatch(name):
            raise errors.unsupported(f"quoted image repository name {names.quote(name)}")
        self.require(ctx, ref.schema, "CREATE IMAGE REPOSITORY")
        replaced, answer = self.prepare_create(ctx, IMAGE_REPOSITORY, ref.schema.id, name, mode)
        if answer:
            return answer
        owner = self.creating_role(ctx)
        with self.catalog.write() as conn:
            if replaced:
                self.catalog.delete_tree(conn, replaced.id)
            self.catalog.insert(
                conn, kind=IMAGE_REPOSITORY.name, namespace=IMAGE_REPOSITORY.namespace, parent_id=ref.schema.id,
                name=name, owner_id=owner, comment=comment, props={"encryption": encryption},
            )
        return results.created("Image Repository", name)

    def drop(self, ctx: Ctx, parts: list[str] | tuple[str, ...], if_exists: bool = False) -> str:
        try:
            ref, name, obj = self._find(ctx, parts)
        except errors.SnowflakeError as exc:
            if if_exists and exc.code == "002003":
                return results.already_dropped(parts[-1])
            raise
        if obj is None:
            if if_exists:
                return results.already_dropped(name)
            raise self._missing(ref, name)
        self.require(ctx, obj, "OWNERSHIP")
        with self.catalog.write() as conn:
            self.catalog.delete_tree(conn, obj.id)
        return results.dropped(obj.name)

    # -- listing -------------------------------------------------------------------------------
    def list(
        self, ctx: Ctx, database: str | None, schema: str | None, scope: str = "SCHEMA",
    ) -> list[tuple[Obj, Obj, Obj]]:
        """(database, schema, repository) triples the session can see, for SHOW and REST lists."""
        schemas = self.schemas_in_scope(ctx, scope, database, schema)
        return [(db, sc, obj) for db, sc in schemas for obj in self.catalog.list([IMAGE_REPOSITORY.name], sc.id)
                if self.can_see(ctx, obj)]

    def list_images(self, ctx: Ctx, parts: list[str] | tuple[str, ...]) -> list[Image]:
        """The images in a repository (needs READ, WRITE or ownership).

        Always empty for now: snowfort does not hold images yet. The OCI registry (the next step)
        stores pushed manifests and fills this list from them; the privilege check and the
        "does not exist or not authorized" answer for an invisible repository already hold.
        """
        self.get(ctx, parts, "READ", "WRITE")
        return []

    def describe(self, database: Obj, schema: Obj, obj: Obj) -> dict[str, Any]:
        """The fields SHOW IMAGE REPOSITORIES and REST share."""
        owner = self.owner_name(obj)
        return {
            "created_on": obj.created_on,
            "name": obj.name,
            "database_name": database.name,
            "schema_name": schema.name,
            "repository_url": self.repository_url(database, schema, obj),
            "owner": owner,
            "owner_role_type": "ROLE" if owner else None,
            "comment": obj.comment or "",
            "encryption": obj.props.get("encryption", "SNOWFLAKE_FULL"),
        }
