#!/usr/bin/env python3
"""Re-derive gongshi's working-day calendar seeds and check them.

The seeds under seeds/calendar/ are plain data read by gongshi's own loader. This script
is for people who review them; the build and the tests do not need it.

    pip install chinesecalendar lunar-python
    python3 scripts/calendar_crosscheck.py            # check only; exit 0 when all agree
    python3 scripts/calendar_crosscheck.py --write    # regenerate the seed files, then check

Sources:
  * chinesecalendar (MIT; https://github.com/LKI/chinese-calendar). Its data module
    `chinese_calendar.constants` holds the State Council's yearly 部分节假日安排 notices from
    2004 on, as `holidays` and `workdays` dicts. Gives the national layer seeds/calendar/CN/YYYY.csv.
  * lunar-python (MIT; https://github.com/6tail/lunar-python). Gives the lunar-calendar table
    seeds/calendar/lunar_festivals.csv: 除夕, 正月初一, 清明 solar term, 端午, 中秋.
  * The 宁夏 rows (seeds/calendar/CN-NX/) are not in any package. They are typed in below
    from the project's reference notes (regulations.md §7.4), and this script only checks
    the files against that table and against the national layer.

Checks: every file equals what this script derives byte for byte; format (header, UTF-8 without
BOM, LF, sorted, no date twice, dates in the file's year, known kinds and names, 调休 working days
fall on a Saturday or Sunday); the working/non-working status of every day 2007-2026 agrees with
chinesecalendar's own is_workday(); 2025 and 2026 equal the notices quoted in regulations.md §7.2;
248 working days in 2025 and in 2026; the lunar festivals fall inside the right holiday blocks in
2007-2026; 2027 lunar dates; 清明 also agrees with chinesecalendar's solar-term formula (2007-2099).
"""

import argparse
import datetime as dt
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path

try:
    import chinese_calendar
    from chinese_calendar import constants as cc
except ImportError:  # pragma: no cover
    sys.exit("calendar_crosscheck: needs chinesecalendar (pip install chinesecalendar)")
try:
    from lunar_python import Lunar
except ImportError:  # pragma: no cover
    sys.exit("calendar_crosscheck: needs lunar-python (pip install lunar-python)")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "calendar"

FIRST_YEAR, LAST_YEAR = 2007, 2026  # national layer shipped
LUNAR_LAST_YEAR = 2100  # lunar_festivals.csv covers FIRST_YEAR..LUNAR_LAST_YEAR

HEADER = "date,kind,name,source"
LUNAR_HEADER = "year,chuxi,chunjie,qingming,duanwu,zhongqiu"
HOLIDAY, WORKDAY = "holiday", "adjusted_workday"

# chinesecalendar Holiday member name -> the name written in the seed files.
NAMES = {
    "new_years_day": "元旦",
    "spring_festival": "春节",
    "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节",
    "dragon_boat_festival": "端午节",
    "mid_autumn_festival": "中秋节",
    "national_day": "国庆节",
    "anti_fascist_70th_day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
# A 国庆节 block that contains 中秋 (2009, 2012, 2017, 2020, 2023, 2025 here) is one block
# with one name, for its holidays and its 调休 working days alike.
MERGED = "国庆节、中秋节"
NATIONAL_NAMES = set(NAMES.values()) | {MERGED}


def notice(year):
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


ANTI_FASCIST_NOTICE = "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知（国发明电〔2015〕1号）"
LABOUR_2019_NOTICE = "国务院办公厅关于调整2019年劳动节假期安排的通知（国办发明电〔2019〕3号）"
SPRING_2020_EXTENSION = "国务院办公厅关于延长2020年春节假期的通知（国办发明电〔2020〕1号）"
SPRING_2020_EXTENDED_DAYS = {dt.date(2020, 1, 31), dt.date(2020, 2, 1), dt.date(2020, 2, 2)}

# 宁夏 (CN-NX): the extra regional days only, from regulations.md §7.4. Days already national
# holidays are left out (2022's 开斋节 lies inside the national 劳动节 block 4/30-5/4).
# The entry regulations.md gives as "2018" (宁政办发〔2018〕137号: 开斋节 6/5-6/6, 古尔邦节
# 8/12-8/13) is held back: those are the 2019 dates (Eid al-Fitr 2018 was 15 June, Eid al-Adha
# 21 August; in 2019 4 June and 11 August), so it is most likely the notice for 2019. See README.
NX_NOTICE = "宁夏回族自治区人民政府办公厅关于{}年部分节假日安排的通知"
NX_DAYS = {
    2020: [("开斋节", "2020-05-25"), ("开斋节", "2020-05-26"),
           ("古尔邦节", "2020-07-30"), ("古尔邦节", "2020-07-31")],
    2021: [("开斋节", "2021-05-13"), ("开斋节", "2021-05-14"),
           ("古尔邦节", "2021-07-19"), ("古尔邦节", "2021-07-20")],
    2022: [("古尔邦节", "2022-07-11"), ("古尔邦节", "2022-07-12")],
}
NX_NAMES = {"开斋节", "古尔邦节"}


def _span(a, b):
    a, b = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    return {a + dt.timedelta(days=i) for i in range((b - a).days + 1)}


def _days(*iso):
    return {dt.date.fromisoformat(x) for x in iso}


# regulations.md §7.2, the 2025 and 2026 notices as quoted: name -> (holidays, 调休 working days).
QUOTED = {
    2025: {
        "元旦": (_days("2025-01-01"), set()),
        "春节": (_span("2025-01-28", "2025-02-04"), _days("2025-01-26", "2025-02-08")),
        "清明节": (_span("2025-04-04", "2025-04-06"), set()),
        "劳动节": (_span("2025-05-01", "2025-05-05"), _days("2025-04-27")),
        "端午节": (_span("2025-05-31", "2025-06-02"), set()),
        MERGED: (_span("2025-10-01", "2025-10-08"), _days("2025-09-28", "2025-10-11")),
    },
    2026: {
        "元旦": (_span("2026-01-01", "2026-01-03"), _days("2026-01-04")),
        "春节": (_span("2026-02-15", "2026-02-23"), _days("2026-02-14", "2026-02-28")),
        "清明节": (_span("2026-04-04", "2026-04-06"), set()),
        "劳动节": (_span("2026-05-01", "2026-05-05"), _days("2026-05-09")),
        "端午节": (_span("2026-06-19", "2026-06-21"), set()),
        "中秋节": (_span("2026-09-25", "2026-09-27"), set()),
        "国庆节": (_span("2026-10-01", "2026-10-07"), _days("2026-09-20", "2026-10-10")),
    },
}
QUOTED_WORKING_DAYS = {2025: 248, 2026: 248}
LUNAR_2027 = {"chunjie": "2027-02-06", "qingming": "2027-04-05",
              "duanwu": "2027-06-09", "zhongqiu": "2027-09-15"}

ONE = dt.timedelta(days=1)


def is_weekend(d):
    return d.weekday() >= 5


# ---------------------------------------------------------------- lunar table

def _solar(s):
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


def lunar_row(year):
    chunjie = _solar(Lunar.fromYmd(year, 1, 1).getSolar())
    qingming = _solar(Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"])
    assert qingming.year == year, (year, qingming)
    return {
        "year": year,
        "chuxi": chunjie - ONE,  # the day before 正月初一 is the last day of the old lunar year
        "chunjie": chunjie,
        "qingming": qingming,
        "duanwu": _solar(Lunar.fromYmd(year, 5, 5).getSolar()),  # month 5, not a leap 5th month
        "zhongqiu": _solar(Lunar.fromYmd(year, 8, 15).getSolar()),
    }


def render_lunar():
    lines = [LUNAR_HEADER]
    for y in range(FIRST_YEAR, LUNAR_LAST_YEAR + 1):
        r = lunar_row(y)
        lines.append(",".join([str(y)] + [r[k].isoformat() for k in LUNAR_HEADER.split(",")[1:]]))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- national layer

def _cc_name(value):
    return NAMES[chinese_calendar.Holiday(value).name]


def derive_national():
    """date -> (kind, name, source) for every dated row FIRST_YEAR..LAST_YEAR; also the filled days."""
    lo, hi = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    listed = {d: _cc_name(v) for d, v in cc.holidays.items()}
    working = {d: _cc_name(v) for d, v in cc.workdays.items()}
    overlap = set(listed) & set(working)
    if overlap:
        raise SystemExit(f"chinesecalendar lists days as both holiday and workday: {sorted(overlap)}")

    # The notices list some blocks as "X月X日放假，与周末连休" (or "放假公休，共3天") and name only
    # the weekday. The adjoining Saturday/Sunday is part of that festival's block: walk from each
    # listed weekday holiday over the plain weekend days next to it. Weekend days next to a listed
    # *weekend* holiday are not added (2015-04-04, 2015-09-26, 2016-04-30, 2016-12-31): those
    # notices name only the listed days.
    filled = {}
    for d, name in listed.items():
        if is_weekend(d):
            continue
        for step in (ONE, -ONE):
            e = d + step
            while is_weekend(e) and e not in listed and e not in working:
                if filled.get(e, name) != name:
                    raise SystemExit(f"{e} adjoins two festivals: {filled[e]} and {name}")
                filled[e] = name
                e += step
    days_off = {**listed, **filled}

    # 国庆节 blocks that contain the lunar 中秋 day take the merged name.
    merged_years = set()
    for y in range(FIRST_YEAR, LAST_YEAR + 1):
        oct1 = dt.date(y, 10, 1)
        if days_off.get(oct1) not in ("国庆节", "中秋节"):
            continue
        start = end = oct1
        while start - ONE in days_off:
            start -= ONE
        while end + ONE in days_off:
            end += ONE
        if start <= lunar_row(y)["zhongqiu"] <= end:
            merged_years.add(y)
            for d in _span(start.isoformat(), end.isoformat()):
                if days_off[d] in ("国庆节", "中秋节"):
                    days_off[d] = MERGED
    for d, name in list(working.items()):
        if d.year in merged_years and name in ("国庆节", "中秋节"):
            working[d] = MERGED

    def source(d, name):
        if name == NAMES["anti_fascist_70th_day"]:
            return ANTI_FASCIST_NOTICE
        if d in SPRING_2020_EXTENDED_DAYS:
            return SPRING_2020_EXTENSION
        if d.year == 2019 and name == "劳动节":
            return LABOUR_2019_NOTICE
        # A 元旦 block can start in the December before; that day is in the next year's notice.
        return notice(d.year + 1 if name == "元旦" and d.month == 12 else d.year)

    rows = {}
    for d, name in days_off.items():
        if lo <= d <= hi:
            rows[d] = (HOLIDAY, name, source(d, name))
    for d, name in working.items():
        if lo <= d <= hi:
            rows[d] = (WORKDAY, name, source(d, name))
    return rows, {d: n for d, n in filled.items() if lo <= d <= hi}, sorted(merged_years)


def render_rows(rows):
    lines = [HEADER] + [f"{d.isoformat()},{k},{n},{s}" for d, (k, n, s) in sorted(rows.items())]
    return "\n".join(lines) + "\n"


def derive_nx():
    out = {}
    for y, days in NX_DAYS.items():
        out[y] = {dt.date.fromisoformat(d): (HOLIDAY, n, NX_NOTICE.format(y)) for n, d in days}
    return out


# ---------------------------------------------------------------- checks

class Report:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
        return ok


def read_text(path, rep):
    if not rep.check(path.is_file(), f"{path.relative_to(ROOT)}: missing"):
        return None
    raw = path.read_bytes()
    rel = path.relative_to(ROOT)
    rep.check(not raw.startswith(b"\xef\xbb\xbf"), f"{rel}: starts with a BOM")
    rep.check(b"\r" not in raw, f"{rel}: has CR characters (want LF only)")
    rep.check(raw.endswith(b"\n"), f"{rel}: no final newline")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        rep.check(False, f"{rel}: not UTF-8 ({e})")
        return None


def parse_calendar(path, year, names, rep):
    """Checks one date,kind,name,source file on its own; returns date -> (kind, name, source)."""
    text = read_text(path, rep)
    if text is None:
        return {}
    rel = path.relative_to(ROOT)
    lines = text.split("\n")[:-1]
    rep.check(lines[:1] == [HEADER], f"{rel}: header is {lines[:1]}, want {HEADER!r}")
    rows, prev = {}, None
    for i, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        if not rep.check(len(cells) == 4, f"{rel}:{i}: want 4 fields: {line!r}"):
            continue
        ds, kind, name, src = cells
        try:
            d = dt.date.fromisoformat(ds)
        except ValueError:
            rep.check(False, f"{rel}:{i}: bad date {ds!r}")
            continue
        rep.check(ds == d.isoformat(), f"{rel}:{i}: date not in YYYY-MM-DD form: {ds!r}")
        rep.check(d.year == year, f"{rel}:{i}: {ds} is not in {year}")
        rep.check(d not in rows, f"{rel}:{i}: {ds} appears twice")
        rep.check(prev is None or d > prev, f"{rel}:{i}: {ds} out of order")
        rep.check(kind in (HOLIDAY, WORKDAY), f"{rel}:{i}: unknown kind {kind!r}")
        rep.check(name in names, f"{rel}:{i}: unknown or empty name {name!r}")
        rep.check(bool(src.strip()), f"{rel}:{i}: empty source")
        if kind == WORKDAY:
            rep.check(is_weekend(d), f"{rel}:{i}: adjusted_workday {ds} is not a Saturday or Sunday")
        rows[d], prev = (kind, name, src), d
    return rows


def compare_text(path, want, rep):
    rel = path.relative_to(ROOT)
    have = path.read_bytes().decode("utf-8", "replace") if path.is_file() else ""
    if have == want:
        rep.check(True, "")
        return
    hs, ws = set(have.split("\n")), set(want.split("\n"))
    missing = [l for l in want.split("\n") if l and l not in hs]
    extra = [l for l in have.split("\n") if l and l not in ws]
    detail = "; ".join([f"missing {l!r}" for l in missing[:5]] + [f"unexpected {l!r}" for l in extra[:5]])
    more = len(missing) + len(extra) - min(len(missing), 5) - min(len(extra), 5)
    rep.check(False, f"{rel}: differs from the re-derived data: {detail}"
                     + (f" (and {more} more)" if more > 0 else ""))


def _version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _year_of(path):
    return int(path.stem) if path.stem.isdigit() else None


def is_working(d, rows):
    kind = rows.get(d, (None,))[0]
    return kind == WORKDAY or (kind is None and not is_weekend(d))


def compare_working_days(year, rows, rep):
    """Every day of the year: working per the file == working per chinesecalendar.is_workday()."""
    d = dt.date(year, 1, 1)
    while d.year == year:
        mine = is_working(d, rows)
        rep.check(mine == chinese_calendar.is_workday(d),
                  f"CN/{year}.csv: {d} is {'a working' if mine else 'not a working'} day, "
                  f"chinesecalendar says the opposite")
        d += ONE


def working_days(year, rows):
    first = dt.date(year, 1, 1)
    return sum(is_working(first + dt.timedelta(days=i), rows)
               for i in range((dt.date(year + 1, 1, 1) - first).days))


def run(write):
    rep = Report()
    national, filled, merged_years = derive_national()
    nx = derive_nx()
    by_year = defaultdict(dict)
    for d, row in national.items():
        by_year[d.year][d] = row

    if write:
        (SEEDS / "CN").mkdir(parents=True, exist_ok=True)
        (SEEDS / "CN-NX").mkdir(parents=True, exist_ok=True)
        for y in range(FIRST_YEAR, LAST_YEAR + 1):
            (SEEDS / "CN" / f"{y}.csv").write_bytes(render_rows(by_year[y]).encode("utf-8"))
        for y, rows in nx.items():
            (SEEDS / "CN-NX" / f"{y}.csv").write_bytes(render_rows(rows).encode("utf-8"))
        (SEEDS / "lunar_festivals.csv").write_bytes(render_lunar().encode("utf-8"))

    # National layer: exact content, file-level sanity, and an independent day-by-day comparison.
    counts = {}
    files = {}
    for y in range(FIRST_YEAR, LAST_YEAR + 1):
        path = SEEDS / "CN" / f"{y}.csv"
        rows = parse_calendar(path, y, NATIONAL_NAMES, rep)
        files[y] = rows
        if path.is_file():
            compare_text(path, render_rows(by_year[y]), rep)
        compare_working_days(y, rows, rep)
        d = dt.date(y, 1, 1)
        while d.year == y:
            kind = rows.get(d, (None,))[0]
            if d in cc.holidays:
                rep.check(kind == HOLIDAY, f"CN/{y}.csv: chinesecalendar holiday {d} is not a holiday row")
            if d in cc.workdays:
                rep.check(kind == WORKDAY, f"CN/{y}.csv: chinesecalendar workday {d} is not an adjusted_workday row")
            if kind == HOLIDAY and d not in cc.holidays:
                rep.check(is_weekend(d), f"CN/{y}.csv: holiday {d} is neither in chinesecalendar nor a weekend")
            d += ONE
        counts[y] = working_days(y, rows)

    # 2025 and 2026 against the notices quoted in regulations.md §7.2.
    for y, blocks in QUOTED.items():
        rows = files.get(y, {})
        for name, (hols, works) in blocks.items():
            have_h = {d for d, (k, n, _) in rows.items() if k == HOLIDAY and n == name}
            have_w = {d for d, (k, n, _) in rows.items() if k == WORKDAY and n == name}
            rep.check(have_h == hols, f"CN/{y}.csv: {name} holidays {sorted(map(str, have_h))}, "
                                      f"notice says {sorted(map(str, hols))}")
            rep.check(have_w == works, f"CN/{y}.csv: {name} working days {sorted(map(str, have_w))}, "
                                       f"notice says {sorted(map(str, works))}")
        quoted_days = set().union(*(h | w for h, w in blocks.values()))
        # December rows from the next year's notice (a 元旦 block) are allowed on top.
        others = [d for d, (_, _, s) in rows.items() if d not in quoted_days and s == notice(y)]
        rep.check(not others, f"CN/{y}.csv: rows the quoted notice does not have: {sorted(map(str, others))}")
        rep.check(all(s == notice(y) for d, (_, _, s) in rows.items() if d in quoted_days),
                  f"CN/{y}.csv: a row of the {y} notice names another source")
        rep.check(counts.get(y) == QUOTED_WORKING_DAYS[y],
                  f"CN/{y}.csv: {counts.get(y)} working days, regulations.md says {QUOTED_WORKING_DAYS[y]}")

    # Lunar table: exact content, 2027, 清明 against chinesecalendar's formula, festivals in blocks.
    lunar_path = SEEDS / "lunar_festivals.csv"
    text = read_text(lunar_path, rep)
    if text is not None:
        rep.check(text.split("\n", 1)[0] == LUNAR_HEADER, f"lunar_festivals.csv: header is not {LUNAR_HEADER!r}")
        compare_text(lunar_path, render_lunar(), rep)
    r27 = lunar_row(2027)
    for k, v in LUNAR_2027.items():
        rep.check(r27[k].isoformat() == v, f"lunar 2027 {k}: {r27[k]}, want {v}")
    for y in range(FIRST_YEAR, LUNAR_LAST_YEAR):  # chinesecalendar's formula is for 1900-2099 only
        terms = chinese_calendar.get_solar_terms(dt.date(y, 4, 1), dt.date(y, 4, 30))
        qm = [d for d, n in terms if n == "清明"]
        rep.check(qm == [lunar_row(y)["qingming"]],
                  f"清明 {y}: lunar-python {lunar_row(y)['qingming']}, chinesecalendar {qm}")
    for y in range(FIRST_YEAR, LAST_YEAR + 1):
        r, rows = lunar_row(y), files.get(y, {})
        wanted = [("chunjie", {"春节"})]
        if y >= 2008:  # 清明, 端午, 中秋 are public holidays from 2008 on
            wanted += [("qingming", {"清明节"}), ("duanwu", {"端午节"}), ("zhongqiu", {"中秋节", MERGED})]
        for key, names in wanted:
            kind, name, _ = rows.get(r[key], (None, None, None))
            rep.check(kind == HOLIDAY and name in names,
                      f"CN/{y}.csv: {key} {r[key]} is {kind}/{name}, want a {'/'.join(sorted(names))} holiday")

    # 宁夏 layer: exact content, sanity, no overlap with national holidays.
    for y, rows in nx.items():
        path = SEEDS / "CN-NX" / f"{y}.csv"
        parse_calendar(path, y, NX_NAMES, rep)
        if path.is_file():
            compare_text(path, render_rows(rows), rep)
        for d in rows:
            rep.check(files.get(y, {}).get(d, (None,))[0] != HOLIDAY,
                      f"CN-NX/{y}.csv: {d} is already a national holiday")
    # Files added later by hand (a new year's notice) get the format checks, and the day-by-day
    # comparison where the installed chinesecalendar already has that year.
    notes = []
    cc_last = max(cc.holidays).year
    for region, known, names in (("CN", set(range(FIRST_YEAR, LAST_YEAR + 1)), NATIONAL_NAMES),
                                 ("CN-NX", set(nx), NX_NAMES)):
        folder = SEEDS / region
        for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
            y = _year_of(path)
            if not rep.check(y is not None, f"{region}/{path.name}: file name is not YYYY.csv"):
                continue
            if y in known:
                continue
            rows = parse_calendar(path, y, names, rep)
            if region == "CN" and y <= cc_last:
                compare_working_days(y, rows, rep)
                notes.append(f"{region}/{path.name}: format and working days checked; "
                             f"add the year to this script to check it fully")
            else:
                notes.append(f"{region}/{path.name}: format checked only (no reference data here)")

    # Report.
    print(f"chinesecalendar {_version('chinesecalendar')}, lunar-python {_version('lunar-python')}")
    print("merged 国庆节、中秋节 blocks:", ", ".join(map(str, merged_years)))
    print("weekend days added to a 与周末连休 block:",
          ", ".join(f"{d}({n})" for d, n in sorted(filled.items())))
    print("working days per year (national layer):")
    ys = sorted(counts)
    for i in range(0, len(ys), 10):
        print("  " + "  ".join(f"{y}:{counts[y]}" for y in ys[i:i + 10]))
    for n in notes:
        print("NOTE:", n)
    for f in rep.failures:
        print("MISMATCH:", f)
    print(f"checks: {rep.passed} passed, {len(rep.failures)} failed")
    return 1 if rep.failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="regenerate the seed files before checking")
    return run(ap.parse_args().write)


if __name__ == "__main__":
    sys.exit(main())
