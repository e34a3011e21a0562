"""dossier attachments: scanned checklist items, versioned, stored content-addressed

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import local_db.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_attachment",
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("thumbnail_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", local_db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("replaced_by", sa.Uuid(), nullable=True),
        sa.Column("uploaded_at", local_db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("local_removed_at", local_db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("office_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"], name=op.f("fk_dossier_attachment_created_by_staff")),
        sa.ForeignKeyConstraint(["document_id"], ["dossier_document.id"],
                                name=op.f("fk_dossier_attachment_document_id_dossier_document")),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], name=op.f("fk_dossier_attachment_dossier_id_dossier")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_attachment")),
    )
    with op.batch_alter_table("dossier_attachment", schema=None) as batch_op:
        batch_op.create_index("ix_dossier_attachment_dossier", ["dossier_id", "document_id", "version"], unique=True)
        batch_op.create_index("ix_dossier_attachment_sha256", ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier_attachment", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_attachment_sha256")
        batch_op.drop_index("ix_dossier_attachment_dossier")
    op.drop_table("dossier_attachment")
