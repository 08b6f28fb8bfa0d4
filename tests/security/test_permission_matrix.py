"""The permission matrix (ecopanel/auth/permissions.py), proven against the routing table.

Generated from ``app.url_map``: every endpoint and method that is not public must have a matrix entry and a
request builder here; a new endpoint without them fails :func:`test_every_endpoint_has_a_matrix_entry` and
its own case below. Each case builds a small world (park P and Q of province A, park R of province B,
expert X contributed by A, expert Y contributed by B, a panel of P convened by A ...), then calls the
endpoint as eight users against A's / P's / X's objects and asserts what the matrix says:

* admitted (role and scope): never 401/403/404 and never 5xx (2xx, or a 409/412/422 of the domain);
* refused: 403 or 404 (never 2xx, never 5xx); or 422 ``unknown_park`` for a park named in the body that the
  caller may not see (the answer for a missing park id).

Refused callers go first, so that an admitted caller's change cannot be what makes a refusal pass.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

import pytest
from flask import g

from ecopanel.auth.permissions import PERMISSIONS, Permission, Scope, Who, permission_for
from ground.actor import Actor, Role
from ground.guard import is_public_endpoint
from tests.conftest import Api, valid_id_number

PROVINCE_A, PROVINCE_B = "32", "44"
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai; meetings in 2027 lie ahead
TODAY = "2026-11-24"
MEETING = "2027-03-10"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PERSONAS = ("office", "office_admin", "province_a", "province_b", "park_p", "park_q", "expert_x", "expert_y")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def _routes() -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of the routing table, built once at collection from a throwaway app."""
    from ecopanel.app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "collect",
                      "AUDIT_HMAC_KEY": "collect", "ENVIRONMENT": "test"})
    out = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if is_public_endpoint(rule.endpoint):
                continue
            out += [(rule.endpoint, m, rule.rule) for m in sorted(rule.methods - SKIPPED_METHODS)]
    return sorted(out)


ROUTES = _routes()


# --- the world --------------------------------------------------------------------------------------------


@dataclass
class Persona:
    name: str
    actor: Actor
    api: Api


@dataclass
class Req:
    method: str
    path: str
    json: Any = None
    data: Any = None
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    target: dict[str, Any] = field(default_factory=dict)
    """What the request acts on, for the scope rule: province, park_id, expert_id, contributed_by, convened_by."""
    csrf: bool = False
    """A page form: sent with the session's CSRF token, as the browser sends it (so the view itself answers)."""


def office_actor() -> Actor:
    return Actor(user_id=None, label="matrix-setup", role=Role.OFFICE, is_admin=True)


class World:
    """The objects of the matrix, built lazily (a panel draw only for the cases that need one)."""

    def __init__(self, app, db, client, make_org, make_expert, expert_payload, make_user):
        self.app, self.db, self.client = app, db, client
        self.make_org, self.make_expert, self.expert_payload, self.make_user = (
            make_org, make_expert, expert_payload, make_user)
        self.n = 0

    def serial(self) -> int:
        self.n += 1
        return self.n

    # parks
    def _park(self, province: str, name: str, state: str = "under_construction", **facts):
        from scheduling.models import Park

        agency = self.make_org(name=f"{name}管委会", type="park_agency", province=province)
        park = Park(name=name, province=province, city="南京", management_agency=agency, state=state,
                    approved_on=date(2024, 3, 15), created_at=NOW, **facts)
        self.db.session.add(park)
        self.db.session.commit()
        return park

    @cached_property
    def park_p(self):
        """Under construction with a plan revision required (Art. 24): the plan revision argumentation is the
        panel its state calls for, the one the matrix draws."""
        return self._park(PROVINCE_A, "矩阵园区P", plan_revision_pending=True)

    @cached_property
    def park_q(self):
        return self._park(PROVINCE_A, "矩阵园区Q")

    @cached_property
    def park_r(self):
        return self._park(PROVINCE_B, "矩阵园区R")

    # experts
    @cached_property
    def expert_x(self):
        return self.make_expert(contributed_by=PROVINCE_A, province=PROVINCE_A, status="active")

    @cached_property
    def expert_y(self):
        return self.make_expert(contributed_by=PROVINCE_B, province=PROVINCE_B, status="active")

    @cached_property
    def org(self):
        org = self.make_org(name="矩阵测试大学", province=PROVINCE_A)
        self.db.session.commit()  # the factories flush; a request runs in a session of its own
        return org

    @cached_property
    def blacklisted_org(self):
        from expert_pool.models import Blacklisting

        org = self.make_org(name="矩阵黑名单单位", type="third_party", province=PROVINCE_A)
        self.db.session.add(Blacklisting(organization=org, listed_on=date(2025, 1, 1), reason="造假"))
        self.db.session.commit()
        return org

    # personas
    @cached_property
    def personas(self) -> dict[str, Persona]:
        specs = {
            "office": ("office", {}),
            "office_admin": ("office", {"is_admin": True}),
            "province_a": ("province", {"province": PROVINCE_A}),
            "province_b": ("province", {"province": PROVINCE_B}),
            "park_p": ("park", {"park_id": self.park_p.id}),
            "park_q": ("park", {"park_id": self.park_q.id}),
            "expert_x": ("expert", {"expert_id": self.expert_x.id}),
            "expert_y": ("expert", {"expert_id": self.expert_y.id}),
        }
        out = {}
        for name, (role, kw) in specs.items():
            user, token = self.make_user(role, password=None, **kw)
            if user.is_admin:
                user.totp_secret, user.totp_enabled_at = "JBSWY3DPEHPK3PXP", NOW  # admins' pages need it
                self.db.session.commit()
            out[name] = Persona(name, user.actor(), Api(self.client, token))
        return out

    def page_client(self, persona: Persona):
        """A client signed in to the pages as ``persona`` (the session sign-in leaves behind)."""
        from flask_login.utils import _create_identifier

        from ground.accounts import User

        user = self.db.session.get(User, persona.actor.user_id)
        client = self.app.test_client()
        with self.app.test_request_context(environ_base=client.environ_base):  # Flask-Login's "strong" mode
            ident = _create_identifier()
        with client.session_transaction() as session:
            session.update({"_user_id": str(user.id), "_fresh": True, "_id": ident, "auth_at": int(NOW.timestamp()),
                            "seen_at": int(NOW.timestamp()), "auth_v": user.session_version})
        return client

    def spare_token(self, persona: Persona) -> int:
        """Another token of the persona's own (revoking it leaves the one the test signs in with)."""
        from sqlalchemy import select

        from ecopanel.auth.services import issue_token
        from ground.accounts import ApiToken, User
        from ground.actor import SYSTEM

        issue_token(SYSTEM, self.db.session.get(User, persona.actor.user_id), name="spare")
        self.db.session.commit()
        return self.db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == persona.actor.user_id)
                                      .order_by(ApiToken.id.desc()).limit(1))

    def unavailability(self, expert) -> int:
        """A fresh period of ``expert``'s unavailability (each admitted caller removes one)."""
        from expert_pool.models import Unavailability

        period = Unavailability(expert_id=expert.id, start_date=date(2027, 2, 1), end_date=date(2027, 2, 5),
                                reason="矩阵")
        self.db.session.add(period)
        self.db.session.commit()
        return period.id

    def own_expert(self, who: str):
        """The persona's own expert record (expert Y for expert Y; expert X for everyone else)."""
        return self.expert_y if who == "expert_y" else self.expert_x

    def held_row(self):
        """A row of province B's import held for the Office: it gave expert X's mobile (a fresh one per call)."""
        from expert_pool.services.held import hold_rows

        n = self.serial()
        actor = Actor(user_id=None, label="matrix-province-b", role=Role.PROVINCE, province=PROVINCE_B)
        rec = {"row": 1 + n, "name": f"矩阵暂存{n}", "gender": "M", "birth_year": 1970,
               "id_number": valid_id_number(PROVINCE_B, date(1970, 2, 2), True, 7600 + n), "mobile": self.expert_x.mobile,
               "email": f"held{n}@example.cn", "organization": "矩阵测试大学", "organization_type": "university",
               "title_rank": "senior", "specialties": ["eia"], "province": PROVINCE_B, "city": "广州",
               "recommended_by": PROVINCE_B, "term_start": None, "term_end": None, "status": "active", "language": "zh",
               "held": {"mobile": self.expert_x.id}}
        row = hold_rows(actor, [rec], "matrix.csv")[0]
        self.db.session.commit()
        return row

    # park objects
    @cached_property
    def material(self):
        from scheduling.materials import upload_material

        m = upload_material(office_actor(), self.park_p.id, PDF, "年报.pdf", {"kind": "annual_report", "year": 2025},
                            NOW)
        self.db.session.commit()
        return m

    def report(self, *, reviewed: bool):
        from scheduling.models import AnnualReportRecord

        r = AnnualReportRecord(park_id=self.park_p.id, year=2025, due=date(2026, 6, 30), material_id=self.material.id,
                               submitted_on=date(2026, 1, 10), reviewed_on=date(2026, 2, 1) if reviewed else None,
                               compliant=True if reviewed else None, review_comment="", updated_at=NOW)
        self.db.session.add(r)
        self.db.session.commit()
        return r

    @cached_property
    def submitted_report(self):
        return self.report(reviewed=False)

    @cached_property
    def reviewed_report(self):
        return self.report(reviewed=True)

    @cached_property
    def objection(self):
        from scheduling.models import NoticeObjection

        o = NoticeObjection(park_id=self.park_p.id, cycle=1, notice="public_notice", received_on=date(2024, 1, 10),
                            summary="异议", finding="", recorded_by_label="matrix")
        self.db.session.add(o)
        self.db.session.commit()
        return o

    def proposal(self, park, audience: str = "province"):
        from scheduling.models import WarningProposalRecord

        p = WarningProposalRecord(park_id=park.id, key=f"matrix-{self.serial()}", reason="late_annual_report",
                                  article=27, item=1, message_zh="建议警告", message_en="Warning proposed",
                                  audience=audience, status="open", proposed_on=date(2026, 7, 1))
        self.db.session.add(p)
        self.db.session.commit()
        return p

    # panels
    @cached_property
    def pool(self):
        """Twelve active experts outside province A, each in an organisation of its own."""
        from expert_pool.models import Organization

        provinces = ["11", "33", "37", "42", "51", "61"]
        experts = []
        for i in range(12):
            province = provinces[i % len(provinces)]
            org = Organization(name=f"矩阵池单位{i}", type="university", province=province)
            self.db.session.add(org)
            self.db.session.flush()
            experts.append(self.make_expert(organization_id=org.id, province=province, status="active",
                                            specialties=["circular_economy", "eia"],
                                            id_number=valid_id_number(province, date(1970, 1, 1 + i), True, 7000 + i)))
        return experts

    @cached_property
    def rule_set(self) -> str:
        from sqlalchemy import select

        from panels.models import RuleSet

        # The default for the kind the world draws: a province may draw only under its kind's default set.
        for other in self.db.session.scalars(select(RuleSet).where(RuleSet.kind == "plan_revision")):
            other.is_default = False
        self.db.session.add(RuleSet(name="matrix-open", version=1, kind="plan_revision", is_default=True,
                                    created_by="test", rules={"max_per_organization": 1, "own_province_cap": 0,
                                                              "min_senior": 0, "chair_senior": False}))
        self.db.session.commit()
        return "matrix-open"

    def draw(self, park, province: str):
        from panels.services import draw_new_panel

        assert self.pool and self.rule_set
        actor = Actor(user_id=None, label=f"province-{province}", role=Role.PROVINCE, province=province)
        panel = draw_new_panel(actor, {"park_id": park.id, "kind": "plan_revision",
                                       "meeting_date": date.fromisoformat(MEETING), "size": 3, "alternates": 3,
                                       "rule_set": self.rule_set, "location": "南京"})
        self.db.session.commit()
        return panel

    @cached_property
    def wave(self):
        """A wave of province A: park P's plan revision, proposed (nothing booked)."""
        from panels.waves.services import propose

        assert self.pool and self.rule_set
        actor = Actor(user_id=None, label=f"province-{PROVINCE_A}", role=Role.PROVINCE, province=PROVINCE_A)
        wave = propose(actor, {"kind": "plan_revision", "park_ids": [self.park_p.id], "from": date(2027, 3, 8),
                               "to": date(2027, 3, 12), "size": 3, "max_per_day": 1, "per_expert_cap": 1})
        self.db.session.commit()
        return wave

    @cached_property
    def panel(self):
        """A panel for park P, convened by province A."""
        return self.draw(self.park_p, PROVINCE_A)

    @cached_property
    def members(self) -> list[int]:
        return sorted(m.expert_id for m in self.panel.members if m.role == "member")

    def credit_proposal(self):
        """The open proposal to suspend expert X (a new one once it was decided: a proposal is decided once)."""
        from sqlalchemy import select

        from panels.record.models import CreditProposal

        self.db.session.expire_all()
        found = self.db.session.scalar(select(CreditProposal).where(CreditProposal.status == "open"))
        if found is not None:
            return found
        row = CreditProposal(expert_id=self.expert_x.id, action="suspend", status="open", score=55.0,
                             reason_zh="信用分低于60分", reason_en="credit below 60", rule_version=1,
                             proposed_on=date(2026, 11, 20))
        self.db.session.add(row)
        self.db.session.commit()
        return row

    @cached_property
    def outbox_message(self):
        from notifications.models import OutboxMessage

        row = OutboxMessage(message_id=f"<matrix-{self.serial()}@ecopanel.test>", state="dead",
                            recipients=["someone@example.cn"], template="invitation", subject="邀请", body_text="正文",
                            max_attempts=5, attempts=5, next_attempt_at=NOW, dead_at=NOW)
        self.db.session.add(row)
        self.db.session.commit()
        return row


# --- one realistic request per endpoint and method ---------------------------------------------------------

A = {"province": PROVINCE_A}


def _expert_target(w: World) -> dict[str, Any]:
    return {"province": PROVINCE_A, "expert_id": w.expert_x.id, "contributed_by": PROVINCE_A}


def _park_target(w: World) -> dict[str, Any]:
    return {"province": PROVINCE_A, "park_id": w.park_p.id}


def _panel_target(w: World) -> dict[str, Any]:
    return {"province": PROVINCE_A, "park_id": w.park_p.id, "convened_by": PROVINCE_A}


def _expert_body(w: World, who: str) -> dict[str, Any]:
    data = w.expert_payload(province=PROVINCE_A, contributed_by=PROVINCE_A, status="applicant")
    data["organization_id"] = w.org.id
    return data


def _expert_form(w: World, who: str) -> dict[str, Any]:
    """The add form's fields as a browser posts them (every value text; a province's form has no contributor)."""
    data = _expert_body(w, who)
    return {key: value if isinstance(value, list) else str(value) for key, value in data.items()}


def _version(w: World, expert_id: int) -> int:
    from expert_pool.models import Expert

    w.db.session.expire_all()
    return w.db.session.get(Expert, expert_id).version


def _transition(w: World, who: str) -> dict[str, Any]:
    if who.startswith("park"):
        return {"action": "report_major_change", "date": TODAY, "changed_on": "2026-10-01"}
    if who.startswith("province"):
        return {"action": "require_plan_revision", "date": TODAY}
    return {"action": "start_verification", "date": TODAY}  # the Office has no action here: 409, not 403


def _contact(w: World, who: str) -> dict[str, str]:
    """The persona's own expert's contact details as they are, in English (a change of language only)."""
    from expert_pool.models import Expert

    w.db.session.expire_all()
    expert = w.db.session.get(Expert, w.own_expert(who).id)
    return {"email": expert.email, "mobile": expert.mobile, "language": "en"}


def _member_for(w: World, who: str) -> int:
    return w.members[{"office": 0, "office_admin": 1, "province_a": 2}.get(who, 0)]


def _convene_query(w: World) -> str:
    assert w.pool and w.rule_set
    return "kind=plan_revision&meeting_date=2027-03-11&size=3&alternates=0&location=南京"


def _convene_form(w: World) -> dict[str, Any]:
    assert w.pool and w.rule_set
    return {"kind": "plan_revision", "meeting_date": "2027-03-11", "size": "3", "alternates": "0",
            "supervisor_email": "nobody@example.cn", "supervisor_secret": "wrong"}


def _file(content: bytes, name: str, **form) -> dict[str, Any]:
    return {"file": (io.BytesIO(content), name), **form}


BUILDERS: dict[tuple[str, str], Any] = {
    ("pages.index", "GET"): lambda w, who: Req("GET", "/"),
    ("expert_pool.experts", "GET"): lambda w, who: Req("GET", "/experts"),
    ("expert_pool.expert", "GET"): lambda w, who: Req("GET", f"/experts/{w.expert_x.id}", target=_expert_target(w)),
    # the page's forms create in the caller's own province's name only: no other province to act for
    ("expert_pool.new_expert", "GET"): lambda w, who: Req("GET", "/experts/new"),
    ("expert_pool.new_expert", "POST"): lambda w, who: Req("POST", "/experts/new", data=_expert_form(w, who),
                                                           csrf=True),
    ("expert_pool.edit_expert", "GET"): lambda w, who: Req("GET", f"/experts/{w.expert_x.id}/edit",
                                                           target=_expert_target(w)),
    ("expert_pool.edit_expert", "POST"): lambda w, who: Req(
        "POST", f"/experts/{w.expert_x.id}/edit", data={"city": "无锡", "specialties": ["eia"],
                                                         "version": str(_version(w, w.expert_x.id))},
        target=_expert_target(w), csrf=True),
    ("expert_pool.change_status", "POST"): lambda w, who: Req(
        "POST", f"/experts/{w.expert_x.id}/status", data={"status": "suspended", "reason": "矩阵测试"},
        target=_expert_target(w), csrf=True),
    ("expert_pool.confirm", "POST"): lambda w, who: Req("POST", f"/experts/{w.expert_x.id}/confirm",
                                                        target=_expert_target(w), csrf=True),
    ("expert_pool.add_employment", "POST"): lambda w, who: Req(
        "POST", f"/experts/{w.expert_x.id}/employments",
        data={"organization_id": str(w.org.id), "start_date": "2020-01-01", "end_date": "2021-01-01"},
        target=_expert_target(w), csrf=True),
    ("expert_pool.add_conflict", "POST"): lambda w, who: Req(
        "POST", f"/experts/{w.expert_x.id}/conflicts", data={"relation": "relative", "park_id": str(w.park_p.id)},
        target=_expert_target(w), csrf=True),
    ("expert_pool.add_unavailability", "POST"): lambda w, who: Req(
        "POST", f"/experts/{w.expert_x.id}/unavailability",
        data={"start_date": "2027-01-04", "end_date": "2027-01-08", "reason": "出差"}, target=_expert_target(w),
        csrf=True),
    ("expert_pool.import_upload", "GET"): lambda w, who: Req("GET", "/experts/import"),
    ("expert_pool.import_upload", "POST"): lambda w, who: Req(
        "POST", "/experts/import", data=_file("姓名\r\n".encode(), "x.csv"), csrf=True),
    ("expert_pool.import_confirm", "POST"): lambda w, who: Req(
        "POST", "/experts/import/confirm", data={"token": "x" * 32}, csrf=True),
    ("expert_pool.review", "GET"): lambda w, who: Req("GET", "/experts/review"),
    ("expert_pool.resolve_held_row", "POST"): lambda w, who: Req(
        "POST", f"/experts/review/held/{w.held_row().id}", data={"resolution": "dismiss", "reason": "矩阵"},
        csrf=True),
    ("expert_pool.organizations", "GET"): lambda w, who: Req("GET", "/organizations"),
    ("expert_pool.organizations", "POST"): lambda w, who: Req(
        "POST", "/organizations", data={"name": f"矩阵页面单位{who}", "type": "university", "province": "32"},
        csrf=True),
    ("expert_pool.organization", "GET"): lambda w, who: Req("GET", f"/organizations/{w.org.id}"),
    ("expert_pool.blacklist", "POST"): lambda w, who: Req(
        "POST", f"/organizations/{w.org.id}/blacklist", data={"listed_on": TODAY, "reason": "造假"}, csrf=True),
    ("expert_pool.lift_blacklist", "POST"): lambda w, who: Req(
        "POST", f"/organizations/{w.blacklisted_org.id}/blacklist/lift",
        data={"lifted_on": TODAY, "reason": "整改完成"}, csrf=True),
    ("expert_pool.specialties", "GET"): lambda w, who: Req("GET", "/specialties"),
    ("expert_pool.specialties", "POST"): lambda w, who: Req(
        "POST", "/specialties", data={"code": f"page_{who}", "name_zh": "矩阵", "name_en": "Matrix"}, csrf=True),
    ("pages.logout", "POST"): lambda w, who: Req("POST", "/logout"),
    ("pages.account_totp", "GET"): lambda w, who: Req("GET", "/account/totp"),
    ("pages.account_totp", "POST"): lambda w, who: Req("POST", "/account/totp"),
    ("pages.disable_totp", "POST"): lambda w, who: Req("POST", "/account/totp/disable"),
    # the park pages (forms post what a browser posts, with the CSRF token)
    ("park_pages.parks", "GET"): lambda w, who: Req("GET", "/parks"),
    ("park_pages.park", "GET"): lambda w, who: Req("GET", f"/parks/{w.park_p.id}", target=_park_target(w)),
    ("park_pages.take_action", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/actions", data=_transition(w, who), csrf=True, target=_park_target(w)),
    ("park_pages.upload_material", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/materials", data=_file(PDF, "规划.pdf", kind="construction_plan"), csrf=True,
        target=_park_target(w)),
    ("park_pages.submit_report", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/reports", data={"year": "2025", "material_id": str(w.material.id)},
        csrf=True, target=_park_target(w)),
    ("park_pages.review_report", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/reports/{w.submitted_report.year}/review", data={"compliant": "1"},
        csrf=True, target=_park_target(w)),
    ("park_pages.forward_report", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/reports/{w.reviewed_report.year}/forward", data={}, csrf=True,
        target=_park_target(w)),
    ("park_pages.record_major_change", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/major-changes", data={"changed_on": "2026-09-01"}, csrf=True,
        target=_park_target(w)),
    ("park_pages.record_objection", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/objections",
        data={"notice": "public_notice", "received_on": TODAY, "summary": "异议"}, csrf=True, target=_park_target(w)),
    ("park_pages.resolve_objection", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/objections/{w.objection.id}/resolve",
        data={"resolved_on": TODAY, "upheld": "0", "finding": "不成立"}, csrf=True, target=_park_target(w)),
    ("park_pages.dismiss_proposal", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/proposals/{w.proposal(w.park_p).id}/dismiss", data={"comment": "已核实"},
        csrf=True, target=_park_target(w)),
    # the convening pages (a request carried in the query string; forms post with the CSRF token)
    ("panel_pages.panels", "GET"): lambda w, who: Req("GET", "/panels"),
    ("panel_pages.convene", "GET"): lambda w, who: Req(
        "GET", f"/parks/{w.park_p.id}/convene", query="kind=plan_revision&from=2027-03-08&to=2027-03-12&size=3",
        target=_park_target(w)),
    ("panel_pages.convene_rules", "GET"): lambda w, who: Req(
        "GET", f"/parks/{w.park_p.id}/convene/rules", query=_convene_query(w), target=_park_target(w)),
    ("panel_pages.convene_draw", "GET"): lambda w, who: Req(
        "GET", f"/parks/{w.park_p.id}/convene/draw", query=_convene_query(w), target=_park_target(w)),
    ("panel_pages.convene_draw_post", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/convene/draw", data=_convene_form(w), csrf=True, target=_park_target(w)),
    ("panel_pages.convene_relax", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/convene/relax",
        data={**_convene_form(w), "group": "senior", "side": "min", "proposed": "0", "rerun": "1"}, csrf=True),
    ("panel_pages.convene_adjust", "POST"): lambda w, who: Req(
        "POST", f"/parks/{w.park_p.id}/convene/rules/adjust", data={**_convene_form(w), "min_senior": "9"}, csrf=True),
    ("panel_pages.panel", "GET"): lambda w, who: Req("GET", f"/panels/{w.panel.id}", target=_panel_target(w)),
    ("panel_pages.verify", "POST"): lambda w, who: Req("POST", f"/panels/{w.panel.id}/verify", data={}, csrf=True,
                                                       target=_panel_target(w)),
    ("panel_pages.invite_preview", "GET"): lambda w, who: Req("GET", f"/panels/{w.panel.id}/invite",
                                                              target=_panel_target(w)),
    ("panel_pages.invite", "POST"): lambda w, who: Req("POST", f"/panels/{w.panel.id}/invite", data={}, csrf=True,
                                                       target=_panel_target(w)),
    ("panel_pages.replace", "POST"): lambda w, who: Req(
        "POST", f"/panels/{w.panel.id}/replace", data={"expert_id": str(_member_for(w, who)), "reason": "时间冲突"},
        csrf=True, target=_panel_target(w)),
    ("panel_pages.reschedule", "POST"): lambda w, who: Req(
        "POST", f"/panels/{w.panel.id}/reschedule", data={"location": f"南京{who}", "reason": "会场调整"}, csrf=True,
        target=_panel_target(w)),
    ("panel_pages.cancel", "POST"): lambda w, who: Req(
        "POST", f"/panels/{w.panel.id}/cancel", data={"reason": "取消"}, csrf=True, target=_panel_target(w)),
    ("pages.password", "GET"): lambda w, who: Req("GET", "/account/password"),
    ("pages.password", "POST"): lambda w, who: Req("POST", "/account/password", data={
        "current_password": "wrong-password", "new_password": "new-password-1", "confirm": "new-password-1"}),
    ("dashboard.index", "GET"): lambda w, who: Req("GET", "/dashboard"),
    ("agenda.calendar", "GET"): lambda w, who: Req("GET", "/calendar", query="month=2027-03"),
    ("agenda.issue_feed", "POST"): lambda w, who: Req("POST", "/calendar/feed", csrf=True),
    ("agenda.revoke_feed", "POST"): lambda w, who: Req("POST", "/calendar/feed/revoke", csrf=True),
    ("auditlog.index", "GET"): lambda w, who: Req("GET", "/audit"),
    ("me.index", "GET"): lambda w, who: Req("GET", "/me"),
    ("me.update_contact", "POST"): lambda w, who: Req("POST", "/me/contact", data=_contact(w, who), csrf=True),
    ("me.confirm", "POST"): lambda w, who: Req("POST", "/me/confirm", csrf=True),
    ("me.add_unavailability", "POST"): lambda w, who: Req(
        "POST", "/me/unavailability", data={"start_date": "2027-01-04", "end_date": "2027-01-08"}, csrf=True),
    ("me.remove_unavailability", "POST"): lambda w, who: Req(
        "POST", f"/me/unavailability/{w.unavailability(w.own_expert(who))}/remove", csrf=True),
    ("me.add_conflict", "POST"): lambda w, who: Req(
        "POST", "/me/conflicts", data={"relation": "relative", "organization_id": str(w.org.id)}, csrf=True),
    ("me.issue_feed", "POST"): lambda w, who: Req("POST", "/me/calendar-feed", csrf=True),
    ("me.revoke_feed", "POST"): lambda w, who: Req("POST", "/me/calendar-feed/revoke", csrf=True),
    # the caller's own tokens
    ("tokens.Tokens", "GET"): lambda w, who: Req("GET", "/api/v1/tokens"),
    ("tokens.Tokens", "POST"): lambda w, who: Req("POST", "/api/v1/tokens", json={"name": "matrix", "days": 30}),
    ("tokens.token", "DELETE"): lambda w, who: Req("DELETE", f"/api/v1/tokens/{w.spare_token(w.personas[who])}"),
    # experts
    ("experts.Experts", "GET"): lambda w, who: Req("GET", "/api/v1/experts"),
    ("experts.Experts", "POST"): lambda w, who: Req("POST", "/api/v1/experts", json=_expert_body(w, who), target=A),
    ("experts.ExpertItem", "GET"): lambda w, who: Req("GET", f"/api/v1/experts/{w.expert_x.id}",
                                                      target=_expert_target(w)),
    ("experts.ExpertItem", "PATCH"): lambda w, who: Req("PATCH", f"/api/v1/experts/{w.expert_x.id}",
                                                        json={"city": "无锡"}, headers={"If-Match": "*"},
                                                        target=_expert_target(w)),
    ("experts.change_status", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/experts/{w.expert_x.id}/status", json={"status": "suspended", "reason": "矩阵测试"},
        target=_expert_target(w)),
    ("experts.confirm", "POST"): lambda w, who: Req("POST", f"/api/v1/experts/{w.expert_x.id}/confirm",
                                                    target=_expert_target(w)),
    ("experts.history", "GET"): lambda w, who: Req("GET", f"/api/v1/experts/{w.expert_x.id}/history",
                                                   target=_expert_target(w)),
    ("experts.add_employment", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/experts/{w.expert_x.id}/employments",
        json={"organization_id": w.org.id, "start_date": "2020-01-01", "end_date": "2021-01-01"},
        target=_expert_target(w)),
    ("experts.add_conflict", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/experts/{w.expert_x.id}/conflicts", json={"relation": "relative", "park_id": w.park_p.id},
        target=_expert_target(w)),
    ("experts.add_unavailability", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/experts/{w.expert_x.id}/unavailability",
        json={"start_date": "2027-01-04", "end_date": "2027-01-08", "reason": "出差"}, target=_expert_target(w)),
    ("experts.remove_unavailability", "DELETE"): lambda w, who: Req(
        "DELETE", f"/api/v1/experts/{w.expert_x.id}/unavailability/{w.unavailability(w.expert_x)}",
        target=_expert_target(w)),
    ("experts.update_contact", "PUT"): lambda w, who: Req(
        "PUT", f"/api/v1/experts/{w.expert_x.id}/contact", json=_contact(w, "expert_x"), target=_expert_target(w)),
    ("experts.review", "GET"): lambda w, who: Req("GET", "/api/v1/experts/review"),
    ("experts.import_template", "GET"): lambda w, who: Req("GET", "/api/v1/experts/import-template", query="format=csv"),
    ("experts.export", "GET"): lambda w, who: Req("GET", "/api/v1/experts/export", query="format=csv"),
    ("experts.import_experts", "POST"): lambda w, who: Req(
        "POST", "/api/v1/experts/import", data=_file("姓名\r\n".encode(), "x.csv", dry_run="true")),
    ("experts.Specialties", "GET"): lambda w, who: Req("GET", "/api/v1/specialties"),
    ("experts.Specialties", "POST"): lambda w, who: Req(
        "POST", "/api/v1/specialties", json={"code": f"matrix_{who}", "name_zh": "矩阵", "name_en": "Matrix"}),
    ("experts.Organizations", "GET"): lambda w, who: Req("GET", "/api/v1/organizations"),
    ("experts.Organizations", "POST"): lambda w, who: Req(
        "POST", "/api/v1/organizations", json={"name": f"矩阵新单位{who}", "type": "university", "province": "32"}),
    ("experts.organization", "GET"): lambda w, who: Req("GET", f"/api/v1/organizations/{w.org.id}"),
    ("experts.blacklist", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/organizations/{w.org.id}/blacklist", json={"listed_on": TODAY, "reason": "造假"}),
    ("experts.lift_blacklist", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/organizations/{w.blacklisted_org.id}/blacklist/lift",
        json={"lifted_on": TODAY, "reason": "整改完成"}),
    # rows of an import held for the Office
    ("held_rows.list_held_rows", "GET"): lambda w, who: Req("GET", "/api/v1/experts/held-rows"),
    ("held_rows.held_row", "GET"): lambda w, who: Req("GET", f"/api/v1/experts/held-rows/{w.held_row().id}"),
    ("held_rows.resolve", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/experts/held-rows/{w.held_row().id}/resolve", json={"resolution": "dismiss", "reason": "矩阵"}),
    # parks
    ("parks.Parks", "GET"): lambda w, who: Req("GET", "/api/v1/parks"),
    ("parks.Parks", "POST"): lambda w, who: Req(
        "POST", "/api/v1/parks", json={"name": f"矩阵新园区{who}", "province": PROVINCE_A,
                                       "management_agency_id": w.org.id}, target=A),
    ("parks.park", "GET"): lambda w, who: Req("GET", f"/api/v1/parks/{w.park_p.id}", target=_park_target(w)),
    ("parks.transition", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/parks/{w.park_p.id}/transitions", json=_transition(w, who), target=_park_target(w)),
    ("parks.park_timeline", "GET"): lambda w, who: Req("GET", f"/api/v1/parks/{w.park_p.id}/timeline",
                                                       target=_park_target(w)),
    ("parks.add_objection", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/parks/{w.park_p.id}/objections",
        json={"notice": "public_notice", "received_on": TODAY, "summary": "异议"}, target=_park_target(w)),
    ("parks.resolve_objection", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/parks/{w.park_p.id}/objections/{w.objection.id}/resolve",
        json={"resolved_on": TODAY, "upheld": False, "finding": "不成立"}, target=_park_target(w)),
    ("parks.add_major_change", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/parks/{w.park_p.id}/major-changes", json={"changed_on": "2026-09-01"},
        target=_park_target(w)),
    ("parks.proposals", "GET"): lambda w, who: Req("GET", "/api/v1/warning-proposals"),
    ("parks.dismiss", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/warning-proposals/{w.proposal(w.park_p).id}/dismiss", json={"comment": "已核实"},
        target=_park_target(w)),
    ("parks.Materials", "GET"): lambda w, who: Req("GET", f"/api/v1/parks/{w.park_p.id}/materials",
                                                   target=_park_target(w)),
    ("parks.Materials", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/parks/{w.park_p.id}/materials", data=_file(PDF, "规划.pdf", kind="construction_plan"),
        target=_park_target(w)),
    ("parks.material", "GET"): lambda w, who: Req(
        "GET", f"/api/v1/parks/{w.park_p.id}/materials/{w.material.id}", target=_park_target(w)),
    ("parks.material_content", "GET"): lambda w, who: Req(
        "GET", f"/api/v1/parks/{w.park_p.id}/materials/{w.material.id}/content", target=_park_target(w)),
    ("parks.AnnualReports", "GET"): lambda w, who: Req("GET", f"/api/v1/parks/{w.park_p.id}/annual-reports",
                                                       target=_park_target(w)),
    ("parks.AnnualReports", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/parks/{w.park_p.id}/annual-reports", json={"year": 2025, "material_id": w.material.id},
        target=_park_target(w)),
    ("parks.review_report", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/parks/{w.park_p.id}/annual-reports/{w.submitted_report.year}/review",
        json={"compliant": True}, target=_park_target(w)),
    ("parks.forward_report", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/parks/{w.park_p.id}/annual-reports/{w.reviewed_report.year}/forward", json={},
        target=_park_target(w)),
    ("parks.add_working_days", "GET"): lambda w, who: Req("GET", "/api/v1/calendar/working-days/add",
                                                          query=f"start={TODAY}&days=5"),
    ("parks.CalendarYears", "GET"): lambda w, who: Req("GET", "/api/v1/calendar/years"),
    ("parks.CalendarYears", "POST"): lambda w, who: Req(
        "POST", "/api/v1/calendar/years", data=_file(b"not,a,calendar\n", "2031.csv")),
    # panels
    ("panels.create_panel", "POST"): lambda w, who: Req(
        "POST", "/api/v1/panels", json={"park_id": w.park_p.id, "kind": "plan_revision", "meeting_date": "2027-03-11",
                                        "size": 3, "alternates": 0, "rule_set": w.rule_set, "location": f"{len(w.pool)}"},
        target=_park_target(w)),
    ("panels.read_panel", "GET"): lambda w, who: Req("GET", f"/api/v1/panels/{w.panel.id}", target=_panel_target(w)),
    ("panels.date_suggestions", "GET"): lambda w, who: Req(
        "GET", f"/api/v1/meetings/date-suggestions?park_id={w.park_p.id}&kind=plan_revision&from=2027-03-08"
               "&to=2027-03-12&size=3", target=_park_target(w)),
    ("panels.panel_eligibility", "GET"): lambda w, who: Req("GET", f"/api/v1/panels/{w.panel.id}/eligibility",
                                                            target=_panel_target(w)),
    ("panels.panel_audit", "GET"): lambda w, who: Req("GET", f"/api/v1/panels/{w.panel.id}/audit",
                                                      target=_panel_target(w)),
    ("seats.replace", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/panels/{w.panel.id}/replacements",
        json={"expert_id": _member_for(w, who), "reason": "时间冲突"}, target=_panel_target(w)),
    ("waves.create_wave", "POST"): lambda w, who: Req(
        "POST", "/api/v1/waves", json={"kind": "plan_revision", "park_ids": [w.park_p.id], "from": "2027-03-08",
                                       "to": "2027-03-12", "size": 3, "max_per_day": 1,
                                       "rule_set": w.rule_set, "per_expert_cap": len(w.pool) // 12},
        target=_park_target(w)),
    ("waves.read_wave", "GET"): lambda w, who: Req("GET", f"/api/v1/waves/{w.wave.id}", target=_panel_target(w)),
    ("waves.replan_wave", "POST"): lambda w, who: Req("POST", f"/api/v1/waves/{w.wave.id}/replan", json={},
                                                      target=_panel_target(w)),
    ("waves.commit_wave", "POST"): lambda w, who: Req("POST", f"/api/v1/waves/{w.wave.id}/commit",
                                                      target=_panel_target(w)),
    ("waves.wave_bundle", "GET"): lambda w, who: Req("GET", f"/api/v1/waves/{w.wave.id}/bundle",
                                                     target=_panel_target(w)),
    ("wave_pages.new_wave", "GET"): lambda w, who: Req("GET", "/waves/new"),
    ("wave_pages.create_wave", "POST"): lambda w, who: Req(
        "POST", "/waves/new", data={"kind": "plan_revision", "park_ids": str(w.park_p.id), "from": "2027-03-08",
                                    "to": "2027-03-12", "size": "3", "max_per_day": "1",
                                    "per_expert_cap": str(len(w.pool) // 12)}, csrf=True, target=_park_target(w)),
    ("wave_pages.wave", "GET"): lambda w, who: Req("GET", f"/waves/{w.wave.id}", target=_panel_target(w)),
    ("wave_pages.commit", "POST"): lambda w, who: Req("POST", f"/waves/{w.wave.id}/commit", data={}, csrf=True,
                                                      target=_panel_target(w)),
    ("wave_pages.replan", "POST"): lambda w, who: Req("POST", f"/waves/{w.wave.id}/replan", data={}, csrf=True,
                                                      target=_panel_target(w)),
    ("panels.RuleSets", "GET"): lambda w, who: Req("GET", "/api/v1/rule-sets"),
    ("panels.RuleSets", "POST"): lambda w, who: Req(
        "POST", "/api/v1/rule-sets", json={"name": f"matrix-{who}", "rules": {"max_per_organization": 1}}),
    # invitations, meetings, outbox
    ("seats.invite", "POST"): lambda w, who: Req("POST", f"/api/v1/panels/{w.panel.id}/invitations", json={},
                                                         target=_panel_target(w)),
    ("seats.list_invitations", "GET"): lambda w, who: Req(
        "GET", f"/api/v1/panels/{w.panel.id}/invitations", target=_panel_target(w)),
    ("seats.preview_invitation", "GET"): lambda w, who: Req(
        "GET", f"/api/v1/panels/{w.panel.id}/invitations/preview", target=_panel_target(w)),
    ("seats.reschedule", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/panels/{w.panel.id}/reschedule", json={"location": f"南京{who}", "reason": "会场调整"},
        target=_panel_target(w)),
    ("seats.cancel", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/panels/{w.panel.id}/cancel", json={"reason": "取消"}, target=_panel_target(w)),
    ("seats.my_invitations", "GET"): lambda w, who: Req("GET", "/api/v1/invitations/mine"),
    # a panel's meeting and conclusion (before the meeting day: admitted callers get 409 meeting_not_held)
    ("outcomes.Meeting", "GET"): lambda w, who: Req("GET", f"/api/v1/panels/{w.panel.id}/meeting",
                                                    target=_panel_target(w)),
    ("outcomes.Meeting", "PUT"): lambda w, who: Req("PUT", f"/api/v1/panels/{w.panel.id}/meeting",
                                                    json={"place": f"南京{who}", "opinion": "意见"},
                                                    target=_panel_target(w)),
    ("outcomes.attendance", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/panels/{w.panel.id}/meeting/attendance",
        json={"entries": [{"expert_id": w.members[0], "status": "present"}]}, target=_panel_target(w)),
    ("outcomes.conclusion", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/panels/{w.panel.id}/meeting/conclusion", json={"conclusion": "pass"},
        target=_panel_target(w)),
    ("meeting_pages.meeting", "GET"): lambda w, who: Req("GET", f"/panels/{w.panel.id}/meeting",
                                                         target=_panel_target(w)),
    ("meeting_pages.save_record", "POST"): lambda w, who: Req(
        "POST", f"/panels/{w.panel.id}/meeting/record", data={"place": f"南京{who}"}, csrf=True,
        target=_panel_target(w)),
    ("meeting_pages.save_attendance", "POST"): lambda w, who: Req(
        "POST", f"/panels/{w.panel.id}/meeting/attendance",
        data={"expert_id": str(w.members[0]), f"status_{w.members[0]}": "present"}, csrf=True, target=_panel_target(w)),
    ("meeting_pages.conclude", "POST"): lambda w, who: Req(
        "POST", f"/panels/{w.panel.id}/meeting/conclusion", data={"conclusion": "pass"}, csrf=True,
        target=_panel_target(w)),
    # the experts' record (before the meeting day: the convener's rating gets 409 rating_window_not_open, the fee
    # sheet 409 meeting_not_held)
    ("record.Ratings", "GET"): lambda w, who: Req("GET", f"/api/v1/panels/{w.panel.id}/ratings",
                                                  target=_panel_target(w)),
    ("record.Ratings", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/panels/{w.panel.id}/ratings",
        json={"expert_id": w.members[0], "competence": 30, "discipline": 25, "integrity": 25, "comment": "好"},
        target=_panel_target(w)),
    ("record.fee_sheet_xlsx", "GET"): lambda w, who: Req("GET", f"/api/v1/panels/{w.panel.id}/fee-sheet.xlsx",
                                                         target=_panel_target(w)),
    ("record.credit", "GET"): lambda w, who: Req("GET", f"/api/v1/experts/{w.expert_x.id}/credit",
                                                 target=_expert_target(w)),
    ("record.conduct", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/experts/{w.expert_x.id}/conduct",
        json={"kind": "complaint_upheld", "on": TODAY, "note": "矩阵测试"}, target=_expert_target(w)),
    ("record.credit_proposals", "GET"): lambda w, who: Req("GET", "/api/v1/credit-proposals"),
    ("record.decide", "POST"): lambda w, who: Req(
        "POST", f"/api/v1/credit-proposals/{w.credit_proposal().id}/decision",
        json={"decision": "reject", "reason": "矩阵测试"}),
    ("record.CreditRules", "GET"): lambda w, who: Req("GET", "/api/v1/credit-rules"),
    ("record.CreditRules", "POST"): lambda w, who: Req("POST", "/api/v1/credit-rules",
                                                       json={"rules": {"neutral_score": 75}}),
    ("record.FeeRates", "GET"): lambda w, who: Req("GET", "/api/v1/fee-rates"),
    ("record.FeeRates", "POST"): lambda w, who: Req("POST", "/api/v1/fee-rates", json={"travel_allowance": 100}),
    ("record_pages.proposals", "GET"): lambda w, who: Req("GET", "/credit-proposals"),
    ("record_pages.ratings", "GET"): lambda w, who: Req("GET", f"/panels/{w.panel.id}/ratings",
                                                        target=_panel_target(w)),
    ("record_pages.rate", "POST"): lambda w, who: Req(
        "POST", f"/panels/{w.panel.id}/ratings", data={"expert_id": str(w.members[0]), "competence": "30",
                                                        "discipline": "25", "integrity": "25"},
        csrf=True, target=_panel_target(w)),
    ("record_pages.decide", "POST"): lambda w, who: Req(
        "POST", f"/credit-proposals/{w.credit_proposal().id}/decision", data={"decision": "reject", "reason": "矩阵"},
        csrf=True),
    ("notifications.list_outbox", "GET"): lambda w, who: Req("GET", "/api/v1/outbox"),
    ("notifications.read_outbox", "GET"): lambda w, who: Req("GET", f"/api/v1/outbox/{w.outbox_message.id}"),
    ("notifications.retry_outbox", "POST"): lambda w, who: Req("POST", f"/api/v1/outbox/{w.outbox_message.id}/retry"),
    ("notifications.preview_template", "POST"): lambda w, who: Req(
        "POST", "/api/v1/mail-templates/preview", json={"template": "invitation", "language": "zh", "context": {}}),
}


# --- what the matrix says --------------------------------------------------------------------------------


def in_scope(permission: Permission, actor: Actor, target: dict[str, Any]) -> bool:
    """The scope rule of ``permission`` for ``actor`` on ``target`` (the role is already admitted)."""
    office = actor.role == Role.OFFICE
    scope = permission.scope
    if scope in (Scope.NONE, Scope.FILTERED, Scope.POOL, Scope.SELF):
        return True
    if scope == Scope.POOL_OR_SELF:
        return actor.role != Role.EXPERT or actor.expert_id == target["expert_id"]
    if scope in (Scope.CONTRIBUTED, Scope.CONTRIBUTED_OR_SELF):
        if actor.role == Role.EXPERT:
            return scope == Scope.CONTRIBUTED_OR_SELF and actor.expert_id == target["expert_id"]
        return office or actor.province == target["contributed_by"]
    if scope == Scope.OWN_PROVINCE:
        return office or target.get("province") is None or actor.province == target["province"]
    if scope == Scope.PARK:
        if actor.role == Role.PARK:
            return actor.park_id == target["park_id"]
        return office or actor.province == target["province"]
    if scope == Scope.CONVENING:
        return office or actor.province == target["convened_by"]
    if scope == Scope.CONVENER:
        return actor.province == target["convened_by"] or (office and target["convened_by"] == "office")
    raise AssertionError(f"no rule for scope {scope}")


def expected(permission: Permission, actor: Actor, target: dict[str, Any]) -> bool:
    return permission.admits(actor) and in_scope(permission, actor, target)


# --- the tests ------------------------------------------------------------------------------------------------


@pytest.fixture
def world(app, db, client, make_org, make_expert, expert_payload, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "CLOCK", lambda: NOW)
    return World(app, db, client, make_org, make_expert, expert_payload, make_user)


def test_every_endpoint_has_a_matrix_entry():
    missing = [(e, m, r) for e, m, r in ROUTES if (e, m) not in PERMISSIONS]
    assert not missing, f"endpoints without a permission-matrix entry (ecopanel/auth/permissions.py): {missing}"
    stale = sorted(set(PERMISSIONS) - {(e, m) for e, m, _ in ROUTES})
    assert not stale, f"matrix entries for endpoints that do not exist: {stale}"


def test_every_endpoint_has_a_request_builder():
    missing = [(e, m, r) for e, m, r in ROUTES if (e, m) not in BUILDERS]
    assert not missing, f"endpoints the matrix test cannot call yet (add a builder here): {missing}"


def test_scope_rules_name_their_check():
    for key, permission in PERMISSIONS.items():
        if permission.scope not in (Scope.NONE,):
            assert permission.enforced_by, f"{key}: a scoped rule must name the check that enforces it"


def _call(world: World, persona: Persona, req: Req):
    """The API with the persona's bearer token; pages with its signed-in page session."""
    url = req.path + (f"?{req.query}" if req.query else "")
    if req.path.startswith("/api/"):
        client = persona.api.client
        headers = {"Authorization": f"Bearer {persona.api.token}", "Accept-Language": "en", **req.headers}
    else:
        client = world.page_client(persona)
        headers = dict(req.headers)
    kwargs: dict[str, Any] = {"headers": headers}
    if req.json is not None:
        kwargs["json"] = req.json
    if req.data is not None:
        kwargs["data"], kwargs["content_type"] = req.data, "multipart/form-data"
    if not req.path.startswith("/api/"):
        # The test's app context outlives each request, and Flask-Login keeps the signed-in user in ``g``:
        # without this, a page request would run as whoever asked before.
        g.pop("_login_user", None)
    if req.csrf:
        kwargs["data"] = {**(req.data or {}), "csrf_token": _csrf_token(client)}
        g.pop("_login_user", None)
        kwargs["content_type"] = "multipart/form-data"
    response = client.open(url, method=req.method, **kwargs)
    response.get_data()
    response.close()  # a file download (send_file) holds the file open until closed
    return response


def _csrf_token(client) -> str:
    """The session's CSRF token, read from a page as a browser has it (every page carries it in its head)."""
    import re

    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


@pytest.mark.parametrize(("endpoint", "method", "rule"), ROUTES, ids=[f"{e}-{m}" for e, m, _ in ROUTES])
def test_matrix(world, endpoint, method, rule):
    permission = permission_for(endpoint, method)
    assert permission is not None, f"{endpoint} {method} has no matrix entry"
    builder = BUILDERS.get((endpoint, method))
    assert builder is not None, f"{endpoint} {method} has no request builder in this test"
    personas = world.personas
    plan = []
    for name in PERSONAS:
        req = builder(world, name)
        assert req.method == method
        plan.append((name, req, expected(permission, personas[name].actor, req.target)))
    plan.sort(key=lambda item: item[2])  # refused callers first: nothing has changed yet when they ask
    outcomes = {}
    for name, req, allowed in plan:
        response = _call(world, personas[name], req)
        status = response.status_code
        body = response.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        outcomes[name] = status
        last = (body.get("code"), body.get("message"), body.get("errors"))
        where = f"{method} {req.path} as {name}: {status} {body.get('code')} {body.get('message')}"
        assert status < 500, where
        if allowed:
            assert status not in (401, 403, 404), f"admitted by the matrix but refused: {where}"
            assert "/login" not in response.headers.get("Location", ""), f"sent to sign in: {where}"
        else:
            # A park named in the body that the caller may not see is unknown to it, as a missing id is
            # (422 unknown_park): a 403 would tell that the park exists (tests/security/test_probing.py).
            unknown = status == 422 and body.get("code") == "unknown_park"
            assert status in (403, 404) or unknown, f"refused by the matrix but got through: {where}"
            if req.path.startswith("/api/"):
                assert body.get("code") in ("forbidden", "not_found", "unknown_park"), where
                assert set(body) >= {"code", "message", "errors"}, where
    assert len(outcomes) == len(PERSONAS)
    print(endpoint, method, outcomes, last)


# --- lists return only in-scope rows ---------------------------------------------------------------------------


def test_park_lists_are_filtered_to_scope(world):
    p, q, r = world.park_p, world.park_q, world.park_r
    personas = world.personas

    def ids(name):
        response = personas[name].api.get("/parks?page_size=200")
        assert response.status_code == 200, response.json
        return {item["id"] for item in response.json["items"]}

    assert {p.id, q.id, r.id} <= ids("office")
    assert ids("province_a") == {p.id, q.id}
    assert ids("province_b") == {r.id}
    assert ids("park_p") == {p.id}
    assert ids("park_q") == {q.id}
    assert personas["expert_x"].api.get("/parks").status_code == 403


def test_warning_proposals_are_filtered_to_scope(world):
    in_a, in_b = world.proposal(world.park_p), world.proposal(world.park_r)
    personas = world.personas

    def ids(name, query=""):
        response = personas[name].api.get(f"/warning-proposals?page_size=200{query}")
        assert response.status_code == 200, response.json
        return {item["id"] for item in response.json["items"]}

    assert ids("office") == {in_a.id, in_b.id}
    assert ids("province_a") == {in_a.id}
    assert ids("province_b") == {in_b.id}
    assert ids("province_a", f"&park_id={world.park_r.id}") == set()  # asking for B's park gives nothing
    for name in ("park_p", "expert_x"):
        assert personas[name].api.get("/warning-proposals").status_code == 403
    # dismissing B's proposal is refused to A (as if it did not exist: B's park is not A's to see), and leaves it open
    refused = personas["province_a"].api.post(f"/warning-proposals/{in_b.id}/dismiss", json={"comment": "x"})
    assert refused.status_code == 404
    assert ids("province_b") == {in_b.id} and world.db.session.get(type(in_b), in_b.id).status == "open"


def test_review_list_is_filtered_to_the_provinces_own_experts(world):
    from expert_pool.models import Expert

    x, y = world.expert_x, world.expert_y
    for e in (x, y):  # both due: data never confirmed
        world.db.session.get(Expert, e.id).data_confirmed_on = None
    world.db.session.commit()
    personas = world.personas

    def ids(name):
        response = personas[name].api.get("/experts/review?page_size=200")
        assert response.status_code == 200, response.json
        return {item["expert"]["id"] for item in response.json["items"]}

    assert {x.id, y.id} <= ids("office")
    assert x.id in ids("province_a") and y.id not in ids("province_a")
    assert y.id in ids("province_b") and x.id not in ids("province_b")


def test_the_shared_pool_is_masked_for_provinces_and_open_to_the_office(world):
    x, y = world.expert_x, world.expert_y
    personas = world.personas
    office = {e["id"]: e for e in personas["office"].api.get("/experts?page_size=200").json["items"]}
    assert office[y.id]["id_number"] == y.id_number and office[y.id]["mobile"] == y.mobile
    province = {e["id"]: e for e in personas["province_a"].api.get("/experts?page_size=200").json["items"]}
    assert {x.id, y.id} <= set(province)  # the whole pool ...
    for e in (x, y):  # ... masked, also for the province's own contributions
        assert province[e.id]["id_number"] != e.id_number and province[e.id]["mobile"] != e.mobile
        assert province[e.id]["personal_data_masked"] is True
    one = personas["province_a"].api.get(f"/experts/{y.id}").json
    assert one["id_number"] != y.id_number and one["mobile"] != y.mobile
    export = personas["province_a"].api.get("/experts/export?format=csv")
    assert export.status_code == 200
    assert y.id_number.encode() not in export.data and y.mobile.encode() not in export.data
    assert y.id_number.encode() in personas["office"].api.get("/experts/export?format=csv").data
    history = personas["province_a"].api.get(f"/experts/{y.id}/history")
    assert history.status_code == 200 and y.id_number not in history.get_data(as_text=True)
    # the expert sees itself unmasked, nobody else
    mine = personas["expert_x"].api.get(f"/experts/{x.id}").json
    assert mine["id_number"] == x.id_number
    assert personas["expert_x"].api.get(f"/experts/{y.id}").status_code in (403, 404)


def test_a_province_edits_only_its_own_contributions(world):
    x, y = world.expert_x, world.expert_y
    api = world.personas["province_a"].api
    assert api.patch(f"/experts/{x.id}", json={"city": "苏州"}, headers={"If-Match": "*"}).status_code == 200
    assert api.patch(f"/experts/{y.id}", json={"city": "苏州"}, headers={"If-Match": "*"}).status_code == 403
    assert api.post(f"/experts/{y.id}/status", json={"status": "suspended", "reason": "x"}).status_code == 403
    # and cannot take over someone else's expert by re-labelling the contributor
    assert api.patch(f"/experts/{x.id}", json={"contributed_by": PROVINCE_B},
                     headers={"If-Match": "*"}).status_code == 403


def test_province_b_cannot_reach_province_a_panels(world):
    panel = world.panel
    b = world.personas["province_b"].api
    for path in (f"/panels/{panel.id}", f"/panels/{panel.id}/eligibility", f"/panels/{panel.id}/invitations",
                 f"/panels/{panel.id}/invitations/preview", f"/panels/{panel.id}/audit"):
        assert b.get(path).status_code in (403, 404), path
    refused = b.post("/panels", json={"park_id": world.park_p.id, "kind": "plan_argumentation",
                                      "meeting_date": "2027-03-12", "size": 3, "alternates": 0,
                                      "rule_set": world.rule_set})
    # another province's park is unknown to its panel requests, as a missing one is (SECURITY.md)
    assert refused.status_code == 422 and refused.json["code"] == "unknown_park", refused.json


def test_an_expert_sees_only_its_own_invitations(world):
    from panels.models import Panel
    from panels.seats.invite import invite_members

    panel = world.db.session.get(Panel, world.panel.id)
    invite_members(office_actor(), panel, respond_by=None, expert_ids=None, now=NOW)
    world.db.session.commit()
    invited = world.members[0]
    _user, token = world.make_user("expert", password=None, expert_id=invited)
    mine = Api(world.client, token).get("/invitations/mine")
    assert mine.status_code == 200 and mine.json["total"] == 1
    assert world.personas["expert_x"].api.get("/invitations/mine").json["total"] == 0


# --- deny by default ------------------------------------------------------------------------------------------


def test_an_endpoint_missing_from_the_matrix_is_refused(tmp_path, monkeypatch):
    """A route registered without a matrix entry is refused to everyone, the Office included, with 403."""
    from ecopanel.app import create_app
    from ecopanel.auth.services import _token_hash
    from ground.accounts import ApiToken, User
    from ground.extensions import db

    monkeypatch.setenv("ECOPANEL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "ENVIRONMENT": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SECRET_KEY": "k", "AUDIT_HMAC_KEY": "k"})

    @app.route("/api/v1/unlisted")
    def unlisted():
        return {"secret": 42}

    with app.app_context():
        db.create_all()
        token = "ecp_matrix-deny-by-default"
        user = User(email="admin@example.cn", role="office", is_admin=True)  # no migrations here: no audit head
        db.session.add_all([user, ApiToken(user=user, token_hash=_token_hash(token), name="t")])
        db.session.commit()
        response = app.test_client().get("/api/v1/unlisted", headers={"Authorization": f"Bearer {token}"})
        db.session.remove()
        db.drop_all()
    assert response.status_code == 403
    assert response.json["code"] == "forbidden" and set(response.json) >= {"code", "message", "errors"}
    assert "secret" not in response.json


def test_roles_outside_the_entry_are_refused_before_the_view_runs(world):
    """The central check answers before argument parsing: a park user gets 403, not a 422 for a bad body."""
    response = world.personas["park_p"].api.post("/experts", json={"nonsense": True})
    assert response.status_code == 403 and response.json["code"] == "forbidden"


def test_office_admin_entries_exclude_plain_office():
    from ecopanel.auth.permissions import OFFICE_ADMIN

    assert PERMISSIONS[("parks.CalendarYears", "POST")].roles == OFFICE_ADMIN
    plain = Actor(user_id=1, label="o", role=Role.OFFICE)
    admin = Actor(user_id=2, label="a", role=Role.OFFICE, is_admin=True)
    entry = PERMISSIONS[("parks.CalendarYears", "POST")]
    assert not entry.admits(plain) and entry.admits(admin)
    assert all(Who(r) in Who for p in PERMISSIONS.values() for r in p.roles)


def test_tokens_are_the_callers_own(world):
    personas = world.personas
    x, y, office, admin = (personas[n] for n in ("expert_x", "expert_y", "office", "office_admin"))
    theirs = world.spare_token(y)

    def delete(persona, token_id):
        return world.client.delete(f"/api/v1/tokens/{token_id}",
                                   headers={"Authorization": f"Bearer {persona.api.token}"})

    assert delete(x, theirs).status_code == 404  # someone else's token does not exist for the caller
    assert delete(office, theirs).status_code == 404  # nor for plain Office staff
    for persona in (x, office):
        assert persona.api.get(f"/tokens?user_id={y.actor.user_id}").status_code == 403
    assert admin.api.get(f"/tokens?user_id={y.actor.user_id}").status_code == 200
    assert y.api.get("/tokens").json["total"] == 2  # untouched


def test_a_bearer_token_does_not_open_the_pages(world):
    """Pages run on the page session; a bearer token there is refused (it used to crash /account/totp)."""
    token = world.personas["office"].api.token
    for path in ("/account/totp", "/experts"):
        response = world.client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, (path, response.status_code)
