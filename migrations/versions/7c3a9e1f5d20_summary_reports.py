"""reports: summary reports per event, their key downloads and check acknowledgements

Revision ID: 7c3a9e1f5d20
Revises: a7c3e91f4d20
Create Date: 2026-11-30 04:40:00.000000

Three new tables; nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3a9e1f5d20'
down_revision = 'a7c3e91f4d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('summary_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', name='reportstatus', native_enum=False, length=20), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('published_dt', sa.DateTime(), nullable=True),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_summary_reports_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_reports')),
    sa.UniqueConstraint('event_id', name=op.f('uq_summary_reports_event_id'))
    )
    op.create_table('report_acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('words', sa.String(length=320), nullable=False),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_report_acknowledgements_acknowledged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['summary_reports.id'], name=op.f('fk_report_acknowledgements_report_id_summary_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_acknowledgements')),
    sa.UniqueConstraint('report_id', 'words', name=op.f('uq_report_acknowledgements_report_id'))
    )
    op.create_table('report_downloads',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['summary_reports.id'], name=op.f('fk_report_downloads_report_id_summary_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_report_downloads_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'resource_id', name=op.f('pk_report_downloads'))
    )
    with op.batch_alter_table('report_downloads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_downloads_resource_id'), ['resource_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_downloads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_downloads_resource_id'))
    op.drop_table('report_downloads')
    op.drop_table('report_acknowledgements')
    op.drop_table('summary_reports')
