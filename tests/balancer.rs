//! The cluster as an operator runs it: three `idp` nodes on a private PostgreSQL and
//! Redis behind HAProxy, configured by `deploy/haproxy.cfg` itself (round-robin, no
//! stickiness, health checks on /readyz). Everything goes through the balancer: a sign-in
//! with an authenticator app, consent, tokens, logout, an audit export, a member import.
//! Then, under a steady load of sign-ins and token requests, a node is killed, Redis and
//! PostgreSQL restart, and every node is restarted in turn; afterwards nothing is lost.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use idp_core::Timestamp;
use idp_core::totp::{self, TotpSecret};
use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use support::flow::*;
use support::processes::{PrivatePostgres, PrivateRedis, missing};
use support::smtp::SmtpServer;
use support::*;

/// Nodes share the master key that seals the signing keys, as a cluster must.
const MASTER_KEY: &str = "3b9e4c1a7d2f60e85c4b19a7f3d0e26c8a1f5b9d4e7c2a6038f1d5b7e9c4a2f1";
/// HAProxy's health-check interval here; it takes a node out after two failed checks.
const CHECK_INTERVAL: Duration = Duration::from_millis(300);
/// Two intervals plus `timeout check` (2 s): the longest HAProxy may take to notice.
const DETECTION: Duration = Duration::from_millis(2 * 300 + 2000);
/// Longer than the detection time, as `deploy/haproxy.cfg` says it must be.
const DRAIN_SECS: &str = "3";
/// How long requests may fail after Redis or PostgreSQL is back.
const RECOVERY: Duration = Duration::from_secs(10);
const WORKERS: usize = 4;
const ROOT: &str = "root@example.com";
const ROOT_PASSWORD: &str = "administrator password";
const LOAD_EMAIL: &str = "load@example.com";
const LOAD_PASSWORD: &str = "steady traffic passphrase";

// ---------------------------------------------------------------------------------------
// HAProxy, from deploy/haproxy.cfg
// ---------------------------------------------------------------------------------------

struct Balancer {
    child: Child,
    base: String,
    stats: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Balancer {
    /// HAProxy on `deploy/haproxy.cfg` in front of the nodes on `ports`; `None` after a
    /// skip line when HAProxy is not installed (a failure when backends are required).
    fn start(test: &str, ports: &[u16]) -> Option<Balancer> {
        // Debian installs it in /usr/sbin, which a user's PATH may lack.
        let Some(program) = ["haproxy", "/usr/sbin/haproxy"].into_iter().find(|p| {
            Command::new(p)
                .arg("-v")
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        }) else {
            missing(test, "haproxy (Debian's haproxy package)");
            return None;
        };
        let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/haproxy.cfg");
        let (port, stats) = (free_port(), free_port());
        let mut cmd = Command::new(program);
        cmd.args(["-db", "-f", config])
            .env("HAPROXY_BIND", format!("127.0.0.1:{port}"))
            .env("HAPROXY_STATS", format!("127.0.0.1:{stats}"))
            .env(
                "CHECK_INTERVAL",
                format!("{}ms", CHECK_INTERVAL.as_millis()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (i, p) in ports.iter().enumerate() {
            cmd.env(format!("IDP_NODE_{}", i + 1), format!("127.0.0.1:{p}"));
        }
        let mut child = cmd.spawn().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        for stream in [
            Box::new(out) as Box<dyn std::io::Read + Send>,
            Box::new(err) as Box<dyn std::io::Read + Send>,
        ] {
            let sink = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    sink.lock().unwrap().push(line);
                }
            });
        }
        Some(Balancer {
            child,
            base: format!("http://127.0.0.1:{port}"),
            stats: format!("http://127.0.0.1:{stats}/stats;csv"),
            log,
        })
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Each node's state as HAProxy sees it (`UP`, `DOWN`, `UP 1/2`...), by server name.
    async fn states(&self) -> HashMap<String, String> {
        let Ok(r) = reqwest::get(&self.stats).await else {
            return HashMap::new();
        };
        let csv = r.text().await.unwrap_or_default();
        let mut lines = csv.lines();
        let header: Vec<&str> = lines
            .next()
            .unwrap_or_default()
            .trim_start_matches("# ")
            .split(',')
            .collect();
        let col = |name: &str| header.iter().position(|h| *h == name);
        let (Some(px), Some(sv), Some(st)) = (col("pxname"), col("svname"), col("status")) else {
            return HashMap::new();
        };
        lines
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f.len() > st && f[px] == "idp_nodes" && f[sv].starts_with("idp"))
            .map(|f| (f[sv].to_owned(), f[st].to_owned()))
            .collect()
    }

    /// Waits until HAProxy reports node `i` (0-based) as `want` ("UP" or "DOWN").
    async fn wait_for(&self, i: usize, want: &str) -> Duration {
        let started = Instant::now();
        let name = format!("idp{}", i + 1);
        loop {
            if self.states().await.get(&name).map(String::as_str) == Some(want) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "HAProxy never saw {name} {want}: {:?}\n{}",
                self.states().await,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------
// The nodes
// ---------------------------------------------------------------------------------------

struct Nodes {
    servers: Vec<Option<Server>>,
    ports: Vec<u16>,
    dirs: Vec<tempfile::TempDir>,
    env: Vec<(String, String)>,
}

impl Nodes {
    fn env(&self) -> Vec<(&str, &str)> {
        self.env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    fn cli(&self, args: &[&str]) -> Value {
        cli(self.dirs[0].path(), &self.env(), args)
    }

    async fn start(&mut self, i: usize) {
        let server = Server::start_on(self.dirs[i].path(), &self.env(), self.ports[i]).await;
        self.servers[i] = Some(server);
    }

    fn logs(&self) -> String {
        self.servers
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                s.as_ref()
                    .map(|s| format!("--- node {}\n{}", i + 1, s.log()))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

// ---------------------------------------------------------------------------------------
// The steady load: workers signing in and using their tokens, every request recorded
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Sample {
    worker: usize,
    what: &'static str,
    /// When the sign-in this request belongs to began.
    begun: Instant,
    started: Instant,
    status: u16,
    retry_after: bool,
    ok: bool,
}

struct Load {
    base: String,
    client_id: String,
    secret: String,
    samples: Mutex<Vec<Sample>>,
    stop: AtomicBool,
}

impl Load {
    /// Sends one request; records it; the response when it had the status `ok` wants.
    async fn send(
        &self,
        (worker, begun): (usize, Instant),
        what: &'static str,
        request: reqwest::RequestBuilder,
        ok: impl Fn(StatusCode) -> bool,
    ) -> Option<reqwest::Response> {
        let started = Instant::now();
        let (status, response) = match request.send().await {
            Ok(r) => (r.status(), Some(r)),
            Err(e) => {
                eprintln!("worker {worker}: {what} got no answer: {e}");
                (StatusCode::from_u16(599).unwrap(), None)
            }
        };
        let good = response.is_some() && ok(status);
        let retry_after = response
            .as_ref()
            .is_some_and(|r| r.headers().contains_key(reqwest::header::RETRY_AFTER));
        self.samples.lock().unwrap().push(Sample {
            worker,
            what,
            begun,
            started,
            status: if response.is_some() {
                status.as_u16()
            } else {
                0
            },
            retry_after,
            ok: good,
        });
        if good { response } else { None }
    }

    /// One sign-in of the load member and what an application then does with its
    /// tokens: code exchange, userinfo, refresh. Stops at the first failed request.
    async fn flow(&self, worker: usize) -> Option<()> {
        let me = (worker, Instant::now());
        let base = Url::parse(&self.base).unwrap();
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let authorize = authorize_url(
            &self.base,
            &[
                ("client_id", &self.client_id),
                ("redirect_uri", RP_CALLBACK),
                ("response_type", "code"),
                ("scope", "openid email"),
                ("state", "load"),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ],
        );
        let redirect = |s: StatusCode| s.is_redirection();
        let mut r = self
            .send(me, "authorize", http.get(&authorize), redirect)
            .await?;
        // On to the sign-in page, on whichever node.
        let mut at = base.join(r.headers()[LOCATION].to_str().unwrap()).unwrap();
        while at.path() != "/login" {
            r = self
                .send(me, "authorize", http.get(at.clone()), redirect)
                .await?;
            at = at.join(r.headers()[LOCATION].to_str().unwrap()).unwrap();
        }
        let page = self
            .send(me, "login page", http.get(at.clone()), |s| {
                s == StatusCode::OK
            })
            .await?
            .text()
            .await
            .ok()?;
        let form = [
            ("csrf", hidden(&page, "csrf")),
            ("authz", hidden(&page, "authz")),
            ("email", LOAD_EMAIL.to_owned()),
            ("password", LOAD_PASSWORD.to_owned()),
        ];
        r = self
            .send(
                me,
                "sign-in",
                http.post(base.join("/login").unwrap()).form(&form),
                |s| s == StatusCode::SEE_OTHER,
            )
            .await?;
        // Back through /authorize to the application, with a code.
        let code = loop {
            let next = at.join(r.headers()[LOCATION].to_str().unwrap()).unwrap();
            if next.as_str().starts_with(RP_CALLBACK) {
                break query(&next).get("code").cloned()?;
            }
            at = next;
            r = self
                .send(me, "authorize", http.get(at.clone()), redirect)
                .await?;
        };
        let token = |form: &[(&str, &str)]| {
            http.post(format!("{}/token", self.base))
                .basic_auth(&self.client_id, Some(&self.secret))
                .form(form)
        };
        let ok = |s: StatusCode| s == StatusCode::OK;
        let tokens: Value = self
            .send(
                me,
                "code exchange",
                token(&[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", RP_CALLBACK),
                    ("code_verifier", verifier.secret()),
                ]),
                ok,
            )
            .await?
            .json()
            .await
            .ok()?;
        let access = tokens["access_token"].as_str()?;
        let refresh = tokens["refresh_token"].as_str()?;
        for _ in 0..2 {
            self.send(
                me,
                "userinfo",
                http.get(format!("{}/userinfo", self.base))
                    .bearer_auth(access),
                ok,
            )
            .await?;
        }
        self.send(
            me,
            "refresh",
            token(&[("grant_type", "refresh_token"), ("refresh_token", refresh)]),
            ok,
        )
        .await?;
        Some(())
    }

    async fn run(self: Arc<Self>, worker: usize) {
        while !self.stop.load(Ordering::SeqCst) {
            if self.flow(worker).await.is_none() {
                // A failed step ends the flow; a short pause spares a failing backend a spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    fn between(&self, from: Instant, to: Instant) -> Vec<Sample> {
        self.samples
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.started >= from && s.started < to)
            .cloned()
            .collect()
    }

    /// Waits (bounded) until a sign-in and a token request started after `back` have
    /// succeeded; how long after `back` that was.
    async fn recovered_after(&self, back: Instant) -> Duration {
        loop {
            let done = {
                let all = self.samples.lock().unwrap();
                let first_ok = |what: &str| {
                    all.iter()
                        .filter(|s| s.what == what && s.started >= back && s.ok)
                        .map(|s| s.started)
                        .min()
                };
                first_ok("sign-in")
                    .zip(first_ok("refresh"))
                    .map(|(a, b)| a.max(b))
            };
            if let Some(at) = done {
                return at.duration_since(back);
            }
            assert!(
                back.elapsed() < Duration::from_secs(30),
                "no recovery within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// What one fault did to the load.
struct Outcome {
    fault: &'static str,
    sent: usize,
    failed: Vec<Sample>,
    recovery: Option<Duration>,
    note: String,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} requests sent, {} failed",
            self.fault,
            self.sent,
            self.failed.len()
        )?;
        if let Some(r) = self.recovery {
            write!(f, ", recovered in {:.2} s", r.as_secs_f64())?;
        }
        write!(f, "{}", self.note)?;
        for s in &self.failed {
            let answer = match s.status {
                0 => "no answer".to_owned(),
                n if s.retry_after => format!("{n} with Retry-After"),
                n => n.to_string(),
            };
            write!(f, "\n    worker {}: {} got {answer}", s.worker, s.what)?;
        }
        Ok(())
    }
}

fn outcome(fault: &'static str, samples: Vec<Sample>, recovery: Option<Duration>) -> Outcome {
    Outcome {
        fault,
        sent: samples.len(),
        failed: samples.into_iter().filter(|s| !s.ok).collect(),
        recovery,
        note: String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// The member's side: an authenticator app, consent
// ---------------------------------------------------------------------------------------

/// The code an authenticator app shows `steps` time steps from now.
fn totp_code(secret: &TotpSecret, steps: i64) -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    let now = Timestamp::from_micros(i64::try_from(micros).unwrap());
    totp::code_at_step(secret, totp::step_at(now) + steps)
}

/// Sets up the authenticator app from the security page, reading the key off the page.
async fn enrol(browser: &Browser) -> TotpSecret {
    let html = browser
        .get("/account/security/totp")
        .await
        .text()
        .await
        .unwrap();
    let at = html.find("id=\"secret\"").expect("the key on the page");
    let start = at + html[at..].find('>').unwrap() + 1;
    let end = start + html[start..].find('<').unwrap();
    let secret = TotpSecret::parse_base32(unescape(html[start..end].trim()).as_str()).unwrap();
    let done = browser
        .post(
            "/account/security/totp",
            &[
                ("csrf", &hidden(&html, "csrf")),
                ("code", &totp_code(&secret, 0)),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    secret
}

/// The newest mailed link to `path`, waiting for it.
fn mailed_link(smtp: &SmtpServer, path: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = smtp.messages().iter().find_map(|m| {
            let m = m
                .replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=");
            let word = m.split_whitespace().find(|w| w.contains(path))?;
            Some(word[word.find(path)?..].to_owned())
        });
        if let Some(link) = found {
            return link;
        }
        assert!(Instant::now() < deadline, "no mail with {path}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn admin_call(
    b: &Browser,
    method: reqwest::Method,
    path: &str,
    body: Option<(Vec<u8>, &str)>,
) -> (StatusCode, Vec<u8>) {
    let mut r = b
        .http
        .request(method, b.abs(path))
        .header("x-csrf-token", b.cookie("idp_csrf").unwrap());
    if let Some((bytes, content_type)) = body {
        r = r.header("content-type", content_type).body(bytes);
    }
    let r = r.send().await.unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_behind_haproxy_lose_nothing_when_nodes_redis_and_postgresql_fail() {
    let test = "three_nodes_behind_haproxy_lose_nothing_when_nodes_redis_and_postgresql_fail";
    let Some(pg) = PrivatePostgres::start(test) else {
        return;
    };
    let Some(mut redis) = PrivateRedis::start(test) else {
        return;
    };
    let Some(smtp) = SmtpServer::start(test) else {
        return;
    };
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let Some(balancer) = Balancer::start(test, &ports) else {
        return;
    };
    let smtp_port = smtp.port.to_string();
    let env: Vec<(String, String)> = [
        ("IDP_DATABASE__URL", pg.url().as_str()),
        ("IDP_DATABASE__MIGRATE_ON_START", "false"),
        ("IDP_DATABASE__ACQUIRE_TIMEOUT_MS", "1000"),
        ("IDP_REDIS__URL", redis.url().as_str()),
        ("IDP_MASTER_KEY", MASTER_KEY),
        ("IDP_SERVER__ISSUER", balancer.base.as_str()),
        ("IDP_SERVER__DRAIN_SECS", DRAIN_SECS),
        ("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
        ("IDP_MAIL__TRANSPORT", "smtp"),
        ("IDP_MAIL__SMTP_PORT", smtp_port.as_str()),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let mut nodes = Nodes {
        servers: vec![None, None, None],
        ports: ports.clone(),
        dirs: (0..3).map(|_| tempfile::tempdir().unwrap()).collect(),
        env,
    };
    let migrated = run(nodes.dirs[0].path(), &nodes.env(), &["migrate"]);
    assert!(migrated.status.success(), "{}", stderr(&migrated));
    nodes.cli(&[
        "org", "create", "--name", "Acme", "--slug", "acme", "--json",
    ]);
    for (email, password, extra) in [
        (EMAIL, PASSWORD, None),
        (ROOT, ROOT_PASSWORD, Some("--super-admin")),
        (LOAD_EMAIL, LOAD_PASSWORD, None),
    ] {
        let mut args = vec![
            "user",
            "create",
            "--org",
            "acme",
            "--email",
            email,
            "--name",
            "Ada Lovelace",
            "--password",
            password,
            "--json",
        ];
        args.extend(extra);
        nodes.cli(&args);
    }
    let client = |args: &[&str]| {
        let mut all = vec!["client", "create", "--org", "acme", "--json"];
        all.extend_from_slice(args);
        let out = nodes.cli(&all);
        Registered {
            id: out["client_id"].as_str().unwrap().to_owned(),
            secret: out["client_secret"].as_str().map(str::to_owned),
        }
    };
    // A third-party application (consent is asked) and the load's first-party one.
    let reports = client(&[
        "--name",
        "Reports",
        "--redirect-uri",
        RP_CALLBACK,
        "--post-logout-redirect-uri",
        RP_LOGGED_OUT,
    ]);
    let intranet = client(&[
        "--name",
        "Intranet",
        "--redirect-uri",
        RP_CALLBACK,
        "--first-party",
    ]);
    for i in 0..3 {
        nodes.start(i).await;
    }
    for i in 0..3 {
        balancer.wait_for(i, "UP").await;
    }
    let base = balancer.base.clone();

    // 1. A member sets up an authenticator app, then signs in to the third-party
    // application with it and consents; every request on whichever node HAProxy picks.
    let setup = Browser::new(&base, FIREFOX_LINUX);
    setup.sign_in_directly().await;
    let secret = enrol(&setup).await;
    let rp = Rp::discover(&base, &reports, RP_CALLBACK).await;
    let ada = Browser::new(&base, FIREFOX_LINUX);
    let request = rp.request(&["openid", "email"], &[]);
    let page = ada.go(&request.url).await.sign_in_page();
    let second = match ada.sign_in(&page, EMAIL, PASSWORD).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/second-factor" => html,
        other => panic!("expected the second-factor page, got {other:?}"),
    };
    let accepted = ada
        .post(
            "/login/second-factor",
            &[
                ("csrf", &hidden(&second, "csrf")),
                ("method", "totp"),
                ("code", &totp_code(&secret, 1)),
            ],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let consent = ada
        .follow(ada.abs("/login/second-factor"), accepted)
        .await
        .consent_page();
    let back = ada.consent(&consent, "allow").await.back();
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
    assert_eq!(amr, ["pwd", "otp", "mfa"]);
    let info = rp.userinfo(tokens.access_token(), claims.subject()).await;
    assert_eq!(info.email().map(|e| e.as_str()), Some(EMAIL));
    let refreshed = rp.refresh(tokens.refresh_token().unwrap()).await.unwrap();
    let kept_refresh = refreshed.refresh_token().unwrap().clone();
    let id_token = id_token_str(&tokens);

    // 2. An audit export asked for and downloaded through the balancer.
    let admin = Browser::new(&base, FIREFOX_LINUX);
    let page = admin.go("/login").await.sign_in_page();
    let signed_in = admin.submit_sign_in(&page, ROOT, ROOT_PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let (asked, _) = admin_call(
        &admin,
        reqwest::Method::POST,
        "/admin/api/audit/exports?org=acme&format=csv",
        None,
    )
    .await;
    assert_eq!(asked, StatusCode::ACCEPTED);
    let link = mailed_link(&smtp, "/admin/api/audit/exports/download?token=");
    let downloaded = admin.get(&link).await;
    assert_eq!(downloaded.status(), StatusCode::OK);
    let csv = downloaded.text().await.unwrap();
    assert!(csv.contains("audit_access"), "{csv}");
    assert_eq!(
        admin.get(&link).await.status(),
        StatusCode::GONE,
        "once only"
    );

    // 3. A member import through the balancer: uploaded, previewed, applied by a node.
    let file = "email,name,email_login_enabled\r\n\
                new1@example.com,New One,N\r\nnew2@example.com,New Two,N\r\n";
    let (status, body) = admin_call(
        &admin,
        reqwest::Method::POST,
        "/admin/api/orgs/acme/members/import?file_name=new.csv",
        Some((file.as_bytes().to_vec(), "text/csv")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let preview: Value = serde_json::from_slice(&body).unwrap();
    let import = preview["import_id"].as_str().unwrap().to_owned();
    let apply = serde_json::json!({"import_id": import, "digest": preview["digest"]});
    let (status, _) = admin_call(
        &admin,
        reqwest::Method::POST,
        "/admin/api/orgs/acme/members/import/apply",
        Some((apply.to_string().into_bytes(), "application/json")),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = admin_call(
            &admin,
            reqwest::Method::GET,
            &format!("/admin/api/import-jobs/{import}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let job: Value = serde_json::from_slice(&body).unwrap();
        if job["status"] == "done" {
            assert_eq!(job["applied"], 2, "{job}");
            break;
        }
        assert!(Instant::now() < deadline, "import still {job}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let members = nodes.cli(&["user", "list", "--org", "acme", "--json"]);
    assert_eq!(members.as_array().unwrap().len(), 5, "{members}");

    // 4. The steady load.
    let load = Arc::new(Load {
        base: base.clone(),
        client_id: intranet.id.clone(),
        secret: intranet.secret.clone().unwrap(),
        samples: Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
    });
    // Each phase counts from the end of the one before: requests in flight at a fault count.
    let mut mark = Instant::now();
    let mut phase = |load: &Load| {
        let end = Instant::now();
        let samples = load.between(mark, end);
        mark = end;
        samples
    };
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| tokio::spawn(load.clone().run(w)))
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut outcomes = Vec::new();

    // 4a. A node killed outright: only what was in flight on it may fail.
    let killed_at = Instant::now();
    drop(nodes.servers[1].take());
    let detected = balancer.wait_for(1, "DOWN").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    nodes.start(1).await;
    balancer.wait_for(1, "UP").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut kill = outcome("SIGKILL one node", phase(&load), None);
    kill.note = format!(
        " (HAProxy took it out after {:.2} s)",
        detected.as_secs_f64()
    );
    eprintln!("{kill}");
    outcomes.push(kill);

    // 4b. Redis restarted (and so emptied), then PostgreSQL: no node is restarted.
    let redis = tokio::task::spawn_blocking(move || {
        redis.restart();
        redis
    })
    .await
    .unwrap();
    let redis_back = Instant::now();
    let recovery = load.recovered_after(redis_back).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let redis_outcome = outcome("Redis restart", phase(&load), Some(recovery));
    eprintln!("{redis_outcome}");
    outcomes.push(redis_outcome);

    let pg = tokio::task::spawn_blocking(move || {
        pg.restart();
        pg
    })
    .await
    .unwrap();
    let back = Instant::now();
    let recovery = load.recovered_after(back).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let pg_outcome = outcome("PostgreSQL restart", phase(&load), Some(recovery));
    eprintln!("{pg_outcome}");
    outcomes.push(pg_outcome);

    // 4c. A rolling restart: each node drains, exits and comes back, one at a time.
    for i in 0..3 {
        let server = nodes.servers[i].take().unwrap();
        server.send_term();
        let (status, log) = tokio::task::spawn_blocking(move || server.wait_exit())
            .await
            .unwrap();
        assert!(status.success(), "node {} after SIGTERM: {log}", i + 1);
        assert!(log.contains("reporting not ready"), "{log}");
        nodes.start(i).await;
        balancer.wait_for(i, "UP").await;
    }
    let roll = outcome("rolling restart", phase(&load), None);
    eprintln!("{roll}");
    outcomes.push(roll);
    load.stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.await.unwrap();
    }

    let report = outcomes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    let context = || format!("{report}\n{}\nHAProxy:\n{}", nodes.logs(), balancer.log());
    // Killed: at most the one request each worker had in flight, none started after
    // HAProxy could know.
    let kill = &outcomes[0];
    for w in 0..WORKERS {
        let failed = kill.failed.iter().filter(|s| s.worker == w).count();
        assert!(failed <= 1, "worker {w}: {:?}\n{}", kill.failed, context());
    }
    assert!(
        kill.failed
            .iter()
            .all(|s| s.started < killed_at + DETECTION),
        "{:?}\n{}",
        kill.failed,
        context()
    );
    for o in &outcomes[1..3] {
        assert!(
            o.recovery.unwrap() <= RECOVERY,
            "{}: not recovered within {RECOVERY:?}\n{}",
            o.fault,
            context()
        );
        // Refused while a backend is away, with Retry-After (from idp, or from HAProxy
        // when no node is ready); never an error of the server. A Redis restarted empty
        // loses the sign-ins under way: a step of one begun before it was back may be
        // told to start again (the "sign-in expired" page), as its member would be.
        let lost = |s: &Sample| {
            o.fault == "Redis restart" && s.begun < redis_back && (200..500).contains(&s.status)
        };
        let wrong: Vec<&Sample> = o
            .failed
            .iter()
            .filter(|s| (s.status != 503 || !s.retry_after) && !lost(s))
            .collect();
        assert!(wrong.is_empty(), "{}: {wrong:?}\n{}", o.fault, context());
    }
    assert!(
        outcomes[3].failed.is_empty(),
        "{:?}\n{}",
        outcomes[3].failed,
        context()
    );
    for o in &outcomes {
        assert!(o.sent > o.failed.len(), "{o}: nothing went through");
    }

    // 5. Nothing lost: the session, the consent, the refresh token from before the
    // faults; then the member signs out from the application.
    let silent = rp.request(&["openid", "email"], &[("prompt", "none")]);
    let back = ada.go(&silent.url).await.back();
    let again = rp
        .exchange(&rp.code(&back, &silent), silent.verifier())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{}", context()));
    rp.verify(&again, Some(&silent.nonce));
    let still = rp
        .refresh(&kept_refresh)
        .await
        .unwrap_or_else(|e| panic!("the refresh token from before: {e:?}\n{}", context()));
    rp.userinfo(still.access_token(), claims.subject()).await;

    let logout = Url::parse_with_params(
        &format!("{base}/end_session"),
        &[
            ("id_token_hint", id_token.as_str()),
            ("post_logout_redirect_uri", RP_LOGGED_OUT),
            ("state", "bye"),
        ],
    )
    .unwrap();
    let response = ada.get(logout.as_str()).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with(RP_LOGGED_OUT), "{location}");
    let silent = rp.request(&["openid"], &[("prompt", "none")]);
    let back = ada.go(&silent.url).await.back();
    assert_error_redirect(&rp, &back, Some(silent.state.secret()), "login_required");

    // The audit chain written by three nodes through all of it verifies.
    let verify = run(nodes.dirs[0].path(), &nodes.env(), &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(
        stdout(&verify).contains("chain intact"),
        "{}",
        stdout(&verify)
    );
    eprintln!("{report}");
    drop(redis);
    drop(pg);
}
