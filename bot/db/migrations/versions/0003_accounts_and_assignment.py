"""Per-person workspace accounts; assignment, authors and a history for hand-off requests.

Revision ID: 0003_accounts_and_assignment
Revises: 0002_handoff_requests
Create Date: 2026-12-07

Assignees and authors are stored as the account's user name, not a foreign
key: leads and requests stay readable (and erasable) on their own, and an
account is disabled rather than deleted, so the name keeps meaning someone.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_accounts_and_assignment"
down_revision = "0002_handoff_requests"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_login_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_accounts_username")),
        sa.CheckConstraint("role IN ('sales', 'admin')", name=op.f("ck_accounts_role")),
    )
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("assigned_to", sa.String(64), nullable=True))
    with op.batch_alter_table("status_history") as batch:
        batch.add_column(sa.Column("author", sa.String(64), nullable=True))
    with op.batch_alter_table("handoff_requests") as batch:
        batch.add_column(sa.Column("assigned_to", sa.String(64), nullable=True))
    op.create_table(
        "handoff_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author", sa.String(64), nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["handoff_requests.id"],
            ondelete="CASCADE",
            name=op.f("fk_handoff_history_request_id_handoff_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_history")),
    )
    op.create_index(op.f("ix_handoff_history_request_id"), "handoff_history", ["request_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_handoff_history_request_id"), "handoff_history")
    op.drop_table("handoff_history")
    with op.batch_alter_table("handoff_requests") as batch:
        batch.drop_column("assigned_to")
    with op.batch_alter_table("status_history") as batch:
        batch.drop_column("author")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("assigned_to")
    op.drop_table("accounts")
