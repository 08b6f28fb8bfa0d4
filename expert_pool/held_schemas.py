"""The boundary of the rows of an import held for the Office (``GET /experts/held-rows`` and its resolution)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, validate, validates_schema

from expert_pool.models import HELD_STATUSES
from expert_pool.schemas import ExpertPatchSchema
from ground.api import PageArgs, page_schema
from ground.i18n import _l
from ground.schemas import ID_RANGE, Integer, StrictSchema, text

HELD_RESOLUTIONS = ("create", "duplicate", "dismiss")


class HeldRowQuerySchema(PageArgs):
    class Meta:
        unknown = ma.RAISE

    status = ma.fields.String(load_default="held", validate=validate.OneOf((*HELD_STATUSES, "all")),
                              metadata={"description": "held (default), created, duplicate, dismissed, or all"})


class HeldMatchSchema(ma.Schema):
    field = ma.fields.String()
    expert_id = Integer()
    expert_name = ma.fields.String(allow_none=True)


class HeldRowSchema(ma.Schema):
    id = Integer()
    status = ma.fields.String()
    file_name = ma.fields.String()
    row_number = Integer(metadata={"description": "As the spreadsheet shows it (header = row 1)"})
    contributed_by = ma.fields.String(allow_none=True, metadata={"description": "The importing province"})
    held_by_label = ma.fields.String()
    held_at = ma.fields.DateTime()
    values = ma.fields.Dict(metadata={"description": "The row as read (identifiers in clear while held, masked "
                                                     "once resolved)"})
    matches = ma.fields.List(ma.fields.Nested(HeldMatchSchema))
    resolved_at = ma.fields.DateTime(allow_none=True)
    resolved_by_label = ma.fields.String(allow_none=True)
    resolution_reason = ma.fields.String()
    expert_id = Integer(allow_none=True, metadata={"description": "The expert created, or the one it duplicates"})


HeldRowPageSchema = page_schema(HeldRowSchema, "HeldRowPageSchema")


class HeldRowResolveSchema(StrictSchema):
    resolution = ma.fields.String(required=True, validate=validate.OneOf(HELD_RESOLUTIONS))
    duplicate_of = Integer(validate=ID_RANGE, metadata={"description": "resolution=duplicate: the expert it repeats"})
    values = ma.fields.Nested(ExpertPatchSchema(partial=True), metadata={
        "description": "resolution=create: corrected fields (e.g. another mobile when the matched one is real)"})
    reason = text(500, required=True, min_length=1)

    @validates_schema
    def _fits_the_resolution(self, data, **kwargs):
        if data["resolution"] == "duplicate" and not data.get("duplicate_of"):
            raise ValidationError({"duplicate_of": [_l("Name the expert it duplicates.")]})
        if data.get("duplicate_of") and data["resolution"] != "duplicate":
            raise ValidationError({"duplicate_of": [_l("Only for resolution=duplicate.")]})
        if data.get("values") and data["resolution"] != "create":
            raise ValidationError({"values": [_l("Values are corrected only when adding the expert.")]})

