"""citizens' web site: manage links of online bookings, abuse-limit counters

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import sync.server.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('centre_web_booking',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('appointment_id', sa.Uuid(), nullable=False),
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('client_ip', sa.String(length=64), nullable=False),
    sa.Column('created_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_web_booking')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_centre_web_booking_secret_hash'))
    )
    with op.batch_alter_table('centre_web_booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_web_booking_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index('ix_centre_web_booking_phone', ['phone'], unique=False)

    op.create_table('centre_web_limit',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('window_start', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'key', 'window_start', name=op.f('pk_centre_web_limit'))
    )


def downgrade() -> None:
    op.drop_table('centre_web_limit')
    with op.batch_alter_table('centre_web_booking', schema=None) as batch_op:
        batch_op.drop_index('ix_centre_web_booking_phone')
        batch_op.drop_index(batch_op.f('ix_centre_web_booking_appointment_id'))
    op.drop_table('centre_web_booking')
