"""The content version: one row whose random token changes with every write of course content, so that each process
can keep course content in memory and check it with one cheap read per request.

Revision ID: b7d41c9e2a60
Revises: 588ad99f27a0
Create Date: 2026-12-05 09:00:00.000000

"""
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c9e2a60'
down_revision = '588ad99f27a0'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'content_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version')),
    )
    now = datetime.now(timezone.utc)
    if op.get_bind().dialect.name == 'sqlite':  # stored naive, in UTC, as lms.db.UTCDateTime does
        now = now.replace(tzinfo=None)
    op.bulk_insert(table, [{'id': 1, 'token': secrets.token_hex(16), 'changed_at': now}])


def downgrade():
    op.drop_table('content_version')
