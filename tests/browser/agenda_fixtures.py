"""A live server for the staff's calendar of meetings: parks of Jiangsu (32) and Guangdong (44), panels of both
provinces and of the Office around the National Day holidays of 2026 (holidays 1-8 October, Saturday 10 October a
make-up workday), one account per role, and a clock set to Monday 12 October 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.browser.serving import serving
from tests.conftest import make_app, upgrade

NOW = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORDS = {"office": "office-agenda-1", "province": "jiangsu-agenda-1", "park": "park-agenda-1",
             "expert": "expert-agenda-1"}
EMAILS = {"office": "office@agenda.test", "province": "jiangsu@agenda.test", "park": "park@agenda.test",
          "expert": "expert@agenda.test"}
PARKS = (("苏州工业园区", "32"), ("无锡高新技术产业开发区", "32"), ("南京江宁经济技术开发区", "32"),
         ("常州滨江经济开发区", "32"), ("广州经济技术开发区", "44"), ("深圳坪山高新区", "44"))
#: (park index, convened by, kind, day, status): Jiangsu sees its own in full, the Office's on its parks only
#: after the day (park, kind, day), Guangdong's never.
PANELS = ((0, "32", "plan_argumentation", date(2026, 10, 14), "inviting"),
          (1, "office", "technical_verification", date(2026, 10, 20), "drawn"),
          (2, "office", "acceptance_meeting", date(2026, 10, 9), "confirmed"),
          (4, "44", "plan_argumentation", date(2026, 10, 14), "confirmed"),
          (3, "32", "recheck", date(2026, 10, 22), "cancelled"),
          (0, "32", "performance_evaluation", date(2026, 10, 27), "confirmed"),
          (5, "office", "technical_verification", date(2026, 10, 14), "inviting"),
          (5, "44", "change_argumentation", date(2026, 10, 28), "drawn"),
          (1, "32", "plan_revision", date(2026, 11, 5), "drawn"))


class AgendaServer:
    def __init__(self, url: str, app, panels: list[int]):
        self.url, self.app, self.panels = url, app, panels


@pytest.fixture(scope="session", name="agenda_server")
def agenda_server_fixture(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('agenda') / 'agenda.db'}", tmp_path_factory,
                   WTF_CSRF_ENABLED=True, CLOCK=lambda: NOW)
    upgrade(app)
    with app.app_context():
        panels = _seed()
    ARTIFACTS.mkdir(exist_ok=True)
    with serving(app, mailed_links=True) as url:
        yield AgendaServer(url, app, panels)


def _seed() -> list[int]:
    from sqlalchemy import select

    from ecopanel.auth.services import create_user
    from expert_pool.models import Organization
    from expert_pool.services import create_expert
    from ground.actor import SYSTEM
    from ground.extensions import db
    from panels.models import Panel, RuleSet
    from scheduling.models import Park
    from tests.conftest import valid_id_number

    parks = []
    for name, province in PARKS:
        agency = Organization(name=f"{name}管理委员会", type="park_agency", province=province)
        db.session.add(agency)
        db.session.flush()
        park = Park(name=name, province=province, city="某市", management_agency=agency, state="under_construction",
                    created_at=NOW)
        db.session.add(park)
        parks.append(park)
    db.session.flush()
    rule_set = db.session.scalars(select(RuleSet).limit(1)).one()
    panels = []
    for index, convener, kind, day, status in PANELS:
        panel = Panel(park_id=parks[index].id, kind=kind, convened_by=convener, meeting_date=day, size=5, alternates=1,
                      rule_set_id=rule_set.id, status=status, location="南京市建邺区 省生态环境厅第三会议室")
        db.session.add(panel)
        panels.append(panel)
    university = Organization(name="南京大学环境学院", type="university", province="32")
    db.session.add(university)
    db.session.flush()
    expert = create_expert(SYSTEM, {
        "name": "日历专家", "gender": "M", "birth_year": 1970, "id_number": valid_id_number("32", date(1970, 1, 1), True, 990),
        "mobile": "13812349999", "email": "agenda-expert@example.com", "organization_id": university.id,
        "title_rank": "senior", "specialties": ["eia"], "province": "32", "recommended_by": "MEE", "status": "active",
        "term_start": date(2023, 1, 1), "term_end": date(2029, 12, 31)}, date(2026, 10, 12))
    create_user(SYSTEM, EMAILS["office"], "office", password=PASSWORDS["office"], name="王办公")
    create_user(SYSTEM, EMAILS["province"], "province", province="32", password=PASSWORDS["province"], name="李江苏")
    create_user(SYSTEM, EMAILS["park"], "park", park_id=parks[0].id, password=PASSWORDS["park"])
    create_user(SYSTEM, EMAILS["expert"], "expert", expert_id=expert.id, password=PASSWORDS["expert"])
    db.session.commit()
    return [p.id for p in panels]


def sign_in(page, base: str, role: str, lang: str = "zh") -> None:
    page.goto(f"{base}/login?lang={lang}")
    page.fill("input[name=email]", EMAILS[role])
    page.fill("input[name=password]", PASSWORDS[role])
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def shot(page, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(ARTIFACTS / f"agenda-{name}.png"), full_page=full_page)
