//! End-to-end text-message codes with the real `idp` binary and a stand-in SMS gateway on
//! loopback that records what it was sent (Twilio's form fields, or a JSON body
//! template): a number added and proven on the security page, a sign-in with a text
//! code, reuse, expiry and limits refused, a gateway that fails or hangs (the page offers
//! an emailed code and the sign-in goes on), the organization's allowed kinds, the
//! administrator's reset, the console card and the audit log, numbers masked, and `amr`. On the
//! embedded defaults and on PostgreSQL with Redis.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::flow::*;
use support::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const NUMBER_TYPED: &str = "+82 10-1234-5612";
const NUMBER: &str = "+821012345612";
const MASKED: &str = "+82••••••••12";
const ROOT: &str = "root@example.com";
const ROOT_PASSWORD: &str = "a long passphrase for the console";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Accept,
    Fail,
    Hang,
}

/// One request the gateway received.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    authorization: String,
    content_type: String,
    body: String,
}

impl Received {
    /// The number the message went to, in either body.
    fn to(&self) -> String {
        if self.content_type.contains("json") {
            let v: Value = serde_json::from_str(&self.body).unwrap();
            v["to"].as_str().unwrap().to_owned()
        } else {
            self.form("To")
        }
    }

    fn form(&self, field: &str) -> String {
        url::form_urlencoded::parse(self.body.as_bytes())
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    }

    /// The six-digit code in the message.
    fn code(&self) -> String {
        let text = if self.content_type.contains("json") {
            let v: Value = serde_json::from_str(&self.body).unwrap();
            v["text"].as_str().unwrap().to_owned()
        } else {
            self.form("Body")
        };
        let digits: Vec<char> = text.chars().collect();
        for w in digits.windows(6) {
            if w.iter().all(char::is_ascii_digit) {
                return w.iter().collect();
            }
        }
        panic!("no code in {text:?}");
    }
}

/// A stand-in SMS gateway: accepts, fails (500) or never answers, as told; records every
/// request before answering.
struct Gateway {
    port: u16,
    answer: Arc<std::sync::Mutex<Answer>>,
    received: Arc<std::sync::Mutex<Vec<Received>>>,
}

impl Gateway {
    async fn start() -> Gateway {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let answer = Arc::new(std::sync::Mutex::new(Answer::Accept));
        let received = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (a, r) = (answer.clone(), received.clone());
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(serve(conn, a.clone(), r.clone()));
            }
        });
        Gateway {
            port,
            answer,
            received,
        }
    }

    fn answer(&self, a: Answer) {
        *self.answer.lock().unwrap() = a;
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    fn last(&self) -> Received {
        self.received()
            .pop()
            .expect("the gateway received a message")
    }

    /// `[sms]` for this gateway in Twilio mode, with a short timeout.
    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("IDP_SMS__MODE".into(), "twilio".into()),
            (
                "IDP_SMS__ENDPOINT".into(),
                format!(
                    "http://127.0.0.1:{}/2010-04-01/Accounts/ACtest/Messages.json",
                    self.port
                ),
            ),
            ("IDP_SMS__USERNAME".into(), "ACtest".into()),
            ("IDP_SMS__PASSWORD".into(), "gateway-token".into()),
            ("IDP_SMS__FROM".into(), "+15005550006".into()),
            ("IDP_SMS__TIMEOUT_MS".into(), "1500".into()),
        ]
    }
}

async fn serve(
    mut conn: tokio::net::TcpStream,
    answer: Arc<std::sync::Mutex<Answer>>,
    received: Arc<std::sync::Mutex<Vec<Received>>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = conn.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_owned())
            })
            .unwrap_or_default()
    };
    let length: usize = header("content-length").parse().unwrap_or(0);
    while buf.len() < head_end + length {
        let n = conn.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
    let path = head
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or_default()
        .to_owned();
    received.lock().unwrap().push(Received {
        path,
        authorization: header("authorization"),
        content_type: header("content-type"),
        body,
    });
    let now = *answer.lock().unwrap();
    let reply: &[u8] = match now {
        Answer::Accept => {
            b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"sid\":\"SM1\"}\r\n"
        }
        Answer::Fail => {
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        }
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return;
        }
    };
    let _ = conn.write_all(reply).await;
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// The provider with text messages through `gateway`, plus `extra` settings; `None`
/// (a skip line) when PostgreSQL is asked for and not configured.
async fn provider(
    test: &str,
    backend: Backend,
    gateway: &Gateway,
    extra: &[(&str, &str)],
) -> Option<(Idp, Option<PgDatabase>)> {
    let owned = gateway.env();
    let mut env: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    env.extend_from_slice(extra);
    match backend {
        Backend::Sqlite => Some((Idp::start_with(&env).await, None)),
        Backend::Postgres => {
            let (idp, db) = Idp::on_postgres(test, &env).await?;
            Some((idp, Some(db)))
        }
    }
}

async fn security_page(browser: &Browser) -> String {
    let page = browser.get("/account/security").await;
    assert_eq!(page.status(), StatusCode::OK);
    page.text().await.unwrap()
}

/// A signed-in member adds the number and proves it with the code the gateway received.
async fn add_and_verify(browser: &Browser, gateway: &Gateway) {
    let html = security_page(browser).await;
    assert!(html.contains("Send a code to this number"), "{html}");
    let sent = browser
        .post(
            "/account/security/phone",
            &[("csrf", &hidden(&html, "csrf")), ("phone", NUMBER_TYPED)],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let text = gateway.last();
    assert_eq!(text.to(), NUMBER, "stored and sent in E.164");
    let html = security_page(browser).await;
    assert!(html.contains("waiting to be confirmed"), "{html}");
    let wrong = browser
        .post(
            "/account/security/phone/verify",
            &[("csrf", &hidden(&html, "csrf")), ("code", "000000x")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let ok = browser
        .post(
            "/account/security/phone/verify",
            &[("csrf", &hidden(&html, "csrf")), ("code", &text.code())],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        ok.headers()[LOCATION],
        "/account/security?done=phone-verified"
    );
    let html = security_page(browser).await;
    assert!(html.contains(&format!("Codes go to {NUMBER}")), "{html}");
}

/// Signs in with the password on a fresh browser; the second-factor page.
async fn password_step(idp: &Idp, browser: &Browser) -> String {
    let page = browser.go("/login").await.sign_in_page();
    match browser.sign_in(&page, EMAIL, PASSWORD).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/second-factor" => html,
        other => panic!(
            "expected the second-factor page, got {other:?} ({})",
            idp.base
        ),
    }
}

async fn send_text(browser: &Browser, page: &str) -> reqwest::Response {
    browser
        .post(
            "/login/second-factor/sms",
            &[("csrf", &hidden(page, "csrf"))],
        )
        .await
}

async fn submit_code(browser: &Browser, page: &str, method: &str, code: &str) -> reqwest::Response {
    browser
        .post(
            "/login/second-factor",
            &[
                ("csrf", &hidden(page, "csrf")),
                ("method", method),
                ("code", code),
            ],
        )
        .await
}

/// Every audit event of the main organization, as JSON text.
fn audit_text(idp: &Idp) -> String {
    let mut all = String::new();
    for activity in ["security_settings_change", "sign_in", "second_factor_reset"] {
        all.push_str(&serde_json::to_string(&idp.audit_events(activity)).unwrap());
    }
    all
}

async fn a_number_is_added_proven_used_once_limited_and_reset(backend: Backend, test: &str) {
    let gateway = Gateway::start().await;
    let Some((idp, _db)) = provider(test, backend, &gateway, &[]).await else {
        return;
    };
    idp.member("acme", ROOT, ROOT_PASSWORD, &["--super-admin"]);
    let member = idp.browser();
    member.sign_in_directly().await;

    // Bad input is refused with a sentence and changes nothing.
    let html = security_page(&member).await;
    let bad = member
        .post(
            "/account/security/phone",
            &[("csrf", &hidden(&html, "csrf")), ("phone", "010 1234 5612")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("country code"));
    assert!(gateway.received().is_empty(), "nothing was sent");
    assert!(
        security_page(&member)
            .await
            .contains("Send a code to this number")
    );

    add_and_verify(&member, &gateway).await;
    let first = gateway.received()[0].clone();
    assert_eq!(first.path, "/2010-04-01/Accounts/ACtest/Messages.json");
    assert_eq!(first.form("From"), "+15005550006");
    assert!(
        first
            .content_type
            .starts_with("application/x-www-form-urlencoded")
    );
    assert_eq!(
        first.authorization,
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("ACtest:gateway-token")
        )
    );
    assert!(first.form("Body").contains("Acme"), "{}", first.body);

    // Sign in with a text code.
    let b = idp.browser();
    let page = password_step(&idp, &b).await;
    assert!(page.contains("Send a code by text message"), "{page}");
    assert!(page.contains("Code from the text message"), "{page}");
    let sent = send_text(&b, &page).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let page = b
        .get(sent.headers()[LOCATION].to_str().unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(MASKED),
        "the page names the number masked: {page}"
    );
    assert!(!page.contains(NUMBER));
    let code = gateway.last().code();
    let ok = submit_code(&b, &page, "sms_code", &code).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()[LOCATION], "/account");

    // The same code again is refused.
    let c = idp.browser();
    let page = password_step(&idp, &c).await;
    let reused = submit_code(&c, &page, "sms_code", &code).await;
    assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);

    // Five texts an hour per member (two sent so far).
    for n in 3..=5 {
        let r = send_text(&c, &page).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "text {n}");
    }
    let sixth = send_text(&c, &page).await;
    assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        sixth
            .text()
            .await
            .unwrap()
            .contains("Too many text messages")
    );
    assert_eq!(
        gateway.received().len(),
        5,
        "the sixth never reached the gateway"
    );
    // ... and per number, whoever types it.
    idp.member("acme", "bob@example.com", PASSWORD, &[]);
    let bob = idp.browser();
    let login = bob.go("/login").await.sign_in_page();
    let signed = bob
        .submit_sign_in(&login, "bob@example.com", PASSWORD)
        .await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let html = security_page(&bob).await;
    let refused = bob
        .post(
            "/account/security/phone",
            &[("csrf", &hidden(&html, "csrf")), ("phone", NUMBER)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(gateway.received().len(), 5);

    // The console's member card shows the number masked.
    let admin = idp.browser();
    let login = admin.go("/login").await.sign_in_page();
    admin.submit_sign_in(&login, ROOT, ROOT_PASSWORD).await;
    let card = admin
        .get(&format!("/admin/members/{}", idp.user_id))
        .await
        .text()
        .await
        .unwrap();
    assert!(card.contains(MASKED), "{card}");
    assert!(!card.contains(NUMBER), "never the whole number");
    // The members list knows text-message codes as a kind of second factor.
    let texting = admin
        .get("/admin/orgs/acme/members?second_factor=sms_code")
        .await
        .text()
        .await
        .unwrap();
    assert!(texting.contains(EMAIL), "{texting}");
    let none = admin
        .get("/admin/orgs/acme/members?second_factor=none")
        .await
        .text()
        .await
        .unwrap();
    assert!(!none.contains(EMAIL), "{none}");
    assert!(none.contains(ROOT), "{none}");

    // The audit log: added, verified, each text sent; masked.
    let audit = audit_text(&idp);
    for what in [
        r#""phone_number":"added""#,
        r#""phone_number":"verified""#,
        r#""text":"code_sent""#,
        r#""method":"sms_code""#,
    ] {
        assert!(audit.contains(what), "{what} in {audit}");
    }
    assert!(audit.contains(MASKED), "{audit}");
    assert!(
        !audit.contains(NUMBER),
        "the audit log never holds the number"
    );
    assert!(!audit.contains(&code), "nor a code");

    // The administrator's reset removes the number.
    idp.cli_text(&[
        "user",
        "reset-second-factor",
        "--org",
        "acme",
        "--email",
        EMAIL,
    ]);
    let d = idp.browser();
    d.sign_in_directly().await;
    let html = security_page(&d).await;
    assert!(html.contains("Send a code to this number"), "{html}");
    assert!(!html.contains(NUMBER));
    let reset = serde_json::to_string(&idp.audit_events("second_factor_reset")).unwrap();
    assert!(reset.contains(MASKED), "{reset}");
}

#[tokio::test]
async fn a_number_is_added_proven_used_once_limited_and_reset_on_sqlite() {
    a_number_is_added_proven_used_once_limited_and_reset(Backend::Sqlite, "sqlite").await;
}

#[tokio::test]
async fn a_number_is_added_proven_used_once_limited_and_reset_on_postgres() {
    a_number_is_added_proven_used_once_limited_and_reset(
        Backend::Postgres,
        "a_number_is_added_proven_used_once_limited_and_reset_on_postgres",
    )
    .await;
}

/// The code in the newest message in the file outbox.
fn emailed_code(idp: &Idp) -> String {
    let dir = idp.server.dir.join("data/outbox");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    let text = std::fs::read_to_string(files.last().expect("a message")).unwrap();
    let at = text.find("Your sign-in code is ").expect("the code line") + 21;
    text[at..at + 6].to_owned()
}

async fn a_gateway_that_fails_or_hangs_leaves_the_emailed_code(backend: Backend, test: &str) {
    let gateway = Gateway::start().await;
    let Some((idp, _db)) = provider(test, backend, &gateway, &[]).await else {
        return;
    };
    let member = idp.browser();
    member.sign_in_directly().await;
    add_and_verify(&member, &gateway).await;

    for answer in [Answer::Fail, Answer::Hang] {
        gateway.answer(answer);
        let b = idp.browser();
        let page = password_step(&idp, &b).await;
        let failed = send_text(&b, &page).await;
        assert_eq!(
            failed.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{answer:?}"
        );
        let html = failed.text().await.unwrap();
        assert!(html.contains("could not be sent"), "{answer:?}: {html}");
        assert!(html.contains("Email me a code"), "email is offered: {html}");
        // The sign-in is not lost: the emailed code finishes it.
        gateway.answer(Answer::Accept);
        let sent = b
            .post(
                "/login/second-factor/email",
                &[("csrf", &hidden(&html, "csrf"))],
            )
            .await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER, "{answer:?}");
        let page = b
            .get(sent.headers()[LOCATION].to_str().unwrap())
            .await
            .text()
            .await
            .unwrap();
        let ok = submit_code(&b, &page, "email_code", &emailed_code(&idp)).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER, "{answer:?}");
        assert_eq!(ok.headers()[LOCATION], "/account");
    }
    let log = idp.server.log();
    assert!(
        log.contains("a text message could not be delivered"),
        "a warning is logged: {log}"
    );
    assert!(!log.contains(NUMBER), "the log never holds the number");
    let audit = audit_text(&idp);
    assert_eq!(
        audit.matches(r#""text":"delivery_failed""#).count(),
        2,
        "{audit}"
    );
}

#[tokio::test]
async fn a_gateway_that_fails_or_hangs_leaves_the_emailed_code_on_sqlite() {
    a_gateway_that_fails_or_hangs_leaves_the_emailed_code(Backend::Sqlite, "sqlite").await;
}

#[tokio::test]
async fn a_gateway_that_fails_or_hangs_leaves_the_emailed_code_on_postgres() {
    a_gateway_that_fails_or_hangs_leaves_the_emailed_code(
        Backend::Postgres,
        "a_gateway_that_fails_or_hangs_leaves_the_emailed_code_on_postgres",
    )
    .await;
}

fn policy(idp: &Idp, set: &str) -> std::process::Output {
    run(
        &idp.server.dir,
        &idp.env(),
        &["org", "policy", "--org", "acme", "--set", set, "--json"],
    )
}

async fn texts_disallowed_by_policy_are_neither_offered_nor_accepted(backend: Backend, test: &str) {
    let gateway = Gateway::start().await;
    let Some((idp, _db)) = provider(test, backend, &gateway, &[]).await else {
        return;
    };
    let member = idp.browser();
    member.sign_in_directly().await;
    add_and_verify(&member, &gateway).await;
    let b = idp.browser();
    let page = password_step(&idp, &b).await;
    let sent = send_text(&b, &page).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let code = gateway.last().code();

    // At least one kind stays allowed: refused with a sentence, nothing changed.
    for bad in [
        "allowed_second_factors=[]",
        r#"allowed_second_factors=["totp","totp"]"#,
        r#"allowed_second_factors=["fax"]"#,
    ] {
        let out = policy(&idp, bad);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert_eq!(stderr(&out).trim().lines().count(), 1, "{}", stderr(&out));
    }
    let out = policy(&idp, r#"allowed_second_factors=["totp","email_code"]"#);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        shown["effective"]["allowed_second_factors"],
        serde_json::json!(["totp", "email_code"])
    );
    assert!(
        serde_json::to_string(&idp.audit_events("security_settings_change"))
            .unwrap()
            .contains("allowed_second_factors"),
        "the change is in the audit log"
    );

    // The code already sent is refused now; no text is offered or sent.
    let refused = submit_code(&b, &page, "sms_code", &code).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let c = idp.browser();
    let page = password_step(&idp, &c).await;
    assert!(!page.contains("Send a code by text message"), "{page}");
    assert!(page.contains("Email me a code"), "{page}");
    let before = gateway.received().len();
    assert_eq!(send_text(&c, &page).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(gateway.received().len(), before);
    let html = security_page(&member).await;
    assert!(!html.contains("Send a code to this number"));
    assert!(!html.contains("/account/security/phone/verify"));

    // The member may still remove the number, with their password.
    let wrong = member
        .post(
            "/account/security/phone/remove",
            &[("csrf", &hidden(&html, "csrf")), ("password", "not it")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        security_page(&member).await.contains(NUMBER),
        "nothing removed"
    );
    let removed = member
        .post(
            "/account/security/phone/remove",
            &[("csrf", &hidden(&html, "csrf")), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert!(!security_page(&member).await.contains(NUMBER));
    let audit = audit_text(&idp);
    assert!(audit.contains(r#""phone_number":"removed""#), "{audit}");
    assert!(!audit.contains(NUMBER));

    // A sub-organization inherits it.
    idp.cli(&[
        "org", "create", "--name", "Acme EU", "--slug", "acme-eu", "--parent", "acme", "--json",
    ]);
    let eu = idp.cli(&["org", "policy", "--org", "acme-eu", "--json"]);
    assert_eq!(
        eu["effective"]["allowed_second_factors"],
        serde_json::json!(["totp", "email_code"])
    );
}

#[tokio::test]
async fn texts_disallowed_by_policy_are_neither_offered_nor_accepted_on_sqlite() {
    texts_disallowed_by_policy_are_neither_offered_nor_accepted(Backend::Sqlite, "sqlite").await;
}

#[tokio::test]
async fn texts_disallowed_by_policy_are_neither_offered_nor_accepted_on_postgres() {
    texts_disallowed_by_policy_are_neither_offered_nor_accepted(
        Backend::Postgres,
        "texts_disallowed_by_policy_are_neither_offered_nor_accepted_on_postgres",
    )
    .await;
}

/// Codes work `sms.code_lifetime_secs`: after that, the right code is refused.
#[tokio::test]
async fn an_expired_text_code_is_refused() {
    let gateway = Gateway::start().await;
    let (idp, _) = provider(
        "sqlite",
        Backend::Sqlite,
        &gateway,
        &[("IDP_SMS__CODE_LIFETIME_SECS", "5")],
    )
    .await
    .unwrap();
    let member = idp.browser();
    member.sign_in_directly().await;
    add_and_verify(&member, &gateway).await;
    let b = idp.browser();
    let page = password_step(&idp, &b).await;
    assert_eq!(send_text(&b, &page).await.status(), StatusCode::SEE_OTHER);
    let code = gateway.last().code();
    tokio::time::sleep(Duration::from_millis(5500)).await;
    let late = submit_code(&b, &page, "sms_code", &code).await;
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED);
    // The next code, used at once, works: the refusal above was the expiry.
    assert_eq!(send_text(&b, &page).await.status(), StatusCode::SEE_OTHER);
    let ok = submit_code(&b, &page, "sms_code", &gateway.last().code()).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
}

/// `http` mode posts the body template with the number and message filled in and escaped.
#[tokio::test]
async fn a_gateway_of_its_own_gets_the_body_template() {
    let gateway = Gateway::start().await;
    let endpoint = format!("http://127.0.0.1:{}/send", gateway.port);
    let idp = Idp::start_with(&[
        ("IDP_SMS__MODE", "http"),
        ("IDP_SMS__ENDPOINT", &endpoint),
        ("IDP_SMS__BEARER_TOKEN", "bearer-secret"),
        ("IDP_SMS__FROM", "Acme"),
    ])
    .await;
    let member = idp.browser();
    member.sign_in_directly().await;
    add_and_verify(&member, &gateway).await;
    let text = gateway.received()[0].clone();
    assert_eq!(text.path, "/send");
    assert_eq!(text.authorization, "Bearer bearer-secret");
    assert_eq!(text.content_type, "application/json");
    let body: Value = serde_json::from_str(&text.body).unwrap();
    assert_eq!(body["to"], NUMBER);
    assert_eq!(body["from"], "Acme");
    assert!(body["text"].as_str().unwrap().contains(&text.code()));
}

/// Without `[sms]`, text messages are offered nowhere.
#[tokio::test]
async fn without_a_gateway_texts_are_offered_nowhere() {
    let idp = Idp::start().await;
    let member = idp.browser();
    member.sign_in_directly().await;
    let html = security_page(&member).await;
    assert!(!html.contains("Send a code to this number"), "{html}");
    let refused = member
        .post(
            "/account/security/phone",
            &[("csrf", &hidden(&html, "csrf")), ("phone", NUMBER)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

/// The console's Security tab edits the allowed kinds; none left is refused.
#[tokio::test]
async fn the_console_edits_the_allowed_kinds() {
    let gateway = Gateway::start().await;
    let (idp, _) = provider("sqlite", Backend::Sqlite, &gateway, &[])
        .await
        .unwrap();
    idp.member("acme", ROOT, ROOT_PASSWORD, &["--super-admin"]);
    let admin = idp.browser();
    let login = admin.go("/login").await.sign_in_page();
    admin.submit_sign_in(&login, ROOT, ROOT_PASSWORD).await;
    let html = admin
        .get("/admin/orgs/acme/security")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("restricted authenticator"), "{html}");
    assert!(
        html.contains("value=\"sms_code\" checked"),
        "all allowed by default"
    );
    let csrf = hidden(&html, "csrf");
    let version = hidden(&html, "version");
    let form = |kinds: &[&'static str]| {
        let mut f: Vec<(&str, &str)> = vec![
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("part", "kinds"),
        ];
        for k in kinds {
            f.push(("kind", k));
        }
        f
    };
    let none = admin.post("/admin/orgs/acme/security", &form(&[])).await;
    assert_eq!(none.status(), StatusCode::BAD_REQUEST);
    assert!(
        none.text()
            .await
            .unwrap()
            .contains("Allow at least one kind of second factor")
    );
    let unchanged = idp.cli(&["org", "policy", "--org", "acme", "--json"]);
    assert_eq!(
        unchanged["effective"]["allowed_second_factors"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let saved = admin
        .post("/admin/orgs/acme/security", &form(&["totp", "passkey"]))
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let now = idp.cli(&["org", "policy", "--org", "acme", "--json"]);
    assert_eq!(
        now["effective"]["allowed_second_factors"],
        serde_json::json!(["totp", "passkey"])
    );
}

/// An application's ID token says a text code was used: `amr` has `otp` and `sms`
/// (RFC 8176) and the multi-factor level.
#[tokio::test]
async fn a_text_code_sign_in_reports_sms_in_amr() {
    let gateway = Gateway::start().await;
    let (idp, _) = provider("sqlite", Backend::Sqlite, &gateway, &[])
        .await
        .unwrap();
    let member = idp.browser();
    member.sign_in_directly().await;
    add_and_verify(&member, &gateway).await;
    let app = idp.first_party_app();
    let rp = idp.rp(&app).await;
    let request = rp.request(&["openid", "email"], &[]);
    let b = idp.browser();
    let sign_in = b.go(&request.url).await.sign_in_page();
    let page = match b.sign_in(&sign_in, EMAIL, PASSWORD).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/second-factor" => html,
        other => panic!("expected the second-factor page, got {other:?}"),
    };
    assert_eq!(send_text(&b, &page).await.status(), StatusCode::SEE_OTHER);
    let accepted = submit_code(&b, &page, "sms_code", &gateway.last().code()).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let back = b
        .follow(b.abs("/login/second-factor"), accepted)
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
    assert_eq!(amr, ["pwd", "otp", "sms", "mfa"]);
    assert_eq!(
        claims.auth_context_ref().map(|a| a.to_string()).as_deref(),
        Some("urn:idp:acr:mfa")
    );
}
