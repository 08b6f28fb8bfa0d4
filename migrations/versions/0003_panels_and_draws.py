"""Panels, draws, members, bookings and rule sets; seeds one default rule set per panel kind.

Revision ID: 75449b9fd918
Revises: 586376665ffa
Create Date: 2026-11-24 20:55:39.485613

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '75449b9fd918'
down_revision = '586376665ffa'
branch_labels = None
depends_on = None

# Default rule sets [rule]: data the Office edits (each edit a new version), never code. Office panels
# exclude the park's own province (cap 0) and take at most 2 experts per province; every panel at most 1
# per organisation; those who argued a plan do not accept it.
_PLAN = ["plan_argumentation", "change_argumentation", "plan_revision"]
DEFAULT_RULE_SETS = [
    ("plan_argumentation", "规划论证默认规则 / plan argumentation default",
     {"specialty_quotas": [{"specialty": "park_planning", "min": 1, "max": 50},
                           {"specialty": "eia", "min": 1, "max": 50},
                           {"specialty": "circular_economy", "min": 1, "max": 50}],
      "min_senior": 2}),
    ("change_argumentation", "调整论证默认规则 / change argumentation default",
     {"specialty_quotas": [{"specialty": "park_planning", "min": 1, "max": 50},
                           {"specialty": "eia", "min": 1, "max": 50}],
      "min_senior": 2}),
    ("plan_revision", "修编论证默认规则 / plan revision default",
     {"specialty_quotas": [{"specialty": "park_planning", "min": 1, "max": 50},
                           {"specialty": "industrial_symbiosis", "min": 1, "max": 50}],
      "min_senior": 2}),
    ("technical_verification", "现场技术核查默认规则 / technical verification default",
     {"specialty_quotas": [{"specialty": "env_monitoring", "min": 1, "max": 50},
                           {"specialty": "cleaner_production", "min": 1, "max": 50}],
      "min_senior": 1, "own_province_cap": 0, "max_per_province": 2, "min_rest_days": 2,
      "repeat_kinds_forbidden": _PLAN}),
    ("acceptance_meeting", "验收会默认规则 / acceptance meeting default",
     {"specialty_quotas": [{"specialty": "industrial_symbiosis", "min": 1, "max": 50},
                           {"specialty": "circular_economy", "min": 1, "max": 50},
                           {"specialty": "cleaner_production", "min": 1, "max": 50},
                           {"specialty": "env_management", "min": 1, "max": 50}],
      "min_senior": 3, "own_province_cap": 0, "max_per_province": 2, "min_rest_days": 2,
      "repeat_kinds_forbidden": _PLAN}),
    ("performance_evaluation", "绩效评价默认规则 / performance evaluation default",
     {"specialty_quotas": [{"specialty": "industrial_symbiosis", "min": 1, "max": 50},
                           {"specialty": "low_carbon", "min": 1, "max": 50},
                           {"specialty": "env_management", "min": 1, "max": 50}],
      "min_senior": 2, "own_province_cap": 0, "max_per_province": 2, "min_rest_days": 2}),
    ("recheck", "复核默认规则 / recheck default",
     {"specialty_quotas": [{"specialty": "env_management", "min": 1, "max": 50},
                           {"specialty": "cleaner_production", "min": 1, "max": 50}],
      "min_senior": 2, "own_province_cap": 0, "max_per_province": 2, "min_rest_days": 2}),
]
BASE = {"relevant_specialties": [], "specialty_quotas": [], "max_per_organization": 1, "max_per_province": None,
        "own_province_cap": None, "min_senior": 0, "chair_senior": True, "yearly_panel_cap": 12,
        "min_rest_days": 0, "repeat_kinds_forbidden": [], "employment_lookback_years": 3}


def _seed():
    table = sa.table("rule_sets", sa.column("name", sa.String), sa.column("version", sa.Integer),
                     sa.column("kind", sa.String), sa.column("is_default", sa.Boolean),
                     sa.column("description", sa.Text), sa.column("rules", sa.JSON),
                     sa.column("created_by", sa.String), sa.column("created_at", sa.DateTime(timezone=True)))
    now = datetime.now(UTC)
    op.bulk_insert(table, [{"name": f"default-{kind}", "version": 1, "kind": kind, "is_default": True,
                            "description": description, "rules": {**BASE, **rules}, "created_by": "system",
                            "created_at": now} for kind, description, rules in DEFAULT_RULE_SETS])


def upgrade():
    op.create_table('rule_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IS NULL OR kind IN ('plan_argumentation', 'change_argumentation', 'plan_revision', 'technical_verification', 'acceptance_meeting', 'performance_evaluation', 'recheck')", name=op.f('ck_rule_sets_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_sets')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_rule_sets_name_version'))
    )
    op.create_table('panels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('convened_by', sa.String(length=8), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('alternates', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('plan_argumentation', 'change_argumentation', 'plan_revision', 'technical_verification', 'acceptance_meeting', 'performance_evaluation', 'recheck')", name=op.f('ck_panels_kind')),
    sa.CheckConstraint("status IN ('drawn', 'inviting', 'confirmed', 'held', 'cancelled')", name=op.f('ck_panels_status')),
    sa.CheckConstraint('size >= 1 AND alternates >= 0', name=op.f('ck_panels_size')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_panels_created_by_users')),
    sa.ForeignKeyConstraint(['park_id'], ['parks.id'], name=op.f('fk_panels_park_id_parks')),
    sa.ForeignKeyConstraint(['rule_set_id'], ['rule_sets.id'], name=op.f('fk_panels_rule_set_id_rule_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panels'))
    )
    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panels_convened_by'), ['convened_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_panels_meeting_date'), ['meeting_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_panels_park_id'), ['park_id'], unique=False)

    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_bookings_expert_id_experts')),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_bookings_panel_id_panels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
    sa.UniqueConstraint('expert_id', 'day', name=op.f('uq_bookings_expert_id_day'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookings_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_panel_id'), ['panel_id'], unique=False)

    op.create_table('draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=False),
    sa.Column('server_entropy', sa.String(length=64), nullable=False),
    sa.Column('witness', sa.String(length=200), nullable=True),
    sa.Column('seed_source', sa.String(length=10), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('engine_version', sa.String(length=40), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_draws_panel_id_panels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draws')),
    sa.UniqueConstraint('panel_id', 'round', name=op.f('uq_draws_panel_id_round'))
    )
    with op.batch_alter_table('draws', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draws_panel_id'), ['panel_id'], unique=False)

    op.create_table('panel_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('is_chair', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('member', 'alternate')", name=op.f('ck_panel_members_role')),
    sa.CheckConstraint("status IN ('drawn', 'invited', 'accepted', 'declined', 'replaced', 'withdrawn')", name=op.f('ck_panel_members_status')),
    sa.ForeignKeyConstraint(['draw_id'], ['draws.id'], name=op.f('fk_panel_members_draw_id_draws')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_panel_members_expert_id_experts')),
    sa.ForeignKeyConstraint(['panel_id'], ['panels.id'], name=op.f('fk_panel_members_panel_id_panels')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_members'))
    )
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.create_index('ix_panel_members_expert', ['expert_id', 'panel_id'], unique=False)

    _seed()


def downgrade():
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_index('ix_panel_members_expert')

    op.drop_table('panel_members')
    with op.batch_alter_table('draws', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draws_panel_id'))

    op.drop_table('draws')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bookings_panel_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_day'))

    op.drop_table('bookings')
    with op.batch_alter_table('panels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panels_park_id'))
        batch_op.drop_index(batch_op.f('ix_panels_meeting_date'))
        batch_op.drop_index(batch_op.f('ix_panels_convened_by'))

    op.drop_table('panels')
    op.drop_table('rule_sets')
