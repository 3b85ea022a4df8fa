#!/usr/bin/env python3
"""Whether "Forgot your password?" tells an attacker which addresses have accounts by
how long it takes to answer. Starts the release binary on loopback (embedded defaults,
the password-reset limit raised so every request is answered), then alternates POSTs
for a member's address and for an address nobody has, and prints the median and p90
answer time of each and their ratio.

    python3 bench/enumeration.py [--requests 300] [--no-build]

Everything goes to 127.0.0.1; the run is bounded by --requests.
"""

import argparse, http.client, os, random, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.parse

from flood import BIN, ROOT, TARGET, free_port, run, serve

KNOWN = "member@example.com"
UNKNOWN = "nobody@example.com"


def answer_time(port, email):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/forgot-password")
        r = conn.getresponse()
        page = r.read().decode()
        cookies = "; ".join(c.split(";")[0] for k, c in r.getheaders() if k.lower() == "set-cookie")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf": csrf, "email": email})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies}
        started = time.perf_counter()
        conn.request("POST", "/forgot-password", body, headers)
        r = conn.getresponse()
        r.read()
        elapsed = time.perf_counter() - started
        if r.status != 303:
            sys.exit(f"unexpected answer {r.status} for {email}")
        return elapsed
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "idp"], cwd=ROOT, check=True,
                       env={**os.environ, "CARGO_TARGET_DIR": TARGET})
    work = tempfile.mkdtemp(prefix="idp-enum-")
    port = free_port()
    env = {"PATH": os.environ["PATH"], "IDP_SERVER__BIND": f"127.0.0.1:{port}", "IDP_SERVER__ISSUER": f"http://127.0.0.1:{port}", "IDP_LOG__FILTER": "error",
           "IDP_THROTTLE__PASSWORD_RESET_PER_ADDRESS": "1000000",
           "IDP_THROTTLE__PASSWORD_RESET_PER_ACCOUNT": "1000000"}
    server = None
    try:
        run([BIN, "org", "create", "--name", "Bench"], env, work)
        run([BIN, "user", "create", "--org", "bench", "--email", KNOWN, "--password",
             "correct horse battery staple", "--json"], env, work)
        server = serve(env, work, port)
        times = {KNOWN: [], UNKNOWN: []}
        # In a random order, so neither kind always follows the other's background work.
        order = [KNOWN, UNKNOWN] * a.requests
        random.shuffle(order)
        for email in order:
            times[email].append(answer_time(port, email) * 1000)
        print("\n| address | requests | median ms | p90 ms |")
        print("|---|---:|---:|---:|")
        for email, label in ((KNOWN, "a member's"), (UNKNOWN, "nobody's")):
            t = sorted(times[email])
            print(f"| {label} | {len(t)} | {statistics.median(t):.3f} | {t[int(len(t) * 0.9)]:.3f} |")
        ratio = statistics.median(times[KNOWN]) / statistics.median(times[UNKNOWN])
        print(f"\nmedian ratio, member / nobody: {ratio:.2f}")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
