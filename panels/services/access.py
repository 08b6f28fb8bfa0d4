"""Who may convene, see and manage a panel: the one rule (:mod:`panels.rules.authority`) applied to an
:class:`~ground.actor.Actor`, and a panel loaded only for a caller in its remit."""

from __future__ import annotations

from ground.actor import Actor, Role
from ground.audit import record
from ground.errors import Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import _l
from panels.models import Panel
from panels.rules.authority import convener_for, in_remit
from scheduling import policy as park_policy
from scheduling.models import Park

FORBIDDEN = _l("You are not allowed to do this.")


def _province(actor: Actor) -> str | None:
    return actor.province if actor.role == Role.PROVINCE else None


UNKNOWN_PARK = _l("Unknown park.")


def park_for_panel(actor: Actor, park_id: int) -> Park:
    """The park a panel is asked for. A park the caller may not see is unknown to it, exactly as a missing id
    (not "you may not convene here"), so parks cannot be probed through panel requests."""
    park = db.session.get(Park, park_id)
    if park is None or not park_policy.may_see_park(actor, park.province, park.id):
        raise InvalidInput("unknown_park", UNKNOWN_PARK, {"park_id": [UNKNOWN_PARK]})
    return park


def convening_authority(actor: Actor, kind: str, park: Park) -> str:
    """'office' or the province code that convenes; refuses callers outside their remit."""
    convener = convener_for(is_office=actor.is_office, province=_province(actor), kind=kind,
                            park_province=park.province)
    if convener is None:
        raise Forbidden(None, _l("Only the Office or the park's province may convene this kind of panel."))
    return convener


def in_panel_remit(actor: Actor, panel: Panel) -> bool:
    """The Office and the convening province see a panel's confidential membership and manage its seats."""
    return in_remit(is_office=actor.is_office, province=_province(actor), convened_by=panel.convened_by)


def get_panel(actor: Actor, panel_id: int, *, purpose: str = "view") -> Panel:
    """The panel, for a caller in its remit. To anyone else a panel they may not see does not exist: the
    same 404 as for a missing id, so confidential panels cannot be counted or probed by id."""
    panel = db.session.get(Panel, panel_id)
    if panel is None or not in_panel_remit(actor, panel):
        raise not_found(_l("Panel"), panel_id)
    record(actor, f"panel.{purpose}", "panel", panel.id, {})  # every look at a confidential panel
    return panel
