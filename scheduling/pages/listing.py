"""``/parks``: the parks in the viewer's scope by stage, province and programme, with counts per stage.

The scope is the API's (``services.list_parks``): the Office sees every park, a province its own, a park user
only its park. Filters are chosen from lists in words; the query string goes through the API's schema, and a
value it refuses is named on the page and left out, never shown as raw data.
"""

from __future__ import annotations

import math
from typing import Any

import marshmallow as ma
from flask import render_template, request

from ground.actor import Role
from ground.guard import current_actor
from ground.i18n import _l, as_is
from scheduling import schemas, services
from scheduling.models import PARK_TYPES, PROGRAMMES
from scheduling.pages.blueprint import bp
from scheduling.pages.common import PAGE_SIZE, day, field_errors, province_name, say
from scheduling.rules.lifecycle import PHASE_OF, Phase, State
from scheduling.wording import PARK_TYPE_NAMES, PROGRAMME_NAMES, named, phase_name, state_name

FILTERS = ("q", "state", "province", "programme", "park_type", "page")
FIELD_NAMES = {"q": _l("name or city"), "state": _l("stage"),
               "province": _l("province"), "programme": _l("programme"),
               "park_type": _l("park type"), "page": _l("page")}


def load_filters(schema: ma.Schema, names: tuple[str, ...]) -> tuple[dict[str, Any], list[str]]:
    """The query's filters as the API's schema loads them; a refused one is dropped and named in words."""
    raw = {k: request.args.get(k, "").strip() for k in names if request.args.get(k, "").strip()}
    problems: list[str] = []
    try:
        return schema.load(raw), problems
    except ma.ValidationError as exc:
        errors = field_errors(exc.messages if isinstance(exc.messages, dict) else {})
        for name, messages in errors.items():
            problems.append(f"{say(FIELD_NAMES.get(name, as_is(name)))}：{'；'.join(messages)}")
            raw.pop(name, None)
        return schema.load(raw), problems


def _stages(counts: dict[str, int]) -> list[dict[str, Any]]:
    groups = []
    for phase in Phase:
        states = [{"code": s.value, "name": say(state_name(s)), "count": counts.get(s.value, 0)}
                  for s in State if PHASE_OF[s] is phase]
        groups.append({"phase": phase.value, "name": say(phase_name(phase)), "states": states,
                       "total": sum(s["count"] for s in states)})
    return groups


@bp.route("/parks")
def parks():
    actor = current_actor()
    filters, problems = load_filters(schemas.ParkQuerySchema(), FILTERS)
    page = filters.pop("page")
    filters.pop("page_size", None)
    items, total = services.list_parks(actor, filters, page, PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:  # past the end (a stale link): the last page, never "3 / 1"
        page = pages
        items, total = services.list_parks(actor, filters, page, PAGE_SIZE)
    counts = services.count_parks_by_state(actor, filters)
    rows = [{"id": p.id, "name": p.name, "province": province_name(p.province), "city": p.city,
             "programme": say(named(PROGRAMME_NAMES, p.programme)),
             "state": say(state_name(p.state)), "phase": PHASE_OF[State(p.state)].value,
             "approved_on": day(p.approved_on) if p.approved_on else "",
             "named_on": day(p.named_on) if p.named_on else ""}
            for p in items]
    base = {k: v for k, v in filters.items() if v}
    return render_template(
        "scheduling/parks.html", rows=rows, total=total, page=page, pages=pages, filters=base, problems=problems,
        stages=_stages(counts), all_in_scope=sum(counts.values()),
        provinces=[(code, province_name(code)) for code in schemas.PROVINCE_CODES] if actor.is_office else [],
        own_province=province_name(actor.province) if actor.role == Role.PROVINCE else "",
        programmes=[(p, say(PROGRAMME_NAMES[p])) for p in PROGRAMMES],
        park_types=[(t, say(PARK_TYPE_NAMES[t])) for t in PARK_TYPES],
    ), 200
