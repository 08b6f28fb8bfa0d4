"""How fast a park's page renders: ``GET /parks/<id>`` on the demo data (target: p50 <= 200 ms).

    .venv/bin/python benchmarks/bench_pages_park.py [--backend sqlite|postgresql] [--runs 30] [--reuse URL]

Loads the demo programme (``ecopanel.demo.load``: 2,400 experts, 71 parks driven through their histories) into
a fresh database, then renders, as the Office, the page of the park with the longest history (and of the
park with the most materials), each ``--runs`` times after one warm-up, through the whole app: sign-in
session, permission matrix, the timeline service with its panel source, the lifecycle's options, the SVG
picture and the template. Prints p50, p95 and max per page, the machine and its load.
"""

from __future__ import annotations

import os
import statistics
import time

from common import demo_app, machine


def signed_in_client(app, email: str):
    """A client with the page session that signing in leaves (the password hash is not what is measured)."""
    from flask_login.utils import _create_identifier
    from sqlalchemy import select

    from ground.accounts import User
    from ground.clock import now
    from ground.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        client = app.test_client()
        with app.test_request_context(environ_base=client.environ_base):
            ident = _create_identifier()
        stamp = int(now().timestamp())
        with client.session_transaction() as session:
            session.update({"_user_id": str(user.id), "_fresh": True, "_id": ident, "auth_at": stamp,
                            "seen_at": stamp, "auth_v": user.session_version})
    return client


def pick_parks(app) -> dict[str, int]:
    from sqlalchemy import func, select

    from ground.extensions import db
    from scheduling.models import Material, ParkTransition

    with app.app_context():
        longest = db.session.execute(select(ParkTransition.park_id, func.count()).group_by(ParkTransition.park_id)
                                     .order_by(func.count().desc(), ParkTransition.park_id).limit(1)).first()
        most = db.session.execute(select(Material.park_id, func.count()).group_by(Material.park_id)
                                  .order_by(func.count().desc(), Material.park_id).limit(1)).first()
    return {f"longest history ({longest[1]} steps)": longest[0], f"most materials ({most[1]})": most[0]}


def main() -> None:
    app, args = demo_app(__doc__.splitlines()[0], "ecopanel_bench_pages", runs=30)
    client = signed_in_client(app, "office@ecopanel.demo")
    for label, park_id in pick_parks(app).items():
        path = f"/parks/{park_id}"
        response = client.get(path)  # warm-up: templates compiled, caches filled
        assert response.status_code == 200, response.status_code
        size = len(response.data)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(f"{path} {label}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms "
              f"({args.runs} runs, {size // 1024} KiB)")
    print(f"machine: {machine()}; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
