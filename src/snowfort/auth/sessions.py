"""Sessions and their tokens: login, lookup by token, RENEW and ISSUE, logout.

Tokens are random; only their SHA-256 is stored, in the catalog, so sessions survive a restart
(the `snow` CLI keeps using an issued token after its process ends). Lookups are served from
memory after the first one.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from snowfort import errors
from snowfort.catalog.store import Catalog
from snowfort.domain.context import Ctx


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str) -> str:
    return f"{prefix}{secrets.token_urlsafe(32)}"


@dataclass
class Session:
    ctx: Ctx
    created_at: float
    saved_state: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Query ids of this session, newest last (LAST_QUERY_ID, RESULT_SCAN); memory only.
    history: list[str] = field(default_factory=list)
    # The session's own DuckDB connection, opened on first use.
    duck: Any = None
    duck_timezone: str = "UTC"
    # Recent SELECT translations of this session (sql/executor.py PlanCache).
    plans: Any = field(default_factory=lambda: _plan_cache())

    @property
    def id(self) -> int:
        return self.ctx.session_id


@dataclass(frozen=True)
class Tokens:
    session_token: str
    master_token: str
    validity: int
    master_validity: int


class SessionStore:
    def __init__(self, catalog: Catalog, validity_s: int, master_validity_s: int) -> None:
        self.catalog = catalog
        self.validity_s = validity_s
        self.master_validity_s = master_validity_s
        self._sessions: dict[int, Session] = {}
        # token hash -> (session id, kind, expires_at)
        self._tokens: dict[str, tuple[int, str, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def new_id() -> int:
        return secrets.randbelow(2**53 - 1) + 1

    def create(self, ctx: Ctx) -> tuple[Session, Tokens]:
        """Store a new session for a prepared context, with its session and master tokens (one write)."""
        now = time.time()
        session = Session(ctx=ctx, created_at=now, saved_state=ctx.state())
        token, master = new_token("ver:1-hint:"), new_token("ver:1-hint-master:")
        rows = [(token_hash(token), "SESSION", now + self.validity_s), (token_hash(master), "MASTER", now + self.master_validity_s)]
        self.catalog.save_session(ctx.session_id, ctx.user_id, {"user_name": ctx.user_name, **ctx.state()}, now, rows)
        with self._lock:
            self._sessions[ctx.session_id] = session
            for digest, kind, expires_at in rows:
                self._tokens[digest] = (ctx.session_id, kind, expires_at)
        return session, Tokens(token, master, self.validity_s, self.master_validity_s)

    def _mint(self, session_id: int) -> Tokens:
        token = new_token("ver:1-hint:")
        self._add(token, session_id, "SESSION", time.time() + self.validity_s)
        return Tokens(token, "", self.validity_s, self.master_validity_s)

    def _add(self, token: str, session_id: int, kind: str, expires_at: float) -> None:
        digest = token_hash(token)
        self.catalog.add_token(digest, session_id, kind, expires_at)
        with self._lock:
            self._tokens[digest] = (session_id, kind, expires_at)

    def _lookup(self, token: str) -> tuple[int, str, float] | None:
        digest = token_hash(token)
        with self._lock:
            hit = self._tokens.get(digest)
        if hit:
            return hit
        found = self.catalog.find_token(digest)
        if found is None:
            return None
        tok, row = found
        state = dict(row["state"])
        ctx = Ctx(session_id=row["id"], user_id=row["user_id"], user_name=state.get("user_name", ""))
        _apply_state(ctx, state)
        with self._lock:
            self._sessions.setdefault(row["id"], Session(ctx=ctx, created_at=row["created_at"], saved_state=ctx.state()))
            self._tokens[digest] = (tok["session_id"], tok["kind"], tok["expires_at"])
            return self._tokens[digest]

    def authenticate(self, token: str | None) -> Session:
        """The session of a session token; 390112 when it expired, 390111 when unknown."""
        if not token:
            raise errors.session_gone()
        hit = self._lookup(token)
        if hit is None or hit[1] != "SESSION":
            raise errors.session_gone()
        session_id, _, expires_at = hit
        if time.time() > expires_at:
            raise errors.session_expired()
        session = self._sessions.get(session_id)
        if session is None:
            raise errors.session_gone()
        return session

    def renew(self, master_token: str | None, old_session_token: str | None, request_type: str) -> tuple[int, Tokens]:
        if not master_token:
            raise errors.session_gone()
        hit = self._lookup(master_token)
        if hit is None or hit[1] != "MASTER":
            raise errors.session_gone()
        session_id, _, expires_at = hit
        if time.time() > expires_at:
            raise errors.master_expired()
        if request_type.upper() == "RENEW" and old_session_token:
            self._forget(old_session_token)
        tokens = self._mint(session_id)
        return session_id, Tokens(tokens.session_token, master_token, tokens.validity, int(expires_at - time.time()))

    def _forget(self, token: str) -> None:
        digest = token_hash(token)
        with self._lock:
            self._tokens.pop(digest, None)
        self.catalog.remove_token(digest)

    def close(self, session: Session) -> None:
        with self._lock:
            self._sessions.pop(session.id, None)
            for digest in [d for d, v in self._tokens.items() if v[0] == session.id]:
                del self._tokens[digest]
        self.catalog.delete_session(session.id)

    def persist(self, session: Session) -> None:
        """Write the session's state back when a statement changed it (USE, ALTER SESSION...)."""
        state = session.ctx.state()
        if state != session.saved_state:
            session.saved_state = state
            self.catalog.update_session_state(session.id, {"user_name": session.ctx.user_name, **state})


def _plan_cache() -> Any:
    from snowfort.sql.executor import PlanCache  # the SQL layer owns plans; sessions only keep them

    return PlanCache()


def _apply_state(ctx: Ctx, state: dict) -> None:
    ctx.role = state.get("role")
    ctx.database = state.get("database")
    ctx.schema = state.get("schema")
    ctx.warehouse = state.get("warehouse")
    ctx.params = dict(state.get("params") or {})
