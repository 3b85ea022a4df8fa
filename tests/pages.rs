//! End-to-end tests of what a person reads when something goes wrong or a flow ends: every
//! error a browser can land on is a page in the layout, in the reader's language, with a
//! way forward, while API clients keep JSON; the start page; a stale sign-in form; a
//! locked account told so only with the right password; a first password worded as one;
//! a password changed from the security page; addresses proven by an emailed link; and
//! emails sent as HTML with a plain-text alternative.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::flow::*;
use support::smtp::SmtpServer;

/// A browser that sends `Accept` and `Accept-Language` as a real one does.
fn reader(idp: &Idp, accept: &str, language: &str) -> Browser {
    idp.browser_sending(&[
        (reqwest::header::ACCEPT, accept),
        (reqwest::header::ACCEPT_LANGUAGE, language),
    ])
}

const HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

fn content_type(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// A page's status, content type and body.
async fn read(r: reqwest::Response) -> (StatusCode, String, String) {
    let status = r.status();
    let kind = content_type(&r);
    (status, kind, r.text().await.unwrap())
}

fn html_lang(page: &str) -> String {
    let start = page.find("<html lang=\"").expect("an <html lang>") + 12;
    page[start..].split('"').next().unwrap().to_owned()
}

/// The `href`s of the page's links.
fn links(page: &str) -> Vec<String> {
    page.match_indices("<a ")
        .filter_map(|(at, _)| {
            let tag = &page[at..at + page[at..].find('>').unwrap()];
            attr(tag, "href").map(|h| unescape(&h))
        })
        .collect()
}

fn assert_page(what: &str, (status, kind, page): &(StatusCode, String, String), want: StatusCode) {
    assert_eq!(*status, want, "{what}: {page}");
    assert!(kind.starts_with("text/html"), "{what}: {kind}");
    assert!(page.contains("<main>"), "{what}: in the layout: {page}");
    assert!(
        links(page).iter().any(|l| l == "/"),
        "{what}: a way to the start page: {page}"
    );
}

fn assert_json(what: &str, (status, kind, body): &(StatusCode, String, String), want: StatusCode) {
    assert_eq!(*status, want, "{what}: {body}");
    assert!(kind.starts_with("application/json"), "{what}: {kind}");
    let v: Value = serde_json::from_str(body).unwrap();
    assert!(v["error"].is_string(), "{what}: {body}");
}

#[tokio::test]
async fn every_error_a_browser_lands_on_is_a_page_and_api_clients_keep_json() {
    let idp = Idp::start().await;
    let de = reader(&idp, HTML, "de-DE,de;q=0.9,en;q=0.5");
    let api = reader(&idp, "application/json", "de");
    let plain = idp.browser();

    // An unknown path.
    let page = read(de.get("/no/such/page").await).await;
    assert_page("unknown path", &page, StatusCode::NOT_FOUND);
    assert_eq!(html_lang(&page.2), "de");
    assert!(page.2.contains("Seite nicht gefunden"), "{}", page.2);
    assert_json(
        "unknown path, API",
        &read(api.get("/no/such/page").await).await,
        StatusCode::NOT_FOUND,
    );
    assert_json(
        "unknown path, no Accept",
        &read(plain.get("/no/such/page").await).await,
        StatusCode::NOT_FOUND,
    );
    // The protocol's endpoints answer as the specs say, whoever asks.
    let token = de.post("/token", &[("grant_type", "nonsense")]).await;
    assert!(
        !content_type(&token).starts_with("text/html"),
        "the token endpoint stays JSON"
    );
    let userinfo = read(de.get("/userinfo").await).await;
    assert!(!userinfo.1.starts_with("text/html"), "{userinfo:?}");

    // A stale form: the page it came from is offered again.
    let stale = read(
        de.post(
            "/account/preferences",
            &[("csrf", "stale"), ("language", "de")],
        )
        .await,
    )
    .await;
    assert_page("stale form", &stale, StatusCode::FORBIDDEN);
    assert!(
        stale.2.contains("Dieses Formular ist abgelaufen"),
        "{}",
        stale.2
    );
    assert!(
        links(&stale.2).contains(&"/account".to_owned()),
        "{}",
        stale.2
    );
    let stale_api = read(api.post("/account/preferences", &[("csrf", "stale")]).await).await;
    assert_json("stale form, API", &stale_api, StatusCode::FORBIDDEN);
    assert!(stale_api.2.contains("This form expired"), "{}", stale_api.2);

    // An export link while signed out, then a used or unknown one.
    let download = "/admin/api/audit/exports/download?token=not-a-real-one";
    let signed_out = read(de.get(download).await).await;
    assert_page(
        "export link signed out",
        &signed_out,
        StatusCode::UNAUTHORIZED,
    );
    assert!(
        links(&signed_out.2).contains(&"/account".to_owned()),
        "a way to sign in: {}",
        signed_out.2
    );
    assert_json(
        "export link, API",
        &read(api.get(download).await).await,
        StatusCode::UNAUTHORIZED,
    );
    let ko = reader(&idp, HTML, "ko");
    let page = ko.go("/login").await.sign_in_page();
    let r = ko.submit_sign_in(&page, EMAIL, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let gone = read(ko.get(download).await).await;
    assert_page("used export link", &gone, StatusCode::GONE);
    assert_eq!(html_lang(&gone.2), "ko");
    assert!(gone.2.contains("다운로드 링크"), "{}", gone.2);

    // Signing out by typing the address asks to confirm; the start page.
    let logout = ko.get("/logout").await;
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    assert_eq!(logout.headers()[LOCATION], "/end_session");
    let start = ko.get("/").await;
    assert_eq!(start.status(), StatusCode::FOUND, "signed in: the account");
    assert_eq!(start.headers()[LOCATION], "/account");
    let landing = read(de.get("/").await).await;
    assert_eq!(landing.0, StatusCode::OK);
    assert_eq!(html_lang(&landing.2), "de");
    assert!(
        links(&landing.2).contains(&"/login".to_owned()),
        "{}",
        landing.2
    );
    match de.go("/admin").await {
        Step::SignIn(page) => assert_eq!(html_lang(&page), "de"),
        other => panic!("/admin before signing in leads to the sign-in page: {other:?}"),
    }
}

#[tokio::test]
async fn a_sign_in_page_left_open_too_long_comes_back_fresh_for_the_same_application() {
    let idp = Idp::start().await;
    let reg = idp.web_app();
    let rp = idp.rp(&reg).await;
    let b = idp.browser();
    let request = rp.request(&["openid"], &[]);
    let page = b.go(&request.url).await.sign_in_page();
    let authz = hidden(&page, "authz");
    let stale = b
        .post(
            "/login",
            &[
                ("csrf", "from a page loaded long ago"),
                ("authz", &authz),
                ("email", EMAIL),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(stale.status(), StatusCode::FORBIDDEN);
    let again = stale.text().await.unwrap();
    assert!(again.contains("This form expired"), "{again}");
    assert_eq!(hidden(&again, "authz"), authz, "the same sign-in goes on");
    assert!(again.contains(&format!("value=\"{EMAIL}\"")), "{again}");
    let consent = b.sign_in(&again, EMAIL, PASSWORD).await.consent_page();
    let back = b.consent(&consent, "allow").await.back();
    assert!(rp.code(&back, &request).len() > 10);
}

async fn sign_in_raw(idp: &Idp, email: &str, password: &str) -> (StatusCode, String) {
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b.submit_sign_in(&page, email, password).await;
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_locked_account_is_told_so_only_to_someone_with_the_right_password() {
    let idp = Idp::start().await;
    idp.set_policy("lockout_after_failures=3");
    for _ in 0..3 {
        let (status, page) = sign_in_raw(&idp, EMAIL, "not the password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(!page.contains("is locked"), "{page}");
    }
    let (status, page) = sign_in_raw(&idp, EMAIL, PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("Your account is locked"), "{page}");
    assert!(page.contains("/forgot-password"), "how to unlock: {page}");
    // A wrong password, or an address nobody has, learns nothing.
    let (_, wrong) = sign_in_raw(&idp, EMAIL, "still not it").await;
    let (_, nobody) = sign_in_raw(&idp, "nobody@example.com", PASSWORD).await;
    for page in [&wrong, &nobody] {
        assert!(!page.contains("is locked"), "{page}");
        assert!(page.contains("is not right"), "{page}");
    }
    let events = idp.audit_events("sign_in");
    assert!(
        events
            .iter()
            .any(|e| e["detail"]["reason"] == "locked" && e["detail"]["result"] == "failure"),
        "the refusal is recorded: {events:?}"
    );
}

fn smtp_idp_env(smtp: &SmtpServer) -> Vec<(&'static str, String)> {
    vec![
        ("IDP_MAIL__TRANSPORT", "smtp".to_owned()),
        ("IDP_MAIL__SMTP_PORT", smtp.port.to_string()),
    ]
}

async fn start_with_smtp(smtp: &SmtpServer) -> Idp {
    let env = smtp_idp_env(smtp);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Idp::start_with(&env).await
}

fn verified(idp: &Idp, email: &str) -> bool {
    let list = idp.cli(&["user", "list", "--org", "acme", "--json"]);
    let members = list
        .as_array()
        .or_else(|| list["members"].as_array())
        .unwrap();
    let member = members
        .iter()
        .find(|m| m["email"] == email)
        .unwrap_or_else(|| panic!("{email} in {list}"));
    member["email_verified"].as_bool().unwrap()
}

#[tokio::test]
async fn a_welcome_link_sets_a_first_password_and_proves_the_address() {
    let Some(smtp) = SmtpServer::start("a_welcome_link_sets_a_first_password") else {
        return;
    };
    let idp = start_with_smtp(&smtp).await;
    idp.cli(&[
        "user",
        "create",
        "--org",
        "acme",
        "--email",
        "grace@example.com",
        "--json",
    ]);
    assert!(!verified(&idp, "grace@example.com"));
    idp.cli_text(&[
        "user",
        "email-login",
        "--org",
        "acme",
        "--enable",
        "--email",
        "grace@example.com",
    ]);
    let link = smtp.link_to("/reset-password?token=", 1, |_| true);
    let mail = smtp.messages().pop().unwrap();
    assert!(mail.contains("multipart/alternative"), "{mail}");
    assert!(
        mail.contains("text/plain") && mail.contains("text/html"),
        "{mail}"
    );
    assert!(mail.contains("7 days"), "a human duration: {mail}");
    assert!(
        mail.contains("Sent by Acme."),
        "the organization's name: {mail}"
    );
    assert!(!mail.contains("10080"), "{mail}");

    let b = idp.browser();
    let page = b.get(&link).await.text().await.unwrap();
    assert!(page.contains("Choose your password"), "{page}");
    assert!(!page.contains("Choose a new password"), "{page}");
    let saved = b
        .post(
            "/reset-password",
            &[
                ("csrf", &hidden(&page, "csrf")),
                ("token", &hidden(&page, "token")),
                ("password", "Analytical Engine 1843"),
                ("confirm", "Analytical Engine 1843"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let done = saved.text().await.unwrap();
    assert!(done.contains("Your password is set"), "{done}");
    assert!(links(&done).contains(&"/account".to_owned()), "{done}");
    assert!(
        verified(&idp, "grace@example.com"),
        "the emailed link proved it"
    );
}

#[tokio::test]
async fn a_member_changes_their_password_on_the_security_page() {
    let idp = Idp::start().await;
    let b = idp.browser();
    b.sign_in_directly().await;
    let elsewhere = idp.browser();
    elsewhere.sign_in_directly().await;
    let security = b.get("/account/security").await.text().await.unwrap();
    assert!(
        security.contains("href=\"/account/security/password\""),
        "{security}"
    );
    let page = b
        .get("/account/security/password")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("autocomplete=\"current-password\""), "{page}");
    let change = |current: &'static str, new: &'static str| {
        let form = [
            ("csrf", hidden(&page, "csrf")),
            ("current", current.to_owned()),
            ("password", new.to_owned()),
            ("confirm", new.to_owned()),
        ];
        let b = &b;
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.post("/account/security/password", &pairs).await
        }
    };
    let wrong = change("not my password", "Analytical Engine 1843").await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("current password is not right")
    );
    let weak = change(PASSWORD, "password123456").await;
    assert_eq!(
        weak.status(),
        StatusCode::BAD_REQUEST,
        "the rules still hold"
    );
    let ok = change(PASSWORD, "Analytical Engine 1843").await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[LOCATION], "/account/security?done=password");
    assert_eq!(
        b.get("/account").await.status(),
        StatusCode::OK,
        "this session goes on"
    );
    assert_ne!(
        elsewhere.get("/account").await.status(),
        StatusCode::OK,
        "other sessions end"
    );
    let (old, _) = sign_in_raw(&idp, EMAIL, PASSWORD).await;
    assert_eq!(old, StatusCode::UNAUTHORIZED);
    let (new, _) = sign_in_raw(&idp, EMAIL, "Analytical Engine 1843").await;
    assert_eq!(new, StatusCode::SEE_OTHER);
    // Guessing the current password through a session is limited.
    for _ in 0..5 {
        change("guess", "Babbage Difference 1822").await;
    }
    let limited = change("Analytical Engine 1843", "Babbage Difference 1822").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_account_page_names_each_rows_action_and_says_when_a_table_is_empty() {
    let idp = Idp::start().await;
    let b = idp.browser();
    b.sign_in_directly().await;
    let page = b.get("/account").await.text().await.unwrap();
    assert!(
        page.contains("aria-label=\"Sign out Firefox on Linux\""),
        "{page}"
    );
    assert!(
        page.contains("You have not allowed any application"),
        "{page}"
    );
    assert!(page.contains("data-label=\"IP address\""), "{page}");
    // Back to the page of a sign-in that is over: the account, not a second sign-in.
    let back = b.get("/login?authz=used-up-long-ago").await;
    assert_eq!(back.status(), StatusCode::FOUND);
    assert_eq!(back.headers()[LOCATION], "/account");
}

#[tokio::test]
async fn times_read_in_the_browsers_zone_until_the_member_saves_one() {
    let idp = Idp::start().await;
    let b = idp.browser();
    b.sign_in_directly().await;
    let utc = b.get("/account").await.text().await.unwrap();
    assert!(utc.contains("UTC"), "no zone known: UTC: {utc}");
    assert!(
        utc.contains("<script src=\"/static/zone.js\" defer></script>"),
        "{utc}"
    );
    let script = b.get("/static/zone.js").await;
    assert_eq!(script.status(), StatusCode::OK);
    assert!(content_type(&script).starts_with("text/javascript"));
    assert!(script.text().await.unwrap().contains("idp_tz="));

    b.jar.add_cookie_str("idp_tz=Asia/Seoul; Path=/", &b.base);
    let seoul = b.get("/account").await.text().await.unwrap();
    assert!(seoul.contains("KST"), "the browser's zone: {seoul}");
    // Nonsense from the cookie changes nothing.
    b.jar
        .add_cookie_str("idp_tz=Mars/Olympus_Mons; Path=/", &b.base);
    let page = b.get("/account").await.text().await.unwrap();
    assert!(page.contains("UTC") && !page.contains("KST"), "{page}");
    // The member's own choice wins over the browser's.
    b.jar.add_cookie_str("idp_tz=Asia/Seoul; Path=/", &b.base);
    let r = b
        .post(
            "/account/preferences",
            &[
                ("csrf", &hidden(&page, "csrf")),
                ("language", ""),
                ("time_zone", "Europe/Berlin"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let berlin = b.get("/account").await.text().await.unwrap();
    assert!(
        berlin.contains("CET") || berlin.contains("CEST"),
        "{berlin}"
    );
    assert!(!berlin.contains("KST"), "{berlin}");
}

#[tokio::test]
async fn a_signed_in_members_error_page_speaks_their_language_and_names_their_support() {
    let idp = Idp::start().await;
    idp.cli(&[
        "org",
        "branding",
        "--org",
        "acme",
        "--name",
        "Acme Group",
        "--support",
        "help@acme.example",
    ]);
    let b = reader(&idp, HTML, "en");
    let page = b.go("/login").await.sign_in_page();
    assert_eq!(
        b.submit_sign_in(&page, EMAIL, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let account = b.get("/account").await.text().await.unwrap();
    let saved = b
        .post(
            "/account/preferences",
            &[
                ("csrf", &hidden(&account, "csrf")),
                ("language", "ja"),
                ("time_zone", ""),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = read(b.get("/no/such/page").await).await;
    assert_page("a member's unknown path", &page, StatusCode::NOT_FOUND);
    assert_eq!(
        html_lang(&page.2),
        "ja",
        "the member's language over the browser's"
    );
    assert!(page.2.contains("ページが見つかりません"), "{}", page.2);
    assert!(page.2.contains("Acme Group"), "{}", page.2);
    assert!(
        links(&page.2).contains(&"mailto:help@acme.example".to_owned()),
        "the support contact: {}",
        page.2
    );
    // Signed out, the browser's language and no organization.
    let stranger = read(reader(&idp, HTML, "en").get("/no/such/page").await).await;
    assert_eq!(html_lang(&stranger.2), "en");
    assert!(!stranger.2.contains("Acme Group"), "{}", stranger.2);
}

#[tokio::test]
async fn a_refused_sign_out_explains_itself_in_the_readers_language() {
    let idp = Idp::start().await;
    let ko = reader(&idp, HTML, "ko");
    let refused = read(ko.get("/end_session?id_token_hint=not.a.token").await).await;
    assert_eq!(refused.0, StatusCode::BAD_REQUEST);
    assert_eq!(html_lang(&refused.2), "ko");
    assert!(
        refused.2.contains("애플리케이션으로 돌아가"),
        "{}",
        refused.2
    );
    let en = read(
        idp.browser()
            .get("/end_session?id_token_hint=not.a.token")
            .await,
    )
    .await;
    assert!(en.2.contains("Go back to the application"), "{}", en.2);
}
