"""organisers' messages to an event's registrants; a language marked as not provided

Revision ID: b7e4c19a5d32
Revises: 7418dd58602a
Create Date: 2026-11-29 23:10:00.000000

A message is a draft until an organiser confirms it, then sent once and kept with its
audience filter and the number of people it reached. Organisers may mark a language asked
for as not provided, for a session or the whole event, with an optional reason.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'b7e4c19a5d32'
down_revision = "7418dd58602a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('sender_id', sa.Integer(), nullable=True),
        sa.Column('audience', sa.JSON(), nullable=False),
        sa.Column('texts', sa.JSON(), nullable=False),
        sa.Column('created_dt', sa.DateTime(), nullable=False),
        sa.Column('sent_dt', sa.DateTime(), nullable=True),
        sa.Column('recipient_count', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sender_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_event_messages_event', 'event_messages', ['event_id', 'created_dt'])
    op.create_table(
        'interpretation_not_provided',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('language_code', sa.String(length=8), nullable=False),
        sa.Column('reason', sa.String(length=300), server_default='', nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('created_dt', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['language_code'], ['languages.code']),
        sa.ForeignKeyConstraint(['decided_by'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_interpretation_not_provided_event', 'interpretation_not_provided',
                    ['event_id', 'language_code'])


def downgrade():
    op.drop_index('ix_interpretation_not_provided_event',
                  table_name='interpretation_not_provided')
    op.drop_table('interpretation_not_provided')
    op.drop_index('ix_event_messages_event', table_name='event_messages')
    op.drop_table('event_messages')
