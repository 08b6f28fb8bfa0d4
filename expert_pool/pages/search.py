"""The pool as a list: filters chosen from lists, sort, page size, pages; a GET form that needs no script.

The filters are the API's (``ExpertQuerySchema``) and the rows come from the same service
(``list_experts``), masked for the caller as the API masks them.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from expert_pool import policy, schemas, services
from expert_pool.pages.blueprint import bp
from expert_pool.pages.forms import FormErrors
from expert_pool.pages.paging import Pager
from expert_pool.pages.wording import PAGE_SIZES, SORTS
from expert_pool.rules.normalize import FieldError, normalize_province
from expert_pool.rules.regions import PROVINCES
from ground.guard import current_actor
from ground.i18n import _l, text_message

QUERY_KEYS = ("q", "province", "specialty", "title_rank", "status", "organization_id", "contributed_by", "sort",
              "page", "page_size")
CHOSEN_FROM_LISTS = ("specialty", "title_rank", "status", "organization_id", "contributed_by", "sort", "page_size")
CHOOSE = _l("Choose from the list.")


def read_query(args: MultiDict) -> tuple[dict[str, Any], dict[str, Any], FormErrors]:
    """(the filters as the service takes them, the raw values to show in the form, errors per filter)."""
    raw: dict[str, Any] = {}
    for key in QUERY_KEYS:
        if key == "specialty":
            values = [v.strip() for v in args.getlist(key) if v.strip()]
            if values:
                raw[key] = values
        elif (value := (args.get(key) or "").strip()):
            raw[key] = value
    unreadable: dict[str, list] = {}
    if raw.get("province") and raw["province"] not in PROVINCES:
        # A link or a bookmark may name the province in words ("江苏"): the rules' own reading of it.
        try:
            raw["province"] = normalize_province(raw["province"])
        except FieldError as exc:
            unreadable["province"] = [text_message(exc.text)]
    try:
        return schemas.ExpertQuerySchema().load(raw), raw, FormErrors()
    except ValidationError as exc:
        # A value the lists do not hold (an edited link): say so in words, not the schema's list of codes.
        messages = {key: [CHOOSE] if key in CHOSEN_FROM_LISTS else value for key, value in exc.messages.items()}
        return {}, raw, FormErrors.of({**messages, **unreadable}, QUERY_KEYS)


@bp.route("/experts")
def experts():
    """The pool, for the Office and the provinces (a province reads identifiers masked)."""
    actor = current_actor()
    query, shown, errors = read_query(request.args)
    items, pager = [], None
    if not errors:
        page, page_size = query.pop("page"), query.pop("page_size")
        items, total = services.list_experts(actor, query, page, page_size)
        pager = Pager(page, page_size, total)
        if page > pager.pages:
            pager = pager.clamped()
            items, _ = services.list_experts(actor, query, pager.page, page_size)
    return render_template(
        "expert_pool/experts.html", actor=actor, shown=shown, errors=errors, items=items, pager=pager,
        specialties=services.list_specialties(), organizations=services.organization_choices(),
        sorts=list(SORTS.items()), page_sizes=[(str(n), str(n)) for n in PAGE_SIZES], may_add=policy.may_import(actor),
        masked=not policy.may_see_pool_personal_data(actor)), 422 if errors else 200
