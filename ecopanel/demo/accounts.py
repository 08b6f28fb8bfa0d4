"""The demo's accounts: one per role, with fixed passwords (printed at start, see :mod:`ecopanel.demo.logins`)."""

from __future__ import annotations

from ecopanel.auth.services import create_user
from expert_pool.models import Expert
from ground.actor import SYSTEM
from scheduling.models import Park

DEMO_PASSWORDS = {
    "office@ecopanel.demo": "office-demo-2026",
    "admin@ecopanel.demo": "admin-demo-2026",
    "jiangsu@ecopanel.demo": "jiangsu-demo-2026",
    "guangdong@ecopanel.demo": "guangdong-demo-2026",
    "park1@ecopanel.demo": "park1-demo-2026",
    "expert1@ecopanel.demo": "expert1-demo-2026",
}



def add_users(parks: list[Park], experts: list[Expert]) -> None:
    expert = next(e for e in experts if e.status == "active")
    # Office staff browse at once; the administrator (calendar loads, everyone's tokens) needs TOTP, so it
    # is a separate account that sets up its authenticator at the first sign-in.
    create_user(SYSTEM, "office@ecopanel.demo", "office", password=DEMO_PASSWORDS["office@ecopanel.demo"],
                name="王立新")
    create_user(SYSTEM, "admin@ecopanel.demo", "office", password=DEMO_PASSWORDS["admin@ecopanel.demo"],
                is_admin=True, name="赵敏")
    create_user(SYSTEM, "jiangsu@ecopanel.demo", "province", province="32",
                password=DEMO_PASSWORDS["jiangsu@ecopanel.demo"], name="陈静")
    create_user(SYSTEM, "guangdong@ecopanel.demo", "province", province="44",
                password=DEMO_PASSWORDS["guangdong@ecopanel.demo"], name="黄志强")
    create_user(SYSTEM, "park1@ecopanel.demo", "park", park_id=parks[0].id,
                password=DEMO_PASSWORDS["park1@ecopanel.demo"], name="刘洋")
    create_user(SYSTEM, "expert1@ecopanel.demo", "expert", expert_id=expert.id,
                password=DEMO_PASSWORDS["expert1@ecopanel.demo"])

