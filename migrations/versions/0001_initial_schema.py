"""Initial schema: accounts, audit chain, expert pool, organisations, parks; seeds the specialty vocabulary.

Revision ID: ccfc99a7538e
Revises:
Create Date: 2026-11-24 20:31:02.274380

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'ccfc99a7538e'
down_revision = None
branch_labels = None
depends_on = None

# The specialty vocabulary: the indicator areas of HJ 274-2015 and the subjects of the Measures.
# Kept here literally: a migration is a snapshot and must not change when application code does.
SPECIALTIES = [
    ("industrial_symbiosis", "产业共生与工业生态学", "Industrial ecology and symbiosis", "ecology"),
    ("circular_economy", "循环经济", "Circular economy", "ecology"),
    ("cleaner_production", "清洁生产", "Cleaner production", "ecology"),
    ("resource_efficiency", "资源能源利用效率", "Resource and energy efficiency", "ecology"),
    ("water_pollution", "水污染防治", "Water pollution control", "pollution"),
    ("air_pollution", "大气污染防治", "Air pollution control", "pollution"),
    ("solid_waste", "固体废物污染防治", "Solid waste management", "pollution"),
    ("soil_groundwater", "土壤与地下水污染防治", "Soil and groundwater protection", "pollution"),
    ("eia", "环境影响评价", "Environmental impact assessment", "management"),
    ("env_management", "环境管理", "Environmental management", "management"),
    ("env_monitoring", "环境监测", "Environmental monitoring", "management"),
    ("env_risk", "环境风险与应急管理", "Environmental risk and emergency management", "management"),
    ("low_carbon", "低碳与碳达峰碳中和", "Low carbon, carbon peaking and neutrality", "climate"),
    ("park_planning", "园区规划", "Park planning", "planning"),
    ("green_finance", "绿色金融与环境经济", "Green finance and environmental economics", "economics"),
    ("industry_chemical", "化工行业", "Chemical industry", "industry"),
    ("industry_petrochemical", "石化行业", "Petrochemical industry", "industry"),
    ("industry_steel", "钢铁行业", "Steel industry", "industry"),
    ("industry_nonferrous", "有色金属行业", "Non-ferrous metals industry", "industry"),
    ("industry_building_materials", "建材行业", "Building materials industry", "industry"),
    ("industry_electronics", "电子信息行业", "Electronics industry", "industry"),
    ("industry_pharma", "医药行业", "Pharmaceutical industry", "industry"),
    ("industry_equipment", "装备制造行业", "Equipment manufacturing industry", "industry"),
    ("industry_energy", "能源电力行业", "Energy and power industry", "industry"),
    ("industry_textile", "纺织印染行业", "Textile and dyeing industry", "industry"),
]


def _seed():
    specialties = sa.table("specialties", sa.column("code", sa.String), sa.column("name_zh", sa.String),
                           sa.column("name_en", sa.String), sa.column("group", sa.String),
                           sa.column("active", sa.Boolean), sa.column("created_at", sa.DateTime(timezone=True)))
    now = datetime.now(UTC)
    op.bulk_insert(specialties, [{"code": c, "name_zh": zh, "name_en": en, "group": g, "active": True,
                                  "created_at": now} for c, zh, en, g in SPECIALTIES])
    head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
                    sa.column("last_hash", sa.String), sa.column("note", sa.Text))
    op.bulk_insert(head, [{"id": 1, "seq": 0, "last_hash": "0" * 64, "note": "genesis"}])


def upgrade():
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_entries_seq'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_user_id'), ['actor_user_id'], unique=False)
        batch_op.create_index('ix_audit_entries_object', ['object_type', 'object_id'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('province', sa.String(length=2), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("type IN ('university', 'institute', 'enterprise', 'government', 'third_party', 'park_agency', 'design_institute', 'association', 'other')", name=op.f('ck_organizations_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('name', name=op.f('uq_organizations_name'))
    )
    op.create_table('specialties',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('group', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_specialties'))
    )
    op.create_table('experts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('gender', sa.String(length=1), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('mobile', sa.String(length=11), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('title_rank', sa.String(length=16), nullable=False),
    sa.Column('province', sa.String(length=2), nullable=False),
    sa.Column('city', sa.String(length=50), nullable=False),
    sa.Column('recommended_by', sa.String(length=8), nullable=False),
    sa.Column('contributed_by', sa.String(length=2), nullable=True),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('data_confirmed_on', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("gender IN ('M', 'F')", name=op.f('ck_experts_gender')),
    sa.CheckConstraint("status IN ('applicant', 'active', 'suspended', 'retired', 'removed')", name=op.f('ck_experts_status')),
    sa.CheckConstraint("title_rank IN ('senior', 'deputy_senior', 'intermediate', 'junior')", name=op.f('ck_experts_title_rank')),
    sa.CheckConstraint('term_end IS NULL OR term_start IS NULL OR term_end >= term_start', name=op.f('ck_experts_term')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_experts_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experts')),
    sa.UniqueConstraint('email', name=op.f('uq_experts_email')),
    sa.UniqueConstraint('id_number', name=op.f('uq_experts_id_number')),
    sa.UniqueConstraint('mobile', name=op.f('uq_experts_mobile'))
    )
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experts_contributed_by'), ['contributed_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_experts_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_experts_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_experts_province_status', ['province', 'status'], unique=False)
        batch_op.create_index('ix_experts_status_name', ['status', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_experts_title_rank'), ['title_rank'], unique=False)

    op.create_table('parks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('province', sa.String(length=2), nullable=False),
    sa.Column('city', sa.String(length=50), nullable=False),
    sa.Column('programme', sa.String(length=12), nullable=False),
    sa.Column('park_type', sa.String(length=20), nullable=False),
    sa.Column('management_agency_id', sa.Integer(), nullable=False),
    sa.Column('planning_institution_id', sa.Integer(), nullable=True),
    sa.Column('leading_industries', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['management_agency_id'], ['organizations.id'], name=op.f('fk_parks_management_agency_id_organizations')),
    sa.ForeignKeyConstraint(['planning_institution_id'], ['organizations.id'], name=op.f('fk_parks_planning_institution_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parks')),
    sa.UniqueConstraint('name', name=op.f('uq_parks_name'))
    )
    with op.batch_alter_table('parks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parks_province'), ['province'], unique=False)
        batch_op.create_index(batch_op.f('ix_parks_state'), ['state'], unique=False)

    op.create_table('expert_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('park_id IS NOT NULL OR organization_id IS NOT NULL', name=op.f('ck_expert_conflicts_target')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_expert_conflicts_dates')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_conflicts_expert_id_experts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_expert_conflicts_organization_id_organizations')),
    sa.ForeignKeyConstraint(['park_id'], ['parks.id'], name=op.f('fk_expert_conflicts_park_id_parks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_conflicts'))
    )
    with op.batch_alter_table('expert_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_conflicts_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_conflicts_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_conflicts_park_id'), ['park_id'], unique=False)

    op.create_table('expert_employments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_expert_employments_dates')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_employments_expert_id_experts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_expert_employments_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_employments'))
    )
    with op.batch_alter_table('expert_employments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_employments_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_employments_organization_id'), ['organization_id'], unique=False)

    op.create_table('expert_specialties',
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('specialty_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_specialties_expert_id_experts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['specialty_code'], ['specialties.code'], name=op.f('fk_expert_specialties_specialty_code_specialties')),
    sa.PrimaryKeyConstraint('expert_id', 'specialty_code', name=op.f('pk_expert_specialties'))
    )
    with op.batch_alter_table('expert_specialties', schema=None) as batch_op:
        batch_op.create_index('ix_expert_specialties_code_expert', ['specialty_code', 'expert_id'], unique=False)

    op.create_table('expert_unavailabilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_expert_unavailabilities_dates')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_unavailabilities_expert_id_experts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_unavailabilities'))
    )
    with op.batch_alter_table('expert_unavailabilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_unavailabilities_expert_id'), ['expert_id'], unique=False)

    op.create_table('park_enterprises',
    sa.Column('park_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_park_enterprises_organization_id_organizations')),
    sa.ForeignKeyConstraint(['park_id'], ['parks.id'], name=op.f('fk_park_enterprises_park_id_parks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('park_id', 'organization_id', name=op.f('pk_park_enterprises'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('province', sa.String(length=2), nullable=True),
    sa.Column('park_id', sa.Integer(), nullable=True),
    sa.Column('expert_id', sa.Integer(), nullable=True),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role != 'expert' OR expert_id IS NOT NULL", name=op.f('ck_users_expert_scope')),
    sa.CheckConstraint("role != 'park' OR park_id IS NOT NULL", name=op.f('ck_users_park_scope')),
    sa.CheckConstraint("role != 'province' OR province IS NOT NULL", name=op.f('ck_users_province_scope')),
    sa.CheckConstraint("role IN ('office', 'province', 'park', 'expert')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_users_expert_id_experts')),
    sa.ForeignKeyConstraint(['park_id'], ['parks.id'], name=op.f('fk_users_park_id_parks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('expert_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_expert_status_changes_actor_user_id_users')),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_status_changes_expert_id_experts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_status_changes'))
    )
    with op.batch_alter_table('expert_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_status_changes_expert_id'), ['expert_id'], unique=False)

    op.create_table('organization_blacklistings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('lifted_on', sa.Date(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_organization_blacklistings_created_by_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_organization_blacklistings_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_blacklistings'))
    )
    with op.batch_alter_table('organization_blacklistings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_blacklistings_organization_id'), ['organization_id'], unique=False)

    _seed()


def downgrade():
    with op.batch_alter_table('organization_blacklistings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_blacklistings_organization_id'))

    op.drop_table('organization_blacklistings')
    with op.batch_alter_table('expert_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_status_changes_expert_id'))

    op.drop_table('expert_status_changes')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('park_enterprises')
    with op.batch_alter_table('expert_unavailabilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_unavailabilities_expert_id'))

    op.drop_table('expert_unavailabilities')
    with op.batch_alter_table('expert_specialties', schema=None) as batch_op:
        batch_op.drop_index('ix_expert_specialties_code_expert')

    op.drop_table('expert_specialties')
    with op.batch_alter_table('expert_employments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_employments_organization_id'))
        batch_op.drop_index(batch_op.f('ix_expert_employments_expert_id'))

    op.drop_table('expert_employments')
    with op.batch_alter_table('expert_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_conflicts_park_id'))
        batch_op.drop_index(batch_op.f('ix_expert_conflicts_organization_id'))
        batch_op.drop_index(batch_op.f('ix_expert_conflicts_expert_id'))

    op.drop_table('expert_conflicts')
    with op.batch_alter_table('parks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parks_state'))
        batch_op.drop_index(batch_op.f('ix_parks_province'))

    op.drop_table('parks')
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experts_title_rank'))
        batch_op.drop_index('ix_experts_status_name')
        batch_op.drop_index('ix_experts_province_status')
        batch_op.drop_index(batch_op.f('ix_experts_organization_id'))
        batch_op.drop_index(batch_op.f('ix_experts_name'))
        batch_op.drop_index(batch_op.f('ix_experts_contributed_by'))

    op.drop_table('experts')
    op.drop_table('specialties')
    op.drop_table('organizations')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_object')
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))

    op.drop_table('audit_entries')
