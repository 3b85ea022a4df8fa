"""What the benchmarks in bench/ share: where the binary is, starting `idp`, driving wrk
and reading its figures, CPU time and memory from /proc, and seeding single-use codes
(in Redis) and refresh tokens (in the database) the way idp stores them."""

import hashlib, json, os, re, secrets, socket, subprocess, sys, threading, time, urllib.request, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "idp-target")
BIN = os.path.join(TARGET, "release", "idp")
LUA = os.path.join(ROOT, "bench", "post.lua")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
REDIRECT_URI = "https://rp.example.com/cb"
CODE_PREFIX = "grant_type=authorization_code&redirect_uri=https%3A%2F%2Frp.example.com%2Fcb&code="
REFRESH_PREFIX = "grant_type=refresh_token&refresh_token="


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env, cwd, capture=True):
    out = subprocess.run(args, env=env, cwd=cwd, capture_output=capture, text=True, timeout=300)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {out.stderr}")
    return out.stdout


def wait_up(url, tries=400):
    for _ in range(tries):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except Exception:
            time.sleep(0.05)
    sys.exit(f"{url} did not answer")


def serve(env, work, port):
    """`idp serve` in `work`, once it answers its health check."""
    server = subprocess.Popen([BIN, "serve"], env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_up(f"http://127.0.0.1:{port}/healthz", tries=200)
    return server


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def proc_status(pid):
    """(RSS in MiB, threads) of a process; zeros once it is gone."""
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.split()
    except FileNotFoundError:
        pass
    rss = int(fields.get("VmRSS", ["0"])[0]) / 1024
    threads = int(fields.get("Threads", ["0"])[0])
    return rss, threads


class Sampler(threading.Thread):
    """Peak RSS and threads of a process while it runs, sampled every 100 ms."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_threads, self.stop = pid, 0.0, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            rss, threads = proc_status(self.pid)
            self.peak_rss, self.peak_threads = max(self.peak_rss, rss), max(self.peak_threads, threads)
            time.sleep(0.1)


def cpu_seconds(pid):
    """User plus system CPU time a process has used so far, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu(pids):
    """CPU seconds of several processes; one that has gone counts nothing."""
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def pids_named(name):
    out = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def redis_pid():
    """The local redis-server's process id, or None."""
    pids = pids_named("redis-server")
    return pids[0] if pids else None


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


def metrics(port):
    """The counters of idp's /metrics, by name with labels."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'^(idp_\w+(?:\{[^}]*\})?) (\d+)$', text, re.M)}


def resp(*parts):
    out = f"*{len(parts)}\r\n"
    for p in parts:
        b = p if isinstance(p, str) else p.decode()
        out += f"${len(b.encode())}\r\n{b}\r\n"
    return out


def seed_codes(prefix, client_id, user_id, n, work, extra=None, scopes=("openid", "email")):
    """Codes as /authorize stores them, written straight into Redis; `extra` adds
    members to each code's grant (`dpop_jkt`)."""
    now_us = int(time.time() * 1_000_000)
    codes, lines = [], []
    for _ in range(n):
        code = secrets.token_urlsafe(32)
        grant = {"client_id": client_id, "redirect_uri": REDIRECT_URI, "user_id": user_id, "scopes": list(scopes),
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
    os.unlink(path)
    return codes


def seed_refresh(backend, work, pg_db, client_id, user_id, n, scopes=("openid", "email")):
    """Live refresh tokens, each in its own grant, inserted as idp stores them."""
    now_us = int(time.time() * 1_000_000)
    exp_us = now_us + 3600 * 1_000_000
    scopes_json = json.dumps(list(scopes))
    blob = (lambda h: f"X'{h}'") if backend == "sqlite" else (lambda h: f"'\\x{h}'::bytea")
    tokens, grants, rows = [], [], []
    for _ in range(n):
        t = secrets.token_urlsafe(32)
        gid = str(uuid.uuid4())
        digest = hashlib.sha256(t.encode()).hexdigest()
        grants.append(f"('{gid}', '{user_id}', '{client_id}', '{scopes_json}', {now_us}, '[\"pwd\"]', NULL, {now_us}, NULL)")
        rows.append(f"({blob(digest)}, '{gid}', '{scopes_json}', {now_us}, {exp_us}, NULL)")
        tokens.append(t)
    sql = ["BEGIN;"]
    for i in range(0, n, 500):
        sql.append("INSERT INTO grants (id, user_id, client_id, scopes, auth_time, amr, session_id, created_at, revoked_at) "
                   f"VALUES {', '.join(grants[i:i + 500])};")
        sql.append("INSERT INTO refresh_tokens (digest, grant_id, scopes, created_at, expires_at, used_at) "
                   f"VALUES {', '.join(rows[i:i + 500])};")
    sql.append("COMMIT;")
    path = os.path.join(work, f"refresh-{secrets.token_hex(3)}.sql")
    with open(path, "w") as f:
        f.write("\n".join(sql))
    if backend == "sqlite":
        subprocess.run(["sqlite3", os.path.join(work, "data", "idp.db"), f".read {path}"], check=True)
    else:
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", f"postgres://postgres@127.0.0.1:5432/{pg_db}", "-f", path],
                       check=True, capture_output=True)
    os.unlink(path)
    return tokens


def exchange_one(base, basic, code):
    """The token response for one code; `basic` is an "Authorization: Basic ..." header."""
    req = urllib.request.Request(base + "/token", data=(CODE_PREFIX + code).encode(),
                                 headers={"Authorization": basic.split(": ", 1)[1],
                                          "Content-Type": "application/x-www-form-urlencoded"})
    return json.load(urllib.request.urlopen(req))


def write_lines(work, name, lines):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path
