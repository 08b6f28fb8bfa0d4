"""Everything the park's page shows, read through the same services as the API, in the reader's words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ground.actor import Actor, Role
from ground.i18n import _l, _ln, bilingual
from scheduling import materials, policy, reports, services
from scheduling.models import MATERIAL_KINDS, NOTICES
from scheduling.pages.actions_view import action_forms, change_subjects, open_proposals
from scheduling.pages.common import Failure, day, join, province_name, say
from scheduling.pages.entries import timeline_entries
from scheduling.pages.next_steps import next_steps
from scheduling.pages.picture import FONT, draw
from scheduling.pages.sections import panel_section
from scheduling.rules.lifecycle import PHASE_OF, Phase, State
from scheduling.wording import (
    CHANGE_SUBJECT_NAMES,
    NOTICE_NAMES,
    PARK_TYPE_NAMES,
    PROGRAMME_NAMES,
    PROPOSAL_STATUS_NAMES,
    REPORT_STATUS_NAMES,
    material_kind_name,
    named,
    phase_name,
    reason_name,
    state_name,
)

MATERIALS_SHOWN = 100


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def _materials(items) -> list[dict[str, Any]]:
    return [{"id": m.id, "kind": say(material_kind_name(m.kind)), "title": m.title, "filename": m.filename,
             "size": _size(m.size_bytes), "by": m.uploaded_by_label, "on": m.uploaded_at.date().isoformat(),
             "year": m.year, "covers": f"{day(m.covers_from)} – {day(m.covers_to)}" if m.covers_from else ""}
            for m in items]


def _reports(rows) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        compliant = (None if r["compliant"] is None else
                     say(_l("compliant")) if r["compliant"] else say(_l("not compliant")))
        late = say(_ln(
            "{days_late} day late",
            "{days_late} days late",
            r['days_late'], days_late=r['days_late'])) if r["late"] else ""
        out.append({**r, "status_name": say(named(REPORT_STATUS_NAMES, r["status"])), "compliant_name": compliant,
                    "late_text": late})
    return out


def _may_submit_report(actor: Actor, park_id: int) -> bool:
    return actor.is_office or (actor.role == Role.PARK and actor.park_id == park_id)


def park_context(actor: Actor, park_id: int, now: datetime, failure: Failure | None = None) -> dict[str, Any]:
    tl = services.timeline(actor, park_id, now)
    park = services.get_park(actor, park_id)
    state = State(park.state)
    phase = PHASE_OF[state]
    items, total_materials = materials.list_materials(actor, park_id, None, 1, MATERIALS_SHOWN)
    forms, blocked = action_forms(tl["options"], park, items)
    entries = timeline_entries(tl)
    reporting = phase in (Phase.CREATION, Phase.NAMED)
    report_rows = _reports(reports.report_rows(actor, park_id, now)[::-1])
    may_review = policy.may_review_annual_report(actor, park.province)
    submitted = {r["year"] for r in report_rows if r.get("submitted_on")}
    in_notice = {"public_notice": state is State.IN_PUBLIC_NOTICE, "naming_notice": state is State.IN_NAMING_NOTICE}
    return {
        "park": park, "today": tl["today"].isoformat(), "failure": failure,
        "facts": {
            "state": say(state_name(state)), "phase": say(phase_name(phase)), "phase_code": phase.value,
            "province": province_name(park.province), "programme": say(named(PROGRAMME_NAMES, park.programme)),
            "park_type": say(named(PARK_TYPE_NAMES, park.park_type)), "agency": park.management_agency.name,
            "planner": park.planning_institution.name if park.planning_institution else "",
            "may_use_title": state is State.NAMED, "cycle": park.cycle,
            "industries": "、".join(park.leading_industries or []),
        },
        "picture": draw(entries, tl["today"], park.name), "entries": entries, "font": FONT,
        "panels": panel_section(actor, park, tl["today"]),
        "forms": forms, "blocked": blocked, "next_steps": next_steps(tl["due"], forms, submitted),
        "is_park_user": actor.role == Role.PARK, "proposals_open": open_proposals(park),
        "subjects": change_subjects(),
        "materials": _materials(items), "materials_total": total_materials,
        "material_choices": [(m.id, f"{say(material_kind_name(m.kind))} · {m.title} · {m.uploaded_at.date()}")
                             for m in items],
        "material_kinds": [(k, say(material_kind_name(k))) for k in MATERIAL_KINDS],
        "may_upload": policy.may_upload_material(actor, park.province, park.id),
        "reports": report_rows, "reporting": reporting,
        "may_submit_report": reporting and _may_submit_report(actor, park.id),
        "report_materials": [(m.id, f"{m.year or ''} · {m.title} · {m.uploaded_at.date()}")
                             for m in items if m.kind == "annual_report"],
        "may_review_report": may_review,
        "changes": [{"changed_on": day(c.changed_on), "reported_on": day(c.reported_on) if c.reported_on else "",
                     "subjects": join(say(named(CHANGE_SUBJECT_NAMES, s)) for s in c.subjects or []),
                     "description": c.description, "by": c.recorded_by_label, "cycle": c.cycle}
                    for c in park.major_changes],
        "may_record_change": reporting and (actor.is_office or (actor.role == Role.PROVINCE
                                                                and actor.province == park.province)),
        "objections": [{"id": o.id, "notice": say(named(NOTICE_NAMES, o.notice)), "received_on": day(o.received_on),
                        "summary": o.summary, "resolved_on": day(o.resolved_on) if o.resolved_on else "",
                        "upheld": o.upheld, "finding": o.finding} for o in park.objections],
        "may_record_objection": policy.may_record_objection(actor, park.province),
        "notices_open": [(n, say(NOTICE_NAMES[n])) for n in NOTICES if in_notice[n]],
        "proposals": [{"id": p.id, "reason": say(reason_name("warn", p.reason)),
                       "message": say(bilingual(p.message_zh, p.message_en)), "proposed_on": day(p.proposed_on),
                       "status": p.status, "status_name": say(named(PROPOSAL_STATUS_NAMES, p.status)),
                       "decided": f"{day(p.decided_on)} {p.decided_by_label or ''} {p.decision_comment}".strip()
                       if p.decided_on else "",
                       "may_decide": p.status == "open" and policy.may_decide_proposal(actor, park.province,
                                                                                      p.audience)}
                      for p in park.proposals],
    }
