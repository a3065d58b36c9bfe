#!/usr/bin/env python3
"""Generate a synthetic market-entity directory CSV for the directory benchmarks (issue 4).

    python3 benches/generators/gen_entities.py COUNT OUTPUT.csv [--seed N]

Deterministic for a given (COUNT, seed). Every row passes the import's validation:

* 统一社会信用代码: unique, valid GB 32100-2015 codes. 91 (企业) or 92 (个体工商户), positions 3-8
  a district of 银川 (640104 兴庆区 … 640181 灵武市), positions 9-17 a bijective scramble of the
  row index written in the code's base-31 alphabet (so unique), then the mod-31 check character.
* 名称: [city or district prefix] + 字号 (from a Zipf-weighted vocabulary of several hundred words
  and characters) + [trade word] + a suffix that matches 类别 (网吧, 旅行社有限公司, 大酒店, KTV,
  剧场, 艺术品店, …), 8-16 characters. Bigram frequencies are therefore skewed like a real
  directory: 银川 and 网吧 are in a large share of names, most character pairs are rare.
* The exact text 星光 appears in about 0.1 % of the names (and only there), 星光网吧 in about
  a third of those.
* 主体类型 follows the code (92 → 个体工商户), 所在地区 is the code's positions 3-8, 状态 存续.
"""

import argparse
import bisect
import csv
import itertools
import random
import sys

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
VALUE = {c: i for i, c in enumerate(CHARSET)}

HEADER = ["统一社会信用代码", "名称", "主体类型", "类别", "所在地区", "地址", "法定代表人", "许可证号", "状态"]

# (code, full name, short name, share of entities)
DISTRICTS = [
    ("640104", "兴庆区", "兴庆", 0.30),
    ("640105", "西夏区", "西夏", 0.17),
    ("640106", "金凤区", "金凤", 0.25),
    ("640121", "永宁县", "永宁", 0.10),
    ("640122", "贺兰县", "贺兰", 0.10),
    ("640181", "灵武市", "灵武", 0.08),
]

# 类别 → (share, [(name suffix, probability of an 个体工商户 code)] (picked uniformly, so a suffix
# listed several times is that much more common), [trade words inserted before the suffix],
# licence-number style)
CATEGORIES = {
    "互联网上网服务营业场所": (0.24, [("网吧", 0.8), ("网吧", 0.8), ("网吧", 0.8), ("网吧", 0.8), ("网咖", 0.7),
                             ("网络会所", 0.5), ("电竞馆", 0.5), ("网吧有限公司", 0.0), ("网络服务有限公司", 0.0)],
                    ["", "", "", "网络", "电竞"], "net"),
    "娱乐场所": (0.20, [("KTV", 0.7), ("量贩式KTV", 0.5), ("歌厅", 0.8), ("娱乐城", 0.3), ("游艺厅", 0.7),
                    ("娱乐有限公司", 0.0), ("文化娱乐有限公司", 0.0), ("歌舞厅", 0.7)], ["", "", "休闲", "娱乐", "音乐"], "ent"),
    "旅行社": (0.12, [("旅行社有限公司", 0.0), ("国际旅行社有限公司", 0.0), ("旅游有限公司", 0.0),
                   ("旅行社", 0.2), ("旅行社门市部", 0.6)], ["", "", "国旅", "假日", "阳光"], "travel"),
    "星级饭店": (0.06, [("大酒店", 0.3), ("宾馆", 0.6), ("酒店有限公司", 0.0), ("饭店", 0.5),
                    ("国际大酒店", 0.0), ("商务酒店", 0.4)], ["", "", "假日", "商务"], "hotel"),
    "A级旅游景区": (0.02, [("景区", 0.0), ("生态园", 0.3), ("旅游区", 0.0), ("度假村", 0.2),
                      ("旅游开发有限公司", 0.0)], ["", "生态", "农业", "文化"], "scenic"),
    "演出场所": (0.04, [("剧场", 0.3), ("剧院", 0.2), ("大剧院", 0.0), ("演艺中心", 0.2),
                    ("剧场管理有限公司", 0.0)], ["", "", "演艺", "文化"], "venue"),
    "文艺表演团体": (0.05, [("艺术团", 0.4), ("歌舞团", 0.4), ("秦腔剧团", 0.5), ("文艺演出队", 0.7),
                      ("演艺有限公司", 0.0)], ["", "", "民间", "民族"], "troupe"),
    "演出经纪机构": (0.08, [("文化传媒有限公司", 0.0), ("演出经纪有限公司", 0.0), ("文化传播有限公司", 0.0),
                      ("演艺经纪工作室", 0.8)], ["", "", "星耀", "影视"], "agency"),
    "艺术品经营单位": (0.09, [("艺术品店", 0.8), ("画廊", 0.6), ("书画院", 0.5), ("艺术品有限公司", 0.0),
                       ("书画店", 0.8), ("工艺品店", 0.8), ("古玩店", 0.8)], ["", "", "", "书画", "文玩"], "art"),
    "网络文化经营单位": (0.10, [("网络科技有限公司", 0.0), ("数字文化有限公司", 0.0), ("互动娱乐有限公司", 0.0),
                        ("文化科技有限公司", 0.0), ("网络工作室", 0.8)], ["", "", "数字", "互联"], "online"),
}

# Prefixes before the 字号: the city (very common), the region, the district, or none.
CITY_PREFIXES = [("银川", 0.42), ("银川市", 0.10), ("宁夏", 0.10), ("{district}", 0.13), ("银川市{district}", 0.05), ("", 0.20)]

# Ready-made 字号 words (local places, auspicious words, brand-like words).
WORDS = """
金凤 凤凰 塞上 贺兰 黄河 沙湖 西夏 六盘 朔方 丝路 大漠 长城 凤城 湖城 阅海 鸣翠 宝湖 海宝 览山 典农
艾依 唐徕 镇北 宁安 永兴 新华 鼓楼 南门 北塔 承天 中山 光明 文化 民族 解放 正源 亲水 贺兰山 滨河
嘉轩 和林 宁晨 兴桥 瑞丰 宏达 鑫盛 华泰 恒通 盛世 锦绣 天成 金鼎 龙腾 凯旋 博雅 聚贤 汇丰 永盛 泰和
东方 南方 西部 北方 中天 新时代 新世纪 蓝天 白云 青山 绿洲 红枫 紫荆 金桥 银河 彩虹 阳光 月光 晨曦
朝阳 夕阳 春风 秋实 夏荷 冬梅 兰亭 竹林 松涛 梅园 荷塘 柳岸 桃源 杏林 梨花 枫叶 银杏 牡丹 玫瑰 百合
天马 飞鸿 雄鹰 骏马 神州 华夏 九州 四海 五洲 八方 千禧 万家 百姓 千里 万里 一品 二泉 三和 四季 五福
六和 七彩 八达 九鼎 十全 金色 银色 翡翠 琥珀 水晶 珍珠 钻石 黄金 白金 铂金 星辰 明月 清风 流云 飞雪
乐途 畅游 悦行 逍遥 漫步 远航 启航 领航 先锋 卓越 精英 至尊 皇冠 帝豪 王朝 皇家 贵族 名人 名流 风尚
时尚 潮流 经典 传奇 梦想 希望 未来 无限 极速 闪电 雷霆 风暴 烈火 冰雪 酷玩 疯狂 欢乐 快乐 开心 幸福
吉祥 如意 安康 平安 顺达 通达 畅达 腾达 发达 兴旺 昌盛 繁荣 辉煌 灿烂 璀璨 锦程 鹏程 前程 宏图 伟业
大唐 盛唐 汉唐 秦汉 宋韵 明清 古韵 雅韵 墨香 书香 丹青 翰墨 文房 紫砂 青花 汝窑 玉石 贺兰石 砚台 雕刻
""".split()

# Single characters for two-character 字号 (Zipf-weighted in this order).
CHARS = """
鑫 华 兴 盛 宏 达 金 利 源 泰 丰 恒 嘉 瑞 祥 福 德 隆 顺 安 佳 和 昌 荣 信 诚 美 新 天 宇 博 文 凯 晟 昊 鹏 飞
龙 凤 宝 玉 明 辉 海 峰 林 森 川 江 河 山 石 云 雨 雪 风 阳 春 秋 冬 夏 晨 晓 旭 东 西 南 北 中 京 沪 津 豫 鲁
欣 悦 乐 喜 康 健 宁 静 雅 逸 轩 阁 楼 亭 苑 园 庭 府 居 坊 堂 斋 舍 馆 汇 聚 合 联 众 友 朋 家 邦 国 民 人
志 远 航 帆 舟 桥 路 途 程 行 游 旅 景 观 韵 彩 虹 霞 光 星 月 日 辰 宸 煜 炜 焱 烨 灿 熙 曦 晗 昕 晴 朗 皓
翔 腾 跃 奔 驰 骏 骐 麟 鸿 鹤 燕 莺 鹰 雁 蝶 梅 兰 竹 菊 松 柏 桐 杨 柳 桦 枫 橙 橘 桃 李 杏 梨 荷 莲 芙 蓉
巨 伟 强 刚 毅 勇 豪 杰 俊 英 贤 才 智 慧 聪 睿 哲 思 想 梦 创 拓 展 开 启 立 建 成 功 业 胜 赢 冠 尊 贵 珍
""".split()

SURNAMES = ("王 李 张 刘 陈 杨 马 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 "
            "董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 "
            "孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 海 拜 纳 "
            "锁 哈 虎 撒 穆").split()
GIVEN = ("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 玉 兰 萍 红 飞 鹏 辉 建 国 "
         "文 斌 宁 海 燕 梅 林 云 峰 波 亮 玲 婷 雪 晨 浩 宇 轩 欣 怡 佳 琪 子 涵 梓 睿 博 志 凯 鑫 鸿 福 成 "
         "德 喜 春 秋 冬 俊 晓 龙 凤 金 银 宝 兵 忠 义 礼 智 信 仁 学 荣 祥 瑞 坤 彦 哲 航 泽 然 悦 蕾 薇").split()

ROAD_WORDS = ("解放 北京 文化 民族 新华 中山 湖滨 贺兰山 黄河 宁安 正源 亲水 宝湖 上海 长城 丽景 凤凰 "
              "唐徕 满春 胜利 清和 利民 友爱 同心 光明 团结 怀远 朔方 西夏 金波 开元 丰庆 阅海 人民 "
              "兴庆 育才 学院 科技 工业 建设 幸福 和平 塞上 艾依 大新 掌政 通贵 月牙湖").split()
ROAD_KINDS = ["路", "街", "大街", "东路", "西路", "南路", "北路", "中路", "东街", "西街", "巷", "大道"]


def check_char(prefix17: str) -> str:
    s = sum(VALUE[c] * w for c, w in zip(prefix17, WEIGHTS))
    return CHARSET[(31 - s % 31) % 31]


def base31(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 31)
        out.append(CHARSET[r])
    return "".join(reversed(out))


M9 = 31 ** 9
A9 = 7_919_003_627  # coprime with 31: i -> (A9*i + B9) mod 31^9 is a bijection
B9 = 123_456_789_012


def body9(index: int) -> str:
    """Positions 9-17: unique per row index, spread over the alphabet."""
    return base31((A9 * index + B9) % M9, 9)


class Weighted:
    """Fast weighted choice over a fixed list (cumulative weights + bisect)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def zipf(items, s=1.0):
    return Weighted(items, [1.0 / (k + 1) ** s for k in range(len(items))])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("count", type=int)
    ap.add_argument("output")
    ap.add_argument("--seed", type=int, default=20260404)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    districts = Weighted(DISTRICTS, [d[3] for d in DISTRICTS])
    categories = Weighted(list(CATEGORIES), [v[0] for v in CATEGORIES.values()])
    prefixes = Weighted([p for p, _ in CITY_PREFIXES], [w for _, w in CITY_PREFIXES])
    words = zipf(WORDS, 0.9)
    chars = zipf(CHARS, 0.8)
    surnames = zipf(SURNAMES, 0.9)
    given = zipf(GIVEN, 0.6)
    roads = zipf(ROAD_WORDS, 0.7)

    def brand() -> str:
        r = rng.random()
        if r < 0.45:
            return words.pick(rng)
        if r < 0.85:
            return chars.pick(rng) + chars.pick(rng)
        return words.pick(rng) + chars.pick(rng)

    def licence(style: str, district: str, year: int) -> str:
        if rng.random() < 0.45:
            return ""
        n = rng.randrange(1, 10_000)
        if style == "net" or style == "ent":
            return f"{district}{rng.randrange(100000, 999999)}"
        if style == "online":
            return f"宁网文〔{year}〕{n:04d}-{rng.randrange(1, 1000):03d}号"
        if style == "travel":
            return f"L-NX-{n:05d}"
        if style in ("venue", "troupe", "agency"):
            return f"{district}{rng.randrange(1, 4)}2{n:06d}"
        if style == "art":
            return f"宁艺备〔{year}〕{n:04d}号"
        return f"宁文旅〔{year}〕{n:04d}号"

    written = xingguang = xingguang_wangba = 0
    with open(args.output, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(args.count):
            dcode, dname, dshort, _ = districts.pick(rng)
            category = categories.pick(rng)
            _, suffixes, trades, style = CATEGORIES[category]
            # Rows chosen for 星光: about 0.1 %, a third of them 星光网吧.
            star = rng.random() < 0.001
            if star and rng.random() < 0.35:
                category = "互联网上网服务营业场所"
                _, suffixes, trades, style = CATEGORIES[category]
                suffix, p_individual = ("网吧", 0.8)
            else:
                suffix, p_individual = suffixes[rng.randrange(len(suffixes))]
            for _attempt in range(50):
                prefix = prefixes.pick(rng).replace("{district}", dname)
                if star:
                    b = "星光" if rng.random() < 0.7 else rng.choice(["星光", "新星光", "星光灿烂", "星光大道"])
                    trade = "" if suffix == "网吧" else rng.choice(trades)
                else:
                    b = brand()
                    trade = rng.choice(trades)
                if trade and trade in suffix:
                    trade = ""
                branch = f"（{dshort}店）" if rng.random() < 0.04 and "公司" not in suffix else ""
                name = f"{prefix}{b}{trade}{suffix}{branch}"
                if len(name) < 8 and star:
                    # keep 星光 next to the suffix (星光网吧): pad in front
                    name = f"{rng.choice(['宁夏银川', '银川市' + dname, '宁夏' + dname])}{b}{trade}{suffix}{branch}"
                elif len(name) < 8:
                    name = f"{'宁夏' if prefix == '' else ''}{prefix}{b}{rng.choice(['文化', '休闲', '时代', '连锁'])}{suffix}{branch}"
                if not 8 <= len(name) <= 16:
                    continue
                if ("星光" in name) != star:
                    continue
                break
            else:
                print(f"row {i}: no name fits, last {name!r}", file=sys.stderr)
                return 1
            if star:
                xingguang += 1
                xingguang_wangba += "星光网吧" in name
            head = "92" if rng.random() < p_individual else "91"
            prefix17 = head + dcode + body9(i)
            code = prefix17 + check_char(prefix17)
            kind = "个体工商户" if head == "92" else "法人及非法人组织"
            address = f"{dname}{roads.pick(rng)}{rng.choice(ROAD_KINDS)}{rng.randrange(1, 400)}号"
            if rng.random() < 0.3:
                address += f"{rng.randrange(1, 30)}号楼{rng.randrange(1, 6)}{rng.randrange(1, 3):02d}室"
            person = surnames.pick(rng) + "".join(given.pick(rng) for _ in range(1 if rng.random() < 0.35 else 2))
            lic = licence(style, dcode, rng.randrange(2015, 2026))
            w.writerow([code, name, kind, category, dcode, address, person, lic, "存续"])
            written += 1
    print(f"{written} rows written to {args.output}; 星光 in {xingguang}, 星光网吧 in {xingguang_wangba}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
