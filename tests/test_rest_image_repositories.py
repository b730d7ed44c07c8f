"""snowflake.core's image repository API against the REST door: the tutorial's create call,
create modes, fetch (repository_url), list, drop, list_images_in_repository() and privileges."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import Server, rest, unique
from snowflake.core import CreateMode, Root
from snowflake.core.exceptions import APIError, ConflictError, NotFoundError
from snowflake.core.image_repository import ImageRepository
from snowflake.core.schema import SchemaResource

TUTORIAL_BODY = b'{"name":"tutorial_repository"}'


@pytest.fixture
def schema(root: Root, db: str) -> SchemaResource:
    return root.databases[db].schemas["PUBLIC"]


def test_tutorial_create_fetch_list_drop(server: Server, conn: Any, cur: Any, schema: SchemaResource,
                                         db: str) -> None:
    path = f"/api/v2/databases/{db}/schemas/public/image-repositories?createMode=ifNotExists"
    assert rest(server, conn, "POST", path, TUTORIAL_BODY)[0] == 200
    assert rest(server, conn, "POST", path, TUTORIAL_BODY)[0] == 200  # if not exists: fine twice
    with pytest.raises(ConflictError) as err:
        schema.image_repositories.create(ImageRepository(name="tutorial_repository"))
    assert "002002" in str(err.value)

    repo = schema.image_repositories["tutorial_repository"]
    fetched = repo.fetch()
    assert (fetched.name, fetched.database_name, fetched.schema_name) == ("TUTORIAL_REPOSITORY", db, "PUBLIC")
    assert fetched.repository_url == f"127.0.0.1:{server.port}/{db.lower()}/public/tutorial_repository"
    assert (fetched.owner, fetched.owner_role_type) == ("ACCOUNTADMIN", "ROLE")
    assert fetched.created_on is not None
    assert list(repo.list_images_in_repository()) == []
    assert [r.name for r in schema.image_repositories.iter(like="tutorial%")] == ["TUTORIAL_REPOSITORY"]
    # The SQL door sees the same object.
    cur.execute(f"show image repositories like 'TUTORIAL_REPOSITORY' in schema {db}.public")
    row = dict(zip([d.name for d in cur.description], cur.fetchone(), strict=True))
    assert row["repository_url"] == fetched.repository_url

    repo.drop()
    with pytest.raises(NotFoundError) as err:
        repo.fetch()
    assert "does not exist or not authorized" in str(err.value)
    repo.drop(if_exists=True)
    with pytest.raises(NotFoundError):
        repo.drop()
    with pytest.raises(NotFoundError):
        list(repo.list_images_in_repository())


def test_create_modes(schema: SchemaResource) -> None:
    name = unique("RREPO")
    schema.image_repositories.create(ImageRepository(name=name))
    schema.image_repositories.create(ImageRepository(name=name), mode=CreateMode.if_not_exists)
    with pytest.raises(ConflictError):
        schema.image_repositories.create(ImageRepository(name=name), mode=CreateMode.error_if_exists)
    first = schema.image_repositories[name].fetch().created_on
    schema.image_repositories.create(ImageRepository(name=name), mode=CreateMode.or_replace)
    assert schema.image_repositories[name].fetch().created_on >= first
    assert [r.name for r in schema.image_repositories.iter()] == [name]


def test_privileges_apply_to_rest(server: Server, cur: Any, schema: SchemaResource, db: str) -> None:
    name = unique("RREPO")
    schema.image_repositories.create(ImageRepository(name=name))
    role, user, password = unique("ROLE"), unique("USER"), "pw-rest-repos"
    cur.execute(f"create role {role}")
    cur.execute(f"create user {user} password = '{password}' default_role = {role}")
    cur.execute(f"grant role {role} to user {user}")
    cur.execute(f"grant usage on database {db} to role {role}")
    cur.execute(f"grant usage on schema {db}.public to role {role}")
    try:
        with server.connect(user=user, password=password) as other:
            repos = Root(other).databases[db].schemas["PUBLIC"].image_repositories
            with pytest.raises(NotFoundError):
                repos[name].fetch()
            with pytest.raises(NotFoundError):
                list(repos[name].list_images_in_repository())
            assert list(repos.iter()) == []
            with pytest.raises(APIError) as err:
                repos.create(ImageRepository(name=unique("RREPO")))
            assert err.value.status == 403
            cur.execute(f"grant read on image repository {db}.public.{name} to role {role}")
            assert repos[name].fetch().name == name
            assert list(repos[name].list_images_in_repository()) == []
            with pytest.raises(APIError) as err:
                repos[name].drop()
            assert err.value.status == 403
    finally:
        cur.execute(f"drop user if exists {user}")
        cur.execute(f"drop role if exists {role}")


def test_bad_input_is_a_4xx_with_a_json_error(server: Server, conn: Any, db: str) -> None:
    base = f"/api/v2/databases/{db}/schemas/public/image-repositories"
    name = unique("RREPO")
    assert rest(server, conn, "POST", base, json.dumps({"name": name}).encode())[0] == 200
    cases = [
        ("POST", f"{base}?createMode=sometimes", b'{"name": "x"}', 400),
        ("POST", base, b"{not json", 400),
        ("POST", base, b'{"comment": "no name"}', 400),
        ("POST", base, b'{"name": "bad name!"}', 400),
        ("POST", base, json.dumps({"name": name}).encode(), 409),
        ("DELETE", f"{base}/NOPE?ifExists=maybe", None, 400),
        ("GET", f"{base}/NOPE", None, 404),
        ("GET", f"{base}/NOPE/images", None, 404),
        ("GET", f"/api/v2/databases/NODB/schemas/public/image-repositories/{name}", None, 404),
    ]
    for method, path, body, code in cases:
        status, answer = rest(server, conn, method, path, body)
        assert status == code, (method, path, status, answer)
        assert isinstance(answer, dict) and answer.get("message"), answer
