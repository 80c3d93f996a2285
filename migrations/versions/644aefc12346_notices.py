"""notices: one row per notice (kind and parameters, written in the reader's language when
shown), and each person's choice of which kinds are emailed

Revision ID: 644aefc12346
Revises: c4e8b1f27a10
Create Date: 2026-11-29 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '644aefc12346'
down_revision = 'c4e8b1f27a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=True),
    sa.Column('created_dt', sa.DateTime(), nullable=False),
    sa.Column('read_dt', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notices_recipient_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('recipient_id', 'kind', 'key', name='uq_notices_recipient_kind_key')
    )
    op.create_index('ix_notices_recipient_read', 'notices', ['recipient_id', 'read_dt'], unique=False)
    op.create_table('notice_email_choices',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('is_emailed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_email_choices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notice_email_choices'))
    )


def downgrade():
    op.drop_table('notice_email_choices')
    op.drop_index('ix_notices_recipient_read', table_name='notices')
    op.drop_table('notices')
