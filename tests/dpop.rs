//! End-to-end DPoP (RFC 9449): a small client of its own (ring keys, hand-built JWS,
//! reqwest) against the real server. Code exchange and refresh with proofs, DPoP-bound
//! tokens at userinfo and introspection, and every refusal the RFC names: a bound token
//! sent as Bearer, replayed, stale or misdirected proofs, a missing or wrong `ath`,
//! nonces, `dpop_jkt` code binding, refresh tokens bound to a public client's key, and
//! clients that must use DPoP. A refused proof changes nothing: the code or refresh
//! token still works afterwards with a good one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};
use serde_json::json;
use sha2::{Digest as _, Sha256};
use support::flow::*;

// ---------------------------------------------------------------------------------------
// The test client's DPoP keys and proofs.
// ---------------------------------------------------------------------------------------

enum Key {
    Es256(EcdsaKeyPair),
    EdDsa(Ed25519KeyPair),
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn random_jti() -> String {
    let mut bytes = [0u8; 16];
    ring::rand::SecureRandom::fill(&SystemRandom::new(), &mut bytes).unwrap();
    b64(bytes)
}

/// RFC 9449 §4.2: `ath`.
fn ath(token: &str) -> String {
    b64(Sha256::digest(token.as_bytes()))
}

impl Key {
    fn es256() -> Key {
        let rng = SystemRandom::new();
        let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        let der = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
        Key::Es256(EcdsaKeyPair::from_pkcs8(alg, der.as_ref(), &rng).unwrap())
    }

    fn eddsa() -> Key {
        let der = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        Key::EdDsa(Ed25519KeyPair::from_pkcs8(der.as_ref()).unwrap())
    }

    fn alg(&self) -> &'static str {
        match self {
            Key::Es256(_) => "ES256",
            Key::EdDsa(_) => "EdDSA",
        }
    }

    fn jwk(&self) -> Value {
        match self {
            Key::Es256(k) => {
                let p = k.public_key().as_ref();
                json!({"kty": "EC", "crv": "P-256", "x": b64(&p[1..33]), "y": b64(&p[33..65])})
            }
            Key::EdDsa(k) => {
                json!({"kty": "OKP", "crv": "Ed25519", "x": b64(k.public_key().as_ref())})
            }
        }
    }

    /// RFC 7638, computed here independently of the server.
    fn jkt(&self) -> String {
        let jwk = self.jwk();
        let canonical = match self {
            Key::Es256(_) => format!(
                r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
                jwk["x"].as_str().unwrap(),
                jwk["y"].as_str().unwrap()
            ),
            Key::EdDsa(_) => format!(
                r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
                jwk["x"].as_str().unwrap()
            ),
        };
        b64(Sha256::digest(canonical.as_bytes()))
    }

    fn header(&self) -> Value {
        json!({"typ": "dpop+jwt", "alg": self.alg(), "jwk": self.jwk()})
    }

    fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let sig = match self {
            Key::Es256(k) => k
                .sign(&SystemRandom::new(), input.as_bytes())
                .unwrap()
                .as_ref()
                .to_vec(),
            Key::EdDsa(k) => k.sign(input.as_bytes()).as_ref().to_vec(),
        };
        format!("{input}.{}", b64(sig))
    }

    fn claims(htm: &str, htu: &str) -> Value {
        json!({"jti": random_jti(), "htm": htm, "htu": htu, "iat": now()})
    }

    /// A fresh proof for `htm htu`, with `extra` claims merged in (`ath`, `nonce`, or
    /// overrides).
    fn proof(&self, htm: &str, htu: &str, extra: Value) -> String {
        let mut claims = Key::claims(htm, htu);
        for (k, v) in extra.as_object().unwrap() {
            claims[k] = v.clone();
        }
        self.sign(&self.header(), &claims)
    }
}

// ---------------------------------------------------------------------------------------
// Requests.
// ---------------------------------------------------------------------------------------

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Answer {
    fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or_default()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

/// A token request: the client's own authentication (Basic for a confidential client,
/// `client_id` for a public one) and the given DPoP proofs.
async fn token(rp: &Rp, form: &[(&str, &str)], proofs: &[&str]) -> Answer {
    let mut form: Vec<(&str, &str)> = form.to_vec();
    let mut request = rp.http.post(format!("{}/token", rp.base));
    match &rp.secret {
        Some(secret) => request = request.basic_auth(&rp.id, Some(secret)),
        None => form.push(("client_id", &rp.id)),
    }
    for p in proofs {
        request = request.header("DPoP", *p);
    }
    answer(request.form(&form).send().await.unwrap()).await
}

async fn exchange(rp: &Rp, code: &str, request: &Request, proofs: &[&str]) -> Answer {
    token(
        rp,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &rp.redirect),
            ("code_verifier", &request.verifier),
        ],
        proofs,
    )
    .await
}

async fn refresh(rp: &Rp, refresh_token: &str, proofs: &[&str]) -> Answer {
    token(
        rp,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
        proofs,
    )
    .await
}

async fn userinfo(idp: &Idp, authorization: &str, proof: Option<&str>) -> Answer {
    let mut request = reqwest::Client::new()
        .get(idp.url("/userinfo"))
        .header("Authorization", authorization);
    if let Some(p) = proof {
        request = request.header("DPoP", p);
    }
    answer(request.send().await.unwrap()).await
}

/// A code for `rp` in a fresh browser, with `extra` authorization parameters.
async fn new_code(idp: &Idp, rp: &Rp, extra: &[(&str, &str)]) -> (String, Request) {
    let request = rp.request(&["openid", "email"], extra);
    let response = idp.browser().authorize(&request.url).await;
    (rp.code(&response, &request), request)
}

fn assert_refused(a: &Answer, status: StatusCode, error: &str, what: &str) {
    assert_eq!(a.status, status, "{what}: {:?}", a.body);
    assert_eq!(a.error(), error, "{what}: {:?}", a.body);
    assert_error_description_charset(a.body["error_description"].as_str().unwrap_or_default());
}

fn assert_dpop_bound(a: &Answer, key: &Key) -> String {
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["token_type"], "DPoP", "{:?}", a.body);
    assert_eq!(a.header("cache-control"), Some("no-store"));
    let access = a.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(jwt_part(&access, 1)["cnf"]["jkt"], key.jkt());
    access
}

// ---------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn discovery_advertises_dpop_only_when_on() {
    let idp = Idp::start().await;
    let doc: Value = reqwest::get(idp.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["dpop_signing_alg_values_supported"],
        json!(["ES256", "EdDSA", "RS256", "PS256"])
    );
    let off = Idp::start_with(&[("IDP_DPOP__ENABLED", "false")]).await;
    let doc: Value = reqwest::get(off.url("/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc.get("dpop_signing_alg_values_supported").is_none());
    // Off, a proof is ignored (RFC 9449 §5 for a server without DPoP): a Bearer token.
    let rp = off.rp(&off.web_app()).await;
    let key = Key::es256();
    let (code, request) = new_code(&off, &rp, &[]).await;
    let proof = key.proof("POST", &off.url("/token"), json!({}));
    let a = exchange(&rp, &code, &request, &[&proof]).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["token_type"], "Bearer");
}

#[tokio::test]
async fn code_exchange_binds_the_token_which_userinfo_and_introspection_honour() {
    let idp = Idp::start().await;
    let rp = idp.rp(&idp.web_app()).await;
    let key = Key::es256();
    let (code, request) = new_code(&idp, &rp, &[]).await;
    let token_url = idp.url("/token");
    let a = exchange(
        &rp,
        &code,
        &request,
        &[&key.proof("POST", &token_url, json!({}))],
    )
    .await;
    let access = assert_dpop_bound(&a, &key);
    // A confidential client's refresh token is bound by its authentication, not a key.
    assert!(a.body["refresh_token"].is_string());
    assert!(a.body["id_token"].is_string());

    let info = idp.url("/userinfo");
    let good = |extra: Value| {
        let mut claims = json!({"ath": ath(&access)});
        for (k, v) in extra.as_object().unwrap() {
            claims[k] = v.clone();
        }
        key.proof("GET", &info, claims)
    };
    let auth = format!("DPoP {access}");
    let ok = userinfo(&idp, &auth, Some(&good(json!({})))).await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    assert_eq!(ok.body["sub"], idp.user_id.as_str());
    assert_eq!(ok.body["email"], EMAIL);
    assert_eq!(ok.header("cache-control"), Some("no-store"));

    // The bound token as a Bearer token: refused, even with a proof beside it.
    let bearer = format!("Bearer {access}");
    for proof in [None, Some(good(json!({})))] {
        let a = userinfo(&idp, &bearer, proof.as_deref()).await;
        assert_refused(
            &a,
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "sent as Bearer",
        );
        assert!(a.header("www-authenticate").unwrap().starts_with("DPoP "));
    }
    // And through the form body, which is a Bearer presentation too.
    let a = answer(
        reqwest::Client::new()
            .post(&info)
            .form(&[("access_token", access.as_str())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(&a, StatusCode::UNAUTHORIZED, "invalid_token", "form body");

    // Proofs that must not pass, each answered 401 invalid_dpop_proof with a DPoP challenge.
    let replayed = good(json!({}));
    assert_eq!(
        userinfo(&idp, &auth, Some(&replayed)).await.status,
        StatusCode::OK
    );
    let other = Key::eddsa();
    let cases: Vec<(&str, Option<String>)> = vec![
        ("no proof", None),
        ("replayed proof (same jti)", Some(replayed)),
        ("no ath", Some(key.proof("GET", &info, json!({})))),
        (
            "ath of another token",
            Some(key.proof("GET", &info, json!({"ath": ath("another")}))),
        ),
        ("wrong htm", Some(good(json!({"htm": "POST"})))),
        ("wrong htu", Some(good(json!({"htu": token_url})))),
        (
            "htu on another host",
            Some(good(json!({"htu": "https://evil.example.com/userinfo"}))),
        ),
        ("stale iat", Some(good(json!({"iat": now() - 600})))),
        ("iat in the future", Some(good(json!({"iat": now() + 600})))),
        (
            "another key",
            Some(other.proof("GET", &info, json!({"ath": ath(&access)}))),
        ),
    ];
    for (what, proof) in cases {
        let a = userinfo(&idp, &auth, proof.as_deref()).await;
        assert_refused(&a, StatusCode::UNAUTHORIZED, "invalid_dpop_proof", what);
        let challenge = a.header("www-authenticate").unwrap();
        assert!(
            challenge.starts_with("DPoP ") && challenge.contains(r#"error="invalid_dpop_proof""#),
            "{what}: {challenge}"
        );
        assert!(challenge.contains("ES256"), "{challenge}");
    }
    // Query and fragment do not count in htu.
    let with_query = good(json!({"htu": format!("{info}?x=1#y")}));
    assert_eq!(
        userinfo(&idp, &auth, Some(&with_query)).await.status,
        StatusCode::OK
    );

    // Introspection tells the resource server the token is bound, and to what.
    let a = answer(
        rp.http
            .post(idp.url("/introspect"))
            .basic_auth(&rp.id, rp.secret.as_deref())
            .form(&[("token", access.as_str())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a.body["active"], true, "{:?}", a.body);
    assert_eq!(a.body["token_type"], "DPoP");
    assert_eq!(a.body["cnf"]["jkt"], key.jkt());

    // An unbound token presented with the DPoP scheme is refused; as Bearer it works and
    // introspects as Bearer with no cnf.
    let (code, request) = new_code(&idp, &rp, &[]).await;
    let plain = exchange(&rp, &code, &request, &[]).await;
    assert_eq!(plain.body["token_type"], "Bearer");
    let plain_access = plain.body["access_token"].as_str().unwrap();
    assert!(jwt_part(plain_access, 1).get("cnf").is_none());
    let proof = key.proof("GET", &info, json!({"ath": ath(plain_access)}));
    let a = userinfo(&idp, &format!("DPoP {plain_access}"), Some(&proof)).await;
    assert_refused(
        &a,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
        "unbound as DPoP",
    );
    let a = userinfo(&idp, &format!("Bearer {plain_access}"), None).await;
    assert_eq!(a.status, StatusCode::OK);
    let a = answer(
        rp.http
            .post(idp.url("/introspect"))
            .basic_auth(&rp.id, rp.secret.as_deref())
            .form(&[("token", plain_access)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a.body["token_type"], "Bearer");
    assert!(a.body.get("cnf").is_none());
}

#[tokio::test]
async fn refused_proofs_at_the_token_endpoint_leave_the_code_usable() {
    let idp = Idp::start().await;
    let rp = idp.rp(&idp.web_app()).await;
    let key = Key::eddsa();
    let url = idp.url("/token");
    let (code, request) = new_code(&idp, &rp, &[]).await;

    let good_claims = || Key::claims("POST", &url);
    let with = |change: &dyn Fn(&mut Value, &mut Value)| {
        let (mut header, mut claims) = (key.header(), good_claims());
        change(&mut header, &mut claims);
        key.sign(&header, &claims)
    };
    let spent = key.proof("POST", &url, json!({}));
    // Spend `spent` on a client_credentials-less request that fails after the proof
    // check: an unknown grant type still uses the proof up.
    let a = token(&rp, &[("grant_type", "urn:example:nothing")], &[&spent]).await;
    assert_refused(
        &a,
        StatusCode::BAD_REQUEST,
        "unsupported_grant_type",
        "spend",
    );
    let unsigned = format!(
        "{}.{}.",
        b64(json!({"typ": "dpop+jwt", "alg": "none", "jwk": key.jwk()}).to_string()),
        b64(good_claims().to_string())
    );
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("replayed proof", vec![spent]),
        ("wrong htm", vec![with(&|_, c| c["htm"] = json!("GET"))]),
        (
            "wrong htu",
            vec![with(&|_, c| c["htu"] = json!(idp.url("/userinfo")))],
        ),
        (
            "htu elsewhere",
            vec![with(&|_, c| {
                c["htu"] = json!("https://evil.example.com/token")
            })],
        ),
        (
            "stale iat",
            vec![with(&|_, c| c["iat"] = json!(now() - 120))],
        ),
        (
            "no jti",
            vec![with(&|_, c| {
                c.as_object_mut().unwrap().remove("jti");
            })],
        ),
        ("typ JWT", vec![with(&|h, _| h["typ"] = json!("JWT"))]),
        ("alg HS256", vec![with(&|h, _| h["alg"] = json!("HS256"))]),
        ("alg none", vec![unsigned]),
        (
            "private key in jwk",
            vec![with(&|h, _| h["jwk"]["d"] = json!(b64([7u8; 32])))],
        ),
        (
            "jwk of another key",
            vec![with(&|h, _| h["jwk"] = Key::eddsa().jwk())],
        ),
        ("not a JWT", vec!["not-a-proof".into()]),
        (
            "two proofs",
            vec![
                key.proof("POST", &url, json!({})),
                key.proof("POST", &url, json!({})),
            ],
        ),
    ];
    for (what, proofs) in cases {
        let refs: Vec<&str> = proofs.iter().map(String::as_str).collect();
        let a = exchange(&rp, &code, &request, &refs).await;
        assert_refused(&a, StatusCode::BAD_REQUEST, "invalid_dpop_proof", what);
        assert_eq!(a.header("cache-control"), Some("no-store"));
    }
    // Nothing was consumed: the code still works with a good proof.
    let a = exchange(&rp, &code, &request, &[&key.proof("POST", &url, json!({}))]).await;
    assert_dpop_bound(&a, &key);

    // A confidential client's refresh is not bound to a key: without a proof it gets a
    // Bearer token, with a proof of any key a token bound to that key.
    let rt = a.body["refresh_token"].as_str().unwrap();
    let plain = refresh(&rp, rt, &[]).await;
    assert_eq!(plain.status, StatusCode::OK, "{:?}", plain.body);
    assert_eq!(plain.body["token_type"], "Bearer");
    let other = Key::es256();
    let rt = plain.body["refresh_token"].as_str().unwrap();
    let bound = refresh(&rp, rt, &[&other.proof("POST", &url, json!({}))]).await;
    assert_dpop_bound(&bound, &other);
}

#[tokio::test]
async fn nonces_when_required() {
    let idp = Idp::start_with(&[("IDP_DPOP__REQUIRE_NONCE", "true")]).await;
    let rp = idp.rp(&idp.web_app()).await;
    let key = Key::es256();
    let url = idp.url("/token");
    let (code, request) = new_code(&idp, &rp, &[]).await;

    let a = exchange(&rp, &code, &request, &[&key.proof("POST", &url, json!({}))]).await;
    assert_refused(&a, StatusCode::BAD_REQUEST, "use_dpop_nonce", "no nonce");
    let nonce = a.header("dpop-nonce").expect("a DPoP-Nonce").to_owned();
    let a = exchange(
        &rp,
        &code,
        &request,
        &[&key.proof("POST", &url, json!({"nonce": "made-up"}))],
    )
    .await;
    assert_refused(
        &a,
        StatusCode::BAD_REQUEST,
        "use_dpop_nonce",
        "a nonce not ours",
    );
    let a = exchange(
        &rp,
        &code,
        &request,
        &[&key.proof("POST", &url, json!({"nonce": nonce}))],
    )
    .await;
    let access = assert_dpop_bound(&a, &key);
    assert!(
        a.header("dpop-nonce").is_some(),
        "the next nonce comes along"
    );

    let info = idp.url("/userinfo");
    let auth = format!("DPoP {access}");
    let a = userinfo(
        &idp,
        &auth,
        Some(&key.proof("GET", &info, json!({"ath": ath(&access)}))),
    )
    .await;
    assert_refused(
        &a,
        StatusCode::UNAUTHORIZED,
        "use_dpop_nonce",
        "userinfo, no nonce",
    );
    assert!(
        a.header("www-authenticate")
            .unwrap()
            .contains(r#"error="use_dpop_nonce""#)
    );
    let nonce = a.header("dpop-nonce").expect("a DPoP-Nonce").to_owned();
    let a = userinfo(
        &idp,
        &auth,
        Some(&key.proof("GET", &info, json!({"ath": ath(&access), "nonce": nonce}))),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
}

#[tokio::test]
async fn dpop_jkt_binds_the_code_to_a_key() {
    let idp = Idp::start().await;
    let rp = idp.rp(&idp.web_app()).await;
    let (key, other) = (Key::es256(), Key::eddsa());
    let url = idp.url("/token");
    let jkt = key.jkt();

    let (code, request) = new_code(&idp, &rp, &[("dpop_jkt", &jkt)]).await;
    let a = exchange(
        &rp,
        &code,
        &request,
        &[&other.proof("POST", &url, json!({}))],
    )
    .await;
    assert_refused(&a, StatusCode::BAD_REQUEST, "invalid_grant", "another key");
    let (code, request) = bound_code(&idp, &rp, &jkt).await;
    let a = exchange(&rp, &code, &request, &[]).await;
    assert_refused(&a, StatusCode::BAD_REQUEST, "invalid_grant", "no proof");
    let (code, request) = bound_code(&idp, &rp, &jkt).await;
    let a = exchange(&rp, &code, &request, &[&key.proof("POST", &url, json!({}))]).await;
    assert_dpop_bound(&a, &key);

    // A dpop_jkt that is no thumbprint is an invalid request, told to the client.
    let request = rp.request(&["openid"], &[("dpop_jkt", "not-a-thumbprint")]);
    let response = idp.browser().authorize(&request.url).await;
    assert_error_redirect(
        &rp,
        &response,
        Some(request.state.secret()),
        "invalid_request",
    );
}

async fn bound_code(idp: &Idp, rp: &Rp, jkt: &str) -> (String, Request) {
    new_code(idp, rp, &[("dpop_jkt", jkt)]).await
}

#[tokio::test]
async fn public_client_refresh_tokens_are_bound_to_its_key() {
    let idp = Idp::start().await;
    let reg = idp.client("Spa", &["--redirect-uri", RP_CALLBACK, "--public"]);
    let rp = idp.rp(&reg).await;
    let (key, other) = (Key::es256(), Key::eddsa());
    let url = idp.url("/token");
    let (code, request) = new_code(&idp, &rp, &[]).await;
    let a = exchange(&rp, &code, &request, &[&key.proof("POST", &url, json!({}))]).await;
    assert_dpop_bound(&a, &key);
    let rt = a.body["refresh_token"].as_str().unwrap().to_owned();

    let a = refresh(&rp, &rt, &[]).await;
    assert_refused(&a, StatusCode::BAD_REQUEST, "invalid_grant", "no proof");
    let a = refresh(&rp, &rt, &[&other.proof("POST", &url, json!({}))]).await;
    assert_refused(&a, StatusCode::BAD_REQUEST, "invalid_grant", "another key");
    // Those refusals used nothing up: the token still rotates for the right key, and
    // the new one is bound too.
    let a = refresh(&rp, &rt, &[&key.proof("POST", &url, json!({}))]).await;
    assert_dpop_bound(&a, &key);
    let next = a.body["refresh_token"].as_str().unwrap();
    let a = refresh(&rp, next, &[&other.proof("POST", &url, json!({}))]).await;
    assert_refused(
        &a,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "rotated, another key",
    );
    let a = refresh(&rp, next, &[&key.proof("POST", &url, json!({}))]).await;
    assert_dpop_bound(&a, &key);

    // CORS: a browser application may send the DPoP header and read DPoP-Nonce.
    let preflight = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, &url)
        .header("Origin", "https://rp.example.com")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "dpop, content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("dpop"), "{allowed}");
    let (code, request) = new_code(&idp, &rp, &[]).await;
    let response = rp
        .http
        .post(&url)
        .header("Origin", "https://rp.example.com")
        .header("DPoP", key.proof("POST", &url, json!({})))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", rp.redirect.as_str()),
            ("code_verifier", request.verifier.as_str()),
            ("client_id", rp.id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(exposed.contains("DPoP-Nonce"), "{exposed}");
}

#[tokio::test]
async fn a_client_registered_for_dpop_must_send_a_proof() {
    let idp = Idp::start().await;
    let reg = idp.client(
        "Bank",
        &["--redirect-uri", RP_CALLBACK, "--dpop-bound-access-tokens"],
    );
    let shown = idp.cli(&["client", "list", "--json"]);
    let listed = shown
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == reg.id.as_str())
        .unwrap();
    assert_eq!(listed["dpop_bound_access_tokens"], true);
    let rp = idp.rp(&reg).await;
    let key = Key::es256();
    let (code, request) = new_code(&idp, &rp, &[]).await;
    let a = exchange(&rp, &code, &request, &[]).await;
    assert_refused(
        &a,
        StatusCode::BAD_REQUEST,
        "invalid_dpop_proof",
        "no proof",
    );
    // Refused before the code was touched: it still works with a proof.
    let a = exchange(
        &rp,
        &code,
        &request,
        &[&key.proof("POST", &idp.url("/token"), json!({}))],
    )
    .await;
    assert_dpop_bound(&a, &key);
    let rt = a.body["refresh_token"].as_str().unwrap();
    let a = refresh(&rp, rt, &[]).await;
    assert_refused(
        &a,
        StatusCode::BAD_REQUEST,
        "invalid_dpop_proof",
        "refresh, no proof",
    );

    // The requirement can be lifted with `idp client update`.
    let updated = idp.cli(&[
        "client",
        "update",
        "--id",
        &reg.id,
        "--dpop-bound-access-tokens",
        "false",
        "--json",
    ]);
    assert_eq!(updated["dpop_bound_access_tokens"], false);
}

#[tokio::test]
async fn dpop_on_postgresql_and_redis() {
    let Some((idp, _db)) = Idp::on_postgres("dpop_on_postgresql_and_redis", &[]).await else {
        return;
    };
    let reg = idp.client("Spa", &["--redirect-uri", RP_CALLBACK, "--public"]);
    let rp = idp.rp(&reg).await;
    let key = Key::es256();
    let url = idp.url("/token");
    let (code, request) = new_code(&idp, &rp, &[("dpop_jkt", &key.jkt())]).await;
    let proof = key.proof("POST", &url, json!({}));
    let a = exchange(&rp, &code, &request, &[&proof]).await;
    let access = assert_dpop_bound(&a, &key);
    let rt = a.body["refresh_token"].as_str().unwrap();
    // The replay cache is Redis: the same proof is refused on its second use.
    let a = refresh(&rp, rt, &[&proof]).await;
    assert_refused(
        &a,
        StatusCode::BAD_REQUEST,
        "invalid_dpop_proof",
        "replayed",
    );
    let a = refresh(&rp, rt, &[]).await;
    assert_refused(&a, StatusCode::BAD_REQUEST, "invalid_grant", "no proof");
    let a = refresh(&rp, rt, &[&key.proof("POST", &url, json!({}))]).await;
    assert_dpop_bound(&a, &key);
    let info = idp.url("/userinfo");
    let proof = key.proof("GET", &info, json!({"ath": ath(&access)}));
    let auth = format!("DPoP {access}");
    let a = userinfo(&idp, &auth, Some(&proof)).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    // At userinfo the jti is marked in the revocation check's round trip: once only.
    let again = userinfo(&idp, &auth, Some(&proof)).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "{:?}", again.body);
    let challenge = again.header("www-authenticate").unwrap_or_default();
    assert!(challenge.contains("invalid_dpop_proof"), "{challenge}");
}
