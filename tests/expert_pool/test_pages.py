"""The pool's pages through the test client: filters, masking, pages that exist, forms with errors per field,
the version check, import in two steps, organisations and specialties, and who may open them."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from tests.conftest import valid_id_number
from tests.expert_pool.page_helpers import signed_in, text, token


@pytest.fixture
def pages(app, make_user):
    def as_(role: str = "office", lang: str = "zh", **kwargs):
        user, _ = make_user(role, **kwargs)
        return signed_in(app, user, lang)
    return as_


@pytest.fixture
def two_provinces(make_org, make_expert):
    """Three experts of Jiangsu (one of them contributed by Jiangsu), one of Guangdong."""
    nju = make_org(name="南京大学", province="32")
    scut = make_org(name="华南理工大学", province="44")
    js = [make_expert(name=f"苏专家{i}", organization_id=nju.id, province="32", specialties=["low_carbon"],
                      contributed_by="32" if i == 0 else None) for i in range(3)]
    gd = make_expert(name="粤专家", organization_id=scut.id, province="44", specialties=["eia"])
    return js, gd, nju


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_the_list_filters_by_province_and_specialty_chosen_from_lists(pages, two_provinces):
    js, _gd, _ = two_provinces
    office = pages("office")
    html = text(office.get("/experts?province=32&specialty=low_carbon"))
    rows = _rows(html)
    assert len(rows) == 3 and all("苏专家" in r for r in rows)
    assert js[0].mobile in html  # the Office reads mobiles whole
    assert "江苏省" in html and "正高级" in html and "低碳" in html  # words, not codes
    assert '<option value="32" selected>江苏省</option>' in html  # the filter stays chosen
    # the province typed in words (a bookmark, the old filter box) reads as the same filter
    assert len(_rows(text(office.get("/experts?province=江苏")))) == 3


def test_a_province_reads_the_pool_masked(pages, two_provinces):
    js, gd, _ = two_provinces
    html = text(pages("province", province="32").get("/experts"))
    assert len(_rows(html)) == 4
    assert js[0].mobile not in html and gd.mobile not in html
    assert gd.mobile[:3] + "****" + gd.mobile[-4:] in html
    assert "身份证号和手机号已脱敏" in html


def test_a_bad_filter_is_shown_beside_its_field_never_as_json(pages, two_provinces):
    response = pages("office").get("/experts?province=火星&sort=nonsense")
    html = text(response)
    assert response.status_code == 422
    assert 'class="field-error" id="e-province"' in html and 'id="e-sort"' in html
    assert "{" not in re.search(r"<main[^>]*>(.*)</main>", html, re.S).group(1)  # no raw JSON
    assert "<tbody>" not in html  # no stale results under an error


def test_a_page_past_the_end_shows_the_last_page(pages, two_provinces):
    html = text(pages("office").get("/experts?page=3&page_size=20"))
    assert "第 1 / 1 页" in html and len(_rows(html)) == 4
    assert "3 / 1" not in html


def test_the_pager_keeps_the_filters(pages, make_org, make_expert):
    org = make_org(name="苏州大学", province="32")
    for i in range(25):
        make_expert(name=f"分页{i:02d}", organization_id=org.id, province="32")
    html = text(pages("office", lang="en").get(f"/experts?organization_id={org.id}&page_size=20"))
    assert "Page 1 of 2" in html and "25 experts" in html
    assert f"organization_id={org.id}" in re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")


@pytest.mark.parametrize("role,kwargs", [("park", {}), ("expert", {})])
def test_parks_and_experts_do_not_reach_the_pool_pages(pages, two_provinces, role, kwargs, make_org, db):
    js, _, _ = two_provinces
    if role == "park":
        from scheduling.models import Park

        park = Park(name="页面园区", province="32", city="南京", management_agency=make_org(type="park_agency"),
                    state="new")
        db.session.add(park)
        db.session.commit()
        kwargs = {"park_id": park.id}
    else:
        kwargs = {"expert_id": js[1].id}
    client = pages(role, **kwargs)
    for path in ("/experts", f"/experts/{js[1].id}", "/experts/import", "/experts/review", "/organizations",
                 "/specialties", "/experts/new"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.mimetype == "text/html" and "无权执行此操作" in text(response)
        assert js[1].mobile not in text(response)


def test_an_experts_page_shows_its_records_masked_for_a_province(pages, two_provinces):
    js, gd, _nju = two_provinces
    office = pages("office")
    page = f"/experts/{gd.id}"
    assert gd.id_number in text(office.get(page))
    html = text(pages("province", province="32").get(page))
    assert gd.id_number not in html and gd.mobile not in html
    assert "任职经历" in html and "状态记录" in html and "华南理工大学" in html
    assert "修改信息" not in html  # Guangdong's expert: Jiangsu may not edit it
    own = text(pages("province", province="32").get(f"/experts/{js[0].id}"))
    assert "修改信息" in own and "更改状态" in own


def test_office_adds_an_expert_with_a_bad_field_then_fixes_it(pages, make_org, db):
    from expert_pool.models import Expert

    org = make_org(name="东南大学", province="32")
    office = pages("office")
    csrf = token(office, "/experts/new")
    good_id = valid_id_number("32", date(1975, 3, 9), True, 4242)
    form = {"csrf_token": csrf, "name": "表单专家", "gender": "M", "birth_year": "1975", "id_number": good_id[:-1] + (
        "0" if good_id[-1] != "0" else "1"), "mobile": "13912345678", "email": "form@example.cn",
        "organization_id": str(org.id), "title_rank": "senior", "specialties": ["eia", "low_carbon"],
        "province": "32", "recommended_by": "MEE", "contributed_by": "national", "status": "active",
        "language": "zh"}
    refused = office.post("/experts/new", data=form)
    html = text(refused)
    assert refused.status_code == 422
    assert re.search(r'id="e-id_number">[^<]*校验', html), html  # beside the field, in Chinese
    assert 'value="表单专家"' in html and 'value="low_carbon" checked' in html  # what was typed is kept
    assert db.session.query(Expert).filter_by(name="表单专家").count() == 0
    form["id_number"] = good_id
    saved = office.post("/experts/new", data=form)
    assert saved.status_code == 302 and "saved=created" in saved.headers["Location"]
    expert = db.session.query(Expert).filter_by(name="表单专家").one()
    assert expert.status == "active" and expert.contributed_by is None


def test_the_add_form_speaks_english_and_names_duplicates_only_where_the_caller_may_see(pages, two_provinces):
    _js, gd, nju = two_provinces
    province = pages("province", province="32", lang="en")
    csrf = token(province, "/experts/new")
    form = {"csrf_token": csrf, "name": "Dup", "gender": "M", "birth_year": str(gd.birth_year),
            "id_number": gd.id_number, "mobile": "13900000001", "email": "dup@example.cn",
            "organization_id": str(nju.id), "title_rank": "senior", "specialties": ["eia"], "province": "32",
            "recommended_by": "32", "status": "applicant", "language": "zh"}
    html = text(province.post("/experts/new", data=form))
    assert "may already be in the pool" in html
    assert 'id="e-id_number"' not in html and "Duplicates expert" not in html  # neither the field nor the expert


def test_editing_with_a_stale_version_says_someone_else_changed_it(pages, two_provinces, db):
    js, _, _ = two_provinces
    office = pages("office")
    page = text(office.get(f"/experts/{js[0].id}/edit"))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    form = {"csrf_token": csrf, "version": version, "name": js[0].name, "city": "苏州", "specialties": ["eia"],
            "gender": js[0].gender, "organization_id": str(js[0].organization_id)}
    assert office.post(f"/experts/{js[0].id}/edit", data=form).status_code == 302  # saved, version moves on
    form["city"] = "无锡"
    stale = office.post(f"/experts/{js[0].id}/edit", data=form)  # the old version again
    assert stale.status_code == 412
    assert "有人在您打开此页面后修改了这条记录" in text(stale) and 'value="无锡"' in text(stale)
    db.session.expire_all()
    assert db.session.get(type(js[0]), js[0].id).city == "苏州"


def test_a_province_edits_its_own_expert_without_seeing_the_masked_identifiers(pages, two_provinces, db):
    js, gd, _ = two_provinces
    province = pages("province", province="32")
    page = text(province.get(f"/experts/{js[0].id}/edit"))
    assert js[0].id_number not in page and js[0].mobile not in page
    assert province.get(f"/experts/{gd.id}/edit").status_code == 403
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = province.post(f"/experts/{js[0].id}/edit", data={
        "csrf_token": csrf, "version": version, "name": "改名专家", "specialties": ["eia"], "id_number": "",
        "mobile": ""})
    assert response.status_code == 302
    db.session.expire_all()
    expert = db.session.get(type(js[0]), js[0].id)
    assert expert.name == "改名专家" and expert.mobile == js[0].mobile


def test_status_change_needs_a_reason_and_is_recorded(pages, two_provinces, db):
    js, _, _ = two_provinces
    office = pages("office")
    csrf = token(office, f"/experts/{js[1].id}")
    refused = office.post(f"/experts/{js[1].id}/status", data={"csrf_token": csrf, "status": "suspended"})
    assert refused.status_code == 422 and 'id="e-status-reason"' in text(refused)
    assert "<details open>" in text(refused)
    done = office.post(f"/experts/{js[1].id}/status", data={"csrf_token": csrf, "status": "suspended",
                                                             "reason": "核实信息"})
    assert done.status_code == 302
    html = text(office.get(done.headers["Location"]))
    assert "状态已更改" in html and "核实信息" in html and "暂停" in html


def test_records_are_added_from_the_experts_page(pages, two_provinces, make_org, db):
    js, _, _nju = two_provinces
    other = make_org(name="苏州大学", province="32")
    office = pages("office")
    csrf = token(office, f"/experts/{js[1].id}")
    url = f"/experts/{js[1].id}"
    bad = office.post(f"{url}/unavailability", data={"csrf_token": csrf, "start_date": "2027-02-10",
                                                     "end_date": "2027-02-01"})
    assert bad.status_code == 422 and 'id="e-unavailability-end_date"' in text(bad) and "结束日期早于开始日期" in text(bad)
    assert office.post(f"{url}/unavailability", data={"csrf_token": csrf, "start_date": "2027-02-01",
                                                      "end_date": "2027-02-10", "reason": "出差"}).status_code == 302
    assert office.post(f"{url}/employments", data={"csrf_token": csrf, "organization_id": str(other.id),
                                                   "start_date": "2015-01-01", "end_date": "2019-12-31"}).status_code == 302
    none = office.post(f"{url}/conflicts", data={"csrf_token": csrf, "relation": "relative"})
    assert none.status_code == 422 and "须指定园区或单位" in text(none)
    assert office.post(f"{url}/conflicts", data={"csrf_token": csrf, "relation": "relative",
                                                 "organization_id": str(other.id)}).status_code == 302
    html = text(office.get(url))
    assert "出差" in html and "2019-12-31" in html and "近亲属在该处任职" in html
    assert office.post(f"{url}/confirm", data={"csrf_token": csrf}).status_code == 302


CSV_HEADER = "姓名,性别,身份证号,手机,邮箱,单位,职称,专业领域,省份\r\n"


def _csv(rows: list[str]) -> bytes:
    return (CSV_HEADER + "".join(r + "\r\n" for r in rows)).encode("utf-8-sig")


def _row(n: int, *, mobile: str | None = None) -> str:
    birth = date(1970, 1, 1 + n)
    return ",".join([f"导入专家{n}", "男", valid_id_number("32", birth, True, 8000 + n), mobile or f"1370000{n:04d}",
                     f"import{n}@example.cn", "南京林业大学", "正高级", "循环经济", "江苏"])


def test_import_shows_each_bad_row_and_column_then_imports_the_checked_file(pages, db):
    from expert_pool.models import Expert

    office = pages("office")
    csrf = token(office, "/experts/import")
    bad = office.post("/experts/import", data={"csrf_token": csrf, "file": (
        io.BytesIO(_csv([_row(1), _row(2, mobile="12345")])), "pool.csv")}, content_type="multipart/form-data")
    html = text(bad)
    assert bad.status_code == 422
    assert re.search(r'<td data-label="行号">3</td>\s*<td data-label="列">手机</td>', html), html
    assert db.session.query(Expert).count() == 0
    good = office.post("/experts/import", data={"csrf_token": csrf, "file": (
        io.BytesIO(_csv([_row(1), _row(2)])), "pool.csv")}, content_type="multipart/form-data")
    html = text(good)
    assert good.status_code == 200 and "检查通过" in html and "南京林业大学" in html
    assert db.session.query(Expert).count() == 0  # nothing stored by the check
    staged = re.search(r'name="token" value="([^"]+)"', html).group(1)
    done = office.post("/experts/import/confirm", data={"csrf_token": csrf, "token": staged})
    assert done.status_code == 200 and "导入完成" in text(done)
    assert db.session.query(Expert).count() == 2
    again = office.post("/experts/import/confirm", data={"csrf_token": csrf, "token": staged})
    assert again.status_code == 410 and db.session.query(Expert).count() == 2  # imported once


def test_a_staged_file_is_only_its_uploaders(app, pages, make_user, db):
    from expert_pool.models import Expert

    office = pages("office")
    csrf = token(office, "/experts/import")
    html = text(office.post("/experts/import", data={"csrf_token": csrf, "file": (
        io.BytesIO(_csv([_row(5)])), "pool.csv")}, content_type="multipart/form-data"))
    staged = re.search(r'name="token" value="([^"]+)"', html).group(1)
    other = pages("office")
    refused = other.post("/experts/import/confirm", data={"csrf_token": token(other, "/experts/import"),
                                                          "token": staged})
    assert refused.status_code == 410 and db.session.query(Expert).count() == 0
    assert office.post("/experts/import/confirm", data={"csrf_token": csrf, "token": staged}).status_code == 200


def test_an_import_without_a_file_says_so_beside_the_field(pages):
    office = pages("office", lang="en")
    response = office.post("/experts/import", data={"csrf_token": token(office, "/experts/import")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and 'id="e-file"' in text(response) and "Choose an Excel" in text(response)


def test_the_review_list_is_the_services(pages, two_provinces, db):
    js, gd, _ = two_provinces
    for e in (js[0], gd):
        e.data_confirmed_on = None
    db.session.commit()
    office = text(pages("office").get("/experts/review"))
    assert js[0].name in office and gd.name in office and "信息超过 12 个月未确认" in office
    assert 'data-testid="held-rows"' in office
    province = text(pages("province", province="32").get("/experts/review"))
    assert js[0].name in province and gd.name not in province and 'data-testid="held-rows"' not in province


def test_the_office_blacklists_and_lifts_with_a_reason(pages, make_org, db):
    org = make_org(name="某环境咨询公司", type="third_party")
    office = pages("office")
    page = f"/organizations/{org.id}"
    csrf = token(office, page)
    no_reason = office.post(f"{page}/blacklist", data={"csrf_token": csrf, "listed_on": "2026-11-24"})
    assert no_reason.status_code == 422 and 'id="e-reason"' in text(no_reason)
    assert office.post(f"{page}/blacklist", data={"csrf_token": csrf, "listed_on": "2026-11-24",
                                                  "reason": "报告弄虚作假"}).status_code == 302
    listed = text(office.get("/organizations?blacklisted=true"))
    assert "某环境咨询公司" in listed and "在黑名单中" in listed
    assert office.post(f"{page}/blacklist/lift", data={"csrf_token": csrf, "lifted_on": "2026-11-30",
                                                       "reason": "整改完成"}).status_code == 302
    assert "整改完成" in text(office.get(page))
    province = pages("province", province="32")
    assert "列入黑名单" not in text(province.get(page))
    assert province.post(f"{page}/blacklist", data={"csrf_token": token(province, "/organizations"),
                                                    "listed_on": "2026-12-01", "reason": "x"}).status_code == 403


def test_staff_add_organisations_and_the_office_adds_specialties(pages, db):
    province = pages("province", province="32")
    csrf = token(province, "/organizations")
    dup = province.post("/organizations", data={"csrf_token": csrf, "name": "", "type": "university"})
    assert dup.status_code == 422 and 'id="e-add-name"' in text(dup)
    assert province.post("/organizations", data={"csrf_token": csrf, "name": "江南大学", "type": "university",
                                                 "province": "32"}).status_code == 302
    assert "添加专业领域" not in text(province.get("/specialties"))
    office = pages("office")
    csrf = token(office, "/specialties")
    bad = office.post("/specialties", data={"csrf_token": csrf, "code": "Marine Ecology", "name_zh": "海洋生态",
                                            "name_en": "Marine ecology"})
    assert bad.status_code == 422 and 'id="e-code"' in text(bad)
    assert office.post("/specialties", data={"csrf_token": csrf, "code": "marine_ecology", "name_zh": "海洋生态",
                                             "name_en": "Marine ecology"}).status_code == 302
    assert "海洋生态" in text(office.get("/specialties"))


def test_the_import_page_and_the_api_share_one_rate_limit(app, make_user, tmp_path_factory):
    """A dry run is a dry run, whichever door it comes through: the pages do not open a second budget."""
    from tests.ecopanel.test_auth_hardening import _dispose, _limited

    user, api_token = make_user("province", province="44")
    limited = _limited(app, tmp_path_factory, IMPORT_RATE_LIMIT="2 per minute")
    try:
        page = signed_in(limited, user)
        with limited.app_context():
            csrf = token(page, "/experts/import")

        def upload():
            return page.post("/experts/import", data={"csrf_token": csrf, "file": (io.BytesIO(_csv([_row(7)])), "x.csv")},
                             content_type="multipart/form-data").status_code

        api = limited.test_client().post(
            "/api/v1/experts/import", headers={"Authorization": f"Bearer {api_token}"},
            data={"file": (io.BytesIO(_csv([_row(7)])), "x.csv"), "dry_run": "true"}, content_type="multipart/form-data")
        assert api.status_code == 200
        assert [upload(), upload()] == [200, 429]
    finally:
        _dispose(limited)


def _held_row(make_expert, n: int = 1):
    """A row of Guangdong's import held for the Office: it gave an expert's mobile Guangdong sees masked."""
    from expert_pool.services.held import hold_rows
    from ground.actor import Actor, Role
    from ground.extensions import db

    target = make_expert(name="被匹配专家", province="32")
    rec = {"row": 1 + n, "name": f"暂缓专家{n}", "gender": "M", "birth_year": 1970,
           "id_number": valid_id_number("44", date(1970, 2, 2), True, 7700 + n), "mobile": target.mobile,
           "email": f"held{n}@example.cn", "organization": "中山大学", "organization_type": "university",
           "title_rank": "senior", "specialties": ["eia"], "province": "44", "city": "广州", "recommended_by": "44",
           "term_start": None, "term_end": None, "status": "active", "language": "zh", "held": {"mobile": target.id}}
    row = hold_rows(Actor(user_id=None, label="guangdong", role=Role.PROVINCE, province="44"), [rec], "粤.csv")[0]
    db.session.commit()
    return row, target


def test_the_office_resolves_held_import_rows_on_the_review_page(pages, make_expert, db):
    from expert_pool.models import Expert, HeldImportRow

    row, target = _held_row(make_expert)
    office = pages("office")
    html = text(office.get("/experts/review"))
    assert "暂缓专家1" in html and "粤.csv" in html and "广东省" in html and target.mobile in html
    assert f'/experts/{target.id}"' in html  # the expert it matched, named to the Office
    assert "暂缓专家1" not in text(pages("province", province="44").get("/experts/review"))  # the Office's only
    csrf = token(office, "/experts/review")
    url = f"/experts/review/held/{row.id}"
    no_reason = office.post(url, data={"csrf_token": csrf, "resolution": "create"})
    assert no_reason.status_code == 422 and f'id="e-held{row.id}-reason"' in text(no_reason)
    same = office.post(url, data={"csrf_token": csrf, "resolution": "create", "reason": "不同的人"})
    assert same.status_code == 422 and f'id="e-held{row.id}-mobile"' in text(same)  # the mobile still repeats
    assert db.session.query(Expert).filter_by(name="暂缓专家1").count() == 0
    done = office.post(url, data={"csrf_token": csrf, "resolution": "create", "reason": "不同的人，手机号有误",
                                  "mobile": "13711112222"})
    assert done.status_code == 302 and "saved=held" in done.headers["Location"]
    db.session.expire_all()
    assert db.session.get(HeldImportRow, row.id).status == "created"
    assert db.session.query(Expert).filter_by(name="暂缓专家1").one().contributed_by == "44"
    assert office.post(url, data={"csrf_token": csrf, "resolution": "dismiss", "reason": "x"}).status_code == 422
    province = pages("province", province="44")
    assert province.post(url, data={"csrf_token": token(province, "/experts/review"), "resolution": "dismiss",
                                    "reason": "x"}).status_code == 403
