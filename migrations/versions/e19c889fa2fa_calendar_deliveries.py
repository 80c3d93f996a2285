"""calendar deliveries: the last SEQUENCE and METHOD emailed per person and calendar item

Revision ID: e19c889fa2fa
Revises: 63a4ef66fa26
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e19c889fa2fa'
down_revision = '63a4ef66fa26'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('sent_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_calendar_deliveries_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_calendar_deliveries_session_id_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_deliveries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_deliveries')),
    sa.UniqueConstraint('user_id', 'uid', name='uq_calendar_deliveries_user_uid')
    )
    op.create_index(op.f('ix_calendar_deliveries_event_id'), 'calendar_deliveries',
                    ['event_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_calendar_deliveries_event_id'), table_name='calendar_deliveries')
    op.drop_table('calendar_deliveries')
