"""A panel request as the convening steps carry it from page to page (in the query string, so every step can
be bookmarked, reloaded and resumed; nothing is stored before the draw, which creates the panel)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import marshmallow as ma
from marshmallow import validate

from ground.schemas import Integer
from panels.models import PANEL_KINDS
from scheduling.pages.common import field_errors

FIELDS = ("kind", "location", "from", "to", "meeting_date", "size", "alternates", "rule_set", "override_reason")


class ConveneArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    kind = ma.fields.String(validate=validate.OneOf(PANEL_KINDS))
    location = ma.fields.String(validate=validate.Length(max=300), load_default="")
    start = ma.fields.Date(data_key="from")
    end = ma.fields.Date(data_key="to")
    meeting_date = ma.fields.Date()
    size = Integer(load_default=5, validate=validate.Range(min=1, max=31))
    alternates = Integer(load_default=2, validate=validate.Range(min=0, max=20))
    rule_set = ma.fields.String(validate=validate.Length(min=1, max=100))
    override_reason = ma.fields.String(validate=validate.Length(min=1, max=500))


@dataclass
class ConveneRequest:
    kind: str | None = None
    location: str = ""
    start: date | None = None
    end: date | None = None
    meeting_date: date | None = None
    size: int = 5
    alternates: int = 2
    rule_set: str | None = None
    override_reason: str | None = None
    """The Office's stated reason to convene a kind the park's stage does not call for (audited, kept)."""

    def query(self, **changes: Any) -> dict[str, str]:
        """The request as query arguments (``changes`` applied), for links and hidden fields."""
        values = {**asdict(self), **changes}
        names = {"start": "from", "end": "to"}
        return {names.get(k, k): (v.isoformat() if isinstance(v, date) else str(v)) for k, v in values.items()
                if v not in (None, "")}

    def draw_data(self, park_id: int, witness: str | None) -> dict[str, Any]:
        """What ``POST /api/v1/panels`` would be sent (loaded by its schema before the draw)."""
        data: dict[str, Any] = {"park_id": park_id, "kind": self.kind, "size": self.size,
                                "alternates": self.alternates, "location": self.location,
                                "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None}
        if self.rule_set:
            data["rule_set"] = self.rule_set
        if witness:
            data["witness"] = witness
        if self.override_reason:
            data["override_reason"] = self.override_reason
        return {k: v for k, v in data.items() if v not in (None, "")}


def read_request(source) -> tuple[ConveneRequest, dict[str, list[str]]]:
    """The request in ``source`` (``request.args`` or ``request.form``); refused fields are dropped and named."""
    raw = {k: source.get(k, "").strip() for k in FIELDS if source.get(k, "").strip()}
    try:
        loaded, errors = ConveneArgsSchema().load(raw), {}
    except ma.ValidationError as exc:
        errors = field_errors(exc.messages if isinstance(exc.messages, dict) else {})
        bad = {("from" if k == "start" else "to" if k == "end" else k) for k in errors}
        loaded = ConveneArgsSchema().load({k: v for k, v in raw.items() if k not in bad})
    found = ConveneRequest(**loaded)
    if found.start and not found.end:
        found.end = found.start + timedelta(days=27)
    return found, errors
