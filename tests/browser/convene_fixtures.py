"""A live server of its own for the convening journeys: parks at the stages that call for a panel, a pool of
experts across provinces and specialties, staff accounts with their supervisors, a real SMTP server on
loopback (aiosmtpd) that the outbox delivers to, and a clock the tests set (read per request).

The meeting window lies around the National Day holidays of 2026, so the calendar shows holidays and the
make-up workdays of the official schedule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import pytest

from tests.browser.serving import serving
from tests.conftest import make_app, upgrade, valid_id_number
from tests.notifications.conftest import SmtpServer

TODAY = date(2026, 9, 14)  # a Monday
PASSWORDS = {"office": "office-convene-1", "office_sup": "office-sup-1", "province": "jiangsu-convene-1",
             "province_sup": "jiangsu-sup-1", "other_province": "zhejiang-convene-1"}
EMAILS = {"office": "office-convene@example.com", "office_sup": "office-supervisor@example.com",
          "province": "jiangsu-convene@example.com", "province_sup": "jiangsu-supervisor@example.com",
          "other_province": "zhejiang-convene@example.com"}
PROVINCES = ("11", "31", "33", "34", "37", "42", "44", "51", "61", "32")
# Each specialty mix covers the default rule sets of plan argumentation (park_planning, eia, circular_economy)
# and technical verification (env_monitoring, cleaner_production); soil_remediation is rare on purpose.
MIXES = (["park_planning", "eia"], ["circular_economy", "env_monitoring"], ["cleaner_production", "eia"],
         ["park_planning", "circular_economy", "cleaner_production"], ["env_monitoring", "eia"])


@dataclass
class SetClock:
    day: date = TODAY

    def __call__(self) -> datetime:
        from ground.clock import SHANGHAI

        return datetime.combine(self.day, time(10), SHANGHAI).astimezone(UTC)


@dataclass
class ConveneServer:
    url: str
    app: object
    clock: SetClock
    smtp: SmtpServer
    parks: dict[str, int] = field(default_factory=dict)

    def deliver_mail(self) -> int:
        """Run the outbox sweeper once (the worker's job), sending what is due to the SMTP server."""
        from notifications.delivery import send_due

        with self.app.app_context():
            return send_due(self.clock())


def _park(name: str, state: str, province: str = "32") -> int:
    from expert_pool.models import Organization
    from ground.extensions import db
    from scheduling.models import Park

    agency = Organization(name=f"{name}管理委员会", type="park_agency", province=province)
    db.session.add(agency)
    db.session.flush()
    park = Park(name=name, province=province, city="苏州", management_agency=agency, state=state,
                created_at=datetime(2025, 1, 1, tzinfo=UTC))
    db.session.add(park)
    db.session.flush()
    return park.id


def _experts() -> None:
    from expert_pool.models import Organization
    from expert_pool.services import create_expert
    from ground.actor import SYSTEM
    from ground.extensions import db

    for i in range(30):
        province = PROVINCES[i % len(PROVINCES)]
        org = Organization(name=f"评审测试单位{i:02d}", type="university", province=province)
        db.session.add(org)
        db.session.flush()
        specialties = list(MIXES[i % len(MIXES)]) + (["soil_remediation"] if i == 3 else [])
        create_expert(SYSTEM, {
            "name": f"组建专家{i:02d}", "gender": "M" if i % 2 else "F", "birth_year": 1965 + i % 20,
            "id_number": valid_id_number(province, date(1965 + i % 20, 1 + i % 12, 1 + i % 27), i % 2 == 1, 800 + i),
            "mobile": f"1375555{i:04d}", "email": f"convene{i}@example.com", "organization_id": org.id,
            "title_rank": "senior", "specialties": specialties, "province": province, "city": "某市",
            "recommended_by": "MEE", "status": "active", "language": "en" if i % 3 == 0 else "zh",
            "term_start": date(2024, 1, 1), "term_end": date(2028, 12, 31)}, TODAY)


def _tight_rule_set() -> None:
    """A set for technical verification that asks for 3 soil-remediation experts: only one exists."""
    from ground.extensions import db
    from panels.models import RuleSet
    from panels.rules.rulesets import effective_rules

    db.session.add(RuleSet(name="tv-soil", version=1, kind="technical_verification", is_default=False,
                           description="土壤修复专项核查 / soil remediation check", created_by="test",
                           rules=effective_rules({"specialty_quotas": [{"specialty": "soil_remediation", "min": 3,
                                                                         "max": 50}],
                                                  "own_province_cap": 0, "max_per_province": 2})))


def _seed(server: ConveneServer) -> None:
    from ecopanel.auth.services import create_user
    from expert_pool.models import Specialty
    from ground.actor import SYSTEM
    from ground.extensions import db

    if db.session.get(Specialty, "soil_remediation") is None:
        db.session.add(Specialty(code="soil_remediation", name_zh="土壤修复", name_en="Soil remediation"))
        db.session.flush()
    _experts()
    _tight_rule_set()
    server.parks = {"province": _park("苏州评审测试园区", "under_provincial_review"),
                    "office": _park("无锡核查测试园区", "awaiting_verification"),
                    "tight": _park("常州核查测试园区", "awaiting_verification")}
    create_user(SYSTEM, EMAILS["office"], "office", password=PASSWORDS["office"])
    create_user(SYSTEM, EMAILS["office_sup"], "office", password=PASSWORDS["office_sup"])
    create_user(SYSTEM, EMAILS["province"], "province", province="32", password=PASSWORDS["province"])
    create_user(SYSTEM, EMAILS["province_sup"], "province", province="32", password=PASSWORDS["province_sup"],
                name="李监督")
    create_user(SYSTEM, EMAILS["other_province"], "province", province="33", password=PASSWORDS["other_province"])
    db.session.commit()


@pytest.fixture(scope="session")
def convene_server(tmp_path_factory):
    clock = SetClock()
    smtp = SmtpServer()
    smtp.start()
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('convene') / 'convene.db'}", tmp_path_factory,
                   WTF_CSRF_ENABLED=True, CLOCK=clock, MAIL_LOCAL_HOSTNAME="ecopanel.test", MAIL_TIMEOUT=5)
    mail = app.extensions["mail"]
    mail.server, mail.port, mail.suppress = "127.0.0.1", smtp.port, False
    upgrade(app)
    server = ConveneServer("", app, clock, smtp)
    with app.app_context():
        _seed(server)
    with serving(app, mailed_links=True) as server.url:
        yield server
    smtp.stop()


def sign_in(page, server: ConveneServer, who: str, next_path: str, lang: str = "zh") -> None:
    page.goto(f"{server.url}/login?lang={lang}&next={next_path}")
    page.fill("input[name=email]", EMAILS[who])
    page.fill("input[name=password]", PASSWORDS[who])
    page.click("form button[type=submit]")
    page.wait_for_url(f"{server.url}{next_path}")
