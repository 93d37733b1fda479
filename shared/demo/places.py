"""Real places for the demo company: regions (大区), provinces and the city each office sits in (WGS-84 centre)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    code: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    cities: tuple[City, ...]


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    provinces: tuple[Province, ...]


REGIONS: tuple[Region, ...] = (
    Region(
        "EAST",
        "华东大区",
        (
            Province("ZJ", "浙江省", (City("HZ", "杭州", 30.2741, 120.1551), City("NB", "宁波", 29.8683, 121.5440))),
            Province("JS", "江苏省", (City("NJ", "南京", 32.0603, 118.7969), City("SZ", "苏州", 31.2990, 120.5853))),
            Province("SH", "上海市", (City("SHA", "上海", 31.2304, 121.4737), City("MH", "闵行", 31.1128, 121.3817))),
        ),
    ),
    Region(
        "NORTH",
        "华北大区",
        (
            Province("BJ", "北京市", (City("BJS", "北京", 39.9042, 116.4074), City("TZ", "通州", 39.9097, 116.6566))),
            Province("SD", "山东省", (City("JN", "济南", 36.6512, 117.1201), City("QD", "青岛", 36.0671, 120.3826))),
            Province("HE", "河北省", (City("SJZ", "石家庄", 38.0428, 114.5149), City("BD", "保定", 38.8739, 115.4646))),
        ),
    ),
    Region(
        "SOUTH",
        "华南大区",
        (
            Province("GD", "广东省", (City("GZ", "广州", 23.1291, 113.2644), City("SZN", "深圳", 22.5431, 114.0579))),
            Province("FJ", "福建省", (City("FZ", "福州", 26.0745, 119.2965), City("XM", "厦门", 24.4798, 118.0894))),
            Province(
                "GX", "广西壮族自治区", (City("NN", "南宁", 22.8170, 108.3669), City("GL", "桂林", 25.2736, 110.2900))
            ),
        ),
    ),
    Region(
        "WEST",
        "西南大区",
        (
            Province("SC", "四川省", (City("CD", "成都", 30.5728, 104.0668), City("MY", "绵阳", 31.4675, 104.6796))),
            Province("CQ", "重庆市", (City("CQC", "重庆", 29.5630, 106.5516), City("WZ", "万州", 30.8078, 108.4089))),
            Province("YN", "云南省", (City("KM", "昆明", 25.0389, 102.7183), City("DL", "大理", 25.6065, 100.2676))),
        ),
    ),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕晓东春梅红梅玉兰文博子涵浩然欣怡"
DEALER_WORDS = ("商贸", "食品", "贸易", "副食品", "供应链", "百货")
DEALER_PREFIXES = ("鑫源", "华联", "永辉", "恒达", "金盛", "宏发", "瑞丰", "德隆", "丰泰", "万家", "嘉禾", "隆盛")
OUTLET_KINDS = (
    ("supermarket", "超市"),
    ("grocery", "便利店"),
    ("convenience", "便民店"),
    ("restaurant", "餐馆"),
    ("school", "校园店"),
    ("wholesale", "批发部"),
)
STREETS = ("解放路", "人民路", "中山路", "建设路", "文三路", "和平街", "新华路", "长江路", "东风路", "朝阳路")

# Categories of a food company: (code, name, shelf life in days, list price range in yuan, unit, case size).
CATEGORIES: tuple[tuple[str, str, int, float, float, str, int], ...] = (
    ("NOODLE", "方便面", 180, 3.0, 6.0, "bag", 24),
    ("SNACK", "休闲零食", 240, 5.0, 15.0, "bag", 20),
    ("DRINK", "饮料", 365, 3.0, 8.0, "bottle", 24),
    ("DAIRY", "乳制品", 21, 4.0, 12.0, "box", 12),
    ("SAUCE", "调味品", 540, 6.0, 25.0, "bottle", 12),
    ("BISCUIT", "饼干糕点", 270, 4.0, 18.0, "box", 24),
    ("FROZEN", "速冻食品", 120, 10.0, 35.0, "bag", 10),
    ("OIL", "食用油", 540, 30.0, 90.0, "bottle", 6),
)
FLAVOURS = (
    "红烧牛肉",
    "香辣",
    "原味",
    "番茄",
    "海鲜",
    "麻辣",
    "酸辣",
    "五香",
    "芝麻",
    "蜂蜜",
    "草莓",
    "巧克力",
    "抹茶",
)
SIZES = ("小包", "标准装", "家庭装", "大包", "组合装")
