"""private events (bilateral calls) and uploaders who chose to be named

Revision ID: 63a4ef66fa26
Revises: b3e1c7d9a2f4
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '63a4ef66fa26'
down_revision = 'b3e1c7d9a2f4'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN with a literal default ('0' reads as false on both backends). Not a
    # batch operation, and not sa.false(): on SQLite either makes Alembic copy and drop the
    # table, and dropping `events` with foreign keys on would cascade-delete its sessions.
    op.add_column('events', sa.Column('is_private', sa.Boolean(), nullable=False,
                                      server_default='0'))
    op.add_column('resources', sa.Column('show_uploader', sa.Boolean(), nullable=False,
                                         server_default='0'))

    # Bilateral calls already scheduled become private: the event that holds a call's session.
    events = sa.table('events', sa.column('id', sa.Integer), sa.column('is_private', sa.Boolean))
    sessions = sa.table('sessions', sa.column('id', sa.Integer), sa.column('event_id', sa.Integer))
    calls = sa.table('bilateral_calls', sa.column('session_id', sa.Integer))
    op.execute(
        events.update()
        .where(events.c.id.in_(
            sa.select(sessions.c.event_id)
            .where(sessions.c.id.in_(sa.select(calls.c.session_id)
                                     .where(calls.c.session_id.is_not(None))))))
        .values(is_private=sa.true()))


def downgrade():
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_column('show_uploader')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('is_private')
