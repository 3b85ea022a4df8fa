//! What one password check costs with the shipped argon2id parameters, in a reused buffer
//! as the hashing pool does: the figure that bounds sign-ins per core. The second figure
//! runs one check on every core at once, as the pool does under a flood: the checks then
//! share the memory bus and the last-level cache, so `cores / time` of that one is the
//! machine's real sign-in limit. Run with `cargo bench -p idp-core --bench password`.

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
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut memories: Vec<HashMemory> = (0..cores).map(|_| HashMemory::default()).collect();
    group.bench_function("argon2id verify on every core at once", |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                for memory in &mut memories {
                    let (hashing, password, phc) = (&hashing, &password, &phc);
                    s.spawn(move || assert!(hashing.verify_in(password, phc, memory)));
                }
            });
        });
    });
    group.finish();
}

criterion_group!(benches, password);
criterion_main!(benches);
