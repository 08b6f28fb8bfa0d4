"""``/panels/<id>/meeting``: the meeting's page for its convening authority and the Office.

Each form goes through the API's own schema (:mod:`panels.outcomes.schemas`) and the same service as the API; a
refusal or bad input rolls back and shows the page again with the message by the form (4xx, never a 500); a
success redirects back to the page (post/redirect/get) with a note of what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, render_template, request, url_for

from ground import clock
from ground.clock import shanghai_date
from ground.guard import current_actor
from ground.i18n import Msg, _l
from ground.refusals import refusals_on_record
from panels.outcomes import schemas
from panels.outcomes.conclude import conclude_panel
from panels.outcomes.meeting import record_attendance, update_meeting
from panels.outcomes.page_view import meeting_context
from panels.services import get_panel
from scheduling.pages.common import Failure, answered, form_input

bp = Blueprint("meeting_pages", __name__, root_path=str(Path(__file__).resolve().parent),
               template_folder="templates", static_folder="static", static_url_path="/static/meeting")


def _show(panel_id: int, failure: Failure | None = None, status: int = 200):
    panel = get_panel(current_actor(), panel_id, purpose="meeting")
    today = shanghai_date(clock.now())
    return render_template("outcomes/meeting.html", **meeting_context(panel, today, failure)), status


@bp.route("/panels/<int:panel_id>/meeting")
def meeting(panel_id: int):
    """The meeting: record, attendance and quorum, documents, the conclusion that moves the park."""
    return _show(panel_id)


def _answer(panel_id: int, form: str, purpose: str, load: Callable[[], tuple[dict[str, Any], dict[str, Any]]],
            act: Callable[[Any, Any, dict[str, Any], Any], Any], done: Msg, anchor: str):
    actor, now = current_actor(), clock.now()
    panel = get_panel(actor, panel_id, purpose=purpose)
    data, typed = load()

    def run():
        with refusals_on_record(actor):
            return act(actor, panel, data, now)

    return answered(form, typed, run, lambda failure, status: _show(panel_id, failure, status), lambda _: done,
                    url_for("meeting_pages.meeting", panel_id=panel_id, _anchor=anchor))


RECORD_FIELDS = ("place", "video_link", "start_time", "chair_expert_id", "opinion")


def _record_input() -> tuple[dict[str, Any], dict[str, Any]]:
    data, typed = form_input(RECORD_FIELDS)
    findings = {}
    for key in request.form.getlist("checklist_item"):
        finding = request.form.get(f"finding_{key}", "")
        note = request.form.get(f"note_{key}", "")
        typed[f"finding_{key}"], typed[f"note_{key}"] = finding, note
        if finding:
            findings[key] = {"finding": finding, "note": note}
    if findings:
        data["checklist"] = findings
    items, maxes, scores = (request.form.getlist(n) for n in ("score_item", "score_max", "score_value"))
    if items:
        rows = []
        for i, (item, weight, score) in enumerate(zip(items, maxes, scores, strict=False)):
            typed[f"score_value_{i}"] = score
            rows.append({"item": item, "max": int(weight) if weight.strip().isdigit() else weight,
                         "score": score.strip() or None})
        data["score_sheet"] = rows
    return data, typed


def _attendance_input() -> tuple[dict[str, Any], dict[str, Any]]:
    entries, typed = [], {}
    for expert_id in request.form.getlist("expert_id"):
        status = request.form.get(f"status_{expert_id}", "")
        typed[f"status_{expert_id}"] = status
        if not status:
            continue
        entry: dict[str, Any] = {"expert_id": expert_id, "status": status}
        for name in ("signed_in_at", "left_at", "note"):
            value = request.form.get(f"{name}_{expert_id}", "")
            typed[f"{name}_{expert_id}"] = value
            if value.strip():
                entry[name] = value
        entries.append(entry)
    return {"entries": entries}, typed


@bp.route("/panels/<int:panel_id>/meeting/record", methods=["POST"])
def save_record(panel_id: int):
    def act(actor, panel, data, now):
        update_meeting(actor, panel, schemas.MeetingWriteSchema().load(data), now)
    return _answer(panel_id, "record", "meeting_record", _record_input, act,
                   _l("The meeting record is saved."), "record")


@bp.route("/panels/<int:panel_id>/meeting/attendance", methods=["POST"])
def save_attendance(panel_id: int):
    def act(actor, panel, data, now):
        record_attendance(actor, panel, schemas.AttendanceWriteSchema().load(data)["entries"], now)
    return _answer(panel_id, "attendance", "attendance", _attendance_input, act,
                   _l("Attendance is recorded."), "attendance")


@bp.route("/panels/<int:panel_id>/meeting/conclusion", methods=["POST"])
def conclude(panel_id: int):
    def act(actor, panel, data, now):
        conclude_panel(actor, panel, dict(schemas.ConclusionWriteSchema().load(data)), now)
    return _answer(panel_id, "conclusion", "conclude",
                   lambda: form_input(("conclusion", "reasons", "date", "excellent")), act,
                   _l("The panel's conclusion is recorded and the park's matching step is taken."), "conclusion")


