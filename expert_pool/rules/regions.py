"""Provincial-level regions (GB/T 2260) and the province prefixes valid on resident ID numbers.

Plain data, no imports: the expert pool's normalisers, the demo data and the export all read these tables.
"""

from __future__ import annotations

# The 31 provincial-level regions of the mainland: two-digit GB/T 2260 code -> (Chinese name, English name).
# English names follow current official usage (e.g. "Xizang"); older forms such as "Tibet" are accepted as
# aliases by ``expert_pool.rules.normalize.normalize_province``.
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("北京市", "Beijing"),
    "12": ("天津市", "Tianjin"),
    "13": ("河北省", "Hebei"),
    "14": ("山西省", "Shanxi"),
    "15": ("内蒙古自治区", "Inner Mongolia"),
    "21": ("辽宁省", "Liaoning"),
    "22": ("吉林省", "Jilin"),
    "23": ("黑龙江省", "Heilongjiang"),
    "31": ("上海市", "Shanghai"),
    "32": ("江苏省", "Jiangsu"),
    "33": ("浙江省", "Zhejiang"),
    "34": ("安徽省", "Anhui"),
    "35": ("福建省", "Fujian"),
    "36": ("江西省", "Jiangxi"),
    "37": ("山东省", "Shandong"),
    "41": ("河南省", "Henan"),
    "42": ("湖北省", "Hubei"),
    "43": ("湖南省", "Hunan"),
    "44": ("广东省", "Guangdong"),
    "45": ("广西壮族自治区", "Guangxi"),
    "46": ("海南省", "Hainan"),
    "50": ("重庆市", "Chongqing"),
    "51": ("四川省", "Sichuan"),
    "52": ("贵州省", "Guizhou"),
    "53": ("云南省", "Yunnan"),
    "54": ("西藏自治区", "Xizang"),
    "61": ("陕西省", "Shaanxi"),
    "62": ("甘肃省", "Gansu"),
    "63": ("青海省", "Qinghai"),
    "64": ("宁夏回族自治区", "Ningxia"),
    "65": ("新疆维吾尔自治区", "Xinjiang"),
}

# The short forms people actually type in spreadsheets ("江苏", "内蒙古", "新疆").
PROVINCE_SHORT_ZH: dict[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
}

# Further English spellings seen in the wild (matched case-insensitively, spaces ignored).
PROVINCE_EN_ALIASES: dict[str, str] = {
    "Nei Mongol": "15",
    "Neimenggu": "15",
    "Tibet": "54",
    "Xizang": "54",
}

# Two-digit prefixes that a valid 18-character resident ID number may start with: the 31 mainland regions
# plus 81 (Hong Kong), 82 (Macao) and 83 (Taiwan). The last three appear on the residence permits for Hong
# Kong, Macao and Taiwan residents (港澳台居民居住证, issued since 2018 with the same 18-character layout and
# check digit). 71, Taiwan's GB/T 2260 code, is deliberately *not* accepted: no ID number is issued with it,
# permits for Taiwan residents use 83.
ID_NUMBER_PROVINCE_PREFIXES: frozenset[str] = frozenset(PROVINCES) | {"81", "82", "83"}
