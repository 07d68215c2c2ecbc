"""An enrolment's lessons done counts live lessons only: progress in retired lessons is kept but no longer counted
(reports showed "3 of 2 lessons"). Data only: recounts every enrolment.

Revision ID: 7ab3fc8a83f3
Revises: 449f3d0fa0e1
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7ab3fc8a83f3'
down_revision = '449f3d0fa0e1'
branch_labels = None
depends_on = None

enrollments = sa.table('enrollments', sa.column('user_id', sa.Integer()), sa.column('course_id', sa.Integer()),
                       sa.column('lessons_completed', sa.Integer()))
lesson_progress = sa.table('lesson_progress', sa.column('user_id', sa.Integer()), sa.column('course_id', sa.Integer()),
                           sa.column('lesson_id', sa.Integer()))
lessons = sa.table('lessons', sa.column('id', sa.Integer()), sa.column('is_retired', sa.Boolean()))


def _recount(*, live_only: bool):
    # As lms.learning.services._live_lessons_done at the time of writing (migrations do not import the app); the
    # boolean comes from SQLAlchemy, so the statement is right on SQLite (0/1) and PostgreSQL (false).
    done = (sa.select(sa.func.count()).select_from(lesson_progress)
            .where(lesson_progress.c.user_id == enrollments.c.user_id,
                   lesson_progress.c.course_id == enrollments.c.course_id))
    if live_only:
        done = done.join(lessons, lessons.c.id == lesson_progress.c.lesson_id).where(lessons.c.is_retired.is_(False))
    op.execute(enrollments.update().values(lessons_completed=done.scalar_subquery()))


def upgrade():
    _recount(live_only=True)


def downgrade():
    _recount(live_only=False)  # the figure as it was kept before: every lesson_progress row
