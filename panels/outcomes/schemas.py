"""The input and output boundary of a panel's meeting record, attendance and conclusion."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ground.schemas import ID_RANGE, Integer, StrictBoolean, StrictSchema, text
from panels.outcomes.models import CONCLUSIONS
from panels.rules.meeting_documents import CHECKLIST_KEYS, FINDINGS
from panels.rules.quorum import ATTENDANCE_STATUSES
from scheduling.schemas import Localized

TIME = {"description": "Clock time on the meeting day, Asia/Shanghai (HH:MM)"}


class CheckItemSchema(StrictSchema):
    finding = ma.fields.String(required=True, validate=validate.OneOf(tuple(FINDINGS)),
                               metadata={"description": "met | rectify (problems to rectify) | not_met"})
    note = text(2000, load_default="")


class ScoreRowSchema(StrictSchema):
    item = text(200, required=True, min_length=1)
    max = Integer(strict=True, required=True, validate=validate.Range(min=1, max=100))
    score = ma.fields.Float(allow_none=True, load_default=None, allow_nan=False,
                            validate=validate.Range(min=0, max=100))


class MeetingWriteSchema(StrictSchema):
    place = text(300)
    video_link = ma.fields.Url(schemes={"https", "http"}, validate=validate.Length(max=500), allow_none=False)
    start_time = ma.fields.Time(allow_none=True, metadata=TIME)
    chair_expert_id = Integer(validate=ID_RANGE, metadata={"description": "The member chairing the meeting"})
    opinion = text(20000, metadata={"description": "The panel's opinion (专家意见)"})
    checklist = ma.fields.Dict(keys=ma.fields.String(validate=validate.OneOf(CHECKLIST_KEYS)),
                               values=ma.fields.Nested(CheckItemSchema), metadata={
                                   "description": "Technical verification: Art. 17 items 1-7, each with a finding"})
    score_sheet = ma.fields.List(ma.fields.Nested(ScoreRowSchema), validate=validate.Length(min=1, max=30),
                                 metadata={"description": "Performance evaluation: rows whose weights add up to 100"})


class AttendanceEntrySchema(StrictSchema):
    expert_id = Integer(required=True, validate=ID_RANGE)
    status = ma.fields.String(required=True, validate=validate.OneOf(ATTENDANCE_STATUSES))
    signed_in_at = ma.fields.Time(allow_none=True, load_default=None, metadata=TIME)
    left_at = ma.fields.Time(allow_none=True, load_default=None, metadata=TIME)
    note = text(500, load_default="")


class AttendanceWriteSchema(StrictSchema):
    entries = ma.fields.List(ma.fields.Nested(AttendanceEntrySchema), required=True,
                             validate=validate.Length(min=1, max=50))


class ConclusionWriteSchema(StrictSchema):
    conclusion = ma.fields.String(required=True, validate=validate.OneOf(CONCLUSIONS))
    reasons = text(20000, load_default="", metadata={
        "description": "Why (required for pass_after_rectification: what to rectify; for fail: why)"})
    date = ma.fields.Date(metadata={"description": "Day of the conclusion (default today; not before the meeting)"})
    excellent = StrictBoolean(load_default=False, metadata={"description": "Performance evaluation passed as "
                                                                           "excellent (Art. 26)"})


class AttendanceSchema(ma.Schema):
    status = ma.fields.String()
    signed_in_at = ma.fields.Time(allow_none=True)
    left_at = ma.fields.Time(allow_none=True)
    note = ma.fields.String()
    recorded_by = ma.fields.String()


class MeetingMemberSchema(ma.Schema):
    expert_id = Integer()
    name = ma.fields.String(allow_none=True)
    is_chair = ma.fields.Boolean()
    attendance = ma.fields.Nested(AttendanceSchema, allow_none=True)


class QuorumVerdictSchema(ma.Schema):
    seats = Integer()
    required = Integer()
    present = Integer()
    chair_required = ma.fields.Boolean()
    chair_present = ma.fields.Boolean()
    met = ma.fields.Boolean()


class CheckItemOutSchema(ma.Schema):
    item = Integer()
    text = Localized()
    finding = ma.fields.String(allow_none=True)
    finding_text = Localized(allow_none=True)
    note = ma.fields.String()


class ConclusionSchema(ma.Schema):
    conclusion = ma.fields.String()
    name = Localized()
    reasons = ma.fields.String()
    excellent = ma.fields.Boolean()
    concluded_on = ma.fields.Date()
    concluded_by = ma.fields.String()
    effects = ma.fields.Dict(metadata={"description": "the quorum met, the park's transitions, the proposals"})


class PanelRefSchema(ma.Schema):
    id = Integer()
    kind = ma.fields.String()
    meeting_date = ma.fields.Date()
    status = ma.fields.String()
    size = Integer()


class MeetingSchema(ma.Schema):
    panel = ma.fields.Nested(PanelRefSchema)
    place = ma.fields.String()
    video_link = ma.fields.String()
    start_time = ma.fields.Time(allow_none=True)
    chair_expert_id = Integer(allow_none=True)
    opinion = ma.fields.String()
    members = ma.fields.List(ma.fields.Nested(MeetingMemberSchema))
    quorum = ma.fields.Nested(QuorumVerdictSchema)
    conclusions_allowed = ma.fields.List(ma.fields.String())
    checklist = ma.fields.List(ma.fields.Nested(CheckItemOutSchema))
    score_sheet = ma.fields.List(ma.fields.Dict())
    score_total = ma.fields.Float(allow_none=True)
    score_sheet_template = ma.fields.List(ma.fields.Dict())
    conclusion = ma.fields.Nested(ConclusionSchema, allow_none=True)
