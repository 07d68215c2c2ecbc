"""Course media as the last sync recorded them (course_files) and their bytes, stored once per hash (file_blobs):
the media view serves these, never the files on disk.

Existing courses have no recorded files until the next `lms courses sync`, which records them (until then their
media answer 404).

Revision ID: 449f3d0fa0e1
Revises: 3c5e0a7d9b21
Create Date: 2026-12-03 06:06:03.787701

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '449f3d0fa0e1'
down_revision = '3c5e0a7d9b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('file_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_file_blobs'))
    )
    op.create_table('course_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_files_course_id_courses')),
    sa.ForeignKeyConstraint(['sha256'], ['file_blobs.sha256'], name=op.f('fk_course_files_sha256_file_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_files')),
    sa.UniqueConstraint('course_id', 'path', name=op.f('uq_course_files_course_id_path'))
    )
    with op.batch_alter_table('course_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_files_sha256'), ['sha256'], unique=False)



def downgrade():
    with op.batch_alter_table('course_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_files_sha256'))

    op.drop_table('course_files')
    op.drop_table('file_blobs')
