"""Competency framework (competency_levels, competency_areas, competencies from courses/competencies.yml), the
competencies a course evidences (courses.competencies) and learners' evidence (competency_evidence).

Revision ID: 5be1c0a7d3f2
Revises: 5b8e2c4d7a19
Create Date: 2026-12-07 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5be1c0a7d3f2'
down_revision = '5b8e2c4d7a19'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE: existing courses name no competencies until their next sync.
    op.add_column('courses', sa.Column('competencies', sa.JSON(), nullable=True))
    op.create_table('competency_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('is_retired', sa.Boolean(), nullable=False),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_levels')),
    sa.UniqueConstraint('level', name=op.f('uq_competency_levels_level')),
    )
    op.create_table('competency_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_retired', sa.Boolean(), nullable=False),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_areas')),
    sa.UniqueConstraint('key', name=op.f('uq_competency_areas_key')),
    )
    op.create_table('competencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_retired', sa.Boolean(), nullable=False),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['competency_areas.id'], name=op.f('fk_competencies_area_id_competency_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competencies')),
    sa.UniqueConstraint('key', name=op.f('uq_competencies_key')),
    )
    op.create_index(op.f('ix_competencies_area_id'), 'competencies', ['area_id'], unique=False)
    op.create_table('competency_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('evidenced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'],
                            name=op.f('fk_competency_evidence_attempt_id_quiz_attempts')),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'],
                            name=op.f('fk_competency_evidence_competency_id_competencies')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_competency_evidence_course_id_courses')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_competency_evidence_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_evidence')),
    sa.UniqueConstraint('attempt_id', 'competency_id', name=op.f('uq_competency_evidence_attempt_id_competency_id')),
    )
    op.create_index(op.f('ix_competency_evidence_competency_id'), 'competency_evidence', ['competency_id'],
                    unique=False)
    op.create_index(op.f('ix_competency_evidence_course_id'), 'competency_evidence', ['course_id'], unique=False)
    op.create_index('ix_competency_evidence_user_id_competency_id', 'competency_evidence',
                    ['user_id', 'competency_id'], unique=False)


def downgrade():
    op.drop_index('ix_competency_evidence_user_id_competency_id', table_name='competency_evidence')
    op.drop_index(op.f('ix_competency_evidence_course_id'), table_name='competency_evidence')
    op.drop_index(op.f('ix_competency_evidence_competency_id'), table_name='competency_evidence')
    op.drop_table('competency_evidence')
    op.drop_index(op.f('ix_competencies_area_id'), table_name='competencies')
    op.drop_table('competencies')
    op.drop_table('competency_areas')
    op.drop_table('competency_levels')
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch copy of a table others refer to.
    op.drop_column('courses', 'competencies')
