"""The initial catalog: objects, role and privilege grants, sessions, account settings.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "objects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("namespace", sa.String(40), nullable=False),
        sa.Column("parent_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("owner_id", sa.Integer, nullable=True),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("props", sa.JSON, nullable=False),
        sa.UniqueConstraint("namespace", "parent_id", "name", name="uq_objects_name"),
    )
    op.create_index("ix_objects_parent", "objects", ["parent_id", "kind"])
    op.create_table(
        "role_grants",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("role_id", sa.Integer, nullable=False),
        sa.Column("grantee_kind", sa.String(10), nullable=False),
        sa.Column("grantee_id", sa.Integer, nullable=False),
        sa.Column("granted_by_id", sa.Integer, nullable=True),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("role_id", "grantee_kind", "grantee_id", name="uq_role_grants"),
    )
    op.create_table(
        "privilege_grants",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("object_id", sa.Integer, nullable=False),
        sa.Column("privilege", sa.String(60), nullable=False),
        sa.Column("grantee_id", sa.Integer, nullable=False),
        sa.Column("grant_option", sa.Boolean, nullable=False),
        sa.Column("granted_by_id", sa.Integer, nullable=True),
        sa.Column("created_on", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("object_id", "privilege", "grantee_id", name="uq_privilege_grants"),
    )
    op.create_index("ix_privilege_grants_grantee", "privilege_grants", ["grantee_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "session_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("session_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "account",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.JSON, nullable=True),
    )


def downgrade() -> None:
    for name in ("account", "session_tokens", "sessions", "privilege_grants", "role_grants", "objects"):
        op.drop_table(name)
