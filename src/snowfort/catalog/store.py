"""The catalog repository: typed reads and writes over the catalog tables, nothing else.

No privilege checks and no Snowflake rules here: those live in domain/. Every write bumps
`generation`, which in-process caches (role closure, name lookups) key on.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from snowfort.catalog.tables import account, objects, privilege_grants, role_grants, session_tokens, sessions
from snowfort.config import sqlalchemy_url

ACCOUNT_ID = 0  # object_id of the account in privilege_grants
# Key of the PostgreSQL advisory lock that serialises migrations of one catalog across processes.
_MIGRATION_LOCK = 0x736E6F77666F7274  # "snowfort" in ASCII; fits a signed bigint
_MISS = object()


@dataclass
class Obj:
    id: int
    kind: str
    namespace: str
    parent_id: int
    name: str
    owner_id: int | None
    created_on: datetime
    comment: str | None
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RoleGrant:
    id: int
    role_id: int
    grantee_kind: str
    grantee_id: int
    granted_by_id: int | None
    created_on: datetime


@dataclass(frozen=True)
class PrivilegeGrant:
    id: int
    object_id: int
    privilege: str
    grantee_id: int
    grant_option: bool
    granted_by_id: int | None
    created_on: datetime


def now() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    # SQLite drops the zone on the way back; everything is written in UTC. PostgreSQL returns
    # the instant in its session's TimeZone setting, which need not be UTC.
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _obj(row: sa.Row) -> Obj:
    return Obj(
        id=row.id,
        kind=row.kind,
        namespace=row.namespace,
        parent_id=row.parent_id,
        name=row.name,
        owner_id=row.owner_id,
        created_on=_as_utc(row.created_on),
        comment=row.comment,
        props=dict(row.props or {}),
    )


def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    parsed = sa.make_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        # libpq waits for an unreachable host as long as TCP does: fail the start in bounded time.
        connect_args["connect_timeout"] = 10
    return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)


class Catalog:
    def __init__(self, url: str) -> None:
        url = sqlalchemy_url(url)
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = _engine(url)
        # Names sort by code point, as in SQLite, whatever collation a PostgreSQL database has
        # (en_US.UTF-8 would put "a" before "B" and skip underscores).
        self._name_order = objects.c.name.collate("C") if self.engine.dialect.name == "postgresql" else objects.c.name
        self._generation = itertools.count(1)
        self.generation = 0
        self._lock = threading.RLock()
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._migrate()

    def _migrate(self) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Processes sharing one catalog start together: one migrates, the others wait for
                # its commit and then find nothing to do. Released when this transaction ends.
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @contextmanager
    def write(self, *, objects_changed: bool = True) -> Iterator[sa.Connection]:
        # One writer at a time in-process: SQLite would serialise anyway, and the generation bump
        # (which empties the read cache) must follow the commit.
        with self._lock, self.engine.begin() as conn:
            yield conn
        if objects_changed:
            self.generation = next(self._generation)
            self._cache.clear()

    def _cached(self, key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
        """Reads of objects and grants are memoised until the next write. One process owns the
        catalog; replicas sharing PostgreSQL will need a change feed here instead."""
        generation = self.generation
        hit = self._cache.get(key, _MISS)
        if hit is not _MISS:
            return hit
        value = load()
        if generation == self.generation:
            self._cache[key] = value
        return value

    # -- objects ---------------------------------------------------------------------------
    def get(self, namespace: str, parent_id: int, name: str) -> Obj | None:
        return self._cached(("get", namespace, parent_id, name), lambda: self._get(namespace, parent_id, name))

    def _get(self, namespace: str, parent_id: int, name: str) -> Obj | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(objects).where(
                    objects.c.namespace == namespace, objects.c.parent_id == parent_id, objects.c.name == name
                )
            ).first()
        return _obj(row) if row else None

    def get_by_id(self, object_id: int) -> Obj | None:
        return self._cached(("id", object_id), lambda: self._get_by_id(object_id))

    def _get_by_id(self, object_id: int) -> Obj | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(objects).where(objects.c.id == object_id)).first()
        return _obj(row) if row else None

    def list(self, kinds: Iterable[str], parent_id: int | None = None) -> list[Obj]:
        kinds = tuple(kinds)
        return list(self._cached(("list", kinds, parent_id), lambda: self._list(kinds, parent_id)))

    def _list(self, kinds: tuple[str, ...], parent_id: int | None) -> list[Obj]:
        query = sa.select(objects).where(objects.c.kind.in_(list(kinds)))
        if parent_id is not None:
            query = query.where(objects.c.parent_id == parent_id)
        with self.engine.connect() as conn:
            return [_obj(r) for r in conn.execute(query.order_by(self._name_order))]

    def children(self, parent_id: int) -> list[Obj]:
        with self.engine.connect() as conn:
            return [_obj(r) for r in conn.execute(sa.select(objects).where(objects.c.parent_id == parent_id))]

    def insert(
        self,
        conn: sa.Connection,
        *,
        kind: str,
        namespace: str,
        parent_id: int,
        name: str,
        owner_id: int | None,
        comment: str | None = None,
        props: dict[str, Any] | None = None,
        created_on: datetime | None = None,
    ) -> Obj:
        values = {
            "kind": kind,
            "namespace": namespace,
            "parent_id": parent_id,
            "name": name,
            "owner_id": owner_id,
            "created_on": created_on or now(),
            "comment": comment,
            "props": props or {},
        }
        new_id = conn.execute(sa.insert(objects).values(**values)).inserted_primary_key[0]
        return Obj(id=new_id, **values)  # type: ignore[arg-type]

    def update(self, conn: sa.Connection, object_id: int, **values: Any) -> None:
        conn.execute(sa.update(objects).where(objects.c.id == object_id).values(**values))

    def delete_tree(self, conn: sa.Connection, object_id: int) -> list[int]:
        """Delete an object, its descendants and every grant on or to them; return the ids deleted."""
        ids = [object_id]
        frontier = [object_id]
        while frontier:
            rows = conn.execute(sa.select(objects.c.id).where(objects.c.parent_id.in_(frontier))).all()
            frontier = [r.id for r in rows]
            ids.extend(frontier)
        conn.execute(sa.delete(privilege_grants).where(privilege_grants.c.object_id.in_(ids)))
        conn.execute(sa.delete(privilege_grants).where(privilege_grants.c.grantee_id.in_(ids)))
        conn.execute(sa.delete(role_grants).where(role_grants.c.role_id.in_(ids)))
        conn.execute(sa.delete(role_grants).where(role_grants.c.grantee_id.in_(ids)))
        conn.execute(sa.delete(objects).where(objects.c.id.in_(ids)))
        return ids

    # -- role grants -----------------------------------------------------------------------
    def role_grants(
        self, *, role_id: int | None = None, grantee_kind: str | None = None, grantee_id: int | None = None
    ) -> list[RoleGrant]:
        key = ("role_grants", role_id, grantee_kind, grantee_id)
        return list(self._cached(key, lambda: self._role_grants(role_id, grantee_kind, grantee_id)))

    def _role_grants(self, role_id: int | None, grantee_kind: str | None, grantee_id: int | None) -> list[RoleGrant]:
        query = sa.select(role_grants)
        if role_id is not None:
            query = query.where(role_grants.c.role_id == role_id)
        if grantee_kind is not None:
            query = query.where(role_grants.c.grantee_kind == grantee_kind)
        if grantee_id is not None:
            query = query.where(role_grants.c.grantee_id == grantee_id)
        with self.engine.connect() as conn:
            return [
                RoleGrant(r.id, r.role_id, r.grantee_kind, r.grantee_id, r.granted_by_id, _as_utc(r.created_on))
                for r in conn.execute(query.order_by(role_grants.c.id))
            ]

    def all_role_to_role_edges(self) -> list[tuple[int, int]]:
        """(grantee role, granted role) pairs: the whole role hierarchy in one read."""
        return list(self._cached(("edges",), self._edges))

    def _edges(self) -> list[tuple[int, int]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(role_grants.c.grantee_id, role_grants.c.role_id).where(role_grants.c.grantee_kind == "ROLE")
            )
            return [(r.grantee_id, r.role_id) for r in rows]

    def add_role_grant(
        self, conn: sa.Connection, role_id: int, grantee_kind: str, grantee_id: int, granted_by_id: int | None
    ) -> bool:
        exists = conn.execute(
            sa.select(role_grants.c.id).where(
                role_grants.c.role_id == role_id,
                role_grants.c.grantee_kind == grantee_kind,
                role_grants.c.grantee_id == grantee_id,
            )
        ).first()
        if exists:
            return False
        conn.execute(
            sa.insert(role_grants).values(
                role_id=role_id,
                grantee_kind=grantee_kind,
                grantee_id=grantee_id,
                granted_by_id=granted_by_id,
                created_on=now(),
            )
        )
        return True

    def remove_role_grant(self, conn: sa.Connection, role_id: int, grantee_kind: str, grantee_id: int) -> int:
        return conn.execute(
            sa.delete(role_grants).where(
                role_grants.c.role_id == role_id,
                role_grants.c.grantee_kind == grantee_kind,
                role_grants.c.grantee_id == grantee_id,
            )
        ).rowcount

    # -- privilege grants ------------------------------------------------------------------
    def privilege_grants(
        self, *, object_id: int | None = None, grantee_ids: Iterable[int] | None = None
    ) -> list[PrivilegeGrant]:
        ids = None if grantee_ids is None else tuple(sorted(grantee_ids))
        return list(self._cached(("grants", object_id, ids), lambda: self._privilege_grants(object_id, ids)))

    def _privilege_grants(self, object_id: int | None, grantee_ids: tuple[int, ...] | None) -> list[PrivilegeGrant]:
        query = sa.select(privilege_grants)
        if object_id is not None:
            query = query.where(privilege_grants.c.object_id == object_id)
        if grantee_ids is not None:
            query = query.where(privilege_grants.c.grantee_id.in_(list(grantee_ids)))
        with self.engine.connect() as conn:
            return [
                PrivilegeGrant(
                    r.id, r.object_id, r.privilege, r.grantee_id, r.grant_option, r.granted_by_id, _as_utc(r.created_on)
                )
                for r in conn.execute(query.order_by(privilege_grants.c.id))
            ]

    def add_privilege_grant(
        self,
        conn: sa.Connection,
        object_id: int,
        privilege: str,
        grantee_id: int,
        grant_option: bool,
        granted_by_id: int | None,
    ) -> None:
        existing = conn.execute(
            sa.select(privilege_grants.c.id, privilege_grants.c.grant_option).where(
                privilege_grants.c.object_id == object_id,
                privilege_grants.c.privilege == privilege,
                privilege_grants.c.grantee_id == grantee_id,
            )
        ).first()
        if existing:
            if grant_option and not existing.grant_option:
                conn.execute(
                    sa.update(privilege_grants).where(privilege_grants.c.id == existing.id).values(grant_option=True)
                )
            return
        conn.execute(
            sa.insert(privilege_grants).values(
                object_id=object_id,
                privilege=privilege,
                grantee_id=grantee_id,
                grant_option=grant_option,
                granted_by_id=granted_by_id,
                created_on=now(),
            )
        )

    def remove_privilege_grant(
        self, conn: sa.Connection, object_id: int, privilege: str | None, grantee_id: int, grant_option_only: bool = False
    ) -> int:
        where = [privilege_grants.c.object_id == object_id, privilege_grants.c.grantee_id == grantee_id]
        if privilege is not None:
            where.append(privilege_grants.c.privilege == privilege)
        if grant_option_only:
            return conn.execute(sa.update(privilege_grants).where(*where).values(grant_option=False)).rowcount
        return conn.execute(sa.delete(privilege_grants).where(*where)).rowcount

    # -- sessions --------------------------------------------------------------------------
    def save_session(
        self, session_id: int, user_id: int, state: dict[str, Any], created_at: float,
        tokens: list[tuple[str, str, float]],
    ) -> None:
        """A new session and its tokens ((hash, kind, expires_at) each) in one transaction."""
        with self.write(objects_changed=False) as conn:
            conn.execute(sa.insert(sessions).values(id=session_id, user_id=user_id, state=state, created_at=created_at))
            for digest, kind, expires_at in tokens:
                conn.execute(
                    sa.insert(session_tokens).values(
                        token_hash=digest, session_id=session_id, kind=kind, expires_at=expires_at
                    )
                )

    def update_session_state(self, session_id: int, state: dict[str, Any]) -> None:
        with self.write(objects_changed=False) as conn:
            conn.execute(sa.update(sessions).where(sessions.c.id == session_id).values(state=state))

    def delete_session(self, session_id: int) -> None:
        with self.write(objects_changed=False) as conn:
            conn.execute(sa.delete(session_tokens).where(session_tokens.c.session_id == session_id))
            conn.execute(sa.delete(sessions).where(sessions.c.id == session_id))

    def session_exists(self, session_id: int) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sessions.c.id).where(sessions.c.id == session_id)).first() is not None

    def add_token(self, token_hash: str, session_id: int, kind: str, expires_at: float) -> None:
        with self.write(objects_changed=False) as conn:
            conn.execute(
                sa.insert(session_tokens).values(
                    token_hash=token_hash, session_id=session_id, kind=kind, expires_at=expires_at
                )
            )

    def remove_token(self, token_hash: str) -> None:
        with self.write(objects_changed=False) as conn:
            conn.execute(sa.delete(session_tokens).where(session_tokens.c.token_hash == token_hash))

    def find_token(self, token_hash: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(token row, session row) for a token hash, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(session_tokens, sessions.c.user_id, sessions.c.state, sessions.c.created_at)
                .join(sessions, sessions.c.id == session_tokens.c.session_id)
                .where(session_tokens.c.token_hash == token_hash)
            ).first()
        if row is None:
            return None
        m = row._mapping
        return (
            {"token_hash": m["token_hash"], "session_id": m["session_id"], "kind": m["kind"], "expires_at": m["expires_at"]},
            {"id": m["session_id"], "user_id": m["user_id"], "state": m["state"], "created_at": m["created_at"]},
        )

    # -- account settings ------------------------------------------------------------------
    def account_value(self, key: str) -> Any:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(account.c.value).where(account.c.key == key)).first()
        return row.value if row else None

    def set_account_value(self, conn: sa.Connection, key: str, value: Any) -> None:
        conn.execute(sa.delete(account).where(account.c.key == key))
        conn.execute(sa.insert(account).values(key=key, value=value))

    def transfer_ownership(self, conn: sa.Connection, from_role: int, to_role: int | None) -> None:
        conn.execute(sa.update(objects).where(objects.c.owner_id == from_role).values(owner_id=to_role))
