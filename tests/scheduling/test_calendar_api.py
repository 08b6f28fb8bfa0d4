"""The working-day calendar over HTTP and the CLI: golden dates, bad input, loading a new year."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from scheduling.models import CalendarYear, DeadlineRecord

GOLDEN = [
    # Spring Festival 2024: 10-17 Feb off, Sunday 18 Feb worked.
    ("2024-02-08", 5, "2024-02-20"),
    ("2024-02-04", 1, "2024-02-04"),  # a make-up Sunday is a working day
    # Spring Festival 2025: 28 Jan - 4 Feb off, Saturday 8 Feb worked.
    ("2025-01-27", 5, "2025-02-08"),
    # National Day 2025 (with the Mid-Autumn Festival): 1-8 Oct off, Sunday 28 Sep worked.
    ("2025-09-26", 5, "2025-10-09"),
    ("2024-09-30", 1, "2024-09-30"),
    # 29 February, month ends, a weekend start, the year end into New Year 2026 (Sunday 4 Jan worked).
    ("2024-02-29", 1, "2024-02-29"),
    ("2024-02-29", 2, "2024-03-01"),
    ("2024-03-02", 1, "2024-03-04"),
    ("2025-12-31", 3, "2026-01-05"),
]


@pytest.mark.parametrize(("start", "days", "expected"), GOLDEN)
def test_working_days_golden(office_api, start, days, expected):
    response = office_api.get(f"/calendar/working-days/add?start={start}&days={days}")
    assert response.status_code == 200, response.json
    assert response.json == {"date": expected, "provisional": False}


def test_unloaded_year_is_mon_fri_and_provisional(office_api):
    response = office_api.get("/calendar/working-days/add?start=2026-12-31&days=5")
    assert response.json == {"date": "2027-01-06", "provisional": True}


def test_bad_input_has_the_error_shape_in_both_languages(api_as, client):
    zh = api_as("office")
    en = api_as("office", lang="en")
    for query, field in [("start=2025-02-30&days=5", "start"), ("start=2025-01-01&days=0", "days"),
                         ("start=2025-01-01", "days"), ("days=5", "start"), ("start=tomorrow&days=5", "start"),
                         ("start=2025-01-01&days=99999", "days")]:
        response = en.get(f"/calendar/working-days/add?{query}")
        assert response.status_code == 422, query
        assert set(response.json) >= {"code", "message", "errors"}
        assert response.json["code"] == "invalid_input" and field in response.json["errors"], response.json
    bad_date = zh.get("/calendar/working-days/add?start=2025-02-30&days=5").json
    assert bad_date["errors"]["start"] == ["不是有效的日期（格式 YYYY-MM-DD）。"]
    assert en.get("/calendar/working-days/add?start=2025-02-30&days=5").json["errors"]["start"] == [
        "Not a valid date."]
    stray = en.get("/calendar/working-days/add?start=2025-01-01&days=5&skip_weekends=1")
    assert stray.status_code == 422 and "skip_weekends" in stray.json["errors"]
    assert client.get("/api/v1/calendar/working-days/add?start=2025-01-01&days=5").status_code == 401


def test_the_holiday_table_is_seeded_from_chinesecalendar(office_api, db):
    years = office_api.get("/calendar/years").json
    by_year = {y["year"]: y for y in years}
    assert 2004 in by_year and 2026 in by_year and 2027 not in by_year
    assert by_year[2025]["source"].startswith("chinesecalendar")
    assert by_year[2025]["holidays"] > 20 and by_year[2025]["workdays"] >= 4


YEAR_2027_CSV = "日期,类型,名称\n2027-01-01,休,元旦\n2027-01-04,休,元旦（虚构的调整，仅供测试）\n2027-02-20,班,春节\n"


def _provisional_naming_notice(approved_park, step, db, clock):
    from tests.scheduling.test_parks_api import _acceptance_docs

    park = approved_park(date(2024, 3, 15))
    clock.set(date(2026, 12, 31))
    step(park, "apply_acceptance", date(2026, 12, 1), "park", documents=_acceptance_docs(park, db))
    step(park, "forward_acceptance", date(2026, 12, 2))
    step(park, "start_verification", date(2026, 12, 3), "office")
    step(park, "pass_verification", date(2026, 12, 10), "office")
    step(park, "pass_acceptance_meeting", date(2026, 12, 20), "office")
    step(park, "publish_naming_notice", date(2026, 12, 31), "office")
    return park


def _naming_row(db, park):
    return db.session.scalars(select(DeadlineRecord).where(DeadlineRecord.park_id == park.id,
                                                           DeadlineRecord.kind == "naming_notice")).one()


def test_loading_a_year_recomputes_provisional_deadlines(api_as, approved_park, step, db, clock, monkeypatch):
    from scheduling import notices

    queued = []
    monkeypatch.setattr(notices, "_outbox", lambda: lambda *a, **kw: queued.append((a, kw)))
    park = _provisional_naming_notice(approved_park, step, db, clock)
    row = _naming_row(db, park)
    assert (row.due, row.provisional) == (date(2027, 1, 6), True)

    admin = api_as("office", is_admin=True, lang="en")
    response = admin.post("/calendar/years", data={"file": (io.BytesIO(YEAR_2027_CSV.encode()), "2027.csv"),
                                                   "year": "2027"}, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    assert response.json["year"] == 2027 and response.json["holidays"] == 2 and response.json["workdays"] == 1
    assert response.json["recomputed"] == [{"park_id": park.id, "park_name": park.name, "naming_notice": {
        "previous": "2027-01-06", "date": "2027-01-08", "provisional": False}}]
    db.session.expire_all()
    row = _naming_row(db, park)
    assert (row.due, row.provisional, row.state) == (date(2027, 1, 8), False, "pending")
    assert park.naming_notice_last_day == date(2027, 1, 8) and park.naming_notice_provisional is False
    assert office_days(admin, "2026-12-31", 5) == {"date": "2027-01-08", "provisional": False}
    # The people concerned are told (here the Office's admin: a naming notice is the Office's, Art. 19).
    assert len(queued) == 1
    (_recipients, template, context), options = queued[0]
    assert template == "deadline_reminder" and context["recomputed"] is True
    assert (context["previous_due"], context["due"], context["provisional"]) == ("2027-01-06", "2027-01-08", False)
    assert options["dedupe_key"] == f"recomputed:{park.id}:naming_notice:2027-01-08:zh"  # the user's own language

    timeline = admin.get(f"/parks/{park.id}/timeline").json
    naming = next(d for d in timeline["due"] if d["kind"] == "naming_notice")
    assert (naming["due"], naming["provisional"]) == ("2027-01-08", False)


def office_days(api, start, days):
    return api.get(f"/calendar/working-days/add?start={start}&days={days}").json


def test_only_admins_load_years_and_bad_files_are_explained(api_as, db):
    plain = api_as("office", lang="en")
    upload = {"file": (io.BytesIO(YEAR_2027_CSV.encode()), "2027.csv")}
    assert plain.post("/calendar/years", data=upload, content_type="multipart/form-data").status_code == 403
    province = api_as("province", province="32")
    upload = {"file": (io.BytesIO(YEAR_2027_CSV.encode()), "2027.csv")}
    assert province.post("/calendar/years", data=upload, content_type="multipart/form-data").status_code == 403

    admin = api_as("office", is_admin=True, lang="en")
    bad = "date,type\n2027-01-01,holiday\n2027-02-30,holiday\n"
    response = admin.post("/calendar/years", data={"file": (io.BytesIO(bad.encode()), "2027.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["code"] == "calendar_bad_date"
    assert "line 3" in response.json["errors"]["file"][0]
    assert response.json["line"] == 3
    zh = api_as("office", is_admin=True)
    response = zh.post("/calendar/years", data={"file": (io.BytesIO(b"{}"), "2027.txt")},
                       content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["code"] == "calendar_unsupported_format"
    assert "CSV" in response.json["message"] and "仅支持" in response.json["message"]
    assert db.session.get(CalendarYear, 2027) is None


def test_cli_loads_a_json_year(app, db, tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({"year": 2027, "holidays": [{"date": "2027-01-01", "name": "元旦"}],
                                "workdays": []}), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["calendar", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "loaded 2027: 1 holidays, 0 adjusted workdays" in result.output
    db.session.expire_all()
    assert db.session.get(CalendarYear, 2027).source == "admin"
    again = app.test_cli_runner().invoke(args=["calendar", "load", str(path)])
    assert "reloaded 2027" in again.output
    broken = tmp_path / "bad.csv"
    broken.write_text("date,type\n", encoding="utf-8")
    failed = app.test_cli_runner().invoke(args=["calendar", "load", str(broken)])
    assert failed.exit_code == 1 and "calendar_" in failed.output


def test_other_packages_ask_the_holiday_table_for_working_days(app, db):
    from scheduling import calendar_service
    from tests.scheduling.conftest import at

    now = at(date(2026, 3, 2))
    # Sunday 26 Jan 2025 was worked (调休上班), Tuesday 28 Jan was the Spring Festival: not a Mon-Fri rule.
    assert tuple(calendar_service.is_working_day(date(2025, 1, 26), now)) == (True, False)
    assert tuple(calendar_service.is_working_day(date(2025, 1, 28), now)) == (False, False)
    assert tuple(calendar_service.is_working_day(date(2027, 3, 1), now)) == (True, True)  # 2027 is not loaded
    span = calendar_service.working_days(date(2025, 1, 25), date(2025, 2, 9), now)
    assert [d.date for d in span] == [date(2025, 1, 26), date(2025, 1, 27), date(2025, 2, 5), date(2025, 2, 6),
                                      date(2025, 2, 7), date(2025, 2, 8)]


def test_seeding_a_newer_package_year_recomputes_the_notices_it_settles(app, db, make_park, step,
                                                                        application_documents, monkeypatch):
    """A notice counted while its year was not loaded is recomputed when seeding brings the year in."""
    from sqlalchemy import delete, update

    from scheduling import calendar_service, notices
    from scheduling.models import CalendarState, HolidayOverride
    from tests.scheduling.conftest import at

    monkeypatch.setattr(notices, "_outbox", lambda: lambda *a, **kw: None)
    park = make_park()
    applied = date(2025, 9, 1)
    step(park, "submit_application", applied, "park", documents=application_documents(park, applied))
    step(park, "start_provincial_review", applied)
    step(park, "pass_plan_argumentation", applied)
    step(park, "publish_public_notice", date(2025, 9, 26))
    assert (park.public_notice_last_day, park.public_notice_provisional) == (date(2025, 10, 9), False)
    # As if the notice had been counted Mon-Fri before 2025 was known, and an older package had seeded the table.
    park.public_notice_last_day, park.public_notice_provisional = date(2025, 10, 2), True
    db.session.execute(delete(HolidayOverride).where(HolidayOverride.year == 2025))
    db.session.execute(delete(CalendarYear).where(CalendarYear.year == 2025))
    db.session.execute(update(CalendarState).values(seeded_from="chinesecalendar 0.0.0", version=CalendarState.version + 1))
    db.session.commit()

    calendar_service.get_calendar(at(date(2025, 9, 29)))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(CalendarYear, 2025) is not None
    assert (park.public_notice_last_day, park.public_notice_provisional) == (date(2025, 10, 9), False)
    row = db.session.scalars(select(DeadlineRecord).where(DeadlineRecord.park_id == park.id,
                                                          DeadlineRecord.kind == "public_notice")).one()
    assert (row.due, row.provisional, row.state) == (date(2025, 10, 9), False, "pending")
