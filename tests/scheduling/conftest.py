"""Factories for the park lifecycle: a movable clock, parks, materials, and parks driven to a state."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time

import pytest

from ground.actor import Actor, Role
from ground.clock import SHANGHAI
from scheduling.rules.lifecycle import PANEL_DECIDED

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_serial = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock in Shanghai on ``day``, as a UTC instant."""
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)


class Clock:
    """The clock the routes read (``CLOCK``); tests move it, nothing sleeps."""

    def __init__(self, day: date):
        self.now = at(day)

    def set(self, day: date, hour: int = 10) -> datetime:
        self.now = at(day, hour)
        return self.now

    @property
    def today(self) -> date:
        return self.now.astimezone(SHANGHAI).date()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(app, monkeypatch):
    c = Clock(date(2026, 3, 2))
    monkeypatch.setitem(app.config, "CLOCK", c)
    return c


def office() -> Actor:
    return Actor(user_id=None, label="office-test", role=Role.OFFICE, is_admin=True)


def province(code: str = "32") -> Actor:
    return Actor(user_id=None, label=f"province-{code}", role=Role.PROVINCE, province=code)


def park_actor(park) -> Actor:
    return Actor(user_id=None, label=f"park-{park.id}", role=Role.PARK, park_id=park.id)


@pytest.fixture
def make_park(db, make_org):
    from scheduling.services import create_park

    def make(province: str = "32", programme: str = "national", **kw):
        n = next(_serial)
        agency = make_org(name=f"测试园区{n}管委会", type="park_agency", province=province)
        data = {"name": kw.pop("name", f"测试园区{n}"), "province": province, "city": "南京",
                "programme": programme, "park_type": "national_etdz", "management_agency_id": agency.id,
                "leading_industries": ["化工"], **kw}
        park = create_park(office(), data, at(date(2023, 1, 2)))
        db.session.commit()
        return park

    return make


@pytest.fixture
def upload(db):
    from scheduling.materials import upload_material

    def do(park, kind: str, data: bytes = PDF, filename: str = "材料.pdf", now: datetime | None = None, **meta):
        material = upload_material(office(), park.id, data, filename, {"kind": kind, **meta},
                                   now or at(date(2023, 1, 2)))
        db.session.commit()
        return material

    return do


@pytest.fixture
def application_documents(upload):
    """The four materials of Art. 9, the commitment covering the three years before ``on``."""

    def make(park, on: date) -> list[int]:
        ids = [upload(park, kind).id for kind in ("application_letter", "construction_plan", "planning_eia")]
        ids.append(upload(park, "compliance_commitment", covers_from=date(on.year - 3, 1, 1),
                          covers_to=on).id)
        return ids

    return make


OVERRIDE_REASON = "测试：评审组结论在系统外记录（test: the panel concluded outside the system）"


@pytest.fixture
def step(db):
    """Take one action through the service as the role the table wants, with ``now`` = that day."""
    from scheduling.services import transition_park

    def do(park, action: str, on: date, who: str = "province", now: datetime | None = None, **data):
        actor = {"office": office(), "leading_group": office(), "park": park_actor(park),
                 "province": province(park.province)}[who]
        if who == "leading_group":
            data["as_leading_group"] = True
        if action in PANEL_DECIDED and "panel_override_reason" not in data:
            # The history these tests set up has no drawn panels: the Office's audited override stands in for
            # the panel's conclusion (tests/panels/test_conclusions.py takes the same steps by real panels).
            actor, data["panel_override_reason"] = office(), OVERRIDE_REASON
        transition = transition_park(actor, park.id, {"action": action, "date": on, **data}, now or at(on))
        db.session.commit()
        return transition

    return do


@pytest.fixture
def approved_park(make_park, step, application_documents):
    """A park driven through application, argument and public notice to approval on ``approved_on``."""

    def make(approved_on: date = date(2024, 3, 15), **kw):
        park = make_park(**kw)
        applied = date(approved_on.year - 1, 11, 1)
        step(park, "submit_application", applied, "park", documents=application_documents(park, applied))
        step(park, "start_provincial_review", applied)
        step(park, "pass_plan_argumentation", applied)
        step(park, "publish_public_notice", date(approved_on.year, 1, 8))
        step(park, "approve_construction", approved_on)
        return park

    return make


@pytest.fixture
def api_as(client, make_user):
    """``tests.conftest.api_as`` without a password: token-only accounts skip the (deliberately slow) hash."""
    from tests.conftest import Api

    def make(role: str = "office", lang: str = "zh", **kwargs):
        kwargs.setdefault("password", None)
        _, token = make_user(role, **kwargs)
        return Api(client, token, lang)

    return make


@pytest.fixture
def office_api(api_as):
    return api_as("office")
