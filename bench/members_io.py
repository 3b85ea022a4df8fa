#!/usr/bin/env python3
"""Member export and import benchmark (not a test). On a fresh embedded SQLite
database it seeds `--members` members (100,000) straight into the tables the way
`idp user create` stores them (no passwords), then times, each as its own `idp`
process, with wall time and the process's peak RSS (getrusage of the child):

- `idp user export --format csv` and `--format xlsx` of the organization, and CSV with
  `--subtree` (the same members, read through the subtree's organizations);
- `idp user import` (the dry run) of a CSV of `--rows` rows (20,000): every tenth row
  turns email login off, every tenth a new member, the rest unchanged, as an
  administrator's edited export would be.

    python3 bench/members_io.py [--members 100000] [--rows 20000] [--binary PATH]

Uses the binary under $CARGO_TARGET_DIR (debug unless --binary says otherwise);
figures from a debug build are pessimistic for idp's own code (dependencies are
optimized even there).
"""

import argparse, csv, json, os, sqlite3, subprocess, sys, tempfile, time, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "idp-target")

ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "IDP_LOG__FILTER": "warn",
    "IDP_SECURITY__ARGON2_MEMORY_KIB": "64",
    "IDP_SECURITY__ARGON2_ITERATIONS": "1",
    "IDP_MAIL__TRANSPORT": "file",
}


def idp(binary, work, *args):
    """Runs `idp args` in `work`: wall seconds, its peak RSS in MiB, its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen([binary, *args], env=ENV, cwd=work, stdout=out, stderr=err)
        # wait4 gives this child's own resource usage, peak RSS included.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"idp {' '.join(args)} failed:\n{err.read().decode()}")
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def seed(db_path, org_id, n):
    now = int(time.time() * 1_000_000)
    con = sqlite3.connect(db_path)
    users, creds = [], []
    for i in range(n):
        uid = str(uuid.uuid4())
        users.append((uid, org_id, f"member{i:06d}@example.com", 0, f"Member {i}", "active", 0, now, now))
        creds.append((uid, 1, now))
    con.executemany(
        "INSERT INTO users (id, org_id, email, email_verified, name, status, super_admin, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        users,
    )
    con.executemany("INSERT INTO credentials (user_id, email_login_enabled, updated_at) VALUES (?, ?, ?)", creds)
    con.commit()
    con.close()


def edited_csv(path, rows):
    """An edited export, saved the way Excel saves CSV UTF-8."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["member_id", "email", "name", "organization", "status", "email_login_enabled"])
        for i in range(rows):
            if i % 10 == 9:
                w.writerow(["", f"new{i:06d}@example.com", f"New {i}", "/Acme", "active", "N"])
            else:
                w.writerow(["", f"member{i:06d}@example.com", f"Member {i}", "/Acme", "active", "N" if i % 10 == 0 else "Y"])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--members", type=int, default=100_000)
    p.add_argument("--rows", type=int, default=20_000)
    p.add_argument("--binary", default=os.path.join(TARGET, "debug", "idp"))
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="idp-members-io-")
    out = idp(a.binary, work, "org", "create", "--name", "Acme", "--slug", "acme", "--json")[2]
    org_id = json.loads(out)["id"]
    t = time.monotonic()
    seed(os.path.join(work, "data", "idp.db"), org_id, a.members)
    print(f"seeded {a.members} members in {time.monotonic() - t:.1f} s ({work})")
    rows = []
    for fmt in ("csv", "xlsx"):
        target = os.path.join(work, f"members.{fmt}")
        wall, rss, _ = idp(a.binary, work, "user", "export", "--org", "acme", "--format", fmt, "-o", target)
        size = os.path.getsize(target) / (1024 * 1024)
        rows.append((f"export {a.members} members, {fmt}", wall, a.members / wall, rss, f"{size:.1f} MiB file"))
    target = os.path.join(work, "subtree.csv")
    wall, rss, _ = idp(a.binary, work, "user", "export", "--org", "acme", "--subtree", "--format", "csv", "-o", target)
    rows.append((f"export {a.members} members, csv, --subtree", wall, a.members / wall, rss, ""))
    edited = os.path.join(work, "edited.csv")
    edited_csv(edited, a.rows)
    wall, rss, text = idp(a.binary, work, "user", "import", "--org", "acme", edited)
    totals = next((l for l in text.splitlines() if l.startswith("create ")), "")
    rows.append((f"dry run of {a.rows} rows, csv", wall, a.rows / wall, rss, totals))
    print()
    print("| step | seconds | rows/s | peak RSS MiB | note |")
    print("|---|---:|---:|---:|---|")
    for name, wall, rate, rss, note in rows:
        print(f"| {name} | {wall:.2f} | {rate:,.0f} | {rss:.1f} | {note} |")


if __name__ == "__main__":
    main()
