"""A process killed with SIGKILL in the middle of an expert import, a panel draw or a sweep leaves nothing
half-done: the transaction it had open dies with it, the audit chain still verifies, and a rerun succeeds.

Each victim is a separate process (``python -m tests.faults.driver``) on the test database. A hook stops it
just before a chosen statement, when it has certainly written (the test checks its backend holds write locks
on the tables it fills); then it is killed with SIGKILL, as by the OOM killer or a power cut.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from ground.audit import AuditEntry, verify_chain
from tests.conftest import valid_id_number
from tests.faults.conftest import session_of, wait_session_gone, wrote_to
from tests.panels.conftest import PINNED_START, park, park_state, pinned_clock, pool  # noqa: F401 - fixtures used here

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

ROWS = 5000
HEADER = ["姓名", "性别", "身份证号", "手机", "电子邮箱", "工作单位", "单位类型", "职称", "专业领域", "所在省份", "城市",
          "聘期开始", "聘期结束"]


def big_csv(path, rows: int = ROWS) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(rows):
        male = n % 2 == 0
        writer.writerow([f"批量专家{n}", "男" if male else "女",
                         valid_id_number("44", date(1960 + n % 30, 1 + n % 12, 1 + n % 28), male, n),
                         f"136{n:08d}", f"bulk{n}@example.cn", f"批量单位{n % 400}", "高等院校", "教授",
                         "循环经济；清洁生产", "广东省", "广州", "2025-01-01", "2029-12-31"])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


def counts(db, *models) -> list[int]:
    db.session.rollback()
    return [db.session.scalar(select(func.count()).select_from(m)) for m in models]


def killed_while_writing(victim, pg, tables: list[str]) -> None:
    """Wait for the victim's stall point, check it has written uncommitted rows, SIGKILL it, and wait until
    the server has ended its session."""
    pid = victim.wait_stalled()
    session = session_of(pg, victim.name)
    assert session["pid"] == pid and session["state"] == "idle in transaction" and session["xid"], session
    for table in tables:
        assert wrote_to(pg, pid, table), table
    victim.sigkill()
    wait_session_gone(pg, victim.name)


# Where the victims are killed: before the last statements of their transaction, and before its COMMIT.
IMPORT_STALLS = (r"INSERT INTO audit_entries", "COMMIT")
DRAW_STALLS = (r"INSERT INTO bookings", "COMMIT")


def test_an_import_killed_midway_stores_no_expert_and_a_rerun_imports_all(app, db, victims, pg, tmp_path):
    from expert_pool.models import Employment, Expert, Organization, StatusChange

    models = (Expert, Organization, Employment, StatusChange, AuditEntry)
    before = counts(db, *models)
    db.session.remove()
    path = tmp_path / "专家库.csv"
    big_csv(path)

    for stall in IMPORT_STALLS:
        victim = victims("cli", "experts", "import", str(path), stall=stall)
        killed_while_writing(victim, pg, ["organizations", "experts", "expert_specialties", "expert_employments"])

        assert counts(db, *models) == before, stall  # all or nothing: nothing
        assert pg("SELECT count(*) FROM expert_specialties") == 0
        assert verify_chain().ok

    rerun = victims("cli", "experts", "import", str(path))
    code, out, err = rerun.finish()
    assert code == 0, err
    assert f"imported {ROWS} experts" in out
    experts, organizations, _, _, entries = counts(db, *models)
    assert (experts, organizations) == (ROWS, before[1] + 400)
    assert entries == before[-1] + ROWS
    report = verify_chain()
    assert report.ok and report.entries == entries


def test_a_draw_killed_midway_leaves_no_panel_and_a_rerun_draws(app, db, victims, pg, park, pool, make_user):  # noqa: F811
    from panels.models import Booking, Draw, Panel, PanelMember

    _, token = make_user("office", password=None)
    models = (Panel, Draw, PanelMember, Booking, AuditEntry)
    park_id = park.id
    before = counts(db, *models)
    db.session.remove()
    body = json.dumps({"park_id": park_id, "kind": "acceptance_meeting", "meeting_date": "2027-03-10", "size": 7,
                       "alternates": 3})
    env = {"FAULTS_TOKEN": token, "FAULTS_CLOCK": PINNED_START.isoformat()}

    for stall in DRAW_STALLS:
        victim = victims("post", "/api/v1/panels", body, stall=stall, env=env)
        killed_while_writing(victim, pg, ["panels", "draws", "panel_members", "audit_entries"])

        assert counts(db, *models) == before, stall
        # and nothing dangling anywhere: every member and booking belongs to a panel that has its draw
        assert pg("SELECT count(*) FROM panel_members m LEFT JOIN draws d ON d.id = m.draw_id "
                  "WHERE d.id IS NULL") == 0
        assert pg("SELECT count(*) FROM bookings b WHERE NOT EXISTS "
                  "(SELECT 1 FROM draws d WHERE d.panel_id = b.panel_id)") == 0
        assert verify_chain().ok

    rerun = victims("post", "/api/v1/panels", body, env=env)
    code, out, err = rerun.finish()
    assert code == 0 and out.startswith("201"), (out, err)
    panels, draws, members, bookings, _ = counts(db, *models)
    assert (panels, draws, members, bookings) == (before[0] + 1, before[1] + 1, before[2] + 10, before[3] + 7)
    assert verify_chain().ok


def test_a_sweep_killed_mid_batch_resumes_and_fires_everything_once(app, db, victims, pg):
    from tests.scheduling.bulk import effects, seed_due_parks

    seed_due_parks(300)
    db.session.remove()

    # the first batch of 100 is committed; the second is applied, its audit entries are next
    victim = victims("sweep-deadlines", stall=r"INSERT INTO audit_entries", nth=2)
    killed_while_writing(victim, pg, ["park_deadlines", "park_transitions", "parks", "audit_head"])

    assert effects()["fired"] == 100 and effects()["system_transitions"] == 100
    assert verify_chain().ok

    rerun = victims("sweep-deadlines")
    code, out, err = rerun.finish()
    assert code == 0 and "HANDLED 200" in out, (out, err)
    db.session.remove()
    assert effects() == {"fired": 300, "pending_due": 0, "failed": 0, "system_transitions": 300,
                         "parks_transitioned_twice": 0, "proposals": 0}
    report = verify_chain()
    assert report.ok and report.entries >= 300
