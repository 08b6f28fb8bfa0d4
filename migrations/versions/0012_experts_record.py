"""The experts' record: ratings and their windows (the reminder's row), conduct records, credit snapshots and
proposals, and the versioned credit rule sets and fee rate tables, each seeded with its version 1.

Reviewed by hand: seven new tables, nothing existing changes. The seeded versions are written out here as they
were at this revision (``panels.rules.credit.CREDIT_DEFAULTS``, ``panels.rules.fees.FEE_DEFAULTS``), so a later
change of the code's defaults does not rewrite history; the Office edits them as new versions.

Revision ID: 02c11ca4cdf3
Revises: 5d1c7e2a9b40
Create Date: 2026-12-03 16:27:33.353373

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

CREDIT_RULES_V1 = {
    "rating_window_working_days": 2,
    "rating_max": {"competence": 40, "discipline": 30, "integrity": 30},
    "lookback_months": 36,
    "neutral_score": 80,
    "deductions": {"no_show": 20, "late_withdrawal": 10, "unexcused_declines": 10, "confidentiality_breach": 40,
                   "complaint_upheld": 20},
    "late_withdrawal_days": 7,
    "unexcused_declines": {"count": 3, "months": 12, "reasons": []},
    "suspend_below": 60,
    "remove_below": 40,
    "remove_on": ["confidentiality_breach"],
    "promote_at": 90,
    "promote_min_ratings": 5,
}
FEE_RATES_V1 = {"currency": "CNY", "per_day": {"senior": 1500, "deputy_senior": 1200, "intermediate": 800, "junior": 500},
                "chair_extra_per_day": 300, "travel_allowance": 0}


# revision identifiers, used by Alembic.
revision = '02c11ca4cdf3'
down_revision = '5d1c7e2a9b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('credit_rule_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_rule_sets')),
    sa.UniqueConstraint('version', name=op.f('uq_credit_rule_sets_version'))
    )
    op.create_table('fee_rate_tables',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rates', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_rate_tables')),
    sa.UniqueConstraint('version', name=op.f('uq_fee_rate_tables_version'))
    )
    op.create_table('credit_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reason_zh', sa.Text(), nullable=False),
    sa.Column('reason_en', sa.Text(), nullable=False),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(length=254), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("action IN ('suspend', 'remove', 'promote')", name=op.f('ck_credit_proposals_action')),
    sa.CheckConstraint("status IN ('open', 'accepted', 'rejected')", name=op.f('ck_credit_proposals_status')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_credit_proposals_expert_id_experts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_proposals'))
    )
    with op.batch_alter_table('credit_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_proposals_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index('uq_credit_proposals_open', ['expert_id', 'action'], unique=True,
                              postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))

    op.create_table('credit_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_credit_snapshots_expert_id_experts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_snapshots'))
    )
    with op.batch_alter_table('credit_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_snapshots_expert_id'), ['expert_id'], unique=False)

    op.create_table('conduct_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=254), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('no_show', 'late_withdrawal', 'unexcused_declines', 'confidentiality_breach', 'complaint_upheld')", name=op.f('ck_conduct_records_kind')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_conduct_records_expert_id_experts')),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_conduct_records_panel_id_panels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conduct_records')),
    sa.UniqueConstraint('key', name=op.f('uq_conduct_records_key'))
    )
    with op.batch_alter_table('conduct_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conduct_records_expert_id'), ['expert_id'], unique=False)

    op.create_table('expert_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('competence', sa.Integer(), nullable=False),
    sa.Column('discipline', sa.Integer(), nullable=False),
    sa.Column('integrity', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('rated_by', sa.String(length=254), nullable=False),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('competence >= 0 AND discipline >= 0 AND integrity >= 0 AND total <= 100', name=op.f('ck_expert_ratings_points')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_ratings_expert_id_experts')),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_expert_ratings_panel_id_panels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_ratings')),
    sa.UniqueConstraint('panel_id', 'expert_id', name=op.f('uq_expert_ratings_panel_id_expert_id'))
    )
    with op.batch_alter_table('expert_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_ratings_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_ratings_panel_id'), ['panel_id'], unique=False)

    op.create_table('rating_windows',
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('remind_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('fired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_rating_windows_panel_id_panels')),
    sa.PrimaryKeyConstraint('panel_id', name=op.f('pk_rating_windows'))
    )
    with op.batch_alter_table('rating_windows', schema=None) as batch_op:
        batch_op.create_index('ix_rating_windows_state_remind_at', ['state', 'remind_at'], unique=False)

    seeded = datetime(2026, 12, 3, tzinfo=UTC)
    credit = sa.table("credit_rule_sets", sa.column("version", sa.Integer), sa.column("rules", sa.JSON),
                      sa.column("description", sa.Text), sa.column("created_by", sa.String),
                      sa.column("created_at", sa.DateTime(timezone=True)))
    op.bulk_insert(credit, [{"version": 1, "rules": CREDIT_RULES_V1, "created_by": "system", "created_at": seeded,
                             "description": "默认：会后2个工作日内评价，40/30/30；低于60分暂停，低于40分或泄密移出。"}])
    fees = sa.table("fee_rate_tables", sa.column("version", sa.Integer), sa.column("rates", sa.JSON),
                    sa.column("created_by", sa.String), sa.column("created_at", sa.DateTime(timezone=True)))
    op.bulk_insert(fees, [{"version": 1, "rates": FEE_RATES_V1, "created_by": "system", "created_at": seeded}])


def downgrade():
    with op.batch_alter_table('rating_windows', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_windows_state_remind_at')

    op.drop_table('rating_windows')
    with op.batch_alter_table('expert_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_ratings_panel_id'))
        batch_op.drop_index(batch_op.f('ix_expert_ratings_expert_id'))

    op.drop_table('expert_ratings')
    with op.batch_alter_table('conduct_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conduct_records_expert_id'))

    op.drop_table('conduct_records')
    with op.batch_alter_table('credit_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_snapshots_expert_id'))

    op.drop_table('credit_snapshots')
    with op.batch_alter_table('credit_proposals', schema=None) as batch_op:
        batch_op.drop_index('uq_credit_proposals_open')
        batch_op.drop_index(batch_op.f('ix_credit_proposals_expert_id'))

    op.drop_table('credit_proposals')
    op.drop_table('fee_rate_tables')
    op.drop_table('credit_rule_sets')
