"""How fast the convening pages render on the demo data: the date calendar of a 4-week window, the rules step
with its funnel, and a drawn panel's page as the Office (with the chances picture) and as its province.

    .venv/bin/python benchmarks/bench_pages_convene.py [--backend sqlite|postgresql] [--runs 10] [--reuse URL]

Loads the demo programme (2,400 experts, 71 parks) into a fresh database, picks a park whose stage calls for a
panel the Office convenes, and renders each page ``--runs`` times after one warm-up through the whole app.
Prints p50, p95 and max per page, the machine and its load.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta

from bench_pages_park import signed_in_client
from common import demo_app, machine


def pick(app):
    """(park id, kind, a panel id, the panel's province user or None): a park whose stage calls for a panel, and
    a panel drawn for it now by the draw service (the demo's history holds no drawn panels)."""
    from datetime import timedelta

    from sqlalchemy import select

    from ground.accounts import User
    from ground.actor import Actor, Role
    from ground.clock import today
    from ground.extensions import db
    from panels.services import draw_new_panel
    from panels.services.convening import kinds_open_to
    from scheduling.models import Park

    office = Actor(user_id=None, label="bench", role=Role.OFFICE)
    with app.app_context():
        for park in db.session.scalars(select(Park).order_by(Park.id)):
            kinds = kinds_open_to(office, park, today())
            if kinds:
                break
        panel = draw_new_panel(office, {"park_id": park.id, "kind": kinds[0], "size": 5, "alternates": 2,
                                        "meeting_date": today() + timedelta(days=40), "location": "bench"})
        db.session.commit()
        province = db.session.scalar(select(User.email).where(User.role == "province",
                                                              User.province == panel.convened_by).limit(1))
        return park.id, kinds[0], panel.id, province


def measure(client, path: str, runs: int) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return f"p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms ({runs} runs)"


def main() -> None:
    app, args = demo_app(__doc__.splitlines()[0], "ecopanel_bench_convene", runs=10)
    from ecopanel.demo import DEMO_NOW
    park_id, kind, panel_id, province = pick(app)
    start = (DEMO_NOW + timedelta(days=21)).date()
    window = f"kind={kind}&size=5&from={start}&to={start + timedelta(days=27)}"
    office = signed_in_client(app, "office@ecopanel.demo")
    calendar = measure(office, f"/parks/{park_id}/convene?{window}", args.runs)
    print(f"calendar, 28 days, park {park_id} {kind}: {calendar}")
    rules = f"/parks/{park_id}/convene/rules?{window}&meeting_date={start + timedelta(days=1)}"
    print(f"rules and funnel: {measure(office, rules, args.runs)}")
    print(f"panel page, Office (chances picture): {measure(office, f'/panels/{panel_id}', args.runs)}")
    if province:
        print(f"panel page, province: {measure(signed_in_client(app, province), f'/panels/{panel_id}', args.runs)}")
    print(f"machine: {machine()}; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
