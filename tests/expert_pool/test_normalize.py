"""The expert pool's input normalisers: pure functions, tested without an app."""

from __future__ import annotations

import re
import time
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from expert_pool.rules import normalize as n
from expert_pool.rules.normalize import FieldError
from expert_pool.rules.regions import ID_NUMBER_PROVINCE_PREFIXES, PROVINCE_SHORT_ZH, PROVINCES
from ground.i18n import text_message

TODAY = date(2025, 6, 30)
CJK = re.compile(r"[\u4e00-\u9fff]")


def make_id(first17: str) -> str:
    return first17 + n.id_number_check_digit(first17)


def code_of(fn, *args, **kwargs) -> str:
    with pytest.raises(FieldError) as info:
        fn(*args, **kwargs)
    err = info.value
    message = text_message(err.text)  # as the API, the pages and the import show it
    assert CJK.search(message.zh), f"no Chinese for {err.text.message!r}"  # the catalog has it
    assert message.en and not CJK.search(err.text.message)  # an English msgid
    return err.code


# -- text ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("  张三  ", "张三"),
    ("ＡＢＣ１２３", "ABC123"),
    ("张\u3000\u3000三", "张 三"),
    ("a \t\n b", "a b"),
    ("\ufeff\u200b王五\u200d", "王五"),
    ("", ""),
    (None, ""),
])
def test_normalize_text(raw, expected):
    assert n.normalize_text(raw) == expected


# -- ID numbers --------------------------------------------------------------------------------------------

def test_check_digit_matches_the_standard_examples():
    # The two examples printed in GB 11643-1999.
    assert n.id_number_check_digit("11010519491231002") == "X"
    assert n.id_number_check_digit("44052418800101001") == "4"
    with pytest.raises(ValueError):
        n.id_number_check_digit("123")


def test_validate_id_number_reports_what_it_encodes():
    info = n.validate_id_number("11010519491231002X", today=TODAY)
    assert info == n.IdNumberInfo(date(1949, 12, 31), "F", "110105", "11010519491231002X")
    assert info.province_code == "11"
    assert n.validate_id_number(make_id("44052419800101001"), today=TODAY).gender == "M"
    # The standard's second example was born in 1880: a valid number, but no living expert's.
    assert code_of(n.validate_id_number, "440524188001010014", today=TODAY) == "id_number_birth_date"


@pytest.mark.parametrize("typed", [
    "11010519491231002x",
    " 110105 19491231 002X ",
    "110105-19491231-002X",
    "１１０１０５１９４９１２３１００２Ｘ",
    "１１０１０５　１９４９１２３１－００２ｘ",
    "110105—19491231–002X",
])
def test_id_number_is_normalised_as_users_type_it(typed):
    assert n.normalize_id_number(typed, today=TODAY) == "11010519491231002X"


@pytest.mark.parametrize(("raw", "code"), [
    ("", "id_number_required"),
    (None, "id_number_required"),
    ("110105491231002", "id_number_length"),  # an old 15-digit number
    ("11010519491231002", "id_number_length"),
    ("110105199001011000", "id_number_checksum"),  # what Excel makes of 110105199001011234
    ("1101051949123100XX", "id_number_format"),
    ("11010519491231A02X", "id_number_format"),
    ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "id_number_format"),  # Arabic-Indic digits are digits, but not ours
    (make_id("00010519491231002"), "id_number_region"),
    (make_id("71010519491231002"), "id_number_region"),  # Taiwan's GB/T 2260 code, never on an ID
    (make_id("11010519490231002"), "id_number_birth_date"),  # 31 February
    (make_id("11010518991231002"), "id_number_birth_date"),  # before 1900
    (make_id("11010520250701002"), "id_number_birth_date"),  # tomorrow
    ("110105194912310021", "id_number_checksum"),
    ("1" * 100_000, "id_number_length"),
])
def test_invalid_id_numbers(raw, code):
    assert code_of(n.validate_id_number, raw, today=TODAY) == code
    assert code_of(n.normalize_id_number, raw, today=TODAY) == code


@pytest.mark.parametrize("prefix", ["81", "82", "83"])
def test_residence_permits_for_hong_kong_macao_taiwan_are_accepted(prefix):
    number = make_id(prefix + "000019900101123")
    assert n.normalize_id_number(number, today=TODAY) == number


def test_every_province_prefix_is_accepted():
    assert set(PROVINCES) | {"81", "82", "83"} == ID_NUMBER_PROVINCE_PREFIXES
    for code in PROVINCES:
        assert n.validate_id_number(make_id(code + "010219800101123"), today=TODAY).province_code == code


def test_today_is_passed_in_and_a_birth_date_after_it_is_rejected():
    # A rule never reads the clock: ``today`` is required (the boundary passes ground.clock.today()).
    with pytest.raises(TypeError):
        n.validate_id_number(make_id("11010520990101002"))  # type: ignore[call-arg]
    assert code_of(n.validate_id_number, make_id("11010520990101002"), today=TODAY) == "id_number_birth_date"
    assert n.validate_id_number(make_id("11010520990101002"), today=date(2099, 1, 1)).birth_date == date(2099, 1, 1)


@given(
    prefix=st.sampled_from(sorted(ID_NUMBER_PROVINCE_PREFIXES)),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=0, max_value=17),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_error_is_caught(prefix, birth, seq, position, delta):
    number = make_id(f"{prefix}0101{birth:%Y%m%d}{seq:03d}")
    info = n.validate_id_number(number, today=TODAY)
    assert info.birth_date == birth and info.gender == ("M" if seq % 2 else "F")
    # MOD 11-2 detects every single-character substitution, whichever rule reports it first.
    chars = "0123456789X" if position == 17 else "0123456789"
    wrong = chars[(chars.index(number[position]) + delta) % len(chars)]
    corrupted = number[:position] + wrong + number[position + 1:]
    with pytest.raises(FieldError):
        n.validate_id_number(corrupted, today=TODAY)


# -- mobile and email ------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "13800138000", " 138 0013 8000 ", "138-0013-8000", "+86 138 0013 8000", "+8613800138000",
    "008613800138000", "86 13800138000", "(+86) 138-0013-8000", "１３８００１３８０００",
    "＋８６－１３８００１３８０００", "（+86）138　0013　8000",
])
def test_mobile_is_normalised(typed):
    assert n.normalize_mobile(typed) == "13800138000"


@pytest.mark.parametrize("raw", [
    "", None, "1380013800", "138001380000", "12800138000", "010-62345678", "+1 415 555 0100", "86138001380",
    "+85291234567", "1380013800a", "1" * 100_000,
])
def test_invalid_mobiles(raw):
    assert code_of(n.normalize_mobile, raw) == "mobile_invalid"


@pytest.mark.parametrize(("typed", "expected"), [
    ("zhangsan@example.com", "zhangsan@example.com"),
    ("  ZhangSan@Example.COM ", "zhangsan@example.com"),
    ("ｚｈａｎｇ＠１６３．ｃｏｍ", "zhang@163.com"),
    ("li.mei+pool@tsinghua.edu.cn", "li.mei+pool@tsinghua.edu.cn"),
    ("wang@163。com", "wang@163.com"),
    ("a_b-c@sub-domain.example.org", "a_b-c@sub-domain.example.org"),
    ("x@example.xn--fiqs8s", "x@example.xn--fiqs8s"),
])
def test_email_is_normalised(typed, expected):
    assert n.normalize_email(typed) == expected


@pytest.mark.parametrize("raw", [
    "", None, "zhangsan", "zhangsan@", "@example.com", "zhang san@example.com", "zhang@@example.com",
    "zhang@example", "zhang@example.c", "zhang@-example.com", "zhang@example-.com", ".zhang@example.com",
    "zhang..san@example.com", "张三@example.com", "zhang@例子.中国", "a" * 65 + "@example.com",
    "a@" + "b" * 250 + ".com", "a" * 100_000 + "@" + "b." * 50_000 + "com",
])
def test_invalid_emails(raw):
    started = time.perf_counter()
    assert code_of(n.normalize_email, raw) == "email_invalid"
    assert time.perf_counter() - started < 0.5  # no catastrophic backtracking on long input


# -- masking ---------------------------------------------------------------------------------------------

def test_masks():
    assert n.mask_id_number("11010519491231002X") == "110***********002X"
    assert n.mask_id_number("11010519491231002X", keep_start=6) == "110105********002X"
    assert n.mask_mobile("13800135678") == "138****5678"
    assert n.mask_mobile("1234567") == "*******"  # too short to show anything
    assert n.mask_id_number(None) == "" and n.mask_mobile("") == ""


@pytest.mark.parametrize(("text", "shown"), [
    ("13800138000@163.com", "138****8000@163.com"),
    ("+8613800138000@163.com", "+86138****8000@163.com"),
    ("008613800138000@163.com", "0086138****8000@163.com"),
    ("8613800138000@163.com", "86138****8000@163.com"),
    ("138-0013-8000@163.com", "138-****-8000@163.com"),
    ("138.0013.8000@163.com", "138.****.8000@163.com"),
    ("138_0013_8000@163.com", "138_****_8000@163.com"),
    ("call 138 0013 8000", "call 138 **** 8000"),
    ("(+86) 138 0013 8000", "(+86) 138 **** 8000"),
    ("+86-138-0013-8000", "+86-138-****-8000"),
    ("１３８００１３８０００", "１３８****８０００"),
    ("138\u200b0013\u200b8000", "138\u200b****\u200b8000"),
    ("13800138000xiaoming@qq.com", "138****8000xiaoming@qq.com"),
    ("320102198104161239zhang@qq.com", "320***********1239zhang@qq.com"),
    ("32010219810416123xzhang@qq.com", "320***********123xzhang@qq.com"),
    ("32010219810416123X", "320***********123X"),
    ("320102 19810416 1239", "320*** ******** 1239"),
    ("zhang.san@example.com", "zhang.san@example.com"),
    ("zhang2008@qq.com", "zhang2008@qq.com"),
    ("12345678@qq.com", "12345678@qq.com"),  # a QQ number, not a mobile
    ("2026-11-24", "2026-11-24"),
    ("320***********0710", "320***********0710"),  # already masked: nothing left to hide
])
def test_identifiers_inside_text_are_masked_in_every_spelling(text, shown):
    # Red-team finding 4: the country code, separators and letters after an ID number used to defeat the mask.
    assert n.mask_embedded_identifiers(text) == shown
    assert n.holds_identifier(text) is (shown != text)
    assert n.mask_embedded_identifiers(shown) == shown


def test_masking_long_text_stays_linear():
    started = time.perf_counter()
    n.mask_embedded_identifiers("1-" * 200_000 + "x" + "1 " * 200_000)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(("query", "probing"), [
    ("0013", True), ("１３８", True), ("138-0013", True), ("①", True), ("½", True), ("zhang", False),
    ("@163.com", True), ("@qq.com", False), ("张三", False), ("", False),
])
def test_a_query_may_probe_hidden_digits_when_it_holds_a_digit_in_any_form(query, probing):
    assert n.may_probe_identifier(query) is probing


# -- vocabularies ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "code"), [
    ("男", "M"), ("女", "F"), ("男性", "M"), (" 女性 ", "F"), ("M", "M"), ("f", "F"), ("Male", "M"),
    ("FEMALE", "F"), ("Ｍ", "M"),
])
def test_gender(typed, code):
    assert n.normalize_gender(typed) == code


@pytest.mark.parametrize("raw", ["", None, "未知", "X", "other"])
def test_invalid_gender(raw):
    assert code_of(n.normalize_gender, raw) == "gender_invalid"


@pytest.mark.parametrize(("typed", "rank"), [
    ("正高级", "senior"), ("正高", "senior"), ("教授级高工", "senior"), ("研究员", "senior"), ("教授", "senior"),
    ("教授级高级工程师", "senior"), ("正高级工程师", "senior"), ("senior", "senior"), ("Professor", "senior"),
    ("副高级", "deputy_senior"), ("副高", "deputy_senior"), ("副教授", "deputy_senior"),
    ("高级工程师", "deputy_senior"), ("副研究员", "deputy_senior"), ("deputy_senior", "deputy_senior"),
    ("Deputy senior", "deputy_senior"), ("senior engineer", "deputy_senior"),
    ("中级", "intermediate"), ("工程师", "intermediate"), ("讲师", "intermediate"), ("助理研究员", "intermediate"),
    ("intermediate", "intermediate"), ("初级", "junior"), ("助理工程师", "junior"), ("JUNIOR", "junior"),
])
def test_title_rank(typed, rank):
    assert n.normalize_title_rank(typed) == rank


@pytest.mark.parametrize("raw", ["", "处长", "院士候选人", "expert"])
def test_invalid_title(raw):
    assert code_of(n.normalize_title_rank, raw) == "title_invalid"


@pytest.mark.parametrize(("table", "fn"), [
    (n.GENDERS, n.normalize_gender),
    (n.TITLE_RANKS, n.normalize_title_rank),
    (n.ORGANIZATION_TYPES, n.normalize_organization_type),
    (n.STATUSES, n.normalize_status),
    (n.LANGUAGES, n.normalize_language),
    (n.MINISTRIES, n.normalize_recommended_by),
])
def test_every_code_and_label_reads_back(table, fn):
    """An export shows codes as labels in either language; re-importing it must give the codes back."""
    for code, (zh, en) in table.items():
        assert fn(code) == code
        assert fn(zh) == code
        assert fn(en) == code
        assert fn(en.upper()) == code


@pytest.mark.parametrize(("fn", "code"), [
    (n.normalize_organization_type, "organization_type_invalid"),
    (n.normalize_status, "status_invalid"),
    (n.normalize_language, "language_invalid"),
    (n.normalize_recommended_by, "recommended_by_invalid"),
])
def test_invalid_choices(fn, code):
    assert code_of(fn, "火星") == code
    assert code_of(fn, "") == code


def test_vocabulary_aliases():
    assert n.normalize_organization_type("高校") == "university"
    assert n.normalize_organization_type("管委会") == "park_agency"
    assert n.normalize_status("正常") == "active"
    assert n.normalize_language("zh-CN") == "zh"
    assert n.normalize_language("英语") == "en"


# -- provinces -------------------------------------------------------------------------------------------

def test_provinces_table_is_the_31_mainland_regions():
    assert len(PROVINCES) == 31 == len(PROVINCE_SHORT_ZH)
    assert len({zh for zh, _ in PROVINCES.values()}) == 31 and len({en for _, en in PROVINCES.values()}) == 31
    assert set(PROVINCE_SHORT_ZH) == set(PROVINCES)


def test_every_province_by_code_name_short_name_and_english():
    for code, (zh, en) in PROVINCES.items():
        for typed in (code, code + "0000", zh, PROVINCE_SHORT_ZH[code], en, en.upper(), f"{en} Province",
                      f" {zh} "):
            assert n.normalize_province(typed) == code, typed
        assert n.province_name(code) == zh and n.province_name(code, "en") == en


@pytest.mark.parametrize(("typed", "code"), [
    ("江苏", "32"), ("江苏省", "32"), ("32", "32"), ("Jiangsu", "32"), ("320102", "32"), ("３２", "32"),
    ("内蒙古", "15"), ("Inner Mongolia Autonomous Region", "15"), ("Nei Mongol", "15"), ("Tibet", "54"),
    ("Guangxi Zhuang Autonomous Region", "45"), ("Xinjiang Uygur Autonomous Region", "65"),
    ("Shaanxi", "61"), ("Shanxi", "14"), ("Beijing Municipality", "11"), ("新疆维吾尔自治区", "65"),
])
def test_province_forms(typed, code):
    assert n.normalize_province(typed) == code


@pytest.mark.parametrize("raw", ["", None, "火星", "99", "990000", "香港", "台湾", "71", "江苏市", "Mars"])
def test_invalid_province(raw):
    assert code_of(n.normalize_province, raw) == "province_invalid"


def test_province_name_of_unknown_code_is_the_code():
    assert n.province_name("99") == "99"


@pytest.mark.parametrize(("typed", "code"), [
    ("生态环境部", "MEE"), ("MEE", "MEE"), ("mofcom", "MOFCOM"), ("科技部", "MOST"),
    ("江苏省生态环境厅", "32"), ("江苏", "32"), ("广东省商务厅", "44"), ("Zhejiang", "33"),
])
def test_recommended_by(typed, code):
    assert n.normalize_recommended_by(typed) == code


# -- dates, years, lists ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "2024-01-31", "2024/1/31", "2024.1.31", "2024年1月31日", "2024年01月31日", "2024 年 1 月 31 日",
    "20240131", "２０２４－０１－３１", "2024-01-31 00:00:00", "2024/01/31", date(2024, 1, 31),
    datetime(2024, 1, 31, 0, 0), datetime(2024, 1, 31, 15, 30),
])
def test_parse_date(typed):
    assert n.parse_date(typed) == date(2024, 1, 31)


@pytest.mark.parametrize("raw", [
    "", None, "2024-02-30", "1/31/2024", "31.01.2024", "45322", "2024-1/31", "abc", "2024年13月1日", "1850-01-01",
])
def test_invalid_dates(raw):
    assert code_of(n.parse_date, raw) == "date_invalid"


@pytest.mark.parametrize(("typed", "year"), [(1975, 1975), ("1975", 1975), ("1975年", 1975), ("1975.0", 1975),
                                              ("１９７５", 1975)])
def test_parse_year(typed, year):
    assert n.parse_year(typed, max_year=2025) == year


@pytest.mark.parametrize("raw", ["", None, "75", "1899", "2030", "一九七五", True])
def test_invalid_years(raw):
    assert code_of(n.parse_year, raw, max_year=2025) == "year_invalid"


@pytest.mark.parametrize(("raw", "items"), [
    ("循环经济；清洁生产、节能|循环经济\n, ", ["循环经济", "清洁生产", "节能"]),
    ("a;b,c，d、e|f\r\ng；；", ["a", "b", "c", "d", "e", "f", "g"]),
    ("ＩＥ01; IE02", ["IE01", "IE02"]),
    ("", []),
    (None, []),
    ("水污染防治", ["水污染防治"]),
])
def test_split_list(raw, items):
    assert n.split_list(raw) == items


def test_a_value_not_recognised_is_named_with_what_may_be_written_in_the_readers_language():
    with pytest.raises(FieldError) as info:
        n.normalize_gender("火星")
    message = text_message(info.value.text)
    assert (message.zh, message.en) == ("性别“火星”无法识别，可填写：男、女。",
                                        "Gender '火星' is not recognised; use one of: M, F, male, female.")
    assert info.value.params == {"value": "火星"}


@pytest.mark.parametrize(("allowed", "table"), [
    (n.vocabularies.ORGANIZATION_TYPES_ALLOWED, n.ORGANIZATION_TYPES),
    (n.vocabularies.STATUSES_ALLOWED, n.STATUSES),
])
def test_the_values_suggested_are_the_vocabularys(allowed, table):
    """The msgid lists the codes and its Chinese the labels, as they were built from the table before."""
    words = text_message(allowed)
    assert words.en == ", ".join(table)
    assert words.zh == "、".join(zh for zh, _ in table.values())
