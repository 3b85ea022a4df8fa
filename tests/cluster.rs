//! End-to-end tests of several `idp` nodes on one PostgreSQL database and one Redis,
//! the way a cluster runs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeSet;
use support::*;

/// Nodes share the master key that seals the signing keys, as a cluster must.
const MASTER_KEY: &str = "7f3c2a91d04be65f18a7c3d92e4b0f61a8d5c7e3b29f04a6d1e8c5b7a3f92d04";

/// The key ids a node publishes.
async fn published_kids(base: &str) -> BTreeSet<String> {
    let jwks: serde_json::Value = reqwest::get(format!("{base}/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

/// Three nodes started at once on a fresh database (migrated first when `migrated`);
/// asserts that all publish one and the same key set.
async fn three_nodes_start_together(test: &str, migrated: bool) {
    let (Some(pg), Some(redis)) = (
        backend_url("IDP_TEST_DATABASE_URL", test),
        backend_url("IDP_TEST_REDIS_URL", test),
    ) else {
        return;
    };
    let db = PgDatabase::create(&pg);
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut env = vec![
        ("IDP_DATABASE__URL", db.url.as_str()),
        ("IDP_REDIS__URL", redis.as_str()),
        ("IDP_MASTER_KEY", MASTER_KEY),
    ];
    if migrated {
        let out = run(dirs[0].path(), &env, &["migrate"]);
        assert!(out.status.success(), "{}", stderr(&out));
        env.push(("IDP_DATABASE__MIGRATE_ON_START", "false"));
    }
    let (a, b, c) = tokio::join!(
        Server::start(dirs[0].path(), &env),
        Server::start(dirs[1].path(), &env),
        Server::start(dirs[2].path(), &env),
    );
    let first = published_kids(&a.base).await;
    assert_eq!(
        first.len(),
        6,
        "a current and a next key for each of RS256, ES256 and EdDSA: {first:?}"
    );
    for node in [&b, &c] {
        assert_eq!(published_kids(&node.base).await, first, "{}", node.base);
    }
    let current = db.values("SELECT COUNT(*) AS v FROM signing_keys WHERE state = 'current'");
    assert_eq!(current, [3], "one current key per algorithm");
}

#[tokio::test]
async fn three_nodes_starting_together_on_an_empty_database_migrate_once_and_publish_one_key_set() {
    three_nodes_start_together(
        "three_nodes_starting_together_on_an_empty_database_migrate_once_and_publish_one_key_set",
        false,
    )
    .await;
}

#[tokio::test]
async fn three_nodes_starting_together_on_a_migrated_database_create_each_key_once() {
    three_nodes_start_together(
        "three_nodes_starting_together_on_a_migrated_database_create_each_key_once",
        true,
    )
    .await;
}
