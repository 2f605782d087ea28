"""Administrative areas (province / city / district with their 6-digit GB/T 2260 codes),
street addresses, postcodes, vehicle plates and landlines, sampled as whole columns."""

from __future__ import annotations

import numpy as np

from ecif.generate.identifiers import zpad

# code province city district plate-prefix postcode-prefix area-code weight
_AREAS = """
110101 北京市 北京市 东城区 京A 1000 010 3
110102 北京市 北京市 西城区 京A 1000 010 4
110105 北京市 北京市 朝阳区 京B 1000 010 12
110106 北京市 北京市 丰台区 京C 1000 010 7
110108 北京市 北京市 海淀区 京E 1000 010 11
110114 北京市 北京市 昌平区 京F 1022 010 7
310101 上海市 上海市 黄浦区 沪A 2000 021 2
310104 上海市 上海市 徐汇区 沪B 2000 021 4
310105 上海市 上海市 长宁区 沪C 2000 021 2
310106 上海市 上海市 静安区 沪D 2000 021 3
310107 上海市 上海市 普陀区 沪A 2000 021 4
310110 上海市 上海市 杨浦区 沪B 2000 021 4
310112 上海市 上海市 闵行区 沪C 2011 021 8
310115 上海市 上海市 浦东新区 沪D 2001 021 18
120101 天津市 天津市 和平区 津A 3000 022 2
120103 天津市 天津市 河西区 津B 3000 022 3
120104 天津市 天津市 南开区 津C 3000 022 3
500103 重庆市 重庆市 渝中区 渝A 4000 023 2
500112 重庆市 重庆市 渝北区 渝B 4011 023 6
500105 重庆市 重庆市 江北区 渝A 4000 023 3
440103 广东省 广州市 荔湾区 粤A 5101 020 3
440104 广东省 广州市 越秀区 粤A 5100 020 3
440106 广东省 广州市 天河区 粤A 5106 020 6
440111 广东省 广州市 白云区 粤A 5104 020 8
440303 广东省 深圳市 罗湖区 粤B 5180 0755 3
440304 广东省 深圳市 福田区 粤B 5180 0755 5
440305 广东省 深圳市 南山区 粤B 5180 0755 6
440306 广东省 深圳市 宝安区 粤B 5181 0755 10
440307 广东省 深圳市 龙岗区 粤B 5181 0755 9
440604 广东省 佛山市 禅城区 粤E 5280 0757 4
440113 广东省 广州市 番禺区 粤A 5114 020 6
330102 浙江省 杭州市 上城区 浙A 3100 0571 3
330105 浙江省 杭州市 拱墅区 浙A 3100 0571 3
330106 浙江省 杭州市 西湖区 浙A 3100 0571 4
330108 浙江省 杭州市 滨江区 浙A 3100 0571 3
330203 浙江省 宁波市 海曙区 浙B 3150 0574 3
330302 浙江省 温州市 鹿城区 浙C 3250 0577 3
320102 江苏省 南京市 玄武区 苏A 2100 025 2
320104 江苏省 南京市 秦淮区 苏A 2100 025 3
320106 江苏省 南京市 鼓楼区 苏A 2100 025 3
320505 江苏省 苏州市 虎丘区 苏E 2150 0512 3
320506 江苏省 苏州市 吴中区 苏E 2151 0512 4
320508 江苏省 苏州市 姑苏区 苏E 2150 0512 3
320211 江苏省 无锡市 滨湖区 苏B 2140 0510 3
510104 四川省 成都市 锦江区 川A 6100 028 3
510105 四川省 成都市 青羊区 川A 6100 028 3
510106 四川省 成都市 金牛区 川A 6100 028 4
510107 四川省 成都市 武侯区 川A 6100 028 4
420102 湖北省 武汉市 江岸区 鄂A 4300 027 3
420106 湖北省 武汉市 武昌区 鄂A 4300 027 4
420111 湖北省 武汉市 洪山区 鄂A 4300 027 4
610102 陕西省 西安市 新城区 陕A 7100 029 2
610103 陕西省 西安市 碑林区 陕A 7100 029 2
610113 陕西省 西安市 雁塔区 陕A 7100 029 4
370102 山东省 济南市 历下区 鲁A 2500 0531 3
370202 山东省 青岛市 市南区 鲁B 2660 0532 3
370203 山东省 青岛市 市北区 鲁B 2660 0532 3
410105 河南省 郑州市 金水区 豫A 4500 0371 4
410102 河南省 郑州市 中原区 豫A 4500 0371 3
430102 湖南省 长沙市 芙蓉区 湘A 4100 0731 2
430104 湖南省 长沙市 岳麓区 湘A 4100 0731 3
350102 福建省 福州市 鼓楼区 闽A 3500 0591 2
350203 福建省 厦门市 思明区 闽D 3610 0592 3
350206 福建省 厦门市 湖里区 闽D 3610 0592 2
210102 辽宁省 沈阳市 和平区 辽A 1100 024 3
210202 辽宁省 大连市 中山区 辽B 1160 0411 2
230102 黑龙江省 哈尔滨市 道里区 黑A 1500 0451 3
220102 吉林省 长春市 南关区 吉A 1300 0431 2
130102 河北省 石家庄市 长安区 冀A 0500 0311 3
140105 山西省 太原市 小店区 晋A 0300 0351 3
340104 安徽省 合肥市 蜀山区 皖A 2300 0551 3
360102 江西省 南昌市 东湖区 赣A 3300 0791 2
530102 云南省 昆明市 五华区 云A 6500 0871 3
450103 广西壮族自治区 南宁市 青秀区 桂A 5300 0771 3
520102 贵州省 贵阳市 南明区 贵A 5500 0851 2
620102 甘肃省 兰州市 城关区 甘A 7300 0931 2
640104 宁夏回族自治区 银川市 兴庆区 宁A 7500 0951 1
630102 青海省 西宁市 城东区 青A 8100 0971 1
150102 内蒙古自治区 呼和浩特市 新城区 蒙A 0100 0471 2
460105 海南省 海口市 秀英区 琼A 5703 0898 1
540102 西藏自治区 拉萨市 城关区 藏A 8500 0891 1
650102 新疆维吾尔自治区 乌鲁木齐市 天山区 新A 8300 0991 2
650103 新疆维吾尔自治区 乌鲁木齐市 沙依巴克区 新A 8300 0991 2
653101 新疆维吾尔自治区 喀什地区 喀什市 新Q 8440 0998 1
"""

_rows = [line.split() for line in _AREAS.strip().splitlines()]
AREA_CODE = np.array([int(r[0]) for r in _rows], dtype=np.int64)
PROVINCE = np.array([r[1] for r in _rows], dtype=object)
CITY = np.array([r[2] for r in _rows], dtype=object)
DISTRICT = np.array([r[3] for r in _rows], dtype=object)
PLATE_PREFIX = np.array([r[4] for r in _rows], dtype=object)
POSTCODE_PREFIX = np.array([r[5] for r in _rows], dtype=object)
PHONE_AREA = np.array([r[6] for r in _rows], dtype=object)
_WEIGHT = np.array([float(r[7]) for r in _rows])
AREA_P = _WEIGHT / _WEIGHT.sum()
N_AREAS = len(_rows)
XINJIANG = np.flatnonzero(AREA_CODE // 10000 == 65)
# City name without 市/地区, as used in company names (上海某某贸易有限公司).
CITY_SHORT = np.array([c.removesuffix("市").removesuffix("地区") for c in CITY], dtype=object)
# Branch code of the insurer's provincial branch (first two digits of the area code).
BRANCH_CODE = np.array([f"B{c // 10000:02d}00" for c in AREA_CODE], dtype=object)

_STREETS = np.array(
    "人民路 解放路 中山路 建设路 和平路 长江路 黄河路 胜利路 新华路 光明路 文化路 学府路 "
    "东风路 幸福路 青年路 朝阳路 滨江路 环城路 金融街 科技路 工业大道 世纪大道 迎宾大道 "
    "南京路 北京路 延安路 振兴路 复兴路 团结路 花园路 湖滨路 江南大道 府前街 体育路".split(),
    dtype=object)
_COMMUNITIES = np.array(
    "阳光花园 幸福家园 金色家园 翠苑 锦绣华庭 碧水湾 明珠小区 和谐家园 绿城 万科城 "
    "保利花园 恒大名都 紫荆苑 丽景湾 东方明珠苑 新村".split(), dtype=object)
_DIGITS = np.array([str(i) for i in range(4000)], dtype=object)


def sample_areas(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(N_AREAS, size=n, p=AREA_P)


def street_addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    """'人民路128号阳光花园3栋2单元501室' style, without province/city/district."""
    street = _STREETS[rng.integers(0, len(_STREETS), n)]
    no = _DIGITS[rng.integers(1, 999, n)]
    comm = _COMMUNITIES[rng.integers(0, len(_COMMUNITIES), n)]
    bld = _DIGITS[rng.integers(1, 30, n)]
    unit = _DIGITS[rng.integers(1, 6, n)]
    room = _DIGITS[rng.integers(1, 33, n) * 100 + rng.integers(1, 6, n)]
    house = street + no + "号" + comm + bld + "栋" + unit + "单元" + room + "室"
    office = street + no + "号" + _DIGITS[rng.integers(1, 40, n)] + "楼"
    return np.where(rng.random(n) < 0.85, house, office)


def office_addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    street = _STREETS[rng.integers(0, len(_STREETS), n)]
    return street + _DIGITS[rng.integers(1, 999, n)] + "号" + _DIGITS[rng.integers(1, 40, n)] + "层"


def postcodes(rng: np.random.Generator, area: np.ndarray) -> np.ndarray:
    return POSTCODE_PREFIX[area] + zpad(rng.integers(0, 99, len(area)), 2)


_PLATE_CHARS = np.array(list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"), dtype=object)


def vehicle_plates(rng: np.random.Generator, area: np.ndarray) -> np.ndarray:
    """京A12345 style (some new-energy 京AD12345); the province character matches the area."""
    n = len(area)
    digits = rng.integers(0, 10, (n, 5))
    body = _DIGITS[digits[:, 0]] + _DIGITS[digits[:, 1]] + _DIGITS[digits[:, 2]]
    letter = _PLATE_CHARS[rng.integers(10, len(_PLATE_CHARS), n)]
    # Ordinary plates: mostly digits, sometimes one letter inside.
    pos2 = np.where(rng.random(n) < 0.3, letter, _DIGITS[digits[:, 3]])
    ordinary = body + pos2 + _DIGITS[digits[:, 4]]
    tail = _DIGITS[digits[:, 3]] + _DIGITS[digits[:, 4]]
    ev = np.where(rng.random(n) < 0.5, "D", "F") + body + tail
    return PLATE_PREFIX[area] + np.where(rng.random(n) < 0.12, ev, ordinary)


def landlines(rng: np.random.Generator, area: np.ndarray) -> np.ndarray:
    n = len(area)
    num = rng.integers(20_000_000, 89_999_999, n).astype(str).astype(object)
    return PHONE_AREA[area] + "-" + num
