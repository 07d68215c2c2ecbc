"""Lessons keep an outline (content without the bodies) and quiz versions their number of questions, so that
lesson lists and quiz pages need not load every language's full text or every question.

Revision ID: 3c5e0a7d9b21
Revises: a7c3e5b1d9f2
Create Date: 2026-11-27 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5e0a7d9b21'
down_revision = 'a7c3e5b1d9f2'
branch_labels = None
depends_on = None

lessons = sa.table('lessons', sa.column('id', sa.Integer()), sa.column('content', sa.JSON()),
                   sa.column('outline', sa.JSON()))
quiz_versions = sa.table('quiz_versions', sa.column('id', sa.Integer()), sa.column('questions', sa.JSON()),
                         sa.column('question_count', sa.Integer()))


def outline(content: dict) -> dict:
    # The same as lms.courses.services.lesson_outline at the time of writing (migrations do not import the app).
    return {lang: {k: v for k, v in variant.items() if k != "body"} for lang, variant in content.items()}


def upgrade():
    # NOT NULL with a placeholder default, filled below: SQLite adds such a column in place, whereas making a
    # column NOT NULL afterwards would rebuild the table, which its foreign keys (lesson_progress) forbid.
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outline', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('quiz_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_count', sa.Integer(), nullable=False, server_default='0'))

    conn = op.get_bind()
    for row in conn.execute(sa.select(lessons.c.id, lessons.c.content)).all():
        conn.execute(lessons.update().where(lessons.c.id == row.id).values(outline=outline(row.content)))
    for row in conn.execute(sa.select(quiz_versions.c.id, quiz_versions.c.questions)).all():
        conn.execute(quiz_versions.update().where(quiz_versions.c.id == row.id)
                     .values(question_count=len(row.questions)))

    if conn.dialect.name != 'sqlite':  # SQLite cannot drop a default in place; the app always sets both values
        op.alter_column('lessons', 'outline', server_default=None)
        op.alter_column('quiz_versions', 'question_count', server_default=None)


def downgrade():
    with op.batch_alter_table('quiz_versions', schema=None) as batch_op:
        batch_op.drop_column('question_count')
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_column('outline')
