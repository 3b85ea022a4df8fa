//! End-to-end tests of what the hot paths keep in memory: a member read for tokens and an
//! access token already verified are served without the database or a signature check,
//! and neither lets a disabled member, a changed profile or a revoked token through for
//! longer than before (at once on the node that made the change, and through Redis on
//! the others).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::flow::*;
use support::*;

const ADMIN: &str = "grace@example.com";
const ADMIN_PASSWORD: &str = "Admiral Hopper 1906";

/// Userinfo's answer to a token, raw.
async fn userinfo(base: &str, token: &str) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .get(format!("{base}/userinfo"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A super administrator's browser, signed in on `base`.
async fn administrator(idp: &Idp, base: &str) -> Browser {
    idp.member("acme", ADMIN, ADMIN_PASSWORD, &["--super-admin"]);
    let browser = Browser::new(base, FIREFOX_LINUX);
    let page = browser.go("/login").await.sign_in_page();
    let r = browser.submit_sign_in(&page, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(r.headers()[LOCATION], "/account");
    browser
}

async fn put_json(browser: &Browser, path: &str, body: Value) -> StatusCode {
    browser
        .http
        .put(browser.abs(path))
        .header("x-csrf-token", browser.cookie("idp_csrf").unwrap())
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

/// Ada's tokens for the web application, scope `profile`.
async fn tokens(idp: &Idp) -> (Rp, CoreTokenResponse) {
    let rp = idp.rp(&idp.web_app()).await;
    let browser = idp.browser();
    let request = rp.request(&["profile"], &[]);
    let login = browser.go(&request.url).await.sign_in_page();
    let consent = browser
        .sign_in(&login, EMAIL, PASSWORD)
        .await
        .consent_page();
    let response = browser.consent(&consent, "allow").await.back();
    let code = rp.code(&response, &request);
    let tokens = rp.exchange(&code, request.verifier()).await.unwrap();
    (rp, tokens)
}

async fn disabled_member_refused_at_once(idp: &Idp) {
    let (rp, tokens) = tokens(idp).await;
    let access = tokens.access_token().secret().clone();
    let admin = administrator(idp, &idp.base).await;
    // Read twice: the member and the verified token are now kept by the server.
    for _ in 0..2 {
        let (status, info) = userinfo(&idp.base, &access).await;
        assert_eq!(status, StatusCode::OK, "{info}");
        assert_eq!(info["name"], NAME);
    }

    // A profile change is seen at the next call.
    let path = format!("/admin/api/members/{}", idp.user_id);
    let r = admin
        .http
        .patch(admin.abs(&path))
        .header("x-csrf-token", admin.cookie("idp_csrf").unwrap())
        .json(&serde_json::json!({"name": "Augusta Ada King"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let (status, info) = userinfo(&idp.base, &access).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["name"], "Augusta Ada King", "the new name at once");

    // Disabled: userinfo refuses the very next call, and so does the token endpoint.
    let status = put_json(
        &admin,
        &format!("/admin/api/members/{}/status", idp.user_id),
        serde_json::json!({"status": "disabled"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, info) = userinfo(&idp.base, &access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{info}");
    assert_eq!(info["error"], "invalid_token");
    let refreshed = rp.refresh(tokens.refresh_token().unwrap()).await;
    assert!(refreshed.is_err(), "a disabled member's refresh is refused");

    // Enabled again: the same token works again (it was never revoked).
    let status = put_json(
        &admin,
        &format!("/admin/api/members/{}/status", idp.user_id),
        serde_json::json!({"status": "active"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = userinfo(&idp.base, &access).await;
    assert_eq!(status, StatusCode::OK);

    // A revoked token is refused at once although its signature was checked before.
    rp.revoke(tokens.access_token()).await;
    let (status, info) = userinfo(&idp.base, &access).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{info}");
    assert!(!rp.active(tokens.access_token()).await);
}

on_both_backends!(
    a_disabled_member_and_a_revoked_token_are_refused_at_once_on_sqlite,
    a_disabled_member_and_a_revoked_token_are_refused_at_once_on_postgresql,
    disabled_member_refused_at_once
);

#[tokio::test]
async fn a_member_disabled_through_one_node_is_refused_by_another_within_a_second() {
    let Some((idp, _db)) = Idp::on_postgres(
        "a_member_disabled_through_one_node_is_refused_by_another_within_a_second",
        &[],
    )
    .await
    else {
        return;
    };
    let other = Server::start(&idp.server.dir, &idp.env()).await;
    let (_, tokens) = tokens(&idp).await;
    let access = tokens.access_token().secret().clone();
    // The other node keeps the member.
    for _ in 0..2 {
        assert_eq!(userinfo(&other.base, &access).await.0, StatusCode::OK);
    }
    let admin = administrator(&idp, &idp.base).await;
    let status = put_json(
        &admin,
        &format!("/admin/api/members/{}/status", idp.user_id),
        serde_json::json!({"status": "disabled"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Well inside the five seconds an entry is trusted: the notice did it.
    let refused = within(Duration::from_secs(1), || async {
        userinfo(&other.base, &access).await.0 == StatusCode::UNAUTHORIZED
    })
    .await;
    assert!(refused, "the other node still answered after 1 s");

    // And from the command line, another process, through Redis as well.
    idp.set_status("active");
    let answered = within(Duration::from_secs(1), || async {
        userinfo(&other.base, &access).await.0 == StatusCode::OK
            && userinfo(&idp.base, &access).await.0 == StatusCode::OK
    })
    .await;
    assert!(answered, "a command-line change reaches every node");
}
