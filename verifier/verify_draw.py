#!/usr/bin/env python3
"""An independent verifier of gongshi draws (algorithm gongshi-draw/1), standard library only.

Written from api-spec/draw-verification.md, not from gongshi's code.

    python3 verifier/verify_draw.py rfc3797 --pool-size 25 --picks 10 9319 2,5,12,8,10 9,18,26,34,41,45
        prints {"key": …, "picks": […]} as POST /api/v1/public/draws/rfc3797 answers
    python3 verifier/verify_draw.py bundle BUNDLE.json
        recomputes a published bundle; prints "match" (exit 0) or the first difference (exit 1)
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


class Mismatch(Exception):
    pass


def expect(what, published, recomputed):
    if published != recomputed:
        raise Mismatch(f"{what}: published {published!r}, recomputed {recomputed!r}")


def verify_bundle(b):
    expect("algorithm", b.get("algorithm"), ALGORITHM)
    snap = b["snapshot"]
    codes = snap["credit_codes"]
    expect("snapshot.size", snap["size"], len(codes))
    expect("snapshot order", codes, sorted(codes))
    expect("snapshot.sha256", snap["sha256"], snapshot_sha256(codes))
    key = key_of([s["values"] for s in b["sources"]])
    expect("key", b["key"], key)
    picks = select(key, len(codes), len(b["entity_picks"]))
    for published, mine in zip(b["entity_picks"], picks):
        mine = dict(mine, credit_code=codes[mine["position"] - 1])
        expect(f"entity pick {mine['index']}", published, mine)
    plan = b["plan"]
    team_size, cap = plan["team_size"], plan.get("load_cap")
    teams = b["teams"]
    expect("number of teams", len(teams), len(picks))
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
        mine = select(tkey, len(eligible), team_size)
        for published, m in zip(team["picks"], mine):
            m = dict(m, certificate_no=eligible[m["position"] - 1])
            expect(f"team {j} pick {m['index']}", published, m)
        expect(f"team {j} picks", len(team["picks"]), len(mine))
        members = [eligible[m["position"] - 1] for m in mine]
        expect(f"team {j} inspectors", team["inspectors"], members)
        for c in members:
            load[c] = load.get(c, 0) + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("rfc3797", help="recompute an RFC 3797 selection")
    r.add_argument("--pool-size", type=int, required=True)
    r.add_argument("--picks", type=int, required=True)
    r.add_argument("sources", nargs="+", help="one source per argument, values separated by commas")
    v = sub.add_parser("bundle", help="verify a published bundle")
    v.add_argument("file")
    args = ap.parse_args()
    if args.command == "rfc3797":
        sources = [[int(x) for x in s.split(",") if x] for s in args.sources]
        key = key_of(sources)
        print(json.dumps({"key": key, "picks": select(key, args.pool_size, args.picks)}))
        return 0
    with open(args.file, encoding="utf-8") as f:
        bundle = json.load(f)
    try:
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
