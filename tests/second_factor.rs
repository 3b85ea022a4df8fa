//! End-to-end second-factor tests with the real `idp` binary: enrolment read off the
//! page, sign-in with the authenticator app, recovery codes and emailed codes (from a
//! real SMTP server), the lock after ten wrong codes and the administrator's reset, and
//! policy that forces enrolment before any token. ID tokens are checked by the
//! `openidconnect` crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use idp_core::Timestamp;
use idp_core::totp::{self, TotpSecret};
use support::flow::*;
use support::smtp::SmtpServer;

/// The code an authenticator app shows `steps` time steps from now.
fn code(secret: &TotpSecret, steps: i64) -> String {
    let now = Timestamp::from_micros(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_micros(),
        )
        .unwrap(),
    );
    totp::code_at_step(secret, totp::step_at(now) + steps)
}

/// A code that is none of the accepted ones.
fn wrong_code(secret: &TotpSecret) -> String {
    (0..1_000_000u32)
        .map(|n| format!("{n:06}"))
        .find(|c| (-2..=2).all(|s| *c != code(secret, s)))
        .unwrap()
}

/// The text between `<tag ... id="id" ...>` and the next `<`.
fn element_text(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in:\n{html}"));
    let start = at + html[at..].find('>').unwrap() + 1;
    let end = start + html[start..].find('<').unwrap();
    unescape(html[start..end].trim())
}

fn recovery_codes(html: &str) -> Vec<String> {
    let list = &html[html
        .find("id=\"recovery-codes\"")
        .expect("the recovery codes")..];
    let list = &list[..list.find("</ol>").unwrap()];
    list.split("<code>")
        .skip(1)
        .map(|c| c[..c.find("</code>").unwrap()].to_owned())
        .collect()
}

/// Sets up the authenticator app from the security page of a signed-in browser, the way a
/// member does: reads the key off the page and types the code. Returns the secret and the
/// recovery codes shown.
async fn enrol(browser: &Browser) -> (TotpSecret, Vec<String>) {
    let page = browser.get("/account/security/totp").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<svg"), "an inline QR code:\n{html}");
    assert!(
        html.contains("otpauth://totp/Acme:ada%40example.com?secret="),
        "{html}"
    );
    let secret = TotpSecret::parse_base32(&element_text(&html, "secret")).unwrap();
    let csrf = hidden(&html, "csrf");
    let done = browser
        .post(
            "/account/security/totp",
            &[("csrf", &csrf), ("code", &code(&secret, 0))],
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let html = done.text().await.unwrap();
    let codes = recovery_codes(&html);
    assert_eq!(codes.len(), 10, "{html}");
    assert!(html.contains("download=\"recovery-codes.txt\""), "{html}");
    (secret, codes)
}

/// A member who signed in and set up an authenticator app; the server and their secret.
async fn enrolled() -> (Idp, TotpSecret, Vec<String>) {
    enrolled_with(&[]).await
}

async fn enrolled_with(env: &[(&str, &str)]) -> (Idp, TotpSecret, Vec<String>) {
    let idp = Idp::start_with(env).await;
    let browser = idp.browser();
    browser.sign_in_directly().await;
    let (secret, codes) = enrol(&browser).await;
    (idp, secret, codes)
}

/// Signs in with the password on a fresh browser and returns the second-factor page.
async fn password_step(idp: &Idp, browser: &Browser, url: &str) -> String {
    let page = browser.go(url).await.sign_in_page();
    match browser.sign_in(&page, EMAIL, PASSWORD).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/second-factor" => html,
        other => panic!(
            "expected the second-factor page, got {other:?} ({})",
            idp.base
        ),
    }
}

/// Posts a second-factor code; the raw response.
async fn submit_code(browser: &Browser, page: &str, method: &str, code: &str) -> reqwest::Response {
    let csrf = hidden(page, "csrf");
    browser
        .post(
            "/login/second-factor",
            &[("csrf", &csrf), ("method", method), ("code", code)],
        )
        .await
}

#[tokio::test]
async fn enrol_from_the_page_then_sign_in_with_the_app_and_amr_says_otp() {
    let idp = Idp::start().await;
    let browser = idp.browser();
    browser.sign_in_directly().await;

    // A tampered form naming a secret of the attacker's choosing enrols nothing.
    let html = browser
        .get("/account/security/totp")
        .await
        .text()
        .await
        .unwrap();
    let attacker = TotpSecret::parse_base32("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").unwrap();
    let tampered = browser
        .post(
            "/account/security/totp",
            &[
                ("csrf", &hidden(&html, "csrf")),
                ("secret", &attacker.to_base32()),
                ("code", &code(&attacker, 0)),
            ],
        )
        .await;
    assert_eq!(tampered.status(), StatusCode::UNAUTHORIZED);
    let security = browser.get("/account/security").await.text().await.unwrap();
    assert!(
        security.contains("id=\"set-up-totp\""),
        "not enrolled:\n{security}"
    );

    // A reload shows the same secret, so a scanned QR code stays good.
    let again = browser
        .get("/account/security/totp")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        element_text(&html, "secret"),
        element_text(&again, "secret")
    );
    let (secret, _) = enrol(&browser).await;
    let replace = browser.get("/account/security/totp").await;
    assert_eq!(
        replace.headers()[LOCATION],
        "/account/security",
        "replacing the app takes removing it, with the password, first"
    );
    let security = browser.get("/account/security").await.text().await.unwrap();
    assert!(
        security.contains("<td>Authenticator app</td><td>On</td>"),
        "{security}"
    );
    assert!(security.contains("10 recovery codes left"), "{security}");

    // Signing in for an application now asks for the app's code.
    let app = idp.first_party_app();
    let rp = idp.rp(&app).await;
    let request = rp.request(&["openid", "email"], &[]);
    let fresh = idp.browser();
    let page = password_step(&idp, &fresh, &request.url).await;
    assert!(page.contains("Code from your authenticator app"), "{page}");
    assert!(
        fresh.get("/account").await.status().is_redirection(),
        "no session yet"
    );

    // Wrong, malformed and over-long codes: one message, nothing changes.
    for bad in [
        wrong_code(&secret),
        "12345".into(),
        "abcdef".into(),
        "1234567".into(),
    ] {
        let refused = submit_code(&fresh, &page, "totp", &bad).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{bad}");
        let html = refused.text().await.unwrap();
        assert!(html.contains("That code is not right."), "{html}");
    }

    let good = code(&secret, 1);
    let accepted = submit_code(&fresh, &page, "totp", &good).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let back = fresh
        .follow(fresh.abs("/login/second-factor"), accepted)
        .await
        .back();
    let tokens = rp
        .exchange(&rp.code(&back, &request), request.verifier())
        .await
        .unwrap();
    let claims = rp.verify(&tokens, Some(&request.nonce));
    let amr: Vec<String> = claims
        .auth_method_refs()
        .unwrap()
        .iter()
        .map(|m| m.to_string())
        .collect();
    assert_eq!(amr, ["pwd", "otp", "mfa"]);
    assert_eq!(
        claims.auth_context_ref().map(|a| a.to_string()).as_deref(),
        Some("urn:idp:acr:mfa")
    );

    // The same code again, in another browser within its window: refused as used.
    let other = idp.browser();
    let page = password_step(&idp, &other, "/login").await;
    let replayed = submit_code(&other, &page, "totp", &good).await;
    assert_eq!(replayed.status(), StatusCode::UNAUTHORIZED);

    // The security page says when the app was added and last used.
    let security = browser.get("/account/security").await.text().await.unwrap();
    let row = &security[security.find("<td>Authenticator app</td>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        !row.contains("never"),
        "added and last used are dates: {row}"
    );
    assert!(
        !element_text(&security, "last-sign-in").starts_with("never"),
        "{security}"
    );
}

#[tokio::test]
async fn a_recovery_code_works_once_and_sign_in_warns_when_few_are_left() {
    let (idp, _secret, codes) = enrolled().await;
    let browser = idp.browser();
    let page = password_step(&idp, &browser, "/login").await;
    assert!(page.contains("Use a recovery code"), "{page}");
    let page = browser
        .get("/login/second-factor?method=recovery_code")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Recovery code"), "{page}");
    let used = submit_code(&browser, &page, "recovery_code", &codes[0].to_uppercase()).await;
    assert_eq!(used.status(), StatusCode::SEE_OTHER);
    assert_eq!(used.headers()[LOCATION], "/account");

    let again = idp.browser();
    let page = password_step(&idp, &again, "/login").await;
    let refused = submit_code(&again, &page, "recovery_code", &codes[0]).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "a used code");

    for c in &codes[1..8] {
        let b = idp.browser();
        let page = password_step(&idp, &b, "/login").await;
        assert!(!page.contains("recovery codes left"), "no warning yet");
        let ok = submit_code(&b, &page, "recovery_code", c).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER, "{c}");
    }
    let b = idp.browser();
    let page = password_step(&idp, &b, "/login").await;
    assert!(page.contains("You have 2 recovery codes left."), "{page}");

    // A new set replaces the old one.
    let ok = submit_code(&b, &page, "recovery_code", &codes[8]).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let html = b.get("/account/security").await.text().await.unwrap();
    assert!(html.contains("1 recovery code left"), "{html}");
    let fresh = b
        .post(
            "/account/security/recovery-codes",
            &[("csrf", &hidden(&html, "csrf"))],
        )
        .await
        .text()
        .await
        .unwrap();
    let new_codes = recovery_codes(&fresh);
    assert_eq!(new_codes.len(), 10);
    let c = idp.browser();
    let page = password_step(&idp, &c, "/login").await;
    let old = submit_code(&c, &page, "recovery_code", &codes[9]).await;
    assert_eq!(
        old.status(),
        StatusCode::UNAUTHORIZED,
        "the old set is gone"
    );
    let new = submit_code(&c, &page, "recovery_code", &new_codes[0]).await;
    assert_eq!(new.status(), StatusCode::SEE_OTHER);

    // Removing the app takes the password, and takes the recovery codes with it.
    let html = c.get("/account/security").await.text().await.unwrap();
    let csrf = hidden(&html, "csrf");
    let refused = c
        .post(
            "/account/security/totp/remove",
            &[("csrf", &csrf), ("password", "wrong")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let removed = c
        .post(
            "/account/security/totp/remove",
            &[("csrf", &csrf), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    let html = c.get("/account/security").await.text().await.unwrap();
    assert!(
        html.contains("<td>Recovery codes</td><td>Off</td>"),
        "{html}"
    );
    let d = idp.browser();
    let page = d.go("/login").await.sign_in_page();
    let r = d.submit_sign_in(&page, EMAIL, PASSWORD).await;
    assert_eq!(
        r.headers()[LOCATION],
        "/account",
        "no second factor left to ask"
    );
}

/// Grace, created with an authenticator secret imported from elsewhere, at the
/// second-factor page after her password: her secret, her browser and the page.
async fn imported_member_at_second_factor(idp: &Idp) -> (TotpSecret, Browser, String) {
    let secret = TotpSecret::parse_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
    idp.cli(&[
        "user",
        "create",
        "--org",
        "acme",
        "--email",
        "grace@example.com",
        "--password",
        "imported from elsewhere",
        "--totp-secret",
        "gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
        "--json",
    ]);
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let html = match b
        .sign_in(&page, "grace@example.com", "imported from elsewhere")
        .await
    {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/second-factor" => html,
        other => panic!("expected the second-factor page, got {other:?}"),
    };
    (secret, b, html)
}

#[tokio::test]
async fn an_imported_authenticator_secret_signs_in() {
    let idp = Idp::start().await;
    let (secret, b, html) = imported_member_at_second_factor(&idp).await;
    assert!(
        html.contains("You have 0 recovery codes left."),
        "none were issued on import, so sign-in says so: {html}"
    );
    let ok = submit_code(&b, &html, "totp", &code(&secret, 0)).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[LOCATION], "/account");
}

/// The six-digit code in the newest message to the member.
fn emailed_code(smtp: &SmtpServer, count: usize) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let messages = smtp.messages();
        if messages.len() >= count {
            let mut codes: Vec<String> = messages
                .iter()
                .map(|m| {
                    let at = m.find("Your sign-in code is ").expect("the code line") + 21;
                    m[at..at + 6].to_owned()
                })
                .collect();
            assert_eq!(messages.len(), count, "one message per request");
            codes.sort();
            return codes.pop().unwrap();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no mail arrived: {}",
            smtp.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[tokio::test]
async fn an_emailed_code_from_a_real_smtp_server_signs_in_once() {
    let Some(smtp) = SmtpServer::start("an_emailed_code_from_a_real_smtp_server_signs_in_once")
    else {
        return;
    };
    let port = smtp.port.to_string();
    let idp = Idp::start_with(&[
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", &port),
    ])
    .await;
    let browser = idp.browser();
    browser.sign_in_directly().await;
    let html = browser.get("/account/security").await.text().await.unwrap();
    let on = browser
        .post(
            "/account/security/email-codes",
            &[("csrf", &hidden(&html, "csrf")), ("enabled", "on")],
        )
        .await;
    assert_eq!(on.status(), StatusCode::SEE_OTHER);

    let b = idp.browser();
    let page = password_step(&idp, &b, "/login").await;
    assert!(page.contains("Email me a code"), "{page}");
    let sent = b
        .post(
            "/login/second-factor/email",
            &[("csrf", &hidden(&page, "csrf"))],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let page = b
        .get(sent.headers()[LOCATION].to_str().unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("We sent a 6-digit code"), "{page}");
    let first = emailed_code(&smtp, 1);
    let ok = submit_code(&b, &page, "email_code", &first).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[LOCATION], "/account");

    // The same code a second time is refused.
    let c = idp.browser();
    let page = password_step(&idp, &c, "/login").await;
    let reused = submit_code(&c, &page, "email_code", &first).await;
    assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);

    // Five codes an hour at most.
    for n in 2..=5 {
        let r = c
            .post(
                "/login/second-factor/email",
                &[("csrf", &hidden(&page, "csrf"))],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "code {n}");
    }
    emailed_code(&smtp, 5);
    let limited = c
        .post(
            "/login/second-factor/email",
            &[("csrf", &hidden(&page, "csrf"))],
        )
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(smtp.messages().len(), 5, "nothing sent past the limit");
}

#[tokio::test]
async fn wrong_codes_say_how_many_tries_are_left_from_the_third_on() {
    let (idp, secret, _) = enrolled().await;
    let b = idp.browser();
    let page = password_step(&idp, &b, "/login").await;
    let wrong = wrong_code(&secret);
    let mut told = Vec::new();
    for _ in 0..4 {
        let r = submit_code(&b, &page, "totp", &wrong).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let html = r.text().await.unwrap();
        assert!(html.contains("That code is not right."), "{html}");
        told.push(
            ["7 tries left", "6 tries left"]
                .into_iter()
                .find(|t| html.contains(t)),
        );
    }
    assert_eq!(
        told,
        [None, None, Some("7 tries left"), Some("6 tries left")]
    );
}

#[tokio::test]
async fn an_emailed_code_proves_the_address() {
    let Some(smtp) = SmtpServer::start("an_emailed_code_proves_the_address") else {
        return;
    };
    let port = smtp.port.to_string();
    let idp = Idp::start_with(&[
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", &port),
    ])
    .await;
    let verified = || {
        let list = idp.cli(&["user", "list", "--org", "acme", "--json"]);
        list.as_array().unwrap()[0]["email_verified"]
            .as_bool()
            .unwrap()
    };
    assert!(!verified());
    let browser = idp.browser();
    browser.sign_in_directly().await;
    let html = browser.get("/account/security").await.text().await.unwrap();
    browser
        .post(
            "/account/security/email-codes",
            &[("csrf", &hidden(&html, "csrf")), ("enabled", "on")],
        )
        .await;
    let b = idp.browser();
    let page = password_step(&idp, &b, "/login").await;
    let sent = b
        .post(
            "/login/second-factor/email",
            &[("csrf", &hidden(&page, "csrf"))],
        )
        .await;
    let page = b
        .get(sent.headers()[LOCATION].to_str().unwrap())
        .await
        .text()
        .await
        .unwrap();
    let wrong = submit_code(&b, &page, "email_code", "000000").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(!verified(), "a wrong code proves nothing");
    let ok = submit_code(&b, &page, "email_code", &emailed_code(&smtp, 1)).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert!(verified());
}

#[tokio::test]
async fn ten_wrong_codes_lock_until_an_administrator_resets() {
    let (idp, secret, _) = enrolled().await;
    lock_then_reset(&idp, &secret, 0).await;
}

#[tokio::test]
async fn the_lock_and_the_replay_cache_hold_on_postgresql_and_redis() {
    let test = "the_lock_and_the_replay_cache_hold_on_postgresql_and_redis";
    let (Some(pg), Some(redis)) = (
        support::backend_url("IDP_TEST_DATABASE_URL", test),
        support::backend_url("IDP_TEST_REDIS_URL", test),
    ) else {
        return;
    };
    let db = support::PgDatabase::create(&pg);
    let (idp, secret, _) = enrolled_with(&[
        ("IDP_DATABASE__URL", db.url.as_str()),
        ("IDP_REDIS__URL", redis.as_str()),
    ])
    .await;
    let good = code(&secret, 1);
    let first = idp.browser();
    let page = password_step(&idp, &first, "/login").await;
    assert_eq!(
        submit_code(&first, &page, "totp", &good).await.status(),
        StatusCode::SEE_OTHER
    );
    let second = idp.browser();
    let page = password_step(&idp, &second, "/login").await;
    assert_eq!(
        submit_code(&second, &page, "totp", &good).await.status(),
        StatusCode::UNAUTHORIZED,
        "replayed"
    );
    lock_then_reset(&idp, &secret, 1).await;
}

/// Wrong codes until the tenth failure in the window (`prior` happened before) locks.
async fn lock_then_reset(idp: &Idp, secret: &TotpSecret, prior: usize) {
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
    idp.cli(&[
        "user",
        "create",
        "--org",
        "acme",
        "--email",
        "eve@example.com",
        "--password",
        "an ordinary password",
        "--json",
    ]);

    let b = idp.browser();
    let page = password_step(idp, &b, "/login").await;
    let wrong = wrong_code(secret);
    for n in prior + 1..10 {
        let r = submit_code(&b, &page, "totp", &wrong).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "failure {n}");
    }
    let tenth = submit_code(&b, &page, "totp", &wrong).await;
    assert_eq!(tenth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(tenth.text().await.unwrap().contains("Too many requests"));
    let right = submit_code(&b, &page, "totp", &code(secret, 0)).await;
    assert_eq!(
        right.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "locked even for the right code"
    );
    let page = b.get("/login/second-factor").await;
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);

    // A member without the permission cannot reset it.
    let reset_url = format!("/admin/api/members/{}/second-factor/reset", idp.user_id);
    let eve = idp.browser();
    let login = eve.go("/login").await.sign_in_page();
    eve.sign_in(&login, "eve@example.com", "an ordinary password")
        .await;
    let denied = eve
        .http
        .post(eve.abs(&reset_url))
        .header("x-csrf-token", eve.cookie("idp_csrf").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    let no_csrf = eve.http.post(eve.abs(&reset_url)).send().await.unwrap();
    assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN);

    let admin = idp.browser();
    let login = admin.go("/login").await.sign_in_page();
    admin
        .sign_in(&login, "root@example.com", "administrator password")
        .await;
    let done = admin
        .http
        .post(admin.abs(&reset_url))
        .header("x-csrf-token", admin.cookie("idp_csrf").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);

    // Lifted, and with no policy asking for one, the password is enough again.
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b.submit_sign_in(&page, EMAIL, PASSWORD).await;
    assert_eq!(r.headers()[LOCATION], "/account");
    let security = b.get("/account/security").await.text().await.unwrap();
    assert!(security.contains("id=\"set-up-totp\""), "{security}");
    assert!(
        !element_text(&security, "last-reset").contains("never"),
        "{security}"
    );
}

#[tokio::test]
async fn policy_forces_enrolment_before_any_token_and_a_self_reset_asks_again() {
    let idp = Idp::start().await;
    idp.cli_text(&["org", "two-factor", "--org", "acme", "--scope", "everybody"]);
    let app = idp.first_party_app();
    let rp = idp.rp(&app).await;
    let request = rp.request(&["openid"], &[]);
    let b = idp.browser();
    let page = b.go(&request.url).await.sign_in_page();
    let html = match b.sign_in(&page, EMAIL, PASSWORD).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/enrol" => html,
        other => panic!("expected enrolment, got {other:?}"),
    };
    assert!(
        html.contains("Your organization asks for a second step"),
        "{html}"
    );
    assert!(
        b.get("/account").await.status().is_redirection(),
        "no session before enrolment"
    );
    let secret = TotpSecret::parse_base32(&element_text(&html, "secret")).unwrap();
    let csrf = hidden(&html, "csrf");
    let wrong = b
        .post(
            "/login/enrol",
            &[("csrf", &csrf), ("code", &wrong_code(&secret))],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let ok = b
        .post(
            "/login/enrol",
            &[("csrf", &csrf), ("code", &code(&secret, 0))],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let html = ok.text().await.unwrap();
    assert_eq!(recovery_codes(&html).len(), 10);
    let next = attr(&html[html.find("id=\"continue\"").unwrap() - 40..], "href").unwrap();
    assert!(next.starts_with("/authorize/continue?authz="), "{next}");
    let back = b.go(&next).await.back();
    let tokens = rp
        .exchange(&rp.code(&back, &request), request.verifier())
        .await
        .unwrap();
    let claims = rp.verify(&tokens, Some(&request.nonce));
    assert!(
        claims
            .auth_method_refs()
            .unwrap()
            .iter()
            .any(|m| m.as_str() == "otp")
    );

    // The member turns everything off (the password first); the next sign-in asks to
    // enrol again, because policy still wants a second factor.
    let security = b.get("/account/security").await.text().await.unwrap();
    let csrf = hidden(&security, "csrf");
    let refused = b
        .post(
            "/account/security/reset",
            &[("csrf", &csrf), ("password", "not it")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let still = b.get("/account/security").await.text().await.unwrap();
    assert!(
        still.contains("<td>Authenticator app</td><td>On</td>"),
        "{still}"
    );
    let reset = b
        .post(
            "/account/security/reset",
            &[("csrf", &csrf), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    let c = idp.browser();
    let page = c.go("/login").await.sign_in_page();
    let r = c.submit_sign_in(&page, EMAIL, PASSWORD).await;
    assert_eq!(r.headers()[LOCATION], "/login/enrol");
}

/// Many wrong codes at once cannot outrun the lock: no more are evaluated than the lock
/// allows, and the right code sent after them is refused.
async fn a_burst_of_codes_cannot_outrun_the_second_factor_lock(idp: &Idp) {
    let (secret, b, html) = imported_member_at_second_factor(idp).await;
    let wrong = wrong_code(&secret);
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..59 {
        let (b, html, wrong) = (b.clone_cookies(), html.clone(), wrong.clone());
        burst.spawn(async move { submit_code(&b, &html, "totp", &wrong).await.status() });
    }
    let mut answers = HashMap::new();
    while let Some(status) = burst.join_next().await {
        *answers.entry(status.unwrap()).or_insert(0) += 1;
    }
    // Wrong codes settled before the lock are told so; every other answer is the lock.
    let told_wrong = answers.get(&StatusCode::UNAUTHORIZED).copied().unwrap_or(0);
    let locked = answers
        .get(&StatusCode::TOO_MANY_REQUESTS)
        .copied()
        .unwrap_or(0);
    assert!(told_wrong <= 9, "{answers:?}");
    assert_eq!(told_wrong + locked, 59, "{answers:?}");
    let right = submit_code(&b, &html, "totp", &code(&secret, 0)).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    let events = idp.audit_events("sign_in");
    let evaluated = events
        .iter()
        .filter(|e| e["detail"]["reason"] == "wrong_code")
        .count();
    assert_eq!(evaluated, 10, "only what the lock allows: {events:#?}");
    let locks = idp.audit_events("account_lock");
    assert_eq!(locks.len(), 1, "{locks:#?}");
}

#[tokio::test]
async fn a_burst_of_codes_cannot_outrun_the_second_factor_lock_on_sqlite() {
    let idp = Idp::start().await;
    a_burst_of_codes_cannot_outrun_the_second_factor_lock(&idp).await;
}

#[tokio::test]
async fn a_burst_of_codes_cannot_outrun_the_second_factor_lock_on_postgresql() {
    let Some((idp, _db)) = Idp::on_postgres(
        "a_burst_of_codes_cannot_outrun_the_second_factor_lock_on_postgresql",
        &[],
    )
    .await
    else {
        return;
    };
    a_burst_of_codes_cannot_outrun_the_second_factor_lock(&idp).await;
}

/// Code entry has its own per-member limit, checked before the code: past it codes are
/// not checked at all, and the answer says when to come back, on the page to come back to.
#[tokio::test]
async fn second_factor_codes_are_rate_limited_per_member() {
    let (idp, secret, _) = enrolled_with(&[
        ("IDP_THROTTLE__SECOND_FACTOR_PER_ACCOUNT", "2"),
        ("IDP_THROTTLE__SECOND_FACTOR_WINDOW_SECS", "86400"),
    ])
    .await;
    let b = idp.browser();
    let page = password_step(&idp, &b, "/login").await;
    let wrong = wrong_code(&secret);
    for n in 1..=2 {
        let r = submit_code(&b, &page, "totp", &wrong).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "code {n}");
    }
    let r = submit_code(&b, &page, "totp", &wrong).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let html = r.text().await.unwrap();
    assert!(html.contains("Too many attempts"), "{html}");
    assert!(html.contains(r#"autocomplete="one-time-code""#), "{html}");
}

fn acr(claims: &CoreIdTokenClaims) -> String {
    claims
        .auth_context_ref()
        .map(|a| a.to_string())
        .unwrap_or_default()
}

/// OIDC Core §5.5.1.1: an application asking for the multi-factor level gets it or
/// nothing. A password session steps up to a second factor (here set up on the spot, the
/// member having none) without typing the password again; a silent request or a level
/// no sign-in here reaches is refused; the `acr` returned is the one really reached.
#[tokio::test]
async fn an_application_asking_for_multi_factor_steps_a_password_session_up() {
    let idp = Idp::start().await;
    let app = idp.first_party_app();
    let rp = idp.rp(&app).await;
    let b = idp.browser();

    let plain = rp.request(&["openid"], &[]);
    let page = b.go(&plain.url).await.sign_in_page();
    let back = b.sign_in(&page, EMAIL, PASSWORD).await.back();
    let tokens = rp
        .exchange(&rp.code(&back, &plain), plain.verifier())
        .await
        .unwrap();
    assert_eq!(
        acr(&rp.verify(&tokens, Some(&plain.nonce))),
        "urn:idp:acr:pwd"
    );

    let essential = r#"{"id_token":{"acr":{"essential":true,"values":["urn:idp:acr:mfa"]}}}"#;
    let silent = rp.request(&["openid"], &[("claims", essential), ("prompt", "none")]);
    let refused = query(&b.go(&silent.url).await.back());
    assert_eq!(refused["error"], "interaction_required", "{refused:?}");
    assert!(!refused.contains_key("code"));
    let gold = rp.request(
        &["openid"],
        &[(
            "claims",
            r#"{"id_token":{"acr":{"essential":true,"value":"urn:example:gold"}}}"#,
        )],
    );
    let unmet = query(&b.go(&gold.url).await.back());
    assert_eq!(
        unmet["error"], "unmet_authentication_requirements",
        "{unmet:?}"
    );

    let up = rp.request(&["openid"], &[("claims", essential)]);
    let html = match b.go(&up.url).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/enrol" => html,
        other => panic!("expected to set up a second factor, got {other:?}"),
    };
    let secret = TotpSecret::parse_base32(&element_text(&html, "secret")).unwrap();
    let ok = b
        .post(
            "/login/enrol",
            &[
                ("csrf", &hidden(&html, "csrf")),
                ("code", &code(&secret, 0)),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let html = ok.text().await.unwrap();
    let next = attr(&html[html.find("id=\"continue\"").unwrap() - 40..], "href").unwrap();
    let back = b.go(&next).await.back();
    let tokens = rp
        .exchange(&rp.code(&back, &up), up.verifier())
        .await
        .unwrap();
    let claims = rp.verify(&tokens, Some(&up.nonce));
    assert_eq!(acr(&claims), "urn:idp:acr:mfa");
    let amr: Vec<String> = claims
        .auth_method_refs()
        .unwrap()
        .iter()
        .map(|m| m.to_string())
        .collect();
    assert_eq!(amr, ["pwd", "otp", "mfa"]);

    // The stepped-up session now meets the level without a page.
    let again = rp.request(
        &["openid"],
        &[("acr_values", "urn:idp:acr:mfa"), ("prompt", "none")],
    );
    let back = b.go(&again.url).await.back();
    let tokens = rp
        .exchange(&rp.code(&back, &again), again.verifier())
        .await
        .unwrap();
    assert_eq!(
        acr(&rp.verify(&tokens, Some(&again.nonce))),
        "urn:idp:acr:mfa"
    );
}

/// Reloading the recovery-codes page (its form posted again) or going back to a step of
/// a sign-in that is over leads to the account, signed in, never to a dead end; the codes
/// are not shown a second time.
#[tokio::test]
async fn a_reloaded_or_revisited_enrolment_step_leads_to_the_account() {
    let idp = Idp::start().await;
    idp.cli_text(&["org", "two-factor", "--org", "acme", "--scope", "everybody"]);
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let html = match b.sign_in(&page, EMAIL, PASSWORD).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/enrol" => html,
        other => panic!("expected enrolment, got {other:?}"),
    };
    let secret = TotpSecret::parse_base32(&element_text(&html, "secret")).unwrap();
    let form = [("csrf", hidden(&html, "csrf")), ("code", code(&secret, 0))];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ok = b.post("/login/enrol", &form).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(recovery_codes(&ok.text().await.unwrap()).len(), 10);

    let reloaded = b.post("/login/enrol", &form).await;
    assert_eq!(reloaded.status(), StatusCode::SEE_OTHER);
    assert_eq!(reloaded.headers()[LOCATION], "/account");
    let account = b.get("/account").await;
    assert_eq!(account.status(), StatusCode::OK, "signed in");
    for step in ["/login/enrol", "/login/second-factor"] {
        let back = b.get(step).await;
        assert_eq!(back.headers()[LOCATION], "/account", "{step}");
    }
}

/// The journey is decided again at every step: a member disabled, or sent on leave,
/// between the password and the code is stopped at the code, with a page that says why
/// and a refused sign-in in the audit log; no session starts.
#[tokio::test]
async fn a_member_disabled_between_the_password_and_the_code_is_stopped() {
    let (idp, secret, _) = enrolled().await;
    for (status, says) in [
        ("on_leave", "on leave of absence"),
        ("disabled", "was disabled while you were signing in"),
    ] {
        let b = idp.browser();
        let page = password_step(&idp, &b, "/login").await;
        idp.set_status(status);
        let stopped = submit_code(&b, &page, "totp", &code(&secret, 0)).await;
        assert_eq!(stopped.status(), StatusCode::FORBIDDEN, "{status}");
        let html = stopped.text().await.unwrap();
        assert!(
            html.contains("Signing in cannot continue"),
            "{status}: {html}"
        );
        assert!(html.contains(says), "{status}: {html}");
        let account = b.get("/account").await;
        assert_ne!(
            account.status(),
            StatusCode::OK,
            "{status}: no session started"
        );
        // The journey is over: its steps lead to a fresh start.
        let again = b.get("/login/second-factor").await;
        assert_eq!(again.status(), StatusCode::SEE_OTHER, "{status}");
        let reason = if status == "on_leave" {
            "on_leave"
        } else {
            "disabled"
        };
        assert!(
            idp.audit_events("sign_in")
                .iter()
                .any(|e| { e["detail"]["method"] == "journey" && e["detail"]["reason"] == reason }),
            "{status}: the refusal is in the audit log"
        );
        idp.set_status("active");
    }
}

/// Where policy requires a second factor and the organization allows no authenticator
/// app, sign-in enrolment offers none and refuses an app's code; emailed codes, where
/// allowed, are turned on there and proven by the first code sent. Where nothing the
/// organization allows can be set up at sign-in (text messages need a proven number), a
/// page says to ask an administrator, and no session starts.
async fn enrolment_at_sign_in_follows_the_allowed_kinds(idp: &Idp, smtp: &SmtpServer) {
    idp.cli_text(&["org", "two-factor", "--org", "acme", "--scope", "everybody"]);
    let allow = |kinds: &str| {
        let set = format!("allowed_second_factors={kinds}");
        idp.set_policy(&set);
    };
    allow(r#"["email_code","sms_code"]"#);
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let html = match b.sign_in(&page, EMAIL, PASSWORD).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/enrol" => html,
        other => panic!("expected enrolment, got {other:?}"),
    };
    assert!(!html.contains("id=\"secret\""), "no app offered:\n{html}");
    assert!(html.contains("Send me codes by email"), "{html}");
    assert!(html.contains(EMAIL), "{html}");
    let csrf = hidden(&html, "csrf");
    // An app's code posted anyway (a secret from an earlier page, say) is refused.
    let refused = b
        .post("/login/enrol", &[("csrf", &csrf), ("code", "123456")])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("Your organization does not allow that kind of second factor."),
        "{text}"
    );
    assert!(b.get("/account").await.status().is_redirection());

    let on = b.post("/login/enrol/email", &[("csrf", &csrf)]).await;
    assert_eq!(on.status(), StatusCode::SEE_OTHER);
    assert_eq!(on.headers()[LOCATION], "/login/second-factor");
    assert!(
        b.get("/account").await.status().is_redirection(),
        "turning codes on proves nothing"
    );
    let page = b.get("/login/second-factor").await.text().await.unwrap();
    assert!(page.contains("Email me a code"), "{page}");
    let sent = b
        .post(
            "/login/second-factor/email",
            &[("csrf", &hidden(&page, "csrf"))],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let ok = submit_code(&b, &page, "email_code", &emailed_code(smtp, 1)).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[LOCATION], "/account");
    let events = idp.audit_events("security_settings_change");
    assert!(
        events
            .iter()
            .any(|e| e["detail"]["method"] == "email_code" && e["detail"]["after"] == true),
        "{events:?}"
    );

    // Only text messages allowed (no gateway here): nothing to set up at sign-in.
    allow(r#"["sms_code"]"#);
    let c = idp.browser();
    let page = c.go("/login").await.sign_in_page();
    let html = match c.sign_in(&page, EMAIL, PASSWORD).await {
        Step::Page(StatusCode::FORBIDDEN, at, _, html) if at.path() == "/login/enrol" => html,
        other => panic!("expected the ask-an-administrator page, got {other:?}"),
    };
    assert!(html.contains("Ask an administrator"), "{html}");
    assert!(!html.contains("id=\"secret\""), "{html}");
    assert!(c.get("/account").await.status().is_redirection());
}

#[tokio::test]
async fn enrolment_at_sign_in_follows_the_allowed_kinds_sqlite() {
    let test = "enrolment_at_sign_in_follows_the_allowed_kinds_sqlite";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let port = smtp.port.to_string();
    let idp = Idp::start_with(&[
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", &port),
    ])
    .await;
    enrolment_at_sign_in_follows_the_allowed_kinds(&idp, &smtp).await;
}

#[tokio::test]
async fn enrolment_at_sign_in_follows_the_allowed_kinds_postgres() {
    let test = "enrolment_at_sign_in_follows_the_allowed_kinds_postgres";
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let port = smtp.port.to_string();
    let Some((idp, _db)) = Idp::on_postgres(
        test,
        &[
            ("IDP_MAIL__TRANSPORT", "smtp"),
            ("IDP_MAIL__SMTP_PORT", &port),
        ],
    )
    .await
    else {
        return;
    };
    enrolment_at_sign_in_follows_the_allowed_kinds(&idp, &smtp).await;
}
