//! The administrator console and the Google / Microsoft failure pages in the reader's
//! language: English when nothing asks otherwise, the browser's `Accept-Language`, and
//! the administrator's saved language (with dates in their language and time zone), on
//! the organizations list, a member's page and the policy pages, with what the console
//! says after an action.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;
#[path = "support/upstream.rs"]
mod upstream;

use support::flow::*;
use upstream::{CLIENT_ID, CLIENT_SECRET, Kind, Upstream};

const ROOT: &str = "root@example.com";
const ROOT_PASSWORD: &str = "a long passphrase for the console";

fn html_lang(page: &str) -> String {
    let start = page.find("<html lang=\"").expect("an <html lang>") + 12;
    page[start..].split('"').next().unwrap().to_owned()
}

/// The text of the `<h1>`.
fn heading(page: &str) -> String {
    let start = page.find("<h1>").expect("a heading") + 4;
    let end = page[start..].find("</h1>").unwrap();
    page[start..start + end].to_owned()
}

/// A browser that sends `Accept-Language: accept`, or none.
fn browser_asking(idp: &Idp, accept: Option<&str>) -> Browser {
    match accept {
        Some(accept) => idp.browser_sending(&[(reqwest::header::ACCEPT_LANGUAGE, accept)]),
        None => idp.browser(),
    }
}

/// A page that must answer 200, as HTML.
async fn page(browser: &Browser, path: &str) -> String {
    match browser.go(path).await {
        Step::Page(StatusCode::OK, _, _, html) => html,
        other => panic!("{path}: {other:?}"),
    }
}

/// The super administrator, signed in.
async fn administrator(idp: &Idp, accept: Option<&str>) -> Browser {
    let browser = browser_asking(idp, accept);
    let sign_in = browser.go("/login").await.sign_in_page();
    let signed = browser.submit_sign_in(&sign_in, ROOT, ROOT_PASSWORD).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    browser
}

/// What the console's pages say in one language.
struct Console {
    lang: &'static str,
    orgs: &'static str,
    sessions: &'static str,
    member_since: &'static str,
    two_factor: &'static str,
    save_login_settings: &'static str,
}

const ENGLISH: Console = Console {
    lang: "en",
    orgs: "Organizations",
    sessions: "Sessions",
    member_since: "Member since",
    two_factor: "Two-factor authentication",
    save_login_settings: "Save login settings",
};

const GERMAN: Console = Console {
    lang: "de",
    orgs: "Organisationen",
    sessions: "Sitzungen",
    member_since: "Mitglied seit",
    two_factor: "Zwei-Faktor-Authentifizierung",
    save_login_settings: "Anmeldeeinstellungen speichern",
};

const KOREAN: Console = Console {
    lang: "ko",
    orgs: "조직",
    sessions: "세션",
    member_since: "가입일",
    two_factor: "2단계 인증",
    save_login_settings: "로그인 설정 저장",
};

/// The organizations list, a member's page and the policy pages all speak `expected`.
async fn speaks(idp: &Idp, browser: &Browser, expected: &Console) {
    let lang = expected.lang;
    let orgs = page(browser, "/admin/orgs").await;
    assert_eq!(html_lang(&orgs), lang, "{orgs}");
    assert_eq!(heading(&orgs), expected.orgs, "{orgs}");
    assert!(
        orgs.contains(&format!("<title>{} · ", expected.orgs)),
        "{orgs}"
    );

    let member = page(browser, &format!("/admin/members/{}", idp.user_id)).await;
    assert_eq!(html_lang(&member), lang);
    assert!(
        member.contains(&format!(
            r#"<h2 id="sessions-heading">{}</h2>"#,
            expected.sessions
        )),
        "{member}"
    );
    assert!(
        member.contains(&format!("<dt>{}</dt>", expected.member_since)),
        "{member}"
    );
    // Dates are the reader's, never raw ISO strings.
    assert!(
        !member.contains("+00:00") && !member.contains("Z</dd>"),
        "{member}"
    );

    let security = page(browser, "/admin/orgs/acme/security").await;
    assert_eq!(html_lang(&security), lang);
    assert!(
        security.contains(&format!(
            r#"<h2 id="two-factor-heading">{}</h2>"#,
            expected.two_factor
        )),
        "{security}"
    );

    let settings = page(browser, "/admin/orgs/acme/login-settings").await;
    assert_eq!(html_lang(&settings), lang);
    assert!(
        settings.contains(&format!(
            r#"<button type="submit">{}</button>"#,
            expected.save_login_settings
        )),
        "{settings}"
    );
}

#[tokio::test]
async fn the_console_speaks_the_administrators_language() {
    let idp = Idp::start().await;
    idp.member("acme", ROOT, ROOT_PASSWORD, &["--super-admin"]);

    // Nothing asks for a language: English.
    let english = administrator(&idp, None).await;
    speaks(&idp, &english, &ENGLISH).await;

    // The browser asks for German (Austrian German, then anything).
    let german = administrator(&idp, Some("de-AT, *;q=0.5")).await;
    speaks(&idp, &german, &GERMAN).await;

    // The administrator saves Korean and Seoul: it beats the browser's German, and
    // times are written in Korean, in Seoul's zone.
    let account = page(&german, "/account").await;
    let saved = german
        .post(
            "/account/preferences",
            &[
                ("csrf", &hidden(&account, "csrf")),
                ("language", "ko"),
                ("time_zone", "Asia/Seoul"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    speaks(&idp, &german, &KOREAN).await;
    let member = page(&german, &format!("/admin/members/{}", idp.user_id)).await;
    assert!(
        member.contains("년") && member.contains("KST"),
        "dates in Korean, in Seoul: {member}"
    );

    // What the console says after an action, and when it refuses one, is Korean too.
    let overview = page(&german, "/admin/orgs/acme").await;
    let created = german
        .post(
            "/admin/orgs/acme/change",
            &[
                ("csrf", &hidden(&overview, "csrf")),
                ("action", "create"),
                ("child_name", "Sales"),
                ("child_slug", "sales"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let to = created.headers()[LOCATION].to_str().unwrap().to_owned();
    let sales = page(&german, &to).await;
    assert!(
        sales.contains(r#"<p class="notice" role="status">Sales을(를) 만들었습니다.</p>"#),
        "{sales}"
    );
    let unknown = german
        .post(
            "/admin/orgs/acme/change",
            &[("csrf", &hidden(&overview, "csrf")), ("action", "explode")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    let unknown = unknown.text().await.unwrap();
    assert_eq!(html_lang(&unknown), "ko");
    assert_eq!(heading(&unknown), "알 수 없는 작업", "{unknown}");

    // The saved language is the administrator's, whichever browser they use.
    speaks(&idp, &english, &KOREAN).await;
}

/// The text of the page's alert, with the quotes askama escapes put back.
fn alert(page: &str) -> String {
    let start = page.find(r#"role="alert">"#).expect("an alert") + 13;
    let end = page[start..].find("</p>").unwrap();
    page[start..start + end]
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
}

#[tokio::test]
async fn a_refused_policy_value_or_action_reads_in_the_administrators_language() {
    let idp = Idp::start().await;
    idp.member("acme", ROOT, ROOT_PASSWORD, &["--super-admin"]);
    let german = administrator(&idp, Some("de")).await;

    // The security page: a two-factor scope no one offers (a hand-made form).
    let security = page(&german, "/admin/orgs/acme/security").await;
    let refused = german
        .post(
            "/admin/orgs/acme/security",
            &[
                ("csrf", &hidden(&security, "csrf")),
                ("version", &hidden(&security, "version")),
                ("part", "two_factor"),
                ("scope", "sometimes"),
                ("confirm", ""),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = refused.text().await.unwrap();
    assert_eq!(html_lang(&refused), "de");
    assert_eq!(
        alert(&refused),
        "two_factor_scope muss einer dieser Werte sein: off, everybody, administrators; nicht \"sometimes\".",
        "{refused}"
    );

    // The login settings page: a minimum length below what idp allows.
    let settings = page(&german, "/admin/orgs/acme/login-settings").await;
    let refused = german
        .post(
            "/admin/orgs/acme/login-settings",
            &[
                ("csrf", &hidden(&settings, "csrf")),
                ("version", &hidden(&settings, "version")),
                ("password_min_length", "4"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = refused.text().await.unwrap();
    assert_eq!(
        alert(&refused),
        "„Mindestlänge des Passworts“ muss zwischen 8 und 128 Zeichen liegen.",
        "{refused}"
    );

    // An administration refusal on a console form is German too.
    let overview = page(&german, "/admin/orgs/acme").await;
    let refused = german
        .post(
            "/admin/orgs/acme/change",
            &[
                ("csrf", &hidden(&overview, "csrf")),
                ("action", "create"),
                ("child_name", "Acme again"),
                ("child_slug", "acme"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let refused = refused.text().await.unwrap();
    assert_eq!(
        alert(&refused),
        "Eine Organisation mit dem Kürzel „acme“ gibt es bereits.",
        "{refused}"
    );

    // The admin API answers the same administrator in English, as it always has.
    let answer = german
        .http
        .patch(german.abs("/admin/api/orgs/acme/policy"))
        .header("x-csrf-token", german.cookie("idp_csrf").unwrap())
        .json(&serde_json::json!({"set": {"two_factor_scope": "sometimes"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(
        body["error"],
        "two_factor_scope must be one of: off, everybody, administrators; not \"sometimes\".",
        "{body}"
    );
}

/// The provider with sign-in through Google configured (the stand-in on loopback).
async fn with_google() -> (Idp, Upstream) {
    let google = Upstream::start(Kind::Google).await;
    let discovery = google.discovery_url();
    let idp = Idp::start_with(&[
        ("IDP_FEDERATION__TIMEOUT_SECS", "3"),
        ("IDP_FEDERATION__GOOGLE__CLIENT_ID", CLIENT_ID),
        ("IDP_FEDERATION__GOOGLE__CLIENT_SECRET", CLIENT_SECRET),
        ("IDP_FEDERATION__GOOGLE__DISCOVERY_URL", &discovery),
    ])
    .await;
    (idp, google)
}

#[tokio::test]
async fn a_failed_google_sign_in_answers_in_the_browsers_language() {
    let (idp, _google) = with_google().await;
    // A callback that no sign-in in this browser started.
    let forged = "/login/federated/google/callback?state=forged&code=abc";
    for (accept, lang, title, sentence) in [
        (
            None,
            "en",
            "Sign-in with Google did not work",
            "did not start in this browser",
        ),
        (
            Some("ja, en;q=0.5"),
            "ja",
            "Google でサインインできませんでした",
            "このブラウザーで開始されたものではありません",
        ),
        (
            Some("de"),
            "de",
            "Die Anmeldung mit Google hat nicht geklappt",
            "nicht in diesem Browser begonnen",
        ),
    ] {
        let browser = browser_asking(&idp, accept);
        let Step::Page(status, _, _, html) = browser.go(forged).await else {
            panic!("{accept:?}: not a page")
        };
        assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
        assert_eq!(html_lang(&html), lang, "{html}");
        assert_eq!(heading(&html), title, "{html}");
        assert!(html.contains(sentence), "{html}");
    }
}
