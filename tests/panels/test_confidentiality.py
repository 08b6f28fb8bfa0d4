"""Confidential panels stay confidential to a province with a token and the OpenAPI document (SECURITY.md).

A province draws (and may cancel) a panel of its own on any date; nothing it can read about it names the
experts other authorities booked that day or drew for the same park, nor moves by their panels' size: its
eligibility, funnel and 422 explanations are what they would be without those panels (their effect is one
anonymous count), and a move onto a day its members sit on them is answered alike whoever and however many
they are, referred to the Office, which hears of it."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from expert_pool.models import ConflictDeclaration, Expert, Unavailability
from ground.audit import AuditEntry
from panels.models import Booking, Draw, Panel, PanelMember
from tests.panels.test_api import MEETING, draw


@pytest.fixture
def park_state():
    """Under provincial review: the province's plan argumentation is the panel the park calls for; the Office's
    acceptance meeting beside it on the same day is drawn with an override (what is under test is
    confidentiality between the two authorities, not the stage rule)."""
    return "under_provincial_review"


OVERRIDE = "测试：与省级评审组同日的办公室评审组"


@pytest.fixture
def jiangsu(api_as):
    return api_as("province", province="32")


@pytest.fixture
def office_panel(office_api, park, pool):
    """The Office's acceptance meeting for the park on MEETING (7 members, confidential to the Office)."""
    response = draw(office_api, park, override_reason=OVERRIDE)
    assert response.status_code == 201, response.json
    return response.json


def _throwaway(jiangsu, park, meeting_date=MEETING):
    response = draw(jiangsu, park, kind="plan_argumentation", size=5, alternates=1, meeting_date=meeting_date)
    assert response.status_code == 201, response.json
    return response.json


def test_eligibility_counts_others_bookings_without_naming_them(office_api, jiangsu, park, pool, office_panel):
    office_members = {m["expert_id"] for m in office_panel["members"]}
    mine = _throwaway(jiangsu, park)
    seen = jiangsu.get(f"/panels/{mine['id']}/eligibility?page_size=200").json
    listed = {i["expert_id"] for i in seen["items"]}
    assert not office_members & listed, "an expert of the Office's panel is named to the province"
    assert all("booked_that_day" not in i["reasons"] for i in seen["items"])
    assert seen["unavailable_elsewhere"] == len(office_members)  # only how many
    # eligible experts are not listed one by one: with the pool's roster, the experts neither listed eligible
    # nor listed excluded would be exactly the Office's members
    assert seen["eligible_listed"] is False and not [i for i in seen["items"] if i["eligible"]]
    assert jiangsu.get(f"/panels/{mine['id']}/eligibility?eligible=true").json["total"] == 0
    # the Office sees every reason
    full = office_api.get(f"/panels/{mine['id']}/eligibility?page_size=200&eligible=false").json
    booked = {i["expert_id"] for i in full["items"] if "booked_that_day" in i["reasons"]}
    assert booked == office_members and full["eligible_listed"] is True


def test_date_suggestion_counts_do_not_drop_by_a_confidential_panel(jiangsu, park, pool, office_panel):
    query = f"park_id={park.id}&kind=plan_argumentation&from=2027-03-09&to=2027-03-11&size=5"
    rows = jiangsu.get(f"/meetings/date-suggestions?{query}")
    assert rows.status_code == 200, rows.json
    counts = {r["date"]: r["eligible"] for r in rows.json}
    assert counts["2027-03-10"] == counts["2027-03-09"] == counts["2027-03-11"], counts


def test_invitation_conflicts_are_for_the_office_and_the_convening_authority(db, office_api, jiangsu, park, pool,
                                                                            office_panel):
    leaving = office_panel["members"][0]["expert_id"]
    response = office_api.post(f"/panels/{office_panel['id']}/replacements",
                               json={"expert_id": leaving, "reason": "与园区存在利害关系", "conflict_of_interest": True})
    assert response.status_code == 200, response.json
    on_record = jiangsu.get(f"/experts/{leaving}").json
    assert all(c["source"] != "invitation" for c in on_record["conflicts"]), on_record["conflicts"]
    assert any(c["source"] == "invitation" for c in office_api.get(f"/experts/{leaving}").json["conflicts"])
    # nor does the conflict show as a reason on the province's own panel for the park
    mine = _throwaway(jiangsu, park, "2027-04-14")
    seen = jiangsu.get(f"/panels/{mine['id']}/eligibility?page_size=200").json
    assert leaving not in {i["expert_id"] for i in seen["items"]}
    assert all("declared_conflict_park" not in i["reasons"] for i in seen["items"])


def test_a_move_onto_another_authoritys_day_does_not_name_its_members(db, jiangsu, park, pool, office_panel):
    mine = _throwaway(jiangsu, park, "2027-04-14")
    busy = {m["expert_id"] for m in office_panel["members"]}
    member = next(m["expert_id"] for m in mine["members"] if m["expert_id"] not in busy)
    # the member also sits on the Office's panel on MEETING (as if drawn there)
    db.session.add(Booking(expert_id=member, day=date(2027, 3, 10), panel_id=office_panel["id"]))
    db.session.commit()
    response = jiangsu.post(f"/panels/{mine['id']}/reschedule", json={"meeting_date": MEETING, "reason": "x"})
    assert response.status_code == 409, response.json
    assert response.json["code"] == "move_needs_office"
    # named neither by name nor by id, nor counted: the message holds no number at all
    assert db.session.get(Expert, member).name not in response.json["message"]
    assert re.findall(r"\d+", response.json["message"]) == []


def test_a_province_names_only_its_kinds_default_rule_set(db, office_api, jiangsu, park, pool):
    from panels.models import RuleSet

    other_kind = jiangsu.post("/panels", json={"park_id": park.id, "kind": "performance_evaluation",
                                               "meeting_date": MEETING, "size": 5, "alternates": 0,
                                               "rule_set": "default-plan_argumentation"})
    assert other_kind.status_code == 422 and other_kind.json["code"] == "rule_set_kind_mismatch"
    assert "plan_argumentation" in other_kind.json["message"]
    assert office_api.post("/panels", json={"park_id": park.id, "kind": "performance_evaluation",
                                            "meeting_date": MEETING, "size": 5, "alternates": 0,
                                            "rule_set": "default-plan_argumentation"}).status_code == 422
    db.session.add(RuleSet(name="lenient-argumentation", version=1, kind="plan_argumentation", is_default=False,
                           created_by="test", rules={"max_per_organization": 3, "min_senior": 0}))
    db.session.commit()
    body = {"park_id": park.id, "kind": "plan_argumentation", "meeting_date": MEETING, "size": 5, "alternates": 0,
            "rule_set": "lenient-argumentation"}
    refused = jiangsu.post("/panels", json=body, headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json["code"] == "rule_set_not_default"
    assert "Only the Office" in refused.json["message"]
    assert jiangsu.get(f"/meetings/date-suggestions?park_id={park.id}&kind=plan_argumentation&from=2027-03-09"
                       "&to=2027-03-10&size=5&rule_set=lenient-argumentation").status_code == 422
    assert jiangsu.post("/panels", json={**body, "rule_set": "default-plan_argumentation"}).status_code == 201
    assert office_api.post("/panels", json={**body, "meeting_date": "2027-03-11"}).status_code == 201


def test_an_unseen_panel_answers_as_a_missing_one(db, api_as, office_panel):
    zhejiang = api_as("province", province="33")
    missing = office_panel["id"] + 1000
    member = office_panel["members"][0]["expert_id"]
    probes = [("get", "", None), ("get", "/eligibility", None), ("get", "/invitations", None),
              ("get", "/invitations/preview", None), ("post", "/invitations", {}),
              ("post", "/replacements", {"expert_id": member, "reason": "x"}),
              ("post", "/reschedule", {"meeting_date": "2027-03-12", "reason": "x"}),
              ("post", "/cancel", {"reason": "x"})]
    for method, tail, body in probes:
        answers = []
        for panel_id in (office_panel["id"], missing):
            call = getattr(zhejiang, method)
            response = call(f"/panels/{panel_id}{tail}", **({"json": body} if body is not None else {}))
            answers.append((response.status_code, response.json["code"]))
        assert answers[0] == answers[1] == (404, "not_found"), (tail, answers)
    db.session.expire_all()
    assert db.session.scalar(select(PanelMember).where(PanelMember.expert_id == member,
                                                       PanelMember.panel_id == office_panel["id"])).status == "drawn"


# --- probing through one's own panel: moves, and eligibility on a hidden first stage ------------------------

DAY = date.fromisoformat(MEETING)


def _book_on(db, panel_id: int, expert_ids, day: date = DAY) -> None:
    """As if the Office's panel had drawn these experts too."""
    for expert_id in expert_ids:
        db.session.add(Booking(expert_id=expert_id, day=day, panel_id=panel_id))
    db.session.commit()


def _audit(db, action: str, panel_id: int) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.object_type == "panel", AuditEntry.object_id == str(panel_id))
        .order_by(AuditEntry.seq)))


def _answer(response) -> tuple[int, str, str, list[str]]:
    return response.status_code, response.json["code"], response.json["message"], sorted(response.json)


# --- moves ---------------------------------------------------------------------------------------------------

def test_a_provinces_move_is_answered_alike_whichever_members_are_busy_elsewhere(db, api_as, office_api, jiangsu,
                                                                                  park, pool, office_panel):
    mine = _throwaway(jiangsu, park, "2027-04-14")
    busy = {m["expert_id"] for m in office_panel["members"]}
    free = [m["expert_id"] for m in mine["members"] if m["expert_id"] not in busy]
    move = {"meeting_date": MEETING, "reason": "会场调整"}
    clashing = {m["expert_id"] for m in mine["members"]} & busy  # the draws are random: some may clash already
    answers = []
    for extra in ([free[0]], [free[1]]):  # one more member of mine on the Office's panel, then two
        _book_on(db, office_panel["id"], extra)
        clashing.update(extra)
        answers.append(jiangsu.post(f"/panels/{mine['id']}/reschedule", json=move))
    english = jiangsu.post(f"/panels/{mine['id']}/reschedule", json=move, headers={"Accept-Language": "en"})
    assert answers[0].status_code == 409 and answers[0].json["code"] == "move_needs_office", answers[0].json
    assert _answer(answers[0]) == _answer(answers[1])  # 1 or 2 (or more) busy members: the same answer
    for response in (*answers, english):
        assert not re.findall(r"\d", response.json["message"]), response.json  # no count, no id, no date
        assert set(response.json) == {"code", "message", "errors"} and not response.json["errors"]
    assert "Office" in english.json["message"]
    db.session.expire_all()
    assert db.session.get(Panel, mine["id"]).meeting_date == date(2027, 4, 14)  # nothing moved
    # the Office hears of each referral, with who and why
    referred = _audit(db, "panel.move_referred", mine["id"])
    assert len(referred) == 3 and set(referred[-1].data["experts"]) == {str(e) for e in clashing}
    assert referred[-1].data["to"] == MEETING
    # the Office itself gets the detailed answer
    detailed = office_api.post(f"/panels/{mine['id']}/reschedule", json=move)
    assert detailed.status_code == 409 and set(detailed.json["experts"]) == clashing


def test_move_replace_move_is_flagged_for_the_office(db, api_as, office_api, jiangsu, park, pool, office_panel):
    mine = _throwaway(jiangsu, park, "2027-04-14")
    busy = {m["expert_id"] for m in office_panel["members"]}
    suspect = next(m["expert_id"] for m in mine["members"] if m["expert_id"] not in busy)
    _book_on(db, office_panel["id"], [suspect])
    move = {"meeting_date": MEETING, "reason": "x"}
    assert jiangsu.post(f"/panels/{mine['id']}/reschedule", json=move).json["code"] == "move_needs_office"
    assert not _audit(db, "panel.move_probing_suspected", mine["id"])  # one referral is no pattern
    # the probe: replace one's own members and move again
    for member in [m["expert_id"] for m in mine["members"] if m["expert_id"] in busy or m["expert_id"] == suspect]:
        replaced = jiangsu.post(f"/panels/{mine['id']}/replacements", json={"expert_id": member, "reason": "x"})
        assert replaced.status_code == 200, replaced.json
    db.session.execute(delete(Booking).where(Booking.panel_id == office_panel["id"],
                                             Booking.expert_id.in_(_members(jiangsu, mine["id"]))))
    db.session.commit()  # (whoever the replacements drew is free on the Office's day)
    moved = jiangsu.post(f"/panels/{mine['id']}/reschedule", json=move)
    assert moved.status_code == 200, moved.json  # the move itself is the province's to make
    [flag] = _audit(db, "panel.move_probing_suspected", mine["id"])
    assert flag.data["signs"] == ["moved_again_after_a_seat_changed"] and flag.data["referrals_on_panel"] == 1
    # a counter on the panel, for the Office only; the audit page names both entries in words
    assert office_api.get(f"/panels/{mine['id']}").json["move_referrals"] == 1
    from ecopanel.auditlog.phrases import ACTIONS
    assert {"panel.move_referred", "panel.move_probing_suspected"} <= set(ACTIONS)
    assert "move_referrals" not in jiangsu.get(f"/panels/{mine['id']}").json


def _members(api, panel_id: int) -> set[int]:
    return {m["expert_id"] for m in api.get(f"/panels/{panel_id}").json["members"]}


def test_many_referred_moves_of_one_province_are_flagged(db, jiangsu, park, pool, office_panel):
    busy = {m["expert_id"] for m in office_panel["members"]}
    days = ["2027-04-14", "2027-04-15", "2027-04-16"]
    flags = []
    for day in days:
        mine = _throwaway(jiangsu, park, day)
        _book_on(db, office_panel["id"], [m["expert_id"] for m in mine["members"] if m["expert_id"] not in busy][:1])
        busy = {b for (b,) in db.session.execute(select(Booking.expert_id).where(Booking.day == DAY))}
        response = jiangsu.post(f"/panels/{mine['id']}/reschedule", json={"meeting_date": MEETING, "reason": "x"})
        assert response.json["code"] == "move_needs_office"
        flags.append(_audit(db, "panel.move_probing_suspected", mine["id"]))
    assert flags[0] == flags[1] == [] and flags[2][0].data["signs"] == ["repeated_referrals"]
    assert flags[2][0].data["referrals_in_window"] == 3


def test_throwaway_draws_are_flagged_for_the_office(db, office_api, jiangsu, park, pool, office_panel):
    """Finding 6's remainder: many draws cancelled soon after add up to who is busy on a day. Each is audited;
    a second one for the same day, or a third in the window, is flagged on the panel for the Office."""
    first = _throwaway(jiangsu, park, "2027-04-14")
    assert jiangsu.post(f"/panels/{first['id']}/cancel", json={"reason": "x"}).status_code == 200
    [noted] = _audit(db, "panel.throwaway_draw", first["id"])
    assert noted.data["meeting_date"] == "2027-04-14" and not _audit(db, "panel.draw_probing_suspected", first["id"])

    # a panel cancelled two days or more after its draw is honest work: not a throwaway
    kept = _throwaway(jiangsu, park, "2027-04-14")
    db.session.execute(update(Draw).where(Draw.panel_id == kept["id"]).values(
        created_at=datetime.now(UTC) - timedelta(hours=49)))
    db.session.commit()
    assert jiangsu.post(f"/panels/{kept['id']}/cancel", json={"reason": "x"}).status_code == 200
    assert not _audit(db, "panel.throwaway_draw", kept["id"])

    again = _throwaway(jiangsu, park, "2027-04-14")
    assert jiangsu.post(f"/panels/{again['id']}/cancel", json={"reason": "x"}).status_code == 200
    [flag] = _audit(db, "panel.draw_probing_suspected", again["id"])
    assert flag.data["signs"] == ["drawn_and_cancelled_again_for_one_day"]
    third = _throwaway(jiangsu, park, "2027-04-15")
    assert jiangsu.post(f"/panels/{third['id']}/cancel", json={"reason": "x"}).status_code == 200
    [flag] = _audit(db, "panel.draw_probing_suspected", third["id"])
    assert flag.data["signs"] == ["repeated_throwaway_draws"]
    # counted on the Office's view of the panel, unseen by the province; named in words on the audit page
    assert office_api.get(f"/panels/{third['id']}").json["probing_suspected"] == 1
    assert "probing_suspected" not in jiangsu.get(f"/panels/{third['id']}").json
    from ecopanel.auditlog.phrases import ACTIONS
    assert {"panel.throwaway_draw", "panel.draw_probing_suspected"} <= set(ACTIONS)
    # the Office's own cancellations are not throwaways
    assert office_api.post(f"/panels/{office_panel['id']}/cancel", json={"reason": "x"}).status_code == 200
    assert not _audit(db, "panel.throwaway_draw", office_panel["id"])


def test_a_provinces_move_still_names_its_own_reasons_and_only_those(db, jiangsu, park, pool, office_panel):
    mine = _throwaway(jiangsu, park, "2027-04-14")
    busy = {m["expert_id"] for m in office_panel["members"]}
    away = next(m["expert_id"] for m in mine["members"] if m["expert_id"] not in busy)
    db.session.add(Unavailability(expert_id=away, start_date=DAY, end_date=DAY, reason="出差"))
    _book_on(db, office_panel["id"], [away])  # away *and* on the Office's panel: only the first is the province's
    response = jiangsu.post(f"/panels/{mine['id']}/reschedule", json={"meeting_date": MEETING, "reason": "x"})
    assert response.status_code == 409 and response.json["code"] == "members_ineligible_on_date"
    assert response.json["experts"][str(away)] == ["unavailable"]
    assert "unavailable" not in response.json  # no count of members busy elsewhere
    others = {int(e) for e in response.json["experts"]} - {away}
    assert not others & busy, "a member on the Office's panel is named"
    # a day with nothing in the way: the province moves its own panel
    assert jiangsu.post(f"/panels/{mine['id']}/reschedule",
                        json={"meeting_date": "2027-04-21", "reason": "x"}).status_code == 200


# --- eligibility -------------------------------------------------------------------------------------------

def _seen(api, panel_id: int) -> dict:
    body = api.get(f"/panels/{panel_id}/eligibility?page_size=200").json
    return {"funnel": body["funnel"], "unavailable_elsewhere": body["unavailable_elsewhere"],
            "items": sorted((i["expert_id"], i["stage"], tuple(i["reasons"])) for i in body["items"])}


def test_a_provinces_eligibility_is_what_it_would_be_without_other_authorities_panels(
        db, office_api, jiangsu, park, pool, office_panel):
    """Everything the province reads is compared with the same panel drawn in a world without the Office's
    panel: reasons, stages, funnel and date suggestions must be the same; the difference is one count."""
    members = [m["expert_id"] for m in office_panel["members"]]
    # two of the Office's members declare a conflict with the park in answer to its invitation; one of them is
    # also away on the day (the province may see the absence: a hidden recusal must not mask it)
    masked, conflicted = members[0], members[1]
    for expert_id in (masked, conflicted):
        response = office_api.post(f"/panels/{office_panel['id']}/replacements",
                                   json={"expert_id": expert_id, "reason": "利害关系", "conflict_of_interest": True})
        assert response.status_code == 200, response.json
    db.session.add(Unavailability(expert_id=masked, start_date=DAY, end_date=DAY, reason="出差"))
    db.session.commit()
    office_now = _members(office_api, office_panel["id"])
    query = f"park_id={park.id}&kind=plan_argumentation&from=2027-03-09&to=2027-03-11&size=5"
    suggested = jiangsu.get(f"/meetings/date-suggestions?{query}").json

    mine = _throwaway(jiangsu, park)
    seen = _seen(jiangsu, mine["id"])
    assert (masked, "available", ("unavailable",)) in seen["items"]
    assert conflicted not in {i[0] for i in seen["items"]} and not office_now & {i[0] for i in seen["items"]}
    # the Office's members and the two who declared a conflict in answer to its invitation: counted over the
    # whole pool, so the one the province can see is away that day is counted all the same (finding 6)
    assert seen["unavailable_elsewhere"] == len(office_now) + 2
    assert mine["draw"]["funnel"] == seen["funnel"] == jiangsu.get(f"/panels/{mine['id']}").json["draw"]["funnel"]
    # the draw itself still leaves them out
    assert not _members(jiangsu, mine["id"]) & (office_now | {masked, conflicted})
    assert jiangsu.get(f"/panels/{mine['id']}/audit").status_code == 403  # bundles: the Office only

    # the same world without the Office's panel
    assert jiangsu.post(f"/panels/{mine['id']}/cancel", json={"reason": "x"}).status_code == 200
    db.session.execute(delete(Booking).where(Booking.panel_id == office_panel["id"]))
    db.session.execute(delete(ConflictDeclaration).where(ConflictDeclaration.source == "invitation"))
    db.session.execute(update(Panel).where(Panel.id == office_panel["id"]).values(status="cancelled"))
    db.session.commit()
    assert jiangsu.get(f"/meetings/date-suggestions?{query}").json == suggested
    without = _throwaway(jiangsu, park)
    expected = _seen(jiangsu, without["id"])
    assert expected["unavailable_elsewhere"] == 0
    assert seen["items"] == expected["items"] and seen["funnel"] == expected["funnel"]


def test_a_draw_no_panel_satisfies_because_of_others_panels_tells_the_province_no_rule(
        db, office_api, jiangsu, park, pool, office_panel):
    planners = [e.id for e in pool if "park_planning" in e.specialty_codes]
    busy = {m["expert_id"] for m in office_panel["members"]}
    _book_on(db, office_panel["id"], [e for e in planners if e not in busy])  # every planner sits with the Office
    body = {"park_id": park.id, "kind": "plan_argumentation", "meeting_date": MEETING, "size": 5, "alternates": 1}
    refused = jiangsu.post("/panels", json=body, headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json["code"] == "draw_infeasible", refused.json
    assert refused.json["conflict"] == [] and refused.json["relaxations"] == []
    assert "park_planning" not in json.dumps(refused.json) and "Office" in refused.json["message"]
    # its funnel is the one of a day without the Office's panel
    elsewhere = jiangsu.post("/panels", json={**body, "meeting_date": "2027-03-11"})
    assert elsewhere.status_code == 201 and refused.json["funnel"] == elsewhere.json["draw"]["funnel"]
    # the Office is told which rule fails
    detailed = office_api.post("/panels", json={**body, "meeting_date": MEETING})
    assert detailed.status_code == 422 and detailed.json["conflict"][0]["group"] == "spec:park_planning"
    # a reason the province may see is explained to it as before
    for expert_id in planners:
        db.session.add(Unavailability(expert_id=expert_id, start_date=date(2027, 3, 12), end_date=date(2027, 3, 12),
                                      reason="培训"))
    db.session.commit()
    own = jiangsu.post("/panels", json={**body, "meeting_date": "2027-03-12"})
    assert own.status_code == 422 and own.json["conflict"][0]["group"] == "spec:park_planning"
    assert own.json["relaxations"]


def test_a_draw_recorded_before_the_convener_view_is_read_without_confidential_reasons(db, jiangsu, park, pool,
                                                                                      office_panel):

    mine = _throwaway(jiangsu, park)
    fresh = _seen(jiangsu, mine["id"])
    recorded = db.session.scalar(select(Draw.eligibility).where(Draw.panel_id == mine["id"]))
    without_count = {"convener": {k: v for k, v in recorded["convener"].items() if k != "held_elsewhere"}}
    for older in ({}, {"hidden": {str(m["expert_id"]): ["booked_that_day"] for m in office_panel["members"]}},
                  without_count):
        db.session.execute(update(Draw).where(Draw.panel_id == mine["id"]).values(eligibility=older))
        db.session.commit()
        # nothing else touches the pool that day: the same reading, but for the count an older draw did not keep
        # (the count it would give could be differenced: finding 6)
        assert _seen(jiangsu, mine["id"]) == {**fresh, "unavailable_elsewhere": None}
        assert jiangsu.get(f"/panels/{mine['id']}").json["draw"]["funnel"] == fresh["funnel"]
    assert fresh["unavailable_elsewhere"] == len(office_panel["members"]) and fresh["funnel"]["available"] == 80


def test_the_anonymous_count_and_the_chances_cannot_be_differenced(db, office_api, jiangsu, park, pool,
                                                                    office_panel):
    """Red-team finding 6: a province changed one expert's facts between two throwaway draws on one day (here
    an absence, as it records on experts it contributed) and read from the two counts, or from the lottery's
    least chance, whether that expert sits on a confidential panel that day. The count is now over the whole
    pool and the chances are the Office's only, so both draws read alike whether the expert is busy or not."""
    busy = next(iter(_members(office_api, office_panel["id"])))
    free = next(e.id for e in pool if e.province != "32" and e.id not in _members(office_api, office_panel["id"]))

    def reading():
        mine = _throwaway(jiangsu, park)
        summary = jiangsu.get(f"/panels/{mine['id']}").json["draw"]
        body = jiangsu.get(f"/panels/{mine['id']}/eligibility?page_size=200").json
        assert jiangsu.post(f"/panels/{mine['id']}/cancel", json={"reason": "试抽"}).status_code == 200
        return (body["unavailable_elsewhere"], summary["unavailable_elsewhere"],
                {k: summary[k] for k in ("min_probability", "gap", "fairness_ratio")},
                {k: body[k] for k in ("min_probability", "max_probability")}, summary["fairness_certified"])

    before = reading()
    assert before[0] == before[1] == len(office_panel["members"])
    assert set(before[2].values()) == set(before[3].values()) == {None} and before[4] is True
    readings = {}
    for expert_id in (busy, free):
        db.session.add(Unavailability(expert_id=expert_id, start_date=DAY, end_date=DAY, reason="出差"))
        db.session.commit()
        readings[expert_id] = reading()
        db.session.execute(delete(Unavailability).where(Unavailability.expert_id == expert_id))
        db.session.commit()
    assert readings[busy] == readings[free] == before
    # the Office still reads the lottery's figures
    office_draw = office_api.get(f"/panels/{office_panel['id']}").json["draw"]
    assert office_draw["min_probability"] > 0 and office_draw["fairness_ratio"] >= 0.95
    assert office_draw["fairness_certified"] is True


def test_the_ids_a_province_sees_count_nothing(db, office_api, jiangsu, park, pool, office_panel, expert_payload):
    # Red-team finding 3: panel, draw and invitation ids were sequential, so the gap between a province's own
    # ids counted the panels (and seats) other authorities convened in between.
    first = _throwaway(jiangsu, park, "2027-04-14")
    assert office_api.post(f"/panels/{office_panel['id']}/invitations", json={}).status_code in (200, 201)
    second = _throwaway(jiangsu, park, "2027-04-15")
    for panel in (first, second):
        sent = jiangsu.post(f"/panels/{panel['id']}/invitations", json={})
        assert sent.status_code in (200, 201), sent.json
    invitations = [i for p in (first, second) for i in jiangsu.get(f"/panels/{p['id']}/invitations").json["items"]]
    panels = [first["id"], second["id"]]
    draws = [first["draw"]["id"], second["draw"]["id"]]
    ids = panels + draws + [i["id"] for i in invitations]
    assert len(invitations) == 10
    assert all(1 <= i < 2**31 for i in ids)  # the INTEGER columns and the API's id range
    # Sequential ids lie within a few of each other (the Office's one panel, its 7 invitations between them);
    # random ones spread over the range.
    for group in (panels, draws, [i["id"] for i in invitations]):
        assert max(group) - min(group) > 2**16, group
    # The invitations' mail history names the Office's outbox rows only to the Office (their ids count mail).
    details = [h["detail"] for i in invitations for h in i["history"] if h["event"].startswith("mail_")]
    assert details and all("outbox_id" not in d for d in details)
    office_view = office_api.get(f"/panels/{first['id']}/invitations").json["items"]
    assert all("outbox_id" in h["detail"] for i in office_view for h in i["history"] if h["event"].startswith("mail_"))
    # A conflict is also recorded when an expert declines a confidential panel: those ids are random too.
    own = jiangsu.post("/experts", json=expert_payload(contributed_by="32"))
    assert own.status_code == 201, own.json
    added = [jiangsu.post(f"/experts/{own.json['id']}/conflicts", json={"relation": "relative", "park_id": park.id})
             for _ in range(2)]
    assert all(r.status_code == 201 for r in added)
    assert abs(added[0].json["id"] - added[1].json["id"]) > 2**16


def test_a_park_out_of_sight_is_unknown_to_panel_requests(api_as, park, pool):
    # Red-team finding 5, for park ids in a body or query: another province's park answered "only the Office or
    # the park's province may convene" where a missing one answered "unknown park", so parks could be counted.
    zhejiang = api_as("province", province="33")
    answers = []
    for park_id in (park.id, park.id + 100_000):
        drawn = zhejiang.post("/panels", json={"park_id": park_id, "kind": "plan_argumentation",
                                               "meeting_date": MEETING, "size": 5, "alternates": 0})
        dates = zhejiang.get(f"/meetings/date-suggestions?park_id={park_id}&kind=plan_argumentation"
                             "&from=2027-03-09&to=2027-03-10&size=5")
        answers.append([(r.status_code, r.json) for r in (drawn, dates)])
    assert answers[0] == answers[1]
    assert [status for status, _ in answers[0]] == [422, 422] and answers[0][0][1]["code"] == "unknown_park"
