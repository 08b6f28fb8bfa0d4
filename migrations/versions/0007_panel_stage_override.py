"""Panels: the Office's override of the lifecycle stage rule, kept with the panel.

Reviewed by hand: one new nullable JSON column on ``panels``; existing panels had no override (NULL).

Revision ID: 7c2e5a9d4f11
Revises: 8d41e07b95a3
Create Date: 2026-12-03 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c2e5a9d4f11'
down_revision = '8d41e07b95a3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage_override', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.drop_column('stage_override')
