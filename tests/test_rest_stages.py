"""snowflake.core's stages API against the REST door: create modes (the tutorial's body), fetch,
list, drop, the files of a stage, presigned URLs, and `stage.put()` / `stage.get()`, which go
through SQL PUT/GET and the connector's file transfer."""

from __future__ import annotations

import gzip
import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import Server, rest, unique
from snowflake.core import CreateMode, Root
from snowflake.core.exceptions import APIError, ConflictError, NotFoundError
from snowflake.core.schema import SchemaResource
from snowflake.core.stage import PresignedUrlRequest, Stage, StageDirectoryTable, StageEncryption

TUTORIAL_BODY = b'{"name":"tutorial_stage","kind":"PERMANENT","directory_table":{"enable":true,"refresh_on_create":true,"auto_refresh":false}}'




@pytest.fixture
def schema(root: Root, db: str) -> SchemaResource:
    return root.databases[db].schemas["PUBLIC"]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "echo_spec.yaml").write_text("spec:\n  containers:\n  - name: main\n    image: /db/s/repo/echo:latest\n")
    (src / "a.csv").write_bytes(b"1,2\n")
    (src / "b.csv").write_bytes(b"3,4\n" * 50)
    return src


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()



def test_tutorial_create_fetch_list_drop(server: Server, conn: Any, cur: Any, schema: SchemaResource, db: str) -> None:
    path = f"/api/v2/databases/{db}/schemas/public/stages?createMode=ifNotExists"
    assert rest(server, conn, "POST", path, TUTORIAL_BODY)[0] == 200
    assert rest(server, conn, "POST", path, TUTORIAL_BODY)[0] == 200  # if not exists: fine twice
    with pytest.raises(ConflictError) as err:
        schema.stages.create(Stage(name="tutorial_stage"))
    assert "002002" in str(err.value)

    stage = schema.stages["tutorial_stage"].fetch()
    assert (stage.name, stage.kind, stage.url, stage.owner, stage.owner_role_type) == (
        "TUTORIAL_STAGE", "PERMANENT", "", "ACCOUNTADMIN", "ROLE")
    assert stage.directory_table is not None and stage.directory_table.enable is True
    assert (stage.has_credentials, stage.has_encryption_key) == (False, False)
    assert stage.created_on is not None
    assert [s.name for s in schema.stages.iter(like="tutorial%")] == ["TUTORIAL_STAGE"]
    # The SQL door sees the same object.
    cur.execute(f"show stages like 'TUTORIAL_STAGE' in schema {db}.public")
    row = dict(zip([d.name for d in cur.description], cur.fetchone(), strict=True))
    assert (row["name"], row["directory_enabled"]) == ("TUTORIAL_STAGE", "Y")

    schema.stages["tutorial_stage"].drop()
    with pytest.raises(NotFoundError) as err:
        schema.stages["tutorial_stage"].fetch()
    assert "Stage '" in str(err.value) and "does not exist or not authorized" in str(err.value)
    schema.stages["tutorial_stage"].drop(if_exists=True)
    with pytest.raises(NotFoundError):
        schema.stages["tutorial_stage"].drop()


def test_create_modes_kinds_and_encryption(cur: Any, schema: SchemaResource, files: Path) -> None:
    name = unique("RST")
    stage = schema.stages.create(Stage(name=name, comment="one"))
    stage.put(str(files / "a.csv"), "/", auto_compress=False)
    schema.stages.create(Stage(name=name, comment="two"), mode=CreateMode.if_not_exists)
    assert stage.fetch().comment == "one"
    schema.stages.create(Stage(name=name, comment="three"), mode=CreateMode.or_replace)
    assert stage.fetch().comment == "three"
    assert list(stage.list_files()) == []  # replaced: a new, empty stage

    sse = unique("RST")
    schema.stages.create(Stage(name=sse, kind="TEMPORARY", encryption=StageEncryption(type="SNOWFLAKE_SSE")))
    assert schema.stages[sse].fetch().kind == "TEMPORARY"
    cur.execute(f"show stages like '{sse}'")
    assert cur.fetchone()[10] == "INTERNAL NO CSE TEMPORARY"

    quoted = schema.stages.create(Stage(name='"Mixed Case"'))
    assert quoted.fetch().name == '"Mixed Case"'
    quoted.drop()


def test_put_get_and_list_files(schema: SchemaResource, files: Path, tmp_path: Path) -> None:
    stage = schema.stages.create(Stage(name=unique("RST"), directory_table=StageDirectoryTable(enable=True)))
    stage.put(str(files / "echo_spec.yaml"), "/specs", auto_compress=False)
    stage.put(str(files / "*.csv"), "data")
    listed = {f.name: f for f in stage.list_files()}
    prefix = stage.name.lower()
    assert sorted(listed) == [f"{prefix}/data/a.csv.gz", f"{prefix}/data/b.csv.gz", f"{prefix}/specs/echo_spec.yaml"]
    spec = listed[f"{prefix}/specs/echo_spec.yaml"]
    assert spec.size == str((files / "echo_spec.yaml").stat().st_size)  # a string in StageFile
    assert spec.md5 == md5((files / "echo_spec.yaml").read_bytes())
    assert spec.last_modified is not None and spec.last_modified.endswith("GMT")
    assert [f.name for f in stage.list_files(pattern=".*[.]yaml")] == [f"{prefix}/specs/echo_spec.yaml"]

    out = tmp_path / "out"
    stage.get("/specs/echo_spec.yaml", out)  # snowflake.core makes the directory
    assert (out / "echo_spec.yaml").read_bytes() == (files / "echo_spec.yaml").read_bytes()
    stage.get("/data", tmp_path / "csv", pattern=".*b[.]csv.*")
    assert [p.name for p in (tmp_path / "csv").iterdir()] == ["b.csv.gz"]
    assert gzip.decompress((tmp_path / "csv" / "b.csv.gz").read_bytes()) == (files / "b.csv").read_bytes()

    # Overwrite is off by default: the stage keeps what it has.
    changed = tmp_path / "changed" / "echo_spec.yaml"
    changed.parent.mkdir()
    changed.write_text("spec: changed\n")
    stage.put(str(changed), "/specs", auto_compress=False)
    assert next(iter(stage.list_files(pattern=".*yaml"))).md5 == spec.md5
    stage.put(str(changed), "/specs", auto_compress=False, overwrite=True)
    assert next(iter(stage.list_files(pattern=".*yaml"))).md5 == md5(changed.read_bytes())


def test_presigned_url(schema: SchemaResource, files: Path) -> None:
    stage = schema.stages.create(Stage(name=unique("RST")))
    stage.put(str(files / "echo_spec.yaml"), "/specs", auto_compress=False)
    material = stage.get_presigned_url("specs/echo_spec.yaml", PresignedUrlRequest(expiration_time=600))
    assert material.presigned_url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(material.presigned_url, timeout=10) as response:  # no Authorization header
        assert response.read() == (files / "echo_spec.yaml").read_bytes()
    # The owner may write: the same URL uploads.
    request = urllib.request.Request(material.presigned_url, data=b"spec: replaced\n", method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    assert next(iter(stage.list_files())).md5 == md5(b"spec: replaced\n")
    # A forged token is refused.
    forged = material.presigned_url.replace("/snowfort/files/", "/snowfort/files/x")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(forged, timeout=10)
    assert err.value.code == 403
    # A URL names a file of a stage; a URL for a missing file finds nothing.
    missing = stage.get_presigned_url("specs/nothing.yaml")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(missing.presigned_url, timeout=10)
    assert err.value.code == 404
    with pytest.raises(APIError) as api_err:
        stage.get_presigned_url("specs/../../etc/passwd")
    assert api_err.value.status == 400
    with pytest.raises(APIError) as api_err:
        stage.get_presigned_url("specs/echo_spec.yaml", PresignedUrlRequest(expiration_time=0))
    assert api_err.value.status == 400
    with pytest.raises(NotFoundError):
        schema.stages["NO_SUCH_STAGE"].get_presigned_url("x")


def test_privileges_apply_to_rest(server: Server, schema: SchemaResource, db: str) -> None:
    name = unique("RST")
    schema.stages.create(Stage(name=name))
    with server.connect(role="PUBLIC") as public:
        stages = Root(public).databases[db].schemas["PUBLIC"].stages
        with pytest.raises(NotFoundError):
            stages[name].fetch()
        with pytest.raises(NotFoundError):
            list(stages[name].list_files())


def test_bad_input_is_a_4xx_with_a_json_error(server: Server, conn: Any, db: str) -> None:
    base = f"/api/v2/databases/{db}/schemas/public/stages"
    name = unique("RST")
    assert rest(server, conn, "POST", base, json.dumps({"name": name}).encode())[0] == 200
    cases = [
        ("POST", f"{base}?createMode=sometimes", b'{"name": "x"}', 400),
        ("POST", base, b"{not json", 400),
        ("POST", base, b'{"comment": "no name"}', 400),
        ("POST", base, b'{"name": "bad name!"}', 400),
        ("POST", base, b'{"name": "x", "kind": "TRANSIENT"}', 400),
        ("POST", base, b'{"name": "x", "url": "s3://bucket/"}', 400),
        ("POST", base, b'{"name": "x", "encryption": {"type": "AWS_SSE_S3"}}', 400),
        ("POST", base, b'{"name": "x", "directory_table": {"enable": "yes"}}', 400),
        ("GET", f"{base}/{name}/files?pattern=(", None, 400),
        ("DELETE", f"{base}/NOPE?ifExists=maybe", None, 400),
        ("GET", f"{base}/NOPE", None, 404),
        ("GET", f"/api/v2/databases/NODB/schemas/public/stages/{name}", None, 404),
        ("POST", f"{base}/{name}/files/a%00b:presigned-url", b"{}", 400),
    ]
    for method, path, body, status in cases:
        code, answer = rest(server, conn, method, path, body)
        assert code == status, (path, answer)
        assert answer["message"] and answer["code"] and answer["request_id"]
    code, answer = rest(server, conn, "GET", f"{base}?like={name}")
    assert code == 200 and [s["name"] for s in answer] == [name]
