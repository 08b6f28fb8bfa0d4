"""Expert pool: the rows of an import held for the Office, so that it can resolve them.

Reviewed by hand: one new table, nothing moved. Rows held before this revision are only in the audit log
(``expert.import_held``: masked identifiers and keyed fingerprints, never the values in clear), so they cannot
be turned into rows here; the Office finds them there, as before. ``submitted`` holds Fernet ciphertext
(``ground.encryption.EncryptedJSON``), hence Text.

Revision ID: 14fd9a9b16ff
Revises: 3b8f2d6e1a90
Create Date: 2026-12-03 14:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '14fd9a9b16ff'
down_revision = '3b8f2d6e1a90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('held_import_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('submitted', sa.Text(), nullable=False),
    sa.Column('matched', sa.JSON(), nullable=False),
    sa.Column('contributed_by', sa.String(length=2), nullable=True),
    sa.Column('held_by', sa.Integer(), nullable=True),
    sa.Column('held_by_label', sa.String(length=254), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.Column('resolved_by_label', sa.String(length=254), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_reason', sa.Text(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('held', 'created', 'duplicate', 'dismissed')",
                       name=op.f('ck_held_import_rows_status')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_held_import_rows_expert_id_experts')),
    sa.ForeignKeyConstraint(['held_by'], ['users.id'], name=op.f('fk_held_import_rows_held_by_users')),
    sa.ForeignKeyConstraint(['resolved_by'], ['users.id'], name=op.f('fk_held_import_rows_resolved_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_import_rows'))
    )
    with op.batch_alter_table('held_import_rows', schema=None) as batch_op:
        batch_op.create_index('ix_held_import_rows_status_held_at', ['status', 'held_at'], unique=False)


def downgrade():
    with op.batch_alter_table('held_import_rows', schema=None) as batch_op:
        batch_op.drop_index('ix_held_import_rows_status_held_at')
    op.drop_table('held_import_rows')
