"""SCORM lessons: the package a lesson runs (lessons.package, as check read it) and each learner's runtime data per
lesson and package version (scorm_attempts).

Revision ID: c4f2a9d17e3b
Revises: e4a1c7d20b93
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f2a9d17e3b'
down_revision = 'e4a1c7d20b93'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy of the table): lessons are referred to by learners' progress.
    op.add_column('lessons', sa.Column('package', sa.JSON(), nullable=True))
    op.create_table('scorm_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('package_sha256', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=4), nullable=False),
    sa.Column('cmi', sa.JSON(), nullable=False),
    sa.Column('launched_us', sa.BigInteger(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('success_status', sa.String(length=10), nullable=True),
    sa.Column('score_raw', sa.Float(), nullable=True),
    sa.Column('score_min', sa.Float(), nullable=True),
    sa.Column('score_max', sa.Float(), nullable=True),
    sa.Column('score_scaled', sa.Float(), nullable=True),
    sa.Column('location', sa.String(length=1000), nullable=False),
    sa.Column('suspend_data', sa.Text(), nullable=False),
    sa.Column('exit', sa.String(length=10), nullable=False),
    sa.Column('session_seconds', sa.Float(), nullable=False),
    sa.Column('previous_seconds', sa.Float(), nullable=False),
    sa.Column('commits', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_scorm_attempts_course_id_courses')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_scorm_attempts_lesson_id_lessons')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scorm_attempts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorm_attempts')),
    sa.UniqueConstraint('user_id', 'lesson_id', 'package_sha256',
                        name=op.f('uq_scorm_attempts_user_id_lesson_id_package_sha256'))
    )
    op.create_index(op.f('ix_scorm_attempts_course_id'), 'scorm_attempts', ['course_id'], unique=False)
    op.create_index(op.f('ix_scorm_attempts_lesson_id'), 'scorm_attempts', ['lesson_id'], unique=False)
    op.create_index(op.f('ix_scorm_attempts_user_id'), 'scorm_attempts', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_scorm_attempts_user_id'), table_name='scorm_attempts')
    op.drop_index(op.f('ix_scorm_attempts_lesson_id'), table_name='scorm_attempts')
    op.drop_index(op.f('ix_scorm_attempts_course_id'), table_name='scorm_attempts')
    op.drop_table('scorm_attempts')
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch copy of a table others refer to.
    op.drop_column('lessons', 'package')
