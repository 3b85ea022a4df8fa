//! The FAPI 2.0 Security Profile as a per-client profile: a client registered with
//! `--profile fapi2` must push its requests, authenticate with `private_key_jwt`, use
//! PKCE and DPoP, and sign nothing in RS256; its registration cannot go below that.
//! The client here is a hand-made one (reqwest, ring), since the profile needs PAR and
//! DPoP, which the `openidconnect` crate does not send.
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
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair as _};
use serde_json::json;
use sha2::{Digest as _, Sha256};
use support::flow::*;

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A client with an ES256 and an RS256 key registered, signing its assertions with either.
struct Bank {
    id: String,
    es256: SigningKeyPair,
    rs256: SigningKeyPair,
    jwks_path: String,
}

impl Bank {
    fn keys(idp: &Idp, name: &str) -> (SigningKeyPair, SigningKeyPair, String) {
        let key = |alg| SigningKeyPair::generate(alg, &OsRandom).unwrap().0;
        let (es256, rs256) = (key(SigningAlg::Es256), key(SigningAlg::Rs256));
        let jwks = json!({"keys": [es256.public_jwk(), rs256.public_jwk()]});
        let path = idp.server.dir.join(format!("{name}-jwks.json"));
        std::fs::write(&path, jwks.to_string()).unwrap();
        (es256, rs256, path.to_str().unwrap().to_owned())
    }

    fn register(idp: &Idp, name: &str) -> Bank {
        let (es256, rs256, jwks_path) = Bank::keys(idp, name);
        let reg = idp.client(
            name,
            &[
                "--redirect-uri",
                RP_CALLBACK,
                "--jwks-file",
                &jwks_path,
                "--profile",
                "fapi2",
            ],
        );
        Bank {
            id: reg.id,
            es256,
            rs256,
            jwks_path,
        }
    }

    fn assertion(&self, key: &SigningKeyPair, aud: &str) -> String {
        let jti = idp_core::random::token(&OsRandom);
        key.sign_jwt(
            "JWT",
            &json!({"iss": self.id, "sub": self.id, "aud": aud, "jti": jti,
                    "iat": now(), "exp": now() + 60}),
        )
        .unwrap()
    }

    /// POST /par with an assertion signed by `key`; the status and body.
    async fn push(&self, idp: &Idp, key: &SigningKeyPair, challenge: &str) -> (StatusCode, Value) {
        let assertion = self.assertion(key, &idp.base);
        let response = http()
            .post(idp.url("/par"))
            .form(&[
                ("client_id", self.id.as_str()),
                ("response_type", "code"),
                ("scope", "openid email"),
                ("redirect_uri", RP_CALLBACK),
                ("state", "fapi-state"),
                ("nonce", "fapi-nonce"),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", assertion.as_str()),
            ])
            .send()
            .await
            .unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    /// Exchanges `code` with an ES256 assertion and, if given, a DPoP proof.
    async fn exchange(
        &self,
        idp: &Idp,
        code: &str,
        verifier: &str,
        proof: Option<String>,
    ) -> (StatusCode, Value) {
        let assertion = self.assertion(&self.es256, &idp.url("/token"));
        let mut request = http().post(idp.url("/token")).form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", RP_CALLBACK),
            ("code_verifier", verifier),
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", assertion.as_str()),
        ]);
        if let Some(p) = proof {
            request = request.header("DPoP", p);
        }
        let response = request.send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }
}

/// An ES256 DPoP key (RFC 9449), signing proofs by hand.
struct DpopKey(EcdsaKeyPair);

impl DpopKey {
    fn new() -> DpopKey {
        let rng = SystemRandom::new();
        let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
        let der = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
        DpopKey(EcdsaKeyPair::from_pkcs8(alg, der.as_ref(), &rng).unwrap())
    }

    fn proof(&self, htm: &str, htu: &str) -> String {
        let p = self.0.public_key().as_ref();
        let header = json!({"typ": "dpop+jwt", "alg": "ES256",
            "jwk": {"kty": "EC", "crv": "P-256", "x": b64(&p[1..33]), "y": b64(&p[33..65])}});
        let claims = json!({"jti": idp_core::random::token(&OsRandom), "htm": htm, "htu": htu,
            "iat": now()});
        let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let sig = self.0.sign(&SystemRandom::new(), input.as_bytes()).unwrap();
        format!("{input}.{}", b64(sig.as_ref()))
    }
}

fn pkce() -> (String, String) {
    let verifier = idp_core::random::token(&OsRandom);
    (verifier.clone(), b64(Sha256::digest(verifier.as_bytes())))
}

#[tokio::test]
async fn a_fapi2_client_signs_in_only_through_par_private_key_jwt_and_dpop() {
    let idp = Idp::start().await;
    let bank = Bank::register(&idp, "Bank");
    let doc: Value = http()
        .get(idp.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let assertion_algs = doc["token_endpoint_auth_signing_alg_values_supported"]
        .as_array()
        .unwrap();
    assert!(assertion_algs.contains(&json!("PS256")), "{doc}");

    // A request straight to /authorize is refused: the profile requires PAR.
    let (_, challenge) = pkce();
    let plain = authorize_url(
        &idp.base,
        &[
            ("client_id", bank.id.as_str()),
            ("response_type", "code"),
            ("scope", "openid"),
            ("redirect_uri", RP_CALLBACK),
            ("state", "plain"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ],
    );
    let response = idp.browser().get(&plain).await;
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_eq!(query(&location)["error"], "invalid_request", "{location}");

    // An RS256 client assertion is refused, though the key is registered.
    let (verifier, challenge) = pkce();
    let (status, body) = bank.push(&idp, &bank.rs256, &challenge).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_client");

    // ES256 is accepted; the browser signs in through the pushed request.
    let (status, body) = bank.push(&idp, &bank.es256, &challenge).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let request_uri = body["request_uri"].as_str().unwrap();
    let callback = idp
        .browser()
        .authorize(&authorize_url(
            &idp.base,
            &[
                ("client_id", bank.id.as_str()),
                ("request_uri", request_uri),
            ],
        ))
        .await;
    let q = query(&callback);
    assert_eq!(q["state"], "fapi-state", "{callback}");
    assert_eq!(q["iss"], idp.base, "RFC 9207: iss in the response");

    // Without a DPoP proof the token request fails, and the code is left usable.
    let (status, body) = bank.exchange(&idp, &q["code"], &verifier, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_dpop_proof");

    let key = DpopKey::new();
    let proof = key.proof("POST", &idp.url("/token"));
    let (status, tokens) = bank
        .exchange(&idp, &q["code"], &verifier, Some(proof))
        .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "DPoP");
    let access = jwt_part(tokens["access_token"].as_str().unwrap(), 1);
    assert!(access["cnf"]["jkt"].is_string(), "{access}");
    let header = jwt_part(tokens["id_token"].as_str().unwrap(), 0);
    assert_eq!(header["alg"], "ES256", "FAPI 2.0: no RS256 ID tokens");
}

#[tokio::test]
async fn a_fapi2_registration_cannot_be_configured_below_the_profile() {
    let idp = Idp::start().await;
    let refused = |args: &[&str]| {
        let mut all = vec!["client", "create", "--org", "acme", "--name", "Weak"];
        all.extend_from_slice(args);
        let out = support::run(&idp.server.dir, &idp.env(), &all);
        assert!(!out.status.success(), "{args:?} was accepted");
        support::stderr(&out)
    };
    let (_, _, jwks) = Bank::keys(&idp, "weak");
    // A client secret instead of keys, a public client, RS256 ID tokens, optional PKCE
    // and a private-use redirect scheme are each below the profile.
    let why = refused(&["--redirect-uri", RP_CALLBACK, "--profile", "fapi2"]);
    assert!(why.contains("private_key_jwt"), "{why}");
    let why = refused(&[
        "--redirect-uri",
        RP_CALLBACK,
        "--public",
        "--profile",
        "fapi2",
    ]);
    assert!(why.contains("private_key_jwt"), "{why}");
    let why = refused(&[
        "--redirect-uri",
        RP_CALLBACK,
        "--jwks-file",
        &jwks,
        "--signing-alg",
        "RS256",
        "--profile",
        "fapi2",
    ]);
    assert!(why.contains("ES256 or EdDSA"), "{why}");
    let why = refused(&[
        "--redirect-uri",
        "com.example.bank:/callback",
        "--jwks-file",
        &jwks,
        "--profile",
        "fapi2",
    ]);
    assert!(why.contains("https"), "{why}");

    // A registered FAPI 2.0 client cannot drop pushed requests or DPoP, by the command
    // line or the administration API's rules, and keeps both after an unrelated change.
    let bank = Bank::register(&idp, "Bank");
    for flag in ["--require-par", "--dpop-bound-access-tokens"] {
        let out = support::run(
            &idp.server.dir,
            &idp.env(),
            &["client", "update", "--id", &bank.id, flag, "false"],
        );
        assert!(!out.status.success(), "{flag} false was accepted");
        assert!(support::stderr(&out).contains("FAPI 2.0"));
    }
    let listed = idp.cli(&["client", "list", "--org", "acme", "--json"]);
    let mine = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client_id"] == bank.id.as_str())
        .unwrap()
        .clone();
    assert_eq!(mine["security_profile"], "fapi2", "{mine}");
    assert_eq!(mine["require_pushed_authorization_requests"], true);
    assert_eq!(mine["dpop_bound_access_tokens"], true);
    assert_eq!(mine["id_token_signed_response_alg"], "ES256");
    assert!(!bank.jwks_path.is_empty());
}
