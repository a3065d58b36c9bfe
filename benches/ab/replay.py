#!/usr/bin/env python3
"""A/B replay (issue 24): the same requests, in the same order, against two servers that started
from copies of one database with the clock frozen at the same instant; every answer's status,
headers (except Date) and body are compared. Standard library only.

    python3 benches/ab/replay.py http://127.0.0.1:18081 http://127.0.0.1:18082 TOKENS.json

TOKENS.json: {"admin": "...", "clerk": "...", "reviewer": "..."} (made before the copy, so both
databases hold them). Prints every difference, grouped, and a summary; exit 0 always (the
differences are for a person to read and list).
"""

import http.client
import json
import string
import sys
import urllib.parse
from collections import Counter, defaultdict


def request(base, method, path, headers=None, body=None):
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    # Non-ASCII characters in the path are sent percent-encoded, as a browser would.
    path = urllib.parse.quote(path, safe=string.punctuation)
    conn.request(method, path, body=data, headers=headers or {})
    res = conn.getresponse()
    raw = res.read()
    hdrs = defaultdict(list)
    for k, v in res.getheaders():
        hdrs[k.lower()].append(v)
    conn.close()
    return res.status, dict(hdrs), raw


def requests(tokens, officers):
    """The replayed requests: (label, method, path, headers, body)."""
    admin = {"authorization": "Bearer " + tokens["admin"]}
    clerk = {"authorization": "Bearer " + tokens["clerk"]}
    reviewer = {"authorization": "Bearer " + tokens["reviewer"]}
    json_h = {"content-type": "application/json"}
    out = []

    def add(method, path, headers=None, body=None, label=None):
        out.append((label or f"{method} {path}", method, path, headers or {}, body))

    public_gets = [
        "/healthz", "/api/v1/meta", "/api/v1/openapi.yaml", "/api/v1/openapi.json", "/docs",
        "/embed/v1/penalties.js", "/embed/demo.html", "/api/v1/authorities",
        "/api/v1/public/categories", "/api/v1/public/inspectors", "/api/v1/public/inspectors?limit=5",
        "/api/v1/public/entities", "/api/v1/public/entities?limit=3",
        "/api/v1/public/penalties", "/api/v1/public/penalties?limit=2",
        "/api/v1/public/penalties.csv", "/api/v1/public/penalties/feed.atom",
        "/api/v1/public/inspection-items", "/api/v1/public/inspection-items/1",
        "/api/v1/public/inspection-items/1/versions", "/api/v1/public/inspection-items/1/versions/1",
        "/api/v1/public/plans", "/api/v1/public/plans/1", "/api/v1/public/plans/1/bundle",
        "/api/v1/public/plans/1/selections",
        "/api/v1/calendar/coverage", "/api/v1/calendar/today", "/api/v1/calendar/years/2026",
        "/api/v1/calendar/years/2030", "/api/v1/calendar/years/abc",
        "/api/v1/calendar/add-workdays?from=2026-09-28&days=7",
        "/api/v1/calendar/add-workdays?from=2026-09-30&days=1&region=CN",
        "/api/v1/calendar/add-workdays?from=2026-12-31&days=7",
        "/api/v1/calendar/add-workdays?from=bad&days=7",
        "/api/v1/calendar/workdays-between?from=2026-10-01&to=2026-10-31",
        "/api/v1/calendar/workdays-between?from=2026-10-31&to=2026-10-01",
    ]
    for q in ["星光", "网吧", "银川", "文化", "a", "%E6%98%9F", "星光+网吧", "", "x" * 60, "91640104"]:
        public_gets.append(f"/api/v1/public/entities?q={urllib.parse.quote(q, safe='%+')}")
        public_gets.append(f"/api/v1/public/penalties?q={urllib.parse.quote(q, safe='%+')}")
    for day in ["2026-10-01", "2026-10-08", "2026-10-10", "2026-09-27", "2026-02-14", "2027-01-01",
                "2025-12-31", "2007-01-01", "2026-13-01", "20261001", "2026-02-30"]:
        public_gets.append(f"/api/v1/calendar/days/{day}")
    for code in ["91640100MA76A1B2C3", "91640104MA1B3N1N2R", "91640104MA1B3N1N2X", "abc", "9164010",
                 "91640104ma1b3n1n2r", "91640104MA1B3N1N2R%20", "A+B"]:
        public_gets.append(f"/api/v1/credit-codes/{code}")
        public_gets.append(f"/api/v1/public/entities/{code}")
    for i in [1, 2, 3, 5, 10, 999999, 0, -1, "x"]:
        public_gets.append(f"/api/v1/public/penalties/{i}")
    for params in ["limit=0", "limit=101", "limit=abc", "cursor=zzz", "status=", "state=published",
                   "credit_code=bad", "penalty_type=fine", "penalty_type=nope", "from=2026-01-01",
                   "from=2026-01-01&to=2026-12-31", "to=bad", "authority_id=1", "authority_id=x",
                   "unknown=1"]:
        public_gets.append(f"/api/v1/public/penalties?{params}")
        public_gets.append(f"/api/v1/public/entities?{params}")
    for p in public_gets:
        add("GET", p)
        add("GET", p, {"origin": "https://www.yinchuan.gov.cn"}, label=f"GET {p} (origin)")
    for p in public_gets[:40]:
        add("HEAD", p)
    # Conditional requests: the ETag comes from side A's first answer (filled in by the replay).
    for p in public_gets[:30]:
        add("GET", p, {"if-none-match": "@etag"}, label=f"GET {p} (if-none-match)")
        add("GET", p, {"if-none-match": '"0000"'}, label=f"GET {p} (other etag)")
    # Preflights.
    for p, m in [("/api/v1/public/penalties", "GET"), ("/api/v1/public/draws/rfc3797", "POST"),
                 ("/api/v1/authorities", "GET"), ("/api/v1/users", "GET"),
                 ("/api/v1/penalties/1/publish", "POST"), ("/api/v1/calendar/CN/2027", "PUT"),
                 ("/api/v1/public/penalties", "DELETE"), ("/api/v1/public/nothing", "GET"),
                 ("/embed/v1/penalties.js", "GET"), ("/healthz", "GET"), ("/api/v1/meta", "GET")]:
        add("OPTIONS", p, {"origin": "https://www.yinchuan.gov.cn",
                           "access-control-request-method": m,
                           "access-control-request-headers": "content-type"},
            label=f"OPTIONS {p} (preflight {m})")
    add("OPTIONS", "/api/v1/public/penalties")
    # Not found, wrong methods.
    for m, p in [("GET", "/nowhere"), ("GET", "/api/v1/publicity"), ("GET", "/api/v1/public/nothing"),
                 ("DELETE", "/healthz"), ("PUT", "/api/v1/users"), ("GET", "/api/v1/auth/tokens"),
                 ("PATCH", "/api/v1/entities/export.csv"), ("DELETE", "/api/v1/public/penalties"),
                 ("POST", "/api/v1/public/plans"), ("GET", "/api/v1/public/penalties/"),
                 ("GET", "//api/v1/public/penalties"), ("POST", "/api/v1/authorities/1")]:
        add(m, p)
    # The public verifier.
    draws = [{"pool_size": 25, "picks": 2, "sources": [[9319]]},
             {"pool_size": 25, "picks": 30, "sources": [[9319]]},
             {"pool_size": 0, "picks": 1, "sources": [[1]]},
             {"pool_size": 1000, "picks": 10, "sources": [[1, 2, 3], [45, 6]]},
             {"pool_size": 25, "picks": 2}, {"nope": 1}]
    for b in draws:
        add("POST", "/api/v1/public/draws/rfc3797", json_h, b, label=f"POST verifier {json.dumps(b)}")
    add("POST", "/api/v1/public/draws/rfc3797", json_h, b"{not json", label="POST verifier bad json")
    add("POST", "/api/v1/public/draws/rfc3797", {"content-type": "text/plain"}, b"{}",
        label="POST verifier text/plain")
    # Staff reads, by role and without a token.
    staff_gets = ["/api/v1/users", "/api/v1/audit", "/api/v1/audit?limit=5", "/api/v1/entities",
                  "/api/v1/entities?limit=2", "/api/v1/entities?q=星光", "/api/v1/entities/export.csv",
                  "/api/v1/entities/91640104MA1B3N1N2R", "/api/v1/entities/91640104MA1B3N1N2R/history",
                  "/api/v1/inspectors", "/api/v1/inspectors/1", "/api/v1/inspectors/1/conflicts",
                  "/api/v1/penalties", "/api/v1/penalties?limit=3", "/api/v1/penalties/1",
                  "/api/v1/penalties/999", "/api/v1/penalties/deadlines",
                  "/api/v1/penalties/deadlines?state=due&within=10",
                  "/api/v1/penalties/deadlines?state=published_late",
                  "/api/v1/penalties/deadlines?state=nope", "/api/v1/penalties/export.csv",
                  "/api/v1/plans", "/api/v1/plans/1", "/api/v1/plans/deadlines",
                  "/api/v1/penalties?state=", "/api/v1/entities?status="]
    for p in staff_gets:
        for who, h in [("admin", admin), ("clerk", clerk), ("reviewer", reviewer), ("none", {}),
                       ("bad", {"authorization": "Bearer nope"})]:
            add("GET", p, h, label=f"GET {p} ({who})")
    # Staff writes: a decision logged, submitted, approved, published, withdrawn; refusals.
    penalty = {
        "party_kind": "legal_person", "party_name": "银川市星光网吧有限公司",
        "party_credit_code": "91640104MA1B3N1N2R", "legal_representative": "张某",
        "violation_type": "擅自变更名称", "facts": "经查，当事人擅自变更名称。",
        "legal_basis": "《互联网上网服务营业场所管理条例》第二十七条",
        "penalty_types": ["warning"], "content": "警告", "decision_date": "2026-12-01",
        "procedure": "ordinary", "severity": "general", "severity_reason": "情节一般",
        "authority_id": 1, "allocate_decision_number": True, "case_officers": officers,
    }
    add("POST", "/api/v1/penalties", {**clerk, **json_h}, penalty, label="POST penalty (clerk)")
    add("POST", "/api/v1/penalties", {**reviewer, **json_h}, penalty, label="POST penalty (reviewer)")
    add("POST", "/api/v1/penalties", {**clerk, **json_h}, {**penalty, "facts": "身份证 110101199003074578"},
        label="POST penalty private text")
    add("POST", "/api/v1/penalties", {**clerk, **json_h}, {"nope": 1}, label="POST penalty unknown field")
    add("POST", "/api/v1/penalties", {**clerk, **json_h}, b"[", label="POST penalty bad json")
    add("POST", "/api/v1/penalties", clerk, json.dumps(penalty).encode(), label="POST penalty no type")
    add("GET", "/api/v1/penalties?limit=100", admin, label="GET penalties after create")
    for step, h, body in [("submit", clerk, {}), ("approve", clerk, {}), ("approve", reviewer, {}),
                          ("publish", reviewer, {"version": 1}), ("publish", reviewer, {}),
                          ("withdraw", reviewer, {"reason": "复议撤销", "event_date": "2026-12-05"}),
                          ("withdraw", reviewer, {}), ("repair", reviewer, {})]:
        add("POST", "/api/v1/penalties/@new/" + step, {**h, **json_h}, body,
            label=f"POST penalty {step} {json.dumps(body, ensure_ascii=False)}")
    add("GET", "/api/v1/public/penalties?limit=3", label="GET public penalties after writes")
    add("GET", "/api/v1/public/penalties/@new", label="GET public new penalty")
    add("GET", "/api/v1/public/penalties/feed.atom", label="GET feed after writes")
    entity = {"credit_code": "91640104MA1B3N1N2R", "name": "x"}
    add("POST", "/api/v1/entities", {**admin, **json_h}, entity, label="POST entity duplicate")
    add("PATCH", "/api/v1/entities/91640104MA1B3N1N2R", {**admin, **json_h}, {"version": 999},
        label="PATCH entity stale")
    add("POST", "/api/v1/users", {**admin, **json_h}, {"name": "ab", "role": "clerk", "password": "short"},
        label="POST user short password")
    add("POST", "/api/v1/users", {**clerk, **json_h}, {"name": "ab2", "role": "clerk"},
        label="POST user as clerk")
    add("POST", "/api/v1/auth/tokens", json_h, {"name": "nobody", "password": "wrong password"},
        label="POST login wrong")
    add("POST", "/api/v1/authorities", {**clerk, **json_h}, {"name": "x"}, label="POST authority as clerk")
    add("PUT", "/api/v1/calendar/CN/2027", {**clerk, "content-type": "text/csv"}, b"date,kind,name\n",
        label="PUT calendar as clerk")
    add("GET", "/api/v1/audit?limit=20", admin, label="GET audit after writes")
    add("GET", "/api/v1/public/entities?q=星光", label="GET public entities after writes")
    return out


def main():
    a, b, tokens_file = sys.argv[1], sys.argv[2], sys.argv[3]
    tokens = json.load(open(tokens_file))
    # Two officers of the demo roster, certified on the decision date, as case officers.
    _, _, roster = request(a, "GET", "/api/v1/inspectors?limit=100",
                           {"authorization": "Bearer " + tokens["admin"]})
    officers = [i["certificate_no"] for i in json.loads(roster)["items"]
                if i.get("status") == "active"
                and i.get("certificate_valid_from", "") <= "2026-12-01"
                <= i.get("certificate_valid_to", "9999")][:2]
    reqs = requests(tokens, officers)
    diffs = []
    counts = Counter()
    new_id = None
    for label, method, path, headers, body in reqs:
        if "@new" in path:
            if new_id is None:
                counts["skipped"] += 1
                continue
            path = path.replace("@new", str(new_id))
        headers = dict(headers)
        if headers.get("if-none-match") == "@etag":
            st, h, _ = request(a, "GET", path)
            if "etag" not in h:
                counts["skipped"] += 1
                continue
            headers["if-none-match"] = h["etag"][0]
        ra = request(a, method, path, headers, body)
        rb = request(b, method, path, headers, body)
        counts["requests"] += 1
        if label == "POST penalty (clerk)":
            if ra[0] == 201:
                new_id = json.loads(ra[2])["id"]
            else:
                print(f"the decision was not logged ({ra[0]}): {ra[2][:500]!r}", file=sys.stderr)
        ha = {k: v for k, v in ra[1].items() if k != "date"}
        hb = {k: v for k, v in rb[1].items() if k != "date"}
        d = []
        if ra[0] != rb[0]:
            d.append(f"status {ra[0]} -> {rb[0]}")
        for k in sorted(set(ha) | set(hb)):
            if ha.get(k) != hb.get(k):
                d.append(f"header {k}: {ha.get(k)} -> {hb.get(k)}")
        if ra[2] != rb[2]:
            d.append(f"body differs ({len(ra[2])} -> {len(rb[2])} bytes): "
                     f"{ra[2][:200]!r} -> {rb[2][:200]!r}")
        if d:
            counts["different"] += 1
            diffs.append((label, d))
        else:
            counts["identical"] += 1
    for label, d in diffs:
        print(f"## {label}")
        for line in d:
            print(f"   {line}")
    print(f"\n{counts['requests']} requests replayed: {counts['identical']} identical, "
          f"{counts['different']} different, {counts['skipped']} skipped")


if __name__ == "__main__":
    main()
