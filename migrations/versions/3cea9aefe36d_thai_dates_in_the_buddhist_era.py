"""a reader may choose Buddhist Era years for Thai dates

Revision ID: 3cea9aefe36d
Revises: 263976b25c83
Create Date: 2026-11-29 21:45:00.000000

Each account chooses whether dates written in Thai show the Buddhist Era year (2026 is 2569).
Accounts created before this upgrade keep the Gregorian year: false for every existing row.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3cea9aefe36d'
down_revision = "263976b25c83"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, never a batch operation (see ddf23ae9842f): the false default fills
    # the NOT NULL column for every existing row.
    op.add_column('users', sa.Column('buddhist_era', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), not a batch.
    op.drop_column('users', 'buddhist_era')
