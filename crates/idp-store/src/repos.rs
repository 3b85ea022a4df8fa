//! The durable ports implemented on [`Database`]: one query per operation, written
//! once for both backends.

use crate::db::{Database, DbConnection, FromDiesel as _, is_retryable};
use crate::group_commit::NewGrant;
use crate::rows::*;
use crate::schema::*;
use async_trait::async_trait;
use diesel::prelude::*;
use idp_core::Timestamp;
use idp_core::audit::{AuditCursor, AuditEvent, AuditFilter, NewAuditEvent};
use idp_core::client::Client;
use idp_core::crypto::TokenDigest;
use idp_core::email::Email;
use idp_core::ids::{ClientId, GrantId, OrgId, SessionId, UserId};
use idp_core::members::{
    MemberCursor, MemberFilter, MemberSort, MemberSummary, MethodFilter, SecondFactorKind,
};
use idp_core::members_io::export::ExportMember;
use idp_core::members_io::job::{ImportJob, ImportPlan, JobStatus};
use idp_core::oidc::registration::{ClientRegistration, InitialAccessToken};
use idp_core::org::Organization;
use idp_core::ports::*;
use idp_core::records::*;

type QueryResult<T> = Result<T, StoreError>;

pub(crate) fn db_err(e: diesel::result::Error) -> StoreError {
    StoreError::from_diesel(e)
}

/// SQLite lets one writer in at a time, and a writer that finds it taken waits in the
/// busy handler, which sleeps 1 to 100 ms between tries (and a read transaction that
/// turns into a writer is refused outright). This process's transactions on SQLite take
/// turns here instead, each woken as soon as the one before commits. Another process
/// (the command line) still meets the busy handler.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

thread_local! {
    /// Whether this thread holds [`SQLITE_WRITER`] (a transaction runs on one thread).
    static HOLDS_SQLITE_WRITER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// This thread's turn as SQLite's writer, until dropped.
struct SqliteTurn(
    #[expect(dead_code, reason = "held for its drop")] std::sync::MutexGuard<'static, ()>,
);

impl SqliteTurn {
    /// Waits for the turn unless `conn` is not SQLite or this thread already has it (a
    /// transaction inside a transaction).
    fn take(conn: &DbConnection) -> Option<Self> {
        if !matches!(conn, DbConnection::Sqlite(_)) || HOLDS_SQLITE_WRITER.get() {
            return None;
        }
        let guard = SQLITE_WRITER
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        HOLDS_SQLITE_WRITER.set(true);
        Some(Self(guard))
    }
}

impl Drop for SqliteTurn {
    fn drop(&mut self) {
        HOLDS_SQLITE_WRITER.set(false);
    }
}

/// Runs `f` in one transaction: an error from it rolls everything back.
fn in_transaction<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    let _turn = SqliteTurn::take(conn);
    conn.transaction::<T, TxError, _>(|c| f(c).map_err(TxError::Store))
        .map_err(|e| match e {
            TxError::Store(s) => s,
            TxError::Diesel(d) => db_err(d),
        })
}

/// Runs `f` in a transaction, again when it lost a race it may win on a retry.
pub(crate) fn transaction_with_retry<T>(
    conn: &mut DbConnection,
    mut f: impl FnMut(&mut DbConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    let mut attempt = 0u32;
    loop {
        let result = in_transaction(conn, &mut f);
        match result {
            Err(e) if attempt < 50 && is_retryable(&e) => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(u64::from(attempt.min(10))));
            }
            other => return other,
        }
    }
}

/// Removes the credentials of `scope` of the listed members (call inside a transaction):
/// second factors always, with recovery codes and any lock; with `Everything`, also
/// passwords, their history and pending links.
fn clear_credentials(
    c: &mut DbConnection,
    members: &[String],
    scope: CredentialScope,
    now: Timestamp,
) -> QueryResult<()> {
    let of = || credentials::table.filter(credentials::user_id.eq_any(members));
    diesel::update(of())
        .set((
            credentials::totp_secret_sealed.eq(None::<Vec<u8>>),
            credentials::totp_enrolled_at.eq(None::<i64>),
            credentials::totp_last_used_at.eq(None::<i64>),
            credentials::email_otp_enabled.eq(false),
            credentials::email_otp_enabled_at.eq(None::<i64>),
            credentials::email_otp_last_used_at.eq(None::<i64>),
            credentials::phone_number.eq(None::<String>),
            credentials::phone_added_at.eq(None::<i64>),
            credentials::phone_verified_at.eq(None::<i64>),
            credentials::sms_last_used_at.eq(None::<i64>),
            credentials::second_factor_failures.eq(0),
            credentials::second_factor_window_start.eq(None::<i64>),
            credentials::second_factor_locked_until.eq(None::<i64>),
            credentials::second_factor_reset_at.eq(Some(now.as_micros())),
            credentials::updated_at.eq(now.as_micros()),
        ))
        .execute(c)
        .map_err(db_err)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq_any(members)))
        .execute(c)
        .map_err(db_err)?;
    diesel::delete(passkeys::table.filter(passkeys::user_id.eq_any(members)))
        .execute(c)
        .map_err(db_err)?;
    if scope == CredentialScope::Everything {
        diesel::delete(one_time_links::table.filter(one_time_links::user_id.eq_any(members)))
            .execute(c)
            .map_err(db_err)?;
        diesel::update(of())
            .set((
                credentials::password_hash.eq(None::<String>),
                credentials::password_changed_at.eq(None::<i64>),
                credentials::password_must_change.eq(false),
                credentials::failed_sign_ins.eq(0),
                credentials::locked_at.eq(None::<i64>),
            ))
            .execute(c)
            .map_err(db_err)?;
        diesel::delete(password_history::table.filter(password_history::user_id.eq_any(members)))
            .execute(c)
            .map_err(db_err)?;
    }
    Ok(())
}

/// Lets a transaction closure return the port's error while diesel's own errors still roll back.
enum TxError {
    Store(StoreError),
    Diesel(diesel::result::Error),
}

impl From<diesel::result::Error> for TxError {
    fn from(e: diesel::result::Error) -> Self {
        TxError::Diesel(e)
    }
}

// The writes the audit log records, over a connection so that they run alone or, through
// `AuditRepo::commit`, in one transaction with their events. Each returns the rows it
// touched; none opens a transaction of its own (callers do).

/// Places `event` at the end of its organization's chain. The one implementation of the
/// chain append: inside a transaction, a concurrent append to the same chain makes the
/// insert conflict on (org_id, seq), and the transaction is retried.
fn append_event(c: &mut DbConnection, event: &NewAuditEvent) -> QueryResult<AuditEvent> {
    append_chained(c, std::slice::from_ref(event))?
        .pop()
        .ok_or_else(|| StoreError::Backend("the audit event was not stored".into()))
}

fn upsert_policy_on(c: &mut DbConnection, policy: &OrgPolicyRecord) -> QueryResult<u64> {
    let row = PolicyRow {
        org_id: policy.org_id.to_string(),
        settings: to_json(&policy.settings),
        updated_at: policy.updated_at.as_micros(),
    };
    let n = diesel::update(org_policies::table.find(row.org_id.clone()))
        .set((
            org_policies::settings.eq(&row.settings),
            org_policies::updated_at.eq(row.updated_at),
        ))
        .execute(c)
        .map_err(db_err)?;
    if n == 0 {
        diesel::insert_into(org_policies::table)
            .values(&row)
            .execute(c)
            .map_err(db_err)?;
    }
    Ok(1)
}

/// Members under `path` who hold credentials of `scope`.
fn count_in_subtree_on(
    c: &mut DbConnection,
    path: &str,
    scope: CredentialScope,
) -> QueryResult<u64> {
    let (low, high) = Organization::subtree_range(path);
    let orgs = organizations::table
        .filter(
            organizations::path
                .ge(low)
                .and(organizations::path.lt(high)),
        )
        .select(organizations::id);
    let members = users::table
        .filter(users::org_id.eq_any(orgs))
        .select(users::id);
    let second = credentials::totp_secret_sealed
        .is_not_null()
        .or(credentials::email_otp_enabled.eq(true))
        .or(credentials::phone_number.is_not_null())
        .or(credentials::user_id.eq_any(passkeys::table.select(passkeys::user_id)));
    let q = credentials::table.filter(credentials::user_id.eq_any(members));
    let n: i64 = match scope {
        CredentialScope::SecondFactors => q.filter(second).count().get_result(c),
        CredentialScope::Everything => q
            .filter(credentials::password_hash.is_not_null().or(second))
            .count()
            .get_result(c),
    }
    .map_err(db_err)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn clear_in_subtree_on(
    c: &mut DbConnection,
    path: &str,
    scope: CredentialScope,
    now: Timestamp,
) -> QueryResult<u64> {
    let counted = count_in_subtree_on(c, path, scope)?;
    let (low, high) = Organization::subtree_range(path);
    let members: Vec<String> = users::table
        .filter(
            users::org_id.eq_any(
                organizations::table
                    .filter(
                        organizations::path
                            .ge(&low)
                            .and(organizations::path.lt(&high)),
                    )
                    .select(organizations::id),
            ),
        )
        .select(users::id)
        .load(c)
        .map_err(db_err)?;
    for chunk in members.chunks(500) {
        clear_credentials(c, chunk, scope, now)?;
    }
    Ok(counted)
}

fn replace_ip_list_on(
    c: &mut DbConnection,
    org: &OrgId,
    purpose: IpListPurpose,
    entries: &[IpListEntry],
) -> QueryResult<u64> {
    diesel::delete(
        ip_list_entries::table.filter(
            ip_list_entries::org_id
                .eq(org.as_str())
                .and(ip_list_entries::purpose.eq(purpose.as_str())),
        ),
    )
    .execute(c)
    .map_err(db_err)?;
    for row in entries.iter().map(IpEntryRow::from) {
        diesel::insert_into(ip_list_entries::table)
            .values(&row)
            .execute(c)
            .map_err(db_err)?;
    }
    Ok(entries.len() as u64)
}

fn replace_admin_on(c: &mut DbConnection, a: &AdminAssignment) -> QueryResult<u64> {
    let row = AdminRow {
        user_id: a.user_id.to_string(),
        org_id: a.org_id.to_string(),
        permissions: to_json(&a.permissions),
        created_at: a.created_at.as_micros(),
    };
    diesel::delete(
        admin_assignments::table.filter(
            admin_assignments::user_id
                .eq(&row.user_id)
                .and(admin_assignments::org_id.eq(&row.org_id)),
        ),
    )
    .execute(c)
    .map_err(db_err)?;
    diesel::insert_into(admin_assignments::table)
        .values(&row)
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn update_status_on(
    c: &mut DbConnection,
    id: &UserId,
    status: UserStatus,
    now: Timestamp,
) -> QueryResult<u64> {
    diesel::update(users::table.find(id.as_str()))
        .set((
            users::status.eq(status.as_str()),
            users::updated_at.eq(now.as_micros()),
        ))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn find_user_on(c: &mut DbConnection, id: &str) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)
        .optional()
        .map_err(db_err)?
        .map(User::try_from)
        .transpose()
}

/// Locks a member's password sign-in (once) when the failures counted have reached
/// `threshold`; returns the count and whether this call locked it.
fn lock_at_threshold(
    c: &mut DbConnection,
    user: &str,
    threshold: i32,
    now: Timestamp,
) -> QueryResult<(i32, bool)> {
    let locked_now = diesel::update(
        credentials::table.filter(
            credentials::user_id
                .eq(user)
                .and(credentials::locked_at.is_null())
                .and(credentials::failed_sign_ins.ge(threshold)),
        ),
    )
    .set(credentials::locked_at.eq(Some(now.as_micros())))
    .execute(c)
    .map_err(db_err)?
        == 1;
    Ok((failed_sign_ins(c, user)?, locked_now))
}

fn failed_sign_ins(c: &mut DbConnection, user: &str) -> QueryResult<i32> {
    Ok(credentials::table
        .find(user)
        .select(credentials::failed_sign_ins)
        .first::<i32>(c)
        .optional()
        .map_err(db_err)?
        .unwrap_or(0))
}

fn update_credentials_on(c: &mut DbConnection, creds: &Credentials) -> QueryResult<u64> {
    let row = CredentialsRow::from(creds);
    let n = diesel::update(credentials::table.find(row.fields.user_id.clone()))
        .set(&row.fields)
        .execute(c)
        .map_err(db_err)?;
    if n == 0 {
        diesel::insert_into(credentials::table)
            .values(&row)
            .execute(c)
            .map_err(db_err)?;
    }
    Ok(1)
}

fn delete_links_on(c: &mut DbConnection, user: &UserId) -> QueryResult<u64> {
    diesel::delete(one_time_links::table.filter(one_time_links::user_id.eq(user.as_str())))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn set_password_on(
    c: &mut DbConnection,
    user: &UserId,
    phc: &str,
    must_change: bool,
    now: Timestamp,
) -> QueryResult<u64> {
    let old: Option<Option<String>> = credentials::table
        .find(user.as_str())
        .select(credentials::password_hash)
        .first(c)
        .optional()
        .map_err(db_err)?;
    if let Some(Some(old)) = old {
        diesel::insert_into(password_history::table)
            .values((
                password_history::user_id.eq(user.as_str()),
                password_history::password_hash.eq(old),
                password_history::created_at.eq(now.as_micros()),
            ))
            .execute(c)
            .map_err(db_err)?;
    }
    diesel::update(credentials::table.find(user.as_str()))
        .set((
            credentials::password_hash.eq(Some(phc)),
            credentials::password_changed_at.eq(Some(now.as_micros())),
            credentials::password_must_change.eq(must_change),
            credentials::failed_sign_ins.eq(0),
            credentials::locked_at.eq(None::<i64>),
            credentials::updated_at.eq(now.as_micros()),
        ))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn replace_recovery_codes_on(
    c: &mut DbConnection,
    user: &UserId,
    digests: &[TokenDigest],
    now: Timestamp,
) -> QueryResult<u64> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user.as_str())))
        .execute(c)
        .map_err(db_err)?;
    for d in digests {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::digest.eq(d.as_bytes()),
                recovery_codes::user_id.eq(user.as_str()),
                recovery_codes::created_at.eq(now.as_micros()),
            ))
            .execute(c)
            .map_err(db_err)?;
    }
    Ok(digests.len() as u64)
}

fn insert_client_on(c: &mut DbConnection, client: &Client) -> QueryResult<u64> {
    diesel::insert_into(clients::table)
        .values(ClientRow::from(client))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn insert_org_on(c: &mut DbConnection, org: &Organization) -> QueryResult<u64> {
    // The parent must still be where the new path says: a no-op update that locks its
    // row (PostgreSQL) behind a concurrent move and then finds it moved.
    if let Some(parent) = &org.parent_id {
        let parent_path = org
            .path
            .strip_suffix(&format!("{}/", org.id))
            .unwrap_or_default();
        let still_there = diesel::update(
            organizations::table
                .find(parent.as_str())
                .filter(organizations::path.eq(parent_path)),
        )
        .set(organizations::path.eq(organizations::path))
        .execute(c)
        .map_err(db_err)?;
        if still_there == 0 {
            return Err(StoreError::Changed(
                "the parent organization was moved or removed meanwhile".into(),
            ));
        }
    }
    diesel::insert_into(organizations::table)
        .values(OrgRow::from(org))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn insert_user_on(c: &mut DbConnection, user: &User, creds: &Credentials) -> QueryResult<u64> {
    diesel::insert_into(users::table)
        .values(UserRow::from(user))
        .execute(c)
        .map_err(db_err)?;
    diesel::insert_into(credentials::table)
        .values(CredentialsRow::from(creds))
        .execute(c)
        .map_err(db_err)?;
    Ok(1)
}

fn upsert_consent_on(c: &mut DbConnection, consent: &Consent) -> QueryResult<u64> {
    let row = ConsentRow::from(consent);
    let n = diesel::update(consents::table.find((row.user_id.clone(), row.client_id.clone())))
        .set((
            consents::scopes.eq(&row.scopes),
            consents::granted_at.eq(row.granted_at),
        ))
        .execute(c)
        .map_err(db_err)?;
    if n == 0 {
        diesel::insert_into(consents::table)
            .values(&row)
            .execute(c)
            .map_err(db_err)?;
    }
    Ok(1)
}

fn revoke_grant_on(c: &mut DbConnection, id: &GrantId, now: Timestamp) -> QueryResult<u64> {
    diesel::update(
        grants::table
            .find(id.as_str())
            .filter(grants::revoked_at.is_null()),
    )
    .set(grants::revoked_at.eq(now.as_micros()))
    .execute(c)
    .map(|n| n as u64)
    .map_err(db_err)
}

fn revoked_kind_and_id(revoked: &Revoked) -> (&'static str, &str) {
    match revoked {
        Revoked::AccessToken(jti) => ("access_token", jti.as_str()),
        Revoked::Grant(grant) => ("grant", grant.as_str()),
    }
}

/// Inserts a revocation unless it is there already. A concurrent insert of the same one
/// is a conflict, which `commit`'s retry turns into the "already there" case.
fn record_revocation_on(c: &mut DbConnection, r: &Revocation) -> QueryResult<u64> {
    let (kind, id) = revoked_kind_and_id(&r.revoked);
    let exists = revoked_tokens::table
        .find((kind, id))
        .select(revoked_tokens::expires_at)
        .first::<i64>(c)
        .optional()
        .map_err(db_err)?
        .is_some();
    if exists {
        return Ok(0);
    }
    diesel::insert_into(revoked_tokens::table)
        .values((
            revoked_tokens::kind.eq(kind),
            revoked_tokens::id.eq(id),
            revoked_tokens::expires_at.eq(r.expires_at.as_micros()),
        ))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn delete_client_on(c: &mut DbConnection, id: &ClientId) -> QueryResult<u64> {
    diesel::delete(clients::table.find(id.as_str()))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn delete_consent_on(c: &mut DbConnection, user: &UserId, client: &ClientId) -> QueryResult<u64> {
    diesel::delete(consents::table.find((user.as_str(), client.as_str())))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

/// Sets an organization's logo: replaces the row it has, or adds one.
fn put_logo_on(c: &mut DbConnection, logo: &idp_core::branding::Logo) -> QueryResult<u64> {
    let row = LogoRow::from(logo);
    let n = diesel::update(organization_logos::table.find(row.org_id.clone()))
        .set((
            organization_logos::content_type.eq(&row.content_type),
            organization_logos::data.eq(&row.data),
            organization_logos::digest.eq(&row.digest),
            organization_logos::size.eq(row.size),
            organization_logos::updated_at.eq(row.updated_at),
        ))
        .execute(c)
        .map_err(db_err)?;
    if n == 0 {
        diesel::insert_into(organization_logos::table)
            .values(&row)
            .execute(c)
            .map_err(db_err)?;
    }
    Ok(1)
}

fn apply_change(c: &mut DbConnection, change: &Change) -> QueryResult<u64> {
    match change {
        Change::UpsertPolicy(p) => upsert_policy_on(c, p),
        Change::ClearCredentialsInSubtree { path, scope, now } => {
            clear_in_subtree_on(c, path, *scope, *now)
        }
        Change::ReplaceIpList {
            org,
            purpose,
            entries,
        } => replace_ip_list_on(c, org, *purpose, entries),
        Change::ReplaceAdmin(a) => replace_admin_on(c, a),
        Change::UpdateStatus { user, status, now } => update_status_on(c, user, *status, *now),
        Change::UpdateCredentials(creds) => update_credentials_on(c, creds),
        Change::DeleteLinks(user) => delete_links_on(c, user),
        Change::MarkEmailVerified { user, email, now } => {
            mark_email_verified_on(c, user, email, *now)
        }
        Change::SetPassword {
            user,
            phc,
            must_change,
            now,
        } => set_password_on(c, user, phc, *must_change, *now),
        Change::ReplaceRecoveryCodes { user, digests, now } => {
            replace_recovery_codes_on(c, user, digests, *now)
        }
        Change::ResetSecondFactor { user, now } => {
            clear_credentials(c, &[user.to_string()], CredentialScope::SecondFactors, *now)?;
            Ok(1)
        }
        Change::InsertPasskey(p) => diesel::insert_into(passkeys::table)
            .values(PasskeyRow::from(p))
            .execute(c)
            .map(|n| n as u64)
            .map_err(db_err),
        Change::DeletePasskey { user, id } => diesel::delete(
            passkeys::table.filter(passkeys::id.eq(id).and(passkeys::user_id.eq(user.as_str()))),
        )
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err),
        Change::InsertClient(client) => insert_client_on(c, client),
        Change::InsertInitialToken(t) => diesel::insert_into(registration_tokens::table)
            .values(InitialTokenRow::from(t))
            .execute(c)
            .map(|n| n as u64)
            .map_err(db_err),
        Change::RevokeInitialToken { id, now } => diesel::update(
            registration_tokens::table.filter(
                registration_tokens::id
                    .eq(id)
                    .and(registration_tokens::revoked_at.is_null()),
            ),
        )
        .set(registration_tokens::revoked_at.eq(now.as_micros()))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err),
        Change::InsertClientRegistration(r) => diesel::insert_into(client_registrations::table)
            .values(ClientRegistrationRow::from(r))
            .execute(c)
            .map(|n| n as u64)
            .map_err(db_err),
        Change::RotateRegistrationToken { client, from, to } => {
            let n = diesel::update(
                client_registrations::table.filter(
                    client_registrations::client_id
                        .eq(client.as_str())
                        .and(client_registrations::token_digest.eq(from.as_bytes())),
                ),
            )
            .set(client_registrations::token_digest.eq(to.as_bytes()))
            .execute(c)
            .map_err(db_err)?;
            if n == 0 {
                return Err(StoreError::Changed(
                    "the registration access token was rotated meanwhile".into(),
                ));
            }
            Ok(n as u64)
        }
        Change::InsertOrg(org) => insert_org_on(c, org),
        Change::InsertUser(user, creds) => insert_user_on(c, user, creds),
        Change::UpsertConsent(consent) => upsert_consent_on(c, consent),
        Change::DeleteClient(id) => delete_client_on(c, id),
        Change::RevokeGrant { grant, now } => revoke_grant_on(c, grant, *now),
        Change::RecordRevocation(r) => record_revocation_on(c, r),
        Change::DeleteConsent { user, client } => delete_consent_on(c, user, client),
        Change::RecordSignIn(record) => record_sign_in_on(c, record).map(|_| 1),
        Change::UpdateOrg(org) => update_org_on(c, org),
        Change::MoveSubtree {
            org,
            new_parent,
            old_path,
            new_path,
            now,
        } => move_subtree_on(c, org, new_parent, old_path, new_path, *now),
        Change::DeleteOrg(id) => diesel::delete(organizations::table.find(id.as_str()))
            .execute(c)
            .map(|n| n as u64)
            .map_err(db_err),
        Change::UpdateUser { user, read_at } => update_user_on(c, user, *read_at),
        Change::DeleteUser {
            user,
            now,
            revoked_until,
        } => delete_user_on(c, user, *now, *revoked_until),
        Change::UpdateClient(client) => update_client_on(c, client),
        Change::Unlink {
            user,
            kind,
            subject,
        } => unlink_on(c, user, *kind, subject),
        Change::InsertImport(boxed) => {
            let (job, plan) = boxed.as_ref();
            insert_import_on(c, job, plan)
        }
        Change::QueueImport { id, now } => queue_import_on(c, id, *now),
        Change::QueueExport(record) => crate::exports::insert_on(c, record),
        Change::ChangeIssuer { from, to, now } => {
            crate::deployment::change_issuer_on(c, from, to, *now)
        }
        Change::AdvanceImport {
            id,
            from,
            applied,
            outcome,
            now,
        } => advance_import_on(c, id, *from, *applied, outcome.as_deref(), *now),
        Change::PutLogo(logo) => put_logo_on(c, logo),
        Change::DeleteLogo(org) => diesel::delete(organization_logos::table.find(org.as_str()))
            .execute(c)
            .map(|n| n as u64)
            .map_err(db_err),
    }
}

fn insert_import_on(
    c: &mut DbConnection,
    job: &idp_core::members_io::job::ImportJob,
    plan: &idp_core::members_io::job::ImportPlan,
) -> QueryResult<u64> {
    diesel::insert_into(member_imports::table)
        .values((
            ImportRow::from(job),
            ImportPlanRow {
                report: plan.report.clone(),
                steps: plan.steps.clone(),
                file: plan.file.clone(),
            },
            member_imports::outcomes.eq(""),
        ))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn queue_import_on(c: &mut DbConnection, id: &str, now: Timestamp) -> QueryResult<u64> {
    diesel::update(
        member_imports::table.filter(
            member_imports::id
                .eq(id)
                .and(member_imports::status.eq(JobStatus::Previewed.as_str())),
        ),
    )
    .set((
        member_imports::status.eq(JobStatus::Queued.as_str()),
        member_imports::updated_at.eq(now.as_micros()),
    ))
    .execute(c)
    .map(|n| n as u64)
    .map_err(db_err)
}

fn advance_import_on(
    c: &mut DbConnection,
    id: &str,
    from: i64,
    applied: bool,
    outcome: Option<&str>,
    now: Timestamp,
) -> QueryResult<u64> {
    let line = outcome.map(|l| format!("{l}\n")).unwrap_or_default();
    let n = diesel::update(
        member_imports::table.filter(
            member_imports::id
                .eq(id)
                .and(member_imports::processed.eq(from)),
        ),
    )
    .set((
        member_imports::processed.eq(from + 1),
        member_imports::applied.eq(member_imports::applied + i64::from(applied)),
        member_imports::conflicts.eq(member_imports::conflicts + i64::from(!applied)),
        member_imports::outcomes.eq(member_imports::outcomes.concat(line)),
        member_imports::updated_at.eq(now.as_micros()),
    ))
    .execute(c)
    .map_err(db_err)?;
    if n == 0 {
        return Err(StoreError::Changed(format!("import {id} at step {from}")));
    }
    Ok(1)
}

fn update_org_on(c: &mut DbConnection, org: &Organization) -> QueryResult<u64> {
    diesel::update(organizations::table.find(org.id.as_str()))
        .set((
            organizations::name.eq(&org.name),
            organizations::slug.eq(&org.slug),
            organizations::updated_at.eq(org.updated_at.as_micros()),
        ))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

diesel::define_sql_function! {
    /// `substr(text, start)`, 1-based, the same on PostgreSQL and SQLite.
    fn substr(text: diesel::sql_types::Text, start: diesel::sql_types::Integer) -> diesel::sql_types::Text;
}

/// Re-roots a subtree in place: the moved organization first (only if still at
/// `old_path`), then one UPDATE that swaps the prefix of every descendant's path.
fn move_subtree_on(
    c: &mut DbConnection,
    org: &OrgId,
    new_parent: &OrgId,
    old_path: &str,
    new_path: &str,
    now: Timestamp,
) -> QueryResult<u64> {
    let moved = diesel::update(
        organizations::table
            .find(org.as_str())
            .filter(organizations::path.eq(old_path)),
    )
    .set((
        organizations::parent_id.eq(Some(new_parent.as_str())),
        organizations::path.eq(new_path),
        organizations::updated_at.eq(now.as_micros()),
    ))
    .execute(c)
    .map_err(db_err)?;
    if moved == 0 {
        return Err(StoreError::Changed(
            "the organization was moved or removed meanwhile".into(),
        ));
    }
    let (_, high) = Organization::subtree_range(old_path);
    let keep_from = i32::try_from(old_path.len() + 1)
        .map_err(|_| StoreError::Backend("organization path too long".into()))?;
    let descendants = diesel::update(
        organizations::table.filter(
            organizations::path
                .gt(old_path)
                .and(organizations::path.lt(high)),
        ),
    )
    .set(
        organizations::path.eq(new_path
            .to_owned()
            .into_sql::<diesel::sql_types::Text>()
            .concat(substr(organizations::path, keep_from))),
    )
    .execute(c)
    .map_err(db_err)?;
    Ok((moved + descendants) as u64)
}

fn mark_email_verified_on(
    c: &mut DbConnection,
    user: &UserId,
    email: &Email,
    now: Timestamp,
) -> QueryResult<u64> {
    let n = diesel::update(
        users::table
            .find(user.as_str())
            .filter(users::email.eq(email.as_str()))
            .filter(users::email_verified.eq(false)),
    )
    .set((
        users::email_verified.eq(true),
        users::updated_at.eq(now.as_micros()),
    ))
    .execute(c)
    .map_err(db_err)?;
    Ok(n as u64)
}

fn update_user_on(c: &mut DbConnection, user: &User, read_at: Timestamp) -> QueryResult<u64> {
    let n = diesel::update(
        users::table
            .find(user.id.as_str())
            .filter(users::updated_at.eq(read_at.as_micros())),
    )
    .set((
        users::org_id.eq(user.org_id.as_str()),
        users::email.eq(user.email.as_str()),
        users::name.eq(&user.name),
        users::given_name.eq(&user.given_name),
        users::family_name.eq(&user.family_name),
        users::locale.eq(&user.locale),
        users::zoneinfo.eq(&user.zoneinfo),
        users::updated_at.eq(user.updated_at.as_micros()),
    ))
    .execute(c)
    .map_err(db_err)?;
    if n == 0 {
        return Err(StoreError::Changed(
            "the member was changed or removed meanwhile".into(),
        ));
    }
    Ok(n as u64)
}

fn delete_user_on(
    c: &mut DbConnection,
    user: &UserId,
    now: Timestamp,
    revoked_until: Timestamp,
) -> QueryResult<u64> {
    let grant_ids: Vec<String> = grants::table
        .filter(grants::user_id.eq(user.as_str()))
        .select(grants::id)
        .load(c)
        .map_err(db_err)?;
    for id in grant_ids {
        let revocation = Revocation {
            revoked: Revoked::Grant(GrantId::from_string(id)),
            expires_at: revoked_until,
        };
        record_revocation_on(c, &revocation)?;
    }
    // Each session that ends queues its logout deliveries before the rows go.
    let live: Vec<String> = browser_sessions::table
        .filter(browser_sessions::user_id.eq(user.as_str()))
        .filter(browser_sessions::ended_at.is_null())
        .select(browser_sessions::id)
        .load(c)
        .map_err(db_err)?;
    for id in live {
        crate::backchannel::end_session_on(c, &id, now)?;
    }
    // The rest goes with the row (ON DELETE CASCADE).
    diesel::delete(users::table.find(user.as_str()))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn update_client_on(c: &mut DbConnection, client: &Client) -> QueryResult<u64> {
    let r = ClientRow::from(client);
    diesel::update(clients::table.find(&r.id))
        .set((
            clients::name.eq(&r.name),
            clients::secret_digest.eq(&r.secret_digest),
            clients::auth_method.eq(&r.auth_method),
            clients::redirect_uris.eq(&r.redirect_uris),
            clients::post_logout_redirect_uris.eq(&r.post_logout_redirect_uris),
            clients::grant_types.eq(&r.grant_types),
            clients::extra_scopes.eq(&r.extra_scopes),
            clients::first_party.eq(r.first_party),
            clients::require_pkce.eq(r.require_pkce),
            clients::id_token_alg.eq(&r.id_token_alg),
            clients::access_token_ttl_secs.eq(r.access_token_ttl_secs),
            clients::id_token_ttl_secs.eq(r.id_token_ttl_secs),
            clients::refresh_token_ttl_secs.eq(r.refresh_token_ttl_secs),
            clients::jwks.eq(&r.jwks),
            clients::updated_at.eq(r.updated_at),
            clients::require_pushed_authorization_requests
                .eq(r.require_pushed_authorization_requests),
            clients::require_signed_request_object.eq(r.require_signed_request_object),
            clients::dpop_bound_access_tokens.eq(r.dpop_bound_access_tokens),
        ))
        .execute(c)
        .map_err(db_err)?;
    diesel::update(clients::table.find(&r.id))
        .set((
            clients::backchannel_logout_uri.eq(&r.backchannel_logout_uri),
            clients::backchannel_logout_session_required.eq(r.backchannel_logout_session_required),
            clients::subject_type.eq(&r.subject_type),
            clients::sector_identifier_uri.eq(&r.sector_identifier_uri),
            clients::security_profile.eq(&r.security_profile),
        ))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

fn record_sign_in_on(c: &mut DbConnection, r: &SignInRecord) -> QueryResult<LoginMethod> {
    let pk = (
        r.user_id.to_string(),
        r.kind.as_str(),
        r.upstream_subject.clone(),
    );
    let updated = diesel::update(login_methods::table.find(pk.clone()))
        .set((
            login_methods::last_sign_in_at.eq(r.at.as_micros()),
            login_methods::sign_in_count.eq(login_methods::sign_in_count + 1),
            login_methods::last_ip.eq(&r.ip),
            login_methods::last_user_agent.eq(&r.user_agent),
            login_methods::upstream_tenant.eq(&r.upstream_tenant),
        ))
        .execute(c)
        .map_err(db_err)?;
    if updated == 0 {
        let row = LoginMethodRow {
            user_id: r.user_id.to_string(),
            kind: r.kind.as_str().to_owned(),
            upstream_subject: r.upstream_subject.clone(),
            upstream_tenant: r.upstream_tenant.clone(),
            last_sign_in_at: Some(r.at.as_micros()),
            sign_in_count: 1,
            last_ip: r.ip.clone(),
            last_user_agent: r.user_agent.clone(),
            created_at: r.at.as_micros(),
        };
        diesel::insert_into(login_methods::table)
            .values(&row)
            .execute(c)
            .map_err(db_err)?;
    }
    login_methods::table
        .find(pk.clone())
        .select(LoginMethodRow::as_select())
        .first(c)
        .map_err(db_err)?
        .try_into()
}

fn unlink_on(
    c: &mut DbConnection,
    user: &UserId,
    kind: LoginMethodKind,
    subject: &str,
) -> QueryResult<u64> {
    let pk = (user.to_string(), kind.as_str(), subject.to_owned());
    diesel::delete(login_methods::table.find(pk))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

#[async_trait]
impl OrgRepo for Database {
    async fn insert(&self, org: &Organization) -> QueryResult<()> {
        let org = org.clone();
        self.run(move |c| insert_org_on(c, &org).map(drop)).await
    }

    async fn find_by_id(&self, id: &OrgId) -> QueryResult<Option<Organization>> {
        let id = id.to_string();
        self.run(move |c| {
            organizations::table
                .find(id)
                .select(OrgRow::as_select())
                .first(c)
                .optional()
                .map(|r| r.map(Organization::from))
                .map_err(db_err)
        })
        .await
    }

    async fn find_by_slug(&self, slug: &str) -> QueryResult<Option<Organization>> {
        let slug = slug.to_owned();
        self.run(move |c| {
            organizations::table
                .filter(organizations::slug.eq(slug))
                .select(OrgRow::as_select())
                .first(c)
                .optional()
                .map(|r| r.map(Organization::from))
                .map_err(db_err)
        })
        .await
    }

    async fn find_all(&self) -> QueryResult<Vec<Organization>> {
        self.run(|c| {
            organizations::table
                .order(organizations::path.asc())
                .select(OrgRow::as_select())
                .load(c)
                .map(|rows| rows.into_iter().map(Organization::from).collect())
                .map_err(db_err)
        })
        .await
    }

    async fn find_subtree(&self, path: &str) -> QueryResult<Vec<Organization>> {
        let (low, high) = Organization::subtree_range(path);
        self.run(move |c| {
            organizations::table
                .filter(
                    organizations::path
                        .ge(low)
                        .and(organizations::path.lt(high)),
                )
                .order(organizations::path.asc())
                .select(OrgRow::as_select())
                .load(c)
                .map(|rows| rows.into_iter().map(Organization::from).collect())
                .map_err(db_err)
        })
        .await
    }

    async fn member_counts(&self) -> QueryResult<Vec<(OrgId, u64)>> {
        self.run(|c| {
            users::table
                .group_by(users::org_id)
                .select((users::org_id, diesel::dsl::count_star()))
                .load::<(String, i64)>(c)
                .map(|rows| {
                    rows.into_iter()
                        .map(|(org, n)| (OrgId::from_string(org), u64::try_from(n).unwrap_or(0)))
                        .collect()
                })
                .map_err(db_err)
        })
        .await
    }
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
diesel::define_sql_function!(
    fn coalesce(x: diesel::sql_types::Nullable<diesel::sql_types::Text>, y: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// `LIKE` pattern for text anywhere, with the wildcards in it taken literally.
fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// Opens a transaction's grant writes: on PostgreSQL, when the operator chose
/// `durable_grant_writes = false`, its commit does not wait for the WAL flush.
pub(crate) fn grant_write(c: &mut DbConnection, durable: bool) -> diesel::QueryResult<()> {
    match c {
        DbConnection::Postgres(pg) if !durable => {
            use diesel::connection::SimpleConnection as _;
            pg.batch_execute("SET LOCAL synchronous_commit = off")
        }
        _ => Ok(()),
    }
}

/// Runs a members search with PostgreSQL planning it for its own values. Diesel keeps
/// these statements prepared, and from the sixth run PostgreSQL may keep a generic
/// plan, which cannot see that `LIKE '%text%'` is selective: it read every member of
/// the tree (10 ms became 110–160 ms at 100,000 members). Planning a search costs far
/// less than that. SQLite plans each statement as it is prepared.
fn planned_for_values<T>(
    c: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    if !matches!(c, DbConnection::Postgres(_)) {
        return f(c);
    }
    in_transaction(c, |c| {
        if let DbConnection::Postgres(pg) = c {
            use diesel::connection::SimpleConnection as _;
            pg.batch_execute("SET LOCAL plan_cache_mode = force_custom_plan")
                .map_err(db_err)?;
        }
        f(c)
    })
}

fn subtree_ids(c: &mut DbConnection, f: &MemberFilter) -> QueryResult<Option<Vec<String>>> {
    if !f.subtree {
        return Ok(None);
    }
    let (low, high) = Organization::subtree_range(&f.org_path);
    organizations::table
        .filter(
            organizations::path
                .ge(low)
                .and(organizations::path.lt(high)),
        )
        .select(organizations::id)
        .load(c)
        .map(Some)
        .map_err(db_err)
}

/// Narrows a boxed query over users ⋈ credentials to a member filter.
macro_rules! member_filter {
    ($q:ident, $f:expr, $subtree:expr, $now:expr, $sqlite:expr) => {{
        let f = &$f;
        // The text first: SQLite tests the terms in the order written, and a search
        // rules out most members before their organization is looked at (2.5 times
        // faster at 100,000 members). PostgreSQL orders the terms itself.
        if let Some(text) = &f.text {
            let pattern = contains_pattern(text);
            if $sqlite {
                // SQLite's LIKE already ignores ASCII case and its lower() knows only
                // ASCII: the name is compared as stored, a call per member saved.
                $q = $q.filter(
                    users::email
                        .like(pattern.clone())
                        .escape('\\')
                        .or(coalesce(users::name, "").like(pattern).escape('\\'))
                        .or(users::id.eq(text.clone())),
                );
            } else {
                $q = $q.filter(
                    users::email
                        .like(pattern.clone())
                        .escape('\\')
                        .or(lower(coalesce(users::name, "")).like(pattern).escape('\\'))
                        .or(users::id.eq(text.clone())),
                );
            }
        }
        if let Some(subtree) = $subtree {
            // `|| ''` keeps the planners from driving the query by organization: a tree
            // holds most members, and walking the sort key's index stops at the page.
            $q = $q.filter(users::org_id.concat("").eq_any(subtree));
        } else {
            $q = $q.filter(users::org_id.eq(f.org_id.to_string()));
        }
        if let Some(status) = f.status {
            $q = $q.filter(users::status.eq(status.as_str()));
        }
        if let Some(on) = f.email_login {
            $q = $q.filter(credentials::email_login_enabled.eq(on));
        }
        match f.second_factor {
            Some(SecondFactorKind::App) => {
                $q = $q.filter(credentials::totp_enrolled_at.is_not_null());
            }
            Some(SecondFactorKind::EmailCode) => {
                $q = $q.filter(
                    credentials::totp_enrolled_at
                        .is_null()
                        .and(credentials::email_otp_enabled.eq(true)),
                );
            }
            Some(SecondFactorKind::SmsCode) => {
                $q = $q.filter(
                    credentials::totp_enrolled_at
                        .is_null()
                        .and(credentials::email_otp_enabled.eq(false))
                        .and(credentials::phone_verified_at.is_not_null()),
                );
            }
            Some(SecondFactorKind::None) => {
                $q = $q.filter(
                    credentials::totp_enrolled_at
                        .is_null()
                        .and(credentials::email_otp_enabled.eq(false))
                        .and(credentials::phone_verified_at.is_null()),
                );
            }
            None => {}
        }
        let used = |kind: &'static str| {
            diesel::dsl::exists(
                login_methods::table.filter(
                    login_methods::user_id
                        .eq(users::id)
                        .and(login_methods::kind.eq(kind)),
                ),
            )
        };
        match f.method {
            Some(MethodFilter::Password) => {
                $q = $q.filter(credentials::password_hash.is_not_null().or(used("native")));
            }
            Some(MethodFilter::Google) => $q = $q.filter(used("google")),
            Some(MethodFilter::Microsoft) => $q = $q.filter(used("entra")),
            None => {}
        }
        let signed_in_since = |at: i64| {
            diesel::dsl::exists(
                login_methods::table.filter(
                    login_methods::user_id
                        .eq(users::id)
                        .and(login_methods::last_sign_in_at.ge(at)),
                ),
            )
        };
        if let Some(from) = f.signed_in_from {
            $q = $q.filter(signed_in_since(from.as_micros()));
        }
        if let Some(until) = f.signed_in_until {
            // The latest sign-in is before `until`: none at or after it, and one at all.
            $q = $q
                .filter(diesel::dsl::not(signed_in_since(until.as_micros())))
                .filter(signed_in_since(i64::MIN));
        }
        if f.never_signed_in {
            $q = $q.filter(diesel::dsl::not(signed_in_since(i64::MIN)));
        }
        let _ = $now;
    }};
}

#[async_trait]
impl UserRepo for Database {
    async fn insert(&self, user: &User, credentials: &Credentials) -> QueryResult<()> {
        let (user, credentials) = (user.clone(), credentials.clone());
        self.run(move |c| in_transaction(c, |c| insert_user_on(c, &user, &credentials).map(drop)))
            .await
    }

    async fn find_by_id(&self, id: &UserId) -> QueryResult<Option<User>> {
        let id = id.to_string();
        self.run(move |c| find_user_on(c, &id)).await
    }

    async fn find_by_email(&self, org: &OrgId, email: &Email) -> QueryResult<Option<User>> {
        let (org, email) = (org.to_string(), email.to_string());
        self.run(move |c| {
            users::table
                .filter(users::org_id.eq(org).and(users::email.eq(email)))
                .select(UserRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(User::try_from)
                .transpose()
        })
        .await
    }

    async fn find_all_by_email(&self, email: &Email) -> QueryResult<Vec<User>> {
        let email = email.to_string();
        self.run(move |c| {
            users::table
                .filter(users::email.eq(email))
                .order(users::id.asc())
                .select(UserRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(User::try_from)
                .collect()
        })
        .await
    }

    async fn find_by_org(
        &self,
        org: &OrgId,
        after: Option<&UserId>,
        limit: u32,
    ) -> QueryResult<Vec<User>> {
        let org = org.to_string();
        let after = after.map(ToString::to_string).unwrap_or_default();
        self.run(move |c| {
            users::table
                .filter(users::org_id.eq(org).and(users::id.gt(after)))
                .order(users::id.asc())
                .limit(i64::from(limit))
                .select(UserRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(User::try_from)
                .collect()
        })
        .await
    }

    async fn search(
        &self,
        filter: &MemberFilter,
        after: Option<&MemberCursor>,
        limit: u32,
        now: Timestamp,
    ) -> QueryResult<Vec<MemberSummary>> {
        let (filter, after) = (filter.clone(), after.cloned());
        self.run(move |c| {
            let mut q = users::table
                .inner_join(credentials::table)
                .select((
                    UserRow::as_select(),
                    users::org_id,
                    credentials::email_login_enabled,
                    credentials::password_hash.is_not_null(),
                    credentials::password_must_change,
                    credentials::locked_at.is_not_null(),
                    credentials::second_factor_locked_until,
                    credentials::totp_enrolled_at.is_not_null(),
                    credentials::email_otp_enabled,
                    credentials::phone_verified_at.is_not_null(),
                ))
                .into_boxed();
            let subtree = subtree_ids(c, &filter)?;
            member_filter!(
                q,
                filter,
                subtree,
                now,
                matches!(c, DbConnection::Sqlite(_))
            );
            q = match (&after, filter.sort) {
                (Some(MemberCursor::Email { email, id }), _) => {
                    q.filter(users::email.ge(email.clone())).filter(
                        users::email
                            .gt(email.clone())
                            .or(users::id.gt(id.to_string())),
                    )
                }
                (Some(MemberCursor::Newest { created_at, id }), _) => q
                    .filter(users::created_at.le(created_at.as_micros()))
                    .filter(
                        users::created_at
                            .lt(created_at.as_micros())
                            .or(users::id.lt(id.to_string())),
                    ),
                (None, _) => q,
            };
            q = match filter.sort {
                MemberSort::Email => q.order((users::email.asc(), users::id.asc())),
                MemberSort::Newest => q.order((users::created_at.desc(), users::id.desc())),
            };
            type Row = (
                UserRow,
                String,
                bool,
                bool,
                bool,
                bool,
                Option<i64>,
                bool,
                bool,
                bool,
            );
            let rows: Vec<Row> =
                planned_for_values(c, |c| q.limit(i64::from(limit)).load(c).map_err(db_err))?;
            let ids: Vec<String> = rows.iter().map(|r| r.0.id.clone()).collect();
            let used: Vec<(String, String, Option<i64>)> = login_methods::table
                .filter(login_methods::user_id.eq_any(&ids))
                .select((
                    login_methods::user_id,
                    login_methods::kind,
                    login_methods::last_sign_in_at,
                ))
                .load(c)
                .map_err(db_err)?;
            rows.into_iter()
                .map(
                    |(
                        user,
                        _org,
                        email_login,
                        has_password,
                        temporary,
                        locked,
                        sf_until,
                        app,
                        codes,
                        texts,
                    )| {
                        let mut methods = Vec::new();
                        let mut last: Option<i64> = None;
                        for (_, kind, at) in used.iter().filter(|m| m.0 == user.id) {
                            if let Ok(kind) = kind.parse::<LoginMethodKind>()
                                && !methods.contains(&kind)
                            {
                                methods.push(kind);
                            }
                            last = last.max(*at);
                        }
                        methods.sort_by_key(|k| LoginMethodKind::ALL.iter().position(|a| a == k));
                        Ok(MemberSummary {
                            user: User::try_from(user)?,
                            org_path: String::new(),
                            email_login_enabled: email_login,
                            has_password,
                            temporary_password: temporary,
                            locked,
                            second_factor_locked: sf_until.is_some_and(|t| t > now.as_micros()),
                            authenticator_app: app,
                            email_codes: codes,
                            text_codes: texts,
                            methods,
                            last_sign_in: last.map(Timestamp::from_micros),
                        })
                    },
                )
                .collect()
        })
        .await
    }

    async fn count_matching(
        &self,
        filter: &MemberFilter,
        now: Timestamp,
        cap: u64,
    ) -> QueryResult<u64> {
        let filter = filter.clone();
        self.run(move |c| {
            let mut q = users::table
                .inner_join(credentials::table)
                .select(users::id)
                .into_boxed();
            let subtree = subtree_ids(c, &filter)?;
            member_filter!(
                q,
                filter,
                subtree,
                now,
                matches!(c, DbConnection::Sqlite(_))
            );
            // Stops reading at the cap: a large tree is not counted to the last member.
            let ids: Vec<String> = planned_for_values(c, |c| {
                q.limit(i64::try_from(cap.saturating_add(1)).unwrap_or(i64::MAX))
                    .load(c)
                    .map_err(db_err)
            })?;
            Ok(ids.len() as u64)
        })
        .await
    }

    async fn count_super_admins(&self) -> QueryResult<u64> {
        self.run(|c| {
            users::table
                .filter(users::super_admin.eq(true))
                .count()
                .get_result::<i64>(c)
                .map(|n| u64::try_from(n).unwrap_or(0))
                .map_err(db_err)
        })
        .await
    }

    async fn update_status(
        &self,
        id: &UserId,
        status: UserStatus,
        now: Timestamp,
    ) -> QueryResult<bool> {
        let id = id.clone();
        self.run(move |c| update_status_on(c, &id, status, now).map(|n| n == 1))
            .await
    }

    async fn update_profile(&self, id: &UserId, p: &Profile, now: Timestamp) -> QueryResult<bool> {
        let id = id.to_string();
        let p = p.clone();
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                let Some(row) = users::table
                    .find(&id)
                    .select(UserRow::as_select())
                    .first(c)
                    .optional()
                    .map_err(db_err)?
                else {
                    return Ok(false);
                };
                diesel::update(users::table.find(&id))
                    .set((
                        users::name.eq(p.name.clone().or(row.name)),
                        users::job_title.eq(p.job_title.clone().or(row.job_title)),
                        users::phone.eq(p.phone.clone().or(row.phone)),
                        users::updated_at.eq(now.as_micros()),
                    ))
                    .execute(c)
                    .map(|n| n == 1)
                    .map_err(db_err)
            })
        })
        .await
    }
}

#[async_trait]
impl CredentialRepo for Database {
    async fn find_by_user(&self, id: &UserId) -> QueryResult<Option<Credentials>> {
        let id = id.to_string();
        self.run(move |c| {
            credentials::table
                .find(id)
                .select(CredentialsRow::as_select())
                .first(c)
                .optional()
                .map(|r| r.map(Credentials::from))
                .map_err(db_err)
        })
        .await
    }

    async fn update(&self, creds: &Credentials) -> QueryResult<()> {
        let creds = creds.clone();
        self.run(move |c| update_credentials_on(c, &creds).map(drop))
            .await
    }

    async fn replace_recovery_codes(
        &self,
        user: &UserId,
        digests: &[TokenDigest],
        now: Timestamp,
    ) -> QueryResult<()> {
        let user = user.clone();
        let digests = digests.to_vec();
        self.run(move |c| {
            in_transaction(c, |c| {
                replace_recovery_codes_on(c, &user, &digests, now).map(drop)
            })
        })
        .await
    }

    async fn use_recovery_code(
        &self,
        user: &UserId,
        digest: &TokenDigest,
        now: Timestamp,
    ) -> QueryResult<bool> {
        let user = user.to_string();
        let digest = digest.as_bytes().to_vec();
        self.run(move |c| {
            diesel::update(
                recovery_codes::table.filter(
                    recovery_codes::digest
                        .eq(digest)
                        .and(recovery_codes::user_id.eq(user))
                        .and(recovery_codes::used_at.is_null()),
                ),
            )
            .set(recovery_codes::used_at.eq(now.as_micros()))
            .execute(c)
            .map(|n| n == 1)
            .map_err(db_err)
        })
        .await
    }

    async fn recovery_code_summary(&self, user: &UserId) -> QueryResult<RecoveryCodeSummary> {
        let user = user.to_string();
        self.run(move |c| {
            let rows: Vec<(i64, Option<i64>)> = recovery_codes::table
                .filter(recovery_codes::user_id.eq(user))
                .select((recovery_codes::created_at, recovery_codes::used_at))
                .load(c)
                .map_err(db_err)?;
            Ok(RecoveryCodeSummary {
                unused: rows.iter().filter(|(_, used)| used.is_none()).count() as u64,
                created_at: rows.iter().map(|(created, _)| *created).max().map(ts),
                last_used_at: rows.iter().filter_map(|(_, used)| *used).max().map(ts),
            })
        })
        .await
    }

    async fn swap_second_factor_lock(
        &self,
        user: &UserId,
        expected: &SecondFactorLock,
        new: &SecondFactorLock,
    ) -> QueryResult<bool> {
        let user = user.to_string();
        let micros = |t: Option<Timestamp>| t.map(Timestamp::as_micros);
        let (old_failures, old_start, old_until) = (
            expected.failures,
            micros(expected.window_started_at),
            micros(expected.locked_until),
        );
        let (failures, start, until) = (
            new.failures,
            micros(new.window_started_at),
            micros(new.locked_until),
        );
        self.run(move |c| {
            use diesel::dsl::sql;
            use diesel::sql_types::{BigInt, Bool};
            // NULL never equals NULL; -1 is no time a lock field holds.
            let same = |column: &str, value: Option<i64>| {
                sql::<Bool>(&format!("COALESCE({column}, -1) = "))
                    .bind::<BigInt, _>(value.unwrap_or(-1))
            };
            let row = credentials::table.filter(
                credentials::user_id
                    .eq(user)
                    .and(credentials::second_factor_failures.eq(old_failures))
                    .and(same("second_factor_window_start", old_start))
                    .and(same("second_factor_locked_until", old_until)),
            );
            diesel::update(row)
                .set((
                    credentials::second_factor_failures.eq(failures),
                    credentials::second_factor_window_start.eq(start),
                    credentials::second_factor_locked_until.eq(until),
                ))
                .execute(c)
                .map(|n| n == 1)
                .map_err(db_err)
        })
        .await
    }

    async fn reset_second_factor(&self, user: &UserId, now: Timestamp) -> QueryResult<()> {
        let user = [user.to_string()];
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                clear_credentials(c, &user, CredentialScope::SecondFactors, now)
            })
        })
        .await
    }

    async fn admit_password_attempt(
        &self,
        user: &UserId,
        lock_after: Option<u32>,
        now: Timestamp,
        record: FailureRecord,
    ) -> QueryResult<Admission> {
        let user = user.to_string();
        let threshold = lock_after.and_then(|n| i32::try_from(n).ok());
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                let unlocked = credentials::user_id
                    .eq(&user)
                    .and(credentials::locked_at.is_null());
                let admitted = match threshold {
                    Some(n) => diesel::update(
                        credentials::table.filter(unlocked.and(credentials::failed_sign_ins.lt(n))),
                    )
                    .set(credentials::failed_sign_ins.eq(credentials::failed_sign_ins + 1))
                    .execute(c),
                    None => diesel::update(credentials::table.filter(unlocked))
                        .set(credentials::failed_sign_ins.eq(credentials::failed_sign_ins + 1))
                        .execute(c),
                }
                .map_err(db_err)?;
                if admitted == 1 {
                    return Ok(Admission::Admitted);
                }
                if let Some(n) = threshold {
                    let (count, locked_now) = lock_at_threshold(c, &user, n, now)?;
                    if locked_now {
                        for event in record(count, true) {
                            append_event(c, &event)?;
                        }
                        return Ok(Admission::LockedNow);
                    }
                }
                Ok(Admission::Locked)
            })
        })
        .await
    }

    async fn release_password_attempt(&self, user: &UserId) -> QueryResult<()> {
        let user = user.to_string();
        self.run(move |c| {
            diesel::update(
                credentials::table.filter(
                    credentials::user_id
                        .eq(user)
                        .and(credentials::locked_at.is_null())
                        .and(credentials::failed_sign_ins.gt(0)),
                ),
            )
            .set(credentials::failed_sign_ins.eq(credentials::failed_sign_ins - 1))
            .execute(c)
            .map(drop)
            .map_err(db_err)
        })
        .await
    }

    async fn record_failed_sign_in(
        &self,
        user: &UserId,
        lock_after: Option<u32>,
        now: Timestamp,
        record: FailureRecord,
    ) -> QueryResult<(i32, bool)> {
        let user = user.to_string();
        let threshold = lock_after.and_then(|n| i32::try_from(n).ok());
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                let (count, locked_now) = match threshold {
                    Some(n) => lock_at_threshold(c, &user, n, now)?,
                    None => (failed_sign_ins(c, &user)?, false),
                };
                for event in record(count, locked_now) {
                    append_event(c, &event)?;
                }
                Ok((count, locked_now))
            })
        })
        .await
    }

    async fn clear_failed_sign_ins(&self, user: &UserId) -> QueryResult<bool> {
        let user = user.to_string();
        self.run(move |c| {
            diesel::update(
                credentials::table.filter(
                    credentials::user_id
                        .eq(user)
                        .and(credentials::locked_at.is_null()),
                ),
            )
            .set(credentials::failed_sign_ins.eq(0))
            .execute(c)
            .map(|n| n == 1)
            .map_err(db_err)
        })
        .await
    }

    async fn set_password(
        &self,
        user: &UserId,
        phc: &str,
        must_change: bool,
        now: Timestamp,
    ) -> QueryResult<()> {
        let user = user.clone();
        let phc = phc.to_owned();
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                set_password_on(c, &user, &phc, must_change, now).map(drop)
            })
        })
        .await
    }

    async fn password_history(&self, user: &UserId, limit: u32) -> QueryResult<Vec<String>> {
        let user = user.to_string();
        self.run(move |c| {
            password_history::table
                .filter(password_history::user_id.eq(user))
                .order(password_history::created_at.desc())
                .limit(i64::from(limit))
                .select(password_history::password_hash)
                .load(c)
                .map_err(db_err)
        })
        .await
    }

    async fn count_in_subtree(&self, path: &str, scope: CredentialScope) -> QueryResult<u64> {
        let path = path.to_owned();
        self.run(move |c| count_in_subtree_on(c, &path, scope))
            .await
    }

    async fn count_pending_links_in_subtree(
        &self,
        path: &str,
        purposes: &[&str],
        now: Timestamp,
    ) -> QueryResult<u64> {
        let (low, high) = Organization::subtree_range(path);
        let purposes: Vec<String> = purposes.iter().map(|p| (*p).to_owned()).collect();
        self.run(move |c| {
            let orgs = organizations::table
                .filter(
                    organizations::path
                        .ge(low)
                        .and(organizations::path.lt(high)),
                )
                .select(organizations::id);
            let members = users::table
                .filter(users::org_id.eq_any(orgs))
                .select(users::id);
            let n: i64 = one_time_links::table
                .filter(
                    one_time_links::user_id
                        .eq_any(members)
                        .and(one_time_links::purpose.eq_any(&purposes))
                        .and(one_time_links::used_at.is_null())
                        .and(one_time_links::expires_at.gt(now.as_micros())),
                )
                .select(diesel::dsl::count(one_time_links::user_id).aggregate_distinct())
                .get_result(c)
                .map_err(db_err)?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
        .await
    }

    async fn insert_link(
        &self,
        digest: &TokenDigest,
        user: &UserId,
        purpose: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> QueryResult<()> {
        let (digest, user, purpose) = (
            digest.as_bytes().to_vec(),
            user.to_string(),
            purpose.to_owned(),
        );
        self.run(move |c| {
            diesel::insert_into(one_time_links::table)
                .values((
                    one_time_links::digest.eq(digest),
                    one_time_links::user_id.eq(user),
                    one_time_links::purpose.eq(purpose),
                    one_time_links::created_at.eq(now.as_micros()),
                    one_time_links::expires_at.eq(expires_at.as_micros()),
                ))
                .execute(c)
                .map(drop)
                .map_err(db_err)
        })
        .await
    }

    async fn find_link(
        &self,
        digest: &TokenDigest,
        purposes: &[&str],
        now: Timestamp,
    ) -> QueryResult<Option<UserId>> {
        let digest = digest.as_bytes().to_vec();
        let purposes: Vec<String> = purposes.iter().map(|p| (*p).to_owned()).collect();
        self.run(move |c| {
            one_time_links::table
                .filter(
                    one_time_links::digest
                        .eq(digest)
                        .and(one_time_links::purpose.eq_any(purposes))
                        .and(one_time_links::used_at.is_null())
                        .and(one_time_links::expires_at.gt(now.as_micros())),
                )
                .select(one_time_links::user_id)
                .first::<String>(c)
                .optional()
                .map(|u| u.map(UserId::from_string))
                .map_err(db_err)
        })
        .await
    }

    async fn use_link(
        &self,
        digest: &TokenDigest,
        purposes: &[&str],
        now: Timestamp,
    ) -> QueryResult<Option<UserId>> {
        let digest = digest.as_bytes().to_vec();
        let purposes: Vec<String> = purposes.iter().map(|p| (*p).to_owned()).collect();
        self.run(move |c| {
            diesel::update(
                one_time_links::table.filter(
                    one_time_links::digest
                        .eq(digest)
                        .and(one_time_links::purpose.eq_any(purposes))
                        .and(one_time_links::used_at.is_null())
                        .and(one_time_links::expires_at.gt(now.as_micros())),
                ),
            )
            .set(one_time_links::used_at.eq(Some(now.as_micros())))
            .returning(one_time_links::user_id)
            .get_result::<String>(c)
            .optional()
            .map(|u| u.map(UserId::from_string))
            .map_err(db_err)
        })
        .await
    }

    async fn delete_links(&self, user: &UserId) -> QueryResult<()> {
        let user = user.clone();
        self.run(move |c| delete_links_on(c, &user).map(drop)).await
    }

    async fn count_unused_recovery_codes(&self, user: &UserId) -> QueryResult<u64> {
        let user = user.to_string();
        self.run(move |c| {
            recovery_codes::table
                .filter(
                    recovery_codes::user_id
                        .eq(user)
                        .and(recovery_codes::used_at.is_null()),
                )
                .count()
                .get_result::<i64>(c)
                .map(|n| u64::try_from(n).unwrap_or(0))
                .map_err(db_err)
        })
        .await
    }
}

#[async_trait]
impl LoginMethodRepo for Database {
    async fn record_sign_in(&self, r: &SignInRecord) -> QueryResult<LoginMethod> {
        let r = r.clone();
        self.run(move |c| transaction_with_retry(c, |c| record_sign_in_on(c, &r)))
            .await
    }

    async fn find_by_user(&self, user: &UserId) -> QueryResult<Vec<LoginMethod>> {
        let user = user.to_string();
        self.run(move |c| {
            login_methods::table
                .filter(login_methods::user_id.eq(user))
                .order(login_methods::kind.asc())
                .select(LoginMethodRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(LoginMethod::try_from)
                .collect()
        })
        .await
    }

    async fn find_by_upstream(
        &self,
        kind: LoginMethodKind,
        subject: &str,
    ) -> QueryResult<Option<LoginMethod>> {
        let subject = subject.to_owned();
        self.run(move |c| {
            login_methods::table
                .filter(
                    login_methods::kind
                        .eq(kind.as_str())
                        .and(login_methods::upstream_subject.eq(subject)),
                )
                .select(LoginMethodRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(LoginMethod::try_from)
                .transpose()
        })
        .await
    }

    async fn unlink(
        &self,
        user: &UserId,
        kind: LoginMethodKind,
        subject: &str,
    ) -> QueryResult<bool> {
        let (user, subject) = (user.clone(), subject.to_owned());
        self.run(move |c| unlink_on(c, &user, kind, &subject).map(|n| n == 1))
            .await
    }
}

#[async_trait]
impl ClientRepo for Database {
    async fn insert(&self, client: &Client) -> QueryResult<()> {
        let client = client.clone();
        self.run(move |c| insert_client_on(c, &client).map(drop))
            .await
    }

    async fn find_by_id(&self, id: &ClientId) -> QueryResult<Option<Client>> {
        let id = id.to_string();
        self.run(move |c| {
            clients::table
                .find(id)
                .select(ClientRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(Client::try_from)
                .transpose()
        })
        .await
    }

    async fn find_by_org(&self, org: &OrgId) -> QueryResult<Vec<Client>> {
        let org = org.to_string();
        self.run(move |c| {
            clients::table
                .filter(clients::org_id.eq(org))
                .order(clients::id.asc())
                .select(ClientRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(Client::try_from)
                .collect()
        })
        .await
    }

    async fn find_all(&self) -> QueryResult<Vec<Client>> {
        self.run(|c| {
            clients::table
                .order(clients::id.asc())
                .select(ClientRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(Client::try_from)
                .collect()
        })
        .await
    }

    async fn delete_by_id(&self, id: &ClientId) -> QueryResult<bool> {
        let id = id.clone();
        self.run(move |c| delete_client_on(c, &id).map(|n| n == 1))
            .await
    }
}

#[async_trait]
impl KeyRepo for Database {
    async fn insert(&self, key: &SigningKey) -> QueryResult<()> {
        let row = KeyRow::from(key);
        self.run(move |c| {
            diesel::insert_into(signing_keys::table)
                .values(&row)
                .execute(c)
                .map(drop)
                .map_err(db_err)
        })
        .await
    }

    async fn insert_if_missing(&self, key: &SigningKey, now: Timestamp) -> QueryResult<bool> {
        let row = KeyRow::from(key);
        self.run(move |c| {
            // PostgreSQL: an advisory lock for the transaction, since two transactions
            // may both see no key and both insert. SQLite: one writer at a time, and a
            // writer that read an older snapshot is refused and retried.
            transaction_with_retry(c, |c| {
                if let DbConnection::Postgres(pg) = c {
                    use diesel::connection::SimpleConnection as _;
                    pg.batch_execute(&format!(
                        "SELECT pg_advisory_xact_lock({})",
                        crate::db::SIGNING_KEYS_LOCK
                    ))
                    .map_err(db_err)?;
                }
                let existing: i64 = signing_keys::table
                    .filter(signing_keys::alg.eq(&row.alg))
                    .filter(signing_keys::state.eq(&row.state))
                    .filter(
                        signing_keys::expires_at
                            .is_null()
                            .or(signing_keys::expires_at.gt(now.as_micros())),
                    )
                    .count()
                    .get_result(c)
                    .map_err(db_err)?;
                if existing > 0 {
                    return Ok(false);
                }
                diesel::insert_into(signing_keys::table)
                    .values(&row)
                    .execute(c)
                    .map_err(db_err)?;
                Ok(true)
            })
        })
        .await
    }

    async fn record_deployment(
        &self,
        mine: &idp_core::deployment::Identity,
        now: Timestamp,
    ) -> QueryResult<(idp_core::deployment::Identity, bool)> {
        let mine = mine.clone();
        self.run(move |c| crate::deployment::record_deployment(c, &mine, now))
            .await
    }

    async fn find_deployment(&self) -> QueryResult<Option<idp_core::deployment::Identity>> {
        self.run(crate::deployment::find_deployment).await
    }

    async fn find_published(&self, now: Timestamp) -> QueryResult<Vec<SigningKey>> {
        self.run(move |c| {
            signing_keys::table
                .filter(
                    signing_keys::expires_at
                        .is_null()
                        .or(signing_keys::expires_at.gt(now.as_micros())),
                )
                .order(signing_keys::created_at.desc())
                .select(KeyRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(SigningKey::try_from)
                .collect()
        })
        .await
    }

    async fn update_state(
        &self,
        kid: &str,
        state: KeyState,
        at: Timestamp,
        expires_at: Option<Timestamp>,
    ) -> QueryResult<bool> {
        let kid = kid.to_owned();
        self.run(move |c| {
            let target = signing_keys::table.find(kid);
            let n = match state {
                KeyState::Next => diesel::update(target)
                    .set(signing_keys::state.eq(state.as_str()))
                    .execute(c),
                KeyState::Current => diesel::update(target)
                    .set((
                        signing_keys::state.eq(state.as_str()),
                        signing_keys::activated_at.eq(at.as_micros()),
                    ))
                    .execute(c),
                KeyState::Retired => diesel::update(target)
                    .set((
                        signing_keys::state.eq(state.as_str()),
                        signing_keys::retired_at.eq(at.as_micros()),
                        signing_keys::expires_at.eq(expires_at.map(Timestamp::as_micros)),
                    ))
                    .execute(c),
            };
            n.map(|n| n == 1).map_err(db_err)
        })
        .await
    }
}

fn load_grant(c: &mut DbConnection, id: &str) -> QueryResult<Option<Grant>> {
    grants::table
        .find(id)
        .select(GrantRow::as_select())
        .first(c)
        .optional()
        .map_err(db_err)?
        .map(Grant::try_from)
        .transpose()
}

#[async_trait]
impl GrantRepo for Database {
    async fn insert_grant(&self, grant: &Grant) -> QueryResult<()> {
        let row = GrantRow::from(grant);
        self.run(move |c| {
            diesel::insert_into(grants::table)
                .values(&row)
                .execute(c)
                .map(drop)
                .map_err(db_err)
        })
        .await
    }

    async fn find_grant(&self, id: &GrantId) -> QueryResult<Option<Grant>> {
        let id = id.to_string();
        self.run(move |c| load_grant(c, &id)).await
    }

    async fn revoke_grant(&self, id: &GrantId, now: Timestamp) -> QueryResult<bool> {
        let id = id.clone();
        self.run(move |c| revoke_grant_on(c, &id, now).map(|n| n == 1))
            .await
    }

    async fn insert_refresh_token(&self, token: &RefreshToken) -> QueryResult<()> {
        let row = RefreshRow::from(token);
        self.run(move |c| {
            diesel::insert_into(refresh_tokens::table)
                .values(&row)
                .execute(c)
                .map(drop)
                .map_err(db_err)
        })
        .await
    }

    async fn insert_grant_with_token(
        &self,
        grant: &Grant,
        token: &RefreshToken,
    ) -> QueryResult<()> {
        self.grant_writers()?
            .insert_grant(NewGrant {
                grant: GrantRow::from(grant),
                token: RefreshRow::from(token),
            })
            .await
    }

    async fn use_refresh_token(
        &self,
        digest: &TokenDigest,
        client: &ClientId,
        now: Timestamp,
        next: &Rotation,
    ) -> QueryResult<RefreshUse> {
        self.grant_writers()?
            .rotate(RefreshRotation {
                digest: digest.as_bytes().to_vec(),
                client: client.to_string(),
                now,
                next: next.clone(),
            })
            .await
    }

    async fn find_refresh_token(
        &self,
        digest: &TokenDigest,
    ) -> QueryResult<Option<(RefreshToken, Grant)>> {
        let digest = digest.as_bytes().to_vec();
        self.run(move |c| load_refresh(c, &digest)).await
    }
}

#[async_trait]
impl RevocationRepo for Database {
    async fn find_revocations(
        &self,
        now: Timestamp,
        grants_revoked_since: Timestamp,
        horizon: std::time::Duration,
    ) -> QueryResult<Vec<Revocation>> {
        self.run(move |c| {
            let recorded: Vec<(String, String, i64)> = revoked_tokens::table
                .filter(revoked_tokens::expires_at.gt(now.as_micros()))
                .select((
                    revoked_tokens::kind,
                    revoked_tokens::id,
                    revoked_tokens::expires_at,
                ))
                .load(c)
                .map_err(db_err)?;
            let grants: Vec<(String, Option<i64>)> = grants::table
                .filter(grants::revoked_at.ge(grants_revoked_since.as_micros()))
                .select((grants::id, grants::revoked_at))
                .load(c)
                .map_err(db_err)?;
            let mut all = Vec::with_capacity(recorded.len() + grants.len());
            for (kind, id, expires_at) in recorded {
                let revoked = match kind.as_str() {
                    "access_token" => Revoked::AccessToken(id),
                    "grant" => Revoked::Grant(GrantId::from_string(id)),
                    other => {
                        return Err(StoreError::Corrupt(format!(
                            "unknown revocation kind {other:?}"
                        )));
                    }
                };
                all.push(Revocation {
                    revoked,
                    expires_at: Timestamp::from_micros(expires_at),
                });
            }
            for (id, revoked_at) in grants {
                if let Some(at) = revoked_at {
                    all.push(Revocation {
                        revoked: Revoked::Grant(GrantId::from_string(id)),
                        expires_at: Timestamp::from_micros(at).plus(horizon),
                    });
                }
            }
            Ok(all)
        })
        .await
    }

    async fn delete_expired_revocations(&self, now: Timestamp) -> QueryResult<u64> {
        self.run(move |c| {
            diesel::delete(
                revoked_tokens::table.filter(revoked_tokens::expires_at.le(now.as_micros())),
            )
            .execute(c)
            .map(|n| n as u64)
            .map_err(db_err)
        })
        .await
    }
}

fn load_refresh(c: &mut DbConnection, digest: &[u8]) -> QueryResult<Option<(RefreshToken, Grant)>> {
    let Some(row) = refresh_tokens::table
        .find(digest)
        .select(RefreshRow::as_select())
        .first(c)
        .optional()
        .map_err(db_err)?
    else {
        return Ok(None);
    };
    let token = RefreshToken::try_from(row)?;
    Ok(load_grant(c, token.grant_id.as_str())?.map(|g| (token, g)))
}

/// A refresh token presented for rotation, with what the request brings.
#[derive(Clone)]
pub(crate) struct RefreshRotation {
    pub digest: Vec<u8>,
    pub client: String,
    pub now: Timestamp,
    pub next: Rotation,
}

/// What a rotation decides before it tries to use the token.
enum Claim {
    Decided(RefreshUse),
    /// The token is this client's and the proof fits: try to use it.
    Try((RefreshToken, Grant, Option<User>)),
}

/// The checks made before a token is used: it exists, it is this client's, and a grant
/// bound to a DPoP key (RFC 9449 §5) sees that key, so that a presentation without it
/// changes nothing.
fn claim(r: &RefreshRotation, found: Option<(RefreshToken, Grant, Option<User>)>) -> Claim {
    match found {
        None => Claim::Decided(RefreshUse::Invalid),
        Some((_, grant, _)) if grant.client_id.as_str() != r.client => {
            Claim::Decided(RefreshUse::Invalid)
        }
        Some((_, grant, _)) if grant.dpop_jkt.is_some() && grant.dpop_jkt != r.next.proof_jkt => {
            Claim::Decided(RefreshUse::WrongKey)
        }
        Some(found) => Claim::Try(found),
    }
}

/// The rotation of a token this request used (won): its replacement, unless the grant
/// was revoked meanwhile. Should a concurrent loser revoke the grant right after, what
/// the winner receives belongs to a revoked grant: its refresh token is refused and its
/// access tokens carry the grant id.
fn won(
    r: &RefreshRotation,
    (token, grant, member): (RefreshToken, Grant, Option<User>),
) -> (Option<RefreshRow>, RefreshUse) {
    if grant.revoked_at.is_some() {
        return (None, RefreshUse::Invalid);
    }
    let replacement = RefreshToken {
        digest: r.next.digest.clone(),
        grant_id: grant.id.clone(),
        scopes: token.scopes.clone(),
        created_at: r.now,
        expires_at: r.next.expires_at,
        used_at: None,
    };
    let used = RefreshToken {
        used_at: Some(r.now),
        ..token
    };
    (
        Some(RefreshRow::from(&replacement)),
        RefreshUse::Fresh(used, grant, member),
    )
}

/// A rotation whose conditional update did not win: a token already used was presented
/// again, and (RFC 9700 §4.14.2) its family is revoked; an expired one is only refused.
fn lost(c: &mut DbConnection, r: &RefreshRotation, grant: &Grant) -> QueryResult<RefreshUse> {
    let used_before = refresh_tokens::table
        .find(&r.digest)
        .select(refresh_tokens::used_at)
        .first::<Option<i64>>(c)
        .map_err(db_err)?
        .is_some();
    if !used_before {
        return Ok(RefreshUse::Invalid);
    }
    diesel::update(
        grants::table
            .find(grant.id.as_str())
            .filter(grants::revoked_at.is_null()),
    )
    .set(grants::revoked_at.eq(r.now.as_micros()))
    .execute(c)
    .map_err(db_err)?;
    Ok(RefreshUse::Reused {
        grant_id: grant.id.clone(),
    })
}

/// One rotation in the caller's transaction. One conditional UPDATE decides which of
/// concurrent presentations wins.
pub(crate) fn rotate_on(c: &mut DbConnection, r: &RefreshRotation) -> QueryResult<RefreshUse> {
    let found = load_refresh_with_member(c, &r.digest)?;
    let found = match claim(r, found) {
        Claim::Decided(outcome) => return Ok(outcome),
        Claim::Try(found) => found,
    };
    let used = UseToken {
        digest: &r.digest,
        now: r.now.as_micros(),
    }
    .execute(c)
    .map_err(db_err)?;
    if used != 1 {
        return lost(c, r, &found.1);
    }
    let (replacement, outcome) = won(r, found);
    if let Some(row) = replacement {
        diesel::insert_into(refresh_tokens::table)
            .values(&row)
            .execute(c)
            .map_err(db_err)?;
    }
    Ok(outcome)
}

/// Marks a refresh token used if it is unused and unexpired: `UPDATE refresh_tokens SET
/// used_at = now WHERE digest = … AND used_at IS NULL AND expires_at > now`. A type of
/// its own, so that the connection keeps it prepared: diesel never caches an
/// `UpdateStatement`, and SQLite compiled this one for every refresh.
struct UseToken<'a> {
    digest: &'a [u8],
    now: i64,
}

impl diesel::query_builder::QueryId for UseToken<'_> {
    type QueryId = UseToken<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB> diesel::query_builder::QueryFragment<DB> for UseToken<'_>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<diesel::sql_types::Binary>
        + diesel::sql_types::HasSqlType<diesel::sql_types::BigInt>,
    [u8]: diesel::serialize::ToSql<diesel::sql_types::Binary, DB>,
    i64: diesel::serialize::ToSql<diesel::sql_types::BigInt, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        use diesel::sql_types::{BigInt, Binary};
        out.push_sql("UPDATE refresh_tokens SET used_at = ");
        out.push_bind_param::<BigInt, _>(&self.now)?;
        out.push_sql(" WHERE digest = ");
        out.push_bind_param::<Binary, _>(self.digest)?;
        out.push_sql(" AND used_at IS NULL AND expires_at > ");
        out.push_bind_param::<BigInt, _>(&self.now)?;
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for UseToken<'_> {}

#[derive(QueryableByName)]
struct UsedDigest {
    #[diesel(sql_type = diesel::sql_types::Binary)]
    digest: Vec<u8>,
}

/// A batch's rotations in the caller's transaction, deciding exactly as [`rotate_on`]
/// would one after another, with three statements on PostgreSQL for the whole batch
/// (read, conditional update, replacements) instead of three for each. A token that
/// two rotations of the batch present is tried by the first; the second finds it used.
pub(crate) fn rotate_together(
    c: &mut DbConnection,
    rotations: &[&RefreshRotation],
) -> QueryResult<Vec<RefreshUse>> {
    let DbConnection::Postgres(pg) = c else {
        return rotations.iter().map(|r| rotate_on(c, r)).collect();
    };
    let digests: Vec<&[u8]> = rotations.iter().map(|r| r.digest.as_slice()).collect();
    let rows: Vec<(RefreshRow, GrantRow, Option<UserRow>)> = refresh_tokens::table
        .inner_join(grants::table.left_join(users::table))
        .filter(refresh_tokens::digest.eq_any(&digests))
        .select((
            RefreshRow::as_select(),
            GrantRow::as_select(),
            Option::<UserRow>::as_select(),
        ))
        .load(pg)
        .map_err(db_err)?;
    let mut found = std::collections::HashMap::with_capacity(rows.len());
    for (token, grant, member) in rows {
        let token = RefreshToken::try_from(token)?;
        let grant = Grant::try_from(grant)?;
        let member = member.map(User::try_from).transpose()?;
        found.insert(token.digest.as_bytes().to_vec(), (token, grant, member));
    }
    let mut tried = std::collections::HashSet::new();
    let claims: Vec<(Claim, bool)> = rotations
        .iter()
        .map(|r| {
            let claim = claim(r, found.get(&r.digest).cloned());
            // Only the first presentation of a token in the batch tries to use it.
            let first = matches!(claim, Claim::Try(_)) && tried.insert(r.digest.as_slice());
            (claim, first)
        })
        .collect();
    let (tries, times): (Vec<&[u8]>, Vec<i64>) = rotations
        .iter()
        .zip(&claims)
        .filter(|(_, (_, first))| *first)
        .map(|(r, _)| (r.digest.as_slice(), r.now.as_micros()))
        .unzip();
    let used: std::collections::HashSet<Vec<u8>> = if tries.is_empty() {
        std::collections::HashSet::new()
    } else {
        use diesel::sql_types::{Array, BigInt, Binary};
        diesel::sql_query(
            "UPDATE refresh_tokens AS t SET used_at = v.now \
             FROM unnest($1::bytea[], $2::int8[]) AS v(digest, now) \
             WHERE t.digest = v.digest AND t.used_at IS NULL AND t.expires_at > v.now \
             RETURNING t.digest",
        )
        .bind::<Array<Binary>, _>(&tries)
        .bind::<Array<BigInt>, _>(&times)
        .load::<UsedDigest>(pg)
        .map_err(db_err)?
        .into_iter()
        .map(|u| u.digest)
        .collect()
    };
    let mut replacements = Vec::new();
    let mut outcomes = Vec::with_capacity(rotations.len());
    for (r, (claim, first)) in rotations.iter().zip(claims) {
        let outcome = match claim {
            Claim::Decided(outcome) => outcome,
            Claim::Try(found) if first && used.contains(&r.digest) => {
                let (replacement, outcome) = won(r, found);
                replacements.extend(replacement);
                outcome
            }
            Claim::Try(found) => lost(c, r, &found.1)?,
        };
        outcomes.push(outcome);
    }
    insert_refresh_rows(c, &replacements)?;
    Ok(outcomes)
}

/// Inserts refresh tokens: on PostgreSQL in one statement, on SQLite row by row.
pub(crate) fn insert_refresh_rows(c: &mut DbConnection, rows: &[RefreshRow]) -> QueryResult<()> {
    match c {
        _ if rows.is_empty() => {}
        DbConnection::Postgres(pg) => {
            diesel::insert_into(refresh_tokens::table)
                .values(rows)
                .execute(pg)
                .map_err(db_err)?;
        }
        DbConnection::Sqlite(_) => {
            for row in rows {
                diesel::insert_into(refresh_tokens::table)
                    .values(row)
                    .execute(c)
                    .map_err(db_err)?;
            }
        }
    }
    Ok(())
}

/// A refresh token with its grant and the grant's member, in one statement.
fn load_refresh_with_member(
    c: &mut DbConnection,
    digest: &[u8],
) -> QueryResult<Option<(RefreshToken, Grant, Option<User>)>> {
    let row: Option<(RefreshRow, GrantRow, Option<UserRow>)> = refresh_tokens::table
        .inner_join(grants::table.left_join(users::table))
        .filter(refresh_tokens::digest.eq(digest))
        .select((
            RefreshRow::as_select(),
            GrantRow::as_select(),
            Option::<UserRow>::as_select(),
        ))
        .first(c)
        .optional()
        .map_err(db_err)?;
    row.map(|(token, grant, member)| {
        Ok((
            RefreshToken::try_from(token)?,
            Grant::try_from(grant)?,
            member.map(User::try_from).transpose()?,
        ))
    })
    .transpose()
}

#[async_trait]
impl ConsentRepo for Database {
    async fn upsert(&self, consent: &Consent) -> QueryResult<()> {
        let consent = consent.clone();
        self.run(move |c| transaction_with_retry(c, |c| upsert_consent_on(c, &consent).map(drop)))
            .await
    }

    async fn find(&self, user: &UserId, client: &ClientId) -> QueryResult<Option<Consent>> {
        let key = (user.to_string(), client.to_string());
        self.run(move |c| {
            consents::table
                .find(key)
                .select(ConsentRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(Consent::try_from)
                .transpose()
        })
        .await
    }

    async fn find_by_user(&self, user: &UserId) -> QueryResult<Vec<Consent>> {
        let user = user.to_string();
        self.run(move |c| {
            consents::table
                .filter(consents::user_id.eq(user))
                .order(consents::client_id.asc())
                .select(ConsentRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(Consent::try_from)
                .collect()
        })
        .await
    }

    async fn delete(&self, user: &UserId, client: &ClientId) -> QueryResult<bool> {
        let (user, client) = (user.clone(), client.clone());
        self.run(move |c| delete_consent_on(c, &user, &client).map(|n| n == 1))
            .await
    }
}

#[async_trait]
impl SessionRepo for Database {
    async fn insert(&self, session: &BrowserSession) -> QueryResult<()> {
        let row = SessionRow::from(session);
        self.run(move |c| {
            diesel::insert_into(browser_sessions::table)
                .values(&row)
                .execute(c)
                .map(drop)
                .map_err(db_err)
        })
        .await
    }

    async fn find_by_id(&self, id: &SessionId) -> QueryResult<Option<BrowserSession>> {
        let id = id.to_string();
        self.run(move |c| {
            browser_sessions::table
                .find(id)
                .select(SessionRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(BrowserSession::try_from)
                .transpose()
        })
        .await
    }

    async fn touch(&self, id: &SessionId, now: Timestamp) -> QueryResult<bool> {
        let id = id.to_string();
        self.run(move |c| {
            diesel::update(
                browser_sessions::table
                    .find(id)
                    .filter(browser_sessions::ended_at.is_null()),
            )
            .set(browser_sessions::last_seen_at.eq(now.as_micros()))
            .execute(c)
            .map(|n| n == 1)
            .map_err(db_err)
        })
        .await
    }

    async fn end(&self, id: &SessionId, now: Timestamp) -> QueryResult<bool> {
        let id = id.to_string();
        self.run(move |c| {
            transaction_with_retry(c, |c| crate::backchannel::end_session_on(c, &id, now))
        })
        .await
    }

    async fn find_live_by_user(
        &self,
        user: &UserId,
        now: Timestamp,
    ) -> QueryResult<Vec<BrowserSession>> {
        let user = user.to_string();
        self.run(move |c| {
            browser_sessions::table
                .filter(
                    browser_sessions::user_id
                        .eq(user)
                        .and(browser_sessions::ended_at.is_null())
                        .and(browser_sessions::expires_at.gt(now.as_micros())),
                )
                .order(browser_sessions::last_seen_at.desc())
                .select(SessionRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(BrowserSession::try_from)
                .collect()
        })
        .await
    }

    async fn end_all_for_user(
        &self,
        user: &UserId,
        keep: Option<&SessionId>,
        now: Timestamp,
    ) -> QueryResult<u64> {
        let user = user.to_string();
        let keep = keep.map(ToString::to_string).unwrap_or_default();
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                let live: Vec<String> = browser_sessions::table
                    .filter(
                        browser_sessions::user_id
                            .eq(&user)
                            .and(browser_sessions::ended_at.is_null())
                            .and(browser_sessions::expires_at.gt(now.as_micros()))
                            .and(browser_sessions::id.ne(&keep)),
                    )
                    .select(browser_sessions::id)
                    .load(c)
                    .map_err(db_err)?;
                let mut ended = 0;
                for id in live {
                    ended += u64::from(crate::backchannel::end_session_on(c, &id, now)?);
                }
                Ok(ended)
            })
        })
        .await
    }

    async fn record_client(
        &self,
        session: &SessionId,
        client: &ClientId,
        now: Timestamp,
    ) -> QueryResult<()> {
        let (session, client) = (session.to_string(), client.to_string());
        self.run(move |c| crate::backchannel::record_client_on(c, &session, &client, now))
            .await
    }

    async fn end_lapsed(
        &self,
        now: Timestamp,
        default_idle: std::time::Duration,
        limit: u32,
    ) -> QueryResult<u64> {
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                let lapsed = crate::backchannel::lapsed_on(c, now, default_idle, limit)?;
                let mut ended = 0;
                for id in lapsed {
                    ended += u64::from(crate::backchannel::end_session_on(c, &id, now)?);
                }
                Ok(ended)
            })
        })
        .await
    }
}

#[async_trait]
impl PasskeyRepo for Database {
    async fn list(&self, user: &UserId) -> QueryResult<Vec<PasskeyRecord>> {
        let user = user.to_string();
        self.run(move |c| {
            Ok(passkeys::table
                .filter(passkeys::user_id.eq(user))
                .order((passkeys::created_at.asc(), passkeys::id.asc()))
                .select(PasskeyRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(PasskeyRecord::from)
                .collect())
        })
        .await
    }

    async fn find_by_credential(&self, credential_id: &str) -> QueryResult<Option<PasskeyRecord>> {
        let credential_id = credential_id.to_owned();
        self.run(move |c| {
            Ok(passkeys::table
                .filter(passkeys::credential_id.eq(credential_id))
                .select(PasskeyRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(PasskeyRecord::from))
        })
        .await
    }

    async fn record_use(
        &self,
        id: &str,
        from: &str,
        to: &str,
        now: Timestamp,
    ) -> QueryResult<bool> {
        let (id, from, to) = (id.to_owned(), from.to_owned(), to.to_owned());
        self.run(move |c| {
            diesel::update(
                passkeys::table.filter(passkeys::id.eq(id).and(passkeys::passkey.eq(from))),
            )
            .set((
                passkeys::passkey.eq(to),
                passkeys::last_used_at.eq(Some(now.as_micros())),
            ))
            .execute(c)
            .map(|n| n == 1)
            .map_err(db_err)
        })
        .await
    }
}

#[async_trait]
impl PolicyRepo for Database {
    async fn find_policy(&self, org: &OrgId) -> QueryResult<Option<OrgPolicyRecord>> {
        let org = org.to_string();
        self.run(move |c| {
            org_policies::table
                .find(org)
                .select(PolicyRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(OrgPolicyRecord::try_from)
                .transpose()
        })
        .await
    }

    async fn upsert_policy(&self, policy: &OrgPolicyRecord) -> QueryResult<()> {
        let policy = policy.clone();
        self.run(move |c| transaction_with_retry(c, |c| upsert_policy_on(c, &policy).map(drop)))
            .await
    }

    async fn find_ip_list(
        &self,
        org: &OrgId,
        purpose: IpListPurpose,
    ) -> QueryResult<Vec<IpListEntry>> {
        let org = org.to_string();
        self.run(move |c| {
            ip_list_entries::table
                .filter(
                    ip_list_entries::org_id
                        .eq(org)
                        .and(ip_list_entries::purpose.eq(purpose.as_str())),
                )
                .order(ip_list_entries::created_at.asc())
                .select(IpEntryRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(IpListEntry::try_from)
                .collect()
        })
        .await
    }

    async fn replace_ip_list(
        &self,
        org: &OrgId,
        purpose: IpListPurpose,
        entries: &[IpListEntry],
    ) -> QueryResult<()> {
        let org = org.clone();
        let entries = entries.to_vec();
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                replace_ip_list_on(c, &org, purpose, &entries).map(drop)
            })
        })
        .await
    }

    async fn insert_admin(&self, a: &AdminAssignment) -> QueryResult<()> {
        let row = AdminRow {
            user_id: a.user_id.to_string(),
            org_id: a.org_id.to_string(),
            permissions: to_json(&a.permissions),
            created_at: a.created_at.as_micros(),
        };
        self.run(move |c| {
            diesel::insert_into(admin_assignments::table)
                .values(&row)
                .execute(c)
                .map(drop)
                .map_err(db_err)
        })
        .await
    }

    async fn find_admin_by_user(&self, user: &UserId) -> QueryResult<Vec<AdminAssignment>> {
        let user = user.to_string();
        self.run(move |c| {
            admin_assignments::table
                .filter(admin_assignments::user_id.eq(user))
                .select(AdminRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(AdminAssignment::try_from)
                .collect()
        })
        .await
    }

    async fn find_admin_by_orgs(&self, orgs: &[OrgId]) -> QueryResult<Vec<AdminAssignment>> {
        let orgs: Vec<String> = orgs.iter().map(ToString::to_string).collect();
        self.run(move |c| {
            admin_assignments::table
                .filter(admin_assignments::org_id.eq_any(orgs))
                .select(AdminRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(AdminAssignment::try_from)
                .collect()
        })
        .await
    }

    async fn find_logo_infos(
        &self,
        orgs: &[OrgId],
    ) -> QueryResult<Vec<idp_core::branding::LogoInfo>> {
        let orgs: Vec<String> = orgs.iter().map(ToString::to_string).collect();
        self.run(move |c| {
            organization_logos::table
                .filter(organization_logos::org_id.eq_any(orgs))
                .select(LogoInfoRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(idp_core::branding::LogoInfo::try_from)
                .collect()
        })
        .await
    }

    async fn find_logo(&self, org: &OrgId) -> QueryResult<Option<idp_core::branding::Logo>> {
        let org = org.to_string();
        self.run(move |c| {
            organization_logos::table
                .find(org)
                .select(LogoRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(idp_core::branding::Logo::try_from)
                .transpose()
        })
        .await
    }
}

/// Rows per INSERT of a batch of audit events: 16 bound values a row stays far below
/// SQLite's 32,766 and PostgreSQL's 65,535 parameters per statement.
const AUDIT_ROWS_PER_INSERT: usize = 500;

/// Links `events` into their organizations' chains, in order, and inserts them (call
/// inside a transaction). Each chain's last event is read once; the unique
/// `(org_id, seq)` index turns a concurrent writer's interleaving into a conflict that
/// the caller's retry recomputes.
fn append_chained(c: &mut DbConnection, events: &[NewAuditEvent]) -> QueryResult<Vec<AuditEvent>> {
    use std::collections::HashMap;
    use std::collections::hash_map::Entry;
    let mut tails: HashMap<&str, Option<(i64, Vec<u8>)>> = HashMap::new();
    let mut stored = Vec::with_capacity(events.len());
    for event in events {
        let tail = match tails.entry(event.org_id.as_str()) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(unknown) => {
                let last = audit_events::table
                    .filter(audit_events::org_id.eq(event.org_id.as_str()))
                    .order(audit_events::seq.desc())
                    .select((audit_events::seq, audit_events::digest))
                    .first(c)
                    .optional()
                    .map_err(db_err)?;
                // Retention may have removed every event: the chain continues from its cut.
                let last = match last {
                    Some(last) => Some(last),
                    None => audit_anchors::table
                        .find(event.org_id.as_str())
                        .select((audit_anchors::seq, audit_anchors::digest))
                        .first(c)
                        .optional()
                        .map_err(db_err)?,
                };
                unknown.insert(last)
            }
        };
        let next = AuditEvent::chained(
            event.clone(),
            tail.as_ref().map(|(seq, digest)| (*seq, digest.as_slice())),
        );
        *tail = Some((next.seq, next.digest.clone()));
        stored.push(next);
    }
    for chunk in stored.chunks(AUDIT_ROWS_PER_INSERT) {
        let rows: Vec<AuditRow> = chunk.iter().map(AuditRow::from).collect();
        insert_audit_rows(c, &rows)?;
    }
    Ok(stored)
}

/// One multi-row INSERT. Written per backend because the `MultiConnection` derive offers
/// multi-row inserts only where every backend takes PostgreSQL's syntax, and SQLite's
/// differs (no DEFAULT keyword); on each backend's own connection diesel builds it.
fn insert_audit_rows(c: &mut DbConnection, rows: &[AuditRow]) -> QueryResult<()> {
    let insert = diesel::insert_into(audit_events::table).values(rows);
    match c {
        DbConnection::Postgres(pg) => insert.execute(pg),
        DbConnection::Sqlite(lite) => insert.execute(lite),
    }
    .map(drop)
    .map_err(db_err)
}

#[async_trait]
impl AuditRepo for Database {
    async fn append(&self, event: &NewAuditEvent) -> QueryResult<AuditEvent> {
        let event = event.clone();
        self.run(move |c| transaction_with_retry(c, |c| append_event(c, &event)))
            .await
    }

    async fn commit(&self, changes: &[Change], events: &[NewAuditEvent]) -> QueryResult<Vec<u64>> {
        let changes = changes.to_vec();
        let events = events.to_vec();
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                let touched = changes
                    .iter()
                    .map(|change| apply_change(c, change))
                    .collect::<QueryResult<Vec<u64>>>()?;
                for event in &events {
                    append_event(c, event)?;
                }
                Ok(touched)
            })
        })
        .await
    }

    async fn append_batch(&self, events: &[NewAuditEvent]) -> QueryResult<Vec<AuditEvent>> {
        let events = events.to_vec();
        self.run(move |c| transaction_with_retry(c, |c| append_chained(c, &events)))
            .await
    }

    async fn search(
        &self,
        filter: &AuditFilter,
        cursor: Option<&AuditCursor>,
        limit: u32,
    ) -> QueryResult<Vec<AuditEvent>> {
        let filter = filter.clone();
        let cursor = cursor.cloned();
        self.run(move |c| {
            let mut q = audit_events::table
                .select(AuditRow::as_select())
                .into_boxed();
            if let Some(path) = &filter.org_path {
                let (low, high) = Organization::subtree_range(path);
                let subtree = organizations::table
                    .filter(
                        organizations::path
                            .ge(low)
                            .and(organizations::path.lt(high)),
                    )
                    .select(organizations::id);
                q = q.filter(audit_events::org_id.eq_any(subtree));
            }
            if let Some(u) = &filter.target_user_id {
                q = q.filter(audit_events::target_user_id.eq(u.to_string()));
            }
            if let Some(a) = filter.activity {
                q = q.filter(audit_events::activity.eq(a.as_str()));
            }
            if let Some(e) = filter.event {
                q = q.filter(audit_events::event.eq(e.as_str()));
            }
            if let Some(i) = filter.info_type {
                q = q.filter(audit_events::info_type.eq(i.as_str()));
            }
            if let Some(from) = filter.from {
                q = q.filter(audit_events::occurred_at.ge(from.as_micros()));
            }
            if let Some(until) = filter.until {
                q = q.filter(audit_events::occurred_at.lt(until.as_micros()));
            }
            if let Some(cur) = &cursor {
                let at = cur.occurred_at.as_micros();
                // The first bound repeats what the second implies, so the databases use it
                // as an index bound: without it each page scans from the newest event again
                // and an export's time grows with the square of its size.
                q = q.filter(audit_events::occurred_at.le(at)).filter(
                    audit_events::occurred_at
                        .lt(at)
                        .or(audit_events::occurred_at
                            .eq(at)
                            .and(audit_events::id.lt(cur.id.to_string()))),
                );
            }
            q.order((audit_events::occurred_at.desc(), audit_events::id.desc()))
                .limit(i64::from(limit))
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(AuditEvent::try_from)
                .collect()
        })
        .await
    }

    async fn delete_before(
        &self,
        org: &OrgId,
        before: Timestamp,
        now: Timestamp,
        record: RetentionRecord,
    ) -> QueryResult<(u64, Option<(i64, Vec<u8>)>)> {
        let org = org.to_string();
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                // The chain is cut at a position, never in the middle: the newest event
                // old enough, and everything before it.
                let last: Option<(i64, Vec<u8>)> = audit_events::table
                    .filter(
                        audit_events::org_id
                            .eq(&org)
                            .and(audit_events::occurred_at.lt(before.as_micros())),
                    )
                    .order(audit_events::seq.desc())
                    .select((audit_events::seq, audit_events::digest))
                    .first(c)
                    .optional()
                    .map_err(db_err)?;
                let Some((seq, digest)) = last else {
                    return Ok((0, None));
                };
                let n = diesel::delete(
                    audit_events::table
                        .filter(audit_events::org_id.eq(&org).and(audit_events::seq.le(seq))),
                )
                .execute(c)
                .map_err(db_err)?;
                diesel::delete(audit_anchors::table.find(&org))
                    .execute(c)
                    .map_err(db_err)?;
                diesel::insert_into(audit_anchors::table)
                    .values((
                        audit_anchors::org_id.eq(&org),
                        audit_anchors::seq.eq(seq),
                        audit_anchors::digest.eq(&digest),
                        audit_anchors::updated_at.eq(now.as_micros()),
                    ))
                    .execute(c)
                    .map_err(db_err)?;
                append_event(c, &record(n as u64, seq, &digest))?;
                Ok((n as u64, Some((seq, digest))))
            })
        })
        .await
    }

    async fn anchor(&self, org: &OrgId) -> QueryResult<Option<(i64, Vec<u8>)>> {
        let org = org.to_string();
        self.run(move |c| {
            audit_anchors::table
                .find(org)
                .select((audit_anchors::seq, audit_anchors::digest))
                .first(c)
                .optional()
                .map_err(db_err)
        })
        .await
    }

    async fn find_chain(
        &self,
        org: &OrgId,
        after_seq: i64,
        limit: u32,
    ) -> QueryResult<Vec<AuditEvent>> {
        let org = org.to_string();
        self.run(move |c| {
            audit_events::table
                .filter(
                    audit_events::org_id
                        .eq(org)
                        .and(audit_events::seq.gt(after_seq)),
                )
                .order(audit_events::seq.asc())
                .limit(i64::from(limit))
                .select(AuditRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(AuditEvent::try_from)
                .collect()
        })
        .await
    }

    async fn claim_export(
        &self,
        owner: &str,
        now: Timestamp,
        lease_until: Timestamp,
        max_attempts: i64,
    ) -> QueryResult<Option<idp_core::audit_jobs::ExportRecord>> {
        let owner = owner.to_owned();
        self.run(move |c| crate::exports::claim(c, &owner, now, lease_until, max_attempts))
            .await
    }

    async fn renew_export_lease(
        &self,
        job: &str,
        owner: &str,
        lease_until: Timestamp,
    ) -> QueryResult<bool> {
        let (job, owner) = (job.to_owned(), owner.to_owned());
        self.run(move |c| crate::exports::renew(c, &job, &owner, lease_until))
            .await
    }

    async fn put_export_chunk(
        &self,
        job: &str,
        owner: &str,
        seq: u32,
        data: &[u8],
        lease_until: Timestamp,
        expires_at: Timestamp,
    ) -> QueryResult<bool> {
        let (job, owner, data) = (job.to_owned(), owner.to_owned(), data.to_vec());
        self.run(move |c| {
            crate::exports::put_chunk(c, &job, &owner, seq, &data, lease_until, expires_at)
        })
        .await
    }

    async fn finish_export(
        &self,
        job: &str,
        owner: &str,
        status: idp_core::audit_jobs::ExportStatus,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> QueryResult<bool> {
        let (job, owner) = (job.to_owned(), owner.to_owned());
        self.run(move |c| crate::exports::finish(c, &job, &owner, status, now, expires_at))
            .await
    }

    async fn find_export(
        &self,
        job: &str,
    ) -> QueryResult<Option<idp_core::audit_jobs::ExportRecord>> {
        let job = job.to_owned();
        self.run(move |c| crate::exports::find(c, &job)).await
    }

    async fn delete_old_exports(&self, before: Timestamp) -> QueryResult<u64> {
        self.run(move |c| crate::exports::delete_old(c, before))
            .await
    }

    async fn export_chunk(
        &self,
        job: &str,
        seq: u32,
        now: Timestamp,
    ) -> QueryResult<Option<Vec<u8>>> {
        let job = job.to_owned();
        self.run(move |c| {
            audit_export_chunks::table
                .filter(audit_export_chunks::job_id.eq(job))
                .filter(audit_export_chunks::seq.eq(i64::from(seq)))
                .filter(audit_export_chunks::expires_at.gt(now.as_micros()))
                .select(audit_export_chunks::data)
                .first::<Vec<u8>>(c)
                .optional()
                .map_err(db_err)
        })
        .await
    }

    async fn delete_export(&self, job: &str) -> QueryResult<u64> {
        let job = job.to_owned();
        self.run(move |c| {
            diesel::delete(audit_export_chunks::table.filter(audit_export_chunks::job_id.eq(job)))
                .execute(c)
                .map(|n| n as u64)
                .map_err(db_err)
        })
        .await
    }

    async fn delete_expired_exports(&self, now: Timestamp) -> QueryResult<u64> {
        self.run(move |c| {
            diesel::delete(
                audit_export_chunks::table
                    .filter(audit_export_chunks::expires_at.le(now.as_micros())),
            )
            .execute(c)
            .map(|n| n as u64)
            .map_err(db_err)
        })
        .await
    }
}

#[async_trait]
impl MembersIoRepo for Database {
    async fn find_with_credentials_by_emails(
        &self,
        emails: &[Email],
    ) -> QueryResult<Vec<(User, Option<Credentials>)>> {
        let emails: Vec<String> = emails.iter().map(ToString::to_string).collect();
        self.run(move |c| {
            let rows: Vec<(UserRow, Option<CredentialsRow>)> = users::table
                .left_join(credentials::table)
                .filter(users::email.eq_any(&emails))
                .order(users::id.asc())
                .select((UserRow::as_select(), Option::<CredentialsRow>::as_select()))
                .load(c)
                .map_err(db_err)?;
            rows.into_iter()
                .map(|(u, cr)| Ok((User::try_from(u)?, cr.map(Credentials::from))))
                .collect()
        })
        .await
    }

    async fn export_page(
        &self,
        path: &str,
        only: Option<&OrgId>,
        after: Option<&UserId>,
        limit: u32,
    ) -> QueryResult<Vec<ExportMember>> {
        let (low, high) = Organization::subtree_range(path);
        let only = only.map(ToString::to_string);
        let after = after.map(ToString::to_string).unwrap_or_default();
        self.run(move |c| {
            let mut q = users::table
                .left_join(credentials::table)
                .filter(users::id.gt(&after))
                .into_boxed();
            q = match &only {
                Some(org) => q.filter(users::org_id.eq(org.clone())),
                None => q.filter(
                    users::org_id.eq_any(
                        organizations::table
                            .filter(
                                organizations::path
                                    .ge(low.clone())
                                    .and(organizations::path.lt(high.clone())),
                            )
                            .select(organizations::id),
                    ),
                ),
            };
            let rows: Vec<(UserRow, Option<CredentialsRow>)> = q
                .order(users::id.asc())
                .limit(i64::from(limit))
                .select((UserRow::as_select(), Option::<CredentialsRow>::as_select()))
                .load(c)
                .map_err(db_err)?;
            let ids: Vec<String> = rows.iter().map(|(u, _)| u.id.clone()).collect();
            let methods: Vec<LoginMethodRow> = login_methods::table
                .filter(login_methods::user_id.eq_any(&ids))
                .select(LoginMethodRow::as_select())
                .load(c)
                .map_err(db_err)?;
            let admins: Vec<AdminRow> = admin_assignments::table
                .filter(admin_assignments::user_id.eq_any(&ids))
                .select(AdminRow::as_select())
                .load(c)
                .map_err(db_err)?;
            let mut out = Vec::with_capacity(rows.len());
            for (u, cr) in rows {
                let user = User::try_from(u)?;
                let creds = cr.map(Credentials::from);
                let mut second_factors = Vec::new();
                if creds.as_ref().is_some_and(|c| c.totp_enrolled_at.is_some()) {
                    second_factors.push("authenticator_app");
                }
                if creds.as_ref().is_some_and(|c| c.email_otp_enabled) {
                    second_factors.push("email_code");
                }
                if creds
                    .as_ref()
                    .is_some_and(|c| c.phone_verified_at.is_some())
                {
                    second_factors.push("sms_code");
                }
                let mine: Vec<&LoginMethodRow> = methods
                    .iter()
                    .filter(|m| m.user_id == user.id.as_str())
                    .collect();
                let mut sign_in_methods = Vec::new();
                for m in &mine {
                    let kind: LoginMethodKind = m
                        .kind
                        .parse()
                        .map_err(|e| StoreError::Corrupt(format!("login_methods.kind: {e}")))?;
                    if !sign_in_methods.contains(&kind) {
                        sign_in_methods.push(kind);
                    }
                }
                let last_sign_in = mine
                    .iter()
                    .filter_map(|m| m.last_sign_in_at)
                    .max()
                    .map(Timestamp::from_micros);
                let admin_areas = admins
                    .iter()
                    .filter(|a| a.user_id == user.id.as_str())
                    .map(|a| {
                        let perms: Vec<String> =
                            from_json("admin_assignments.permissions", &a.permissions)?;
                        Ok((OrgId::from_string(a.org_id.clone()), perms))
                    })
                    .collect::<QueryResult<Vec<_>>>()?;
                out.push(ExportMember {
                    email_login: creds.as_ref().is_some_and(|c| c.email_login_enabled),
                    user,
                    second_factors,
                    sign_in_methods,
                    last_sign_in,
                    admin_areas,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn find_admin_assignments(
        &self,
        members: &[UserId],
    ) -> QueryResult<Vec<AdminAssignment>> {
        let ids: Vec<String> = members.iter().map(ToString::to_string).collect();
        self.run(move |c| {
            let mut out = Vec::new();
            for chunk in ids.chunks(500) {
                let rows: Vec<AdminRow> = admin_assignments::table
                    .filter(admin_assignments::user_id.eq_any(chunk))
                    .select(AdminRow::as_select())
                    .load(c)
                    .map_err(db_err)?;
                for r in rows {
                    out.push(AdminAssignment::try_from(r)?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn find_import(&self, id: &str) -> QueryResult<Option<ImportJob>> {
        let id = id.to_owned();
        self.run(move |c| {
            member_imports::table
                .find(id)
                .select(ImportRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(ImportJob::try_from)
                .transpose()
        })
        .await
    }

    async fn find_import_plan(&self, id: &str) -> QueryResult<Option<ImportPlan>> {
        let id = id.to_owned();
        self.run(move |c| {
            member_imports::table
                .find(id)
                .select(ImportPlanRow::as_select())
                .first(c)
                .optional()
                .map(|r| r.map(ImportPlan::from))
                .map_err(db_err)
        })
        .await
    }

    async fn import_outcomes(&self, id: &str) -> QueryResult<String> {
        let id = id.to_owned();
        self.run(move |c| {
            member_imports::table
                .find(id)
                .select(member_imports::outcomes)
                .first(c)
                .optional()
                .map(Option::unwrap_or_default)
                .map_err(db_err)
        })
        .await
    }

    async fn claim_import(
        &self,
        owner: &str,
        only: Option<&str>,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> QueryResult<Option<ImportJob>> {
        let owner = owner.to_owned();
        let only = only.map(str::to_owned);
        self.run(move |c| {
            transaction_with_retry(c, |c| {
                let waiting = member_imports::status.eq(JobStatus::Queued.as_str()).or(
                    member_imports::status
                        .eq(JobStatus::Running.as_str())
                        .and(member_imports::lease_until.lt(now.as_micros())),
                );
                let mut candidates = member_imports::table.filter(waiting).into_boxed();
                if let Some(id) = &only {
                    candidates = candidates.filter(member_imports::id.eq(id.clone()));
                }
                let Some(id) = candidates
                    .order(member_imports::created_at.asc())
                    .select(member_imports::id)
                    .first::<String>(c)
                    .optional()
                    .map_err(db_err)?
                else {
                    return Ok(None);
                };
                // Taken only if still waiting: of two nodes, one updates the row.
                let taken = diesel::update(member_imports::table.find(&id).filter(waiting))
                    .set((
                        member_imports::status.eq(JobStatus::Running.as_str()),
                        member_imports::lease_owner.eq(&owner),
                        member_imports::lease_until.eq(lease_until.as_micros()),
                        member_imports::updated_at.eq(now.as_micros()),
                    ))
                    .execute(c)
                    .map_err(db_err)?;
                if taken == 0 {
                    return Ok(None);
                }
                member_imports::table
                    .find(&id)
                    .select(ImportRow::as_select())
                    .first(c)
                    .map_err(db_err)
                    .and_then(ImportJob::try_from)
                    .map(Some)
            })
        })
        .await
    }

    async fn renew_import_lease(
        &self,
        id: &str,
        owner: &str,
        lease_until: Timestamp,
    ) -> QueryResult<bool> {
        let (id, owner) = (id.to_owned(), owner.to_owned());
        self.run(move |c| {
            diesel::update(
                member_imports::table.find(id).filter(
                    member_imports::lease_owner
                        .eq(owner)
                        .and(member_imports::status.eq(JobStatus::Running.as_str())),
                ),
            )
            .set(member_imports::lease_until.eq(lease_until.as_micros()))
            .execute(c)
            .map(|n| n > 0)
            .map_err(db_err)
        })
        .await
    }

    async fn finish_import(
        &self,
        id: &str,
        owner: &str,
        status: JobStatus,
        now: Timestamp,
    ) -> QueryResult<bool> {
        let (id, owner) = (id.to_owned(), owner.to_owned());
        self.run(move |c| {
            diesel::update(
                member_imports::table.find(id).filter(
                    member_imports::lease_owner
                        .eq(owner)
                        .and(member_imports::status.eq(JobStatus::Running.as_str())),
                ),
            )
            .set((
                member_imports::status.eq(status.as_str()),
                member_imports::lease_owner.eq(None::<String>),
                member_imports::lease_until.eq(None::<i64>),
                member_imports::finished_at.eq(Some(now.as_micros())),
                member_imports::updated_at.eq(now.as_micros()),
            ))
            .execute(c)
            .map(|n| n > 0)
            .map_err(db_err)
        })
        .await
    }

    async fn delete_old_imports(
        &self,
        previewed_before: Timestamp,
        finished_before: Timestamp,
    ) -> QueryResult<u64> {
        self.run(move |c| {
            let previewed = member_imports::status
                .eq(JobStatus::Previewed.as_str())
                .and(member_imports::created_at.lt(previewed_before.as_micros()));
            let finished = member_imports::status
                .eq_any([JobStatus::Done.as_str(), JobStatus::Failed.as_str()])
                .and(member_imports::finished_at.lt(finished_before.as_micros()));
            diesel::delete(member_imports::table.filter(previewed.or(finished)))
                .execute(c)
                .map(|n| n as u64)
                .map_err(db_err)
        })
        .await
    }

    async fn note_import(&self, id: &str, line: &str) -> QueryResult<()> {
        let (id, line) = (id.to_owned(), format!("{line}\n"));
        self.run(move |c| {
            diesel::update(member_imports::table.find(id))
                .set(member_imports::outcomes.eq(member_imports::outcomes.concat(line)))
                .execute(c)
                .map(drop)
                .map_err(db_err)
        })
        .await
    }
}

#[async_trait]
impl RegistrationRepo for Database {
    async fn find_initial_token(
        &self,
        digest: &TokenDigest,
    ) -> QueryResult<Option<InitialAccessToken>> {
        let digest = digest.as_bytes().to_vec();
        self.run(move |c| {
            registration_tokens::table
                .filter(registration_tokens::digest.eq(digest))
                .select(InitialTokenRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(InitialAccessToken::try_from)
                .transpose()
        })
        .await
    }

    async fn find_initial_token_by_id(&self, id: &str) -> QueryResult<Option<InitialAccessToken>> {
        let id = id.to_owned();
        self.run(move |c| {
            registration_tokens::table
                .find(id)
                .select(InitialTokenRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(InitialAccessToken::try_from)
                .transpose()
        })
        .await
    }

    async fn list_initial_tokens(&self, org: &OrgId) -> QueryResult<Vec<InitialAccessToken>> {
        let org = org.to_string();
        self.run(move |c| {
            registration_tokens::table
                .filter(registration_tokens::org_id.eq(org))
                .order((
                    registration_tokens::created_at.desc(),
                    registration_tokens::id.desc(),
                ))
                .select(InitialTokenRow::as_select())
                .load(c)
                .map_err(db_err)?
                .into_iter()
                .map(InitialAccessToken::try_from)
                .collect()
        })
        .await
    }

    async fn find_client_registration(
        &self,
        client: &ClientId,
    ) -> QueryResult<Option<ClientRegistration>> {
        let client = client.to_string();
        self.run(move |c| {
            client_registrations::table
                .find(client)
                .select(ClientRegistrationRow::as_select())
                .first(c)
                .optional()
                .map_err(db_err)?
                .map(ClientRegistration::try_from)
                .transpose()
        })
        .await
    }
}
