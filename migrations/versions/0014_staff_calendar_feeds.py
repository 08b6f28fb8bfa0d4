"""Panels: calendar feeds for staff users too (the meetings their authority may see), beside the experts' feeds.

Reviewed by hand: ``expert_id`` becomes nullable, ``user_id`` is added, and a check keeps exactly one owner per
feed. Existing rows are experts' feeds and satisfy the check.

Revision ID: 8b4e2d0a6c31
Revises: 5c2e7a91d4b3
Create Date: 2026-12-03 19:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8b4e2d0a6c31'
down_revision = '5c2e7a91d4b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.alter_column('expert_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_calendar_feeds_user_id_users'), 'users', ['user_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_calendar_feeds_user_id'), ['user_id'], unique=False)
        batch_op.create_check_constraint(op.f('ck_calendar_feeds_one_owner'), '(expert_id IS NULL) <> (user_id IS NULL)')


def downgrade():
    op.execute("DELETE FROM calendar_feeds WHERE user_id IS NOT NULL")
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_calendar_feeds_one_owner'), type_='check')
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_user_id'))
        batch_op.drop_constraint(batch_op.f('fk_calendar_feeds_user_id_users'), type_='foreignkey')
        batch_op.alter_column('expert_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('user_id')
