"""HTTP API of the caller's bearer tokens: list, issue (shown once), revoke. Every issue and revocation is
audited (in the services). ``ecopanel tokens issue EMAIL`` remains the operators' way to make a first one."""

from __future__ import annotations

from flask import current_app, g
from flask.views import MethodView

from ecopanel.auth import schemas, services
from ground.accounts import ApiToken, User
from ground.api import Blueprint
from ground.clock import as_utc, wall_now
from ground.extensions import db
from ground.guard import current_actor

blp = Blueprint("tokens", __name__, url_prefix="/api/v1",
                description="Your API bearer tokens: list, issue, revoke (Office administrators: anyone's)")


def _present(row: ApiToken, now) -> dict:
    expires = as_utc(row.expires_at)
    return {"id": row.id, "user_id": row.user_id, "name": row.name, "created_at": row.created_at,
            "expires_at": row.expires_at, "revoked_at": row.revoked_at, "last_used_at": row.last_used_at,
            "active": row.revoked_at is None and (expires is None or expires > now)}


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(schemas.TokenQuerySchema, location="query")
    @blp.response(200, schemas.TokenPageSchema)
    def get(self, args):
        """Your tokens, newest first (Office administrators: any user's with ``user_id``); never the secrets"""
        rows, total = services.list_tokens(current_actor(), args.get("user_id"), args["page"], args["page_size"])
        # Tokens are issued and checked on the real clock (see the auth guard), so "active" is judged on it too.
        now = wall_now()
        return {"items": [_present(r, now) for r in rows], "total": total, "page": args["page"],
                "page_size": args["page_size"]}

    @blp.arguments(schemas.TokenCreateSchema, required=False)  # every field is optional: so is the body
    @blp.response(201, schemas.IssuedTokenSchema)
    def post(self, data):
        """Issue a token for yourself; the response is the only time the token is shown"""
        actor = current_actor()
        user = db.session.get(User, actor.user_id)
        not_after = None
        if g.get("token_id") is not None:
            # A token may mint another, but not one that outlives it: a leaked token cannot extend itself.
            not_after = as_utc(db.session.get(ApiToken, g.token_id).expires_at)
        days = data["days"] or current_app.config["TOKEN_DEFAULT_DAYS"]
        now = wall_now()
        token, row = services.issue_token_row(actor, user, name=data["name"], days=days, now=now,
                                              not_after=not_after)
        return {**_present(row, now), "token": token}


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
def token(token_id):
    """Revoke a token of yours (Office administrators: anyone's); revoking twice changes nothing"""
    services.revoke_token(current_actor(), token_id, wall_now())
