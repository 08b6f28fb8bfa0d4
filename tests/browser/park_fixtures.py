"""A live server of its own for the park pages' browser tests: parks at chosen stages, one user per role, and a
clock the tests move (the server reads ``CLOCK`` per request; nothing sleeps).

Its own database and server, so the park journeys never disturb the pool's (``conftest.live_server``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import pytest

from tests.browser.serving import serving
from tests.conftest import make_app, upgrade

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
START = date(2026, 3, 2)  # a Monday: the public notice of 5 working days ends on Friday 6 March
PASSWORDS = {"office": "office-parks-1", "province": "jiangsu-parks-1", "park": "park-parks-1",
             "stale": "park-stale-1", "rich": "park-rich-1"}


@dataclass
class MovableClock:
    day: date = START

    def __call__(self) -> datetime:
        from ground.clock import SHANGHAI

        return datetime.combine(self.day, time(10), SHANGHAI).astimezone(UTC)


@dataclass
class ParkServer:
    url: str
    app: object
    clock: MovableClock
    parks: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)


def _actors(park_id: int):
    from ground.actor import Actor, Role

    return {"park": Actor(user_id=None, label="园区管委会", role=Role.PARK, park_id=park_id),
            "province": Actor(user_id=None, label="江苏省生态环境厅", role=Role.PROVINCE, province="32"),
            "office": Actor(user_id=None, label="办公室", role=Role.OFFICE, is_admin=False)}


def _application_materials(park_id: int, on: date, now: datetime) -> list[int]:
    from scheduling.materials import upload_material

    actor = _actors(park_id)["park"]
    ids = []
    for kind, name in (("application_letter", "创建申请.pdf"), ("construction_plan", "建设规划.pdf"),
                       ("planning_eia", "规划环评.pdf")):
        ids.append(upload_material(actor, park_id, PDF, name, {"kind": kind}, now).id)
    ids.append(upload_material(actor, park_id, PDF, "守法承诺.pdf", {
        "kind": "compliance_commitment", "covers_from": date(on.year - 3, 1, 1), "covers_to": on}, now).id)
    return ids


def _park(name: str, agency_name: str):
    from expert_pool.models import Organization
    from ground.extensions import db
    from scheduling.services import create_park

    agency = Organization(name=agency_name, type="park_agency", province="32")
    db.session.add(agency)
    db.session.flush()
    return create_park(_actors(0)["office"], {
        "name": name, "province": "32", "city": "苏州", "programme": "national", "park_type": "national_etdz",
        "management_agency_id": agency.id, "leading_industries": ["电子信息", "装备制造"]},
        MovableClock(date(2025, 12, 1))())


def _drive(park_id: int, steps: list[tuple[str, str, date, dict]]) -> None:
    from scheduling.rules.lifecycle import PANEL_DECIDED
    from scheduling.services import transition_park

    actors = _actors(park_id)
    for who, action, on, extra in steps:
        if action in PANEL_DECIDED:
            # This history has no drawn panels: the Office's audited override stands in for the panel's
            # conclusion (tests/panels/test_conclusions.py takes these steps by real panels).
            who, extra = "office", {**extra, "panel_override_reason": "历史档案：评审组结论在系统外记录"}
        transition_park(actors[who], park_id, {"action": action, "date": on, **extra}, MovableClock(on)())


def _rich_park() -> int:
    """A park with some history: approved in 2023, a reported major change, an annual report, an extension."""
    from ground.extensions import db
    from scheduling.materials import upload_material
    from scheduling.reports import forward_report, review_report, submit_report

    park = _park("金鸡湖生态工业园区", "金鸡湖园区管理委员会")
    applied = date(2022, 11, 1)
    docs = _application_materials(park.id, applied, MovableClock(applied)())
    _drive(park.id, [
        ("park", "submit_application", applied, {"documents": docs, "comment": "报送创建申请及建设规划等材料"}),
        ("province", "start_provincial_review", date(2022, 11, 8), {}),
        ("province", "pass_plan_argumentation", date(2022, 12, 20), {"comment": "建设规划通过专家论证"}),
        ("province", "publish_public_notice", date(2023, 1, 9), {}),
        ("province", "approve_construction", date(2023, 2, 1), {"comment": "公示期满，同意开展创建"}),
        ("park", "report_major_change", date(2024, 5, 10),
         {"changed_on": date(2024, 3, 1), "subjects": ["scope"], "description": "规划范围向东扩展 3 平方公里"}),
        ("province", "argue_major_change", date(2024, 7, 2), {}),
    ])
    actors = _actors(park.id)
    report = upload_material(actors["park"], park.id, PDF, "2024年度报告.pdf", {"kind": "annual_report", "year": 2024},
                             MovableClock(date(2025, 3, 1))())
    submit_report(actors["park"], park.id, {"year": 2024, "material_id": report.id,
                                           "submitted_on": date(2025, 3, 1)}, MovableClock(date(2025, 3, 1))())
    review_report(actors["province"], park.id, 2024, {"compliant": True, "reviewed_on": date(2025, 4, 2)},
                  MovableClock(date(2025, 4, 2))())
    forward_report(actors["province"], park.id, 2024, {"forwarded_on": date(2025, 4, 20)},
                   MovableClock(date(2025, 4, 20))())
    db.session.flush()
    return park.id


def _seed(server: ParkServer) -> None:
    from ecopanel.auth.services import create_user
    from ground.actor import SYSTEM
    from ground.extensions import db

    journey = _park("浏览器测试生态园区", "浏览器测试园区管理委员会")
    stale = _park("异议测试生态园区", "异议测试园区管理委员会")
    _application_materials(journey.id, START, MovableClock(date(2026, 2, 20))())
    docs = _application_materials(stale.id, date(2026, 2, 26), MovableClock(date(2026, 2, 26))())
    _drive(stale.id, [("park", "submit_application", date(2026, 2, 26), {"documents": docs}),
                      ("province", "start_provincial_review", date(2026, 2, 27), {})])
    rich = _rich_park()
    server.parks = {"journey": journey.id, "stale": stale.id, "rich": rich}
    server.emails = {"office": "office-parks@example.com", "province": "jiangsu-parks@example.com",
                     "park": "park-journey@example.com", "stale": "park-stale@example.com",
                     "rich": "park-rich@example.com"}
    create_user(SYSTEM, server.emails["office"], "office", password=PASSWORDS["office"])
    create_user(SYSTEM, server.emails["province"], "province", province="32", password=PASSWORDS["province"])
    create_user(SYSTEM, server.emails["park"], "park", park_id=journey.id, password=PASSWORDS["park"])
    create_user(SYSTEM, server.emails["stale"], "park", park_id=stale.id, password=PASSWORDS["stale"])
    create_user(SYSTEM, server.emails["rich"], "park", park_id=rich, password=PASSWORDS["rich"])
    db.session.commit()


@pytest.fixture(scope="session")
def park_server(tmp_path_factory):
    clock = MovableClock()
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('parks') / 'parks.db'}", tmp_path_factory,
                   WTF_CSRF_ENABLED=True, CLOCK=clock)
    upgrade(app)
    server = ParkServer("", app, clock)
    with app.app_context():
        _seed(server)
    with serving(app) as server.url:
        yield server


def sign_in(page, server: ParkServer, who: str, next_path: str, lang: str = "zh") -> None:
    """Sign in through the form and land on ``next_path`` (the language is remembered for the session)."""
    page.goto(f"{server.url}/login?lang={lang}&next={next_path}")
    page.fill("input[name=email]", server.emails[who])
    page.fill("input[name=password]", PASSWORDS[who])
    page.click("form button[type=submit]")
    page.wait_for_url(f"{server.url}{next_path}")
