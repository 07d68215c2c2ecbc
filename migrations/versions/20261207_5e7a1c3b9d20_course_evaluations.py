"""Course evaluations: the anonymous answers (responses and their scale scores, with course, agency and month only),
who has answered or declined (to ask once), and a course's own questionnaire from its manifest.

Revision ID: 5e7a1c3b9d20
Revises: d3a8f61c2b95
Create Date: 2026-12-07 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7a1c3b9d20'
down_revision = 'd3a8f61c2b95'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_participations',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_evaluation_participations_course_id_courses')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evaluation_participations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'course_id', name=op.f('pk_evaluation_participations'))
    )
    op.create_table('evaluation_responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('comment', sa.String(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_evaluation_responses_agency_id_agencies')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_evaluation_responses_course_id_courses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_responses'))
    )
    op.create_index('ix_evaluation_responses_course_id_month', 'evaluation_responses', ['course_id', 'month'], unique=False)
    op.create_index(op.f('ix_evaluation_responses_agency_id'), 'evaluation_responses', ['agency_id'], unique=False)
    op.create_table('evaluation_scores',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('question_key', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['evaluation_responses.id'], name=op.f('fk_evaluation_scores_response_id_evaluation_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'question_key', name=op.f('pk_evaluation_scores'))
    )
    # Plain ALTER TABLE, no batch copy of courses (see the notifications migration).
    op.add_column('courses', sa.Column('evaluation', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('courses', 'evaluation')
    op.drop_table('evaluation_scores')
    op.drop_index(op.f('ix_evaluation_responses_agency_id'), table_name='evaluation_responses')
    op.drop_index('ix_evaluation_responses_course_id_month', table_name='evaluation_responses')
    op.drop_table('evaluation_responses')
    op.drop_table('evaluation_participations')
