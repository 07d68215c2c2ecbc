"""Programmes: the programmes table (synced from courses/programmes/), programme certificates (a certificate with a
programme and its evidence instead of a course completion) and assignments that are part of a programme's.

Revision ID: 5b8e2c4d7a19
Revises: 5d2b8e4f7a16
Create Date: 2026-12-07 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2c4d7a19'
down_revision = '5d2b8e4f7a16'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('default_language', sa.String(length=2), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('structure', sa.JSON(), nullable=False),
    sa.Column('has_certificate', sa.Boolean(), nullable=False),
    sa.Column('certificate_valid_months', sa.Integer(), nullable=True),
    sa.Column('is_retired', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('key', name=op.f('uq_programmes_key'))
    )
    op.create_index(op.f('ix_programmes_is_retired'), 'programmes', ['is_retired'], unique=False)
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('evidence', sa.JSON(), nullable=True))
        batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('completion_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_certificates_programme_id'), ['programme_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_certificates_programme_id_programmes'), 'programmes',
                                    ['programme_id'], ['id'])
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('programme_batch', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_assignments_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_programme_batch'), ['programme_batch'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_assignments_programme_id_programmes'), 'programmes',
                                    ['programme_id'], ['id'])


def downgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_assignments_programme_id_programmes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_assignments_programme_batch'))
        batch_op.drop_index(batch_op.f('ix_assignments_programme_id'))
        batch_op.drop_column('programme_batch')
        batch_op.drop_column('programme_id')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificates_programme_id_programmes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_certificates_programme_id'))
        batch_op.alter_column('completion_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('evidence')
        batch_op.drop_column('programme_id')
    op.drop_index(op.f('ix_programmes_is_retired'), table_name='programmes')
    op.drop_table('programmes')
