"""personal data: consent to the privacy notice, by version and time; erasure requests

Revision ID: 263976b25c83
Revises: 606dc3d9edb9
Create Date: 2026-11-29 22:00:00.000000

Two new tables; nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '263976b25c83'
down_revision = "606dc3d9edb9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('notice_version', sa.String(length=20), nullable=False),
    sa.Column('agreed_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consent_records_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records'))
    )
    op.create_index(op.f('ix_consent_records_user_id'), 'consent_records', ['user_id'], unique=False)
    op.create_table('erasure_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('requested_dt', sa.DateTime(), nullable=True),
    sa.Column('erased_dt', sa.DateTime(), nullable=True),
    sa.Column('erased_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('requested_dt IS NOT NULL OR erased_dt IS NOT NULL', name=op.f('ck_erasure_requests_asked_or_done')),
    sa.ForeignKeyConstraint(['erased_by_id'], ['users.id'], name=op.f('fk_erasure_requests_erased_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_erasure_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests'))
    )
    op.create_index(op.f('ix_erasure_requests_user_id'), 'erasure_requests', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_erasure_requests_user_id'), table_name='erasure_requests')
    op.drop_table('erasure_requests')
    op.drop_index(op.f('ix_consent_records_user_id'), table_name='consent_records')
    op.drop_table('consent_records')
