"""Panels: the supervisor who witnessed a draw (监督), beside the staff member who made it.

Reviewed by hand: one nullable column; draws made before this revision had no supervisor on record (NULL).

Revision ID: 5d1c7e2a9b40
Revises: 5e1c9b7a2d40
Create Date: 2026-12-03 16:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d1c7e2a9b40'
down_revision = '5e1c9b7a2d40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('draws') as batch_op:
        batch_op.add_column(sa.Column('supervised_by', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('draws') as batch_op:
        batch_op.drop_column('supervised_by')
