"""The panels' input and output boundary."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, validate, validates_schema

from ground.api import PageArgs, page_schema
from ground.i18n import _l
from ground.schemas import ID_RANGE, Integer, StrictBoolean, StrictSchema, text
from panels.models import PANEL_KINDS

CODE = validate.Regexp(r"^[a-z][a-z0-9_.-]{1,39}$")


class SpecialtyQuotaSchema(StrictSchema):
    specialty = ma.fields.String(required=True, validate=CODE)
    min = Integer(strict=True, load_default=0, validate=validate.Range(min=0, max=50))
    max = Integer(strict=True, load_default=50, validate=validate.Range(min=0, max=50))

    @validates_schema
    def _order(self, data, **kwargs):
        if data["max"] < data["min"]:
            raise ValidationError({"max": [_l("max is below min.")]})


class QuorumSchema(StrictSchema):
    numerator = Integer(strict=True, load_default=2, validate=validate.Range(min=0, max=100))
    denominator = Integer(strict=True, load_default=3, validate=validate.Range(min=1, max=100))
    chair_present = StrictBoolean(load_default=True)
    left_early_counts = StrictBoolean(load_default=False)

    @validates_schema
    def _share(self, data, **kwargs):
        if data["numerator"] > data["denominator"]:
            raise ValidationError({"numerator": [_l("The quorum cannot exceed 1.")]})


class RulesSchema(StrictSchema):
    relevant_specialties = ma.fields.List(ma.fields.String(validate=CODE), validate=validate.Length(max=50))
    specialty_quotas = ma.fields.List(ma.fields.Nested(SpecialtyQuotaSchema), validate=validate.Length(max=50))
    max_per_organization = Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=50))
    max_per_province = Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=50))
    own_province_cap = Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=50))
    min_senior = Integer(strict=True, validate=validate.Range(min=0, max=50))
    chair_senior = StrictBoolean()
    yearly_panel_cap = Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=365))
    min_rest_days = Integer(strict=True, validate=validate.Range(min=0, max=365))
    repeat_kinds_forbidden = ma.fields.List(ma.fields.String(validate=validate.OneOf(PANEL_KINDS)))
    employment_lookback_years = Integer(strict=True, validate=validate.Range(min=0, max=20))
    auto_invite_replacements = StrictBoolean()
    quorum = ma.fields.Nested(QuorumSchema, metadata={
        "description": "When the meeting may conclude: numerator/denominator of the seats present (default 2/3), "
                       "the chair present (default true), whether members who left early count (default false)"})


class RuleSetSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    version = Integer()
    kind = ma.fields.String(allow_none=True)
    is_default = ma.fields.Boolean()
    description = ma.fields.String()
    rules = ma.fields.Dict()
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()


class RuleSetRefSchema(ma.Schema):
    name = ma.fields.String()
    version = Integer()


class RuleSetCreateSchema(StrictSchema):
    name = ma.fields.String(required=True, validate=validate.Regexp(r"^[\w.-]{2,100}$"))
    kind = ma.fields.String(allow_none=True, validate=validate.OneOf(PANEL_KINDS))
    is_default = StrictBoolean(load_default=False)
    description = text(2000)
    rules = ma.fields.Nested(RulesSchema, required=True)


class PanelCreateSchema(StrictSchema):
    park_id = Integer(required=True, validate=ID_RANGE)
    kind = ma.fields.String(required=True, validate=validate.OneOf(PANEL_KINDS))
    meeting_date = ma.fields.Date(required=True)
    size = Integer(required=True, validate=validate.Range(min=1, max=31))
    alternates = Integer(load_default=2, validate=validate.Range(min=0, max=20))
    rule_set = ma.fields.String(validate=validate.Length(min=1, max=100),
                                metadata={"description": "Rule set name (newest version); default: the kind's"})
    seed = Integer(validate=validate.Range(min=0, max=2**63 - 1),
                             metadata={"description": "Office only: replay with a given seed"})
    witness = text(200, metadata={"description": "A public value a witness enters, mixed into the seed"})
    location = text(300)
    override_reason = text(500, min_length=1, metadata={
        "description": "Office only: draw a kind the park's lifecycle state does not call for, with this reason "
                       "(audited, kept with the panel)"})


class ExpertFactsSchema(ma.Schema):
    """An expert as a panel's reader sees them (what the caller may see of the expert)."""

    expert_id = Integer()
    name = ma.fields.String()
    organization = ma.fields.String()
    province = ma.fields.String()
    title_rank = ma.fields.String()
    specialties = ma.fields.List(ma.fields.String())


class MemberSchema(ExpertFactsSchema):
    role = ma.fields.String()
    rank = Integer()
    is_chair = ma.fields.Boolean()
    status = ma.fields.String()
    status_reason = ma.fields.String()
    draw_round = Integer()


class DrawSummarySchema(ma.Schema):
    id = Integer()
    round = Integer()
    purpose = ma.fields.String()
    seed = Integer()
    seed_source = ma.fields.String()
    commitment = ma.fields.String()
    witness = ma.fields.String(allow_none=True)
    engine_version = ma.fields.String()
    funnel = ma.fields.Dict(metadata={"description": "Head count after each stage; for a province as if other "
                                                     "authorities' panels did not exist"})
    unavailable_elsewhere = Integer(allow_none=True, metadata={
        "description": "For a province: how many experts of the pool other authorities' confidential panels alone "
                       "keep from the meeting, never named (null for a draw recorded before it was counted so); "
                       "null for the Office, whose funnel counts them"})
    min_probability = ma.fields.Float(allow_none=True, metadata={"description": "The Office only"})
    optimal = ma.fields.Boolean()
    #: proven: no lottery over valid panels gives its least-chance expert more than min_probability + gap
    gap = ma.fields.Float(allow_none=True, metadata={"description": "The Office only"})
    #: min_probability / (min_probability + gap): the share of the best possible minimum this draw certifies
    fairness_ratio = ma.fields.Float(allow_none=True, metadata={"description": "The Office only"})
    fairness_certified = ma.fields.Boolean(metadata={
        "description": "The draw certified at least 0.95 of the best possible least chance (fairness_ratio)"})
    created_at = ma.fields.DateTime()
    created_by = ma.fields.String()
    supervised_by = ma.fields.String(allow_none=True, metadata={
        "description": "The second staff account of the convening authority that confirmed the draw (监督); "
                       "null for draws made without one (the API alone)"})


class PanelSchema(ma.Schema):
    id = Integer()
    park_id = Integer()
    kind = ma.fields.String()
    convened_by = ma.fields.String()
    meeting_date = ma.fields.Date()
    size = Integer()
    status = ma.fields.String()
    location = ma.fields.String()
    rule_set = ma.fields.Nested(RuleSetRefSchema)
    members = ma.fields.List(ma.fields.Nested(MemberSchema))
    alternates = ma.fields.List(ma.fields.Nested(MemberSchema))
    history = ma.fields.List(ma.fields.Nested(MemberSchema))
    draw = ma.fields.Nested(DrawSummarySchema)
    draws = ma.fields.List(ma.fields.Nested(DrawSummarySchema))
    stage_override = ma.fields.Dict(allow_none=True, metadata={
        "description": "The Office's override of the lifecycle stage rule: reason, state, allowed_kinds, by"})
    move_referrals = Integer(metadata={"description": "Office only: moves of the province's panel referred to the "
                                                      "Office (members on other authorities' panels that day)"})
    probing_suspected = Integer(metadata={"description": "Office only: signs of probing flagged on the panel's "
                                                         "moves (see the audit log, panel.move_probing_suspected)"})


class DateSuggestionQuerySchema(StrictSchema):
    park_id = Integer(required=True, validate=ID_RANGE)
    kind = ma.fields.String(required=True, validate=validate.OneOf(PANEL_KINDS))
    start = ma.fields.Date(required=True, data_key="from")
    end = ma.fields.Date(required=True, data_key="to")
    size = Integer(load_default=7, validate=validate.Range(min=1, max=50))
    rule_set = ma.fields.String(validate=validate.Length(min=1, max=100))
    override_reason = text(500, min_length=1, metadata={
        "description": "Office only: draw a kind the park's lifecycle state does not call for, with this reason "
                       "(audited, kept with the panel)"})


class DateSuggestionSchema(ma.Schema):
    date = ma.fields.Date()
    feasible = ma.fields.Boolean(metadata={"description": "A panel satisfying the rule set exists that day"})
    eligible = Integer(metadata={"description": "Experts who pass every recusal and availability rule that day"})
    provisional = ma.fields.Boolean(metadata={"description": "The official holidays of that year are not loaded"})


class EligibilityQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    eligible = ma.fields.Boolean()
    round = Integer(validate=validate.Range(min=1))


class EligibilityItemSchema(ma.Schema):
    expert_id = Integer()
    eligible = ma.fields.Boolean()
    stage = ma.fields.String(allow_none=True)
    reasons = ma.fields.List(ma.fields.String())
    probability = ma.fields.Float(allow_none=True)


class EligibilitySchema(ma.Schema):
    round = Integer()
    funnel = ma.fields.Dict(metadata={"description": "Head count after each stage; for a province as if other "
                                                     "authorities' panels did not exist"})
    unavailable_elsewhere = Integer(allow_none=True, metadata={
        "description": "For a province: how many experts of the pool other authorities' confidential panels alone "
                       "keep from the meeting, counted, not listed (null for the Office, who has them all listed, "
                       "and for a draw recorded before it was counted so)"})
    eligible_listed = ma.fields.Boolean(metadata={"description": "Whether eligible experts are listed one by one "
                                                                 "(the Office); otherwise only counted in the "
                                                                 "funnel"})
    min_probability = ma.fields.Float(allow_none=True, metadata={"description": "The Office only"})
    max_probability = ma.fields.Float(allow_none=True, metadata={"description": "The Office only"})
    items = ma.fields.List(ma.fields.Nested(EligibilityItemSchema))
    total = Integer()
    page = Integer()
    page_size = Integer()


class ReplacementSchema(StrictSchema):
    expert_id = Integer(required=True, validate=ID_RANGE)
    reason = text(500, required=True, min_length=1)
    conflict_of_interest = StrictBoolean(load_default=False)


RuleSetPageSchema = page_schema(RuleSetSchema, "RuleSetPageSchema")
