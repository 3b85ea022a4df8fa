#!/usr/bin/env python3
"""DPoP against Bearer (issue 16): a DPoP-bound authorization code exchange and a DPoP
userinfo call, each measured against its Bearer version in the same run, on the same
server, in alternating rounds. Prints each row and the cost ratios (Bearer requests/s
over DPoP requests/s, and DPoP p50 over Bearer p50), medians over the rounds.

    python3 bench/dpop.py [--duration 8] [--rounds 3] [--connections 32] [--backend sqlite]

Every DPoP request carries its own proof (ES256, a fresh jti, made here beforehand with
the `cryptography` package), and DPoP codes are seeded bound to the key (`dpop_jkt`), so
the server does the whole RFC 9449 work: header and key, signature, htm/htu, iat, ath,
the single-use jti in Redis, the code binding and cnf.jkt. The iat window is raised to an
hour only so proofs made before the run stay valid through it. Needs what run.py needs.
"""

import argparse, base64, hashlib, json, os, secrets, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402
from common import CODE_PREFIX, write_lines  # noqa: E402

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature  # noqa: E402

LUA = os.path.join(bench.ROOT, "bench", "dpop.lua")
# The header the Bearer rows carry their padding in; the server reads no such header.
PAD = "X-Bench-Pad"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(value):
    return json.dumps(value, separators=(",", ":"))


class Prover:
    """An ES256 DPoP key and its proofs."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        n = self.key.public_key().public_numbers()
        x, y = b64(n.x.to_bytes(32, "big")), b64(n.y.to_bytes(32, "big"))
        jwk = {"kty": "EC", "crv": "P-256", "x": x, "y": y}
        # RFC 7638: required members, sorted, no white space.
        self.jkt = b64(hashlib.sha256(compact({"crv": "P-256", "kty": "EC", "x": x, "y": y}).encode()).digest())
        self.header = b64(compact({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk}).encode())

    def proof(self, htm, htu, access_token=None):
        claims = {"jti": secrets.token_urlsafe(16), "htm": htm, "htu": htu, "iat": int(time.time())}
        if access_token:
            claims["ath"] = b64(hashlib.sha256(access_token.encode()).digest())
        signing_input = f"{self.header}.{b64(compact(claims).encode())}"
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return f"{signing_input}.{b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def post_token(base, basic, body, proof=None):
    headers = {"Authorization": basic, "Content-Type": "application/x-www-form-urlencoded"}
    if proof:
        headers["DPoP"] = proof
    req = urllib.request.Request(base + "/token", data=body.encode(), headers=headers)
    return json.load(urllib.request.urlopen(req))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    ap.add_argument("--codes", type=int, default=45_000,
                    help="codes per kind per round: more than a round uses, or codes are sent twice")
    ap.add_argument("--userinfo", type=int, default=40_000, help="userinfo proofs per round")
    ap.add_argument("--profile", metavar="SCENARIO",
                    help="record the server with perf during this scenario's first round (e.g. 'userinfo DPoP')")
    a = ap.parse_args()
    if not os.path.exists(bench.BIN):
        sys.exit(f"no release binary at {bench.BIN}: cargo build --release -p idp-http")

    work = tempfile.mkdtemp(prefix="idp-bench-dpop-")
    port = bench.free_port()
    base = f"http://127.0.0.1:{port}"
    prefix = f"bench{secrets.token_hex(4)}"
    env = {"PATH": os.environ["PATH"], "IDP_SERVER__BIND": f"127.0.0.1:{port}", "IDP_SERVER__ISSUER": f"http://127.0.0.1:{port}", "IDP_LOG__FILTER": "warn",
           "IDP_REDIS__URL": "redis://127.0.0.1:6379", "IDP_REDIS__KEY_PREFIX": prefix,
           "IDP_DATABASE__MAX_CONNECTIONS": "8", "IDP_DPOP__IAT_WINDOW_SECS": "3600"}
    pg_db = None
    if a.backend == "postgres":
        pg_db = f"idp_bench_{secrets.token_hex(4)}"
        subprocess.run(["psql", "-q", "postgres://postgres@127.0.0.1:5432/postgres", "-c", f"CREATE DATABASE {pg_db}"], check=True)
        # A database on the same host, reached without TLS (libpq would otherwise
        # negotiate it on loopback too and encrypt every statement).
        env["IDP_DATABASE__URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_db}?sslmode=disable"
    server = None
    try:
        bench.run([bench.BIN, "org", "create", "--name", "Bench"], env, work)
        user = json.loads(bench.run([bench.BIN, "user", "create", "--org", "bench", "--email", "bench@example.com",
                                     "--name", "Bench User", "--json"], env, work))
        # No refresh token: the exchange measured is the code's own work and signatures.
        c = json.loads(bench.run([bench.BIN, "client", "create", "--org", "bench", "--name", "bench ES256", "--redirect-uri",
                                  "https://rp.example.com/cb", "--grant", "authorization_code", "--signing-alg", "ES256",
                                  "--first-party", "--json"], env, work))
        basic = "Basic " + base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
        prover = Prover()
        n = a.codes * a.rounds
        bearer_codes = bench.seed_codes(prefix, c["client_id"], user["id"], n + 1, work)
        dpop_codes = bench.seed_codes(prefix, c["client_id"], user["id"], n + 1, work, {"dpop_jkt": prover.jkt})
        server = subprocess.Popen([bench.BIN, "serve"], env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # The provider's cost per request is its own CPU and Redis's (DPoP adds a command).
        pids = [server.pid] + ([bench.redis_pid()] if bench.redis_pid() else [])
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.05)
        token_url, userinfo_url = base + "/token", base + "/userinfo"
        bearer_access = post_token(base, basic, CODE_PREFIX + bearer_codes.pop())["access_token"]
        bound = post_token(base, basic, CODE_PREFIX + dpop_codes.pop(), prover.proof("POST", token_url))
        assert bound["token_type"] == "DPoP", bound
        dpop_access = bound["access_token"]

        print("making proofs...", file=sys.stderr)
        form = "Content-Type: application/x-www-form-urlencoded"
        auth = f"Authorization: {basic}"
        rounds = []
        for r in range(a.rounds):
            codes_b = bearer_codes[r * a.codes:(r + 1) * a.codes]
            codes_d = dpop_codes[r * a.codes:(r + 1) * a.codes]
            token_proofs = [prover.proof("POST", token_url) for _ in codes_d]
            userinfo_proofs = write_lines(work, f"u{r}.txt", [prover.proof("GET", userinfo_url, dpop_access)
                                                              for _ in range(a.userinfo)])
            # Bearer rows carry the same proofs under a header the server ignores: the
            # same bytes and the same work for wrk, so only the server's work differs.
            rounds.append({
                "exchange Bearer": dict(script=LUA, headers=[auth, form],
                                        args=[PAD, "post", CODE_PREFIX, write_lines(work, f"b{r}.txt",
                                              [f"{p} {code}" for p, code in zip(token_proofs, codes_b)])]),
                "exchange DPoP": dict(script=LUA, headers=[auth, form],
                                      args=["DPoP", "post", CODE_PREFIX, write_lines(work, f"d{r}.txt",
                                            [f"{p} {code}" for p, code in zip(token_proofs, codes_d)])]),
                "userinfo Bearer": dict(script=LUA, headers=[f"Authorization: Bearer {bearer_access}"],
                                        args=[PAD, "get", userinfo_proofs]),
                "userinfo DPoP": dict(script=LUA, headers=[f"Authorization: DPoP {dpop_access}"],
                                      args=["DPoP", "get", userinfo_proofs]),
            })
        results = {}
        for r, scenarios in enumerate(rounds):
            # Alternate which goes first, so a drift in the machine's load favours neither.
            order = list(scenarios.items())
            if r % 2 == 1:
                order = [order[1], order[0], order[3], order[2]]
            for name, kw in order:
                url = token_url if name.startswith("exchange") else userinfo_url
                perf = None
                if name == a.profile and r == 0:
                    out = os.path.join(bench.ROOT, "bench", f"perf-{name.replace(' ', '-')}.data")
                    perf = subprocess.Popen(["perf", "record", "-F", "999", "-o", out, "-p", str(server.pid),
                                             "--", "sleep", str(a.duration)],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                before = [bench.cpu_seconds(pid) for pid in pids]
                res = bench.wrk(url, a.connections, a.duration, **kw)
                if perf:
                    perf.wait()
                    print(f"profile: perf report -i {out}", file=sys.stderr)
                spent = [bench.cpu_seconds(pid) - b for pid, b in zip(pids, before)]
                res["cpu_us"] = sum(spent) / max(res["requests"], 1) * 1e6
                results.setdefault(name, []).append(res)
                print(f"round {r + 1} {name:16} {res['rps']:8.0f}/s p50 {res['p50']:.2f} ms p99 {res['p99']:.2f} ms "
                      f"CPU {res['cpu_us']:.0f} us/request non-2xx {res['non2xx']}", file=sys.stderr)
        med = {name: {k: statistics.median(x[k] for x in rs) for k in ("rps", "p50", "p99", "cpu_us")} | {"non2xx": sum(x["non2xx"] for x in rs)}
               for name, rs in results.items()}
        print(f"\n{a.backend}, Redis, {a.connections} connections, {a.rounds} rounds of {a.duration} s, medians over rounds\n")
        print("| scenario | requests/s | p50 ms | p99 ms | server + Redis CPU µs/request | non-2xx |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, m in med.items():
            print(f"| {name} | {m['rps']:.0f} | {m['p50']:.2f} | {m['p99']:.2f} | {m['cpu_us']:.0f} | {m['non2xx']} |")
        print("\n| path | CPU ratio (DPoP ÷ Bearer) | rate ratio (Bearer req/s ÷ DPoP req/s) | p50 ratio (DPoP ÷ Bearer) | target |")
        print("|---|---:|---:|---:|---:|")
        for path in ("exchange", "userinfo"):
            b, d = med[f"{path} Bearer"], med[f"{path} DPoP"]
            print(f"| {path} | {d['cpu_us'] / b['cpu_us']:.2f} | {b['rps'] / d['rps']:.2f} | {d['p50'] / b['p50']:.2f} | ≤ 1.30 |")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        subprocess.run(f"redis-cli --scan --pattern '{prefix}:*' | xargs -r -n 1000 redis-cli del >/dev/null", shell=True)
        if pg_db:
            subprocess.run(["psql", "-q", "postgres://postgres@127.0.0.1:5432/postgres", "-c", f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)"])
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
