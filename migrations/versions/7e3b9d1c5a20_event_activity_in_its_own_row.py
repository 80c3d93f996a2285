"""when anything of an event last changed moves to its own row, written at commit

Revision ID: 7e3b9d1c5a20
Revises: 5b1e0c7d9a42
Create Date: 2026-11-30 04:50:00.000000

``events.activity_dt`` was written during every flush of a row belonging to the event, which
took the event's row lock after the locks of later kinds (a session's). It becomes
``event_activity``, a row nobody locks, written as the transaction commits
(app.events.pagecache). Existing values are copied across.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e3b9d1c5a20'
down_revision = '5b1e0c7d9a42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_activity',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('changed_dt', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'],
                                name=op.f('fk_event_activity_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_event_activity')),
    )
    op.execute("INSERT INTO event_activity (event_id, changed_dt) "
               "SELECT id, activity_dt FROM events WHERE activity_dt IS NOT NULL")
    # Plain DROP COLUMN (SQLite 3.35+), not a batch (see ddf23ae9842f).
    op.drop_column('events', 'activity_dt')


def downgrade():
    op.add_column('events', sa.Column('activity_dt', sa.DateTime(),
                                      nullable=True))
    op.execute("UPDATE events SET activity_dt = (SELECT changed_dt FROM event_activity "
               "WHERE event_activity.event_id = events.id)")
    op.drop_table('event_activity')
