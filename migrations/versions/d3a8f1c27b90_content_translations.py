"""content translations: events and sessions keep their texts in other languages

Revision ID: d3a8f1c27b90
Revises: 823a0e2d7add
Create Date: 2026-11-30 01:10:00.000000

An event's title, description and venue, and its sessions' title, description, meeting point
and transport, stay in their columns in the event's own language (``events.language``, English
for every existing event); ``translations`` holds them in the other platform languages, keyed
by language then field. A JSON column on the row itself rather than a table: every page that
shows the text already reads the row, so no page gains a query, and a change to a translation
moves the same ``updated_dt``/``activity_dt`` the page cache and the calendar feeds watch.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3a8f1c27b90'
down_revision = '823a0e2d7add'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, never a batch operation (see ddf23ae9842f).
    op.add_column('events', sa.Column('language', sa.String(length=8), nullable=False,
                                      server_default='en'))
    op.add_column('events', sa.Column('translations', sa.JSON(), nullable=False,
                                      server_default='{}'))
    op.add_column('sessions', sa.Column('translations', sa.JSON(), nullable=False,
                                        server_default='{}'))


def downgrade():
    op.drop_column('sessions', 'translations')
    op.drop_column('events', 'translations')
    op.drop_column('events', 'language')
