"""``GET /api/v1/health``: is the service up and can it reach its database?"""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import text

from ground.api import Blueprint
from ground.extensions import db
from ground.guard import public

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Liveness and readiness")


@blp.route("/health")
@public
class Health(MethodView):
    @blp.response(200)
    def get(self):
        """Service and database status (no authentication)"""
        try:
            db.session.execute(text("SELECT 1"))
            database = "ok"
        except Exception:
            db.session.rollback()
            return {"status": "degraded", "database": "unavailable"}, 503
        return {"status": "ok", "database": database}
