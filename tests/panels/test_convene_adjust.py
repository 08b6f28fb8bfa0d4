"""The Office adjusts a request's rules within what the rule set allows, on the convening pages' rules step: only
stricter (independence, seniority, specialties), saved as a new ``<set>.adjusted`` version, never the default;
anything looser is refused by its field, nothing stored."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from panels.models import RuleSet
from panels.rules.rulesets import adjusted_rules
from tests.ecopanel.test_frame_pages import _csrf, sign_in

BASE = {"max_per_organization": 1, "max_per_province": 2, "min_senior": 3, "min_rest_days": 0,
        "specialty_quotas": [{"specialty": "eia", "min": 1}]}


def test_adjustments_only_tighten_and_raise():
    rules, problems = adjusted_rules(BASE, {"max_per_province": 1, "min_senior": 4, "min_rest_days": 2},
                                     {"eia": 2}, size=7)
    assert problems == {}
    assert (rules["max_per_province"], rules["min_senior"], rules["min_rest_days"]) == (1, 4, 2)
    assert rules["specialty_quotas"] == [{"specialty": "eia", "min": 2}] and BASE["specialty_quotas"][0]["min"] == 1
    _, problems = adjusted_rules(BASE, {"max_per_organization": 2, "max_per_province": 0, "min_senior": 2,
                                        "min_rest_days": 61}, {"eia": 8, "soil": 1}, size=7)
    assert problems == {"max_per_organization": "tighten_only", "max_per_province": "tighten_only",
                        "min_senior": "raise_only", "min_rest_days": "raise_only", "spec_min_eia": "raise_only",
                        "spec_min_soil": "unknown_specialty"}
    unchanged, problems = adjusted_rules(BASE, {"min_senior": None}, {}, size=7)
    assert problems == {} and unchanged["min_senior"] == 3


QUERY = "kind=acceptance_meeting&meeting_date=2027-03-10&size=7&alternates=2&location=北京"


def test_the_office_adjusts_the_rules_on_the_rules_step(db, client, make_user, park, pool):
    user, _ = make_user("office")
    sign_in(client, user.email)
    url = f"/parks/{park.id}/convene/rules?{QUERY}"
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="adjust"' in page.text
    form = {k: v[0] for k, v in parse_qs(QUERY).items()}
    token = _csrf(page.text)

    looser = client.post(f"/parks/{park.id}/convene/rules/adjust",
                         data={**form, "csrf_token": token, "max_per_organization": "3"})
    assert looser.status_code == 422 and 'data-testid="adjust-error"' in looser.text
    assert "只能收紧" in looser.text and "adj-err-max_per_organization" in looser.text
    assert not db.session.scalars(select(RuleSet).where(RuleSet.name.like("%.adjusted"))).all()

    done = client.post(f"/parks/{park.id}/convene/rules/adjust",
                       data={**form, "csrf_token": token, "min_senior": "5", "min_rest_days": "3"})
    assert done.status_code == 303, done.text
    chosen = parse_qs(urlsplit(done.headers["Location"]).query)["rule_set"][0]
    adjusted = db.session.scalar(select(RuleSet).where(RuleSet.name == chosen))
    assert chosen.endswith(".adjusted") and not adjusted.is_default and adjusted.kind == "acceptance_meeting"
    assert adjusted.rules["min_senior"] == 5 and adjusted.rules["min_rest_days"] == 3
    shown = client.get(done.headers["Location"]).text
    assert 'data-testid="done"' in shown and chosen in shown

    again = client.post(f"/parks/{park.id}/convene/rules/adjust",
                        data={**form, "rule_set": chosen, "csrf_token": token, "min_senior": "5"})
    assert again.status_code == 422 and "没有任何改动" in again.text


def test_a_province_cannot_adjust(db, client, make_user, park, pool):
    user, _ = make_user("province", province=park.province)
    sign_in(client, user.email)
    page = client.get(f"/parks/{park.id}/convene/rules?{QUERY.replace('acceptance_meeting', 'plan_revision')}")
    assert 'data-testid="adjust"' not in page.text
