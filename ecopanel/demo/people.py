"""The people and organisations of the demo: places, names, ID numbers, and the organisations experts work in."""

from __future__ import annotations

import random
from datetime import date

from expert_pool.models import Blacklisting, Organization
from expert_pool.rules.normalize import id_number_check_digit
from expert_pool.rules.regions import PROVINCES
from ground.extensions import db

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


def id_number(rng: random.Random, province: str, birth: date, male: bool, used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        first17 = f"{province}{rng.choice(['01', '02', '05'])}{rng.randrange(1, 30):02d}{birth:%Y%m%d}{seq:03d}"
        number = first17 + id_number_check_digit(first17)
        if number not in used:
            used.add(number)
            return number



def add_organizations(rng: random.Random) -> dict[str, list[Organization]]:
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



def blacklist_consultancies(rng: random.Random, orgs: dict[str, list[Organization]]) -> None:
    """Three third-party consultancies blacklisted for falsified planning data (Art. 38)."""
    for org in rng.sample(orgs["third_party"], 3):
        db.session.add(Blacklisting(organization=org, listed_on=date(2025, rng.randrange(1, 12), 15),
                                    reason="编制园区规划时数据弄虚作假，被生态环境部通报（第三十八条）"))
