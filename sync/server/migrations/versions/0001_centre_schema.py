"""centre schema

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import sync.server.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('centre_blob',
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('created_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sync.server.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('office_code', 'sha256', name=op.f('pk_centre_blob'))
    )
    op.create_table('centre_blob_chunk',
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('office_code', 'sha256', 'offset', name=op.f('pk_centre_blob_chunk'))
    )
    op.create_table('centre_change',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('office_code', sa.String(length=16), nullable=True),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('op', sa.String(length=8), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_centre_change'))
    )
    with op.batch_alter_table('centre_change', schema=None) as batch_op:
        batch_op.create_index('ix_centre_change_entity', ['entity', 'entity_id', 'seq'], unique=False)
        batch_op.create_index('ix_centre_change_office_seq', ['office_code', 'seq'], unique=False)

    op.create_table('centre_entity',
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('ops', sa.Integer(), nullable=False),
    sa.Column('last_op_id', sa.Uuid(), nullable=True),
    sa.Column('blocked_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('entity_id', 'entity', name=op.f('pk_centre_entity'))
    )
    with op.batch_alter_table('centre_entity', schema=None) as batch_op:
        batch_op.create_index('ix_centre_entity_code', ['entity', 'code'], unique=False)
        batch_op.create_index('ix_centre_entity_office', ['office_code', 'entity'], unique=False)

    op.create_table('centre_holiday',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_holiday')),
    sa.UniqueConstraint('day', name=op.f('uq_centre_holiday_day'))
    )
    op.create_table('centre_key',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('private_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('created_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sync.server.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_key'))
    )
    op.create_table('centre_meta',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_centre_meta'))
    )
    op.create_table('centre_office',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.String(length=40), nullable=False),
    sa.Column('created_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('enrolled_at', sync.server.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_contact_at', sync.server.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_centre_office'))
    )
    op.create_table('centre_op',
    sa.Column('op_id', sa.Uuid(), nullable=False),
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.Column('pushed_by', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('op_type', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=True),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('schema_version', sa.Integer(), nullable=False),
    sa.Column('device_time', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('server_state', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('op_id', name=op.f('pk_centre_op'))
    )
    with op.batch_alter_table('centre_op', schema=None) as batch_op:
        batch_op.create_index('ix_centre_op_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index('ix_centre_op_office_status', ['office_code', 'status'], unique=False)

    op.create_table('centre_slot',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('service_id', sa.Uuid(), nullable=True),
    sa.Column('service_code', sa.String(length=8), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('office_quota', sa.Integer(), nullable=False),
    sa.Column('online_quota', sa.Integer(), nullable=False),
    sa.Column('office_booked', sa.Integer(), nullable=False),
    sa.Column('online_booked', sa.Integer(), nullable=False),
    sa.Column('updated_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('online_booked >= 0 AND online_booked <= online_quota', name=op.f('ck_centre_slot_online_quota')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_slot'))
    )
    with op.batch_alter_table('centre_slot', schema=None) as batch_op:
        batch_op.create_index('ix_centre_slot_office_day', ['office_code', 'day'], unique=False)

    op.create_table('centre_device',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('credential_hash', sa.String(length=64), nullable=False),
    sa.Column('enrolled_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sync.server.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sync.server.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', sync.server.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['office_code'], ['centre_office.code'], name=op.f('fk_centre_device_office_code_centre_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_device')),
    sa.UniqueConstraint('credential_hash', name=op.f('uq_centre_device_credential_hash'))
    )
    with op.batch_alter_table('centre_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_device_office_code'), ['office_code'], unique=False)

    op.create_table('centre_enrollment',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('created_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sync.server.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', sync.server.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['office_code'], ['centre_office.code'], name=op.f('fk_centre_enrollment_office_code_centre_office')),
    sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_centre_enrollment'))
    )
    with op.batch_alter_table('centre_enrollment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_enrollment_office_code'), ['office_code'], unique=False)

    op.create_table('centre_service',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('prefix', sa.String(length=2), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_code'], ['centre_office.code'], name=op.f('fk_centre_service_office_code_centre_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_service')),
    sa.UniqueConstraint('office_code', 'code', name=op.f('uq_centre_service_office_code_code'))
    )
    op.create_table('centre_staff',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['office_code'], ['centre_office.code'], name=op.f('fk_centre_staff_office_code_centre_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_staff')),
    sa.UniqueConstraint('office_code', 'username', name=op.f('uq_centre_staff_office_code_username'))
    )
    op.create_table('centre_procedure',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('office_code', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_vi', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('name_folded', sa.String(length=300), nullable=False),
    sa.Column('field_vi', sa.String(length=100), nullable=False),
    sa.Column('field_en', sa.String(length=100), nullable=False),
    sa.Column('service_id', sa.Uuid(), nullable=False),
    sa.Column('processing', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('fee_rule', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('fee_note', sa.Text(), nullable=False),
    sa.Column('documents', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('online_level', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_code'], ['centre_office.code'], name=op.f('fk_centre_procedure_office_code_centre_office')),
    sa.ForeignKeyConstraint(['service_id'], ['centre_service.id'], name=op.f('fk_centre_procedure_service_id_centre_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre_procedure')),
    sa.UniqueConstraint('office_code', 'code', name=op.f('uq_centre_procedure_office_code_code'))
    )


def downgrade() -> None:
    op.drop_table('centre_procedure')
    op.drop_table('centre_staff')
    op.drop_table('centre_service')
    with op.batch_alter_table('centre_enrollment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_enrollment_office_code'))

    op.drop_table('centre_enrollment')
    with op.batch_alter_table('centre_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_device_office_code'))

    op.drop_table('centre_device')
    with op.batch_alter_table('centre_slot', schema=None) as batch_op:
        batch_op.drop_index('ix_centre_slot_office_day')

    op.drop_table('centre_slot')
    with op.batch_alter_table('centre_op', schema=None) as batch_op:
        batch_op.drop_index('ix_centre_op_office_status')
        batch_op.drop_index('ix_centre_op_entity')

    op.drop_table('centre_op')
    op.drop_table('centre_office')
    op.drop_table('centre_meta')
    op.drop_table('centre_key')
    op.drop_table('centre_holiday')
    with op.batch_alter_table('centre_entity', schema=None) as batch_op:
        batch_op.drop_index('ix_centre_entity_office')
        batch_op.drop_index('ix_centre_entity_code')

    op.drop_table('centre_entity')
    with op.batch_alter_table('centre_change', schema=None) as batch_op:
        batch_op.drop_index('ix_centre_change_office_seq')
        batch_op.drop_index('ix_centre_change_entity')

    op.drop_table('centre_change')
    op.drop_table('centre_blob_chunk')
    op.drop_table('centre_blob')
