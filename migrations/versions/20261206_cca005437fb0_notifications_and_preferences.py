"""Notifications: the delivered notices (the inbox), each person's channel per kind, the unread counter on users,
and when a certificate's holder was told that it expires soon.

Revision ID: cca005437fb0
Revises: c4f2a9d17e3b
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cca005437fb0'
down_revision = 'c4f2a9d17e3b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('subject_user_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=120), nullable=True),
    sa.Column('is_in_app', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_notifications_course_id_courses')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notifications_recipient_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'], name=op.f('fk_notifications_subject_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('recipient_id', 'kind', 'key', name=op.f('uq_notifications_recipient_id_kind_key'))
    )
    op.create_index('ix_notifications_recipient_id_created_at', 'notifications', ['recipient_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_notifications_read_at'), 'notifications', ['read_at'], unique=False)
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preferences'))
    )
    # Plain ALTER TABLE, no batch copy of users: on SQLite a copy would drop the old table, and with foreign keys on
    # that deletes every row that cascades from a user.
    op.add_column('users', sa.Column('unread_notifications', sa.Integer(), server_default='0', nullable=False))
    op.add_column('certificates', sa.Column('expiry_notified_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column('certificates', 'expiry_notified_at')
    op.drop_column('users', 'unread_notifications')
    op.drop_table('notification_preferences')
    op.drop_index(op.f('ix_notifications_read_at'), table_name='notifications')
    op.drop_index('ix_notifications_recipient_id_created_at', table_name='notifications')
    op.drop_table('notifications')
