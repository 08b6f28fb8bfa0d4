"""The waves' input and output boundary."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, validate, validates_schema

from ground.i18n import _l
from ground.schemas import ID_RANGE, Integer, StrictSchema
from panels.models import PANEL_KINDS
from panels.schemas import ExpertFactsSchema

#: A season's parks at most in one wave.
MAX_PARKS = 200


class WaveCreateSchema(StrictSchema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(PANEL_KINDS))
    park_ids = ma.fields.List(Integer(validate=ID_RANGE), required=True, validate=validate.Length(max=MAX_PARKS))
    from_ = ma.fields.Date(required=True, data_key="from")
    to = ma.fields.Date(required=True)
    size = Integer(required=True, validate=validate.Range(min=1, max=31))
    max_per_day = Integer(required=True, validate=validate.Range(min=1, max=20),
                          metadata={"description": "Meetings the staff can hold on one day (M)"})
    per_expert_cap = Integer(load_default=1, validate=validate.Range(min=1, max=10),
                             metadata={"description": "Panels one expert may sit in the wave"})
    rule_set = ma.fields.String(validate=validate.Length(min=1, max=100),
                                metadata={"description": "Rule set name (newest version); default: the kind's"})
    days = ma.fields.Dict(keys=ma.fields.String(validate=validate.Regexp(r"^[1-9][0-9]{0,9}$")),
                          values=ma.fields.List(ma.fields.Date(), validate=validate.Length(min=1, max=200)),
                          metadata={"description": "Allowed days of some parks (park id -> dates); default: the "
                                                   "working days of the window within the park's due window"})

    @validates_schema
    def _parks(self, data, **kwargs):
        ids = data.get("park_ids")
        if ids is not None and not ids:
            raise ValidationError({"park_ids": [_l("Choose at least one park.")]})
        ids = ids or []
        if len(set(ids)) != len(ids):
            raise ValidationError({"park_ids": [_l("A park is listed twice.")]})

    @ma.post_load
    def _names(self, data, **kwargs):
        data["from"] = data.pop("from_")
        return data


class WaveReplanSchema(StrictSchema):
    moves = ma.fields.Dict(keys=ma.fields.String(validate=validate.Regexp(r"^[1-9][0-9]{0,9}$")),
                           values=ma.fields.Date(),
                           metadata={"description": "Parks moved to another day (park id -> date)"})
    locks = ma.fields.Dict(keys=ma.fields.String(validate=validate.Regexp(r"^[1-9][0-9]{0,9}$")),
                           values=ma.fields.List(Integer(validate=ID_RANGE), validate=validate.Length(min=1, max=31)),
                           metadata={"description": "Members kept on a park's panel while the rest of it is drawn "
                                                    "again (park id -> expert ids)"})
    release = ma.fields.List(Integer(validate=ID_RANGE), validate=validate.Length(max=MAX_PARKS),
                             metadata={"description": "Parks whose meeting is drawn again (others still valid "
                                                      "are kept)"})


class WaveMemberSchema(ExpertFactsSchema):
    is_chair = ma.fields.Boolean()


class WaveMeetingSchema(ma.Schema):
    park_id = Integer()
    park_name = ma.fields.String()
    date = ma.fields.String()
    kept = ma.fields.Boolean()
    panel_id = Integer(allow_none=True)
    members = ma.fields.List(ma.fields.Nested(WaveMemberSchema))


class UnplacedSchema(ma.Schema):
    park_id = Integer()
    park_name = ma.fields.String()
    reason = ma.fields.String()
    message = ma.fields.String()
    what_would_place_it = ma.fields.String()
    conflict = ma.fields.List(ma.fields.String())
    feasible_days = ma.fields.List(ma.fields.String())


class FairnessSchema(ma.Schema):
    bound = ma.fields.Float()
    estimated_min = ma.fields.Float()
    estimated_se = ma.fields.Float()
    ratio = ma.fields.Float()
    replays = Integer()
    eligible = Integer()
    words = ma.fields.String()


class WaveSchema(ma.Schema):
    id = Integer()
    kind = ma.fields.String()
    status = ma.fields.String()
    convened_by = ma.fields.String()
    from_ = ma.fields.String(data_key="from", attribute="from")
    to = ma.fields.String()
    size = Integer()
    max_per_day = Integer()
    per_expert_cap = Integer()
    rule_set = ma.fields.String()
    park_ids = ma.fields.List(Integer())
    commitment = ma.fields.String()
    seed = Integer()
    engine_version = ma.fields.String()
    meetings = ma.fields.List(ma.fields.Nested(WaveMeetingSchema))
    unplaced = ma.fields.List(ma.fields.Nested(UnplacedSchema))
    fairness = ma.fields.Nested(FairnessSchema, allow_none=True,
                                metadata={"description": "The Office only (as a single draw's lottery figures)"})
    replans = Integer(allow_none=True)
    panels = ma.fields.Dict(keys=ma.fields.String(), values=Integer(), metadata={
        "description": "After the commit: park id -> the panel drawn for it"})
    created_at = ma.fields.DateTime()
    created_by = ma.fields.String()
    committed_at = ma.fields.DateTime(allow_none=True)
