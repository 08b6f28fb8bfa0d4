"""The pool's own live server for its browser journeys: a small pool across provinces and specialties, with the
long organisation names that used to wrap one character per line on a phone."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.serving import serving
from tests.conftest import make_app, upgrade, valid_id_number

OFFICE = ("pool-office@example.com", "pool-office-password-1")
EXPERT = ("pool-expert2@example.com", "pool-expert-password-2")  # the pool's second expert, with a record
JIANGSU = ("pool-jiangsu@example.com", "pool-jiangsu-password-1")
ARTIFACTS = "tests/browser/artifacts"

# (province, specialties, count): 江苏 has low-carbon experts among others, and so has 广东 (the filter must
# keep them apart).
SHAPE = [("32", ["low_carbon", "eia"], 3), ("32", ["circular_economy"], 9), ("44", ["low_carbon"], 4),
         ("11", ["water_pollution", "low_carbon"], 3), ("33", ["cleaner_production"], 6)]
LONG_NAME = "中国科学院生态环境研究中心城市与区域生态国家重点实验室（循环经济与工业生态学研究组）"


@pytest.fixture(scope="session")
def pool_server(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('pool-live') / 'pool.db'}", tmp_path_factory,
                   WTF_CSRF_ENABLED=True)
    upgrade(app)
    with app.app_context():
        _seed()
    with serving(app) as url:
        yield url


def _seed() -> None:
    from ecopanel.auth.services import create_user
    from expert_pool.models import Organization
    from expert_pool.services import create_expert
    from ground.actor import SYSTEM
    from ground.extensions import db

    orgs = {}
    for code, name in (("32", "南京大学"), ("44", "华南理工大学"), ("11", LONG_NAME), ("33", "浙江大学")):
        orgs[code] = Organization(name=name, type="university", province=code)
    db.session.add_all([*orgs.values(), Organization(name="南京林业大学", type="university", province="32")])
    db.session.flush()
    n = 0
    for province, specialties, count in SHAPE:
        for _ in range(count):
            n += 1
            birth = date(1965 + n % 20, 1 + n % 12, 1 + n % 27)
            create_expert(SYSTEM, {
                "name": f"池{n:02d}号专家", "gender": "M" if n % 3 else "F", "birth_year": birth.year,
                "id_number": valid_id_number(province, birth, bool(n % 3), 6000 + n), "mobile": f"1361234{n:04d}",
                "email": f"pool{n}@example.cn", "organization_id": orgs[province].id,
                "title_rank": ["senior", "deputy_senior", "intermediate"][n % 3], "specialties": specialties,
                "province": province, "city": "", "recommended_by": "MEE", "status": "active",
                "contributed_by": "32" if province == "32" and n % 2 else None,
            }, date(2026, 11, 24))
    _hold_a_row(orgs["32"].name)
    _a_credit_record()
    create_user(SYSTEM, OFFICE[0], "office", password=OFFICE[1])
    create_user(SYSTEM, JIANGSU[0], "province", province="32", password=JIANGSU[1])
    db.session.commit()


def _hold_a_row(organization: str) -> None:
    """A row of Zhejiang's import held for the Office: it gave the mobile of the pool's first expert."""
    from expert_pool.models import Expert
    from expert_pool.services.held import hold_rows
    from ground.actor import Actor, Role
    from ground.extensions import db

    first = db.session.query(Expert).order_by(Expert.id).first()
    hold_rows(Actor(user_id=None, label="浙江省生态环境厅", role=Role.PROVINCE, province="33"), [{
        "row": 7, "name": "暂缓导入专家", "gender": "F", "birth_year": 1980,
        "id_number": valid_id_number("33", date(1980, 3, 3), False, 6900), "mobile": first.mobile,
        "email": "held-browser@example.cn", "organization": organization, "organization_type": "university",
        "title_rank": "senior", "specialties": ["eia"], "province": "33", "city": "杭州", "recommended_by": "33",
        "term_start": None, "term_end": None, "status": "active", "language": "zh", "held": {"mobile": first.id}}],
        "浙江专家.xlsx")


def _a_credit_record() -> None:
    """The pool's second expert has two upheld complaints on record (credit 40: a suspension is proposed)."""
    from datetime import UTC, datetime

    from expert_pool.models import Expert
    from ground.actor import Actor, Role
    from ground.extensions import db
    from panels.record.conduct import record_conduct
    from panels.record.credit import refresh_credit

    second = db.session.query(Expert).order_by(Expert.id).offset(1).first()
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    office = Actor(user_id=None, label="办公室", role=Role.OFFICE)
    for on, note in ((date(2026, 6, 12), "评审意见中泄露企业未公开数据的投诉，经核查属实。"),
                     (date(2026, 11, 20), "园区反映评审时迟到早退，经核查属实，予以记录。")):
        record_conduct(office, second, {"kind": "complaint_upheld", "on": on, "panel_id": None, "note": note}, now)
        refresh_credit(second.id, now)  # 60, then 40: below 60, a suspension is proposed
    from ecopanel.auth.services import create_user
    from ground.actor import SYSTEM

    create_user(SYSTEM, EXPERT[0], "expert", expert_id=second.id, password=EXPERT[1])


def expected_jiangsu_low_carbon() -> int:
    return sum(count for province, specialties, count in SHAPE if province == "32" and "low_carbon" in specialties)


def sign_in(page, base: str, who: tuple[str, str], lang: str = "zh") -> None:
    page.goto(f"{base}/login?lang={lang}&next=/experts")  # staff land on the dashboard otherwise
    page.fill("input[name=email]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def shot(page, name: str) -> None:
    import os

    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=f"{ARTIFACTS}/pool-{name}.png", full_page=True)


def overflow(page) -> list[str]:
    """Elements of the pool's area that stick out of the viewport on the right (what makes a page scroll
    sideways), and whether the document as a whole is wider than the viewport."""
    page.wait_for_load_state("load")  # measured once the stylesheets apply (tests/browser/layout.py)
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        for (const el of document.querySelectorAll('.pool *')) {
            const box = el.getBoundingClientRect();
            if (box.width && box.right > width + 1 && !el.closest('.table-wrap, .pool-nav'))
                out.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
        }
        const pool = document.querySelector('.pool');
        if (pool.scrollWidth > pool.clientWidth + 1) out.push('.pool scrolls sideways');
        return out;
    }""")
