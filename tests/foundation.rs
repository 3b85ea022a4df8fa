//! End-to-end tests of the foundation: the real `idp` binary on embedded defaults,
//! on PostgreSQL and Redis, its configuration checks, admin commands and failure modes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use serde_json::Value;
use std::os::unix::fs::PermissionsExt as _;
use std::time::{Duration, Instant};
use support::*;

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// One line on standard error, saying what is wrong.
fn assert_one_error_line(o: &std::process::Output, words: &str) {
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "expected one error line, got:\n{err}");
    assert!(
        lines[0].contains(words),
        "error line {:?} should mention {words:?}",
        lines[0]
    );
}

async fn bootstrap(base: &str, token: &str, email: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/bootstrap"))
        .form(&[
            ("token", token),
            ("org_name", "Acme Corp"),
            ("email", email),
            ("name", "Ada Admin"),
            ("password", "correct horse battery"),
            ("password_confirm", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn embedded_defaults_start_and_the_first_run_link_creates_the_super_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]).await;
    let http = reqwest::Client::new();

    assert!(dir.path().join("data/idp.db").is_file());
    let key = dir.path().join("data/master.key");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let key_text = std::fs::read_to_string(&key).unwrap();
    assert!(server.log().contains("generated a new master key"));

    let ready = http
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "ok");
    assert!(body["checks"].get("redis").is_none());

    let metrics = http
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("idp_http_requests_total "), "{metrics}");

    let token = bootstrap_token(&server.log()).expect("a first-run link in the log");
    assert_eq!(
        http.get(format!("{}/bootstrap?token=wrong", server.base))
            .send()
            .await
            .unwrap()
            .status(),
        410
    );
    let page = http
        .get(format!("{}/bootstrap?token={token}", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"autocomplete="username""#)
            && html.contains(r#"autocomplete="new-password""#)
    );

    // Bad input is refused and does not use up the link.
    let mismatch = http
        .post(format!("{}/bootstrap", server.base))
        .form(&[
            ("token", token.as_str()),
            ("org_name", "Acme Corp"),
            ("email", "ada@example.com"),
            ("password", "correct horse battery"),
            ("password_confirm", "something else"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(mismatch.status(), 400);
    let bad_email = bootstrap(&server.base, &token, "not-an-email").await;
    assert_eq!(bad_email.status(), 400);
    assert!(bad_email.text().await.unwrap().contains("@"));

    let created = bootstrap(&server.base, &token, "ada@example.com").await;
    assert_eq!(created.status(), 200);
    assert!(
        created
            .text()
            .await
            .unwrap()
            .contains("Super administrator created")
    );
    assert_eq!(
        bootstrap(&server.base, &token, "eve@example.com")
            .await
            .status(),
        410,
        "the link works once"
    );

    let users = run(
        dir.path(),
        &[],
        &["user", "list", "--org", "acme-corp", "--json"],
    );
    assert!(users.status.success(), "{}", stderr(&users));
    let users = json(&users);
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["email"], "ada@example.com");
    assert_eq!(users[0]["super_admin"], true);

    let port = server.port();
    let (status, log) = server.terminate();
    assert!(status.success(), "exit on SIGTERM: {status:?}\n{log}");
    assert!(log.contains("idp stopped"));

    // A second start keeps the key and, with an administrator in place, prints no link.
    // Same address, so the same issuer (the default follows server.bind): a node of
    // another issuer would be refused.
    let again = Server::start_on(dir.path(), &[], port).await;
    assert_eq!(std::fs::read_to_string(&key).unwrap(), key_text);
    assert!(bootstrap_token(&again.log()).is_none(), "{}", again.log());
}

#[tokio::test]
async fn config_check_masks_secrets_and_bad_values_stop_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let ok = run(
        dir.path(),
        &[
            ("IDP_MAIL__SMTP_PASSWORD", "hunter2"),
            ("IDP_DATABASE__URL", "postgres://u:s3cret@127.0.0.1/db"),
        ],
        &["config", "check"],
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    let shown = stdout(&ok);
    assert!(shown.contains(r#"smtp_password = "***""#), "{shown}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("s3cret"),
        "{shown}"
    );

    std::fs::write(
        dir.path().join("bad.toml"),
        "[server]\nbind = \"127.0.0.1:8080\"\nlisten = 1\n",
    )
    .unwrap();
    type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![],
            vec!["--config", "bad.toml", "config", "check"],
            "listen",
        ),
        (
            vec![("IDP_SERVER__BIND", "127.0.0.1:70000")],
            vec!["config", "check"],
            "server.bind",
        ),
        (
            vec![("IDP_SERVER__ISSUER", "not a url")],
            vec!["config", "check"],
            "server.issuer",
        ),
        (
            vec![("IDP_DATABASE__URL", "mysql://x/y")],
            vec!["config", "check"],
            "database.url",
        ),
        (
            vec![("IDP_SERVER__MODE", "production")],
            vec!["config", "check"],
            "master key",
        ),
        (
            vec![("IDP_MASTER_KEY", "too short")],
            vec!["config", "check"],
            "IDP_MASTER_KEY",
        ),
        (
            vec![("IDP_SERVER__BIND", "nonsense")],
            vec!["serve"],
            "server.bind",
        ),
        (
            vec![],
            vec!["--config", "missing.toml", "serve"],
            "missing.toml",
        ),
    ];
    for (env, args, words) in cases {
        let out = run(dir.path(), &env, &args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} {env:?}: {}",
            stderr(&out)
        );
        assert_one_error_line(&out, words);
    }
    assert!(
        !dir.path().join("data").exists(),
        "a bad configuration must not create anything"
    );

    let key = "ab".repeat(32);
    let production = run(
        dir.path(),
        &[
            ("IDP_SERVER__MODE", "production"),
            ("IDP_MASTER_KEY", key.as_str()),
            ("IDP_SERVER__ISSUER", "https://id.example.com"),
        ],
        &["config", "check", "--json"],
    );
    assert!(production.status.success(), "{}", stderr(&production));
    assert_eq!(json(&production)["server"]["mode"], "production");
}

/// Commands run beside a serving node share its SQLite database. The node must keep its
/// hold on the file (SQLite's POSIX locks, which closing any descriptor of the file
/// drops): else the last command to close takes the database as unused and removes the
/// WAL and the shared index the node still reads through.
#[tokio::test]
async fn commands_beside_a_serving_sqlite_node_leave_its_wal_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first = run(d, &[], &["org", "create", "--name", "First"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let server = Server::start(d, &[]).await;
    // Another program that reads and closes its connection, as the sqlite3 shell does.
    let reader = "import sqlite3, sys\n\
                  db = sqlite3.connect(sys.argv[1])\n\
                  print(db.execute('SELECT count(*) FROM organizations').fetchone()[0])\n\
                  db.close()\n";
    for name in ["Second", "Third"] {
        let made = run(d, &[], &["org", "create", "--name", name]);
        assert!(made.status.success(), "{}", stderr(&made));
        // Long enough for the node's checkpointer to pass over the new frames.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let read = std::process::Command::new("python3")
            .args(["-c", reader])
            .arg(d.join("data/idp.db"))
            .output()
            .unwrap();
        assert!(read.status.success(), "{}", stderr(&read));
    }
    for file in ["idp.db-wal", "idp.db-shm"] {
        assert!(
            d.join("data").join(file).exists(),
            "{file} of a database in use was removed; log:\n{}",
            server.log()
        );
    }
}

#[tokio::test]
async fn admin_commands_create_and_list_and_write_nothing_on_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let root = run(d, &[], &["org", "create", "--name", "Acme Corp", "--json"]);
    assert!(root.status.success(), "{}", stderr(&root));
    let root = json(&root);
    assert_eq!(root["slug"], "acme-corp");
    let child = json(&run(
        d,
        &[],
        &[
            "org",
            "create",
            "--name",
            "Sales EMEA",
            "--parent",
            "acme-corp",
            "--json",
        ],
    ));
    assert_eq!(child["parent_id"], root["id"]);
    assert!(
        child["path"]
            .as_str()
            .unwrap()
            .starts_with(root["path"].as_str().unwrap())
    );

    let dup = run(d, &[], &["org", "create", "--name", "Acme Corp"]);
    assert_eq!(dup.status.code(), Some(1));
    assert_one_error_line(&dup, "acme-corp");
    let orphan = run(
        d,
        &[],
        &[
            "org",
            "create",
            "--name",
            "Nowhere",
            "--parent",
            "no-such-org",
        ],
    );
    assert_one_error_line(&orphan, "no-such-org");
    assert_eq!(
        json(&run(d, &[], &["org", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let user = run(
        d,
        &[],
        &[
            "user",
            "create",
            "--org",
            "sales-emea",
            "--email",
            "Bob@Example.com",
            "--password",
            "a long passphrase",
            "--totp-secret",
            "JBSWY3DPEHPK3PXP",
            "--json",
        ],
    );
    assert!(user.status.success(), "{}", stderr(&user));
    assert_eq!(json(&user)["email"], "bob@example.com");

    let bad_users: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--org", "sales-emea", "--email", "bob@example.com"],
            "already a member",
        ),
        (
            vec!["--org", "no-such-org", "--email", "carol@example.com"],
            "no-such-org",
        ),
        (vec!["--org", "sales-emea", "--email", "not-an-email"], "@"),
        (
            vec![
                "--org",
                "sales-emea",
                "--email",
                "dan@example.com",
                "--password",
                "short",
            ],
            "characters",
        ),
        (
            vec![
                "--org",
                "sales-emea",
                "--email",
                "dan@example.com",
                "--password",
                "password123456",
            ],
            "most common",
        ),
        (
            vec![
                "--org",
                "sales-emea",
                "--email",
                "dan.brown@example.com",
                "--password",
                "danbrown-writes-thrillers",
            ],
            "your email address or your name",
        ),
        (
            vec![
                "--org",
                "sales-emea",
                "--email",
                "erin@example.com",
                "--totp-secret",
                "not base32!",
            ],
            "base32",
        ),
    ];
    for (args, words) in bad_users {
        let mut all = vec!["user", "create"];
        all.extend(args);
        let out = run(d, &[], &all);
        assert_eq!(out.status.code(), Some(1), "{all:?}");
        assert_one_error_line(&out, words);
    }
    let members = json(&run(
        d,
        &[],
        &["user", "list", "--org", "sales-emea", "--json"],
    ));
    assert_eq!(
        members.as_array().unwrap().len(),
        1,
        "failed creations wrote nothing: {members}"
    );
    // The same address may belong to a member of another organization.
    assert!(
        run(
            d,
            &[],
            &[
                "user",
                "create",
                "--org",
                "acme-corp",
                "--email",
                "bob@example.com"
            ]
        )
        .status
        .success()
    );

    let confidential = run(
        d,
        &[],
        &[
            "client",
            "create",
            "--org",
            "acme-corp",
            "--name",
            "Wiki",
            "--redirect-uri",
            "https://wiki.example.com/callback",
            "--json",
        ],
    );
    assert!(confidential.status.success(), "{}", stderr(&confidential));
    let confidential = json(&confidential);
    assert!(confidential["client_secret"].as_str().unwrap().len() >= 43);
    assert_eq!(
        confidential["token_endpoint_auth_method"],
        "client_secret_basic"
    );
    let public = json(&run(
        d,
        &[],
        &[
            "client",
            "create",
            "--org",
            "acme-corp",
            "--name",
            "CLI",
            "--public",
            "--redirect-uri",
            "http://127.0.0.1/callback",
            "--json",
        ],
    ));
    assert!(public.get("client_secret").is_none());
    assert_eq!(public["token_endpoint_auth_method"], "none");

    let bad_clients: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--org",
                "acme-corp",
                "--name",
                "X",
                "--redirect-uri",
                "not a uri",
            ],
            "not an absolute URI",
        ),
        (
            vec![
                "--org",
                "acme-corp",
                "--name",
                "X",
                "--redirect-uri",
                "http://app.example.com/cb",
            ],
            "https",
        ),
        (
            vec![
                "--org",
                "acme-corp",
                "--name",
                "X",
                "--redirect-uri",
                "https://a.example.com/cb#x",
            ],
            "fragment",
        ),
        (vec!["--org", "acme-corp", "--name", "X"], "redirect URI"),
        (
            vec![
                "--org",
                "acme-corp",
                "--name",
                "X",
                "--public",
                "--grant",
                "client_credentials",
            ],
            "public client",
        ),
        (
            vec!["--org", "acme-corp", "--name", "X", "--grant", "password"],
            "password",
        ),
        (
            vec![
                "--org",
                "nope",
                "--name",
                "X",
                "--redirect-uri",
                "https://a.example.com/cb",
            ],
            "nope",
        ),
    ];
    for (args, words) in bad_clients {
        let mut all = vec!["client", "create"];
        all.extend(args);
        let out = run(d, &[], &all);
        assert_eq!(out.status.code(), Some(1), "{all:?}");
        assert_one_error_line(&out, words);
    }
    assert_eq!(
        json(&run(d, &[], &["client", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let service = json(&run(
        d,
        &[],
        &[
            "client",
            "create",
            "--org",
            "acme-corp",
            "--name",
            "Reports",
            "--grant",
            "client_credentials",
            "--json",
        ],
    ));
    assert_eq!(
        service["grant_types"],
        serde_json::json!(["client_credentials"])
    );
}

#[tokio::test]
async fn an_unreachable_database_is_retried_then_reported() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let url = format!("postgres://postgres@127.0.0.1:{port}/nothing");
    let started = Instant::now();
    let out = run(
        dir.path(),
        &[
            ("IDP_DATABASE__URL", url.as_str()),
            ("IDP_DATABASE__STARTUP_RETRY_SECS", "2"),
        ],
        &["migrate"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "it retried before giving up"
    );
    let err = stderr(&out);
    assert!(err.contains("not reachable yet"), "{err}");
    assert_one_error_line(&out, "gave up after 2s");
}

#[tokio::test]
async fn serves_on_postgresql_and_redis() {
    let (Some(pg), Some(redis)) = (
        backend_url("IDP_TEST_DATABASE_URL", "serves_on_postgresql_and_redis"),
        backend_url("IDP_TEST_REDIS_URL", "serves_on_postgresql_and_redis"),
    ) else {
        return;
    };
    let db = PgDatabase::create(&pg);
    let dir = tempfile::tempdir().unwrap();
    let prefix = format!("idp-e2e-{}", free_port());
    let env = [
        ("IDP_DATABASE__URL", db.url.as_str()),
        ("IDP_REDIS__URL", redis.as_str()),
        ("IDP_REDIS__KEY_PREFIX", prefix.as_str()),
    ];
    let server = Server::start(dir.path(), &env).await;
    let body: Value = reqwest::get(format!("{}/readyz", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["redis"], "ok");
    assert!(
        !dir.path().join("data/idp.db").exists(),
        "PostgreSQL, not the embedded database"
    );

    let token = bootstrap_token(&server.log()).expect("a first-run link");
    assert_eq!(
        bootstrap(&server.base, &token, "ada@example.com")
            .await
            .status(),
        200
    );
    let users = json(&run(
        dir.path(),
        &env,
        &["user", "list", "--org", "acme-corp", "--json"],
    ));
    assert_eq!(users[0]["super_admin"], true);
    let migrate = run(dir.path(), &env, &["migrate"]);
    assert!(
        stdout(&migrate).contains("applied 0 migration"),
        "{}",
        stdout(&migrate)
    );
}

/// A Redis server of the test's own, so it can be stopped and started again.
struct OwnRedis {
    child: std::process::Child,
    port: u16,
}

impl OwnRedis {
    fn start(port: u16) -> OwnRedis {
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server on PATH");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        OwnRedis { child, port }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn losing_redis_fails_requests_fast_and_recovers() {
    if backend_url(
        "IDP_TEST_REDIS_URL",
        "losing_redis_fails_requests_fast_and_recovers",
    )
    .is_none()
    {
        return;
    }
    let port = free_port();
    let redis = OwnRedis::start(port);
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[("IDP_REDIS__URL", url.as_str())]).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let ready = |http: reqwest::Client, base: String| async move {
        http.get(format!("{base}/readyz")).send().await.unwrap()
    };
    assert_eq!(ready(http.clone(), server.base.clone()).await.status(), 200);

    drop(redis);
    let started = Instant::now();
    let down = ready(http.clone(), server.base.clone()).await;
    assert_eq!(down.status(), 503);
    let body: Value = down.json().await.unwrap();
    assert_eq!(body["down"], serde_json::json!(["redis"]));
    assert_eq!(body["checks"]["database"], "ok");
    let needs_redis = http
        .get(format!("{}/bootstrap?token=abc", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(needs_redis.status(), 503);
    let err: Value = needs_redis.json().await.unwrap();
    assert!(err["operation_id"].is_string());
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "failing requests must not hang"
    );
    assert_eq!(
        http.get(format!("{}/healthz", server.base))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "the process lives on"
    );

    let _redis = OwnRedis::start(port);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if ready(http.clone(), server.base.clone()).await.status() == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "idp did not recover when Redis came back:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(server.log().contains("redis is down"));
}

#[tokio::test]
async fn sigterm_reports_not_ready_first_and_serves_until_the_drain_ends() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[("IDP_SERVER__DRAIN_SECS", "2")]).await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", server.base)).send();
    assert_eq!(get("/readyz").await.unwrap().status(), 200);

    server.send_term();
    let signalled = Instant::now();
    // Within the drain: not ready, yet everything else is answered.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "draining");
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    let discovery = get("/.well-known/openid-configuration").await.unwrap();
    assert_eq!(discovery.status(), 200);
    assert!(
        signalled.elapsed() < Duration::from_secs(2),
        "still draining"
    );

    let (status, log) = server.wait_exit();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(
        signalled.elapsed() >= Duration::from_secs(2),
        "the listener stays open for the drain"
    );
    let drained = log
        .find("reporting not ready")
        .expect("the drain is logged");
    let stopped = log.find("finishing in-flight requests").unwrap();
    assert!(drained < stopped, "{log}");
}

#[tokio::test]
async fn metrics_time_requests_per_route_and_status() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]).await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", server.base)).send();
    for _ in 0..3 {
        assert_eq!(
            get("/.well-known/openid-configuration")
                .await
                .unwrap()
                .status(),
            200
        );
    }
    assert_eq!(get("/no/such/page").await.unwrap().status(), 404);
    let text = get("/metrics").await.unwrap().text().await.unwrap();
    let value = |series: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    let discovery = r#"route="/.well-known/openid-configuration",status="200""#;
    assert_eq!(
        value(&format!(
            "idp_http_request_duration_seconds_count{{{discovery}}}"
        )),
        3
    );
    assert_eq!(
        value(&format!(
            "idp_http_request_duration_seconds_bucket{{{discovery},le=\"+Inf\"}}"
        )),
        3
    );
    assert!(
        value(&format!(
            "idp_http_request_duration_seconds_bucket{{{discovery},le=\"10\"}}"
        )) <= 3
    );
    // A path no route matches is one series, whatever the path: the labels stay few.
    assert_eq!(
        value(r#"idp_http_request_duration_seconds_count{route="unmatched",status="404"}"#),
        1
    );
    assert!(!text.contains("/no/such/page"), "{text}");
}
