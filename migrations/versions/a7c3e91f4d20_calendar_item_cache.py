"""calendar item cache: serialised VEVENTs shared by every personal feed, and each feed's
last list of them

Revision ID: a7c3e91f4d20
Revises: 7e3b9d1c5a20
Create Date: 2026-11-30 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91f4d20'
down_revision = '7e3b9d1c5a20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_item_cache',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('uid', sa.String(length=120), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_dt', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_calendar_item_cache'))
    )
    op.create_index(op.f('ix_calendar_item_cache_uid'), 'calendar_item_cache', ['uid'],
                    unique=False)
    op.create_index(op.f('ix_calendar_item_cache_created_dt'), 'calendar_item_cache',
                    ['created_dt'], unique=False)
    with op.batch_alter_table('calendar_feeds') as batch_op:
        batch_op.add_column(sa.Column('items_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('items_index', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('calendar_feeds') as batch_op:
        batch_op.drop_column('items_index')
        batch_op.drop_column('items_key')
    op.drop_index(op.f('ix_calendar_item_cache_created_dt'), table_name='calendar_item_cache')
    op.drop_index(op.f('ix_calendar_item_cache_uid'), table_name='calendar_item_cache')
    op.drop_table('calendar_item_cache')
