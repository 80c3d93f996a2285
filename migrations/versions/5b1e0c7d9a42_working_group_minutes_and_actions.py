"""working groups: minutes and action items per meeting

Revision ID: 5b1e0c7d9a42
Revises: 5e1d2a7c9b3f
Create Date: 2026-11-30 01:20:00.000000

Two new tables; nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e0c7d9a42'
down_revision = '5e1d2a7c9b3f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('working_group_minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('original_start_dt', sa.DateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['working_groups.id'], name=op.f('fk_working_group_minutes_group_id_working_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_working_group_minutes_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group_minutes')),
    sa.UniqueConstraint('group_id', 'original_start_dt', name=op.f('uq_working_group_minutes_group_id'))
    )
    op.create_table('working_group_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('original_start_dt', sa.DateTime(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done_dt', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_working_group_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['working_groups.id'], name=op.f('fk_working_group_actions_group_id_working_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_working_group_actions_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_group_actions'))
    )
    op.create_index(op.f('ix_working_group_actions_group_id'), 'working_group_actions', ['group_id'], unique=False)
    op.create_index(op.f('ix_working_group_actions_owner_id'), 'working_group_actions', ['owner_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_working_group_actions_owner_id'), table_name='working_group_actions')
    op.drop_index(op.f('ix_working_group_actions_group_id'), table_name='working_group_actions')
    op.drop_table('working_group_actions')
    op.drop_table('working_group_minutes')
