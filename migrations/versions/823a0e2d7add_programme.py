"""programme: speakers, pre-recorded items, materials and downloads per session

Revision ID: 823a0e2d7add
Revises: 5d2c8e1f9a47
Create Date: 2026-11-30 01:07:36.594218

A session's speakers, facilitators and moderators (an account or a named guest, named in the
programme only if they agreed), its pre-recorded items (an uploaded video or a link, with
subtitle languages from the managed list), its materials from the library, and who
downloaded which material (once per person). New tables only.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '823a0e2d7add'
down_revision = '5d2c8e1f9a47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'programme_roles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.Enum('speaker', 'facilitator', 'moderator', name='rolekind',
                                  native_enum=False, length=20), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('guest_name', sa.String(length=200), server_default='', nullable=False),
        sa.Column('guest_organisation', sa.String(length=200), server_default='',
                  nullable=False),
        sa.Column('guest_country', sa.String(length=2), nullable=True),
        sa.Column('named_in_programme', sa.Boolean(), server_default=sa.false(),
                  nullable=False),
        sa.Column('created_dt', sa.DateTime(), nullable=False),
        sa.CheckConstraint("(user_id IS NULL) <> (guest_name = '')",
                           name=op.f('ck_programme_roles_account_or_guest')),
        sa.ForeignKeyConstraint(['guest_country'], ['countries.code'],
                                name=op.f('fk_programme_roles_guest_country_countries')),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='CASCADE',
                                name=op.f('fk_programme_roles_session_id_sessions')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_programme_roles_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_roles')),
        sa.UniqueConstraint('session_id', 'role', 'user_id',
                            name='uq_programme_roles_session_role_user'),
    )
    op.create_index('ix_programme_roles_session_position', 'programme_roles',
                    ['session_id', 'position'])
    op.create_index(op.f('ix_programme_roles_user_id'), 'programme_roles', ['user_id'])
    op.create_table(
        'programme_recordings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=True),
        sa.Column('original_name', sa.String(length=255), server_default='', nullable=False),
        sa.Column('media_type', sa.String(length=120), server_default='', nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=True),
        sa.Column('video_url', sa.String(length=500), server_default='', nullable=False),
        sa.Column('created_dt', sa.DateTime(), nullable=False),
        sa.CheckConstraint("(stored_name IS NULL) <> (video_url = '')",
                           name=op.f('ck_programme_recordings_file_or_link')),
        sa.CheckConstraint('size_bytes IS NULL OR size_bytes >= 0',
                           name=op.f('ck_programme_recordings_size_not_negative')),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='CASCADE',
                                name=op.f('fk_programme_recordings_session_id_sessions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_recordings')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_programme_recordings_stored_name')),
    )
    op.create_index(op.f('ix_programme_recordings_session_id'), 'programme_recordings',
                    ['session_id'])
    op.create_table(
        'programme_recording_subtitles',
        sa.Column('recording_id', sa.Integer(), nullable=False),
        sa.Column('language_code', sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ['language_code'], ['languages.code'],
            name=op.f('fk_programme_recording_subtitles_language_code_languages')),
        sa.ForeignKeyConstraint(
            ['recording_id'], ['programme_recordings.id'], ondelete='CASCADE',
            name=op.f('fk_programme_recording_subtitles_recording_id_programme_recordings')),
        sa.PrimaryKeyConstraint('recording_id', 'language_code',
                                name=op.f('pk_programme_recording_subtitles')),
    )
    op.create_table(
        'programme_materials',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('resource_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('added_dt', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], ondelete='CASCADE',
                                name=op.f('fk_programme_materials_resource_id_resources')),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='CASCADE',
                                name=op.f('fk_programme_materials_session_id_sessions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_materials')),
        sa.UniqueConstraint('session_id', 'resource_id',
                            name='uq_programme_materials_session_resource'),
    )
    op.create_index(op.f('ix_programme_materials_resource_id'), 'programme_materials',
                    ['resource_id'])
    op.create_table(
        'programme_downloads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('material_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('downloaded_dt', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['material_id'], ['programme_materials.id'], ondelete='CASCADE',
            name=op.f('fk_programme_downloads_material_id_programme_materials')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_programme_downloads_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_downloads')),
        sa.UniqueConstraint('material_id', 'user_id', name='uq_programme_downloads_person'),
    )
    op.create_index(op.f('ix_programme_downloads_user_id'), 'programme_downloads',
                    ['user_id'])


def downgrade():
    op.drop_index(op.f('ix_programme_downloads_user_id'), table_name='programme_downloads')
    op.drop_table('programme_downloads')
    op.drop_index(op.f('ix_programme_materials_resource_id'), table_name='programme_materials')
    op.drop_table('programme_materials')
    op.drop_table('programme_recording_subtitles')
    op.drop_index(op.f('ix_programme_recordings_session_id'), table_name='programme_recordings')
    op.drop_table('programme_recordings')
    op.drop_index(op.f('ix_programme_roles_user_id'), table_name='programme_roles')
    op.drop_index('ix_programme_roles_session_position', table_name='programme_roles')
    op.drop_table('programme_roles')
