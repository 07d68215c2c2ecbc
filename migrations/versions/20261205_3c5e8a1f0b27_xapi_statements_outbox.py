"""xAPI: the statement outbox (xapi_statements, one per reported activity, fixed at creation) and the learners'
opaque xAPI names (xapi_actors).

Revision ID: 3c5e8a1f0b27
Revises: b7d41c9e2a35
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5e8a1f0b27'
down_revision = 'b7d41c9e2a35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_actors',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_xapi_actors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_xapi_actors')),
    sa.UniqueConstraint('name', name=op.f('uq_xapi_actors_name'))
    )
    op.create_table('xapi_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('statement', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('event_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_xapi_statements_activity_id_activities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_statements')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_xapi_statements_activity_id')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_statements_statement_id'))
    )
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_statements_event_at'), ['event_at'], unique=False)
        batch_op.create_index('ix_xapi_statements_queue', ['status', 'event_at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_statements_queue')
        batch_op.drop_index(batch_op.f('ix_xapi_statements_event_at'))

    op.drop_table('xapi_statements')
    op.drop_table('xapi_actors')
