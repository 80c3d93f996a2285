"""surveys: organisers' post-event surveys, their questions, who answered and the answers

Four new tables; nothing existing changes (the standard feedback keeps its tables: see
app/surveys/__init__.py).

Revision ID: 02a37c365b70
Revises: 7c3a9e1f5d20
Create Date: 2026-11-30 04:19:38.514723

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '02a37c365b70'
down_revision = '7c3a9e1f5d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('translations', sa.JSON(), server_default='{}', nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', name='surveystatus', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_surveys_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_surveys'))
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveys_event_id'), ['event_id'], unique=False)

    op.create_table('survey_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('rating', 'single', 'multiple', 'text', name='questionkind', native_enum=False, length=20), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('choices', sa.Text(), nullable=False),
    sa.Column('low_label', sa.String(length=100), nullable=False),
    sa.Column('high_label', sa.String(length=100), nullable=False),
    sa.Column('translations', sa.JSON(), server_default='{}', nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_questions_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questions'))
    )
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_questions_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_respondents',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_respondents_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_respondents_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'user_id', name=op.f('pk_survey_respondents'))
    )
    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('chosen', sa.JSON(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('rating IS NULL OR (rating >= 1 AND rating <= 5)', name=op.f('ck_survey_answers_rating_one_to_five')),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_survey_answers_question_id_survey_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_answers_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answers_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answers_question_id'))

    op.drop_table('survey_answers')
    op.drop_table('survey_respondents')
    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_questions_survey_id'))

    op.drop_table('survey_questions')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveys_event_id'))

    op.drop_table('surveys')
