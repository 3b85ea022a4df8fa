#!/usr/bin/env python3
"""Throughput of one, two and three `idp` nodes behind HAProxy (issue 18): the nodes
share one PostgreSQL database and one Redis, as a cluster does, and HAProxy balances
round-robin with no stickiness. For each node count, each hot path is driven with wrk
through the balancer, and the CPU time of every process involved is read from /proc, so
the capacity of a larger machine can be projected from CPU per request.

    python3 bench/cluster.py [--nodes 1,2,3] [--duration 8] [--rounds 3] [--connections 32]

On one machine the nodes, the balancer, the databases and wrk share the same cores, so
requests/s cannot grow with the node count here: read the CPU columns. Needs what run.py
needs, and haproxy. Everything goes to 127.0.0.1; every run is bounded in time.
"""

import argparse, base64, json, os, secrets, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402
from common import CODE_PREFIX, cpu, pids_named, wait_up  # noqa: E402

HAPROXY_CFG = os.path.join(bench.ROOT, "deploy", "haproxy.cfg")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", default="1,2,3")
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=32)
    a = ap.parse_args()
    if not os.path.exists(bench.BIN):
        sys.exit(f"no release binary at {bench.BIN}: cargo build --release -p idp-http")
    if not shutil.which("haproxy"):
        sys.exit("needs haproxy (apt-get install haproxy)")

    work = tempfile.mkdtemp(prefix="idp-bench-cluster-")
    lb_port = bench.free_port()
    base = f"http://127.0.0.1:{lb_port}"
    prefix = f"bench{secrets.token_hex(4)}"
    pg_db = f"idp_bench_{secrets.token_hex(4)}"
    subprocess.run(["psql", "-q", "postgres://postgres@127.0.0.1:5432/postgres", "-c", f"CREATE DATABASE {pg_db}"], check=True)
    env = {"PATH": os.environ["PATH"], "IDP_LOG__FILTER": "warn", "IDP_SERVER__ISSUER": base,
           "IDP_REDIS__URL": "redis://127.0.0.1:6379", "IDP_REDIS__KEY_PREFIX": prefix,
           "IDP_DATABASE__URL": f"postgres://postgres@127.0.0.1:5432/{pg_db}",
           "IDP_DATABASE__MAX_CONNECTIONS": "8", "IDP_MASTER_KEY": secrets.token_hex(32)}
    nodes, haproxy = [], None
    try:
        bench.run([bench.BIN, "migrate"], env, work)
        bench.run([bench.BIN, "org", "create", "--name", "Bench"], env, work)
        user = json.loads(bench.run([bench.BIN, "user", "create", "--org", "bench", "--email", "bench@example.com",
                                     "--name", "Bench User", "--json"], env, work))
        c = json.loads(bench.run([bench.BIN, "client", "create", "--org", "bench", "--name", "bench ES256", "--redirect-uri",
                                  "https://rp.example.com/cb", "--grant", "authorization_code", "--grant", "refresh_token",
                                  "--grant", "client_credentials", "--signing-alg", "ES256", "--first-party", "--json"], env, work))
        basic = "Basic " + base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
        auth, form = f"Authorization: {basic}", "Content-Type: application/x-www-form-urlencoded"
        counts = [int(n) for n in a.nodes.split(",")]
        # Enough single-use values for every round of every node count, never sent twice.
        per_round = 60_000
        codes = bench.seed_codes(prefix, c["client_id"], user["id"], per_round * a.rounds * len(counts) + 1, work)
        refresh = bench.seed_refresh("postgres", work, pg_db, c["client_id"], user["id"], per_round // 2 * a.rounds * len(counts))

        def start_node(i):
            port = bench.free_port()
            node_env = {**env, "IDP_SERVER__BIND": f"127.0.0.1:{port}"}
            node_dir = os.path.join(work, f"node{i}")
            os.makedirs(node_dir, exist_ok=True)
            p = subprocess.Popen([bench.BIN, "serve"], env=node_env, cwd=node_dir,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_up(f"http://127.0.0.1:{port}/readyz")
            return p, port

        results = {}
        for n in counts:
            while len(nodes) < n:
                nodes.append(start_node(len(nodes)))
            # The operators' configuration as shipped; a node this row leaves out is a
            # closed port, which HAProxy's health checks take out before the row starts.
            closed = bench.free_port()
            lb_env = {**os.environ, "HAPROXY_BIND": f"127.0.0.1:{lb_port}", "CHECK_INTERVAL": "300ms",
                      "HAPROXY_STATS": f"127.0.0.1:{bench.free_port()}"}
            for i in range(3):
                lb_env[f"IDP_NODE_{i + 1}"] = f"127.0.0.1:{nodes[i][1] if i < n else closed}"
            if haproxy:
                haproxy.terminate()
                haproxy.wait(timeout=10)
            haproxy = subprocess.Popen(["haproxy", "-f", HAPROXY_CFG, "-db"], env=lb_env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_up(base + "/readyz")
            time.sleep(2)  # left-out nodes fail their checks, live ones pass theirs
            access = json.load(urllib.request.urlopen(urllib.request.Request(
                base + "/token", data=(CODE_PREFIX + codes.pop()).encode(),
                headers={"Authorization": basic, "Content-Type": "application/x-www-form-urlencoded"})))["access_token"]
            idp_pids = [p.pid for p, _ in nodes[:n]]
            for r in range(a.rounds):
                code_file = os.path.join(work, f"codes-{n}-{r}.txt")
                with open(code_file, "w") as f:
                    f.write("\n".join(codes[-per_round:]))
                del codes[-per_round:]
                refresh_file = os.path.join(work, f"refresh-{n}-{r}.txt")
                with open(refresh_file, "w") as f:
                    f.write("\n".join(refresh[-(per_round // 2):]))
                del refresh[-(per_round // 2):]
                rows = {
                    "client_credentials ES256": dict(script=bench.LUA, headers=[auth, form],
                                                     args=["static", "grant_type=client_credentials"]),
                    "code exchange ES256": dict(script=bench.LUA, headers=[auth, form], args=["list", CODE_PREFIX, code_file]),
                    "refresh ES256": dict(script=bench.LUA, headers=[auth, form],
                                          args=["list", "grant_type=refresh_token&refresh_token=", refresh_file]),
                    "userinfo": dict(headers=[f"Authorization: Bearer {access}"]),
                }
                for name, kw in rows.items():
                    url = base + ("/userinfo" if name == "userinfo" else "/token")
                    others = pids_named("haproxy") + pids_named("redis-server") + pids_named("postgres")
                    before_idp, before_other = cpu(idp_pids), cpu(others)
                    res = bench.wrk(url, a.connections, a.duration, **kw)
                    done = max(res["requests"], 1)
                    res["idp_us"] = (cpu(idp_pids) - before_idp) / done * 1e6
                    res["all_us"] = res["idp_us"] + (cpu(others) - before_other) / done * 1e6
                    results.setdefault((name, n), []).append(res)
                    print(f"{n} node(s) round {r + 1} {name:26} {res['rps']:8.0f}/s p50 {res['p50']:.2f} ms "
                          f"p99 {res['p99']:.2f} ms idp CPU {res['idp_us']:.0f} us/req, all {res['all_us']:.0f} us/req "
                          f"non-2xx {res['non2xx']}", file=sys.stderr)

        print(f"\nPostgreSQL + Redis behind HAProxy, {a.connections} connections, {a.rounds} rounds of {a.duration} s, "
              f"medians over rounds, {os.cpu_count()} cores shared by everything\n")
        print("| path | nodes | requests/s | p50 ms | p99 ms | idp CPU µs/request | all processes CPU µs/request | "
              "requests/s per idp core | non-2xx |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for (name, n), rs in results.items():
            m = {k: statistics.median(x[k] for x in rs) for k in ("rps", "p50", "p99", "idp_us", "all_us")}
            bad = sum(x["non2xx"] for x in rs)
            print(f"| {name} | {n} | {m['rps']:.0f} | {m['p50']:.2f} | {m['p99']:.2f} | {m['idp_us']:.0f} | "
                  f"{m['all_us']:.0f} | {1e6 / max(m['idp_us'], 1):.0f} | {bad} |")
    finally:
        if haproxy:
            haproxy.terminate()
            haproxy.wait(timeout=10)
        for p, _ in nodes:
            p.terminate()
        for p, _ in nodes:
            p.wait(timeout=30)
        subprocess.run(f"redis-cli --scan --pattern '{prefix}:*' | xargs -r -n 1000 redis-cli del >/dev/null", shell=True)
        subprocess.run(["psql", "-q", "postgres://postgres@127.0.0.1:5432/postgres", "-c",
                        f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)"])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
