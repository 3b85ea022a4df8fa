//! Redis high availability: `idp` on PostgreSQL with `redis.url` naming three sentinels
//! that watch a master and its replica. The master is killed under it, or demoted by
//! `SENTINEL FAILOVER` while alive; the sentinels promote the replica and `idp`
//! follows, without a restart: sign-in, code exchange, revocation, throttles and the
//! notices between nodes work again within seconds, and a revocation made before the
//! failover still holds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::flow::*;
use support::processes::RedisWithSentinels;
use support::*;

/// How long the sentinels (one second to call the master down) and `idp` together may
/// take to serve again.
const RECOVERY: Duration = Duration::from_secs(15);

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A browser from an address of its own (the per-address limit is tight here).
fn browser_from(idp: &Idp, n: u32) -> Browser {
    Browser::forwarded_for(&idp.base, &format!("198.51.{}.{}", n / 250, n % 250 + 1))
}

/// The member's sign-in's status: 303 signed in, 503 while Redis cannot count it.
async fn sign_in_status(idp: &Idp, n: u32) -> StatusCode {
    let b = browser_from(idp, n);
    let login = b.get("/login").await;
    if login.status() != StatusCode::OK {
        return login.status();
    }
    let page = login.text().await.unwrap();
    b.submit_sign_in(&page, EMAIL, PASSWORD).await.status()
}

/// Three sign-ins from one address against a limit of two: the third is refused.
async fn assert_throttled(idp: &Idp, n: u32) {
    let b = browser_from(idp, n);
    let page = b.go("/login").await.sign_in_page();
    for expected in [
        StatusCode::UNAUTHORIZED,
        StatusCode::UNAUTHORIZED,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let r = b.submit_sign_in(&page, EMAIL, "wrong password").await;
        assert_eq!(r.status(), expected);
    }
}

async fn userinfo(base: &str, token: &str) -> StatusCode {
    http()
        .get(format!("{base}/userinfo"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

/// The status `/authorize` answers for a code request of `client_id`.
async fn authorize_status(base: &str, client_id: &str) -> StatusCode {
    let url = authorize_url(
        base,
        &[
            ("client_id", client_id),
            ("redirect_uri", RP_CALLBACK),
            ("response_type", "code"),
            ("scope", "openid"),
            ("state", "s"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
        ],
    );
    http().get(url).send().await.unwrap().status()
}

/// How the master goes.
#[derive(Clone, Copy, Debug)]
enum Failover {
    /// SIGKILL: the sentinels notice after a second and promote the replica.
    Killed,
    /// `SENTINEL FAILOVER`: the master is demoted while alive and answers `READONLY`.
    Demoted,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idp_follows_a_sentinel_failover_when_the_master_dies() {
    follows_a_failover(
        "idp_follows_a_sentinel_failover_when_the_master_dies",
        Failover::Killed,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idp_follows_a_sentinel_failover_when_the_master_is_demoted() {
    follows_a_failover(
        "idp_follows_a_sentinel_failover_when_the_master_is_demoted",
        Failover::Demoted,
    )
    .await;
}

async fn follows_a_failover(test: &'static str, failover: Failover) {
    let Some(pg) = backend_url("IDP_TEST_DATABASE_URL", test) else {
        return;
    };
    let Some(mut redis) = tokio::task::spawn_blocking(move || RedisWithSentinels::start(test))
        .await
        .unwrap()
    else {
        return;
    };
    let db = PgDatabase::create(&pg);
    let url = redis.url();
    let idp = Idp::start_with(&[
        ("IDP_DATABASE__URL", db.url.as_str()),
        ("IDP_REDIS__URL", url.as_str()),
        ("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
        ("IDP_THROTTLE__SIGN_IN_PER_ADDRESS", "2"),
        ("IDP_THROTTLE__SIGN_IN_PER_ACCOUNT", "1000"),
        ("IDP_THROTTLE__SIGN_IN_WINDOW_SECS", "86400"),
        ("IDP_KEYS__RELOAD_SECS", "3600"),
    ])
    .await;
    let reg = idp.first_party_app();
    let rp = idp.rp(&reg).await;
    let mut address = 0;
    let mut next = || {
        address += 1;
        address
    };

    // Before: a sign-in and code exchange, a revocation, a throttle.
    let revoked = rp
        .tokens(&browser_from(&idp, next()), &rp.request(&["openid"], &[]))
        .await;
    rp.revoke(revoked.access_token()).await;
    let kept = rp
        .tokens(&browser_from(&idp, next()), &rp.request(&["openid"], &[]))
        .await;
    let (revoked, kept) = (
        revoked.access_token().secret().clone(),
        kept.access_token().secret().clone(),
    );
    assert_eq!(
        userinfo(&idp.base, &revoked).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(userinfo(&idp.base, &kept).await, StatusCode::OK);
    assert_throttled(&idp, next()).await;

    // The master goes; sign-ins are tried every 100 ms until one gets through.
    let old = tokio::task::block_in_place(|| match failover {
        Failover::Killed => redis.kill_master(),
        Failover::Demoted => redis.fail_over(),
    });
    let killed = Instant::now();
    let watcher = {
        let ports = redis.sentinel_ports.clone();
        tokio::task::spawn_blocking(move || {
            let new = RedisWithSentinels::wait_for_new_master_of(&ports, old);
            (new, killed.elapsed())
        })
    };
    let mut statuses: Vec<StatusCode> = Vec::new();
    let recovered = loop {
        // A demoted master serves until the sentinels reconfigure it, so only a sign-in
        // that started after the switch counts.
        let switched = watcher.is_finished();
        let status = sign_in_status(&idp, next()).await;
        statuses.push(status);
        if status == StatusCode::SEE_OTHER && switched {
            break killed.elapsed();
        }
        assert!(
            status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::SEE_OTHER,
            "during the failover only 503 is expected, got {status}\n{}",
            idp.server.log()
        );
        assert!(
            killed.elapsed() < RECOVERY,
            "no sign-in within {RECOVERY:?} of the master's loss: {statuses:?}\n{}",
            idp.server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let (new, promoted) = watcher.await.unwrap();
    assert_ne!(new, old);
    // A demoted master answers its clients until the sentinels reconfigure it, seconds
    // later: idp left it when the sentinels announced the switch, not when it was dropped.
    let old_role = RedisWithSentinels::role(old);
    if let Failover::Demoted = failover {
        let log = idp.server.log();
        assert!(
            log.contains("a sentinel announces a new Redis master"),
            "the switch was heard\n{log}"
        );
    }

    // After, on the same process: the flows again, and the earlier revocation holds.
    let started = Instant::now();
    let again = rp
        .tokens(&browser_from(&idp, next()), &rp.request(&["openid"], &[]))
        .await;
    let flow_took = started.elapsed();
    let again = again.access_token().secret().clone();
    assert_eq!(userinfo(&idp.base, &again).await, StatusCode::OK);
    assert_eq!(
        userinfo(&idp.base, &revoked).await,
        StatusCode::UNAUTHORIZED,
        "a token revoked before the failover works again"
    );
    assert!(!rp.active(&AccessToken::new(revoked.clone())).await);
    assert!(rp.active(&AccessToken::new(kept.clone())).await);
    rp.revoke(&AccessToken::new(again.clone())).await;
    assert_eq!(userinfo(&idp.base, &again).await, StatusCode::UNAUTHORIZED);
    assert_throttled(&idp, next()).await;

    // Even if the new master had lost the cache, the database has the revocations.
    let flushed = std::process::Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &new.to_string(), "FLUSHALL"])
        .output()
        .unwrap();
    assert!(flushed.status.success());
    assert_eq!(
        userinfo(&idp.base, &revoked).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(userinfo(&idp.base, &again).await, StatusCode::UNAUTHORIZED);
    assert_eq!(userinfo(&idp.base, &kept).await, StatusCode::OK);

    // The notices between nodes follow the new master too: a client deleted from the
    // command line (which announces through the new master) is dropped from the
    // server's cache within 2 s, not after the cache's 30 s.
    let other = idp.client("Reports", &["--redirect-uri", RP_CALLBACK]);
    assert!(
        authorize_status(&idp.base, &other.id)
            .await
            .is_redirection()
    );
    idp.cli(&["client", "delete", "--id", &other.id, "--json"]);
    let deleted = Instant::now();
    loop {
        if authorize_status(&idp.base, &other.id).await == StatusCode::BAD_REQUEST {
            break;
        }
        assert!(
            deleted.elapsed() < Duration::from_secs(2),
            "the server still serves a client deleted after the failover\n{}",
            idp.server.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = idp.server.log();
    assert!(
        log.contains("Redis Sentinel names a new master"),
        "the switch is logged\n{log}"
    );

    let failed = statuses
        .iter()
        .filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    eprintln!(
        "sentinel failover ({failover:?}): master {old} gone; replica {new} promoted after \
         {promoted:?}; first sign-in through idp after {recovered:?} ({} tries, {failed} \
         answered 503; the old master then said {old_role:?}); a whole sign-in and code \
         exchange then took {flow_took:?}",
        statuses.len()
    );
    drop(db);
}
