"""The park lifecycle's input and output boundary (unknown input fields are rejected)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import ValidationError, validate, validates_schema

from expert_pool.rules.regions import PROVINCES
from ground.api import PageArgs, page_schema
from ground.i18n import Msg, localize
from ground.schemas import ID_RANGE, Integer, StrictBoolean, StrictSchema, text
from scheduling.lifecycle import Action, RevocationReason, StopReason, WarningReason
from scheduling.models import MATERIAL_KINDS, NOTICES, PARK_TYPES, PROGRAMMES, PROPOSAL_STATUSES, STATES

PROVINCE_CODES = tuple(sorted(PROVINCES))
ACTIONS = tuple(a.value for a in Action)
REASONS = tuple(dict.fromkeys([*StopReason, *WarningReason, *RevocationReason]))
CHANGE_SUBJECTS = ("name", "management_agency", "scope", "indicators", "key_projects")


class Localized(ma.fields.Field):
    """A :class:`Msg` rendered in the caller's language."""

    def _serialize(self, value, attr, obj, **kwargs):
        from ground.api import request_language

        return None if value is None else localize(value, request_language())


class Strict(StrictSchema):
    pass


# --- parks ---------------------------------------------------------------------------------------------


class ParkCreateSchema(Strict):
    name = text(200, required=True, min_length=2)
    province = ma.fields.String(required=True, validate=validate.OneOf(PROVINCE_CODES))
    city = text(50)
    programme = ma.fields.String(load_default="national", validate=validate.OneOf(PROGRAMMES),
                                 metadata={"description": "national, or provincial (a province's own, Art. 41)"})
    park_type = ma.fields.String(load_default="other", validate=validate.OneOf(PARK_TYPES))
    management_agency_id = Integer(required=True, validate=ID_RANGE)
    planning_institution_id = Integer(allow_none=True, validate=ID_RANGE,
                                                metadata={"description": "The third party that prepared the plan"})
    leading_industries = ma.fields.List(text(50, min_length=1), validate=validate.Length(max=10))
    enterprise_ids = ma.fields.List(Integer(validate=ID_RANGE),
                                    validate=validate.Length(max=500))


class ParkQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    q = text(100)
    province = ma.fields.String(validate=validate.OneOf(PROVINCE_CODES))
    state = ma.fields.String(validate=validate.OneOf(STATES))
    programme = ma.fields.String(validate=validate.OneOf(PROGRAMMES))
    park_type = ma.fields.String(validate=validate.OneOf(PARK_TYPES))


class ParkOrganizationSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    type = ma.fields.String()


class BlockedSchema(ma.Schema):
    code = ma.fields.String()
    article = Integer()
    message = Localized()


class OptionSchema(ma.Schema):
    action = ma.fields.String()
    article = Integer()
    as_ = ma.fields.String(data_key="as", attribute="as",
                           metadata={"description": "the lifecycle role: leading_group = entered for the group"})
    blocked = ma.fields.Nested(BlockedSchema, allow_none=True)


class ParkSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    province = ma.fields.String()
    city = ma.fields.String()
    programme = ma.fields.String()
    park_type = ma.fields.String()
    management_agency = ma.fields.Nested(ParkOrganizationSchema)
    planning_institution = ma.fields.Nested(ParkOrganizationSchema, allow_none=True)
    leading_industries = ma.fields.List(ma.fields.String())
    enterprise_ids = ma.fields.List(Integer())
    state = ma.fields.String()
    phase = ma.fields.String()
    cycle = Integer()
    may_use_title = ma.fields.Boolean()
    publicly_listed = ma.fields.Boolean()
    facts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw())
    options = ma.fields.List(ma.fields.Nested(OptionSchema))
    created_at = ma.fields.DateTime()


class ParkListItemSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    province = ma.fields.String()
    city = ma.fields.String()
    programme = ma.fields.String()
    park_type = ma.fields.String()
    state = ma.fields.String()
    cycle = Integer()
    approved_on = ma.fields.Date(allow_none=True)
    named_on = ma.fields.Date(allow_none=True)


ParkPageSchema = page_schema(ParkListItemSchema, "ParkPage")


class PublicQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    province = ma.fields.String(validate=validate.OneOf(PROVINCE_CODES))
    status = ma.fields.String(validate=validate.OneOf(("named", "under_construction")))


class PublicParkSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    province = ma.fields.String()
    city = ma.fields.String()
    programme = ma.fields.String()
    park_type = ma.fields.String()
    status = ma.fields.String()
    may_use_title = ma.fields.Boolean()
    approved_on = ma.fields.Date(allow_none=True)
    named_on = ma.fields.Date(allow_none=True)
    leading_industries = ma.fields.List(ma.fields.String())


PublicParkPageSchema = page_schema(PublicParkSchema, "PublicParkPage")


# --- transitions ---------------------------------------------------------------------------------------


class TransitionRequestSchema(Strict):
    action = ma.fields.String(required=True, validate=validate.OneOf(ACTIONS))
    date = ma.fields.Date(required=True, metadata={"description": "The date of the act (Asia/Shanghai)"})
    comment = text(2000)
    documents = ma.fields.List(Integer(validate=validate.Range(min=1)), validate=validate.Length(max=50),
                               metadata={"description": "Ids of uploaded materials the act rests on"})
    reason = ma.fields.String(validate=validate.OneOf(REASONS),
                              metadata={"description": "stop (Art. 14), warn (Art. 27), revoke (Art. 28)"})
    as_leading_group = StrictBoolean(load_default=False, metadata={
        "description": "Office staff entering a decision of the leading group (naming, revocation)"})
    extension_months = Integer(validate=validate.Range(min=1, max=12),
                                         metadata={"description": "grant_extension: length granted"})
    changed_on = ma.fields.Date(metadata={"description": "report_major_change: when the change happened"})
    subjects = ma.fields.List(ma.fields.String(validate=validate.OneOf(CHANGE_SUBJECTS)),
                              validate=validate.Length(max=5))
    description = text(2000)
    rectification_months = Integer(validate=validate.Range(min=1, max=12),
                                             metadata={"description": "warn: rectification period (<= 12)"})
    proposal_ids = ma.fields.List(Integer(validate=ID_RANGE), validate=validate.Length(max=50))
    excellent = StrictBoolean(metadata={"description": "pass_evaluation: rated excellent (Art. 26)"})


class MaterialRefSchema(ma.Schema):
    id = Integer()
    kind = ma.fields.String()
    filename = ma.fields.String()


class TransitionSchema(ma.Schema):
    id = Integer()
    park_id = Integer()
    seq = Integer()
    cycle = Integer()
    from_state = ma.fields.String()
    to_state = ma.fields.String()
    action = ma.fields.String()
    actor = ma.fields.String()
    actor_label = ma.fields.String()
    on = ma.fields.Date()
    article = Integer()
    reason = ma.fields.String(allow_none=True)
    comment = ma.fields.String()
    data = ma.fields.Dict()
    documents = ma.fields.List(ma.fields.Nested(MaterialRefSchema))
    created_at = ma.fields.DateTime()


# --- timeline ------------------------------------------------------------------------------------------


class TimelineEventSchema(ma.Schema):
    type = ma.fields.String()
    on = ma.fields.Date()
    seq = Integer()
    cycle = Integer()
    action = ma.fields.String()
    from_state = ma.fields.String()
    to_state = ma.fields.String()
    actor = ma.fields.String()
    actor_label = ma.fields.String()
    article = Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    comment = ma.fields.String()
    data = ma.fields.Dict()
    documents = ma.fields.List(ma.fields.Nested(MaterialRefSchema))
    reported_on = ma.fields.Date(allow_none=True)
    subjects = ma.fields.List(ma.fields.String())
    year = Integer()
    due = ma.fields.Date()
    late = ma.fields.Boolean()
    notice = ma.fields.String()
    resolved_on = ma.fields.Date(allow_none=True)
    upheld = ma.fields.Boolean(allow_none=True)
    key = ma.fields.String()
    status = ma.fields.String()
    audience = ma.fields.String()
    message = Localized()
    at = ma.fields.DateTime(allow_none=True)


class DueSchema(ma.Schema):
    kind = ma.fields.String()
    key = ma.fields.String()
    due = ma.fields.Date()
    article = Integer()
    provisional = ma.fields.Boolean()
    consequence = ma.fields.String(allow_none=True)
    state = ma.fields.String()
    outcome = ma.fields.String(allow_none=True)
    days_left = Integer()
    next_reminder_at = ma.fields.DateTime(allow_none=True)
    fired_at = ma.fields.DateTime(allow_none=True)


class TimelineParkSchema(ma.Schema):
    id = Integer()
    name = ma.fields.String()
    province = ma.fields.String()
    state = ma.fields.String()
    phase = ma.fields.String()
    cycle = Integer()
    may_use_title = ma.fields.Boolean()


class TimelineSchema(ma.Schema):
    park = ma.fields.Nested(TimelineParkSchema)
    today = ma.fields.Date()
    events = ma.fields.List(ma.fields.Nested(TimelineEventSchema))
    due = ma.fields.List(ma.fields.Nested(DueSchema))
    passed = ma.fields.List(ma.fields.Nested(DueSchema))
    open_proposals = ma.fields.List(ma.fields.String())
    options = ma.fields.List(ma.fields.Nested(OptionSchema))


# --- objections, major changes, proposals --------------------------------------------------------------


class ObjectionCreateSchema(Strict):
    notice = ma.fields.String(required=True, validate=validate.OneOf(NOTICES))
    received_on = ma.fields.Date(required=True)
    summary = text(4000, required=True, min_length=1)


class ObjectionResolveSchema(Strict):
    resolved_on = ma.fields.Date(required=True)
    upheld = StrictBoolean(required=True, metadata={"description": "true: the objection was found true"})
    finding = text(4000)


class ObjectionSchema(ma.Schema):
    id = Integer()
    park_id = Integer()
    cycle = Integer()
    notice = ma.fields.String()
    received_on = ma.fields.Date()
    summary = ma.fields.String()
    resolved_on = ma.fields.Date(allow_none=True)
    upheld = ma.fields.Boolean(allow_none=True)
    finding = ma.fields.String()


class MajorChangeCreateSchema(Strict):
    changed_on = ma.fields.Date(required=True)
    subjects = ma.fields.List(ma.fields.String(validate=validate.OneOf(CHANGE_SUBJECTS)),
                              validate=validate.Length(max=5))
    description = text(4000)


class MajorChangeSchema(ma.Schema):
    id = Integer()
    park_id = Integer()
    cycle = Integer()
    changed_on = ma.fields.Date()
    reported_on = ma.fields.Date(allow_none=True)
    subjects = ma.fields.List(ma.fields.String())
    description = ma.fields.String()


class ProposalQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    status = ma.fields.String(validate=validate.OneOf(PROPOSAL_STATUSES))
    audience = ma.fields.String(validate=validate.OneOf(("office", "province")))
    reason = ma.fields.String(validate=validate.OneOf(tuple(WarningReason)))
    park_id = Integer(validate=ID_RANGE)


class ProposalSchema(ma.Schema):
    id = Integer()
    park_id = Integer()
    key = ma.fields.String()
    reason = ma.fields.String()
    article = Integer()
    item = Integer()
    message = ma.fields.Method("_message")
    audience = ma.fields.String()
    status = ma.fields.String()
    proposed_on = ma.fields.Date()
    decided_on = ma.fields.Date(allow_none=True)
    decided_by_label = ma.fields.String(allow_none=True)
    decision_comment = ma.fields.String()

    def _message(self, obj):
        from ground.api import request_language

        return Msg(obj.message_zh, obj.message_en).get(request_language())


ProposalPageSchema = page_schema(ProposalSchema, "WarningProposalPage")


class DismissSchema(Strict):
    comment = text(2000, required=True, min_length=1)


# --- materials -----------------------------------------------------------------------------------------


class MaterialFormSchema(Strict):
    kind = ma.fields.String(required=True, validate=validate.OneOf(MATERIAL_KINDS))
    title = text(200)
    year = Integer(validate=validate.Range(min=2000, max=2200))
    covers_from = ma.fields.Date()
    covers_to = ma.fields.Date()

    @validates_schema
    def _period(self, data, **kwargs):
        if data.get("covers_from") and data.get("covers_to") and data["covers_to"] < data["covers_from"]:
            raise ValidationError({"covers_to": [Msg("结束日期早于开始日期。", "The period ends before it starts.")]})


class MaterialFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "PDF, Word, Excel, CSV, ZIP, PNG or JPEG by kind"})


class MaterialQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    kind = ma.fields.String(validate=validate.OneOf(MATERIAL_KINDS))


class MaterialSchema(ma.Schema):
    id = Integer()
    park_id = Integer()
    kind = ma.fields.String()
    title = ma.fields.String()
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size_bytes = Integer()
    sha256 = ma.fields.String()
    year = Integer(allow_none=True)
    covers_from = ma.fields.Date(allow_none=True)
    covers_to = ma.fields.Date(allow_none=True)
    uploaded_by_label = ma.fields.String()
    uploaded_at = ma.fields.DateTime()


# --- annual reports ------------------------------------------------------------------------------------


MaterialPageSchema = page_schema(MaterialSchema, "MaterialPage")


class AnnualReportSubmitSchema(Strict):
    year = Integer(required=True, validate=validate.Range(min=2000, max=2200))
    material_id = Integer(required=True, validate=ID_RANGE)
    submitted_on = ma.fields.Date()


class AnnualReportReviewSchema(Strict):
    compliant = StrictBoolean(required=True)
    reviewed_on = ma.fields.Date()
    comment = text(4000)


class AnnualReportForwardSchema(Strict):
    forwarded_on = ma.fields.Date()


class AnnualReportSchema(ma.Schema):
    year = Integer()
    due = ma.fields.Date()
    status = ma.fields.String()
    late = ma.fields.Boolean()
    days_late = Integer()
    submitted_on = ma.fields.Date(allow_none=True)
    reviewed_on = ma.fields.Date(allow_none=True)
    compliant = ma.fields.Boolean(allow_none=True)
    review_comment = ma.fields.String()
    forwarded_on = ma.fields.Date(allow_none=True)
    material_id = Integer(allow_none=True)


AnnualReportPageSchema = page_schema(AnnualReportSchema, "AnnualReportPage")


# --- calendar ------------------------------------------------------------------------------------------


class WorkingDaysQuerySchema(Strict):
    start = ma.fields.Date(required=True, metadata={"description": "YYYY-MM-DD; counted if a working day"})
    days = Integer(required=True, validate=validate.Range(min=1, max=3660))


class WorkingDaysResultSchema(ma.Schema):
    date = ma.fields.Date()
    provisional = ma.fields.Boolean(metadata={"description": "a day it depended on is in a year not loaded"})


class CalendarFormSchema(Strict):
    year = Integer(validate=validate.Range(min=1950, max=9999),
                             metadata={"description": "The year you mean to load (checked against the file)"})


class CalendarFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "CSV (date,type,name) or JSON {year, holidays, workdays}"})


class RecomputedSchema(ma.Schema):
    park_id = Integer()
    park_name = ma.fields.String()
    public_notice = ma.fields.Dict()
    naming_notice = ma.fields.Dict()


class CalendarLoadSchema(ma.Schema):
    year = Integer()
    replaced = ma.fields.Boolean()
    holidays = Integer()
    workdays = Integer()
    recomputed = ma.fields.List(ma.fields.Nested(RecomputedSchema))


class CalendarYearSchema(ma.Schema):
    year = Integer()
    source = ma.fields.String()
    loaded_at = ma.fields.DateTime()
    loaded_by = ma.fields.String()
    holidays = Integer()
    workdays = Integer()
