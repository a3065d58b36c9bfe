"""Median latency of GET /api/v1/public/entities while 32 clients send bad logins (issue 10 #3)."""
import json, statistics, sys, threading, time, urllib.request

base = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 15
stop = time.time() + seconds
codes = {}

def storm(i):
    n = 0
    while time.time() < stop:
        body = json.dumps({"name": f"nobody{i}_{n}", "password": "wrong password!"}).encode()
        req = urllib.request.Request(base + "/api/v1/auth/tokens", data=body,
                                     headers={"content-type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=30).read()
            c = 201
        except urllib.error.HTTPError as e:
            c = e.code
        codes[c] = codes.get(c, 0) + 1
        n += 1

def probe(out):
    while time.time() < stop:
        t = time.perf_counter()
        urllib.request.urlopen(base + "/api/v1/public/entities?limit=20", timeout=30).read()
        out.append((time.perf_counter() - t) * 1000)
        time.sleep(0.02)

quiet = []
end = time.time() + 3
while time.time() < end:
    t = time.perf_counter()
    urllib.request.urlopen(base + "/api/v1/public/entities?limit=20", timeout=30).read()
    quiet.append((time.perf_counter() - t) * 1000)
    time.sleep(0.02)
stop = time.time() + seconds
lat = []
threads = [threading.Thread(target=storm, args=(i,)) for i in range(32)] + [threading.Thread(target=probe, args=(lat,))]
[t.start() for t in threads]
[t.join() for t in threads]
print(f"quiet median {statistics.median(quiet):.1f} ms; under storm median {statistics.median(lat):.1f} ms, "
      f"p90 {sorted(lat)[int(len(lat)*0.9)]:.1f} ms ({len(lat)} probes); login answers {codes}")
