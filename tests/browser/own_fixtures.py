"""A live server of its own for the experts' and the parks' own pages: a drawn acceptance meeting whose members
were invited by real mail (a loopback SMTP server keeps what arrived), one signed-in account per member, and a
park under construction with its management agency's account.

Its own database, mail server and server, so these journeys never disturb the other browser tests'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pytest

from tests.browser.park_fixtures import MovableClock
from tests.browser.serving import serving
from tests.conftest import make_app, upgrade, valid_id_number
from tests.notifications.conftest import SmtpServer, text_part

TODAY = date(2026, 11, 24)
MEETING = date(2027, 3, 10)
PASSWORD = "expert-own-pages-1"
PARK_PASSWORD = "park-own-pages-1"
PROVINCES = ["11", "33", "44", "37", "42", "51", "61", "21", "35", "31", "12", "13"]


@dataclass
class OwnServer:
    url: str
    app: object
    clock: MovableClock
    smtp: SmtpServer
    members: list[int] = field(default_factory=list)  # the drawn members' expert ids, in draw order
    emails: dict[int, str] = field(default_factory=dict)  # expert id -> the address of the expert's account
    mail_to: dict[int, str] = field(default_factory=dict)  # expert id -> the address the invitation went to
    park_id: int = 0
    report_park_id: int = 0
    park_email: str = "park-own@example.com"

    def invitation_link(self, expert_id: int) -> str:
        """The confirmation page's link, read from the invitation mail the SMTP server received."""
        found = [m for m in self.smtp.messages() if m["To"] == self.mail_to[expert_id]]
        assert found, (expert_id, [m["To"] for m in self.smtp.messages()])
        links = set(re.findall(rf"({re.escape(self.url)}/invitations/[A-Za-z0-9_.\-]+)", text_part(found[-1])))
        assert len(links) == 1, links
        return links.pop()


def _pool() -> None:
    from expert_pool.models import Organization
    from expert_pool.services import create_expert
    from ground.actor import SYSTEM
    from ground.extensions import db

    for i in range(12):
        province = PROVINCES[i]
        org = Organization(name=f"自助页面单位{i}", type="university", province=province)
        db.session.add(org)
        db.session.flush()
        birth = date(1966 + i, 1 + i, 3 + i)
        create_expert(SYSTEM, {
            "name": f"自助专家{i:02d}", "gender": "F" if i % 2 else "M", "birth_year": birth.year,
            "id_number": valid_id_number(province, birth, i % 2 == 0, 7000 + i), "mobile": f"1370000{i:04d}",
            "email": f"own{i}@example.cn", "organization_id": org.id, "title_rank": "senior",
            "specialties": ["eia", "circular_economy"], "province": province, "recommended_by": "MEE",
            "status": "active", "term_start": date(2024, 1, 1), "term_end": date(2029, 12, 31),
        }, TODAY)


def _seed(server: OwnServer) -> None:
    from ecopanel.auth.services import create_user
    from expert_pool.models import Expert, Organization
    from ground.actor import SYSTEM, Actor, Role
    from ground.extensions import db
    from notifications.delivery import send_due
    from panels.models import Invitation, RuleSet
    from panels.seats.answers import accept_invitation
    from panels.seats.invite import invite_members
    from panels.services import draw_new_panel
    from scheduling.models import Park
    from tests.panels.conftest import drive

    _pool()
    db.session.add(RuleSet(name="own-pages", version=1, kind=None, is_default=False, created_by="test",
                           rules={"max_per_organization": 1, "own_province_cap": 0, "min_senior": 0,
                                  "chair_senior": False}))
    parks = []
    for name, agency in (("苏州工业园区", "苏州工业园区管理委员会"), ("常熟经济技术开发区", "常熟经开区管理委员会")):
        org = Organization(name=agency, type="park_agency", province="32")
        db.session.add(org)
        db.session.flush()
        park = Park(name=name, province="32", city="苏州", management_agency=org, state="new")
        db.session.add(park)
        parks.append(park)
    db.session.commit()
    drive(parks[0], "verification_passed")  # calls for the acceptance meeting
    drive(parks[1], "under_construction")  # reports yearly (Art. 23)
    server.park_id, server.report_park_id = parks[0].id, parks[1].id

    office = Actor(user_id=None, label="办公室", role=Role.OFFICE, is_admin=False)
    panel = draw_new_panel(office, {"park_id": parks[0].id, "kind": "acceptance_meeting", "meeting_date": MEETING,
                                    "size": 3, "alternates": 1, "rule_set": "own-pages", "seed": 20261124,
                                    "location": "北京市西城区 生态环境部第一会议室"})
    invitations = invite_members(office, panel, respond_by=None, expert_ids=None, now=server.clock())
    db.session.commit()
    server.members = [m.expert_id for m in panel.members if m.role == "member"]
    for expert_id in server.members:
        expert = db.session.get(Expert, expert_id)
        server.mail_to[expert_id] = expert.email
        server.emails[expert_id] = f"account-{expert_id}@example.com"
        create_user(SYSTEM, server.emails[expert_id], "expert", expert_id=expert_id, password=PASSWORD)
    create_user(SYSTEM, server.park_email, "park", park_id=parks[1].id, password=PARK_PASSWORD)
    db.session.commit()
    assert send_due(server.clock()) == len(invitations) == 3  # the mails really leave, to the SMTP server
    # The second member accepted already (from the mail, earlier): the feed has a meeting to show.
    second = db.session.query(Invitation).filter_by(expert_id=server.members[1]).one()
    accept_invitation(second, pledge=True, now=server.clock())
    db.session.commit()


@pytest.fixture(scope="session")
def own_server(tmp_path_factory):
    smtp = SmtpServer()
    smtp.start()
    clock = MovableClock(TODAY)
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('own') / 'own.db'}", tmp_path_factory,
                   WTF_CSRF_ENABLED=True, CLOCK=clock, MAIL_TIMEOUT=5, MAIL_LOCAL_HOSTNAME="ecopanel.test")
    upgrade(app)
    mail = app.extensions["mail"]
    mail.server, mail.port, mail.suppress = "127.0.0.1", smtp.port, False
    with serving(app, mailed_links=True) as url:  # the links in the mails lead to this server
        server = OwnServer(url, app, clock, smtp)
        with app.app_context():
            _seed(server)
        yield server
    smtp.stop()


def sign_in(page, server: OwnServer, email: str, password: str, next_path: str) -> None:
    page.goto(f"{server.url}/login?lang=zh&next={next_path}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{server.url}{next_path}")
