"""What a park holds, in words: materials, deadlines, reports, proposals, notices and the timeline's entries."""

from __future__ import annotations

from collections.abc import Mapping

from ground.i18n import Msg, _l, as_is

MATERIAL_KIND_NAMES: dict[str, Msg] = {
    "application_letter": _l("application letter"),
    "construction_plan": _l("construction plan"),
    "compliance_commitment": _l("3-year compliance commitment"),
    "planning_eia": _l("planning EIA and its review"),
    "acceptance_application": _l("acceptance application"),
    "acceptance_report": _l("acceptance report"),
    "electronic_data": _l("electronic data"),
    "annual_report": _l("annual report"),
    "rectification_report": _l("rectification report"),
    "major_change_report": _l("major change report"),
    "plan_revision": _l("plan revision"),
    "decision": _l("decision, notice or filing form"),
    "other": _l("other material"),
}

DEADLINE_NAMES: dict[str, Msg] = {
    "public_notice": _l("public notice ends"),
    "construction_period": _l("construction period ends"),
    "major_change_report": _l("major change report due"),
    "annual_report": _l("annual report due"),
    "verification_rectification": _l("verification rectification due"),
    "naming_notice": _l("naming notice ends"),
    "performance_evaluation": _l("performance evaluation due"),
    "warning_rectification": _l("warning rectification due"),
    "reapplication_ban": _l("re-application ban ends"),
}

#: Timeline entries other than transitions (whose name is their action's).
EVENT_NAMES: dict[str, Msg] = {
    "major_change": _l("major change"),
    "annual_report_submitted": _l("annual report submitted"),
    "annual_report_reviewed": _l("annual report reviewed"),
    "annual_report_forwarded": _l("annual report forwarded"),
    "objection": _l("objection received"),
    "warning_proposal": _l("warning proposal"),
    "panel_convened": _l("panel convened"),
    "panel_drawn": _l("experts drawn"),
    "panel_invitations_sent": _l("invitations sent"),
    "panel_meeting": _l("panel meeting"),
    "panel_cancelled": _l("panel meeting cancelled"),
}

NOTICE_NAMES: dict[str, Msg] = {
    "public_notice": _l("public notice (Art. 10)"),
    "naming_notice": _l("naming notice (Art. 19)"),
}

CHANGE_SUBJECT_NAMES: dict[str, Msg] = {
    "name": _l("name"),
    "management_agency": _l("management agency"),
    "scope": _l("scope"),
    "indicators": _l("indicators"),
    "key_projects": _l("key projects"),
}

PARK_TYPE_NAMES: dict[str, Msg] = {
    "national_etdz": _l("national ETDZ"),
    "national_htz": _l("national high-tech zone"),
    "provincial": _l("provincial development zone"),
    "other": _l("other park"),
}

PROGRAMME_NAMES: dict[str, Msg] = {
    "national": _l("national"),
    "provincial": _l("provincial (Art. 41)"),
}

REPORT_STATUS_NAMES: dict[str, Msg] = {
    "missing": _l("not submitted"),
    "submitted": _l("submitted, awaiting review"),
    "reviewed": _l("reviewed, awaiting forwarding"),
    "forwarded": _l("forwarded to the Office"),
}

PROPOSAL_STATUS_NAMES: dict[str, Msg] = {
    "open": _l("awaiting a decision"),
    "acted": _l("acted on"),
    "dismissed": _l("dismissed"),
}


def named(names: Mapping[str, Msg], code: str | None) -> Msg:
    """The name of ``code`` in ``names``; an unknown code (never expected) reads as itself, not as a crash."""
    if code is None:
        return _l("—")
    return names.get(code) or as_is(code)


def material_kind_name(kind: str) -> Msg:
    return named(MATERIAL_KIND_NAMES, kind)
