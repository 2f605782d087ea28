"""Chinese person and organization names, with their pinyin, sampled as whole columns.

Surnames are frequency-weighted (incl. compound surnames 欧阳, 司马 …); a share of
Uyghur names is written with the middle dot (买买提·艾力); very common full names
(张伟, 王芳 …) are drawn on purpose so that different people share them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# surname:pinyin:weight (per mille, roughly after the 2020 census ranking)
_SURNAMES = """
王:wang:71 李:li:70 张:zhang:67 刘:liu:54 陈:chen:45 杨:yang:31 黄:huang:22 赵:zhao:20
吴:wu:19 周:zhou:18 徐:xu:13 孙:sun:13 马:ma:12 朱:zhu:12 胡:hu:11 郭:guo:11 何:he:10
林:lin:10 高:gao:10 罗:luo:9 郑:zheng:9 梁:liang:8 谢:xie:7 宋:song:6 唐:tang:6 许:xu:6
韩:han:6 邓:deng:6 冯:feng:6 曹:cao:5 彭:peng:5 曾:zeng:5 肖:xiao:5 田:tian:5 董:dong:5
潘:pan:4 袁:yuan:4 蔡:cai:4 蒋:jiang:4 余:yu:4 于:yu:4 杜:du:4 叶:ye:4 程:cheng:3
魏:wei:3 苏:su:3 吕:lv:3 丁:ding:3 任:ren:3 卢:lu:3 姚:yao:3 沈:shen:3 钟:zhong:3
姜:jiang:3 崔:cui:3 谭:tan:3 陆:lu:3 范:fan:2 汪:wang:2 廖:liao:2 石:shi:2 金:jin:2
韦:wei:2 贾:jia:2 夏:xia:2 付:fu:2 方:fang:2 邹:zou:2 熊:xiong:2 白:bai:2 孟:meng:2
秦:qin:2 邱:qiu:2 侯:hou:2 江:jiang:2 尹:yin:2 薛:xue:2 闫:yan:2 段:duan:2 雷:lei:2
龙:long:1 黎:li:1 史:shi:1 陶:tao:1 贺:he:1 毛:mao:1 郝:hao:1 顾:gu:1 龚:gong:1 邵:shao:1
万:wan:1 覃:qin:1 武:wu:1 钱:qian:1 戴:dai:1 严:yan:1 莫:mo:1 孔:kong:1 向:xiang:1
常:chang:1 汤:tang:1 章:zhang:0.5 柳:liu:0.5
欧阳:ouyang:0.3 司马:sima:0.1 诸葛:zhuge:0.1 上官:shangguan:0.1 东方:dongfang:0.05
皇甫:huangfu:0.05 令狐:linghu:0.05 慕容:murong:0.05 公孙:gongsun:0.05 夏侯:xiahou:0.05
尉迟:yuchi:0.03 司徒:situ:0.1
"""
_MALE = """
伟:wei 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 杰:jie 涛:tao 明:ming 超:chao 刚:gang
平:ping 辉:hui 鹏:peng 华:hua 飞:fei 鑫:xin 波:bo 斌:bin 宇:yu 浩:hao 凯:kai 健:jian
俊:jun 帆:fan 建:jian 国:guo 志:zhi 文:wen 海:hai 峰:feng 亮:liang 东:dong 博:bo
晨:chen 阳:yang 子:zi 轩:xuan 天:tian 振:zhen 成:cheng 立:li 新:xin 永:yong 春:chun
德:de 家:jia 嘉:jia 泽:ze 睿:rui 航:hang 宏:hong 昊:hao 小:xiao 晓:xiao
"""
_FEMALE = """
芳:fang 娜:na 敏:min 静:jing 丽:li 艳:yan 秀:xiu 英:ying 霞:xia 燕:yan 玲:ling 桂:gui
丹:dan 萍:ping 红:hong 梅:mei 琳:lin 婷:ting 雪:xue 慧:hui 莉:li 倩:qian 洁:jie 颖:ying
佳:jia 欣:xin 怡:yi 晶:jing 璐:lu 琪:qi 悦:yue 雨:yu 涵:han 诗:shi 梦:meng 月:yue
兰:lan 凤:feng 云:yun 淑:shu 美:mei 思:si 晓:xiao 小:xiao 婉:wan 紫:zi 娟:juan
"""
# Uyghur given names (first part) and father's names (second part), with transliteration.
_UY_MALE = "买买提:Maimaiti 艾力:Aili 阿不都:Abudu 努尔:Nuer 艾买提:Aimaiti 依明:Yiming " \
    "玉素甫:Yusufu " \
    "吾斯曼:Wusiman 伊力哈木:Yilihamu 努尔兰:Nuerlan 麦麦提:Maimaiti 热合曼:Reheman"
_UY_FEMALE = "阿依古丽:Ayiguli 热依拉:Reyila 古丽米拉:Gulimila 帕提古丽:Patiguli " \
    "迪丽热巴:Dilireba " \
    "米热古丽:Mireguli 如克亚:Rukeya 古丽:Guli 阿娜尔:Anaer 佐拉:Zuola"
_UY_FATHER = "艾力:Aili 吐尔逊:Tuerxun 买买提:Maimaiti 艾山:Aishan 阿不都拉:Abudula 依明:Yiming " \
    "玉素甫:Yusufu 卡德尔:Kadeer 肉孜:Rouzi 热合曼:Reheman 哈力克:Halike 司马义:Simayi"

# Very common full names (surname, given, gender): different people share them.
COMMON_NAMES = (
    ("张", "伟", "M"), ("王", "伟", "M"), ("王", "芳", "F"), ("李", "伟", "M"), ("李", "娜", "F"),
    ("张", "敏", "F"), ("李", "静", "F"), ("王", "静", "F"), ("刘", "伟", "M"), ("王", "秀英", "F"),
    ("张", "丽", "F"), ("李", "秀英", "F"), ("王", "丽", "F"), ("张", "静", "F"), ("李", "强", "M"),
    ("王", "敏", "F"), ("李", "敏", "F"), ("王", "磊", "M"), ("刘", "洋", "M"), ("王", "艳", "F"),
    ("王", "勇", "M"), ("李", "军", "M"), ("张", "勇", "M"), ("李", "杰", "M"), ("张", "杰", "M"),
    ("张", "磊", "M"), ("王", "强", "M"), ("李", "娟", "F"), ("王", "军", "M"), ("刘", "芳", "F"),
)


def _pairs(text: str) -> list[tuple[str, str]]:
    return [tuple(tok.split(":")[:2]) for tok in text.split()]  # type: ignore[misc]


_sur = [tok.split(":") for tok in _SURNAMES.split()]
SURNAME = np.array([s[0] for s in _sur], dtype=object)
SURNAME_PY = np.array([s[1].capitalize() for s in _sur], dtype=object)
_SUR_P = np.array([float(s[2]) for s in _sur])
SURNAME_P = _SUR_P / _SUR_P.sum()
GIVEN = {g: np.array([c for c, _ in _pairs(t)], dtype=object) for g, t in (("M", _MALE),
                                                                           ("F", _FEMALE))}
GIVEN_PY = {g: np.array([p for _, p in _pairs(t)], dtype=object) for g, t in (("M", _MALE),
                                                                              ("F", _FEMALE))}
PINYIN: dict[str, str] = {}
for _c, _p in _pairs(_MALE) + _pairs(_FEMALE):
    PINYIN[_c] = _p
for _s in _sur:
    PINYIN[_s[0]] = _s[1]
_UY = {g: (np.array([c for c, _ in _pairs(t)], dtype=object),
           np.array([p for _, p in _pairs(t)], dtype=object))
       for g, t in (("M", _UY_MALE), ("F", _UY_FEMALE), ("father", _UY_FATHER))}

# Near-homophones and look-alike characters, for typos.
SIMILAR = {
    "伟": "玮炜维", "芳": "方舫", "丽": "莉俐", "娜": "那", "敏": "民闵", "静": "婧靜", "强": "墙",
    "军": "君钧", "洋": "阳扬", "勇": "永", "杰": "洁傑", "涛": "滔焘", "明": "铭名", "华": "桦骅",
    "平": "萍", "红": "虹宏", "霞": "侠", "刚": "钢", "辉": "晖徽", "鹏": "朋", "飞": "菲",
    "斌": "彬", "浩": "皓", "凯": "恺", "健": "建", "俊": "峻", "国": "帼", "志": "智", "文": "雯",
    "海": "亥", "峰": "锋", "亮": "谅", "东": "冬", "晨": "辰", "艳": "燕", "秀": "绣", "英": "瑛",
    "燕": "艳", "玲": "苓", "梅": "玫", "琳": "林", "婷": "亭", "雪": "雷", "慧": "惠", "倩": "茜",
    "颖": "影", "佳": "嘉", "欣": "昕", "怡": "仪", "晶": "菁", "琪": "淇", "雨": "宇", "娟": "鹃",
    "王": "汪", "张": "章", "李": "理", "刘": "柳", "陈": "程", "杨": "扬", "黄": "皇", "徐": "许",
    "周": "舟", "吴": "伍", "赵": "肖", "林": "琳", "郑": "正", "孙": "荪", "胡": "湖",
}

# Company names: brand characters, industries, legal-form suffixes.
_BRAND = list("华信恒达盛世金桥宏图鼎天元瑞丰永泰中和国联创新海纳博远嘉禾凯旋锦程长城立明珠润万通"
              "兴业银河航正大致卓越安百川德富源广汇佳美晶科坤龙腾启荣顺飞伟祥星辰亿志成鑫隆昌晟诚峰")
BRAND = np.array(_BRAND, dtype=object)
INDUSTRY = np.array(
    "贸易 科技 物流 建设工程 实业 投资 餐饮管理 房地产开发 汽车销售 机械制造 电子 化工 "
    "医药 食品 服装 "
    "文化传媒 信息技术 环保科技 新能源 建材 运输 电器 家具 印刷包装 农业发展 物业管理 酒店管理 "
    "教育咨询 供应链管理 汽车维修服务".split(), dtype=object)
SUFFIX = np.array(["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"], dtype=object)
SUFFIX_P = np.array([0.62, 0.2, 0.12, 0.06])
BANKS = np.array("中国工商银行 中国建设银行 中国农业银行 中国银行 交通银行 招商银行 兴业银行 "
                 "中信银行 浦发银行 民生银行 平安银行 光大银行 邮储银行 北京银行 上海银行".split(),
                 dtype=object)


@dataclass
class Names:
    surname: np.ndarray   # object; for Uyghur names the first part
    given: np.ndarray     # object; for Uyghur names '·' + father's name
    surname_py: np.ndarray
    given_py: np.ndarray
    minority: np.ndarray  # bool
    common: np.ndarray    # bool

    @property
    def full(self) -> np.ndarray:
        return self.surname + self.given


def _given(rng: np.random.Generator, gender: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(gender)
    out = np.empty(n, dtype=object)
    out_py = np.empty(n, dtype=object)
    two = rng.random(n) < 0.7
    for g in ("M", "F"):
        m = gender == g
        k = int(m.sum())
        a = rng.integers(0, len(GIVEN[g]), k)
        b = rng.integers(0, len(GIVEN[g]), k)
        t = two[m]
        out[m] = GIVEN[g][a] + np.where(t, GIVEN[g][b], "")
        py = GIVEN_PY[g][a] + np.where(t, GIVEN_PY[g][b], "")
        out_py[m] = np.array([p.capitalize() for p in py], dtype=object) if k else py
    return out, out_py


def person_names(rng: np.random.Generator, gender: np.ndarray, minority: np.ndarray,
                 common_rate: float) -> Names:
    """Names for persons of the given genders ('M'/'F'); `minority` rows get Uyghur names."""
    n = len(gender)
    si = rng.choice(len(SURNAME), size=n, p=SURNAME_P)
    surname, surname_py = SURNAME[si].copy(), SURNAME_PY[si].copy()
    given, given_py = _given(rng, gender)
    common = (rng.random(n) < common_rate) & ~minority
    for g in ("M", "F"):
        pool = [c for c in COMMON_NAMES if c[2] == g]
        m = common & (gender == g)
        idx = rng.integers(0, len(pool), int(m.sum()))
        surname[m] = np.array([pool[i][0] for i in idx], dtype=object)
        given[m] = np.array([pool[i][1] for i in idx], dtype=object)
        surname_py[m] = np.array([PINYIN[pool[i][0]].capitalize() for i in idx], dtype=object)
        given_py[m] = np.array(["".join(PINYIN[c] for c in pool[i][1]).capitalize() for i in idx],
                               dtype=object)
        mm = minority & (gender == g)
        k = int(mm.sum())
        first, first_py = _UY[g]
        father, father_py = _UY["father"]
        a = rng.integers(0, len(first), k)
        b = rng.integers(0, len(father), k)
        surname[mm], surname_py[mm] = first[a], first_py[a]
        given[mm], given_py[mm] = "·" + father[b], father_py[b]
    return Names(surname, given, surname_py, given_py, minority.copy(), common)


def twin_name(rng: np.random.Generator, names: Names, src: np.ndarray, dst: np.ndarray,
              gender: np.ndarray) -> None:
    """Twin `dst[i]` of `src[i]`: same surname, given name sharing the first character."""
    for s, d in zip(src.tolist(), dst.tolist(), strict=True):
        g = gender[d]
        pool, pool_py = GIVEN[g], GIVEN_PY[g]
        first = names.given[s][:1]
        first_py = PINYIN.get(first, "")
        j = int(rng.integers(0, len(pool)))
        if pool[j] == names.given[s][1:2]:
            j = (j + 1) % len(pool)
        names.surname[d], names.surname_py[d] = names.surname[s], names.surname_py[s]
        names.given[d] = first + pool[j]
        names.given_py[d] = (first_py + pool_py[j]).capitalize()
        names.minority[d] = False
        names.common[d] = False


def pinyin_forms(rng: np.random.Generator, names: Names, idx: np.ndarray) -> np.ndarray:
    """`Zhang Wei`, `ZHANG WEI`, `Wei Zhang`, `zhang wei`: pinyin renderings of names[idx]."""
    sur, giv = names.surname_py[idx], names.given_py[idx]
    style = rng.integers(0, 4, len(idx))
    out = sur + " " + giv
    upper = np.array([s.upper() for s in out], dtype=object) if len(out) else out
    lower = np.array([s.lower() for s in out], dtype=object) if len(out) else out
    west = giv + " " + sur
    return np.select([style == 0, style == 1, style == 2], [out, upper, west], lower)


def org_brands(rng: np.random.Generator, n: int) -> np.ndarray:
    return BRAND[rng.integers(0, len(BRAND), n)] + BRAND[rng.integers(0, len(BRAND), n)]


def random_person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Free-standing names (legal representatives, reporters): no identity behind them."""
    gender = np.where(rng.random(n) < 0.5, "M", "F")
    return person_names(rng, gender, np.zeros(n, bool), 0.0).full
