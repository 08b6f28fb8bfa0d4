"""What the park schemas share: the choices they validate against and the strict base."""

from __future__ import annotations

import marshmallow as ma

from expert_pool.rules.regions import PROVINCES
from ground.api import request_language
from ground.i18n import localize
from ground.schemas import StrictSchema
from scheduling.rules.lifecycle import Action, RevocationReason, StopReason, WarningReason

PROVINCE_CODES = tuple(sorted(PROVINCES))
ACTIONS = tuple(a.value for a in Action)
REASONS = tuple(dict.fromkeys([*StopReason, *WarningReason, *RevocationReason]))
CHANGE_SUBJECTS = ("name", "management_agency", "scope", "indicators", "key_projects")


class Localized(ma.fields.Field):
    """A :class:`Msg` rendered in the caller's language."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else localize(value, request_language())


class Strict(StrictSchema):
    pass
