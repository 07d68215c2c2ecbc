"""People: a stable person id (employee_id, shared with the directory and identity providers), a line manager
(manager_id), and the links to identity provider accounts (external_identities). Schema only.

Revision ID: f325e0902d14
Revises: 5e1f0b7c2d84
Create Date: 2026-12-04 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f325e0902d14'
down_revision = '5e1f0b7c2d84'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('external_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('protocol', sa.String(length=8), nullable=False),
    sa.Column('provider', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_external_identities_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_identities')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_external_identities_provider_subject'))
    )
    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_identities_user_id'), ['user_id'], unique=False)

    # Plain ALTER TABLE, no batch copy of users: on SQLite a copy would drop the old table, and with foreign keys on
    # that deletes every row that cascades from a user.
    op.add_column('users', sa.Column('employee_id', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_users_employee_id'), 'users', ['employee_id'], unique=True)
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a column's REFERENCES only inline
        op.execute('ALTER TABLE users ADD COLUMN manager_id INTEGER REFERENCES users (id)')
    else:
        op.add_column('users', sa.Column('manager_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_users_manager_id_users'), 'users', 'users', ['manager_id'], ['id'])
    op.create_index(op.f('ix_users_manager_id'), 'users', ['manager_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_users_manager_id'), table_name='users')
    if op.get_bind().dialect.name != 'sqlite':  # SQLite drops the column's REFERENCES with the column
        op.drop_constraint(op.f('fk_users_manager_id_users'), 'users', type_='foreignkey')
    op.drop_column('users', 'manager_id')
    op.drop_index(op.f('ix_users_employee_id'), table_name='users')
    op.drop_column('users', 'employee_id')

    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_identities_user_id'))

    op.drop_table('external_identities')
