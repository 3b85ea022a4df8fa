//! Helpers for end-to-end tests: run the real `idp` binary in a fresh directory on a
//! free loopback port, read its log, and reach the test backends.
#![allow(dead_code)]

pub mod flow;
pub mod processes;
pub mod smtp;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_idp");

/// Cheap argon2 for tests; the shipped defaults stay OWASP's. Rate limits far out of
/// reach: every test signs in from 127.0.0.1, and tests on Redis share its counters
/// (throttle.rs raises them back for what it checks).
const TEST_ENV: &[(&str, &str)] = &[
    ("IDP_SECURITY__ARGON2_MEMORY_KIB", "64"),
    ("IDP_SECURITY__ARGON2_ITERATIONS", "1"),
    ("IDP_LOG__FILTER", "info"),
    ("IDP_THROTTLE__SIGN_IN_PER_ADDRESS", "100000"),
    ("IDP_THROTTLE__SIGN_IN_PER_ACCOUNT", "100000"),
    ("IDP_THROTTLE__SECOND_FACTOR_PER_ADDRESS", "100000"),
    ("IDP_THROTTLE__SECOND_FACTOR_PER_ACCOUNT", "100000"),
    ("IDP_THROTTLE__PASSWORD_RESET_PER_ADDRESS", "100000"),
    ("IDP_THROTTLE__PASSWORD_RESET_PER_ACCOUNT", "100000"),
    ("IDP_THROTTLE__EMAIL_CODE_PER_ADDRESS", "100000"),
    ("IDP_THROTTLE__EMAIL_CODE_PER_ACCOUNT", "100000"),
    ("IDP_THROTTLE__CLIENT_AUTH_FAILURES_PER_ADDRESS", "100000"),
    ("IDP_THROTTLE__USER_CODE_FAILURES_PER_ADDRESS", "100000"),
];

pub use smtp::free_port;

/// `idp` in `dir` with a clean environment: only what the test gives it.
pub fn idp(dir: &Path, env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).env_clear();
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    for (k, v) in TEST_ENV.iter().chain(env) {
        cmd.env(k, v);
    }
    cmd
}

/// Runs an `idp` command to completion.
pub fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    idp(dir, env)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A running `idp serve`.
pub struct Server {
    child: Child,
    pub base: String,
    pub dir: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `idp serve` in `dir` on a free port and waits until it answers /healthz.
    pub async fn start(dir: &Path, env: &[(&str, &str)]) -> Server {
        Server::start_on(dir, env, free_port()).await
    }

    /// As [`Server::start`] on `port`: a restarted server keeps its address and so its
    /// issuer.
    pub async fn start_on(dir: &Path, env: &[(&str, &str)], port: u16) -> Server {
        let bind = format!("127.0.0.1:{port}");
        let mut all: Vec<(&str, &str)> = vec![("IDP_SERVER__BIND", bind.as_str())];
        all.extend_from_slice(env);
        let mut child = idp(dir, &all)
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let mut server = Server {
            child,
            base: format!("http://{bind}"),
            dir: dir.to_owned(),
            log,
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            // A server that could not bind exits; whatever else answers on the port
            // is not this test's provider.
            let exited = server.child.try_wait().ok().flatten();
            assert!(
                exited.is_none(),
                "idp exited ({exited:?}) while starting; log:\n{}",
                server.log()
            );
            if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await
                && r.status().is_success()
            {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "idp did not start; log:\n{}",
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    pub fn port(&self) -> u16 {
        self.base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap()
    }

    /// The process id of the node.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(self) -> (ExitStatus, String) {
        self.send_term();
        self.wait_exit()
    }

    /// Sends SIGTERM and returns at once.
    pub fn send_term(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (up to 30 s) for the process to exit.
    pub fn wait_exit(mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(100));
                return (status, self.log());
            }
            assert!(Instant::now() < deadline, "idp did not stop after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `idp serve` on a free port expecting it to refuse to start: waits (up to 30 s)
/// for it to exit, and answers its exit status and standard error. A node that starts
/// instead is killed and the test fails.
pub fn refused_to_start(dir: &Path, env: &[(&str, &str)]) -> (ExitStatus, String) {
    let bind = format!("127.0.0.1:{}", free_port());
    let mut all: Vec<(&str, &str)> = vec![("IDP_SERVER__BIND", bind.as_str())];
    all.extend_from_slice(env);
    let mut child = idp(dir, &all)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status, reader.join().unwrap());
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("idp serve started: {}", reader.join().unwrap());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A backend URL from the environment. Missing: the test fails when backends are
/// required (CI), and is skipped with a visible line otherwise.
pub fn backend_url(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                std::env::var("IDP_TEST_REQUIRE_BACKENDS").as_deref() != Ok("1"),
                "{test} needs {var}, and IDP_TEST_REQUIRE_BACKENDS=1 says backends are required"
            );
            eprintln!("SKIPPED: {test} needs {var}");
            None
        }
    }
}

/// A fresh PostgreSQL database, dropped when this guard goes.
pub struct PgDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create(admin_url: &str) -> PgDatabase {
        use diesel::{Connection as _, RunQueryDsl as _};
        let name = format!("idp_e2e_{}", uuid_hex());
        let mut conn = diesel::PgConnection::establish(admin_url).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .unwrap();
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("IDP_TEST_DATABASE_URL needs a database name"),
        };
        PgDatabase {
            admin_url: admin_url.to_owned(),
            name,
            url,
        }
    }
}

impl PgDatabase {
    /// Runs a statement; how many rows it touched.
    pub fn execute(&self, sql: &str) -> usize {
        use diesel::{Connection as _, RunQueryDsl as _};
        let mut conn = diesel::PgConnection::establish(&self.url).unwrap();
        diesel::sql_query(sql).execute(&mut conn).unwrap()
    }

    /// The BIGINT column `v` of every row a query returns.
    pub fn values(&self, sql: &str) -> Vec<i64> {
        use diesel::{Connection as _, RunQueryDsl as _};
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            v: i64,
        }
        let mut conn = diesel::PgConnection::establish(&self.url).unwrap();
        diesel::sql_query(sql)
            .load::<Row>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|r| r.v)
            .collect()
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        use diesel::{Connection as _, RunQueryDsl as _};
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

fn uuid_hex() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:x}{:x}", nanos, std::process::id())
}

/// The first-run token printed in the log.
pub fn bootstrap_token(log: &str) -> Option<String> {
    let start = log.find("/bootstrap?token=")? + "/bootstrap?token=".len();
    let token: String = log[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Some(token)
}

/// Polls `check` every 20 ms for up to `limit`; whether it came to hold.
pub async fn within<F, Fut>(limit: std::time::Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}
