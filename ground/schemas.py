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


class Integer(ma.fields.Integer):
    """An integer within the range of the database's INTEGER columns.

    Every integer the API takes (ids, years, counts) is stored in or compared with such a column, and a
    larger one makes the driver overflow (a 500 on SQLite, found by the OpenAPI fuzz test) instead of
    telling the caller. Used for every integer field, so no new field can forget it.
    """

    # worded as marshmallow's Range says it, so ground.i18n translates it the same way
    default_error_messages = {"out_of_range": "Must be greater than or equal to {min} and less than or equal to {max}."}

    def _validated(self, value):
        number = super()._validated(value)
        if number is not None and not -MAX_ID - 1 <= number <= MAX_ID:
            raise self.make_error("out_of_range", min=-MAX_ID - 1, max=MAX_ID)
        return number


class StrictSchema(ma.Schema):
    """Unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = ma.RAISE


class TrimmedString(ma.fields.String):
    """A string kept without its surrounding white space, so that a minimum length applies to what is kept
    (a name of one tab is empty, not one character long). The maximum applies to the string as sent, as
    the OpenAPI document says."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(**kwargs)
        self._as_sent = validate.Length(max=max_length)

    def _deserialize(self, value, attr, data, **kwargs):
        return self._as_sent(super()._deserialize(value, attr, data, **kwargs)).strip()


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs) -> ma.fields.String:
    """A trimmed string with an upper bound, so a 100,000-character value is refused, not stored."""
    return TrimmedString(max_length=max_length, required=required,
                         validate=validate.Length(min=min_length, max=max_length), **kwargs)
