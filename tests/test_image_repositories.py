"""Image repositories over SQL with the real connector: CREATE / DROP IMAGE REPOSITORY, SHOW IMAGE
REPOSITORIES (columns, scopes, repository_url), SHOW IMAGES IN IMAGE REPOSITORY (empty until the
registry holds images), grants and privileges, and the query `snow spcs image-registry url` sends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import Server, unique
from snowflake.connector.errors import ProgrammingError

pytestmark = pytest.mark.connector5

SHOW_COLUMNS = ["created_on", "name", "database_name", "schema_name", "repository_url", "owner", "owner_role_type",
                "comment", "encryption", "privatelink_repository_url"]
IMAGE_COLUMNS = ["created_on", "image_name", "tags", "digest", "image_path"]


def rows(cur: Any, sql: str) -> list[dict[str, Any]]:
    cur.execute(sql)
    names = [d.name for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def one(cur: Any, sql: str) -> Any:
    cur.execute(sql)
    (row,) = cur.fetchall()
    return row[0]


def error(cur: Any, sql: str) -> ProgrammingError:
    with pytest.raises(ProgrammingError) as info:
        cur.execute(sql)
    return info.value


@pytest.fixture
def repo(cur: Any, db: str) -> Iterator[str]:
    name = unique("REPO")
    cur.execute(f"create image repository {name}")
    yield name


def test_create_modes_and_messages(cur: Any, db: str) -> None:
    name = unique("REPO")
    assert one(cur, f"create image repository {name}") == f"Image Repository {name} successfully created."
    exc = error(cur, f"create image repository {name}")
    assert (exc.errno, exc.sqlstate) == (2002, "42710")
    assert one(cur, f"create image repository if not exists {name}") == f"{name} already exists, statement succeeded."
    cur.execute(f"create or replace image repository {name} comment = 'second'")
    assert [r["comment"] for r in rows(cur, f"show image repositories like '{name}'")] == ["second"]
    exc = error(cur, f"create or replace image repository if not exists {name}")
    assert exc.errno is not None
    # Another kind's name in the schema does not clash (stages and tables have their own namespaces).
    cur.execute(f"create stage {name}")
    assert one(cur, f"drop image repository {name}") == f"{name} successfully dropped."
    assert one(cur, f"drop image repository if exists {name}") == (
        f"Drop statement executed successfully ({name} already dropped).")
    exc = error(cur, f"drop image repository {name}")
    assert (exc.errno, exc.sqlstate) == (2003, "02000")
    assert "does not exist or not authorized" in exc.msg


def test_options(cur: Any, db: str) -> None:
    name = unique("REPO")
    cur.execute(f"create image repository {name} encryption = (type = 'SNOWFLAKE_SSE') comment = 'c' "
                "with tag (a = 'b')")
    (row,) = rows(cur, f"show image repositories like '{name}'")
    assert (row["encryption"], row["comment"]) == ("SNOWFLAKE_SSE", "c")
    exc = error(cur, f"create image repository {unique('REPO')} encryption = (type = 'AWS_SSE_S3')")
    assert exc.errno == 2029
    exc = error(cur, f"create image repository {unique('REPO')} url = 'x'")
    assert exc.errno is not None
    exc = error(cur, 'create image repository "lower_case"')
    assert exc.errno == 2040


def test_show_columns_and_repository_url(server: Server, cur: Any, db: str, repo: str) -> None:
    (row,) = rows(cur, f"show image repositories like '{repo}'")
    assert list(row) == SHOW_COLUMNS
    assert (row["name"], row["database_name"], row["schema_name"]) == (repo, db, "PUBLIC")
    assert row["repository_url"] == f"127.0.0.1:{server.port}/{db.lower()}/public/{repo.lower()}"
    assert (row["owner"], row["owner_role_type"], row["comment"]) == ("ACCOUNTADMIN", "ROLE", "")
    assert row["encryption"] == "SNOWFLAKE_FULL"
    assert row["privatelink_repository_url"] is None
    assert row["created_on"] is not None
    # Scopes: the current schema, the database, the account, a named schema.
    for sql in (f"show image repositories in database {db}", "show image repositories in account",
                f"show image repositories in schema {db}.public", f"show image repositories in {db}.public",
                "show image repositories"):
        assert repo in [r["name"] for r in rows(cur, sql)], sql
    assert rows(cur, "show image repositories like 'NO_SUCH%'") == []


def test_show_images_is_empty(cur: Any, db: str, repo: str) -> None:
    cur.execute(f"show images in image repository {repo}")
    assert [d.name for d in cur.description] == IMAGE_COLUMNS
    assert cur.fetchall() == []
    assert rows(cur, f"show images like 'echo%' in image repository {db}.public.{repo}") == []
    exc = error(cur, "show images in image repository no_such_repo")
    assert (exc.errno, exc.sqlstate) == (2003, "02000")


def test_snow_cli_registry_url_query(server: Server, cur: Any, db: str, repo: str) -> None:
    """`snow spcs image-registry url` asks `in schema snowflake.images` first, then, on no row, `in
    account`, and prints the netloc of the first row's repository_url."""
    # The CLI reads this answer without catching errors: it must be a (here empty) result set.
    assert rows(cur, "show image repositories in schema snowflake.images;") == []
    urls = [r["repository_url"] for r in rows(cur, "show image repositories in account")]
    assert urls and all(urlparse(f"//{u}").netloc == f"127.0.0.1:{server.port}" for u in urls)


def test_privileges(server: Server, cur: Any, db: str, repo: str) -> None:
    role, user, password = unique("ROLE"), unique("USER"), "pw-repos"
    cur.execute(f"create role {role}")
    cur.execute(f"create user {user} password = '{password}' default_role = {role}")
    cur.execute(f"grant role {role} to user {user}")
    cur.execute(f"grant usage on database {db} to role {role}")
    cur.execute(f"grant usage on schema {db}.public to role {role}")
    try:
        with server.connect(user=user, password=password, database=db, schema="PUBLIC") as conn, \
                conn.cursor() as rcur:
            # No CREATE IMAGE REPOSITORY on the schema.
            exc = error(rcur, f"create image repository {unique('REPO')}")
            assert (exc.errno, exc.sqlstate) == (3001, "42501")
            # No privilege on the repository: it is not there for this role.
            assert rows(rcur, "show image repositories") == []
            for sql in (f"show images in image repository {repo}", f"drop image repository {repo}"):
                exc = error(rcur, sql)
                assert (exc.errno, exc.sqlstate) == (2003, "02000"), sql
            cur.execute(f"grant read on image repository {db}.public.{repo} to role {role}")
            assert [r["name"] for r in rows(rcur, "show image repositories")] == [repo]
            assert rows(rcur, f"show images in image repository {repo}") == []
            exc = error(rcur, f"drop image repository {repo}")
            assert (exc.errno, exc.sqlstate) == (3001, "42501")
            assert f"Insufficient privileges to operate on image repository '{repo}'" in exc.msg
            cur.execute(f"grant write on image repository {db}.public.{repo} to role {role}")
            grants = rows(cur, f"show grants on image repository {db}.public.{repo}")
            assert {(g["privilege"], g["granted_on"]) for g in grants if g["grantee_name"] == role} == {
                ("READ", "IMAGE_REPOSITORY"), ("WRITE", "IMAGE_REPOSITORY")}
            cur.execute(f"revoke read, write on image repository {db}.public.{repo} from role {role}")
            assert rows(rcur, "show image repositories") == []
            # With CREATE IMAGE REPOSITORY the role creates and owns its own.
            cur.execute(f"grant create image repository on schema {db}.public to role {role}")
            own = unique("REPO")
            rcur.execute(f"create image repository {own}")
            assert [(r["name"], r["owner"]) for r in rows(rcur, "show image repositories")] == [(own, role)]
            assert one(rcur, f"drop image repository {own}") == f"{own} successfully dropped."
    finally:
        cur.execute(f"drop user if exists {user}")
        cur.execute(f"drop role if exists {role}")


def test_other_errors(cur: Any, db: str) -> None:
    exc = error(cur, "create image repository nodb.noschema.r")
    assert exc.errno == 2003 and "Database 'NODB'" in exc.msg
    exc = error(cur, "grant read on image repository no_such_repo to role public")
    assert exc.errno == 2003
    exc = error(cur, "grant select on image repository no_such_repo to role public")
    assert exc.errno is not None


def test_registry_host_setting(fresh_server: Server) -> None:
    """SNOWFORT_REGISTRY_HOST names the registry in repository URLs, lower case."""
    fresh_server.env["SNOWFORT_REGISTRY_HOST"] = "Registry.Example:5000"
    fresh_server.start()
    with fresh_server.connect() as conn, conn.cursor() as cur:
        cur.execute("create database reg_db")
        cur.execute("create image repository reg_db.public.My_Repo")
        (row,) = rows(cur, "show image repositories in account")
        assert row["repository_url"] == "registry.example:5000/reg_db/public/my_repo"
