"""interpreters decline an assignment with a reason

Revision ID: a7d3c2e91f00
Revises: ddf23ae9842f
Create Date: 2026-12-04 10:00:00.000000

Why an interpreter declined, kept with the assignment for the organisers who replace them.
Assignments declined before this upgrade were declined without one: their reason is ''.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d3c2e91f00'
down_revision = 'ddf23ae9842f'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, never a batch operation (see ddf23ae9842f): the '' default fills the
    # NOT NULL column for every existing row.
    op.add_column('interpretation_assignments',
                  sa.Column('decline_reason', sa.String(length=500), nullable=False,
                            server_default=''))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), not a batch.
    op.drop_column('interpretation_assignments', 'decline_reason')
