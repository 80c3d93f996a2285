"""bilateral call outcomes: notes on a scheduled call and follow-up actions with an owner

Revision ID: 4d2a9c6e81f3
Revises: d3a8f1c27b90
Create Date: 2026-11-30 01:10:00.000000

Existing calls have no notes (empty text) and no actions.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d2a9c6e81f3'
down_revision = 'd3a8f1c27b90'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, never a batch operation (see ddf23ae9842f).
    op.add_column('bilateral_calls', sa.Column('outcome_notes', sa.Text(), nullable=False,
                                               server_default=''))
    op.add_column('bilateral_calls', sa.Column('outcome_dt', sa.DateTime(), nullable=True))
    op.create_table(
        'call_actions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('done_dt', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_dt', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['call_id'], ['bilateral_calls.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_call_actions_call_id'), 'call_actions', ['call_id'])
    op.create_index(op.f('ix_call_actions_owner_id'), 'call_actions', ['owner_id'])


def downgrade():
    op.drop_index(op.f('ix_call_actions_owner_id'), table_name='call_actions')
    op.drop_index(op.f('ix_call_actions_call_id'), table_name='call_actions')
    op.drop_table('call_actions')
    op.drop_column('bilateral_calls', 'outcome_dt')
    op.drop_column('bilateral_calls', 'outcome_notes')
