"""Panels: the meeting record, its attendance and the conclusion; proposals name the decision they propose.

Reviewed by hand: two new tables (``panel_meetings``, one per panel, and ``panel_attendance``, one row per
member) and one nullable column on ``park_warning_proposals`` (existing rows are grounds for a warning: NULL).
The rule sets' new ``quorum`` needs no migration: stored sets without it use the default when read
(``panels.rules.rulesets.effective_rules``), and their draws' bundles stay byte for byte as committed.

Revision ID: 3b8f2d6e1a90
Revises: 7c2e5a9d4f11
Create Date: 2026-12-03 13:21:22.728174

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3b8f2d6e1a90'
down_revision = '7c2e5a9d4f11'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('panel_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('video_link', sa.String(length=500), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('chair_expert_id', sa.Integer(), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=True),
    sa.Column('score_sheet', sa.JSON(), nullable=True),
    sa.Column('conclusion', sa.String(length=30), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('excellent', sa.Boolean(), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.Column('concluded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('concluded_by', sa.String(length=254), nullable=True),
    sa.Column('effects', sa.JSON(), nullable=True),
    sa.Column('acted', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=254), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("conclusion IS NULL OR conclusion IN ('pass', 'pass_after_rectification', 'fail')", name=op.f('ck_panel_meetings_conclusion')),
    sa.ForeignKeyConstraint(['chair_expert_id'], ['experts.id'], name=op.f('fk_panel_meetings_chair_expert_id_experts')),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_panel_meetings_panel_id_panels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_meetings')),
    sa.UniqueConstraint('panel_id', name=op.f('uq_panel_meetings_panel_id'))
    )
    op.create_table('panel_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('signed_in_at', sa.Time(), nullable=True),
    sa.Column('left_at', sa.Time(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=254), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('present', 'absent', 'left_early')", name=op.f('ck_panel_attendance_status')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_panel_attendance_expert_id_experts')),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meetings.id'], name=op.f('fk_panel_attendance_meeting_id_panel_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_attendance')),
    sa.UniqueConstraint('meeting_id', 'expert_id', name=op.f('uq_panel_attendance_meeting_id_expert_id'))
    )
    with op.batch_alter_table('panel_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_attendance_expert_id'), ['expert_id'], unique=False)

    with op.batch_alter_table('park_warning_proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_action', sa.String(length=40), nullable=True))



def downgrade():
    with op.batch_alter_table('park_warning_proposals', schema=None) as batch_op:
        batch_op.drop_column('proposed_action')

    with op.batch_alter_table('panel_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_attendance_expert_id'))

    op.drop_table('panel_attendance')
    op.drop_table('panel_meetings')
