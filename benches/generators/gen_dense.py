#!/usr/bin/env python3
"""Generate a dense directory CSV: the search worst case and the category names of real files (issue 11).

    python3 benches/generators/gen_dense.py COUNT OUTPUT.csv [--seed N]

Every 名称 is one of 16 places x 30 brands x 10 kinds (4,800 names, each used about COUNT/4,800
times), so at a million rows 星光网吧 is in about 3,300 names and so is each of its trigrams: no
key of a four-character query is rare. The 类别 column is written as bureau spreadsheets write it,
with the names of the regulations (营业性演出场所, 歌舞娱乐场所, 游艺娱乐场所, 文物商店 in 40 % of
the rows) rather than gongshi's own labels; the file must import unmapped with no rejected row.

Credit codes are unique and valid (the scheme of gen_entities.py); deterministic per (COUNT, seed).
"""

import argparse
import csv
import random
import sys

from gen_entities import DISTRICTS, HEADER, body9, check_char

PLACES = ["银川", "宁夏", "兴庆", "金凤", "西夏", "永宁", "贺兰", "灵武",
          "石嘴山", "吴忠", "固原", "中卫", "青铜峡", "平罗", "中宁", "盐池"]

BRANDS = ["星光", "金凤", "凤凰", "塞上", "黄河", "沙湖", "丝路", "大漠", "长城", "阳光",
          "月光", "朝阳", "春风", "蓝天", "银河", "彩虹", "天马", "神州", "华夏", "九州",
          "四海", "万家", "一品", "吉祥", "如意", "平安", "鑫盛", "宏达", "恒通", "锦绣"]

# (name suffix, 类别 as the file writes it, share of 个体工商户 codes)
KINDS = [
    ("网吧", "互联网上网服务营业场所", 0.8),
    ("宾馆", "星级饭店", 0.5),
    ("大酒店", "星级酒店", 0.2),
    ("旅行社", "旅行社", 0.1),
    ("景区", "A级旅游景区", 0.0),
    ("艺术品店", "艺术品经营单位", 0.7),
    ("KTV", "歌舞娱乐场所", 0.6),
    ("游艺厅", "游艺娱乐场所", 0.6),
    ("剧场", "营业性演出场所", 0.2),
    ("文物商店", "文物商店", 0.3),
]

# What the builds before issue 11 called them (they refused the names above).
OLD_LABELS = {"歌舞娱乐场所": "娱乐场所", "游艺娱乐场所": "娱乐场所", "营业性演出场所": "演出场所", "文物商店": "艺术品经营单位"}

SURNAMES = "王李张刘陈杨马赵黄周吴徐孙胡朱高林何郭罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("count", type=int)
    ap.add_argument("output")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--old-labels", action="store_true",
                    help="write the labels builds before issue 11 accepted (for before/after runs)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    counts = {"星光网吧": 0, "星光宾馆": 0}
    with open(args.output, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(args.count):
            dcode, dname, _short, _ = DISTRICTS[rng.randrange(len(DISTRICTS))]
            suffix, category, p_individual = KINDS[rng.randrange(len(KINDS))]
            if args.old_labels:
                category = OLD_LABELS.get(category, category)
            name = PLACES[rng.randrange(len(PLACES))] + BRANDS[rng.randrange(len(BRANDS))] + suffix
            for k in counts:
                counts[k] += k in name
            head = "92" if rng.random() < p_individual else "91"
            prefix17 = head + dcode + body9(i)
            kind = "个体工商户" if head == "92" else "法人及非法人组织"
            person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            address = f"{dname}文化街{rng.randrange(1, 400)}号"
            w.writerow([prefix17 + check_char(prefix17), name, kind, category, dcode, address, person, "", "存续"])
    print(f"{args.count} rows written to {args.output}; "
          + ", ".join(f"{k} in {v}" for k, v in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
