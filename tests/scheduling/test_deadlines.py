"""Deadline rows: derived by transitions, fired exactly once by the sweeper with the clock passed in."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from scheduling.models import DeadlineRecord, ParkTransition, WarningProposalRecord
from scheduling.tasks import SWEEPERS, sweep_deadlines
from tests.scheduling.conftest import at


def _rows(db, park, kind=None, state=None):
    query = select(DeadlineRecord).where(DeadlineRecord.park_id == park.id)
    if kind:
        query = query.where(DeadlineRecord.kind == kind)
    if state:
        query = query.where(DeadlineRecord.state == state)
    return db.session.scalars(query.order_by(DeadlineRecord.due, DeadlineRecord.id)).all()


def _transitions(db, park):
    return db.session.scalars(select(ParkTransition).where(ParkTransition.park_id == park.id)
                              .order_by(ParkTransition.seq)).all()


def test_sweeper_is_registered():
    assert [(s.name, s.interval_seconds) for s in SWEEPERS] == [("deadlines", 60)]


def test_construction_period_ends_in_creation_incomplete_exactly_once(db, approved_park):
    park = approved_park(date(2024, 3, 15))
    construction = _rows(db, park, "construction_period")[0]
    assert (construction.due, construction.consequence, construction.state) == (
        date(2027, 3, 15), "mark_creation_incomplete", "pending")
    reminders = _rows(db, park, "reminder")
    assert {(r.days_before, r.due) for r in reminders if r.parent_id == construction.id} == {
        (30, date(2027, 3, 15)), (7, date(2027, 3, 15)), (1, date(2027, 3, 15))}

    assert sweep_deadlines(at(date(2027, 3, 15), 23)) >= 0  # the last day is still on time
    db.session.expire_all()
    assert _rows(db, park, "construction_period")[0].state == "pending"

    sweep_deadlines(at(date(2027, 3, 16), 0))
    db.session.expire_all()
    row = _rows(db, park, "construction_period")[0]
    assert (row.state, row.outcome) == ("fired", "applied")
    last = _transitions(db, park)[-1]
    assert (last.action, last.actor, last.on, last.to_state) == (
        "mark_creation_incomplete", "system", date(2027, 3, 16), "creation_incomplete")
    assert park.state == "creation_incomplete"
    # Nothing else is pending for an ended creation (Art. 21: off the list).
    assert [r.kind for r in _rows(db, park, state="pending")] == []

    assert sweep_deadlines(at(date(2027, 4, 1))) == 0
    assert len(_transitions(db, park)) == 6


def test_a_pending_extension_blocks_then_a_refusal_rearms(db, approved_park, step):
    park = approved_park(date(2024, 3, 15))
    step(park, "request_extension", date(2027, 3, 1), "park")
    sweep_deadlines(at(date(2027, 3, 20)))
    db.session.expire_all()
    row = _rows(db, park, "construction_period")[0]
    assert (row.state, row.outcome, row.detail["code"]) == ("fired", "blocked", "extension_pending")
    assert park.state == "under_construction"
    assert sweep_deadlines(at(date(2027, 3, 21))) == 0  # blocked is not retried by itself

    step(park, "refuse_extension", date(2027, 3, 25))
    db.session.expire_all()
    assert _rows(db, park, "construction_period")[0].state == "pending"
    sweep_deadlines(at(date(2027, 3, 25, ), 12))
    db.session.expire_all()
    assert park.state == "creation_incomplete"
    assert _transitions(db, park)[-1].on == date(2027, 3, 25)  # not before the refusal it followed


def test_a_granted_extension_moves_the_deadline(db, approved_park, step):
    park = approved_park(date(2024, 3, 15))
    step(park, "request_extension", date(2027, 1, 10), "park")
    step(park, "grant_extension", date(2027, 2, 1), extension_months=6)
    db.session.expire_all()
    row = _rows(db, park, "construction_period")[0]
    assert (row.due, row.state) == (date(2027, 9, 15), "pending")
    reminders = _rows(db, park, "reminder")
    assert {r.fire_at.date() for r in reminders if r.parent_id == row.id and r.state == "pending"} == {
        date(2027, 8, 15), date(2027, 9, 7), date(2027, 9, 13)}  # 00:00 Shanghai is 16:00 UTC the day before
    # The reminders of the old date (15 March) are withdrawn with it.
    assert {r.state for r in reminders if r.key.endswith("2027-03-15")} == {"cancelled"}


def test_missing_annual_report_becomes_a_proposal_and_the_next_year_is_derived(db, approved_park):
    park = approved_park(date(2024, 3, 15))
    keys = [r.key for r in _rows(db, park, "annual_report")]
    assert keys == ["annual_report:2024", "annual_report:2025"]
    sweep_deadlines(at(date(2025, 7, 1)))
    db.session.expire_all()
    row = _rows(db, park, "annual_report")[0]
    assert (row.state, row.outcome) == ("fired", "proposed")
    proposal = db.session.scalars(select(WarningProposalRecord).where(WarningProposalRecord.park_id == park.id)).one()
    assert (proposal.key, proposal.reason, proposal.article, proposal.item, proposal.audience, proposal.proposed_on) == (
        "annual_report:2024", "annual_report", 27, 4, "province", date(2025, 7, 1))
    assert park.state == "under_construction"  # proposes; never warns by itself
    assert [r.key for r in _rows(db, park, "annual_report", "pending")] == ["annual_report:2025",
                                                                           "annual_report:2026"]


def test_unreported_major_change_found_by_the_province(db, approved_park, api_as, clock):
    park = approved_park(date(2024, 3, 15))
    clock.set(date(2025, 3, 1))
    jiangsu = api_as("province", province="32")
    found = jiangsu.post(f"/parks/{park.id}/major-changes", json={"changed_on": "2025-01-31",
                                                                 "subjects": ["scope"]})
    assert found.status_code == 201, found.json
    row = _rows(db, park, "major_change_report")[0]
    assert row.due == date(2025, 7, 31)
    sweep_deadlines(at(date(2025, 8, 1)))
    db.session.expire_all()
    proposals = db.session.scalars(select(WarningProposalRecord.key).where(
        WarningProposalRecord.park_id == park.id)).all()
    assert "major_change:2025-01-31" in proposals
    # Art. 12: no acceptance once a change was not reported within 6 months.
    clock.set(date(2025, 9, 1))
    refused = api_as("park", park_id=park.id).post(f"/parks/{park.id}/transitions", json={
        "action": "apply_acceptance", "date": "2025-09-01"})
    assert (refused.status_code, refused.json["code"], refused.json["article"]) == (
        409, "major_change_not_reported_in_time", 12)
    stop = jiangsu.post(f"/parks/{park.id}/transitions", json={
        "action": "stop_creation", "date": "2025-09-01", "reason": "unreported_major_change"})
    assert stop.status_code == 201, stop.json
    assert stop.json["data"]["proposals"] == ["major_change:2025-01-31"]


def test_worker_down_for_a_month_catches_up_once(db, approved_park):
    park = approved_park(date(2024, 3, 15))
    # Nothing swept since before the 30-day reminder of the construction period; the worker comes back
    # a month after the period ended.
    handled = sweep_deadlines(at(date(2027, 4, 15)))
    db.session.expire_all()
    assert handled > 0
    assert park.state == "creation_incomplete"
    incomplete = [t for t in _transitions(db, park) if t.action == "mark_creation_incomplete"]
    assert [t.on for t in incomplete] == [date(2027, 3, 16)]  # dated when the rule applied, not when caught up
    reminders = [r for r in _rows(db, park, "reminder") if "construction:2024-03-15" in r.key]
    # The deadline had passed by the time the worker came back: no stale reminder goes out.
    assert {(r.state, r.outcome) for r in reminders} <= {("cancelled", "superseded"), ("fired", "skipped")}
    assert len(reminders) == 3
    reports = {r.key: r.outcome for r in _rows(db, park, "annual_report")}
    assert reports["annual_report:2024"] == "proposed" and reports["annual_report:2025"] == "proposed"
    assert sweep_deadlines(at(date(2027, 4, 15))) == 0
    assert len([t for t in _transitions(db, park) if t.actor == "system"]) == 1


def test_reminders_are_queued_once(db, approved_park, monkeypatch):
    from scheduling import notices

    sent = []
    monkeypatch.setattr(notices, "_outbox", lambda: lambda *a, **kw: sent.append((a, kw)))
    park = approved_park(date(2024, 3, 15))
    sweep_deadlines(at(date(2025, 6, 1)))  # the 30-day reminder of the 2024 report (due 30 June 2025)
    db.session.expire_all()
    fired = [r for r in _rows(db, park, "reminder") if r.state == "fired"]
    assert [(r.days_before, r.outcome) for r in fired] == [(30, "no_recipients")]

    from ecopanel.auth.services import create_user
    from ground.actor import SYSTEM

    create_user(SYSTEM, "park-user@example.com", "park", park_id=park.id, password=None)
    create_user(SYSTEM, "js@example.com", "province", province="32", password=None)
    db.session.commit()
    sweep_deadlines(at(date(2025, 6, 23)))
    sweep_deadlines(at(date(2025, 6, 23)))
    db.session.expire_all()
    assert len(sent) == 1
    (recipients, template, context), options = sent[0]
    assert template == "deadline_reminder" and sorted(recipients) == ["js@example.com", "park-user@example.com"]
    assert (context["kind"], context["due"], context["days_left"]) == ("annual_report", "2025-06-30", 7)
    assert options["related"] == ("park", str(park.id)) and options["dedupe_key"].startswith("deadline:")


def test_without_an_outbox_reminders_stay_recorded(db, approved_park, monkeypatch):
    from scheduling import notices

    monkeypatch.setattr(notices, "_outbox", lambda: None)
    park = approved_park(date(2024, 3, 15))
    sweep_deadlines(at(date(2025, 6, 1)))
    db.session.expire_all()
    assert [r.outcome for r in _rows(db, park, "reminder") if r.state == "fired"] == ["no_outbox"]


def test_mail_templates_render_every_context(app, approved_park):
    from notifications.rendering import json_ready, render_mail
    from scheduling import notices

    park = approved_park(date(2024, 3, 15))
    contexts = [
        notices.deadline_context(park, "annual_report", date(2026, 6, 30), 23, False, days_left=7, reminder=True),
        notices.deadline_context(park, "naming_notice", date(2027, 1, 8), 19, False, previous_due="2027-01-06",
                                 recomputed=True),
    ]
    for language, dates in (("zh", ("2026年6月30日", "2027年1月8日")), ("en", ("June 30, 2026", "January 8, 2027"))):
        for context in contexts:
            mail = render_mail(notices.TEMPLATE, language, json_ready(context))
            assert park.name in mail.subject
            assert dates[0] in mail.text or dates[1] in mail.text


def test_the_worker_ticks_the_sweeper_in_its_own_transaction(app, db, approved_park, monkeypatch):
    import ecopanel.worker as worker

    park = approved_park(date(2024, 3, 15))
    monkeypatch.setitem(app.config, "CLOCK", lambda: at(date(2027, 3, 16)))  # the worker reads the app clock
    [sweeper] = [s for s in worker.registered_sweepers() if s.name == "deadlines"]
    assert worker.tick(app, sweeper) > 0
    db.session.expire_all()
    assert db.session.get(type(park), park.id).state == "creation_incomplete"
    assert worker.tick(app, sweeper) == 0


def test_reminders_reach_the_mail_outbox(db, approved_park):
    from ecopanel.auth.services import create_user
    from ground.actor import SYSTEM
    from notifications.models import OutboxMessage

    park = approved_park(date(2024, 3, 15))
    create_user(SYSTEM, "park-user@example.com", "park", park_id=park.id, password=None)
    user = create_user(SYSTEM, "js-en@example.com", "province", province="32", password=None)
    user.language = "en"
    db.session.commit()
    sweep_deadlines(at(date(2025, 6, 1)))
    sweep_deadlines(at(date(2025, 6, 1)))
    db.session.expire_all()
    mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.language)).all()
    assert [(m.template, m.language, m.recipients) for m in mails] == [
        ("deadline_reminder", "en", ["js-en@example.com"]), ("deadline_reminder", "zh", ["park-user@example.com"])]
    assert (mails[0].related_type, mails[0].related_id) == ("park", str(park.id))
    assert park.name in mails[1].subject and "2025年6月30日" in mails[1].subject
    assert "30 days" in mails[0].body_text and "Art. 23" in mails[0].body_text
    fired = [r for r in _rows(db, park, "reminder") if r.state == "fired"]
    assert [r.outcome for r in fired] == ["queued"]
