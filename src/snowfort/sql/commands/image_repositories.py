"""Image repositories over SQL: CREATE / DROP IMAGE REPOSITORY, SHOW IMAGE REPOSITORIES and
SHOW IMAGES IN IMAGE REPOSITORY (empty until the registry holds images)."""

from __future__ import annotations

from snowfort import errors
from snowfort.domain.listing import like_matcher
from snowfort.sql.commands import Env, handler
from snowfort.sql.commands.objects import create_head, drop_head
from snowfort.sql.commands.show import select, show_head, table_scope
from snowfort.sql.commands.stages import stage_options
from snowfort.sql.lexer import Tokens
from snowfort.sql.result import Result, rows_result, status

KNOWN = {"ENCRYPTION", "COMMENT", "TAG"}

REPOSITORY_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("name", "text"), ("database_name", "text"), ("schema_name", "text"),
    ("repository_url", "text"), ("owner", "text"), ("owner_role_type", "text"), ("comment", "text"),
    ("encryption", "text"), ("privatelink_repository_url", "text"),
]
IMAGE_COLUMNS = [
    ("created_on", "timestamp_ltz"), ("image_name", "text"), ("tags", "text"), ("digest", "text"),
    ("image_path", "text"),
]


@handler("CREATE", "IMAGE REPOSITORY")
def create_image_repository(t: Tokens, env: Env) -> Result:
    head = create_head(t, "IMAGE REPOSITORY")
    if head.modifiers:
        t.fail()
    parts = t.qualified()
    props = stage_options(t)
    for key in props:
        if key not in KNOWN:
            raise errors.syntax_error(f"invalid property '{key}' for 'IMAGE REPOSITORY'")
    encryption = props.get("ENCRYPTION") or {}
    if not isinstance(encryption, dict):
        raise errors.syntax_error("ENCRYPTION takes a list: ENCRYPTION = ( TYPE = 'SNOWFLAKE_SSE' )")
    comment = props.get("COMMENT")
    return status(env.domain.image_repositories.create(
        env.ctx, parts, head.mode, encryption=encryption.get("TYPE"),
        comment=None if comment is None else str(comment),
    ))


@handler("DROP", "IMAGE REPOSITORY")
def drop_image_repository(t: Tokens, env: Env) -> Result:
    if_exists, parts = drop_head(t, "IMAGE REPOSITORY")
    return status(env.domain.image_repositories.drop(env.ctx, parts, if_exists))


@handler("SHOW", "IMAGE REPOSITORIES")
def show_image_repositories(t: Tokens, env: Env) -> Result:
    opts = show_head(t, "IMAGE", "REPOSITORIES")
    scope, database, schema = table_scope(env, opts)
    repos = env.domain.image_repositories
    try:
        found = repos.list(env.ctx, database, schema, scope)
    except errors.SnowflakeError as exc:
        # `snow spcs image-registry url` asks `in schema snowflake.images` first and reads the
        # result without catching errors; only an empty answer makes it fall back to `in account`.
        # Snowflake's shared SNOWFLAKE database is not held here: that schema has no repositories.
        if exc.code == "002003" and (database, schema) == ("SNOWFLAKE", "IMAGES"):
            found = []
        else:
            raise
    items = select(opts, found, lambda p: p[2].name)
    rows = []
    for db, sc, obj in items:
        d = repos.describe(db, sc, obj)
        rows.append([d[name] for name, _ in REPOSITORY_COLUMNS[:-1]] + [None])
    return rows_result(REPOSITORY_COLUMNS, rows)


@handler("SHOW", "IMAGES IN", "IMAGES")
def show_images(t: Tokens, env: Env) -> Result:
    """SHOW IMAGES [LIKE '<pattern>'] IN IMAGE REPOSITORY <name>."""
    t.expect("SHOW", "IMAGES")
    like = t.string() if t.accept("LIKE") else None
    t.expect("IN", "IMAGE", "REPOSITORY")
    parts = t.qualified()
    t.end()
    images = env.domain.image_repositories.list_images(env.ctx, parts)
    match = like_matcher(like)
    rows = [[i.created_on, i.image_name, i.tags, i.digest, i.image_path] for i in images if match(i.image_name)]
    return rows_result(IMAGE_COLUMNS, rows)
