//! The flows the end-to-end tests drive: the provider with one organization and member,
//! a cookie-keeping browser that reads forms from the HTML, and the `openidconnect`
//! crate as the relying party.
#![allow(
    unused_imports,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use super::*;
pub use base64::Engine as _;
pub use base64::engine::general_purpose::URL_SAFE_NO_PAD;
pub use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreErrorResponseType, CoreIdToken, CoreIdTokenClaims,
    CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreTokenResponse, CoreUserInfoClaims,
};
pub use openidconnect::{
    AccessToken, AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, HttpClientError, IntrospectionUrl, IssuerUrl,
    Nonce, OAuth2TokenResponse as _, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RefreshToken, RequestTokenError, Scope, StandardErrorResponse, SubjectIdentifier,
    TokenIntrospectionResponse as _, TokenResponse as _,
};
pub use reqwest::StatusCode;
pub use reqwest::cookie::{CookieStore as _, Jar};
pub use reqwest::header::{CACHE_CONTROL, LOCATION, SET_COOKIE, WWW_AUTHENTICATE};
pub use reqwest::redirect::Policy;
pub use serde_json::Value;
pub use std::collections::HashMap;
pub use std::str::FromStr as _;
pub use std::sync::Arc;
pub use std::time::{Duration, Instant};
pub use url::Url;

pub const EMAIL: &str = "ada@example.com";
pub const PASSWORD: &str = "correct horse battery staple";
pub const NAME: &str = "Ada Lovelace";
pub const RP_CALLBACK: &str = "https://rp.example.com/cb";
pub const RP_LOGGED_OUT: &str = "https://rp.example.com/logged-out";
pub const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
pub const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

// ---------------------------------------------------------------------------------------
// The provider: a fresh data directory, one organization and member, the real server.
// ---------------------------------------------------------------------------------------

pub struct Idp {
    pub server: Server,
    pub env: Vec<(String, String)>,
    pub base: String,
    pub user_id: String,
    pub _dir: tempfile::TempDir,
}

/// A client as `idp client create --json` printed it.
pub struct Registered {
    pub id: String,
    pub secret: Option<String>,
}

impl Idp {
    pub async fn start() -> Idp {
        Idp::start_with(&[]).await
    }

    pub async fn start_with(env: &[(&str, &str)]) -> Idp {
        Idp::start_at("127.0.0.1", env).await
    }

    /// As [`Idp::start_with`] with the issuer `http://localhost:PORT`: a host name, where
    /// browsers allow passkeys (never on an IP address).
    pub async fn start_named(env: &[(&str, &str)]) -> Idp {
        Idp::start_at("localhost", env).await
    }

    async fn start_at(host: &str, env: &[(&str, &str)]) -> Idp {
        let dir = tempfile::tempdir().unwrap();
        let mut owned: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        // The issuer is set, not left to follow the bind address: more nodes started on
        // this provider's data with `env()` belong to its deployment, as a cluster's
        // nodes share one issuer (a node of another issuer is refused at start).
        let port = free_port();
        if !owned.iter().any(|(k, _)| k == "IDP_SERVER__ISSUER") {
            owned.push(("IDP_SERVER__ISSUER".into(), format!("http://{host}:{port}")));
        }
        let env: Vec<(&str, &str)> = owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let env = env.as_slice();
        cli(
            dir.path(),
            env,
            &[
                "org", "create", "--name", "Acme", "--slug", "acme", "--json",
            ],
        );
        let user = cli(
            dir.path(),
            env,
            &[
                "user",
                "create",
                "--org",
                "acme",
                "--email",
                EMAIL,
                "--name",
                NAME,
                "--password",
                PASSWORD,
                "--json",
            ],
        );
        let server = Server::start_on(dir.path(), env, port).await;
        Idp {
            base: format!("http://{host}:{port}"),
            user_id: user["id"].as_str().unwrap().to_owned(),
            server,
            env: owned,
            _dir: dir,
        }
    }

    /// The provider on a fresh PostgreSQL database and Redis, with `env` added; `None`
    /// after a skip line when the test backends are not configured.
    pub async fn on_postgres(test: &str, env: &[(&str, &str)]) -> Option<(Idp, PgDatabase)> {
        Idp::on_postgres_at("127.0.0.1", test, env).await
    }

    /// As [`Idp::on_postgres`] with the issuer `http://localhost:PORT` (passkeys).
    pub async fn on_postgres_named(test: &str, env: &[(&str, &str)]) -> Option<(Idp, PgDatabase)> {
        Idp::on_postgres_at("localhost", test, env).await
    }

    async fn on_postgres_at(
        host: &str,
        test: &str,
        env: &[(&str, &str)],
    ) -> Option<(Idp, PgDatabase)> {
        let (Some(pg), Some(redis)) = (
            backend_url("IDP_TEST_DATABASE_URL", test),
            backend_url("IDP_TEST_REDIS_URL", test),
        ) else {
            return None;
        };
        let db = PgDatabase::create(&pg);
        // A deployment of its own in the shared Redis, as two deployments would be: its
        // keys, leases and notices are not another test's.
        let prefix = db.name.clone();
        let mut all = vec![
            ("IDP_DATABASE__URL", db.url.as_str()),
            ("IDP_REDIS__URL", redis.as_str()),
            ("IDP_REDIS__KEY_PREFIX", prefix.as_str()),
        ];
        all.extend_from_slice(env);
        let idp = Idp::start_at(host, &all).await;
        Some((idp, db))
    }

    pub fn env(&self) -> Vec<(&str, &str)> {
        self.env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    pub fn cli(&self, args: &[&str]) -> Value {
        cli(&self.server.dir, &self.env(), args)
    }

    /// Runs a command that prints text; its standard output.
    /// The main organization's audit events of one activity, newest first.
    pub fn audit_events(&self, activity: &str) -> Vec<Value> {
        let found = self.cli(&[
            "audit",
            "search",
            "--org",
            "acme",
            "--activity",
            activity,
            "--limit",
            "1000",
            "--json",
        ]);
        found.as_array().unwrap().clone()
    }

    /// Sets the main test member's status (`active`, `on_leave`, `disabled`) from the
    /// command line.
    pub fn set_status(&self, status: &str) {
        self.cli_text(&[
            "user",
            "set-status",
            "--org",
            "acme",
            "--email",
            EMAIL,
            "--status",
            status,
        ]);
    }

    /// Sets one policy setting (`key=value`) on the main organization from the command line.
    pub fn set_policy(&self, setting: &str) -> Value {
        self.cli(&["org", "policy", "--org", "acme", "--set", setting, "--json"])
    }

    pub fn cli_text(&self, args: &[&str]) -> String {
        let out = run(&self.server.dir, &self.env(), args);
        assert!(
            out.status.success(),
            "idp {args:?} failed:\n{}",
            stderr(&out)
        );
        stdout(&out)
    }

    /// Creates a member of `org` with a password; `extra` are more `user create` flags
    /// (`--super-admin`, `--totp-secret S`). The member as `--json` printed it.
    pub fn member(&self, org: &str, email: &str, password: &str, extra: &[&str]) -> Value {
        let mut args = vec![
            "user",
            "create",
            "--org",
            org,
            "--email",
            email,
            "--password",
            password,
            "--json",
        ];
        args.extend_from_slice(extra);
        self.cli(&args)
    }

    /// Registers a client in organization `acme`; `extra` are more `client create` flags.
    pub fn client(&self, name: &str, extra: &[&str]) -> Registered {
        let mut args = vec![
            "client", "create", "--org", "acme", "--name", name, "--json",
        ];
        args.extend_from_slice(extra);
        let out = self.cli(&args);
        Registered {
            id: out["client_id"].as_str().unwrap().to_owned(),
            secret: out["client_secret"].as_str().map(str::to_owned),
        }
    }

    /// A confidential, third-party web application (consent is asked).
    pub fn web_app(&self) -> Registered {
        self.client("Reports", &["--redirect-uri", RP_CALLBACK])
    }

    /// A confidential first-party application (no consent page).
    pub fn first_party_app(&self) -> Registered {
        self.client(
            "Intranet",
            &[
                "--redirect-uri",
                RP_CALLBACK,
                "--post-logout-redirect-uri",
                RP_LOGGED_OUT,
                "--first-party",
            ],
        )
    }

    /// A browser that sends `headers` (such as `Accept-Language`) with every request, as
    /// a real one does.
    pub fn browser_sending(&self, headers: &[(reqwest::header::HeaderName, &str)]) -> Browser {
        let mut map = reqwest::header::HeaderMap::new();
        for (name, value) in headers {
            map.insert(name.clone(), value.parse().unwrap());
        }
        Browser::build(&self.base, FIREFOX_LINUX, Arc::new(Jar::default()), map)
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base, FIREFOX_LINUX)
    }

    pub async fn rp(&self, reg: &Registered) -> Rp {
        self.rp_at(reg, RP_CALLBACK).await
    }

    pub async fn rp_at(&self, reg: &Registered, redirect: &str) -> Rp {
        Rp::discover(&self.base, reg, redirect).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

pub fn cli(dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Value {
    let out = run(dir, env, args);
    assert!(
        out.status.success(),
        "idp {args:?} failed ({}):\n{}\n{}",
        out.status,
        stderr(&out),
        stdout(&out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("idp {args:?} printed no JSON ({e}): {}", stdout(&out)))
}

// ---------------------------------------------------------------------------------------
// The browser: a cookie jar, no automatic redirects, forms read from the HTML.
// ---------------------------------------------------------------------------------------

/// Where a browser ends up after following the redirects that stay on the provider.
#[derive(Debug)]
pub enum Step {
    /// The sign-in page.
    SignIn(String),
    /// The consent page.
    Consent(String),
    /// A redirect away from the provider (to the relying party).
    Back(Url),
    /// Any other page, with its status, final URL, headers and body.
    Page(StatusCode, Url, reqwest::header::HeaderMap, String),
}

impl Step {
    pub fn sign_in_page(self) -> String {
        match self {
            Step::SignIn(html) => html,
            other => panic!("expected the sign-in page, got {other:?}"),
        }
    }

    pub fn consent_page(self) -> String {
        match self {
            Step::Consent(html) => html,
            other => panic!("expected the consent page, got {other:?}"),
        }
    }

    pub fn back(self) -> Url {
        match self {
            Step::Back(url) => url,
            other => panic!("expected a redirect to the relying party, got {other:?}"),
        }
    }
}

pub struct Browser {
    pub http: reqwest::Client,
    pub jar: Arc<Jar>,
    pub base: Url,
}

impl Browser {
    pub fn new(base: &str, user_agent: &str) -> Browser {
        Browser::with_jar(base, user_agent, Arc::new(Jar::default()))
    }

    pub fn with_jar(base: &str, user_agent: &str, jar: Arc<Jar>) -> Browser {
        Browser::build(base, user_agent, jar, reqwest::header::HeaderMap::new())
    }

    /// A browser at `address`, as a trusted proxy on loopback forwards it
    /// (`X-Forwarded-For`); the provider needs `server.trusted_proxies` to believe it.
    pub fn forwarded_for(base: &str, address: &str) -> Browser {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", address.parse().unwrap());
        Browser::build(base, FIREFOX_LINUX, Arc::new(Jar::default()), headers)
    }

    fn build(
        base: &str,
        user_agent: &str,
        jar: Arc<Jar>,
        headers: reqwest::header::HeaderMap,
    ) -> Browser {
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .user_agent(user_agent)
            .default_headers(headers)
            .build()
            .unwrap();
        Browser {
            http,
            jar,
            base: Url::parse(base).unwrap(),
        }
    }

    /// Another browser holding a copy of this one's cookies as they are now.
    pub fn clone_cookies(&self) -> Browser {
        let jar = Arc::new(Jar::default());
        if let Some(header) = self.jar.cookies(&self.base) {
            for pair in header.to_str().unwrap().split("; ") {
                jar.add_cookie_str(&format!("{pair}; Path=/"), &self.base);
            }
        }
        Browser::with_jar(self.base.as_str(), FIREFOX_LINUX, jar)
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let header = self.jar.cookies(&self.base)?;
        header
            .to_str()
            .unwrap()
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    pub fn abs(&self, url: &str) -> Url {
        self.base.join(url).unwrap()
    }

    pub async fn get(&self, url: &str) -> reqwest::Response {
        self.http.get(self.abs(url)).send().await.unwrap()
    }

    pub async fn post(&self, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.abs(url))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Opens `url` and follows redirects while they stay on the provider.
    pub async fn go(&self, url: &str) -> Step {
        let url = self.abs(url);
        let response = self.http.get(url.clone()).send().await.unwrap();
        self.follow(url, response).await
    }

    pub async fn follow(&self, mut current: Url, mut response: reqwest::Response) -> Step {
        for _ in 0..10 {
            if response.status().is_redirection() {
                let location = response.headers()[LOCATION].to_str().unwrap();
                let next = current.join(location).unwrap();
                if next.origin() != self.base.origin() {
                    return Step::Back(next);
                }
                current = next;
                response = self.http.get(current.clone()).send().await.unwrap();
                continue;
            }
            let status = response.status();
            let headers = response.headers().clone();
            let html = response.text().await.unwrap();
            let page = matches!(current.path(), "/login" | "/consent");
            if page && status == StatusCode::OK {
                // Sign-in and consent answers are never cached, and never framed.
                assert_eq!(headers[CACHE_CONTROL], "no-store", "{}", current.path());
                assert_eq!(headers["x-frame-options"], "DENY", "{}", current.path());
            }
            return match (status, current.path()) {
                (StatusCode::OK, "/login") => Step::SignIn(html),
                (StatusCode::OK, "/consent") => Step::Consent(html),
                _ => Step::Page(status, current, headers, html),
            };
        }
        panic!("too many redirects");
    }

    /// Submits the sign-in page and follows where it leads.
    pub async fn sign_in(&self, page: &str, email: &str, password: &str) -> Step {
        let response = self.submit_sign_in(page, email, password).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        self.follow(self.abs("/login"), response).await
    }

    pub async fn submit_sign_in(
        &self,
        page: &str,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let csrf = hidden(page, "csrf");
        let authz = hidden(page, "authz");
        self.post(
            "/login",
            &[
                ("csrf", &csrf),
                ("authz", &authz),
                ("email", email),
                ("password", password),
            ],
        )
        .await
    }

    /// Answers the consent page with `decision` (allow or deny).
    pub async fn consent(&self, page: &str, decision: &str) -> Step {
        assert!(
            page.contains(r#"<button name="decision" value="allow""#),
            "{page}"
        );
        let csrf = hidden(page, "csrf");
        let authz = hidden(page, "authz");
        let response = self
            .post(
                "/consent",
                &[("csrf", &csrf), ("authz", &authz), ("decision", decision)],
            )
            .await;
        // Allow goes 303 to /authorize/continue; deny answers the client at once, also
        // with 303 (or a form_post page) so the browser never re-posts the form.
        assert!(
            response.status() == StatusCode::SEE_OTHER || response.status() == StatusCode::OK,
            "{}",
            response.status()
        );
        self.follow(self.abs("/consent"), response).await
    }

    /// Signs in directly (not on behalf of an application); lands on /account.
    pub async fn sign_in_directly(&self) {
        let page = self.go("/login").await.sign_in_page();
        let response = self.submit_sign_in(&page, EMAIL, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[LOCATION], "/account");
    }

    /// The whole interactive flow: signs in and allows when asked; the authorization response.
    pub async fn authorize(&self, url: &str) -> Url {
        let mut step = self.go(url).await;
        if let Step::SignIn(page) = &step {
            step = self.sign_in(page, EMAIL, PASSWORD).await;
        }
        if let Step::Consent(page) = &step {
            step = self.consent(page, "allow").await;
        }
        step.back()
    }
}

pub fn unescape(text: &str) -> String {
    text.replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// The hidden inputs of a page, in order.
pub fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    html.split("<input")
        .skip(1)
        .filter_map(|rest| {
            let tag = &rest[..rest.find('>')?];
            if attr(tag, "type")? != "hidden" {
                return None;
            }
            Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default()))
        })
        .collect()
}

pub fn hidden(html: &str, name: &str) -> String {
    hidden_inputs(html)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no hidden input {name} in:\n{html}"))
        .1
}

pub fn form_action(html: &str) -> String {
    let start = html.find("<form").expect("a form");
    let tag = &html[start..start + html[start..].find('>').unwrap()];
    attr(tag, "action").expect("a form action")
}

pub fn query(url: &Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

// ---------------------------------------------------------------------------------------
// The relying party: openidconnect, configured by discovery.
// ---------------------------------------------------------------------------------------

pub type RpClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;
pub type TokenError = RequestTokenError<
    HttpClientError<reqwest::Error>,
    StandardErrorResponse<CoreErrorResponseType>,
>;

pub struct Rp {
    pub client: RpClient,
    pub http: reqwest::Client,
    pub id: String,
    pub secret: Option<String>,
    pub redirect: String,
    pub issuer: String,
    pub base: String,
}

/// One authorization request as the relying party remembers it.
pub struct Request {
    pub url: String,
    pub state: CsrfToken,
    pub nonce: Nonce,
    pub verifier: String,
}

impl Request {
    pub fn verifier(&self) -> PkceCodeVerifier {
        PkceCodeVerifier::new(self.verifier.clone())
    }
}

impl Rp {
    pub async fn discover(base: &str, reg: &Registered, redirect: &str) -> Rp {
        // RFC 6749 §5.1 clients must not follow redirects from the token endpoint.
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap();
        let issuer = IssuerUrl::new(base.to_owned()).unwrap();
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .unwrap_or_else(|e| panic!("discovery failed: {e:?}"));
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(reg.id.clone()),
            reg.secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(RedirectUrl::new(redirect.to_owned()).unwrap())
        .set_introspection_url(IntrospectionUrl::new(format!("{base}/introspect")).unwrap());
        Rp {
            client,
            http,
            id: reg.id.clone(),
            secret: reg.secret.clone(),
            redirect: redirect.to_owned(),
            issuer: base.to_owned(),
            base: base.to_owned(),
        }
    }

    /// An authorization request with PKCE S256, a nonce and a state; `extra` parameters added.
    pub fn request(&self, scopes: &[&str], extra: &[(&str, &str)]) -> Request {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut builder = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for s in scopes {
            builder = builder.add_scope(Scope::new((*s).to_owned()));
        }
        for (k, v) in extra {
            builder = builder.add_extra_param(*k, *v);
        }
        let (url, state, nonce) = builder.url();
        Request {
            url: url.to_string(),
            state,
            nonce,
            verifier: verifier.secret().clone(),
        }
    }

    /// Checks the authorization response (state, RFC 9207 iss) and returns the code.
    pub fn code(&self, response: &Url, request: &Request) -> String {
        assert!(
            response.as_str().starts_with(&self.redirect),
            "{response} is not at {}",
            self.redirect
        );
        let q = query(response);
        assert!(!q.contains_key("error"), "error response: {response}");
        assert_eq!(q.get("state"), Some(request.state.secret()), "{response}");
        assert_eq!(q.get("iss"), Some(&self.issuer), "{response}");
        q["code"].clone()
    }

    pub async fn exchange(
        &self,
        code: &str,
        verifier: PkceCodeVerifier,
    ) -> Result<CoreTokenResponse, TokenError> {
        self.client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .unwrap()
            .set_pkce_verifier(verifier)
            .request_async(&self.http)
            .await
    }

    /// The full happy path for `request` in `browser`: authorization, code, tokens.
    pub async fn tokens(&self, browser: &Browser, request: &Request) -> CoreTokenResponse {
        let response = browser.authorize(&request.url).await;
        let code = self.code(&response, request);
        self.exchange(&code, request.verifier()).await.unwrap()
    }

    /// Strict ID token verification: RS256 only, signature, iss, aud, exp, nonce, and at_hash.
    pub fn verify(&self, tokens: &CoreTokenResponse, nonce: Option<&Nonce>) -> CoreIdTokenClaims {
        let id_token = tokens.id_token().expect("an ID token");
        let verifier = self
            .client
            .id_token_verifier()
            .set_allowed_algs(vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]);
        let claims = match nonce {
            Some(n) => id_token.claims(&verifier, n),
            None => id_token.claims(&verifier, |n: Option<&Nonce>| match n {
                None => Ok(()),
                Some(_) => Err("a refreshed ID token carries no nonce".to_owned()),
            }),
        }
        .unwrap_or_else(|e| panic!("ID token rejected: {e:?}"))
        .clone();
        let expected = claims.access_token_hash().expect("at_hash");
        let actual = AccessTokenHash::from_token(
            tokens.access_token(),
            id_token.signing_alg().unwrap(),
            id_token.signing_key(&verifier).unwrap(),
        )
        .unwrap();
        assert_eq!(&actual, expected, "at_hash");
        claims
    }

    pub fn verify_id_token(&self, id_token: &str, nonce: &Nonce) -> Result<(), String> {
        let token = CoreIdToken::from_str(id_token).map_err(|e| format!("{e:?}"))?;
        let verifier = self
            .client
            .id_token_verifier()
            .set_allowed_algs(vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]);
        token
            .claims(&verifier, nonce)
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
    }

    pub async fn userinfo(
        &self,
        access: &AccessToken,
        sub: &SubjectIdentifier,
    ) -> CoreUserInfoClaims {
        self.client
            .user_info(access.clone(), Some(sub.clone()))
            .unwrap()
            .request_async(&self.http)
            .await
            .unwrap_or_else(|e| panic!("userinfo failed: {e:?}"))
    }

    pub async fn refresh(&self, token: &RefreshToken) -> Result<CoreTokenResponse, TokenError> {
        self.client
            .exchange_refresh_token(token)
            .unwrap()
            .request_async(&self.http)
            .await
    }

    pub async fn refresh_with_scope(
        &self,
        token: &RefreshToken,
        scopes: &[&str],
    ) -> Result<CoreTokenResponse, TokenError> {
        self.client
            .exchange_refresh_token(token)
            .unwrap()
            .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
            .request_async(&self.http)
            .await
    }

    pub async fn active(&self, token: &AccessToken) -> bool {
        self.client
            .introspect(token)
            .request_async(&self.http)
            .await
            .unwrap_or_else(|e| panic!("introspection failed: {e:?}"))
            .active()
    }

    /// RFC 7009 revocation. Raw: oauth2 refuses a revocation URL that is not https, and
    /// this provider runs on plain-http loopback in tests.
    pub async fn revoke(&self, token: &AccessToken) {
        let response = self
            .http
            .post(format!("{}/revoke", self.base))
            .basic_auth(&self.id, self.secret.as_deref())
            .form(&[
                ("token", token.secret().as_str()),
                ("token_type_hint", "access_token"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// A raw token-endpoint call, for what the library hides (headers, odd requests).
    pub async fn token_raw(
        &self,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut request = self.http.post(format!("{}/token", self.base)).form(form);
        if let Some((id, secret)) = basic {
            request = request.basic_auth(id, Some(secret));
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap();
        (status, headers, body)
    }

    pub fn basic(&self) -> (&str, &str) {
        (&self.id, self.secret.as_deref().unwrap())
    }
}

pub fn error_code<T: std::fmt::Debug>(result: Result<T, TokenError>) -> String {
    match result {
        Err(RequestTokenError::ServerResponse(e)) => e.error().to_string(),
        other => panic!("expected an OAuth error response, got {other:?}"),
    }
}

pub fn jwt_part(jwt: &str, index: usize) -> Value {
    let part = jwt.split('.').nth(index).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

pub fn id_token_str(tokens: &CoreTokenResponse) -> String {
    tokens.id_token().expect("an ID token").to_string()
}

/// RFC 6749 §4.1.2.1: error_description is %x20-21 / %x23-5B / %x5D-7E.
pub fn assert_error_description_charset(description: &str) {
    assert!(
        description
            .bytes()
            .all(|b| matches!(b, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E)),
        "error_description {description:?} has characters RFC 6749 does not allow"
    );
}

/// An error redirect to the client: the error, state, iss, nothing else.
pub fn assert_error_redirect(rp: &Rp, response: &Url, state: Option<&str>, error: &str) {
    assert!(
        response.as_str().starts_with(&rp.redirect),
        "{response} is not at {}",
        rp.redirect
    );
    let q = query(response);
    assert_eq!(
        q.get("error").map(String::as_str),
        Some(error),
        "{response}"
    );
    assert_eq!(q.get("state").map(String::as_str), state, "{response}");
    assert_eq!(q.get("iss"), Some(&rp.issuer), "{response}");
    assert!(!q.contains_key("code"), "{response}");
    if let Some(d) = q.get("error_description") {
        assert_error_description_charset(d);
    }
    for key in q.keys() {
        assert!(
            matches!(
                key.as_str(),
                "error" | "error_description" | "error_uri" | "state" | "iss"
            ),
            "unexpected parameter {key} in {response}"
        );
    }
}

pub fn assert_error_page(response: &reqwest::Response) {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response.headers().get(LOCATION).is_none(),
        "an error page must not redirect"
    );
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

pub fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// Where a relying party would send the browser for `client_id` with these parameters.
/// How many background audit exports have a file waiting in `idp`'s database.
pub fn waiting_export_files(idp: &Idp) -> usize {
    use diesel::{Connection as _, RunQueryDsl as _};
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        v: i64,
    }
    let sql = "SELECT COUNT(DISTINCT job_id) AS v FROM audit_export_chunks";
    let postgres = idp
        .env()
        .iter()
        .find(|(k, _)| *k == "IDP_DATABASE__URL")
        .map(|(_, v)| (*v).to_owned());
    let rows: Vec<Row> = match postgres {
        Some(url) => diesel::sql_query(sql)
            .load(&mut diesel::PgConnection::establish(&url).unwrap())
            .unwrap(),
        None => {
            let path = idp.server.dir.join("data/idp.db");
            diesel::sql_query(sql)
                .load(&mut diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap())
                .unwrap()
        }
    };
    rows.first().map_or(0, |r| usize::try_from(r.v).unwrap())
}

pub fn authorize_url(base: &str, params: &[(&str, &str)]) -> String {
    Url::parse_with_params(&format!("{base}/authorize"), params)
        .unwrap()
        .to_string()
}

/// `auth_time` in seconds, as the ID token carries it.
pub fn auth_time(tokens: &CoreTokenResponse) -> i64 {
    jwt_part(&id_token_str(tokens), 1)["auth_time"]
        .as_i64()
        .expect("auth_time")
}

/// Two tests that run `$body(&idp)`: `$sqlite` on the embedded defaults, `$postgres` on
/// PostgreSQL and Redis (a skip line when the test backends are not configured).
#[macro_export]
macro_rules! on_both_backends {
    ($sqlite:ident, $postgres:ident, $body:path) => {
        #[tokio::test]
        async fn $sqlite() {
            let idp = $crate::support::flow::Idp::start().await;
            $body(&idp).await;
        }

        #[tokio::test]
        async fn $postgres() {
            let Some((idp, _db)) =
                $crate::support::flow::Idp::on_postgres(stringify!($postgres), &[]).await
            else {
                return;
            };
            $body(&idp).await;
        }
    };
}

/// [`on_both_backends`] for tests that need a name for their issuer's host (passkeys:
/// `http://localhost:PORT`): `$body(idp, test_name)`.
#[macro_export]
macro_rules! on_both_backends_named {
    ($sqlite:ident, $postgres:ident, $body:path) => {
        #[tokio::test]
        async fn $sqlite() {
            let idp = $crate::support::flow::Idp::start_named(&[]).await;
            $body(idp, stringify!($sqlite)).await;
        }

        #[tokio::test]
        async fn $postgres() {
            let Some((idp, _db)) =
                $crate::support::flow::Idp::on_postgres_named(stringify!($postgres), &[]).await
            else {
                return;
            };
            $body(idp, stringify!($postgres)).await;
        }
    };
}
