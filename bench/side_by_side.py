#!/usr/bin/env python3
"""idp against a reference provider, side by side (issue 19): every hot path driven by
the same wrk load, in the same run, against idp on SQLite, idp on PostgreSQL (both with
Redis) and panva's oidc-provider (Node, in-memory adapter), with requests/s, p50/p99,
CPU per request and the ratios idp ÷ reference, then a table against the issue's targets.

    python3 bench/run.py --side-by-side [--rounds 3] [--duration 8] [--connections 32]
                         [--rows exchange,refresh] [--providers sqlite,postgres,reference]
                         [--profile ROW[@PROVIDER]]

Rows: discovery, jwks, client_credentials, exchange, refresh, userinfo (ES256, each on
every provider); exchange_rs256; exchange_dpop and userinfo_dpop; signin_flow (authorize,
sign-in form with CSRF, code, token; idp only); flood (good sign-ins while wrong
passwords flood at ten times the argon2 limit; idp only). Single-use values (codes,
refresh tokens, DPoP proofs) are seeded before each row, through Redis and the database
for idp (as idp stores them) and through oidc-provider's own models in its Node process
for the reference, so the same Lua script sends the next one with every request.

Needs what run.py needs, plus node and npm (oidc-provider is installed once into
~/.cache/idp-bench-reference), `cryptography` for DPoP proofs, and cargo for the RSA and
argon2 timings of the limits (`cargo bench -p idp-core`; or give --rsa-sign-ms and
--argon2-ms). Everything goes to 127.0.0.1; every run is bounded in time.
"""

import argparse, base64, hashlib, http.client, json, os, re, secrets, shutil, statistics, subprocess, sys, tempfile
import threading, time, urllib.parse, urllib.request, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common as c  # noqa: E402
from dpop import Prover  # noqa: E402

DPOP_LUA = os.path.join(c.ROOT, "bench", "dpop.lua")
PACED_LUA = os.path.join(c.ROOT, "bench", "paced.lua")
REFERENCE_JS = os.path.join(c.ROOT, "bench", "reference.mjs")
REFERENCE_DIR = os.path.join(os.path.expanduser("~"), ".cache", "idp-bench-reference")
REFERENCE_PACKAGE = "oidc-provider@9"
FORM = "Content-Type: application/x-www-form-urlencoded"
PASSWORD = "correct horse battery staple"
CORES = os.cpu_count()

WRK_ROWS = ["discovery", "jwks", "client_credentials", "exchange", "refresh", "userinfo",
            "exchange_rs256", "exchange_dpop", "userinfo_dpop"]
SIGN_IN_ROWS = ["signin_flow", "flood"]
ROWS = WRK_ROWS + SIGN_IN_ROWS


def median(values):
    return statistics.median(values) if values else 0.0


def basic_header(client_id, secret):
    return "Authorization: Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def jwt_part(token, index):
    part = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def http_json(method, url, headers=None, body=None):
    """(status, decoded JSON or None) of one request."""
    req = urllib.request.Request(url, data=body.encode() if body else None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def header_dict(lines):
    return dict(h.split(": ", 1) for h in lines)


# ---------------------------------------------------------------------------------------
# The providers.
# ---------------------------------------------------------------------------------------

class Idp:
    """idp serve on one backend (sqlite or postgres), with Redis for ephemeral state."""

    kind = "idp"

    def __init__(self, backend, binary, members, profiler=None, settings=()):
        self.backend, self.binary, self.profiler, self.settings = backend, binary, profiler, settings
        self.name = f"idp {backend}"
        self.work = tempfile.mkdtemp(prefix=f"idp-bench-sbs-{backend}-")
        self.port = c.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.prefix = f"bench{secrets.token_hex(4)}"
        self.pg_db, self.server = None, None
        try:
            self.start(members, profiler)
        except BaseException:
            self.stop()
            raise

    def start(self, members, profiler):
        self.env = {"PATH": os.environ["PATH"], "IDP_SERVER__BIND": f"127.0.0.1:{self.port}", "IDP_SERVER__ISSUER": f"http://127.0.0.1:{self.port}", "IDP_LOG__FILTER": "error",
                    "IDP_REDIS__URL": "redis://127.0.0.1:6379", "IDP_REDIS__KEY_PREFIX": self.prefix,
                    "IDP_DATABASE__MAX_CONNECTIONS": "8",
                    # The reference's window; proofs are made just before their row.
                    "IDP_DPOP__IAT_WINDOW_SECS": "300"}
        if self.backend == "postgres":
            self.pg_db = f"idp_bench_{secrets.token_hex(4)}"
            subprocess.run(["psql", "-q", c.PG_ADMIN, "-c", f"CREATE DATABASE {self.pg_db}"], check=True)
            # A database on the same host, reached without TLS (libpq would otherwise
            # negotiate it on loopback too and encrypt every statement).
            self.env["IDP_DATABASE__URL"] = f"postgres://postgres@127.0.0.1:5432/{self.pg_db}?sslmode=disable"
        self.env.update(kv.split("=", 1) for kv in self.settings)
        self.cli("org", "create", "--name", "Bench")
        self.user = json.loads(self.cli("user", "create", "--org", "bench", "--email", "bench@example.com",
                                        "--name", "Bench User", "--password", PASSWORD, "--json"))
        self.clients, self.basic = {}, {}
        for alg in ("ES256", "RS256"):
            cl = json.loads(self.cli("client", "create", "--org", "bench", "--name", f"bench {alg}", "--redirect-uri",
                                     c.REDIRECT_URI, "--grant", "authorization_code", "--grant", "refresh_token",
                                     "--grant", "client_credentials", "--signing-alg", alg, "--first-party", "--json"))
            self.clients[alg] = cl["client_id"]
            self.basic[alg] = basic_header(cl["client_id"], cl["client_secret"])
        self.members = self.clone_members(members)
        cmd = [self.binary, "serve"]
        self.server = subprocess.Popen(profiler.wrap(cmd) if profiler else cmd, env=self.env, cwd=self.work,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = profiler.child(self.server) if profiler else self.server.pid
        c.wait_up(self.base + "/healthz")

    def cli(self, *args):
        return c.run([self.binary, *args], self.env, self.work)

    def sql(self, statements):
        path = os.path.join(self.work, f"seed-{secrets.token_hex(3)}.sql")
        with open(path, "w") as f:
            f.write("\n".join([".bail on" if self.backend == "sqlite" else "", "BEGIN;", *statements, "COMMIT;"]))
        if self.backend == "sqlite":
            subprocess.run(["sqlite3", os.path.join(self.work, "data", "idp.db"), f".read {path}"], check=True)
        else:
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.env["IDP_DATABASE__URL"], "-f", path],
                           check=True, capture_output=True)
        os.unlink(path)

    def clone_members(self, n):
        """`n` members with the benchmark's password: copies of the first member's row
        and password hash (argon2 strings carry their own salt), so creating them costs
        no hashing; sign-ins spread over them stay under the per-account limits."""
        emails = [f"member{i}@example.com" for i in range(n)]
        src = self.user["id"]
        users, creds = self.columns("users"), self.columns("credentials")
        statements = []
        # The flood's target is a member too, so that a wrong password not refused
        # would cost a real check.
        for email in [*emails, "victim@example.com"]:
            uid = str(uuid.uuid4())
            values = {"id": f"'{uid}'", "email": f"'{email}'"}
            statements.append(f"INSERT INTO users ({', '.join(users)}) SELECT {', '.join(values.get(k, k) for k in users)} "
                              f"FROM users WHERE id = '{src}';")
            values = {"user_id": f"'{uid}'"}
            statements.append(f"INSERT INTO credentials ({', '.join(creds)}) SELECT {', '.join(values.get(k, k) for k in creds)} "
                              f"FROM credentials WHERE user_id = '{src}';")
        for i in range(0, len(statements), 2000):
            self.sql(statements[i:i + 2000])
        return emails

    def columns(self, table):
        if self.backend == "sqlite":
            out = subprocess.run(["sqlite3", os.path.join(self.work, "data", "idp.db"),
                                  f"SELECT name FROM pragma_table_info('{table}')"], capture_output=True, text=True)
        else:
            out = subprocess.run(["psql", "-At", self.env["IDP_DATABASE__URL"], "-c",
                                  f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' "
                                  "AND table_schema = current_schema() ORDER BY ordinal_position"],
                                 capture_output=True, text=True)
        return out.stdout.split()

    def discovery(self):
        return http_json("GET", self.base + "/.well-known/openid-configuration")[1]

    def seed_codes(self, alg, n, jkt=None):
        return c.seed_codes(self.prefix, self.clients[alg], self.user["id"], n, self.work,
                            {"dpop_jkt": jkt} if jkt else None)

    def seed_refresh(self, alg, n):
        return c.seed_refresh(self.backend, self.work, self.pg_db, self.clients[alg], self.user["id"], n)

    def store_pids(self):
        """Redis, and on PostgreSQL the backends serving this database plus the server's
        shared background processes (WAL writer, checkpointer...)."""
        pids = [c.redis_pid()] if c.redis_pid() else []
        if self.pg_db:
            out = subprocess.run(["psql", "-At", c.PG_ADMIN, "-c",
                                  f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.pg_db}' OR datname IS NULL"],
                                 capture_output=True, text=True).stdout.split()
            pids += [int(p) for p in out]
        return pids

    def stop(self):
        if self.server:
            stop_process(self.pid, self.server)
        subprocess.run(f"redis-cli --scan --pattern '{self.prefix}:*' | xargs -r -n 1000 redis-cli del >/dev/null", shell=True)
        if self.pg_db:
            subprocess.run(["psql", "-q", c.PG_ADMIN, "-c", f"DROP DATABASE IF EXISTS {self.pg_db} WITH (FORCE)"])
        shutil.rmtree(self.work, ignore_errors=True)


def install_reference():
    """oidc-provider, latest of its major, installed once into a cache folder."""
    main = os.path.join(REFERENCE_DIR, "node_modules", "oidc-provider", "package.json")
    if not os.path.exists(main):
        os.makedirs(REFERENCE_DIR, exist_ok=True)
        with open(os.path.join(REFERENCE_DIR, "package.json"), "w") as f:
            json.dump({"private": True, "type": "module"}, f)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", REFERENCE_PACKAGE],
                       cwd=REFERENCE_DIR, check=True, timeout=600)
    with open(main) as f:
        return json.load(f)["version"]


class Reference:
    """oidc-provider in one Node process; values seeded through its models on stdin."""

    kind = "reference"

    def __init__(self, profiler=None):
        self.name, self.profiler = "reference", profiler
        self.version = install_reference()
        self.work = tempfile.mkdtemp(prefix="idp-bench-ref-")
        self.port = c.free_port()
        # Production mode, as a deployment would run it.
        cmd = ["node", REFERENCE_JS, str(self.port), REFERENCE_DIR]
        if profiler:
            # JIT-compiled JavaScript gets names only through a perf map.
            cmd = profiler.wrap(["node", "--perf-basic-prof", *cmd[1:]])
        # In its own folder: with --perf-basic-prof, V8 writes its log into the working directory.
        self.proc = subprocess.Popen(cmd, cwd=self.work, env={**os.environ, "NODE_ENV": "production"}, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.pid = profiler.child(self.proc) if profiler else self.proc.pid
        hello = json.loads(self.answer("{"))
        self.base = hello["issuer"]
        self.clients = hello["clients"]
        self.basic = {alg: basic_header(cid, hello["secret"]) for alg, cid in self.clients.items()}
        self.members = []

    def answer(self, *starts):
        """The next line on its stdout that starts with one of `starts` (oidc-provider
        prints its notices there too)."""
        while True:
            line = self.proc.stdout.readline()
            if not line:
                sys.exit("reference: the Node process ended")
            if line.startswith(starts):
                return line.strip()

    def discovery(self):
        return http_json("GET", self.base + "/.well-known/openid-configuration")[1]

    def command(self, kind, alg, n, jkt=None):
        path = os.path.join(self.work, f"{kind}-{secrets.token_hex(3)}.txt")
        self.proc.stdin.write(f"{kind} {self.clients[alg]} {n} {path}{' ' + jkt if jkt else ''}\n")
        answer = self.answer("ok ", "error ")
        if answer != f"ok {n}":
            sys.exit(f"reference: {kind} seeding failed: {answer}")
        with open(path) as f:
            values = f.read().split("\n")
        os.unlink(path)
        return values

    def seed_codes(self, alg, n, jkt=None):
        return self.command("codes", alg, n, jkt)

    def seed_refresh(self, alg, n):
        return self.command("refresh", alg, n)

    def store_pids(self):
        return []

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            stop_process(self.pid, self.proc)
        shutil.rmtree(self.work, ignore_errors=True)


def stop_process(pid, popen):
    """SIGTERM to the provider (perf's child when profiled), then wait for what we started."""
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        pass
    try:
        popen.wait(timeout=30)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait(timeout=10)


# ---------------------------------------------------------------------------------------
# Rows driven by wrk: what to send, and a check that the answers are real.
# ---------------------------------------------------------------------------------------

class Plan:
    """One wrk run: URL, script and arguments, how many single-use values it holds."""

    def __init__(self, url, seeded=None, **wrk_args):
        self.url, self.seeded, self.wrk_args = url, seeded, wrk_args


def expect(cond, provider, row, detail):
    if not cond:
        if isinstance(detail, dict):
            # Tokens are long: their first characters and the other members whole.
            detail = {k: (v[:24] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in detail.items()}
        sys.exit(f"{provider.name}: {row}: the check request was not answered as expected: {str(detail)[:600]}")


def check_tokens(provider, row, status, body, alg="ES256", refresh=True, token_type="Bearer"):
    expect(status == 200 and isinstance(body, dict), provider, row, (status, body))
    expect(body.get("access_token") and body.get("token_type", "").lower() == token_type.lower(), provider, row, body)
    expect("id_token" in body and jwt_part(body["id_token"], 0)["alg"] == alg, provider, row, body)
    expect(jwt_part(body["id_token"], 1)["iss"] == provider.base, provider, row, body)
    if refresh:
        expect(body.get("refresh_token"), provider, row, body)


def plan_row(row, p, meta, seeds):
    """Seeds what one run of `row` needs on provider `p`, checks one answer, and returns
    the Plan. `meta` is the provider's discovery document; `seeds` how many values."""
    token_url, userinfo_url = meta["token_endpoint"], meta["userinfo_endpoint"]
    basic = p.basic["ES256"]
    if row == "discovery":
        status, body = http_json("GET", p.base + "/.well-known/openid-configuration")
        expect(status == 200 and body.get("issuer") == p.base, p, row, body)
        return Plan(p.base + "/.well-known/openid-configuration")
    if row == "jwks":
        status, body = http_json("GET", meta["jwks_uri"])
        expect(status == 200 and any(k.get("crv") == "P-256" for k in body.get("keys", [])), p, row, body)
        return Plan(meta["jwks_uri"])
    if row == "client_credentials":
        status, body = http_json("POST", token_url, header_dict([basic, FORM]), "grant_type=client_credentials")
        expect(status == 200 and body.get("access_token"), p, row, body)
        # Both sides sign: an ES256 JWT (the reference is configured to issue one).
        expect(jwt_part(body["access_token"], 0).get("alg") == "ES256", p, row, body)
        return Plan(token_url, script=c.LUA, headers=[basic, FORM], args=["static", "grant_type=client_credentials"])
    if row in ("exchange", "exchange_rs256"):
        alg = "RS256" if row == "exchange_rs256" else "ES256"
        codes = p.seed_codes(alg, seeds + 1)
        status, body = http_json("POST", token_url, header_dict([p.basic[alg], FORM]), c.CODE_PREFIX + codes.pop())
        check_tokens(p, row, status, body, alg)
        path = c.write_lines(p.work, f"codes-{secrets.token_hex(3)}.txt", codes)
        return Plan(token_url, len(codes), script=c.LUA, headers=[p.basic[alg], FORM], args=["list", c.CODE_PREFIX, path])
    if row == "refresh":
        tokens = p.seed_refresh("ES256", seeds + 1)
        status, body = http_json("POST", token_url, header_dict([basic, FORM]), c.REFRESH_PREFIX + tokens.pop())
        check_tokens(p, row, status, body)
        path = c.write_lines(p.work, f"refresh-{secrets.token_hex(3)}.txt", tokens)
        return Plan(token_url, len(tokens), script=c.LUA, headers=[basic, FORM], args=["list", c.REFRESH_PREFIX, path])
    if row == "userinfo":
        status, body = http_json("POST", token_url, header_dict([basic, FORM]), c.CODE_PREFIX + p.seed_codes("ES256", 1)[0])
        check_tokens(p, row, status, body)
        auth = f"Authorization: Bearer {body['access_token']}"
        status, info = http_json("GET", userinfo_url, header_dict([auth]))
        expect(status == 200 and info.get("sub"), p, row, info)
        return Plan(userinfo_url, headers=[auth])
    prover = Prover()
    if row == "exchange_dpop":
        codes = p.seed_codes("ES256", seeds + 1, prover.jkt)
        status, body = http_json("POST", token_url, header_dict([basic, FORM, "DPoP: " + prover.proof("POST", token_url)]),
                                 c.CODE_PREFIX + codes.pop())
        check_tokens(p, row, status, body, token_type="DPoP")
        lines = [f"{prover.proof('POST', token_url)} {code}" for code in codes]
        path = c.write_lines(p.work, f"dpop-{secrets.token_hex(3)}.txt", lines)
        return Plan(token_url, len(lines), script=DPOP_LUA, headers=[basic, FORM], args=["DPoP", "post", c.CODE_PREFIX, path])
    if row == "userinfo_dpop":
        code = p.seed_codes("ES256", 1, prover.jkt)[0]
        status, body = http_json("POST", token_url, header_dict([basic, FORM, "DPoP: " + prover.proof("POST", token_url)]),
                                 c.CODE_PREFIX + code)
        check_tokens(p, row, status, body, token_type="DPoP")
        access = body["access_token"]
        auth = f"Authorization: DPoP {access}"
        status, info = http_json("GET", userinfo_url, header_dict([auth, "DPoP: " + prover.proof("GET", userinfo_url, access)]))
        expect(status == 200 and info.get("sub"), p, row, info)
        lines = [prover.proof("GET", userinfo_url, access) for _ in range(seeds)]
        path = c.write_lines(p.work, f"dpop-u-{secrets.token_hex(3)}.txt", lines)
        return Plan(userinfo_url, len(lines), script=DPOP_LUA, headers=[auth], args=["DPoP", "get", path])
    raise ValueError(row)


# ---------------------------------------------------------------------------------------
# Sign-in rows: a browser without a browser, many at once.
# ---------------------------------------------------------------------------------------

class Addresses:
    """Source addresses on 127/8, a new one for every sign-in of a row, and the members
    in turn, so that the per-address and per-account sign-in limits stay far off."""

    def __init__(self, members):
        self.lock, self.n, self.members = threading.Lock(), 0, members

    def next(self):
        with self.lock:
            self.n += 1
            i = self.n
        a = i % 62500
        return f"127.{10 + (i // 62500) % 200}.{a // 250 + 1}.{a % 250 + 1}", self.members[i % len(self.members)]


class Browser:
    """One HTTP/1.1 connection from one source address with a cookie jar."""

    def __init__(self, port, source):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
        self.cookies = {}

    def request(self, method, url, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, url, body, headers)
        r = self.conn.getresponse()
        data = r.read().decode(errors="replace")
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, value = v.split(";")[0].partition("=")
                self.cookies[name.strip()] = value
        return r.status, r.getheader("Location"), data

    def close(self):
        self.conn.close()


def hidden(page, name):
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    return m.group(1) if m else ""


def sign_in_page(b, url):
    """GET `url`, following redirects on the provider, until the sign-in page."""
    for _ in range(5):
        status, location, page = b.request("GET", url)
        if status in (301, 302, 303, 307) and location:
            url = urllib.parse.urlsplit(location)._replace(scheme="", netloc="").geturl()
            continue
        return status, page
    return 0, ""


def one_flow(port, basic, client_id, source, email):
    """authorize → sign-in form (CSRF) → code → token; True when tokens come back."""
    b = Browser(port, source)
    try:
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urllib.parse.urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": c.REDIRECT_URI,
                                        "scope": "openid email", "state": secrets.token_urlsafe(8),
                                        "nonce": secrets.token_urlsafe(8), "code_challenge": challenge,
                                        "code_challenge_method": "S256"})
        status, page = sign_in_page(b, "/authorize?" + query)
        if status != 200:
            return False
        form = urllib.parse.urlencode({"csrf": hidden(page, "csrf"), "authz": hidden(page, "authz"),
                                       "email": email, "password": PASSWORD})
        status, location, _ = b.request("POST", "/login", form)
        for _ in range(5):
            if status not in (302, 303) or not location or location.startswith(c.REDIRECT_URI):
                break
            status, location, _ = b.request("GET", location)
        if not location or not location.startswith(c.REDIRECT_URI):
            return False
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("code", [""])[0]
        body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": c.REDIRECT_URI,
                                       "code_verifier": verifier})
        status, _, answer = b.request("POST", "/token", body, {"Authorization": basic.split(": ", 1)[1]})
        return status == 200 and "id_token" in answer
    except (OSError, http.client.HTTPException):
        return False
    finally:
        b.close()


def one_sign_in(port, source, email):
    """GET /login, POST the right password; True when it leads to /account."""
    b = Browser(port, source)
    try:
        status, page = sign_in_page(b, "/login")
        if status != 200:
            return False
        form = urllib.parse.urlencode({"csrf": hidden(page, "csrf"), "authz": "", "email": email, "password": PASSWORD})
        status, location, _ = b.request("POST", "/login", form)
        return status == 303 and location == "/account"
    except (OSError, http.client.HTTPException):
        return False
    finally:
        b.close()


def drive(clients, duration, work):
    """Runs `work()` back to back on `clients` threads for `duration` seconds: (successes,
    failures, latencies in ms)."""
    end = time.monotonic() + duration
    lock, results = threading.Lock(), []

    def loop():
        mine = []
        while time.monotonic() < end:
            started = time.monotonic()
            ok = work()
            mine.append((ok, (time.monotonic() - started) * 1000))
        with lock:
            results.extend(mine)
    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [ms for good, ms in results if good]
    return len(ok), len(results) - len(ok), sorted(ok)


def pct(sorted_values, q):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q / 100 * len(sorted_values)))]


# ---------------------------------------------------------------------------------------
# Measuring.
# ---------------------------------------------------------------------------------------

class Profiler:
    """The profiled provider runs under `perf record -g`, started paused; recording is
    switched on for one row through perf's control FIFO. (Attaching with `perf record
    -p` later found no samples in this container; recording the whole machine would
    need its process ids translated.)"""

    def __init__(self, label):
        self.dir = tempfile.mkdtemp(prefix="idp-bench-perf-")
        self.ctl, self.ack = os.path.join(self.dir, "ctl"), os.path.join(self.dir, "ack")
        os.mkfifo(self.ctl)
        os.mkfifo(self.ack)
        self.out = os.path.join(self.dir, f"perf-{label}.data")
        self.fds = None
        self.perf = None

    def wrap(self, cmd):
        return ["perf", "record", "--call-graph", os.environ.get("IDP_BENCH_CALLGRAPH", "fp"), "-F", "999", "-D", "-1", f"--control=fifo:{self.ctl},{self.ack}",
                "-o", self.out, "--", *cmd]

    def child(self, perf_proc):
        """The profiled process: perf's child, once it has started."""
        self.perf = perf_proc
        for _ in range(200):
            try:
                with open(f"/proc/{perf_proc.pid}/task/{perf_proc.pid}/children") as f:
                    kids = f.read().split()
                if kids:
                    return int(kids[0])
            except FileNotFoundError:
                pass
            if perf_proc.poll() is not None:
                sys.exit(f"perf record ended at once (exit {perf_proc.returncode}); is perf permitted here?")
            time.sleep(0.05)
        sys.exit("perf record started no process")

    def send(self, word):
        if self.fds is None:
            self.fds = (os.open(self.ctl, os.O_WRONLY), os.open(self.ack, os.O_RDONLY))
        os.write(self.fds[0], f"{word}\n".encode())
        os.read(self.fds[1], 16)

    def report(self):
        """Top symbols, once perf has ended (after the provider stopped)."""
        if self.perf:
            self.perf.wait(timeout=120)
        if not os.path.exists(self.out):
            return "perf recorded nothing"
        def top(sort, limit, count):
            out = subprocess.run(["perf", "report", "-i", self.out, "--stdio", "--no-children", "--sort", sort,
                                  "-g", "none", "--percent-limit", limit], capture_output=True, text=True, timeout=600)
            lines = [re.sub(r"(\s+-)*\s*$", "", ln) for ln in out.stdout.splitlines()
                     if ln.strip() and not ln.startswith("#")][:count]
            return "\n".join(lines) or f"perf report printed nothing: {out.stderr.strip()[-400:]}"
        # By binary first: a stripped binary's own code shows as addresses only.
        return (f"perf report -i {self.out}, self time by binary:\n{top('dso', '0.5', 10)}\n\n"
                f"top symbols:\n{top('dso,symbol', '0.7', 40)}")


def measure(p, duration, work, profile=False):
    """CPU of the provider and its stores around `work()` (a dict with 'requests')."""
    stores = p.store_pids()
    before_p, before_s = c.cpu([p.pid]), c.cpu(stores)
    if profile:
        p.profiler.send("enable")
    res = work()
    if profile:
        p.profiler.send("disable")
    spent_p, spent_s = c.cpu([p.pid]) - before_p, c.cpu(stores) - before_s
    done = max(res["requests"], 1)
    res["cpu_us"] = spent_p / done * 1e6
    res["all_us"] = (spent_p + spent_s) / done * 1e6
    return res


def wrk_row(row, p, meta, a, profile, earlier):
    option = "--userinfo-seed-rate" if row == "userinfo_dpop" else "--seed-rate"
    rate = a.userinfo_seed_rate if row == "userinfo_dpop" else a.seed_rate
    if earlier:
        # Three times what this provider did before: unused values only weigh on its memory.
        rate = min(rate, max(1000, 3 * max(r["rps"] for r in earlier)))
    plan = plan_row(row, p, meta, int(rate * a.duration))
    res = measure(p, a.duration, lambda: c.wrk(plan.url, a.connections, a.duration, **plan.wrk_args), profile)
    errors = re.findall(r"\d+", res["socket_errors"])
    res["invalid"] = []
    if res["non2xx"]:
        res["invalid"].append(f"{res['non2xx']} non-2xx")
    if any(int(e) for e in errors):
        res["invalid"].append(f"socket errors {res['socket_errors']}")
    if plan.seeded is not None and res["requests"] > plan.seeded:
        res["invalid"].append(f"ran out of seeded values ({plan.seeded}); raise {option}")
    return res


def flow_row(p, a, profile):
    addresses = Addresses(p.members)

    def work():
        ok, bad, lat = drive(a.signin_clients, a.duration,
                             lambda: one_flow(p.port, p.basic["ES256"], p.clients["ES256"], *addresses.next()))
        return {"requests": ok, "rps": ok / a.duration, "p50": pct(lat, 50), "p99": pct(lat, 99), "non2xx": bad}
    res = measure(p, a.duration, work, profile)
    res["invalid"] = [f"{res['non2xx']} failed flows"] if res["non2xx"] else []
    return res


def flood_row(p, a, limit, profile):
    """Good sign-ins on `signin_clients` threads while wrk floods wrong passwords for one
    account from 127.0.0.1 on ten times as many connections, paced to ten times the
    argon2 limit in all (as if each wrong password were to be checked)."""
    addresses = Addresses(p.members)
    flood_conns = 10 * a.signin_clients
    pause_ms = int(1000 * flood_conns / (10 * limit)) if limit else 0
    csrf = secrets.token_urlsafe(32)
    body = urllib.parse.urlencode({"csrf": csrf, "authz": "", "email": "victim@example.com", "password": "wrong password"})
    rss_before = c.proc_status(p.pid)[0]
    sampler = c.Sampler(p.pid)
    sampler.start()
    before = c.metrics(p.port)
    flood = subprocess.Popen(["wrk", "-t2", f"-c{flood_conns}", f"-d{a.duration + 2}s", "--timeout", "10s",
                              "-H", FORM, "-H", f"Cookie: idp_csrf={csrf}", "-s", PACED_LUA,
                              p.base + "/login", "--", str(pause_ms), body],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1)

    def work():
        ok, bad, lat = drive(a.signin_clients, a.duration, lambda: one_sign_in(p.port, *addresses.next()))
        return {"requests": ok, "rps": ok / a.duration, "p50": pct(lat, 50), "p99": pct(lat, 99), "non2xx": bad}
    res = measure(p, a.duration, work, profile)
    out, _ = flood.communicate(timeout=a.duration + 60)
    sampler.stop.set()
    sampler.join()
    delta = {k: v - before.get(k, 0) for k, v in c.metrics(p.port).items()}
    refused = (delta.get('idp_throttled_total{action="sign_in"}', 0)
               + sum(v for k, v in delta.items() if k.startswith("idp_password_checks_refused_total")))
    sent = re.search(r"(\d+) requests in", out)
    res.update(flood_sent=int(sent.group(1)) if sent else 0, flood_429=refused, peak_rss=sampler.peak_rss,
               rss_before=rss_before,
               flood_rps=(int(sent.group(1)) if sent else 0) / (a.duration + 2))
    res["invalid"] = [f"{res['non2xx']} failed sign-ins"] if res["non2xx"] else []
    return res


# ---------------------------------------------------------------------------------------
# The limits: RSA signing and argon2 verification as idp's own benchmarks time them.
# ---------------------------------------------------------------------------------------

# Signatures per thread in the jose bench's all-cores figure (PARALLEL_SIGNS there).
PARALLEL_SIGNS = 64


def limit(limits, key, per_request, bench, digits, why):
    """Requests/s the cores allow when each needs `per_request` runs of `bench`, and how
    that was reached: from the all-cores timing (`<key>_all_ms`) when there is one, since
    cores working together share caches, hyperthreads and the memory bus (`why`), else
    from the one-core timing (`<key>_ms`); None without either."""
    one, every = limits.get(f"{key}_ms"), limits.get(f"{key}_all_ms")
    ms = every or one
    if not ms:
        return None
    runs = f"{per_request} × {ms:.{digits}f} ms" if per_request > 1 else f"{ms:.{digits}f} ms"
    if every:
        how = f"{CORES} cores ÷ ({runs}, {why}; {one or 0:.{digits}f} ms on one)"
    else:
        how = f"{CORES} cores ÷ ({runs}, `{bench}`)"
    return CORES / (per_request * ms / 1000), how


def rsa_limit(limits):
    """Exchanges/s two RS256 signatures each allow."""
    return limit(limits, "rsa", 2, "sign_jwt RS256", 3,
                 "one signature's share of `sign_jwt RS256` on every core at once")


def argon2_limit(limits):
    """Password checks/s the cores allow."""
    return limit(limits, "argon2", 1, "argon2id verify", 2, "`argon2id verify on every core at once`")


def criterion_ms(bench, name):
    """Median time of one criterion benchmark of idp-core, in ms, or None."""
    cmd = ["cargo", "bench", "--locked", "-p", "idp-core", "--bench", bench, "--", "--warm-up-time", "1",
           "--measurement-time", "4", "--noplot", name]
    print(f"timing {name}: {' '.join(cmd)}", file=sys.stderr)
    out = subprocess.run(cmd, cwd=c.ROOT, capture_output=True, text=True, env={**os.environ, "CARGO_TARGET_DIR": c.TARGET})
    m = re.search(r"time:\s+\[[\d.]+ \S+ ([\d.]+) (ns|µs|us|ms|s) ", out.stdout)
    if not m:
        print(f"could not time {name}: {out.stderr[-600:]}", file=sys.stderr)
        return None
    scale = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
    return float(m.group(1)) * scale


# ---------------------------------------------------------------------------------------
# Report.
# ---------------------------------------------------------------------------------------

def fmt(x, digits=0):
    return "—" if x is None else f"{x:,.{digits}f}"


def summarize(results):
    """Medians over rounds for each (row, provider)."""
    out = {}
    for key, rs in results.items():
        m = {k: median([r[k] for r in rs]) for k in ("rps", "p50", "p99", "cpu_us", "all_us")}
        m["non2xx"] = sum(r["non2xx"] for r in rs)
        m["invalid"] = sorted({i for r in rs for i in r["invalid"]})
        for k in ("flood_429", "flood_sent", "flood_rps", "peak_rss", "rss_before"):
            if k in rs[0]:
                m[k] = median([r[k] for r in rs]) if k != "peak_rss" else max(r[k] for r in rs)
        out[key] = m
    return out


def report(a, med, providers, limits, ref_version):
    names = [p.name for p in providers]
    ref = "reference" if "reference" in names else None
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    reference = (f" Reference: oidc-provider {ref_version} on Node {node}, one process, in-memory adapter, opaque "
                 "access tokens for codes and refreshes (its default), ES256 JWT access tokens for client credentials "
                 "(as idp's), ID tokens signed ES256 (RS256 in the RS256 row), refresh tokens rotated "
                 "on every use." if ref_version else "")
    print(f"\n{CORES} cores shared by the providers, the stores and the load generator (load average "
          f"{a.load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after); {a.connections} connections "
          f"(wrk -t2), {a.rounds} round(s) of {a.duration} s, medians over rounds.{reference}"
          + (f" idp settings: {', '.join(a.env)}." if a.env else "") + "\n")
    print("| row | provider | requests/s | p50 ms | p99 ms | server CPU µs/req | with stores CPU µs/req | non-2xx | "
          "rate ÷ reference | CPU ÷ reference | valid |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in a.rows:
        if row in SIGN_IN_ROWS:
            continue
        r_ref = med.get((row, ref)) if ref else None
        for name in names:
            m = med.get((row, name))
            if not m:
                continue
            rate = cpu_ratio = None
            if r_ref and name != ref and not r_ref["invalid"]:
                rate = m["rps"] / r_ref["rps"] if r_ref["rps"] else None
                cpu_ratio = m["all_us"] / r_ref["all_us"] if r_ref["all_us"] else None
            print(f"| {row} | {name} | {fmt(m['rps'])} | {m['p50']:.2f} | {m['p99']:.2f} | {fmt(m['cpu_us'])} | "
                  f"{fmt(m['all_us'])} | {m['non2xx']} | {fmt(rate, 2)} | {fmt(cpu_ratio, 2)} | "
                  f"{'; '.join(m['invalid']) or 'yes'} |")
    if "exchange_rs256" in a.rows and rsa_limit(limits):
        lim, how = rsa_limit(limits)
        print(f"\nTwo-RSA-signature limit: {how} = {lim:,.0f}/s.")
        one = CORES / (2 * limits["rsa_ms"] / 1000) if limits.get("rsa_ms") else None
        for name in names:
            m = med.get(("exchange_rs256", name))
            if m and name != ref:
                print(f"- {name}: {m['rps']:,.0f}/s = {100 * m['rps'] / lim:.0f} % of the limit"
                      + (f" ({100 * m['rps'] / one:.0f} % of {one:,.0f}/s, the one-core time times the cores)"
                         if one and one != lim else ""))
    sign_in = [(row, name) for row in SIGN_IN_ROWS if row in a.rows for name in names if (row, name) in med]
    if sign_in:
        lim, how = argon2_limit(limits) or (None, None)
        print(f"\nSign-in rows ({a.signin_clients} clients, each sign-in from a fresh source address and the next of "
              f"{a.members} members). Argon2 limit: " + (f"{how} = {lim:.0f} checks/s." if lim else "not timed."))
        print("\n| row | provider | completed/s | % of argon2 limit | p50 ms | p99 ms | server CPU ms each | with stores ms each | "
              "failed | flood sent/s | flood 429 | RSS before MiB | peak RSS MiB | valid |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for row, name in sign_in:
            m = med[(row, name)]
            print(f"| {row} | {name} | {m['rps']:.1f} | {fmt(100 * m['rps'] / lim if lim else None)} | {m['p50']:.1f} | "
                  f"{m['p99']:.1f} | {m['cpu_us'] / 1000:.2f} | {m['all_us'] / 1000:.2f} | {m['non2xx']} | "
                  f"{fmt(m.get('flood_rps'))} | {fmt(m.get('flood_429'))} | {fmt(m.get('rss_before'), 1)} | "
                  f"{fmt(m.get('peak_rss'), 1)} | "
                  f"{'; '.join(m['invalid']) or 'yes'} |")
    targets(a, med, names, ref, limits)


def targets(a, med, names, ref, limits):
    idps = [n for n in names if n != ref]
    lines = []

    def add(path, target, measured, met):
        lines.append(f"| {path} | {target} | {measured} | {'—' if met is None else 'met' if met else 'not met'} |")

    def floor_row(row, label, floor):
        got = [(n, med[(row, n)]) for n in idps if (row, n) in med]
        if got:
            add(label, f"≥ {floor:,}/s on both",
                ", ".join(f"{n.split()[-1]} {m['rps']:,.0f}/s" for n, m in got),
                all(m["rps"] >= floor and not m["invalid"] for _, m in got))
    floor_row("exchange", "authorization-code exchange (ES256)", 5000)
    floor_row("refresh", "refresh (ES256)", 4000)
    floor_row("userinfo", "userinfo", 20000)
    r = med.get(("client_credentials", ref)) if ref else None
    got = [(n, med[("client_credentials", n)]) for n in idps if ("client_credentials", n) in med]
    if got:
        if r and r["rps"]:
            add("client credentials", "≥ 10× the reference",
                ", ".join(f"{n.split()[-1]} {m['rps'] / r['rps']:.1f}×" for n, m in got) + f" (reference {r['rps']:,.0f}/s)",
                all(m["rps"] >= 10 * r["rps"] for _, m in got) and not r["invalid"])
        else:
            add("client credentials", "≥ 10× the reference", "reference not run", None)
    got = [(n, med[("exchange_rs256", n)]) for n in idps if ("exchange_rs256", n) in med]
    if got and rsa_limit(limits):
        lim, _ = rsa_limit(limits)
        add("RS256 exchange", f"≥ 90% of {lim:,.0f}/s",
            ", ".join(f"{n.split()[-1]} {100 * m['rps'] / lim:.0f} %" for n, m in got),
            all(m["rps"] >= 0.9 * lim for _, m in got))
    got = [(n, med[("flood", n)]) for n in idps if ("flood", n) in med]
    if got and argon2_limit(limits):
        lim, _ = argon2_limit(limits)
        add("password sign-in during a 10× flood", f"≥ 90% of {lim:.0f}/s, flood 429, RSS < 100 MiB",
            ", ".join(f"{n.split()[-1]} {100 * m['rps'] / lim:.0f} %, {m['flood_429']:,.0f} × 429, {m['peak_rss']:.0f} MiB"
                      for n, m in got),
            all(m["rps"] >= 0.9 * lim and m["flood_429"] > 0 and m["peak_rss"] < 100 for _, m in got))
    hot = [(row, n) for row in ("exchange", "refresh", "userinfo") for n in idps if (row, n) in med]
    if hot:
        worst = max(hot, key=lambda k: med[k]["p99"])
        add("p99 at 32 connections (exchange, refresh, userinfo)", "< 10 ms",
            f"worst {med[worst]['p99']:.1f} ms ({worst[0]}, {worst[1]})",
            all(med[k]["p99"] < 10 for k in hot) if a.connections == 32 else None)
    if lines:
        print("\n| path | target | measured | |\n|---|---|---|---|")
        print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--rows", default=",".join(ROWS), help="comma-separated subset of: " + ", ".join(ROWS))
    ap.add_argument("--providers", default="sqlite,postgres,reference")
    ap.add_argument("--profile", metavar="ROW[@PROVIDER]",
                    help="perf record -g the provider (default the first idp) during ROW's first round")
    ap.add_argument("--seed-rate", type=int, default=10000,
                    help="single-use codes, refresh tokens or proofs seeded per second of a row (more than the fastest "
                         "provider uses)")
    ap.add_argument("--userinfo-seed-rate", type=int, default=25000,
                    help="the same for userinfo_dpop's proofs (about 26,000 a second to make here)")
    ap.add_argument("--signin-clients", type=int, default=8, help="concurrent browsers in the sign-in rows")
    ap.add_argument("--members", type=int, default=3000, help="members the sign-in rows spread over")
    ap.add_argument("--rsa-sign-ms", type=float, help="RS256 signing time (default: cargo bench -p idp-core --bench jose)")
    ap.add_argument("--argon2-ms", type=float, help="argon2id verify time (default: cargo bench -p idp-core --bench password)")
    ap.add_argument("--rsa-all-ms", type=float,
                    help="RS256 signing time per signature while every core signs (default: timed as --rsa-sign-ms)")
    ap.add_argument("--argon2-all-ms", type=float,
                    help="argon2id verify time while every core verifies (default: timed as --argon2-ms)")
    ap.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                    help="a setting for both idp servers, e.g. IDP_DATABASE__DURABLE_GRANT_WRITES=false")
    ap.add_argument("--binary", default=c.BIN, help="the idp release binary")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    a.rows = [r.strip() for r in a.rows.split(",") if r.strip()]
    unknown = [r for r in a.rows if r not in ROWS]
    if unknown:
        sys.exit(f"unknown rows {unknown}; rows: {', '.join(ROWS)}")
    wanted = [p.strip() for p in a.providers.split(",")]
    profile_row, _, profile_provider = (a.profile or "").partition("@")
    if a.profile and profile_row not in a.rows:
        sys.exit(f"--profile {a.profile}: {profile_row} is not among the rows run")
    if a.profile and not shutil.which("perf"):
        sys.exit("--profile needs perf (apt-get install linux-perf)")

    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "idp"], cwd=c.ROOT, check=True,
                       env={**os.environ, "CARGO_TARGET_DIR": c.TARGET})
    if not os.path.exists(a.binary):
        sys.exit(f"no release binary at {a.binary}: cargo build --release -p idp-http")
    a.load_before = os.getloadavg()[0]
    limits = {"rsa_ms": a.rsa_sign_ms, "rsa_all_ms": a.rsa_all_ms, "argon2_ms": a.argon2_ms,
              "argon2_all_ms": a.argon2_all_ms}
    if "exchange_rs256" in a.rows and not limits["rsa_ms"]:
        limits["rsa_ms"] = criterion_ms("jose", "^sign_jwt RS256$")
    if "exchange_rs256" in a.rows and not limits["rsa_all_ms"]:
        t = criterion_ms("jose", f"^sign_jwt RS256, {PARALLEL_SIGNS} on every core at once$")
        limits["rsa_all_ms"] = t / PARALLEL_SIGNS if t else None
    if set(SIGN_IN_ROWS) & set(a.rows) and not limits["argon2_ms"]:
        limits["argon2_ms"] = criterion_ms("password", "argon2id verify, shipped parameters")
    if set(SIGN_IN_ROWS) & set(a.rows) and not limits["argon2_all_ms"]:
        limits["argon2_all_ms"] = criterion_ms("password", "argon2id verify on every core at once")
    print(f"limits: {limits}", file=sys.stderr)

    # --profile ROW@sqlite, @postgres or @reference; the first idp by default.
    idps = [w for w in wanted if w != "reference"]
    profiled = (profile_provider.split()[-1] if profile_provider else idps[0] if idps else None) if a.profile else None
    if profiled and profiled not in wanted:
        sys.exit(f"--profile {a.profile}: {profiled} is not among the providers run")
    profiler = Profiler(f"{profile_row}-{profiled}") if profiled else None
    providers = []
    try:
        for w in wanted:
            mine = profiler if w == profiled else None
            providers.append(Reference(mine) if w == "reference" else Idp(w, a.binary, a.members, mine, a.env))
            print(f"started {providers[-1].name} at {providers[-1].base} (pid {providers[-1].pid})", file=sys.stderr)
        meta = {p.name: p.discovery() for p in providers}
        ref_version = next((p.version for p in providers if p.kind == "reference"), None)
        results = {}
        for r in range(a.rounds):
            for row in a.rows:
                # Alternate the order, so a drift in the machine's load favours none.
                for p in (providers if r % 2 == 0 else providers[::-1]):
                    if row in SIGN_IN_ROWS and p.kind != "idp":
                        continue
                    profile = r == 0 and row == profile_row and p.profiler is not None
                    if row == "signin_flow":
                        res = flow_row(p, a, profile)
                    elif row == "flood":
                        res = flood_row(p, a, (argon2_limit(limits) or (0, ""))[0], profile)
                    else:
                        res = wrk_row(row, p, meta[p.name], a, profile, results.get((row, p.name)))
                    results.setdefault((row, p.name), []).append(res)
                    print(f"round {r + 1} {row:18} {p.name:13} {res['rps']:9.1f}/s p50 {res['p50']:.2f} ms "
                          f"p99 {res['p99']:.2f} ms CPU {res['cpu_us']:.0f} (+stores {res['all_us']:.0f}) us/req "
                          f"{'; '.join(res['invalid']) or 'ok'}", file=sys.stderr)
        report(a, summarize(results), providers, limits, ref_version)
    finally:
        for p in providers:
            p.stop()
    if profiler:
        print(f"\nProfile of {profiled} during {profile_row}, round 1:\n\n```\n{profiler.report()}\n```")


if __name__ == "__main__":
    main()
