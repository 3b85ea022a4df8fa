//! Signing and verification speed per algorithm, with keys parsed once as the server does.
//! Run with `cargo bench -p idp-core --bench jose`.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a benchmark fails loudly on setup errors"
)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use idp_core::Timestamp;
use idp_core::client::SigningAlg;
use idp_core::crypto::MasterKey;
use idp_core::jose::{JwkSet, SigningKeyPair, TYP_JWT, at_hash, verify_jwt};
use idp_core::oidc::dpop::{Dpop, DpopRules, Target};
use idp_core::random::OsRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use serde_json::json;
use std::hint::black_box;
use std::time::Duration;

/// Signatures each thread makes per iteration of the all-cores figure: enough that
/// starting the threads does not count.
const PARALLEL_SIGNS: u32 = 64;

fn jose(c: &mut Criterion) {
    let claims = json!({
        "iss": "https://idp.example.com",
        "sub": "0190d7a4-6a1e-7c3b-9f51-4a2b8c0d1e2f",
        "aud": "0190d7a4-6a1e-7c3b-9f51-4a2b8c0d1e30",
        "exp": 1_700_000_300,
        "iat": 1_700_000_000,
        "auth_time": 1_699_999_990,
        "nonce": "n-0S6_WzA2Mj",
        "email": "ada@example.com",
        "email_verified": true,
        "at_hash": "IPAMYIpQhtFcQVXb_GqhdA",
    });
    for alg in [SigningAlg::Rs256, SigningAlg::Es256, SigningAlg::EdDsa] {
        let (key, _) = SigningKeyPair::generate(alg, &OsRandom).unwrap();
        let keys = JwkSet::new(vec![key.verifying_key().unwrap()]);
        let token = key.sign_jwt(TYP_JWT, &claims).unwrap();
        c.bench_function(&format!("sign_jwt {alg}"), |b| {
            b.iter(|| key.sign_jwt(TYP_JWT, black_box(&claims)).unwrap());
        });
        c.bench_function(&format!("verify_jwt {alg}"), |b| {
            b.iter(|| verify_jwt(black_box(&token), &keys, &[alg]).unwrap());
        });
    }
    // The RS256 exchange's limit: signatures on every core at once share what the cores
    // share (caches, a hyperthread's twin), so this is the signing rate the machine has.
    let (key, _) = SigningKeyPair::generate(SigningAlg::Rs256, &OsRandom).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    c.bench_function(
        &format!("sign_jwt RS256, {PARALLEL_SIGNS} on every core at once"),
        |b| {
            b.iter(|| {
                std::thread::scope(|s| {
                    for _ in 0..cores {
                        s.spawn(|| {
                            for _ in 0..PARALLEL_SIGNS {
                                key.sign_jwt(TYP_JWT, black_box(&claims)).unwrap();
                            }
                        });
                    }
                });
            });
        },
    );
    c.bench_function("at_hash RS256", |b| {
        b.iter(|| at_hash(black_box("jHkWEdUXMU1BwAsC4vtUsZwnNk0m"), SigningAlg::Rs256));
    });
}

/// A DPoP proof's check (all but the `jti`'s single use), beside the access token's
/// verification it accompanies at userinfo: the split of a DPoP request's extra cost.
fn dpop(c: &mut Criterion) {
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let point = pair.public_key().as_ref();
    let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": {
        "kty": "EC", "crv": "P-256", "x": b64(&point[1..33]), "y": b64(&point[33..])}});
    let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl";
    let now = 1_800_000_000;
    let claims = json!({"jti": "e1j3V_bKic8-LAEB", "htm": "GET",
        "htu": "https://idp.example.com/userinfo", "iat": now,
        "ath": idp_core::oidc::dpop::ath(token)});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let sig = pair.sign(&rng, input.as_bytes()).unwrap();
    let proof = format!("{input}.{}", b64(sig.as_ref()));
    let rules = DpopRules {
        iat_window: Duration::from_secs(60),
        require_nonce: false,
        nonce_step: Duration::from_secs(300),
    };
    let dpop = Dpop::new(rules, &MasterKey::parse(&"11".repeat(32)).unwrap());
    let target = Target {
        method: "GET",
        url: "https://idp.example.com/userinfo",
        access_token: Some(token),
    };
    c.bench_function("dpop proof check ES256", |b| {
        b.iter(|| {
            dpop.check(black_box(&proof), &target, Timestamp::from_secs(now))
                .unwrap()
        });
    });
}

criterion_group!(benches, jose, dpop);
criterion_main!(benches);
