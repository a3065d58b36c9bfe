#!/usr/bin/env python3
"""An independent verifier of gongshi draws (algorithm gongshi-draw/1), standard library only.

Written from api-spec/draw-verification.md, not from gongshi's code.

    python3 verifier/verify_draw.py rfc3797 --pool-size 25 --picks 10 9319 2,5,12,8,10 9,18,26,34,41,45
        prints {"key": …, "picks": […]} as POST /api/v1/public/draws/rfc3797 answers
    python3 verifier/verify_draw.py bundle BUNDLE.json [--announced PLAN.json]
        recomputes a published bundle and, with --announced, checks its inputs against the public
        plan saved after the announcement; prints "match" (exit 0) or the first difference (exit 1)
"""

import argparse
import hashlib
import json
import sys

ALGORITHM = "gongshi-draw/1"


def key_of(sources):
    """Each source's integers ascending, each followed by '.', each source closed by '/'."""
    if not sources:
        raise ValueError("at least one source is needed")
    out = []
    for values in sources:
        if not values:
            raise ValueError("a source has no values")
        if any((not isinstance(v, int)) or v < 0 for v in values):
            raise ValueError("source values are non-negative integers")
        out.append("".join(f"{v}." for v in sorted(values)) + "/")
    return "".join(out)


def select(key, n, k):
    """RFC 3797: k picks from a pool of n, each (index, md5, divisor, remainder, position)."""
    if k > n or k > 65536:
        raise ValueError(f"{k} picks from a pool of {n}")
    remaining = list(range(1, n + 1))  # plain list: clarity over speed
    picks = []
    for i in range(k):
        b = i.to_bytes(2, "big")
        digest = hashlib.md5(b + key.encode("ascii") + b).digest()
        d = len(remaining)
        r = int.from_bytes(digest, "big") % d
        picks.append({"index": i + 1, "md5": digest.hex().upper(), "divisor": d,
                      "remainder": r, "position": remaining.pop(r)})
    return picks


def snapshot_sha256(codes):
    return hashlib.sha256("".join(c + "\n" for c in codes).encode("ascii")).hexdigest()


def stage2_text(stage2, team_size, load_cap, codes):
    """The canonical text of the team stage's inputs (draw-verification.md section 5a)."""
    lines = ["gongshi-stage2/1", f"team_size {team_size}",
             "load_cap none" if load_cap is None else f"load_cap {load_cap}"]
    for c in stage2["categories"]:
        lines.append(f"category {c['code']} {c['parent'] or '-'}")
    for i in stage2["inspectors"]:
        fields = ",".join(i["fields"]) or "-"
        lines.append(f"inspector {i['certificate_no']} {i['status']} {i['valid_from']} {i['valid_to']} {fields}")
    lines += [avoid_line(a) for a in stage2["avoidances"]]
    for code, category in zip(codes, stage2["member_categories"]):
        lines.append(f"member {code} {category}")
    return "".join(line + "\n" for line in lines)


def avoid_line(a):
    if ("category" in a) == ("credit_code" in a):
        raise Mismatch(f"stage2 avoidance {a!r}: exactly one of category and credit_code")
    if "category" in a:
        return f"avoid {a['certificate_no']} category {a['category']}"
    return f"avoid {a['certificate_no']} entity {a['credit_code']}"


def strictly_ascending(what, items):
    for a, b in zip(items, items[1:]):
        if a.encode() >= b.encode():
            raise Mismatch(f"stage2 {what}: {b!r} after {a!r} (strictly ascending byte order)")


def lineage(parents, code):
    """The category and its ancestors, most specific first (a cycle stops)."""
    out = [code]
    while parents.get(out[-1]) and parents[out[-1]] not in out:
        out.append(parents[out[-1]])
    return out


def eligibility_lists(b, key_picks, team_size, cap):
    """Each drawn entity's eligibility list from the stage-2 inputs, in pick order (section 5).

    The conditions that depend only on the category (status, validity on the draw date, a field
    covering it, no 回避 with it or an ancestor) are evaluated once per category; the 回避 with the
    entity and the load cap per entity."""
    stage2, codes = b["stage2"], b["snapshot"]["credit_codes"]
    parents = {c["code"]: c["parent"] for c in stage2["categories"]}
    category_of = dict(zip(codes, stage2["member_categories"]))
    avoid_cat, avoid_ent = set(), {}
    for a in stage2["avoidances"]:
        if "category" in a:
            avoid_cat.add((a["certificate_no"], a["category"]))
        else:
            avoid_ent.setdefault(a["credit_code"], set()).add(a["certificate_no"])
    day = b["plan"]["draw_date"]  # ISO dates compare as text
    qualified = {}
    load, lists = {}, []
    for j, (entity, team) in enumerate(zip(key_picks, b["teams"]), start=1):
        category = category_of[entity["credit_code"]]
        if category not in qualified:
            line = lineage(parents, category)
            qualified[category] = [
                i["certificate_no"] for i in stage2["inspectors"]
                if i["status"] == "active" and i["valid_from"] <= day <= i["valid_to"]
                and any(f in line for f in i["fields"])
                and not any((i["certificate_no"], k) in avoid_cat for k in line)]
        avoiding = avoid_ent.get(entity["credit_code"], ())
        listed = [c for c in qualified[category]
                  if c not in avoiding and (cap is None or load.get(c, 0) < cap)]
        if len(listed) < team_size:
            raise Mismatch(f"team {j} eligible (from the stage-2 inputs): published {team['eligible']!r}, "
                           f"recomputed {len(listed)} eligible, fewer than the team size {team_size}")
        lists.append(listed)
        for c in team["inspectors"]:
            load[c] = load.get(c, 0) + 1
    return lists


class Mismatch(Exception):
    pass


def expect(what, published, recomputed, against="recomputed"):
    if published != recomputed:
        raise Mismatch(f"{what}: published {published!r}, {against} {recomputed!r}")


def verify_bundle(b):
    expect("algorithm", b.get("algorithm"), ALGORITHM)
    snap = b["snapshot"]
    codes = snap["credit_codes"]
    expect("snapshot.size", snap["size"], len(codes))
    expect("snapshot order", codes, sorted(codes))
    expect("snapshot.sha256", snap["sha256"], snapshot_sha256(codes))
    plan = b["plan"]
    team_size, cap = plan["team_size"], plan.get("load_cap")
    stage2 = b["stage2"]
    strictly_ascending("categories", [c["code"] for c in stage2["categories"]])
    strictly_ascending("inspectors", [i["certificate_no"] for i in stage2["inspectors"]])
    for i in stage2["inspectors"]:
        strictly_ascending(f"inspector {i['certificate_no']} fields", i["fields"])
    strictly_ascending("avoidances", [avoid_line(a) for a in stage2["avoidances"]])
    expect("stage2.member_categories (one per snapshot code)", len(stage2["member_categories"]), len(codes))
    if stage2["sha256"] is not None:
        text = stage2_text(stage2, team_size, cap, codes)
        expect("stage2.sha256", stage2["sha256"], hashlib.sha256(text.encode("ascii")).hexdigest())
    latest = max(s["available_on"] for s in b["sources"])
    if plan["draw_date"] < latest:
        raise Mismatch(f"plan.draw_date: published {plan['draw_date']!r}, recomputed on or after {latest!r}")
    key = key_of([s["values"] for s in b["sources"]])
    expect("key", b["key"], key)
    picks = select(key, len(codes), len(b["entity_picks"]))
    for published, mine in zip(b["entity_picks"], picks):
        mine = dict(mine, credit_code=codes[mine["position"] - 1])
        expect(f"entity pick {mine['index']}", published, mine)
    teams = b["teams"]
    expect("number of teams", len(teams), len(picks))
    lists = eligibility_lists(b, b["entity_picks"], team_size, cap)
    load = {}
    for j, (team, entity) in enumerate(zip(teams, b["entity_picks"]), start=1):
        expect(f"team {j} pick", team["pick"], j)
        expect(f"team {j} entity", team["credit_code"], entity["credit_code"])
        tkey = f"{key}inspectors:{j}/"
        expect(f"team {j} key", team["key"], tkey)
        eligible = team["eligible"]
        expect(f"team {j} eligibility order", eligible, sorted(eligible, key=lambda c: c.encode()))
        if cap is not None:
            full = [c for c in eligible if load.get(c, 0) >= cap]
            expect(f"team {j}: inspectors at the load cap on the list", full, [])
        expect(f"team {j} eligible (from the stage-2 inputs)", eligible, lists[j - 1])
        mine = select(tkey, len(eligible), team_size)
        for published, m in zip(team["picks"], mine):
            m = dict(m, certificate_no=eligible[m["position"] - 1])
            expect(f"team {j} pick {m['index']}", published, m)
        expect(f"team {j} picks", len(team["picks"]), len(mine))
        members = [eligible[m["position"] - 1] for m in mine]
        expect(f"team {j} inspectors", team["inspectors"], members)
        for c in members:
            load[c] = load.get(c, 0) + 1


def verify_announced(b, a):
    """The bundle's inputs against the public plan saved after its announcement."""
    def same(what, published, announced):
        expect(what, published, announced, against="announced")

    def listed(what, in_bundle, in_announcement):
        if in_bundle != in_announcement:
            word = {True: "listed", False: "absent"}
            raise Mismatch(f"{what}: published {word[in_bundle]}, announced {word[in_announcement]}")
    same("plan.id", b["plan"]["id"], a["id"])
    if not a.get("snapshot"):
        raise Mismatch("announcement: the saved plan page has no snapshot (save it after the announcement)")
    same("plan.team_size", b["plan"]["team_size"], a["team_size"])
    same("plan.load_cap", b["plan"].get("load_cap"), a.get("load_cap"))
    same("number of entity picks (the announced sample)", len(b["entity_picks"]), a.get("sample"))
    same("number of sources", len(b["sources"]), len(a["random_sources"]))
    for i, (s, t) in enumerate(zip(b["sources"], a["random_sources"]), start=1):
        same(f"source {i} description", s["description"], t["description"])
        same(f"source {i} available_on", s["available_on"], t["available_on"])
    same("snapshot.size", b["snapshot"]["size"], a["snapshot"]["size"])
    same("snapshot.sha256", b["snapshot"]["sha256"], a["snapshot"]["sha256"])
    if a.get("stage2_sha256") is None:
        raise Mismatch("stage2.sha256: the plan was announced without a stage-2 commitment")
    roster = a.get("frozen_roster")
    if roster is not None:
        mine = {c["code"]: c["parent"] for c in b["stage2"]["categories"]}
        theirs = {c["code"]: c["parent"] for c in roster["categories"]}
        for code in sorted(set(mine) | set(theirs)):
            listed(f"stage2 category {code}", code in mine, code in theirs)
            same(f"stage2 category {code} parent", mine[code], theirs[code])
        mine = {i["certificate_no"]: i for i in b["stage2"]["inspectors"]}
        theirs = {i["certificate_no"]: i for i in roster["inspectors"]}
        for cert in sorted(set(mine) | set(theirs), key=str.encode):
            listed(f"stage2 inspector {cert}", cert in mine, cert in theirs)
            for field in ("status", "valid_from", "valid_to", "fields"):
                same(f"stage2 inspector {cert} {field}", mine[cert][field], theirs[cert][field])
        mine = {avoid_line(x) for x in b["stage2"]["avoidances"]}
        theirs = {avoid_line(x) for x in roster["avoidances"]}
        for line in sorted(mine ^ theirs):
            listed(f'stage2 回避 "{line}"', line in mine, line in theirs)
    same("stage2.sha256", b["stage2"]["sha256"], a["stage2_sha256"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("rfc3797", help="recompute an RFC 3797 selection")
    r.add_argument("--pool-size", type=int, required=True)
    r.add_argument("--picks", type=int, required=True)
    r.add_argument("sources", nargs="+", help="one source per argument, values separated by commas")
    v = sub.add_parser("bundle", help="verify a published bundle")
    v.add_argument("file")
    v.add_argument("--announced", help="the public plan saved after its announcement")
    args = ap.parse_args()
    if args.command == "rfc3797":
        sources = [[int(x) for x in s.split(",") if x] for s in args.sources]
        key = key_of(sources)
        print(json.dumps({"key": key, "picks": select(key, args.pool_size, args.picks)}))
        return 0
    with open(args.file, encoding="utf-8") as f:
        bundle = json.load(f)
    announced = None
    if args.announced:
        with open(args.announced, encoding="utf-8") as f:
            announced = json.load(f)
    try:
        if announced is not None:
            verify_announced(bundle, announced)
        verify_bundle(bundle)
    except Mismatch as e:
        print(f"difference: {e}")
        return 1
    except (KeyError, TypeError, ValueError) as e:
        print(f"difference: the bundle is malformed ({e!r})")
        return 1
    print("match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
