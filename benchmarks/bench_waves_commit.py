"""A wave through the service, proposed and committed (issue 15: a committed plan in <= 30 s, 0 conflicts).

    .venv/bin/python benchmarks/bench_waves_commit.py [--backend sqlite|postgresql] [--parks 100] [--experts 5000]

Instance: the realistic pool of ``bench_draw_api`` (5,000 experts, 1,000 organisations, 31 provinces, the demo's
specialty frequencies, 45 % senior), 100 parks in 31 provinces, 7-member panels under the performance
evaluation's rules of ``bench_waves`` (a member of each of three specialties, 2 senior, 1 per organisation, 2
per province, none of the park's own province, 2 rest days), at most 3 meetings a day over the first 60
working days of March 2027 on, one wave panel per expert. The parks stand at the acceptance stage (the stage
check passes on the state alone; the planner does not depend on the kind).

Reported: ``POST /api/v1/waves`` split into loading the pool (the canonical inputs) and planning (the
planner, its LP bound and replays); ``POST /api/v1/waves/{id}/commit`` (re-check, 100 panels with their draws,
members, bookings and invitations); then from the database: parks placed, conflicts (an expert twice a day,
within the rest days, a panel breaking its quotas).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections import defaultdict
from datetime import date, timedelta

from bench_draw_api import fill
from common import database_url, machine, make_app

RULES = {"specialty_quotas": [{"specialty": "industrial_symbiosis", "min": 1, "max": 50},
                              {"specialty": "low_carbon", "min": 1, "max": 50},
                              {"specialty": "env_management", "min": 1, "max": 50}],
         "min_senior": 2, "own_province_cap": 0, "max_per_province": 2, "min_rest_days": 2,
         "max_per_organization": 1, "chair_senior": True}


class Timer:
    """Wall time spent in a function of a module, summed over its calls."""

    def __init__(self, module, name: str) -> None:
        self.spent = 0.0
        inner = getattr(module, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.spent += time.perf_counter() - started
        setattr(module, name, timed)


def setup(app, parks: int) -> tuple[str, list[int]]:
    from ecopanel.auth.services import create_user, issue_token
    from expert_pool.models import Organization
    from expert_pool.rules.regions import PROVINCES
    from ground.actor import SYSTEM
    from ground.extensions import db
    from panels.models import RuleSet
    from scheduling.models import Park

    provinces = list(PROVINCES)
    with app.app_context():
        ids = []
        for i in range(parks):
            agency = Organization(name=f"基准波次园区管委会{i}", type="park_agency", province=provinces[i % 31])
            park = Park(name=f"基准波次园区{i}", province=provinces[i % 31], management_agency=agency,
                        state="verification_passed")
            db.session.add_all([agency, park])
            db.session.flush()
            ids.append(park.id)
        db.session.add(RuleSet(name="bench-wave", version=1, kind=None, is_default=False, created_by="bench",
                               rules=RULES))
        token = issue_token(SYSTEM, create_user(SYSTEM, "bench-wave@example.cn", "office"))
        db.session.commit()
    return token, ids


def conflicts(app, panel_ids: list[int], rest: int) -> tuple[int, int, int]:
    """(an expert twice a day, within the rest days, panels breaking their quotas) among the wave's panels."""
    import sqlalchemy as sa

    from ground.extensions import db
    from panels.models import Booking, Draw, Panel, PanelMember
    from panels.solver import Candidate, Quota, panel_violations

    with app.app_context():
        rows = db.session.execute(sa.select(Booking.expert_id, Booking.day).where(Booking.panel_id.in_(panel_ids)))
        days: dict[int, list[date]] = defaultdict(list)
        for expert_id, day in rows:
            days[expert_id].append(day)
        twice = sum(len(d) - len(set(d)) for d in days.values())
        close = sum(1 for d in days.values() for a in d for b in d if a < b and (b - a).days < rest)
        broken = 0
        for panel in db.session.scalars(sa.select(Panel).where(Panel.id.in_(panel_ids))):
            draw = db.session.scalar(sa.select(Draw).where(Draw.panel_id == panel.id))
            members = [str(m) for m in db.session.scalars(sa.select(PanelMember.expert_id).where(
                PanelMember.panel_id == panel.id, PanelMember.role == "member"))]
            cands = {cid: Candidate(cid, frozenset(g)) for cid, g in draw.inputs["candidates"]}
            quotas = [Quota(g, lo, hi) for g, lo, hi in draw.inputs["quotas"]]
            broken += bool(panel_violations(members, cands, quotas, panel.size))
    return twice, close, broken


def run(backend: str, parks: int, experts: int, days: int) -> None:
    import panels.waves.commit as committing
    import panels.waves.services as services

    url = database_url(backend, "ecopanel_bench_waves")
    if url is None:
        print(f"{backend}: not reachable, skipped")
        return
    app = make_app(url)
    fill(app, experts)
    token, park_ids = setup(app, parks)
    random.Random(3).shuffle(park_ids)
    with app.app_context():
        from ground import clock
        from panels.waves.inputs import working_days
        window = working_days(date(2027, 3, 1), date(2027, 3, 1) + timedelta(days=120), clock.now())[:days]
    load, plan = Timer(services, "load_inputs"), Timer(services, "plan_wave")
    recheck = Timer(committing, "stale_members")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    load_before = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()
    response = client.post("/api/v1/waves", headers=headers, json={
        "kind": "acceptance_meeting", "park_ids": park_ids, "from": window[0].isoformat(),
        "to": window[-1].isoformat(), "size": 7, "max_per_day": 3, "rule_set": "bench-wave"})
    proposed = time.perf_counter() - started
    assert response.status_code == 201, response.json
    wave = response.json
    started = time.perf_counter()
    committed = client.post(f"/api/v1/waves/{wave['id']}/commit", headers=headers)
    commit_s = time.perf_counter() - started
    cpu = time.process_time() - cpu
    assert committed.status_code == 200, committed.json
    panel_ids = list(committed.json["panels"].values())
    twice, close, broken = conflicts(app, panel_ids, RULES["min_rest_days"])
    f = wave["fairness"]
    print(f"{backend:<10} wave of {parks} parks, {experts:,} experts, {len(window)} working days, M=3, 7 members: "
          f"placed {len(wave['meetings'])}/{parks}, unplaced {len(wave['unplaced'])}; "
          f"propose {proposed:.1f} s (load {load.spent:.1f} s, plan {plan.spent:.1f} s, rest "
          f"{proposed - load.spent - plan.spent:.1f} s: commitment, storing, presenting); commit {commit_s:.1f} s "
          f"(re-check {recheck.spent:.1f} s); total {proposed + commit_s:.1f} s wall, {cpu:.1f} s CPU of this process "
          f"(load {load_before:.1f} -> {os.getloadavg()[0]:.1f}); conflicts: twice a day {twice}, "
          f"rest days {close}, quotas broken {broken}; fairness: least expected {f['estimated_min']:.4f} "
          f"/ bound {f['bound']:.4f} = {f['ratio']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--parks", type=int, default=100)
    parser.add_argument("--experts", type=int, default=5000)
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    run(args.backend, args.parks, args.experts, args.days)


if __name__ == "__main__":
    main()
