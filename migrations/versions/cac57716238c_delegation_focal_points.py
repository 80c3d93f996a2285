"""delegation focal points: organisers designate people who act for their own delegation

Revision ID: cac57716238c
Revises: b7e4c19a5d32
Create Date: 2026-11-29 23:05:00.000000

A focal point acts for the delegation of their own account's country (users.country_code), so
a flag on the account is enough: a country may have several, nobody is one for another country.
Existing accounts are not focal points: false for every existing row.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cac57716238c'
down_revision = "b7e4c19a5d32"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, never a batch operation (see ddf23ae9842f).
    op.add_column('users', sa.Column('is_focal_point', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))


def downgrade():
    op.drop_column('users', 'is_focal_point')
