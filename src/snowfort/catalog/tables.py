"""The catalog's tables (SQLAlchemy Core). Alembic migrations in migrations/ create them.

Every Snowflake object (users and roles included) is one row of `objects`: a kind, a parent (a
schema's database, a table's schema; 0 at account level), a normalised name, an owner role and
kind-specific properties as JSON. One table keeps ownership, grants, drop-cascade and SHOW uniform
across kinds; each kind's rules live in its domain module.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

objects = sa.Table(
    "objects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(40), nullable=False),
    # Kinds that share a namespace (tables and views in a schema) share this value.
    sa.Column("namespace", sa.String(40), nullable=False),
    sa.Column("parent_id", sa.Integer, nullable=False, default=0),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("owner_id", sa.Integer, nullable=True),
    sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("props", sa.JSON, nullable=False, default=dict),
    sa.UniqueConstraint("namespace", "parent_id", "name", name="uq_objects_name"),
)
sa.Index("ix_objects_parent", objects.c.parent_id, objects.c.kind)

role_grants = sa.Table(
    "role_grants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("role_id", sa.Integer, nullable=False),
    sa.Column("grantee_kind", sa.String(10), nullable=False),  # ROLE | USER
    sa.Column("grantee_id", sa.Integer, nullable=False),
    sa.Column("granted_by_id", sa.Integer, nullable=True),
    sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("role_id", "grantee_kind", "grantee_id", name="uq_role_grants"),
)

privilege_grants = sa.Table(
    "privilege_grants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # 0 means the account itself (GRANT ... ON ACCOUNT).
    sa.Column("object_id", sa.Integer, nullable=False),
    sa.Column("privilege", sa.String(60), nullable=False),
    sa.Column("grantee_id", sa.Integer, nullable=False),
    sa.Column("grant_option", sa.Boolean, nullable=False, default=False),
    sa.Column("granted_by_id", sa.Integer, nullable=True),
    sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("object_id", "privilege", "grantee_id", name="uq_privilege_grants"),
)
sa.Index("ix_privilege_grants_grantee", privilege_grants.c.grantee_id)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("state", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", sa.Float, nullable=False),
)

# SHA-256 of each token: a stolen catalog file hands out no live session. A session has several
# session tokens at once (ISSUE adds one, RENEW replaces one) and one master token.
session_tokens = sa.Table(
    "session_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("session_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("kind", sa.String(10), nullable=False),  # SESSION | MASTER
    sa.Column("expires_at", sa.Float, nullable=False),
)

account = sa.Table(
    "account",
    metadata,
    sa.Column("key", sa.String(60), primary_key=True),
    sa.Column("value", sa.JSON, nullable=True),
)
