"""The closed vocabularies (gender, title rank, organisation type, status, language), provinces and
recommending bodies: canonical codes with their Chinese and English labels, and the spellings people use.
"""

from __future__ import annotations

import re

from expert_pool.rules.errors import FieldError
from expert_pool.rules.messages import N_, NP_, Term, Text
from expert_pool.rules.normalize.text import alias_table, lookup, lookup_key, normalize_text
from expert_pool.rules.regions import PROVINCE_EN_ALIASES, PROVINCE_SHORT_ZH, PROVINCES

# The words of the "not recognised" messages: the field's name and the spellings to suggest. In English the
# codes, in Chinese the labels (both accepted, see the alias tables); the lists of organisation types and
# statuses are their tables' (tests/expert_pool/test_normalize.py holds them to it).

def _field(name: str) -> Term:
    return Term(name, "expert field")


def _allowed(words: str) -> Term:
    return Term(words, "accepted values")


GENDERS: dict[str, tuple[str, str]] = {"M": ("男", "Male"), "F": ("女", "Female")}
_GENDER_TABLE = alias_table({"M": ("男", "男性", "male", "man"), "F": ("女", "女性", "female", "woman")})


def normalize_gender(s: str | None) -> str:
    """"M" or "F" from 男/女, 男性/女性, M/F, male/female (any case or width)."""
    return lookup(_GENDER_TABLE, s, "gender_invalid", _field(NP_("expert field", "Gender")),
                  _allowed(NP_("accepted values", "M, F, male, female")))


TITLE_RANKS: dict[str, tuple[str, str]] = {
    "senior": ("正高级", "Senior (full)"),
    "deputy_senior": ("副高级", "Deputy senior"),
    "intermediate": ("中级", "Intermediate"),
    "junior": ("初级", "Junior"),
}
# The rank of the titles that appear in real expert lists. Note that the English "senior engineer" is
# 高级工程师, a *deputy* senior rank; "full senior" ranks are 正高级 (教授级高工, 研究员 ...).
_TITLE_TABLE = alias_table({
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
    return lookup(_TITLE_TABLE, s, "title_invalid", _field(NP_("expert field", "Title")), _allowed(NP_(
        "accepted values", "senior, deputy_senior, intermediate, junior (or a title such as professor)")))


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
_ORG_TYPE_TABLE = alias_table({
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

ORGANIZATION_TYPES_ALLOWED = _allowed(NP_(
    "accepted values", "university, institute, enterprise, government, third_party, park_agency, design_institute, "
    "association, other"))


def normalize_organization_type(s: str | None) -> str:
    """The organisation type code (see ``ORGANIZATION_TYPES``) from its code or a Chinese/English name."""
    return lookup(_ORG_TYPE_TABLE, s, "organization_type_invalid",
                  _field(NP_("expert field", "Organization type")), ORGANIZATION_TYPES_ALLOWED)


STATUSES: dict[str, tuple[str, str]] = {
    "applicant": ("申请中", "Applicant"),
    "active": ("在库", "Active"),
    "suspended": ("暂停", "Suspended"),
    "retired": ("退出", "Retired"),
    "removed": ("除名", "Removed"),
}
_STATUS_TABLE = alias_table({
    "applicant": ("申请中", "申请", "待审核", "Applicant"),
    "active": ("在库", "正常", "有效", "在聘", "启用", "Active"),
    "suspended": ("暂停", "停用", "暂停使用", "Suspended"),
    "retired": ("退出", "退休", "Retired"),
    "removed": ("除名", "移出", "清退", "Removed"),
})

STATUSES_ALLOWED = _allowed(NP_("accepted values", "applicant, active, suspended, retired, removed"))


def normalize_status(s: str | None) -> str:
    """The status code (applicant, active, suspended, retired, removed) from its code or a label."""
    return lookup(_STATUS_TABLE, s, "status_invalid", _field(NP_("expert field", "Status")), STATUSES_ALLOWED)


LANGUAGES: dict[str, tuple[str, str]] = {"zh": ("中文", "Chinese"), "en": ("英文", "English")}
_LANGUAGE_TABLE = alias_table({
    "zh": ("中文", "汉语", "简体中文", "Chinese", "zh-CN", "zh-Hans"),
    "en": ("英文", "英语", "English", "en-US", "en-GB"),
})


def normalize_language(s: str | None) -> str:
    """The expert's language for messages, "zh" or "en"."""
    return lookup(_LANGUAGE_TABLE, s, "language_invalid", _field(NP_("expert field", "Language")),
                  _allowed(NP_("accepted values", "zh, en")))


# ---------------------------------------------------------------------------------------------------------
# Provinces and recommending bodies

def _province_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, (zh, en) in PROVINCES.items():
        for alias in (code, code + "0000", zh, PROVINCE_SHORT_ZH[code], en):
            table[lookup_key(alias)] = code
    for alias, code in PROVINCE_EN_ALIASES.items():
        table[lookup_key(alias)] = code
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
    key = lookup_key(s)
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
            Text(N_("Province '{value}' is not recognised; enter a provincial-level region's name (e.g. Jiangsu) "
                    "or its code (e.g. 32)."), {"value": shown}),
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
_MINISTRY_TABLE = alias_table({
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
    ministry = _MINISTRY_TABLE.get(lookup_key(s))
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
            Text(N_("Recommending body '{value}' is not recognised; enter MEE, MOFCOM, MOST or a province."),
                 {"value": shown}),
            {"value": shown},
        ) from None

