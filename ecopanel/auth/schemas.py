"""The token API's input and output boundary. A token's hash never leaves the server; the token itself
is in the response to its creation only."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ground.api import PageArgs, page_schema
from ground.schemas import Integer, StrictSchema, text

MAX_TOKEN_DAYS = 3650


class TokenQuerySchema(PageArgs):
    user_id = Integer(validate=validate.Range(min=1), metadata={
        "description": "Another user's tokens (Office administrators only); default: the caller's own"})


class TokenCreateSchema(StrictSchema):
    name = text(100, load_default="", metadata={"description": "What the token is for, e.g. the script's name"})
    days = Integer(validate=validate.Range(min=1, max=MAX_TOKEN_DAYS), load_default=None, metadata={
        "description": "Days until it expires; default TOKEN_DEFAULT_DAYS (365). Never longer than the "
                       "bearer token used to create it."})


class TokenSchema(ma.Schema):
    id = Integer()
    user_id = Integer()
    name = ma.fields.String()
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)
    last_used_at = ma.fields.DateTime(allow_none=True)
    active = ma.fields.Boolean()


class IssuedTokenSchema(TokenSchema):
    token = ma.fields.String(metadata={"description": "The bearer token; shown this once, stored only hashed"})


TokenPageSchema = page_schema(TokenSchema, "TokenPageSchema")
