//! Signing and verification speed per algorithm, with keys parsed once as the server does.
//! Run with `cargo bench -p idp-core --bench jose`.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark fails loudly on setup errors"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use idp_core::client::SigningAlg;
use idp_core::jose::{JwkSet, SigningKeyPair, TYP_JWT, at_hash, verify_jwt};
use idp_core::random::OsRandom;
use serde_json::json;
use std::hint::black_box;

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
    c.bench_function("at_hash RS256", |b| {
        b.iter(|| at_hash(black_box("jHkWEdUXMU1BwAsC4vtUsZwnNk0m"), SigningAlg::Rs256));
    });
}

criterion_group!(benches, jose);
criterion_main!(benches);
