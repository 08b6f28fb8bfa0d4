"""Importing a spreadsheet in two steps: a dry run shows every problem by row and column before anything is
stored; a clean file is kept (see :mod:`.staging`) until the user confirms, and that same file is imported.

Both steps are the API's ``exchange.import_file`` (dry run, then for real), so the report, the all-or-nothing
rule, the duplicate checks that hide masked identifiers and the audit are the API's; both count against the
same per-user import rate limit (``ecopanel.auth.limits``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request

from expert_pool import exchange, policy
from expert_pool.boundary import keep_refusal_audit
from expert_pool.pages import staging
from expert_pool.pages.blueprint import bp
from expert_pool.pages.forms import FormErrors, general
from expert_pool.services import FORBIDDEN
from ground import clock
from ground.actor import Actor
from ground.api import request_language
from ground.errors import DomainError, Forbidden
from ground.extensions import db
from ground.guard import current_actor
from ground.i18n import _l, localize

ISSUES_SHOWN = 500  # a file with thousands of bad rows: the first ones tell what to fix
NO_FILE = _l("Choose an Excel (.xlsx) or CSV file to import.")
GONE = _l("This file was already imported or has expired (uploads are kept for an hour); upload it again.")


def _importer(actor: Actor):
    if not policy.may_import(actor):  # the same roles import_file admits
        raise Forbidden(None, FORBIDDEN)
    return actor


def _run(actor: Actor, data: bytes, filename: str, *, dry_run: bool) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(the report, or None when refused; what the page shows of a refusal)."""
    try:
        return exchange.import_file(actor, data, filename, dry_run, clock.today(),
                                    max_rows=current_app.config["IMPORT_MAX_ROWS"]), {}
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        keep_refusal_audit(exc)
        db.session.rollback()
        lang = request_language()
        issues = [{"row": i.get("row"), "column": localize(i.get("column"), lang),
                   "message": localize(i.get("message"), lang)} for i in exc.extra.get("issues", [])]
        rows = exc.extra.get("rows")
        return None, {"message": localize(exc.message, lang), "issues": issues[:ISSUES_SHOWN],
                      "issue_count": len(issues), "bad_rows": len({i["row"] for i in issues}), "rows": rows,
                      "errors": FormErrors.of(exc.errors, ("file",)) if not issues else FormErrors()}


def _page(stage: str, status: int = 200, **context):
    return render_template("expert_pool/import.html", stage=stage, actor=current_actor(),
                           errors=context.pop("errors", FormErrors()), **context), status


@bp.route("/experts/import", methods=["GET", "POST"])
def import_upload():
    """Step 1: choose a file; its dry-run report, row by row and column by column."""
    actor = _importer(current_actor())
    if request.method == "GET":
        return _page("upload")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page("upload", 422, errors=FormErrors(fields={"file": [localize(NO_FILE, request_language())]}))
    data, filename = upload.read(), upload.filename
    report, refusal = _run(actor, data, filename, dry_run=True)
    if report is None:
        return _page("upload", 422, filename=filename, **refusal)
    return _page("confirm", filename=filename, report=report, token=staging.stage(actor.user_id, data, filename))


@bp.route("/experts/import/confirm", methods=["POST"])
def import_confirm():
    """Step 2: import the file that was checked (all rows or none)."""
    actor = _importer(current_actor())
    staged = staging.take(actor.user_id, request.form.get("token", ""))
    if staged is None:
        return _page("upload", 410, errors=general(GONE))
    data, filename = staged
    report, refusal = _run(actor, data, filename, dry_run=False)
    if report is None:  # the pool changed since the dry run (someone added one of these experts)
        return _page("upload", 422, filename=filename, **refusal)
    return _page("done", filename=filename, report=report)
