"""The input and output boundary of the outbox and the mail templates."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ground.api import PageArgs, page_schema
from ground.schemas import Integer, StrictSchema
from notifications.models import OUTBOX_STATES

LANG = validate.OneOf(("zh", "en"))


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
