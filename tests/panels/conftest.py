"""A small realistic pool and a park to draw panels for."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from expert_pool.models import Organization
from ground.actor import SYSTEM
from ground.clock import wall_now
from tests.conftest import valid_id_number
from tests.notifications.conftest import smtp  # noqa: F401 - the mail server fixture, for the seats' tests

SPECIALTY_CYCLE = [
    ["park_planning", "eia"], ["circular_economy", "industrial_symbiosis"], ["cleaner_production", "env_monitoring"],
    ["env_management", "low_carbon"], ["eia", "circular_economy"], ["industrial_symbiosis", "env_management"],
]
PROVINCES = ["11", "32", "33", "44", "37", "42", "51", "61", "21", "35"]


#: The suite's "now" for draws and invitations starts here, so meetings dated in 2027 stay in the future
#: whatever day the suite runs on (the app reads ``CLOCK``; see ground/clock.py). It keeps ticking, so
#: events still follow each other in time.
PINNED_START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock(request, monkeypatch):
    if "app" in request.fixturenames:  # pure solver tests need no app
        offset = PINNED_START - wall_now()
        monkeypatch.setitem(request.getfixturevalue("app").config, "CLOCK", lambda: wall_now() + offset)


@pytest.fixture
def park_state():
    """The lifecycle state the ``park`` fixture is driven to; a test or module overrides it (parametrize or a
    fixture of the same name). This one calls for the acceptance meeting most tests draw."""
    return "verification_passed"


@pytest.fixture
def park(db, park_state):
    from scheduling.models import Park

    agency = Organization(name="苏州工业园区管理委员会", type="park_agency", province="32")
    planner = Organization(name="苏州绿源环境咨询有限公司", type="third_party", province="32")
    firm = Organization(name="苏州某化工有限公司", type="enterprise", province="32")
    db.session.add_all([agency, planner, firm])
    db.session.flush()
    park = Park(name="苏州工业园区", province="32", city="苏州", management_agency=agency,
                planning_institution=planner, state="new")
    park.enterprises = [firm]
    db.session.add(park)
    db.session.commit()
    drive(park, park_state)
    return park


@pytest.fixture
def pool(db, park):
    """80 active experts over 10 provinces, each in an organisation of their own."""
    from expert_pool.services import create_expert

    experts = []
    for i in range(80):
        province = PROVINCES[i % len(PROVINCES)]
        org = Organization(name=f"池单位{i}", type="university", province=province)
        db.session.add(org)
        db.session.flush()
        birth = date(1965 + i % 20, 1 + i % 12, 1 + i % 27)
        experts.append(create_expert(SYSTEM, {
            "name": f"池专家{i}", "gender": "M", "birth_year": birth.year,
            "id_number": valid_id_number(province, birth, True, 3000 + i), "mobile": f"1381000{i:04d}",
            "email": f"pool{i}@example.cn", "organization_id": org.id,
            "title_rank": "senior" if i % 2 == 0 else "deputy_senior", "specialties": SPECIALTY_CYCLE[i % 6],
            "province": province, "recommended_by": "MEE", "status": "active",
            "term_start": date(2024, 1, 1), "term_end": date(2029, 12, 31),
        }, date(2026, 11, 24)))
    db.session.commit()
    return experts


MEETING = "2027-03-10"

# The real lifecycle, step by step: (action, who takes it, day). A park reaches a state by these steps only,
# so the panels it may draw are the ones that state calls for (scheduling.rules.lifecycle.panel_calls).
LIFECYCLE_ROUTE = (  # (action, who takes it, day, the state it leads to)
    ("submit_application", "park", date(2023, 11, 1), "applied"),
    ("start_provincial_review", "province", date(2023, 11, 6), "under_provincial_review"),
    ("pass_plan_argumentation", "province", date(2023, 12, 4), "plan_argued"),
    ("publish_public_notice", "province", date(2024, 1, 8), "in_public_notice"),
    ("approve_construction", "province", date(2024, 3, 15), "under_construction"),
    ("apply_acceptance", "park", date(2026, 9, 1), "acceptance_applied"),
    ("forward_acceptance", "province", date(2026, 9, 15), "awaiting_verification"),
    ("start_verification", "office", date(2026, 10, 8), "under_verification"),
    ("pass_verification", "office", date(2026, 10, 20), "verification_passed"),
)
_MATERIALS = {"submit_application": ("application_letter", "construction_plan", "planning_eia",
                                     "compliance_commitment"),
              "apply_acceptance": ("acceptance_application", "acceptance_report", "electronic_data")}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def drive(park, state: str) -> None:
    """Take ``park`` from where it stands to ``state`` along :data:`LIFECYCLE_ROUTE`, through the services."""
    from ground.actor import Actor, Role
    from ground.extensions import db
    from scheduling.materials import upload_material
    from scheduling.rules.lifecycle import PANEL_DECIDED
    from scheduling.services import transition_park
    from tests.scheduling.conftest import at

    office = Actor(user_id=None, label="office-test", role=Role.OFFICE, is_admin=True)
    actors = {"office": office, "park": Actor(user_id=None, label=f"park-{park.id}", role=Role.PARK, park_id=park.id),
              "province": Actor(user_id=None, label=f"province-{park.province}", role=Role.PROVINCE,
                                province=park.province)}
    reached = ["new", *(step[3] for step in LIFECYCLE_ROUTE)]
    for action, who, day, _ in LIFECYCLE_ROUTE[reached.index(park.state):reached.index(state)]:
        documents = []
        for kind in _MATERIALS.get(action, ()):
            meta = {"covers_from": date(day.year - 3, 1, 1), "covers_to": day} if kind == "compliance_commitment" \
                else {}
            documents.append(upload_material(office, park.id, PDF, f"{kind}.pdf", {"kind": kind, **meta}, at(day)).id)
        data = {"action": action, "date": day, "documents": documents}
        if action in PANEL_DECIDED:  # history before these tests' panels: the Office's audited override
            who, data["panel_override_reason"] = "office", "测试：此前的评审组结论（test: an earlier panel's conclusion）"
        transition_park(actors[who], park.id, data, at(day))
        db.session.commit()
    assert park.state == state, (park.state, state)


@pytest.fixture
def open_rules(db):
    """Rules without specialty quotas, so the first alternate can always take a declined seat (what the draw's
    own tests cover in depth is not under test here): one expert per organisation, not the park's province."""
    from panels.models import RuleSet

    db.session.add(RuleSet(name="invitation-tests", version=1, kind=None, is_default=False, created_by="test",
                           rules={"max_per_organization": 1, "own_province_cap": 0, "min_senior": 0,
                                  "chair_senior": False}))
    db.session.commit()
    return "invitation-tests"


@pytest.fixture
def drawn_panel(office_api, park, pool, open_rules):
    """A drawn acceptance meeting: 5 members and 2 ranked alternates."""
    response = office_api.post("/panels", json={
        "park_id": park.id, "kind": "acceptance_meeting", "meeting_date": MEETING, "size": 5, "alternates": 2,
        "rule_set": open_rules, "location": "北京市西城区 生态环境部第一会议室"})
    assert response.status_code == 201, response.json
    return response.json
