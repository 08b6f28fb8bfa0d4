"""Panels: waves, many parks' meetings planned together (a proposal, then committed as panels).

Reviewed by hand: one new table, nothing moved.

Revision ID: 7a3f1c9e5b20
Revises: 8b4e2d0a6c31
Create Date: 2026-12-03 19:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7a3f1c9e5b20'
down_revision = '8b4e2d0a6c31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('waves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('convened_by', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('request', sa.JSON(), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=False),
    sa.Column('server_entropy', sa.String(length=64), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('engine_version', sa.String(length=40), nullable=False),
    sa.Column('rule_set_id', sa.Integer(), nullable=False),
    sa.Column('replans_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('committed_by', sa.String(length=254), nullable=True),
    sa.Column('panels', sa.JSON(), nullable=True),
    sa.CheckConstraint("status IN ('proposed', 'committed', 'discarded')", name=op.f('ck_waves_status')),
    sa.ForeignKeyConstraint(['rule_set_id'], ['rule_sets.id'], name=op.f('fk_waves_rule_set_id_rule_sets')),
    sa.ForeignKeyConstraint(['replans_id'], ['waves.id'], name=op.f('fk_waves_replans_id_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waves'))
    )
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waves_convened_by'), ['convened_by'], unique=False)


def downgrade():
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waves_convened_by'))
    op.drop_table('waves')
