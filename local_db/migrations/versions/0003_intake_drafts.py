"""intake drafts: the counter's intake wizard saves every step

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import local_db.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_draft",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", local_db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", local_db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("office_code", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_draft")),
    )
    with op.batch_alter_table("intake_draft", schema=None) as batch_op:
        batch_op.create_index("ix_intake_draft_device", ["device_id", "updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("intake_draft", schema=None) as batch_op:
        batch_op.drop_index("ix_intake_draft_device")
    op.drop_table("intake_draft")
