"""Materials and annual reports (Art. 23) at the API boundary."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import ValidationError, validate, validates_schema

from ground.api import PageArgs, page_schema
from ground.i18n import _l
from ground.schemas import ID_RANGE, Integer, StrictBoolean, text
from scheduling.models import MATERIAL_KINDS
from scheduling.schemas.common import Strict

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
            raise ValidationError({"covers_to": [_l("The period ends before it starts.")]})


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
