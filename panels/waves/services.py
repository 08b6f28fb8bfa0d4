"""Proposing a wave, re-planning it, and verifying a proposal (the commit is :mod:`.commit`).

A proposal is drawn as a single draw is (:mod:`panels.rules.bundle`): the canonical inputs are committed to
before the server entropy exists, the seed is derived from both, the planner runs with that seed, and the
inputs, seed and plan are stored, so :func:`verify_wave` can re-run it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from ground import clock
from ground.actor import Actor, Role
from ground.audit import record
from ground.errors import Conflict, Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import _l, joined
from panels.models import RuleSet
from panels.rules import bundle as bundles
from panels.rules.authority import convener_for, in_remit
from panels.rules.wave_bundle import make_wave_bundle, plan_record, request_from_inputs, wave_problems
from panels.services.access import UNKNOWN_PARK
from panels.services.rule_sets import rule_set_for
from panels.services.stage import PanelKindNotAllowed, check_stage
from panels.solver.wave_model import WAVE_ENGINE_VERSION
from panels.solver.waves import plan_wave
from panels.waves.inputs import allowed_days, due_dates, load_inputs, working_days
from panels.waves.models import Wave
from panels.waves.stale import stale_members
from scheduling import policy as park_policy
from scheduling.models import Park
from scheduling.wording import panel_kind_name, state_name

#: The longest window one wave may span (a season).
MAX_WINDOW_DAYS = 184


def get_wave(actor: Actor, wave_id: int, *, lock: bool = False) -> Wave:
    """The wave, for the Office or the province that convenes it; to anyone else it does not exist."""
    query = select(Wave).where(Wave.id == wave_id)
    if lock and db.engine.dialect.name == "postgresql":
        query = query.with_for_update()
    wave = db.session.scalar(query)
    province = actor.province if actor.role == Role.PROVINCE else None
    if wave is None or not in_remit(is_office=actor.is_office, province=province, convened_by=wave.convened_by):
        raise not_found(_l("Wave"), wave_id)
    return wave


def wave_parks(actor: Actor, park_ids: Sequence[int]) -> list[Park]:
    """The parks asked for, in the order asked. Those the caller may not see answer as missing ones."""
    found = {p.id: p for p in db.session.scalars(select(Park).where(Park.id.in_(list(park_ids))))}
    unknown = [i for i in park_ids if i not in found
               or not park_policy.may_see_park(actor, found[i].province, found[i].id)]
    if unknown:
        raise InvalidInput("unknown_park", _l("Unknown parks: {ids}.").format(ids=", ".join(map(str, unknown))),
                           {"park_ids": {str(i): [UNKNOWN_PARK] for i in unknown}})
    return [found[i] for i in park_ids]


def wave_convener(actor: Actor, kind: str, parks: Sequence[Park]) -> str:
    province = actor.province if actor.role == Role.PROVINCE else None
    conveners = {convener_for(is_office=actor.is_office, province=province, kind=kind, park_province=p.province)
                 for p in parks}
    if None in conveners:
        raise Forbidden(None, _l("Only the Office or the park's province may convene this kind of panel."))
    if len(conveners) > 1:
        raise InvalidInput("mixed_conveners", _l(
            "These parks' panels of this kind are convened by different authorities; plan one wave per province."),
            {"park_ids": [_l("Parks of one convening authority only.")]})
    return conveners.pop()


PARK_AT_STAGE = _l("{park} ({state})")


def check_stages(actor: Actor, parks: Sequence[Park], kind: str, today: date) -> None:
    """Every park's lifecycle state must call for the kind: one refusal naming every park that does not."""
    refused = []
    for park in parks:
        try:
            check_stage(actor, park, kind, None, today, what="wave")
        except PanelKindNotAllowed as error:
            refused.append((park, error))
    if not refused:
        return
    parks_named = joined((PARK_AT_STAGE.format(park=p.name, state=state_name(p.state)) for p, _ in refused),
                         _l("; "))
    error = PanelKindNotAllowed("panel_kind_not_allowed", _l(
        "Not at a stage that calls for a {kind} panel: {parks}.").format(
        kind=panel_kind_name(kind), parks=parks_named),
        {"park_ids": {str(p.id): [e.message] for p, e in refused}},
        extra={"parks": [p.id for p, _ in refused]})
    error.audit = ("wave.stage_refused", "park", refused[0][0].id,
                   {"kind": kind, "parks": [p.id for p, _ in refused]})
    raise error


def window_days(start: date, end: date) -> list[date]:
    if end < start:
        raise InvalidInput("invalid_span", _l("The end date is before the start date."),
                           {"to": [_l("Must not be before the start date.")]})
    if (end - start).days >= MAX_WINDOW_DAYS:
        raise InvalidInput("span_too_long", _l("A wave spans at most {n} days.").format(n=MAX_WINDOW_DAYS),
                           {"to": [_l("At most {n} days after the start date.").format(n=MAX_WINDOW_DAYS - 1)]})
    days = working_days(start, end, clock.now())
    if not days:
        raise InvalidInput("no_working_day", _l("The window holds no working day."),
                           {"to": [_l("Choose a window with at least one working day.")]})
    return days


def given_days(data: Mapping[str, Any], park_ids: Sequence[int], window: Sequence[date]) -> dict[int, list[date]]:
    """The days the caller gave for some parks: working days of the window, for parks of the wave."""
    out: dict[int, list[date]] = {}
    problems: dict[str, list[Any]] = {}
    allowed = set(window)
    for key, days in (data.get("days") or {}).items():
        pid = int(key)
        if pid not in park_ids:
            problems[str(pid)] = [_l("Not a park of this wave.")]
        elif any(d not in allowed for d in days):
            problems[str(pid)] = [_l("Only working days of the window.")]
        else:
            out[pid] = list(days)
    if problems:
        raise InvalidInput("invalid_days", _l("Some allowed days are not working days of the window."),
                           {"days": problems})
    return out


def propose(actor: Actor, data: Mapping[str, Any], *, kept: Sequence[Sequence[Any]] = (),
            replans: Wave | None = None, locks: Mapping[int, Sequence[int]] | None = None) -> Wave:
    """Plan a wave and store it as a proposal (nothing booked)."""
    kind, park_ids = data["kind"], list(data["park_ids"])
    window = window_days(data["from"], data["to"])
    parks = wave_parks(actor, park_ids)
    convened_by = wave_convener(actor, kind, parks)
    rule_set = rule_set_for(actor, data.get("rule_set"), kind) if replans is None \
        else db.session.get(RuleSet, replans.rule_set_id)
    check_stages(actor, parks, kind, clock.today())
    given = given_days(data, park_ids, window)
    kept_ids = {int(k[0]) for k in kept}
    todo = [p for p in parks if p.id not in kept_ids]
    days = allowed_days(todo, window, due_dates(todo, kind), given)
    loaded = load_inputs(todo or parks[:1], days if todo else {parks[0].id: []}, kind=kind,
                         convened_by=convened_by, rule_set=rule_set, size=data["size"],
                         max_per_day=data["max_per_day"], per_expert_cap=data["per_expert_cap"], window=window,
                         kept=kept, locks=locks)
    inputs = loaded.inputs
    if not todo:
        inputs["parks"] = []
    parts = bundles.canonical_parts(inputs)
    commitment = bundles.commitment_of(inputs, parts)
    entropy = secrets.token_hex(32)  # drawn only now, after the commitment is fixed
    seed = bundles.derive_seed(commitment, entropy, None)
    limit = current_app.config.get("WAVE_TIME_LIMIT_S", 30.0)
    plan = plan_record(inputs, plan_wave(request_from_inputs(inputs, seed, time_limit_s=limit)))
    request = {"kind": kind, "park_ids": park_ids, "from": data["from"].isoformat(), "to": data["to"].isoformat(),
               "size": data["size"], "max_per_day": data["max_per_day"], "per_expert_cap": data["per_expert_cap"],
               "rule_set": rule_set.name,
               "days": {str(k): [d.isoformat() for d in v] for k, v in given.items()}}
    wave = Wave(kind=kind, convened_by=convened_by, created_by=actor.label, status="proposed", request=request,
                inputs=inputs, plan=plan, commitment=commitment, server_entropy=entropy, seed=seed,
                engine_version=WAVE_ENGINE_VERSION, rule_set_id=rule_set.id,
                replans_id=replans.id if replans else None, created_at=clock.now())
    db.session.add(wave)
    db.session.flush()
    record(actor, "wave.proposed", "wave", wave.id, {
        "kind": kind, "parks": park_ids, "commitment": commitment, "seed": seed, "replans": wave.replans_id,
        "meetings": [[m["park_id"], m["date"], m["members"]] for m in plan["meetings"]],
        "unplaced": [u["park_id"] for u in plan["unplaced"]]})
    return wave


def verify_wave(wave: Wave) -> list[str]:
    """Re-derive the commitment and the seed and re-run the planner on the stored inputs: what differs."""
    return wave_problems(wave.inputs, wave.commitment, wave.server_entropy, wave.seed, wave.plan)


def wave_bundle(actor: Actor, wave_id: int) -> str:
    """The wave's audit bundle (the Office's: its inputs hold the whole pool as the planner saw it)."""
    if not actor.is_office:
        raise Forbidden(None, _l("Audit bundles are for the Office only."))
    wave = get_wave(actor, wave_id)
    return make_wave_bundle(wave_id=wave.id, kind=wave.kind, convened_by=wave.convened_by, inputs=wave.inputs,
                            commitment=wave.commitment, server_entropy=wave.server_entropy, seed=wave.seed,
                            plan=wave.plan, created_at=wave.created_at.isoformat(), created_by=wave.created_by)


def replan(actor: Actor, wave_id: int, data: Mapping[str, Any]) -> Wave:
    """A new proposal: the meetings still valid and not moved, released or with locked members are kept as
    they are; the rest (stale, moved to another allowed day, released, unplaced) is planned again, a park's
    locked members staying on its panel. The old proposal is discarded."""
    wave = get_wave(actor, wave_id, lock=True)
    ensure_proposed(wave)
    moves = {int(k): v for k, v in (data.get("moves") or {}).items()}
    locks = {int(k): sorted(set(v)) for k, v in (data.get("locks") or {}).items()}
    release = set(data.get("release") or []) | set(locks)
    request = wave.request
    park_ids = request["park_ids"]
    outside = sorted((set(moves) | release) - set(park_ids))
    if outside:
        raise InvalidInput("invalid_moves", _l("Not parks of this wave: {ids}.").format(
            ids=", ".join(map(str, outside))), {"moves": [_l("Not a park of this wave.")]})
    members = {int(m["park_id"]): {int(e) for e in m["members"]} for m in wave.plan["meetings"]}
    strangers = {str(pid): [_l("Only members of the park's planned panel can be locked.")]
                 for pid, ids in locks.items() if not set(ids) <= members.get(pid, set())}
    if strangers:
        raise InvalidInput("invalid_locks", _l("Only members of a park's planned panel can be locked."),
                           {"locks": strangers})
    stale = {c["park_id"] for c in stale_members(actor, wave)}
    kept = [[m["park_id"], m["date"], m["members"], m["chair"]] for m in wave.plan["meetings"]
            if int(m["park_id"]) not in moves and int(m["park_id"]) not in release and int(m["park_id"]) not in stale]
    days = {int(k): [date.fromisoformat(d) for d in v] for k, v in request.get("days", {}).items()}
    days.update({pid: [day] for pid, day in moves.items()})
    new = propose(actor, {**request, "from": date.fromisoformat(request["from"]),
                          "to": date.fromisoformat(request["to"]), "days": days}, kept=kept, replans=wave,
                  locks=locks)
    wave.status = "discarded"
    record(actor, "wave.replanned", "wave", wave.id, {"by": new.id, "moves": {str(k): v.isoformat() for k, v
                                                                           in moves.items()},
                                                      "release": sorted(release), "stale": sorted(stale),
                                                      "locks": {str(k): v for k, v in locks.items()}})
    return new


def ensure_proposed(wave: Wave) -> None:
    if wave.status != "proposed":
        raise Conflict("wave_not_proposed", _l("This wave is no longer a proposal (it was {status}).").format(
            status=_l("committed") if wave.status == "committed" else _l("discarded")))
