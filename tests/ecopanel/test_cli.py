"""The command line, as an operator uses it."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from expert_pool.models import Expert
from ground.accounts import User
from tests.expert_pool.test_import_export import csv_bytes, zh_row

ECOPANEL = str(Path(sys.executable).with_name("ecopanel"))


def test_users_create_and_tokens_issue(app, db, client):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "create", "Staff@Example.com", "--role", "province", "--province", "32",
                                  "--name", "陈静", "--password-stdin"], input="a-long-enough-password\n")
    assert created.exit_code == 0, created.output
    user = db.session.scalar(select(User).where(User.email == "staff@example.com"))
    assert user.province == "32" and user.password_hash.startswith("$argon2") and user.name == "陈静"

    issued = runner.invoke(args=["tokens", "issue", "staff@example.com"])
    assert issued.exit_code == 0
    token = issued.stdout.strip()
    assert issued.stdout == token + "\n"  # the token and nothing else
    response = client.get("/api/v1/experts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize("args, fragment", [
    (["users", "create", "x@example.com", "--role", "province"], "province"),
    (["users", "create", "x@example.com", "--role", "province", "--province", "99"], "99"),
    (["users", "create", "x@example.com", "--role", "park", "--park", "12345"], "12345"),
    (["users", "create", "x@example.com", "--role", "wizard"], "wizard"),
    (["users", "create", "x@example.com", "--role", "office", "--name", "名" * 101], "100"),
])
def test_users_create_bad_input(app, db, args, fragment):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code in (1, 2)
    assert fragment in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_duplicate_user_is_refused_in_both_languages(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "create", "a@example.com", "--role", "office"]).exit_code == 0
    again = runner.invoke(args=["users", "create", "a@example.com", "--role", "office"])
    assert again.exit_code == 1
    assert "已存在" in again.output and "already exists" in again.output


def test_tokens_issue_for_unknown_user(app):
    result = app.test_cli_runner().invoke(args=["tokens", "issue", "nobody@example.com"])
    assert result.exit_code == 1 and result.stdout == ""


def test_experts_import_dry_run_then_real_then_export(app, db, tmp_path):
    runner = app.test_cli_runner()
    source = tmp_path / "专家名单.csv"
    source.write_bytes(csv_bytes([zh_row(i) for i in range(3)], encoding="gb18030"))
    dry = runner.invoke(args=["experts", "import", str(source), "--dry-run"])
    assert dry.exit_code == 0 and "would import 3" in dry.output
    assert db.session.scalar(select(func.count()).select_from(Expert)) == 0
    real = runner.invoke(args=["experts", "import", str(source)])
    assert real.exit_code == 0 and "imported 3" in real.output
    assert db.session.scalar(select(func.count()).select_from(Expert)) == 3

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([zh_row(7, 手机="123")]))
    failed = runner.invoke(args=["experts", "import", str(bad)])
    assert failed.exit_code == 1
    assert "row 2" in failed.output and "mobile" in failed.output.lower()

    out = tmp_path / "pool.xlsx"
    exported = runner.invoke(args=["experts", "export", str(out)])
    assert exported.exit_code == 0 and out.stat().st_size > 0
    assert runner.invoke(args=["experts", "export", str(tmp_path / "pool.txt")]).exit_code == 2


def test_the_lazy_command_list_names_every_command():
    from ecopanel.cli import APP_COMMANDS, LOADERS, OFFLINE
    from ecopanel.commands import COMMANDS

    assert set(APP_COMMANDS) | OFFLINE == {command.name for command in COMMANDS}
    assert {"db", "shell", "routes"} | set(APP_COMMANDS) | OFFLINE == set(LOADERS)


def test_offline_commands_load_neither_flask_nor_the_solver():
    """``ecopanel draws ...`` starts without Flask; the solver (OR-Tools, pandas) loads only when a draw is replayed."""
    code = ("import sys; from ecopanel.cli import main; main(['draws', 'verify', '--help'], standalone_mode=False); "
            "print(sorted(m for m in ('flask', 'ortools', 'pandas', 'sqlalchemy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("[]"), done.stdout


@pytest.mark.slow
def test_db_upgrade_migrates_a_new_instance(tmp_path):
    """Flask-Migrate's own group (its options set what its commands read), imported only when named."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOPANEL_") and k != "DATABASE_URL"}
    upgraded = _run(["db", "upgrade"], tmp_path, env)
    assert upgraded.returncode == 0, upgraded.stderr
    current = _run(["db", "current"], tmp_path, env)
    assert current.returncode == 0 and "(head)" in current.stdout, current.stderr


def _run(args, cwd, env):
    return subprocess.run([ECOPANEL, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _export_digest(workdir, env) -> tuple[str, list[dict]]:
    exported = _run(["experts", "export", "pool.csv"], workdir, env)
    assert exported.returncode == 0, exported.stderr
    data = (workdir / "pool.csv").read_bytes()
    return hashlib.sha256(data).hexdigest(), list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.slow
def test_demo_serves_at_once_and_seed_demo_loads_the_same_realistic_data(tmp_path):
    """README's first command, as a new user runs it (migrate, load, print logins, serve), and ``seed-demo`` into
    a database never migrated: the two load the same data (deterministic). One test, the two loads side by side:
    each takes most of a minute."""
    import socket
    import time
    import urllib.request

    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOPANEL_") and k != "DATABASE_URL"}
    served, seeded = tmp_path / "demo", tmp_path / "seed-demo"
    served.mkdir()
    seeded.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([ECOPANEL, "demo", "--port", str(port)], cwd=served, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        loaded = _run(["seed-demo"], seeded, env)  # meanwhile
        assert loaded.returncode == 0, loaded.stderr
        assert "office@ecopanel.demo" in loaded.stdout
        assert (seeded / "instance" / "ecopanel.db").exists()
        digest, rows = _export_digest(seeded, env)
        assert len(rows) >= 2000
        assert len({r["所在省份"] for r in rows}) == 31
        assert {"在库", "暂停", "退出"} <= {r["状态"] for r in rows}
        assert _run(["seed-demo"], seeded, env).returncode == 1  # never loaded twice
        verify = _run(["audit", "verify"], seeded, env)
        assert verify.returncode == 0, verify.stderr

        # A deadline against a hung start, not a benchmark: the load takes most of a minute on an idle machine.
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "demo did not start within 300 s"
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
            assert "登录" in response.read().decode()
        assert _export_digest(served, env)[0] == digest
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "office@ecopanel.demo" in output
