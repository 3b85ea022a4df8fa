//! What one password check costs with the shipped argon2id parameters, in a reused buffer
//! as the hashing pool does: the figure that bounds sign-ins per core.
//! Run with `cargo bench -p idp-core --bench password`.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark fails loudly on setup errors"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use idp_core::crypto::{HashMemory, PasswordHashing};
use idp_core::random::OsRandom;
use idp_core::secret::Password;
use std::hint::black_box;

fn password(c: &mut Criterion) {
    let hashing = PasswordHashing::default();
    let password = Password::new("correct horse battery staple");
    let phc = hashing.hash(&OsRandom, &password).unwrap();
    let mut memory = HashMemory::default();
    let mut group = c.benchmark_group("password");
    group.sample_size(20);
    group.bench_function("argon2id verify, shipped parameters", |b| {
        b.iter(|| assert!(hashing.verify_in(black_box(&password), black_box(&phc), &mut memory)));
    });
    group.finish();
}

criterion_group!(benches, password);
criterion_main!(benches);
