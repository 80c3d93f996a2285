"""visa letters: a registration's nationality and passport number; each event's signatory,
embassy contact and what the organisers pay for

Revision ID: c4e8b1f27a10
Revises: a7d3c2e91f00
Create Date: 2026-12-09 12:00:00.000000

Plain ADD COLUMN on `registrations`, never a batch operation: on SQLite a batch copies and
drops the table, and with foreign keys on that cascades into every session place. SQLite
cannot add a foreign key to an existing table, except written inline with the new column
(``inline_references``); other databases add it as a named constraint.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8b1f27a10'
down_revision = "a7d3c2e91f00"
branch_labels = None
depends_on = None


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column('registrations', sa.Column(
        'nationality', sa.String(length=2),
        sa.ForeignKey('countries.code',
                      name=op.f('fk_registrations_nationality_countries')),
        nullable=True), inline_references=sqlite)
    op.add_column('registrations', sa.Column('passport_number', sa.String(length=40),
                                             server_default='', nullable=False))

    op.create_table('letter_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('signatory_name', sa.String(length=200), nullable=False),
    sa.Column('signatory_title', sa.String(length=200), nullable=False),
    sa.Column('signatory_organisation', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('costs_covered', sa.String(length=500), nullable=False),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_letter_settings_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_settings')),
    sa.UniqueConstraint('event_id', name=op.f('uq_letter_settings_event_id'))
    )


def downgrade():
    op.drop_table('letter_settings')
    # Plain DROP COLUMN (SQLite 3.35+), not a batch: see the notes above.
    op.drop_column('registrations', 'passport_number')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_registrations_nationality_countries'), 'registrations',
                           type_='foreignkey')
    op.drop_column('registrations', 'nationality')
