"""managed interpretation languages (names, sign languages, retired) and channel modes

Revision ID: 7418dd58602a
Revises: 3b61c5a4295c
Create Date: 2026-11-29 23:05:00.000000

The languages table becomes the one list organisers manage: names in the platform's languages
where CLDR has none, a sign-language flag, and a retirement date instead of deletion (requests,
channels and interpreter profiles keep pointing at a retired code). Every code already chosen
at registration joins the list, so a request made before the upgrade (Burmese, say) shows on
the coverage grid and can get a channel. The five sign languages of the participating
countries are added with their names. Each channel gets its mode of interpreting; every
existing channel was a simultaneous booth.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7418dd58602a'
down_revision = "3b61c5a4295c"
branch_labels = None
depends_on = None

SIGN_LANGUAGES = [
    ('asf', 'Auslan', {'en': 'Auslan (Australian Sign Language)',
                       'id': 'Auslan (Bahasa Isyarat Australia)',
                       'ms': 'Auslan (Bahasa Isyarat Australia)',
                       'th': 'ภาษามือออสเตรเลีย (Auslan)'}),
    ('inl', 'Bahasa Isyarat Indonesia', {'en': 'Indonesian Sign Language',
                                         'id': 'Bahasa Isyarat Indonesia',
                                         'ms': 'Bahasa Isyarat Indonesia',
                                         'th': 'ภาษามืออินโดนีเซีย'}),
    ('xml', 'Bahasa Isyarat Malaysia', {'en': 'Malaysian Sign Language',
                                        'id': 'Bahasa Isyarat Malaysia',
                                        'ms': 'Bahasa Isyarat Malaysia',
                                        'th': 'ภาษามือมาเลเซีย'}),
    ('tsq', 'ภาษามือไทย', {'en': 'Thai Sign Language', 'id': 'Bahasa Isyarat Thailand',
                           'ms': 'Bahasa Isyarat Thai', 'th': 'ภาษามือไทย'}),
    ('nzs', 'New Zealand Sign Language', {'en': 'New Zealand Sign Language',
                                          'id': 'Bahasa Isyarat Selandia Baru',
                                          'ms': 'Bahasa Isyarat New Zealand',
                                          'th': 'ภาษามือนิวซีแลนด์'}),
]


def upgrade():
    # Plain ADD COLUMN, never a batch operation (see ddf23ae9842f).
    op.add_column('languages', sa.Column('names', sa.JSON(), nullable=False,
                                         server_default='{}'))
    op.add_column('languages', sa.Column('is_sign', sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    op.add_column('languages', sa.Column('retired_dt', sa.DateTime(), nullable=True))
    op.add_column('session_channels', sa.Column('mode', sa.String(length=20), nullable=False,
                                                server_default='simultaneous'))
    languages = sa.table('languages', sa.column('code', sa.String), sa.column('name', sa.String),
                         sa.column('names', sa.JSON), sa.column('is_sign', sa.Boolean))
    connection = op.get_bind()
    known = set(connection.execute(sa.text('SELECT code FROM languages')).scalars())
    chosen = connection.execute(sa.text(
        "SELECT DISTINCT interpretation_language FROM registrations "
        "WHERE interpretation_language <> ''")).scalars()
    rows = [{'code': code, 'name': code, 'names': {}, 'is_sign': False}
            for code in sorted(set(chosen) - known) if len(code) <= 8]
    rows += [{'code': code, 'name': name, 'names': names, 'is_sign': True}
             for code, name, names in SIGN_LANGUAGES if code not in known]
    if rows:
        op.bulk_insert(languages, rows)


def downgrade():
    # The sign languages go unless something points at them; the columns go (SQLite 3.35+).
    for code, _name, _names in SIGN_LANGUAGES:
        op.execute(sa.text(
            "DELETE FROM languages WHERE code = :code "
            "AND code NOT IN (SELECT language_code FROM session_channels) "
            "AND code NOT IN (SELECT language_code FROM interpretation_requests) "
            "AND code NOT IN (SELECT language_code FROM interpreter_languages)"
        ).bindparams(code=code))
    op.drop_column('session_channels', 'mode')
    op.drop_column('languages', 'retired_dt')
    op.drop_column('languages', 'is_sign')
    op.drop_column('languages', 'names')
