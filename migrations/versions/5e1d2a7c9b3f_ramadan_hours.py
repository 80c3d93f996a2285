"""Ramadan hours: blocked times kept only during Ramadan, the organisers' dates of Ramadan,
and a call's choice to keep them; a call's choice to book Roundtable's interpreters

Revision ID: 5e1d2a7c9b3f
Revises: 4d2a9c6e81f3
Create Date: 2026-11-30 01:30:00.000000

Indonesia and Malaysia, when present, get the default Ramadan hours: the working day ends at
15:00 (Indonesia) or 16:30 (Malaysia), and iftar (17:45-19:00 in Indonesia, 19:00-20:30 in
Malaysia) is kept free; organisers edit them. Existing calls keep Ramadan hours from now on
when their slots are proposed again, and book no interpreters (they were planned without).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1d2a7c9b3f'
down_revision = '4d2a9c6e81f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('blocked_times', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ramadan_only', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('bilateral_calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ramadan_hours', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.add_column(sa.Column('book_interpreters', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    op.create_table('ramadan_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', sa.DateTime(), nullable=False),
    sa.CheckConstraint('last_day >= first_day', name=op.f('ck_ramadan_periods_days_in_order')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_ramadan_periods_country_code_countries')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_ramadan_periods_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ramadan_periods')),
    sa.UniqueConstraint('country_code', 'year', name=op.f('uq_ramadan_periods_country_code'))
    )
    blocked = sa.table('blocked_times', sa.column('country_code', sa.String),
                       sa.column('weekday', sa.Integer), sa.column('start_minute', sa.Integer),
                       sa.column('end_minute', sa.Integer), sa.column('label', sa.String),
                       sa.column('ramadan_only', sa.Boolean))
    codes = {row[0] for row in op.get_bind().execute(sa.text('SELECT code FROM countries'))}
    defaults = (('ID', 900, 1440, 'Ramadan hours'), ('ID', 1065, 1140, 'Iftar'),
                ('MY', 990, 1440, 'Ramadan hours'), ('MY', 1140, 1230, 'Iftar'))
    rows = [{'country_code': code, 'weekday': None, 'start_minute': start, 'end_minute': end,
             'label': label, 'ramadan_only': True}
            for code, start, end, label in defaults if code in codes]
    if rows:
        op.bulk_insert(blocked, rows)


def downgrade():
    op.drop_table('ramadan_periods')
    with op.batch_alter_table('bilateral_calls', schema=None) as batch_op:
        batch_op.drop_column('book_interpreters')
        batch_op.drop_column('ramadan_hours')
    op.execute("DELETE FROM blocked_times WHERE ramadan_only")
    with op.batch_alter_table('blocked_times', schema=None) as batch_op:
        batch_op.drop_column('ramadan_only')
