"""Stages over SQL: CREATE / ALTER / DROP / SHOW / DESCRIBE STAGE, LIST, REMOVE, PUT and GET.

PUT and GET answer with a file-transfer descriptor (`Result.transfer`) instead of rows: the
connector then moves the bytes itself over presigned URLs (the "GCS" stage type, the one that
works over plain HTTP), re-issuing the PUT once per file to get each file's URL.

LIST, REMOVE, PUT and GET are read from the raw statement text: local paths (`file:///tmp/a b.txt`,
`file://C:\\x`) and stage paths are not SQL tokens.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from sqlglot.tokens import TokenType

from snowfort import errors
from snowfort.domain.stages import Location, StageRef, parse_location
from snowfort.sql.commands import Env, handler, raw_handler
from snowfort.sql.commands.objects import create_head, drop_head, unset_list
from snowfort.sql.commands.show import owner_type, select, show_head, table_scope, yn
from snowfort.sql.lexer import Tokens
from snowfort.sql.result import Result, rows_result, status

# statementTypeId of PUT and GET answers (connector 5.x builds the transfer result on seeing them).
UPLOAD, DOWNLOAD = 0x7101, 0x7102
SOURCE_COMPRESSIONS = ("AUTO_DETECT", "GZIP", "BZ2", "BROTLI", "ZSTD", "DEFLATE", "RAW_DEFLATE", "NONE")


# -- stage options: KEY = value | KEY = ( KEY = value ... ) ---------------------------------
def option_value(t: Tokens) -> Any:
    if t.punct(TokenType.L_PAREN):
        inner: dict[str, Any] = {}
        while not t.punct(TokenType.R_PAREN):
            if t.at_end():
                t.fail()
            if t.punct(TokenType.COMMA):
                continue
            key = t.next().text.upper()
            if not t.punct(TokenType.EQ):
                t.i -= 1
                t.fail()
            inner[key] = option_value(t)
        return inner
    return t.value()


def stage_options(t: Tokens) -> dict[str, Any]:
    """The properties of CREATE STAGE / ALTER STAGE SET, nested groups as dicts."""
    props: dict[str, Any] = {}
    while not t.at_end():
        if t.punct(TokenType.COMMA):
            continue
        if t.accept("WITH"):
            continue
        if t.word() == "TAG" and t.peek(1) is not None and t.peek(1).token_type == TokenType.L_PAREN:  # type: ignore[union-attr]
            t.next()
            props["TAG"] = option_value(t)
            continue
        key = t.next().text.upper()
        if not t.punct(TokenType.EQ):
            t.i -= 1
            t.fail()
        props[key] = option_value(t)
    return props


def formats(props: dict[str, Any]) -> dict[str, Any]:
    """FILE_FORMAT = (TYPE = json ...) kept as Snowflake shows it: enum values upper-cased."""
    file_format = props.get("FILE_FORMAT")
    if isinstance(file_format, dict):
        props["FILE_FORMAT"] = {k: v.upper() if k in ("TYPE", "COMPRESSION") and isinstance(v, str) else v
                                for k, v in file_format.items()}
    return props


EXTERNAL = ("URL", "STORAGE_INTEGRATION", "CREDENTIALS", "ENDPOINT", "USE_PRIVATELINK_ENDPOINT")
KNOWN = {"DIRECTORY", "ENCRYPTION", "FILE_FORMAT", "COPY_OPTIONS", "COMMENT", "TAG"}


@handler("CREATE", "STAGE")
def create_stage(t: Tokens, env: Env) -> Result:
    head = create_head(t, "STAGE")
    parts = t.qualified()
    props = stage_options(t)
    for key in props:
        if key in EXTERNAL:
            raise errors.unsupported("external stages")
        if key not in KNOWN:
            raise errors.syntax_error(f"invalid property '{key}' for 'STAGE'")
    encryption = props.get("ENCRYPTION") or {}
    if not isinstance(encryption, dict):
        raise errors.syntax_error("ENCRYPTION takes a list: ENCRYPTION = ( TYPE = 'SNOWFLAKE_SSE' )")
    directory = props.get("DIRECTORY")
    if directory is not None and not isinstance(directory, dict):
        raise errors.syntax_error("DIRECTORY takes a list: DIRECTORY = ( ENABLE = TRUE )")
    extra = {k.lower(): v for k, v in formats(props).items() if k in ("FILE_FORMAT", "COPY_OPTIONS", "TAG")}
    return status(env.domain.stages.create(
        env.ctx, parts, head.mode, temporary=bool(head.modifiers & {"TEMPORARY", "TEMP"}), directory=directory,
        encryption=encryption.get("TYPE"), comment=props.get("COMMENT"), props=extra,
    ))


@handler("DROP", "STAGE")
def drop_stage(t: Tokens, env: Env) -> Result:
    if_exists, parts = drop_head(t, "STAGE")
    return status(env.domain.stages.drop(env.ctx, parts, if_exists))


@handler("ALTER", "STAGE")
def alter_stage(t: Tokens, env: Env) -> Result:
    t.expect("ALTER", "STAGE")
    if_exists = t.if_exists()
    parts = t.qualified()
    stages = env.domain.stages
    if t.accept("RENAME", "TO"):
        rename = t.qualified()
        t.end()
        return status(stages.alter(env.ctx, parts, rename=rename, if_exists=if_exists))
    if t.accept("REFRESH"):
        # The directory table follows the files by itself here: nothing to refresh.
        stage_options(t)
        stages.alter(env.ctx, parts, if_exists=if_exists)
        return rows_result([("file", "text"), ("status", "text"), ("description", "text")], [])
    if t.accept("SET"):
        values = formats(stage_options(t))
        for key in values:
            if key in EXTERNAL:
                raise errors.unsupported("external stages")
        return status(stages.alter(env.ctx, parts, set_values=values, if_exists=if_exists))
    if t.accept("UNSET"):
        keys = unset_list(t)
        t.end()
        return status(stages.alter(env.ctx, parts, unset=keys, if_exists=if_exists))
    t.fail()
    raise AssertionError


# -- SHOW / DESCRIBE ------------------------------------------------------------------------
STAGE_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("name", "text"), ("database_name", "text"), ("schema_name", "text"),
    ("url", "text"), ("has_credentials", "text"), ("has_encryption_key", "text"), ("owner", "text"),
    ("comment", "text"), ("region", "text"), ("type", "text"), ("cloud", "text"), ("notification_channel", "text"),
    ("storage_integration", "text"), ("endpoint", "text"), ("owner_role_type", "text"),
    ("directory_enabled", "text"),
]


def stage_type(obj: Any) -> str:
    kind = "INTERNAL NO CSE" if obj.props.get("encryption") == "SNOWFLAKE_SSE" else "INTERNAL"
    return f"{kind} TEMPORARY" if obj.props.get("temporary") else kind


@handler("SHOW", "STAGES")
def show_stages(t: Tokens, env: Env) -> Result:
    opts = show_head(t, "STAGES")
    scope, database, schema = table_scope(env, opts)
    items = select(opts, env.domain.stages.list(env.ctx, database, schema, scope), lambda p: p[2].name)
    rows = []
    for db, sc, obj in items:
        owner = env.domain.base.owner_name(obj)
        rows.append([
            obj.created_on, obj.name, db.name, sc.name, "", "N", "N", owner, obj.comment or "", None,
            stage_type(obj), None, None, None, None, owner_type(owner),
            yn(bool(obj.props.get("directory", {}).get("enable"))),
        ])
    return rows_result(STAGE_COLUMNS, rows)


DESCRIBE_COLUMNS = [("parent_property", "text"), ("property", "text"), ("property_type", "text"),
                    ("property_value", "text"), ("property_default", "text")]


FILE_FORMAT_DEFAULTS = [("TYPE", "String", "CSV"), ("RECORD_DELIMITER", "String", "\\n"),
                        ("FIELD_DELIMITER", "String", ","), ("SKIP_HEADER", "Integer", "0"),
                        ("COMPRESSION", "String", "AUTO")]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@handler("DESCRIBE", "STAGE")
def describe_stage(t: Tokens, env: Env) -> Result:
    t.next()
    t.next()
    parts = t.qualified()
    t.end()
    _, obj = env.domain.stages.get(env.ctx, parts)
    directory = obj.props.get("directory", {})
    file_format = obj.props.get("file_format") or {}
    rows = [
        ["STAGE_FILE_FORMAT", key, kind, _text(file_format.get(key, default)), default]
        for key, kind, default in FILE_FORMAT_DEFAULTS
    ]
    rows += [
        ["STAGE_COPY_OPTIONS", "ON_ERROR", "String", "ABORT_STATEMENT", "ABORT_STATEMENT"],
        ["STAGE_COPY_OPTIONS", "PURGE", "Boolean", "false", "false"],
        ["STAGE_LOCATION", "URL", "String", "", ""],
        ["STAGE_INTEGRATION", "STORAGE_INTEGRATION", "String", "", ""],
        ["STAGE_CREDENTIALS", "AWS_KEY_ID", "String", "", ""],
        ["STAGE_ENCRYPTION", "TYPE", "String", _text(obj.props.get("encryption", "SNOWFLAKE_FULL")), "SNOWFLAKE_FULL"],
        ["DIRECTORY", "ENABLE", "Boolean", _text(bool(directory.get("enable"))), "false"],
        ["DIRECTORY", "REFRESH_ON_CREATE", "Boolean", _text(directory.get("refresh_on_create", True)), "true"],
        ["DIRECTORY", "AUTO_REFRESH", "Boolean", _text(bool(directory.get("auto_refresh"))), "false"],
    ]
    return rows_result(DESCRIBE_COLUMNS, rows)


# -- the file statements, read from their text ----------------------------------------------
class Scan:
    """A character scanner for PUT / GET / LIST / REMOVE: words, quoted or bare paths, options."""

    def __init__(self, sql: str) -> None:
        self.s = sql
        self.i = 0

    def skip(self) -> None:
        while self.i < len(self.s):
            if self.s[self.i].isspace():
                self.i += 1
            elif self.s.startswith("/*", self.i):
                end = self.s.find("*/", self.i + 2)
                self.i = len(self.s) if end < 0 else end + 2
            elif self.s.startswith("--", self.i) or self.s.startswith("//", self.i):
                end = self.s.find("\n", self.i)
                self.i = len(self.s) if end < 0 else end + 1
            else:
                return

    def at_end(self) -> bool:
        self.skip()
        return self.i >= len(self.s) or self.s[self.i] == ";" and not self.s[self.i + 1:].strip(" \t\r\n;")

    def fail(self) -> errors.SnowflakeError:
        self.skip()
        rest = self.s[self.i:].split()
        near = rest[0] if rest else "<EOF>"
        return errors.syntax_error(f"syntax error line 1 at position {self.i} unexpected '{near}'.")

    def word(self) -> str:
        self.skip()
        start = self.i
        while self.i < len(self.s) and (self.s[self.i].isalnum() or self.s[self.i] == "_"):
            self.i += 1
        if self.i == start:
            raise self.fail()
        return self.s[start:self.i].upper()

    def item(self) -> str:
        """A quoted string (unescaped) or a bare run up to blank or ';' (double quotes kept whole)."""
        self.skip()
        if self.i >= len(self.s):
            raise self.fail()
        if self.s[self.i] in "'$":
            return self._quoted()
        start = self.i
        in_quotes = False
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == '"':
                in_quotes = not in_quotes
            elif not in_quotes and (ch.isspace() or ch == ";"):
                break
            self.i += 1
        return self.s[start:self.i]

    def _quoted(self) -> str:
        if self.s.startswith("$$", self.i):
            end = self.s.find("$$", self.i + 2)
            if end < 0:
                raise self.fail()
            text, self.i = self.s[self.i + 2:end], end + 2
            return text
        if self.s[self.i] != "'":
            raise self.fail()
        self.i += 1
        out = []
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == "\\" and self.i + 1 < len(self.s):
                nxt = self.s[self.i + 1]
                out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(nxt, nxt))
                self.i += 2
                continue
            if ch == "'":
                if self.s.startswith("''", self.i):
                    out.append("'")
                    self.i += 2
                    continue
                self.i += 1
                return "".join(out)
            out.append(ch)
            self.i += 1
        raise errors.syntax_error("syntax error line 1 at position 0 unexpected '<EOF>'.")

    def options(self, allowed: tuple[str, ...]) -> dict[str, str]:
        opts: dict[str, str] = {}
        while not self.at_end():
            if self.s[self.i] == ",":
                self.i += 1
                continue
            start = self.i
            key = self.word()
            if key not in allowed:
                self.i = start
                raise self.fail()
            self.skip()
            if self.s[self.i:self.i + 1] != "=":
                raise self.fail()
            self.i += 1
            opts[key] = self.item()
        return opts


def as_bool(value: str | None, default: bool, key: str) -> bool:
    if value is None:
        return default
    text = value.strip().upper()
    if text in ("TRUE", "YES", "ON", "1"):
        return True
    if text in ("FALSE", "NO", "OFF", "0"):
        return False
    raise errors.invalid_value(f"invalid value '{value}' for property '{key}'")


def as_int(value: str | None, default: int, key: str, low: int = 1, high: int = 99) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise errors.invalid_value(f"invalid value '{value}' for property '{key}'") from None
    if not low <= number <= high:
        raise errors.invalid_value(f"invalid value '{value}' for property '{key}': must be from {low} to {high}")
    return number


def local_path(item: str) -> str:
    if not item.lower().startswith("file://"):
        raise errors.syntax_error(f"syntax error line 1 at position 0 unexpected '{item}'.")
    return item[len("file://"):]


def head(sql: str, *verbs: str) -> Scan:
    scan = Scan(sql)
    if scan.word() not in verbs:
        raise scan.fail()
    return scan


def location(scan: Scan) -> Location:
    item = scan.item()
    if not item.startswith("@"):
        raise errors.syntax_error(f"syntax error line 1 at position 0 unexpected '{item}'.")
    return parse_location(item)


LIST_COLUMNS = [("name", "text"), ("size", "fixed"), ("md5", "text"), ("last_modified", "text")]


@raw_handler("LIST", "LS")
def list_stage(sql: str, env: Env) -> Result:
    scan = head(sql, "LIST", "LS")
    where = location(scan)
    opts = scan.options(("PATTERN",))
    files = env.domain.stages.list_files(env.ctx, where, opts.get("PATTERN"))
    return rows_result(LIST_COLUMNS, [[f.name, f.size, f.md5, f.last_modified_text] for f in files])


@raw_handler("REMOVE", "RM")
def remove_stage(sql: str, env: Env) -> Result:
    scan = head(sql, "REMOVE", "RM")
    where = location(scan)
    opts = scan.options(("PATTERN",))
    removed = env.domain.stages.remove_files(env.ctx, where, opts.get("PATTERN"))
    return rows_result([("name", "text"), ("result", "text")], [[name, "removed"] for name in removed])


def stage_info(stage: StageRef, directory: str) -> dict[str, Any]:
    """The `stageInfo` of a transfer: a GCS stage reached through presigned URLs only."""
    path = directory if not directory or directory.endswith("/") else directory + "/"
    return {
        "locationType": "GCS",
        "location": f"snowfort/{stage.key}/{path}",
        "path": path,
        "region": "snowfort",
        "storageAccount": None,
        "isClientSideEncrypted": False,
        "creds": {},
        "endPoint": None,
        "useS3RegionalUrl": False,
        "useRegionalUrl": False,
        "useVirtualUrl": False,
    }


def per_file(source: str) -> bool:
    """A PUT re-issued by the client for one file names it alone: `file://hello.txt.gz`."""
    return not any(ch in source for ch in "/\\*?")


def _column(name: str, kind: str) -> dict[str, Any]:
    if kind == "fixed":
        return {"name": name, "type": "fixed", "length": None, "precision": 19, "scale": 0, "nullable": False}
    return {"name": name, "type": "text", "length": 16777216, "precision": None, "scale": None, "nullable": False}


# The columns of the result the client builds after a transfer (Snowflake sends them as `rowtype`;
# connector 5.x describes the result with them).
PUT_ROWTYPE = [_column(n, k) for n, k in (
    ("source", "text"), ("target", "text"), ("source_size", "fixed"), ("target_size", "fixed"),
    ("source_compression", "text"), ("target_compression", "text"), ("status", "text"), ("message", "text"))]
GET_ROWTYPE = [_column(n, k) for n, k in (("file", "text"), ("size", "fixed"), ("status", "text"), ("message", "text"))]


def transfer_result(transfer: dict[str, Any]) -> Result:
    return Result([], pa.table({}), transfer=transfer)


@raw_handler("PUT")
def put(sql: str, env: Env) -> Result:
    scan = head(sql, "PUT")
    source = local_path(scan.item())
    where = location(scan)
    opts = scan.options(("PARALLEL", "AUTO_COMPRESS", "SOURCE_COMPRESSION", "OVERWRITE"))
    parallel = as_int(opts.get("PARALLEL"), 4, "PARALLEL")
    auto_compress = as_bool(opts.get("AUTO_COMPRESS"), True, "AUTO_COMPRESS")
    overwrite = as_bool(opts.get("OVERWRITE"), False, "OVERWRITE")
    compression = (opts.get("SOURCE_COMPRESSION") or "AUTO_DETECT").upper()
    if compression not in SOURCE_COMPRESSIONS:
        raise errors.invalid_value(f"invalid value '{compression}' for property 'SOURCE_COMPRESSION'")
    if not source:
        raise errors.syntax_error("PUT needs a local file: PUT file://<path> @<stage>")
    stages = env.domain.stages
    # The client re-issues this statement once per file with the local path replaced by the file's
    # name in the stage (`PUT file://a.txt.gz @st`): each answer carries that file's URL.
    stage, target = stages.upload_target(env.ctx, where, source)
    if not per_file(source):
        # The first answer, for a path or a wildcard: the name each file gets in the stage (a `.gz`
        # added or not) is the client's choice, so this URL names no file and answers 400, which
        # makes connector 5.x re-issue the PUT per file too (4.x always does, before uploading).
        target = ""
    url = stages.presign(stage, target, "w", overwrite=overwrite, once=True)
    return transfer_result({
        "command": "UPLOAD",
        "statementTypeId": UPLOAD,
        "rowtype": PUT_ROWTYPE,
        "src_locations": [source],
        # One file at a time when the client expands the files itself: connector 5.x shares one URL
        # among its uploads, and a used URL makes it ask for the next file's own (see claim()).
        "parallel": parallel if target else 1,
        "overwrite": overwrite,
        "autoCompress": auto_compress,
        "sourceCompression": compression.lower(),
        "clientShowEncryptionParameter": False,
        "encryptionMaterial": None,
        "stageInfo": {**stage_info(stage, where.path), "presignedUrl": url},
        "threshold": 64 * 1024 * 1024,
    })


@raw_handler("GET")
def get(sql: str, env: Env) -> Result:
    scan = head(sql, "GET")
    where = location(scan)
    target = local_path(scan.item())
    opts = scan.options(("PARALLEL", "PATTERN"))
    parallel = as_int(opts.get("PARALLEL"), 10, "PARALLEL")
    stages = env.domain.stages
    stage, files = stages.download_files(env.ctx, where, opts.get("PATTERN"))
    return transfer_result({
        "command": "DOWNLOAD",
        "statementTypeId": DOWNLOAD,
        "rowtype": GET_ROWTYPE,
        "src_locations": [f.path for f in files],
        "presignedUrls": [stages.presign(stage, f.path, "r") for f in files],
        "encryptionMaterial": None,
        "localLocation": target,
        "parallel": parallel,
        "stageInfo": stage_info(stage, where.path if where.path.endswith("/") else ""),
    })
