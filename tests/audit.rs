//! End-to-end tests of the audit log with the real `idp` binary: the hash chain of each
//! organization, and `idp audit verify` finding an edited or a removed event.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::flow::*;
use support::smtp::SmtpServer;
use support::*;

#[tokio::test]
async fn audit_verify_finds_an_edited_and_a_removed_event() {
    let Some((idp, db)) =
        Idp::on_postgres("audit_verify_finds_an_edited_and_a_removed_event", &[]).await
    else {
        return;
    };
    // A few events: sign-ins, a failure, a policy change.
    for password in [PASSWORD, "not the password", PASSWORD] {
        let b = idp.browser();
        let page = b.go("/login").await.sign_in_page();
        b.submit_sign_in(&page, EMAIL, password).await;
    }
    idp.set_policy("lockout_after_failures=5");
    let verify = |org: Option<&str>| {
        let mut args = vec!["audit", "verify"];
        if let Some(o) = org {
            args.extend(["--org", o]);
        }
        run(&idp.server.dir, &idp.env(), &args)
    };
    let ok = verify(Some("acme"));
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("chain intact"), "{}", stdout(&ok));

    // Someone with database access edits an event's address.
    let edited = db.execute(
        "UPDATE audit_events SET ip = '6.6.6.6' WHERE seq = 3 \
         AND org_id = (SELECT id FROM organizations WHERE slug = 'acme')",
    );
    assert_eq!(edited, 1);
    let broken = verify(None);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stdout(&broken).contains("event 3"), "{}", stdout(&broken));
    assert!(stdout(&broken).contains("altered"), "{}", stdout(&broken));

    // Or removes one: the next event no longer links.
    db.execute(
        "DELETE FROM audit_events WHERE seq = 3 \
         AND org_id = (SELECT id FROM organizations WHERE slug = 'acme')",
    );
    let gap = verify(Some("acme"));
    assert_eq!(gap.status.code(), Some(1));
    assert!(stdout(&gap).contains("event 4"), "{}", stdout(&gap));
    assert!(
        stdout(&gap).contains("missing or out of order"),
        "{}",
        stdout(&gap)
    );
}

/// A signed-in administrator calling the API with the CSRF header.
async fn admin_get(
    idp: &Idp,
    email: &str,
    password: &str,
) -> impl AsyncFn(&str) -> (StatusCode, String) {
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b.submit_sign_in(&page, email, password).await;
    assert_eq!(r.headers()[LOCATION], "/account");
    async move |path: &str| {
        let r = b
            .http
            .get(b.abs(path))
            .header("x-csrf-token", b.cookie("idp_csrf").unwrap())
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

#[tokio::test]
async fn administrators_search_and_export_the_events_of_what_they_administer() {
    let idp = Idp::start().await;
    idp.cli(&[
        "org",
        "create",
        "--name",
        "Acme North",
        "--slug",
        "north",
        "--parent",
        "acme",
        "--json",
    ]);
    idp.member(
        "acme",
        "root@example.com",
        "administrator password",
        &["--super-admin"],
    );
    idp.member("north", "nora@example.com", "north pole expedition", &[]);
    idp.cli_text(&[
        "user",
        "grant-admin",
        "--org",
        "north",
        "--email",
        "nora@example.com",
        "--permission",
        "audit_log",
    ]);
    for password in [PASSWORD, "not the password", PASSWORD, "still not it"] {
        let b = idp.browser();
        let page = b.go("/login").await.sign_in_page();
        b.submit_sign_in(&page, EMAIL, password).await;
    }
    let root = admin_get(&idp, "root@example.com", "administrator password").await;

    // Newest first, in keyset pages that neither repeat nor skip.
    let (status, body) = root("/admin/api/audit/events?org=acme&activity=sign_in&limit=2").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let first: Value = serde_json::from_str(&body).unwrap();
    let mut seen: Vec<String> = Vec::new();
    let mut times: Vec<String> = Vec::new();
    let mut page = first;
    let mut pages = 1;
    loop {
        for e in page["events"].as_array().unwrap() {
            assert_eq!(e["activity"], "sign_in");
            seen.push(e["id"].as_str().unwrap().to_owned());
            times.push(e["occurred_at"].as_str().unwrap().to_owned());
        }
        let Some(next) = page["next_cursor"].as_str() else {
            break;
        };
        let (status, body) = root(&format!(
            "/admin/api/audit/events?org=acme&activity=sign_in&limit=2&cursor={next}"
        ))
        .await;
        assert_eq!(status, StatusCode::OK);
        page = serde_json::from_str(&body).unwrap();
        pages += 1;
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no event twice");
    assert!(
        seen.len() >= 5,
        "four password attempts and the administrator's sign-in: {seen:?}"
    );
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");

    // Filters narrow; bad filters are refused.
    let (_, body) =
        root("/admin/api/audit/events?org=acme&activity=sign_in&from=2000-01-01&until=2000-01-02")
            .await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["events"],
        serde_json::json!([])
    );
    for bad in [
        "activity=bogus",
        "from=yesterday",
        "cursor=not-a-cursor",
        "info_type=secret",
    ] {
        let (status, _) = root(&format!("/admin/api/audit/events?org=acme&{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (status, _) = root("/admin/api/audit/events").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "org is required");

    // Each search is itself recorded.
    let (_, body) = root("/admin/api/audit/events?org=acme&activity=audit_access&limit=500").await;
    let accesses = serde_json::from_str::<Value>(&body).unwrap()["events"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        accesses,
        pages + 1,
        "every page and the dated search; refusals read nothing"
    );

    // The export holds every event the filter matches, as CSV.
    let (status, csv) = root("/admin/api/audit/export.csv?org=acme&activity=sign_in").await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "occurred_at");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), seen.len());
    assert!(
        rows.iter().any(|r| r[12].contains("invalid_credentials")),
        "the detail column"
    );

    // And as an Excel workbook.
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    b.submit_sign_in(&page, "root@example.com", "administrator password")
        .await;
    let r = b
        .http
        .get(b.abs("/admin/api/audit/export.xlsx?org=acme&activity=sign_in"))
        .header("x-csrf-token", b.cookie("idp_csrf").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let xlsx = r.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"), "a zip container");
    assert!(
        xlsx.windows(24).any(|w| w == b"xl/worksheets/sheet1.xml"),
        "with a worksheet"
    );

    // An organization administrator sees their organization, not the one above.
    let nora = admin_get(&idp, "nora@example.com", "north pole expedition").await;
    let (status, _) = nora("/admin/api/audit/events?org=north").await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/admin/api/audit/events?org=acme",
        "/admin/api/audit/export.csv?org=acme",
    ] {
        let (status, _) = nora(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _) =
        admin_get(&idp, EMAIL, PASSWORD).await("/admin/api/audit/events?org=acme").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a member without the permission"
    );
}

#[tokio::test]
async fn retention_removes_old_events_from_the_start_and_the_chain_still_verifies() {
    let Some((idp, db)) = Idp::on_postgres(
        "retention_removes_old_events_from_the_start_and_the_chain_still_verifies",
        &[],
    )
    .await
    else {
        return;
    };
    for password in [PASSWORD, "not the password", PASSWORD] {
        let b = idp.browser();
        let page = b.go("/login").await.sign_in_page();
        b.submit_sign_in(&page, EMAIL, password).await;
    }
    idp.set_policy("audit_retention_days=1");
    let acme = "(SELECT id FROM organizations WHERE slug = 'acme')";
    // Three events are two days old.
    let aged = db.execute(&format!(
        "UPDATE audit_events SET occurred_at = occurred_at - 172800000000 \
             WHERE seq <= 3 AND org_id = {acme}"
    ));
    assert_eq!(aged, 3);
    let pruned = run(&idp.server.dir, &idp.env(), &["audit", "prune"]);
    assert!(pruned.status.success(), "{}", stderr(&pruned));
    assert!(stdout(&pruned).contains("deleted 3"), "{}", stdout(&pruned));
    let gone = db.execute(&format!(
        "UPDATE audit_events SET ip = ip WHERE seq <= 3 AND org_id = {acme}"
    ));
    assert_eq!(gone, 0, "the oldest three are gone");
    let recorded = db.execute(&format!(
        "UPDATE audit_events SET ip = ip WHERE activity = 'retention' AND org_id = {acme}"
    ));
    assert_eq!(recorded, 1, "the deletion is itself recorded");
    // The chain continues from the last removed event's digest.
    let ok = run(
        &idp.server.dir,
        &idp.env(),
        &["audit", "verify", "--org", "acme"],
    );
    assert!(ok.status.success(), "{}\n{}", stdout(&ok), stderr(&ok));
    // Pruning again finds nothing more.
    let again = run(&idp.server.dir, &idp.env(), &["audit", "prune"]);
    assert!(stdout(&again).contains("deleted 0"), "{}", stdout(&again));
}

#[tokio::test]
async fn revoked_tokens_are_in_the_audit_log() {
    let idp = Idp::start().await;
    let app = idp.client("Reports", &["--grant", "client_credentials"]);
    let auditor = idp.client(
        "Auditor",
        &[
            "--grant",
            "client_credentials",
            "--scope",
            "admin:audit_log",
        ],
    );
    let http = reqwest::Client::new();
    let token = |reg: &Registered, scope: &'static str| {
        let http = http.clone();
        let (id, secret) = (reg.id.clone(), reg.secret.clone());
        let url = idp.url("/token");
        async move {
            let mut form = vec![("grant_type", "client_credentials")];
            if !scope.is_empty() {
                form.push(("scope", scope));
            }
            let body: Value = http
                .post(url)
                .basic_auth(id, secret)
                .form(&form)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["access_token"].as_str().unwrap().to_owned()
        }
    };
    let access = token(&app, "").await;
    let revoked = http
        .post(idp.url("/revoke"))
        .basic_auth(&app.id, app.secret.as_deref())
        .form(&[("token", access.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    let bearer = token(&auditor, "admin:audit_log").await;
    let found: Value = http
        .get(idp.url("/admin/api/audit/events?org=acme&activity=token_revocation"))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let events = found["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{found}");
    assert_eq!(events[0]["actor_kind"], "client");
    assert_eq!(events[0]["actor_id"], app.id.as_str());
    assert_eq!(events[0]["detail"]["token"], "access_token");
}

#[tokio::test]
async fn the_command_line_lists_events_with_filters_and_records_the_search() {
    let idp = Idp::start().await;
    for password in [PASSWORD, "not the password"] {
        let b = idp.browser();
        let page = b.go("/login").await.sign_in_page();
        b.submit_sign_in(&page, EMAIL, password).await;
    }
    let found = idp.cli(&[
        "audit",
        "search",
        "--org",
        "acme",
        "--activity",
        "sign_in",
        "--json",
    ]);
    let events = found.as_array().unwrap();
    assert_eq!(events.len(), 2, "{found}");
    assert!(events.iter().all(|e| e["activity"] == "sign_in"));
    assert_eq!(events[0]["detail"]["result"], "failure", "newest first");
    let bad = run(
        &idp.server.dir,
        &idp.env(),
        &["audit", "search", "--org", "acme", "--activity", "nonsense"],
    );
    assert_eq!(bad.status.code(), Some(1));
    let recorded = idp.cli(&[
        "audit",
        "search",
        "--org",
        "acme",
        "--activity",
        "audit_access",
        "--json",
    ]);
    assert_eq!(
        recorded.as_array().unwrap().len(),
        1,
        "the first search is on record (this one is recorded after it reads): {recorded}"
    );
}

/// A signed-in administrator's browser, for calls with the CSRF header.
async fn admin_session(idp: &Idp, email: &str, password: &str) -> Browser {
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b.submit_sign_in(&page, email, password).await;
    assert_eq!(r.headers()[LOCATION], "/account");
    b
}

/// An administration API call from a signed-in administrator: status and JSON body.
async fn call(
    b: &Browser,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut r = b
        .http
        .request(method, b.abs(path))
        .header("x-csrf-token", b.cookie("idp_csrf").unwrap());
    if let Some(body) = body {
        r = r.json(&body);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A call that must succeed: its JSON body.
async fn ok(b: &Browser, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let (status, body) = call(b, method, path, body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

async fn get_ok(b: &Browser, path: &str) -> Value {
    ok(b, reqwest::Method::GET, path, None).await
}

async fn post_ok(b: &Browser, path: &str) -> Value {
    ok(b, reqwest::Method::POST, path, Some(serde_json::json!({}))).await
}

/// The events of one activity in `acme`, newest first, read back through the search API.
async fn events_of(b: &Browser, activity: &str) -> Vec<Value> {
    let body = get_ok(
        b,
        &format!("/admin/api/audit/events?org=acme&activity={activity}&limit=500"),
    )
    .await;
    body["events"].as_array().unwrap().clone()
}

const TESS_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// A code the authenticator app does not show around now.
fn wrong_totp_code() -> String {
    use idp_core::totp::{TotpSecret, code_at_step, step_at};
    let secret = TotpSecret::parse_base32(TESS_SECRET).unwrap();
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    let step = step_at(idp_core::Timestamp::from_micros(
        i64::try_from(micros).unwrap(),
    ));
    (0..1_000_000u32)
        .map(|n| format!("{n:06}"))
        .find(|c| (-3..=3).all(|s| *c != code_at_step(&secret, step + s)))
        .unwrap()
}

/// Drives the paths behind the events this log gained (personal-information access,
/// unlocks, a refused second factor while locked, permissions revoked, a client deleted)
/// and reads each back through the search.
async fn added_events_are_written_by_their_paths(idp: &Idp) {
    idp.member(
        "acme",
        "root@example.com",
        "administrator password",
        &["--super-admin"],
    );
    let tess = idp.member(
        "acme",
        "tess@example.com",
        "second factor enthusiast",
        &["--totp-secret", TESS_SECRET],
    );
    let tess_id = tess["id"].as_str().unwrap().to_owned();
    idp.set_policy("lockout_after_failures=2");

    // Ada's password locks after two failures; a temporary password unlocks it.
    for _ in 0..2 {
        let b = idp.browser();
        let page = b.go("/login").await.sign_in_page();
        b.submit_sign_in(&page, EMAIL, "not the password").await;
    }
    let root = admin_session(idp, "root@example.com", "administrator password").await;
    post_ok(
        &root,
        &format!("/admin/api/members/{}/temporary-password", idp.user_id),
    )
    .await;

    // Tess's second factor locks after ten wrong codes; one more is refused as locked, and
    // an administrator's reset unlocks it.
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let page = match b
        .sign_in(&page, "tess@example.com", "second factor enthusiast")
        .await
    {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/second-factor" => html,
        other => panic!("expected the second-factor page, got {other:?}"),
    };
    let wrong = wrong_totp_code();
    let csrf = hidden(&page, "csrf");
    for n in 1..=11 {
        let r = b
            .post(
                "/login/second-factor",
                &[
                    ("csrf", csrf.as_str()),
                    ("method", "totp"),
                    ("code", wrong.as_str()),
                ],
            )
            .await;
        let expected = if n < 10 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(r.status(), expected, "attempt {n}");
    }
    post_ok(
        &root,
        &format!("/admin/api/members/{tess_id}/second-factor/reset"),
    )
    .await;

    // Members' details, read from the command line and through the API.
    idp.cli(&["user", "list", "--org", "acme", "--json"]);
    let body = get_ok(&root, "/admin/api/orgs/acme/members").await;
    assert_eq!(body["members"].as_array().unwrap().len(), 3);
    let body = get_ok(&root, &format!("/admin/api/members/{tess_id}")).await;
    assert_eq!(body["email"], "tess@example.com");

    // Permissions granted, then revoked through the API and from the command line.
    let grants = [
        ("/admin/api/orgs/acme/admins", vec!["members", "audit_log"]),
        ("/admin/api/orgs/acme/admins/revoke", vec!["members"]),
    ];
    for (path, permissions) in grants {
        let body = serde_json::json!({"email": "tess@example.com", "permissions": permissions});
        ok(&root, reqwest::Method::POST, path, Some(body)).await;
    }
    idp.cli_text(&[
        "user",
        "revoke-admin",
        "--org",
        "acme",
        "--email",
        "tess@example.com",
        "--permission",
        "audit_log",
    ]);
    let changes: Vec<Value> = events_of(&root, "permission_change")
        .await
        .into_iter()
        .filter(|e| e["event"] == "edit")
        .collect();
    assert_eq!(changes.len(), 3, "{changes:#?}");
    let (by_cli, revoked, granted) = (&changes[0], &changes[1], &changes[2]);
    assert_eq!(granted["detail"]["action"], "grant");
    assert_eq!(
        granted["detail"]["after"],
        serde_json::json!(["members", "audit_log"])
    );
    assert_eq!(revoked["detail"]["action"], "revoke");
    assert_eq!(
        revoked["detail"]["before"],
        serde_json::json!(["members", "audit_log"])
    );
    assert_eq!(revoked["detail"]["after"], serde_json::json!(["audit_log"]));
    assert_eq!(revoked["actor_kind"], "administrator");
    assert_eq!(revoked["target_user_id"], tess_id.as_str());
    assert_eq!(by_cli["detail"]["after"], serde_json::json!([]));
    assert_eq!(by_cli["actor_kind"], "system");

    // A client registered and removed from the command line.
    let doomed = idp.client("Doomed", &["--redirect-uri", RP_CALLBACK]);
    let deleted = idp.cli(&["client", "delete", "--id", &doomed.id, "--json"]);
    assert_eq!(deleted["deleted"], doomed.id.as_str());
    let clients = events_of(&root, "client_change").await;
    assert_eq!(clients.len(), 2, "{clients:#?}");
    assert_eq!(clients[0]["event"], "delete");
    assert_eq!(clients[0]["detail"]["before"]["name"], "Doomed");
    assert_eq!(
        clients[0]["detail"]["before"]["client_id"],
        doomed.id.as_str()
    );
    assert_eq!(clients[0]["actor_kind"], "system");
    assert_eq!(clients[1]["event"], "create");
    assert_eq!(
        clients[1]["detail"]["after"]["client_id"],
        doomed.id.as_str()
    );
    assert!(
        !clients[1]
            .to_string()
            .contains(doomed.secret.as_deref().unwrap()),
        "never the secret"
    );

    let access = events_of(&root, "personal_info_access").await;
    assert_eq!(access.len(), 3, "{access:#?}");
    let (viewed, listed_api, listed_cli) = (&access[0], &access[1], &access[2]);
    assert_eq!(viewed["event"], "view");
    assert_eq!(viewed["info_type"], "personal");
    assert_eq!(viewed["actor_kind"], "administrator");
    assert_eq!(viewed["target_user_id"], tess_id.as_str());
    assert_eq!(listed_api["detail"]["count"], 3);
    assert_eq!(listed_api["target_user_id"], Value::Null);
    assert_eq!(listed_cli["actor_kind"], "system");

    let locks = events_of(&root, "account_lock").await;
    let by = |lock: &str, after: &str| {
        locks
            .iter()
            .filter(|e| e["detail"]["lock"] == lock && e["detail"]["after"] == after)
            .count()
    };
    assert_eq!(by("second_factor", "unlocked"), 1, "{locks:#?}");
    assert_eq!(by("password", "unlocked"), 1, "{locks:#?}");
    let unlocked = locks
        .iter()
        .find(|e| e["detail"]["by"] == "temporary_password")
        .unwrap();
    assert_eq!(unlocked["target_user_id"], idp.user_id.as_str());
    assert_eq!(unlocked["actor_kind"], "administrator");
    let reset = locks
        .iter()
        .find(|e| e["detail"]["by"] == "second_factor_reset")
        .unwrap();
    assert_eq!(reset["target_user_id"], tess_id.as_str());

    let sign_ins = events_of(&root, "sign_in").await;
    let refused: Vec<&Value> = sign_ins
        .iter()
        .filter(|e| e["detail"]["reason"] == "second_factor_locked")
        .collect();
    assert_eq!(refused.len(), 1, "{sign_ins:#?}");
    assert_eq!(refused[0]["detail"]["method"], "totp");
    assert_eq!(refused[0]["detail"]["result"], "failure");
    assert_eq!(refused[0]["target_user_id"], tess_id.as_str());
    let temporary = events_of(&root, "temporary_password").await;
    assert_eq!(temporary[0]["detail"]["unlocked"], true);
}

#[tokio::test]
async fn added_events_are_written_by_their_paths_on_sqlite() {
    let idp = Idp::start().await;
    added_events_are_written_by_their_paths(&idp).await;
}

#[tokio::test]
async fn added_events_are_written_by_their_paths_on_postgres() {
    let Some((idp, _db)) =
        Idp::on_postgres("added_events_are_written_by_their_paths_on_postgres", &[]).await
    else {
        return;
    };
    added_events_are_written_by_their_paths(&idp).await;
}

/// The provider mailing through a real SMTP server, on SQLite or (with `pg`) on
/// PostgreSQL and Redis, with a super administrator and a few sign-ins on record.
async fn exporting_idp(
    test: &str,
    smtp: &SmtpServer,
    pg: bool,
    extra: &[(&str, &str)],
) -> Option<(Idp, Option<PgDatabase>)> {
    let port = smtp.port.to_string();
    let mut env = vec![
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", port.as_str()),
    ];
    env.extend_from_slice(extra);
    let (idp, db) = if pg {
        let (idp, db) = Idp::on_postgres(test, &env).await?;
        (idp, Some(db))
    } else {
        (Idp::start_with(&env).await, None)
    };
    idp.member(
        "acme",
        "root@example.com",
        "administrator password",
        &["--super-admin"],
    );
    for password in [PASSWORD, "not the password", PASSWORD] {
        let b = idp.browser();
        let page = b.go("/login").await.sign_in_page();
        b.submit_sign_in(&page, EMAIL, password).await;
    }
    Some((idp, db))
}

/// Asks for a background export; the job id from the 202 answer.
async fn request_export(b: &Browser, query: &str) -> String {
    let (status, body) = call(
        b,
        reqwest::Method::POST,
        &format!("/admin/api/audit/exports?{query}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["link_sent_to"], "root@example.com");
    body["job_id"].as_str().unwrap().to_owned()
}

async fn background_export_is_emailed_once(idp: &Idp, smtp: &SmtpServer) {
    let ada = admin_session(idp, EMAIL, PASSWORD).await;
    let root = admin_session(idp, "root@example.com", "administrator password").await;
    let job = request_export(&root, "org=acme&activity=sign_in&format=csv").await;
    let link = smtp.link_to("/admin/api/audit/exports/download?token=", 1, |_| true);
    assert_eq!(waiting_export_files(idp), 1);

    // The link alone is no key: without the administrator's session it is refused and
    // stays usable.
    let anonymous = reqwest::get(idp.url(&link)).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    // Nor is another member's session: a forwarded mail opens nothing.
    let forwarded = ada.http.get(idp.url(&link)).send().await.unwrap();
    assert_eq!(forwarded.status(), StatusCode::FORBIDDEN);
    assert_eq!(waiting_export_files(idp), 1);
    // The administrator who asked downloads what the streamed export would have answered.
    let http = &root.http;
    let first = http.get(idp.url(&link)).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert!(
        first.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let downloaded = first.text().await.unwrap();
    let (status, streamed) = call(
        &root,
        reqwest::Method::GET,
        "/admin/api/audit/export.csv?org=acme&activity=sign_in",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(Value::String(downloaded.clone()), streamed);
    assert_eq!(downloaded.lines().count(), 6, "a header and five sign-ins");
    assert_eq!(waiting_export_files(idp), 0, "deleted once downloaded");

    // Once only; a made-up token is refused the same way.
    let again = http.get(idp.url(&link)).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::GONE);
    let made_up = http
        .get(idp.url("/admin/api/audit/exports/download?token=made-up"))
        .send()
        .await
        .unwrap();
    assert_eq!(made_up.status(), StatusCode::GONE);

    // The request and the download are on record.
    let accesses = events_of(&root, "audit_access").await;
    let of_job: Vec<&Value> = accesses
        .iter()
        .filter(|e| e["detail"]["export"] == job.as_str())
        .collect();
    assert_eq!(of_job.len(), 2, "{accesses:#?}");
    assert_eq!(of_job[0]["event"], "download");
    assert_eq!(of_job[1]["event"], "create");
    assert_eq!(of_job[1]["detail"]["filter"]["activity"], "sign_in");
    assert_eq!(of_job[1]["actor_kind"], "administrator");

    // An Excel workbook the same way.
    request_export(&root, "org=acme&format=xlsx").await;
    let link = smtp.link_to("/admin/api/audit/exports/download?token=", 2, |m| {
        !m.contains(&link)
    });
    let xlsx = http.get(idp.url(&link)).send().await.unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let (status, _) = call(
        &root,
        reqwest::Method::POST,
        "/admin/api/audit/exports?org=acme&format=pdf",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_background_export_is_emailed_as_a_one_time_link_on_sqlite() {
    let test = "a_background_export_is_emailed_as_a_one_time_link_on_sqlite";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let (idp, _) = exporting_idp(test, &smtp, false, &[]).await.unwrap();
    background_export_is_emailed_once(&idp, &smtp).await;
}

#[tokio::test]
async fn a_background_export_is_emailed_as_a_one_time_link_on_postgres() {
    let test = "a_background_export_is_emailed_as_a_one_time_link_on_postgres";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let Some((idp, _db)) = exporting_idp(test, &smtp, true, &[]).await else {
        return;
    };
    background_export_is_emailed_once(&idp, &smtp).await;
}

#[tokio::test]
async fn an_expired_export_link_is_refused_and_its_file_deleted() {
    let test = "an_expired_export_link_is_refused_and_its_file_deleted";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let Some((idp, _db)) = exporting_idp(
        test,
        &smtp,
        true,
        &[
            ("IDP_AUDIT__EXPORT_LINK_TTL_SECS", "2"),
            ("IDP_AUDIT__RETENTION_CHECK_SECS", "1"),
        ],
    )
    .await
    else {
        return;
    };
    let root = admin_session(&idp, "root@example.com", "administrator password").await;
    request_export(&root, "org=acme").await;
    let link = smtp.link_to("/admin/api/audit/exports/download?token=", 1, |_| true);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let late = root.http.get(idp.url(&link)).send().await.unwrap();
    assert_eq!(late.status(), StatusCode::GONE);
    let mut waiting = waiting_export_files(&idp);
    for _ in 0..40 {
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        waiting = waiting_export_files(&idp);
    }
    assert_eq!(waiting, 0, "the file went with the link");
}

/// A member allows an application on the consent page, then withdraws it from their
/// account page; both are on record, and the next sign-in there asks again.
async fn consent_is_recorded_when_given_and_withdrawn(idp: &Idp) {
    idp.member(
        "acme",
        "root@example.com",
        "administrator password",
        &["--super-admin"],
    );
    let reg = idp.web_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let request = rp.request(&["email"], &[]);
    let login = browser.go(&request.url).await.sign_in_page();
    let consent = browser
        .sign_in(&login, EMAIL, PASSWORD)
        .await
        .consent_page();
    let response = browser.consent(&consent, "allow").await.back();
    rp.code(&response, &request);

    let account = browser.get("/account").await.text().await.unwrap();
    assert!(account.contains("Reports"), "{account}");
    let withdrawn = browser
        .post(
            "/account/consents/revoke",
            &[("csrf", &hidden(&account, "csrf")), ("client", &reg.id)],
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    let account = browser.get("/account").await.text().await.unwrap();
    assert!(!account.contains("Reports"), "{account}");
    browser
        .go(&rp.request(&["email"], &[]).url)
        .await
        .consent_page();

    let root = admin_session(idp, "root@example.com", "administrator password").await;
    let consents = events_of(&root, "consent").await;
    assert_eq!(consents.len(), 2, "{consents:#?}");
    let (revoked, granted) = (&consents[0], &consents[1]);
    assert_eq!(revoked["event"], "delete");
    assert_eq!(revoked["info_type"], "permission");
    assert_eq!(revoked["actor_kind"], "member");
    assert_eq!(revoked["target_user_id"], idp.user_id.as_str());
    assert_eq!(revoked["detail"]["client_id"], reg.id.as_str());
    assert_eq!(
        revoked["detail"]["before"]["scopes"],
        serde_json::json!(["openid", "email"])
    );
    assert_eq!(granted["event"], "create");
    assert_eq!(granted["detail"]["client_id"], reg.id.as_str());
}

#[tokio::test]
async fn consent_is_recorded_when_given_and_withdrawn_on_sqlite() {
    let idp = Idp::start().await;
    consent_is_recorded_when_given_and_withdrawn(&idp).await;
}

#[tokio::test]
async fn consent_is_recorded_when_given_and_withdrawn_on_postgres() {
    let Some((idp, _db)) = Idp::on_postgres(
        "consent_is_recorded_when_given_and_withdrawn_on_postgres",
        &[],
    )
    .await
    else {
        return;
    };
    consent_is_recorded_when_given_and_withdrawn(&idp).await;
}
