"""A real server on loopback and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from tests.browser.serving import serving
from tests.conftest import make_app, upgrade

CHROMIUM = os.environ.get("ECOPANEL_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("ECOPANEL_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}", tmp_path_factory,
                   WTF_CSRF_ENABLED=True)
    upgrade(app)
    with app.app_context():
        _seed(app)
    with serving(app) as url:
        yield url


def _seed(app) -> None:
    from ecopanel.auth.services import create_user
    from expert_pool.models import Organization
    from expert_pool.services import create_expert
    from ground.actor import SYSTEM
    from ground.extensions import db
    from tests.conftest import valid_id_number

    org = Organization(name="南京大学", type="university", province="32")
    db.session.add(org)
    db.session.flush()
    for i in range(25):
        birth = date(1970, 1, 1 + i)
        create_expert(SYSTEM, {
            "name": f"浏览器专家{i:02d}", "gender": "M", "birth_year": 1970,
            "id_number": valid_id_number("32", birth, True, 500 + i), "mobile": f"1391234{i:04d}",
            "email": f"browser{i}@example.com", "organization_id": org.id, "title_rank": "senior",
            "specialties": ["low_carbon"] if i < 4 else ["eia"], "province": "32", "recommended_by": "MEE",
            "status": "active",
        }, date(2026, 11, 24))
    create_user(SYSTEM, "office@example.com", "office", password="office-password-1")
    create_user(SYSTEM, "jiangsu@example.com", "province", province="32", password="jiangsu-password-1")
    db.session.commit()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if REQUIRE_BROWSER:
            pytest.fail(f"chromium is required (ECOPANEL_REQUIRE_BROWSER=1) but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                                          "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    """A page at 1280 px, Chinese first."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    """A page on a 390 px phone (touch, 2x), Chinese first."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()
