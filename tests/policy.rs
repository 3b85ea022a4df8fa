//! End-to-end tests of organization policy with the real `idp` binary: settings and
//! their inheritance, lockout after failed sign-ins and the reset link that lifts it
//! (read from a real SMTP server), expired and temporary passwords that must be replaced
//! before any token, and members on leave.
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

fn policy(idp: &Idp, org: &str, set: &[&str]) -> Value {
    let mut args = vec!["org", "policy", "--org", org, "--json"];
    for s in set {
        args.push("--set");
        args.push(s);
    }
    idp.cli(&args)
}

/// Signs in with a password on a fresh browser; the page it lands on.
async fn sign_in_as(idp: &Idp, email: &str, password: &str) -> (Browser, Step) {
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let response = b.submit_sign_in(&page, email, password).await;
    let step = b.follow(b.abs("/login"), response).await;
    (b, step)
}

fn landed_on(step: &Step) -> (StatusCode, String) {
    match step {
        Step::Page(status, url, _, _) => (*status, url.path().to_owned()),
        Step::SignIn(_) => (StatusCode::OK, "/login".into()),
        other => panic!("unexpected {other:?}"),
    }
}

/// The reset link in the newest of `count` messages.
fn reset_link(smtp: &SmtpServer, count: usize) -> String {
    link_in(smtp, count, |_| true)
}

fn link_in(smtp: &SmtpServer, count: usize, which: impl Fn(&str) -> bool) -> String {
    smtp.link_to("/reset-password?token=", count, which)
}

async fn submit_new_password(
    b: &Browser,
    page: &str,
    action: &str,
    pw: &str,
    again: &str,
) -> reqwest::Response {
    let mut form = vec![
        ("csrf", hidden(page, "csrf")),
        ("password", pw.to_owned()),
        ("confirm", again.to_owned()),
    ];
    if page.contains("name=\"token\"") {
        form.push(("token", hidden(page, "token")));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(action, &form).await
}

#[tokio::test]
async fn settings_are_validated_and_a_sub_organization_inherits_them() {
    let idp = Idp::start().await;
    idp.cli(&[
        "org", "create", "--name", "Acme EU", "--slug", "acme-eu", "--parent", "acme", "--json",
    ]);
    idp.cli(&[
        "user",
        "create",
        "--org",
        "acme-eu",
        "--email",
        "jean@example.com",
        "--password",
        "a long enough passphrase",
        "--json",
    ]);
    let shown = policy(
        &idp,
        "acme",
        &["two_factor_scope=everybody", "lockout_after_failures=5"],
    );
    assert_eq!(shown["settings"]["two_factor_scope"], "everybody");
    let eu = policy(&idp, "acme-eu", &[]);
    assert_eq!(
        eu["effective"]["two_factor_scope"], "everybody",
        "inherited"
    );
    assert_eq!(eu["effective"]["lockout_after_failures"], 5);

    // Bad values are refused with one line, and nothing changes.
    for bad in [
        vec!["password_min_length=4"],
        vec!["no_such_setting=1"],
        vec!["two_factor_scope=sometimes"],
        vec!["lockout_after_failures=5", "password_history=99"],
    ] {
        let mut args = vec!["org", "policy", "--org", "acme"];
        for s in &bad {
            args.extend(["--set", s]);
        }
        let out = run(&idp.server.dir, &idp.env(), &args);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{}", stderr(&out));
        if bad == ["two_factor_scope=sometimes"] {
            assert!(
                stderr(&out)
                    .contains("two_factor_scope must be one of: off, everybody, administrators"),
                "a sentence, not serde's words: {}",
                stderr(&out)
            );
        }
    }
    let out = run(
        &idp.server.dir,
        &idp.env(),
        &[
            "org",
            "policy",
            "--org",
            "acme-eu",
            "--set",
            "email_password_login=false",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "set on the main organization only"
    );
    assert_eq!(policy(&idp, "acme", &[])["settings"], shown["settings"]);

    // The sub-organization's member is asked to set up a second factor.
    let (_, step) = sign_in_as(&idp, "jean@example.com", "a long enough passphrase").await;
    assert_eq!(landed_on(&step).1, "/login/enrol");
    // Until the sub-organization says otherwise for itself.
    policy(&idp, "acme-eu", &["two_factor_scope=off"]);
    let (_, step) = sign_in_as(&idp, "jean@example.com", "a long enough passphrase").await;
    assert_eq!(landed_on(&step).1, "/account");
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert_eq!(
        landed_on(&step).1,
        "/login/enrol",
        "the main organization still asks"
    );
}

#[tokio::test]
async fn lockout_after_failed_sign_ins_and_a_reset_link_unlocks() {
    let Some(smtp) = SmtpServer::start("lockout_after_failed_sign_ins_and_a_reset_link_unlocks")
    else {
        return;
    };
    let port = smtp.port.to_string();
    let idp = Idp::start_with(&[
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", &port),
    ])
    .await;
    policy(&idp, "acme", &["lockout_after_failures=3"]);
    let (elsewhere, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert_eq!(landed_on(&step).1, "/account");

    // A success in between starts the count again.
    for _ in 0..2 {
        let (_, step) = sign_in_as(&idp, EMAIL, "not the password").await;
        assert!(
            matches!(step, Step::Page(StatusCode::UNAUTHORIZED, ..)),
            "{step:?}"
        );
    }
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert_eq!(landed_on(&step).1, "/account");
    for _ in 0..3 {
        let (_, step) = sign_in_as(&idp, EMAIL, "not the password").await;
        assert!(matches!(step, Step::Page(StatusCode::UNAUTHORIZED, ..)));
    }
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    match &step {
        Step::Page(StatusCode::UNAUTHORIZED, _, _, html) => {
            assert!(html.contains("/forgot-password"), "{html}")
        }
        other => panic!("locked, expected 401: {other:?}"),
    }

    // The same answer for an address nobody has.
    let b = idp.browser();
    let forgot = b.get("/forgot-password").await.text().await.unwrap();
    for email in ["nobody@example.com", EMAIL] {
        let r = b
            .post(
                "/forgot-password",
                &[("csrf", &hidden(&forgot, "csrf")), ("email", email)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()[LOCATION], "/forgot-password?sent=1");
    }
    let link = reset_link(&smtp, 1);
    let page = b.get(&link).await.text().await.unwrap();
    let weak = submit_new_password(
        &b,
        &page,
        "/reset-password",
        "password123456",
        "password123456",
    )
    .await;
    assert_eq!(weak.status(), StatusCode::BAD_REQUEST, "a common password");
    let mismatch = submit_new_password(
        &b,
        &page,
        "/reset-password",
        "Analytical Engine 1843",
        "Analytical Engine 1844",
    )
    .await;
    assert_eq!(mismatch.status(), StatusCode::BAD_REQUEST);
    let saved = submit_new_password(
        &b,
        &page,
        "/reset-password",
        "Analytical Engine 1843",
        "Analytical Engine 1843",
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let again = b.get(&link).await;
    assert_eq!(again.status(), StatusCode::GONE, "single use");

    // The other sessions ended; the old password is gone; the new one works.
    assert!(elsewhere.get("/account").await.status().is_redirection());
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert!(matches!(step, Step::Page(StatusCode::UNAUTHORIZED, ..)));
    let (_, step) = sign_in_as(&idp, EMAIL, "Analytical Engine 1843").await;
    assert_eq!(landed_on(&step).1, "/account", "unlocked");
}

/// Moves a member's last password change back in time, as days passing would.
fn age_password(db: &PgDatabase, email: &str, days: i64) {
    let updated = db.execute(&format!(
        "UPDATE credentials SET password_changed_at = password_changed_at - {} \
         WHERE user_id = (SELECT id FROM users WHERE email = '{email}')",
        days * 86_400_000_000
    ));
    assert_eq!(updated, 1);
}

#[tokio::test]
async fn an_expired_password_is_replaced_before_any_token_and_not_by_a_recent_one() {
    let Some((idp, db)) = Idp::on_postgres(
        "an_expired_password_is_replaced_before_any_token_and_not_by_a_recent_one",
        &[],
    )
    .await
    else {
        return;
    };
    policy(
        &idp,
        "acme",
        &["password_expiry_days=30", "password_history=3"],
    );
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert_eq!(landed_on(&step).1, "/account", "29 days is fine");
    age_password(&db, EMAIL, 31);

    let app = idp.first_party_app();
    let rp = idp.rp(&app).await;
    let request = rp.request(&["openid"], &[]);
    let b = idp.browser();
    let login = b.go(&request.url).await.sign_in_page();
    let page = match b.sign_in(&login, EMAIL, PASSWORD).await {
        Step::Page(StatusCode::OK, url, _, html) if url.path() == "/login/change-password" => html,
        other => panic!("expected the change page: {other:?}"),
    };
    assert!(
        b.get("/account").await.status().is_redirection(),
        "no session yet"
    );
    let reused = submit_new_password(&b, &page, "/login/change-password", PASSWORD, PASSWORD).await;
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    assert!(reused.text().await.unwrap().contains("not used recently"));
    let ok = submit_new_password(
        &b,
        &page,
        "/login/change-password",
        "Analytical Engine 1843",
        "Analytical Engine 1843",
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let back = b.follow(b.abs("/login/change-password"), ok).await.back();
    let tokens = rp
        .exchange(&rp.code(&back, &request), request.verifier())
        .await
        .unwrap();
    rp.verify(&tokens, Some(&request.nonce));
    let (_, step) = sign_in_as(&idp, EMAIL, "Analytical Engine 1843").await;
    assert_eq!(landed_on(&step).1, "/account", "fresh again");
}

#[tokio::test]
async fn a_temporary_password_signs_in_once_and_must_be_replaced() {
    let idp = Idp::start().await;
    let temp = idp.cli_text(&["user", "temp-password", "--org", "acme", "--email", EMAIL]);
    let temp = temp.trim();
    assert_eq!(temp.chars().count(), 20);
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert!(
        matches!(step, Step::Page(StatusCode::UNAUTHORIZED, ..)),
        "the old password is gone"
    );

    let (b, step) = sign_in_as(&idp, EMAIL, temp).await;
    assert_eq!(landed_on(&step).1, "/login/change-password");
    // Walking away and coming back: the temporary password has been used.
    let (_, again) = sign_in_as(&idp, EMAIL, temp).await;
    assert!(
        matches!(again, Step::Page(StatusCode::UNAUTHORIZED, ..)),
        "works once"
    );

    let page = b.get("/login/change-password").await.text().await.unwrap();
    let ok = submit_new_password(
        &b,
        &page,
        "/login/change-password",
        "Analytical Engine 1843",
        "Analytical Engine 1843",
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[LOCATION], "/account");
    let (_, step) = sign_in_as(&idp, EMAIL, "Analytical Engine 1843").await;
    assert_eq!(landed_on(&step).1, "/account");
}

#[tokio::test]
async fn members_on_leave_are_refused_unless_their_organization_allows_it() {
    let idp = Idp::start().await;
    idp.set_status("on_leave");
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    match &step {
        Step::Page(StatusCode::FORBIDDEN, _, _, html) => {
            assert!(html.contains("leave of absence"), "{html}")
        }
        other => panic!("expected a refusal: {other:?}"),
    }
    let (_, step) = sign_in_as(&idp, EMAIL, "not the password").await;
    assert!(
        matches!(step, Step::Page(StatusCode::UNAUTHORIZED, ..)),
        "a wrong password says nothing about leave"
    );
    policy(&idp, "acme", &["leave_of_absence_sign_in=true"]);
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert_eq!(landed_on(&step).1, "/account");
}

/// Signs in through a proxy that says the client is `forwarded_for`.
async fn sign_in_via_proxy(
    idp: &Idp,
    email: &str,
    password: &str,
    forwarded_for: &str,
) -> StatusCode {
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b
        .http
        .post(b.abs("/login"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("csrf", hidden(&page, "csrf").as_str()),
            ("authz", ""),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status();
    if status == StatusCode::FORBIDDEN {
        let html = r.text().await.unwrap();
        assert!(
            html.contains("does not allow signing in from this network"),
            "{html}"
        );
        assert!(
            html.contains(forwarded_for.rsplit(',').next().unwrap().trim()),
            "{html}"
        );
    }
    status
}

#[tokio::test]
async fn the_ip_allow_list_refuses_other_networks_and_binds_the_super_administrator_on_request() {
    // The test client is the proxy on 127.0.0.1, saying who the client is.
    let idp = Idp::start_with(&[("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1, ::1")]).await;
    idp.cli(&[
        "user",
        "create",
        "--org",
        "acme",
        "--email",
        "root@example.com",
        "--password",
        "administrator password",
        "--super-admin",
        "--json",
    ]);
    // Refused, with nothing saved: too many entries, a malformed one, everything.
    let many: Vec<String> = (0..101).map(|i| format!("10.0.{i}.0/24")).collect();
    for bad in [
        many,
        vec!["203.0.113.0/24".into(), "not-an-ip".into()],
        vec!["0.0.0.0/0".into()],
    ] {
        let mut args = vec![
            "org".to_owned(),
            "allow-ips".into(),
            "--org".into(),
            "acme".into(),
        ];
        for e in &bad {
            args.push("--entry".into());
            args.push(e.clone());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&idp.server.dir, &idp.env(), &args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    }
    assert_eq!(
        sign_in_via_proxy(&idp, EMAIL, PASSWORD, "198.51.100.7").await,
        StatusCode::SEE_OTHER,
        "no list yet"
    );

    idp.cli_text(&[
        "org",
        "allow-ips",
        "--org",
        "acme",
        "--entry",
        "203.0.113.0/24=Head office",
        "--entry",
        "2001:db8::/32",
    ]);
    assert_eq!(
        sign_in_via_proxy(&idp, EMAIL, PASSWORD, "198.51.100.7").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sign_in_via_proxy(&idp, EMAIL, PASSWORD, "203.0.113.9").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in_via_proxy(&idp, EMAIL, PASSWORD, "2001:db8::5").await,
        StatusCode::SEE_OTHER
    );
    // What the client itself wrote on the left of the header is not believed.
    assert_eq!(
        sign_in_via_proxy(&idp, EMAIL, PASSWORD, "203.0.113.9, 198.51.100.7").await,
        StatusCode::FORBIDDEN
    );
    // A wrong password from outside says only that the password is wrong.
    assert_eq!(
        sign_in_via_proxy(&idp, EMAIL, "nope nope nope", "198.51.100.7").await,
        StatusCode::UNAUTHORIZED
    );

    assert_eq!(
        sign_in_via_proxy(
            &idp,
            "root@example.com",
            "administrator password",
            "198.51.100.7"
        )
        .await,
        StatusCode::SEE_OTHER,
        "the super administrator is exempt"
    );
    policy(&idp, "acme", &["ip_allow_list_super_admin=true"]);
    assert_eq!(
        sign_in_via_proxy(
            &idp,
            "root@example.com",
            "administrator password",
            "198.51.100.7"
        )
        .await,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn forwarded_addresses_from_an_untrusted_peer_are_ignored() {
    let idp = Idp::start().await;
    idp.cli_text(&[
        "org",
        "allow-ips",
        "--org",
        "acme",
        "--entry",
        "203.0.113.0/24",
    ]);
    // No trusted proxies: the peer (127.0.0.1) is the client, outside the list.
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b
        .http
        .post(b.abs("/login"))
        .header("x-forwarded-for", "203.0.113.9")
        .form(&[
            ("csrf", hidden(&page, "csrf").as_str()),
            ("authz", ""),
            ("email", EMAIL),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("(127.0.0.1)"));
}

#[tokio::test]
async fn an_idle_session_is_ended_on_the_server_and_lifetimes_follow_the_organization() {
    let Some((idp, db)) = Idp::on_postgres(
        "an_idle_session_is_ended_on_the_server_and_lifetimes_follow_the_organization",
        &[],
    )
    .await
    else {
        return;
    };
    policy(
        &idp,
        "acme",
        &["idle_timeout_minutes=5", "session_lifetime_hours=2"],
    );
    let (b, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert_eq!(landed_on(&step).1, "/account");
    let lifetime = db.values("SELECT expires_at - created_at AS v FROM browser_sessions");
    assert_eq!(
        lifetime,
        vec![2 * 3600 * 1_000_000],
        "the organization's 2 hours"
    );

    // Four minutes idle: still signed in.
    db.values("UPDATE browser_sessions SET last_seen_at = last_seen_at - 240000000 RETURNING 0::BIGINT AS v",
    );
    assert_eq!(b.get("/account").await.status(), StatusCode::OK);
    // Six minutes idle: ended, in the database too.
    db.values("UPDATE browser_sessions SET last_seen_at = last_seen_at - 360000000 RETURNING 0::BIGINT AS v",
    );
    assert!(b.get("/account").await.status().is_redirection());
    let ended = db.values("SELECT COUNT(*) AS v FROM browser_sessions WHERE ended_at IS NOT NULL");
    assert_eq!(ended, vec![1]);
}

#[tokio::test]
async fn turning_email_password_off_deletes_credentials_and_back_on_invites_everyone() {
    let test = "turning_email_password_off_deletes_credentials_and_back_on_invites_everyone";
    let (Some(pg), Some(redis)) = (
        backend_url("IDP_TEST_DATABASE_URL", test),
        backend_url("IDP_TEST_REDIS_URL", test),
    ) else {
        return;
    };
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let db = PgDatabase::create(&pg);
    let port = smtp.port.to_string();
    let idp = Idp::start_with(&[
        ("IDP_DATABASE__URL", db.url.as_str()),
        ("IDP_REDIS__URL", redis.as_str()),
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", &port),
        ("IDP_FEDERATION__GOOGLE__CLIENT_ID", "google-client"),
        ("IDP_FEDERATION__GOOGLE__CLIENT_SECRET", "a google secret"),
        (
            "IDP_FEDERATION__GOOGLE__DISCOVERY_URL",
            "http://127.0.0.1:9/.well-known/openid-configuration",
        ),
    ])
    .await;
    // Members keep a way to sign in: without it, turning the switch off is refused.
    idp.set_policy("google_sign_in=true");
    idp.cli(&[
        "org", "create", "--name", "Acme EU", "--slug", "acme-eu", "--parent", "acme", "--json",
    ]);
    idp.cli(&[
        "user",
        "create",
        "--org",
        "acme-eu",
        "--email",
        "jean@example.com",
        "--password",
        "a long enough passphrase",
        "--totp-secret",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "--json",
    ]);
    let with_password = "SELECT COUNT(*) AS v FROM credentials WHERE password_hash IS NOT NULL OR totp_secret_sealed IS NOT NULL";
    assert_eq!(db.values(with_password), vec![2]);

    // Only on the main organization, and only once the count is confirmed.
    let refused = run(
        &idp.server.dir,
        &idp.env(),
        &["org", "email-password", "--org", "acme-eu", "--disable"],
    );
    assert_eq!(refused.status.code(), Some(1), "a sub-organization cannot");
    let dry = run(
        &idp.server.dir,
        &idp.env(),
        &["org", "email-password", "--org", "acme", "--disable"],
    );
    assert_eq!(dry.status.code(), Some(1));
    assert!(stderr(&dry).contains("--confirm 2"), "{}", stderr(&dry));
    let wrong = run(
        &idp.server.dir,
        &idp.env(),
        &[
            "org",
            "email-password",
            "--org",
            "acme",
            "--disable",
            "--confirm",
            "5",
        ],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(db.values(with_password), vec![2], "nothing deleted yet");

    // A reset link asked for before the switch stops working with it.
    let b = idp.browser();
    let forgot = b.get("/forgot-password").await.text().await.unwrap();
    b.post(
        "/forgot-password",
        &[("csrf", &hidden(&forgot, "csrf")), ("email", EMAIL)],
    )
    .await;
    let early_link = reset_link(&smtp, 1);

    idp.cli_text(&[
        "org",
        "email-password",
        "--org",
        "acme",
        "--disable",
        "--confirm",
        "2",
    ]);
    // With the switch off, Google is the members' last way in: it stays on.
    let last = run(
        &idp.server.dir,
        &idp.env(),
        &[
            "org",
            "policy",
            "--org",
            "acme",
            "--set",
            "google_sign_in=false",
        ],
    );
    assert_eq!(last.status.code(), Some(1));
    assert!(
        stderr(&last).contains("no way to sign in"),
        "{}",
        stderr(&last)
    );
    assert_eq!(
        db.values(with_password),
        vec![0],
        "every password and secret deleted"
    );
    assert_eq!(
        db.values("SELECT COUNT(*) AS v FROM recovery_codes"),
        vec![0]
    );
    // The sign-in page shows no password form, and a password posted anyway is refused.
    let off = idp.browser();
    let login = off.get("/login").await.text().await.unwrap();
    assert!(login.contains("Continue with Google"), "{login}");
    assert!(!login.contains("current-password"), "{login}");
    let csrf = off.cookie("idp_csrf").unwrap();
    let posted = off
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("authz", ""),
                ("email", EMAIL),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(posted.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(b.get(&early_link).await.status(), StatusCode::GONE);

    // Back on: every member gets a link to set a password, and nothing else works.
    idp.cli_text(&["org", "email-password", "--org", "acme", "--enable"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while smtp.messages().len() < 3 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let messages = smtp.messages();
    assert_eq!(messages.len(), 3, "one link for each of the two members");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("jean@example.com") && m.contains("Create your password"))
    );
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert!(
        matches!(step, Step::Page(StatusCode::UNAUTHORIZED, ..)),
        "the old password is gone for good"
    );
    let link = link_in(&smtp, 3, |m| {
        m.contains(&format!("To: {EMAIL}")) && m.contains("Create your password")
    });
    let page = b.get(&link).await.text().await.unwrap();
    let saved = submit_new_password(
        &b,
        &page,
        "/reset-password",
        "Analytical Engine 1843",
        "Analytical Engine 1843",
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
}

#[tokio::test]
async fn email_login_per_member_and_turning_two_factor_off_after_confirmation() {
    let Some(smtp) =
        SmtpServer::start("email_login_per_member_and_turning_two_factor_off_after_confirmation")
    else {
        return;
    };
    let port = smtp.port.to_string();
    let idp = Idp::start_with(&[
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", &port),
    ])
    .await;
    idp.cli(&[
        "user",
        "create",
        "--org",
        "acme",
        "--email",
        "grace@example.com",
        "--password",
        "a long enough passphrase",
        "--json",
    ]);

    // Unknown addresses change nothing.
    let bad = run(
        &idp.server.dir,
        &idp.env(),
        &[
            "user",
            "email-login",
            "--org",
            "acme",
            "--disable",
            "--email",
            EMAIL,
            "--email",
            "nobody@example.com",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert_eq!(landed_on(&step).1, "/account");

    idp.cli_text(&[
        "user",
        "email-login",
        "--org",
        "acme",
        "--disable",
        "--email",
        EMAIL,
        "--email",
        "grace@example.com",
    ]);
    let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
    assert!(matches!(step, Step::Page(StatusCode::UNAUTHORIZED, ..)));
    let resend = run(
        &idp.server.dir,
        &idp.env(),
        &[
            "user",
            "send-password-reset",
            "--org",
            "acme",
            "--email",
            EMAIL,
        ],
    );
    assert_eq!(
        resend.status.code(),
        Some(1),
        "only for members with email sign-in"
    );

    idp.cli_text(&[
        "user",
        "email-login",
        "--org",
        "acme",
        "--enable",
        "--email",
        EMAIL,
    ]);
    let link = reset_link(&smtp, 1);
    assert!(
        smtp.messages()[0].contains("Create your password"),
        "{}",
        smtp.messages()[0]
    );
    let b = idp.browser();
    let page = b.get(&link).await.text().await.unwrap();
    let saved = submit_new_password(
        &b,
        &page,
        "/reset-password",
        "Analytical Engine 1843",
        "Analytical Engine 1843",
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let (_, step) = sign_in_as(&idp, EMAIL, "Analytical Engine 1843").await;
    assert_eq!(landed_on(&step).1, "/account");
    let (_, step) = sign_in_as(&idp, "grace@example.com", "a long enough passphrase").await;
    assert!(
        matches!(step, Step::Page(StatusCode::UNAUTHORIZED, ..)),
        "still off for grace"
    );

    // Two-factor on, one member enrols; turning it off asks for that count, then deletes it.
    idp.cli_text(&["org", "two-factor", "--org", "acme", "--scope", "everybody"]);
    let (b, step) = sign_in_as(&idp, EMAIL, "Analytical Engine 1843").await;
    let html = match step {
        Step::Page(StatusCode::OK, _, _, html) => html,
        other => panic!("{other:?}"),
    };
    let key = {
        let at = html.find("id=\"secret\"").unwrap();
        let start = at + html[at..].find('>').unwrap() + 1;
        html[start..start + html[start..].find('<').unwrap()].to_owned()
    };
    let secret = idp_core::totp::TotpSecret::parse_base32(&key).unwrap();
    let now = idp_core::Timestamp::from_micros(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_micros(),
        )
        .unwrap(),
    );
    let code = idp_core::totp::code_at_step(&secret, idp_core::totp::step_at(now));
    let ok = b
        .post(
            "/login/enrol",
            &[("csrf", &hidden(&html, "csrf")), ("code", &code)],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let off = run(
        &idp.server.dir,
        &idp.env(),
        &["org", "two-factor", "--org", "acme", "--scope", "off"],
    );
    assert_eq!(off.status.code(), Some(1));
    assert!(stderr(&off).contains("--confirm 1"), "{}", stderr(&off));
    idp.cli_text(&[
        "org",
        "two-factor",
        "--org",
        "acme",
        "--scope",
        "off",
        "--confirm",
        "1",
    ]);
    let (_, step) = sign_in_as(&idp, EMAIL, "Analytical Engine 1843").await;
    assert_eq!(landed_on(&step).1, "/account", "the second factor is gone");
}

#[tokio::test]
async fn the_second_factor_is_not_asked_from_excluded_addresses() {
    let idp = Idp::start_with(&[("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1")]).await;
    policy(&idp, "acme", &["two_factor_scope=everybody"]);
    idp.cli_text(&[
        "org",
        "skip-second-factor-ips",
        "--org",
        "acme",
        "--entry",
        "192.0.2.0/24=Office",
    ]);
    let refused = run(
        &idp.server.dir,
        &idp.env(),
        &[
            "org",
            "skip-second-factor-ips",
            "--org",
            "acme",
            "--entry",
            "::/0",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    let from = |ip: &'static str| {
        let idp = &idp;
        async move {
            let b = idp.browser();
            let page = b.go("/login").await.sign_in_page();
            let r = b
                .http
                .post(b.abs("/login"))
                .header("x-forwarded-for", ip)
                .form(&[
                    ("csrf", hidden(&page, "csrf").as_str()),
                    ("authz", ""),
                    ("email", EMAIL),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .unwrap();
            r.headers()[LOCATION].to_str().unwrap().to_owned()
        }
    };
    assert_eq!(
        from("192.0.2.44").await,
        "/account",
        "from the office: no second factor"
    );
    assert_eq!(
        from("198.51.100.7").await,
        "/login/enrol",
        "elsewhere: set one up"
    );
}

#[tokio::test]
async fn an_allow_list_limited_to_one_application_leaves_the_others_alone() {
    let idp = Idp::start_with(&[("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1")]).await;
    let payroll = idp.first_party_app();
    idp.cli_text(&[
        "org",
        "allow-ips",
        "--org",
        "acme",
        "--entry",
        "203.0.113.0/24",
    ]);
    let scoped = format!("ip_allow_list_clients=[\"{}\"]", payroll.id);
    policy(&idp, "acme", &[&scoped]);
    let outside = "198.51.100.7";
    // Signing in for the account page only: not restricted.
    assert_eq!(
        sign_in_via_proxy(&idp, EMAIL, PASSWORD, outside).await,
        StatusCode::SEE_OTHER
    );
    // Signing in for payroll from outside: refused.
    let rp = idp.rp(&payroll).await;
    let request = rp.request(&["openid"], &[]);
    let b = idp.browser();
    let page = b.go(&request.url).await.sign_in_page();
    let r = b
        .http
        .post(b.abs("/login"))
        .header("x-forwarded-for", outside)
        .form(&[
            ("csrf", hidden(&page, "csrf").as_str()),
            ("authz", hidden(&page, "authz").as_str()),
            ("email", EMAIL),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// argon2 at the shipped cost, so that concurrent checks really overlap.
/// The lock, not the per-address share of the hashing queue, is what is tested here.
const REAL_ARGON2: &[(&str, &str)] = &[
    ("IDP_SECURITY__ARGON2_MEMORY_KIB", "19456"),
    ("IDP_SECURITY__ARGON2_ITERATIONS", "2"),
    ("IDP_THROTTLE__HASHES_IN_FLIGHT_PER_ADDRESS", "1000"),
];

/// Many wrong passwords at once cannot outrun the lock: no more are checked than the
/// lock allows, none is hashed once it is set, and the right password sent into the
/// burst is refused.
async fn a_burst_of_guesses_cannot_outrun_the_password_lock(idp: &Idp) {
    policy(idp, "acme", &["lockout_after_failures=10"]);
    let mut pages = Vec::new();
    for _ in 0..49 {
        let b = idp.browser();
        let page = b.go("/login").await.sign_in_page();
        pages.push((b, page));
    }
    let mut burst = tokio::task::JoinSet::new();
    for (b, page) in pages {
        // A fresh connection: one left idle while the others were fetched may be closed
        // by the server's keep-alive timeout just as the post goes out.
        let b = b.clone_cookies();
        burst.spawn(async move {
            b.submit_sign_in(&page, EMAIL, "not the password")
                .await
                .status()
        });
    }
    // The right password goes in last, while the wrong ones are being checked.
    let (right, page) = {
        let b = idp.browser();
        let page = b.go("/login").await.sign_in_page();
        (b, page)
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answer = right.submit_sign_in(&page, EMAIL, PASSWORD).await;
    assert_eq!(
        answer.status(),
        StatusCode::UNAUTHORIZED,
        "the right password after the lock is refused"
    );
    while let Some(status) = burst.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::UNAUTHORIZED);
    }
    let events = idp.audit_events("sign_in");
    let reason = |r: &str| events.iter().filter(|e| e["detail"]["reason"] == r).count();
    assert_eq!(
        reason("invalid_credentials"),
        10,
        "only the checks the lock allows are hashed: {events:#?}"
    );
    assert!(
        !events.iter().any(|e| e["detail"]["result"] == "success"),
        "{events:#?}"
    );
    let locks = idp.audit_events("account_lock");
    assert_eq!(locks.len(), 1, "{locks:#?}");
    // Still locked for the right password, until a reset.
    let (_, step) = sign_in_as(idp, EMAIL, PASSWORD).await;
    assert!(matches!(step, Step::Page(StatusCode::UNAUTHORIZED, ..)));
}

#[tokio::test]
async fn a_burst_of_guesses_cannot_outrun_the_password_lock_on_sqlite() {
    let idp = Idp::start_with(REAL_ARGON2).await;
    a_burst_of_guesses_cannot_outrun_the_password_lock(&idp).await;
}

#[tokio::test]
async fn a_burst_of_guesses_cannot_outrun_the_password_lock_on_postgresql() {
    let Some((idp, _db)) = Idp::on_postgres(
        "a_burst_of_guesses_cannot_outrun_the_password_lock_on_postgresql",
        REAL_ARGON2,
    )
    .await
    else {
        return;
    };
    a_burst_of_guesses_cannot_outrun_the_password_lock(&idp).await;
}

#[tokio::test]
async fn turning_email_password_off_is_refused_until_everyone_keeps_a_way_in() {
    // Google is configured (never reached: nobody signs in through it here).
    let idp = Idp::start_with(&[
        ("IDP_FEDERATION__GOOGLE__CLIENT_ID", "google-client"),
        ("IDP_FEDERATION__GOOGLE__CLIENT_SECRET", "a google secret"),
        (
            "IDP_FEDERATION__GOOGLE__DISCOVERY_URL",
            "http://127.0.0.1:9/.well-known/openid-configuration",
        ),
    ])
    .await;
    idp.member(
        "acme",
        "root@example.com",
        "administrator password",
        &["--super-admin"],
    );
    let admin = idp.browser();
    let page = admin.go("/login").await.sign_in_page();
    admin
        .sign_in(&page, "root@example.com", "administrator password")
        .await;
    let csrf = admin.cookie("idp_csrf").unwrap();
    let api_off = || async {
        let r = admin
            .http
            .patch(admin.abs("/admin/api/orgs/acme/policy"))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"set": {"email_password_login": false}, "confirm": 2}))
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.text().await.unwrap())
    };
    let console_off = || async {
        let form = admin
            .get("/admin/orgs/acme/authentication")
            .await
            .text()
            .await
            .unwrap();
        let r = admin
            .post(
                "/admin/orgs/acme/authentication",
                &[
                    ("csrf", &hidden(&form, "csrf")),
                    ("version", &hidden(&form, "version")),
                    ("action", "disable"),
                    ("confirm", "Acme"),
                ],
            )
            .await;
        let status = r.status();
        (status, r.text().await.unwrap())
    };
    let cli_off = || {
        run(
            &idp.server.dir,
            &idp.env(),
            &[
                "org",
                "email-password",
                "--org",
                "acme",
                "--disable",
                "--confirm",
                "2",
            ],
        )
    };
    let still_signs_in = || async {
        let (_, step) = sign_in_as(&idp, EMAIL, PASSWORD).await;
        assert_eq!(landed_on(&step).1, "/account", "the password still works");
    };

    // No upstream allowed for the members: refused everywhere, the operator's CLI too.
    let no_upstream = "no Google or Microsoft sign-in is enabled";
    let (status, body) = api_off().await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains(no_upstream), "{body}");
    let (status, body) = console_off().await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains(no_upstream), "{body}");
    let out = cli_off();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(no_upstream), "{}", stderr(&out));
    still_signs_in().await;
    assert_eq!(
        idp.cli(&["org", "policy", "--org", "acme", "--json"])["effective"]["email_password_login"],
        true
    );

    // Google allowed, but this administrator has no linked account: still refused.
    idp.set_policy("google_sign_in=true");
    let locked_out = "you have no linked Google or Microsoft account";
    let (status, body) = api_off().await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains(locked_out), "{body}");
    let (status, body) = console_off().await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains(locked_out), "{body}");
    still_signs_in().await;

    // The operator is nobody's sign-in: the CLI may, and the sign-in page loses its form.
    assert_eq!(cli_off().status.code(), Some(0));
    let login = admin.get("/login").await.text().await.unwrap();
    assert!(login.contains("Continue with Google"), "{login}");
    assert!(!login.contains("current-password"), "{login}");

    // The administrator has no way in left but the operator's recovery link.
    let unknown = run(
        &idp.server.dir,
        &idp.env(),
        &["user", "recovery-link", "--email", EMAIL],
    );
    assert_eq!(
        unknown.status.code(),
        Some(1),
        "only for a super administrator"
    );
    let out = run(
        &idp.server.dir,
        &idp.env(),
        &["user", "recovery-link", "--email", "root@example.com"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let link = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(link.contains("/recovery-link?token="), "{link}");
    let admin = idp.browser();
    let use_link = || async {
        let page = admin.get(&link).await.text().await.unwrap();
        admin
            .post(
                "/recovery-link",
                &[
                    ("csrf", &hidden(&page, "csrf")),
                    ("token", &hidden(&page, "token")),
                ],
            )
            .await
    };
    let first = use_link().await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(first.headers()["location"], "/account");
    assert_eq!(
        admin.get("/admin/orgs/acme/authentication").await.status(),
        StatusCode::OK,
        "signed in, into the console"
    );
    let second = use_link().await;
    assert_eq!(second.status(), StatusCode::GONE);
    let gone = second.text().await.unwrap();
    assert!(gone.contains("This sign-in link no longer works"), "{gone}");
    assert!(gone.contains(r#"href="/login""#), "a way forward: {gone}");
    let csrf = admin.cookie("idp_csrf").unwrap();

    // Back on from the console: the change and its emails are the administrator's.
    let form = admin
        .get("/admin/orgs/acme/authentication")
        .await
        .text()
        .await
        .unwrap();
    let r = admin
        .post(
            "/admin/orgs/acme/authentication",
            &[
                ("csrf", &hidden(&form, "csrf")),
                ("version", &hidden(&form, "version")),
                ("action", "enable"),
            ],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let events: serde_json::Value = admin
        .http
        .get(admin.abs("/admin/api/audit/events?org=acme&limit=100"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let events = events["events"].as_array().unwrap();
    let enabled = events
        .iter()
        .find(|e| {
            e["activity"] == "security_settings_change"
                && e["detail"]["after"]["email_password_login"] == true
        })
        .unwrap_or_else(|| panic!("{events:#?}"));
    assert_eq!(enabled["actor_kind"], "administrator", "{enabled}");
    let links: Vec<_> = events
        .iter()
        .filter(|e| e["activity"] == "password_reset" && e["detail"]["step"] == "link_sent")
        .collect();
    let recovery: Vec<_> = events
        .iter()
        .filter(|e| e["detail"]["method"] == "recovery_link")
        .collect();
    assert_eq!(recovery.len(), 2, "issued, then used once: {events:#?}");
    assert_eq!(recovery[1]["detail"]["step"], "issued", "newest first");
    assert_eq!(recovery[1]["actor_kind"], "system");
    assert_eq!(recovery[0]["detail"]["result"], "success");
    assert_eq!(recovery[0]["target_user_id"], enabled["actor_id"]);
    assert_eq!(links.len(), 2, "{events:#?}");
    for e in links {
        assert_eq!(e["actor_kind"], "administrator", "{e}");
        assert_eq!(e["actor_id"], enabled["actor_id"], "{e}");
    }
}

/// The recovery link stands in for the password, nothing more: a second factor the
/// organization requires is still asked for, and a disabled account stays shut.
#[tokio::test]
async fn a_recovery_link_still_asks_for_the_second_factor_and_never_opens_a_disabled_account() {
    let idp = Idp::start().await;
    idp.member(
        "acme",
        "root@example.com",
        "Babbage Analytical 1837",
        &["--super-admin"],
    );
    policy(&idp, "acme", &["two_factor_scope=everybody"]);
    let link = || {
        let out = run(
            &idp.server.dir,
            &idp.env(),
            &["user", "recovery-link", "--email", "root@example.com"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let use_link = |browser: Browser, link: String| async move {
        let page = browser.get(&link).await.text().await.unwrap();
        let r = browser
            .post(
                "/recovery-link",
                &[
                    ("csrf", &hidden(&page, "csrf")),
                    ("token", &hidden(&page, "token")),
                ],
            )
            .await;
        (browser, r)
    };

    let (browser, r) = use_link(idp.browser(), link()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/login/enrol",
        "the second factor the organization requires comes first"
    );
    assert!(
        browser.get("/account").await.status().is_redirection(),
        "not signed in before the second factor"
    );

    idp.cli_text(&[
        "user",
        "set-status",
        "--org",
        "acme",
        "--email",
        "root@example.com",
        "--status",
        "disabled",
    ]);
    let (_, r) = use_link(idp.browser(), link()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let html = r.text().await.unwrap();
    assert!(html.contains("This account is disabled"), "{html}");
}
