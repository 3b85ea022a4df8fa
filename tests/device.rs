//! End-to-end tests of the device authorization grant (RFC 8628) with the real `idp`
//! binary: a device (reqwest, as a TV or a command-line tool would) asks at
//! `/device_authorization` and polls `/token`; a person types the user code at `/device`
//! in a cookie-keeping browser, signs in through the usual journey (the second factor
//! policy included) and approves or denies. ID tokens are checked by `openidconnect`.
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

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// A device: no browser, only HTTP to the provider.
struct Device {
    http: reqwest::Client,
    base: String,
    id: String,
    secret: Option<String>,
}

impl Device {
    fn new(idp: &Idp, reg: &Registered) -> Device {
        Device {
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: idp.base.clone(),
            id: reg.id.clone(),
            secret: reg.secret.clone(),
        }
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let mut form = form.to_vec();
        let mut request = self.http.post(format!("{}{path}", self.base));
        match &self.secret {
            Some(secret) => request = request.basic_auth(&self.id, Some(secret)),
            None => form.push(("client_id", &self.id)),
        }
        let response = request.form(&form).send().await.unwrap();
        let status = response.status();
        if status != StatusCode::NOT_FOUND {
            assert_eq!(response.headers()[CACHE_CONTROL], "no-store", "{path}");
        }
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// RFC 8628 §3.1; the answer must be a success.
    async fn start(&self, scope: &str) -> Value {
        let (status, body) = self
            .post("/device_authorization", &[("scope", scope)])
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn poll(&self, device_code: &str) -> (StatusCode, Value) {
        self.post(
            "/token",
            &[("grant_type", DEVICE_GRANT), ("device_code", device_code)],
        )
        .await
    }

    /// Polls once, expecting the OAuth error `code`.
    async fn poll_error(&self, device_code: &str, code: &str) {
        let (status, body) = self.poll(device_code).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"], code, "{body}");
        assert_error_description_charset(body["error_description"].as_str().unwrap());
    }
}

fn device_client(idp: &Idp, extra: &[&str]) -> Registered {
    let mut args = vec!["--grant", DEVICE_GRANT, "--grant", "refresh_token"];
    args.extend_from_slice(extra);
    idp.client("Living-room TV", &args)
}

/// The person's side: types the code on the verification page. The response.
async fn enter_code(browser: &Browser, code: &str) -> reqwest::Response {
    let page = browser.get("/device").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    browser
        .post(
            "/device",
            &[("csrf", &hidden(&html, "csrf")), ("user_code", code)],
        )
        .await
}

/// Types the code and follows the journey to the sign-in page.
async fn code_to_sign_in(browser: &Browser, code: &str) -> String {
    let response = enter_code(browser, code).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    browser
        .follow(browser.abs("/device"), response)
        .await
        .sign_in_page()
}

/// The confirmation page a step leads to.
fn confirm_page(step: Step) -> String {
    match step {
        Step::Page(StatusCode::OK, at, headers, html) if at.path() == "/device/confirm" => {
            assert_eq!(headers[CACHE_CONTROL], "no-store");
            html
        }
        other => panic!("expected the device confirmation page, got {other:?}"),
    }
}

/// Answers the confirmation page; the page shown after.
async fn answer(browser: &Browser, page: &str, decision: &str) -> String {
    let response = browser
        .post(
            "/device/confirm",
            &[
                ("csrf", &hidden(page, "csrf")),
                ("authz", &hidden(page, "authz")),
                ("decision", decision),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// The whole person's side: code, sign-in, confirmation answered with `decision`.
async fn approve(idp: &Idp, code: &str, decision: &str) -> String {
    let browser = idp.browser();
    let sign_in = code_to_sign_in(&browser, code).await;
    let page = confirm_page(browser.sign_in(&sign_in, EMAIL, PASSWORD).await);
    answer(&browser, &page, decision).await
}

fn id_token_claims(rp: &Rp, id_token: &str) -> CoreIdTokenClaims {
    let token = CoreIdToken::from_str(id_token).unwrap();
    let verifier = rp
        .client
        .id_token_verifier()
        .set_allowed_algs(vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]);
    token
        .claims(&verifier, |n: Option<&Nonce>| match n {
            None => Ok(()),
            Some(_) => Err("a device flow's ID token carries no nonce".to_owned()),
        })
        .unwrap_or_else(|e| panic!("ID token rejected: {e:?}"))
        .clone()
}

/// The code an authenticator app shows now.
fn totp_now(secret: &TotpSecret) -> String {
    let now = Timestamp::from_micros(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_micros(),
        )
        .unwrap(),
    );
    totp::code_at_step(secret, totp::step_at(now))
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

#[tokio::test]
async fn a_person_approves_on_the_verification_page_and_the_device_gets_tokens_once() {
    let idp = Idp::start_with(&[("IDP_DEVICE__INTERVAL_SECS", "1")]).await;
    let discovery: Value = reqwest::get(idp.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["device_authorization_endpoint"],
        idp.url("/device_authorization")
    );
    assert!(
        discovery["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&Value::from(DEVICE_GRANT))
    );

    // A confidential client (HTTP Basic), as a set-top box with a provisioned secret.
    let reg = device_client(&idp, &[]);
    assert!(reg.secret.is_some());
    let device = Device::new(&idp, &reg);
    let started = device.start("openid email").await;
    let user_code = started["user_code"].as_str().unwrap();
    let device_code = started["device_code"].as_str().unwrap();
    // RFC 8628 §6.1: XXXX-XXXX of unambiguous consonants.
    assert_eq!(user_code.len(), 9, "{started}");
    assert!(
        user_code.chars().enumerate().all(|(i, c)| if i == 4 {
            c == '-'
        } else {
            "BCDFGHJKLMNPQRSTVWXZ".contains(c)
        }),
        "{user_code}"
    );
    assert_eq!(started["verification_uri"], idp.url("/device"));
    let complete = Url::parse(started["verification_uri_complete"].as_str().unwrap()).unwrap();
    assert_eq!(complete.path(), "/device");
    assert_eq!(query(&complete)["user_code"], user_code);
    assert_eq!(started["expires_in"], 600);
    assert_eq!(started["interval"], 1);

    // Before the person answers: pending; polling again at once: slow down.
    device
        .poll_error(device_code, "authorization_pending")
        .await;
    device.poll_error(device_code, "slow_down").await;
    let slowed_at = Instant::now();

    // The person opens the complete link: the code is filled in, typed loosely it still
    // works; the page is accessible and keeps the code out of autofill.
    let browser = idp.browser();
    let page = browser.get(complete.as_str()).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()[CACHE_CONTROL], "no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("value=\"{user_code}\"")), "{html}");
    assert!(html.contains(r#"<label for="user_code">"#), "{html}");
    assert!(html.contains(r#"autocomplete="off""#), "{html}");
    let loose = format!(" {} ", user_code.to_lowercase().replace('-', " "));
    let response = browser
        .post(
            "/device",
            &[("csrf", &hidden(&html, "csrf")), ("user_code", &loose)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let sign_in = browser
        .follow(browser.abs("/device"), response)
        .await
        .sign_in_page();
    assert!(sign_in.contains("Living-room TV"), "{sign_in}");
    let page = confirm_page(browser.sign_in(&sign_in, EMAIL, PASSWORD).await);
    // Which application asks for what, before anything is granted.
    assert!(page.contains("Living-room TV"), "{page}");
    assert!(page.contains(EMAIL), "{page}");
    assert!(page.contains("email address"), "{page}");
    // Another browser without this session cannot answer for it.
    let stranger = idp.browser();
    stranger.sign_in_directly().await;
    let refused = stranger
        .get(&format!("/device/confirm?authz={}", hidden(&page, "authz")))
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    let done = answer(&browser, &page, "allow").await;
    assert!(done.contains("Device connected"), "{done}");

    // The interval grew by 5 s with the slow_down (1 + 5); waiting it out, the device
    // gets its tokens.
    tokio::time::sleep(Duration::from_millis(6_300).saturating_sub(slowed_at.elapsed())).await;
    let (status, tokens) = device.poll(device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "openid email");
    let rp = idp.rp(&reg).await;
    let claims = id_token_claims(&rp, tokens["id_token"].as_str().unwrap());
    assert_eq!(claims.subject().as_str(), idp.user_id);
    assert_eq!(claims.audiences()[0].as_str(), reg.id);
    let access = AccessToken::new(tokens["access_token"].as_str().unwrap().to_owned());
    let info = rp.userinfo(&access, claims.subject()).await;
    assert_eq!(info.email().unwrap().as_str(), EMAIL);
    assert!(rp.active(&access).await);
    // The refresh token works like any other.
    let refresh = RefreshToken::new(tokens["refresh_token"].as_str().unwrap().to_owned());
    let refreshed = rp.refresh(&refresh).await.unwrap();
    assert!(refreshed.id_token().is_some());

    // The device code works once.
    device.poll_error(device_code, "invalid_grant").await;
    // And the user code is spent.
    let again = enter_code(&idp.browser(), user_code).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_denial_reaches_the_device_as_access_denied_on_a_cluster_store() {
    let Some((idp, _db)) =
        Idp::on_postgres("device_denial", &[("IDP_DEVICE__INTERVAL_SECS", "1")]).await
    else {
        return;
    };
    // A public client: a command-line tool has no secret.
    let reg = device_client(&idp, &["--public"]);
    assert!(reg.secret.is_none());
    let device = Device::new(&idp, &reg);
    let started = device.start("openid").await;
    let device_code = started["device_code"].as_str().unwrap();
    let done = approve(&idp, started["user_code"].as_str().unwrap(), "deny").await;
    assert!(done.contains("Request denied"), "{done}");
    device.poll_error(device_code, "access_denied").await;
    // Denied is final.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    device.poll_error(device_code, "invalid_grant").await;
    // A device code made up, or another client's, is no grant.
    device.poll_error("made-up", "invalid_grant").await;
    let other = Device::new(&idp, &device_client(&idp, &["--public"]));
    let theirs = other.start("openid").await;
    device
        .poll_error(theirs["device_code"].as_str().unwrap(), "invalid_grant")
        .await;
}

#[tokio::test]
async fn an_expired_device_code_answers_expired_token() {
    let idp = Idp::start_with(&[
        ("IDP_DEVICE__INTERVAL_SECS", "1"),
        ("IDP_DEVICE__CODE_LIFETIME_SECS", "10"),
    ])
    .await;
    let reg = device_client(&idp, &["--public"]);
    let device = Device::new(&idp, &reg);
    let started = device.start("openid").await;
    assert_eq!(started["expires_in"], 10);
    let device_code = started["device_code"].as_str().unwrap();
    let browser = idp.browser();
    let sign_in = code_to_sign_in(&browser, started["user_code"].as_str().unwrap()).await;
    let page = confirm_page(browser.sign_in(&sign_in, EMAIL, PASSWORD).await);
    tokio::time::sleep(Duration::from_millis(10_500)).await;
    device.poll_error(device_code, "expired_token").await;
    // Approving too late changes nothing.
    let response = browser
        .post(
            "/device/confirm",
            &[
                ("csrf", &hidden(&page, "csrf")),
                ("authz", &hidden(&page, "authz")),
                ("decision", "allow"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("expired"));
    let late = enter_code(&idp.browser(), started["user_code"].as_str().unwrap()).await;
    assert_eq!(late.status(), StatusCode::BAD_REQUEST);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    device.poll_error(device_code, "expired_token").await;
}

#[tokio::test]
async fn wrong_user_codes_are_rate_limited_per_address() {
    let idp = Idp::start_with(&[
        ("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
        ("IDP_THROTTLE__USER_CODE_FAILURES_PER_ADDRESS", "3"),
        ("IDP_THROTTLE__USER_CODE_WINDOW_SECS", "86400"),
    ])
    .await;
    let reg = device_client(&idp, &["--public"]);
    let started = Device::new(&idp, &reg).start("openid").await;
    let right = started["user_code"].as_str().unwrap();
    let guesser = Browser::forwarded_for(&idp.base, "203.0.113.9");
    for (n, guess) in ["BCDF-GHJK", "not a code", "ZZZZ-ZZZZ"].iter().enumerate() {
        let r = enter_code(&guesser, guess).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "guess {n}");
        let html = r.text().await.unwrap();
        assert!(html.contains("role=\"alert\""), "{html}");
    }
    // Past the limit even the right code is not looked up.
    let r = enter_code(&guesser, right).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("Too many attempts"));
    // Another address is not held back.
    let person = Browser::forwarded_for(&idp.base, "203.0.113.10");
    let r = enter_code(&person, right).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let metrics = idp.browser().get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("idp_throttled_total{action=\"user_code\"} 1\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_client_without_the_grant_is_refused_and_a_disabled_grant_is_not_offered() {
    let idp = Idp::start().await;
    let web = idp.web_app();
    let device = Device::new(&idp, &web);
    let (status, body) = device
        .post("/device_authorization", &[("scope", "openid")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "unauthorized_client");
    device.poll_error("anything", "unauthorized_client").await;
    // Wrong credentials, or scopes not allowed, are refused before any code exists.
    let forged = Device {
        secret: Some("not the secret".into()),
        ..Device::new(&idp, &web)
    };
    let (status, body) = forged
        .post("/device_authorization", &[("scope", "openid")])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_client");
    let tv = Device::new(&idp, &device_client(&idp, &["--public"]));
    let (status, body) = tv
        .post("/device_authorization", &[("scope", "openid admin")])
        .await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &Value::from("invalid_scope"))
    );
    let (status, body) = tv.post("/token", &[("grant_type", DEVICE_GRANT)]).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &Value::from("invalid_request"))
    );

    let off = Idp::start_with(&[("IDP_DEVICE__ENABLED", "false")]).await;
    let discovery: Value = reqwest::get(off.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(discovery.get("device_authorization_endpoint").is_none());
    assert!(
        !discovery["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&Value::from(DEVICE_GRANT))
    );
    let tv = Device::new(&off, &device_client(&off, &["--public"]));
    let (status, _) = tv
        .post("/device_authorization", &[("scope", "openid")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    tv.poll_error("anything", "unsupported_grant_type").await;
    assert_eq!(
        off.browser().get("/device").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_second_factor_policy_is_asked_before_approval() {
    let idp = Idp::start_with(&[("IDP_DEVICE__INTERVAL_SECS", "1")]).await;
    idp.cli_text(&["org", "two-factor", "--org", "acme", "--scope", "everybody"]);
    let reg = device_client(&idp, &["--public"]);
    let device = Device::new(&idp, &reg);
    let started = device.start("openid").await;
    let device_code = started["device_code"].as_str().unwrap();
    let browser = idp.browser();
    let sign_in = code_to_sign_in(&browser, started["user_code"].as_str().unwrap()).await;
    let html = match browser.sign_in(&sign_in, EMAIL, PASSWORD).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/enrol" => html,
        other => panic!("expected the second factor's enrolment, got {other:?}"),
    };
    // The password alone approves nothing.
    device
        .poll_error(device_code, "authorization_pending")
        .await;
    let secret = TotpSecret::parse_base32(&element_text(&html, "secret")).unwrap();
    let ok = browser
        .post(
            "/login/enrol",
            &[
                ("csrf", &hidden(&html, "csrf")),
                ("code", &totp_now(&secret)),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let html = ok.text().await.unwrap();
    let next = attr(&html[html.find("id=\"continue\"").unwrap() - 40..], "href").unwrap();
    assert!(next.starts_with("/authorize/continue?authz="), "{next}");
    let page = confirm_page(browser.go(&next).await);
    let done = answer(&browser, &page, "allow").await;
    assert!(done.contains("Device connected"), "{done}");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (status, tokens) = device.poll(device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let claims = jwt_part(tokens["id_token"].as_str().unwrap(), 1);
    let amr: Vec<&str> = claims["amr"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(amr.contains(&"otp"), "{claims}");
    assert_eq!(claims["acr"], "urn:idp:acr:mfa", "{claims}");
}
