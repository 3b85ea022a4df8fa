#!/usr/bin/env python3
"""Load benchmark of idp's hot paths: starts the release binary on loopback, seeds
single-use codes (in Redis) and refresh tokens (in the database), drives each endpoint
with wrk, and prints a Markdown table of requests/s, p50/p99 latency and server RSS.

    python3 bench/run.py [--duration 10] [--connections 32] [--backends sqlite,postgres]
    python3 bench/run.py --side-by-side [--rounds 3] [--duration 8] [--rows ...] [--profile ROW]

The second form runs every hot path against idp (SQLite and PostgreSQL) and the
reference provider (oidc-provider) in the same run: see bench/side_by_side.py.

Needs wrk, redis-server on 127.0.0.1:6379, and for PostgreSQL a server on 127.0.0.1:5432
(trust auth). Everything it sends goes to 127.0.0.1; every run is bounded in time.
"""

import argparse, base64, json, os, secrets, shutil, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Re-exported: dpop.py and cluster.py use them as `bench.NAME`.
from common import (BIN, LUA, ROOT, TARGET, cpu_seconds, exchange_one, free_port, redis_pid, resp,  # noqa: E402,F401
                    rss_kib, run, seed_codes, seed_refresh, wrk)


def main():
    if "--side-by-side" in sys.argv:
        # idp against a reference provider, every hot path, ratios and targets.
        import side_by_side
        sys.argv.remove("--side-by-side")
        return side_by_side.main()
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "idp"], cwd=ROOT, check=True,
                       env={**os.environ, "CARGO_TARGET_DIR": TARGET})
    rows = []
    for backend in a.backends.split(","):
        rows += bench_backend(backend, a.duration, a.connections)
    print("\n| scenario | backend | requests/s | p50 ms | p99 ms | non-2xx | server RSS max MiB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['name']} | {r['backend']} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} | {r['rss_mib']:.1f} |")


def bench_backend(backend, duration, connections):
    work = tempfile.mkdtemp(prefix="idp-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    prefix = f"bench{secrets.token_hex(4)}"
    env = {"PATH": os.environ["PATH"], "IDP_SERVER__BIND": f"127.0.0.1:{port}", "IDP_SERVER__ISSUER": f"http://127.0.0.1:{port}", "IDP_LOG__FILTER": "warn",
           "IDP_REDIS__URL": "redis://127.0.0.1:6379", "IDP_REDIS__KEY_PREFIX": prefix,
           "IDP_DATABASE__MAX_CONNECTIONS": "8"}
    pg_db = None
    if backend == "postgres":
        pg_db = f"idp_bench_{secrets.token_hex(4)}"
        subprocess.run(["psql", "-q", "postgres://postgres@127.0.0.1:5432/postgres", "-c", f"CREATE DATABASE {pg_db}"], check=True)
        # A database on the same host, reached without TLS (libpq would otherwise
        # negotiate it on loopback too and encrypt every statement).
        env["IDP_DATABASE__URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_db}?sslmode=disable"
    try:
        run([BIN, "org", "create", "--name", "Bench"], env, work)
        user = json.loads(run([BIN, "user", "create", "--org", "bench", "--email", "bench@example.com", "--name", "Bench User", "--json"], env, work))
        clients = {}
        for alg in ["RS256", "ES256", "EdDSA"]:
            clients[alg] = json.loads(run([BIN, "client", "create", "--org", "bench", "--name", f"bench {alg}", "--redirect-uri",
                "https://rp.example.com/cb", "--grant", "authorization_code", "--grant", "refresh_token", "--grant", "client_credentials",
                "--signing-alg", alg, "--first-party", "--json"], env, work))
        server = subprocess.Popen([BIN, "serve"], env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.05)
        idle_rss = rss_kib(server.pid) / 1024
        rows = [{"name": "idle", "backend": backend, "rps": 0, "p50": 0, "p99": 0, "non2xx": 0, "rss_mib": idle_rss}]
        form = "Content-Type: application/x-www-form-urlencoded"

        per_alg = {}
        for alg in ["RS256", "ES256"]:
            c = clients[alg]
            auth = "Authorization: Basic " + base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
            codes = seed_codes(prefix, c["client_id"], user["id"], 120_000 if alg == "ES256" else 40_000, work)
            refresh = seed_refresh(backend, work, pg_db, c["client_id"], user["id"], 60_000 if alg == "ES256" else 20_000)
            per_alg[alg] = (auth, codes, refresh)
        access = exchange_one(base, per_alg["RS256"][0], per_alg["RS256"][1].pop())["access_token"]

        def measure(name, url, **kw):
            result = wrk(url, connections, duration, **kw)
            result.update(name=name, backend=backend, rss_mib=rss_kib(server.pid, "VmHWM") / 1024)
            rows.append(result)
            print(f"{backend:8} {name:34} {result['rps']:9.0f}/s p50 {result['p50']:.2f} ms p99 {result['p99']:.2f} ms non-2xx {result['non2xx']}", file=sys.stderr)

        measure("discovery", base + "/.well-known/openid-configuration")
        measure("jwks", base + "/jwks")
        for alg in ["RS256", "ES256", "EdDSA"]:
            c = clients[alg]
            auth = "Authorization: Basic " + base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
            measure(f"client_credentials {alg}", base + "/token", script=LUA, headers=[auth, form], args=["static", "grant_type=client_credentials"])
        for alg, (auth, codes, refresh) in per_alg.items():
            codes_file = os.path.join(work, f"codes-{alg}.txt")
            with open(codes_file, "w") as f:
                f.write("\n".join(codes))
            measure(f"authorization_code exchange {alg}", base + "/token", script=LUA, headers=[auth, form],
                    args=["list", "grant_type=authorization_code&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&code=", codes_file])
            refresh_file = os.path.join(work, f"refresh-{alg}.txt")
            with open(refresh_file, "w") as f:
                f.write("\n".join(refresh))
            measure(f"refresh_token {alg}", base + "/token", script=LUA, headers=[auth, form],
                    args=["list", "grant_type=refresh_token&refresh_token=", refresh_file])
        measure("userinfo", base + "/userinfo", headers=[f"Authorization: Bearer {access}"])
        server.terminate()
        server.wait(timeout=30)
        return rows
    finally:
        subprocess.run(["redis-cli", "--scan", "--pattern", f"{prefix}:*"], capture_output=True)
        subprocess.run(f"redis-cli --scan --pattern '{prefix}:*' | xargs -r -n 1000 redis-cli del >/dev/null", shell=True)
        if pg_db:
            subprocess.run(["psql", "-q", "postgres://postgres@127.0.0.1:5432/postgres", "-c", f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)"])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
