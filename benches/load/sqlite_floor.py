#!/usr/bin/env python3
"""What SQLite alone needs to store an import: the floor under `gongshi import entities`.

    python3 benches/load/sqlite_floor.py FILE.csv [COUNT]

Writes the rows of a gongshi entity CSV (benches/generators/gen_entities.py) into a fresh SQLite file with
gongshi's own migrations and PRAGMAs, in one transaction, with no validation and no audit-chain
hashing: one `entities` row, the name-index postings gongshi writes (distinct bigrams, the
(last character, NUL) pair and distinct trigrams of the name, sorted) and one `audit_log` row of a
similar size per entity, each table with prepared-statement `executemany`. It prints the seconds
spent in SQLite per table, so the import's rows/s can be compared with what the storage alone
allows on the same machine.
"""

import csv
import glob
import json
import os
import sqlite3
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def keys(name):
    s = [c for c in name.lower() if c.isalnum()]
    k = {ord(a) << 21 | ord(b) for a, b in zip(s, s[1:])}
    if s:
        k.add(ord(s[-1]) << 21)
    k |= {ord(a) << 42 | ord(b) << 21 | ord(c) for a, b, c in zip(s, s[1:], s[2:])}
    return k


def main():
    path = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else None
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    rows = rows[:count] if count else rows
    db = os.path.join(tempfile.mkdtemp(), "floor.db")
    c = sqlite3.connect(db, isolation_level=None)
    c.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                    "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144;")
    for up in sorted(glob.glob(os.path.join(ROOT, "migrations/sqlite/*/up.sql"))):
        c.executescript(open(up, encoding="utf-8").read())
    now = "2026-11-24 00:00:00.000000"
    ents = [(r[0], r[1], r[1], "individual_business", "internet_service_venue", r[4], r[5], r[6],
             json.dumps([r[7]] if r[7] else []), "active", "[]", 1, now, now) for r in rows]
    grams = sorted((k, i + 1) for i, r in enumerate(rows) for k in keys(r[1]))
    audits = []
    for i, r in enumerate(rows):
        after = json.dumps({"address": r[5], "category": "internet_service_venue",
                            "credit_code": r[0], "district": r[4], "kind": "individual_business",
                            "legal_representative": r[6], "licence_numbers": [r[7]],
                            "name": r[1], "risk_tags": [], "status": "active", "version": 1},
                           ensure_ascii=False)
        audits.append((i + 1, now, "admin", "entity.import_create", "entity", r[0], None, after,
                       "%064x" % i, "%064x" % (i + 1)))
    timings = {}
    c.execute("BEGIN IMMEDIATE")
    for name, sql, data in [
        ("entities", "INSERT INTO entities (credit_code, name, search_name, kind, category, "
                     "district, address, legal_representative, licence_numbers, status, "
                     "risk_tags, version, created_at, updated_at) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", ents),
        ("postings", "INSERT INTO entity_name_grams (gram, entity_id) VALUES (?, ?)", grams),
        ("audit_log", "INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?,?)", audits),
    ]:
        t = time.perf_counter()
        c.executemany(sql, data)
        timings[name] = time.perf_counter() - t
    t = time.perf_counter()
    c.execute("COMMIT")
    timings["commit"] = time.perf_counter() - t
    t = time.perf_counter()
    c.close()
    timings["close (checkpoint)"] = time.perf_counter() - t
    total = sum(timings.values())
    print(f"SQLite {sqlite3.sqlite_version}, {len(rows)} entities, {len(grams)} postings")
    for k, v in timings.items():
        print(f"  {k:20s} {v:7.2f} s")
    print(f"  {'total':20s} {total:7.2f} s  -> at most {len(rows) / total:,.0f} rows/s")


if __name__ == "__main__":
    main()
