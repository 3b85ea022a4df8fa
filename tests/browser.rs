//! End-to-end tests in a real headless Chromium: the pages as a person sees and uses them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/browser.rs"]
mod browser;
mod support;
#[path = "support/upstream.rs"]
mod upstream;

use browser::Browser;
use support::*;

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

#[tokio::test]
async fn login_page_renders_in_chromium() {
    let Some(browser) = Browser::start("login_page_renders_in_chromium").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]).await;
    let token = bootstrap_token(&server.log()).expect("a first-run link in the log");

    // The first-run page, filled in and sent as a person would.
    browser
        .goto(&format!("{}/bootstrap?token={token}", server.base))
        .await;
    browser.fill("#org_name", "Acme Corp").await;
    browser.fill("#email", "ada@example.com").await;
    browser.fill("#name", "Ada Admin").await;
    browser.fill("#password", "correct horse battery").await;
    browser
        .fill("#password_confirm", "correct horse battery")
        .await;
    browser.click("button[type=submit]").await;
    // The click returns before the next page has loaded (hashing the password takes a
    // while on a busy machine).
    let started = std::time::Instant::now();
    let mut source = browser.page_source().await;
    while !source.contains("Super administrator created")
        && started.elapsed() < std::time::Duration::from_secs(10)
    {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        source = browser.page_source().await;
    }
    assert!(
        source.contains("Super administrator created"),
        "after the first-run form, at {}:\n{source}",
        browser.current_url().await
    );

    browser.goto(&format!("{}/login", server.base)).await;
    assert_eq!(browser.current_url().await.path(), "/login");
    assert!(browser.exists("input#email[type=email]").await);
    assert!(browser.exists("input#password[type=password]").await);
    assert_eq!(browser.text("h1").await, "Sign in");

    let png = browser.screenshot("login-page").await;
    let bytes = std::fs::read(&png).unwrap();
    assert!(
        bytes.starts_with(PNG_MAGIC),
        "{} is not a PNG",
        png.display()
    );
}

/// The code an authenticator app shows now for `secret`.
fn current_code(secret: &idp_core::totp::TotpSecret) -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    let now = idp_core::Timestamp::from_micros(i64::try_from(micros).unwrap());
    idp_core::totp::code_at_step(secret, idp_core::totp::step_at(now))
}

#[tokio::test]
async fn authenticator_enrolment_shows_the_qr_code_and_the_recovery_codes() {
    let Some(browser) =
        Browser::start("authenticator_enrolment_shows_the_qr_code_and_the_recovery_codes").await
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let created = run(
        dir.path(),
        &[],
        &["org", "create", "--name", "Acme Corp", "--slug", "acme"],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let member = run(
        dir.path(),
        &[],
        &[
            "user",
            "create",
            "--org",
            "acme",
            "--email",
            "ada@example.com",
            "--password",
            "correct horse battery",
        ],
    );
    assert!(member.status.success(), "{}", stderr(&member));
    let server = Server::start(dir.path(), &[]).await;

    browser.goto(&format!("{}/login", server.base)).await;
    browser.fill("#email", "ada@example.com").await;
    browser.fill("#password", "correct horse battery").await;
    browser.click("button[type=submit]").await;
    // The click returns before the next page has loaded.
    browser.wait_for("table.sessions").await;
    assert_eq!(browser.current_url().await.path(), "/account");
    // The account page on a phone: no sideways scrolling, each row's button named.
    browser.set_width(375).await;
    browser.axe_check("account at 375 px").await;
    browser.screenshot("account-375").await;
    browser.set_width(1280).await;
    assert!(
        browser
            .has_button(&format!("Sign out {}", "Chrome on Linux"))
            .await,
        "{}",
        browser.page_source().await
    );
    // An address nobody serves is a page with a way on, not an empty answer.
    browser.goto(&format!("{}/no/such/page", server.base)).await;
    assert_eq!(browser.heading().await, "Page not found");
    browser.axe_check("page not found").await;
    browser.screenshot("error-page-not-found").await;
    browser.click_link("Go to the start page").await;
    browser.wait_for("table.sessions").await;
    assert_eq!(browser.current_url().await.path(), "/account");
    browser.click("a[href='/account/security']").await;
    browser.click("#set-up-totp").await;
    browser.wait_for("figure.qr").await;
    assert_eq!(browser.current_url().await.path(), "/account/security/totp");

    // The QR code is drawn inline, and the same key is there to type.
    assert!(
        browser.exists("figure.qr svg").await,
        "an inline SVG QR code"
    );
    let key = browser.text("#secret").await;
    let secret = idp_core::totp::TotpSecret::parse_base32(&key).unwrap();
    assert_eq!(secret.expose().len(), 20, "160 bits");
    let qr = browser.screenshot("totp-enrolment-qr-code").await;
    assert!(std::fs::read(&qr).unwrap().starts_with(PNG_MAGIC));

    browser.fill("#code", &current_code(&secret)).await;
    browser
        .click("form[action='/account/security/totp'] button[type=submit]")
        .await;
    browser.wait_for("#recovery-codes").await;
    let codes = browser
        .client()
        .find_all(fantoccini::Locator::Css("#recovery-codes li"))
        .await
        .unwrap();
    assert_eq!(codes.len(), 10, "ten recovery codes");
    assert!(
        browser
            .exists("a#download[download='recovery-codes.txt']")
            .await
    );
    let shot = browser.screenshot("totp-enrolment-recovery-codes").await;
    assert!(std::fs::read(&shot).unwrap().starts_with(PNG_MAGIC));

    browser.click("#continue").await;
    assert_eq!(browser.current_url().await.path(), "/account/security");
    let page = browser.page_source().await;
    assert!(
        page.contains("<td>Authenticator app</td><td>On</td>"),
        "{page}"
    );
    assert!(page.contains("10 recovery codes left"), "{page}");
}

#[tokio::test]
async fn continue_with_google_in_chromium() {
    let Some(browser) = Browser::start("continue_with_google_in_chromium").await else {
        return;
    };
    let google = upstream::Upstream::start(upstream::Kind::Google).await;
    google.next(
        serde_json::json!({"sub": "g-77", "email": "grace@example.com",
        "email_verified": true, "hd": "example.com", "name": "Grace Hopper"}),
    );
    let discovery = google.discovery_url();
    let idp = support::flow::Idp::start_with(&[
        ("IDP_FEDERATION__GOOGLE__CLIENT_ID", upstream::CLIENT_ID),
        (
            "IDP_FEDERATION__GOOGLE__CLIENT_SECRET",
            upstream::CLIENT_SECRET,
        ),
        ("IDP_FEDERATION__GOOGLE__DISCOVERY_URL", &discovery),
    ])
    .await;
    idp.cli(&[
        "org",
        "policy",
        "--org",
        "acme",
        "--set",
        "google_sign_in=true",
        "--set",
        "just_in_time_provisioning=true",
        "--json",
    ]);

    browser.goto(&idp.url("/login")).await;
    assert_eq!(browser.text("a.upstream").await, "Continue with Google");
    browser.screenshot("login-page-with-google").await;
    browser.click("a.upstream").await;
    // Through the stand-in Google and back, signed in.
    browser.wait_for("table.sessions").await;
    assert_eq!(browser.current_url().await.path(), "/account");
    let source = browser.page_source().await;
    assert!(
        source.contains("Signed in as grace@example.com"),
        "{source}"
    );
    assert!(source.contains("Grace Hopper"), "{source}");
}
