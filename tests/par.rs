//! End-to-end tests of pushed authorization requests (RFC 9126) and signed request
//! objects (RFC 9101) with the real `idp` binary: a client pushes its request over HTTP
//! (reqwest, client authentication as at the token endpoint), the browser carries the
//! `request_uri`, and the code is exchanged for tokens; request objects are signed by the
//! test itself (idp-core's key pairs for RS256, ES256 and EdDSA, `jsonwebtoken` for
//! PS256). Every refusal is checked: reuse, expiry, another client's `request_uri`, a
//! client that must push, bad client authentication, and objects that are unsigned,
//! signed with another key, addressed elsewhere or expired.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use idp_core::client::SigningAlg;
use idp_core::jose::SigningKeyPair;
use idp_core::random::OsRandom;
use serde_json::json;
use sha2::{Digest as _, Sha256};
use support::flow::*;

const URN: &str = "urn:ietf:params:oauth:request_uri:";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// POST /par; the status, headers and JSON body.
async fn push(
    idp: &Idp,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = http().post(idp.url("/par")).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

/// The query parameters of the authorization request `rp` would send.
fn pairs(request: &Request) -> Vec<(String, String)> {
    Url::parse(&request.url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Pushes `request` for `rp`'s client with HTTP Basic; the request_uri.
async fn push_request(idp: &Idp, rp: &Rp, request: &Request) -> String {
    let form = pairs(request);
    let (status, headers, body) = push(idp, &borrowed(&form), Some(rp.basic())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    body["request_uri"].as_str().unwrap().to_owned()
}

/// Where the browser goes with a pushed request: client_id and request_uri only.
fn by_reference(idp: &Idp, client_id: &str, request_uri: &str) -> String {
    authorize_url(
        &idp.base,
        &[("client_id", client_id), ("request_uri", request_uri)],
    )
}

/// An error page (never a redirect) that names `code`.
async fn assert_page_names(browser: &Browser, url: &str, code: &str) {
    let response = browser.get(url).await;
    assert_error_page(&response);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(code),
        "the page does not name {code}:\n{html}"
    );
}

#[tokio::test]
async fn a_pushed_request_runs_the_whole_code_flow_once() {
    pushed_flow(&Idp::start().await).await;
}

/// The same on PostgreSQL and Redis: the request_uri is taken from Redis (GETDEL), and
/// the requirement is a PostgreSQL column.
#[tokio::test]
async fn a_pushed_request_runs_once_on_postgresql_and_redis() {
    let Some((idp, _db)) =
        Idp::on_postgres("a_pushed_request_runs_once_on_postgresql_and_redis", &[]).await
    else {
        return;
    };
    pushed_flow(&idp).await;
    let strict = idp.client("Strict", &["--redirect-uri", RP_CALLBACK, "--require-par"]);
    let rp = idp.rp(&strict).await;
    let request = rp.request(&[], &[]);
    let response = idp.browser().get(&request.url).await;
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_error_redirect(
        &rp,
        &location,
        Some(request.state.secret()),
        "invalid_request",
    );
}

async fn pushed_flow(idp: &Idp) {
    let reg = idp.web_app();
    let rp = idp.rp(&reg).await;

    let doc: Value = http()
        .get(idp.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["pushed_authorization_request_endpoint"],
        idp.url("/par")
    );
    assert_eq!(doc["require_pushed_authorization_requests"], false);
    assert_eq!(doc["request_parameter_supported"], true);
    assert_eq!(doc["request_uri_parameter_supported"], false);
    assert_eq!(
        doc["request_object_signing_alg_values_supported"],
        json!(["RS256", "PS256", "ES256", "EdDSA"])
    );

    let request = rp.request(&["email"], &[]);
    let form = pairs(&request);
    let (status, _, body) = push(idp, &borrowed(&form), Some(rp.basic())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["expires_in"], 60);
    let request_uri = body["request_uri"].as_str().unwrap().to_owned();
    assert!(request_uri.starts_with(URN), "{request_uri}");
    assert!(request_uri.len() >= URN.len() + 43, "{request_uri}");

    // The browser carries only client_id and request_uri; the pushed parameters count.
    let browser = idp.browser();
    let url = by_reference(idp, &reg.id, &request_uri);
    let response = browser.authorize(&url).await;
    let code = rp.code(&response, &request);
    let tokens = rp.exchange(&code, request.verifier()).await.unwrap();
    let claims = rp.verify(&tokens, Some(&request.nonce));
    assert_eq!(claims.subject().as_str(), idp.user_id);
    assert!(
        tokens
            .scopes()
            .unwrap()
            .iter()
            .any(|s| s.as_str() == "email"),
        "the pushed scope took effect"
    );

    // Used once: the same request_uri again is refused, on a page or at the client's
    // registered redirect URI when the browser also names it.
    assert_page_names(&browser, &url, "invalid_request_uri").await;
    let with_redirect = authorize_url(
        &idp.base,
        &[
            ("client_id", reg.id.as_str()),
            ("request_uri", request_uri.as_str()),
            ("redirect_uri", RP_CALLBACK),
            ("state", "again"),
        ],
    );
    let response = browser.get(&with_redirect).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_error_redirect(&rp, &location, Some("again"), "invalid_request_uri");

    // Two uses at once (the member is signed in and has consented, so each would get a
    // code at once): exactly one gets a code.
    let request = rp.request(&["email"], &[]);
    let request_uri = push_request(idp, &rp, &request).await;
    let url = by_reference(idp, &reg.id, &request_uri);
    let (a, b) = tokio::join!(browser.get(&url), browser.get(&url));
    let codes = [a, b]
        .iter()
        .filter(|r| {
            r.headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .is_some_and(|l| l.contains("code="))
        })
        .count();
    assert_eq!(
        codes, 1,
        "a request_uri is taken once, even by racing requests"
    );

    // A request_uri that is not one of ours is never fetched.
    let foreign = authorize_url(
        &idp.base,
        &[
            ("client_id", reg.id.as_str()),
            ("request_uri", "https://rp.example.com/request.jwt"),
            ("redirect_uri", RP_CALLBACK),
            ("state", "f"),
        ],
    );
    let response = browser.get(&foreign).await;
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_error_redirect(&rp, &location, Some("f"), "request_uri_not_supported");
}

#[tokio::test]
async fn an_expired_request_uri_is_refused() {
    let idp = Idp::start_with(&[("IDP_PAR__REQUEST_URI_TTL_SECS", "1")]).await;
    let reg = idp.web_app();
    let rp = idp.rp(&reg).await;
    let request = rp.request(&[], &[]);
    let form = pairs(&request);
    let (status, _, body) = push(&idp, &borrowed(&form), Some(rp.basic())).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["expires_in"], 1);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let url = by_reference(&idp, &reg.id, body["request_uri"].as_str().unwrap());
    assert_page_names(&idp.browser(), &url, "invalid_request_uri").await;
}

#[tokio::test]
async fn a_request_uri_pushed_by_one_client_is_refused_to_another() {
    let idp = Idp::start().await;
    let a = idp.web_app();
    let b = idp.client("Other", &["--redirect-uri", RP_CALLBACK]);
    let rp_a = idp.rp(&a).await;
    let request = rp_a.request(&[], &[]);
    let request_uri = push_request(&idp, &rp_a, &request).await;
    let browser = idp.browser();
    assert_page_names(
        &browser,
        &by_reference(&idp, &b.id, &request_uri),
        "invalid_request_uri",
    )
    .await;
    // B's attempt did not use it up: A's browser still gets the sign-in page.
    let page = browser.go(&by_reference(&idp, &a.id, &request_uri)).await;
    assert!(matches!(page, Step::SignIn(_)), "{page:?}");
}

#[tokio::test]
async fn clients_that_must_push_are_refused_without_par() {
    let idp = Idp::start().await;
    let strict = idp.client("Strict", &["--redirect-uri", RP_CALLBACK, "--require-par"]);
    let rp = idp.rp(&strict).await;
    let browser = idp.browser();
    let request = rp.request(&[], &[]);
    let response = browser.get(&request.url).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_error_redirect(
        &rp,
        &location,
        Some(request.state.secret()),
        "invalid_request",
    );
    let request_uri = push_request(&idp, &rp, &request).await;
    let response = browser
        .authorize(&by_reference(&idp, &strict.id, &request_uri))
        .await;
    rp.code(&response, &request);

    // The requirement is changed on the command line and in the registration's JSON.
    let changed = idp.cli(&[
        "client",
        "update",
        "--id",
        &strict.id,
        "--require-par",
        "false",
        "--json",
    ]);
    assert_eq!(changed["require_pushed_authorization_requests"], false);

    // The deployment may require every client to push.
    let everyone =
        Idp::start_with(&[("IDP_PAR__REQUIRE_PUSHED_AUTHORIZATION_REQUESTS", "true")]).await;
    let doc: Value = http()
        .get(everyone.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["require_pushed_authorization_requests"], true);
    let reg = everyone.web_app();
    let rp = everyone.rp(&reg).await;
    let request = rp.request(&[], &[]);
    let response = everyone.browser().get(&request.url).await;
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_error_redirect(
        &rp,
        &location,
        Some(request.state.secret()),
        "invalid_request",
    );
    let request_uri = push_request(&everyone, &rp, &request).await;
    let page = everyone
        .browser()
        .go(&by_reference(&everyone, &reg.id, &request_uri))
        .await;
    assert!(matches!(page, Step::SignIn(_)), "{page:?}");
}

#[tokio::test]
async fn bad_client_authentication_and_bad_pushes_are_refused() {
    let idp = Idp::start_with(&[
        ("IDP_SERVER__TRUSTED_PROXIES", "127.0.0.1"),
        ("IDP_THROTTLE__CLIENT_AUTH_FAILURES_PER_ADDRESS", "3"),
        ("IDP_THROTTLE__CLIENT_AUTH_WINDOW_SECS", "86400"),
    ])
    .await;
    let reg = idp.web_app();
    let rp = idp.rp(&reg).await;
    let request = rp.request(&[], &[]);
    let form = pairs(&request);
    let form = borrowed(&form);

    let (status, headers, body) = push(&idp, &form, Some((&reg.id, "wrong"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_client");
    assert!(
        headers[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    // A confidential client that does not authenticate at all.
    let (status, _, body) = push(&idp, &form, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_client");

    // Good credentials, bad requests: JSON errors, never a redirect.
    let mut evil = form.clone();
    evil.retain(|(k, _)| *k != "redirect_uri");
    evil.push(("redirect_uri", "https://evil.example.com/cb"));
    let (status, _, body) = push(&idp, &evil, Some(rp.basic())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request");
    assert_error_description_charset(body["error_description"].as_str().unwrap());
    let mut nested = form.clone();
    nested.push(("request_uri", "urn:ietf:params:oauth:request_uri:x"));
    let (status, _, body) = push(&idp, &nested, Some(rp.basic())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request");
    let mut unscoped = form.clone();
    unscoped.retain(|(k, _)| *k != "scope");
    unscoped.push(("scope", "email"));
    let (_, _, body) = push(&idp, &unscoped, Some(rp.basic())).await;
    assert_eq!(body["error"], "invalid_scope");
    let get = http().get(idp.url("/par")).send().await.unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);

    // Failed authentications are throttled as at the token endpoint: the third failure
    // reaches the limit; then even good credentials wait.
    let (status, _, _) = push(&idp, &form, Some(("no-such-client", "x"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, headers, body) = push(&idp, &form, Some(rp.basic())).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(headers.contains_key("retry-after"));
}

/// A client registered with an RSA key for RS256, another RSA key for PS256, a P-256 and
/// an Ed25519 key, that authenticates with private_key_jwt.
struct Signer {
    id: String,
    rs256: SigningKeyPair,
    ps256: jsonwebtoken::EncodingKey,
    ps256_kid: String,
    es256: SigningKeyPair,
    eddsa: SigningKeyPair,
}

impl Signer {
    fn register(idp: &Idp, name: &str, extra: &[&str]) -> Signer {
        use rsa::pkcs1::EncodeRsaPrivateKey as _;
        use rsa::pkcs8::DecodePrivateKey as _;
        let key = |alg| SigningKeyPair::generate(alg, &OsRandom).unwrap();
        let (rs256, _) = key(SigningAlg::Rs256);
        let (ps, ps_der) = key(SigningAlg::Rs256);
        let (es256, _) = key(SigningAlg::Es256);
        let (eddsa, _) = key(SigningAlg::EdDsa);
        let mut ps_jwk = ps.public_jwk().clone();
        ps_jwk["alg"] = json!("PS256");
        let pkcs1 = rsa::RsaPrivateKey::from_pkcs8_der(&ps_der)
            .unwrap()
            .to_pkcs1_der()
            .unwrap();
        let jwks =
            json!({"keys": [rs256.public_jwk(), ps_jwk, es256.public_jwk(), eddsa.public_jwk()]});
        let path = idp.server.dir.join(format!("{name}-jwks.json"));
        std::fs::write(&path, jwks.to_string()).unwrap();
        let mut args = vec![
            "--redirect-uri",
            RP_CALLBACK,
            "--jwks-file",
            path.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let reg = idp.client(name, &args);
        assert!(reg.secret.is_none());
        Signer {
            id: reg.id,
            rs256,
            ps256: jsonwebtoken::EncodingKey::from_rsa_der(pkcs1.as_bytes()),
            ps256_kid: ps.kid().to_owned(),
            es256,
            eddsa,
        }
    }

    fn sign(&self, alg: &str, claims: &Value) -> String {
        match alg {
            "RS256" => self.rs256.sign_jwt("oauth-authz-req+jwt", claims).unwrap(),
            "ES256" => self.es256.sign_jwt("oauth-authz-req+jwt", claims).unwrap(),
            "EdDSA" => self.eddsa.sign_jwt("oauth-authz-req+jwt", claims).unwrap(),
            "PS256" => {
                let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::PS256);
                header.kid = Some(self.ps256_kid.clone());
                header.typ = Some("oauth-authz-req+jwt".into());
                jsonwebtoken::encode(&header, claims, &self.ps256).unwrap()
            }
            other => panic!("no key for {other}"),
        }
    }

    /// A private_key_jwt client assertion for `aud`.
    fn assertion(&self, aud: &str) -> String {
        let jti = idp_core::random::token(&OsRandom);
        self.es256
            .sign_jwt(
                "JWT",
                &json!({"iss": self.id, "sub": self.id, "aud": aud, "jti": jti,
                        "iat": now(), "exp": now() + 60}),
            )
            .unwrap()
    }
}

/// A PKCE verifier and its S256 challenge.
fn pkce() -> (String, String) {
    let verifier = idp_core::random::token(&OsRandom);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The claims of a good request object from `client_id` for `issuer`.
fn object_claims(
    issuer: &str,
    client_id: &str,
    state: &str,
    nonce: &str,
    challenge: &str,
) -> Value {
    json!({"iss": client_id, "aud": issuer, "exp": now() + 120, "nbf": now() - 5, "iat": now(),
           "jti": idp_core::random::token(&OsRandom),
           "client_id": client_id, "response_type": "code", "scope": "openid email",
           "redirect_uri": RP_CALLBACK, "state": state, "nonce": nonce,
           "code_challenge": challenge, "code_challenge_method": "S256"})
}

/// Exchanges `code` at the token endpoint with a private_key_jwt assertion.
async fn exchange(idp: &Idp, signer: &Signer, code: &str, verifier: &str) -> (StatusCode, Value) {
    let response = http()
        .post(idp.url("/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", RP_CALLBACK),
            ("code_verifier", verifier),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &signer.assertion(&idp.url("/token"))),
        ])
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn request_objects_signed_rs256_ps256_es256_and_eddsa_take_effect() {
    let idp = Idp::start().await;
    let signer = Signer::register(&idp, "Signed", &[]);
    let browser = idp.browser();
    for alg in ["RS256", "PS256", "ES256", "EdDSA"] {
        let (verifier, challenge) = pkce();
        let state = format!("inner-{alg}");
        let nonce = format!("nonce-{alg}");
        let object = signer.sign(
            alg,
            &object_claims(&idp.base, &signer.id, &state, &nonce, &challenge),
        );
        // The outer scope, state and nonce are ignored: only the object's count.
        let url = authorize_url(
            &idp.base,
            &[
                ("client_id", signer.id.as_str()),
                ("response_type", "code"),
                ("scope", "openid"),
                ("state", "outer"),
                ("nonce", "outer"),
                ("request", &object),
            ],
        );
        let response = browser.authorize(&url).await;
        assert!(
            response.as_str().starts_with(RP_CALLBACK),
            "{alg}: {response}"
        );
        let q = query(&response);
        assert!(!q.contains_key("error"), "{alg}: {response}");
        assert_eq!(q["state"], state, "{alg}: the object's state");
        assert_eq!(q["iss"], idp.base);
        let (status, tokens) = exchange(&idp, &signer, &q["code"], &verifier).await;
        assert_eq!(status, StatusCode::OK, "{alg}: {tokens}");
        assert_eq!(tokens["scope"], "openid email", "{alg}: the object's scope");
        let id_token = jwt_part(tokens["id_token"].as_str().unwrap(), 1);
        assert_eq!(id_token["nonce"], nonce, "{alg}: the object's nonce");
        assert_eq!(id_token["sub"], idp.user_id);
    }

    // A request object may be pushed too, by a client authenticating with an assertion
    // addressed to the pushed authorization request endpoint (RFC 9126 §2).
    let (verifier, challenge) = pkce();
    let object = signer.sign(
        "ES256",
        &object_claims(&idp.base, &signer.id, "pushed", "n-pushed", &challenge),
    );
    let assertion = signer.assertion(&idp.url("/par"));
    let (status, _, body) = push(
        &idp,
        &[
            ("client_id", signer.id.as_str()),
            ("request", object.as_str()),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion.as_str()),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let response = browser
        .authorize(&by_reference(
            &idp,
            &signer.id,
            body["request_uri"].as_str().unwrap(),
        ))
        .await;
    let q = query(&response);
    assert_eq!(q["state"], "pushed");
    let (status, tokens) = exchange(&idp, &signer, &q["code"], &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    // An assertion for some other audience does not authenticate at /par.
    let elsewhere = signer.assertion("https://other.example.com/par");
    let (status, _, body) = push(
        &idp,
        &[
            ("client_id", signer.id.as_str()),
            ("request", object.as_str()),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", elsewhere.as_str()),
        ],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn bad_request_objects_are_refused_with_invalid_request_object() {
    let idp = Idp::start().await;
    let signer = Signer::register(&idp, "Signed", &["--require-signed-request-object"]);
    let rp = Rp::discover(
        &idp.base,
        &Registered {
            id: signer.id.clone(),
            secret: None,
        },
        RP_CALLBACK,
    )
    .await;
    let browser = idp.browser();
    let (_, challenge) = pkce();
    let good = object_claims(&idp.base, &signer.id, "inner", "n", &challenge);
    let with = |name: &str, value: Value| {
        let mut claims = good.clone();
        claims[name] = value;
        claims
    };
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"oauth-authz-req+jwt"}"#),
        URL_SAFE_NO_PAD.encode(good.to_string())
    );
    let (stranger, _) = SigningKeyPair::generate(SigningAlg::Es256, &OsRandom).unwrap();
    let wrong_key = stranger.sign_jwt("oauth-authz-req+jwt", &good).unwrap();
    let cases = [
        ("alg none", unsigned),
        ("wrong key", wrong_key),
        (
            "wrong audience",
            signer.sign("ES256", &with("aud", json!("https://other.example.com"))),
        ),
        (
            "expired",
            signer.sign("EdDSA", &with("exp", json!(now() - 120))),
        ),
        (
            "valid for too long",
            signer.sign("RS256", &with("exp", json!(now() + 7200))),
        ),
        (
            "another client's",
            signer.sign("PS256", &with("client_id", json!("someone-else"))),
        ),
    ];
    let assertion_form = |object: &str, assertion: &str| {
        vec![
            ("request".to_owned(), object.to_owned()),
            (
                "client_assertion_type".to_owned(),
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_owned(),
            ),
            ("client_assertion".to_owned(), assertion.to_owned()),
        ]
    };
    for (what, object) in &cases {
        // At /authorize: back to the registered redirect URI the browser named.
        let url = authorize_url(
            &idp.base,
            &[
                ("client_id", signer.id.as_str()),
                ("redirect_uri", RP_CALLBACK),
                ("state", "outer"),
                ("request", object),
            ],
        );
        let response = browser.get(&url).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{what}");
        let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
        assert_error_redirect(&rp, &location, Some("outer"), "invalid_request_object");
        // Without a redirect URI to trust: a page naming the error.
        let bare = authorize_url(
            &idp.base,
            &[("client_id", signer.id.as_str()), ("request", object)],
        );
        assert_page_names(&browser, &bare, "invalid_request_object").await;
        // At /par: JSON.
        let form = assertion_form(object, &signer.assertion(&idp.url("/par")));
        let (status, _, body) = push(&idp, &borrowed(&form), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        assert_eq!(body["error"], "invalid_request_object", "{what}: {body}");
    }

    // This client must sign: a plain request is refused, a good object accepted.
    let plain = rp.request(&[], &[]);
    let response = browser.get(&plain.url).await;
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_error_redirect(
        &rp,
        &location,
        Some(plain.state.secret()),
        "invalid_request",
    );
    let object = signer.sign("ES256", &good);
    let page = browser
        .go(&authorize_url(
            &idp.base,
            &[("client_id", signer.id.as_str()), ("request", &object)],
        ))
        .await;
    assert!(matches!(page, Step::SignIn(_)), "{page:?}");

    // A client with no registered keys cannot send request objects at all.
    let plain_client = idp.web_app();
    let plain_rp = idp.rp(&plain_client).await;
    let url = authorize_url(
        &idp.base,
        &[
            ("client_id", plain_client.id.as_str()),
            ("redirect_uri", RP_CALLBACK),
            ("state", "k"),
            ("request", &object),
        ],
    );
    let response = browser.get(&url).await;
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_error_redirect(&plain_rp, &location, Some("k"), "invalid_request_object");
}
