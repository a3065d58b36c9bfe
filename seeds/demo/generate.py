#!/usr/bin/env python3
"""Generate gongshi's synthetic demo directory: seeds/demo/entities.csv and inspectors.csv.

Everything written here is invented. Names carry the prefix 银川 plus a made-up shop name,
every address starts with （演示数据）, phone numbers are 1380000xxxx, and the credit codes,
licence numbers, certificate numbers and ID numbers are generated, only shaped like real ones
so that gongshi's validators accept them. Python 3.11 standard library only; the output is the
same on every run (fixed random seed, no clock, no locale).

    python3 seeds/demo/generate.py                  # writes seeds/demo/*.csv
    python3 seeds/demo/generate.py --gbk-fixtures   # also rewrites tests/fixtures/entities_gbk*.csv
    python3 seeds/demo/generate.py --check          # writes nothing; exit 1 if a file differs

If python-stdnum happens to be importable, every credit code is also checked with
stdnum.cn.uscc.is_valid and every ID number with stdnum.cn.ric.is_valid (optional).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SEED = 20261124

# ---------------------------------------------------------------------------------------------
# identifiers

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I O Z S V
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]  # GB 11714-1997
RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]  # GB 11643-1999


def org_code_check(body8: str) -> str:
    """GB 11714 check character: digits 0-9, A=10 .. Z=35; C = 11 - (S mod 11); 10->X, 11->0."""
    s = sum((int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w for c, w in zip(body8, ORG_WEIGHTS))
    c = 11 - s % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check(first17: str) -> str:
    s = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - s % 31) % 31]


def ric_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, RIC_WEIGHTS)) % 11]


try:  # optional cross-check against python-stdnum
    from stdnum.cn import ric as _stdnum_ric  # type: ignore
    from stdnum.cn import uscc as _stdnum_uscc  # type: ignore
except ImportError:  # pragma: no cover
    _stdnum_uscc = _stdnum_ric = None


# ---------------------------------------------------------------------------------------------
# vocabulary

DISTRICTS = [  # code, name, weight
    ("640104", "兴庆区", 30),
    ("640105", "西夏区", 20),
    ("640106", "金凤区", 25),
    ("640121", "永宁县", 8),
    ("640122", "贺兰县", 8),
    ("640181", "灵武市", 9),
]
DISTRICT_NAME = {c: n for c, n, _ in DISTRICTS}
# 银川 county codes as they stood when people born 1970-1998 were registered (GB/T 2260 history):
# 640102 城区, 640103 新城区, 640111 郊区 (1983-2002), 640120 市区 (to 1983), 640121 永宁县, 640122 贺兰县
RIC_REGIONS_FROM_1983 = ["640102", "640103", "640111", "640121", "640122"]
RIC_REGIONS_BEFORE_1983 = ["640120", "640121", "640122"]

CATEGORIES = [  # label, weight
    ("互联网上网服务营业场所", 22),
    ("娱乐场所", 18),
    ("旅行社", 16),
    ("星级饭店", 7),
    ("A级旅游景区", 5),
    ("演出场所", 6),
    ("文艺表演团体", 7),
    ("演出经纪机构", 6),
    ("艺术品经营单位", 7),
    ("网络文化经营单位", 6),
]
CATEGORY_LABELS = [c for c, _ in CATEGORIES]

KIND_ORG = "法人及非法人组织"
KIND_IND = "个体工商户"

# share of each category registered as 个体工商户 (credit code category 92)
INDIVIDUAL_SHARE = {"互联网上网服务营业场所": 0.5, "娱乐场所": 0.3, "艺术品经营单位": 0.35}
# share of 文艺表演团体 registered by 民政 as 民办非企业单位 (credit code 52)
NONPROFIT_SHARE = {"文艺表演团体": 0.35}

NAME_SUFFIX = {  # category -> (suffixes for 91/52 organisations, suffixes for 个体工商户)
    "互联网上网服务营业场所": (["网咖有限公司", "网络会所有限公司", "电竞网咖有限公司"], ["网吧", "网咖", "网络会所"]),
    "娱乐场所": (["娱乐有限公司", "量贩式KTV有限公司", "文化娱乐有限公司"], ["KTV", "歌舞厅", "游艺厅", "量贩式KTV"]),
    "旅行社": (["国际旅行社有限公司", "旅行社有限公司", "旅行社有限责任公司"], []),
    "星级饭店": (["大酒店有限公司", "大酒店", "宾馆有限公司", "饭店有限公司"], []),
    "A级旅游景区": (["旅游景区管理有限公司", "生态旅游开发有限公司", "文旅景区运营有限公司"], []),
    "演出场所": (["剧场管理有限公司", "演艺中心有限公司", "大剧院有限公司", "音乐厅有限公司"], []),
    "文艺表演团体": (["演艺有限公司", "艺术团有限公司", "秦腔剧团有限公司"], []),
    "演出经纪机构": (["文化传媒有限公司", "演出经纪有限公司", "文化艺术经纪有限公司"], []),
    "艺术品经营单位": (["艺术品有限公司", "画廊有限公司", "书画艺术有限公司"], ["画廊", "书画社", "艺术品店"]),
    "网络文化经营单位": (["网络科技有限公司", "数字文化有限公司", "互动娱乐有限公司"], []),
}
NONPROFIT_SUFFIX = ["艺术团", "民间艺术团", "文化艺术团", "花儿艺术团"]

SHOP_FIRST = list("云金银锦鸿瑞华翔嘉宏泰恒兴隆福安康宁和悦新天德盛朗腾鑫聚乐远")
SHOP_SECOND = list("帆辉源程达途川河峰月阳宇越晨曦森林海韵居轩园阁湾舟桥岚泉")
RESERVED_SHOP = "星光"  # 银川星光网吧 is written exactly once

STREET_STEM = ["示例", "演示", "样例", "模拟", "虚构", "样本"]
STREET_TAIL = ["路", "街", "大道", "巷", "东路", "西路", "南街", "北街"]

SURNAMES = list("王李张刘陈杨马黄赵吴周徐孙朱胡郭何高林罗丁田冯韩")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红亮建国志宏海燕文斌鹏飞")

UNITS = [
    "银川市文化市场综合执法支队",
    "银川市文化市场综合执法支队第一大队",
    "银川市文化市场综合执法支队第二大队",
    "银川市文化市场综合执法支队第三大队",
]

ENTITY_HEADER = ["统一社会信用代码", "名称", "主体类型", "类别", "所在地区", "地址", "法定代表人", "许可证号", "状态"]
INSPECTOR_HEADER = ["姓名", "执法证号", "证件有效期起", "证件有效期止", "所属单位", "执法领域", "身份证号", "联系电话", "状态"]

N_ENTITIES = 300
N_DEREGISTERED = 15  # 5 %
N_INSPECTORS = 36
# Inspectors for the 随机抽查事项清单's categories the demo directory has no entities of
# (seeds/inspection_items.csv), so every category of that list has at least three eligible
# inspectors. Generated after the first 36 from their own seed, which leaves those rows as they were.
# 星级饭店 is in the directory, but only two of the first 36 are active and certified for it.
EXTRA_FIELDS = ["旅游民宿", "社会艺术水平考级机构", "文物保护单位", "博物馆", "文物商店",
                "广播电视", "电影放映单位", "出版物发行单位", "印刷企业", "星级饭店"]
N_EXTRA = len(EXTRA_FIELDS)
EXTRA_SEED = 20261201
N_EXPIRED = 4
N_SUSPENDED = 2
REFERENCE_DAY = dt.date(2026, 11, 24)  # "expired" means valid_to before this day


# ---------------------------------------------------------------------------------------------
# entities


class Gen:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.codes: set[str] = set()
        self.names: set[str] = set()
        self.shops: set[str] = {RESERVED_SHOP}
        self.licence_seq: dict[str, int] = {}
        self.people: set[str] = set()

    # -- pieces --------------------------------------------------------------------------
    def wpick(self, pairs):
        items = [p[0] for p in pairs]
        weights = [p[-1] for p in pairs]
        return self.rng.choices(items, weights)[0]

    def person(self, unique: bool = False) -> str:
        while True:
            n = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice([1, 2, 2])))
            if not unique or n not in self.people:
                self.people.add(n)
                return n

    def shop(self) -> str:
        while True:
            s = self.rng.choice(SHOP_FIRST) + self.rng.choice(SHOP_SECOND)
            if s not in self.shops:
                self.shops.add(s)
                return s

    def org_code(self, pair: str) -> str:
        """9-character organisation code (positions 9-17), with a GB 11714 check character."""
        r = self.rng
        if pair == "52":
            body = "MJ6" + "".join(r.choice("0123456789") for _ in range(5))
        elif pair == "92":
            if r.random() < 0.6:
                body = "MA7" + "".join(r.choice(USCC_CHARSET) for _ in range(5))
            else:
                body = "L" + "".join(r.choice("0123456789") for _ in range(7))
        else:  # 91: mostly all-digit legacy codes, some MA-style codes issued since 2015
            if r.random() < 0.75:
                body = r.choice("2345678") + "".join(r.choice("0123456789") for _ in range(7))
            else:
                body = "MA7" + "".join(r.choice(USCC_CHARSET) for _ in range(5))
        return body + org_code_check(body)

    def credit_code(self, pair: str, district: str) -> str:
        while True:
            first17 = pair + district + self.org_code(pair)
            code = first17 + uscc_check(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def address(self, district: str) -> str:
        r = self.rng
        street = r.choice(STREET_STEM) + r.choice(STREET_TAIL)
        addr = f"（演示数据）{DISTRICT_NAME[district]}{street}{r.randint(1, 299)}号"
        x = r.random()
        if x < 0.2:
            addr += f"{r.randint(1, 6)}层"
        elif x < 0.3:
            addr += f"{r.choice('ABC')}座{r.randint(1, 18)}{r.randint(1, 20):02d}室"
        return addr

    def licence(self, kind: str, district: str) -> str:
        """Invented licence numbers, unique per kind."""
        self.licence_seq[kind] = n = self.licence_seq.get(kind, 0) + 1
        year = self.rng.randint(2016, 2025)
        if kind == "travel":  # 旅行社业务经营许可证
            return f"L-NX-{100100 + n}"
        if kind == "netculture":  # 网络文化经营许可证 (also held by internet cafés)
            return f"宁网文〔{year}〕{n:04d}-{self.rng.randint(1, 199):03d}号"
        if kind == "entertainment":  # 娱乐经营许可证
            return f"宁文娱许〔{year}〕{n:04d}号"
        if kind == "performance":  # 营业性演出许可证
            return f"{district}12{n:04d}"
        raise ValueError(kind)

    def licences(self, category: str, district: str) -> str:
        r = self.rng
        out: list[str] = []
        if category == "旅行社":
            if r.random() < 0.9:
                out.append(self.licence("travel", district))
        elif category in ("互联网上网服务营业场所", "网络文化经营单位"):
            if r.random() < 0.9:
                out.append(self.licence("netculture", district))
            if category == "网络文化经营单位" and r.random() < 0.3:
                out.append(self.licence("performance", district))
        elif category == "娱乐场所":
            if r.random() < 0.9:
                out.append(self.licence("entertainment", district))
        elif category in ("演出场所", "文艺表演团体", "演出经纪机构"):
            if r.random() < 0.9:
                out.append(self.licence("performance", district))
        elif category == "星级饭店":
            if r.random() < 0.25:  # hotels with a KTV floor
                out.append(self.licence("entertainment", district))
        elif category == "A级旅游景区":
            if r.random() < 0.3:  # scenic spots with a show
                out.append(self.licence("performance", district))
        # 艺术品经营单位 are filed (备案), not licensed: empty
        return ";".join(out)

    # -- rows ------------------------------------------------------------------------------
    def entity(self, category: str, forced_name: str | None = None, forced_kind: str | None = None) -> dict:
        r = self.rng
        district = self.wpick(DISTRICTS)
        kind = forced_kind
        pair = "92" if kind == KIND_IND else None
        if kind is None:
            if r.random() < INDIVIDUAL_SHARE.get(category, 0.0):
                kind, pair = KIND_IND, "92"
            elif r.random() < NONPROFIT_SHARE.get(category, 0.0):
                kind, pair = KIND_ORG, "52"
            else:
                kind, pair = KIND_ORG, "91"
        elif pair is None:
            pair = "91"
        if forced_name:
            name = forced_name
        else:
            while True:
                shop = self.shop()
                if pair == "52":
                    suffix = r.choice(NONPROFIT_SUFFIX)
                else:
                    org, ind = NAME_SUFFIX[category]
                    suffix = r.choice(ind if pair == "92" else org)
                name = f"银川{shop}{suffix}"
                if name not in self.names:
                    break
        assert name not in self.names, name
        self.names.add(name)
        return {
            "统一社会信用代码": self.credit_code(pair, district),
            "名称": name,
            "主体类型": kind,
            "类别": category,
            "所在地区": district,
            "地址": self.address(district),
            "法定代表人": self.person(),
            "许可证号": self.licences(category, district),
            "状态": "存续",
        }

    def entities(self) -> list[dict]:
        rows = [self.entity("互联网上网服务营业场所", forced_name="银川星光网吧", forced_kind=KIND_IND)]
        while len(rows) < N_ENTITIES:
            rows.append(self.entity(self.wpick(CATEGORIES)))
        self.rng.shuffle(rows)
        candidates = [i for i, row in enumerate(rows) if row["名称"] != "银川星光网吧"]
        for i in self.rng.sample(candidates, N_DEREGISTERED):
            rows[i]["状态"] = "注销"
        return rows

    # -- inspectors ------------------------------------------------------------------------
    def ric(self, used: set[str]) -> str:
        r = self.rng
        while True:
            birth = dt.date(1970, 1, 1) + dt.timedelta(days=r.randrange((dt.date(1998, 12, 31) - dt.date(1970, 1, 1)).days + 1))
            # an ID number keeps the county code in force when it was issued (at birth, here):
            # 兴庆/西夏/金凤 date from 2002, so people born 1970-1998 carry the older codes
            regions = RIC_REGIONS_FROM_1983 if birth.year >= 1983 else RIC_REGIONS_BEFORE_1983
            first17 = r.choice(regions) + birth.strftime("%Y%m%d") + f"{r.randint(0, 999):03d}"
            n = first17 + ric_check(first17)
            if n not in used:
                used.add(n)
                return n

    def inspectors(self) -> list[dict]:
        r = self.rng
        units = [UNITS[0]] * 6 + [UNITS[1]] * 10 + [UNITS[2]] * 10 + [UNITS[3]] * 10
        assert len(units) == N_INSPECTORS
        expired = set(r.sample(range(N_INSPECTORS), N_EXPIRED))
        suspended = set(r.sample(range(N_INSPECTORS), N_SUSPENDED))
        rics: set[str] = set()
        phones: set[str] = set()
        rows = []
        for i in range(N_INSPECTORS):
            if i in expired:  # issued 2022 or early 2023 for 3 years: over before REFERENCE_DAY
                start = dt.date(2022, 1, 1) + dt.timedelta(days=r.randrange(500))
                years = 3
            else:
                start = dt.date(2022, 1, 1) + dt.timedelta(days=r.randrange((dt.date(2025, 12, 31) - dt.date(2022, 1, 1)).days + 1))
                years = r.choice([3, 4, 5])
            end = add_years(start, years)
            while i not in expired and end < REFERENCE_DAY:
                years += 1
                end = add_years(start, years)
            assert 3 <= years <= 5 and ((end < REFERENCE_DAY) == (i in expired)), (start, years)
            while True:
                phone = f"1380000{r.randint(0, 9999):04d}"
                if phone not in phones:
                    phones.add(phone)
                    break
            k = r.choice([1, 1, 2, 2, 3])
            fields = sorted(r.sample(CATEGORY_LABELS, k), key=CATEGORY_LABELS.index)
            rows.append({
                "姓名": self.person(unique=True),
                "执法证号": f"640100{start.year}{i + 1:04d}",
                "证件有效期起": start.isoformat(),
                "证件有效期止": end.isoformat(),
                "所属单位": units[i],
                "执法领域": ";".join(fields),
                "身份证号": self.ric(rics),
                "联系电话": phone,
                "状态": "停用" if i in suspended else "在岗",
            })
        main_rng, self.rng = self.rng, random.Random(EXTRA_SEED)
        for j in range(N_EXTRA):
            i = N_INSPECTORS + j
            start = dt.date(2025, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
            while True:
                phone = f"1380000{self.rng.randint(0, 9999):04d}"
                if phone not in phones:
                    phones.add(phone)
                    break
            # Each extra category is in exactly three of these inspectors' fields.
            fields = [EXTRA_FIELDS[(j + k) % N_EXTRA] for k in range(3)]
            rows.append({
                "姓名": self.person(unique=True),
                "执法证号": f"640100{start.year}{i + 1:04d}",
                "证件有效期起": start.isoformat(),
                "证件有效期止": add_years(start, 5).isoformat(),
                "所属单位": UNITS[j % len(UNITS)],
                "执法领域": ";".join(fields),
                "身份证号": self.ric(rics),
                "联系电话": phone,
                "状态": "在岗",
            })
        self.rng = main_rng
        return rows


def add_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


# ---------------------------------------------------------------------------------------------
# checks


def check_entities(rows: list[dict]) -> None:
    assert len(rows) == N_ENTITIES
    assert len({r["统一社会信用代码"] for r in rows}) == N_ENTITIES, "duplicate credit code"
    assert len({r["名称"] for r in rows}) == N_ENTITIES, "duplicate name"
    assert sum(r["名称"] == "银川星光网吧" for r in rows) == 1
    assert sum(r["状态"] == "注销" for r in rows) == N_DEREGISTERED
    for row in rows:
        code = row["统一社会信用代码"]
        assert len(code) == 18 and all(c in USCC_CHARSET for c in code), code
        assert code[:2] in ("91", "92", "52") and code[2:8] == row["所在地区"], code
        assert code[17] == uscc_check(code[:17]), code
        assert code[16] == org_code_check(code[8:16]), code
        assert (code[:2] == "92") == (row["主体类型"] == KIND_IND), code
        assert row["类别"] in CATEGORY_LABELS
        assert row["名称"].startswith("银川") and row["地址"].startswith("（演示数据）")
        assert all(c not in v for v in row.values() for c in ',"\r\n'), row
        if _stdnum_uscc is not None:
            assert _stdnum_uscc.is_valid(code), f"stdnum rejects {code}"
    lic = [x for r in rows for x in r["许可证号"].split(";") if x]
    assert len(lic) == len(set(lic)), "duplicate licence number"


def check_inspectors(rows: list[dict]) -> None:
    assert len(rows) == N_INSPECTORS + N_EXTRA
    for key in ("姓名", "执法证号", "身份证号", "联系电话"):
        assert len({r[key] for r in rows}) == N_INSPECTORS + N_EXTRA, f"duplicate {key}"
    assert sum(r["状态"] == "停用" for r in rows) == N_SUSPENDED
    assert sum(dt.date.fromisoformat(r["证件有效期止"]) < REFERENCE_DAY for r in rows) == N_EXPIRED
    for row in rows:
        assert len(row["执法证号"]) == 14 and row["执法证号"].isdigit()
        n = row["身份证号"]
        assert n[:4] == "6401" and n[17] == ric_check(n[:17])
        assert 1970 <= dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14])).year <= 1998
        assert row["所属单位"] in UNITS
        assert all(f in CATEGORY_LABELS + EXTRA_FIELDS for f in row["执法领域"].split(";"))
        if _stdnum_ric is not None:
            assert _stdnum_ric.is_valid(n), f"stdnum rejects {n}"


# ---------------------------------------------------------------------------------------------
# output


def to_csv(header: list[str], rows: list[dict], lineterminator: str = "\n", trailing_blank: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=lineterminator)
    extra = [""] if trailing_blank else []
    w.writerow(header + extra)
    for row in rows:
        w.writerow([row[h] for h in header] + extra)
    return buf.getvalue()


def gbk_fixtures(entities: list[dict]) -> tuple[bytes, bytes, dict]:
    """The Excel-on-Chinese-Windows import fixture and its corrected twin.

    Five distinct active rows with at most one licence; record 3's name gets an ASCII comma
    (a quoted field), record 5's address gets an in-cell line break (a bare LF, as Excel writes
    Alt+Enter, inside a quoted field); record 4 gets a wrong check character; record 7 repeats
    record 2 exactly. Every line ends with a comma (a blank trailing column).
    """
    def pick(pred):
        return next(dict(r) for r in entities if pred(r))

    ok = lambda r: r["状态"] == "存续" and ";" not in r["许可证号"]
    a = pick(lambda r: ok(r) and r["名称"] == "银川星光网吧")
    b = pick(lambda r: ok(r) and r["类别"] == "旅行社" and r["许可证号"])
    c = pick(lambda r: ok(r) and r["类别"] == "娱乐场所" and r["主体类型"] == KIND_ORG)
    d = pick(lambda r: ok(r) and r["类别"] == "文艺表演团体" and r["统一社会信用代码"].startswith("52"))
    e = pick(lambda r: ok(r) and r["类别"] == "A级旅游景区" and not r["许可证号"])
    b["名称"] = b["名称"] + "," + DISTRICT_NAME[b["所在地区"]][:2] + "门市部"
    d["地址"] = d["地址"] + "\n（排练厅）"
    good = c["统一社会信用代码"]
    wrong = USCC_CHARSET[(USCC_CHARSET.index(good[17]) + 1) % len(USCC_CHARSET)]
    bad_c = dict(c, 统一社会信用代码=good[:17] + wrong)
    broken = to_csv(ENTITY_HEADER, [a, b, bad_c, d, e, a], "\r\n", trailing_blank=True)
    fixed = to_csv(ENTITY_HEADER, [a, b, c, d, e], "\r\n", trailing_blank=True)
    info = {"bad_code": bad_c["统一社会信用代码"], "good_code": good, "right_check": good[17], "wrong_check": wrong}
    return broken.encode("gb18030"), fixed.encode("gb18030"), info


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gbk-fixtures", action="store_true", help="also write tests/fixtures/entities_gbk*.csv")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file on disk differs")
    args = ap.parse_args()

    g = Gen()
    entities = g.entities()
    inspectors = g.inspectors()
    check_entities(entities)
    check_inspectors(inspectors)

    outputs: dict[Path, bytes] = {
        ROOT / "seeds/demo/entities.csv": to_csv(ENTITY_HEADER, entities).encode("utf-8"),
        ROOT / "seeds/demo/inspectors.csv": to_csv(INSPECTOR_HEADER, inspectors).encode("utf-8"),
    }
    if args.gbk_fixtures or args.check:
        broken, fixed, info = gbk_fixtures(entities)
        outputs[ROOT / "tests/fixtures/entities_gbk.csv"] = broken
        outputs[ROOT / "tests/fixtures/entities_gbk_fixed.csv"] = fixed
        print(f"gbk fixture: record 4 has {info['bad_code']} (check {info['wrong_check']}, "
              f"correct {info['right_check']}: {info['good_code']})", file=sys.stderr)

    differ = 0
    for path, data in outputs.items():
        if args.check:
            same = path.exists() and path.read_bytes() == data
            differ += not same
            print(f"{'ok' if same else 'DIFFERS'}  {path.relative_to(ROOT)}", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)} ({len(data)} bytes)", file=sys.stderr)
    if _stdnum_uscc is None:
        print("note: python-stdnum not importable; skipped the cross-check", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
