"""The working-day calendar and the holiday table at the API boundary."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import validate

from ground.schemas import Integer
from scheduling.schemas.common import Strict


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
