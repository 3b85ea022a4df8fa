//! What checking a second-factor code costs: opening the sealed secret and comparing the
//! three codes of the drift window. Run with `cargo bench -p idp-core --bench second_factor`.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark fails loudly on setup errors"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use idp_core::Timestamp;
use idp_core::crypto::{MasterKey, TokenDigest};
use idp_core::mfa::normalize_recovery_code;
use idp_core::random::OsRandom;
use idp_core::totp::{self, TotpSecret};
use std::hint::black_box;

fn second_factor(c: &mut Criterion) {
    let key = MasterKey::generate(&OsRandom);
    let secret = TotpSecret::generate(&OsRandom);
    let sealed = key.seal(&OsRandom, totp::SEAL_PURPOSE, secret.expose());
    let now = Timestamp::from_secs(1_800_000_000);
    let code = totp::code_at_step(&secret, totp::step_at(now) + 1);
    c.bench_function("totp open sealed secret and match window", |b| {
        b.iter(|| {
            let s =
                TotpSecret::from_bytes(key.open(totp::SEAL_PURPOSE, black_box(&sealed)).unwrap());
            totp::matching_step(&s, black_box(&code), now).unwrap()
        });
    });
    c.bench_function("recovery code normalize and digest", |b| {
        b.iter(|| {
            TokenDigest::of(&normalize_recovery_code(black_box("ABCD-efgh-jkmn-pqrs")).unwrap())
        });
    });
}

criterion_group!(benches, second_factor);
criterion_main!(benches);
