"""print queue: jobs belong to a device, retry at a time, remember when they printed

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import local_db.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("title", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("next_attempt_at", local_db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("printed_at", local_db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_print_job_device_state", ["device_id", "state", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.drop_index("ix_print_job_device_state")
        batch_op.drop_column("printed_at")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("title")
        batch_op.drop_column("device_id")
