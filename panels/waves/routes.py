"""HTTP API of waves: propose, read, re-plan, commit (``POST /waves`` in the public contract)."""

from __future__ import annotations

from flask import Response

from ground.api import Blueprint
from ground.guard import current_actor
from ground.refusals import refusals_on_record
from ground.uow import retrying
from panels.waves import commit, schemas, services
from panels.waves.present import present_wave

blp = Blueprint("waves", __name__, url_prefix="/api/v1",
                description="Waves: many parks' meetings planned together, dates and drawn panels (issue 15)")


@blp.route("/waves", methods=["POST"])
@blp.arguments(schemas.WaveCreateSchema)
@blp.response(201, schemas.WaveSchema)
def create_wave(data):
    """Plan a wave: each park a working day and a panel drawn at random (a proposal: nothing is booked)"""
    actor = current_actor()
    with refusals_on_record(actor):
        wave = retrying(lambda: services.propose(actor, data), what="wave proposal")
    return present_wave(actor, wave)


@blp.route("/waves/<int:wave_id>")
@blp.response(200, schemas.WaveSchema)
def read_wave(wave_id):
    """A wave: its meetings, unplaced parks with why, fairness (the Office), the panels once committed"""
    actor = current_actor()
    return present_wave(actor, services.get_wave(actor, wave_id)), 200, {"Cache-Control": "no-store"}


@blp.route("/waves/<int:wave_id>/replan", methods=["POST"])
@blp.arguments(schemas.WaveReplanSchema)
@blp.response(201, schemas.WaveSchema)
def replan_wave(data, wave_id):
    """Re-plan: keep the meetings still valid, move or redraw the others (a new proposal)"""
    actor = current_actor()
    with refusals_on_record(actor):
        wave = retrying(lambda: services.replan(actor, wave_id, data), what="wave re-plan")
    return present_wave(actor, wave)


@blp.route("/waves/<int:wave_id>/commit", methods=["POST"])
@blp.response(200, schemas.WaveSchema)
@blp.alt_response(409, description="The plan went stale (conflicts named) or is no longer a proposal")
def commit_wave(wave_id):
    """Commit: every meeting becomes a panel, booked and invited, in one transaction (or nothing is stored)"""
    actor = current_actor()
    with refusals_on_record(actor):
        wave = retrying(lambda: commit.commit_wave(actor, wave_id), what="wave commit")
    return present_wave(actor, wave)


@blp.route("/waves/<int:wave_id>/bundle")
@blp.response(200, description="The wave's audit bundle (canonical JSON); verify with `ecopanel draws verify`")
def wave_bundle(wave_id):
    """The wave's audit bundle: committed inputs, entropy, seed and the plan drawn (Office only)"""
    body = services.wave_bundle(current_actor(), wave_id)
    return Response(body, mimetype="application/json", headers={"Cache-Control": "no-store"})
