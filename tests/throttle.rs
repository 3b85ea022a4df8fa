//! Surviving floods and probes: rate limits per address and account answered 429 with
//! Retry-After (sign-in, client authentication, forgot-password), the same answer for
//! known and unknown addresses, and the security headers on every kind of answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::flow::*;
use support::{Server, within};

/// Windows of a day, so no window ends in the middle of a test.
const DAY: &str = "86400";

fn retry_after(headers: &reqwest::header::HeaderMap) -> u64 {
    headers
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn metrics(idp: &Idp) -> String {
    idp.browser().get("/metrics").await.text().await.unwrap()
}

#[tokio::test]
async fn one_address_over_its_limit_does_not_stop_another() {
    let idp = Idp::start_with(&[
        ("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
        ("IDP_THROTTLE__SIGN_IN_PER_ADDRESS", "3"),
        ("IDP_THROTTLE__SIGN_IN_WINDOW_SECS", DAY),
    ])
    .await;
    let flood = Browser::forwarded_for(&idp.base, "203.0.113.5");
    let page = flood.go("/login").await.sign_in_page();
    for n in 1..=3 {
        let r = flood.submit_sign_in(&page, EMAIL, "wrong password").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    // Over the limit, even the right password is not checked.
    let r = flood.submit_sign_in(&page, EMAIL, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(r.headers());
    assert!((1..=86400).contains(&wait), "{wait}");
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains("Too many attempts"), "{html}");
    assert!(
        html.contains(r#"autocomplete="current-password""#),
        "the sign-in form comes back as the way forward: {html}"
    );

    // Another address signs in to the same account.
    let other = Browser::forwarded_for(&idp.base, "203.0.113.6");
    let page = other.go("/login").await.sign_in_page();
    let r = other.submit_sign_in(&page, EMAIL, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/account");

    assert!(
        metrics(&idp)
            .await
            .contains("idp_throttled_total{action=\"sign_in\"} 1\n")
    );
    assert!(idp.server.log().contains("throttled"));
}

#[tokio::test]
async fn an_account_is_limited_across_addresses() {
    let idp = Idp::start_with(&[
        ("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
        ("IDP_THROTTLE__SIGN_IN_PER_ACCOUNT", "2"),
        ("IDP_THROTTLE__SIGN_IN_WINDOW_SECS", DAY),
    ])
    .await;
    for (n, address) in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
        .into_iter()
        .enumerate()
    {
        let b = Browser::forwarded_for(&idp.base, address);
        let page = b.go("/login").await.sign_in_page();
        // Case and spaces do not make another account.
        let typed = if n == 1 { " ADA@example.com" } else { EMAIL };
        let r = b.submit_sign_in(&page, typed, "wrong password").await;
        let expected = if n < 2 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(r.status(), expected, "from {address}");
    }
}

#[tokio::test]
async fn failed_client_authentication_is_throttled() {
    let idp = Idp::start_with(&[
        ("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
        ("IDP_THROTTLE__CLIENT_AUTH_FAILURES_PER_ADDRESS", "3"),
        ("IDP_THROTTLE__CLIENT_AUTH_WINDOW_SECS", DAY),
    ])
    .await;
    let reg = idp.web_app();
    let secret = reg.secret.clone().unwrap();
    let http = reqwest::Client::new();
    let post = |path: &'static str, address: &'static str, secret: String| {
        let http = http.clone();
        let url = format!("{}{path}", idp.base);
        let id = reg.id.clone();
        async move {
            let r = http
                .post(url)
                .header("x-forwarded-for", address)
                .basic_auth(id, Some(secret))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", "no-such-code"),
                    ("token", "no-such-token"),
                ])
                .send()
                .await
                .unwrap();
            let status = r.status();
            let headers = r.headers().clone();
            let body: Value = r.json().await.unwrap();
            (status, headers, body)
        }
    };
    // Right secrets are never counted.
    for _ in 0..5 {
        let (status, _, body) = post("/token", "192.0.2.50", secret.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "invalid_grant");
    }
    for n in 1..=3 {
        let (status, _, body) = post("/token", "192.0.2.50", "wrong".into()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {n}");
        assert_eq!(body["error"], "invalid_client");
    }
    // Then that address is refused before its credentials are read, right or wrong,
    // with an OAuth error body, at every endpoint that authenticates clients.
    for path in ["/token", "/introspect", "/revoke"] {
        let (status, headers, body) = post(path, "192.0.2.50", secret.clone()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert!(retry_after(&headers) >= 1);
        assert_eq!(headers[CACHE_CONTROL], "no-store");
        assert_eq!(body["error"], "temporarily_unavailable", "{path}");
        assert!(body["error_description"].is_string());
    }
    // Another address, the same client, is served.
    let (status, _, body) = post("/token", "192.0.2.51", secret.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        metrics(&idp)
            .await
            .contains("idp_throttled_total{action=\"client_auth\"} 3\n")
    );
}

/// Everything in an answer but its date.
async fn answer(r: reqwest::Response) -> (StatusCode, Vec<(String, String)>, String) {
    let status = r.status();
    let mut headers: Vec<(String, String)> = r
        .headers()
        .iter()
        .filter(|(k, _)| k.as_str() != "date")
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (status, headers, r.text().await.unwrap())
}

fn outbox_files(idp: &Idp) -> usize {
    std::fs::read_dir(idp.server.dir.join("data/outbox"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn forgot_password_answers_the_same_for_known_and_unknown_addresses() {
    let idp = Idp::start_with(&[
        ("IDP_THROTTLE__PASSWORD_RESET_PER_ACCOUNT", "2"),
        ("IDP_THROTTLE__PASSWORD_RESET_WINDOW_SECS", DAY),
    ])
    .await;
    let b = idp.browser();
    let page = b.get("/forgot-password").await.text().await.unwrap();
    let csrf = hidden(&page, "csrf");
    let ask = |email: &'static str| {
        let csrf = csrf.clone();
        let b = &b;
        async move {
            answer(
                b.post("/forgot-password", &[("csrf", &csrf), ("email", email)])
                    .await,
            )
            .await
        }
    };
    let known = ask(EMAIL).await;
    let unknown = ask("nobody@example.com").await;
    assert_eq!(known.0, StatusCode::SEE_OTHER);
    assert_eq!(known, unknown, "status, headers and body");

    // The link still goes out, after the answer.
    let deadline = Instant::now() + Duration::from_secs(10);
    while outbox_files(&idp) < 1 {
        assert!(Instant::now() < deadline, "no reset mail");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Over the per-address-typed limit, known or not, the same refusal.
    ask(EMAIL).await;
    ask("nobody@example.com").await;
    let known = ask(EMAIL).await;
    let unknown = ask("nobody@example.com").await;
    assert_eq!(known.0, StatusCode::TOO_MANY_REQUESTS);
    assert!(known.2.contains("Too many attempts"), "{}", known.2);
    assert_eq!(known, unknown);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(outbox_files(&idp), 2, "one link per allowed request");
}

const SECURITY_HEADERS: [(&str, &str); 3] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
];

fn assert_security_headers(what: &str, headers: &reqwest::header::HeaderMap, hsts: Option<&str>) {
    for (name, value) in SECURITY_HEADERS {
        assert_eq!(
            headers.get(name).map(|v| v.to_str().unwrap()),
            Some(value),
            "{what}: {name}"
        );
    }
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert_eq!(
        headers
            .get("strict-transport-security")
            .map(|v| v.to_str().unwrap()),
        hsts,
        "{what}"
    );
}

#[tokio::test]
async fn security_headers_on_every_kind_of_answer() {
    let idp = Idp::start().await;
    let reg = idp.web_app();
    let rp = idp.rp(&reg).await;
    let b = idp.browser();
    let request = rp.request(&["openid"], &[]);
    let login = b.go(&request.url).await.sign_in_page();
    let consent = b.sign_in(&login, EMAIL, PASSWORD).await.consent_page();
    let consent_url = format!("/consent?authz={}", hidden(&consent, "authz"));
    let http = reqwest::Client::new();
    let answers = [
        ("sign-in page", b.get("/login").await),
        ("consent page", b.get(&consent_url).await),
        ("account page", b.get("/account").await),
        (
            "error page",
            b.get("/authorize?client_id=nobody&response_type=code")
                .await,
        ),
        ("not found", b.get("/no-such-page").await),
        (
            "token error",
            http.post(format!("{}/token", idp.base))
                .form(&[("grant_type", "password")])
                .send()
                .await
                .unwrap(),
        ),
        (
            "userinfo error",
            http.get(format!("{}/userinfo", idp.base))
                .send()
                .await
                .unwrap(),
        ),
        (
            "discovery",
            b.get("/.well-known/openid-configuration").await,
        ),
        ("health", b.get("/healthz").await),
    ];
    for (what, r) in &answers {
        assert_security_headers(what, r.headers(), None);
    }
    let statuses: Vec<u16> = answers.iter().map(|(_, r)| r.status().as_u16()).collect();
    assert_eq!(statuses, [200, 200, 200, 400, 404, 401, 401, 200, 200]);
}

#[tokio::test]
async fn hsts_only_on_https_issuers() {
    let answers = |base: String| async move {
        let http = reqwest::Client::new();
        let mut out = Vec::new();
        for path in [
            "/login",
            "/authorize?client_id=nobody",
            "/healthz",
            "/nowhere",
        ] {
            let r = http.get(format!("{base}{path}")).send().await.unwrap();
            out.push((path, r.headers().clone()));
        }
        let r = http
            .post(format!("{base}/token"))
            .form(&[("grant_type", "password")])
            .send()
            .await
            .unwrap();
        out.push(("/token", r.headers().clone()));
        out
    };
    for (env, expected) in [
        (
            vec![("IDP_SERVER__ISSUER", "https://id.example.test")],
            Some("max-age=31536000"),
        ),
        (
            vec![
                ("IDP_SERVER__ISSUER", "https://id.example.test"),
                ("IDP_SECURITY__HSTS_MAX_AGE_SECS", "600"),
                ("IDP_SECURITY__HSTS_INCLUDE_SUBDOMAINS", "true"),
            ],
            Some("max-age=600; includeSubDomains"),
        ),
        (
            vec![
                ("IDP_SERVER__ISSUER", "https://id.example.test"),
                ("IDP_SECURITY__HSTS_MAX_AGE_SECS", "0"),
            ],
            None,
        ),
        (vec![], None),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start(dir.path(), &env).await;
        for (path, headers) in answers(server.base.clone()).await {
            assert_security_headers(&format!("{env:?} {path}"), &headers, expected);
        }
    }
}

/// With Redis, limits hold across every node of a deployment, not per process.
#[tokio::test]
async fn limits_are_shared_by_every_node_on_redis() {
    let Some(redis) = support::backend_url(
        "IDP_TEST_REDIS_URL",
        "limits_are_shared_by_every_node_on_redis",
    ) else {
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let prefix = format!("idp-throttle-{nanos:x}");
    let env = [
        ("IDP_REDIS__URL", redis.as_str()),
        ("IDP_REDIS__KEY_PREFIX", prefix.as_str()),
        ("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
        ("IDP_THROTTLE__SIGN_IN_PER_ADDRESS", "2"),
        ("IDP_THROTTLE__SIGN_IN_WINDOW_SECS", DAY),
    ];
    let first = Idp::start_with(&env).await;
    let dir = tempfile::tempdir().unwrap();
    let second = Server::start(dir.path(), &env).await;
    let on_first = Browser::forwarded_for(&first.base, "192.0.2.77");
    let page = on_first.go("/login").await.sign_in_page();
    for _ in 0..2 {
        let r = on_first
            .submit_sign_in(&page, EMAIL, "wrong password")
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let on_second = Browser::forwarded_for(&second.base, "192.0.2.77");
    let page = on_second.go("/login").await.sign_in_page();
    let r = on_second.submit_sign_in(&page, EMAIL, PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "counted on the first node"
    );
}

/// Client authentication failures are checked on every token request, so a node that has
/// heard every node's notices for a whole window decides them without Redis: a block set
/// through another node must still reach it at once, through the notice.
#[tokio::test]
async fn a_client_address_blocked_through_one_node_is_refused_by_another_at_once() {
    const WINDOW: u64 = 3;
    let window = WINDOW.to_string();
    let Some((idp, _db)) = Idp::on_postgres(
        "a_client_address_blocked_through_one_node_is_refused_by_another_at_once",
        &[
            ("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
            ("IDP_THROTTLE__CLIENT_AUTH_FAILURES_PER_ADDRESS", "2"),
            ("IDP_THROTTLE__CLIENT_AUTH_WINDOW_SECS", window.as_str()),
        ],
    )
    .await
    else {
        return;
    };
    let other = Server::start(&idp.server.dir, &idp.env()).await;
    let reg = idp.web_app();
    let secret = reg.secret.clone().unwrap();
    let http = reqwest::Client::new();
    let token = |base: String, address: String, secret: String| {
        let (http, id) = (http.clone(), reg.id.clone());
        async move {
            http.post(format!("{base}/token"))
                .header("x-forwarded-for", address)
                .basic_auth(id, Some(secret))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", "no-such-code"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Past a whole window of listening, the other node trusts what it heard.
    tokio::time::sleep(Duration::from_secs(WINDOW) + Duration::from_millis(500)).await;
    let mut shown = false;
    for attempt in 0..3 {
        // From the start of a window, so that the failures and the check share one.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        let into = Duration::from_millis(u64::try_from(now.as_millis()).unwrap() % (WINDOW * 1000));
        tokio::time::sleep(Duration::from_secs(WINDOW) - into + Duration::from_millis(50)).await;
        let address = format!("192.0.2.{}", 120 + attempt);
        assert_eq!(
            token(other.base.clone(), address.clone(), secret.clone()).await,
            StatusCode::BAD_REQUEST,
            "a right secret is served before"
        );
        for n in 1..=2 {
            let status = token(idp.base.clone(), address.clone(), "wrong".into()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {n}");
        }
        if token(idp.base.clone(), address.clone(), secret.clone()).await
            != StatusCode::TOO_MANY_REQUESTS
        {
            continue; // the window turned between the failures
        }
        shown = within(Duration::from_millis(500), || {
            let status = token(other.base.clone(), address.clone(), secret.clone());
            async move { status.await == StatusCode::TOO_MANY_REQUESTS }
        })
        .await;
        if shown {
            break;
        }
    }
    assert!(shown, "the other node did not refuse the blocked address");
}

/// One series of a node's `/metrics` scrape; 0 when it is absent.
async fn series(base: &str, name: &str) -> f64 {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// A node that starts while a client address is blocked reads the blocks alive once it
/// hears the notices: it refuses that address at once and decides every client
/// authentication without a Redis round trip from then on, not only after a window.
#[tokio::test]
async fn a_node_started_after_a_block_reads_it_and_decides_without_redis() {
    let Some((idp, _db)) = Idp::on_postgres(
        "a_node_started_after_a_block_reads_it_and_decides_without_redis",
        &[
            ("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
            ("IDP_THROTTLE__CLIENT_AUTH_FAILURES_PER_ADDRESS", "2"),
            ("IDP_THROTTLE__CLIENT_AUTH_WINDOW_SECS", DAY),
        ],
    )
    .await
    else {
        return;
    };
    let reg = idp.web_app();
    let secret = reg.secret.clone().unwrap();
    let http = reqwest::Client::new();
    let token = |base: &str, address: &str, secret: &str| {
        http.post(format!("{base}/token"))
            .header("x-forwarded-for", address)
            .basic_auth(&reg.id, Some(secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", "no-such-code"),
            ])
            .send()
    };
    let status = |r: reqwest::Result<reqwest::Response>| r.unwrap().status();
    let blocked = "192.0.2.140";
    for n in 1..=2 {
        let r = status(token(&idp.base, blocked, "wrong").await);
        assert_eq!(r, StatusCode::UNAUTHORIZED, "failure {n}");
    }
    let r = status(token(&idp.base, blocked, &secret).await);
    assert_eq!(r, StatusCode::TOO_MANY_REQUESTS);

    let other = Server::start(&idp.server.dir, &idp.env()).await;
    let read = r#"idp_redis_command_duration_seconds_count{command="alive_under"}"#;
    let asked = r#"idp_redis_command_duration_seconds_count{command="exists_each"}"#;
    let caught_up = within(Duration::from_secs(10), || async {
        series(&other.base, read).await >= 1.0
    })
    .await;
    assert!(caught_up, "the new node never read the blocks");
    // The read is counted just before its blocks are applied.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = series(&other.base, asked).await;
    let r = status(token(&other.base, blocked, &secret).await);
    assert_eq!(
        r,
        StatusCode::TOO_MANY_REQUESTS,
        "the block set before it started"
    );
    let r = status(token(&other.base, "192.0.2.141", &secret).await);
    assert_eq!(r, StatusCode::BAD_REQUEST, "another address is served");
    assert_eq!(
        series(&other.base, asked).await,
        before,
        "decided without asking Redis"
    );
}
