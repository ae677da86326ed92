"""Create the lead tables and the notifications outbox.

Revision ID: 0001_leads
Revises:
Create Date: 2026-01-01

Values of CHECK constraints are frozen here on purpose: a migration describes
the schema at one point in time and must not change when the code does.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_leads"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def _lead_fk(table: str) -> sa.Column:
    name = op.f("fk_" + table + "_lead_id_leads")
    return sa.Column(
        "lead_id",
        sa.Integer(),
        sa.ForeignKey("leads.id", name=name, ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(32), nullable=True),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("buyer_type", sa.String(32), nullable=False),
        *(
            sa.Column(name, sa.Text(), nullable=True)
            for name in (
                "organisation",
                "name",
                "email",
                "phone",
                "country",
                "timeline",
                "budget",
                "notes",
            )
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("reference", name=op.f("uq_leads_reference")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_leads_conversation_id")),
        sa.CheckConstraint(
            "buyer_type IN ('personal', 'healthcare', 'spa_wellness', 'reseller', 'other')",
            name=op.f("ck_leads_buyer_type"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'contacted', 'quoted', 'won', 'lost')",
            name=op.f("ck_leads_status"),
        ),
    )
    _create_child_tables()
    _create_notifications()


def _create_child_tables() -> None:
    op.create_table(
        "lead_items",
        sa.Column("id", sa.Integer(), nullable=False),
        _lead_fk("lead_items"),
        sa.Column("product", sa.String(100), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_items")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_lead_items_quantity_positive")),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        _lead_fk("consents"),
        sa.Column("given_at", TIMESTAMP, nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_table(
        "transcripts",
        sa.Column("id", sa.Integer(), nullable=False),
        _lead_fk("transcripts"),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcripts")),
        sa.UniqueConstraint("lead_id", name=op.f("uq_transcripts_lead_id")),
    )
    op.create_table(
        "status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        _lead_fk("status_history"),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_history")),
    )
    for table in ("lead_items", "consents", "status_history"):
        op.create_index(op.f("ix_" + table + "_lead_id"), table, ["lead_id"])


def _create_notifications() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_reference", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint(
            "lead_reference", "kind", name=op.f("uq_notifications_lead_reference_kind")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'dead')", name=op.f("ck_notifications_status")
        ),
    )
    op.create_index(
        op.f("ix_notifications_status_next_attempt_at"),
        "notifications",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    for table in ("notifications", "status_history", "transcripts", "consents", "lead_items"):
        op.drop_table(table)
    op.drop_table("leads")
