"""Pre-test attempts: one per learner and course, drawn from the final quiz's pool before the first lesson.

Revision ID: 5d2b8e4f7a16
Revises: 5e7a1c3b9d20
Create Date: 2026-12-07 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2b8e4f7a16'
down_revision = '5e7a1c3b9d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pretest_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('quiz_version_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('layout', sa.JSON(), nullable=False),
    sa.Column('draft', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.Column('score_percent', sa.Double(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_pretest_attempts_course_id_courses')),
    sa.ForeignKeyConstraint(['quiz_version_id'], ['quiz_versions.id'], name=op.f('fk_pretest_attempts_quiz_version_id_quiz_versions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pretest_attempts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pretest_attempts')),
    sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_pretest_attempts_user_id_course_id'))
    )
    op.create_index(op.f('ix_pretest_attempts_course_id'), 'pretest_attempts', ['course_id'], unique=False)
    op.create_index(op.f('ix_pretest_attempts_user_id'), 'pretest_attempts', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_pretest_attempts_user_id'), table_name='pretest_attempts')
    op.drop_index(op.f('ix_pretest_attempts_course_id'), table_name='pretest_attempts')
    op.drop_table('pretest_attempts')
