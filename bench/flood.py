#!/usr/bin/env python3
"""Sign-in flood benchmark: one address floods wrong passwords while another signs in
with the right one. Starts the release binary on loopback (embedded SQLite, in-memory
ephemeral state, shipped argon2 and throttle defaults), then, for each row:

- the flood: wrk from 127.0.0.1 with many connections, each POSTing a wrong password
  for one account (a valid double-submit CSRF pair, so every request reaches the
  password check unless throttled);
- the member: from 127.0.0.2 (the client socket is bound to it; lo answers all of
  127/8), a fresh browser session every few seconds: GET /login, POST the right
  password, expect 303 to /account;
- the server's RSS and thread count sampled every 100 ms; "settled" is read after the
  flood stops and the process has been idle for `--settle` seconds.

    python3 bench/flood.py [--duration 20] [--connections 500,1000] [--settle 10] [--no-build]

Needs wrk. Everything goes to 127.0.0.1; every run is bounded in time.
"""

import argparse, http.client, json, os, re, secrets, shutil, subprocess, sys, time, tempfile, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Re-exported: enumeration.py, console.py and members_io.py take them from here.
from common import BIN, LUA, ROOT, TARGET, Sampler, free_port, proc_status, run, serve  # noqa: E402,F401
from common import metrics as statuses  # noqa: E402

PASSWORD = "correct horse battery staple"
VICTIM = ("victim@example.com", "another long passphrase here")


def member_sign_in(port, source, email):
    """One browser sign-in from `source`: (status of the POST, where it leads, seconds)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request("GET", "/login")
        r = conn.getresponse()
        page = r.read().decode()
        cookies = "; ".join(c.split(";")[0] for k, c in r.getheaders() if k.lower() == "set-cookie")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf": csrf, "authz": "", "email": email, "password": PASSWORD})
        conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
        r = conn.getresponse()
        r.read()
        return r.status, r.getheader("Location"), time.monotonic() - started
    except Exception as e:  # a refused or timed-out sign-in counts as a failure
        return 0, str(e), time.monotonic() - started
    finally:
        conn.close()


def wrk_flood(port, connections, duration, target_email):
    csrf = secrets.token_urlsafe(32)
    body = urllib.parse.urlencode({"csrf": csrf, "authz": "", "email": target_email, "password": "wrong password"})
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
           "-H", "Content-Type: application/x-www-form-urlencoded", "-H", f"Cookie: idp_csrf={csrf}",
           "-s", LUA, f"http://127.0.0.1:{port}/login", "--", "static", body]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def statuses(port):
    """The throttle counters from /metrics."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'^(idp_\w+(?:\{[^}]*\})?) (\d+)$', text, re.M)}


def row(port, pid, connections, duration, settle, member_every, target, member):
    sampler = Sampler(pid)
    sampler.start()
    before = statuses(port)
    flood = wrk_flood(port, connections, duration, target)
    time.sleep(1)
    results = []
    end = time.monotonic() + duration - 2
    while time.monotonic() < end:
        results.append(member_sign_in(port, "127.0.0.2", member))
        time.sleep(member_every)
    out, _ = flood.communicate(timeout=duration + 60)
    sampler.stop.set()
    sampler.join()
    flood_rps = int(re.search(r"(\d+) requests in", out).group(1)) / duration
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    after = statuses(port)
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    throttled = delta.get('idp_throttled_total{action="sign_in"}', 0)
    in_flight = delta.get('idp_password_checks_refused_total{reason="in_flight"}', 0)
    busy = delta.get('idp_password_checks_refused_total{reason="busy"}', 0)
    # Everything the server answered but the member's two requests a sign-in and /metrics.
    flood = delta.get("idp_http_requests_total", 0) - 2 * len(results) - 1
    time.sleep(settle)
    settled_rss, settled_threads = proc_status(pid)
    ok = sum(1 for s, loc, _ in results if s == 303 and loc == "/account")
    worst = max((t for _, _, t in results), default=0)
    return {
        "connections": connections, "target": target, "member_ok": ok, "member_tries": len(results),
        "member_worst_s": worst, "member_statuses": sorted({s for s, _, _ in results}),
        "flood_rps": flood_rps, "flood_answered": flood,
        "flood_429_share": (throttled + in_flight + busy) / flood if flood else 0,
        "throttled": throttled, "in_flight": in_flight, "busy": busy,
        "socket_errors": errors.group(1) if errors else "", "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "peak_rss": sampler.peak_rss, "peak_threads": sampler.peak_threads,
        "settled_rss": settled_rss, "settled_threads": settled_threads,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--connections", default="500,1000")
    ap.add_argument("--settle", type=int, default=10)
    ap.add_argument("--member-every", type=float, default=2.5)
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE for idp (e.g. IDP_THROTTLE__SIGN_IN_PER_ADDRESS=0)")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "idp"], cwd=ROOT, check=True,
                       env={**os.environ, "CARGO_TARGET_DIR": TARGET})
    work = tempfile.mkdtemp(prefix="idp-flood-")
    port = free_port()
    env = {"PATH": os.environ["PATH"], "IDP_SERVER__BIND": f"127.0.0.1:{port}", "IDP_SERVER__ISSUER": f"http://127.0.0.1:{port}", "IDP_LOG__FILTER": "error"}
    env.update(kv.split("=", 1) for kv in a.env)
    server = None
    try:
        run([BIN, "org", "create", "--name", "Bench"], env, work)
        counts = [int(c) for c in a.connections.split(",")]
        # One member per row: a member signing in this often would trip the per-account limit.
        members = [f"member{i}@example.com" for i in range(len(counts))]
        for email, password in [VICTIM, *((m, PASSWORD) for m in members)]:
            run([BIN, "user", "create", "--org", "bench", "--email", email, "--password", password, "--json"], env, work)
        server = serve(env, work, port)
        idle_rss, idle_threads = proc_status(server.pid)
        print(f"idle: RSS {idle_rss:.1f} MiB, {idle_threads} threads", file=sys.stderr)
        rows = []
        for c, member in zip(counts, members):
            r = row(port, server.pid, c, a.duration, a.settle, a.member_every, VICTIM[0], member)
            print(json.dumps(r), file=sys.stderr)
            rows.append(r)
        print("\n| flood connections | member sign-ins ok | member worst s | flood req/s | flood refused (429) share | throttled / in-flight / busy | peak RSS MiB | settled RSS MiB | peak / settled threads |")
        print("|---:|---:|---:|---:|---:|---|---:|---:|---|")
        for r in rows:
            print(f"| {r['connections']} | {r['member_ok']}/{r['member_tries']} | {r['member_worst_s']:.2f} | {r['flood_rps']:.0f} | "
                  f"{100 * r['flood_429_share']:.1f} % | {r['throttled']} / {r['in_flight']} / {r['busy']} | {r['peak_rss']:.1f} | "
                  f"{r['settled_rss']:.1f} | {r['peak_threads']} / {r['settled_threads']} |")
        print(f"\nidle before: {idle_rss:.1f} MiB, {idle_threads} threads")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
