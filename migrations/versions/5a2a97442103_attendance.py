"""attendance: who attended each session, checked in at the door or imported from a report

Revision ID: 5a2a97442103
Revises: cac57716238c
Create Date: 2026-11-30 01:05:24.604528

A new table; nothing existing changes.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a2a97442103'
down_revision = 'cac57716238c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('checked_in', 'imported', name='attendancesource', native_enum=False, length=20), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('recorded_dt', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('minutes IS NULL OR minutes >= 0', name=op.f('ck_attendance_minutes_not_negative')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_attendance_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_attendance_session_id_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attendance_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_attendance_session_id'))
    )


def downgrade():
    op.drop_table('attendance')
