//! End-to-end tests of organization branding: set on a parent organization through the
//! administration API, shown on a sub-organization's application's sign-in and consent
//! pages (name, logo with its alternative text, colour, support contact), the logo
//! served with the type read from its bytes, refused uploads that change nothing, the
//! display name in a member's email, the audit log, the command line, and a screenshot
//! of a branded sign-in page in Chromium (`test-artifacts/branding-sign-in.png`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/browser.rs"]
mod browser;
mod support;

use reqwest::header::CONTENT_TYPE;
use serde_json::json;
use support::flow::*;
use support::smtp::SmtpServer;

/// A small real PNG (96×32).
const LOGO: &[u8] = include_bytes!("support/acme-logo.png");
const BOSS: &str = "boss@example.com";
const SAM: &str = "sam@example.com";

/// An administrator's browser calling the API with the CSRF header.
struct Admin {
    browser: Browser,
}

impl Admin {
    async fn sign_in(idp: &Idp, email: &str) -> Admin {
        let browser = idp.browser();
        let page = browser.go("/login").await.sign_in_page();
        let r = browser.submit_sign_in(&page, email, PASSWORD).await;
        assert_eq!(r.headers()[LOCATION], "/account", "{email} signs in");
        Admin { browser }
    }

    fn request(&self, method: &str, path: &str) -> reqwest::RequestBuilder {
        let b = &self.browser;
        b.http
            .request(method.parse().unwrap(), b.abs(path))
            .header("x-csrf-token", b.cookie("idp_csrf").unwrap())
    }

    async fn json(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.request(method, path);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let r = req.send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    /// Uploads `bytes` as the raw body, claiming `content_type`.
    async fn put_logo(&self, org: &str, bytes: Vec<u8>, content_type: &str) -> (StatusCode, Value) {
        let r = self
            .request("PUT", &format!("/admin/api/orgs/{org}/logo"))
            .header(CONTENT_TYPE, content_type)
            .body(bytes)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    /// Uploads `bytes` as a form's file named `file_name`, claiming `content_type`.
    async fn upload_logo(
        &self,
        org: &str,
        file_name: &str,
        bytes: &[u8],
        content_type: &str,
    ) -> (StatusCode, Value) {
        let boundary = "----branding-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = self
            .request("PUT", &format!("/admin/api/orgs/{org}/logo"))
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }
}

/// The `src` of the page's branded logo.
fn logo_src(html: &str) -> String {
    let header = &html[html
        .find("<header class=\"brand\">")
        .expect("a brand header")..];
    let img = &header[header.find("<img").expect("a logo")..];
    let tag = &img[..img.find('>').unwrap() + 1];
    unescape(&attr(tag, "src").unwrap())
}

fn logo_alt(html: &str) -> String {
    let header = &html[html.find("<header class=\"brand\">").unwrap()..];
    let img = &header[header.find("<img").unwrap()..];
    let tag = &img[..img.find('>').unwrap() + 1];
    unescape(&attr(tag, "alt").unwrap())
}

/// What the logo URL answers: status, content type and bytes.
async fn fetch(idp: &Idp, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let r = idp.browser().get(path).await;
    let headers = r.headers().clone();
    (r.status(), headers, r.bytes().await.unwrap().to_vec())
}

/// A sub-organization `sales` under `acme`, with an application and a member of its own;
/// the application's id.
fn sales_with_app_and_member(idp: &Idp) -> String {
    idp.cli(&[
        "org", "create", "--name", "Sales", "--slug", "sales", "--parent", "acme", "--json",
    ]);
    idp.member("sales", SAM, PASSWORD, &[]);
    let app = idp.cli(&[
        "client",
        "create",
        "--org",
        "sales",
        "--name",
        "Sales CRM",
        "--redirect-uri",
        RP_CALLBACK,
        "--json",
    ]);
    app["client_id"].as_str().unwrap().to_owned()
}

async fn branding_is_set_above_and_shown_below(idp: &Idp, smtp: &SmtpServer) {
    let app = sales_with_app_and_member(idp);
    let boss = idp.member("acme", BOSS, PASSWORD, &["--super-admin"]);
    let boss_id = boss["id"].as_str().unwrap();
    let admin = Admin::sign_in(idp, BOSS).await;

    // Set on the main organization: name, colour and support contact, then the logo.
    let (status, body) = admin
        .json(
            "PATCH",
            "/admin/api/orgs/acme/branding",
            Some(
                json!({"display_name": "Acme Group", "primary_color": "#0B6E4F",
                        "support_contact": "help@acme.example"}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["effective"]["primary_color"], "#0b6e4f");
    assert_eq!(body["effective"]["text_color"], "#ffffff", "{body}");
    let (status, body) = admin
        .put_logo("acme", LOGO.to_vec(), "application/octet-stream")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["logo"]["type"], "image/png", "sniffed from the bytes");
    let sha256 = body["logo"]["sha256"].as_str().unwrap().to_owned();

    // The sub-organization's application's sign-in page shows the inherited branding.
    let reg = Registered {
        id: app.clone(),
        secret: None,
    };
    let rp = idp.rp(&reg).await;
    let b = idp.browser();
    let page = b.go(&rp.request(&["openid"], &[]).url).await.sign_in_page();
    assert!(
        page.contains("<span class=\"brand-name\">Acme Group</span>"),
        "{page}"
    );
    assert!(
        page.contains("--brand:#0b6e4f;--on-brand:#ffffff"),
        "{page}"
    );
    assert!(page.contains("href=\"mailto:help@acme.example\""), "{page}");
    assert_eq!(logo_alt(&page), "Acme Group logo");
    let src = logo_src(&page);
    let sales = idp.cli(&["org", "branding", "--org", "sales"]);
    assert_eq!(sales["effective"]["logo"]["sha256"], sha256.as_str());
    assert!(src.starts_with("/branding/"), "{src}");
    assert!(
        !src.contains("acme"),
        "the sub-organization's own URL: {src}"
    );

    // An error page about the application's request says where to get help.
    let broken = b
        .get(&format!(
            "/authorize?response_type=code&client_id={app}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&scope=openid"
        ))
        .await;
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    let broken = broken.text().await.unwrap();
    assert!(
        broken.contains("href=\"mailto:help@acme.example\""),
        "{broken}"
    );
    assert!(broken.contains("Acme Group"), "{broken}");

    // The logo URL answers the bytes with the type read from them.
    let (status, headers, bytes) = fetch(idp, &src).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[CONTENT_TYPE], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["etag"], format!("\"{sha256}\"").as_str());
    assert!(
        headers[CACHE_CONTROL].to_str().unwrap().contains("max-age"),
        "{headers:?}"
    );
    assert_eq!(bytes, LOGO);
    let again = idp
        .browser()
        .http
        .get(idp.url(&src))
        .header("if-none-match", format!("\"{sha256}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // Refused uploads say why in a sentence and change nothing.
    let changes_before = idp.audit_events("organization_change").len();
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let mut big = LOGO.to_vec();
    big.resize(300 * 1024, 0);
    let refusals = [
        (
            admin.put_logo("acme", svg.to_vec(), "image/png").await,
            "SVG logos are not accepted; upload a PNG, JPEG, WebP or GIF",
        ),
        (
            admin
                .upload_logo("acme", "logo.svg", svg, "image/svg+xml")
                .await,
            "SVG logos are not accepted; upload a PNG, JPEG, WebP or GIF",
        ),
        (
            admin.put_logo("acme", big, "image/png").await,
            "at most 256 KB",
        ),
        (
            admin
                .upload_logo(
                    "acme",
                    "logo.png",
                    b"just some notes, not a picture\n",
                    "image/png",
                )
                .await,
            "not a PNG, JPEG, WebP or GIF image",
        ),
        (
            admin
                .upload_logo(
                    "acme",
                    "logo.png",
                    b"<script>alert(1)</script>",
                    "image/png",
                )
                .await,
            "not a PNG, JPEG, WebP or GIF image",
        ),
    ];
    for ((status, body), says) in refusals {
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let error = body["error"].as_str().unwrap();
        assert!(error.contains(says), "{error}");
        assert!(
            error.ends_with('.') && error.starts_with(char::is_uppercase),
            "{error}"
        );
    }
    let (status, _, bytes) = fetch(idp, &src).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, LOGO));
    assert_eq!(
        idp.audit_events("organization_change").len(),
        changes_before,
        "nothing recorded for a refusal"
    );
    let (status, body) = admin
        .json(
            "PATCH",
            "/admin/api/orgs/acme/branding",
            Some(json!({"primary_color": "green"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"].as_str().unwrap().contains("#rrggbb"),
        "{body}"
    );
    let (_, body) = admin
        .json("GET", "/admin/api/orgs/acme/branding", None)
        .await;
    assert_eq!(body["settings"]["primary_color"], "#0B6E4F", "unchanged");

    // An email to a member of the sub-organization names it by the display name.
    let forgot = b.get("/forgot-password").await.text().await.unwrap();
    let r = b
        .post(
            "/forgot-password",
            &[("csrf", &hidden(&forgot, "csrf")), ("email", SAM)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    smtp.link_to("/reset-password?token=", 1, |_| true);
    let mail = smtp.messages().remove(0);
    assert!(mail.contains("Sent by Acme Group."), "{mail}");

    // A sub-organization's own name wins; the logo is still the parent's.
    let (status, _) = admin
        .json(
            "PATCH",
            "/admin/api/orgs/sales/branding",
            Some(json!({"display_name": "Acme Sales"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = idp
        .browser()
        .go(&rp.request(&["openid"], &[]).url)
        .await
        .sign_in_page();
    assert!(
        page.contains("<span class=\"brand-name\">Acme Sales</span>"),
        "{page}"
    );
    assert_eq!(logo_alt(&page), "Acme Sales logo");
    assert_eq!(logo_src(&page), src, "same logo, same URL");

    // The audit log records each change with the administrator as actor.
    let logo_events = idp.audit_events("organization_change");
    let set = logo_events
        .iter()
        .find(|e| e["detail"]["logo"]["sha256"] == sha256.as_str())
        .unwrap_or_else(|| panic!("the logo upload is recorded: {logo_events:?}"));
    assert_eq!(set["actor_id"], boss_id, "{set}");
    assert_eq!(set["event"], "create");
    let settings = idp.audit_events("security_settings_change");
    let named = settings
        .iter()
        .find(|e| e["detail"]["after"]["brand_display_name"] == "Acme Group")
        .unwrap_or_else(|| panic!("the branding change is recorded: {settings:?}"));
    assert_eq!(named["actor_id"], boss_id, "{named}");

    // Removing the logo is recorded too, and the URL answers 404 once none is left.
    let (status, body) = admin
        .json("DELETE", "/admin/api/orgs/acme/logo", None)
        .await;
    assert_eq!((status, &body["removed"]), (StatusCode::OK, &json!(true)));
    let removed = idp
        .audit_events("organization_change")
        .into_iter()
        .filter(|e| e["event"] == "delete" && e["actor_id"] == boss_id)
        .count();
    assert_eq!(removed, 1);
    assert_eq!(fetch(idp, &src).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn branding_is_set_above_and_shown_below_on_sqlite() {
    let Some(smtp) = SmtpServer::start("branding_is_set_above_and_shown_below_on_sqlite") else {
        return;
    };
    let port = smtp.port.to_string();
    let idp = Idp::start_with(&[
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", &port),
    ])
    .await;
    branding_is_set_above_and_shown_below(&idp, &smtp).await;
}

#[tokio::test]
async fn branding_is_set_above_and_shown_below_on_postgres() {
    let test = "branding_is_set_above_and_shown_below_on_postgres";
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
    branding_is_set_above_and_shown_below(&idp, &smtp).await;
}

/// Without any branding, the pages look as they always did.
async fn unbranded_pages_are_unchanged(idp: &Idp) {
    let page = idp.browser().go("/login").await.sign_in_page();
    assert!(!page.contains("class=\"brand"), "{page}");
    let app = idp.web_app();
    let rp = idp.rp(&app).await;
    let page = idp
        .browser()
        .go(&rp.request(&["openid"], &[]).url)
        .await
        .sign_in_page();
    assert!(!page.contains("class=\"brand"), "{page}");
    let r = idp.browser().get("/branding/acme/logo").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

on_both_backends!(
    unbranded_pages_are_unchanged_on_sqlite,
    unbranded_pages_are_unchanged_on_postgres,
    unbranded_pages_are_unchanged
);

/// In Chromium: branding set with the command line (a light colour, so the button text
/// turns near-black), the sub-organization's sign-in page with its logo loaded, checked
/// by axe-core, and kept as `test-artifacts/branding-sign-in.png`; then the console's
/// Branding tab with its labelled controls and the logo in the organization's header.
#[tokio::test]
async fn a_branded_sign_in_page_in_chromium() {
    let Some(browser) = browser::Browser::start("a_branded_sign_in_page_in_chromium").await else {
        return;
    };
    let idp = Idp::start().await;
    let app = sales_with_app_and_member(&idp);
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("acme.png");
    std::fs::write(&logo, LOGO).unwrap();
    let shown = idp.cli(&[
        "org",
        "branding",
        "--org",
        "acme",
        "--name",
        "Acme Group",
        "--color",
        "#f2c94c",
        "--support",
        "https://help.acme.example/sign-in",
        "--logo",
        logo.to_str().unwrap(),
    ]);
    assert_eq!(shown["effective"]["text_color"], "#111111", "{shown}");
    // The command line refuses what the API refuses.
    let svg = dir.path().join("logo.png");
    std::fs::write(&svg, "<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap();
    let out = support::run(
        &idp.server.dir,
        &idp.env(),
        &[
            "org",
            "branding",
            "--org",
            "acme",
            "--logo",
            svg.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SVG logos are not accepted"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let url = format!(
        "{}/authorize?response_type=code&client_id={app}&redirect_uri={}&scope=openid&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
        idp.base,
        url::form_urlencoded::byte_serialize(RP_CALLBACK.as_bytes()).collect::<String>(),
    );
    browser.goto(&url).await;
    browser.wait_for("input#email").await;
    assert_eq!(browser.text("header.brand .brand-name").await, "Acme Group");
    let loaded = browser
        .client()
        .execute(
            "const i = document.querySelector('header.brand img'); return [i.complete, i.naturalWidth, i.alt];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        loaded,
        json!([true, 96, "Acme Group logo"]),
        "the logo loads"
    );
    let colours = browser
        .client()
        .execute(
            "const s = getComputedStyle(document.querySelector('form button[type=submit]')); return [s.backgroundColor, s.color];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        colours,
        json!(["rgb(242, 201, 76)", "rgb(17, 17, 17)"]),
        "the primary colour, with readable text"
    );
    assert!(browser.has_link("https://help.acme.example/sign-in").await);
    browser.axe_check("branded sign-in page").await;
    browser.screenshot("branding-sign-in").await;

    // The console's Branding tab: an administrator of the main organization.
    idp.member("acme", BOSS, PASSWORD, &["--super-admin"]);
    browser.client().delete_all_cookies().await.unwrap();
    browser.goto(&idp.url("/login")).await;
    browser.fill("#email", BOSS).await;
    browser.fill("#password", PASSWORD).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for("h1").await;
    browser.goto(&idp.url("/admin/orgs/sales/branding")).await;
    browser.wait_for("input#brand_display_name").await;
    assert!(
        browser.exists(".org-brand img.org-logo").await,
        "logo in the header"
    );
    browser.fill_field("Display name", "Acme Sales").await;
    browser.click_button("Save branding").await;
    browser.wait_for("p.notice").await;
    assert_eq!(browser.text("p.notice").await, "Branding saved.");
    assert!(browser.exists("input#logo[type=file]").await);
    browser.axe_check("console branding tab").await;
    browser.screenshot("branding-console").await;
    let sales = idp.cli(&["org", "branding", "--org", "sales"]);
    assert_eq!(sales["settings"]["display_name"], "Acme Sales");

    // The file input: an SVG named .png is refused with the sentence, a PNG is saved.
    upload_in_console(&browser, &svg).await;
    assert_eq!(
        browser.text("p[role=alert]").await,
        "SVG logos are not accepted; upload a PNG, JPEG, WebP or GIF."
    );
    let sales = idp.cli(&["org", "branding", "--org", "sales"]);
    assert_ne!(
        sales["effective"]["logo"]["org_id"],
        sales_id(&idp),
        "nothing stored"
    );
    upload_in_console(&browser, &logo).await;
    assert_eq!(browser.text("p.notice").await, "Logo saved.");
    let sales = idp.cli(&["org", "branding", "--org", "sales"]);
    assert_eq!(sales["effective"]["logo"]["org_id"], sales_id(&idp));
    assert!(browser.has_button("Remove this organization's logo").await);
}

async fn upload_in_console(browser: &browser::Browser, path: &std::path::Path) {
    browser
        .find("input#logo")
        .await
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    browser.click_button("Upload logo").await;
    browser.wait_for("p[role=alert], p.notice").await;
}

fn sales_id(idp: &Idp) -> Value {
    let orgs = idp.cli(&["org", "list", "--json"]);
    orgs.as_array()
        .unwrap()
        .iter()
        .find(|o| o["slug"] == "sales")
        .unwrap()["id"]
        .clone()
}
