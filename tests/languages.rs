//! End-to-end tests of the languages pages are shown in: `ui_locales` kept through a
//! whole sign-in, the sign-in page's language switcher, `Accept-Language`, the member's
//! own preference (and time zone) on `/account`, the organization's default language,
//! and `ui_locales_supported` in discovery.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/browser.rs"]
mod browser;
mod support;

use support::flow::*;

/// Each shipped language with what its sign-in and consent pages say.
const LANGUAGES: [(&str, &str, &str); 5] = [
    ("en", "Sign in", "Allow"),
    ("ko", "로그인", "허용"),
    ("ja", "サインイン", "許可する"),
    ("es", "Iniciar sesión", "Permitir"),
    ("de", "Anmelden", "Erlauben"),
];

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

/// A browser that sends `Accept-Language: accept`.
fn browser_asking(idp: &Idp, accept: &str) -> Browser {
    idp.browser_sending(&[(reqwest::header::ACCEPT_LANGUAGE, accept)])
}

#[tokio::test]
async fn ui_locales_holds_through_the_whole_sign_in_in_each_language() {
    let idp = Idp::start().await;
    for (lang, sign_in, allow) in LANGUAGES {
        // An application of its own per language, so that consent is asked each time.
        let app = idp.client(&format!("Reports {lang}"), &["--redirect-uri", RP_CALLBACK]);
        let rp = idp.rp(&app).await;
        // The browser asks for another language: ui_locales outranks it.
        let other = if lang == "de" { "ja" } else { "de" };
        let browser = browser_asking(&idp, other);
        let request = rp.request(
            &["openid", "email"],
            &[("ui_locales", &format!("fr {lang}"))],
        );
        let page = browser.go(&request.url).await.sign_in_page();
        assert_eq!(html_lang(&page), lang, "{page}");
        assert_eq!(heading(&page), sign_in, "{page}");
        // The next step of the same sign-in keeps the language.
        let consent = browser.sign_in(&page, EMAIL, PASSWORD).await.consent_page();
        assert_eq!(html_lang(&consent), lang, "{consent}");
        assert!(
            consent.contains(&format!(
                r#"<button name="decision" value="allow" type="submit">{allow}</button>"#
            )),
            "{consent}"
        );
        let back = browser.consent(&consent, "allow").await.back();
        rp.code(&back, &request);
    }
}

#[tokio::test]
async fn the_language_switcher_changes_the_rest_of_the_sign_in() {
    let idp = Idp::start().await;
    let app = idp.web_app();
    let rp = idp.rp(&app).await;
    let browser = idp.browser();
    let request = rp.request(&["openid"], &[("ui_locales", "ko")]);
    let page = browser.go(&request.url).await.sign_in_page();
    assert_eq!(html_lang(&page), "ko");
    // A labelled list of links, each in its own language, the current one marked.
    assert!(
        page.contains(r#"<nav class="languages" aria-label="언어">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"lang="ko" hreflang="ko" aria-current="true">한국어</a>"#),
        "{page}"
    );
    let authz = hidden(&page, "authz");
    let link = format!("/login?authz={authz}&amp;lang=de");
    assert!(page.contains(&link), "{page}");
    let page = browser
        .go(&unescape(&link).replace("&amp;", "&"))
        .await
        .sign_in_page();
    assert_eq!(html_lang(&page), "de");
    assert_eq!(heading(&page), "Anmelden");
    let consent = browser.sign_in(&page, EMAIL, PASSWORD).await.consent_page();
    assert_eq!(html_lang(&consent), "de", "{consent}");
}

#[tokio::test]
async fn forgot_password_keeps_the_sign_in_pages_language() {
    let idp = Idp::start().await;
    let app = idp.web_app();
    let rp = idp.rp(&app).await;
    let browser = idp.browser();
    let request = rp.request(&["openid"], &[("ui_locales", "ja")]);
    let page = browser.go(&request.url).await.sign_in_page();
    assert!(
        page.contains(r#"href="/forgot-password?lang=ja""#),
        "{page}"
    );
    let Step::Page(StatusCode::OK, _, _, forgot) = browser.go("/forgot-password?lang=ja").await
    else {
        panic!()
    };
    assert_eq!(html_lang(&forgot), "ja");
    assert_eq!(heading(&forgot), "パスワードをお忘れですか？");
    let sent = browser
        .post(
            "/forgot-password",
            &[
                ("csrf", &hidden(&forgot, "csrf")),
                ("email", "nobody@example.com"),
                ("lang", &hidden(&forgot, "lang")),
            ],
        )
        .await;
    assert_eq!(sent.headers()[LOCATION], "/forgot-password?sent=1&lang=ja");
}

#[tokio::test]
async fn accept_language_chooses_and_nonsense_falls_back_to_english() {
    let idp = Idp::start().await;
    for (accept, lang) in [
        ("fr-CH, de-AT;q=0.9, en;q=0.5", "de"),
        ("en;q=0.2, ja;q=0.8, ko;q=0.5", "ja"),
        ("es-419", "es"),
        ("fr, it", "en"),
        ("ko;q=0", "en"),
        ("*;;;q=zz,,,", "en"),
    ] {
        let page = browser_asking(&idp, accept)
            .go("/login")
            .await
            .sign_in_page();
        assert_eq!(html_lang(&page), lang, "{accept}");
    }
    // Ten kilobytes of junk is answered, in English, like no header at all.
    let junk = "x-junk-tag;q=0.5, ".repeat(600);
    assert!(junk.len() > 10_000);
    let started = Instant::now();
    let page = browser_asking(&idp, &junk)
        .go("/login")
        .await
        .sign_in_page();
    assert_eq!(html_lang(&page), "en");
    assert_eq!(heading(&page), "Sign in");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn the_members_preference_wins_over_the_browser_and_loses_to_ui_locales() {
    let idp = Idp::start().await;
    let browser = browser_asking(&idp, "de");
    browser.sign_in_directly().await;
    let account = browser.go("/account").await;
    let Step::Page(StatusCode::OK, _, _, html) = account else {
        panic!("{account:?}")
    };
    assert_eq!(html_lang(&html), "de");
    assert_eq!(heading(&html), "Ihr Konto");
    // Dates are the reader's, not ISO strings with microseconds.
    assert!(!html.contains("+00:00") && !html.contains(".000"), "{html}");
    let csrf = hidden(&html, "csrf");

    // A time zone that is not an IANA name is refused with a sentence, nothing saved.
    let refused = browser
        .post(
            "/account/preferences",
            &[
                ("csrf", &csrf),
                ("language", "ja"),
                ("time_zone", "Mars/Olympus"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("Mars/Olympus ist kein Zeitzonenname"),
        "{text}"
    );

    let saved = browser
        .post(
            "/account/preferences",
            &[
                ("csrf", &csrf),
                ("language", "ja"),
                ("time_zone", "Asia/Tokyo"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let Step::Page(_, _, _, html) = browser.go("/account?saved=1").await else {
        panic!()
    };
    assert_eq!(
        html_lang(&html),
        "ja",
        "the member's language beats Accept-Language"
    );
    assert!(
        html.contains("言語とタイムゾーンを保存しました。"),
        "{html}"
    );
    assert!(
        html.contains("年") && html.contains("JST"),
        "dates in Japanese, in Tokyo: {html}"
    );
    assert!(
        html.contains(r#"<option value="ja" lang="ja" selected>日本語</option>"#),
        "{html}"
    );
    assert!(html.contains(r#"value="Asia/Tokyo""#), "{html}");
    let Step::Page(_, _, _, security) = browser.go("/account/security").await else {
        panic!()
    };
    assert_eq!(html_lang(&security), "ja");
    assert_eq!(heading(&security), "セキュリティ");

    // Once the member is known, an application's sign-in speaks their language too…
    let app = idp.web_app();
    let rp = idp.rp(&app).await;
    let fresh = browser_asking(&idp, "de");
    let request = rp.request(&["openid"], &[]);
    let page = fresh.go(&request.url).await.sign_in_page();
    assert_eq!(
        html_lang(&page),
        "de",
        "before the member is known: the browser"
    );
    let consent = fresh.sign_in(&page, EMAIL, PASSWORD).await.consent_page();
    assert_eq!(html_lang(&consent), "ja", "{consent}");
    // …unless the application asked for a language.
    let request = rp.request(&["openid"], &[("ui_locales", "es")]);
    let consent = browser_asking(&idp, "de")
        .authorize_until_consent(&request.url)
        .await;
    assert_eq!(html_lang(&consent), "es");

    // Leaving it to the browser again.
    let Step::Page(_, _, _, html) = browser.go("/account").await else {
        panic!()
    };
    let csrf = hidden(&html, "csrf");
    browser
        .post(
            "/account/preferences",
            &[("csrf", &csrf), ("language", ""), ("time_zone", "")],
        )
        .await;
    let Step::Page(_, _, _, html) = browser.go("/account").await else {
        panic!()
    };
    assert_eq!(html_lang(&html), "de");
    assert!(html.contains("UTC"), "{html}");
}

#[tokio::test]
async fn the_organizations_default_applies_when_nothing_else_does() {
    let idp = Idp::start().await;
    let app = idp.web_app();
    let rp = idp.rp(&app).await;
    idp.set_policy("default_language=ko");
    let shown = idp.cli(&["org", "policy", "--org", "acme", "--json"]);
    assert_eq!(shown["effective"]["default_language"], "ko", "{shown}");
    // No Accept-Language: the application's organization decides.
    let request = rp.request(&["openid"], &[]);
    let page = idp.browser().go(&request.url).await.sign_in_page();
    assert_eq!(html_lang(&page), "ko");
    assert_eq!(heading(&page), "로그인");
    // A browser that names a shipped language still wins over the default.
    let page = browser_asking(&idp, "es")
        .go(&request.url)
        .await
        .sign_in_page();
    assert_eq!(html_lang(&page), "es");
    // A language idp does not ship is refused with the setting's name.
    let out = support::run(
        idp._dir.path(),
        &idp.env(),
        &[
            "org",
            "policy",
            "--org",
            "acme",
            "--set",
            "default_language=fr",
            "--json",
        ],
    );
    assert!(!out.status.success());
    assert!(
        support::stderr(&out)
            .contains(r#"default_language must be one of: en, ko, ja, es, de; not "fr"."#),
        "{}",
        support::stderr(&out)
    );
    // Removing it: English again.
    idp.set_policy("default_language=");
    let page = idp.browser().go(&request.url).await.sign_in_page();
    assert_eq!(html_lang(&page), "en");
}

#[tokio::test]
async fn discovery_lists_the_shipped_languages() {
    let idp = Idp::start().await;
    let doc: Value = reqwest::get(idp.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["ui_locales_supported"],
        serde_json::json!(["en", "ko", "ja", "es", "de"])
    );
}

trait UntilConsent {
    async fn authorize_until_consent(&self, url: &str) -> String;
}

impl UntilConsent for Browser {
    /// Signs in for `url` and stops at the consent page.
    async fn authorize_until_consent(&self, url: &str) -> String {
        let page = self.go(url).await.sign_in_page();
        self.sign_in(&page, EMAIL, PASSWORD).await.consent_page()
    }
}

/// Each language's heading on the enrolment page.
/// The sign-in's enrolment page offers every kind the organization allows (all, by
/// default), so it is headed for a choice.
const ENROL_HEADINGS: [(&str, &str); 5] = [
    ("en", "Set up a second step"),
    ("ko", "2단계 인증 설정"),
    ("ja", "2 段階目の確認の設定"),
    ("es", "Configura un segundo paso"),
    ("de", "Einen zweiten Schritt einrichten"),
];

/// The code an authenticator app shows now for `secret`.
fn current_code(secret: &idp_core::totp::TotpSecret) -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    let now = idp_core::Timestamp::from_micros(i64::try_from(micros).unwrap());
    idp_core::totp::code_at_step(secret, idp_core::totp::step_at(now))
}

async fn page_lang(browser: &browser::Browser) -> String {
    browser
        .client()
        .execute("return document.documentElement.lang", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// In Chromium, for each language: the sign-in page (checked by axe-core), setting up an
/// authenticator app that the organization requires, the recovery codes and the consent
/// page, all in the language the application asked for; a screenshot of each page is kept
/// (`test-artifacts/language-<lang>-<page>.png`).
#[tokio::test]
async fn a_whole_sign_in_with_enrolment_and_consent_in_each_language_in_chromium() {
    let Some(browser) = browser::Browser::start(
        "a_whole_sign_in_with_enrolment_and_consent_in_each_language_in_chromium",
    )
    .await
    else {
        return;
    };
    let idp = Idp::start().await;
    idp.set_policy("two_factor_scope=everybody");
    let callback = idp.url("/healthz");
    for ((lang, sign_in, allow), (_, enrol)) in LANGUAGES.into_iter().zip(ENROL_HEADINGS) {
        let email = format!("{lang}@example.com");
        idp.member("acme", &email, PASSWORD, &[]);
        let app = idp.client(&format!("Wiki {lang}"), &["--redirect-uri", &callback]);
        browser.client().delete_all_cookies().await.unwrap();
        let url = format!(
            "{}/authorize?response_type=code&client_id={}&redirect_uri={}&scope=openid&state=s&ui_locales={lang}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
            idp.base,
            app.id,
            url::form_urlencoded::byte_serialize(callback.as_bytes()).collect::<String>(),
        );
        browser.goto(&url).await;
        browser.wait_for("input#email").await;
        assert_eq!(page_lang(&browser).await, lang);
        assert_eq!(browser.text("h1").await, sign_in);
        browser.axe_check(&format!("sign-in page in {lang}")).await;
        browser
            .screenshot(&format!("language-{lang}-sign-in"))
            .await;

        browser.fill("#email", &email).await;
        browser.fill("#password", PASSWORD).await;
        browser
            .click("form[action='/login'] button[type=submit]")
            .await;
        browser.wait_for("figure.qr").await;
        assert_eq!(page_lang(&browser).await, lang);
        assert_eq!(browser.text("h1").await, enrol);
        browser
            .screenshot(&format!("language-{lang}-enrolment"))
            .await;
        let key = browser.text("#secret").await;
        let secret = idp_core::totp::TotpSecret::parse_base32(&key).unwrap();
        browser.fill("#code", &current_code(&secret)).await;
        browser
            .click("form[action='/login/enrol'] button[type=submit]")
            .await;
        browser.wait_for("#recovery-codes").await;
        assert_eq!(page_lang(&browser).await, lang);
        browser
            .screenshot(&format!("language-{lang}-recovery-codes"))
            .await;
        browser.click("#continue").await;

        let allow_button = "button[name=decision][value=allow]";
        browser.wait_for(allow_button).await;
        assert_eq!(page_lang(&browser).await, lang);
        assert_eq!(browser.text(allow_button).await, allow);
        assert!(browser.text("h1").await.contains(&format!("Wiki {lang}")));
        browser
            .screenshot(&format!("language-{lang}-consent"))
            .await;
        browser.click(allow_button).await;
        let started = Instant::now();
        loop {
            let at = browser.current_url().await;
            if at.path() == "/healthz" {
                assert!(at.query().unwrap_or_default().contains("code="), "{at}");
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "stuck at {at}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The organization's default language set from the console's Login settings, then used
/// by its applications' sign-in pages.
#[tokio::test]
async fn an_administrator_sets_the_default_language_in_the_console() {
    let Some(browser) =
        browser::Browser::start("an_administrator_sets_the_default_language_in_the_console").await
    else {
        return;
    };
    let idp = Idp::start().await;
    let root = "root@example.com";
    let root_password = "a long passphrase for the console";
    idp.member("acme", root, root_password, &["--super-admin"]);
    browser.goto(&idp.url("/login")).await;
    browser.fill_field("Email", root).await;
    browser.fill_field("Password", root_password).await;
    browser.click_button("Sign in").await;
    browser
        .goto(&idp.url("/admin/orgs/acme/login-settings"))
        .await;
    browser
        .select_option("Language of pages and emails", "Deutsch")
        .await;
    browser.click_button("Save login settings").await;
    browser.wait_for("p.notice").await;
    assert!(
        browser.has_text("Login settings saved.").await,
        "{}",
        browser.visible_text().await
    );
    browser
        .axe_check("console login settings with a default language")
        .await;
    let policy = idp.cli(&["org", "policy", "--org", "acme", "--json"]);
    assert_eq!(policy["settings"]["default_language"], "de", "{policy}");

    let app = idp.web_app();
    let rp = idp.rp(&app).await;
    let request = rp.request(&["openid"], &[]);
    let page = idp.browser().go(&request.url).await.sign_in_page();
    assert_eq!(html_lang(&page), "de");

    // Back to inherited: English again.
    browser
        .goto(&idp.url("/admin/orgs/acme/login-settings"))
        .await;
    browser
        .click_button("Revert to inherited: language of pages and emails")
        .await;
    browser.wait_for("p.notice").await;
    assert_eq!(
        browser.text("p.notice").await,
        "Setting reverted to the inherited value."
    );
    let policy = idp.cli(&["org", "policy", "--org", "acme", "--json"]);
    assert!(
        policy["settings"].get("default_language").is_none(),
        "{policy}"
    );
    let page = idp.browser().go(&request.url).await.sign_in_page();
    assert_eq!(html_lang(&page), "en");
}
