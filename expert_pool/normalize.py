"""Normalise and validate what people type about an expert: plain functions on plain values.

No Flask, no SQLAlchemy: the marshmallow schemas, the spreadsheet import and the CLI all call these, and
they are tested on their own. Every normaliser returns the canonical stored form or raises
:class:`FieldError` with a stable ``code`` and a message in Chinese and English that tells the user what
to fix. Input is treated the way Chinese users actually type it: full-width digits and letters (NFKC),
ideographic spaces, dashes and hyphens of every width inside phone and ID numbers, Chinese punctuation as
list separators.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from expert_pool.regions import (
    ID_NUMBER_PROVINCE_PREFIXES,
    PROVINCE_EN_ALIASES,
    PROVINCE_SHORT_ZH,
    PROVINCES,
)

__all__ = [
    "GENDERS",
    "LANGUAGES",
    "MINISTRIES",
    "ORGANIZATION_TYPES",
    "STATUSES",
    "TITLE_RANKS",
    "FieldError",
    "IdNumberInfo",
    "id_number_check_digit",
    "mask_id_number",
    "mask_mobile",
    "normalize_email",
    "normalize_gender",
    "normalize_id_number",
    "normalize_language",
    "normalize_mobile",
    "normalize_organization_type",
    "normalize_province",
    "normalize_recommended_by",
    "normalize_status",
    "normalize_text",
    "normalize_title_rank",
    "parse_date",
    "parse_year",
    "province_name",
    "split_list",
    "validate_id_number",
]

# China has had no daylight saving time since 1991, so a fixed offset is exact and needs no tz database.
_CHINA_TZ = timezone(timedelta(hours=8))


class FieldError(ValueError):
    """One field's value is unusable: a stable snake_case ``code`` and a bilingual message.

    ``params`` carries machine-readable specifics (e.g. the length found) for clients that want them.
    """

    def __init__(self, code: str, message_zh: str, message_en: str, params: Mapping[str, object] | None = None):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.params: dict[str, object] = dict(params or {})

    def message(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en"); Chinese is the programme's default."""
        return self.message_en if lang == "en" else self.message_zh


# ---------------------------------------------------------------------------------------------------------
# Text

# Characters that are invisible but break equality: zero-width space/joiners, word joiner, BOM, soft hyphen.
# Excel and web forms pasted from Word carry them more often than one would think.
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE_RE = re.compile(r"\s+")


def normalize_text(s: str | None) -> str:
    """NFKC (full-width digits, letters, punctuation and the ideographic space become ASCII), drop invisible
    characters, strip, and collapse runs of whitespace to one space. ``None`` becomes ``""``."""
    if s is None:
        return ""
    s = unicodedata.normalize("NFKC", str(s))
    s = _INVISIBLE_RE.sub("", s)
    return _SPACE_RE.sub(" ", s).strip()


# Every dash a user may type between digit groups (after NFKC has already folded "－" and "﹣" to "-").
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"
_NUMBER_NOISE_RE = re.compile(rf"[\s{re.escape(_DASHES)}]+")


def _strip_number_noise(s: str | None) -> str:
    """NFKC, then remove whitespace and dashes that users put between digit groups."""
    return _NUMBER_NOISE_RE.sub("", normalize_text(s))


# ---------------------------------------------------------------------------------------------------------
# Resident ID number (GB 11643-1999)

# ISO 7064 MOD 11-2: weight of position i (0-based, left to right) is 2^(17-i) mod 11.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
# Advice shown with length and check-digit errors: Excel turns a typed 18-digit number into 1.1E+17 and
# silently zeroes the last three digits, which is by far the most common cause of a bad ID in an import.
_EXCEL_HINT_ZH = "如从 Excel 导入，请将该列设置为“文本”格式后重新输入，否则 Excel 会把后几位变成 0。"
_EXCEL_HINT_EN = ("If this comes from Excel, format the column as Text and re-enter the number; "
                  "otherwise Excel replaces the last digits with 0.")


@dataclass(frozen=True)
class IdNumberInfo:
    """What a valid ID number says about its holder."""

    birth_date: date
    gender: str  # "M" or "F": the 17th digit is odd for men, even for women
    region_code: str  # the six-digit GB/T 2260 code of the place of first registration
    number: str = ""  # the normalised number itself

    @property
    def province_code(self) -> str:
        return self.region_code[:2]


def id_number_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character ("0"-"9" or "X") for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def validate_id_number(s: str | None, *, today: date | None = None) -> IdNumberInfo:
    """Validate a mainland resident ID number (or Hong Kong/Macao/Taiwan residence permit number).

    Accepts what users type: full-width digits, spaces and dashes between groups, a lower-case "x".
    Checks, in this order so the first message is the most useful one: presence, length (a separate
    message for the old 15-digit numbers), characters, province prefix (see
    ``regions.ID_NUMBER_PROVINCE_PREFIXES``), birth date (a real date, not before 1900, not after
    ``today``), and the ISO 7064 MOD 11-2 check digit.

    ``today`` is the date in China; it defaults to the current one. Pass it in rules and tests.
    """
    number = _strip_number_noise(s).upper()
    if not number:
        raise FieldError("id_number_required", "请填写身份证号。", "The ID number is required.")
    if len(number) == 15 and number.isdigit():
        raise FieldError(
            "id_number_length",
            "这是旧的 15 位身份证号，请填写现行的 18 位身份证号。",
            "This is an old 15-digit ID number; enter the current 18-character number.",
            {"length": 15},
        )
    if len(number) != 18:
        raise FieldError(
            "id_number_length",
            f"身份证号应为 18 位，实际为 {len(number)} 位。{_EXCEL_HINT_ZH}",
            f"An ID number has 18 characters, this one has {len(number)}. {_EXCEL_HINT_EN}",
            {"length": len(number)},
        )
    if not _ID_RE.fullmatch(number):
        raise FieldError(
            "id_number_format",
            "身份证号前 17 位应为数字，最后一位为数字或 X。",
            "The first 17 characters of an ID number are digits; the last is a digit or X.",
        )
    if number[:2] not in ID_NUMBER_PROVINCE_PREFIXES:
        raise FieldError(
            "id_number_region",
            f"身份证号开头的地区代码 {number[:2]} 不存在，请核对。",
            f"The ID number starts with {number[:2]}, which is not a valid region code; please check it.",
            {"prefix": number[:2]},
        )
    today = today or datetime.now(_CHINA_TZ).date()
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > today:
        raise FieldError(
            "id_number_birth_date",
            f"身份证号中的出生日期 {number[6:14]} 无效，请核对第 7-14 位。",
            f"The birth date {number[6:14]} in the ID number is not valid; check characters 7-14.",
            {"birth_date": number[6:14]},
        )
    if id_number_check_digit(number[:17]) != number[17]:
        raise FieldError(
            "id_number_checksum",
            f"身份证号校验位不正确，请逐位核对。{_EXCEL_HINT_ZH}",
            f"The ID number's check digit does not match; check each digit. {_EXCEL_HINT_EN}",
        )
    return IdNumberInfo(
        birth_date=birth,
        gender="M" if int(number[16]) % 2 else "F",
        region_code=number[:6],
        number=number,
    )


def normalize_id_number(s: str | None, *, today: date | None = None) -> str:
    """The canonical 18-character ID number (digits, upper-case X); raises :class:`FieldError` if invalid.

    Like the other ``normalize_*`` functions this validates too, so a normalised value is always a valid
    one; see :func:`validate_id_number` for the rules and for the facts the number encodes.
    """
    return validate_id_number(s, today=today).number


# ---------------------------------------------------------------------------------------------------------
# Mobile and email

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
# Parentheses as in "(+86) 138 0013 8000"; NFKC has already turned full-width ones into ASCII.
_MOBILE_NOISE_RE = re.compile(rf"[\s{re.escape(_DASHES)}()]+")


def normalize_mobile(s: str | None) -> str:
    """An 11-digit mainland mobile number, e.g. "13800138000".

    Removes spaces, dashes and parentheses of any width and a leading +86, 0086 or 86 country code.
    Landlines and numbers outside the mainland are rejected: the programme reaches experts by SMS.
    """
    number = _MOBILE_NOISE_RE.sub("", normalize_text(s))
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    elif len(number) == 13 and number.startswith("86"):
        number = number[2:]
    if not _MOBILE_RE.fullmatch(number):
        raise FieldError(
            "mobile_invalid",
            "手机号应为 11 位中国大陆手机号码，如 13800138000。",
            "Enter an 11-digit mainland China mobile number, e.g. 13800138000.",
        )
    return number


_EMAIL_LOCAL_RE = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_EMAIL_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_EMAIL_TLD_RE = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")


def normalize_email(s: str | None) -> str:
    """A syntactically plausible email address, entirely in lower case.

    NFKC first, so "ｚｈａｎｇ＠１６３．ｃｏｍ" works, and the ideographic full stop "。" (a common IME slip)
    becomes ".". The *local part* is lower-cased too, although RFC 5321 lets it be case-sensitive: every
    provider our experts use (qq.com, 163.com, edu.cn, gov.cn, gmail.com ...) ignores case, and one spelling
    per address is what makes duplicate detection work. Only ASCII addresses are accepted; internationalised
    domains must be given in their xn-- form.
    """
    address = normalize_text(s).replace("。", ".").lower()
    # Length first: it bounds the work of the regular expressions below, whatever the input size.
    local, sep, domain = address.rpartition("@")
    labels = domain.split(".")
    if not (
        sep
        and len(address) <= 254
        and len(local) <= 64
        and _EMAIL_LOCAL_RE.fullmatch(local)
        and len(labels) >= 2
        and all(_EMAIL_LABEL_RE.fullmatch(label) for label in labels[:-1])
        and _EMAIL_TLD_RE.fullmatch(labels[-1])
    ):
        raise FieldError(
            "email_invalid",
            "电子邮箱格式不正确，如 zhangsan@example.com。",
            "The email address is not valid, e.g. zhangsan@example.com.",
        )
    return address


# ---------------------------------------------------------------------------------------------------------
# Masking (for provincial users and logs)

def _mask(s: str, keep_start: int, keep_end: int) -> str:
    if len(s) <= keep_start + keep_end:
        return "*" * len(s)  # too short to reveal anything safely
    return s[:keep_start] + "*" * (len(s) - keep_start - keep_end) + s[len(s) - keep_end:]


def mask_id_number(s: str | None, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """Mask an ID number for users who may not see it whole: "110***********002X".

    We keep the first 3 and last 4 characters, not the common 6 + 4: the expert's birth year and province
    are shown anyway, and the six-digit county code on top of them narrows the hidden part to a birth date
    and an easily enumerated sequence number. The last four still let staff tell two namesakes apart.
    """
    return _mask(s or "", keep_start, keep_end)


def mask_mobile(s: str | None) -> str:
    """Mask a mobile number the way Chinese services do: "138****5678" (first 3 and last 4 kept)."""
    return _mask(s or "", 3, 4)


# ---------------------------------------------------------------------------------------------------------
# Vocabularies

def _key(s: str | None) -> str:
    """Lookup key: normalised, case-folded, without spaces, hyphens, underscores and dots."""
    return re.sub(r"[\s\-_.·]+", "", normalize_text(s).casefold())


def _lookup(table: Mapping[str, str], s: str | None, code: str, what_zh: str, what_en: str,
            allowed_zh: str, allowed_en: str) -> str:
    value = table.get(_key(s))
    if value is None:
        shown = normalize_text(s)[:50]
        raise FieldError(
            code,
            f"{what_zh}“{shown}”无法识别，可填写：{allowed_zh}。",
            f"{what_en} '{shown}' is not recognised; use one of: {allowed_en}.",
            {"value": shown},
        )
    return value


def _table(groups: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Invert {canonical: aliases} into {lookup key: canonical}; the canonical code is its own alias."""
    out: dict[str, str] = {}
    for canonical, aliases in groups.items():
        for alias in (canonical, *aliases):
            key = _key(alias)
            if out.get(key, canonical) != canonical:
                raise ValueError(f"alias {alias!r} is ambiguous")  # a programming error in the tables below
            out[key] = canonical
    return out


# canonical code -> (Chinese label, English label); the labels are what exports and templates show.
GENDERS: dict[str, tuple[str, str]] = {"M": ("男", "Male"), "F": ("女", "Female")}
_GENDER_TABLE = _table({"M": ("男", "男性", "male", "man"), "F": ("女", "女性", "female", "woman")})


def normalize_gender(s: str | None) -> str:
    """"M" or "F" from 男/女, 男性/女性, M/F, male/female (any case or width)."""
    return _lookup(_GENDER_TABLE, s, "gender_invalid", "性别", "Gender", "男、女", "M, F, male, female")


TITLE_RANKS: dict[str, tuple[str, str]] = {
    "senior": ("正高级", "Senior (full)"),
    "deputy_senior": ("副高级", "Deputy senior"),
    "intermediate": ("中级", "Intermediate"),
    "junior": ("初级", "Junior"),
}
# The rank of the titles that appear in real expert lists. Note that the English "senior engineer" is
# 高级工程师, a *deputy* senior rank; "full senior" ranks are 正高级 (教授级高工, 研究员 ...).
_TITLE_TABLE = _table({
    "senior": (
        "正高级", "正高", "正高级职称", "教授级高工", "教授级高级工程师", "正高级工程师", "研究员级高级工程师",
        "研究员级高工", "研究员", "教授", "正高级经济师", "正高级会计师", "正高级规划师", "主任医师",
        "Senior (full)", "full senior", "professor", "research professor", "professorate senior engineer",
    ),
    "deputy_senior": (
        "副高级", "副高", "副高级职称", "副教授", "高级工程师", "高工", "副研究员", "高级经济师", "高级会计师",
        "高级规划师", "高级建筑师", "高级农艺师", "副主任医师", "deputy senior", "associate professor",
        "associate research professor", "senior engineer",
    ),
    "intermediate": (
        "中级", "中级职称", "工程师", "讲师", "助理研究员", "经济师", "会计师", "规划师", "农艺师", "主治医师",
        "lecturer", "engineer", "assistant research professor",
    ),
    "junior": (
        "初级", "初级职称", "助理工程师", "助教", "技术员", "研究实习员", "assistant engineer", "teaching assistant",
    ),
})


def normalize_title_rank(s: str | None) -> str:
    """The title rank code (senior, deputy_senior, intermediate, junior) of a professional title.

    Accepts the rank itself (正高级/副高级/中级/初级, the English codes) or a common title (教授, 高级工程师,
    讲师 ...). Unknown titles are rejected rather than guessed: a wrong rank would skew panel composition.
    """
    return _lookup(_TITLE_TABLE, s, "title_invalid", "职称", "Title",
                   "正高级、副高级、中级、初级（或教授、高级工程师等）",
                   "senior, deputy_senior, intermediate, junior (or a title such as professor)")


ORGANIZATION_TYPES: dict[str, tuple[str, str]] = {
    "university": ("高等院校", "University"),
    "institute": ("科研院所", "Research institute"),
    "enterprise": ("企业", "Enterprise"),
    "government": ("政府机关", "Government body"),
    "third_party": ("第三方机构", "Third-party institution"),
    "park_agency": ("园区管理机构", "Park management agency"),
    "design_institute": ("设计院", "Design institute"),
    "association": ("行业协会", "Industry association"),
    "other": ("其他", "Other"),
}
_ORG_TYPE_TABLE = _table({
    "university": ("高等院校", "高校", "大学", "院校", "高等学校", "University"),
    "institute": ("科研院所", "科研机构", "研究院", "研究所", "科研单位", "Research institute"),
    "enterprise": ("企业", "国有企业", "国企", "民营企业", "公司", "Enterprise", "company"),
    "government": ("政府机关", "政府", "机关", "政府部门", "行政机关", "Government body"),
    "third_party": ("第三方机构", "第三方", "咨询机构", "第三方咨询机构", "技术服务机构", "Third-party institution",
                    "consultancy"),
    "park_agency": ("园区管理机构", "园区管委会", "管委会", "园区管理部门", "Park management agency"),
    "design_institute": ("设计院", "设计单位", "规划设计院", "Design institute"),
    "association": ("行业协会", "协会", "学会", "Industry association"),
    "other": ("其他", "Other"),
})


def normalize_organization_type(s: str | None) -> str:
    """The organisation type code (see ``ORGANIZATION_TYPES``) from its code or a Chinese/English name."""
    return _lookup(_ORG_TYPE_TABLE, s, "organization_type_invalid", "单位类型", "Organization type",
                   "、".join(zh for zh, _ in ORGANIZATION_TYPES.values()), ", ".join(ORGANIZATION_TYPES))


STATUSES: dict[str, tuple[str, str]] = {
    "applicant": ("申请中", "Applicant"),
    "active": ("在库", "Active"),
    "suspended": ("暂停", "Suspended"),
    "retired": ("退出", "Retired"),
    "removed": ("除名", "Removed"),
}
_STATUS_TABLE = _table({
    "applicant": ("申请中", "申请", "待审核", "Applicant"),
    "active": ("在库", "正常", "有效", "在聘", "启用", "Active"),
    "suspended": ("暂停", "停用", "暂停使用", "Suspended"),
    "retired": ("退出", "退休", "Retired"),
    "removed": ("除名", "移出", "清退", "Removed"),
})


def normalize_status(s: str | None) -> str:
    """The status code (applicant, active, suspended, retired, removed) from its code or a label."""
    return _lookup(_STATUS_TABLE, s, "status_invalid", "状态", "Status",
                   "、".join(zh for zh, _ in STATUSES.values()), ", ".join(STATUSES))


LANGUAGES: dict[str, tuple[str, str]] = {"zh": ("中文", "Chinese"), "en": ("英文", "English")}
_LANGUAGE_TABLE = _table({
    "zh": ("中文", "汉语", "简体中文", "Chinese", "zh-CN", "zh-Hans"),
    "en": ("英文", "英语", "English", "en-US", "en-GB"),
})


def normalize_language(s: str | None) -> str:
    """The expert's language for messages, "zh" or "en"."""
    return _lookup(_LANGUAGE_TABLE, s, "language_invalid", "语言", "Language", "中文、英文", "zh, en")


# ---------------------------------------------------------------------------------------------------------
# Provinces and recommending bodies

def _province_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, (zh, en) in PROVINCES.items():
        for alias in (code, code + "0000", zh, PROVINCE_SHORT_ZH[code], en):
            table[_key(alias)] = code
    for alias, code in PROVINCE_EN_ALIASES.items():
        table[_key(alias)] = code
    return table


_PROVINCE_TABLE = _province_table()
# Suffixes people append to English names ("Jiangsu Province", "Guangxi Zhuang Autonomous Region").
# Stripped one after the other: "Anhui Province" must not lose its "hui".
_EN_SUFFIX_RE = re.compile(r"(autonomousregion|province|municipality|city|sheng|shi|zizhiqu)$")
_EN_ETHNIC_RE = re.compile(r"(zhuang|hui|uygur|uyghur|uighur)$")


def normalize_province(s: str | None) -> str:
    """The two-digit GB/T 2260 code of a mainland provincial-level region.

    Accepts the code ("32"), a six-digit region code ("320000", "320102"), the full or short Chinese name
    ("江苏省", "江苏") and the English name ("Jiangsu", "Jiangsu Province").
    """
    key = _key(s)
    code = _PROVINCE_TABLE.get(key)
    if code is None and len(key) == 6 and key.isdigit() and key[:2] in PROVINCES:
        code = key[:2]
    if code is None:
        key = _EN_SUFFIX_RE.sub("", key)
        code = _PROVINCE_TABLE.get(key) or _PROVINCE_TABLE.get(_EN_ETHNIC_RE.sub("", key))
    if code is None:
        shown = normalize_text(s)[:50]
        raise FieldError(
            "province_invalid",
            f"省份“{shown}”无法识别，请填写省级行政区名称（如“江苏”或“江苏省”）或代码（如 32）。",
            f"Province '{shown}' is not recognised; enter a provincial-level region's name (e.g. Jiangsu) "
            "or its code (e.g. 32).",
            {"value": shown},
        )
    return code


def province_name(code: str, lang: str = "zh") -> str:
    """The full name of a province code in ``lang`` (the code itself if unknown)."""
    names = PROVINCES.get(code)
    if names is None:
        return code
    return names[1] if lang == "en" else names[0]


# The three ministries of the programme's leading group (Art. 5) -> their names.
MINISTRIES: dict[str, tuple[str, str]] = {
    "MEE": ("生态环境部", "Ministry of Ecology and Environment"),
    "MOFCOM": ("商务部", "Ministry of Commerce"),
    "MOST": ("科学技术部", "Ministry of Science and Technology"),
}
_MINISTRY_TABLE = _table({
    "MEE": ("生态环境部", "环境部", "Ministry of Ecology and Environment"),
    "MOFCOM": ("商务部", "Ministry of Commerce"),
    "MOST": ("科学技术部", "科技部", "Ministry of Science and Technology"),
})
# "江苏省生态环境厅" -> the province; the department's name does not matter for the pool.
_PROVINCIAL_DEPT_RE = re.compile(r"^(.+?)(生态环境厅|生态环境局|商务厅|科学技术厅|科技厅)$")


def normalize_recommended_by(s: str | None) -> str:
    """The recommending body: "MEE", "MOFCOM", "MOST" or a province code.

    Accepts the ministries' codes and names and, for provinces, anything :func:`normalize_province`
    accepts or a provincial department's name such as "江苏省生态环境厅".
    """
    ministry = _MINISTRY_TABLE.get(_key(s))
    if ministry is not None:
        return ministry
    text = normalize_text(s)
    m = _PROVINCIAL_DEPT_RE.match(text)
    try:
        return normalize_province(m.group(1) if m else text)
    except FieldError:
        shown = text[:50]
        raise FieldError(
            "recommended_by_invalid",
            f"推荐单位“{shown}”无法识别，请填写生态环境部、商务部、科技部或省份名称。",
            f"Recommending body '{shown}' is not recognised; enter MEE, MOFCOM, MOST or a province.",
            {"value": shown},
        ) from None


# ---------------------------------------------------------------------------------------------------------
# Dates, years, lists

# re.ASCII throughout: \d would otherwise accept Arabic-Indic and other digits that NFKC leaves alone.
_DATE_SEP_RE = re.compile(
    r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?", re.ASCII)
_DATE_ZH_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", re.ASCII)
_DATE_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)


def parse_date(value: str | date | None) -> date:
    """A date from what a spreadsheet holds: a ``date``/``datetime`` object (Excel date cells), or text in
    the forms 2024-01-31, 2024/1/31, 2024.1.31, 2024年1月31日, 20240131 (a midnight time is tolerated, as
    in "2024-01-31 00:00:00"). Day-month order is never guessed, so 1/31/2024 is rejected."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = normalize_text(value)
    if "年" in text:
        text = text.replace(" ", "")  # "2024 年 1 月 31 日"
    m = _DATE_SEP_RE.fullmatch(text)
    parts = (m.group(1), m.group(3), m.group(4)) if m else None
    if parts is None:
        m = _DATE_ZH_RE.fullmatch(text) or _DATE_COMPACT_RE.fullmatch(text)
        parts = m.groups() if m else None
    try:
        if parts is None:
            raise ValueError(text)
        result = date(int(parts[0]), int(parts[1]), int(parts[2]))
        if not 1900 <= result.year <= 2199:
            raise ValueError(text)
        return result
    except ValueError:
        shown = text[:50]
        raise FieldError(
            "date_invalid",
            f"日期“{shown}”无效，请按 2024-01-31 或 2024年1月31日 的格式填写。",
            f"'{shown}' is not a valid date; write it as 2024-01-31.",
            {"value": shown},
        ) from None


_YEAR_RE = re.compile(r"(\d{4})(?:年|\.0+)?", re.ASCII)


def parse_year(value: str | int | None, *, min_year: int = 1900, max_year: int | None = None) -> int:
    """A four-digit year from 1975, "1975", "1975年" or "1975.0" (how Excel numbers arrive as text)."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else normalize_text(value)
    m = _YEAR_RE.fullmatch(text)
    year = int(m.group(1)) if m else None
    if year is None or year < min_year or (max_year is not None and year > max_year):
        shown = text[:50]
        upper = max_year if max_year is not None else "…"
        raise FieldError(
            "year_invalid",
            f"年份“{shown}”无效，应为 {min_year}-{upper} 之间的四位数字。",
            f"'{shown}' is not a valid year; use four digits between {min_year} and {upper}.",
            {"value": shown},
        )
    return year


# ASCII and Chinese semicolons and commas, the enumeration comma, vertical bars and line breaks.
_LIST_SEP_RE = re.compile(r"[;；,，、|｜\r\n]+")


def split_list(s: str | None) -> list[str]:
    """Split a cell such as "循环经济；清洁生产、节能" into normalised items, without empties or repeats.

    Split before normalising: NFKC would turn "，" into "," anyway, but this way no separator depends on it.
    """
    if not s:
        return []
    seen: dict[str, None] = {}
    for part in _LIST_SEP_RE.split(s):
        item = normalize_text(part)
        if item:
            seen.setdefault(item, None)
    return list(seen)
