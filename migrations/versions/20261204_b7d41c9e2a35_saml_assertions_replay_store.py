"""SAML sign-in: the used assertion ids (saml_assertions), kept until they expire, so that a replayed assertion is
refused on every instance.

Revision ID: b7d41c9e2a35
Revises: f325e0902d14
Create Date: 2026-12-04 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c9e2a35'
down_revision = 'f325e0902d14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saml_assertions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assertion_id', sa.String(length=255), nullable=False),
    sa.Column('provider', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saml_assertions')),
    sa.UniqueConstraint('assertion_id', name=op.f('uq_saml_assertions_assertion_id'))
    )
    with op.batch_alter_table('saml_assertions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saml_assertions_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('saml_assertions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saml_assertions_expires_at'))

    op.drop_table('saml_assertions')
