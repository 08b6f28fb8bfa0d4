"""The park pages without a browser: scope, counts, refusals and bad input shown in words, never a 500."""

from __future__ import annotations

import re
from datetime import date

import pytest


@pytest.fixture
def pages_as(app, make_user):
    """A client signed in to the pages as a new user of ``role`` (the session a sign-in leaves behind)."""
    from flask_login.utils import _create_identifier

    def make(role: str, **kwargs):
        user, _ = make_user(role, password=None, **kwargs)
        client = app.test_client()
        with app.test_request_context(environ_base=client.environ_base):
            ident = _create_identifier()
        now = int(app.config["CLOCK"]().timestamp())
        with client.session_transaction() as session:
            session.update({"_user_id": str(user.id), "_fresh": True, "_id": ident, "auth_at": now, "seen_at": now,
                            "auth_v": user.session_version})
        return client

    return make


def _get(client, path):
    from flask import g

    g.pop("_login_user", None)  # the test's app context outlives requests; Flask-Login caches the user in g
    return client.get(path)


def _post(client, path, data, lang="zh"):
    from flask import g

    g.pop("_login_user", None)
    page = client.get(f"/parks?lang={lang}").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    g.pop("_login_user", None)
    return client.post(path, data={**data, "csrf_token": token})


def test_a_province_lists_and_counts_only_its_own_parks(clock, make_park, pages_as):
    mine, theirs = make_park(province="32"), make_park(province="44")
    client = pages_as("province", province="32")
    body = _get(client, "/parks").get_data(as_text=True)
    assert mine.name in body and theirs.name not in body
    assert re.search(r'data-testid="count-new">1<', body)  # the other province's park is not counted
    main = body[body.index("<main"):]  # the frame above is another page's concern
    assert "江苏省" in main and ">32<" not in main


def test_a_filter_typed_by_hand_is_named_and_ignored_never_raw(clock, make_park, pages_as):
    make_park()
    client = pages_as("office")
    response = _get(client, "/parks?province=江苏&page=99")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已忽略无效的筛选条件：省份" in body and '{"' not in body
    assert "测试园区" in body  # the last page, not an empty "99 / 1"


def test_a_refused_action_and_bad_input_come_back_in_words(clock, make_park, pages_as, application_documents):
    park = make_park()
    application_documents(park, date(2026, 3, 2))
    client = pages_as("park", park_id=park.id)
    # the province's step, asked by the park: refused with the lifecycle's parties in words
    response = _post(client, f"/parks/{park.id}/actions", {"action": "start_provincial_review", "date": "2026-03-02",
                                                          "as_leading_group": "0"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "园区当前状态为“尚未申请”，不能执行“启动省级审核”" in body and "illegal_transition" not in body
    # a date in the future, in English: the note by the field, nothing stored
    response = _post(client, f"/parks/{park.id}/actions?lang=en",
                     {"action": "submit_application", "date": "2027-01-01", "as_leading_group": "0"}, lang="en")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The date cannot be after today (March 2, 2026)." in body
    # without the materials of Art. 9: named in words
    response = _post(client, f"/parks/{park.id}/actions", {"action": "submit_application", "date": "2026-03-02"})
    assert response.status_code == 422
    assert "缺少第9条规定的材料：创建申请、建设规划" in response.get_data(as_text=True)
    # a material without its file
    response = _post(client, f"/parks/{park.id}/materials", {"kind": "other"})
    assert response.status_code == 422 and "请选择要上传的文件。" in response.get_data(as_text=True)
    from ground.extensions import db
    from scheduling.models import Park

    db.session.expire_all()
    assert db.session.get(Park, park.id).state == "new"


def test_the_timeline_picture_gains_each_step(clock, approved_park, pages_as):
    park = approved_park()
    client = pages_as("office")
    body = _get(client, f"/parks/{park.id}").get_data(as_text=True)
    svg = body[body.index("<svg"):body.index("</svg>")]
    for words in ("提交创建申请", "第9条", "发布创建公示", "批准开展创建", "建设期届满", "今天 2026-03-02"):
        assert words in svg, words
    assert svg.count('data-testid="timeline-row"') >= 6
    assert 'font-family="&#34;Noto Sans CJK SC&#34;' in svg


def test_provisional_deadlines_are_marked_in_the_picture():
    from scheduling.pages.entries import Entry
    from scheduling.pages.picture import draw

    with _request("zh"):
        picture = draw([Entry(date(2031, 1, 10), "命名公示截止", "还有 9 天", "第19条", "due", "due", ahead=True,
                              provisional=True)], date(2031, 1, 1), "测试园区")
    row = picture.rows[0]
    assert row.dashed and row.hollow and "暂定" in row.top and picture.today_y < row.y


def _request(lang):
    from flask import Flask

    app = Flask("t")
    app.secret_key = "x"
    return app.test_request_context(f"/parks?lang={lang}")


def test_the_public_list_needs_no_sign_in_and_shows_listed_parks_only(clock, app, approved_park, make_park):
    listed, applying = approved_park(), make_park()
    body = app.test_client().get("/public/parks").get_data(as_text=True)
    assert listed.name in body and applying.name not in body and "创建中" in body


def test_a_park_user_sees_only_its_park(clock, make_park, pages_as):
    mine, other = make_park(), make_park()
    client = pages_as("park", park_id=mine.id)
    assert _get(client, f"/parks/{mine.id}").status_code == 200
    assert _get(client, f"/parks/{other.id}").status_code == 404  # another park answers as a missing one (SECURITY.md)
    body = _get(client, "/parks").get_data(as_text=True)
    assert mine.name in body and other.name not in body


def test_the_office_acts_for_the_leading_group_only_where_it_decides(clock, approved_park, pages_as):
    park = approved_park()
    client = pages_as("office")
    body = _get(client, f"/parks/{park.id}").get_data(as_text=True)
    assert "代领导小组录入" not in body  # nothing for the leading group while the park builds
    assert "在当前阶段，您没有可以办理的事项。" in body


def test_panels_on_the_timeline_are_drawn_as_the_timeline_gives_them():
    from scheduling.pages.entries import timeline_entries

    head = {"panel_id": 7, "panel_kind": "plan_argumentation", "convened_by": "32"}
    tl = {"today": date(2026, 3, 2), "due": [], "events": [
        {"type": "panel_convened", "on": date(2026, 2, 1), **head, "status": "inviting",
         "meeting_date": date(2026, 3, 10), "reason": None},
        {"type": "panel_drawn", "on": date(2026, 2, 1), **head, "round": 1, "purpose": "initial"},
        {"type": "panel_invitations_sent", "on": date(2026, 2, 2), **head},
        {"type": "panel_meeting", "on": date(2026, 3, 10), **head, "status": "inviting"},
        # what a park or another authority sees of a confidential panel: its kind and day, once held
        {"type": "panel_meeting", "on": date(2025, 6, 3), "panel_kind": "acceptance_meeting", "status": "held"},
    ]}
    with _request("zh"):
        entries = timeline_entries(tl)
    titles = [(e.on, e.title, e.ahead) for e in entries]
    assert titles == [(date(2025, 6, 3), "专家会议：验收会", False),
                      (date(2026, 2, 1), "专家组已组建：建设规划论证", False),
                      (date(2026, 3, 10), "专家会议：建设规划论证", True)]
    convened = entries[1]
    assert convened.article == "第10条" and "江苏省" in convened.detail
    assert any("第1轮抽取" in n for n in convened.notes) and any("发出邀请" in n for n in convened.notes)
