"""People deactivated by hand (is_deactivated_by_hand): the directory sync no longer reactivates them.

Revision ID: d3a8f61c2b95
Revises: cca005437fb0
Create Date: 2026-12-07 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3a8f61c2b95'
down_revision = 'cca005437fb0'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, no batch copy of users (see f325e0902d14).
    op.add_column('users', sa.Column('is_deactivated_by_hand', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
    # Accounts already deactivated: by hand when the latest (de)activation in the audit log had a person as actor
    # (the directory sync and the system record none).
    bind = op.get_bind()
    latest = {}
    for object_id, action, actor_id in bind.execute(sa.text(
            "SELECT object_id, action, actor_id FROM audit_entries WHERE object_type = 'user' "
            "AND action IN ('user.deactivated', 'user.reactivated') ORDER BY at, id")):
        latest[object_id] = action == 'user.deactivated' and actor_id is not None
    ids = [int(object_id) for object_id, by_hand in latest.items() if by_hand and object_id.isdigit()]
    for start in range(0, len(ids), 1000):
        bind.execute(sa.text("UPDATE users SET is_deactivated_by_hand = :yes WHERE is_active = :no AND id IN :ids")
                     .bindparams(sa.bindparam("ids", expanding=True)),
                     {"yes": True, "no": False, "ids": ids[start:start + 1000]})


def downgrade():
    op.drop_column('users', 'is_deactivated_by_hand')
