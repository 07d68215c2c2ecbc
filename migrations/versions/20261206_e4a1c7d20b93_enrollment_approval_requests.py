"""Manager approval of self-enrolment: courses.enrollment_approval (from the manifest) and enrollment_requests, with
one pending request per learner and course enforced by a partial unique index.

Revision ID: e4a1c7d20b93
Revises: 9adeb799dbca
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4a1c7d20b93'
down_revision = '9adeb799dbca'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE (no batch copy of courses): existing courses ask for no approval until their next sync.
    op.add_column('courses', sa.Column('enrollment_approval', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.create_table('enrollment_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name=op.f('fk_enrollment_requests_approver_id_users')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_enrollment_requests_course_id_courses')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                            name=op.f('fk_enrollment_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_enrollment_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_requests')),
    )
    op.create_index(op.f('ix_enrollment_requests_approver_id'), 'enrollment_requests', ['approver_id'], unique=False)
    op.create_index(op.f('ix_enrollment_requests_course_id'), 'enrollment_requests', ['course_id'], unique=False)
    op.create_index(op.f('ix_enrollment_requests_user_id'), 'enrollment_requests', ['user_id'], unique=False)
    op.create_index('ix_enrollment_requests_status_expires_at', 'enrollment_requests', ['status', 'expires_at'],
                    unique=False)
    op.create_index('uq_enrollment_requests_one_pending', 'enrollment_requests', ['user_id', 'course_id'],
                    unique=True, sqlite_where=sa.text("status = 'pending'"),
                    postgresql_where=sa.text("status = 'pending'"))


def downgrade():
    op.drop_index('uq_enrollment_requests_one_pending', table_name='enrollment_requests',
                  sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
    op.drop_index('ix_enrollment_requests_status_expires_at', table_name='enrollment_requests')
    op.drop_index(op.f('ix_enrollment_requests_user_id'), table_name='enrollment_requests')
    op.drop_index(op.f('ix_enrollment_requests_course_id'), table_name='enrollment_requests')
    op.drop_index(op.f('ix_enrollment_requests_approver_id'), table_name='enrollment_requests')
    op.drop_table('enrollment_requests')
    op.drop_column('courses', 'enrollment_approval')
