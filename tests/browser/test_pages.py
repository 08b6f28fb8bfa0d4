"""Signing in, in a real browser (the pool's own journeys: test_pool.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_wrong_password_shows_an_error(page, live_server):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "office@example.com")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").inner_text() == "邮箱或密码错误。"
