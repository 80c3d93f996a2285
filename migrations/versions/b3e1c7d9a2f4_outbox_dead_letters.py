"""outbox dead letters

Revision ID: b3e1c7d9a2f4
Revises: 2f86fe7ce5e6
Create Date: 2026-11-29 15:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e1c7d9a2f4'
down_revision = '2f86fe7ce5e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dead_dt', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('dead_dt')
