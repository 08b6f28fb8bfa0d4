"""Ids cannot be probed (red-team finding 5): an object a caller may not see answers as a missing one.

Generated from the OpenAPI document: every operation that takes an id in its path is called by each of the
permission matrix's personas (tests/security/test_permission_matrix.py: its world and its request builders)
twice, once with the ids of province A's objects and once with ids that exist nowhere. A persona who may not
learn that the object exists (the matrix's read entry for it does not admit it) must get the same status and
the same body, the ids themselves aside. Where the persona may read the object (a province reads the whole
pool, so it may be told "you may not edit this one"), a 403 tells it nothing new and is not compared.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ecopanel.auth.permissions import PERMISSIONS
from ground.actor import Role
from tests.security import test_permission_matrix as matrix

#: Ids that exist nowhere (within the API's id range; random ids make a collision a 1 in 2**31 chance).
MISSING = 2**31 - 11

#: The endpoint that reads the object an id names: whoever it admits (role and scope) knows the object exists.
READ_BY: dict[str, tuple[str, str]] = {
    "expert_id": ("experts.ExpertItem", "GET"),
    "unavailability_id": ("experts.ExpertItem", "GET"),  # a period of an expert: whoever reads the expert
    "organization_id": ("experts.organization", "GET"),
    "park_id": ("parks.park", "GET"),
    "objection_id": ("parks.park", "GET"),
    "proposal_id": ("parks.park", "GET"),
    "material_id": ("parks.park", "GET"),
    "panel_id": ("panels.read_panel", "GET"),
    "wave_id": ("waves.read_wave", "GET"),
    "message_id": ("notifications.read_outbox", "GET"),
    "row_id": ("held_rows.held_row", "GET"),
    "credit_proposal_id": ("record.credit_proposals", "GET"),
    "token_id": ("tokens.token", "DELETE"),  # the owner's (see _token_of_another)
}


def _token_of_another(w: matrix.World, who: str) -> matrix.Req:
    """Someone else's token: a token is its owner's (and an Office administrator's) to see."""
    owner = "expert_y" if who != "expert_y" else "expert_x"
    return matrix.Req("DELETE", f"/api/v1/tokens/{w.spare_token(w.personas[owner])}", target={"owner": owner})


def _report_step(step: str):
    """A report step on park P (the matrix's builders make a report for the step; a probe needs none)."""
    return lambda w, who: matrix.Req("POST", f"/api/v1/parks/{w.park_p.id}/annual-reports/2025/{step}",
                                     json={"compliant": True} if step == "review" else {},
                                     target=matrix._park_target(w))


#: Where the matrix's builder acts on the caller's own object, the probe needs someone else's; and where it
#: builds what one world can hold once.
OTHERS: dict[tuple[str, str], Any] = {("tokens.token", "DELETE"): _token_of_another,
                                      ("parks.review_report", "POST"): _report_step("review"),
                                      ("parks.forward_report", "POST"): _report_step("forward")}


def _operations() -> list[tuple[str, str, str]]:
    """(OpenAPI path, method, endpoint) of every operation with an id in its path."""
    from ecopanel.app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "collect",
                      "AUDIT_HMAC_KEY": "collect", "ENVIRONMENT": "test"})
    document = app.test_client().get("/openapi.json").json
    endpoints = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method): rule.endpoint
                 for rule in app.url_map.iter_rules() for method in rule.methods}
    out = []
    for path, operations in document["paths"].items():
        if "{" in path:
            out += [(path, method.upper(), endpoints[(path, method.upper())]) for method in operations
                    if method in ("get", "post", "patch", "put", "delete")]
    return sorted(out)


OPERATIONS = _operations()


def _may_know_of(w: matrix.World, who: str, path: str, req: matrix.Req) -> bool:
    actor = w.personas[who].actor
    if "owner" in req.target:
        return (actor.role == Role.OFFICE and actor.is_admin) or who == req.target["owner"]
    names = re.findall(r"{(\w+)}", path)
    return all(matrix.expected(PERMISSIONS[READ_BY[n]], actor, req.target) for n in names if n.endswith("_id"))


def _with_missing_ids(path: str, req: matrix.Req) -> tuple[str, dict[str, str]]:
    """The request's path with every id replaced by one that does not exist, and {id value: "{id}"}."""
    template, actual = path.split("/"), req.path.split("/")
    assert len(template) == len(actual), (path, req.path)
    placeholders: dict[str, str] = {}
    for i, part in enumerate(template):
        if part.startswith("{") and part.endswith("_id}"):
            placeholders[actual[i]] = placeholders[str(MISSING + i)] = "{id}"
            actual[i] = str(MISSING + i)
    return "/".join(actual), placeholders


def _answer(response, placeholders: dict[str, str]) -> tuple[int, str]:
    body = json.dumps(response.get_json(silent=True), ensure_ascii=False, sort_keys=True)
    for value, name in placeholders.items():
        body = re.sub(rf"(?<!\d){value}(?!\d)", name, body)
    return response.status_code, body


@pytest.fixture
def world(app, db, client, make_org, make_expert, expert_payload, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "CLOCK", lambda: matrix.NOW)
    return matrix.World(app, db, client, make_org, make_expert, expert_payload, make_user)


def test_every_operation_with_an_id_is_covered():
    assert OPERATIONS, "the OpenAPI document lists no operation with an id"
    for path, method, endpoint in OPERATIONS:
        assert (endpoint, method) in matrix.BUILDERS, (path, method)
        for name in re.findall(r"{(\w+_id)}", path):
            assert name in READ_BY, f"{path}: say which endpoint reads a {name} (READ_BY)"


def test_an_object_out_of_sight_answers_as_a_missing_one(world):
    compared, differing = 0, []
    for path, method, endpoint in OPERATIONS:
        build = OTHERS.get((endpoint, method), matrix.BUILDERS[(endpoint, method)])
        for who in matrix.PERSONAS:
            req = build(world, who)
            if _may_know_of(world, who, path, req):
                continue
            missing_path, placeholders = _with_missing_ids(path, req)
            persona = world.personas[who]
            again = build(world, who)  # a fresh body: an uploaded file is read once
            answers = [_answer(matrix._call(world, persona, req), placeholders),
                       _answer(matrix._call(world, persona, matrix.Req(**{**again.__dict__, "path": missing_path})),
                               placeholders)]
            compared += 1
            if answers[0] != answers[1]:
                differing.append(f"{method} {path} as {who}: {answers[0]} vs missing {answers[1]}")
            assert answers[0][0] in (403, 404), (method, path, who, answers[0])
    assert not differing, "\n".join(differing)
    assert compared > 100  # every persona outside every object, not a handful
