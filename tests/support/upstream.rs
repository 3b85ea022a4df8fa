//! Stand-in upstream providers on loopback that behave like Google and like Entra ID
//! v2.0 multi-tenant: discovery (with Entra's `{tenantid}` issuer template), an
//! authorization endpoint that signs the person in at once, a token endpoint that checks
//! client authentication and PKCE, a JWKS, and Microsoft Graph's `/me`. ID tokens are
//! signed RS256 with a real key. A plain HTTP/1.1 server: one request per connection.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey as _;
use rsa::traits::PublicKeyParts as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

pub const CLIENT_ID: &str = "idp-upstream-client";
pub const CLIENT_SECRET: &str = "upstream-secret-value";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Google,
    Entra,
}

/// What the next sign-in looks like, and what the provider saw.
#[derive(Default)]
pub struct Behaviour {
    /// Claims of the next ID token (sub, email, email_verified, hd, tid, oid, name, amr…).
    pub next: Value,
    /// The authorization endpoint answers this error instead of a code.
    pub error: Option<String>,
    /// Sign with a key the JWKS does not publish.
    pub rogue_key: bool,
    /// Rotate: publish a second key and sign with it.
    pub rotated: bool,
    pub jwks_requests: usize,
    /// Replace `iss` (Entra: claim one tenant's issuer with another's `tid`).
    pub iss: Option<String>,
    /// Replace the `nonce`.
    pub nonce: Option<String>,
    /// Discovery answers something that is not JSON.
    pub garbage_discovery: bool,
    /// What Graph's `/me` answers.
    pub graph: Value,
    /// The query of every authorization request.
    pub authorize_requests: Vec<HashMap<String, String>>,
    pub graph_calls: usize,
}

struct Issued {
    claims: Value,
    challenge: String,
    redirect_uri: String,
    access_token: String,
}

struct Inner {
    kind: Kind,
    base: String,
    kid: String,
    key: EncodingKey,
    jwk: Value,
    rotated_key: EncodingKey,
    rotated_jwk: Value,
    rogue: EncodingKey,
    codes: Mutex<HashMap<String, Issued>>,
    tokens: Mutex<Vec<String>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

pub struct Upstream {
    pub base: String,
    pub behaviour: Arc<Mutex<Behaviour>>,
    pub kind: Kind,
}

fn rsa_key() -> (EncodingKey, Value) {
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let der = key.to_pkcs1_der().unwrap();
    let jwk = json!({
        "kty": "RSA", "use": "sig", "alg": "RS256",
        "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
    });
    (EncodingKey::from_rsa_der(der.as_bytes()), jwk)
}

impl Upstream {
    pub async fn start(kind: Kind) -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (key, mut jwk) = rsa_key();
        let (rogue, _) = rsa_key();
        let (rotated_key, mut rotated_jwk) = rsa_key();
        let kid = format!("{kind:?}-key-1").to_lowercase();
        jwk["kid"] = json!(kid);
        rotated_jwk["kid"] = json!(format!("{kind:?}-key-2").to_lowercase());
        let behaviour = Arc::new(Mutex::new(Behaviour::default()));
        let inner = Arc::new(Inner {
            kind,
            base: base.clone(),
            kid,
            key,
            jwk,
            rotated_key,
            rotated_jwk,
            rogue,
            codes: Mutex::new(HashMap::new()),
            tokens: Mutex::new(Vec::new()),
            behaviour: behaviour.clone(),
        });
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let inner = inner.clone();
                tokio::spawn(async move { serve(inner, stream).await });
            }
        });
        Upstream {
            base,
            behaviour,
            kind,
        }
    }

    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.base)
    }

    /// The issuer a token of `tenant` carries (Entra), or the issuer (Google).
    pub fn issuer_for(&self, tenant: &str) -> String {
        match self.kind {
            Kind::Google => self.base.clone(),
            Kind::Entra => format!("{}/{tenant}/v2.0", self.base),
        }
    }

    pub fn set(&self, f: impl FnOnce(&mut Behaviour)) {
        f(&mut self.behaviour.lock().unwrap());
    }

    /// Everything back to a plain sign-in of `claims`.
    pub fn next(&self, claims: Value) {
        self.set(|b| {
            b.next = claims;
            b.error = None;
            b.rogue_key = false;
            b.iss = None;
            b.nonce = None;
            b.garbage_discovery = false;
        });
    }

    pub fn last_authorize_request(&self) -> HashMap<String, String> {
        self.behaviour
            .lock()
            .unwrap()
            .authorize_requests
            .last()
            .cloned()
            .expect("an authorization request")
    }
}

/// A listener that accepts connections and never answers: an upstream that hangs.
pub async fn silent() -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    (base, task)
}

struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    headers: HashMap<String, String>,
    form: HashMap<String, String>,
}

fn pairs(text: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect()
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(Request {
        method,
        path: path.to_owned(),
        query: pairs(query),
        headers,
        form: pairs(&body),
    })
}

async fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &str) {
    let mut text = format!(
        "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn json_answer(stream: &mut TcpStream, status: &str, body: &Value) {
    respond(
        stream,
        status,
        &[("content-type", "application/json")],
        &body.to_string(),
    )
    .await;
}

fn random() -> String {
    let bytes: [u8; 18] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

async fn serve(inner: Arc<Inner>, mut stream: TcpStream) {
    let Some(req) = read_request(&mut stream).await else {
        return;
    };
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/.well-known/openid-configuration") => {
            if inner.behaviour.lock().unwrap().garbage_discovery {
                return respond(&mut stream, "200 OK", &[], "<html>maintenance</html>").await;
            }
            let issuer = match inner.kind {
                Kind::Google => inner.base.clone(),
                Kind::Entra => format!("{}/{{tenantid}}/v2.0", inner.base),
            };
            let doc = json!({
                "issuer": issuer,
                "authorization_endpoint": format!("{}/authorize", inner.base),
                "token_endpoint": format!("{}/token", inner.base),
                "jwks_uri": format!("{}/jwks", inner.base),
                "response_types_supported": ["code", "id_token", "code id_token"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile", "offline_access"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
            });
            json_answer(&mut stream, "200 OK", &doc).await;
        }
        ("GET", "/jwks") => {
            let rotated = {
                let mut b = inner.behaviour.lock().unwrap();
                b.jwks_requests += 1;
                b.rotated
            };
            let keys = if rotated {
                json!([inner.jwk, inner.rotated_jwk])
            } else {
                json!([inner.jwk])
            };
            json_answer(&mut stream, "200 OK", &json!({"keys": keys})).await;
        }
        ("GET", "/authorize") => authorize(&inner, &mut stream, &req).await,
        ("POST", "/token") => token(&inner, &mut stream, &req).await,
        ("GET", "/graph/me") => {
            let bearer = req
                .headers
                .get("authorization")
                .and_then(|h| h.strip_prefix("Bearer "))
                .unwrap_or_default()
                .to_owned();
            if !inner.tokens.lock().unwrap().contains(&bearer) {
                return json_answer(
                    &mut stream,
                    "401 Unauthorized",
                    &json!({"error": "InvalidAuthenticationToken"}),
                )
                .await;
            }
            let me = {
                let mut b = inner.behaviour.lock().unwrap();
                b.graph_calls += 1;
                b.graph.clone()
            };
            json_answer(&mut stream, "200 OK", &me).await;
        }
        _ => respond(&mut stream, "404 Not Found", &[], "not here").await,
    }
}

async fn authorize(inner: &Inner, stream: &mut TcpStream, req: &Request) {
    let q = &req.query;
    let scope = q.get("scope").cloned().unwrap_or_default();
    let well_formed = q.get("response_type").map(String::as_str) == Some("code")
        && q.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && q.get("code_challenge_method").map(String::as_str) == Some("S256")
        && q.contains_key("code_challenge")
        && q.contains_key("nonce")
        && q.contains_key("state")
        && scope.split(' ').any(|s| s == "openid");
    if !well_formed {
        return respond(stream, "400 Bad Request", &[], "bad authorization request").await;
    }
    let redirect = q["redirect_uri"].clone();
    let state = q["state"].clone();
    let (error, claims) = {
        let mut b = inner.behaviour.lock().unwrap();
        b.authorize_requests.push(q.clone());
        (b.error.clone(), b.next.clone())
    };
    let mut to = url::Url::parse(&redirect).unwrap();
    if let Some(error) = error {
        to.query_pairs_mut()
            .append_pair("error", &error)
            .append_pair("error_description", "The user declined.")
            .append_pair("state", &state);
    } else {
        let code = random();
        let mut claims = claims;
        claims["nonce"] = json!(q["nonce"]);
        inner.codes.lock().unwrap().insert(
            code.clone(),
            Issued {
                claims,
                challenge: q["code_challenge"].clone(),
                redirect_uri: redirect.clone(),
                access_token: random(),
            },
        );
        to.query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", &state);
    }
    respond(stream, "302 Found", &[("location", to.as_str())], "").await;
}

fn client_authenticated(req: &Request) -> bool {
    if let Some(basic) = req
        .headers
        .get("authorization")
        .and_then(|h| h.strip_prefix("Basic "))
    {
        let decoded =
            String::from_utf8(STANDARD.decode(basic).unwrap_or_default()).unwrap_or_default();
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        return decoded.split_once(':').is_some_and(|(id, secret)| {
            decode(id) == CLIENT_ID && decode(secret) == CLIENT_SECRET
        });
    }
    req.form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && req.form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
}

async fn token(inner: &Inner, stream: &mut TcpStream, req: &Request) {
    if !client_authenticated(req) {
        return json_answer(
            stream,
            "401 Unauthorized",
            &json!({"error": "invalid_client"}),
        )
        .await;
    }
    let code = req.form.get("code").cloned().unwrap_or_default();
    let Some(issued) = inner.codes.lock().unwrap().remove(&code) else {
        return json_answer(
            stream,
            "400 Bad Request",
            &json!({"error": "invalid_grant"}),
        )
        .await;
    };
    let verifier = req.form.get("code_verifier").cloned().unwrap_or_default();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if challenge != issued.challenge
        || req.form.get("redirect_uri") != Some(&issued.redirect_uri)
        || req.form.get("grant_type").map(String::as_str) != Some("authorization_code")
    {
        return json_answer(
            stream,
            "400 Bad Request",
            &json!({"error": "invalid_grant"}),
        )
        .await;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (rogue, rotated, iss, nonce) = {
        let b = inner.behaviour.lock().unwrap();
        (b.rogue_key, b.rotated, b.iss.clone(), b.nonce.clone())
    };
    let mut claims = issued.claims;
    let tenant = claims["tid"].as_str().unwrap_or("none").to_owned();
    claims["iss"] = json!(iss.unwrap_or_else(|| match inner.kind {
        Kind::Google => inner.base.clone(),
        Kind::Entra => format!("{}/{tenant}/v2.0", inner.base),
    }));
    claims["aud"] = json!(CLIENT_ID);
    claims["iat"] = json!(now);
    claims["exp"] = json!(now + 300);
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    let mut header = Header::new(Algorithm::RS256);
    let key = if rogue {
        header.kid = Some("not-published".into());
        &inner.rogue
    } else if rotated {
        header.kid = inner.rotated_jwk["kid"].as_str().map(str::to_owned);
        &inner.rotated_key
    } else {
        header.kid = Some(inner.kid.clone());
        &inner.key
    };
    let id_token = jsonwebtoken::encode(&header, &claims, key).unwrap();
    inner
        .tokens
        .lock()
        .unwrap()
        .push(issued.access_token.clone());
    json_answer(
        stream,
        "200 OK",
        &json!({
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "openid email profile",
            "id_token": id_token,
        }),
    )
    .await;
}
