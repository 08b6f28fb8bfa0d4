"""The staff dashboard (/dashboard) rendered on the demo programme (2,400 experts, 71 parks with their
history): p50 and p95 of the whole request, for the Office and for a province, after one warm-up request.

    python benchmarks/bench_pages_dashboard.py [--backend sqlite|postgresql] [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import database_url, machine, make_app


def signed_in_client(app, email: str):
    from flask_login.utils import _create_identifier

    from ground.accounts import User
    from ground.clock import wall_now
    from ground.extensions import db

    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        user_id, version = user.id, user.session_version
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        ident = _create_identifier()
    stamp = int(wall_now().timestamp())
    with client.session_transaction() as session:
        session.update({"_user_id": str(user_id), "_fresh": True, "_id": ident, "auth_at": stamp, "seen_at": stamp,
                        "auth_v": version})
    return client


def measure(client, runs: int) -> tuple[float, float]:
    assert client.get("/dashboard").status_code == 200  # warm-up: templates compiled, caches filled
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/dashboard")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    url = database_url(args.backend, "ecopanel_bench_dashboard")
    if url is None:
        raise SystemExit("PostgreSQL is not reachable")
    app = make_app(url)
    started = time.perf_counter()
    with app.app_context():
        from ecopanel import demo

        demo.load()
    print(f"demo data loaded in {time.perf_counter() - started:.0f} s ({args.backend}); {machine()}")
    for email in ("office@ecopanel.demo", "jiangsu@ecopanel.demo"):
        p50, p95 = measure(signed_in_client(app, email), args.runs)
        print(f"GET /dashboard as {email}: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms ({args.runs} runs)")


if __name__ == "__main__":
    main()
