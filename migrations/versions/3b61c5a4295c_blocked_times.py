"""blocked times per country: lunch everywhere, Friday prayers in Indonesia and Malaysia

Revision ID: 3b61c5a4295c
Revises: 3cea9aefe36d
Create Date: 2026-11-29 23:10:00.000000

The slot finder proposes no call inside a country's blocked times, read in each invitee's own
wall clock. Countries already present get the defaults: lunch 12:00-13:00 every day, and
Friday prayers 11:30-13:30 in Indonesia and Malaysia; organisers edit them afterwards.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b61c5a4295c'
down_revision = '3cea9aefe36d'
branch_labels = None
depends_on = None


def upgrade():
    blocked = op.create_table('blocked_times',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('end_minute', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.CheckConstraint('start_minute >= 0 AND end_minute > start_minute AND end_minute <= 1440', name=op.f('ck_blocked_times_minutes')),
    sa.CheckConstraint('weekday IS NULL OR (weekday >= 0 AND weekday <= 6)', name=op.f('ck_blocked_times_weekday')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_blocked_times_country_code_countries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blocked_times'))
    )
    op.create_index(op.f('ix_blocked_times_country_code'), 'blocked_times', ['country_code'], unique=False)
    codes = [row[0] for row in op.get_bind().execute(sa.text('SELECT code FROM countries'))]
    rows = [{'country_code': code, 'weekday': None, 'start_minute': 720, 'end_minute': 780,
             'label': 'Lunch'} for code in codes]
    rows += [{'country_code': code, 'weekday': 4, 'start_minute': 690, 'end_minute': 810,
              'label': 'Friday prayers'} for code in codes if code in ('ID', 'MY')]
    if rows:
        op.bulk_insert(blocked, rows)


def downgrade():
    op.drop_index(op.f('ix_blocked_times_country_code'), table_name='blocked_times')
    op.drop_table('blocked_times')
