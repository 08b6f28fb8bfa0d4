"""How fast the command line starts: ``ecopanel --help`` and ``ecopanel draws verify BUNDLE`` (target: < 1 s).

Each command runs as a new process, as an operator types it; the figures are wall-clock times over several
runs (min, median, max). ``draws verify BUNDLE`` is timed whole: start, the solver's import (OR-Tools CP-SAT,
which imports pandas) and the offline replay of a real draw's bundle, made here on a small SQLite pool.
The machine and its load (``uptime``) are printed with the figures: on a shared machine, compare runs made
at an idle moment.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import database_url, machine, make_app

ECOPANEL = str(Path(sys.executable).with_name("ecopanel"))


def make_bundle(directory: Path) -> Path:
    """A real draw's audit bundle: a 300-expert pool, one default acceptance panel, GET /panels/{id}/audit."""
    from bench_draw_api import fill

    app = make_app(database_url("sqlite"))
    fill(app, 300)
    with app.app_context():
        from ecopanel.auth.services import create_user, issue_token
        from expert_pool.models import Organization
        from ground.actor import SYSTEM
        from ground.extensions import db
        from scheduling.models import Park

        agency = Organization(name="基准园区管委会", type="park_agency", province="32")
        park = Park(name="基准园区", province="32", management_agency=agency, state="under_construction")
        db.session.add_all([agency, park])
        token = issue_token(SYSTEM, create_user(SYSTEM, "bench@example.cn", "office"))
        db.session.commit()
        park_id = park.id
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    drawn = client.post("/api/v1/panels", headers=headers, json={
        "park_id": park_id, "kind": "acceptance_meeting", "meeting_date": "2027-04-05", "size": 9, "alternates": 3})
    assert drawn.status_code == 201, drawn.json
    bundle = client.get(f"/api/v1/panels/{drawn.json['id']}/audit", headers=headers)
    assert bundle.status_code == 200, bundle.json
    path = directory / "bundle.json"
    path.write_bytes(bundle.data)
    return path


def timed(args: list[str], runs: int, expect: str | None = None, program: str = ECOPANEL) -> list[float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOPANEL_") and k != "DATABASE_URL"}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([program, *args], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
        times.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
        assert expect is None or expect in done.stdout, done.stdout
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"load before: {Path('/proc/loadavg').read_text().split()[:3]} (1, 5, 15 min)")
    with tempfile.TemporaryDirectory() as directory:
        bundle = make_bundle(Path(directory))
        # The replay's own start: a bare interpreter, and one that imports what `draws verify` needs to replay
        # (panels.rules.bundle: the solver, OR-Tools CP-SAT, pandas, numpy), as the command does once it has started.
        commands = [(["--help"], None, ECOPANEL), (["draws", "verify", "--help"], None, ECOPANEL),
                    (["-c", "pass"], None, sys.executable),
                    (["-c", "import panels.rules.bundle"], None, sys.executable),
                    (["draws", "verify", str(bundle)], "verified", ECOPANEL)]
        for command, expect, program in commands:
            timed(command, 1, expect, program)  # warm the page cache and the bytecode
            times = timed(command, args.runs, expect, program)
            name = "ecopanel" if program == ECOPANEL else "python"
            label = name + " " + " ".join("BUNDLE" if part == str(bundle) else part for part in command)
            print(f"{label:<36} min {min(times):.2f} s, median {statistics.median(times):.2f} s, "
                  f"max {max(times):.2f} s over {args.runs} runs")
    print(f"load after: {Path('/proc/loadavg').read_text().split()[:3]} (1, 5, 15 min)")


if __name__ == "__main__":
    main()
