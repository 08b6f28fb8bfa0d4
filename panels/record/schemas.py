"""The input and output boundary of ratings, conduct records, credit, its proposals, and the rule data."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ground.schemas import ID_RANGE, Integer, StrictSchema, text
from panels.rules.credit import CONDUCT_KINDS, RECORDED_KINDS
from panels.rules.fees import FEE_DEFAULTS
from panels.seats.answers import DECLINE_REASONS
from scheduling.schemas import Localized

POINTS = validate.Range(min=0, max=100)


class RatingWriteSchema(StrictSchema):
    expert_id = Integer(required=True, validate=ID_RANGE)
    competence = Integer(required=True, strict=True, validate=POINTS,
                         metadata={"description": "0 to the rule set's maximum (40 by default)"})
    discipline = Integer(required=True, strict=True, validate=POINTS, metadata={"description": "0-30 by default"})
    integrity = Integer(required=True, strict=True, validate=POINTS, metadata={"description": "0-30 by default"})
    comment = text(2000, load_default="")


class RatingSchema(ma.Schema):
    competence = Integer()
    discipline = Integer()
    integrity = Integer()
    total = Integer()
    comment = ma.fields.String()
    rated_by = ma.fields.String()
    rated_at = ma.fields.DateTime()


class RatedMemberSchema(ma.Schema):
    expert_id = Integer()
    name = ma.fields.String(allow_none=True)
    attendance = ma.fields.String()
    rating = ma.fields.Nested(RatingSchema, allow_none=True)


class RatingsSchema(ma.Schema):
    panel_id = Integer()
    meeting_date = ma.fields.Date()
    opens_on = ma.fields.Date()
    closes_on = ma.fields.Date()
    provisional = ma.fields.Boolean()
    window = ma.fields.String(metadata={"description": "not_open | open | closed"})
    rating_max = ma.fields.Dict(keys=ma.fields.String(), values=Integer())
    members = ma.fields.List(ma.fields.Nested(RatedMemberSchema))
    missing = ma.fields.List(Integer())


class ConductWriteSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(RECORDED_KINDS),
                            metadata={"description": "confidentiality_breach | complaint_upheld (the others are "
                                                     "derived from attendance and invitations)"})
    on = ma.fields.Date(required=True)
    panel_id = Integer(validate=ID_RANGE, allow_none=True, load_default=None)
    note = text(2000, required=True, min_length=1)


class ConductSchema(ma.Schema):
    id = Integer()
    kind = ma.fields.String()
    on = ma.fields.Date()
    panel_id = Integer(allow_none=True)
    source = ma.fields.String()
    note = ma.fields.String()
    recorded_by = ma.fields.String(allow_none=True)
    recorded_at = ma.fields.DateTime()


class CreditProposalSchema(ma.Schema):
    id = Integer()
    expert_id = Integer()
    action = ma.fields.String()
    action_name = Localized()
    status = ma.fields.String()
    score = ma.fields.Float()
    reason = Localized()
    rule_version = Integer()
    proposed_on = ma.fields.Date()
    decided_by = ma.fields.String(allow_none=True)
    decided_at = ma.fields.DateTime(allow_none=True)
    decision_reason = ma.fields.String()


class CreditProposalQuerySchema(StrictSchema):
    status = ma.fields.String(load_default="open", validate=validate.OneOf(("open", "accepted", "rejected", "all")))


class CreditDecisionSchema(StrictSchema):
    decision = ma.fields.String(required=True, validate=validate.OneOf(("accept", "reject")))
    reason = text(1000, required=True, min_length=1)


class CreditHistorySchema(ma.Schema):
    on = ma.fields.Date()
    score = ma.fields.Float()
    rating_average = ma.fields.Float(allow_none=True)
    ratings = Integer()
    records = ma.fields.Dict(keys=ma.fields.String(), values=Integer())
    deducted = Integer()
    rule_version = Integer()


class CreditRatingSchema(RatingSchema):
    panel_id = Integer(allow_none=True)
    meeting_date = ma.fields.Date()


class CreditSchema(ma.Schema):
    expert_id = Integer()
    status = ma.fields.String()
    senior_list = ma.fields.Boolean()
    score = ma.fields.Float()
    rating_average = ma.fields.Float(allow_none=True)
    ratings = Integer(metadata={"description": "ratings counted (within the lookback)"})
    records = ma.fields.Dict(keys=ma.fields.String(), values=Integer())
    deducted = Integer()
    rule_version = Integer()
    history = ma.fields.List(ma.fields.Nested(CreditHistorySchema))
    rating_list = ma.fields.List(ma.fields.Nested(CreditRatingSchema), metadata={"description": "newest first"})
    conduct = ma.fields.List(ma.fields.Nested(ConductSchema), metadata={"description": "records in force"})
    proposals = ma.fields.List(ma.fields.Nested(CreditProposalSchema))


def _int(low: int, high: int, **kwargs) -> Integer:
    return Integer(strict=True, validate=validate.Range(min=low, max=high), **kwargs)


class RatingMaxSchema(StrictSchema):
    competence = _int(1, 100)
    discipline = _int(1, 100)
    integrity = _int(1, 100)


class UnexcusedDeclinesSchema(StrictSchema):
    count = _int(1, 50, metadata={"description": "declines without a reason that make one record"})
    months = _int(1, 36, metadata={"description": "within this many months"})
    reasons = ma.fields.List(ma.fields.String(validate=validate.OneOf(tuple(DECLINE_REASONS))), metadata={
        "description": "decline reasons that count as none (silence always counts)"})


class CreditRulesFieldsSchema(StrictSchema):
    rating_window_working_days = _int(1, 10)
    rating_max = ma.fields.Nested(RatingMaxSchema, metadata={"description": "the three parts, adding up to 100"})
    lookback_months = _int(1, 120)
    neutral_score = _int(0, 100, metadata={"description": "the score before any rating"})
    deductions = ma.fields.Dict(keys=ma.fields.String(validate=validate.OneOf(CONDUCT_KINDS)), values=_int(0, 100))
    late_withdrawal_days = _int(0, 60)
    unexcused_declines = ma.fields.Nested(UnexcusedDeclinesSchema)
    suspend_below = _int(0, 100)
    remove_below = _int(0, 100)
    remove_on = ma.fields.List(ma.fields.String(validate=validate.OneOf(CONDUCT_KINDS)))
    promote_at = _int(0, 101, metadata={"description": "101: never"})
    promote_min_ratings = _int(0, 100)


class CreditRulesWriteSchema(StrictSchema):
    rules = ma.fields.Nested(CreditRulesFieldsSchema, required=True, metadata={
        "description": "The parameters to change (panels.rules.credit.CREDIT_DEFAULTS); the others stay"})
    description = text(500, load_default="")


class CreditRulesSchema(ma.Schema):
    version = Integer()
    rules = ma.fields.Dict()
    description = ma.fields.String()
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()


class FeeRatesWriteSchema(StrictSchema):
    per_day = ma.fields.Dict(keys=ma.fields.String(validate=validate.OneOf(tuple(FEE_DEFAULTS["per_day"]))),
                             values=Integer(strict=True, validate=validate.Range(min=0, max=100000)))
    chair_extra_per_day = Integer(strict=True, validate=validate.Range(min=0, max=100000))
    travel_allowance = Integer(strict=True, validate=validate.Range(min=0, max=100000))

    @ma.validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("Give at least one rate to change.", "_schema")


class FeeRatesSchema(ma.Schema):
    version = Integer()
    rates = ma.fields.Dict()
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()


class FeeSheetQuerySchema(StrictSchema):
    days = Integer(load_default=1, validate=validate.Range(min=1, max=10),
                   metadata={"description": "Days paid to each member present (on-site verifications may last "
                                            "longer than a day)"})
    lang = ma.fields.String(load_default="zh", validate=validate.OneOf(("zh", "en")))

