"""The frame's pages through the test client: landing per role, error pages in words, the header's identity,
password change, the TOTP QR code, /me, the dashboard's scope and the Office's audit log."""

from __future__ import annotations

import re
from datetime import date

import pytest

from ground.audit import AuditEntry

PASSWORD = "correct-horse-battery"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def sign_in(client, email: str, password: str = PASSWORD):
    token = _csrf(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.text
    return response


@pytest.fixture
def park_row(db, make_org):
    from scheduling.models import Park

    park = Park(name="常州滨江经济开发区", province="32", city="常州", state="new",
                management_agency=make_org(name="常州滨江管委会", type="park_agency"))
    db.session.add(park)
    db.session.commit()
    return park


@pytest.fixture
def signed_in(client, make_user):
    def sign(role: str, **scope):
        user, _ = make_user(role, **scope)
        sign_in(client, user.email)
        return user
    return sign


def test_each_role_lands_on_its_page(client, signed_in, park_row, make_expert):
    expert = make_expert()
    cases = [("office", {}, "/dashboard"), ("province", {"province": "32"}, "/dashboard"),
             ("park", {"park_id": park_row.id}, f"/parks/{park_row.id}"), ("expert", {"expert_id": expert.id}, "/me")]
    for role, scope, landing in cases:
        client.post("/logout", data={"csrf_token": _csrf(client.get("/login").text)})
        signed_in(role, **scope)
        assert client.get("/").headers["Location"] == landing, role


def test_the_header_names_the_authority_in_words(client, signed_in):
    signed_in("province", province="44")
    page = client.get("/dashboard").text
    assert "广东省生态环境厅" in page and "省级生态环境部门" in page
    english = client.get("/dashboard?lang=en").text
    assert "Guangdong Department of Ecology and Environment" in english
    assert 'href="/parks"' in english and 'href="/audit"' not in english  # the Office's pages are not offered


def test_the_header_names_the_person(client, signed_in, make_user):
    user, _ = make_user("province", province="32", name="  陈   静 ")
    sign_in(client, user.email)
    who = client.get("/dashboard").text
    assert "<span class=\"who-name\">陈 静</span>" in who and user.email not in who.split("who-detail")[0]
    client.post("/logout", data={"csrf_token": _csrf(client.get("/login").text)})
    nameless = signed_in("office")  # an account created without a name is shown by its address
    assert f"<span class=\"who-name\">{nameless.email}</span>" in client.get("/dashboard").text


def test_office_navigation_and_a_municipal_bureau(client, signed_in, make_user):
    signed_in("office")
    page = client.get("/dashboard").text
    assert "生态环境部（办公室）" in page and 'href="/audit"' in page and 'aria-current="page"' in page
    from ecopanel.frame import department_name

    assert department_name("11").zh == "北京市生态环境局" and department_name("65").zh == "新疆维吾尔自治区生态环境厅"


def test_refusals_and_missing_pages_are_friendly(client, signed_in, make_expert):
    signed_in("expert", expert_id=make_expert().id)
    refused = client.get("/dashboard")
    assert refused.status_code == 403
    assert "无权访问" in refused.text and "{}" not in refused.text and 'href="/"' in refused.text
    english = client.get("/audit?lang=en")
    assert english.status_code == 403 and "Not allowed" in english.text and "Back to my start page" in english.text
    missing = client.get("/no/such/page?lang=zh")  # the English chosen above is remembered
    assert missing.status_code == 404 and "找不到该页面" in missing.text


def test_a_page_form_without_its_token_explains_itself(client, signed_in):
    signed_in("office")
    response = client.post("/account/password", data={"current_password": "x"})
    assert response.status_code == 400 and "页面已过期" in response.text and "csrf_failed" in response.text


def test_password_change(app, client, db, signed_in):
    from ground.accounts import User

    user = signed_in("office")
    other = app.test_client()  # the same account signed in elsewhere
    sign_in(other, user.email)
    token = _csrf(client.get("/account/password").text)

    def change(current, new, confirm):
        return client.post("/account/password", data={"current_password": current, "new_password": new,
                                                        "confirm": confirm, "csrf_token": token})

    wrong = change("not-my-password", "a-new-password-1", "a-new-password-1")
    assert wrong.status_code == 422 and "当前密码不正确。" in wrong.text and 'aria-invalid="true"' in wrong.text
    assert change(PASSWORD, "a-new-password-1", "another-one-22").status_code == 422
    assert "至少 10 个字符" in change(PASSWORD, "short", "short").text
    empty = change("", "x" * 201, "x")
    assert empty.text.count("必填。") == 1 and "不能超过 200 个字符。" in empty.text
    done = change(PASSWORD, "a-new-password-1", "a-new-password-1")
    assert done.status_code == 200 and 'data-testid="password-changed"' in done.text
    assert client.get("/dashboard").status_code == 200  # this browser stays signed in
    assert other.get("/dashboard").status_code == 302  # the other session ended
    db.session.expire_all()
    assert db.session.get(User, user.id).failed_logins == 1  # the wrong current password counted
    actions = [e.action for e in db.session.query(AuditEntry).filter_by(object_type="user", object_id=str(user.id))]
    assert "auth.password_change" in actions and "auth.password_change_failed" in actions


def test_totp_setup_shows_a_qr_code(client, signed_in):
    signed_in("province", province="32")
    page = client.get("/account/totp").text
    assert 'data-testid="totp-qr"' in page and "<svg" in page and "<path" in page
    assert re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page)


def test_me_shows_the_experts_own_record(client, signed_in, make_expert):
    expert = make_expert(name="李四")
    signed_in("expert", expert_id=expert.id)
    page = client.get("/me").text
    assert "李四" in page and expert.mobile in page and "在库" in page  # their own data, unmasked, in words
    assert "目前没有即将召开的评审" in page and "尚未生成订阅地址" in page


def test_the_dashboard_counts_no_panel_of_another_authority(db, client, signed_in, park_row, make_expert):
    from panels.models import Panel, RuleSet

    rule_set = db.session.query(RuleSet).first()
    db.session.add_all([Panel(park_id=park_row.id, kind="acceptance_meeting", convened_by="office", size=5,
                              meeting_date=date(2027, 3, 10), rule_set_id=rule_set.id),
                        Panel(park_id=park_row.id, kind="plan_argumentation", convened_by="32", size=5,
                              meeting_date=date(2027, 3, 11), rule_set_id=rule_set.id)])
    db.session.commit()
    signed_in("province", province="32")
    page = client.get("/dashboard").text
    chart = page[page.index('data-testid="chart-panels-kind"'):]
    chart = chart[:chart.index("</figure>")]
    assert "建设规划论证 1" in chart and "验收会 0" in chart  # its own panel only
    places = page[page.index('data-testid="chart-parks-place"'):]
    assert "常州 1" in places[:places.index("</figure>")]  # its park, by city


def test_the_dashboard_lists_meetings_awaiting_their_conclusion_in_remit(db, client, signed_in, park_row):
    from datetime import timedelta

    from ground.clock import today
    from panels.models import Panel, RuleSet

    rule_set = db.session.query(RuleSet).first()
    held, day = today() - timedelta(days=2), today()
    panels = [Panel(park_id=park_row.id, kind="acceptance_meeting", convened_by="office", size=5, meeting_date=held,
                    rule_set_id=rule_set.id),
              Panel(park_id=park_row.id, kind="plan_argumentation", convened_by="32", size=5, meeting_date=day,
                    rule_set_id=rule_set.id),
              Panel(park_id=park_row.id, kind="plan_argumentation", convened_by="32", size=5, meeting_date=held,
                    rule_set_id=rule_set.id, status="held"),  # concluded
              Panel(park_id=park_row.id, kind="plan_argumentation", convened_by="32", size=5,
                    meeting_date=day + timedelta(days=1), rule_set_id=rule_set.id)]  # not yet met
    db.session.add_all(panels)
    db.session.commit()

    def listed(page: str) -> str:
        section = page[page.index('data-testid="work-conclusions"'):]
        return section[:section.index("</section>")]

    signed_in("province", province="32")
    mine = listed(client.get("/dashboard").text)
    assert f'href="/panels/{panels[1].id}/meeting"' in mine and "今天开会" in mine
    assert f"/panels/{panels[0].id}/" not in mine and f"/panels/{panels[2].id}/" not in mine
    assert f"/panels/{panels[3].id}/" not in mine
    client.post("/logout", data={"csrf_token": _csrf(client.get("/login").text)})
    signed_in("office")
    office = listed(client.get("/dashboard?lang=en").text)
    assert f'href="/panels/{panels[0].id}/meeting"' in office and "2 days since" in office
    assert office.index(f"/panels/{panels[0].id}/") < office.index(f"/panels/{panels[1].id}/")  # oldest first


def test_audit_log_filters_pages_and_shows_looks(db, client, signed_in, make_expert):
    from ecopanel.auth.services import anonymous
    from ground.audit import record

    for _ in range(60):
        record(anonymous("10.0.0.1"), "auth.login_failed", "user", 7, {"reason": "password"})
    record(anonymous("10.0.0.2"), "panel.view", "panel", 3, {})
    db.session.commit()
    signed_in("office")
    page = client.get("/audit")
    assert page.status_code == 200 and "完整" in page.text and "登录失败" in page.text
    last = client.get("/audit?page=999&actor=10.0.0.1").text
    assert "第 2 / 2 页" in last  # a page past the end shows the last one
    looks = client.get("/audit?views=1").text
    assert "查看评审组（含成员）" in looks and "登录失败" not in looks.split("audit-entries")[1]
    assert client.get("/audit?type=panel&object_id=3").text.count("<tr>") == 2  # header + the one look
    bad = client.get("/audit?from=2026-13-01&to=x")
    assert bad.status_code == 422 and "请输入有效日期" in bad.text
    backwards = client.get("/audit?from=2026-11-02&to=2026-11-01")
    assert backwards.status_code == 422 and "结束日期不能早于开始日期" in backwards.text


def test_audit_log_shows_a_broken_chain(db, client, signed_in):
    signed_in("office")
    entry = db.session.query(AuditEntry).order_by(AuditEntry.seq).first()
    entry.data = {**entry.data, "tampered": True}
    db.session.commit()
    page = client.get("/audit").text
    assert "已损坏" in page and f"从第 {entry.seq} 条记录起" in page
    checked = client.get("/audit?checkpoint=ecopanel-audit-checkpoint:v1:bogus").text
    assert "这不是有效的检查点" in checked


def test_a_large_log_is_verified_on_request(client, signed_in, monkeypatch):
    from ecopanel.auditlog import queries

    monkeypatch.setattr(queries, "VERIFY_INLINE_LIMIT", 0)
    signed_in("office")
    page = client.get("/audit?actor=office").text
    assert "本次未校验" in page and "verify=1" in page and "actor=office" in page
    assert "全部" in client.get("/audit?verify=1").text.split("chain-status")[1][:200]
