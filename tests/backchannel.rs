//! End-to-end tests of OIDC Back-Channel Logout 1.0 and pairwise subject identifiers
//! with the real `idp` binary: a relying party's logout endpoint on loopback records
//! what it is sent, and each logout token is verified against the provider's JWKS.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::flow::*;
use support::smtp::SmtpServer;
use support::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio::sync::Mutex;

const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// Quick deliveries and retries, so the tests do not wait long.
const FAST: &[(&str, &str)] = &[
    ("IDP_BACKCHANNEL__POLL_MS", "100"),
    ("IDP_BACKCHANNEL__ATTEMPTS", "3"),
    ("IDP_BACKCHANNEL__BACKOFF_SECS", "1"),
    ("IDP_BACKCHANNEL__TIMEOUT_MS", "700"),
];

// ---------------------------------------------------------------------------------------
// A relying party's endpoint on loopback: records each request; answers GETs with a
// document (a sector identifier document), POSTs with 200, or never when told to hang.
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Received {
    method: String,
    path: String,
    content_type: String,
    body: String,
}

#[derive(Clone)]
struct Endpoint {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Endpoint {
    async fn start(document: Option<String>, hang: bool) -> Endpoint {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let log = log.clone();
                let document = document.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    let is_get = request.method == "GET";
                    log.lock().await.push(request);
                    if hang {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        return;
                    }
                    let body = if is_get {
                        document.unwrap_or_default()
                    } else {
                        String::new()
                    };
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Endpoint { url, received }
    }

    fn logout_uri(&self) -> String {
        format!("{}/backchannel-logout", self.url)
    }

    async fn posts(&self) -> Vec<Received> {
        self.received
            .lock()
            .await
            .iter()
            .filter(|r| r.method == "POST")
            .cloned()
            .collect()
    }

    /// Waits until `n` POSTs arrived (at most ten seconds); all of them.
    async fn wait_for_posts(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let posts = self.posts().await;
            if posts.len() >= n || Instant::now() > deadline {
                return posts;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let mut lines = head.lines();
    let first: Vec<&str> = lines.next()?.split(' ').collect();
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
    while data.len() < head_end + length {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    Some(Received {
        method: first[0].to_owned(),
        path: first[1].to_owned(),
        content_type: header("content-type"),
        body: String::from_utf8_lossy(&data[head_end..]).to_string(),
    })
}

// ---------------------------------------------------------------------------------------
// Logout tokens checked as a relying party must (Back-Channel Logout 1.0 §2.6).
// ---------------------------------------------------------------------------------------

/// The logout token of a POST, its signature verified against the provider's JWKS, its
/// claims checked; the claims.
async fn verified_logout_token(idp: &Idp, post: &Received, client_id: &str) -> Value {
    assert_eq!(post.path, "/backchannel-logout");
    assert!(
        post.content_type
            .starts_with("application/x-www-form-urlencoded"),
        "{}",
        post.content_type
    );
    let form: HashMap<String, String> = url::form_urlencoded::parse(post.body.as_bytes())
        .into_owned()
        .collect();
    let token = form.get("logout_token").expect("a logout_token parameter");
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.typ.as_deref(), Some("logout+jwt"), "§2.4 typ");
    let jwks: jsonwebtoken::jwk::JwkSet = reqwest::get(idp.url("/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwk = jwks
        .find(header.kid.as_deref().expect("a kid"))
        .expect("the signing key is published");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.set_audience(&[client_id]);
    validation.set_issuer(&[idp.base.as_str()]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud"]);
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .unwrap_or_else(|e| panic!("logout token rejected: {e:?}"))
        .claims;
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - iat).abs() < 60, "issued just now: {claims}");
    assert!(exp > iat && exp - iat <= 300, "short-lived: {claims}");
    assert!(
        claims["jti"].as_str().is_some_and(|j| j.len() >= 16),
        "{claims}"
    );
    assert_eq!(
        claims["events"][LOGOUT_EVENT],
        serde_json::json!({}),
        "{claims}"
    );
    assert!(claims.get("nonce").is_none(), "§2.4: never a nonce");
    claims
}

/// A first-party client (no consent page) with a post-logout URI and, when given, a
/// back-channel logout URI; `extra` are more `client create` flags.
fn app(idp: &Idp, name: &str, logout: Option<&str>, extra: &[&str]) -> Registered {
    let mut args = vec![
        "--redirect-uri",
        RP_CALLBACK,
        "--post-logout-redirect-uri",
        RP_LOGGED_OUT,
        "--first-party",
    ];
    if let Some(uri) = logout {
        args.extend(["--backchannel-logout-uri", uri]);
    }
    args.extend_from_slice(extra);
    idp.client(name, &args)
}

/// Ends, from `browser`'s account page, the other session whose row `pick` chooses.
async fn end_session_on_account_page(browser: &Browser, pick: impl Fn(&str) -> bool) {
    let html = browser.get("/account").await.text().await.unwrap();
    let row = html
        .split("<tr>")
        .filter(|r| r.contains(r#"name="session""#))
        .find(|r| pick(r))
        .expect("the session's row")
        .to_owned();
    let ended = browser
        .post(
            "/account/sessions/end",
            &[
                ("csrf", &hidden(&row, "csrf")),
                ("session", &hidden(&row, "session")),
            ],
        )
        .await;
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
}

/// Signs `browser` into `reg` (signing in first if needed); the ID token's claims and
/// the raw ID token.
async fn signed_into(idp: &Idp, browser: &Browser, reg: &Registered) -> (Value, String) {
    let rp = idp.rp(reg).await;
    let request = rp.request(&[], &[]);
    let tokens = rp.tokens(browser, &request).await;
    let raw = id_token_str(&tokens);
    // The harness's strict verification is for RS256 clients.
    if jwt_part(&raw, 0)["alg"] == "RS256" {
        rp.verify(&tokens, Some(&request.nonce));
    }
    (jwt_part(&raw, 1), raw)
}

async fn metric(idp: &Idp, outcome: &str) -> u64 {
    let text = reqwest::get(idp.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = format!("idp_backchannel_logout_total{{outcome=\"{outcome}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&line))
        .unwrap_or_else(|| panic!("no {line} in {text}"))
        .parse()
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// Back-channel logout.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn discovery_advertises_back_channel_logout_and_pairwise_subjects() {
    let idp = Idp::start().await;
    let doc: Value = reqwest::get(idp.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["backchannel_logout_supported"], true);
    assert_eq!(doc["backchannel_logout_session_supported"], true);
    assert_eq!(
        doc["subject_types_supported"],
        serde_json::json!(["public", "pairwise"])
    );
}

#[tokio::test]
async fn rp_initiated_logout_tells_every_client_the_session_signed_into() {
    let idp = Idp::start_with(FAST).await;
    let rp_one = Endpoint::start(None, false).await;
    let rp_two = Endpoint::start(None, false).await;
    let one = app(&idp, "One", Some(&rp_one.logout_uri()), &[]);
    let two = app(
        &idp,
        "Two",
        Some(&rp_two.logout_uri()),
        &[
            "--signing-alg",
            "ES256",
            "--backchannel-logout-session-required",
        ],
    );
    let silent = app(&idp, "Silent", None, &[]);
    let browser = idp.browser();
    let (id_one, raw_one) = signed_into(&idp, &browser, &one).await;
    let (id_two, _) = signed_into(&idp, &browser, &two).await;
    let (id_silent, _) = signed_into(&idp, &browser, &silent).await;
    // One browser session: one stable sid in every ID token.
    let sid = id_one["sid"].as_str().expect("a sid").to_owned();
    assert_eq!(id_two["sid"], sid.as_str());
    assert_eq!(id_silent["sid"], sid.as_str());
    // A second sign-in to the same client in the same session: still the same sid, and
    // the client is told once.
    let (again, _) = signed_into(&idp, &browser, &one).await;
    assert_eq!(again["sid"], sid.as_str());
    assert!(rp_one.posts().await.is_empty(), "nothing before the logout");

    let url = Url::parse_with_params(
        &idp.url("/end_session"),
        &[
            ("id_token_hint", raw_one.as_str()),
            ("post_logout_redirect_uri", RP_LOGGED_OUT),
        ],
    )
    .unwrap();
    let response = browser.get(url.as_str()).await;
    assert_eq!(response.status(), StatusCode::FOUND);

    for (endpoint, reg, id_token) in [(&rp_one, &one, &id_one), (&rp_two, &two, &id_two)] {
        let posts = endpoint.wait_for_posts(1).await;
        assert_eq!(posts.len(), 1, "one delivery per session and client");
        let claims = verified_logout_token(&idp, &posts[0], &reg.id).await;
        assert_eq!(claims["sid"], sid.as_str(), "the ID token's sid");
        assert_eq!(claims["sub"], id_token["sub"], "the ID token's sub");
        assert_eq!(claims["sub"], idp.user_id.as_str());
    }
    let header = jsonwebtoken::decode_header(
        url::form_urlencoded::parse(rp_two.posts().await[0].body.as_bytes())
            .find(|(k, _)| k == "logout_token")
            .unwrap()
            .1
            .as_ref(),
    )
    .unwrap();
    assert_eq!(
        header.alg,
        jsonwebtoken::Algorithm::ES256,
        "signed in the client's ID token algorithm"
    );
    // Nothing more arrives later (no duplicate, no retry of a delivered token).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(rp_one.posts().await.len(), 1);
    assert_eq!(rp_two.posts().await.len(), 1);
    assert!(metric(&idp, "delivered").await >= 2);
}

#[tokio::test]
async fn ending_a_session_on_the_account_page_tells_its_clients_only() {
    let idp = Idp::start_with(FAST).await;
    let endpoint = Endpoint::start(None, false).await;
    let reg = app(&idp, "Reports", Some(&endpoint.logout_uri()), &[]);
    let laptop = idp.browser();
    laptop.sign_in_directly().await;
    let desktop = Browser::new(&idp.base, CHROME_WINDOWS);
    let (desktop_id, _) = signed_into(&idp, &desktop, &reg).await;
    let (laptop_id, _) = signed_into(&idp, &laptop, &reg).await;
    assert_ne!(desktop_id["sid"], laptop_id["sid"], "a sid per session");

    end_session_on_account_page(&laptop, |row| row.contains("Chrome on Windows")).await;

    let posts = endpoint.wait_for_posts(1).await;
    assert_eq!(posts.len(), 1);
    let claims = verified_logout_token(&idp, &posts[0], &reg.id).await;
    assert_eq!(
        claims["sid"], desktop_id["sid"],
        "the ended session, not this one"
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        endpoint.posts().await.len(),
        1,
        "the laptop's session goes on"
    );
}

#[tokio::test]
async fn an_administrator_ending_sessions_and_deleting_a_member_tells_the_clients() {
    const ROOT: &str = "root@example.com";
    const ROOT_PASSWORD: &str = "a long passphrase for the console";
    let idp = Idp::start_with(FAST).await;
    idp.member("acme", ROOT, ROOT_PASSWORD, &["--super-admin"]);
    let endpoint = Endpoint::start(None, false).await;
    let reg = app(&idp, "Reports", Some(&endpoint.logout_uri()), &[]);
    let member = idp.browser();
    let (first, _) = signed_into(&idp, &member, &reg).await;

    let admin = idp.browser();
    let page = admin.go("/login").await.sign_in_page();
    admin.submit_sign_in(&page, ROOT, ROOT_PASSWORD).await;
    let member_page = format!("/admin/members/{}", idp.user_id);
    let html = admin.get(&member_page).await.text().await.unwrap();
    let ended = admin
        .post(
            &format!("{member_page}/action"),
            &[
                ("csrf", &hidden(&html, "csrf")),
                ("action", "end_all_sessions"),
            ],
        )
        .await;
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    let posts = endpoint.wait_for_posts(1).await;
    assert_eq!(posts.len(), 1);
    let claims = verified_logout_token(&idp, &posts[0], &reg.id).await;
    assert_eq!(claims["sid"], first["sid"]);
    assert_eq!(claims["sub"], idp.user_id.as_str());

    // Deleting the member ends their new session too, and the client hears of it even
    // though the member's rows are gone.
    let again = idp.browser();
    let (second, _) = signed_into(&idp, &again, &reg).await;
    let deleted = admin
        .http
        .delete(admin.abs(&format!("/admin/api/members/{}", idp.user_id)))
        .header("x-csrf-token", admin.cookie("idp_csrf").unwrap())
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let posts = endpoint.wait_for_posts(2).await;
    assert_eq!(posts.len(), 2);
    let claims = verified_logout_token(&idp, &posts[1], &reg.id).await;
    assert_eq!(claims["sid"], second["sid"]);
}

#[tokio::test]
async fn a_password_reset_tells_the_clients_of_every_session() {
    let Some(smtp) = SmtpServer::start("a_password_reset_tells_the_clients_of_every_session")
    else {
        return;
    };
    let port = smtp.port.to_string();
    let mut env = FAST.to_vec();
    env.extend([
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", &port),
    ]);
    let idp = Idp::start_with(&env).await;
    let endpoint = Endpoint::start(None, false).await;
    let reg = app(&idp, "Reports", Some(&endpoint.logout_uri()), &[]);
    let (one, _) = signed_into(&idp, &idp.browser(), &reg).await;
    let (two, _) = signed_into(&idp, &Browser::new(&idp.base, CHROME_WINDOWS), &reg).await;

    let b = idp.browser();
    let forgot = b.get("/forgot-password").await.text().await.unwrap();
    let r = b
        .post(
            "/forgot-password",
            &[("csrf", &hidden(&forgot, "csrf")), ("email", EMAIL)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let link = smtp.link_to("/reset-password?token=", 1, |_| true);
    let page = b.get(&link).await.text().await.unwrap();
    let new_password = "Analytical Engine 1843";
    let form = [
        ("csrf", hidden(&page, "csrf")),
        ("token", hidden(&page, "token")),
        ("password", new_password.to_owned()),
        ("confirm", new_password.to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        b.post("/reset-password", &form).await.status(),
        StatusCode::OK
    );

    let posts = endpoint.wait_for_posts(2).await;
    assert_eq!(posts.len(), 2, "one per session");
    let mut sids = Vec::new();
    for post in &posts {
        let claims = verified_logout_token(&idp, post, &reg.id).await;
        sids.push(claims["sid"].as_str().unwrap().to_owned());
    }
    sids.sort();
    let mut expected = vec![
        one["sid"].as_str().unwrap().to_owned(),
        two["sid"].as_str().unwrap().to_owned(),
    ];
    expected.sort();
    assert_eq!(sids, expected);
}

#[tokio::test]
async fn a_session_that_times_out_unattended_is_told_to_its_clients() {
    let mut env = FAST.to_vec();
    env.extend([
        ("IDP_SESSION__IDLE_TIMEOUT_SECS", "2"),
        ("IDP_BACKCHANNEL__SWEEP_SECS", "1"),
    ]);
    let idp = Idp::start_with(&env).await;
    let endpoint = Endpoint::start(None, false).await;
    let reg = app(&idp, "Reports", Some(&endpoint.logout_uri()), &[]);
    let (id_token, _) = signed_into(&idp, &idp.browser(), &reg).await;
    // Nobody comes back: the sweep ends the session and the client is told.
    let posts = endpoint.wait_for_posts(1).await;
    assert_eq!(posts.len(), 1, "the idle session's client is told");
    let claims = verified_logout_token(&idp, &posts[0], &reg.id).await;
    assert_eq!(claims["sid"], id_token["sid"]);
}

#[tokio::test]
async fn on_postgres_and_redis_deliveries_are_queued_and_leased_the_same_way() {
    let mut env = FAST.to_vec();
    env.extend([
        ("IDP_SESSION__IDLE_TIMEOUT_SECS", "3"),
        ("IDP_BACKCHANNEL__SWEEP_SECS", "1"),
    ]);
    let Some((idp, _db)) = Idp::on_postgres(
        "on_postgres_and_redis_deliveries_are_queued_and_leased_the_same_way",
        &env,
    )
    .await
    else {
        return;
    };
    let endpoint = Endpoint::start(None, false).await;
    let reg = app(&idp, "Reports", Some(&endpoint.logout_uri()), &[]);
    let browser = idp.browser();
    let (first, raw) = signed_into(&idp, &browser, &reg).await;
    let url = Url::parse_with_params(
        &idp.url("/end_session"),
        &[
            ("id_token_hint", raw.as_str()),
            ("post_logout_redirect_uri", RP_LOGGED_OUT),
        ],
    )
    .unwrap();
    assert_eq!(browser.get(url.as_str()).await.status(), StatusCode::FOUND);
    let posts = endpoint.wait_for_posts(1).await;
    assert_eq!(posts.len(), 1);
    let claims = verified_logout_token(&idp, &posts[0], &reg.id).await;
    assert_eq!(claims["sid"], first["sid"]);
    // A session left alone times out and is swept (PostgreSQL's arithmetic on the idle
    // timeout), and its client is told.
    let (second, _) = signed_into(&idp, &idp.browser(), &reg).await;
    let posts = endpoint.wait_for_posts(2).await;
    assert_eq!(posts.len(), 2);
    let claims = verified_logout_token(&idp, &posts[1], &reg.id).await;
    assert_eq!(claims["sid"], second["sid"]);
}

#[tokio::test]
async fn an_unreachable_endpoint_is_retried_a_bounded_number_of_times_and_delays_nothing() {
    let idp = Idp::start_with(FAST).await;
    let hanging = Endpoint::start(None, true).await;
    let reg = app(&idp, "Stuck", Some(&hanging.logout_uri()), &[]);
    let browser = idp.browser();
    let (_, raw) = signed_into(&idp, &browser, &reg).await;
    let url = Url::parse_with_params(
        &idp.url("/end_session"),
        &[
            ("id_token_hint", raw.as_str()),
            ("post_logout_redirect_uri", RP_LOGGED_OUT),
        ],
    )
    .unwrap();
    let started = Instant::now();
    let response = browser.get(url.as_str()).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "the logout answered in {:?}, without waiting for the client",
        started.elapsed()
    );
    // Three attempts (0.7 s timeout each, 1 s then 2 s apart), then it gives up.
    let deadline = Instant::now() + Duration::from_secs(15);
    while metric(&idp, "gave_up").await < 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(metric(&idp, "gave_up").await, 1);
    assert_eq!(metric(&idp, "retrying").await, 2);
    assert_eq!(metric(&idp, "delivered").await, 0);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        hanging.posts().await.len(),
        3,
        "bounded: three attempts, no more"
    );

    // The provider stays responsive meanwhile, and signing in again works.
    let (_, _) = signed_into(&idp, &idp.browser(), &reg).await;
}

#[tokio::test]
async fn back_channel_logout_uris_are_checked_at_registration() {
    let idp = Idp::start().await;
    for (uri, why) in [
        ("http://rp.example.com/logout", "plain http"),
        ("https://rp.example.com/logout#frag", "fragment"),
        ("/logout", "relative"),
    ] {
        let out = run(
            &idp.server.dir,
            &idp.env(),
            &[
                "client",
                "create",
                "--org",
                "acme",
                "--name",
                "Bad",
                "--redirect-uri",
                RP_CALLBACK,
                "--backchannel-logout-uri",
                uri,
                "--json",
            ],
        );
        assert!(!out.status.success(), "{why} accepted");
        assert!(
            stderr(&out).contains("backchannel_logout_uri"),
            "{}",
            stderr(&out)
        );
    }
    let reg = idp.client(
        "Good",
        &[
            "--redirect-uri",
            RP_CALLBACK,
            "--backchannel-logout-uri",
            "https://rp.example.com/logout",
        ],
    );
    let updated = idp.cli(&[
        "client",
        "update",
        "--id",
        &reg.id,
        "--no-backchannel-logout",
        "--json",
    ]);
    assert_eq!(updated["backchannel_logout_uri"], Value::Null);
}

#[tokio::test]
async fn the_console_registers_and_changes_the_logout_uri_and_subject_type() {
    const ROOT: &str = "root@example.com";
    const ROOT_PASSWORD: &str = "a long passphrase for the console";
    let idp = Idp::start().await;
    idp.member("acme", ROOT, ROOT_PASSWORD, &["--super-admin"]);
    let admin = idp.browser();
    let page = admin.go("/login").await.sign_in_page();
    admin.submit_sign_in(&page, ROOT, ROOT_PASSWORD).await;
    let form = admin.get("/admin/clients/new").await.text().await.unwrap();
    assert!(form.contains(r#"name="backchannel_logout_uri""#), "{form}");
    assert!(
        form.contains(r#"name="subject_type" value="pairwise""#),
        "{form}"
    );
    // The organization drop-down's first (only) choice.
    let select = form
        .split(r#"<select id="org" name="org">"#)
        .nth(1)
        .unwrap();
    let option = select.split("<option").nth(1).unwrap();
    let org_id = attr(
        &format!("<option{}", option.split('>').next().unwrap()),
        "value",
    )
    .expect("an organization to choose");
    let created = admin
        .post(
            "/admin/clients/new",
            &[
                ("csrf", &hidden(&form, "csrf")),
                ("action", "create"),
                ("org", &org_id),
                ("name", "Console app"),
                ("redirect_uris", "https://console-app.example.com/cb"),
                ("kind", "confidential"),
                ("authorization_code", "1"),
                ("signing_alg", "RS256"),
                (
                    "backchannel_logout_uri",
                    "https://console-app.example.com/logout",
                ),
                ("subject_type", "pairwise"),
            ],
        )
        .await;
    assert!(created.status().is_success() || created.status().is_redirection());
    let listed = idp.cli(&["client", "list", "--json"]);
    let app = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Console app")
        .unwrap_or_else(|| panic!("not created: {listed}"))
        .clone();
    assert_eq!(
        app["backchannel_logout_uri"],
        "https://console-app.example.com/logout"
    );
    assert_eq!(app["subject_type"], "pairwise");
    // The edit page shows them, and a bad URI is refused with nothing changed.
    let id = app["client_id"].as_str().unwrap();
    let edit = admin
        .get(&format!("/admin/clients/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        edit.contains("https://console-app.example.com/logout"),
        "{edit}"
    );
    let refused = admin
        .post(
            &format!("/admin/clients/{id}"),
            &[
                ("csrf", &hidden(&edit, "csrf")),
                ("action", "save"),
                ("name", "Console app"),
                ("redirect_uris", "https://console-app.example.com/cb"),
                ("kind", "confidential"),
                ("authorization_code", "1"),
                ("signing_alg", "RS256"),
                (
                    "backchannel_logout_uri",
                    "http://console-app.example.com/logout",
                ),
                ("subject_type", "pairwise"),
            ],
        )
        .await;
    let text = refused.text().await.unwrap();
    assert!(text.contains("backchannel_logout_uri"), "{text}");
    let listed = idp.cli(&["client", "list", "--json"]);
    let again = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Console app")
        .unwrap()
        .clone();
    assert_eq!(
        again["backchannel_logout_uri"],
        "https://console-app.example.com/logout"
    );
}

// ---------------------------------------------------------------------------------------
// Pairwise subject identifiers.
// ---------------------------------------------------------------------------------------

/// A first-party pairwise client redirected to `redirect`; `extra` more flags.
fn pairwise(idp: &Idp, name: &str, redirect: &str, extra: &[&str]) -> Registered {
    let mut args = vec![
        "--redirect-uri",
        redirect,
        "--first-party",
        "--subject-type",
        "pairwise",
    ];
    args.extend_from_slice(extra);
    idp.client(name, &args)
}

/// Signs `browser` into `reg` at `redirect`; the tokens, the ID token's `sub`, and the RP.
async fn pairwise_tokens(
    idp: &Idp,
    browser: &Browser,
    reg: &Registered,
    redirect: &str,
) -> (CoreTokenResponse, String, Rp) {
    let rp = idp.rp_at(reg, redirect).await;
    let request = rp.request(&["email"], &[]);
    let tokens = rp.tokens(browser, &request).await;
    let claims = rp.verify(&tokens, Some(&request.nonce));
    (tokens, claims.subject().to_string(), rp)
}

#[tokio::test]
async fn pairwise_subjects_differ_between_sectors_and_agree_within_one() {
    let idp = Idp::start_with(FAST).await;
    let a = "https://a.example.com/cb";
    let a_other = "https://a.example.com/other";
    let b = "https://b.example.com/cb";
    let endpoint = Endpoint::start(None, false).await;
    let one = pairwise(
        &idp,
        "A1",
        a,
        &["--backchannel-logout-uri", &endpoint.logout_uri()],
    );
    let two = pairwise(&idp, "A2", a_other, &[]);
    let three = pairwise(&idp, "B", b, &[]);
    let public = idp.first_party_app();
    let browser = idp.browser();
    let (tokens_one, sub_one, rp_one) = pairwise_tokens(&idp, &browser, &one, a).await;
    let (_, sub_two, _) = pairwise_tokens(&idp, &browser, &two, a_other).await;
    let (_, sub_three, _) = pairwise_tokens(&idp, &browser, &three, b).await;
    let (_, sub_public, _) = pairwise_tokens(&idp, &browser, &public, RP_CALLBACK).await;
    assert_eq!(
        sub_public, idp.user_id,
        "a public client sees the member id"
    );
    assert_ne!(sub_one, idp.user_id, "a pairwise sub is not the member id");
    assert_eq!(sub_one, sub_two, "one sector, one sub");
    assert_ne!(sub_one, sub_three, "another sector, another sub");
    assert_ne!(sub_three, idp.user_id);
    assert!(
        !jwt_part(tokens_one.access_token().secret(), 1)
            .to_string()
            .contains(&idp.user_id),
        "the access token does not reveal the member id"
    );
    // Stable: a later sign-in sees the same.
    let (_, later, _) = pairwise_tokens(&idp, &idp.browser(), &one, a).await;
    assert_eq!(later, sub_one);

    // UserInfo (the library checks its sub against the ID token's) and introspection
    // carry the pairwise sub; the member is still found.
    let info = rp_one
        .userinfo(
            tokens_one.access_token(),
            &SubjectIdentifier::new(sub_one.clone()),
        )
        .await;
    assert_eq!(info.subject().as_str(), sub_one);
    assert_eq!(
        info.email().map(|e| e.as_str().to_owned()),
        Some(EMAIL.to_owned())
    );
    let secret = one.secret.clone().unwrap();
    for token in [
        tokens_one.access_token().secret().clone(),
        tokens_one.refresh_token().unwrap().secret().clone(),
    ] {
        let introspected: Value = reqwest::Client::new()
            .post(idp.url("/introspect"))
            .basic_auth(&one.id, Some(&secret))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(introspected["active"], true, "{introspected}");
        assert_eq!(introspected["sub"], sub_one.as_str(), "{introspected}");
    }
    // A refreshed ID token keeps the pairwise sub.
    let refreshed = rp_one
        .refresh(tokens_one.refresh_token().unwrap())
        .await
        .unwrap();
    assert_eq!(
        jwt_part(&id_token_str(&refreshed), 1)["sub"],
        sub_one.as_str()
    );

    // The claims parameter names the member by the sub this client knows.
    let by_id = rp_one.request(
        &[],
        &[
            ("prompt", "none"),
            (
                "claims",
                &format!(r#"{{"id_token":{{"sub":{{"value":"{}"}}}}}}"#, idp.user_id),
            ),
        ],
    );
    let response = browser.go(&by_id.url).await.back();
    assert_error_redirect(
        &rp_one,
        &response,
        Some(by_id.state.secret()),
        "login_required",
    );
    let by_pairwise = rp_one.request(
        &[],
        &[
            ("prompt", "none"),
            (
                "claims",
                &format!(r#"{{"id_token":{{"sub":{{"value":"{sub_one}"}}}}}}"#),
            ),
        ],
    );
    rp_one.code(&browser.go(&by_pairwise.url).await.back(), &by_pairwise);

    // The logout token carries the pairwise sub too.
    let session_end = Url::parse_with_params(
        &idp.url("/end_session"),
        &[("id_token_hint", id_token_str(&tokens_one).as_str())],
    )
    .unwrap();
    let ended = browser.get(session_end.as_str()).await;
    assert_eq!(
        ended.status(),
        StatusCode::OK,
        "signed out without being asked"
    );
    let posts = endpoint.wait_for_posts(1).await;
    assert_eq!(posts.len(), 1);
    let claims = verified_logout_token(&idp, &posts[0], &one.id).await;
    assert_eq!(claims["sub"], sub_one.as_str());
}

// Multi-threaded: the command line runs blocking while the document is served here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sector_identifier_documents_are_read_and_checked_at_registration() {
    let idp = Idp::start().await;
    let c = "https://c.example.com/cb";
    let d = "https://d.example.com/cb";
    let good = Endpoint::start(Some(serde_json::json!([c, d]).to_string()), false).await;
    let partial = Endpoint::start(Some(serde_json::json!([c]).to_string()), false).await;
    let not_array = Endpoint::start(Some(r#"{"redirect_uris":[]}"#.into()), false).await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/sector.json", l.local_addr().unwrap())
    };
    let refused = |sector: String, expect: &'static str| {
        let out = run(
            &idp.server.dir,
            &idp.env(),
            &[
                "client",
                "create",
                "--org",
                "acme",
                "--name",
                "Sector",
                "--redirect-uri",
                c,
                "--redirect-uri",
                d,
                "--subject-type",
                "pairwise",
                "--sector-identifier-uri",
                &sector,
                "--json",
            ],
        );
        assert!(!out.status.success(), "{sector} accepted");
        assert!(stderr(&out).contains(expect), "{}", stderr(&out));
    };
    refused(
        format!("{}/sector.json", partial.url),
        "does not list the redirect URI https://d.example.com/cb",
    );
    refused(format!("{}/sector.json", not_array.url), "not a JSON array");
    refused(closed, "could not be read");
    refused("http://sector.example.com/s.json".into(), "https");
    // Two hosts without a sector document: refused, nothing to key on.
    let out = run(
        &idp.server.dir,
        &idp.env(),
        &[
            "client",
            "create",
            "--org",
            "acme",
            "--name",
            "Hosts",
            "--redirect-uri",
            c,
            "--redirect-uri",
            d,
            "--subject-type",
            "pairwise",
            "--json",
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("one host"), "{}", stderr(&out));

    // A document listing both: the clients on both hosts share the document's sector.
    let sector = format!("{}/sector.json", good.url);
    let both = pairwise(
        &idp,
        "C+D",
        c,
        &["--redirect-uri", d, "--sector-identifier-uri", &sector],
    );
    let only_d = pairwise(&idp, "D", d, &["--sector-identifier-uri", &sector]);
    let plain_c = pairwise(&idp, "C", c, &[]);
    assert!(
        good.received
            .lock()
            .await
            .iter()
            .any(|r| r.method == "GET" && r.path == "/sector.json")
    );
    let browser = idp.browser();
    let (_, sub_both, _) = pairwise_tokens(&idp, &browser, &both, c).await;
    let (_, sub_d, _) = pairwise_tokens(&idp, &browser, &only_d, d).await;
    let (_, sub_c, _) = pairwise_tokens(&idp, &browser, &plain_c, c).await;
    assert_eq!(sub_both, sub_d, "one sector document, one sector");
    assert_ne!(
        sub_both, sub_c,
        "the document's host is another sector than c's"
    );
}

#[tokio::test]
async fn a_device_approved_in_a_session_is_told_when_that_session_ends() {
    const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
    let idp = Idp::start_with(FAST).await;
    let endpoint = Endpoint::start(None, false).await;
    let reg = app(
        &idp,
        "Living-room TV",
        Some(&endpoint.logout_uri()),
        &["--grant", DEVICE_GRANT],
    );
    let http = reqwest::Client::new();
    let started: Value = http
        .post(idp.url("/device_authorization"))
        .basic_auth(&reg.id, reg.secret.as_deref())
        .form(&[("scope", "openid")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user_code = started["user_code"].as_str().expect("a user code");

    // The person, already signed in on the laptop, types the code and approves.
    let laptop = idp.browser();
    laptop.sign_in_directly().await;
    let html = laptop.get("/device").await.text().await.unwrap();
    let entered = laptop
        .post(
            "/device",
            &[("csrf", &hidden(&html, "csrf")), ("user_code", user_code)],
        )
        .await;
    assert_eq!(entered.status(), StatusCode::SEE_OTHER);
    let confirm = match laptop.follow(laptop.abs("/device"), entered).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/device/confirm" => html,
        other => panic!("expected the device confirmation page, got {other:?}"),
    };
    let answered = laptop
        .post(
            "/device/confirm",
            &[
                ("csrf", &hidden(&confirm, "csrf")),
                ("authz", &hidden(&confirm, "authz")),
                ("decision", "allow"),
            ],
        )
        .await;
    assert_eq!(answered.status(), StatusCode::OK);
    assert!(endpoint.posts().await.is_empty(), "nothing before the end");

    // The laptop's session is ended from another device's account page.
    let desktop = Browser::new(&idp.base, CHROME_WINDOWS);
    desktop.sign_in_directly().await;
    end_session_on_account_page(&desktop, |row| !row.contains("Chrome on Windows")).await;

    let posts = endpoint.wait_for_posts(1).await;
    assert_eq!(posts.len(), 1, "the device's client is told once");
    let claims = verified_logout_token(&idp, &posts[0], &reg.id).await;
    assert_eq!(claims["sub"], idp.user_id.as_str());
}
