"""Waves through the service (SQLite and PostgreSQL): propose, verify, commit (books, invites), a stale plan
refused with the conflicts named and nothing stored, re-plan, concurrent single draws, bad input, and what a
province may see."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from expert_pool.models import Organization, Unavailability
from ground.actor import Actor, Role
from tests.panels.conftest import PINNED_START
from tests.panels.test_record import signed_in

WINDOW = {"from": "2027-03-08", "to": "2027-03-19"}  # two working weeks
MONDAY = "2027-03-08"


def _park(db, name: str, province: str = "32", state: str = "verification_passed", **facts):
    from scheduling.models import Park

    agency = Organization(name=f"{name}管委会", type="park_agency", province=province)
    db.session.add(agency)
    db.session.flush()
    park = Park(name=name, province=province, city="测试市", management_agency=agency, state=state,
                approved_on=date(2024, 3, 15), **facts)
    db.session.add(park)
    db.session.commit()
    return park


@pytest.fixture
def wave_parks(db, pool):
    return [_park(db, f"波次园区{i}") for i in range(3)]


@pytest.fixture
def province_rules(db):
    """Open rules as the default for plan revisions (a province may draw only under its kind's default)."""
    from panels.models import RuleSet

    for other in db.session.scalars(select(RuleSet).where(RuleSet.kind == "plan_revision")):
        other.is_default = False
    db.session.add(RuleSet(name="wave-open", version=1, kind="plan_revision", is_default=True, created_by="test",
                           rules={"max_per_organization": 1, "min_senior": 0, "chair_senior": False}))
    db.session.commit()


def _request(parks, rules, **kw):
    body = {"kind": "acceptance_meeting", "park_ids": [p.id for p in parks], **WINDOW, "size": 5,
            "max_per_day": 1, "rule_set": rules}
    body.update(kw)
    return body


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_propose_plans_every_park_and_replays(db, office_api, wave_parks, open_rules):
    from ground.audit import AuditEntry
    from panels.models import Booking
    from panels.waves.models import Wave
    from panels.waves.services import verify_wave

    response = office_api.post("/waves", json=_request(wave_parks, open_rules))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "proposed" and body["unplaced"] == []
    assert sorted(m["park_id"] for m in body["meetings"]) == sorted(p.id for p in wave_parks)
    days = [m["date"] for m in body["meetings"]]
    assert len(set(days)) == 3  # at most one meeting a day
    for m in body["meetings"]:
        assert len(m["members"]) == 5 and sum(x["is_chair"] for x in m["members"]) == 1
        assert all(x["province"] != "32" for x in m["members"])  # own province recused (cap 0)
        assert len({x["organization"] for x in m["members"]}) == 5
    seated = [x["expert_id"] for m in body["meetings"] for x in m["members"]]
    assert len(seated) == len(set(seated))  # the cap of one panel per expert in the wave
    assert body["fairness"]["bound"] > 0 and 0 < body["fairness"]["ratio"] <= 1.0 + 1e-9
    assert _count(db, Booking) == 0  # a proposal books nobody
    wave = db.session.get(Wave, body["id"])
    assert verify_wave(wave) == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "wave.proposed"))
    assert entry is not None and entry.data["commitment"] == body["commitment"]
    # a changed input breaks the commitment; a changed plan no longer replays
    wave.plan = {**wave.plan, "meetings": wave.plan["meetings"][::-1]}
    assert verify_wave(wave) == ["meetings differ"]


def test_commit_books_draws_and_queues_invitations(app, db, office_api, make_user, wave_parks, open_rules):
    from notifications.models import OutboxMessage
    from panels.models import Booking, Draw, Invitation, Panel

    proposal = office_api.post("/waves", json=_request(wave_parks, open_rules)).json
    response = office_api.post(f"/waves/{proposal['id']}/commit")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "committed" and len(body["panels"]) == 3
    for m in proposal["meetings"]:
        panel = db.session.get(Panel, body["panels"][str(m["park_id"])])
        assert panel.meeting_date.isoformat() == m["date"] and panel.status == "inviting"
        members = sorted(x.expert_id for x in panel.members if x.role == "member")
        assert members == sorted(x["expert_id"] for x in m["members"])
        chair = [x.expert_id for x in panel.members if x.is_chair]
        assert chair == [x["expert_id"] for x in m["members"] if x["is_chair"]]
        draw = panel.draws[0]
        assert draw.purpose == "wave" and draw.inputs["wave"]["commitment"] == proposal["commitment"]
        booked = set(db.session.scalars(select(Booking.expert_id).where(Booking.panel_id == panel.id)))
        assert booked == set(members)
    assert _count(db, Draw) == 3 and _count(db, Booking) == 15 and _count(db, Invitation) == 15
    assert _count(db, OutboxMessage) >= 15
    # the panel reads as any other: its API, its page, a replacement drawn from its committed inputs
    panel_id = next(iter(body["panels"].values()))
    assert office_api.get(f"/panels/{panel_id}").status_code == 200
    page = signed_in(app, make_user("office")[0], PINNED_START).get(f"/panels/{panel_id}")
    assert page.status_code == 200 and "随批次抽取" in page.get_data(as_text=True)
    leaving = db.session.get(Panel, panel_id).members[0].expert_id
    replaced = office_api.post(f"/panels/{panel_id}/replacements", json={"expert_id": leaving, "reason": "时间冲突"})
    assert replaced.status_code == 200, replaced.json
    assert leaving not in [m["expert_id"] for m in replaced.json["members"]]
    again = office_api.post(f"/waves/{proposal['id']}/commit")
    assert again.status_code == 409 and again.json["code"] == "wave_not_proposed"


def test_stale_commit_is_refused_and_stores_nothing_then_replan(db, office_api, wave_parks, open_rules):
    from panels.models import Booking, Panel

    proposal = office_api.post("/waves", json=_request(wave_parks, open_rules)).json
    first = proposal["meetings"][0]
    away = first["members"][0]["expert_id"]
    day = date.fromisoformat(first["date"])
    db.session.add(Unavailability(expert_id=away, start_date=day, end_date=day, reason="出差"))
    db.session.commit()
    response = office_api.post(f"/waves/{proposal['id']}/commit")
    assert response.status_code == 409 and response.json["code"] == "wave_stale"
    assert response.json["conflicts"] == [{"park_id": first["park_id"], "date": first["date"], "expert_id": away,
                                           "reasons": ["unavailable"]}]
    assert "1" in response.json["message"]
    assert _count(db, Panel) == 0 and _count(db, Booking) == 0
    replanned = office_api.post(f"/waves/{proposal['id']}/replan", json={})
    assert replanned.status_code == 201, replanned.json
    new = replanned.json
    assert new["replans"] == proposal["id"]
    kept = {m["park_id"]: m for m in new["meetings"] if m["kept"]}
    assert set(kept) == {m["park_id"] for m in proposal["meetings"][1:]}
    redrawn = next(m for m in new["meetings"] if m["park_id"] == first["park_id"])
    assert not redrawn["kept"]
    assert not (redrawn["date"] == first["date"] and away in [x["expert_id"] for x in redrawn["members"]])
    assert office_api.get(f"/waves/{proposal['id']}").json["status"] == "discarded"
    assert office_api.post(f"/waves/{new['id']}/commit").status_code == 200


def test_replan_moves_a_park_to_another_day(db, office_api, wave_parks, open_rules):
    proposal = office_api.post("/waves", json=_request(wave_parks, open_rules)).json
    taken = {m["date"] for m in proposal["meetings"]}
    free = next(d for d in ("2027-03-08", "2027-03-09", "2027-03-10", "2027-03-11") if d not in taken)
    park_id = proposal["meetings"][0]["park_id"]
    new = office_api.post(f"/waves/{proposal['id']}/replan", json={"moves": {str(park_id): free}}).json
    moved = next(m for m in new["meetings"] if m["park_id"] == park_id)
    assert moved["date"] == free and not moved["kept"]
    bad = office_api.post(f"/waves/{new['id']}/replan", json={"moves": {"999999": free}})
    assert bad.status_code == 422 and bad.json["code"] == "invalid_moves"


def test_a_single_draw_on_a_wave_day_wins_and_the_commit_names_the_overlap(db, office_api, wave_parks, open_rules,
                                                                         park):
    """Every wave meeting on one day; then a single draw of 31 of the ~70 experts free that day for another
    park: the commit finds the experts it took, refuses, and no expert is booked twice."""
    from panels.models import Booking, PanelMember

    proposal = office_api.post("/waves", json=_request(wave_parks, open_rules, **{"from": MONDAY, "to": MONDAY},
                                                       max_per_day=3)).json
    assert len(proposal["meetings"]) == 3
    single = office_api.post("/panels", json={"park_id": park.id, "kind": "acceptance_meeting",
                                              "meeting_date": MONDAY, "size": 31, "alternates": 0,
                                              "rule_set": open_rules})
    assert single.status_code == 201, single.json
    taken = {m["expert_id"] for m in single.json["members"]}
    wave_members = {x["expert_id"] for m in proposal["meetings"] for x in m["members"]}
    assert taken & wave_members  # the odds of no overlap are below 1 in 10,000
    response = office_api.post(f"/waves/{proposal['id']}/commit")
    assert response.status_code == 409
    assert {c["expert_id"] for c in response.json["conflicts"]} == taken & wave_members
    assert all(c["reasons"] == ["booked_that_day"] for c in response.json["conflicts"])
    assert _count(db, Booking) == 31 and _count(db, PanelMember) == 31


@pytest.mark.parametrize(("change", "status", "code", "field"), [
    ({"park_ids": []}, 422, "invalid_input", "park_ids"),
    ({"size": 0}, 422, "invalid_input", "size"),
    ({"size": 32}, 422, "invalid_input", "size"),
    ({"max_per_day": 0}, 422, "invalid_input", "max_per_day"),
    ({"from": "2027-03-13", "to": "2027-03-14"}, 422, "no_working_day", "to"),
    ({"from": "2027-03-19", "to": "2027-03-08"}, 422, "invalid_span", "to"),
    ({"kind": "no_such_kind"}, 422, "invalid_input", "kind"),
    ({"days": {"1": ["2027-03-08"]}}, 422, "invalid_days", "days"),
])
def test_bad_input_is_a_clear_4xx(db, api_as, wave_parks, open_rules, change, status, code, field):
    for lang in ("zh", "en"):
        api = api_as("office", lang=lang)
        response = api.post("/waves", json=_request(wave_parks, open_rules, **change))
        assert response.status_code == status, response.json
        assert response.json["code"] == code and field in response.json["errors"], response.json
        message = response.json["message"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message) == (lang == "zh"), message


def test_duplicated_and_unknown_parks(db, office_api, wave_parks, open_rules):
    dup = office_api.post("/waves", json=_request(wave_parks + wave_parks[:1], open_rules))
    assert dup.status_code == 422 and "park_ids" in dup.json["errors"]
    missing = office_api.post("/waves", json=_request(wave_parks, open_rules, park_ids=[wave_parks[0].id, 2**31 - 11]))
    assert missing.status_code == 422 and missing.json["code"] == "unknown_park"


def test_a_park_at_the_wrong_stage_is_named(db, api_as, wave_parks, open_rules):
    from panels.models import Panel

    early = _park(db, "未验收园区", state="under_construction")
    for lang, word in (("zh", "未验收园区"), ("en", "未验收园区")):
        response = api_as("office", lang=lang).post("/waves", json=_request([*wave_parks, early], open_rules))
        assert response.status_code == 409 and response.json["code"] == "panel_kind_not_allowed"
        assert word in response.json["message"] and str(early.id) in response.json["errors"]["park_ids"]
    assert _count(db, Panel) == 0


def test_a_province_plans_its_parks_only_and_reads_no_other_authority(db, api_as, pool, province_rules, open_rules):
    """Province 32 plans plan revisions of its parks; province 44 cannot see or commit the wave, and a park of
    44 answers as a missing one. An Office panel that takes a member is named to 32 only as "not free"."""
    from panels.services import draw_new_panel

    mine = [_park(db, f"省内园区{i}", state="under_construction", plan_revision_pending=True) for i in range(2)]
    theirs = _park(db, "外省园区", province="44", state="under_construction", plan_revision_pending=True)
    jiangsu, guangdong = api_as("province", province="32"), api_as("province", province="44")
    body = {"kind": "plan_revision", "park_ids": [p.id for p in mine], "from": MONDAY, "to": MONDAY, "size": 5,
            "max_per_day": 2}
    foreign = jiangsu.post("/waves", json={**body, "park_ids": [mine[0].id, theirs.id]})
    missing = jiangsu.post("/waves", json={**body, "park_ids": [mine[0].id, 2**31 - 11]})
    assert foreign.status_code == missing.status_code == 422
    assert foreign.json["code"] == missing.json["code"] == "unknown_park"
    proposal = jiangsu.post("/waves", json=body)
    assert proposal.status_code == 201, proposal.json
    wave = proposal.json
    assert wave["convened_by"] == "32" and wave["fairness"] is None
    for path in (f"/waves/{wave['id']}", f"/waves/{2**31 - 11}"):
        assert guangdong.get(path).status_code == 404
    assert guangdong.get(f"/waves/{wave['id']}").json["message"] != ""
    assert guangdong.post(f"/waves/{wave['id']}/commit").status_code == 404
    assert guangdong.post(f"/waves/{wave['id']}/replan", json={}).status_code == 404
    # the Office's own panel on the wave's day takes experts (confidential to the province)
    office = Actor(user_id=None, label="office-test", role=Role.OFFICE, is_admin=True)
    other = _park(db, "办公室园区", province="44")
    panel = draw_new_panel(office, {"park_id": other.id, "kind": "acceptance_meeting",
                                    "meeting_date": date.fromisoformat(MONDAY), "size": 31, "alternates": 0,
                                    "location": "", "rule_set": open_rules})
    db.session.commit()
    taken = {m.expert_id for m in panel.members}
    overlap = taken & {x["expert_id"] for m in wave["meetings"] for x in m["members"]}
    assert overlap
    response = jiangsu.post(f"/waves/{wave['id']}/commit")
    assert response.status_code == 409
    assert {c["expert_id"] for c in response.json["conflicts"]} == overlap
    assert all(c["reasons"] == ["not_free"] for c in response.json["conflicts"])
    assert str(panel.id) not in response.get_data(as_text=True)


def test_a_park_due_in_the_window_is_planned_by_its_due_date(db, park):
    """The timeline's pending evaluation deadline bounds the park's days; overdue or later: the whole window."""
    from datetime import UTC, datetime

    from panels.waves.inputs import allowed_days, due_dates
    from scheduling.models import DeadlineRecord

    db.session.add(DeadlineRecord(park_id=park.id, kind="performance_evaluation", key="evaluation:test:1",
                                  due=date(2027, 3, 10), fire_at=datetime(2027, 3, 10, 16, tzinfo=UTC), article=25,
                                  state="pending"))
    db.session.commit()
    window = [date(2027, 3, d) for d in (8, 9, 10, 11, 12)]
    due = due_dates([park], "performance_evaluation")
    assert due == {park.id: date(2027, 3, 10)}
    assert allowed_days([park], window, due, {})[park.id] == window[:3]
    assert allowed_days([park], window, {park.id: date(2027, 3, 1)}, {})[park.id] == window  # overdue
    assert allowed_days([park], window, due, {park.id: [window[4]]})[park.id] == [window[4]]  # given by hand
    assert due_dates([park], "acceptance_meeting") == {}


def test_replan_keeps_locked_members_and_draws_the_rest(db, office_api, wave_parks, open_rules):
    from panels.waves.models import Wave
    from panels.waves.services import verify_wave

    proposal = office_api.post("/waves", json=_request(wave_parks, open_rules)).json
    meeting = proposal["meetings"][1]
    locked = sorted(x["expert_id"] for x in meeting["members"])[:2]
    response = office_api.post(f"/waves/{proposal['id']}/replan",
                               json={"locks": {str(meeting["park_id"]): locked}})
    assert response.status_code == 201, response.json
    new = response.json
    redrawn = next(m for m in new["meetings"] if m["park_id"] == meeting["park_id"])
    assert not redrawn["kept"] and set(locked) <= {x["expert_id"] for x in redrawn["members"]}
    assert len(redrawn["members"]) == 5
    assert sum(m["kept"] for m in new["meetings"]) == 2  # the other two meetings stand as they were
    assert verify_wave(db.session.get(Wave, new["id"])) == []  # the locks are part of the committed inputs
    stranger = next(x["expert_id"] for x in proposal["meetings"][0]["members"])
    bad = office_api.post(f"/waves/{new['id']}/replan", json={"locks": {str(meeting["park_id"]): [stranger]}})
    assert bad.status_code == 422 and bad.json["code"] == "invalid_locks"


@pytest.mark.postgres_only
def test_a_commit_racing_single_draws_never_double_books(app, db, make_user, wave_parks, open_rules, park):
    """The wave's commit and three single draws on its day, at the same moment: they queue on the day's lock;
    the commit either books its 15 members or refuses (409, nothing stored), and nobody sits twice that day."""
    import threading
    from collections import Counter

    from panels.models import Booking, Panel

    _, token = make_user("office")
    headers = {"Authorization": f"Bearer {token}"}
    proposal = app.test_client().post("/api/v1/waves", headers=headers, json=_request(
        wave_parks, open_rules, **{"from": MONDAY, "to": MONDAY}, max_per_day=3)).json
    outcomes: Counter[tuple[str, int]] = Counter()
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def call(what: str, path: str, body: dict | None) -> None:
        try:
            client = app.test_client()
            start.wait()
            response = client.post(path, headers=headers, json=body)
            outcomes[(what, response.status_code)] += 1
        except BaseException as exc:
            errors.append(exc)

    single = {"park_id": park.id, "kind": "acceptance_meeting", "meeting_date": MONDAY, "size": 10,
              "alternates": 0, "rule_set": open_rules}
    threads = [threading.Thread(target=call, args=("commit", f"/api/v1/waves/{proposal['id']}/commit", None))]
    threads += [threading.Thread(target=call, args=("single", "/api/v1/panels", single)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    print(dict(outcomes))
    assert set(outcomes) <= {("commit", 200), ("commit", 409), ("single", 201), ("single", 422)}, outcomes
    db.session.expire_all()
    twice = db.session.execute(select(Booking.expert_id).where(Booking.day == date.fromisoformat(MONDAY))
                               .group_by(Booking.expert_id).having(func.count() > 1)).all()
    assert twice == []
    wave_panels = db.session.scalar(select(func.count()).select_from(Panel).where(Panel.park_id.in_(
        [p.id for p in wave_parks])))
    assert wave_panels == (3 if outcomes[("commit", 200)] else 0)
    assert _count(db, Booking) == 15 * (wave_panels // 3) + 10 * outcomes[("single", 201)]


def test_the_wave_bundle_verifies_offline_and_a_changed_one_does_not(app, db, api_as, office_api, wave_parks,
                                                                   open_rules, tmp_path):
    """The Office downloads the wave's bundle and anyone re-runs it with ``ecopanel draws verify`` (no database):
    the committed inputs, the derived seed and the plan hold; a member swapped in the file is caught; a panel
    the wave committed points to the wave's bundle; a province may not download it."""
    import json

    from panels.cli import draws_group

    proposal = office_api.post("/waves", json=_request(wave_parks, open_rules)).json
    response = office_api.get(f"/waves/{proposal['id']}/bundle")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    path = tmp_path / "wave.json"
    path.write_bytes(response.data)
    runner = app.test_cli_runner()
    verified = runner.invoke(draws_group, ["verify", str(path)])
    assert verified.exit_code == 0 and verified.output.strip() == "verified", verified.output

    bundle = json.loads(response.data)
    meeting = bundle["plan"]["meetings"][0]
    outsider = next(e for e, *_ in bundle["inputs"]["experts"] if e not in meeting["members"])
    meeting["members"] = sorted([*meeting["members"][1:], outsider])
    from panels.rules.bundle import canonical_json
    path.write_text(canonical_json(bundle), encoding="utf-8")
    changed = runner.invoke(draws_group, ["verify", str(path)])
    assert changed.exit_code == 1 and "meetings differ" in changed.output

    assert api_as("province", province="32").get(f"/waves/{proposal['id']}/bundle").status_code in (403, 404)

    committed = office_api.post(f"/waves/{proposal['id']}/commit").json
    panel_id = next(iter(committed["panels"].values()))
    audit = office_api.get(f"/panels/{panel_id}/audit")
    path.write_bytes(audit.data)
    draw_bundle = runner.invoke(draws_group, ["verify", str(path)])
    assert draw_bundle.exit_code == 1
    assert f"drawn in wave {proposal['id']}" in draw_bundle.output and "/bundle" in draw_bundle.output


def test_the_page_refuses_a_malformed_lock_and_keeps_the_proposal(app, db, make_user, office_api, wave_parks,
                                                                 open_rules):
    """The wave page's re-plan form with a tampered lock box: a 422 page with the message, no new proposal."""
    import re

    from panels.waves.models import Wave
    from tests.ecopanel.test_frame_pages import sign_in

    proposal = office_api.post("/waves", json=_request(wave_parks, open_rules)).json
    client = app.test_client()
    user, _ = make_user("office")
    sign_in(client, user.email)
    page = client.get(f"/waves/{proposal['id']}?lang=en").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post(f"/waves/{proposal['id']}/replan",
                           data={"csrf_token": token, "lock": f"{proposal['meetings'][0]['park_id']}:not-an-expert"})
    assert response.status_code == 422
    assert "Not a valid integer." in response.text  # the refusal by the form, in the reader's language
    assert "Traceback" not in response.text and "not-an-expert" not in response.text.split("<form")[0]
    assert _count(db, Wave) == 1 and db.session.get(Wave, proposal["id"]).status == "proposed"
