"""The panels an expert sat on, on the expert's page in the pool: the Office sees all of them, a province only
those it convened; every panel shown is audited as a look at its membership."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ground.audit import AuditEntry
from tests.expert_pool.page_helpers import signed_in, text
from tests.panels.test_api import draw

OVERRIDE = "测试：与省级评审组同日的办公室评审组"


@pytest.fixture
def park_state():
    """Under provincial review: the province's plan argumentation is the panel the park calls for; the Office's
    acceptance meeting is drawn with an override (as in test_confidentiality)."""
    return "under_provincial_review"


def _section(html: str) -> str:
    match = re.search(r'data-testid="section-panels">(.*?)</section>', html, re.S)
    assert match, "the panels section is missing"
    return match.group(1)


def test_panels_sat_on_as_each_authority_may_see_them(app, db, make_user, api_as, office_api, park, pool):
    office_panel = draw(office_api, park, override_reason=OVERRIDE).json
    jiangsu_panel = draw(api_as("province", province="32"), park, kind="plan_argumentation", size=5, alternates=1,
                         meeting_date="2027-03-11").json
    # an Office member the province's own panel did not also draw (the next day): its page names only the Office's
    in_jiangsu = {m["expert_id"] for m in jiangsu_panel["members"] + jiangsu_panel["alternates"]}
    office_member = next(m["expert_id"] for m in office_panel["members"] if m["expert_id"] not in in_jiangsu)
    jiangsu_member = jiangsu_panel["members"][0]["expert_id"]
    office_user, _ = make_user("office")
    office = signed_in(app, office_user)
    jiangsu = signed_in(app, make_user("province", province="32")[0])
    guangdong = signed_in(app, make_user("province", province="44")[0])

    seen = _section(text(office.get(f"/experts/{office_member}")))
    assert "验收会" in seen and "苏州工业园区" in seen and "2027-03-10" in seen
    for client in (jiangsu, guangdong):  # the Office's panel is confidential to both provinces
        hidden = _section(text(client.get(f"/experts/{office_member}")))
        assert "验收会" not in hidden and "苏州工业园区" not in hidden and "没有可显示的评审组" in hidden
    own = _section(text(jiangsu.get(f"/experts/{jiangsu_member}")))
    assert "建设规划论证" in own and "江苏省" in own
    assert "建设规划论证" not in _section(text(guangdong.get(f"/experts/{jiangsu_member}")))
    assert "建设规划论证" in _section(text(office.get(f"/experts/{jiangsu_member}")))

    looks = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "panel.view",
                                                        AuditEntry.actor_user_id == office_user.id)).all()
    assert {(e.object_id, e.data.get("via")) for e in looks} >= {(str(office_panel["id"]), "expert_page"),
                                                                 (str(jiangsu_panel["id"]), "expert_page")}
