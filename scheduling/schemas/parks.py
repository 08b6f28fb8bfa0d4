"""Parks, transitions, the timeline, objections, major changes and warning proposals at the API boundary."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ground.api import PageArgs, page_schema, request_language
from ground.i18n import bilingual
from ground.schemas import ID_RANGE, Integer, StrictBoolean, text
from scheduling.models import NOTICES, PARK_TYPES, PROGRAMMES, PROPOSAL_STATUSES, STATES
from scheduling.rules.lifecycle import PANEL_OUTCOMES, WarningReason
from scheduling.schemas.common import ACTIONS, CHANGE_SUBJECTS, PROVINCE_CODES, REASONS, Localized, Strict

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
    panel_override_reason = text(500, min_length=1, metadata={
        "description": "Office only: take an action a review panel decides (e.g. pass_verification) without "
                       "that panel's recorded conclusion, with this reason (audited, kept with the transition)"})


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
    # a panel of the park (added by the panels package; never its members)
    panel_id = Integer()
    panel_kind = ma.fields.String()
    convened_by = ma.fields.String()
    meeting_date = ma.fields.Date()
    round = Integer()
    purpose = ma.fields.String()
    conclusion = ma.fields.String(metadata={"description": "panel_concluded: pass | pass_after_rectification | fail"})
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


PROPOSED_REASONS = tuple(dict.fromkeys(str(r.proposes.reason) for r in PANEL_OUTCOMES if r.proposes is not None))


class ProposalQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    status = ma.fields.String(validate=validate.OneOf(PROPOSAL_STATUSES))
    audience = ma.fields.String(validate=validate.OneOf(("office", "province")))
    reason = ma.fields.String(validate=validate.OneOf((*WarningReason, *PROPOSED_REASONS)))
    park_id = Integer(validate=ID_RANGE)


class ProposalSchema(ma.Schema):
    id = Integer()
    park_id = Integer()
    key = ma.fields.String()
    reason = ma.fields.String()
    proposed_action = ma.fields.String(allow_none=True, metadata={
        "description": "The decision a panel's conclusion proposes (name_park, stop_creation, revoke); "
                       "null: a ground for a warning (Art. 27)"})
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
        return bilingual(obj.message_zh, obj.message_en).get(request_language())


ProposalPageSchema = page_schema(ProposalSchema, "WarningProposalPage")


class DismissSchema(Strict):
    comment = text(2000, required=True, min_length=1)
