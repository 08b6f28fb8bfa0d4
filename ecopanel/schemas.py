"""Shared marshmallow pieces: the base schema (unknown fields rejected) and bounded string fields."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate


class StrictBoolean(ma.fields.Boolean):
    """A JSON boolean: ``true`` or ``false`` only (marshmallow also takes 0/1, "yes", "on" ... as booleans)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):  # not a set lookup: 0 == False and 1 == True in Python
            raise self.make_error("invalid", input=value)
        return value


#: A record id in a request body: positive and within the INTEGER columns' range, so a huge number is a
#: 422 and never reaches the database driver (which overflows on SQLite: a 500).
MAX_ID = 2**31 - 1
ID_RANGE = validate.Range(min=1, max=MAX_ID)


class StrictSchema(ma.Schema):
    """Unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = ma.RAISE


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs) -> ma.fields.String:
    """A string with an upper bound, so a 100,000-character value is refused, not stored."""
    return ma.fields.String(required=required, validate=validate.Length(min=min_length, max=max_length),
                            **kwargs)
