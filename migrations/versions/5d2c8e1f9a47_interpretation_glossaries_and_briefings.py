"""interpretation preparation: a glossary per language pair, a briefing note per session

Revision ID: 5d2c8e1f9a47
Revises: 5a2a97442103
Create Date: 2026-11-30 01:20:00.000000

Two new tables, nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2c8e1f9a47'
down_revision = '5a2a97442103'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('glossary_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('language_a', sa.String(length=8), nullable=False),
    sa.Column('language_b', sa.String(length=8), nullable=False),
    sa.Column('term_a', sa.String(length=200), nullable=False),
    sa.Column('term_b', sa.String(length=200), nullable=False),
    sa.Column('term_key', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=500), server_default='', nullable=False),
    sa.Column('created_dt', sa.DateTime(), nullable=False),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['language_a'], ['languages.code'], name=op.f('fk_glossary_terms_language_a_languages')),
    sa.ForeignKeyConstraint(['language_b'], ['languages.code'], name=op.f('fk_glossary_terms_language_b_languages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_terms')),
    sa.UniqueConstraint('language_a', 'language_b', 'term_key', name='uq_glossary_terms_term')
    )
    op.create_table('interpretation_briefings',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_interpretation_briefings_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_interpretation_briefings'))
    )


def downgrade():
    op.drop_table('interpretation_briefings')
    op.drop_table('glossary_terms')
