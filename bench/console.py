#!/usr/bin/env python3
"""The console's members page with 100,000 members across an organization tree.

For each database (SQLite, then PostgreSQL) this starts `idp` from the release build,
makes a main organization with 10 sub-organizations of 3 teams each, a super
administrator, and 100,000 members spread over the tree (inserted straight into the
database, with credentials and one sign-in record for every tenth member), signs the
administrator in through the real sign-in page, and then asks, one request at a time:

  * the first page of the whole tree's members (25 per page, by address),
  * a free-text search over name, email and id,
  * a filtered page (email login off, sub-organizations included),
  * the tenth page, reached through the keyset cursor.

It prints the median and p99 of each in milliseconds. Usage:

    python3 bench/console.py [--requests 200] [--members 100000] [--backend sqlite|postgres|both]
"""

import argparse, http.client, json, os, re, secrets, sqlite3, statistics, subprocess, sys, tempfile, time, urllib.parse

from flood import BIN, ROOT, free_port, run, serve

ADMIN = ("root@example.com", "a long passphrase for the console")


def seed_rows(n, orgs, now_us):
    """Members and credentials rows as the stores write them."""
    for i in range(n):
        uid = f"bench-{i:07d}"
        org = orgs[i % len(orgs)]
        status = "on_leave" if i % 50 == 0 else "active"
        yield (uid, org, f"member{i:07d}@example.com", f"Member {i:07d}", status, now_us - i * 1_000_000, i % 7 != 0)


def seed_sqlite(path, n, now_us):
    db = sqlite3.connect(path)
    orgs = [r[0] for r in db.execute("SELECT id FROM organizations")]
    rows = list(seed_rows(n, orgs, now_us))
    db.executemany(
        "INSERT INTO users (id, org_id, email, email_verified, name, status, super_admin, created_at, updated_at) "
        "VALUES (?, ?, ?, 1, ?, ?, 0, ?, ?)",
        [(u, o, e, name, s, t, t) for (u, o, e, name, s, t, _) in rows])
    db.executemany(
        "INSERT INTO credentials (user_id, password_must_change, email_login_enabled, email_otp_enabled, failed_sign_ins, "
        "updated_at, second_factor_failures) VALUES (?, 0, ?, 0, 0, ?, 0)",
        [(u, 1 if on else 0, t) for (u, _, _, _, _, t, on) in rows])
    db.executemany(
        "INSERT INTO login_methods (user_id, kind, upstream_subject, last_sign_in_at, sign_in_count, created_at) VALUES (?, 'native', '', ?, 1, ?)",
        [(u, t, t) for (u, _, _, _, _, t, _) in rows[::10]])
    db.commit()
    db.close()


def seed_postgres(url, n, now_us):
    sql = f"""
    WITH o AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS c FROM organizations),
    g AS (SELECT i FROM generate_series(0, {n - 1}) AS i)
    INSERT INTO users (id, org_id, email, email_verified, name, status, super_admin, created_at, updated_at)
    SELECT 'bench-' || lpad(i::text, 7, '0'), o.id, 'member' || lpad(i::text, 7, '0') || '@example.com', true,
           'Member ' || lpad(i::text, 7, '0'), CASE WHEN i % 50 = 0 THEN 'on_leave' ELSE 'active' END, false,
           {now_us} - i * 1000000::bigint, {now_us} - i * 1000000::bigint
    FROM g JOIN o ON o.k = g.i % o.c;
    INSERT INTO credentials (user_id, password_must_change, email_login_enabled, email_otp_enabled, failed_sign_ins,
                             updated_at, second_factor_failures)
    SELECT id, false, (substr(id, 7)::int % 7) <> 0, false, 0, created_at, 0 FROM users WHERE id LIKE 'bench-%';
    INSERT INTO login_methods (user_id, kind, upstream_subject, last_sign_in_at, sign_in_count, created_at)
    SELECT id, 'native', '', created_at, 1, created_at FROM users WHERE id LIKE 'bench-%' AND substr(id, 7)::int % 10 = 0;
    ANALYZE;
    """
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True)


def sign_in(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    r = conn.getresponse()
    page = r.read().decode()
    cookies = {c.split(";")[0].split("=", 1)[0]: c.split(";")[0] for k, c in r.getheaders() if k.lower() == "set-cookie"}
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf": csrf, "authz": "", "email": ADMIN[0], "password": ADMIN[1]})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": "; ".join(cookies.values())})
    r = conn.getresponse()
    r.read()
    for k, c in r.getheaders():
        if k.lower() == "set-cookie":
            cookies[c.split(";")[0].split("=", 1)[0]] = c.split(";")[0]
    if r.status != 303:
        sys.exit(f"sign-in answered {r.status}")
    return conn, "; ".join(cookies.values())


def timed(conn, cookie, path, requests):
    times = []
    body = ""
    for _ in range(requests):
        started = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        r = conn.getresponse()
        body = r.read().decode()
        times.append((time.perf_counter() - started) * 1000)
        if r.status != 200:
            sys.exit(f"{path} answered {r.status}: {body[:300]}")
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], body


def bench(backend, members, requests, keep=False):
    work = tempfile.mkdtemp(prefix="idp-console-bench-")
    port = free_port()
    env = {"PATH": os.environ["PATH"], "IDP_SERVER__BIND": f"127.0.0.1:{port}", "IDP_SERVER__ISSUER": f"http://127.0.0.1:{port}", "IDP_LOG__FILTER": "warn"}
    pg = None
    if backend == "postgres":
        pg = f"postgres://postgres@127.0.0.1:5432/idp_console_bench_{secrets.token_hex(4)}"
        subprocess.run(["psql", "-q", "postgres://postgres@127.0.0.1:5432/postgres", "-c",
                        f"CREATE DATABASE {pg.rsplit('/', 1)[1]}"], check=True)
        env["IDP_DATABASE__URL"] = pg
    try:
        run([BIN, "org", "create", "--name", "Acme", "--slug", "acme"], env, work)
        for d in range(10):
            run([BIN, "org", "create", "--name", f"Division {d}", "--slug", f"div-{d}", "--parent", "acme"], env, work)
            for t in range(3):
                run([BIN, "org", "create", "--name", f"Team {d}.{t}", "--slug", f"team-{d}-{t}", "--parent", f"div-{d}"], env, work)
        run([BIN, "user", "create", "--org", "acme", "--email", ADMIN[0], "--password", ADMIN[1], "--super-admin"], env, work)
        started = time.monotonic()
        now_us = int(time.time() * 1_000_000)
        if backend == "postgres":
            seed_postgres(pg, members, now_us)
        else:
            seed_sqlite(os.path.join(work, "data", "idp.db"), members, now_us)
        print(f"{backend}: seeded {members} members in {time.monotonic() - started:.1f} s", file=sys.stderr)
        server = serve(env, work, port)
        try:
            conn, cookie = sign_in(port)
            base = "/admin/orgs/acme/members?subtree=1"
            rows = []
            for name, path in [
                ("first page (25, whole tree)", base),
                ("search 'member00421'", base + "&q=member00421"),
                ("email login off, whole tree", base + "&email_login=off"),
            ]:
                p50, p99, body = timed(conn, cookie, path, requests)
                total = re.search(r"(\d+) members?<", body)
                rows.append((name, p50, p99, total.group(1) if total else "?"))
            # The tenth page, following the cursor as a person clicking "Next page" would.
            path = base
            for _ in range(9):
                conn.request("GET", path, headers={"Cookie": cookie})
                r = conn.getresponse()
                page = r.read().decode()
                path = re.search(r'href="(/admin/orgs/acme/members\?[^"]*after=[^"]+)">Next page', page).group(1).replace("&amp;", "&")
            p50, p99, body = timed(conn, cookie, path, requests)
            rows.append(("tenth page through the cursor", p50, p99, "-"))
            for name, p50, p99, total in rows:
                print(f"| {backend} | {name} | {total} | {p50:.1f} | {p99:.1f} |")
        finally:
            server.terminate()
            server.wait()
    finally:
        if pg and keep:
            print(f"kept {pg}", file=sys.stderr)
        elif pg:
            subprocess.run(["psql", "-q", "postgres://postgres@127.0.0.1:5432/postgres", "-c",
                            f"DROP DATABASE IF EXISTS {pg.rsplit('/', 1)[1]} WITH (FORCE)"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL database and the data folder")
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--bin", "idp"], cwd=ROOT, check=True)
    print("| backend | request | matching | p50 ms | p99 ms |")
    print("|---|---|---:|---:|---:|")
    for backend in (["sqlite", "postgres"] if a.backend == "both" else [a.backend]):
        bench(backend, a.members, a.requests, a.keep)


if __name__ == "__main__":
    main()
