//! End-to-end tests of several `idp` nodes on one PostgreSQL database and one Redis,
//! the way a cluster runs: one key set from the first second, and what one node (or the
//! command line) changes followed by every other node at once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use reqwest::StatusCode;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use support::*;

/// Nodes share the master key that seals the signing keys, as a cluster must.
const MASTER_KEY: &str = "7f3c2a91d04be65f18a7c3d92e4b0f61a8d5c7e3b29f04a6d1e8c5b7a3f92d04";

/// The key ids a node publishes.
async fn published_kids(base: &str) -> BTreeSet<String> {
    let jwks: serde_json::Value = reqwest::get(format!("{base}/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

/// Three nodes started at once on a fresh database (migrated first when `migrated`);
/// asserts that all publish one and the same key set.
async fn three_nodes_start_together(test: &str, migrated: bool) {
    let (Some(pg), Some(redis)) = (
        backend_url("IDP_TEST_DATABASE_URL", test),
        backend_url("IDP_TEST_REDIS_URL", test),
    ) else {
        return;
    };
    let db = PgDatabase::create(&pg);
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    // One issuer for the cluster, as behind a balancer: the first node's address.
    let first_port = free_port();
    let issuer = format!("http://127.0.0.1:{first_port}");
    let mut env = vec![
        ("IDP_DATABASE__URL", db.url.as_str()),
        ("IDP_REDIS__URL", redis.as_str()),
        ("IDP_MASTER_KEY", MASTER_KEY),
        ("IDP_SERVER__ISSUER", issuer.as_str()),
    ];
    if migrated {
        let out = run(dirs[0].path(), &env, &["migrate"]);
        assert!(out.status.success(), "{}", stderr(&out));
        env.push(("IDP_DATABASE__MIGRATE_ON_START", "false"));
    }
    let (a, b, c) = tokio::join!(
        Server::start_on(dirs[0].path(), &env, first_port),
        Server::start(dirs[1].path(), &env),
        Server::start(dirs[2].path(), &env),
    );
    let first = published_kids(&a.base).await;
    assert_eq!(
        first.len(),
        6,
        "a current and a next key for each of RS256, ES256 and EdDSA: {first:?}"
    );
    for node in [&b, &c] {
        assert_eq!(published_kids(&node.base).await, first, "{}", node.base);
    }
    let current = db.values("SELECT COUNT(*) AS v FROM signing_keys WHERE state = 'current'");
    assert_eq!(current, [3], "one current key per algorithm");
}

#[tokio::test]
async fn three_nodes_starting_together_on_an_empty_database_migrate_once_and_publish_one_key_set() {
    three_nodes_start_together(
        "three_nodes_starting_together_on_an_empty_database_migrate_once_and_publish_one_key_set",
        false,
    )
    .await;
}

#[tokio::test]
async fn three_nodes_starting_together_on_a_migrated_database_create_each_key_once() {
    three_nodes_start_together(
        "three_nodes_starting_together_on_a_migrated_database_create_each_key_once",
        true,
    )
    .await;
}

/// The status `/authorize` answers for a code request of `client_id`.
async fn authorize_status(http: &reqwest::Client, base: &str, client_id: &str) -> StatusCode {
    let url = flow::authorize_url(
        base,
        &[
            ("client_id", client_id),
            ("redirect_uri", flow::RP_CALLBACK),
            ("response_type", "code"),
            ("scope", "openid"),
            ("state", "s"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
        ],
    );
    http.get(url).send().await.unwrap().status()
}

#[tokio::test]
async fn a_change_made_through_one_node_reaches_the_others_at_once() {
    let test = "a_change_made_through_one_node_reaches_the_others_at_once";
    // Nothing reloads on a timer during the test: what arrives, arrives by notice.
    let Some((idp, _db)) = flow::Idp::on_postgres(test, &[("IDP_KEYS__RELOAD_SECS", "3600")]).await
    else {
        return;
    };
    let other = Server::start(&idp.server.dir, &idp.env()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let reg = idp.client("Reports", &["--redirect-uri", flow::RP_CALLBACK]);

    // Both nodes serve the client, and keep it (for 30 s unless told).
    for base in [&idp.base, &other.base] {
        let status = authorize_status(&http, base, &reg.id).await;
        assert!(status.is_redirection(), "{base} answered {status}");
    }
    // Removed from the command line: within 2 s neither node serves it.
    idp.cli(&["client", "delete", "--id", &reg.id, "--json"]);
    for base in [&idp.base, &other.base] {
        let refused = within(Duration::from_secs(2), || async {
            authorize_status(&http, base, &reg.id).await == StatusCode::BAD_REQUEST
        })
        .await;
        assert!(refused, "{base} still serves the deleted client");
    }

    // Removed by an administrator through the first node: within 2 s the other refuses it.
    let second = idp.client("Payroll", &["--redirect-uri", flow::RP_CALLBACK]);
    assert!(
        authorize_status(&http, &other.base, &second.id)
            .await
            .is_redirection()
    );
    let (root, password) = ("root@example.com", "administrator password");
    idp.member("acme", root, password, &["--super-admin"]);
    let admin = idp.browser();
    let page = admin.go("/login").await.sign_in_page();
    admin.submit_sign_in(&page, root, password).await;
    let deleted = admin
        .http
        .delete(admin.abs(&format!("/admin/api/clients/{}", second.id)))
        .header("x-csrf-token", admin.cookie("idp_csrf").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::OK);
    let refused = within(Duration::from_secs(2), || async {
        authorize_status(&http, &other.base, &second.id).await == StatusCode::BAD_REQUEST
    })
    .await;
    assert!(refused, "the other node still serves the deleted client");

    // A key rotation: both nodes publish the new key set within 2 s, not in an hour.
    let before = published_kids(&other.base).await;
    assert_eq!(before, published_kids(&idp.base).await, "one key set");
    idp.cli(&["keys", "rotate", "--json"]);
    let rotated = within(Duration::from_secs(2), || async {
        let (one, two) = (
            published_kids(&idp.base).await,
            published_kids(&other.base).await,
        );
        one != before && one == two
    })
    .await;
    assert!(rotated, "the nodes publish the rotated keys");
}

#[tokio::test]
async fn one_node_at_a_time_runs_the_periodic_clean_up() {
    let test = "one_node_at_a_time_runs_the_periodic_clean_up";
    let env = [
        ("IDP_AUDIT__RETENTION_CHECK_SECS", "1"),
        ("IDP_LOG__FILTER", "info,idp_http::server=debug"),
    ];
    let Some((idp, _db)) = flow::Idp::on_postgres(test, &env).await else {
        return;
    };
    let other = Server::start(&idp.server.dir, &idp.env()).await;
    let count =
        |what: &str| idp.server.log().matches(what).count() + other.log().matches(what).count();
    let (run, skip) = (
        "periodic clean-up: running it",
        "periodic clean-up: already run this interval",
    );
    // Counted from when both nodes are up: the first ran alone before.
    let (ran_before, skipped_before) = (count(run), count(skip));
    tokio::time::sleep(Duration::from_millis(5500)).await;
    let (ran, skipped) = (count(run) - ran_before, count(skip) - skipped_before);
    // Both nodes tick about eleven times in all; the lease lets one run per interval.
    assert!((3..=7).contains(&ran), "{ran} runs, {skipped} skipped");
    assert!(skipped >= 3, "{ran} runs, {skipped} skipped");
}

#[tokio::test]
async fn an_export_written_by_a_node_that_died_is_downloaded_through_another() {
    let test = "an_export_written_by_a_node_that_died_is_downloaded_through_another";
    let Some(smtp) = smtp::SmtpServer::start(test) else {
        return;
    };
    let port = smtp.port.to_string();
    let env = [
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", port.as_str()),
    ];
    let Some((idp, db)) = flow::Idp::on_postgres(test, &env).await else {
        return;
    };
    let (root, password) = ("root@example.com", "administrator password");
    idp.member("acme", root, password, &["--super-admin"]);
    let other = Server::start(&idp.server.dir, &idp.env()).await;

    // Asked for on the first node, as a balancer may route it.
    let admin = idp.browser();
    let page = admin.go("/login").await.sign_in_page();
    let signed_in = admin.submit_sign_in(&page, root, password).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let asked = admin
        .http
        .post(admin.abs("/admin/api/audit/exports?org=acme&format=csv"))
        .header("x-csrf-token", admin.cookie("idp_csrf").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let link = smtp.link_to("/admin/api/audit/exports/download?token=", 1, |_| true);

    // That node dies; the download lands on the other one.
    let flow::Idp { server, _dir, .. } = idp;
    drop(server);
    let downloaded = admin
        .http
        .get(format!("{}{link}", other.base))
        .send()
        .await
        .unwrap();
    assert_eq!(downloaded.status(), StatusCode::OK);
    let csv = downloaded.text().await.unwrap();
    assert!(csv.lines().count() >= 2, "a header and events: {csv}");
    assert!(csv.contains("audit_access"), "{csv}");
    assert_eq!(
        db.values("SELECT COUNT(*) AS v FROM audit_export_chunks"),
        [0],
        "the file goes with its download"
    );
    // Once only, on any node.
    let again = admin
        .http
        .get(format!("{}{link}", other.base))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::GONE);
}

/// The audit event ids of a CSV export, in order, after checking its header comes once.
fn csv_event_ids(csv: &str) -> Vec<String> {
    let mut lines = csv.lines();
    assert!(
        lines.next().unwrap().starts_with("occurred_at,event_id,"),
        "{csv}"
    );
    assert_eq!(
        csv.matches("occurred_at,event_id,").count(),
        1,
        "one header: {csv}"
    );
    // Written by the `csv` crate: every event's second field is its id (never quoted).
    lines
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .map(|l| l.split(',').nth(1).unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_export_whose_node_is_killed_mid_write_is_finished_by_another_and_mailed_once() {
    let test = "an_export_whose_node_is_killed_mid_write_is_finished_by_another_and_mailed_once";
    let Some(smtp) = smtp::SmtpServer::start(test) else {
        return;
    };
    let port = smtp.port.to_string();
    // Test-only pacing: 1 KiB pieces, each stored after 300 ms, so that writing takes
    // seconds and a node can be killed in the middle; a 2 s lease, looked for every 1 s.
    let env = [
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", port.as_str()),
        ("IDP_AUDIT__EXPORT_CHUNK_KIB", "1"),
        ("IDP_AUDIT__EXPORT_TEST_PAUSE_MS", "300"),
        ("IDP_AUDIT__EXPORT_LEASE_SECS", "2"),
        ("IDP_IMPORTS__CHECK_SECS", "1"),
    ];
    let Some((idp, db)) = flow::Idp::on_postgres(test, &env).await else {
        return;
    };
    let (root, password) = ("root@example.com", "administrator password");
    idp.member("acme", root, password, &["--super-admin"]);
    let other = Server::start(&idp.server.dir, &idp.env()).await;

    // Enough events for a file of a dozen pieces: each search is recorded.
    let admin = idp.browser();
    let page = admin.go("/login").await.sign_in_page();
    let signed_in = admin.submit_sign_in(&page, root, password).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    for _ in 0..40 {
        let searched = admin
            .http
            .get(admin.abs("/admin/api/audit/events?org=acme&limit=1"))
            .header("x-csrf-token", admin.cookie("idp_csrf").unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(searched.status(), StatusCode::OK);
    }
    let before: Vec<String> = idp
        .cli(&[
            "audit", "search", "--org", "acme", "--limit", "1000", "--json",
        ])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(before.len() >= 40, "{} events", before.len());

    let asked = admin
        .http
        .post(admin.abs("/admin/api/audit/exports?org=acme&format=csv"))
        .header("x-csrf-token", admin.cookie("idp_csrf").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let job: serde_json::Value = asked.json().await.unwrap();
    let job = job["job_id"].as_str().unwrap().to_owned();
    let stored = |job: &str| {
        db.values(&format!(
            "SELECT COUNT(*) AS v FROM audit_export_chunks WHERE job_id = '{job}'"
        ))[0]
    };

    // Whichever node writes it is killed once it has stored a few pieces.
    let started = Instant::now();
    while stored(&job) < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the export is not being written"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let writer = db.values(&format!(
        "SELECT CAST(split_part(lease_owner, '-', 2) AS BIGINT) AS v FROM audit_exports WHERE id = '{job}'"
    ))[0];
    let (flow::Idp { server, _dir, .. }, other) = (idp, other);
    let (killed, survivor) = if i64::from(server.pid()) == writer {
        (server, other)
    } else {
        assert_eq!(
            i64::from(other.pid()),
            writer,
            "a node of this test writes it"
        );
        (other, server)
    };
    let total_then = stored(&job);
    drop(killed); // SIGKILL, mid-write
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        db.values(&format!(
            "SELECT COUNT(*) AS v FROM audit_exports WHERE id = '{job}' AND status = 'running'"
        )) == [1],
        "killed after {total_then} pieces, the export is still running"
    );
    assert!(
        smtp.messages().is_empty(),
        "no link for a half-written file"
    );

    // The survivor takes it over once the lease ran out, writes it again and mails once.
    let started = Instant::now();
    loop {
        let done = db.values(&format!(
            "SELECT attempts AS v FROM audit_exports WHERE id = '{job}' AND status = 'done'"
        ));
        if !done.is_empty() {
            assert_eq!(done, [2], "finished by a second attempt, on the survivor");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "not finished; survivor log:\n{}",
            survivor.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let took_over = started.elapsed();
    // Time for a second mail, were one to come.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let link = smtp.link_to("/admin/api/audit/exports/download?token=", 1, |_| true);
    eprintln!(
        "export killed after {total_then} stored pieces; finished by the other node {took_over:?} later"
    );

    let downloaded = admin
        .http
        .get(format!("{}{link}", survivor.base))
        .send()
        .await
        .unwrap();
    assert_eq!(downloaded.status(), StatusCode::OK);
    let csv = downloaded.text().await.unwrap();
    let ids = csv_event_ids(&csv);
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no event twice");
    let missing: Vec<&String> = before.iter().filter(|id| !unique.contains(id)).collect();
    assert!(missing.is_empty(), "every event: {missing:?} missing");
    assert!(csv.len() > 10 * 1024, "{} bytes", csv.len());
    assert_eq!(
        db.values("SELECT COUNT(*) AS v FROM audit_export_chunks"),
        [0],
        "the file goes with its download"
    );
    assert_eq!(
        smtp.messages().len(),
        1,
        "one link, however many nodes wrote"
    );
}

/// `base` with a node's issuer and master key.
fn node_env<'a>(
    base: &[(&'a str, &'a str)],
    issuer: &'a str,
    key: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut env = base.to_vec();
    env.extend([("IDP_SERVER__ISSUER", issuer), ("IDP_MASTER_KEY", key)]);
    env
}

#[tokio::test]
async fn a_node_with_another_issuer_or_master_key_is_refused_and_the_issuer_changes_by_command() {
    let test =
        "a_node_with_another_issuer_or_master_key_is_refused_and_the_issuer_changes_by_command";
    let (Some(pg), Some(redis)) = (
        backend_url("IDP_TEST_DATABASE_URL", test),
        backend_url("IDP_TEST_REDIS_URL", test),
    ) else {
        return;
    };
    let db = PgDatabase::create(&pg);
    let dir = tempfile::tempdir().unwrap();
    let first_port = free_port();
    let issuer = format!("http://127.0.0.1:{first_port}");
    let base = [
        ("IDP_DATABASE__URL", db.url.as_str()),
        ("IDP_REDIS__URL", redis.as_str()),
        ("IDP_REDIS__KEY_PREFIX", db.name.as_str()),
    ];
    let issuer = issuer.as_str();
    let env = node_env(&base, issuer, MASTER_KEY);
    let out = run(
        dir.path(),
        &env,
        &[
            "org", "create", "--name", "Acme", "--slug", "acme", "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // The first node records the deployment; a second one of the same configuration joins.
    let first = Server::start_on(dir.path(), &env, first_port).await;
    let second = Server::start(dir.path(), &env).await;
    assert_eq!(
        published_kids(&first.base).await,
        published_kids(&second.base).await
    );

    // Another issuer: refused, naming the setting and both values.
    let elsewhere = "http://127.0.0.1:9";
    let (status, message) = refused_to_start(dir.path(), &node_env(&base, elsewhere, MASTER_KEY));
    assert!(!status.success());
    assert!(message.contains("server.issuer"), "{message}");
    assert!(
        message.contains(issuer) && message.contains(elsewhere),
        "{message}"
    );
    assert!(
        !message.contains("master key from"),
        "only the issuer differs: {message}"
    );

    // Another master key: refused, naming where the key comes from, never the key.
    let other_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let (status, message) = refused_to_start(dir.path(), &node_env(&base, issuer, other_key));
    assert!(!status.success());
    assert!(message.contains("IDP_MASTER_KEY"), "{message}");
    assert!(
        !message.contains(other_key) && !message.contains(MASTER_KEY),
        "{message}"
    );
    assert!(
        !message.contains("server.issuer is"),
        "only the key differs: {message}"
    );
    // Neither wrote anything: still one key set.
    assert_eq!(
        db.values("SELECT COUNT(*) AS v FROM signing_keys WHERE state = 'current'"),
        [3]
    );

    // The operator changes the issuer on purpose: recorded in the audit log.
    let (status, _) = refused_to_start(dir.path(), &node_env(&base, elsewhere, other_key));
    assert!(!status.success());
    let denied = run(
        dir.path(),
        &node_env(&base, issuer, other_key),
        &["issuer", "change", "--to", elsewhere],
    );
    assert!(!denied.status.success(), "only with the deployment's key");
    let changed = run(
        dir.path(),
        &env,
        &["issuer", "change", "--to", elsewhere, "--json"],
    );
    assert!(changed.status.success(), "{}", stderr(&changed));
    let changed: serde_json::Value = serde_json::from_slice(&changed.stdout).unwrap();
    assert_eq!(
        (changed["from"].as_str(), changed["to"].as_str()),
        (Some(issuer), Some(elsewhere))
    );
    let events: serde_json::Value = serde_json::from_slice(
        &run(
            dir.path(),
            &env,
            &[
                "audit",
                "search",
                "--org",
                "acme",
                "--activity",
                "security_settings_change",
                "--json",
            ],
        )
        .stdout,
    )
    .unwrap();
    let recorded = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["detail"]["issuer"].is_object())
        .unwrap_or_else(|| panic!("the change is in the audit log: {events}"));
    assert_eq!(recorded["detail"]["issuer"]["before"], issuer);
    assert_eq!(recorded["detail"]["issuer"]["after"], elsewhere);
    let verified = run(dir.path(), &env, &["audit", "verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));

    // Now a node of the new issuer starts, and one of the old is refused.
    let renamed = Server::start(dir.path(), &node_env(&base, elsewhere, MASTER_KEY)).await;
    let discovery: serde_json::Value =
        reqwest::get(format!("{}/.well-known/openid-configuration", renamed.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(discovery["issuer"], elsewhere);
    let (status, message) = refused_to_start(dir.path(), &env);
    assert!(!status.success());
    assert!(message.contains("server.issuer"), "{message}");
}
