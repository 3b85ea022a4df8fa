//! The durable store contract: every repository port, the same tests on every database
//! backend. Each contract is one async function over a fresh, migrated [`Database`];
//! `contract_tests!` turns it into one `#[tokio::test]` per backend
//! (`sqlite_…` on a temp file, `postgres_…` on a database made for that test).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "an integration test crate is not a #[cfg(test)] module, so clippy.toml's test allowances do not reach it"
)]

mod common;

use common::TestDb;

/// One `#[tokio::test]` per backend for each contract: `contract => sqlite_name, postgres_name;`,
/// optionally preceded by attributes (such as `#[ignore = "why"]`) that both tests get.
macro_rules! contract_tests {
    ($($(#[$meta:meta])* $contract:ident => $sqlite:ident, $postgres:ident;)+) => {
        $(
            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $sqlite() {
                let t = TestDb::sqlite().await;
                contracts::$contract(&t.db).await;
            }

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $postgres() {
                let Some(t) = TestDb::postgres(stringify!($postgres)).await else { return };
                contracts::$contract(&t.db).await;
            }
        )+
    };
}

contract_tests! {
    orgs_subtree_slug_and_conflict => sqlite_orgs_subtree_slug_and_conflict, postgres_orgs_subtree_slug_and_conflict;
    users_insert_find_and_conflict => sqlite_users_insert_find_and_conflict, postgres_users_insert_find_and_conflict;
    users_keyset_paging => sqlite_users_keyset_paging, postgres_users_keyset_paging;
    users_super_admins_and_status => sqlite_users_super_admins_and_status, postgres_users_super_admins_and_status;
    members_search_filters_pages_and_counts => sqlite_members_search_filters_pages_and_counts, postgres_members_search_filters_pages_and_counts;
    credentials_round_trip => sqlite_credentials_round_trip, postgres_credentials_round_trip;
    recovery_codes_single_use => sqlite_recovery_codes_single_use, postgres_recovery_codes_single_use;
    second_factor_lock_swap_and_reset => sqlite_second_factor_lock_swap_and_reset, postgres_second_factor_lock_swap_and_reset;
    password_failures_lock_and_a_new_password_unlocks => sqlite_password_failures_lock_and_a_new_password_unlocks, postgres_password_failures_lock_and_a_new_password_unlocks;
    one_time_links_work_once_and_expire => sqlite_one_time_links_work_once_and_expire, postgres_one_time_links_work_once_and_expire;
    a_link_is_used_only_for_its_purpose => sqlite_a_link_is_used_only_for_its_purpose, postgres_a_link_is_used_only_for_its_purpose;
    login_methods_count_and_upstream => sqlite_login_methods_count_and_upstream, postgres_login_methods_count_and_upstream;
    login_methods_concurrent_first_sign_ins => sqlite_login_methods_concurrent_first_sign_ins, postgres_login_methods_concurrent_first_sign_ins;
    clients_round_trip_and_delete => sqlite_clients_round_trip_and_delete, postgres_clients_round_trip_and_delete;
    keys_publication => sqlite_keys_publication, postgres_keys_publication;
    keys_created_once_by_nodes_starting_together => sqlite_keys_created_once_by_nodes_starting_together, postgres_keys_created_once_by_nodes_starting_together;
    grants_round_trip_and_revoke => sqlite_grants_round_trip_and_revoke, postgres_grants_round_trip_and_revoke;
    revocations_recorded_found_and_cleaned_up => sqlite_revocations_recorded_found_and_cleaned_up, postgres_revocations_recorded_found_and_cleaned_up;
    refresh_tokens_rotation_and_reuse => sqlite_refresh_tokens_rotation_and_reuse, postgres_refresh_tokens_rotation_and_reuse;
    refresh_tokens_bound_to_a_dpop_key => sqlite_refresh_tokens_bound_to_a_dpop_key, postgres_refresh_tokens_bound_to_a_dpop_key;
    refresh_tokens_single_use_under_concurrency => sqlite_refresh_tokens_single_use_under_concurrency, postgres_refresh_tokens_single_use_under_concurrency;
    refresh_tokens_concurrent_use_has_one_winner => sqlite_refresh_tokens_concurrent_use_has_one_winner, postgres_refresh_tokens_concurrent_use_has_one_winner;
    grant_writes_made_together_fail_alone => sqlite_grant_writes_made_together_fail_alone, postgres_grant_writes_made_together_fail_alone;
    consents_upsert_find_delete => sqlite_consents_upsert_find_delete, postgres_consents_upsert_find_delete;
    sessions_live_touch_and_end => sqlite_sessions_live_touch_and_end, postgres_sessions_live_touch_and_end;
    sessions_end_all_counts_live_sessions => sqlite_sessions_end_all_counts_live_sessions, postgres_sessions_end_all_counts_live_sessions;
    policies_ip_lists_and_admins => sqlite_policies_ip_lists_and_admins, postgres_policies_ip_lists_and_admins;
    audit_chains_and_search => sqlite_audit_chains_and_search, postgres_audit_chains_and_search;
    audit_concurrent_appends_keep_the_chain => sqlite_audit_concurrent_appends_keep_the_chain, postgres_audit_concurrent_appends_keep_the_chain;
    audit_batch_append_continues_the_chains => sqlite_audit_batch_append_continues_the_chains, postgres_audit_batch_append_continues_the_chains;
    audit_export_pages_read_ahead_and_miss_nothing => sqlite_audit_export_pages_read_ahead_and_miss_nothing, postgres_audit_export_pages_read_ahead_and_miss_nothing;
    audit_commit_saves_a_change_only_with_its_event => sqlite_audit_commit_saves_a_change_only_with_its_event, postgres_audit_commit_saves_a_change_only_with_its_event;
    audit_retention_records_its_cut_and_the_chain_continues => sqlite_audit_retention_records_its_cut_and_the_chain_continues, postgres_audit_retention_records_its_cut_and_the_chain_continues;
    orgs_move_rename_delete_and_member_counts => sqlite_orgs_move_rename_delete_and_member_counts, postgres_orgs_move_rename_delete_and_member_counts;
    users_update_is_conditional_and_delete_takes_everything => sqlite_users_update_is_conditional_and_delete_takes_everything, postgres_users_update_is_conditional_and_delete_takes_everything;
    clients_update_writes_the_registration => sqlite_clients_update_writes_the_registration, postgres_clients_update_writes_the_registration;
    member_imports_claimed_once_and_advanced_in_order => sqlite_member_imports_claimed_once_and_advanced_in_order, postgres_member_imports_claimed_once_and_advanced_in_order;
    members_read_in_bulk_for_import_and_export => sqlite_members_read_in_bulk_for_import_and_export, postgres_members_read_in_bulk_for_import_and_export;
    audit_exports_claimed_once_written_under_lease_and_taken_over => sqlite_audit_exports_claimed_once_written_under_lease_and_taken_over, postgres_audit_exports_claimed_once_written_under_lease_and_taken_over;
    logout_deliveries_queued_with_the_end_and_leased_once => sqlite_logout_deliveries_queued_with_the_end_and_leased_once, postgres_logout_deliveries_queued_with_the_end_and_leased_once;
    logos_replaced_removed_and_gone_with_their_organization => sqlite_logos_replaced_removed_and_gone_with_their_organization, postgres_logos_replaced_removed_and_gone_with_their_organization;
    passkeys_unique_used_by_swap_and_gone_with_every_reset => sqlite_passkeys_unique_used_by_swap_and_gone_with_every_reset, postgres_passkeys_unique_used_by_swap_and_gone_with_every_reset;
}

/// Records as a use case would build them, with fixed times.
/// The members searches are prepared statements: PostgreSQL must plan each for its own
/// values, never fall back to a generic plan that reads every member for a `LIKE`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_member_searches_are_planned_for_their_values() {
    use diesel::sql_types::BigInt;
    use diesel::{QueryableByName, RunQueryDsl as _};
    use idp_core::members::MemberFilter;
    use idp_core::ports::{OrgRepo, UserRepo};
    use idp_store::db::DbConnection;

    #[derive(QueryableByName)]
    struct Plans {
        #[diesel(sql_type = BigInt)]
        generic: i64,
        #[diesel(sql_type = BigInt)]
        custom: i64,
    }

    let Some(t) = TestDb::postgres("postgres_member_searches_are_planned_for_their_values").await
    else {
        return;
    };
    let db = t.one_connection();
    let acme = fixtures::org("Acme", "acme", None);
    OrgRepo::insert(&db, &acme).await.unwrap();
    fixtures::insert_member(&db, &acme.id, "ada@example.org").await;
    // PostgreSQL considers a generic plan from a statement's sixth run.
    for text in ["ada", "bob", "example", "org", "a", "d", "lovelace", "ada@"] {
        let filter = MemberFilter {
            text: Some(text.into()),
            ..MemberFilter::of(&acme, true)
        };
        UserRepo::search(&db, &filter, None, 10, fixtures::NOW)
            .await
            .unwrap();
        UserRepo::count_matching(&db, &filter, fixtures::NOW, 100)
            .await
            .unwrap();
    }
    let plans = db
        .run(|c| {
            let DbConnection::Postgres(pg) = c else {
                unreachable!("a PostgreSQL store")
            };
            diesel::sql_query(
                "SELECT coalesce(sum(generic_plans), 0)::bigint AS generic, \
                 coalesce(sum(custom_plans), 0)::bigint AS custom \
                 FROM pg_prepared_statements WHERE statement LIKE '%ESCAPE%'",
            )
            .get_result::<Plans>(pg)
            .map_err(|e| idp_core::ports::StoreError::Backend(e.to_string()))
        })
        .await
        .unwrap();
    assert_eq!(plans.generic, 0, "no search ran on a generic plan");
    assert!(plans.custom >= 16, "{} custom plans", plans.custom);

    // The trigram indexes merge their pending list at 64 kB, not 4 MB: a search after
    // a large import does not read megabytes of unmerged entries.
    #[derive(QueryableByName)]
    struct Options {
        #[diesel(sql_type = diesel::sql_types::Text)]
        options: String,
    }
    let indexes = db
        .run(|c| {
            let DbConnection::Postgres(pg) = c else {
                unreachable!("a PostgreSQL store")
            };
            diesel::sql_query(
                "SELECT coalesce(array_to_string(reloptions, ','), '') AS options \
                 FROM pg_class WHERE relname IN ('users_email_trgm', 'users_name_trgm') \
                 ORDER BY relname",
            )
            .load::<Options>(pg)
            .map_err(|e| idp_core::ports::StoreError::Backend(e.to_string()))
        })
        .await
        .unwrap();
    assert_eq!(
        indexes.len(),
        2,
        "both trigram indexes exist (pg_trgm is installed)"
    );
    for index in indexes {
        assert!(
            index.options.contains("gin_pending_list_limit=64"),
            "{}",
            index.options
        );
    }
}

mod fixtures {
    use idp_core::Timestamp;
    use idp_core::client::{Client, ClientAuthMethod, GrantType, RedirectUri, SigningAlg};
    use idp_core::crypto::TokenDigest;
    use idp_core::email::Email;
    use idp_core::ids::{ClientId, GrantId, OrgId, SessionId, UserId};
    use idp_core::org::Organization;
    use idp_core::ports::{ClientRepo, OrgRepo, UserRepo};
    use idp_core::records::{BrowserSession, Credentials, Grant, RefreshToken, User, UserStatus};
    use idp_store::Database;
    use std::time::Duration;

    /// The fixed "now" of every contract.
    pub const NOW: Timestamp = Timestamp::from_secs(1_700_000_000);

    pub fn at(secs: u64) -> Timestamp {
        NOW.plus(Duration::from_secs(secs))
    }

    pub fn before(secs: u64) -> Timestamp {
        NOW.minus(Duration::from_secs(secs))
    }

    pub fn org(name: &str, slug: &str, parent: Option<&Organization>) -> Organization {
        Organization::new(name, Some(slug), parent, NOW).unwrap()
    }

    pub async fn insert_org(db: &Database, slug: &str) -> Organization {
        let o = org(slug, slug, None);
        OrgRepo::insert(db, &o).await.unwrap();
        o
    }

    pub fn member(org: &OrgId, email: &str) -> User {
        User {
            id: UserId::generate(),
            org_id: org.clone(),
            email: Email::parse(email).unwrap(),
            email_verified: true,
            name: Some("Ada Lovelace".into()),
            given_name: Some("Ada".into()),
            family_name: Some("Lovelace".into()),
            locale: Some("en-GB".into()),
            zoneinfo: Some("Europe/London".into()),
            job_title: Some("Analyst".into()),
            phone: Some("+44 20 7946 0000".into()),
            status: UserStatus::Active,
            super_admin: false,
            created_at: NOW,
            updated_at: NOW,
        }
    }

    pub async fn insert_member(db: &Database, org: &OrgId, email: &str) -> User {
        let u = member(org, email);
        UserRepo::insert(db, &u, &Credentials::empty(u.id.clone(), NOW))
            .await
            .unwrap();
        u
    }

    pub fn uri(text: &str) -> RedirectUri {
        RedirectUri::parse(text).unwrap()
    }

    /// A confidential client with every optional field set.
    pub fn full_client(org: &OrgId) -> Client {
        Client {
            id: ClientId::generate(),
            org_id: org.clone(),
            name: "Payroll".into(),
            secret_digest: Some(TokenDigest::of("payroll-secret")),
            auth_method: ClientAuthMethod::ClientSecretPost,
            redirect_uris: vec![uri("https://payroll.example.org/cb?x=1"), uri("http://127.0.0.1/cb")],
            post_logout_redirect_uris: vec![uri("https://payroll.example.org/bye")],
            grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken, GrantType::ClientCredentials],
            extra_scopes: vec!["payroll:read".into(), "payroll:write".into()],
            first_party: true,
            require_pkce: false,
            id_token_alg: SigningAlg::EdDsa,
            access_token_ttl_secs: Some(300),
            id_token_ttl_secs: Some(600),
            refresh_token_ttl_secs: Some(2_592_000),
            backchannel_logout_uri: Some("https://payroll.example.org/logout".into()),
            backchannel_logout_session_required: true,
            subject_type: idp_core::client::SubjectType::Pairwise,
            sector_identifier_uri: Some("https://payroll.example.org/sector.json".into()),
            security_profile: idp_core::client::SecurityProfile::Fapi2,
            jwks: Some(r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#.into()),
            created_at: at(1),
            updated_at: at(2),
            require_pushed_authorization_requests: true,
            require_signed_request_object: true,
            dpop_bound_access_tokens: true,
        }
    }

    /// A public client with every optional field absent.
    pub fn public_client(org: &OrgId) -> Client {
        Client {
            id: ClientId::generate(),
            org_id: org.clone(),
            name: "Mobile".into(),
            secret_digest: None,
            auth_method: ClientAuthMethod::None,
            redirect_uris: vec![uri("com.example.app:/oauth2redirect")],
            post_logout_redirect_uris: Vec::new(),
            grant_types: vec![GrantType::AuthorizationCode],
            extra_scopes: Vec::new(),
            first_party: false,
            require_pkce: true,
            id_token_alg: SigningAlg::Rs256,
            access_token_ttl_secs: None,
            id_token_ttl_secs: None,
            refresh_token_ttl_secs: None,
            backchannel_logout_uri: None,
            backchannel_logout_session_required: false,
            subject_type: idp_core::client::SubjectType::Public,
            sector_identifier_uri: None,
            security_profile: idp_core::client::SecurityProfile::Standard,
            jwks: None,
            dpop_bound_access_tokens: false,
            created_at: NOW,
            updated_at: NOW,
            require_pushed_authorization_requests: false,
            require_signed_request_object: false,
        }
    }

    pub async fn insert_client(db: &Database, org: &OrgId) -> Client {
        let c = full_client(org);
        ClientRepo::insert(db, &c).await.unwrap();
        c
    }

    pub fn grant(user: &UserId, client: &ClientId) -> Grant {
        Grant {
            id: GrantId::generate(),
            user_id: Some(user.clone()),
            client_id: client.clone(),
            scopes: vec!["openid".into(), "offline_access".into()],
            auth_time: Some(before(30)),
            amr: vec!["pwd".into(), "otp".into()],
            session_id: Some(SessionId::generate()),
            created_at: NOW,
            revoked_at: None,
            dpop_jkt: None,
        }
    }

    pub fn refresh(grant: &GrantId, token: &str, expires_at: Timestamp) -> RefreshToken {
        RefreshToken {
            digest: TokenDigest::of(token),
            grant_id: grant.clone(),
            scopes: vec!["openid".into(), "offline_access".into()],
            created_at: NOW,
            expires_at,
            used_at: None,
        }
    }

    /// A replacement for a refresh token being used, unique per call.
    pub fn next_token() -> idp_core::ports::Rotation {
        idp_core::ports::Rotation {
            digest: TokenDigest::of(idp_core::ids::EventId::generate().as_str()),
            expires_at: at(7200),
            proof_jkt: None,
        }
    }

    pub fn session(user: &UserId, expires_at: Timestamp) -> BrowserSession {
        BrowserSession {
            id: SessionId::generate(),
            user_id: user.clone(),
            auth_time: before(60),
            amr: vec!["pwd".into(), "otp".into()],
            ip: Some("192.0.2.10".into()),
            user_agent: Some("Mozilla/5.0 (contract)".into()),
            created_at: before(60),
            last_seen_at: before(60),
            expires_at,
            ended_at: None,
            idle_timeout: Some(std::time::Duration::from_secs(900)),
        }
    }
}

mod contracts {
    use super::fixtures::*;
    use idp_core::Timestamp;
    use idp_core::audit::{
        ActivityType, ActorKind, AuditCursor, AuditEvent, AuditFilter, EventKind, GENESIS,
        InfoType, NewAuditEvent, verify_chain,
    };
    use idp_core::audit_jobs::{ExportJob, ExportRecord, ExportStatus};
    use idp_core::crypto::TokenDigest;
    use idp_core::email::Email;
    use idp_core::ids::{ClientId, OrgId, UserId};
    use idp_core::org::Organization;
    use idp_core::ports::{
        Admission, AuditRepo, Change, ClientRepo, ConsentRepo, CredentialRepo, FailureRecord,
        GrantRepo, KeyRepo, LoginMethodRepo, OrgRepo, PolicyRepo, SessionRepo, StoreError,
        UserRepo,
    };
    use idp_core::records::{
        AdminAssignment, Consent, Credentials, Grant, IpListEntry, IpListPurpose, KeyState,
        LoginMethodKind, OrgPolicyRecord, Profile, RecoveryCodeSummary, RefreshToken, RefreshUse,
        SecondFactorLock, SignInRecord, SigningKey, UserStatus,
    };
    use idp_store::Database;
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::Arc;
    use tokio::sync::Barrier;
    use tokio::task::JoinSet;

    fn assert_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) {
        match result {
            Err(StoreError::Conflict { .. }) => {}
            other => panic!("{what}: expected StoreError::Conflict, got {other:?}"),
        }
    }

    // 1. Organizations: a tree stored with materialized paths.
    pub async fn orgs_subtree_slug_and_conflict(db: &Database) {
        let root = org("Acme", "acme", None);
        let child = org("Sales", "sales", Some(&root));
        let grandchild = org("EMEA", "sales-emea", Some(&child));
        let sibling = org("Support", "support", Some(&root));
        let nephew = org("Tier 1", "support-tier-1", Some(&sibling));
        // Siblings whose ids extend the child's id: their paths start like the child's
        // path but are not below it, so they must stay outside its subtree.
        let mut after_child = org("Sales Zero", "sales-zero", Some(&root));
        after_child.id = OrgId::from_string(format!("{}0", child.id));
        after_child.path = format!("{}{}/", root.path, after_child.id);
        let mut before_child = org("Sales Dash", "sales-dash", Some(&root));
        before_child.id = OrgId::from_string(format!("{}-x", child.id));
        before_child.path = format!("{}{}/", root.path, before_child.id);
        let all = [
            &root,
            &child,
            &grandchild,
            &sibling,
            &nephew,
            &after_child,
            &before_child,
        ];
        for o in all {
            OrgRepo::insert(db, o).await.unwrap();
        }

        let subtree = OrgRepo::find_subtree(db, &child.path).await.unwrap();
        assert_eq!(
            subtree,
            vec![child.clone(), grandchild.clone()],
            "the child's subtree"
        );
        let subtree = OrgRepo::find_subtree(db, &sibling.path).await.unwrap();
        assert_eq!(
            subtree,
            vec![sibling.clone(), nephew.clone()],
            "the sibling's subtree"
        );
        assert_eq!(
            OrgRepo::find_subtree(db, &grandchild.path).await.unwrap(),
            vec![grandchild.clone()]
        );

        let mut by_path: Vec<Organization> = all.iter().map(|o| (*o).clone()).collect();
        by_path.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        assert_eq!(
            OrgRepo::find_subtree(db, &root.path).await.unwrap(),
            by_path,
            "the whole tree, by path"
        );
        assert_eq!(OrgRepo::find_all(db).await.unwrap(), by_path);

        assert_eq!(
            OrgRepo::find_by_slug(db, "sales").await.unwrap(),
            Some(child.clone())
        );
        assert_eq!(
            OrgRepo::find_by_slug(db, "sales-emea").await.unwrap(),
            Some(grandchild.clone())
        );
        assert_eq!(OrgRepo::find_by_slug(db, "nobody").await.unwrap(), None);
        assert_eq!(
            OrgRepo::find_by_id(db, &nephew.id).await.unwrap(),
            Some(nephew.clone())
        );
        assert_eq!(
            OrgRepo::find_by_id(db, &OrgId::generate()).await.unwrap(),
            None
        );

        let same_slug = org("Other Sales", "sales", None);
        assert_conflict(
            OrgRepo::insert(db, &same_slug).await,
            "a second organization with slug 'sales'",
        );
        assert_eq!(OrgRepo::find_by_id(db, &same_slug.id).await.unwrap(), None);
        assert_eq!(
            OrgRepo::find_by_slug(db, "sales").await.unwrap(),
            Some(child.clone())
        );
        assert_eq!(OrgRepo::find_all(db).await.unwrap().len(), all.len());
    }

    // 2. Users.
    pub async fn users_insert_find_and_conflict(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let globex = insert_org(db, "globex").await;

        let ada = member(&acme.id, "ada@example.org");
        let creds = Credentials {
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into()),
            password_changed_at: Some(NOW),
            ..Credentials::empty(ada.id.clone(), NOW)
        };
        UserRepo::insert(db, &ada, &creds).await.unwrap();
        assert_eq!(
            UserRepo::find_by_id(db, &ada.id).await.unwrap(),
            Some(ada.clone())
        );
        assert_eq!(
            UserRepo::find_by_email(db, &acme.id, &ada.email)
                .await
                .unwrap(),
            Some(ada.clone())
        );
        assert_eq!(
            UserRepo::find_by_email(db, &globex.id, &ada.email)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            UserRepo::find_by_id(db, &UserId::generate()).await.unwrap(),
            None
        );
        assert_eq!(
            CredentialRepo::find_by_user(db, &ada.id).await.unwrap(),
            Some(creds.clone())
        );

        // The same address (typed differently) in the same organization.
        let twin = member(&acme.id, "ADA@Example.org");
        let twin_creds = Credentials {
            password_hash: Some("$argon2id$twin".into()),
            ..Credentials::empty(twin.id.clone(), NOW)
        };
        assert_conflict(
            UserRepo::insert(db, &twin, &twin_creds).await,
            "a second ada@example.org in acme",
        );
        assert_eq!(UserRepo::find_by_id(db, &twin.id).await.unwrap(), None);
        assert_eq!(
            CredentialRepo::find_by_user(db, &twin.id).await.unwrap(),
            None,
            "no stray credentials row"
        );
        assert_eq!(
            CredentialRepo::find_by_user(db, &ada.id).await.unwrap(),
            Some(creds),
            "ada's credentials kept"
        );

        // The same address in another organization is another member.
        let other = member(&globex.id, "ada@example.org");
        UserRepo::insert(db, &other, &Credentials::empty(other.id.clone(), NOW))
            .await
            .unwrap();
        assert_eq!(
            UserRepo::find_by_email(db, &globex.id, &other.email)
                .await
                .unwrap(),
            Some(other.clone())
        );
        assert_eq!(
            UserRepo::find_by_email(db, &acme.id, &ada.email)
                .await
                .unwrap(),
            Some(ada.clone())
        );
        assert!(
            CredentialRepo::find_by_user(db, &other.id)
                .await
                .unwrap()
                .is_some()
        );

        // Every organization's member with the address, and no one else.
        insert_member(db, &globex.id, "grace@example.org").await;
        let mut everywhere = UserRepo::find_all_by_email(db, &ada.email).await.unwrap();
        everywhere.sort_by(|a, b| a.id.cmp(&b.id));
        let mut expected = vec![ada, other];
        expected.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(everywhere, expected);
        let nobody = Email::parse("nobody@example.org").unwrap();
        assert_eq!(
            UserRepo::find_all_by_email(db, &nobody).await.unwrap(),
            Vec::new()
        );
    }

    pub async fn users_keyset_paging(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let globex = insert_org(db, "globex").await;
        let mut expected = BTreeSet::new();
        for i in 0..5 {
            let u = insert_member(db, &acme.id, &format!("member{i}@example.org")).await;
            expected.insert(u.id);
            // Members of another organization in between must not show up.
            insert_member(db, &globex.id, &format!("member{i}@example.org")).await;
        }

        let mut seen: Vec<UserId> = Vec::new();
        let mut sizes = Vec::new();
        let mut after: Option<UserId> = None;
        loop {
            let page = UserRepo::find_by_org(db, &acme.id, after.as_ref(), 2)
                .await
                .unwrap();
            assert!(sizes.len() < 10, "paging does not end");
            sizes.push(page.len());
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            assert!(
                page.iter().all(|u| u.org_id == acme.id),
                "only acme's members"
            );
            seen.extend(page.into_iter().map(|u| u.id));
        }
        assert_eq!(sizes, vec![2, 2, 1, 0]);
        assert!(
            seen.windows(2).all(|w| w[0] < w[1]),
            "ordered by id, no duplicates: {seen:?}"
        );
        assert_eq!(
            seen.into_iter().collect::<BTreeSet<_>>(),
            expected,
            "every member seen"
        );
        assert_eq!(
            UserRepo::find_by_org(db, &acme.id, None, 10)
                .await
                .unwrap()
                .len(),
            5
        );
        assert_eq!(
            UserRepo::find_by_org(db, &OrgId::generate(), None, 10)
                .await
                .unwrap(),
            Vec::new()
        );
    }

    pub async fn users_super_admins_and_status(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let globex = insert_org(db, "globex").await;
        assert_eq!(UserRepo::count_super_admins(db).await.unwrap(), 0);
        for (org, email) in [(&acme, "root@example.org"), (&globex, "root2@example.org")] {
            let u = member(&org.id, email);
            let u = idp_core::records::User {
                super_admin: true,
                ..u
            };
            UserRepo::insert(db, &u, &Credentials::empty(u.id.clone(), NOW))
                .await
                .unwrap();
        }
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        assert_eq!(UserRepo::count_super_admins(db).await.unwrap(), 2);

        assert!(
            UserRepo::update_status(db, &ada.id, UserStatus::Disabled, at(60))
                .await
                .unwrap()
        );
        let stored = UserRepo::find_by_id(db, &ada.id).await.unwrap().unwrap();
        assert_eq!(stored.status, UserStatus::Disabled);
        assert_eq!(stored.updated_at, at(60));
        let unchanged = idp_core::records::User {
            status: UserStatus::Disabled,
            updated_at: at(60),
            ..ada.clone()
        };
        assert_eq!(stored, unchanged, "only status and updated_at change");

        // An upstream profile replaces what it carries and keeps the rest.
        let profile = Profile {
            name: Some("Ada King".into()),
            job_title: Some("Countess".into()),
            phone: None,
        };
        assert!(
            UserRepo::update_profile(db, &ada.id, &profile, at(90))
                .await
                .unwrap()
        );
        let stored = UserRepo::find_by_id(db, &ada.id).await.unwrap().unwrap();
        assert_eq!(
            (
                stored.name.as_deref(),
                stored.job_title.as_deref(),
                stored.phone.as_deref()
            ),
            (Some("Ada King"), Some("Countess"), ada.phone.as_deref())
        );
        assert!(
            !UserRepo::update_profile(db, &UserId::generate(), &profile, at(90))
                .await
                .unwrap()
        );

        assert!(
            UserRepo::update_status(db, &ada.id, UserStatus::OnLeave, at(120))
                .await
                .unwrap()
        );
        let stored = UserRepo::find_by_id(db, &ada.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.status, stored.updated_at),
            (UserStatus::OnLeave, at(120))
        );
        assert!(
            !UserRepo::update_status(db, &UserId::generate(), UserStatus::Active, at(180))
                .await
                .unwrap()
        );
    }

    pub async fn members_search_filters_pages_and_counts(db: &Database) {
        use idp_core::members::{
            MemberCursor, MemberFilter, MemberSort, MethodFilter, SecondFactorKind,
        };
        let acme = org("Acme", "acme", None);
        OrgRepo::insert(db, &acme).await.unwrap();
        let sales = org("Sales", "sales", Some(&acme));
        OrgRepo::insert(db, &sales).await.unwrap();
        let other = insert_org(db, "other").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let mut bob = member(&sales.id, "bob_x@example.org");
        bob.name = Some("Bob 100% Builder".into());
        bob.created_at = at(10);
        let mut bob_creds = Credentials::empty(bob.id.clone(), NOW);
        bob_creds.email_login_enabled = false;
        bob_creds.totp_enrolled_at = Some(NOW);
        UserRepo::insert(db, &bob, &bob_creds).await.unwrap();
        let cy = insert_member(db, &sales.id, "cy@example.org").await;
        UserRepo::update_status(db, &cy.id, UserStatus::OnLeave, NOW)
            .await
            .unwrap();
        insert_member(db, &other.id, "ada2@example.org").await;
        let google = SignInRecord {
            user_id: bob.id.clone(),
            kind: LoginMethodKind::Google,
            upstream_subject: "g-1".into(),
            upstream_tenant: None,
            at: at(500),
            ip: None,
            user_agent: None,
        };
        LoginMethodRepo::record_sign_in(db, &google).await.unwrap();

        let emails = |rows: Vec<idp_core::members::MemberSummary>| {
            rows.into_iter()
                .map(|r| r.user.email.to_string())
                .collect::<Vec<_>>()
        };
        let search = |f: MemberFilter| async move {
            let rows = UserRepo::search(db, &f, None, 10, NOW).await.unwrap();
            let n = UserRepo::count_matching(db, &f, NOW, 100).await.unwrap();
            assert_eq!(n as usize, rows.len(), "count and rows disagree for {f:?}");
            emails(rows)
        };
        let own = MemberFilter::of(&acme, false);
        assert_eq!(search(own.clone()).await, ["ada@example.org"]);
        let tree = MemberFilter::of(&acme, true);
        assert_eq!(
            search(tree.clone()).await,
            ["ada@example.org", "bob_x@example.org", "cy@example.org"]
        );
        // Wildcards typed by a person match themselves, and case does not matter.
        let text = |t: &str| MemberFilter {
            text: Some(t.into()),
            ..tree.clone()
        };
        assert_eq!(search(text("100%")).await, ["bob_x@example.org"]);
        assert_eq!(search(text("b_x")).await, ["bob_x@example.org"]);
        assert!(search(text("b%x")).await.is_empty());
        assert_eq!(search(text("builder")).await, ["bob_x@example.org"]);
        assert_eq!(search(text(cy.id.as_str())).await, ["cy@example.org"]);
        let status = MemberFilter {
            status: Some(UserStatus::OnLeave),
            ..tree.clone()
        };
        assert_eq!(search(status).await, ["cy@example.org"]);
        let off = MemberFilter {
            email_login: Some(false),
            ..tree.clone()
        };
        assert_eq!(search(off).await, ["bob_x@example.org"]);
        let app = MemberFilter {
            second_factor: Some(SecondFactorKind::App),
            ..tree.clone()
        };
        assert_eq!(search(app).await, ["bob_x@example.org"]);
        let none = MemberFilter {
            second_factor: Some(SecondFactorKind::None),
            ..tree.clone()
        };
        assert_eq!(search(none).await, ["ada@example.org", "cy@example.org"]);
        let by_google = MemberFilter {
            method: Some(MethodFilter::Google),
            ..tree.clone()
        };
        assert_eq!(search(by_google).await, ["bob_x@example.org"]);
        let recent = MemberFilter {
            signed_in_from: Some(at(400)),
            signed_in_until: Some(at(600)),
            ..tree.clone()
        };
        assert_eq!(search(recent).await, ["bob_x@example.org"]);
        let later = MemberFilter {
            signed_in_from: Some(at(501)),
            ..tree.clone()
        };
        assert!(search(later).await.is_empty());
        let never = MemberFilter {
            never_signed_in: true,
            ..tree.clone()
        };
        assert_eq!(search(never).await, ["ada@example.org", "cy@example.org"]);

        // Counting stops just past its cap.
        assert_eq!(
            UserRepo::count_matching(db, &tree, NOW, 1).await.unwrap(),
            2
        );

        // The row's summary, and keyset pages in both orders.
        let rows = UserRepo::search(db, &tree, None, 10, NOW).await.unwrap();
        let b = rows.iter().find(|r| r.user.id == bob.id).unwrap();
        assert!(b.authenticator_app && !b.email_login_enabled);
        assert_eq!(b.methods, [LoginMethodKind::Google]);
        assert_eq!(b.last_sign_in, Some(at(500)));
        assert_eq!(b.user.org_id, sales.id);
        let first = UserRepo::search(db, &tree, None, 2, NOW).await.unwrap();
        let cursor = MemberCursor::after(&first[1].user, MemberSort::Email);
        let rest = UserRepo::search(db, &tree, Some(&cursor), 2, NOW)
            .await
            .unwrap();
        assert_eq!(emails(first), ["ada@example.org", "bob_x@example.org"]);
        assert_eq!(emails(rest), ["cy@example.org"]);
        let newest = MemberFilter {
            sort: MemberSort::Newest,
            ..tree.clone()
        };
        let first = UserRepo::search(db, &newest, None, 1, NOW).await.unwrap();
        assert_eq!(first[0].user.id, bob.id);
        let cursor = MemberCursor::after(&first[0].user, MemberSort::Newest);
        let rest = UserRepo::search(db, &newest, Some(&cursor), 10, NOW)
            .await
            .unwrap();
        assert_eq!(rest.len(), 2);
        assert!(rest.iter().all(|r| r.user.id != bob.id));
        let _ = ada;
    }

    // 3. Credentials.
    /// Locks a member's password sign-in the way failures do: `n` checks admitted and
    /// failed with a threshold of `n`.
    async fn lock_password(db: &Database, user: &UserId, n: u32) {
        for i in 0..n {
            let at = at(u64::from(i));
            let admitted = CredentialRepo::admit_password_attempt(
                db,
                user,
                Some(n),
                at,
                Box::new(|_, _| vec![]),
            )
            .await
            .unwrap();
            assert_eq!(admitted, Admission::Admitted);
            CredentialRepo::record_failed_sign_in(db, user, Some(n), at, Box::new(|_, _| vec![]))
                .await
                .unwrap();
        }
    }

    pub async fn credentials_round_trip(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let bob = insert_member(db, &acme.id, "bob@example.org").await;
        let bob_before = CredentialRepo::find_by_user(db, &bob.id).await.unwrap();

        // Every byte value, so that no encoding (text, hex, escapes) can hide in the column.
        let sealed: Vec<u8> = (0..=255u8).rev().chain([0, 0, 1]).collect();
        let full = Credentials {
            user_id: ada.id.clone(),
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into()),
            password_changed_at: Some(at(10)),
            password_must_change: true,
            email_login_enabled: false,
            totp_secret_sealed: Some(sealed),
            totp_enrolled_at: Some(at(11)),
            totp_last_used_at: Some(at(15)),
            email_otp_enabled: true,
            email_otp_enabled_at: Some(at(16)),
            email_otp_last_used_at: Some(at(17)),
            phone_number: Some(idp_core::phone::PhoneNumber::parse("+821012345612").unwrap()),
            phone_added_at: Some(at(18)),
            phone_verified_at: Some(at(19)),
            sms_last_used_at: Some(at(20)),
            // The lock is written only by its own atomic statements, never by `update`.
            failed_sign_ins: 0,
            locked_at: None,
            second_factor_reset_at: Some(at(13)),
            second_factor_lock: SecondFactorLock::default(),
            updated_at: at(14),
        };
        CredentialRepo::update(db, &full).await.unwrap();
        assert_eq!(
            CredentialRepo::find_by_user(db, &ada.id).await.unwrap(),
            Some(full.clone())
        );

        // Back to "not set": absent values must overwrite, not be skipped.
        let cleared = Credentials {
            password_hash: None,
            password_changed_at: None,
            password_must_change: false,
            email_login_enabled: true,
            totp_secret_sealed: None,
            totp_enrolled_at: None,
            totp_last_used_at: None,
            email_otp_enabled: false,
            email_otp_enabled_at: None,
            email_otp_last_used_at: None,
            phone_number: None,
            phone_added_at: None,
            phone_verified_at: None,
            sms_last_used_at: None,
            failed_sign_ins: 0,
            locked_at: None,
            second_factor_reset_at: None,
            updated_at: at(20),
            ..full
        };
        CredentialRepo::update(db, &cleared).await.unwrap();
        assert_eq!(
            CredentialRepo::find_by_user(db, &ada.id).await.unwrap(),
            Some(cleared)
        );
        assert_eq!(
            CredentialRepo::find_by_user(db, &bob.id).await.unwrap(),
            bob_before,
            "another member untouched"
        );
        assert_eq!(
            CredentialRepo::find_by_user(db, &UserId::generate())
                .await
                .unwrap(),
            None
        );
    }

    pub async fn second_factor_lock_swap_and_reset(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let bob = insert_member(db, &acme.id, "bob@example.org").await;
        let lock = |failures, start: Option<u64>, until: Option<u64>| SecondFactorLock {
            failures,
            window_started_at: start.map(at),
            locked_until: until.map(at),
        };
        let fresh = SecondFactorLock::default();
        let one = lock(1, Some(1), None);
        assert!(
            CredentialRepo::swap_second_factor_lock(db, &ada.id, &fresh, &one)
                .await
                .unwrap()
        );
        assert!(
            !CredentialRepo::swap_second_factor_lock(db, &ada.id, &fresh, &lock(1, Some(2), None))
                .await
                .unwrap(),
            "a stale expectation loses"
        );
        let locked = lock(10, Some(1), Some(99));
        assert!(
            CredentialRepo::swap_second_factor_lock(db, &ada.id, &one, &locked)
                .await
                .unwrap()
        );
        let creds = CredentialRepo::find_by_user(db, &ada.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(creds.second_factor_lock, locked);

        // A whole-record update never touches the lock.
        CredentialRepo::update(
            db,
            &Credentials {
                second_factor_lock: fresh,
                ..creds.clone()
            },
        )
        .await
        .unwrap();
        let after = CredentialRepo::find_by_user(db, &ada.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(after.second_factor_lock, locked);

        // Concurrent failures are each counted once.
        let mut tasks = JoinSet::new();
        for _ in 0..8 {
            let db = db.clone();
            let id = bob.id.clone();
            tasks.spawn(async move {
                loop {
                    let c = CredentialRepo::find_by_user(&db, &id)
                        .await
                        .unwrap()
                        .unwrap();
                    let old = c.second_factor_lock;
                    let new = SecondFactorLock {
                        failures: old.failures + 1,
                        ..old
                    };
                    if CredentialRepo::swap_second_factor_lock(&db, &id, &old, &new)
                        .await
                        .unwrap()
                    {
                        break;
                    }
                }
            });
        }
        while tasks.join_next().await.is_some() {}
        let bob_creds = CredentialRepo::find_by_user(db, &bob.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(bob_creds.second_factor_lock.failures, 8);

        // A reset removes every factor and the lock, and says when.
        let with_factor = Credentials {
            totp_secret_sealed: Some(vec![1, 2, 3]),
            totp_enrolled_at: Some(at(3)),
            totp_last_used_at: Some(at(4)),
            email_otp_enabled: true,
            email_otp_enabled_at: Some(at(5)),
            phone_number: Some(idp_core::phone::PhoneNumber::parse("+14155550100").unwrap()),
            phone_added_at: Some(at(5)),
            phone_verified_at: Some(at(5)),
            ..after
        };
        CredentialRepo::update(db, &with_factor).await.unwrap();
        CredentialRepo::replace_recovery_codes(
            db,
            &ada.id,
            &[TokenDigest::of("r1"), TokenDigest::of("r2")],
            at(6),
        )
        .await
        .unwrap();
        CredentialRepo::use_recovery_code(db, &ada.id, &TokenDigest::of("r1"), at(7))
            .await
            .unwrap();
        let summary = CredentialRepo::recovery_code_summary(db, &ada.id)
            .await
            .unwrap();
        assert_eq!(
            summary,
            RecoveryCodeSummary {
                unused: 1,
                created_at: Some(at(6)),
                last_used_at: Some(at(7))
            }
        );
        CredentialRepo::reset_second_factor(db, &ada.id, at(50))
            .await
            .unwrap();
        let reset = CredentialRepo::find_by_user(db, &ada.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(reset.totp_secret_sealed, None);
        assert_eq!(reset.totp_enrolled_at, None);
        assert!(!reset.email_otp_enabled);
        assert_eq!(
            reset.phone_number, None,
            "a reset removes the phone number too"
        );
        assert_eq!(reset.phone_verified_at, None);
        assert_eq!(reset.second_factor_lock, fresh);
        assert_eq!(reset.second_factor_reset_at, Some(at(50)));
        assert_eq!(
            reset.password_hash, with_factor.password_hash,
            "the password stays"
        );
        assert_eq!(
            CredentialRepo::recovery_code_summary(db, &ada.id)
                .await
                .unwrap(),
            RecoveryCodeSummary::default()
        );
        let bob_after = CredentialRepo::find_by_user(db, &bob.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            bob_after.second_factor_lock.failures, 8,
            "another member untouched"
        );
    }

    pub async fn password_failures_lock_and_a_new_password_unlocks(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let bob = insert_member(db, &acme.id, "bob@example.org").await;
        // Concurrent checks are each admitted or refused in one atomic step: no more are
        // admitted than the threshold, exactly one step locks, and each failure and the
        // lock are recorded in their own transaction.
        let mut tasks = JoinSet::new();
        for i in 0..6u64 {
            let db = db.clone();
            let id = ada.id.clone();
            let org = acme.id.clone();
            let record = move |count: i32, locked_now: bool| {
                let kind = (
                    ActivityType::SignIn,
                    EventKind::SignIn,
                    InfoType::AuthenticationToken,
                );
                let mut events = vec![audit_event(&org, at(i), kind, Some(&id), 1)];
                if locked_now {
                    let kind = (
                        ActivityType::AccountLock,
                        EventKind::Edit,
                        InfoType::SecuritySettings,
                    );
                    let mut locked = audit_event(&org, at(i), kind, Some(&id), 2);
                    locked.detail = serde_json::json!({"after_failures": count});
                    events.push(locked);
                }
                events
            };
            let record = Arc::new(record);
            let id = ada.id.clone();
            tasks.spawn(async move {
                let on_admission = record.clone();
                let admission = CredentialRepo::admit_password_attempt(
                    &db,
                    &id,
                    Some(4),
                    at(i),
                    Box::new(move |n, l| on_admission(n, l)),
                )
                .await
                .unwrap();
                let settled = match admission {
                    Admission::Admitted => Some(
                        CredentialRepo::record_failed_sign_in(
                            &db,
                            &id,
                            Some(4),
                            at(i),
                            Box::new(move |n, l| record(n, l)),
                        )
                        .await
                        .unwrap(),
                    ),
                    _ => None,
                };
                (admission, settled)
            });
        }
        let (mut admitted, mut locks, mut events) = (0, 0, 0);
        while let Some(r) = tasks.join_next().await {
            match r.unwrap() {
                (Admission::Admitted, Some((_, locked_now))) => {
                    admitted += 1;
                    events += 1 + usize::from(locked_now);
                    locks += usize::from(locked_now);
                }
                (Admission::LockedNow, None) => {
                    locks += 1;
                    events += 2;
                }
                (Admission::Locked, None) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(admitted, 4);
        assert_eq!(locks, 1);
        let creds = CredentialRepo::find_by_user(db, &ada.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(creds.failed_sign_ins, 4);
        assert!(creds.locked_at.is_some());
        let chain = AuditRepo::find_chain(db, &acme.id, 0, 100).await.unwrap();
        assert_eq!(verify_chain(&GENESIS, &chain), Ok(events));
        let lock: Vec<&AuditEvent> = chain
            .iter()
            .filter(|e| e.event.activity == ActivityType::AccountLock)
            .collect();
        assert_eq!(lock.len(), 1);
        assert_eq!(lock[0].event.detail["after_failures"].as_i64(), Some(4));
        // Locked: nothing is admitted, a good password clears nothing, and a whole-record
        // update written from an earlier read does not undo the lock.
        let no_record = || -> FailureRecord { Box::new(|_, _| vec![]) };
        assert_eq!(
            CredentialRepo::admit_password_attempt(db, &ada.id, Some(4), at(9), no_record())
                .await
                .unwrap(),
            Admission::Locked
        );
        assert!(
            !CredentialRepo::clear_failed_sign_ins(db, &ada.id)
                .await
                .unwrap()
        );
        let mut stale = creds.clone();
        stale.locked_at = None;
        stale.failed_sign_ins = 0;
        CredentialRepo::update(db, &stale).await.unwrap();
        let creds = CredentialRepo::find_by_user(db, &ada.id)
            .await
            .unwrap()
            .unwrap();
        assert!(creds.locked_at.is_some());
        assert_eq!(creds.failed_sign_ins, 4);
        // Without a threshold everything is admitted and counted, nothing locks; a good
        // password starts the count again.
        assert_eq!(
            CredentialRepo::admit_password_attempt(db, &bob.id, None, at(1), no_record())
                .await
                .unwrap(),
            Admission::Admitted
        );
        assert_eq!(
            CredentialRepo::record_failed_sign_in(db, &bob.id, None, at(1), no_record())
                .await
                .unwrap(),
            (1, false)
        );
        // A check admitted but never made is taken back.
        CredentialRepo::admit_password_attempt(db, &bob.id, None, at(2), no_record())
            .await
            .unwrap();
        CredentialRepo::release_password_attempt(db, &bob.id)
            .await
            .unwrap();
        assert_eq!(
            CredentialRepo::find_by_user(db, &bob.id)
                .await
                .unwrap()
                .unwrap()
                .failed_sign_ins,
            1
        );
        assert!(
            CredentialRepo::clear_failed_sign_ins(db, &bob.id)
                .await
                .unwrap()
        );
        let bob_creds = CredentialRepo::find_by_user(db, &bob.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(bob_creds.failed_sign_ins, 0);

        // A new password unlocks and keeps the old hash in the history, newest first.
        let old = creds.password_hash.clone();
        CredentialRepo::set_password(db, &ada.id, "$argon2id$new-1", false, at(20))
            .await
            .unwrap();
        CredentialRepo::set_password(db, &ada.id, "$argon2id$new-2", true, at(21))
            .await
            .unwrap();
        let creds = CredentialRepo::find_by_user(db, &ada.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(creds.password_hash.as_deref(), Some("$argon2id$new-2"));
        assert!(creds.password_must_change);
        assert_eq!(creds.failed_sign_ins, 0);
        assert_eq!(creds.locked_at, None);
        assert_eq!(creds.password_changed_at, Some(at(21)));
        let history = CredentialRepo::password_history(db, &ada.id, 10)
            .await
            .unwrap();
        let mut expected = vec!["$argon2id$new-1".to_owned()];
        expected.extend(old);
        assert_eq!(history, expected);
        assert_eq!(
            CredentialRepo::password_history(db, &ada.id, 1)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            CredentialRepo::password_history(db, &bob.id, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }

    pub async fn a_link_is_used_only_for_its_purpose(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let reset = TokenDigest::of("reset");
        CredentialRepo::insert_link(db, &reset, &ada.id, "password_reset", at(0), at(100))
            .await
            .unwrap();
        assert_eq!(
            CredentialRepo::use_link(db, &reset, &["recovery_sign_in"], at(1))
                .await
                .unwrap(),
            None,
            "a password link signs nobody in"
        );
        assert_eq!(
            CredentialRepo::find_link(db, &reset, &["password_reset"], at(1))
                .await
                .unwrap(),
            Some(ada.id.clone()),
            "and stays usable for its own purpose"
        );
        let recovery = TokenDigest::of("recovery");
        CredentialRepo::insert_link(db, &recovery, &ada.id, "recovery_sign_in", at(0), at(100))
            .await
            .unwrap();
        assert_eq!(
            CredentialRepo::find_link(db, &recovery, &["password_reset", "welcome"], at(1))
                .await
                .unwrap(),
            None,
            "a recovery link sets no password"
        );
        let used = |now| CredentialRepo::use_link(db, &recovery, &["recovery_sign_in"], now);
        assert_eq!(used(at(5)).await.unwrap(), Some(ada.id.clone()));
        assert_eq!(used(at(6)).await.unwrap(), None, "once");
        let late = TokenDigest::of("late");
        CredentialRepo::insert_link(db, &late, &ada.id, "recovery_sign_in", at(0), at(10))
            .await
            .unwrap();
        assert_eq!(
            CredentialRepo::use_link(db, &late, &["recovery_sign_in"], at(10))
                .await
                .unwrap(),
            None,
            "expired"
        );
    }

    pub async fn one_time_links_work_once_and_expire(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let link = TokenDigest::of("link-1");
        CredentialRepo::insert_link(db, &link, &ada.id, "password_reset", at(0), at(100))
            .await
            .unwrap();
        assert_eq!(
            CredentialRepo::find_link(db, &link, &["password_reset", "welcome"], at(99))
                .await
                .unwrap(),
            Some(ada.id.clone())
        );
        assert_eq!(
            CredentialRepo::find_link(db, &link, &["password_reset", "welcome"], at(100))
                .await
                .unwrap(),
            None,
            "expired"
        );
        assert_eq!(
            CredentialRepo::find_link(
                db,
                &TokenDigest::of("other"),
                &["password_reset", "welcome"],
                at(1)
            )
            .await
            .unwrap(),
            None
        );
        // Of eight concurrent uses, one wins.
        let mut tasks = JoinSet::new();
        for _ in 0..8 {
            let db = db.clone();
            let link = link.clone();
            tasks.spawn(async move {
                CredentialRepo::use_link(&db, &link, &["password_reset"], at(5))
                    .await
                    .unwrap()
            });
        }
        let mut winners = 0;
        while let Some(r) = tasks.join_next().await {
            winners += usize::from(r.unwrap().is_some());
        }
        assert_eq!(winners, 1);
        assert_eq!(
            CredentialRepo::find_link(db, &link, &["password_reset", "welcome"], at(6))
                .await
                .unwrap(),
            None,
            "used"
        );
        let late = TokenDigest::of("link-2");
        CredentialRepo::insert_link(db, &late, &ada.id, "welcome", at(0), at(10))
            .await
            .unwrap();
        assert_eq!(
            CredentialRepo::use_link(db, &late, &["welcome"], at(10))
                .await
                .unwrap(),
            None,
            "expired"
        );
        let pending = TokenDigest::of("link-3");
        CredentialRepo::insert_link(db, &pending, &ada.id, "welcome", at(0), at(100))
            .await
            .unwrap();
        // Pending links are counted per member, live ones only, in the subtree only.
        let again = TokenDigest::of("link-4");
        CredentialRepo::insert_link(db, &again, &ada.id, "password_reset", at(0), at(100))
            .await
            .unwrap();
        let other = insert_org(db, "globex").await;
        let bob = insert_member(db, &other.id, "bob@example.org").await;
        // A link of another purpose (a recovery sign-in) is not a pending password.
        let carol = insert_member(db, &acme.id, "carol@example.org").await;
        CredentialRepo::insert_link(
            db,
            &TokenDigest::of("link-6"),
            &carol.id,
            "recovery_sign_in",
            at(0),
            at(100),
        )
        .await
        .unwrap();
        CredentialRepo::insert_link(
            db,
            &TokenDigest::of("link-5"),
            &bob.id,
            "welcome",
            at(0),
            at(100),
        )
        .await
        .unwrap();
        assert_eq!(
            CredentialRepo::count_pending_links_in_subtree(
                db,
                &acme.path,
                &idp_core::password_policy::PASSWORD_PURPOSES,
                at(6)
            )
            .await
            .unwrap(),
            1
        );
        assert_eq!(
            CredentialRepo::count_pending_links_in_subtree(
                db,
                &acme.path,
                &idp_core::password_policy::PASSWORD_PURPOSES,
                at(100)
            )
            .await
            .unwrap(),
            0,
            "expired"
        );
        CredentialRepo::delete_links(db, &ada.id).await.unwrap();
        assert_eq!(
            CredentialRepo::find_link(db, &pending, &["password_reset", "welcome"], at(1))
                .await
                .unwrap(),
            None,
            "deleted"
        );
    }

    pub async fn recovery_codes_single_use(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let bob = insert_member(db, &acme.id, "bob@example.org").await;
        let code = |n: u32| TokenDigest::of(&format!("recovery-{}-{n}", ada.id));

        assert_eq!(
            CredentialRepo::count_unused_recovery_codes(db, &ada.id)
                .await
                .unwrap(),
            0
        );
        CredentialRepo::replace_recovery_codes(db, &ada.id, &[code(1), code(2), code(3)], NOW)
            .await
            .unwrap();
        assert_eq!(
            CredentialRepo::count_unused_recovery_codes(db, &ada.id)
                .await
                .unwrap(),
            3
        );

        assert!(
            CredentialRepo::use_recovery_code(db, &ada.id, &code(1), at(1))
                .await
                .unwrap(),
            "first use"
        );
        assert!(
            !CredentialRepo::use_recovery_code(db, &ada.id, &code(1), at(2))
                .await
                .unwrap(),
            "second use"
        );
        assert!(
            !CredentialRepo::use_recovery_code(db, &bob.id, &code(2), at(3))
                .await
                .unwrap(),
            "another member's code"
        );
        assert!(
            !CredentialRepo::use_recovery_code(db, &ada.id, &code(9), at(3))
                .await
                .unwrap(),
            "never issued"
        );
        assert_eq!(
            CredentialRepo::count_unused_recovery_codes(db, &ada.id)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            CredentialRepo::count_unused_recovery_codes(db, &bob.id)
                .await
                .unwrap(),
            0
        );

        CredentialRepo::replace_recovery_codes(db, &ada.id, &[code(4), code(5)], at(10))
            .await
            .unwrap();
        assert_eq!(
            CredentialRepo::count_unused_recovery_codes(db, &ada.id)
                .await
                .unwrap(),
            2
        );
        assert!(
            !CredentialRepo::use_recovery_code(db, &ada.id, &code(2), at(11))
                .await
                .unwrap(),
            "replaced code"
        );
        assert!(
            CredentialRepo::use_recovery_code(db, &ada.id, &code(4), at(12))
                .await
                .unwrap(),
            "new code"
        );
        assert_eq!(
            CredentialRepo::count_unused_recovery_codes(db, &ada.id)
                .await
                .unwrap(),
            1
        );

        // A code typed into two tabs at once still signs in once.
        let mut tasks = JoinSet::new();
        let barrier = Arc::new(Barrier::new(8));
        for i in 0..8u64 {
            let (db, user, digest, barrier) =
                (db.clone(), ada.id.clone(), code(5), Arc::clone(&barrier));
            tasks.spawn(async move {
                barrier.wait().await;
                CredentialRepo::use_recovery_code(&db, &user, &digest, at(20 + i))
                    .await
                    .unwrap()
            });
        }
        let uses = tasks.join_all().await;
        assert_eq!(
            uses.iter().filter(|u| **u).count(),
            1,
            "one of eight concurrent uses: {uses:?}"
        );
        assert_eq!(
            CredentialRepo::count_unused_recovery_codes(db, &ada.id)
                .await
                .unwrap(),
            0
        );
    }

    // 4. Login methods.
    pub async fn login_methods_count_and_upstream(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let bob = insert_member(db, &acme.id, "bob@example.org").await;
        let native = |at: Timestamp, ip: &str, agent: &str| SignInRecord {
            user_id: ada.id.clone(),
            kind: LoginMethodKind::Native,
            upstream_subject: String::new(),
            upstream_tenant: None,
            at,
            ip: Some(ip.into()),
            user_agent: Some(agent.into()),
        };

        let first = LoginMethodRepo::record_sign_in(db, &native(at(100), "192.0.2.1", "First/1.0"))
            .await
            .unwrap();
        assert_eq!(first.sign_in_count, 1);
        assert_eq!(first.created_at, at(100));
        let second =
            LoginMethodRepo::record_sign_in(db, &native(at(200), "198.51.100.7", "Second/2.0"))
                .await
                .unwrap();
        assert_eq!(second.sign_in_count, 2);
        assert_eq!(second.last_sign_in_at, Some(at(200)));
        assert_eq!(second.last_ip.as_deref(), Some("198.51.100.7"));
        assert_eq!(second.last_user_agent.as_deref(), Some("Second/2.0"));
        assert_eq!(second.created_at, at(100), "created at the first sign-in");
        assert_eq!(
            (second.user_id.clone(), second.kind),
            (ada.id.clone(), LoginMethodKind::Native)
        );

        let google = SignInRecord {
            user_id: ada.id.clone(),
            kind: LoginMethodKind::Google,
            upstream_subject: "110248495921238986420".into(),
            upstream_tenant: Some("example.org".into()),
            at: at(300),
            ip: None,
            user_agent: None,
        };
        let recorded = LoginMethodRepo::record_sign_in(db, &google).await.unwrap();
        // Another member signing in with the same kind of method and another subject.
        let bob_google = SignInRecord {
            user_id: bob.id.clone(),
            upstream_subject: "1099".into(),
            ..google.clone()
        };
        LoginMethodRepo::record_sign_in(db, &bob_google)
            .await
            .unwrap();

        let found =
            LoginMethodRepo::find_by_upstream(db, LoginMethodKind::Google, "110248495921238986420")
                .await
                .unwrap()
                .expect("the google method");
        assert_eq!(found, recorded);
        assert_eq!(found.user_id, ada.id);
        assert_eq!(
            (found.sign_in_count, found.upstream_tenant.as_deref()),
            (1, Some("example.org"))
        );
        let none =
            LoginMethodRepo::find_by_upstream(db, LoginMethodKind::Entra, "110248495921238986420")
                .await;
        assert_eq!(
            none.unwrap(),
            None,
            "the subject belongs to google, not entra"
        );
        assert_eq!(
            LoginMethodRepo::find_by_upstream(db, LoginMethodKind::Google, "42")
                .await
                .unwrap(),
            None
        );

        let mut methods = LoginMethodRepo::find_by_user(db, &ada.id).await.unwrap();
        methods.sort_by_key(|m| m.kind.as_str());
        assert_eq!(methods, vec![recorded.clone(), second.clone()]);

        // One upstream identity, one member: Bob cannot take Ada's Google subject.
        let stolen = SignInRecord {
            user_id: bob.id.clone(),
            ..google.clone()
        };
        let err = LoginMethodRepo::record_sign_in(db, &stolen)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");

        // Unlinking removes that one link and nothing else.
        assert!(
            !LoginMethodRepo::unlink(
                db,
                &bob.id,
                LoginMethodKind::Google,
                "110248495921238986420"
            )
            .await
            .unwrap(),
            "not Bob's link"
        );
        assert!(
            LoginMethodRepo::unlink(
                db,
                &ada.id,
                LoginMethodKind::Google,
                "110248495921238986420"
            )
            .await
            .unwrap()
        );
        assert_eq!(
            LoginMethodRepo::find_by_upstream(db, LoginMethodKind::Google, "110248495921238986420")
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            LoginMethodRepo::find_by_user(db, &ada.id).await.unwrap(),
            vec![second]
        );
        assert!(
            LoginMethodRepo::find_by_upstream(db, LoginMethodKind::Google, "1099")
                .await
                .unwrap()
                .is_some()
        );
    }

    /// Two browsers finishing their first Google sign-in at once: one method, every sign-in counted.
    pub async fn login_methods_concurrent_first_sign_ins(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let mut tasks = JoinSet::new();
        for i in 0..8u64 {
            let db = db.clone();
            let record = SignInRecord {
                user_id: ada.id.clone(),
                kind: LoginMethodKind::Google,
                upstream_subject: "110248495921238986420".into(),
                upstream_tenant: None,
                at: at(i),
                ip: Some(format!("192.0.2.{i}")),
                user_agent: None,
            };
            tasks
                .spawn(async move { LoginMethodRepo::record_sign_in(&db, &record).await.unwrap() });
        }
        let counts: BTreeSet<i64> = tasks
            .join_all()
            .await
            .into_iter()
            .map(|m| m.sign_in_count)
            .collect();
        assert_eq!(counts, (1..=8).collect(), "each sign-in saw its own count");
        let methods = LoginMethodRepo::find_by_user(db, &ada.id).await.unwrap();
        assert_eq!(methods.len(), 1);
        assert_eq!(methods[0].sign_in_count, 8);
    }

    // 5. Clients.
    pub async fn clients_round_trip_and_delete(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let globex = insert_org(db, "globex").await;
        let full = full_client(&acme.id);
        let public = public_client(&acme.id);
        let elsewhere = public_client(&globex.id);
        for c in [&full, &public, &elsewhere] {
            ClientRepo::insert(db, c).await.unwrap();
        }
        assert_eq!(
            ClientRepo::find_by_id(db, &full.id).await.unwrap(),
            Some(full.clone())
        );
        assert_eq!(
            ClientRepo::find_by_id(db, &public.id).await.unwrap(),
            Some(public.clone())
        );
        assert_eq!(
            ClientRepo::find_by_id(db, &ClientId::generate())
                .await
                .unwrap(),
            None
        );

        let mut acme_clients = vec![full.clone(), public.clone()];
        acme_clients.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(
            ClientRepo::find_by_org(db, &acme.id).await.unwrap(),
            acme_clients
        );
        assert_eq!(
            ClientRepo::find_by_org(db, &globex.id).await.unwrap(),
            vec![elsewhere.clone()]
        );
        assert_eq!(ClientRepo::find_all(db).await.unwrap().len(), 3);

        assert_conflict(
            ClientRepo::insert(db, &full).await,
            "the same client_id twice",
        );

        assert!(ClientRepo::delete_by_id(db, &full.id).await.unwrap());
        assert_eq!(ClientRepo::find_by_id(db, &full.id).await.unwrap(), None);
        assert!(
            !ClientRepo::delete_by_id(db, &full.id).await.unwrap(),
            "already deleted"
        );
        assert_eq!(
            ClientRepo::find_by_org(db, &acme.id).await.unwrap(),
            vec![public]
        );
        assert_eq!(
            ClientRepo::find_by_org(db, &globex.id).await.unwrap(),
            vec![elsewhere]
        );
    }

    // 6. Signing keys.
    fn key(kid: &str, state: KeyState, created_at: Timestamp) -> SigningKey {
        SigningKey {
            kid: kid.into(),
            alg: idp_core::client::SigningAlg::Es256,
            state,
            private_sealed: vec![1, 0, 255, 7, 42],
            public_jwk: format!(r#"{{"kty":"EC","crv":"P-256","kid":"{kid}"}}"#),
            created_at,
            activated_at: (state == KeyState::Current).then_some(created_at),
            retired_at: None,
            expires_at: None,
        }
    }

    fn kids(keys: &[SigningKey]) -> Vec<&str> {
        keys.iter().map(|k| k.kid.as_str()).collect()
    }

    pub async fn keys_publication(db: &Database) {
        let next = key("k-next", KeyState::Next, before(10));
        let current = key("k-current", KeyState::Current, before(20));
        let old = key("k-old", KeyState::Current, before(30));
        for k in [&old, &current, &next] {
            KeyRepo::insert(db, k).await.unwrap();
        }
        let published = KeyRepo::find_published(db, NOW).await.unwrap();
        assert_eq!(
            published,
            vec![next.clone(), current.clone(), old.clone()],
            "all three, newest first"
        );

        // Retired and past its expiry: gone from the JWKS.
        assert!(
            KeyRepo::update_state(db, "k-old", KeyState::Retired, before(5), Some(before(1)))
                .await
                .unwrap()
        );
        assert_eq!(
            kids(&KeyRepo::find_published(db, NOW).await.unwrap()),
            vec!["k-next", "k-current"]
        );

        // Retired but tokens it signed are still live: still published.
        assert!(
            KeyRepo::update_state(db, "k-current", KeyState::Retired, NOW, Some(at(3600)))
                .await
                .unwrap()
        );
        let published = KeyRepo::find_published(db, NOW).await.unwrap();
        let retired = SigningKey {
            state: KeyState::Retired,
            retired_at: Some(NOW),
            expires_at: Some(at(3600)),
            ..current.clone()
        };
        assert_eq!(published, vec![next.clone(), retired]);
        assert_eq!(
            kids(&KeyRepo::find_published(db, at(7200)).await.unwrap()),
            vec!["k-next"],
            "after its expiry"
        );

        assert!(
            KeyRepo::update_state(db, "k-next", KeyState::Current, at(1), None)
                .await
                .unwrap()
        );
        let promoted = KeyRepo::find_published(db, at(2)).await.unwrap();
        assert_eq!(
            promoted[0],
            SigningKey {
                state: KeyState::Current,
                activated_at: Some(at(1)),
                ..next.clone()
            }
        );

        assert!(
            !KeyRepo::update_state(db, "k-unknown", KeyState::Retired, NOW, Some(NOW))
                .await
                .unwrap()
        );
        assert_conflict(KeyRepo::insert(db, &next).await, "the same kid twice");
    }

    pub async fn keys_created_once_by_nodes_starting_together(db: &Database) {
        // Eight nodes each try to create the current key at the same moment: one does.
        let start = Arc::new(Barrier::new(8));
        let mut tasks = JoinSet::new();
        for n in 0..8 {
            let (db, start) = (db.clone(), start.clone());
            tasks.spawn(async move {
                let k = key(&format!("k-{n}"), KeyState::Current, NOW);
                start.wait().await;
                KeyRepo::insert_if_missing(&db, &k, NOW).await.unwrap()
            });
        }
        let mut created = 0;
        while let Some(r) = tasks.join_next().await {
            created += usize::from(r.unwrap());
        }
        assert_eq!(created, 1);
        let published = KeyRepo::find_published(db, NOW).await.unwrap();
        assert_eq!(published.len(), 1, "{:?}", kids(&published));
        // Another state, or a key that expired, does not count as the one there.
        assert!(
            KeyRepo::insert_if_missing(db, &key("k-next", KeyState::Next, NOW), NOW)
                .await
                .unwrap()
        );
        let mut expired = key("k-expired", KeyState::Next, before(20));
        expired.alg = idp_core::client::SigningAlg::EdDsa;
        expired.expires_at = Some(before(10));
        KeyRepo::insert(db, &expired).await.unwrap();
        let mut fresh = key("k-eddsa", KeyState::Next, NOW);
        fresh.alg = idp_core::client::SigningAlg::EdDsa;
        assert!(KeyRepo::insert_if_missing(db, &fresh, NOW).await.unwrap());
    }

    // 7. Grants and refresh tokens.
    async fn grant_setup(db: &Database) -> (UserId, ClientId) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let client = insert_client(db, &acme.id).await;
        (ada.id, client.id)
    }

    pub async fn revocations_recorded_found_and_cleaned_up(db: &Database) {
        use idp_core::ports::RevocationRepo;
        use idp_core::records::{Revocation, Revoked};
        let (user, client) = grant_setup(db).await;
        let horizon = std::time::Duration::from_secs(900);
        let live = Revocation {
            revoked: Revoked::AccessToken("jti-live".into()),
            expires_at: at(600),
        };
        let dead = Revocation {
            revoked: Revoked::AccessToken("jti-dead".into()),
            expires_at: at(100),
        };
        let code_only = Revocation {
            revoked: Revoked::Grant(idp_core::ids::GrantId::generate()),
            expires_at: at(600),
        };
        let record = |r: &Revocation| Change::RecordRevocation(r.clone());
        let touched =
            AuditRepo::commit(db, &[record(&live), record(&dead), record(&code_only)], &[])
                .await
                .unwrap();
        assert_eq!(touched, vec![1, 1, 1]);
        let again = AuditRepo::commit(db, &[record(&live)], &[]).await.unwrap();
        assert_eq!(again, vec![0], "recorded once");
        // A grant revoked in its row (refresh-token reuse), one revoked long ago.
        let recent = grant(&user, &client);
        let old = grant(&user, &client);
        GrantRepo::insert_grant(db, &recent).await.unwrap();
        GrantRepo::insert_grant(db, &old).await.unwrap();
        GrantRepo::revoke_grant(db, &recent.id, at(150))
            .await
            .unwrap();
        GrantRepo::revoke_grant(db, &old.id, NOW).await.unwrap();

        let now = at(200);
        let mut found = RevocationRepo::find_revocations(db, now, at(50), horizon)
            .await
            .unwrap();
        found.sort_by_key(|r| format!("{:?}", r.revoked));
        let mut expected = vec![
            live.clone(),
            code_only.clone(),
            Revocation {
                revoked: Revoked::Grant(recent.id.clone()),
                expires_at: at(150).plus(horizon),
            },
        ];
        expected.sort_by_key(|r| format!("{:?}", r.revoked));
        assert_eq!(
            found, expected,
            "unexpired records and lately revoked grants"
        );

        assert_eq!(
            RevocationRepo::delete_expired_revocations(db, now)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            RevocationRepo::delete_expired_revocations(db, at(600))
                .await
                .unwrap(),
            2,
            "expired at exactly expires_at"
        );
        let left = RevocationRepo::find_revocations(db, at(600), at(600), horizon)
            .await
            .unwrap();
        assert!(left.is_empty(), "{left:?}");
    }

    pub async fn grants_round_trip_and_revoke(db: &Database) {
        let (user, client) = grant_setup(db).await;
        let g = grant(&user, &client);
        GrantRepo::insert_grant(db, &g).await.unwrap();
        assert_eq!(
            GrantRepo::find_grant(db, &g.id).await.unwrap(),
            Some(g.clone())
        );

        // A client-credentials grant: no member, no session.
        let machine = Grant {
            user_id: None,
            session_id: None,
            auth_time: None,
            amr: Vec::new(),
            ..grant(&user, &client)
        };
        GrantRepo::insert_grant(db, &machine).await.unwrap();
        assert_eq!(
            GrantRepo::find_grant(db, &machine.id).await.unwrap(),
            Some(machine.clone())
        );

        assert!(GrantRepo::revoke_grant(db, &g.id, at(5)).await.unwrap());
        assert!(
            !GrantRepo::revoke_grant(db, &g.id, at(6)).await.unwrap(),
            "already revoked"
        );
        let revoked = GrantRepo::find_grant(db, &g.id).await.unwrap().unwrap();
        assert_eq!(
            revoked,
            Grant {
                revoked_at: Some(at(5)),
                ..g
            }
        );
        assert_eq!(
            GrantRepo::find_grant(db, &machine.id).await.unwrap(),
            Some(machine),
            "other grant untouched"
        );
        let unknown = idp_core::ids::GrantId::generate();
        assert_eq!(GrantRepo::find_grant(db, &unknown).await.unwrap(), None);
        assert!(!GrantRepo::revoke_grant(db, &unknown, at(7)).await.unwrap());

        // A grant and its first refresh token: both, or neither.
        let with_token = grant(&user, &client);
        let first = refresh(&with_token.id, "rt-with-grant", at(3600));
        GrantRepo::insert_grant_with_token(db, &with_token, &first)
            .await
            .unwrap();
        assert_eq!(
            GrantRepo::find_grant(db, &with_token.id).await.unwrap(),
            Some(with_token.clone())
        );
        let found = GrantRepo::find_refresh_token(db, &first.digest)
            .await
            .unwrap();
        assert_eq!(found, Some((first.clone(), with_token)));
        let orphan = grant(&user, &client);
        let clashing = refresh(&orphan.id, "rt-with-grant", at(3600));
        assert_conflict(
            GrantRepo::insert_grant_with_token(db, &orphan, &clashing).await,
            "a second grant whose token digest is taken",
        );
        assert_eq!(
            GrantRepo::find_grant(db, &orphan.id).await.unwrap(),
            None,
            "no grant without its token"
        );
    }

    /// RFC 9449 §5: a grant bound to a DPoP key rotates only for that key; another key or
    /// none leaves the token unused.
    pub async fn refresh_tokens_bound_to_a_dpop_key(db: &Database) {
        use idp_core::oidc::dpop::Jkt;
        let (user, client) = grant_setup(db).await;
        let key = Jkt::parse("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs").unwrap();
        let other = Jkt::parse("AzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs").unwrap();
        let g = Grant {
            dpop_jkt: Some(key.clone()),
            ..grant(&user, &client)
        };
        let first = refresh(&g.id, "rt-bound", at(3600));
        GrantRepo::insert_grant_with_token(db, &g, &first)
            .await
            .unwrap();
        assert_eq!(
            GrantRepo::find_grant(db, &g.id).await.unwrap(),
            Some(g.clone()),
            "the binding is stored"
        );
        for proof in [None, Some(other)] {
            let next = idp_core::ports::Rotation {
                proof_jkt: proof.clone(),
                ..next_token()
            };
            let outcome = GrantRepo::use_refresh_token(db, &first.digest, &client, at(1), &next)
                .await
                .unwrap();
            assert_eq!(outcome, RefreshUse::WrongKey, "{proof:?}");
        }
        assert_eq!(
            GrantRepo::find_refresh_token(db, &first.digest)
                .await
                .unwrap(),
            Some((first.clone(), g.clone())),
            "still unused, grant not revoked"
        );
        let next = idp_core::ports::Rotation {
            proof_jkt: Some(key),
            ..next_token()
        };
        let outcome = GrantRepo::use_refresh_token(db, &first.digest, &client, at(1), &next)
            .await
            .unwrap();
        assert!(matches!(outcome, RefreshUse::Fresh(..)), "{outcome:?}");
    }

    pub async fn refresh_tokens_rotation_and_reuse(db: &Database) {
        let (user, client) = grant_setup(db).await;
        let g = grant(&user, &client);
        GrantRepo::insert_grant(db, &g).await.unwrap();
        let first = refresh(&g.id, "rt-first", at(3600));
        GrantRepo::insert_refresh_token(db, &first).await.unwrap();
        let found = GrantRepo::find_refresh_token(db, &first.digest)
            .await
            .unwrap();
        assert_eq!(
            found,
            Some((first.clone(), g.clone())),
            "find_refresh_token before use"
        );

        // Presented by another client: refused, and left unused for its rightful owner.
        let stranger = ClientId::generate();
        let refused =
            GrantRepo::use_refresh_token(db, &first.digest, &stranger, at(1), &next_token())
                .await
                .unwrap();
        assert_eq!(refused, RefreshUse::Invalid, "a token of another client");
        let found = GrantRepo::find_refresh_token(db, &first.digest)
            .await
            .unwrap();
        assert_eq!(
            found,
            Some((first.clone(), g.clone())),
            "still unused, grant not revoked"
        );

        let used = RefreshToken {
            used_at: Some(at(1)),
            ..first.clone()
        };
        let next = next_token();
        match GrantRepo::use_refresh_token(db, &first.digest, &client, at(1), &next)
            .await
            .unwrap()
        {
            RefreshUse::Fresh(token, grant, member) => {
                assert_eq!(token, used);
                assert_eq!(
                    member.map(|m| m.id),
                    g.user_id,
                    "the member, read with the use"
                );
                assert_eq!(grant, g);
            }
            other => panic!("first use: expected Fresh, got {other:?}"),
        }
        let replacement = RefreshToken {
            digest: next.digest.clone(),
            grant_id: g.id.clone(),
            scopes: first.scopes.clone(),
            created_at: at(1),
            expires_at: next.expires_at,
            used_at: None,
        };
        assert_eq!(
            GrantRepo::find_refresh_token(db, &next.digest)
                .await
                .unwrap(),
            Some((replacement, g.clone())),
            "the replacement is stored with the use"
        );
        let found = GrantRepo::find_refresh_token(db, &first.digest)
            .await
            .unwrap();
        assert_eq!(
            found,
            Some((used, g.clone())),
            "find_refresh_token after use"
        );

        let reused = GrantRepo::use_refresh_token(db, &first.digest, &client, at(2), &next_token())
            .await
            .unwrap();
        assert_eq!(
            reused,
            RefreshUse::Reused {
                grant_id: g.id.clone()
            },
            "second use"
        );
        let family = GrantRepo::find_grant(db, &g.id).await.unwrap().unwrap();
        assert_eq!(
            family.revoked_at,
            Some(at(2)),
            "reuse revokes the grant family"
        );

        // The rotated token of a revoked family is worthless.
        let rotated = refresh(&g.id, "rt-rotated", at(3600));
        GrantRepo::insert_refresh_token(db, &rotated).await.unwrap();
        let outcome =
            GrantRepo::use_refresh_token(db, &rotated.digest, &client, at(3), &next_token())
                .await
                .unwrap();
        assert_eq!(
            outcome,
            RefreshUse::Invalid,
            "a live token of a revoked family"
        );

        let never = TokenDigest::of("never-issued");
        let outcome = GrantRepo::use_refresh_token(db, &never, &client, at(3), &next_token())
            .await
            .unwrap();
        assert_eq!(outcome, RefreshUse::Invalid, "an unknown token");
        assert_eq!(
            GrantRepo::find_refresh_token(db, &never).await.unwrap(),
            None
        );

        // An expired token is invalid and does not revoke its (live) family.
        let other = grant(&user, &client);
        GrantRepo::insert_grant(db, &other).await.unwrap();
        let expired = refresh(&other.id, "rt-expired", at(10));
        GrantRepo::insert_refresh_token(db, &expired).await.unwrap();
        let outcome =
            GrantRepo::use_refresh_token(db, &expired.digest, &client, at(11), &next_token())
                .await
                .unwrap();
        assert_eq!(outcome, RefreshUse::Invalid, "an expired token");
        let other_now = GrantRepo::find_grant(db, &other.id).await.unwrap().unwrap();
        assert_eq!(
            other_now.revoked_at, None,
            "an expired token does not revoke its family"
        );
        let live = refresh(&other.id, "rt-live", at(3600));
        GrantRepo::insert_refresh_token(db, &live).await.unwrap();
        let outcome =
            GrantRepo::use_refresh_token(db, &live.digest, &client, at(12), &next_token())
                .await
                .unwrap();
        assert!(matches!(outcome, RefreshUse::Fresh(..)), "{outcome:?}");

        assert_conflict(
            GrantRepo::insert_refresh_token(db, &live).await,
            "the same refresh token digest twice",
        );
    }

    /// One race: sixteen presentations of one live refresh token at once.
    async fn race_refresh_token(
        db: &Database,
        user: &UserId,
        client: &ClientId,
    ) -> Vec<RefreshUse> {
        let g = grant(user, client);
        GrantRepo::insert_grant(db, &g).await.unwrap();
        let token = refresh(&g.id, &format!("rt-raced-{}", g.id), at(3600));
        GrantRepo::insert_refresh_token(db, &token).await.unwrap();
        let barrier = Arc::new(Barrier::new(16));
        let mut tasks = JoinSet::new();
        for i in 0..16u64 {
            let (db, digest, barrier) = (db.clone(), token.digest.clone(), Arc::clone(&barrier));
            let client = client.clone();
            tasks.spawn(async move {
                barrier.wait().await;
                GrantRepo::use_refresh_token(&db, &digest, &client, at(1 + i), &next_token())
                    .await
                    .unwrap()
            });
        }
        let outcomes = tasks.join_all().await;
        // Whoever won, presenting the token again was a reuse: the family is revoked.
        let stored = GrantRepo::find_grant(db, &g.id).await.unwrap().unwrap();
        assert!(
            stored.revoked_at.is_some(),
            "concurrent reuse revokes the family: {outcomes:?}"
        );
        let reused = RefreshUse::Reused {
            grant_id: g.id.clone(),
        };
        let not_reused = outcomes.iter().filter(|o| **o != reused).count();
        assert_eq!(
            not_reused, 1,
            "one conditional update decides; the others saw it used: {outcomes:?}"
        );
        for o in &outcomes {
            match o {
                RefreshUse::Fresh(t, fresh_grant, _) => {
                    assert_eq!((&t.digest, &fresh_grant.id), (&token.digest, &g.id));
                }
                RefreshUse::Invalid => {}
                other => assert_eq!(other, &reused, "{outcomes:?}"),
            }
        }
        outcomes
    }

    /// Concurrent grant writes share transactions (group commit): one that fails (a
    /// refresh-token digest already taken) fails alone, stores nothing of its own, and
    /// every other write of its batch, grants and rotations alike, is stored and answered.
    pub async fn grant_writes_made_together_fail_alone(db: &Database) {
        let (user, client) = grant_setup(db).await;
        let taken = grant(&user, &client);
        let first = refresh(&taken.id, "rt-taken", at(3600));
        GrantRepo::insert_grant_with_token(db, &taken, &first)
            .await
            .unwrap();
        let rotated = grant(&user, &client);
        let live = refresh(&rotated.id, "rt-to-rotate", at(3600));
        GrantRepo::insert_grant_with_token(db, &rotated, &live)
            .await
            .unwrap();
        const WRITES: usize = 48;
        const CLASHING: usize = 17;
        const ROTATING: usize = 30;
        let barrier = Arc::new(Barrier::new(WRITES));
        let mut tasks = JoinSet::new();
        for i in 0..WRITES {
            let (db, barrier, client) = (db.clone(), Arc::clone(&barrier), client.clone());
            let g = grant(&user, &client);
            let token = if i == CLASHING {
                refresh(&g.id, "rt-taken", at(3600))
            } else {
                refresh(&g.id, &format!("rt-batch-{i}"), at(3600))
            };
            let digest = live.digest.clone();
            tasks.spawn(async move {
                barrier.wait().await;
                if i == ROTATING {
                    let used =
                        GrantRepo::use_refresh_token(&db, &digest, &client, at(1), &next_token())
                            .await
                            .map(|u| matches!(u, RefreshUse::Fresh(..)));
                    (i, g, token, used)
                } else {
                    let stored = GrantRepo::insert_grant_with_token(&db, &g, &token)
                        .await
                        .map(|()| true);
                    (i, g, token, stored)
                }
            });
        }
        for (i, g, token, outcome) in tasks.join_all().await {
            let found = GrantRepo::find_grant(db, &g.id).await.unwrap();
            match i {
                CLASHING => {
                    assert_conflict(outcome, "the write whose digest is taken");
                    assert_eq!(found, None, "nothing of the failed write is stored");
                }
                ROTATING => assert!(outcome.unwrap(), "the rotation in the batch won"),
                _ => {
                    assert!(outcome.unwrap(), "write {i}");
                    assert_eq!(found, Some(g.clone()), "grant {i} stored");
                    let stored = GrantRepo::find_refresh_token(db, &token.digest)
                        .await
                        .unwrap();
                    assert_eq!(stored, Some((token, g)), "token {i} stored");
                }
            }
        }
        let (used, _) = GrantRepo::find_refresh_token(db, &live.digest)
            .await
            .unwrap()
            .unwrap();
        assert!(used.used_at.is_some(), "the rotation was committed");
        let (kept, _) = GrantRepo::find_refresh_token(db, &first.digest)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept, first, "the token whose digest was taken is untouched");
    }

    fn count_fresh(outcomes: &[RefreshUse]) -> usize {
        outcomes
            .iter()
            .filter(|o| matches!(o, RefreshUse::Fresh(..)))
            .count()
    }

    /// The security property: a refresh token is never honoured twice, however it is raced.
    pub async fn refresh_tokens_single_use_under_concurrency(db: &Database) {
        let (user, client) = grant_setup(db).await;
        for round in 0..5 {
            let outcomes = race_refresh_token(db, &user, &client).await;
            assert!(
                count_fresh(&outcomes) <= 1,
                "round {round}: more than one winner: {outcomes:?}"
            );
        }
    }

    /// The liveness half: of concurrent presentations of a live token, exactly one wins.
    /// Races are timing-dependent, so several rounds run to make a loss likely to show.
    pub async fn refresh_tokens_concurrent_use_has_one_winner(db: &Database) {
        let (user, client) = grant_setup(db).await;
        for round in 0..30 {
            let outcomes = race_refresh_token(db, &user, &client).await;
            assert_eq!(
                count_fresh(&outcomes),
                1,
                "round {round}: exactly one presentation wins: {outcomes:?}"
            );
        }
    }

    // 8. Consents.
    pub async fn consents_upsert_find_delete(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let bob = insert_member(db, &acme.id, "bob@example.org").await;
        let payroll = insert_client(db, &acme.id).await;
        let wiki = insert_client(db, &acme.id).await;
        let consent = |user: &UserId, client: &ClientId, scopes: &[&str], at: Timestamp| Consent {
            user_id: user.clone(),
            client_id: client.clone(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            granted_at: at,
        };

        let first = consent(&ada.id, &payroll.id, &["openid", "email", "profile"], at(1));
        ConsentRepo::upsert(db, &first).await.unwrap();
        assert_eq!(
            ConsentRepo::find(db, &ada.id, &payroll.id).await.unwrap(),
            Some(first)
        );
        let replaced = consent(&ada.id, &payroll.id, &["openid"], at(2));
        ConsentRepo::upsert(db, &replaced).await.unwrap();
        assert_eq!(
            ConsentRepo::find(db, &ada.id, &payroll.id).await.unwrap(),
            Some(replaced.clone())
        );

        let wiki_consent = consent(&ada.id, &wiki.id, &["openid", "offline_access"], at(3));
        ConsentRepo::upsert(db, &wiki_consent).await.unwrap();
        let bobs = consent(&bob.id, &payroll.id, &["openid", "email"], at(4));
        ConsentRepo::upsert(db, &bobs).await.unwrap();
        assert_eq!(
            ConsentRepo::find(db, &ada.id, &payroll.id).await.unwrap(),
            Some(replaced.clone())
        );

        let mut adas = vec![replaced.clone(), wiki_consent.clone()];
        adas.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        assert_eq!(ConsentRepo::find_by_user(db, &ada.id).await.unwrap(), adas);
        assert_eq!(
            ConsentRepo::find_by_user(db, &bob.id).await.unwrap(),
            vec![bobs.clone()]
        );

        assert!(ConsentRepo::delete(db, &ada.id, &payroll.id).await.unwrap());
        assert_eq!(
            ConsentRepo::find(db, &ada.id, &payroll.id).await.unwrap(),
            None
        );
        assert!(
            !ConsentRepo::delete(db, &ada.id, &payroll.id).await.unwrap(),
            "already deleted"
        );
        assert_eq!(
            ConsentRepo::find_by_user(db, &ada.id).await.unwrap(),
            vec![wiki_consent]
        );
        assert_eq!(
            ConsentRepo::find(db, &bob.id, &payroll.id).await.unwrap(),
            Some(bobs),
            "bob's consent kept"
        );
    }

    // 9. Browser sessions.
    pub async fn sessions_live_touch_and_end(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let bob = insert_member(db, &acme.id, "bob@example.org").await;

        let live = session(&ada.id, at(3600));
        let expired = session(&ada.id, before(1));
        let ended = idp_core::records::BrowserSession {
            ended_at: Some(before(30)),
            ..session(&ada.id, at(3600))
        };
        let bobs = session(&bob.id, at(3600));
        for s in [&live, &expired, &ended, &bobs] {
            SessionRepo::insert(db, s).await.unwrap();
        }
        assert_eq!(
            SessionRepo::find_by_id(db, &ended.id).await.unwrap(),
            Some(ended.clone())
        );
        assert_eq!(
            SessionRepo::find_live_by_user(db, &ada.id, NOW)
                .await
                .unwrap(),
            vec![live.clone()]
        );

        assert!(SessionRepo::touch(db, &live.id, at(5)).await.unwrap());
        let touched = SessionRepo::find_by_id(db, &live.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            touched,
            idp_core::records::BrowserSession {
                last_seen_at: at(5),
                ..live.clone()
            }
        );
        assert!(
            !SessionRepo::touch(db, &ended.id, at(5)).await.unwrap(),
            "an ended session stays ended"
        );

        // A second and third live session; the most recently seen comes first.
        let laptop = session(&ada.id, at(7200));
        let phone = session(&ada.id, at(7200));
        SessionRepo::insert(db, &laptop).await.unwrap();
        SessionRepo::insert(db, &phone).await.unwrap();
        assert!(SessionRepo::touch(db, &phone.id, at(6)).await.unwrap());
        let live_ids: Vec<_> = SessionRepo::find_live_by_user(db, &ada.id, at(10))
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(
            live_ids,
            vec![phone.id.clone(), live.id.clone(), laptop.id.clone()]
        );
        let later: Vec<_> = SessionRepo::find_live_by_user(db, &ada.id, at(3600))
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(
            later,
            vec![phone.id.clone(), laptop.id.clone()],
            "the first expired at its expires_at"
        );

        assert!(SessionRepo::end(db, &live.id, at(20)).await.unwrap());
        assert!(
            !SessionRepo::end(db, &live.id, at(21)).await.unwrap(),
            "already ended"
        );
        assert_eq!(
            SessionRepo::find_by_id(db, &live.id)
                .await
                .unwrap()
                .unwrap()
                .ended_at,
            Some(at(20))
        );

        // Sign out everywhere else: the kept one and bob's survive.
        let ended_count = SessionRepo::end_all_for_user(db, &ada.id, Some(&phone.id), at(30))
            .await
            .unwrap();
        let still: Vec<_> = SessionRepo::find_live_by_user(db, &ada.id, at(31))
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(still, vec![phone.id.clone()]);
        assert_eq!(
            SessionRepo::find_by_id(db, &laptop.id)
                .await
                .unwrap()
                .unwrap()
                .ended_at,
            Some(at(30))
        );
        assert!(ended_count >= 1, "the laptop was ended");
        assert_eq!(
            SessionRepo::find_live_by_user(db, &bob.id, at(31))
                .await
                .unwrap(),
            vec![bobs.clone()]
        );

        assert_eq!(
            SessionRepo::end_all_for_user(db, &ada.id, None, at(40))
                .await
                .unwrap(),
            1,
            "the phone"
        );
        assert_eq!(
            SessionRepo::find_live_by_user(db, &ada.id, at(41))
                .await
                .unwrap(),
            Vec::new()
        );
        assert_eq!(
            SessionRepo::find_live_by_user(db, &bob.id, at(41))
                .await
                .unwrap(),
            vec![bobs]
        );
    }

    /// `end_all_for_user` "ends every live session of a member but `keep`; returns how many
    /// ended": sessions already expired or ended are not live, so they are not counted.
    pub async fn sessions_end_all_counts_live_sessions(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let kept = session(&ada.id, at(3600));
        let laptop = session(&ada.id, at(3600));
        let phone = session(&ada.id, at(3600));
        let expired = session(&ada.id, before(1));
        let ended = idp_core::records::BrowserSession {
            ended_at: Some(before(30)),
            ..session(&ada.id, at(3600))
        };
        for s in [&kept, &laptop, &phone, &expired, &ended] {
            SessionRepo::insert(db, s).await.unwrap();
        }
        let count = SessionRepo::end_all_for_user(db, &ada.id, Some(&kept.id), NOW)
            .await
            .unwrap();
        let live: Vec<_> = SessionRepo::find_live_by_user(db, &ada.id, NOW)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(live, vec![kept.id.clone()]);
        assert_eq!(
            SessionRepo::find_by_id(db, &ended.id).await.unwrap(),
            Some(ended),
            "an ended session keeps its end"
        );
        assert_eq!(
            count, 2,
            "the laptop and the phone were live; the expired session was not"
        );
    }

    // 10. Policies, IP lists and administrators.
    pub async fn policies_ip_lists_and_admins(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let globex = insert_org(db, "globex").await;

        assert_eq!(PolicyRepo::find_policy(db, &acme.id).await.unwrap(), None);
        let first = OrgPolicyRecord {
            org_id: acme.id.clone(),
            settings: serde_json::json!({"email_password": true, "second_factor": "required"}),
            updated_at: at(1),
        };
        PolicyRepo::upsert_policy(db, &first).await.unwrap();
        assert_eq!(
            PolicyRepo::find_policy(db, &acme.id).await.unwrap(),
            Some(first)
        );
        let second = OrgPolicyRecord {
            org_id: acme.id.clone(),
            settings: serde_json::json!({"session_hours": 8, "allowed_domains": ["example.org"]}),
            updated_at: at(2),
        };
        PolicyRepo::upsert_policy(db, &second).await.unwrap();
        assert_eq!(
            PolicyRepo::find_policy(db, &acme.id).await.unwrap(),
            Some(second),
            "replaced, not merged"
        );
        assert_eq!(PolicyRepo::find_policy(db, &globex.id).await.unwrap(), None);

        let entry = |org: &OrgId, purpose: IpListPurpose, cidr: &str, n: u64| IpListEntry {
            id: idp_core::ids::EventId::generate().to_string(),
            org_id: org.clone(),
            purpose,
            cidr: cidr.into(),
            note: n.is_multiple_of(2).then(|| format!("entry {n}")),
            created_at: at(n),
        };
        let skip = vec![entry(
            &acme.id,
            IpListPurpose::SkipSecondFactor,
            "10.0.0.0/8",
            1,
        )];
        PolicyRepo::replace_ip_list(db, &acme.id, IpListPurpose::SkipSecondFactor, &skip)
            .await
            .unwrap();
        let globex_list = vec![entry(
            &globex.id,
            IpListPurpose::AllowSignIn,
            "192.0.2.0/24",
            2,
        )];
        PolicyRepo::replace_ip_list(db, &globex.id, IpListPurpose::AllowSignIn, &globex_list)
            .await
            .unwrap();
        let allow = vec![
            entry(&acme.id, IpListPurpose::AllowSignIn, "198.51.100.0/24", 3),
            entry(&acme.id, IpListPurpose::AllowSignIn, "2001:db8::/32", 4),
        ];
        PolicyRepo::replace_ip_list(db, &acme.id, IpListPurpose::AllowSignIn, &allow)
            .await
            .unwrap();
        assert_eq!(
            PolicyRepo::find_ip_list(db, &acme.id, IpListPurpose::AllowSignIn)
                .await
                .unwrap(),
            allow
        );
        let replacement = vec![entry(
            &acme.id,
            IpListPurpose::AllowSignIn,
            "203.0.113.7/32",
            5,
        )];
        PolicyRepo::replace_ip_list(db, &acme.id, IpListPurpose::AllowSignIn, &replacement)
            .await
            .unwrap();
        assert_eq!(
            PolicyRepo::find_ip_list(db, &acme.id, IpListPurpose::AllowSignIn)
                .await
                .unwrap(),
            replacement
        );
        assert_eq!(
            PolicyRepo::find_ip_list(db, &acme.id, IpListPurpose::SkipSecondFactor)
                .await
                .unwrap(),
            skip
        );
        assert_eq!(
            PolicyRepo::find_ip_list(db, &globex.id, IpListPurpose::AllowSignIn)
                .await
                .unwrap(),
            globex_list
        );
        PolicyRepo::replace_ip_list(db, &acme.id, IpListPurpose::AllowSignIn, &[])
            .await
            .unwrap();
        assert_eq!(
            PolicyRepo::find_ip_list(db, &acme.id, IpListPurpose::AllowSignIn)
                .await
                .unwrap(),
            Vec::new()
        );

        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let bob = insert_member(db, &acme.id, "bob@example.org").await;
        let assignment = |user: &UserId, org: &OrgId, perms: &[&str]| AdminAssignment {
            user_id: user.clone(),
            org_id: org.clone(),
            permissions: perms.iter().map(|p| (*p).to_owned()).collect(),
            created_at: at(9),
        };
        let over_acme = assignment(&ada.id, &acme.id, &["members:write", "audit:read"]);
        let over_globex = assignment(&ada.id, &globex.id, &["audit:read"]);
        let bobs = assignment(&bob.id, &acme.id, &["members:read"]);
        for a in [&over_acme, &over_globex, &bobs] {
            PolicyRepo::insert_admin(db, a).await.unwrap();
        }
        let mut adas = PolicyRepo::find_admin_by_user(db, &ada.id).await.unwrap();
        adas.sort_by(|a, b| a.org_id.cmp(&b.org_id));
        let mut expected = vec![over_acme.clone(), over_globex];
        expected.sort_by(|a, b| a.org_id.cmp(&b.org_id));
        assert_eq!(adas, expected);
        assert_eq!(
            PolicyRepo::find_admin_by_user(db, &bob.id).await.unwrap(),
            vec![bobs.clone()]
        );
        let mut over = PolicyRepo::find_admin_by_orgs(db, std::slice::from_ref(&acme.id))
            .await
            .unwrap();
        over.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        let mut expected = vec![over_acme.clone(), bobs];
        expected.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        assert_eq!(over, expected);
        assert!(
            PolicyRepo::find_admin_by_orgs(db, &[])
                .await
                .unwrap()
                .is_empty()
        );
        assert_conflict(
            PolicyRepo::insert_admin(db, &over_acme).await,
            "the same assignment twice",
        );
    }

    // 11. Audit.
    /// What happened, in the audit log's three words.
    type Kind = (ActivityType, EventKind, InfoType);

    /// An event to append: organization, seconds after NOW, what happened, to whom.
    type Planned<'a> = (&'a Organization, u64, Kind, Option<&'a UserId>);

    fn audit_event(
        org: &OrgId,
        occurred_at: Timestamp,
        kind: Kind,
        target: Option<&UserId>,
        n: u32,
    ) -> NewAuditEvent {
        let (activity, event, info_type) = kind;
        NewAuditEvent {
            org_id: org.clone(),
            occurred_at,
            actor_kind: ActorKind::Administrator,
            actor_id: Some("admin-1".into()),
            target_user_id: target.cloned(),
            activity,
            event,
            info_type,
            ip: Some("203.0.113.9".into()),
            user_agent: n.is_multiple_of(2).then(|| "AuditContract/1.0".into()),
            device_id: n.is_multiple_of(3).then(|| format!("device-{n}")),
            detail: serde_json::json!({"n": n, "before": {"status": "active"}, "after": {"status": "disabled"}}),
        }
    }

    /// What `search` must answer, computed from the events appended, newest first.
    fn expected(events: &[AuditEvent], keep: impl Fn(&AuditEvent) -> bool) -> Vec<String> {
        let mut hits: Vec<&AuditEvent> = events.iter().filter(|e| keep(e)).collect();
        hits.sort_by(|a, b| {
            (b.event.occurred_at, b.id.as_str()).cmp(&(a.event.occurred_at, a.id.as_str()))
        });
        hits.iter().map(|e| e.id.to_string()).collect()
    }

    async fn search_ids(db: &Database, filter: &AuditFilter) -> Vec<String> {
        let found = AuditRepo::search(db, filter, None, 1000).await.unwrap();
        found.iter().map(|e| e.id.to_string()).collect()
    }

    /// Every page of a search, following the keyset cursor.
    async fn all_pages(db: &Database, filter: &AuditFilter, limit: u32) -> Vec<String> {
        let mut out = Vec::new();
        let mut cursor: Option<AuditCursor> = None;
        for _ in 0..100 {
            let page = AuditRepo::search(db, filter, cursor.as_ref(), limit)
                .await
                .unwrap();
            assert!(page.len() <= limit as usize);
            out.extend(page.iter().map(|e| e.id.to_string()));
            match page.last() {
                Some(last) if page.len() == limit as usize => {
                    cursor = Some(AuditCursor {
                        occurred_at: last.event.occurred_at,
                        id: last.id.clone(),
                    });
                }
                _ => return out,
            }
        }
        panic!("paging does not end");
    }

    pub async fn audit_chains_and_search(db: &Database) {
        use ActivityType as A;
        use EventKind as E;
        use InfoType as I;
        let root = org("Acme", "acme", None);
        let child = org("Sales", "sales", Some(&root));
        let grandchild = org("EMEA", "sales-emea", Some(&child));
        let sibling = org("Support", "support", Some(&root));
        for o in [&root, &child, &grandchild, &sibling] {
            OrgRepo::insert(db, o).await.unwrap();
        }
        let (alice, bob) = (UserId::generate(), UserId::generate());
        // Organization, seconds after NOW, what happened, to whom.
        #[rustfmt::skip]
        let plan: Vec<Planned<'_>> = vec![
            (&root, 100, (A::SignIn, E::SignIn, I::AuthenticationToken), Some(&alice)),
            (&root, 100, (A::MemberChange, E::Edit, I::Personal), Some(&bob)),
            (&grandchild, 101, (A::SecondFactorReset, E::Edit, I::SecuritySettings), Some(&alice)),
            (&sibling, 102, (A::PermissionChange, E::Create, I::Permission), Some(&bob)),
            (&sibling, 103, (A::SignIn, E::SignIn, I::AuthenticationToken), Some(&alice)),
            (&root, 103, (A::AuditAccess, E::Download, I::Other), None),
            (&child, 104, (A::Consent, E::Create, I::Personal), Some(&alice)),
            (&grandchild, 105, (A::PersonalInfoAccess, E::View, I::Hr), Some(&bob)),
            // Appended late but occurred early: search orders by time, the chain by append.
            (&root, 99, (A::TemporaryPassword, E::Create, I::AuthenticationToken), Some(&bob)),
            (&root, 106, (A::ClientChange, E::Delete, I::Other), None),
            (&root, 106, (A::ClientChange, E::Create, I::Other), None),
            (&root, 106, (A::ClientChange, E::Edit, I::Other), None),
            (&sibling, 106, (A::AccountLock, E::Edit, I::SecuritySettings), Some(&bob)),
        ];
        let mut stored: Vec<AuditEvent> = Vec::new();
        for (n, (o, secs, kind, target)) in plan.into_iter().enumerate() {
            let new = audit_event(&o.id, at(secs), kind, target, u32::try_from(n).unwrap());
            let event = AuditRepo::append(db, &new).await.unwrap();
            assert_eq!(event.event, new, "append keeps what it was given");
            stored.push(event);
        }

        // Each organization's chain: in append order, seq from 1, every link intact.
        for o in [&root, &child, &grandchild, &sibling] {
            let chain = AuditRepo::find_chain(db, &o.id, 0, 1000).await.unwrap();
            let appended: Vec<&AuditEvent> =
                stored.iter().filter(|e| e.event.org_id == o.id).collect();
            assert_eq!(
                chain.iter().collect::<Vec<_>>(),
                appended,
                "the chain of {} as appended",
                o.slug
            );
            let seqs: Vec<i64> = chain.iter().map(|e| e.seq).collect();
            assert_eq!(
                seqs,
                (1..=i64::try_from(appended.len()).unwrap()).collect::<Vec<_>>()
            );
            assert_eq!(
                verify_chain(&GENESIS, &chain),
                Ok(chain.len()),
                "the chain of {} verifies",
                o.slug
            );
        }
        let root_chain = AuditRepo::find_chain(db, &root.id, 0, 1000).await.unwrap();
        assert_eq!(root_chain.len(), 7);
        let tail = AuditRepo::find_chain(db, &root.id, 2, 3).await.unwrap();
        assert_eq!(
            tail.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![3, 4, 5]
        );
        assert_eq!(
            verify_chain(&root_chain[1].digest, &tail),
            Ok(3),
            "a window continues from its predecessor"
        );

        // Filters.
        let paths: BTreeMap<OrgId, String> = [&root, &child, &grandchild, &sibling]
            .iter()
            .map(|o| (o.id.clone(), o.path.clone()))
            .collect();
        let in_subtree = |e: &AuditEvent, path: &str| paths[&e.event.org_id].starts_with(path);
        let everything = AuditFilter::default();
        assert_eq!(
            search_ids(db, &everything).await,
            expected(&stored, |_| true)
        );
        for o in [&root, &child, &grandchild, &sibling] {
            let filter = AuditFilter {
                org_path: Some(o.path.clone()),
                ..AuditFilter::default()
            };
            assert_eq!(
                search_ids(db, &filter).await,
                expected(&stored, |e| in_subtree(e, &o.path)),
                "{}",
                o.slug
            );
        }
        let grandchild_event = stored[2].id.to_string();
        let from_root = search_ids(
            db,
            &AuditFilter {
                org_path: Some(root.path.clone()),
                ..AuditFilter::default()
            },
        )
        .await;
        assert!(
            from_root.contains(&grandchild_event),
            "the root's search reaches the grandchild"
        );
        let from_sibling = search_ids(
            db,
            &AuditFilter {
                org_path: Some(sibling.path.clone()),
                ..AuditFilter::default()
            },
        )
        .await;
        assert!(
            !from_sibling.contains(&grandchild_event),
            "the sibling's search does not"
        );
        assert_eq!(from_sibling.len(), 3);

        let by_target = AuditFilter {
            target_user_id: Some(alice.clone()),
            ..AuditFilter::default()
        };
        let alices = expected(&stored, |e| e.event.target_user_id.as_ref() == Some(&alice));
        assert_eq!(alices.len(), 4);
        assert_eq!(search_ids(db, &by_target).await, alices);

        let by_activity = AuditFilter {
            activity: Some(A::SignIn),
            ..AuditFilter::default()
        };
        let sign_ins = expected(&stored, |e| e.event.activity == A::SignIn);
        assert_eq!(sign_ins.len(), 2);
        assert_eq!(search_ids(db, &by_activity).await, sign_ins);

        let by_event = AuditFilter {
            event: Some(E::Edit),
            ..AuditFilter::default()
        };
        let edits = expected(&stored, |e| e.event.event == E::Edit);
        assert_eq!(edits.len(), 4);
        assert_eq!(search_ids(db, &by_event).await, edits);

        let by_info = AuditFilter {
            info_type: Some(I::Personal),
            ..AuditFilter::default()
        };
        let personal = expected(&stored, |e| e.event.info_type == I::Personal);
        assert_eq!(personal.len(), 2);
        assert_eq!(search_ids(db, &by_info).await, personal);

        // Bounds half a second off the events, so the test holds whichever end is inclusive.
        let from = Timestamp::from_micros(at(101).as_micros() - 500_000);
        let until = Timestamp::from_micros(at(103).as_micros() - 500_000);
        let by_time = AuditFilter {
            from: Some(from),
            until: Some(until),
            ..AuditFilter::default()
        };
        let window = expected(&stored, |e| {
            e.event.occurred_at > from && e.event.occurred_at < until
        });
        assert_eq!(window.len(), 2);
        assert_eq!(search_ids(db, &by_time).await, window);

        let combined = AuditFilter {
            org_path: Some(root.path.clone()),
            target_user_id: Some(alice.clone()),
            activity: Some(A::SignIn),
            from: Some(at(100)),
            ..AuditFilter::default()
        };
        let alices_sign_ins = expected(&stored, |e| {
            e.event.activity == A::SignIn
                && e.event.target_user_id.as_ref() == Some(&alice)
                && e.event.occurred_at >= at(100)
        });
        assert_eq!(alices_sign_ins.len(), 2);
        assert_eq!(search_ids(db, &combined).await, alices_sign_ins);
        let nobody = AuditFilter {
            target_user_id: Some(UserId::generate()),
            ..AuditFilter::default()
        };
        assert_eq!(search_ids(db, &nobody).await, Vec::<String>::new());

        // Keyset pages, newest first: every event exactly once, in order, across ties in time.
        for limit in [1, 2, 3, 5] {
            assert_eq!(
                all_pages(db, &everything, limit).await,
                expected(&stored, |_| true),
                "pages of {limit}"
            );
        }
        let root_filter = AuditFilter {
            org_path: Some(root.path.clone()),
            ..AuditFilter::default()
        };
        assert_eq!(
            all_pages(db, &root_filter, 2).await,
            expected(&stored, |e| in_subtree(e, &root.path))
        );
    }

    pub async fn audit_concurrent_appends_keep_the_chain(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let kind = (
            ActivityType::SignIn,
            EventKind::SignIn,
            InfoType::AuthenticationToken,
        );
        let mut tasks = JoinSet::new();
        for n in 0..20u32 {
            let db = db.clone();
            let event = audit_event(&acme.id, at(u64::from(n)), kind, None, n);
            tasks.spawn(async move { AuditRepo::append(&db, &event).await.unwrap() });
        }
        let appended = tasks.join_all().await;
        let chain = AuditRepo::find_chain(db, &acme.id, 0, 100).await.unwrap();
        assert_eq!(
            chain.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1..=20).collect::<Vec<i64>>()
        );
        assert_eq!(verify_chain(&GENESIS, &chain), Ok(20));
        let mut returned: Vec<&AuditEvent> = appended.iter().collect();
        returned.sort_by_key(|e| e.seq);
        assert_eq!(
            returned,
            chain.iter().collect::<Vec<_>>(),
            "what append returned is what was stored"
        );
        let details: BTreeSet<String> = chain
            .iter()
            .map(|e| e.event.detail["n"].to_string())
            .collect();
        assert_eq!(details.len(), 20, "no event lost or duplicated");
    }

    /// An export reads every event once, newest first, across pages read ahead; equal
    /// times are ordered by id, and another organization's events stay out.
    pub async fn audit_export_pages_read_ahead_and_miss_nothing(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let globex = insert_org(db, "globex").await;
        let kind = (
            ActivityType::SignIn,
            EventKind::SignIn,
            InfoType::AuthenticationToken,
        );
        let page = idp_core::audit_export::EXPORT_PAGE;
        let count = 2 * page + 7;
        let batch: Vec<NewAuditEvent> = (0..count)
            .flat_map(|n| {
                // Pairs share a time, so the cursor's id tie-break matters.
                let when = at(u64::from(n / 2));
                [
                    audit_event(&acme.id, when, kind, None, n),
                    audit_event(&globex.id, when, kind, None, n),
                ]
            })
            .collect();
        AuditRepo::append_batch(db, &batch).await.unwrap();
        let filter = AuditFilter {
            org_path: Some(acme.path.clone()),
            ..AuditFilter::default()
        };
        let mut pages = idp_core::audit_export::Pages::new(std::sync::Arc::new(db.clone()), filter);
        let mut sizes = Vec::new();
        let mut read = Vec::new();
        while let Some(events) = pages.next().await.unwrap() {
            sizes.push(events.len());
            read.extend(events);
        }
        assert_eq!(sizes, [page as usize, page as usize, 7]);
        assert!(pages.next().await.unwrap().is_none(), "done stays done");
        assert!(read.iter().all(|e| e.event.org_id == acme.id));
        let keys: Vec<_> = read
            .iter()
            .map(|e| (e.event.occurred_at, e.id.to_string()))
            .collect();
        let mut newest_first = keys.clone();
        newest_first.sort_by(|a, b| b.cmp(a));
        newest_first.dedup();
        assert_eq!(keys, newest_first, "newest first, each event once");
        assert_eq!(keys.len(), count as usize);
    }

    pub async fn audit_batch_append_continues_the_chains(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let globex = insert_org(db, "globex").await;
        let kind = (
            ActivityType::MemberChange,
            EventKind::Edit,
            InfoType::Personal,
        );
        assert_eq!(AuditRepo::append_batch(db, &[]).await.unwrap(), vec![]);
        let first = AuditRepo::append(db, &audit_event(&acme.id, at(0), kind, None, 0))
            .await
            .unwrap();

        // More events than one INSERT carries, the two organizations interleaved.
        let batch: Vec<NewAuditEvent> = (1..=1201u32)
            .map(|n| {
                let org = if n % 3 == 0 { &globex.id } else { &acme.id };
                audit_event(org, at(u64::from(n)), kind, None, n)
            })
            .collect();
        let stored = AuditRepo::append_batch(db, &batch).await.unwrap();
        assert_eq!(
            stored.iter().map(|e| &e.event).collect::<Vec<_>>(),
            batch.iter().collect::<Vec<_>>(),
            "stored in the order given, as given"
        );
        let last = AuditRepo::append(db, &audit_event(&acme.id, at(5000), kind, None, 5000))
            .await
            .unwrap();

        let mut acme_expected = vec![&first];
        acme_expected.extend(stored.iter().filter(|e| e.event.org_id == acme.id));
        acme_expected.push(&last);
        let globex_expected: Vec<&AuditEvent> = stored
            .iter()
            .filter(|e| e.event.org_id == globex.id)
            .collect();
        for (org, expected) in [(&acme, acme_expected), (&globex, globex_expected)] {
            let chain = AuditRepo::find_chain(db, &org.id, 0, 5000).await.unwrap();
            assert_eq!(chain.iter().collect::<Vec<_>>(), expected, "{}", org.slug);
            assert_eq!(
                chain.iter().map(|e| e.seq).collect::<Vec<_>>(),
                (1..=i64::try_from(expected.len()).unwrap()).collect::<Vec<_>>(),
                "{}",
                org.slug
            );
            assert_eq!(
                verify_chain(&GENESIS, &chain),
                Ok(chain.len()),
                "the chain of {} verifies across the batch",
                org.slug
            );
        }
    }

    /// Makes the database refuse any audit event whose actor is `refuse`, the way a full
    /// disk or a lost connection would refuse it at the worst moment.
    async fn refuse_events_from(db: &Database) {
        let sql = match db.backend() {
            idp_store::Backend::Sqlite => {
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events \
                 WHEN NEW.actor_id = 'refuse' \
                 BEGIN SELECT RAISE(ABORT, 'audit write refused'); END;"
            }
            idp_store::Backend::Postgres => {
                "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'audit write refused'; END $$; \
                 CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW \
                 WHEN (NEW.actor_id = 'refuse') EXECUTE FUNCTION refuse_audit();"
            }
        };
        db.run(move |c| {
            diesel::connection::SimpleConnection::batch_execute(c, sql)
                .map_err(|e| StoreError::Backend(e.to_string()))
        })
        .await
        .unwrap();
    }

    pub async fn audit_commit_saves_a_change_only_with_its_event(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        lock_password(db, &ada.id, 5).await;
        let creds = CredentialRepo::find_by_user(db, &ada.id)
            .await
            .unwrap()
            .unwrap();
        assert!(creds.locked_at.is_some());
        let app = full_client(&acme.id);
        ClientRepo::insert(db, &app).await.unwrap();
        let granted = grant(&ada.id, &app.id);
        GrantRepo::insert_grant(db, &granted).await.unwrap();
        refuse_events_from(db).await;
        let client = full_client(&acme.id);
        let globex = org("Globex", "globex", None);
        let bob = member(&acme.id, "bob@example.org");
        let consent = Consent {
            user_id: ada.id.clone(),
            client_id: client.id.clone(),
            scopes: vec!["openid".into()],
            granted_at: at(1),
        };
        let changes = vec![
            Change::UpsertPolicy(OrgPolicyRecord {
                org_id: acme.id.clone(),
                settings: serde_json::json!({"lockout_after_failures": 5}),
                updated_at: at(1),
            }),
            Change::ReplaceIpList {
                org: acme.id.clone(),
                purpose: IpListPurpose::AllowSignIn,
                entries: vec![IpListEntry {
                    id: "entry-1".into(),
                    org_id: acme.id.clone(),
                    purpose: IpListPurpose::AllowSignIn,
                    cidr: "10.0.0.0/8".into(),
                    note: None,
                    created_at: at(1),
                }],
            },
            Change::ReplaceAdmin(AdminAssignment {
                user_id: ada.id.clone(),
                org_id: acme.id.clone(),
                permissions: vec!["members".into()],
                created_at: at(1),
            }),
            Change::UpdateStatus {
                user: ada.id.clone(),
                status: UserStatus::Disabled,
                now: at(1),
            },
            Change::SetPassword {
                user: ada.id.clone(),
                phc: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into(),
                must_change: true,
                now: at(1),
            },
            Change::InsertClient(client.clone()),
            Change::UpsertConsent(consent.clone()),
            Change::InsertOrg(globex.clone()),
            Change::InsertUser(bob.clone(), Credentials::empty(bob.id.clone(), NOW)),
            Change::RevokeGrant {
                grant: granted.id.clone(),
                now: at(1),
            },
            Change::RecordSignIn(SignInRecord {
                user_id: ada.id.clone(),
                kind: LoginMethodKind::Google,
                upstream_subject: "g-ada".into(),
                upstream_tenant: None,
                at: at(1),
                ip: Some("192.0.2.1".into()),
                user_agent: None,
            }),
        ];
        let kind = (
            ActivityType::SecuritySettingsChange,
            EventKind::Edit,
            InfoType::SecuritySettings,
        );
        let accepted = audit_event(&acme.id, at(1), kind, Some(&ada.id), 1);
        let mut refused = audit_event(&acme.id, at(1), kind, Some(&ada.id), 2);
        refused.actor_id = Some("refuse".into());

        // The second event cannot be written: none of the changes, nor the first event, stay.
        let failed = AuditRepo::commit(db, &changes, &[accepted.clone(), refused]).await;
        assert!(failed.is_err(), "{failed:?}");
        assert_eq!(PolicyRepo::find_policy(db, &acme.id).await.unwrap(), None);
        assert!(
            PolicyRepo::find_ip_list(db, &acme.id, IpListPurpose::AllowSignIn)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            PolicyRepo::find_admin_by_user(db, &ada.id)
                .await
                .unwrap()
                .is_empty()
        );
        let unchanged = UserRepo::find_by_id(db, &ada.id).await.unwrap().unwrap();
        assert_eq!(unchanged.status, UserStatus::Active);
        assert_eq!(
            CredentialRepo::find_by_user(db, &ada.id).await.unwrap(),
            Some(creds.clone()),
            "still locked, no password"
        );
        assert_eq!(ClientRepo::find_by_id(db, &client.id).await.unwrap(), None);
        assert_eq!(
            ConsentRepo::find(db, &ada.id, &client.id).await.unwrap(),
            None
        );
        assert_eq!(OrgRepo::find_by_slug(db, "globex").await.unwrap(), None);
        assert_eq!(UserRepo::find_by_id(db, &bob.id).await.unwrap(), None);
        let still = GrantRepo::find_grant(db, &granted.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(still.revoked_at, None);
        assert!(
            LoginMethodRepo::find_by_user(db, &ada.id)
                .await
                .unwrap()
                .is_empty(),
            "no upstream link without its event"
        );
        assert!(
            AuditRepo::find_chain(db, &acme.id, 0, 10)
                .await
                .unwrap()
                .is_empty()
        );

        // With events that can be written, every change is saved with them.
        let touched = AuditRepo::commit(db, &changes, &[accepted]).await.unwrap();
        assert_eq!(touched, vec![1; 11]);
        let linked = LoginMethodRepo::find_by_upstream(db, LoginMethodKind::Google, "g-ada")
            .await
            .unwrap()
            .expect("the link, saved with its event");
        assert_eq!((linked.user_id, linked.sign_in_count), (ada.id.clone(), 1));
        let revoked = GrantRepo::find_grant(db, &granted.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(revoked.revoked_at, Some(at(1)));
        assert_eq!(
            ConsentRepo::find(db, &ada.id, &client.id).await.unwrap(),
            Some(consent)
        );
        assert_eq!(
            OrgRepo::find_by_slug(db, "globex").await.unwrap(),
            Some(globex)
        );
        assert_eq!(UserRepo::find_by_id(db, &bob.id).await.unwrap(), Some(bob));
        assert!(
            PolicyRepo::find_policy(db, &acme.id)
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(
            UserRepo::find_by_id(db, &ada.id)
                .await
                .unwrap()
                .unwrap()
                .status,
            UserStatus::Disabled
        );
        let now = CredentialRepo::find_by_user(db, &ada.id)
            .await
            .unwrap()
            .unwrap();
        assert!(now.locked_at.is_none() && now.password_must_change);
        assert!(
            ClientRepo::find_by_id(db, &client.id)
                .await
                .unwrap()
                .is_some()
        );
        let chain = AuditRepo::find_chain(db, &acme.id, 0, 10).await.unwrap();
        assert_eq!(chain.len(), 1);
        assert_eq!(verify_chain(&GENESIS, &chain), Ok(1));
    }

    pub async fn audit_retention_records_its_cut_and_the_chain_continues(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let kind = (
            ActivityType::SignIn,
            EventKind::SignIn,
            InfoType::AuthenticationToken,
        );
        let retention = (ActivityType::Retention, EventKind::Delete, InfoType::Other);
        for n in 0..3u32 {
            let event = audit_event(&acme.id, at(u64::from(n)), kind, None, n);
            AuditRepo::append(db, &event).await.unwrap();
        }
        let org_id = acme.id.clone();
        let record = move |deleted: u64, seq: i64, _: &[u8]| {
            let mut e = audit_event(&org_id, at(100), retention, None, 9);
            e.detail = serde_json::json!({"deleted": deleted, "after_seq": seq});
            e
        };
        let (deleted, start) =
            AuditRepo::delete_before(db, &acme.id, at(100), at(100), Box::new(record))
                .await
                .unwrap();
        assert_eq!(deleted, 3);
        let (seq, digest) = start.unwrap();
        assert_eq!(seq, 3);
        // Every event went; the record of the deletion continues the chain after the cut.
        let chain = AuditRepo::find_chain(db, &acme.id, 0, 10).await.unwrap();
        assert_eq!(chain.len(), 1, "only the record of the deletion");
        assert_eq!(chain[0].seq, 4, "numbering goes on after the cut");
        assert_eq!(
            chain[0].prev_digest, digest,
            "linked to the last removed event"
        );
        assert_eq!(chain[0].event.detail["deleted"], 3);
        let next = AuditRepo::append(db, &audit_event(&acme.id, at(101), kind, None, 3))
            .await
            .unwrap();
        assert_eq!(next.seq, 5);
        let (anchor_seq, anchor) = AuditRepo::anchor(db, &acme.id).await.unwrap().unwrap();
        let chain = AuditRepo::find_chain(db, &acme.id, anchor_seq, 10)
            .await
            .unwrap();
        assert_eq!(verify_chain(&anchor, &chain), Ok(2));

        // When the record cannot be written, nothing is deleted.
        refuse_events_from(db).await;
        let org_id = acme.id.clone();
        let refused = move |_: u64, _: i64, _: &[u8]| {
            let mut e = audit_event(&org_id, at(200), retention, None, 10);
            e.actor_id = Some("refuse".into());
            e
        };
        let failed =
            AuditRepo::delete_before(db, &acme.id, at(200), at(200), Box::new(refused)).await;
        assert!(failed.is_err(), "{failed:?}");
        assert_eq!(
            AuditRepo::find_chain(db, &acme.id, anchor_seq, 10)
                .await
                .unwrap(),
            chain
        );
        assert_eq!(
            AuditRepo::anchor(db, &acme.id).await.unwrap(),
            Some((anchor_seq, anchor))
        );
    }

    // 12. Administration: organizations moved, members changed and deleted, clients edited.
    fn admin_event(org: &OrgId, target: Option<&UserId>) -> NewAuditEvent {
        audit_event(
            org,
            at(5),
            (
                ActivityType::OrganizationChange,
                EventKind::Edit,
                InfoType::Other,
            ),
            target,
            1,
        )
    }

    async fn chain_len(db: &Database, org: &OrgId) -> usize {
        AuditRepo::find_chain(db, org, 0, 1000).await.unwrap().len()
    }

    pub async fn orgs_move_rename_delete_and_member_counts(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let sales = org("Sales", "sales", Some(&acme));
        let emea = org("EMEA", "emea", Some(&sales));
        let support = org("Support", "support", Some(&acme));
        for o in [&sales, &emea, &support] {
            OrgRepo::insert(db, o).await.unwrap();
        }
        insert_member(db, &sales.id, "a@example.org").await;
        insert_member(db, &sales.id, "b@example.org").await;
        insert_member(db, &emea.id, "c@example.org").await;
        let counts: BTreeMap<OrgId, u64> = OrgRepo::member_counts(db)
            .await
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(
            counts,
            BTreeMap::from([(sales.id.clone(), 2), (emea.id.clone(), 1)])
        );

        // Sales, with EMEA below it, goes under Support: every path in the subtree follows.
        let new_path = format!("{}{}/", support.path, sales.id);
        let touched = AuditRepo::commit(
            db,
            &[Change::MoveSubtree {
                org: sales.id.clone(),
                new_parent: support.id.clone(),
                old_path: sales.path.clone(),
                new_path: new_path.clone(),
                now: at(5),
            }],
            &[admin_event(&sales.id, None)],
        )
        .await
        .unwrap();
        assert_eq!(touched, [2]);
        let moved = OrgRepo::find_by_id(db, &sales.id).await.unwrap().unwrap();
        assert_eq!(moved.path, new_path);
        assert_eq!(moved.parent_id, Some(support.id.clone()));
        assert_eq!(moved.updated_at, at(5));
        let below = OrgRepo::find_by_id(db, &emea.id).await.unwrap().unwrap();
        assert_eq!(below.path, format!("{new_path}{}/", emea.id));
        assert_eq!(below.parent_id, Some(sales.id.clone()), "its parent stays");
        let subtree: Vec<OrgId> = OrgRepo::find_subtree(db, &support.path)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(
            subtree,
            [support.id.clone(), sales.id.clone(), emea.id.clone()]
        );
        assert_eq!(
            OrgRepo::find_by_id(db, &acme.id)
                .await
                .unwrap()
                .unwrap()
                .path,
            acme.path,
            "outside the subtree nothing moved"
        );

        // A move planned on the old path finds it changed: nothing is saved, not even the event.
        let events = chain_len(db, &sales.id).await;
        let stale = AuditRepo::commit(
            db,
            &[Change::MoveSubtree {
                org: sales.id.clone(),
                new_parent: acme.id.clone(),
                old_path: sales.path.clone(),
                new_path: format!("{}{}/", acme.path, sales.id),
                now: at(6),
            }],
            &[admin_event(&sales.id, None)],
        )
        .await;
        assert!(matches!(stale, Err(StoreError::Changed(_))), "{stale:?}");
        assert_eq!(chain_len(db, &sales.id).await, events);
        assert_eq!(
            OrgRepo::find_by_id(db, &emea.id)
                .await
                .unwrap()
                .unwrap()
                .path,
            below.path
        );

        // A sub-organization planned under the old path is refused, not left dangling.
        let late_child = org("Late", "late", Some(&sales));
        let refused = AuditRepo::commit(
            db,
            &[Change::InsertOrg(late_child.clone())],
            &[admin_event(&late_child.id, None)],
        )
        .await;
        assert!(
            matches!(refused, Err(StoreError::Changed(_))),
            "{refused:?}"
        );
        assert!(OrgRepo::find_by_slug(db, "late").await.unwrap().is_none());
        let child = org("Late", "late", Some(&moved));
        OrgRepo::insert(db, &child).await.unwrap();

        let mut renamed = moved.clone();
        renamed.name = "Sales & Marketing".into();
        renamed.updated_at = at(7);
        AuditRepo::commit(
            db,
            &[Change::UpdateOrg(renamed.clone())],
            &[admin_event(&sales.id, None)],
        )
        .await
        .unwrap();
        assert_eq!(
            OrgRepo::find_by_id(db, &sales.id).await.unwrap().unwrap(),
            renamed
        );

        // An organization that members still belong to is not deleted.
        let refused = AuditRepo::commit(
            db,
            &[Change::DeleteOrg(emea.id.clone())],
            &[admin_event(&sales.id, None)],
        )
        .await;
        assert!(
            matches!(refused, Err(StoreError::MissingReference { .. })),
            "{refused:?}"
        );
        assert!(OrgRepo::find_by_id(db, &emea.id).await.unwrap().is_some());
        let empty = org("Empty", "empty", Some(&acme));
        OrgRepo::insert(db, &empty).await.unwrap();
        PolicyRepo::upsert_policy(
            db,
            &OrgPolicyRecord {
                org_id: empty.id.clone(),
                settings: serde_json::json!({"lockout_after_failures": 3}),
                updated_at: NOW,
            },
        )
        .await
        .unwrap();
        let touched = AuditRepo::commit(
            db,
            &[Change::DeleteOrg(empty.id.clone())],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        assert_eq!(touched, [1]);
        assert!(OrgRepo::find_by_id(db, &empty.id).await.unwrap().is_none());
        assert!(
            PolicyRepo::find_policy(db, &empty.id)
                .await
                .unwrap()
                .is_none()
        );
    }

    /// Organization logos: stored with their events, replaced in place, read without
    /// their bytes for many organizations at once, removed, and gone with their
    /// organization.
    pub async fn logos_replaced_removed_and_gone_with_their_organization(db: &Database) {
        use idp_core::branding::{ImageType, Logo};
        let acme = insert_org(db, "acme").await;
        let globex = insert_org(db, "globex").await;
        let png = |n: u8| {
            let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
            b.extend([n; 40]);
            b
        };
        let first = Logo::new(acme.id.clone(), png(1), at(1)).unwrap();
        let touched = AuditRepo::commit(
            db,
            &[Change::PutLogo(Box::new(first.clone()))],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        assert_eq!(touched, [1]);
        assert_eq!(
            PolicyRepo::find_logo(db, &acme.id).await.unwrap(),
            Some(first.clone())
        );
        let second = Logo::new(acme.id.clone(), png(2), at(2)).unwrap();
        assert_ne!(second.digest, first.digest);
        AuditRepo::commit(
            db,
            &[Change::PutLogo(Box::new(second.clone()))],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        let infos = PolicyRepo::find_logo_infos(db, &[acme.id.clone(), globex.id.clone()])
            .await
            .unwrap();
        assert_eq!(infos, [second.info()], "replaced, and globex has none");
        assert_eq!(infos[0].image_type, ImageType::Png);
        assert_eq!(infos[0].size, second.bytes.len());

        // A commit that fails after the logo takes the logo with it.
        let third = Logo::new(acme.id.clone(), png(3), at(3)).unwrap();
        let stale = Change::RotateRegistrationToken {
            client: idp_core::ids::ClientId::from_string("no-such-client"),
            from: TokenDigest::of("a"),
            to: TokenDigest::of("b"),
        };
        assert!(
            AuditRepo::commit(
                db,
                &[Change::PutLogo(Box::new(third)), stale],
                &[admin_event(&acme.id, None)]
            )
            .await
            .is_err()
        );
        assert_eq!(
            PolicyRepo::find_logo(db, &acme.id).await.unwrap(),
            Some(second)
        );

        let removed = AuditRepo::commit(
            db,
            &[Change::DeleteLogo(acme.id.clone())],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        assert_eq!(removed, [1]);
        assert_eq!(PolicyRepo::find_logo(db, &acme.id).await.unwrap(), None);

        let logo = Logo::new(globex.id.clone(), png(4), at(4)).unwrap();
        AuditRepo::commit(
            db,
            &[Change::PutLogo(Box::new(logo))],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        AuditRepo::commit(
            db,
            &[Change::DeleteOrg(globex.id.clone())],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        assert_eq!(PolicyRepo::find_logo(db, &globex.id).await.unwrap(), None);
    }

    pub async fn passkeys_unique_used_by_swap_and_gone_with_every_reset(db: &Database) {
        use idp_core::ports::PasskeyRepo;
        use idp_core::records::{CredentialScope, PasskeyRecord, User};
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        let bob = insert_member(db, &acme.id, "bob@example.org").await;
        let key = |id: &str, user: &User, cred: &str, t: u64| PasskeyRecord {
            id: id.into(),
            user_id: user.id.clone(),
            credential_id: cred.into(),
            name: format!("key {id}"),
            passkey: format!("{{\"cred\":{{\"counter\":{t}}}}}"),
            created_at: at(t),
            last_used_at: None,
        };
        let add = |k: PasskeyRecord, user: &User| {
            let event = admin_event(&acme.id, Some(&user.id));
            async move { AuditRepo::commit(db, &[Change::InsertPasskey(k)], &[event]).await }
        };
        add(key("p2", &ada, "cred-2", 2), &ada).await.unwrap();
        add(key("p1", &ada, "cred-1", 1), &ada).await.unwrap();
        add(key("p3", &bob, "cred-3", 3), &bob).await.unwrap();
        // A credential id is one member's only, even another member's attempt.
        assert_conflict(
            add(key("p4", &bob, "cred-1", 4), &bob).await,
            "a credential id registered again",
        );
        let listed: Vec<String> = PasskeyRepo::list(db, &ada.id)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(listed, ["p1", "p2"], "oldest first, Ada's only");
        let found = PasskeyRepo::find_by_credential(db, "cred-3").await.unwrap();
        assert_eq!(found, Some(key("p3", &bob, "cred-3", 3)));
        assert_eq!(
            PasskeyRepo::find_by_credential(db, "nope").await.unwrap(),
            None
        );

        // A use is written only over the state it read.
        let from = key("p1", &ada, "cred-1", 1).passkey;
        let to = "{\"cred\":{\"counter\":7}}";
        assert!(
            PasskeyRepo::record_use(db, "p1", &from, to, at(10))
                .await
                .unwrap()
        );
        assert!(
            !PasskeyRepo::record_use(db, "p1", &from, "{}", at(11))
                .await
                .unwrap(),
            "a second use from the old state"
        );
        let used = PasskeyRepo::find_by_credential(db, "cred-1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(used.passkey, to);
        assert_eq!(used.last_used_at, Some(at(10)));

        // Removal is the member's own passkey only.
        let removed = AuditRepo::commit(
            db,
            &[Change::DeletePasskey {
                user: bob.id.clone(),
                id: "p2".into(),
            }],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        assert_eq!(removed, [0], "not Bob's");
        let removed = AuditRepo::commit(
            db,
            &[Change::DeletePasskey {
                user: ada.id.clone(),
                id: "p2".into(),
            }],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        assert_eq!(removed, [1]);

        // A second-factor reset takes the member's passkeys and no one else's.
        AuditRepo::commit(
            db,
            &[Change::ResetSecondFactor {
                user: ada.id.clone(),
                now: at(20),
            }],
            &[admin_event(&acme.id, Some(&ada.id))],
        )
        .await
        .unwrap();
        assert!(PasskeyRepo::list(db, &ada.id).await.unwrap().is_empty());
        assert_eq!(PasskeyRepo::list(db, &bob.id).await.unwrap().len(), 1);

        // So does clearing second factors across a subtree, and deleting a member.
        add(key("p5", &ada, "cred-5", 5), &ada).await.unwrap();
        // Counted among the members whose second factors a purge would delete (the count
        // an administrator confirms), passkeys alone included.
        assert_eq!(
            CredentialRepo::count_in_subtree(db, &acme.path, CredentialScope::SecondFactors)
                .await
                .unwrap(),
            2
        );
        AuditRepo::commit(
            db,
            &[Change::ClearCredentialsInSubtree {
                path: acme.path.clone(),
                scope: CredentialScope::SecondFactors,
                now: at(30),
            }],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        assert!(PasskeyRepo::list(db, &ada.id).await.unwrap().is_empty());
        assert!(PasskeyRepo::list(db, &bob.id).await.unwrap().is_empty());
        add(key("p6", &bob, "cred-6", 6), &bob).await.unwrap();
        AuditRepo::commit(
            db,
            &[Change::DeleteUser {
                user: bob.id.clone(),
                now: at(40),
                revoked_until: at(50),
            }],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        assert_eq!(
            PasskeyRepo::find_by_credential(db, "cred-6").await.unwrap(),
            None
        );
    }

    pub async fn users_update_is_conditional_and_delete_takes_everything(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let north = org("North", "north", Some(&acme));
        OrgRepo::insert(db, &north).await.unwrap();
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        insert_member(db, &north.id, "ada@example.org").await;

        let mut renamed = ada.clone();
        renamed.name = Some("Ada King".into());
        // The member's own language and time zone are saved by the same change.
        renamed.locale = Some("ja".into());
        renamed.zoneinfo = Some("Asia/Tokyo".into());
        renamed.updated_at = at(1);
        AuditRepo::commit(
            db,
            &[Change::UpdateUser {
                user: renamed.clone(),
                read_at: ada.updated_at,
            }],
            &[admin_event(&acme.id, Some(&ada.id))],
        )
        .await
        .unwrap();
        assert_eq!(
            UserRepo::find_by_id(db, &ada.id).await.unwrap().unwrap(),
            renamed
        );
        // Written from what was read before that change: refused, nothing saved.
        let events = chain_len(db, &acme.id).await;
        let mut late = ada.clone();
        late.name = Some("Lady Lovelace".into());
        late.updated_at = at(2);
        let stale = AuditRepo::commit(
            db,
            &[Change::UpdateUser {
                user: late,
                read_at: ada.updated_at,
            }],
            &[admin_event(&acme.id, Some(&ada.id))],
        )
        .await;
        assert!(matches!(stale, Err(StoreError::Changed(_))), "{stale:?}");
        assert_eq!(chain_len(db, &acme.id).await, events);
        // Moving her where her address is taken conflicts.
        let mut moved = renamed.clone();
        moved.org_id = north.id.clone();
        moved.updated_at = at(3);
        assert_conflict(
            AuditRepo::commit(
                db,
                &[Change::UpdateUser {
                    user: moved,
                    read_at: renamed.updated_at,
                }],
                &[admin_event(&acme.id, Some(&ada.id))],
            )
            .await,
            "the same address twice in one organization",
        );

        // Deleting her takes everything that is hers and keeps her grants revoked.
        let app = insert_client(db, &acme.id).await;
        let granted = grant(&ada.id, &app.id);
        GrantRepo::insert_grant(db, &granted).await.unwrap();
        let live = session(&ada.id, at(3600));
        SessionRepo::insert(db, &live).await.unwrap();
        ConsentRepo::upsert(
            db,
            &Consent {
                user_id: ada.id.clone(),
                client_id: app.id.clone(),
                scopes: vec!["openid".into()],
                granted_at: NOW,
            },
        )
        .await
        .unwrap();
        PolicyRepo::insert_admin(
            db,
            &AdminAssignment {
                user_id: ada.id.clone(),
                org_id: acme.id.clone(),
                permissions: vec!["members".into()],
                created_at: NOW,
            },
        )
        .await
        .unwrap();
        let touched = AuditRepo::commit(
            db,
            &[Change::DeleteUser {
                user: ada.id.clone(),
                now: at(10),
                revoked_until: at(10 + 86_400),
            }],
            &[admin_event(&acme.id, Some(&ada.id))],
        )
        .await
        .unwrap();
        assert_eq!(touched, [1]);
        assert!(UserRepo::find_by_id(db, &ada.id).await.unwrap().is_none());
        assert!(
            CredentialRepo::find_by_user(db, &ada.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            SessionRepo::find_by_id(db, &live.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            ConsentRepo::find_by_user(db, &ada.id)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            PolicyRepo::find_admin_by_user(db, &ada.id)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            GrantRepo::find_grant(db, &granted.id)
                .await
                .unwrap()
                .is_none()
        );
        let revoked = idp_core::ports::RevocationRepo::find_revocations(
            db,
            at(11),
            at(11),
            std::time::Duration::from_secs(900),
        )
        .await
        .unwrap();
        assert!(
            revoked.iter().any(|r| r.revoked
                == idp_core::records::Revoked::Grant(granted.id.clone())
                && r.expires_at == at(10 + 86_400)),
            "{revoked:?}"
        );
        let again = AuditRepo::commit(
            db,
            &[Change::DeleteUser {
                user: ada.id.clone(),
                now: at(11),
                revoked_until: at(11),
            }],
            &[admin_event(&acme.id, Some(&ada.id))],
        )
        .await
        .unwrap();
        assert_eq!(again, [0], "nobody left to delete");
    }

    pub async fn clients_update_writes_the_registration(db: &Database) {
        let acme = insert_org(db, "acme").await;
        let app = insert_client(db, &acme.id).await;
        let other = insert_client(db, &acme.id).await;
        let mut edited = public_client(&acme.id);
        edited.id = app.id.clone();
        edited.name = "Renamed".into();
        edited.first_party = !app.first_party;
        edited.access_token_ttl_secs = Some(120);
        edited.created_at = app.created_at;
        edited.updated_at = at(9);
        let touched = AuditRepo::commit(
            db,
            &[Change::UpdateClient(edited.clone())],
            &[admin_event(&acme.id, None)],
        )
        .await
        .unwrap();
        assert_eq!(touched, [1]);
        assert_eq!(
            ClientRepo::find_by_id(db, &app.id).await.unwrap().unwrap(),
            edited
        );
        assert_eq!(
            ClientRepo::find_by_id(db, &other.id)
                .await
                .unwrap()
                .unwrap(),
            other,
            "only that one"
        );
    }

    fn import_job(org: &OrgId, id: &str) -> idp_core::members_io::job::ImportJob {
        use idp_core::members_io::job::{ImportJob, JobStatus};
        ImportJob {
            id: id.into(),
            org_id: org.clone(),
            actor_kind: ActorKind::Administrator,
            actor_id: Some("admin-1".into()),
            ip: Some("203.0.113.7".into()),
            user_agent: None,
            file_name: "members.xlsx".into(),
            format: idp_core::audit_jobs::ExportFormat::Xlsx,
            digest: "ab".repeat(32),
            status: JobStatus::Previewed,
            total: 2,
            processed: 0,
            applied: 0,
            conflicts: 0,
            lease_owner: None,
            lease_until: None,
            created_at: NOW,
            updated_at: NOW,
            finished_at: None,
        }
    }

    pub async fn member_imports_claimed_once_and_advanced_in_order(db: &Database) {
        use idp_core::members_io::job::{ImportPlan, JobStatus};
        use idp_core::ports::MembersIoRepo;
        let acme = insert_org(db, "acme").await;
        let plan = ImportPlan {
            report: "{}".into(),
            steps: "[]".into(),
            file: vec![0, 1, 2, 255],
        };
        let job = import_job(&acme.id, "imp-1");
        db.commit(
            &[Change::InsertImport(Box::new((job.clone(), plan.clone())))],
            &[],
        )
        .await
        .unwrap();
        assert_eq!(db.find_import("imp-1").await.unwrap(), Some(job.clone()));
        assert_eq!(db.find_import_plan("imp-1").await.unwrap(), Some(plan));
        assert_eq!(db.find_import("nope").await.unwrap(), None);
        // A previewed import is not claimed; queued once, it is, by one node.
        assert!(
            db.claim_import("node-a", None, NOW, at(60))
                .await
                .unwrap()
                .is_none()
        );
        let queue = || Change::QueueImport {
            id: "imp-1".into(),
            now: at(1),
        };
        assert_eq!(db.commit(&[queue()], &[]).await.unwrap(), vec![1]);
        assert_eq!(db.commit(&[queue()], &[]).await.unwrap(), vec![0]);
        // Only the import asked for, when one is named.
        assert!(
            db.claim_import("node-a", Some("imp-other"), at(2), at(60))
                .await
                .unwrap()
                .is_none()
        );
        let claimed = db
            .claim_import("node-a", Some("imp-1"), at(2), at(60))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (claimed.status, claimed.lease_owner.as_deref()),
            (JobStatus::Running, Some("node-a"))
        );
        assert!(
            db.claim_import("node-b", None, at(3), at(60))
                .await
                .unwrap()
                .is_none()
        );
        // Progress moves one step at a time, from where it is.
        let advance = |from, applied, outcome: Option<&str>| Change::AdvanceImport {
            id: "imp-1".into(),
            from,
            applied,
            outcome: outcome.map(str::to_owned),
            now: at(4),
        };
        db.commit(&[advance(0, true, None)], &[]).await.unwrap();
        match db.commit(&[advance(0, true, None)], &[]).await {
            Err(StoreError::Changed(_)) => {}
            other => panic!("a second advance from 0 must be stale: {other:?}"),
        }
        db.commit(&[advance(1, false, Some("{\"row\":3}"))], &[])
            .await
            .unwrap();
        db.note_import("imp-1", "{\"row\":4}").await.unwrap();
        assert_eq!(
            db.import_outcomes("imp-1").await.unwrap(),
            "{\"row\":3}\n{\"row\":4}\n"
        );
        // The node stops: once its lease has run out another node takes the job over.
        assert!(
            !db.renew_import_lease("imp-1", "node-b", at(90))
                .await
                .unwrap()
        );
        assert!(
            db.renew_import_lease("imp-1", "node-a", at(61))
                .await
                .unwrap()
        );
        assert!(
            db.claim_import("node-b", None, at(61), at(120))
                .await
                .unwrap()
                .is_none()
        );
        let resumed = db
            .claim_import("node-b", None, at(62), at(120))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (resumed.processed, resumed.applied, resumed.conflicts),
            (2, 1, 1)
        );
        assert!(
            !db.finish_import("imp-1", "node-a", JobStatus::Done, at(63))
                .await
                .unwrap()
        );
        assert!(
            db.finish_import("imp-1", "node-b", JobStatus::Done, at(63))
                .await
                .unwrap()
        );
        let done = db.find_import("imp-1").await.unwrap().unwrap();
        assert_eq!(
            (done.status, done.finished_at),
            (JobStatus::Done, Some(at(63)))
        );
        // Finished imports go after their keeping time; so do previews never applied.
        let stale = import_job(&acme.id, "imp-2");
        db.commit(
            &[Change::InsertImport(Box::new((
                stale,
                ImportPlan {
                    report: "{}".into(),
                    steps: "[]".into(),
                    file: vec![],
                },
            )))],
            &[],
        )
        .await
        .unwrap();
        assert_eq!(db.delete_old_imports(NOW, at(63)).await.unwrap(), 0);
        assert_eq!(db.delete_old_imports(at(1), at(64)).await.unwrap(), 2);
        assert_eq!(db.find_import("imp-1").await.unwrap(), None);
        assert!(
            db.claim_import("node-c", None, at(500), at(600))
                .await
                .unwrap()
                .is_none()
        );
    }

    fn export_record(org: &OrgId, id: &str, created: Timestamp) -> ExportRecord {
        ExportRecord {
            job: ExportJob {
                id: id.into(),
                org_id: org.clone(),
                org_slug: "acme".into(),
                format: idp_core::audit_jobs::ExportFormat::Csv,
                requested_by: UserId::from_string("admin-1"),
            },
            filter: AuditFilter {
                org_path: Some("/x/".into()),
                from: Some(NOW),
                ..AuditFilter::default()
            },
            status: ExportStatus::Queued,
            attempts: 0,
            lease_owner: None,
            lease_until: None,
            created_at: created,
            updated_at: created,
            finished_at: None,
        }
    }

    pub async fn audit_exports_claimed_once_written_under_lease_and_taken_over(db: &Database) {
        use idp_core::audit_jobs::MAX_ATTEMPTS;
        let acme = insert_org(db, "acme").await;
        let queue = |r: ExportRecord| Change::QueueExport(Box::new(r));
        let first = export_record(&acme.id, "exp-1", NOW);
        db.commit(&[queue(first.clone())], &[]).await.unwrap();
        assert_eq!(db.find_export("exp-1").await.unwrap(), Some(first.clone()));
        assert_eq!(db.find_export("nope").await.unwrap(), None);

        // One node gets it; while its lease holds, nobody else does.
        let claimed = db
            .claim_export("node-a", at(1), at(60), MAX_ATTEMPTS)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                claimed.status,
                claimed.lease_owner.as_deref(),
                claimed.attempts
            ),
            (ExportStatus::Running, Some("node-a"), 1)
        );
        assert_eq!(claimed.filter, first.filter, "the filter is kept as asked");
        assert!(!claimed.claimable(at(2)));
        assert!(
            db.claim_export("node-b", at(2), at(60), MAX_ATTEMPTS)
                .await
                .unwrap()
                .is_none()
        );
        // Its chunks are stored only while it holds the job; each storing renews.
        for seq in 0..2u32 {
            assert!(
                db.put_export_chunk("exp-1", "node-a", seq, &[seq as u8; 3], at(70), at(900))
                    .await
                    .unwrap()
            );
        }
        assert!(
            !db.put_export_chunk("exp-1", "node-b", 2, b"x", at(70), at(900))
                .await
                .unwrap()
        );
        assert_eq!(
            db.export_chunk("exp-1", 1, at(3)).await.unwrap(),
            Some(vec![1; 3])
        );
        assert_eq!(db.export_chunk("exp-1", 2, at(3)).await.unwrap(), None);
        assert!(
            db.claim_export("node-b", at(65), at(120), MAX_ATTEMPTS)
                .await
                .unwrap()
                .is_none(),
            "the chunk renewed the lease to 70"
        );

        // The node stops: once its lease ran out another takes it and starts over.
        let taken = db
            .claim_export("node-b", at(71), at(130), MAX_ATTEMPTS)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (taken.lease_owner.as_deref(), taken.attempts),
            (Some("node-b"), 2)
        );
        assert_eq!(
            db.export_chunk("exp-1", 0, at(72)).await.unwrap(),
            None,
            "no chunk left"
        );
        // The first node, slow rather than dead, can no longer write, renew nor finish.
        assert!(
            !db.put_export_chunk("exp-1", "node-a", 2, b"x", at(140), at(900))
                .await
                .unwrap()
        );
        assert!(
            !db.renew_export_lease("exp-1", "node-a", at(140))
                .await
                .unwrap()
        );
        assert!(
            !db.finish_export("exp-1", "node-a", ExportStatus::Done, at(72), at(900))
                .await
                .unwrap()
        );
        assert!(
            db.renew_export_lease("exp-1", "node-b", at(140))
                .await
                .unwrap()
        );
        assert!(
            db.put_export_chunk("exp-1", "node-b", 0, b"whole", at(140), at(100))
                .await
                .unwrap()
        );
        // Done: the file is kept for the link's lifetime from now, and never claimed again.
        assert!(
            db.finish_export("exp-1", "node-b", ExportStatus::Done, at(80), at(900))
                .await
                .unwrap()
        );
        assert!(
            !db.finish_export("exp-1", "node-b", ExportStatus::Done, at(81), at(900))
                .await
                .unwrap(),
            "finished once"
        );
        let done = db.find_export("exp-1").await.unwrap().unwrap();
        assert_eq!(
            (done.status, done.finished_at, done.lease_owner),
            (ExportStatus::Done, Some(at(80)), None)
        );
        assert_eq!(
            db.export_chunk("exp-1", 0, at(500)).await.unwrap(),
            Some(b"whole".to_vec())
        );
        assert!(
            db.claim_export("node-c", at(10_000), at(10_060), MAX_ATTEMPTS)
                .await
                .unwrap()
                .is_none()
        );

        // Two nodes claiming together take two different exports, each once.
        for (id, created) in [("exp-2", at(100)), ("exp-3", at(101))] {
            db.commit(&[queue(export_record(&acme.id, id, created))], &[])
                .await
                .unwrap();
        }
        let (one, two) = tokio::join!(
            db.claim_export("node-a", at(200), at(260), MAX_ATTEMPTS),
            db.claim_export("node-b", at(200), at(260), MAX_ATTEMPTS),
        );
        let mut ids = [one.unwrap().unwrap().job.id, two.unwrap().unwrap().job.id];
        ids.sort();
        assert_eq!(ids, ["exp-2".to_owned(), "exp-3".to_owned()]);

        // A failed export's chunks go with it.
        let owner = db
            .find_export("exp-2")
            .await
            .unwrap()
            .unwrap()
            .lease_owner
            .unwrap();
        assert!(
            db.put_export_chunk("exp-2", &owner, 0, b"part", at(260), at(900))
                .await
                .unwrap()
        );
        assert!(
            db.finish_export("exp-2", &owner, ExportStatus::Failed, at(210), at(210))
                .await
                .unwrap()
        );
        assert_eq!(db.export_chunk("exp-2", 0, at(211)).await.unwrap(), None);

        // An export whose nodes keep dying is given up after its last attempt.
        let mut now = 300;
        for attempt in 2..=MAX_ATTEMPTS {
            let again = db
                .claim_export("node-c", at(now), at(now + 10), MAX_ATTEMPTS)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((again.job.id.as_str(), again.attempts), ("exp-3", attempt));
            now += 20;
        }
        assert!(
            db.claim_export("node-c", at(now), at(now + 10), MAX_ATTEMPTS)
                .await
                .unwrap()
                .is_none()
        );

        // Records go after their keeping time, with whatever file is left.
        assert_eq!(db.delete_old_exports(NOW).await.unwrap(), 0);
        assert_eq!(db.delete_old_exports(at(101)).await.unwrap(), 2);
        assert_eq!(db.export_chunk("exp-1", 0, at(500)).await.unwrap(), None);
        assert!(db.find_export("exp-3").await.unwrap().is_some());
    }

    pub async fn members_read_in_bulk_for_import_and_export(db: &Database) {
        use idp_core::ports::MembersIoRepo;
        let acme = insert_org(db, "acme").await;
        let sales = org("Sales", "sales", Some(&acme));
        OrgRepo::insert(db, &sales).await.unwrap();
        let other = insert_org(db, "other").await;
        let a = insert_member(db, &acme.id, "a@acme.test").await;
        let b = insert_member(db, &sales.id, "b@acme.test").await;
        let twin = insert_member(db, &other.id, "a@acme.test").await;
        let emails = [
            Email::parse("a@acme.test").unwrap(),
            Email::parse("zz@acme.test").unwrap(),
        ];
        let found = db.find_with_credentials_by_emails(&emails).await.unwrap();
        let ids: BTreeSet<UserId> = found.iter().map(|(u, _)| u.id.clone()).collect();
        assert_eq!(ids, BTreeSet::from([a.id.clone(), twin.id.clone()]));
        assert!(found.iter().all(|(_, c)| c.is_some()));
        // The subtree, in id order, a page at a time; or one organization.
        let first = db.export_page(&acme.path, None, None, 1).await.unwrap();
        let second = db
            .export_page(&acme.path, None, Some(&first[0].user.id), 10)
            .await
            .unwrap();
        let mut all: Vec<UserId> = first
            .iter()
            .chain(&second)
            .map(|m| m.user.id.clone())
            .collect();
        all.sort();
        let mut expected = vec![a.id.clone(), b.id.clone()];
        expected.sort();
        assert_eq!(all, expected);
        let only = db
            .export_page(&acme.path, Some(&acme.id), None, 10)
            .await
            .unwrap();
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].user.id, a.id);
        // The administrator assignments of a page's members, in one read.
        let assignment = AdminAssignment {
            user_id: b.id.clone(),
            org_id: sales.id.clone(),
            permissions: vec!["members".into()],
            created_at: NOW,
        };
        PolicyRepo::insert_admin(db, &assignment).await.unwrap();
        let found = db
            .find_admin_assignments(&[a.id.clone(), b.id.clone()])
            .await
            .unwrap();
        assert_eq!(found, vec![assignment]);
    }

    // Back-channel logout: each way a session ends queues one delivery per client it
    // signed into that takes logout tokens; a delivery is leased to one owner at a time.
    pub async fn logout_deliveries_queued_with_the_end_and_leased_once(db: &Database) {
        use idp_core::ports::{LogoutDeliveryRepo, SessionRepo};
        use std::time::Duration;
        let acme = insert_org(db, "acme").await;
        let ada = insert_member(db, &acme.id, "ada@example.org").await;
        // `full_client` registers a logout URI; `public_client` none.
        let told = insert_client(db, &acme.id).await;
        let silent = public_client(&acme.id);
        ClientRepo::insert(db, &silent).await.unwrap();
        let one = session(&ada.id, at(3600));
        let two = session(&ada.id, at(3600));
        let idle = session(&ada.id, at(3600));
        for s in [&one, &two, &idle] {
            SessionRepo::insert(db, s).await.unwrap();
            SessionRepo::record_client(db, &s.id, &told.id, NOW)
                .await
                .unwrap();
            SessionRepo::record_client(db, &s.id, &silent.id, NOW)
                .await
                .unwrap();
        }
        // Recorded once however many codes.
        SessionRepo::record_client(db, &one.id, &told.id, at(1))
            .await
            .unwrap();
        let due = |owner: &'static str, now| async move {
            LogoutDeliveryRepo::claim_due(db, owner, now, now.plus(Duration::from_secs(30)), 10)
                .await
                .unwrap()
        };
        assert!(due("a", at(1)).await.is_empty(), "nothing before an end");

        assert!(SessionRepo::end(db, &one.id, at(1)).await.unwrap());
        assert!(
            !SessionRepo::end(db, &one.id, at(2)).await.unwrap(),
            "ends once"
        );
        let taken = due("a", at(2)).await;
        assert_eq!(taken.len(), 1, "only the client with a logout URI, once");
        let d = &taken[0];
        assert_eq!(
            (&d.client_id, &d.user_id, &d.session_id),
            (&told.id, &ada.id, &one.id)
        );
        assert_eq!(d.attempts, 0);
        assert!(due("b", at(3)).await.is_empty(), "leased to a");
        assert!(
            !LogoutDeliveryRepo::finish(db, &d.id, "b").await.unwrap(),
            "not b's"
        );
        // A retry releases the lease and waits.
        assert!(
            LogoutDeliveryRepo::retry_at(db, &d.id, "a", 1, at(10))
                .await
                .unwrap()
        );
        assert!(due("b", at(5)).await.is_empty(), "not due yet");
        let again = due("b", at(10)).await;
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].attempts, 1);
        // A lease that ran out (its node stopped) is taken over.
        let taken_over = due("c", at(41)).await;
        assert_eq!(taken_over.len(), 1);
        assert!(LogoutDeliveryRepo::finish(db, &d.id, "c").await.unwrap());
        assert!(due("d", at(100)).await.is_empty(), "finished");

        // Ending all but one, and the sweep of lapsed sessions, queue theirs too.
        assert_eq!(
            SessionRepo::end_all_for_user(db, &ada.id, Some(&idle.id), at(200))
                .await
                .unwrap(),
            1
        );
        let ended = due("e", at(200)).await;
        let sessions: Vec<_> = ended.iter().map(|d| d.session_id.clone()).collect();
        assert_eq!(sessions, vec![two.id.clone()]);
        assert!(
            LogoutDeliveryRepo::finish(db, &ended[0].id, "e")
                .await
                .unwrap()
        );
        // `idle` was last seen 60 s before NOW with a 900 s idle timeout.
        assert_eq!(
            SessionRepo::end_lapsed(db, at(800), Duration::from_secs(3600), 100)
                .await
                .unwrap(),
            0,
            "not idle long enough yet"
        );
        assert_eq!(
            SessionRepo::end_lapsed(db, at(841), Duration::from_secs(3600), 100)
                .await
                .unwrap(),
            1
        );
        let swept: Vec<_> = due("f", at(842))
            .await
            .into_iter()
            .map(|d| d.session_id)
            .collect();
        assert_eq!(swept, vec![idle.id.clone()]);
        assert!(
            !SessionRepo::find_by_id(db, &idle.id)
                .await
                .unwrap()
                .unwrap()
                .is_live(at(842))
        );
    }
}

/// SQLite's WAL is copied into the database file by the checkpointer thread, not by the
/// writers: the file grows within seconds of writes that stayed far below the size at
/// which a writer would checkpoint by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_wal_is_checkpointed_in_the_background() {
    use diesel::connection::SimpleConnection as _;
    let t = TestDb::sqlite().await;
    let path = t.url.strip_prefix("sqlite://").unwrap().to_owned();
    let size = || std::fs::metadata(&path).unwrap().len();
    let before = size();
    // 2 MiB in 512 rows of 4 KiB, one transaction, all of it in the WAL at first.
    t.db.run(|c| {
        c.batch_execute(
            "CREATE TABLE filler (x BLOB NOT NULL); \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 512) \
             INSERT INTO filler SELECT randomblob(4096) FROM n;",
        )
        .map_err(|e| idp_core::ports::StoreError::Backend(e.to_string()))
    })
    .await
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while size() < before + 2 * 1024 * 1024 {
        assert!(
            std::time::Instant::now() < deadline,
            "the database file stayed at {} bytes (from {before})",
            size()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// SQLite is built with the query planner stability guarantee (`.cargo/config.toml`):
/// without it, a statement with a bound `LIMIT` (every diesel `.first()`) or other
/// parameter the planner looked at is compiled again each time it is bound, which was a
/// third of a refresh's CPU on SQLite.
#[tokio::test]
async fn sqlite_is_built_with_stable_query_plans() {
    #[derive(diesel::QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }
    let t = TestDb::sqlite().await;
    let options =
        t.db.run(|c| {
            use diesel::RunQueryDsl as _;
            let idp_store::db::DbConnection::Sqlite(c) = c else {
                panic!("a SQLite test database");
            };
            diesel::sql_query("PRAGMA compile_options")
                .load::<CompileOption>(c)
                .map_err(|e| idp_core::ports::StoreError::Backend(e.to_string()))
        })
        .await
        .unwrap();
    let options: Vec<String> = options.into_iter().map(|o| o.compile_options).collect();
    assert!(
        options.iter().any(|o| o == "ENABLE_QPSG"),
        "compile options: {options:?}"
    );
}
