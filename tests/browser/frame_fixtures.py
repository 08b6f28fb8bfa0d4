"""A live server for the frame's journeys: one account per role, parks with work due, a small pool.

Separate from ``conftest.live_server`` (the pool's journeys) so each team seeds what its pages need.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.browser.serving import serving
from tests.conftest import make_app, upgrade

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORDS = {"office": "office-password-1", "province": "jiangsu-password-1", "park": "park-password-1",
             "expert": "expert-password-1"}
EMAILS = {"office": "office@frame.test", "province": "jiangsu@frame.test", "park": "park@frame.test",
          "expert": "expert@frame.test"}


class FrameServer:
    def __init__(self, url: str, app, park_id: int):
        self.url, self.app, self.park_id = url, app, park_id

    def has_page(self, path: str) -> bool:
        """Whether this build serves ``path`` (the park pages are another team's and may not be merged yet)."""
        from werkzeug.exceptions import HTTPException

        try:
            self.app.url_map.bind("localhost").match(path, method="GET")
        except HTTPException:
            return False
        return True


@pytest.fixture(scope="session", name="frame_server")
def frame_server_fixture(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('frame') / 'frame.db'}", tmp_path_factory,
                   WTF_CSRF_ENABLED=True, CLOCK=lambda: NOW)
    upgrade(app)
    with app.app_context():
        park_id = _seed()
    ARTIFACTS.mkdir(exist_ok=True)
    with serving(app) as url:
        yield FrameServer(url, app, park_id)


def _seed() -> int:
    from ecopanel.auth.services import create_user
    from expert_pool.models import Organization
    from expert_pool.services import create_expert
    from ground.actor import SYSTEM
    from ground.extensions import db
    from scheduling.deadlines import refresh_proposals, sync_deadlines
    from scheduling.models import Park
    from tests.conftest import valid_id_number

    university = Organization(name="南京大学环境学院", type="university", province="32")
    db.session.add(university)
    db.session.flush()
    specialties = [["eia", "circular_economy"], ["low_carbon"], ["park_planning", "eia"], ["water_pollution"],
                   ["industrial_symbiosis"], ["cleaner_production", "low_carbon"]]
    provinces = ["32", "32", "44", "11", "54", "65"]
    experts = [create_expert(SYSTEM, {
        "name": f"专家{i + 1:02d}号", "gender": "M", "birth_year": 1970,
        "id_number": valid_id_number(provinces[i], date(1970, 1, 1 + i), True, 700 + i),
        "mobile": f"1381234{i:04d}", "email": f"frame{i}@example.com", "organization_id": university.id,
        "title_rank": "senior", "specialties": specialties[i], "province": provinces[i], "recommended_by": "MEE",
        "status": "active", "term_start": date(2023, 1, 1), "term_end": date(2026, 12, 31) if i == 0 else
        date(2029, 12, 31)}, date(2026, 11, 24)) for i in range(len(specialties))]
    parks = []
    for name, province, city, state, facts in (
            ("苏州工业园区", "32", "苏州", "under_construction", {"approved_on": date(2024, 3, 15)}),
            ("无锡高新技术产业开发区", "32", "无锡", "named", {"approved_on": date(2019, 5, 6),
                                                              "named_on": date(2022, 1, 10)}),
            ("南京江宁经济技术开发区", "32", "南京", "applied", {"applied_on": date(2026, 10, 9)}),
            ("广州经济技术开发区", "44", "广州", "under_construction", {"approved_on": date(2024, 12, 1)})):
        agency = Organization(name=f"{name}管理委员会", type="park_agency", province=province)
        db.session.add(agency)
        db.session.flush()
        park = Park(name=name, province=province, city=city, management_agency=agency, state=state,
                    created_at=NOW, last_transition_on=date(2026, 10, 9), **facts)
        db.session.add(park)
        db.session.flush()
        sync_deadlines(park, date(2026, 11, 24), NOW)
        refresh_proposals(park, date(2026, 11, 24))
        parks.append(park)
    create_user(SYSTEM, EMAILS["office"], "office", password=PASSWORDS["office"])
    create_user(SYSTEM, EMAILS["province"], "province", province="32", password=PASSWORDS["province"])
    create_user(SYSTEM, EMAILS["park"], "park", park_id=parks[0].id, password=PASSWORDS["park"])
    create_user(SYSTEM, EMAILS["expert"], "expert", expert_id=experts[0].id, password=PASSWORDS["expert"])
    db.session.commit()
    return parks[0].id


def sign_in(page, base: str, role: str, lang: str = "zh") -> None:
    page.goto(f"{base}/login?lang={lang}")
    page.fill("input[name=email]", EMAILS[role])
    page.fill("input[name=password]", PASSWORDS[role])
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def shot(page, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(ARTIFACTS / f"frame-{name}.png"), full_page=full_page)


def page_overflow(page) -> int:
    """How far the page scrolls sideways (0: nothing sticks out)."""
    page.wait_for_load_state("load")  # measured once the stylesheets apply (tests/browser/layout.py)
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
