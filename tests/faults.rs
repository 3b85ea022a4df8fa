//! Fault tests: the real `idp` binary while the processes it depends on fail. Each test
//! starts its own PostgreSQL cluster or Redis (never the shared test backends) and
//! restarts them under it: the database restarted under load, Redis restarted (and so
//! emptied) or stopped for a while, `idp` itself restarted in embedded mode.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use reqwest::header::RETRY_AFTER;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use support::flow::*;
use support::processes::{PrivatePostgres, PrivateRedis};
use support::*;

/// How long idp may take to serve again once the database is back.
const RECOVERY: Duration = Duration::from_secs(5);

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// One request of the steady load.
#[derive(Clone, Debug)]
struct Sample {
    started: Instant,
    endpoint: &'static str,
    status: u16,
    retry_after: bool,
}

async fn userinfo_status(http: &reqwest::Client, base: &str, token: &str) -> reqwest::Response {
    http.get(format!("{base}/userinfo"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Userinfo and refresh requests, one after the other, until `stop`.
async fn steady_load(
    base: String,
    rp_id: String,
    rp_secret: String,
    access: String,
    mut refresh: String,
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<Sample>>>,
) {
    let http = http();
    while !stop.load(Ordering::SeqCst) {
        let started = Instant::now();
        let r = http
            .get(format!("{base}/userinfo"))
            .bearer_auth(&access)
            .send()
            .await;
        // A request that got no answer at all is recorded as status 0, and the load
        // goes on, so the assertions below name it with the server's log.
        let (status, retry_after) = match &r {
            Ok(r) => (r.status().as_u16(), r.headers().contains_key(RETRY_AFTER)),
            Err(e) => {
                eprintln!("userinfo got no answer: {e}");
                (0, false)
            }
        };
        samples.lock().unwrap().push(Sample {
            started,
            endpoint: "userinfo",
            status,
            retry_after,
        });
        let started = Instant::now();
        let r = http
            .post(format!("{base}/token"))
            .basic_auth(&rp_id, Some(&rp_secret))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
            .send()
            .await;
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                eprintln!("token endpoint got no answer: {e}");
                samples.lock().unwrap().push(Sample {
                    started,
                    endpoint: "token",
                    status: 0,
                    retry_after: false,
                });
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let status = r.status().as_u16();
        let retry_after = r.headers().contains_key(RETRY_AFTER);
        let body: Value = r.json().await.unwrap_or(Value::Null);
        if status == 200 {
            refresh = body["refresh_token"].as_str().unwrap().to_owned();
        } else if status != 503 {
            eprintln!("token endpoint answered {status}: {body}");
        }
        samples.lock().unwrap().push(Sample {
            started,
            endpoint: "token",
            status,
            retry_after,
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits (bounded) until the load has succeeded on both endpoints with requests started
/// after `back`; how long that took.
async fn recovered_after(samples: &Mutex<Vec<Sample>>, back: Instant) -> Duration {
    let deadline = back + Duration::from_secs(30);
    loop {
        let done = {
            let all = samples.lock().unwrap();
            let ok = |e: &str| {
                all.iter()
                    .filter(|s| s.endpoint == e && s.started >= back && s.status == 200)
                    .map(|s| s.started)
                    .min()
            };
            ok("userinfo").zip(ok("token")).map(|(a, b)| a.max(b))
        };
        if let Some(at) = done {
            return at.duration_since(back);
        }
        assert!(
            Instant::now() < deadline,
            "idp did not recover within 30 s of the database coming back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn ready(http: &reqwest::Client, base: &str) -> bool {
    http.get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status() == StatusCode::OK)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_recover_by_themselves_after_postgresql_restarts() {
    let test = "requests_recover_by_themselves_after_postgresql_restarts";
    let Some(pg) = PrivatePostgres::start(test) else {
        return;
    };
    let url = pg.url();
    let idp = Idp::start_with(&[
        ("IDP_DATABASE__URL", url.as_str()),
        ("IDP_DATABASE__ACQUIRE_TIMEOUT_MS", "1000"),
    ])
    .await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let browser = idp.browser();
    let tokens = rp
        .tokens(&browser, &rp.request(&["openid", "email"], &[]))
        .await;
    let stop = Arc::new(AtomicBool::new(false));
    let samples = Arc::new(Mutex::new(Vec::new()));
    let load = tokio::spawn(steady_load(
        idp.base.clone(),
        reg.id.clone(),
        reg.secret.clone().unwrap(),
        tokens.access_token().secret().clone(),
        tokens.refresh_token().unwrap().secret().clone(),
        stop.clone(),
        samples.clone(),
    ));
    let http = http();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // 1. The tester's case: a quick `pg_ctl restart -m fast` under load.
    let pg_restart = tokio::task::spawn_blocking(move || {
        pg.restart();
        (pg, Instant::now())
    });
    let (pg, back) = pg_restart.await.unwrap();
    let first = recovered_after(&samples, back).await;

    // 2. A longer outage, so that requests surely meet the database down.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pg = tokio::task::spawn_blocking(move || {
        pg.stop();
        pg
    })
    .await
    .unwrap();
    let down = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        !ready(&http, &idp.base).await,
        "/readyz says the database is down"
    );
    let live = http
        .get(format!("{}/healthz", idp.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        live.status(),
        StatusCode::OK,
        "a short outage must not fail liveness"
    );
    // A page a person reads answers a 503 page, not JSON and not a 500.
    let page = browser
        .http
        .get(browser.abs("/account"))
        .header(reqwest::header::ACCEPT, "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.headers().contains_key(RETRY_AFTER));
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.headers().contains_key("content-security-policy"));
    assert!(page.text().await.unwrap().contains("try again"));
    let (pg, back) = tokio::task::spawn_blocking(move || {
        pg.start_again();
        (pg, Instant::now())
    })
    .await
    .unwrap();
    let second = recovered_after(&samples, back).await;
    let ready_deadline = back + RECOVERY;
    while !ready(&http, &idp.base).await {
        assert!(
            Instant::now() < ready_deadline,
            "/readyz did not recover by itself within {RECOVERY:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let readyz_after = back.elapsed();
    // Keep the load running a little on the recovered database.
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::SeqCst);
    load.await.unwrap();
    let metrics = http
        .get(format!("{}/metrics", idp.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    drop(pg);

    let all = samples.lock().unwrap().clone();
    eprintln!(
        "recovery after pg_ctl restart: {first:?}; after a 3 s outage: {second:?}; /readyz ready {readyz_after:?} after; {} requests",
        all.len()
    );
    let unexpected: Vec<&Sample> = all
        .iter()
        .filter(|s| s.status != 200 && s.status != 503)
        .collect();
    assert!(
        unexpected.is_empty(),
        "only 200 or 503 expected: {unexpected:?}\n{}",
        idp.server.log()
    );
    let bare: Vec<&Sample> = all
        .iter()
        .filter(|s| s.status == 503 && !s.retry_after)
        .collect();
    assert!(bare.is_empty(), "503 without Retry-After: {bare:?}");
    assert!(
        all.iter()
            .any(|s| s.status == 503 && s.started >= down && s.started < back),
        "requests during the outage were answered 503"
    );
    assert!(first <= RECOVERY, "recovered after {first:?}");
    assert!(second <= RECOVERY, "recovered after {second:?}");
    let late_failures: Vec<&Sample> = all
        .iter()
        .filter(|s| s.started >= back + RECOVERY && s.status != 200)
        .collect();
    assert!(late_failures.is_empty(), "{late_failures:?}");
    let unavailable: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("idp_store_unavailable_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no idp_store_unavailable_total in\n{metrics}"));
    assert!(unavailable > 0, "{metrics}");
    assert!(
        idp.server.log().contains("database unavailable"),
        "a warning is logged"
    );
}

/// Tokens in three states: one access token revoked at /revoke, a grant revoked by
/// refresh-token reuse (two access tokens), and one left alone.
struct Revoked {
    revoked_access: String,
    reused_grant: Vec<String>,
    untouched: String,
}

async fn revoke_some(idp: &Idp, rp: &Rp) -> Revoked {
    let browser = idp.browser();
    let first = rp
        .tokens(&browser, &rp.request(&["openid", "email"], &[]))
        .await;
    rp.revoke(first.access_token()).await;

    let second = rp
        .tokens(&browser, &rp.request(&["openid", "email"], &[]))
        .await;
    let rt = second.refresh_token().unwrap();
    let rotated = rp.refresh(rt).await.unwrap();
    assert_eq!(error_code(rp.refresh(rt).await), "invalid_grant");

    let third = rp
        .tokens(&browser, &rp.request(&["openid", "email"], &[]))
        .await;
    Revoked {
        revoked_access: first.access_token().secret().clone(),
        reused_grant: vec![
            second.access_token().secret().clone(),
            rotated.access_token().secret().clone(),
        ],
        untouched: third.access_token().secret().clone(),
    }
}

/// Userinfo's status for `token`, waiting out 503s while a store reconnects.
async fn userinfo_settled(base: &str, token: &str) -> StatusCode {
    let http = http();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = userinfo_status(&http, base, token).await.status();
        if status != StatusCode::SERVICE_UNAVAILABLE || Instant::now() > deadline {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn introspected(rp: &Rp, token: &str) -> bool {
    rp.active(&AccessToken::new(token.to_owned())).await
}

/// What every test of forgotten state checks: the revoked stay revoked, the rest works.
async fn assert_still_revoked(base: &str, rp: &Rp, tokens: &Revoked) {
    for t in std::iter::once(&tokens.revoked_access).chain(&tokens.reused_grant) {
        assert_eq!(
            userinfo_settled(base, t).await,
            StatusCode::UNAUTHORIZED,
            "a revoked token works again"
        );
        assert!(
            !introspected(rp, t).await,
            "a revoked token is active again"
        );
    }
    assert_eq!(
        userinfo_settled(base, &tokens.untouched).await,
        StatusCode::OK,
        "an unrevoked token still works (same issuer and keys)"
    );
    assert!(introspected(rp, &tokens.untouched).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocations_survive_a_redis_restart() {
    let test = "revocations_survive_a_redis_restart";
    let Some(pg) = PrivatePostgres::start(test) else {
        return;
    };
    let Some(mut redis) = PrivateRedis::start(test) else {
        return;
    };
    let (pg_url, redis_url) = (pg.url(), redis.url());
    let idp = Idp::start_with(&[
        ("IDP_DATABASE__URL", pg_url.as_str()),
        ("IDP_REDIS__URL", redis_url.as_str()),
    ])
    .await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let tokens = revoke_some(&idp, &rp).await;
    assert_still_revoked(&idp.base, &rp, &tokens).await;

    redis.restart();
    assert_still_revoked(&idp.base, &rp, &tokens).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocations_survive_an_embedded_restart() {
    let idp = Idp::start().await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let tokens = revoke_some(&idp, &rp).await;
    assert_still_revoked(&idp.base, &rp, &tokens).await;

    let Idp {
        server,
        env,
        base,
        _dir: dir,
        ..
    } = idp;
    let port = server.port();
    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let server = Server::start_on(dir.path(), &env, port).await;
    assert_eq!(server.base, base);
    assert_still_revoked(&base, &rp, &tokens).await;
    drop(server);
}

/// A status, its `Retry-After`, its media type and body.
async fn answer(r: reqwest::Response) -> (StatusCode, bool, String, String) {
    let status = r.status();
    let retry_after = r.headers().contains_key(RETRY_AFTER);
    let media = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, retry_after, media, r.text().await.unwrap())
}

/// What README's table "When Redis is unreachable" says, checked: discovery, keys,
/// liveness and a signed-in member's own pages keep working from PostgreSQL; sign-in,
/// the token endpoint, userinfo and introspection answer 503 with `Retry-After` (a page
/// for people, `temporarily_unavailable` for clients); readiness says Redis is down; and
/// everything recovers by itself when Redis is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_redis_is_down_what_needs_it_answers_503_and_the_rest_works() {
    const ROOT_PASSWORD: &str = "quiet harbour lantern seven";
    let test = "while_redis_is_down_what_needs_it_answers_503_and_the_rest_works";
    let Some(pg) = backend_url("IDP_TEST_DATABASE_URL", test) else {
        return;
    };
    let Some(mut redis) = PrivateRedis::start(test) else {
        return;
    };
    let db = PgDatabase::create(&pg);
    let redis_url = redis.url();
    let idp = Idp::start_with(&[
        ("IDP_DATABASE__URL", db.url.as_str()),
        ("IDP_REDIS__URL", redis_url.as_str()),
    ])
    .await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let member = idp.browser();
    let tokens = rp
        .tokens(&member, &rp.request(&["openid", "email"], &[]))
        .await;
    let access = tokens.access_token().secret().clone();
    let refresh = tokens.refresh_token().unwrap().secret().clone();
    let revoked_meanwhile = rp
        .tokens(&member, &rp.request(&["openid"], &[]))
        .await
        .access_token()
        .secret()
        .clone();
    let http = http();
    let html = "text/html,application/xhtml+xml";
    idp.member(
        "acme",
        "root@example.com",
        ROOT_PASSWORD,
        &["--super-admin"],
    );
    let admin = idp.browser();
    let page = admin.go("/login").await.sign_in_page();
    admin
        .submit_sign_in(&page, "root@example.com", ROOT_PASSWORD)
        .await;
    let members = idp.cli(&["user", "list", "--org", "acme", "--json"]);
    let ada = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == EMAIL)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    redis.stop();
    let down = Instant::now();

    // From PostgreSQL and memory: discovery, keys, liveness, the member's account page.
    for path in ["/.well-known/openid-configuration", "/jwks", "/healthz"] {
        let r = http.get(idp.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let account = member
        .http
        .get(member.abs("/account"))
        .header(reqwest::header::ACCEPT, html)
        .send()
        .await
        .unwrap();
    assert_eq!(account.status(), StatusCode::OK, "/account");
    // A change kept in the database is saved and reported as saved: a second-factor reset
    // cannot drop a pending emailed code from Redis, which is useless once the reset is in.
    let reset = admin
        .http
        .post(admin.abs(&format!("/admin/api/members/{ada}/second-factor/reset")))
        .header("x-csrf-token", admin.cookie("idp_csrf").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::OK, "{:?}", reset.text().await);
    let (status, _, _, body) = answer(http.get(idp.url("/readyz")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("redis"), "{body}");

    // A sign-in cannot be counted against its limits: a 503 page, never a password check.
    let stranger = idp.browser();
    let page = stranger.go("/login").await.sign_in_page();
    let signing_in = stranger
        .http
        .post(stranger.abs("/login"))
        .header(reqwest::header::ACCEPT, html)
        .form(&[
            ("csrf", hidden(&page, "csrf").as_str()),
            ("authz", ""),
            ("email", EMAIL),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let (status, retry_after, media, body) = answer(signing_in).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(retry_after && media.starts_with("text/html"), "{media}");
    assert!(body.contains("try again"), "{body}");

    // A signed-in member's authorization cannot keep its code: a 503 page.
    let (status, retry_after, media, _) = answer(
        member
            .http
            .get(rp.request(&["openid"], &[]).url.clone())
            .header(reqwest::header::ACCEPT, html)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "/authorize");
    assert!(retry_after && media.starts_with("text/html"), "{media}");

    // Clients: JSON temporarily_unavailable with Retry-After.
    let (id, secret) = (reg.id.as_str(), reg.secret.clone().unwrap());
    let calls = [
        (
            "/token",
            http.post(idp.url("/token"))
                .basic_auth(id, Some(&secret))
                .form(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]),
        ),
        (
            "/introspect",
            http.post(idp.url("/introspect"))
                .basic_auth(id, Some(&secret))
                .form(&[("token", access.as_str())]),
        ),
        (
            "/revoke",
            http.post(idp.url("/revoke"))
                .basic_auth(id, Some(&secret))
                .form(&[("token", revoked_meanwhile.as_str())]),
        ),
        (
            "/userinfo",
            http.get(idp.url("/userinfo")).bearer_auth(&access),
        ),
    ];
    for (path, call) in calls {
        let (status, retry_after, media, body) = answer(call.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {body}");
        assert!(retry_after, "{path}");
        if path != "/userinfo" {
            assert!(media.starts_with("application/json"), "{path}: {media}");
            assert!(body.contains("temporarily_unavailable"), "{path}: {body}");
        }
    }
    let outage = down.elapsed();

    // Back, empty: readiness and every flow recover without a restart, and the token
    // revoked while Redis was down (recorded in the database first) stays revoked.
    redis.start_again();
    let back = Instant::now();
    while !ready(&http, &idp.base).await {
        assert!(
            back.elapsed() < RECOVERY,
            "/readyz did not recover within {RECOVERY:?}\n{}",
            idp.server.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ready_after = back.elapsed();
    let again = rp
        .tokens(&idp.browser(), &rp.request(&["openid"], &[]))
        .await;
    assert_eq!(
        userinfo_settled(&idp.base, again.access_token().secret()).await,
        StatusCode::OK
    );
    // The revocation refused with 503 changed nothing; the client's retry revokes.
    assert_eq!(
        userinfo_settled(&idp.base, &revoked_meanwhile).await,
        StatusCode::OK
    );
    rp.revoke(&AccessToken::new(revoked_meanwhile.clone()))
        .await;
    assert_eq!(
        userinfo_settled(&idp.base, &revoked_meanwhile).await,
        StatusCode::UNAUTHORIZED
    );
    assert!(rp.refresh(&RefreshToken::new(refresh)).await.is_ok());
    eprintln!("redis down for {outage:?}; /readyz ready {ready_after:?} after it came back");
    drop(db);
}
