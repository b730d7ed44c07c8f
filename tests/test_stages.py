"""Stages over SQL with the real connector: CREATE/SHOW/DESCRIBE/ALTER/DROP STAGE, PUT and GET
through the connector's own file transfer (presigned URLs over plain HTTP), LIST, REMOVE, the
user stage, privileges and errors. Only the public connector API: these run under 5.x too."""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Server, unique
from snowflake.connector.errors import DatabaseError, ProgrammingError

pytestmark = pytest.mark.connector5

PUT_COLUMNS = ["source", "target", "source_size", "target_size", "source_compression", "target_compression",
               "status", "message"]
SHOW_COLUMNS = ["created_on", "name", "database_name", "schema_name", "url", "has_credentials",
                "has_encryption_key", "owner", "comment", "region", "type", "cloud", "notification_channel",
                "storage_integration", "endpoint", "owner_role_type", "directory_enabled"]


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


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def on_disk(server: Server, path: str) -> list[Path]:
    """The stored copies of a stage file (`<stage dir>/<stage id>/<path>`)."""
    return list((server.data_dir / "stages").glob(f"*/{path}"))


@pytest.fixture
def stage(cur: Any, db: str) -> Iterator[str]:
    name = unique("ST")
    cur.execute(f"create stage {name}")
    yield name


@pytest.fixture
def files(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "echo_spec.yaml").write_text("spec:\n  containers:\n  - name: echo\n    image: /db/s/r/echo:latest\n")
    (src / "data_1.csv").write_bytes(b"1,one\n2,two\n")
    (src / "data_2.csv").write_bytes(b"3,three\n" * 100)
    (src / "notes.txt").write_bytes(os.urandom(3000))
    return src


# -- DDL ------------------------------------------------------------------------------------
def test_create_show_describe_alter_drop(cur: Any, db: str) -> None:
    name = unique("ST")
    assert one(cur, f"create stage {name} directory = ( enable = true ) encryption = ( type = 'SNOWFLAKE_SSE' ) "
                    f"comment = 'specs'") == f"Stage area {name} successfully created."
    assert one(cur, f"create stage if not exists {name}") == f"{name} already exists, statement succeeded."
    exc = error(cur, f"create stage {name}")
    assert (exc.errno, exc.sqlstate) == (2002, "42710")

    (row,) = rows(cur, f"show stages like '{name.lower()}'")
    assert [d.name for d in cur.description] == SHOW_COLUMNS
    assert (row["name"], row["database_name"], row["schema_name"], row["owner"], row["comment"]) == (
        name, db, "PUBLIC", "ACCOUNTADMIN", "specs")
    assert (row["type"], row["directory_enabled"], row["has_credentials"], row["url"]) == (
        "INTERNAL NO CSE", "Y", "N", "")
    assert name in [r["name"] for r in rows(cur, f"show stages in database {db}")]
    assert name in [r["name"] for r in rows(cur, "show stages in account")]

    props = {(r["parent_property"], r["property"]): r["property_value"] for r in rows(cur, f"desc stage {name}")}
    assert props[("DIRECTORY", "ENABLE")] == "true"
    assert props[("STAGE_LOCATION", "URL")] == ""

    assert one(cur, f"alter stage {name} set comment = 'changed'") == "Statement executed successfully."
    assert rows(cur, f"show stages like '{name}'")[0]["comment"] == "changed"
    renamed = unique("ST")
    cur.execute(f"alter stage {name} rename to {renamed}")
    assert [r["name"] for r in rows(cur, f"show stages like '{renamed}'")] == [renamed]
    assert rows(cur, f"show stages like '{name}'") == []

    assert one(cur, f"drop stage {renamed}") == f"{renamed} successfully dropped."
    assert one(cur, f"drop stage if exists {renamed}") == f"Drop statement executed successfully ({renamed} already dropped)."
    exc = error(cur, f"drop stage {renamed}")
    assert (exc.errno, exc.sqlstate) == (2003, "02000")
    assert f"Stage '{db}.PUBLIC.{renamed}' does not exist or not authorized." in exc.msg


def test_create_or_replace_and_temporary(server: Server, cur: Any, db: str, files: Path) -> None:
    name = unique("ST")
    cur.execute(f"create stage {name}")
    cur.execute(f"put file://{files / 'data_1.csv'} @{name} auto_compress = false")
    cur.execute(f"create or replace stage {name} comment = 'new'")
    assert rows(cur, f"list @{name}") == []  # a replaced stage starts empty
    temp = unique("TMP")
    cur.execute(f"create temporary stage {temp}")
    assert rows(cur, f"show stages like '{temp}'")[0]["type"] == "INTERNAL TEMPORARY"
    with server.connect(database=db, schema="PUBLIC") as other, other.cursor() as cur2:
        # Another session does not see a temporary stage.
        assert rows(cur2, f"show stages like '{temp}'") == []
        assert error(cur2, f"list @{temp}").errno == 2003


def test_external_stages_are_not_supported(cur: Any, db: str) -> None:
    exc = error(cur, f"create stage {unique('EXT')} url = 's3://bucket/path/'")
    assert exc.errno == 2040


# -- PUT / LIST / GET / REMOVE --------------------------------------------------------------
def test_put_auto_compress_and_get_back(cur: Any, stage: str, files: Path, tmp_path: Path) -> None:
    src = files / "notes.txt"
    cur.execute(f"put file://{src} @{stage}")
    assert [d.name for d in cur.description] == PUT_COLUMNS
    (row,) = cur.fetchall()
    assert row[:2] == ("notes.txt", "notes.txt.gz")
    assert (row[4], row[5], row[6]) == ("NONE", "GZIP", "UPLOADED")

    (listed,) = rows(cur, f"list @{stage}")
    assert listed["name"] == f"{stage.lower()}/notes.txt.gz"
    assert listed["last_modified"].endswith(" GMT")
    out = tmp_path / "out"
    out.mkdir()
    cur.execute(f"get @{stage}/notes.txt.gz file://{out}")
    assert [r[2] for r in cur.fetchall()] == ["DOWNLOADED"]
    stored = (out / "notes.txt.gz").read_bytes()
    assert (len(stored), md5(stored)) == (listed["size"], listed["md5"])
    assert gzip.decompress(stored) == src.read_bytes()


def test_put_without_compression_is_byte_identical_on_disk(server: Server, cur: Any, stage: str, files: Path,
                                                          tmp_path: Path) -> None:
    spec = files / "echo_spec.yaml"
    cur.execute(f"put file://{spec} @{stage}/specs AUTO_COMPRESS = FALSE")
    (row,) = cur.fetchall()
    assert (row[1], row[5], row[6]) == ("echo_spec.yaml", "NONE", "UPLOADED")
    (listed,) = rows(cur, f"ls @{stage}/specs/")
    assert listed["name"] == f"{stage.lower()}/specs/echo_spec.yaml"
    assert (listed["size"], listed["md5"]) == (spec.stat().st_size, md5(spec.read_bytes()))
    copies = [p for p in on_disk(server, "specs/echo_spec.yaml") if md5(p.read_bytes()) == listed["md5"]]
    assert copies and copies[0].read_bytes() == spec.read_bytes()
    cur.execute(f"get @{stage}/specs/echo_spec.yaml 'file://{tmp_path}'")
    assert (tmp_path / "echo_spec.yaml").read_bytes() == spec.read_bytes()


def test_wildcard_put_list_pattern_get_pattern(cur: Any, stage: str, files: Path, tmp_path: Path) -> None:
    cur.execute(f"put file://{files}/data_*.csv @{stage}/in/ auto_compress=false parallel=2")
    assert sorted((r[0], r[6]) for r in cur.fetchall()) == [("data_1.csv", "UPLOADED"), ("data_2.csv", "UPLOADED")]
    cur.execute(f"put file://{files}/*.txt @{stage}/other")
    assert [r[1] for r in cur.fetchall()] == ["notes.txt.gz"]

    names = [r["name"] for r in rows(cur, f"list @{stage}")]
    assert names == [f"{stage.lower()}/in/data_1.csv", f"{stage.lower()}/in/data_2.csv",
                     f"{stage.lower()}/other/notes.txt.gz"]
    assert [r["name"] for r in rows(cur, f"list @{stage} pattern = '.*data_2[.]csv'")] == [f"{stage.lower()}/in/data_2.csv"]
    assert [r["name"] for r in rows(cur, f"list @{stage}/in")] == names[:2]
    assert rows(cur, f"list @{stage}/nothing/here") == []

    out = tmp_path / "got"
    out.mkdir()
    cur.execute(f"get @{stage} file://{out}/ pattern = '.*[.]csv'")
    assert sorted((r[0], r[2]) for r in cur.fetchall()) == [("data_1.csv", "DOWNLOADED"), ("data_2.csv", "DOWNLOADED")]
    for name in ("data_1.csv", "data_2.csv"):
        assert (out / name).read_bytes() == (files / name).read_bytes()
    assert not (out / "notes.txt.gz").exists()


def test_overwrite(cur: Any, stage: str, files: Path, tmp_path: Path) -> None:
    first = tmp_path / "a" / "spec.yaml"
    second = tmp_path / "b" / "spec.yaml"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text("version: 1\n")
    second.write_text("version: 2, longer\n")
    cur.execute(f"put file://{first} @{stage} auto_compress=false")
    # OVERWRITE = FALSE (the default): the stage keeps its file. Connector 5.x reports SKIPPED;
    # 4.x, which cannot check a presigned GCS URL first, reports UPLOADED (as Snowflake on GCP).
    cur.execute(f"put file://{second} @{stage} auto_compress=false")
    assert cur.fetchall()[0][6] in ("SKIPPED", "UPLOADED")
    assert one(cur, f"list @{stage}") == f"{stage.lower()}/spec.yaml"
    assert rows(cur, f"list @{stage}")[0]["md5"] == md5(first.read_bytes())
    cur.execute(f"put file://{second} @{stage} auto_compress=false overwrite=true")
    assert cur.fetchall()[0][6] == "UPLOADED"
    assert rows(cur, f"list @{stage}")[0]["md5"] == md5(second.read_bytes())


def test_remove(cur: Any, stage: str, files: Path) -> None:
    cur.execute(f"put file://{files}/* @{stage}/all auto_compress=false")
    cur.execute(f"remove @{stage}/all/data_1.csv")
    assert [d.name for d in cur.description] == ["name", "result"]
    assert cur.fetchall() == [(f"{stage.lower()}/all/data_1.csv", "removed")]
    removed = rows(cur, f"rm @{stage} pattern='.*[.](txt|yaml)'")
    assert sorted(r["name"] for r in removed) == [f"{stage.lower()}/all/echo_spec.yaml", f"{stage.lower()}/all/notes.txt"]
    assert [r["name"] for r in rows(cur, f"list @{stage}")] == [f"{stage.lower()}/all/data_2.csv"]
    assert rows(cur, f"rm @{stage}/nothing") == []


def test_quoted_and_qualified_stage_names(cur: Any, db: str, files: Path, tmp_path: Path) -> None:
    cur.execute('create stage "My Stage"')
    cur.execute(f'put file://{files}/data_1.csv @"My Stage"/d auto_compress=false')
    assert one(cur, 'list @"My Stage"') == "my stage/d/data_1.csv"
    cur.execute("create schema other")
    cur.execute(f'put file://{files}/data_2.csv @{db}.public."My Stage"/d auto_compress=false')
    assert sorted(r["name"] for r in rows(cur, f'list @{db}.public."My Stage"')) == [
        "my stage/d/data_1.csv", "my stage/d/data_2.csv"]
    exc = error(cur, f'list @{db}.public."my stage"')  # quoted names keep their case
    assert exc.errno == 2003
    # snowflake.core's form: a comment after the verb, quoted paths, Python booleans.
    cur.execute(f"PUT /* snowflake.core.stage.StageResource.put */ 'file://{files}/notes.txt' "
                f"'@{db}.PUBLIC.\"My Stage\"/core' PARALLEL = 4 AUTO_COMPRESS = True "
                "SOURCE_COMPRESSION = AUTO_DETECT OVERWRITE = False;")
    assert cur.fetchall()[0][1] == "notes.txt.gz"
    out = tmp_path / "core"
    out.mkdir()
    cur.execute(f"GET /* snowflake.core.stage.StageResource.get */ '@{db}.PUBLIC.\"My Stage\"/core' "
                f"'file://{out}' PARALLEL = 10 PATTERN = '.*notes.*';")
    assert gzip.decompress((out / "notes.txt.gz").read_bytes()) == (files / "notes.txt").read_bytes()


def test_user_stage(cur: Any, files: Path) -> None:
    folder = unique("dir").lower()
    cur.execute(f"put file://{files}/echo_spec.yaml @~/{folder} auto_compress=false")
    assert [r["name"] for r in rows(cur, f"list @~/{folder}")] == [f"{folder}/echo_spec.yaml"]
    assert rows(cur, f"remove @~/{folder}")[0]["result"] == "removed"
    assert rows(cur, f"list @~/{folder}") == []


def test_dropped_stage_loses_its_files(server: Server, cur: Any, db: str, files: Path) -> None:
    name = unique("ST")
    cur.execute(f"create stage {name}")
    marker = unique("marker").lower() + ".csv"
    (files / marker).write_bytes(b"x")
    cur.execute(f"put file://{files / marker} @{name} auto_compress=false")
    assert len(on_disk(server, marker)) == 1
    cur.execute(f"drop stage {name}")
    assert on_disk(server, marker) == []
    cur.execute(f"create stage {name}")
    assert rows(cur, f"list @{name}") == []


# -- privileges and errors ------------------------------------------------------------------
def test_privileges(server: Server, cur: Any, db: str, files: Path, tmp_path: Path) -> None:
    name = unique("ST")
    cur.execute(f"create stage {name}")
    cur.execute(f"put file://{files}/data_1.csv @{name} auto_compress=false")
    role, user, password = unique("ROLE"), unique("USER"), "pw-stages"
    cur.execute(f"create role {role}")
    cur.execute(f"create user {user} password = '{password}' default_role = {role}")
    cur.execute(f"grant role {role} to user {user}")
    cur.execute(f"grant usage on database {db} to role {role}")
    cur.execute(f"grant usage on schema {db}.public to role {role}")
    try:
        with server.connect(user=user, password=password, database=db, schema="PUBLIC") as conn, \
                conn.cursor() as rcur:
            # No privilege on the stage: it does not exist for this role.
            exc = error(rcur, f"list @{name}")
            assert (exc.errno, exc.sqlstate) == (2003, "02000")
            cur.execute(f"grant read on stage {db}.public.{name} to role {role}")
            assert one(rcur, f"list @{name}") == f"{name.lower()}/data_1.csv"
            out = tmp_path / "r"
            out.mkdir()
            rcur.execute(f"get @{name} file://{out}")
            assert (out / "data_1.csv").read_bytes() == (files / "data_1.csv").read_bytes()
            # READ without WRITE: no PUT, no REMOVE.
            for sql in (f"put file://{files}/data_2.csv @{name}", f"remove @{name}"):
                exc = error(rcur, sql)
                assert (exc.errno, exc.sqlstate) == (3001, "42501")
                assert f"Insufficient privileges to operate on stage '{name}'" in exc.msg
            exc = error(rcur, f"create stage {unique('ST')}")
            assert exc.errno == 3001
            cur.execute(f"grant write on stage {db}.public.{name} to role {role}")
            rcur.execute(f"put file://{files}/data_2.csv @{name} auto_compress=false")
            assert rcur.fetchall()[0][6] == "UPLOADED"
            assert len(rows(rcur, f"remove @{name}")) == 2
            exc = error(rcur, f"drop stage {name}")
            assert exc.errno == 3001
    finally:
        cur.execute(f"drop user if exists {user}")
        cur.execute(f"drop role if exists {role}")


def test_errors(cur: Any, db: str, stage: str, files: Path, tmp_path: Path) -> None:
    for sql in (f"list @{db}.public.nope", "ls @nope/path", "remove @nope", f"put file://{files}/data_1.csv @nope",
                f"get @nope file://{tmp_path}"):
        exc = error(cur, sql)
        assert (exc.errno, exc.sqlstate) == (2003, "02000"), sql
        assert "does not exist or not authorized" in exc.msg
    exc = error(cur, "list @nodb.noschema.nope")
    assert exc.errno == 2003 and "Database 'NODB'" in exc.msg
    # A missing local file is the client's own error.
    with pytest.raises(DatabaseError) as info:
        cur.execute(f"put file://{tmp_path}/missing.txt @{stage}")
    assert info.value.errno == 253006
    exc = error(cur, f"list @{stage} pattern = '('")
    assert exc.errno == 2029
    exc = error(cur, f"put file://{files}/data_1.csv @{stage} source_compression = zip")
    assert exc.errno == 2029
    exc = error(cur, f"list @{stage}/../x")
    assert exc.errno == 2029
    exc = error(cur, f"list @%{stage}")
    assert exc.errno == 2040


# -- the domain API later issues use ----------------------------------------------------------
def test_read_file_through_the_domain(tmp_path: Path) -> None:
    """`domain.stages.read_file` (how service specs are read), presigned URL tokens, and the
    store step of an upload, in-process."""
    from snowfort import errors
    from snowfort.catalog.store import Catalog
    from snowfort.config import Settings
    from snowfort.domain import Domain
    from snowfort.domain.context import Ctx
    from snowfort.domain.results import CreateMode
    from snowfort.domain.stages import parse_location
    from snowfort.warehouse.engine import Engine

    settings = Settings(data_dir=tmp_path / "data")
    settings.data_dir.mkdir()
    catalog = Catalog(settings.catalog_database_url)
    engine = Engine(settings.warehouse_dir)
    try:
        domain = Domain(catalog, engine, settings)
        domain.start()
        admin = catalog.get("USER", 0, settings.admin_user.upper())
        assert admin is not None
        ctx = Ctx(session_id=1, user_id=admin.id, user_name=admin.name, role="ACCOUNTADMIN")
        stages = domain.stages
        domain.databases.create(ctx, "SPECS", CreateMode.ERROR_IF_EXISTS)
        stages.create(ctx, ["SPECS", "PUBLIC", "My Stage"], CreateMode.ERROR_IF_EXISTS)
        stage, path = stages.upload_target(ctx, parse_location('@specs.public."My Stage"/svc'), "/tmp/x/spec.yaml")
        assert path == "svc/spec.yaml"
        token = stages.presign(stage, path, "w", overwrite=False).split("/")[3]
        with pytest.raises(errors.SnowflakeError):
            stages.redeem(token, "r")  # an upload URL does not download
        with pytest.raises(errors.SnowflakeError):
            stages.redeem(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "w")
        grant = stages.redeem(token, "w")
        upload = stages.incoming()
        upload.write_bytes(b"spec:\n  containers: []\n")
        assert stages.store(grant, upload) is True
        again = stages.incoming()
        again.write_bytes(b"other")
        assert stages.store(grant, again) is False  # OVERWRITE = FALSE keeps the file
        assert not upload.exists() and not again.exists()

        expected = b"spec:\n  containers: []\n"
        assert stages.read_file(ctx, '@specs.public."My Stage"', "svc/spec.yaml") == expected
        assert stages.read_file(ctx, '@SPECS.PUBLIC."My Stage"/svc/spec.yaml') == expected
        assert stages.read_file(ctx, parse_location('@specs.public."My Stage"/svc/'), "spec.yaml") == expected
        with pytest.raises(errors.SnowflakeError) as info:
            stages.read_file(ctx, '@specs.public."My Stage"', "svc/missing.yaml")
        assert info.value.code == "002003"
        with pytest.raises(errors.SnowflakeError) as info:
            stages.read_file(ctx, "@specs.public.nope", "spec.yaml")
        assert info.value.code == "002003"
        [listed] = stages.list_files(ctx, parse_location('@specs.public."My Stage"'))
        assert (listed.name, listed.size) == ("my stage/svc/spec.yaml", len(expected))
        stages.drop(ctx, ["SPECS", "PUBLIC", "My Stage"])
        with pytest.raises(errors.SnowflakeError):
            stages.redeem(token, "w")  # the stage is gone, and its URLs with it
    finally:
        engine.close()
