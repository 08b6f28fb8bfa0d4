"""Deterministic demo data that looks like the real programme (seeded: a bug report can cite it).

2,400 experts across all 31 provincial-level regions, universities, institutes, design institutes,
enterprises, third-party consultancies (three of them blacklisted), 64 parks with their management
agencies, and one account per role.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from ecopanel.audit import record
from ecopanel.auth import SYSTEM
from ecopanel.extensions import db
from expert_pool.models import (
    Blacklisting,
    ConflictDeclaration,
    Employment,
    Expert,
    Organization,
    Specialty,
    StatusChange,
    Unavailability,
)
from expert_pool.normalize import id_number_check_digit
from expert_pool.regions import PROVINCES
from scheduling.models import Park

SEED = 20261124
EXPERTS = 2400
DEMO_TODAY = date(2026, 11, 24)

CITIES = {
    "11": ["北京"], "12": ["天津"], "13": ["石家庄", "唐山", "沧州"], "14": ["太原", "长治"],
    "15": ["呼和浩特", "包头", "鄂尔多斯"], "21": ["沈阳", "大连", "营口"], "22": ["长春", "吉林"],
    "23": ["哈尔滨", "大庆"], "31": ["上海"], "32": ["南京", "苏州", "无锡", "常州", "南通"],
    "33": ["杭州", "宁波", "嘉兴", "绍兴"], "34": ["合肥", "芜湖"], "35": ["福州", "厦门", "泉州"],
    "36": ["南昌", "九江"], "37": ["济南", "青岛", "烟台", "潍坊"], "41": ["郑州", "洛阳"],
    "42": ["武汉", "宜昌"], "43": ["长沙", "株洲"], "44": ["广州", "深圳", "惠州", "佛山"],
    "45": ["南宁", "柳州"], "46": ["海口", "洋浦"], "50": ["重庆"], "51": ["成都", "泸州"], "52": ["贵阳", "遵义"],
    "53": ["昆明", "曲靖"], "54": ["拉萨"], "61": ["西安", "榆林"], "62": ["兰州", "金昌"], "63": ["西宁", "格尔木"],
    "64": ["银川", "宁东"], "65": ["乌鲁木齐", "克拉玛依", "石河子"],
}
UNIVERSITIES = {
    "11": ["清华大学", "北京大学", "北京师范大学", "中国人民大学", "北京工业大学"], "12": ["南开大学", "天津大学"],
    "13": ["河北工业大学", "河北大学"], "14": ["太原理工大学"], "15": ["内蒙古大学"], "21": ["大连理工大学", "东北大学"],
    "22": ["吉林大学"], "23": ["哈尔滨工业大学"], "31": ["同济大学", "复旦大学", "上海交通大学", "华东理工大学"],
    "32": ["南京大学", "东南大学", "河海大学", "南京工业大学", "江南大学"], "33": ["浙江大学", "浙江工业大学"],
    "34": ["中国科学技术大学", "合肥工业大学"], "35": ["厦门大学", "福州大学"], "36": ["南昌大学"],
    "37": ["山东大学", "中国海洋大学", "青岛科技大学"], "41": ["郑州大学"], "42": ["武汉大学", "华中科技大学"],
    "43": ["湖南大学", "中南大学"], "44": ["中山大学", "华南理工大学"], "45": ["广西大学"], "46": ["海南大学"],
    "50": ["重庆大学"], "51": ["四川大学", "西南交通大学"], "52": ["贵州大学"], "53": ["云南大学", "昆明理工大学"],
    "54": ["西藏大学"], "61": ["西安交通大学", "西安建筑科技大学"], "62": ["兰州大学"], "63": ["青海大学"],
    "64": ["宁夏大学"], "65": ["新疆大学", "石河子大学"],
}
NATIONAL_INSTITUTES = ["中国环境科学研究院", "生态环境部环境规划院", "生态环境部环境工程评估中心",
                       "中国科学院生态环境研究中心", "中国科学院过程工程研究所", "中国循环经济协会",
                       "商务部国际贸易经济合作研究院", "中国科学技术发展战略研究院", "中国节能协会"]
DESIGN_INSTITUTES = ["中国寰球工程有限公司", "中国成达工程有限公司", "中冶京诚工程技术有限公司",
                     "中国轻工业北京设计院", "华东建筑设计研究院有限公司", "中国市政工程华北设计研究总院",
                     "中国电力工程顾问集团华东电力设计院", "中石化洛阳工程有限公司"]
INDUSTRIES = ["化工", "钢铁", "石化", "新材料", "电子信息", "装备制造", "医药", "纺织", "能源", "有色金属"]
CONSULTANCY_WORDS = ["绿源", "清源", "蓝天", "碧水", "环科", "中环", "恒绿", "生态源", "远景", "绿洲"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力宁波斌宇浩凯健俊帆鹏飞晨阳欣怡佳琪子涵雨思源博文嘉瑞志远海峰国庆建国卫东晓东晓明立新永红"
# Relative frequency of each specialty in the demo pool: leading-industry experts are rarer.
SPECIALTY_WEIGHTS = {
    "industrial_symbiosis": 5, "circular_economy": 8, "cleaner_production": 8, "resource_efficiency": 6,
    "water_pollution": 7, "air_pollution": 6, "solid_waste": 6, "soil_groundwater": 3, "eia": 8,
    "env_management": 7, "env_monitoring": 5, "low_carbon": 6, "park_planning": 5, "green_finance": 2,
    "env_risk": 3, "industry_chemical": 3, "industry_steel": 2, "industry_petrochemical": 2,
    "industry_nonferrous": 1, "industry_building_materials": 1, "industry_electronics": 1,
    "industry_pharma": 1, "industry_equipment": 1, "industry_energy": 2, "industry_textile": 1,
}
DEMO_PASSWORDS = {
    "office@ecopanel.demo": "office-demo-2026",
    "jiangsu@ecopanel.demo": "jiangsu-demo-2026",
    "guangdong@ecopanel.demo": "guangdong-demo-2026",
    "park1@ecopanel.demo": "park1-demo-2026",
    "expert1@ecopanel.demo": "expert1-demo-2026",
}
# Demo parks spread over the lifecycle.
PARK_STATES = ["under_construction"] * 5 + ["named"] * 3 + ["applied", "acceptance_applied"]


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Expert))


def _id_number(rng: random.Random, province: str, birth: date, male: bool, used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        first17 = f"{province}{rng.choice(['01', '02', '05'])}{rng.randrange(1, 30):02d}{birth:%Y%m%d}{seq:03d}"
        number = first17 + id_number_check_digit(first17)
        if number not in used:
            used.add(number)
            return number


def _organizations(rng: random.Random) -> dict[str, list[Organization]]:
    by_kind: dict[str, list[Organization]] = {k: [] for k in (
        "university", "institute", "design_institute", "enterprise", "third_party", "national")}

    def add(name: str, kind: str, province: str | None, bucket: str | None = None) -> Organization:
        org = Organization(name=name, type=kind, province=province)
        db.session.add(org)
        by_kind[bucket or kind].append(org)
        return org

    for name in NATIONAL_INSTITUTES:
        add(name, "association" if "协会" in name else "institute", "11", "national")
    for name in DESIGN_INSTITUTES:
        add(name, "design_institute", "11", "design_institute")
    for code, (zh, _en) in PROVINCES.items():
        short = zh.removesuffix("省").removesuffix("市").removesuffix("自治区")
        for name in UNIVERSITIES[code]:
            add(name, "university", code)
        add(f"{zh}环境科学研究院" if code != "54" else "西藏自治区生态环境科学研究院", "institute", code)
        add(f"{zh}生态环境监测中心", "institute", code)
        for city in CITIES[code]:
            industry = rng.choice(INDUSTRIES)
            add(f"{city}{industry}集团有限公司", "enterprise", code)
            add(f"{city}{rng.choice(CONSULTANCY_WORDS)}环境咨询有限公司", "third_party", code)
        if len(CITIES[code]) == 1:
            add(f"{short}{rng.choice(INDUSTRIES)}股份有限公司", "enterprise", code)
    db.session.flush()
    return by_kind


def _parks(rng: random.Random, orgs: dict[str, list[Organization]]) -> list[Park]:
    parks = []
    for code in PROVINCES:
        cities = CITIES[code]
        kinds = [("经济技术开发区", "national_etdz"), ("高新技术产业开发区", "national_htz")]
        if len(cities) > 2:
            kinds.append(("化工园区", "provincial"))
        for i, (suffix, park_type) in enumerate(kinds):
            city = cities[i % len(cities)]
            name = f"{city}{suffix}"
            agency = Organization(name=f"{name}管理委员会", type="park_agency", province=code)
            db.session.add(agency)
            planners = [o for o in orgs["third_party"] if o.province == code] or orgs["third_party"]
            in_province = [o for o in orgs["enterprise"] if o.province == code]
            park = Park(
                name=name, province=code, city=city, park_type=park_type,
                programme="provincial" if park_type == "provincial" else "national",
                management_agency=agency, planning_institution=rng.choice(planners),
                leading_industries=rng.sample(INDUSTRIES, 2), state=rng.choice(PARK_STATES),
            )
            park.enterprises = rng.sample(in_province, min(2, len(in_province)))
            db.session.add(park)
            parks.append(park)
    db.session.flush()
    return parks


def load(seed: int = SEED, experts: int = EXPERTS) -> None:
    """Fill an empty database with the demo programme (flushes and commits: a CLI boundary)."""
    from ecopanel.auth.services import create_user

    rng = random.Random(seed)
    specialties = {s.code: s for s in db.session.scalars(select(Specialty))}
    codes = [c for c in SPECIALTY_WEIGHTS if c in specialties]
    weights = [SPECIALTY_WEIGHTS[c] for c in codes]
    orgs = _organizations(rng)
    parks = _parks(rng, orgs)
    third_parties = orgs["third_party"]
    for org in rng.sample(third_parties, 3):
        db.session.add(Blacklisting(organization=org, listed_on=date(2025, rng.randrange(1, 12), 15),
                                    reason="编制园区规划时数据弄虚作假，被生态环境部通报（第三十八条）"))

    used_ids: set[str] = set()
    provinces = list(PROVINCES)
    province_weights = [6 if p in ("11", "32", "31", "44", "37", "33") else 2 if p in ("54", "63", "64") else 3
                        for p in provinces]
    agencies = [p.management_agency for p in parks]
    rows = []
    for i in range(1, experts + 1):
        province = rng.choices(provinces, province_weights)[0]
        male = rng.random() < 0.7
        birth_year = rng.randrange(1958, 1990)
        birth = date(birth_year, rng.randrange(1, 13), rng.randrange(1, 29))
        local = [o for k in ("university", "institute", "enterprise", "third_party") for o in orgs[k]
                 if o.province == province]
        pool = local * 4 + orgs["national"] + orgs["design_institute"]
        org = rng.choice(pool)
        status = rng.choices(["active", "applicant", "suspended", "retired", "removed"], [88, 5, 3, 3, 1])[0]
        term_start = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 900))
        term_end = term_start + relativedelta(years=5) - timedelta(days=1)
        if rng.random() < 0.03:  # some terms end within the Office's 60-day review window
            term_end = DEMO_TODAY + timedelta(days=rng.randrange(5, 60))
        recommended = rng.choices(["MEE", "MOFCOM", "MOST", province], [15, 5, 5, 75])[0]
        chosen = set()
        for _ in range(rng.choice([1, 2, 2, 3])):
            chosen.add(rng.choices(codes, weights)[0])
        expert = Expert(
            name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
            gender="M" if male else "F", birth_year=birth_year,
            id_number=_id_number(rng, province, birth, male, used_ids),
            mobile=f"1{rng.choice('3589')}{(i * 7919 + 10_000_019) % 10**9:09d}",
            email=f"expert{i:05d}@pool.example", organization=org, title_rank=rng.choices(
                ["senior", "deputy_senior", "intermediate"], [45, 40, 15])[0],
            province=province, city=rng.choice(CITIES[province]), recommended_by=recommended,
            contributed_by=None if rng.random() < 0.5 else province, term_start=term_start, term_end=term_end,
            status=status, data_confirmed_on=DEMO_TODAY - timedelta(days=rng.randrange(0, 500)),
            language="en" if rng.random() < 0.03 else "zh",
            specialties=[specialties[c] for c in sorted(chosen)],
        )
        start = date(rng.randrange(1995, 2020), rng.randrange(1, 13), 1)
        if rng.random() < 0.3:
            # Earlier employment, sometimes at a park's agency: recusal must look three years back.
            before = rng.choice(agencies) if rng.random() < 0.3 else rng.choice(pool)
            left = date(rng.randrange(2019, 2026), rng.randrange(1, 13), 1)
            expert.employments.append(Employment(organization=before, position="工程师",
                                                 start_date=left.replace(year=left.year - 6), end_date=left))
            start = left
        expert.employments.append(Employment(organization=org, position=rng.choice(
            ["教授", "研究员", "高级工程师", "副教授", "副研究员", "总工程师"]), start_date=start))
        expert.status_changes.append(StatusChange(from_status=None, to_status=status, reason="demo",
                                                  effective_on=term_start, actor_label="system"))
        if rng.random() < 0.02:
            expert.conflicts.append(ConflictDeclaration(relation="relative", note="近亲属在园区企业任职",
                                                        valid_from=term_start))
        if rng.random() < 0.04:
            first = DEMO_TODAY + timedelta(days=rng.randrange(0, 90))
            expert.unavailabilities.append(Unavailability(start_date=first,
                                                          end_date=first + timedelta(days=rng.randrange(3, 30)),
                                                          reason="出差"))
        rows.append(expert)
    # Conflicts need a park: attach them now that the parks have ids.
    for expert in rows:
        for conflict in expert.conflicts:
            conflict.park_id = rng.choice(parks).id
    db.session.add_all(rows)
    db.session.flush()
    _users(parks, rows, create_user)
    record(SYSTEM, "demo.load", "database", None, {"seed": seed, "experts": len(rows), "parks": len(parks)})
    db.session.commit()


def _users(parks, experts, create_user) -> None:
    expert = next(e for e in experts if e.status == "active")
    create_user(SYSTEM, "office@ecopanel.demo", "office", password=DEMO_PASSWORDS["office@ecopanel.demo"],
                is_admin=True)
    create_user(SYSTEM, "jiangsu@ecopanel.demo", "province", province="32",
                password=DEMO_PASSWORDS["jiangsu@ecopanel.demo"])
    create_user(SYSTEM, "guangdong@ecopanel.demo", "province", province="44",
                password=DEMO_PASSWORDS["guangdong@ecopanel.demo"])
    create_user(SYSTEM, "park1@ecopanel.demo", "park", park_id=parks[0].id,
                password=DEMO_PASSWORDS["park1@ecopanel.demo"])
    create_user(SYSTEM, "expert1@ecopanel.demo", "expert", expert_id=expert.id,
                password=DEMO_PASSWORDS["expert1@ecopanel.demo"])


def logins_text(base_url: str) -> str:
    lines = [f"ecopanel demo at {base_url}/  (API: {base_url}/api/v1, OpenAPI: {base_url}/openapi.json)",
             "Demo logins (email / password):"]
    roles = {"office": "Office (administrator)", "jiangsu": "Jiangsu province (32)",
             "guangdong": "Guangdong province (44)", "park1": "park user (park 1)", "expert1": "expert user"}
    for email, password in DEMO_PASSWORDS.items():
        lines.append(f"  {email:<26} {password:<22} {roles[email.split('@')[0]]}")
    lines.append("API token: ecopanel tokens issue office@ecopanel.demo")
    return "\n".join(lines)

