#!/usr/bin/env python3
"""Load benchmark of idp's hot paths: starts the release binary on loopback, seeds
single-use codes (in Redis) and refresh tokens (in the database), drives each endpoint
with wrk, and prints a Markdown table of requests/s, p50/p99 latency and server RSS.

    python3 bench/run.py [--duration 10] [--connections 32] [--backends sqlite,postgres]

Needs wrk, redis-server on 127.0.0.1:6379, and for PostgreSQL a server on 127.0.0.1:5432
(trust auth). Everything it sends goes to 127.0.0.1; every run is bounded in time.
"""

import argparse, base64, hashlib, json, os, re, secrets, shutil, socket, subprocess, sys, tempfile, time, urllib.request, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "idp-target")
BIN = os.path.join(TARGET, "release", "idp")
LUA = os.path.join(ROOT, "bench", "post.lua")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env, cwd, capture=True):
    out = subprocess.run(args, env=env, cwd=cwd, capture_output=capture, text=True, timeout=300)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {out.stderr}")
    return out.stdout


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def wrk(url, connections, duration, script=None, args=(), headers=()):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    if args:
        cmd += ["--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    done = re.search(r"(\d+) requests in", out)
    return {"rps": rps, "p50": pct(50), "p99": pct(99), "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else "", "requests": int(done.group(1)) if done else 0}


def cpu_seconds(pid):
    """User plus system CPU time a process has used so far, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_pid():
    """The local redis-server's process id, or None."""
    out = subprocess.run(["pgrep", "-x", "redis-server"], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else None


def main():
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
    env = {"PATH": os.environ["PATH"], "IDP_SERVER__BIND": f"127.0.0.1:{port}", "IDP_LOG__FILTER": "warn",
           "IDP_REDIS__URL": "redis://127.0.0.1:6379", "IDP_REDIS__KEY_PREFIX": prefix,
           "IDP_DATABASE__MAX_CONNECTIONS": "8", **{k: v for k, v in os.environ.items() if k.startswith("IDP_") and k != "IDP_TEST_DATABASE_URL"}}
    pg_db = None
    if backend == "postgres":
        pg_db = f"idp_bench_{secrets.token_hex(4)}"
        subprocess.run(["psql", "-q", "postgres://postgres@127.0.0.1:5432/postgres", "-c", f"CREATE DATABASE {pg_db}"], check=True)
        env["IDP_DATABASE__URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_db}"
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
        access = exchange_one(base, per_alg["RS256"][0], per_alg["RS256"][1].pop())

        def measure(name, url, **kw):
            prof = None
            if os.environ.get("PROFILE") == name:
                prof = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-p", str(server.pid), "-o", "/tmp/prof.data"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            result = wrk(url, connections, duration, **kw)
            if prof:
                prof.send_signal(2); prof.wait()
            result.update(name=name, backend=backend, rss_mib=rss_kib(server.pid, "VmHWM") / 1024)
            rows.append(result)
            print(f"{backend:8} {name:34} {result['rps']:9.0f}/s p50 {result['p50']:.2f} ms p99 {result['p99']:.2f} ms non-2xx {result['non2xx']}", file=sys.stderr)

        if os.environ.get("ONLY_TOKENS"): pass
        else: measure("discovery", base + "/.well-known/openid-configuration")
        if not os.environ.get("ONLY_TOKENS"): measure("jwks", base + "/jwks")
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


def resp(*parts):
    out = f"*{len(parts)}\r\n"
    for p in parts:
        b = p if isinstance(p, str) else p.decode()
        out += f"${len(b.encode())}\r\n{b}\r\n"
    return out


def seed_codes(prefix, client_id, user_id, n, work, extra=None):
    """Codes as /authorize stores them, written straight into Redis; `extra` adds
    members to each code's grant (`dpop_jkt`)."""
    now_us = int(time.time() * 1_000_000)
    codes, lines = [], []
    for _ in range(n):
        code = secrets.token_urlsafe(32)
        grant = {"client_id": client_id, "redirect_uri": "https://rp.example.com/cb", "user_id": user_id, "scopes": ["openid", "email"],
                 "nonce": None, "code_challenge": None, "auth_time": now_us, "amr": ["pwd"], "session_id": None,
                 "claims": {"userinfo": [], "id_token": []}, **(extra or {})}
        key = f"{prefix}:code:{hashlib.sha256(code.encode()).hexdigest()}"
        lines.append(resp("SET", key, json.dumps(grant), "EX", "3600"))
        codes.append(code)
    path = os.path.join(work, f"codes-{secrets.token_hex(3)}.resp")
    with open(path, "w") as f:
        f.write("".join(lines))
    with open(path) as f:
        subprocess.run(["redis-cli", "--pipe"], stdin=f, capture_output=True, check=True)
    return codes


def seed_refresh(backend, work, pg_db, client_id, user_id, n):
    """Live refresh tokens, each in its own grant, inserted as idp stores them."""
    now_us = int(time.time() * 1_000_000)
    exp_us = now_us + 3600 * 1_000_000
    tokens, sql = [], ["BEGIN;"]
    blob = (lambda h: f"X'{h}'") if backend == "sqlite" else (lambda h: f"'\\x{h}'::bytea")
    for i in range(n):
        t = secrets.token_urlsafe(32)
        gid = str(uuid.uuid4())
        digest = hashlib.sha256(t.encode()).hexdigest()
        sql.append(f"INSERT INTO grants (id, user_id, client_id, scopes, auth_time, amr, session_id, created_at, revoked_at) VALUES "
                   f"('{gid}', '{user_id}', '{client_id}', '[\"openid\",\"email\"]', {now_us}, '[\"pwd\"]', NULL, {now_us}, NULL);")
        sql.append(f"INSERT INTO refresh_tokens (digest, grant_id, scopes, created_at, expires_at, used_at) VALUES "
                   f"({blob(digest)}, '{gid}', '[\"openid\",\"email\"]', {now_us}, {exp_us}, NULL);")
        tokens.append(t)
    sql.append("COMMIT;")
    path = os.path.join(work, f"refresh-{secrets.token_hex(3)}.sql")
    with open(path, "w") as f:
        f.write("\n".join(sql))
    if backend == "sqlite":
        subprocess.run(["sqlite3", os.path.join(work, "data", "idp.db"), f".read {path}"], check=True)
    else:
        subprocess.run(["psql", "-q", f"postgres://postgres@127.0.0.1:5432/{pg_db}", "-f", path], check=True, capture_output=True)
    return tokens


def exchange_one(base, basic, code):
    body = f"grant_type=authorization_code&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&code={code}".encode()
    req = urllib.request.Request(base + "/token", data=body, headers={"Authorization": basic.split(": ", 1)[1],
                                 "Content-Type": "application/x-www-form-urlencoded"})
    return json.load(urllib.request.urlopen(req))["access_token"]


if __name__ == "__main__":
    main()
