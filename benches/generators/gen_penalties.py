#!/usr/bin/env python3
"""Generate published penalty decisions in the 双公示 layout, and their authorities (issue 12).

    python3 benches/generators/gen_penalties.py COUNT OUTPUT.csv [--authorities N] [--today YYYY-MM-DD] [--seed N]

Writes OUTPUT.csv (the layout's Chinese headers, UTF-8) and OUTPUT.authorities.json (the
处罚机关 the rows name, to create before importing). Every decision is dated within the 360 days
before --today (default: today), a warning alone (轻微, shown for 3 months) within the 85 days
before it, so each is inside its publicity period and publicly shown.

The parties are those of the dense directory generator (gen_dense.py): 4,800 names of 16 places
x 30 brands x 10 kinds, so 网吧 is in about a tenth of the decisions and a two-character query
is never rare. 70 % are 法人及非法人组织, 15 % 个体工商户 (a valid credit code each, shared by
all the decisions of one name and district), 15 % natural persons with a synthetic valid
居民身份证号码 and an address (private; their names are masked publicly). Decision numbers are
{代字}罚〔{year}〕{n}号, n counting per authority and year. Deterministic per (COUNT, seed, today).
"""

import argparse
import csv
import datetime
import json
import random
import sys

from gen_dense import BRANDS, GIVEN, KINDS, PLACES, SURNAMES
from gen_entities import DISTRICTS, body9, check_char

HEADER = [
    "行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "法定代表人",
    "证件类型", "证件号码", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据",
    "处罚类别", "处罚内容", "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚机关统一社会信用代码",
]

# (违法行为类型, 违法事实, 处罚依据, 处罚类别, fine range in 元 or None, confiscation?)
CASES = [
    ("接纳未成年人进入营业场所", "该场所于营业时间接纳未成年人进入上网",
     "《互联网上网服务营业场所管理条例》第三十一条", "警告;罚款", (2000, 15000), False),
    ("未按规定核对登记上网消费者身份", "未核对、登记上网消费者的有效身份证件",
     "《互联网上网服务营业场所管理条例》第三十二条", "罚款", (1000, 10000), False),
    ("擅自从事营业性演出经营活动", "未经批准擅自举办营业性演出",
     "《营业性演出管理条例》第四十三条", "罚款;没收违法所得", (50000, 200000), True),
    ("未与旅游者签订旅游合同", "组织团队旅游未与旅游者签订书面合同",
     "《中华人民共和国旅游法》第九十六条", "罚款", (5000, 50000), False),
    ("超出核定范围经营", "歌舞娱乐场所超出核定的营业时间经营",
     "《娱乐场所管理条例》第四十八条", "警告", None, False),
    ("变更经营地址未备案", "艺术品经营单位变更经营地址未按规定备案",
     "《艺术品经营管理办法》第二十一条", "警告;罚款", (1000, 10000), False),
    ("违规经营被依法吊销许可证", "多次违规经营且拒不改正",
     "《互联网上网服务营业场所管理条例》第三十条", "罚款;吊销许可证件", (10000, 30000), False),
]

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(rng: random.Random, district: str, today: datetime.date) -> str:
    """A synthetic 18-digit 居民身份证号码 with a valid GB 11643 check digit."""
    born = today - datetime.timedelta(days=rng.randrange(20 * 365, 60 * 365))
    body = district + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]
    return body + check


def wan(yuan: int) -> str:
    """元 as 万元 with six decimals (exact: 1 元 = 0.0001 万元)."""
    return f"{yuan // 10000}.{yuan % 10000:04d}00"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("count", type=int)
    ap.add_argument("output")
    ap.add_argument("--authorities", type=int, default=20)
    ap.add_argument("--today", default=datetime.date.today().isoformat())
    ap.add_argument("--seed", type=int, default=20261201)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    today = datetime.date.fromisoformat(args.today)

    authorities = []
    for i in range(args.authorities):
        dcode = DISTRICTS[i % len(DISTRICTS)][0]
        prefix17 = "11" + dcode + body9(900_000 + i)
        authorities.append({
            "name": f"基准测试文化旅游局{i + 1:02d}（生成）",
            "credit_code": prefix17 + check_char(prefix17),
            "number_prefix": f"基{i + 1:02d}文旅",
        })
    with open(args.output + ".authorities.json", "w", encoding="utf-8") as f:
        json.dump(authorities, f, ensure_ascii=False, indent=1)

    counters = {}
    parties = {}
    shown = {"网吧": 0, "星光": 0}
    with open(args.output, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for _ in range(args.count):
            a = rng.randrange(len(authorities))
            auth = authorities[a]
            dcode = DISTRICTS[rng.randrange(len(DISTRICTS))][0]
            violation, facts, basis, types, fine, confiscate = CASES[rng.randrange(len(CASES))]
            # A warning alone is 轻微: shown for at most 3 months (reference §5.2).
            span = 85 if types == "警告" else 360
            decided = today - datetime.timedelta(days=rng.randrange(1, span + 1))
            key = (a, decided.year)
            counters[key] = counters.get(key, 0) + 1
            number = f"{auth['number_prefix']}罚〔{decided.year}〕{counters[key]}号"
            roll = rng.random()
            id_type = id_no = code = rep = ""
            if roll < 0.15:
                kind = "自然人"
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                id_type, id_no = "身份证", id_number(rng, dcode, today)
            else:
                kind = "个体工商户" if roll < 0.30 else "法人及非法人组织"
                suffix = KINDS[rng.randrange(len(KINDS))][0]
                name = PLACES[rng.randrange(len(PLACES))] + BRANDS[rng.randrange(len(BRANDS))] + suffix
                pkey = (name, dcode, kind)
                if pkey not in parties:
                    prefix17 = ("92" if kind == "个体工商户" else "91") + dcode + body9(len(parties))
                    parties[pkey] = (prefix17 + check_char(prefix17),
                                     rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN))
                code, rep = parties[pkey]
                for k in shown:
                    shown[k] += k in name
            fine_wan = conf_wan = licence = ""
            parts = types.split(";")
            if fine:
                yuan = rng.randrange(fine[0] // 100, fine[1] // 100 + 1) * 100
                fine_wan = wan(yuan)
                parts[parts.index("罚款")] = f"罚款人民币{yuan}元"
            content = "、".join(parts)
            if confiscate:
                conf_wan = wan(rng.randrange(10, 500) * 100)
            if "吊销" in types:
                licence = f"网络文化经营许可证 宁网文〔{decided.year}〕{rng.randrange(1000, 9999)}号"
            w.writerow([name, kind, code, rep, id_type, id_no, number, violation, facts, basis, types,
                        content, fine_wan, conf_wan, licence, decided.isoformat(), auth["credit_code"]])
    print(f"{args.count} decisions of {len(authorities)} authorities written to {args.output}; "
          + ", ".join(f"{k} in {v} party names" for k, v in shown.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
