"""Stages: internal named stages in a schema (and each user's stage `@~`), and the files in them.

A stage is a catalog object; its files live on disk under `Settings.stage_dir`, one directory per
stage object id (`users/<user id>` for a user stage), kept byte for byte as uploaded. Every door
goes through this module: SQL (CREATE/SHOW/LIST/REMOVE/PUT/GET), REST, and later the runtime,
which reads service specifications with `read_file`.

Privileges: READ lists and downloads, WRITE uploads and removes, the owner does everything; a
user's own stage needs no grant. Clients move the bytes themselves over presigned URLs: this
module signs them (HMAC with a key kept in the catalog, so they survive a restart) and redeems
them for the files door, which serves them without a session.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from snowfort import errors
from snowfort.catalog.store import Obj
from snowfort.domain import kinds, names, results
from snowfort.domain.base import Objects, SchemaRef
from snowfort.domain.context import Ctx
from snowfort.domain.results import CreateMode

STAGE = kinds.Kind("STAGE", "STAGE", "Stage", "stage", frozenset({"READ", "WRITE", "USAGE", "OWNERSHIP"}), 3)
kinds.register(STAGE)

ENCRYPTION_TYPES = ("SNOWFLAKE_FULL", "SNOWFLAKE_SSE")
# Where presigned URLs point; protocols/files.py serves this prefix.
FILES_PREFIX = "/snowfort/files"
TRANSFER_TTL_S = 3600
MAX_PRESIGNED_TTL_S = 7 * 24 * 3600
_KEY_NAME = "stage_url_key"
_INCOMING = ".incoming"
_SIGNED_HEADERS = quote("content-encoding;host;x-goog-if-generation-match;x-goog-meta-sfc-digest", safe="")


# -- stage locations ------------------------------------------------------------------------
@dataclass(frozen=True)
class Location:
    """A stage reference as written: `@[db.][schema.]name[/path]` or `@~[/path]`."""

    parts: tuple[str, ...] | None  # normalised name parts; None is the user stage @~
    path: str = ""  # inside the stage, no leading '/'; '' is the whole stage


def parse_location(text: str) -> Location:
    """Parse `@stage/path` (identifier rules as anywhere: `@"My Stage"`, `@db.schema.stage`)."""
    raw = text.strip()
    if not raw.startswith("@"):
        raise errors.syntax_error(f"invalid stage location '{text}'")
    i = 1
    if raw[i:i + 1] == "~":
        return Location(None, clean_path(raw[i + 1:]))
    if raw[i:i + 1] == "%":
        raise errors.unsupported("table stages (@%table)")
    parts: list[str] = []
    while True:
        start = i
        if raw[i:i + 1] == '"':
            i += 1
            while i < len(raw):
                if raw[i] == '"':
                    if raw[i + 1:i + 2] == '"':
                        i += 2
                        continue
                    break
                i += 1
            if i >= len(raw):
                raise errors.syntax_error(f"invalid stage location '{text}'")
            i += 1
        else:
            while i < len(raw) and (raw[i].isalnum() or raw[i] in "_$"):
                i += 1
        if i == start:
            raise errors.syntax_error(f"invalid stage location '{text}'")
        parts.append(names.normalize(raw[start:i]))
        if raw[i:i + 1] == ".":
            i += 1
            continue
        break
    rest = raw[i:]
    if rest and not rest.startswith("/"):
        raise errors.syntax_error(f"invalid stage location '{text}'")
    if len(parts) > 3:
        raise errors.syntax_error(f"invalid stage location '{text}'")
    return Location(tuple(parts), clean_path(rest))


def clean_path(path: str) -> str:
    """A path inside a stage: no leading '/', no empty, '.' or '..' segments; a trailing '/' kept."""
    if any(ord(ch) < 32 for ch in path):
        raise errors.invalid_value(f"invalid stage path {path!r}")
    trailing = path.endswith("/") and path.strip("/") != ""
    segments = [s for s in path.split("/") if s]
    if any(s in (".", "..") for s in segments):
        raise errors.invalid_value(f"invalid stage path '{path}'")
    return "/".join(segments) + ("/" if trailing else "")


def join_path(directory: str, name: str) -> str:
    directory = clean_path(directory)
    if directory and not directory.endswith("/"):
        directory += "/"
    return clean_path(directory + name)


# -- what stage operations answer -----------------------------------------------------------
@dataclass(frozen=True)
class StageRef:
    """A resolved stage: its catalog object (None for @~), where its files are, how LIST names them."""

    obj: Obj | None
    schema: SchemaRef | None
    key: str  # the object id, or '~<user id>' for a user stage
    root: Path
    prefix: str  # LIST puts this before a file's path: 'my_stage/' ('' for @~)
    created: float  # the stage object's creation time: a token outlives no re-created stage

    @property
    def shown(self) -> str:
        if self.obj is None or self.schema is None:
            return "~"
        return f"{self.schema.qualified}.{names.quote(self.obj.name)}"


@dataclass(frozen=True)
class StageFile:
    path: str  # inside the stage
    name: str  # as LIST shows it: the stage prefix and the path
    size: int
    md5: str
    last_modified: datetime

    @property
    def last_modified_text(self) -> str:
        """Snowflake's LIST form: 'Tue, 7 Jan 2025 10:00:00 GMT'."""
        text = format_datetime(self.last_modified.astimezone(UTC), usegmt=True)
        return text[:5] + text[5:].lstrip("0") if text[5] == "0" else text


@dataclass(frozen=True)
class Grant:
    """What a presigned URL allows: one file of one stage, to read and/or write, until `expires`."""

    key: str
    path: str
    ops: str  # 'r', 'w' or 'rw'
    overwrite: bool
    expires: float
    created: float
    root: Path
    once: bool = False  # good for one upload (PUT's per-file URLs)
    token_id: str = ""


class Stages(Objects):
    def __init__(self, shared: Any) -> None:
        super().__init__(shared)
        # Every domain module shares one attribute dict (see Objects): one namespaced entry for stages.
        self._stage_state = {"lock": threading.Lock(), "key": None, "md5": {}, "used": {}}
        with contextlib.suppress(Exception):  # housekeeping must never stop a start
            self.sweep()

    # -- catalog side -------------------------------------------------------------------------
    def _visible(self, ctx: Ctx, obj: Obj) -> bool:
        if obj.props.get("temporary") and obj.props.get("session_id") != ctx.session_id:
            return False
        return self.can_see(ctx, obj)

    def _find(self, ctx: Ctx, parts: list[str] | tuple[str, ...]) -> tuple[SchemaRef, str, Obj | None]:
        ref, name = self.schema_of(ctx, list(parts))
        obj = self.catalog.get(STAGE.namespace, ref.schema.id, name)
        if obj is not None and (obj.kind != STAGE.name or not self._visible(ctx, obj)):
            obj = None
        return ref, name, obj

    @staticmethod
    def _missing(ref: SchemaRef, name: str) -> errors.SnowflakeError:
        return errors.does_not_exist("Stage", f"{ref.qualified}.{names.quote(name)}")

    def get(self, ctx: Ctx, parts: list[str] | tuple[str, ...]) -> tuple[SchemaRef, Obj]:
        """A stage the session can see (DESCRIBE, REST fetch)."""
        ref, name, obj = self._find(ctx, parts)
        if obj is None:
            raise self._missing(ref, name)
        return ref, obj

    def create(
        self, ctx: Ctx, parts: list[str] | tuple[str, ...], mode: CreateMode, *, temporary: bool = False,
        directory: dict[str, Any] | None = None, encryption: str | None = None, comment: str | None = None,
        props: dict[str, Any] | None = None,
    ) -> str:
        encryption = str(encryption or "SNOWFLAKE_FULL").upper()
        if encryption not in ENCRYPTION_TYPES:
            raise errors.invalid_value(
                f"invalid value '{encryption}' for property 'TYPE' of 'ENCRYPTION': an internal stage takes "
                "SNOWFLAKE_FULL or SNOWFLAKE_SSE"
            )
        values: dict[str, Any] = {
            "directory": directory_settings(directory),
            "encryption": encryption,
            **(props or {}),
        }
        ref, name = self.schema_of(ctx, list(parts))
        self.require(ctx, ref.schema, "CREATE STAGE")
        stale = self.catalog.get(STAGE.namespace, ref.schema.id, name)
        if stale is not None and stale.props.get("temporary") and not self.catalog.session_exists(
                int(stale.props.get("session_id", -1))):
            self._drop(stale)  # a temporary stage whose session ended without saying so
        replaced, answer = self.prepare_create(ctx, STAGE, ref.schema.id, name, mode)
        if answer:
            return answer
        owner = self.creating_role(ctx)
        if temporary:
            values["temporary"] = True
            values["session_id"] = ctx.session_id
        if replaced:
            self._drop(replaced)
        with self.catalog.write() as conn:
            obj = self.catalog.insert(
                conn, kind=STAGE.name, namespace=STAGE.namespace, parent_id=ref.schema.id, name=name,
                owner_id=owner, comment=comment, props=values,
            )
        # Catalog ids can be reused: a new stage starts with an empty directory, whatever was there.
        shutil.rmtree(self._root_of(obj.id), ignore_errors=True)
        return results.created("Stage area", name)

    def _drop(self, obj: Obj) -> None:
        with self.catalog.write() as conn:
            self.catalog.delete_tree(conn, obj.id)
        shutil.rmtree(self._root_of(obj.id), ignore_errors=True)

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
        self._drop(obj)
        self.sweep()
        return results.dropped(obj.name)

    def alter(
        self, ctx: Ctx, parts: list[str] | tuple[str, ...], *, rename: list[str] | None = None,
        set_values: dict[str, Any] | None = None, unset: list[str] | None = None, if_exists: bool = False,
    ) -> str:
        try:
            ref, name, obj = self._find(ctx, parts)
        except errors.SnowflakeError as exc:
            if if_exists and exc.code == "002003":
                return results.OK
            raise
        if obj is None:
            if if_exists:
                return results.OK
            raise self._missing(ref, name)
        self.require(ctx, obj, "OWNERSHIP")
        values: dict[str, Any] = {}
        if rename:
            target_ref, new_name = self.schema_of(
                ctx, rename if len(rename) > 1 else [ref.database.name, ref.schema.name, rename[0]])
            if target_ref.schema.id != ref.schema.id:
                raise errors.unsupported("moving a stage to another schema")
            if self.catalog.get(STAGE.namespace, ref.schema.id, new_name):
                raise errors.already_exists(new_name)
            values["name"] = new_name
        props = dict(obj.props)
        comment: Any = obj.comment
        for key, value in (set_values or {}).items():
            if key == "COMMENT":
                comment = value
            elif key == "DIRECTORY":
                props["directory"] = {**props.get("directory", {}), **directory_settings(value, partial=True)}
            elif key in ("FILE_FORMAT", "COPY_OPTIONS", "CREDENTIALS", "TAG"):
                props[key.lower()] = value
            else:
                raise errors.syntax_error(f"invalid property '{key}' for 'STAGE'")
        for key in unset or []:
            if key == "COMMENT":
                comment = None
            elif key in ("FILE_FORMAT", "COPY_OPTIONS"):
                props.pop(key.lower(), None)
            else:
                raise errors.syntax_error(f"invalid property '{key}' for 'STAGE'")
        values.update(props=props, comment=comment)
        with self.catalog.write() as conn:
            self.catalog.update(conn, obj.id, **values)
        return results.OK

    def list(
        self, ctx: Ctx, database: str | None, schema: str | None, scope: str = "SCHEMA",
    ) -> list[tuple[Obj, Obj, Obj]]:
        """(database, schema, stage) triples the session can see, for SHOW STAGES and REST lists."""
        schemas = self.schemas_in_scope(ctx, scope, database, schema)
        return [(db, sc, obj) for db, sc in schemas for obj in self.catalog.list([STAGE.name], sc.id)
                if self._visible(ctx, obj)]

    def drop_session_temporaries(self, session_id: int) -> None:
        """Temporary stages end with their session, files and all."""
        for obj in self.catalog.list([STAGE.name]):
            if obj.props.get("temporary") and obj.props.get("session_id") == session_id:
                self._drop(obj)

    def sweep(self) -> None:
        """Housekeeping: drop temporary stages of ended sessions, delete the files of stages that
        are gone (a dropped schema or database takes its stages' rows, not their directories)."""
        live = set()
        for obj in self.catalog.list([STAGE.name]):
            if obj.props.get("temporary") and not self.catalog.session_exists(int(obj.props.get("session_id", -1))):
                self._drop(obj)
                continue
            live.add(str(obj.id))
        base = self.settings.stage_dir
        if not base.is_dir():
            return
        for entry in base.iterdir():
            if entry.is_dir() and entry.name.isdigit() and entry.name not in live:
                shutil.rmtree(entry, ignore_errors=True)

    # -- resolving a location for file operations ---------------------------------------------
    def _root_of(self, object_id: int) -> Path:
        return self.settings.stage_dir / str(object_id)

    def resolve(self, ctx: Ctx, location: Location, *privileges: str) -> StageRef:
        """The stage a location names, checked for one of `privileges` (any, when none)."""
        if location.parts is None:
            return StageRef(None, None, f"~{ctx.user_id}", self.settings.stage_dir / "users" / str(ctx.user_id), "",
                            0.0)
        ref, name, obj = self._find(ctx, location.parts)
        if obj is None:
            raise self._missing(ref, name)
        if privileges and not self.has_privilege(ctx, obj, *privileges):
            raise self.denied(obj)
        return self._ref(ref, obj)

    def _ref(self, schema: SchemaRef | None, obj: Obj) -> StageRef:
        return StageRef(obj, schema, str(obj.id), self._root_of(obj.id), obj.name.lower() + "/",
                        obj.created_on.timestamp())

    # -- files ----------------------------------------------------------------------------------
    def _md5(self, path: Path, size: int, mtime_ns: int) -> str:
        cache: dict[tuple[str, int, int], str] = self._stage_state["md5"]  # type: ignore[assignment]
        key = (str(path), size, mtime_ns)
        hit = cache.get(key)
        if hit is None:
            digest = hashlib.md5(usedforsecurity=False)
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
            hit = digest.hexdigest()
            if len(cache) > 10000:
                cache.clear()
            cache[key] = hit
        return hit

    def _walk(self, stage: StageRef, prefix: str = "", pattern: str | None = None) -> list[StageFile]:
        matcher = None
        if pattern is not None:
            try:
                matcher = re.compile(pattern, re.DOTALL)
            except re.error as exc:
                raise errors.invalid_value(f"invalid regular expression '{pattern}': {exc}") from None
        root = stage.root
        if not root.is_dir():
            return []
        out = []
        for dirpath, _dirs, files in os.walk(root):
            for file_name in files:
                full = Path(dirpath) / file_name
                rel = full.relative_to(root).as_posix()
                if not rel.startswith(prefix):
                    continue
                name = stage.prefix + rel
                if matcher is not None and not (matcher.fullmatch(name) or matcher.fullmatch(rel)):
                    continue
                try:
                    st = full.stat()
                    md5 = self._md5(full, st.st_size, st.st_mtime_ns)
                except FileNotFoundError:  # removed meanwhile
                    continue
                out.append(StageFile(rel, name, st.st_size, md5, datetime.fromtimestamp(st.st_mtime, UTC)))
        return sorted(out, key=lambda f: f.path)

    def list_files(self, ctx: Ctx, location: Location, pattern: str | None = None) -> list[StageFile]:
        """LIST @stage[/path] [PATTERN]: the files under a path prefix (READ)."""
        stage = self.resolve(ctx, location, "READ")
        return self._walk(stage, location.path, pattern)

    def remove_files(self, ctx: Ctx, location: Location, pattern: str | None = None) -> list[str]:
        """REMOVE @stage[/path] [PATTERN]: delete matching files (WRITE); their LIST names."""
        stage = self.resolve(ctx, location, "WRITE")
        removed = []
        for f in self._walk(stage, location.path, pattern):
            with contextlib.suppress(FileNotFoundError):
                (stage.root / f.path).unlink()
                removed.append(f.name)
        _prune(stage.root)
        return removed

    def read_file(self, ctx: Ctx, location: Location | str, path: str | None = None) -> bytes:
        """The bytes of one staged file, as uploaded (READ). `location` is a Location or the text
        `@stage[/dir]`; `path` (relative to it) names the file, or the location's path does.
        This is how service specifications are read from stages."""
        if isinstance(location, str):
            location = parse_location(location)
        full_path = join_path(location.path, path) if path else clean_path(location.path)
        stage = self.resolve(ctx, location, "READ")
        target = stage.root / full_path
        if not full_path or full_path.endswith("/") or not target.is_file():
            raise errors.SnowflakeError(
                "002003", "02000",
                f"{errors.COMPILATION}File '{stage.prefix}{full_path}' does not exist or not authorized.", 404,
            )
        return target.read_bytes()

    def upload_target(self, ctx: Ctx, location: Location, file_name: str) -> tuple[StageRef, str]:
        """Where PUT puts a file named `file_name` (WRITE): the location's path is a directory."""
        stage = self.resolve(ctx, location, "WRITE")
        base_name = file_name.replace("\\", "/").rsplit("/", 1)[-1]
        return stage, join_path(location.path, base_name) if base_name else clean_path(location.path)

    def download_files(self, ctx: Ctx, location: Location, pattern: str | None = None) -> tuple[StageRef, list[StageFile]]:
        """What GET downloads (READ): the files under the location's path prefix."""
        stage = self.resolve(ctx, location, "READ")
        return stage, self._walk(stage, location.path, pattern)

    def stage_ref(self, ctx: Ctx, parts: list[str] | tuple[str, ...], *privileges: str) -> StageRef:
        return self.resolve(ctx, Location(tuple(parts)), *privileges)

    # -- presigned URLs -----------------------------------------------------------------------
    def _key(self) -> bytes:
        state = self._stage_state
        if state["key"] is None:
            with state["lock"]:  # type: ignore[attr-defined]
                if state["key"] is None:
                    value = self.catalog.account_value(_KEY_NAME)
                    if not value:
                        value = secrets.token_hex(32)
                        with self.catalog.write(objects_changed=False) as conn:
                            self.catalog.set_account_value(conn, _KEY_NAME, value)
                        value = self.catalog.account_value(_KEY_NAME) or value
                    state["key"] = bytes.fromhex(str(value))
        return state["key"]  # type: ignore[return-value]

    def presign(self, stage: StageRef, path: str, ops: str, *, overwrite: bool = True,
                ttl: int = TRANSFER_TTL_S, once: bool = False) -> str:
        """A URL path (under FILES_PREFIX) that lets its holder read and/or write one file;
        `once`: for one upload only (see `claim`)."""
        payload = {"k": stage.key, "p": path, "o": ops, "w": overwrite, "e": int(time.time()) + int(ttl),
                   "c": stage.created, "n": secrets.token_hex(6) if once else None}
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        sig = _b64(hmac.new(self._key(), body.encode(), hashlib.sha256).digest())
        url = f"{FILES_PREFIX}/{body}.{sig}/{quote(path.rsplit('/', 1)[-1] or 'file')}"
        # Connector 5.x checks, as with a GCS V4 signature, that an upload URL covers the headers of
        # a conditional create (OVERWRITE = FALSE), and sends them; the files door honours them.
        return url + "?X-Goog-SignedHeaders=" + _SIGNED_HEADERS if ops == "w" else url

    def redeem(self, token: str, op: str) -> Grant:
        """Check a presigned URL's token for `op` ('r' or 'w'); the stage must still be there."""
        denied = errors.SnowflakeError("390104", "08004", "The presigned URL is invalid or has expired.", 403)
        body, _, sig = token.partition(".")
        expected = _b64(hmac.new(self._key(), body.encode(), hashlib.sha256).digest())
        if not sig or not hmac.compare_digest(sig, expected):
            raise denied
        try:
            payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, TypeError):
            raise denied from None
        if payload["e"] < time.time() or op not in payload["o"]:
            raise denied
        key = str(payload["k"])
        if key.startswith("~"):
            root = self.settings.stage_dir / "users" / key[1:]
        else:
            obj = self.catalog.get_by_id(int(key))
            if obj is None or obj.kind != STAGE.name or obj.created_on.timestamp() != payload["c"]:
                raise errors.SnowflakeError("002003", "02000", "The stage of this URL does not exist.", 404)
            root = self._root_of(obj.id)
        return Grant(key, str(payload["p"]), str(payload["o"]), bool(payload["w"]), float(payload["e"]),
                     float(payload["c"]), root, bool(payload.get("n")), sig)

    def claim(self, grant: Grant) -> bool:
        """Use up a one-upload URL; False when it was used before. Connector 5.x keeps the URL it
        got for one file and tries it for the next file of a multi-file PUT: refused, it asks for
        that file's own URL (re-issuing the PUT), as it does when a GCS URL has expired."""
        if not grant.once:
            return True
        used: dict[str, float] = self._stage_state["used"]  # type: ignore[assignment]
        with self._stage_state["lock"]:  # type: ignore[attr-defined]
            if grant.token_id in used:
                return False
            now = time.time()
            if len(used) > 1000:
                for key in [k for k, expires in used.items() if expires < now]:
                    del used[key]
            used[grant.token_id] = grant.expires
            return True

    def incoming(self) -> Path:
        """A fresh temporary file path for an upload in progress (then `store` it)."""
        directory = self.settings.stage_dir / _INCOMING
        directory.mkdir(parents=True, exist_ok=True)
        return directory / uuid.uuid4().hex

    def store(self, grant: Grant, uploaded: Path) -> bool:
        """Put an uploaded file (written to an `incoming()` path) in place. False when the file
        exists and the upload may not overwrite it: the stage keeps its file, as Snowflake's PUT
        with OVERWRITE = FALSE does. The temporary file is gone afterwards either way."""
        try:
            target = grant.root / clean_path(grant.path)
            if not grant.overwrite and target.exists():
                return False
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(uploaded, target)
            return True
        finally:
            with contextlib.suppress(FileNotFoundError):
                uploaded.unlink()

    def exists(self, grant: Grant) -> bool:
        return (grant.root / clean_path(grant.path)).is_file()

    def open_file(self, grant: Grant) -> Path:
        target = grant.root / clean_path(grant.path)
        if not target.is_file():
            raise errors.SnowflakeError("002003", "02000", "The file of this URL does not exist.", 404)
        return target


def directory_settings(value: Any, *, partial: bool = False) -> dict[str, Any]:
    """DIRECTORY = (ENABLE = TRUE ...) as stored: enable, refresh_on_create, auto_refresh."""
    given = {str(k).lower(): v for k, v in (value or {}).items()} if isinstance(value, dict) else {}
    allowed = {"enable", "refresh_on_create", "auto_refresh", "notification_integration"}
    unknown = set(given) - allowed
    if unknown:
        raise errors.syntax_error(f"invalid property '{sorted(unknown)[0].upper()}' for 'DIRECTORY'")
    out: dict[str, Any] = {} if partial else {"enable": False, "refresh_on_create": True, "auto_refresh": False}
    for key, raw in given.items():
        if key == "notification_integration":
            out[key] = raw
        elif raw is not None:
            out[key] = _bool(raw, key)
    return out


def _bool(value: Any, prop: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().upper()
    if text in ("TRUE", "YES", "ON", "1"):
        return True
    if text in ("FALSE", "NO", "OFF", "0"):
        return False
    raise errors.invalid_value(f"invalid value '{value}' for property '{prop.upper()}'")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _prune(root: Path) -> None:
    """Remove directories left empty by a REMOVE (the stage root stays)."""
    if not root.is_dir():
        return
    for dirpath, _dirs, _files in sorted(os.walk(root), key=lambda w: -len(w[0])):
        if Path(dirpath) != root:
            with contextlib.suppress(OSError):
                os.rmdir(dirpath)
