//! Private PostgreSQL and Redis processes that a fault test starts, stops and restarts
//! itself, on free loopback ports, so it never disturbs the shared test backends.
//! PostgreSQL refuses to run as root: as root (CI), its commands run as `postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::free_port;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Fails the test when backends are required (CI), else prints a `SKIPPED:` line.
pub fn missing(test: &str, what: &str) {
    assert!(
        std::env::var("IDP_TEST_REQUIRE_BACKENDS").as_deref() != Ok("1"),
        "{test} needs {what}, and IDP_TEST_REQUIRE_BACKENDS=1 says backends are required"
    );
    let _ = std::io::stderr().write_all(format!("\nSKIPPED: {test} needs {what}\n").as_bytes());
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The newest installed PostgreSQL's `bin` directory.
fn postgres_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("pg_ctl").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// A PostgreSQL cluster of its own in a temporary directory.
pub struct PrivatePostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
    pub port: u16,
}

impl PrivatePostgres {
    /// Creates and starts the cluster; `None` after a skip line when PostgreSQL is not
    /// installed (a failure when backends are required).
    pub fn start(test: &str) -> Option<PrivatePostgres> {
        let Some(bin) = postgres_bin() else {
            missing(test, "PostgreSQL binaries in /usr/lib/postgresql/*/bin");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let as_postgres = is_root();
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap()
                .success();
            assert!(
                ok,
                "cannot hand {} to the postgres user",
                dir.path().display()
            );
        }
        let pg = PrivatePostgres {
            dir,
            bin,
            as_postgres,
            port: free_port(),
        };
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        pg.start_server();
        Some(pg)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A connection URL for the `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self
            .command(program)
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?} failed:\n{}\n{}\nserver log:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
        );
    }

    fn pg_ctl(&self, args: &[&str]) {
        let data = self.data();
        let log = self.dir.path().join("server.log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        let mut all = vec![
            "-D",
            data.to_str().unwrap(),
            "-l",
            log.to_str().unwrap(),
            "-o",
            &options,
            "-w",
            "-t",
            "30",
        ];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all);
    }

    fn start_server(&self) {
        self.pg_ctl(&["start"]);
    }

    /// `pg_ctl restart -m fast`: in-flight sessions are terminated.
    pub fn restart(&self) {
        self.pg_ctl(&["-m", "fast", "restart"]);
    }

    pub fn stop(&self) {
        self.pg_ctl(&["-m", "fast", "stop"]);
    }

    pub fn start_again(&self) {
        self.start_server();
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args([
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Whether `program --version` runs.
fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A Redis of its own, without persistence: a restart forgets every key.
pub struct PrivateRedis {
    child: Option<Child>,
    pub port: u16,
    /// Where a replica keeps what its master sends (never the test's working directory).
    dir: tempfile::TempDir,
    extra: Vec<String>,
}

impl PrivateRedis {
    pub fn start(test: &str) -> Option<PrivateRedis> {
        if !installed("redis-server") {
            missing(test, "redis-server");
            return None;
        }
        Some(PrivateRedis::spawned(Vec::new()))
    }

    fn spawned(extra: Vec<String>) -> PrivateRedis {
        let mut redis = PrivateRedis {
            child: None,
            port: free_port(),
            dir: tempfile::tempdir().unwrap(),
            extra,
        };
        redis.spawn();
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn spawn(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .args(&self.extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !answers_ping(self.port) {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Kills Redis and starts a fresh one on the same port: every key is gone.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// Kills Redis (SIGKILL); [`PrivateRedis::start_again`] brings it back empty.
    pub fn stop(&mut self) {
        self.kill();
    }

    pub fn start_again(&mut self) {
        self.spawn();
    }
}

fn answers_ping(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0u8; 7];
    s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The name the sentinels of [`RedisWithSentinels`] monitor their master under.
pub const MASTER_NAME: &str = "idp-master";

/// A Redis master and its replica, watched by three sentinels (quorum 2) that fail the
/// master over one second after it stops answering. Nothing is persisted.
pub struct RedisWithSentinels {
    /// The first master and its replica, in that order (roles change on failover).
    nodes: Vec<PrivateRedis>,
    sentinels: Vec<Child>,
    pub sentinel_ports: Vec<u16>,
    dir: tempfile::TempDir,
}

impl RedisWithSentinels {
    /// Starts them all and waits until the sentinels know the replica and each other,
    /// so that a failover can happen; `None` after a skip line without Redis.
    pub fn start(test: &str) -> Option<RedisWithSentinels> {
        if !installed("redis-server") || !installed("redis-cli") {
            missing(test, "redis-server and redis-cli");
            return None;
        }
        let master = PrivateRedis::spawned(Vec::new());
        let replica = PrivateRedis::spawned(vec![
            "--replicaof".into(),
            "127.0.0.1".into(),
            master.port.to_string(),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let master_port = master.port;
        let mut group = RedisWithSentinels {
            sentinel_ports: Vec::new(),
            sentinels: Vec::new(),
            dir,
            nodes: vec![master, replica],
        };
        for _ in 0..3 {
            let port = free_port();
            // A sentinel rewrites its configuration file: one each, in the group's directory.
            let conf = group.dir.path().join(format!("sentinel-{port}.conf"));
            std::fs::write(
                &conf,
                format!(
                    "port {port}\nbind 127.0.0.1\ndir {dir}\n\
                     sentinel monitor {MASTER_NAME} 127.0.0.1 {master} 2\n\
                     sentinel down-after-milliseconds {MASTER_NAME} 1000\n\
                     sentinel failover-timeout {MASTER_NAME} 10000\n",
                    dir = group.dir.path().display(),
                    master = master_port,
                ),
            )
            .unwrap();
            let child = Command::new("redis-server")
                .arg(&conf)
                .arg("--sentinel")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            group.sentinels.push(child);
            group.sentinel_ports.push(port);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while !group.settled() {
            assert!(
                Instant::now() < deadline,
                "the sentinels did not find the replica and each other within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(group)
    }

    /// `redis.url` for the sentinels.
    pub fn url(&self) -> String {
        let hosts: Vec<String> = self
            .sentinel_ports
            .iter()
            .map(|p| format!("127.0.0.1:{p}"))
            .collect();
        format!("redis+sentinel://{}/{MASTER_NAME}", hosts.join(","))
    }

    fn cli(port: u16, args: &[&str]) -> String {
        let out = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// What the node on `port` says it is (`master`, `slave`), empty when it is gone.
    pub fn role(port: u16) -> String {
        Self::cli(port, &["ROLE"])
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    /// Every sentinel knows the master's replica and the two other sentinels.
    fn settled(&self) -> bool {
        self.sentinel_ports.iter().all(|&p| {
            let replicas = Self::cli(p, &["SENTINEL", "REPLICAS", MASTER_NAME]);
            let others = Self::cli(p, &["SENTINEL", "SENTINELS", MASTER_NAME]);
            replicas.lines().filter(|l| *l == "name").count() == 1
                && others.lines().filter(|l| *l == "name").count() == 2
        })
    }

    /// The master's port as the first sentinel that answers names it.
    pub fn master_port(&self) -> Option<u16> {
        self.sentinel_ports.iter().find_map(|&p| {
            let reply = Self::cli(p, &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME]);
            reply.lines().nth(1)?.trim().parse().ok()
        })
    }

    /// SIGKILLs the node that is master now; its port.
    pub fn kill_master(&mut self) -> u16 {
        let port = self.master_port().expect("the sentinels name a master");
        let node = self
            .nodes
            .iter_mut()
            .find(|n| n.port == port)
            .expect("the master is one of ours");
        node.stop();
        port
    }

    /// Asks a sentinel to fail the master over now (`SENTINEL FAILOVER`): the master is
    /// demoted to a replica, alive; its port.
    pub fn fail_over(&self) -> u16 {
        let port = self.master_port().expect("the sentinels name a master");
        let sentinel = *self.sentinel_ports.first().unwrap();
        let reply = Self::cli(sentinel, &["SENTINEL", "FAILOVER", MASTER_NAME]);
        assert_eq!(reply.trim(), "OK", "SENTINEL FAILOVER answered {reply:?}");
        port
    }

    /// Waits until every sentinel of `sentinel_ports` names a master other than `old`
    /// and that node answers as master; its port.
    pub fn wait_for_new_master_of(sentinel_ports: &[u16], old: u16) -> u16 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let named: Vec<Option<u16>> = sentinel_ports
                .iter()
                .map(|&p| {
                    let reply = Self::cli(p, &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME]);
                    reply.lines().nth(1)?.trim().parse().ok()
                })
                .collect();
            if let Some(Some(new)) = named.first()
                && *new != old
                && named.iter().all(|n| *n == Some(*new))
                && Self::role(*new) == "master"
            {
                return *new;
            }
            assert!(
                Instant::now() < deadline,
                "no failover within 30 s: {named:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for RedisWithSentinels {
    fn drop(&mut self) {
        for child in &mut self.sentinels {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
