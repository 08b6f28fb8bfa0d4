"""The commands of ``ecopanel`` (see ../shared/API.md): each builds the application only when it runs."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ground.cli import fail
from ground.errors import DomainError
from ground.i18n import _l
from panels.cli import draws_group
from scheduling.cli import calendar_group


def upgrade_database() -> None:
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


def _serve(host: str, port: int, with_scheduler: bool) -> None:
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()
    if with_scheduler:
        from ecopanel.worker import start_embedded_scheduler

        start_embedded_scheduler(app)
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def demo_command(host: str, port: int) -> None:
    """Migrate, load the demo data if the database is empty, print the demo logins, and serve."""
    from ecopanel import demo

    upgrade_database()
    if demo.is_empty():
        click.echo(f"Loading demo data (deterministic, seed {demo.SEED})...")
        demo.load()
    click.echo(demo.logins_text(f"http://{host}:{port}"))
    _serve(host, port, with_scheduler=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve the current database with the embedded scheduler (migrates first in the embedded mode)."""
    from ecopanel.config import is_sqlite

    if is_sqlite(current_app):
        upgrade_database()
    _serve(host, port, with_scheduler=True)


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Run the scheduler, deadline sweeper and mail outbox as a process of their own."""
    from ecopanel.worker import registered_sweepers, run_worker

    click.echo("worker: " + (", ".join(s.name for s in registered_sweepers()) or "no sweepers registered"))
    run_worker(current_app._get_current_object())


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Migrate, then load the demo data into an empty database."""
    from ecopanel import demo

    upgrade_database()  # a database never migrated has no tables to look into
    if not demo.is_empty():
        click.echo("The database already holds data; demo data is loaded only into an empty database.", err=True)
        sys.exit(1)
    demo.load()
    click.echo(demo.logins_text(current_app.config["PUBLIC_BASE_URL"]))


@click.group("users")
def users_group() -> None:
    """Accounts."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["office", "province", "park", "expert"]))
@click.option("--province", help="Two-digit province code (role province)")
@click.option("--park", "park_id", type=int, help="Park id (role park)")
@click.option("--expert", "expert_id", type=int, help="Expert id (role expert)")
@click.option("--admin", is_flag=True, help="Office administrator")
@click.option("--name", default="", help="The person's name, as colleagues read it")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input")
@with_appcontext
def users_create(email, role, province, park_id, expert_id, admin, name, password_stdin) -> None:
    """Add an account."""
    from ecopanel.auth.services import create_user
    from expert_pool.rules.regions import PROVINCES
    from ground.actor import SYSTEM
    from ground.extensions import db

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    if province is not None and province not in PROVINCES:
        raise click.BadParameter(f"unknown province code {province!r} (two-digit GB/T 2260, e.g. 32)",
                                 param_hint="--province")
    try:
        _check_reference(park_id, expert_id)
        user = create_user(SYSTEM, email, role, password=password, province=province, park_id=park_id,
                           expert_id=expert_id, is_admin=admin, name=name)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        fail(exc)
    click.echo(f"created user {user.id} {user.email} ({user.role})")


def _check_reference(park_id: int | None, expert_id: int | None) -> None:
    from expert_pool.models import Expert
    from ground.errors import not_found
    from ground.extensions import db
    from scheduling.models import Park

    if park_id is not None and db.session.get(Park, park_id) is None:
        raise not_found(_l("Park"), park_id)
    if expert_id is not None and db.session.get(Expert, expert_id) is None:
        raise not_found(_l("Expert"), expert_id)


@click.group("tokens")
def tokens_group() -> None:
    """API bearer tokens."""


@tokens_group.command("issue")
@click.argument("email")
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3650))
@with_appcontext
def tokens_issue(email: str, days: int) -> None:
    """Print a new bearer token for the user, and nothing else, on stdout."""
    from sqlalchemy import select

    from ecopanel.auth.services import issue_token
    from ground.accounts import User
    from ground.actor import SYSTEM
    from ground.extensions import db

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        click.echo(f"错误: 账户 {email} 不存在。 / error: no account {email}.", err=True)
        sys.exit(1)
    token = issue_token(SYSTEM, user, name="cli", days=days)
    db.session.commit()
    click.echo(token)


@click.group("experts")
def experts_group() -> None:
    """Bulk import and export of the pool."""


@experts_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report; store nothing")
@with_appcontext
def experts_import(file: Path, dry_run: bool) -> None:
    """Import experts from CSV or XLSX: every row valid, or none stored."""
    from expert_pool.exchange import import_file
    from ground import clock
    from ground.actor import SYSTEM
    from ground.extensions import db

    try:
        report = import_file(SYSTEM, file.read_bytes(), file.name, dry_run, clock.today(),
                             max_rows=current_app.config["IMPORT_MAX_ROWS"])
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        _print_issues(exc)
        fail(exc)
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {report['rows']} experts from {file.name}"
               f" ({len(report['organizations_created'])} new organisations)")


def _print_issues(exc: DomainError) -> None:
    for issue in exc.extra.get("issues", []):
        row = f"row {issue['row']}" if issue.get("row") else "file"
        message = issue["message"]
        zh, en = (message.zh, message.en) if hasattr(message, "zh") else (message, message)
        click.echo(f"  {row} [{issue.get('column') or '-'}] {zh} / {en}", err=True)


@experts_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]), show_default=True)
@with_appcontext
def experts_export(file: Path, lang: str) -> None:
    """Export the whole pool; the format follows the file name (.csv or .xlsx)."""
    from expert_pool.exchange import export_experts
    from ground.actor import SYSTEM
    from ground.extensions import db

    fmt = file.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise click.BadParameter("the file name must end in .csv or .xlsx", param_hint="FILE")
    data = export_experts(SYSTEM, fmt, lang)
    db.session.commit()
    file.write_bytes(data)
    click.echo(f"exported to {file}")


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log."""


@audit_group.command("verify")
@click.option("--since", metavar="CHECKPOINT",
              help="A checkpoint printed by `ecopanel audit checkpoint`, or a file holding one or more: the chain must "
                   "still contain each, unchanged, with at least as many entries")
@with_appcontext
def audit_verify(since: str | None) -> None:
    """Check every link of the audit chain; name the first bad entry."""
    from ground.audit import verify_chain
    from ground.audit_checkpoints import PREFIX, BadCheckpoint, parse_checkpoints, verify_since

    if since is None:
        report, checked = verify_chain(), []
    else:
        text = since if since.lstrip().startswith(PREFIX) else _read_checkpoint_file(since)
        try:
            checked = parse_checkpoints(text)
        except BadCheckpoint as exc:
            click.echo(f"错误: 检查点无效 / error: bad checkpoint: {exc}", err=True)
            sys.exit(1)
        report = verify_since(checked)
    if report.ok:
        anchored = f", holding {len(checked)} checkpoint(s) up to entry {max(c.seq for c in checked)}" \
            if checked else ""
        click.echo(f"audit chain ok: {report.entries} entries{anchored}")
        return
    click.echo(f"audit chain broken at entry {report.first_bad_seq}: {report.reason}"
               f" ({report.entries} entries verified before it)", err=True)
    sys.exit(1)


def _read_checkpoint_file(name: str) -> str:
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"错误: 无法读取检查点 / error: cannot read the checkpoint {name!r}: {exc}", err=True)
        sys.exit(1)


@audit_group.command("checkpoint")
@click.option("--mail", is_flag=True, help="Also mail it through the outbox to AUDIT_CHECKPOINT_RECIPIENTS")
@with_appcontext
def audit_checkpoint(mail: bool) -> None:
    """Verify the chain, then print a signed checkpoint of its head (sequence number, hash, count): keep it
    away from the database, and check against it with `ecopanel audit verify --since`."""
    from ecopanel.audit import ChainBroken, issue_checkpoint
    from ground import clock
    from ground.extensions import db

    try:
        checkpoint = issue_checkpoint(clock.now(), mail=mail)
        db.session.commit()
    except (ChainBroken, ValueError) as exc:
        db.session.rollback()
        click.echo(f"错误: 未生成检查点 / error: no checkpoint: {exc}", err=True)
        sys.exit(1)
    click.echo(checkpoint.text())


COMMANDS = (demo_command, serve_command, worker_command, seed_demo_command, users_group, tokens_group,
            experts_group, audit_group, calendar_group, draws_group)
