"""session tokens, deactivation, and the sign-in throttle's devices and known addresses

Revision ID: ddf23ae9842f
Revises: e19c889fa2fa
Create Date: 2026-12-02 12:00:00.000000

Every existing account gets its own random session token, so the cookies signed in before
this upgrade (which named the account id) stop working: everyone signs in once more.

It also repairs what organisers could save before their forms refused it and what then broke
every calendar feed: a line break in a one-line text (a title, a name, a link) becomes a
space; a working group's rule keeps its first line only (a second line was a second rule);
a working group "ending" after 2100 (9999-12-31 meant "no end") has no end date.
"""
import re
import secrets
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ddf23ae9842f'
down_revision = 'e19c889fa2fa'
branch_labels = None
depends_on = None


# One-line texts that reach calendar lines and email headers: (table, columns).
SINGLE_LINE = (
    ('events', ('title', 'co_hosts', 'venue', 'online_url')),
    ('sessions', ('title', 'room', 'online_url', 'meeting_point', 'transport')),
    ('users', ('display_name', 'pseudonym')),
    ('organisations', ('name',)),
    ('bilateral_calls', ('topic', 'online_url')),
    ('call_requests', ('topic',)),
    ('holiday_overrides', ('name',)),
    ('planning_tasks', ('title',)),
    ('topics', ('title',)),
    ('resources', ('title',)),
    ('working_groups', ('name', 'online_url')),
)


def _repair_saved_input(connection):
    for table_name, columns in SINGLE_LINE:
        for column_name in columns:
            column = sa.column(column_name, sa.String())
            table = sa.table(table_name, column)
            one_line = column
            for line_break in ('\r\n', '\r', '\n'):
                one_line = sa.func.replace(one_line, line_break, ' ')
            one_line = sa.func.trim(one_line)
            connection.execute(table.update()
                               .where(column.like('%\n%') | column.like('%\r%'))
                               .values({column_name: one_line}))
    groups = sa.table('working_groups', sa.column('id', sa.Integer()),
                      sa.column('rrule', sa.String()), sa.column('until_date', sa.Date()))
    broken = connection.execute(sa.select(groups.c.id, groups.c.rrule).where(
        groups.c.rrule.like('%\n%') | groups.c.rrule.like('%\r%'))).all()
    for group_id, rule in broken:
        first = re.split(r'[\r\n]+', rule.strip())[0].strip()
        connection.execute(groups.update().where(groups.c.id == group_id)
                           .values(rrule=first))
    connection.execute(groups.update().where(groups.c.until_date > date(2100, 12, 31))
                       .values(until_date=None))


def upgrade():
    _repair_saved_input(op.get_bind())

    # Plain ADD COLUMN and CREATE INDEX, never a batch operation: on SQLite a batch copies
    # and drops `users`, and with foreign keys on that fails (or cascades) for every table
    # that names a user. The '' default exists only to add the NOT NULL column; every row
    # gets its own token at once, and the unique index refuses a second ''.
    op.add_column('users', sa.Column('session_token', sa.String(length=64), nullable=False,
                                     server_default=''))
    op.add_column('users', sa.Column('deactivated_dt', sa.DateTime(), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer()),
                     sa.column('session_token', sa.String(length=64)))
    connection = op.get_bind()
    for user_id in connection.execute(sa.select(users.c.id)).scalars().all():
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(session_token=secrets.token_urlsafe(32)))
    op.create_index(op.f('ix_users_session_token'), 'users', ['session_token'], unique=True)

    op.add_column('sign_in_failures', sa.Column('device', sa.String(length=32), nullable=True))
    op.create_index('ix_sign_in_failures_address', 'sign_in_failures',
                    ['address', 'created_dt'], unique=False)

    op.create_table('known_sign_in_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('last_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_known_sign_in_addresses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_known_sign_in_addresses')),
    sa.UniqueConstraint('user_id', 'address', name='uq_known_sign_in_addresses_user_address')
    )


def downgrade():
    op.drop_table('known_sign_in_addresses')
    op.drop_index('ix_sign_in_failures_address', table_name='sign_in_failures')
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_column('device')
    op.drop_index(op.f('ix_users_session_token'), table_name='users')
    # Plain DROP COLUMN (SQLite 3.35+), not a batch: see upgrade().
    op.drop_column('users', 'deactivated_dt')
    op.drop_column('users', 'session_token')
