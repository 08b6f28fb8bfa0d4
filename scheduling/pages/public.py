"""``/public/parks``: the public list of parks under construction and named parks (Art. 22), without sign-in.

It shows what ``GET /api/v1/public/parks`` shows (``services.public_parks``): no people, no contact data.
"""

from __future__ import annotations

import math

from flask import render_template

from ground.guard import public
from ground.i18n import _l
from scheduling import schemas, services
from scheduling.pages.blueprint import bp
from scheduling.pages.common import PAGE_SIZE, day, province_name, say
from scheduling.pages.listing import load_filters
from scheduling.wording import PARK_TYPE_NAMES, PROGRAMME_NAMES, named

STATUS_NAMES = {"named": _l("named"), "under_construction": _l("under construction")}


@bp.route("/public/parks")
@public
def public_parks():
    filters, problems = load_filters(schemas.PublicQuerySchema(), ("province", "status", "page"))
    page = filters.pop("page")
    filters.pop("page_size", None)
    items, total = services.public_parks(filters, page, PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:
        page = pages
        items, total = services.public_parks(filters, page, PAGE_SIZE)
    rows = [{**p, "province": province_name(p["province"]), "status_name": say(STATUS_NAMES[p["status"]]),
             "programme": say(named(PROGRAMME_NAMES, p["programme"])),
             "park_type": say(named(PARK_TYPE_NAMES, p["park_type"])),
             "approved_on": day(p["approved_on"]) if p["approved_on"] else "",
             "named_on": day(p["named_on"]) if p["named_on"] else "",
             "industries": "、".join(p["leading_industries"] or [])} for p in items]
    return render_template(
        "scheduling/public_parks.html", rows=rows, total=total, page=page, pages=pages, problems=problems,
        filters={k: v for k, v in filters.items() if v},
        provinces=[(code, province_name(code)) for code in schemas.PROVINCE_CODES],
        statuses=[(code, say(name)) for code, name in STATUS_NAMES.items()])
