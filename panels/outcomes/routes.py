"""HTTP API of a panel's meeting: the record, attendance, the conclusion that moves the park."""

from __future__ import annotations

from flask.views import MethodView

from ground import clock
from ground.api import Blueprint
from ground.guard import current_actor
from ground.refusals import refusals_on_record
from ground.uow import retrying
from panels.outcomes import schemas
from panels.outcomes.conclude import conclude_panel
from panels.outcomes.meeting import record_attendance, update_meeting
from panels.outcomes.present import present_meeting
from panels.services import get_panel

blp = Blueprint("outcomes", __name__, url_prefix="/api/v1",
                description="A panel's meeting: record, attendance, and the conclusion that moves the park")


@blp.route("/panels/<int:panel_id>/meeting")
class Meeting(MethodView):
    @blp.response(200, schemas.MeetingSchema)
    def get(self, panel_id):
        """The meeting record: place, start, chair, attendance and quorum, documents, the conclusion"""
        return present_meeting(get_panel(current_actor(), panel_id, purpose="meeting")), 200, {
            "Cache-Control": "no-store"}

    @blp.arguments(schemas.MeetingWriteSchema)
    @blp.response(200, schemas.MeetingSchema)
    def put(self, data, panel_id):
        """Write the given parts of the record (frozen once the panel concluded)"""
        actor, now = current_actor(), clock.now()
        panel = get_panel(actor, panel_id, purpose="meeting_record")
        return present_meeting(panel, update_meeting(actor, panel, data, now))


@blp.route("/panels/<int:panel_id>/meeting/attendance", methods=["POST"])
@blp.arguments(schemas.AttendanceWriteSchema)
@blp.response(200, schemas.MeetingSchema)
def attendance(data, panel_id):
    """Record members' attendance (present, absent, left early with the time), on or after the meeting day"""
    actor, now = current_actor(), clock.now()
    panel = get_panel(actor, panel_id, purpose="attendance")
    return present_meeting(panel, record_attendance(actor, panel, data["entries"], now))


@blp.route("/panels/<int:panel_id>/meeting/conclusion", methods=["POST"])
@blp.arguments(schemas.ConclusionWriteSchema)
@blp.response(201, schemas.MeetingSchema)
def conclusion(data, panel_id):
    """The panel concludes (pass, pass after rectification, fail): takes the park's matching lifecycle action
    or proposes the decision to the people who take it; 409 below quorum, before the meeting, or twice"""
    actor, now = current_actor(), clock.now()

    def work():
        panel = get_panel(actor, panel_id, purpose="conclude")
        return present_meeting(panel, conclude_panel(actor, panel, dict(data), now))

    with refusals_on_record(actor):
        return retrying(work, what="panel conclusion")
