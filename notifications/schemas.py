"""The input and output boundary of invitations, meetings and the outbox."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ground.api import PageArgs, page_schema
from ground.schemas import ID_RANGE, Integer, StrictSchema, text
from notifications.models import OUTBOX_STATES

LANG = validate.OneOf(("zh", "en"))


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


class MailPreviewSchema(ma.Schema):
    template = ma.fields.String()
    language = ma.fields.String()
    to = ma.fields.List(ma.fields.String())
    subject = ma.fields.String()
    text = ma.fields.String()
    html = ma.fields.String(allow_none=True)
    calendar = ma.fields.String(metadata={"description": "The iCalendar attachment (text/calendar)"})


class TemplatePreviewSchema(StrictSchema):
    template = ma.fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,99}$"))
    language = ma.fields.String(load_default="zh", validate=LANG)
    context = ma.fields.Dict(load_default=dict)


class RescheduleSchema(StrictSchema):
    meeting_date = ma.fields.Date()
    location = text(300)
    reason = text(500, required=True, min_length=1)


class CancelSchema(StrictSchema):
    reason = text(500, required=True, min_length=1)


class PageQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE


class OutboxQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    state = ma.fields.String(validate=validate.OneOf(OUTBOX_STATES))
    related_type = ma.fields.String(validate=validate.Length(max=32))
    related_id = ma.fields.String(validate=validate.Length(max=64))


class OutboxAttachmentSchema(ma.Schema):
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Function(lambda a: len(a.data))


class OutboxMessageSchema(ma.Schema):
    id = Integer()
    message_id = ma.fields.String()
    state = ma.fields.String()
    recipients = ma.fields.List(ma.fields.String())
    template = ma.fields.String()
    language = ma.fields.String()
    subject = ma.fields.String()
    dedupe_key = ma.fields.String(allow_none=True)
    related_type = ma.fields.String(allow_none=True)
    related_id = ma.fields.String(allow_none=True)
    attempts = Integer()
    max_attempts = Integer()
    next_attempt_at = ma.fields.DateTime()
    claimed_until = ma.fields.DateTime(allow_none=True)
    first_attempt_at = ma.fields.DateTime(allow_none=True)
    last_attempt_at = ma.fields.DateTime(allow_none=True)
    last_error = ma.fields.String(allow_none=True)
    server_reply = ma.fields.String(allow_none=True)
    sent_at = ma.fields.DateTime(allow_none=True)
    dead_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class OutboxMessageDetailSchema(OutboxMessageSchema):
    body_text = ma.fields.String()
    body_html = ma.fields.String(allow_none=True)
    context = ma.fields.Dict()
    attachments = ma.fields.List(ma.fields.Nested(OutboxAttachmentSchema))


OutboxPageSchema = page_schema(OutboxMessageSchema, "OutboxPageSchema")
