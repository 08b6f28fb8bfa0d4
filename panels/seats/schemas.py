"""The input and output boundary of a panel's seats: invitations, meetings moved or cancelled."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ground.api import page_schema
from ground.schemas import ID_RANGE, Integer, StrictSchema, text
from notifications.schemas import LANG, MailPreviewSchema, PageQuerySchema

__all__ = ["MailPreviewSchema", "PageQuerySchema"]


class InviteSchema(StrictSchema):
    respond_by = ma.fields.Date(metadata={"description": "Last day to answer (Asia/Shanghai; the links expire at "
                                                         "its end). Default: INVITATION_RESPONSE_DAYS from today, at "
                                                         "the latest the day before the meeting"})
    expert_ids = ma.fields.List(Integer(validate=ID_RANGE), validate=validate.Length(max=100),
                                metadata={"description": "Only these drawn members (default: every member not "
                                                         "invited yet)"})


class HistoryItemSchema(ma.Schema):
    at = ma.fields.DateTime()
    event = ma.fields.String()
    detail = ma.fields.Dict()


class InvitationSchema(ma.Schema):
    id = Integer()
    panel_id = Integer()
    expert_id = Integer()
    expert_name = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    language = ma.fields.String()
    respond_by = ma.fields.DateTime()
    reminded_at = ma.fields.DateTime(allow_none=True)
    opened_at = ma.fields.DateTime(allow_none=True)
    responded_at = ma.fields.DateTime(allow_none=True)
    decline_reason = ma.fields.String()
    conflict_of_interest = ma.fields.Boolean()
    pledge_version = ma.fields.String(allow_none=True)
    ical_sequence = Integer()
    created_at = ma.fields.DateTime()
    history = ma.fields.List(ma.fields.Nested(HistoryItemSchema))


InvitationPageSchema = page_schema(InvitationSchema, "InvitationPageSchema")


class InvitationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InvitationSchema))
    total = Integer()


class MyInvitationSchema(ma.Schema):
    id = Integer()
    panel_id = Integer()
    kind = ma.fields.String()
    park_name = ma.fields.String()
    meeting_date = ma.fields.Date()
    location = ma.fields.String()
    meeting_cancelled = ma.fields.Boolean()
    status = ma.fields.String()
    respond_by = ma.fields.DateTime()
    responded_at = ma.fields.DateTime(allow_none=True)
    page_url = ma.fields.String(allow_none=True, metadata={"description": "The confirmation page, while answerable"})


MyInvitationPageSchema = page_schema(MyInvitationSchema, "MyInvitationPageSchema")


class InvitationPreviewQuerySchema(StrictSchema):
    expert_id = Integer(validate=validate.Range(min=1))
    language = ma.fields.String(validate=LANG)


class RescheduleSchema(StrictSchema):
    meeting_date = ma.fields.Date()
    location = text(300)
    reason = text(500, required=True, min_length=1)


class CancelSchema(StrictSchema):
    reason = text(500, required=True, min_length=1)
