"""Create the table of requests to talk to a person (human hand-off).

Revision ID: 0002_handoff_requests
Revises: 0001_leads
Create Date: 2026-11-24

The partial unique index allows one open request per conversation; both
SQLite (3.8+) and PostgreSQL support ``WHERE`` on an index. Values of CHECK
constraints are frozen here on purpose, as in 0001. Name and e-mail are
required by the service but nullable here, so erasure on request can remove
them (as for leads).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_handoff_requests"
down_revision = "0001_leads"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)
OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_table(
        "handoff_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(32), nullable=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("lead_reference", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_handoff_requests_reference")),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_handoff_requests_status")),
    )
    op.create_index(
        op.f("uq_handoff_requests_open_conversation_id"),
        "handoff_requests",
        ["conversation_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index(op.f("uq_handoff_requests_open_conversation_id"), "handoff_requests")
    op.drop_table("handoff_requests")
