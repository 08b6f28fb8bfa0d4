"""Accounts: the person's name, as colleagues read it (the frame; a draw's witnesses).

Reviewed by hand: one column with an empty default, so existing accounts are shown by their address as before.

Revision ID: 5e1c9b7a2d40
Revises: 14fd9a9b16ff
Create Date: 2026-12-03 16:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e1c9b7a2d40'
down_revision = '14fd9a9b16ff'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('name')
