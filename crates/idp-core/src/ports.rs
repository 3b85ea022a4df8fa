//! The ports: what the domain needs from storage, ephemeral state, mail, password
//! hashing, time and randomness. `idp-store` implements them.

use crate::audit::{AuditCursor, AuditEvent, AuditFilter, NewAuditEvent};
use crate::client::Client;
use crate::clock::{Clock, Timestamp};
use crate::crypto::{CryptoError, TokenDigest};
use crate::email::Email;
use crate::ids::{ClientId, GrantId, OrgId, SessionId, UserId};
use crate::members_io::export::ExportMember;
use crate::members_io::job::{ImportJob, ImportPlan, JobStatus};
use crate::org::Organization;
use crate::random::Random;
use crate::records::{
    AdminAssignment, BrowserSession, Consent, CredentialScope, Credentials, Grant, IpListEntry,
    IpListPurpose, KeyState, LoginMethod, LoginMethodKind, OrgPolicyRecord, PasskeyRecord, Profile,
    RecoveryCodeSummary, RefreshToken, RefreshUse, Revocation, SecondFactorLock, SignInRecord,
    SigningKey, User, UserStatus,
};
use crate::secret::Password;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("conflicts with existing data ({constraint})")]
    Conflict { constraint: String },
    #[error("refers to something that does not exist ({constraint})")]
    MissingReference { constraint: String },
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// What a conditional change depended on no longer holds (someone changed it first).
    #[error("changed meanwhile: {0}")]
    Changed(String),
    #[error("database error: {0}")]
    Backend(String),
}

#[async_trait]
pub trait OrgRepo: Send + Sync {
    async fn insert(&self, org: &Organization) -> Result<(), StoreError>;
    async fn find_by_id(&self, id: &OrgId) -> Result<Option<Organization>, StoreError>;
    async fn find_by_slug(&self, slug: &str) -> Result<Option<Organization>, StoreError>;
    async fn find_all(&self) -> Result<Vec<Organization>, StoreError>;
    /// The organization with this path and all its descendants, ordered by path.
    async fn find_subtree(&self, path: &str) -> Result<Vec<Organization>, StoreError>;
    /// How many members each organization has directly (one GROUP BY); organizations
    /// without members are absent.
    async fn member_counts(&self) -> Result<Vec<(OrgId, u64)>, StoreError>;
}

#[async_trait]
pub trait UserRepo: Send + Sync {
    /// Inserts a member together with their credentials, atomically.
    async fn insert(&self, user: &User, credentials: &Credentials) -> Result<(), StoreError>;
    async fn find_by_id(&self, id: &UserId) -> Result<Option<User>, StoreError>;
    /// A member as the token endpoint and userinfo read them: may come from a cache that
    /// every change drops ([`crate::member_cache`]), so never read to change a member.
    async fn find_for_tokens(&self, id: &UserId) -> Result<Option<Arc<User>>, StoreError> {
        Ok(self.find_by_id(id).await?.map(Arc::new))
    }
    async fn find_by_email(&self, org: &OrgId, email: &Email) -> Result<Option<User>, StoreError>;
    /// Members of any organization with this address.
    async fn find_all_by_email(&self, email: &Email) -> Result<Vec<User>, StoreError>;
    /// A page of an organization's members ordered by id, after `after`.
    async fn find_by_org(
        &self,
        org: &OrgId,
        after: Option<&UserId>,
        limit: u32,
    ) -> Result<Vec<User>, StoreError>;
    /// A page of the members matching `filter`, in its order, after `after`, each with
    /// its summary (`now` decides whether a second-factor lock still holds).
    async fn search(
        &self,
        filter: &crate::members::MemberFilter,
        after: Option<&crate::members::MemberCursor>,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<crate::members::MemberSummary>, StoreError>;
    /// How many members match `filter`, counting no further than `cap + 1`.
    async fn count_matching(
        &self,
        filter: &crate::members::MemberFilter,
        now: Timestamp,
        cap: u64,
    ) -> Result<u64, StoreError>;
    async fn count_super_admins(&self) -> Result<u64, StoreError>;
    async fn update_status(
        &self,
        id: &UserId,
        status: UserStatus,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Replaces the name and directory details an upstream provider keeps for a member.
    async fn update_profile(
        &self,
        id: &UserId,
        profile: &Profile,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
}

/// Members' passkeys. Adding and removing one goes through [`Change`], with its audit
/// event; an administrator's second-factor reset and a credential purge remove them with
/// the other second factors.
#[async_trait]
pub trait PasskeyRepo: Send + Sync {
    /// A member's passkeys, oldest first.
    async fn list(&self, user: &UserId) -> Result<Vec<PasskeyRecord>, StoreError>;
    /// The passkey with this credential id (base64url), whoever holds it.
    async fn find_by_credential(
        &self,
        credential_id: &str,
    ) -> Result<Option<PasskeyRecord>, StoreError>;
    /// Writes a passkey's state after a use (its counter) and when it was used, only if
    /// its state is still `from`: false when another use or a removal came first.
    async fn record_use(
        &self,
        id: &str,
        from: &str,
        to: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait CredentialRepo: Send + Sync {
    async fn find_by_user(&self, id: &UserId) -> Result<Option<Credentials>, StoreError>;
    async fn update(&self, credentials: &Credentials) -> Result<(), StoreError>;
    async fn replace_recovery_codes(
        &self,
        user: &UserId,
        digests: &[TokenDigest],
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Marks the matching unused code used; false when none matched.
    async fn use_recovery_code(
        &self,
        user: &UserId,
        digest: &TokenDigest,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    async fn count_unused_recovery_codes(&self, user: &UserId) -> Result<u64, StoreError>;
    async fn recovery_code_summary(&self, user: &UserId)
    -> Result<RecoveryCodeSummary, StoreError>;
    /// Replaces the lock state only if it is still `expected` (compare and swap), so
    /// concurrent failures are each counted; false when it had changed.
    async fn swap_second_factor_lock(
        &self,
        user: &UserId,
        expected: &SecondFactorLock,
        new: &SecondFactorLock,
    ) -> Result<bool, StoreError>;
    /// Removes every second factor in one transaction: the authenticator secret, emailed
    /// codes, all recovery codes and any lock; records when.
    async fn reset_second_factor(&self, user: &UserId, now: Timestamp) -> Result<(), StoreError>;
    /// Admits one password check, before any hashing: counts it as a failure until it
    /// succeeds, atomically with the decision. Refused while the account is locked, and
    /// while the failures counted (finished or still being checked) have reached
    /// `lock_after`; a refusal for that reason locks the account, once, and appends the
    /// events `record` makes of the lock in the same transaction.
    async fn admit_password_attempt(
        &self,
        user: &UserId,
        lock_after: Option<u32>,
        now: Timestamp,
        record: FailureRecord,
    ) -> Result<Admission, StoreError>;
    /// Takes back an admitted check that was never made (the hashing pool was full).
    async fn release_password_attempt(&self, user: &UserId) -> Result<(), StoreError>;
    /// Settles an admitted check that failed (it was counted on admission): locks the
    /// account (once) when the count has reached `lock_after`; appends the events
    /// `record` makes of it in the same transaction. Returns the count and whether this
    /// failure locked it.
    async fn record_failed_sign_in(
        &self,
        user: &UserId,
        lock_after: Option<u32>,
        now: Timestamp,
        record: FailureRecord,
    ) -> Result<(i32, bool), StoreError>;
    /// Settles an admitted check that succeeded: starts the count of failures again, in
    /// the same step as checking the lock. False, changing nothing, when the account was
    /// locked meanwhile: then the good password must not sign in.
    async fn clear_failed_sign_ins(&self, user: &UserId) -> Result<bool, StoreError>;
    /// Sets a new password: clears the lock and the failure count, sets or clears the
    /// must-change flag, and keeps the old hash in the history.
    async fn set_password(
        &self,
        user: &UserId,
        phc: &str,
        must_change: bool,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Members of the organizations under `path` who hold credentials of `scope`.
    async fn count_in_subtree(&self, path: &str, scope: CredentialScope)
    -> Result<u64, StoreError>;
    /// Members of the organizations under `path` with a link of one of `purposes` that
    /// is still unused and unexpired at `now`.
    async fn count_pending_links_in_subtree(
        &self,
        path: &str,
        purposes: &[&str],
        now: Timestamp,
    ) -> Result<u64, StoreError>;
    /// Stores a single-use link to set a password.
    async fn insert_link(
        &self,
        digest: &TokenDigest,
        user: &UserId,
        purpose: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    /// The member of an unused, unexpired link stored under one of `purposes` (a link of
    /// another purpose answers `None`).
    async fn find_link(
        &self,
        digest: &TokenDigest,
        purposes: &[&str],
        now: Timestamp,
    ) -> Result<Option<UserId>, StoreError>;
    /// Marks an unused, unexpired link of one of `purposes` used, atomically: of two
    /// uses, one wins. A link of another purpose stays as it is and answers `None`.
    async fn use_link(
        &self,
        digest: &TokenDigest,
        purposes: &[&str],
        now: Timestamp,
    ) -> Result<Option<UserId>, StoreError>;
    /// Removes every pending link of a member.
    async fn delete_links(&self, user: &UserId) -> Result<(), StoreError>;
    /// The latest `limit` password hashes of the history, newest first.
    async fn password_history(&self, user: &UserId, limit: u32) -> Result<Vec<String>, StoreError>;
}

#[async_trait]
pub trait LoginMethodRepo: Send + Sync {
    /// Creates the method on first use, then counts the sign-in and records where it came from.
    async fn record_sign_in(&self, record: &SignInRecord) -> Result<LoginMethod, StoreError>;
    async fn find_by_user(&self, user: &UserId) -> Result<Vec<LoginMethod>, StoreError>;
    async fn find_by_upstream(
        &self,
        kind: LoginMethodKind,
        subject: &str,
    ) -> Result<Option<LoginMethod>, StoreError>;
    /// Removes one of a member's upstream links; false when there was none.
    async fn unlink(
        &self,
        user: &UserId,
        kind: LoginMethodKind,
        subject: &str,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait ClientRepo: Send + Sync {
    async fn insert(&self, client: &Client) -> Result<(), StoreError>;
    async fn find_by_id(&self, id: &ClientId) -> Result<Option<Client>, StoreError>;
    async fn find_by_org(&self, org: &OrgId) -> Result<Vec<Client>, StoreError>;
    async fn find_all(&self) -> Result<Vec<Client>, StoreError>;
    async fn delete_by_id(&self, id: &ClientId) -> Result<bool, StoreError>;
}

/// Dynamic client registration's durable state (RFC 7591/7592).
#[async_trait]
pub trait RegistrationRepo: Send + Sync {
    async fn find_initial_token(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<crate::oidc::registration::InitialAccessToken>, StoreError>;
    async fn find_initial_token_by_id(
        &self,
        id: &str,
    ) -> Result<Option<crate::oidc::registration::InitialAccessToken>, StoreError>;
    /// An organization's initial access tokens, newest first.
    async fn list_initial_tokens(
        &self,
        org: &OrgId,
    ) -> Result<Vec<crate::oidc::registration::InitialAccessToken>, StoreError>;
    async fn find_client_registration(
        &self,
        client: &ClientId,
    ) -> Result<Option<crate::oidc::registration::ClientRegistration>, StoreError>;
}

#[async_trait]
pub trait KeyRepo: Send + Sync {
    async fn insert(&self, key: &SigningKey) -> Result<(), StoreError>;
    /// Inserts `key` unless a key of its algorithm and state is published at `now`, in one
    /// atomic step: of nodes starting together on an empty database, one creates each
    /// key and all publish the same set. False when one was there.
    async fn insert_if_missing(&self, key: &SigningKey, now: Timestamp)
    -> Result<bool, StoreError>;
    /// Keys still published at `now`: next, current, and retired ones not yet expired.
    async fn find_published(&self, now: Timestamp) -> Result<Vec<SigningKey>, StoreError>;
    async fn update_state(
        &self,
        kid: &str,
        state: KeyState,
        at: Timestamp,
        expires_at: Option<Timestamp>,
    ) -> Result<bool, StoreError>;
    /// Records `mine` as the deployment's issuer and master key check unless one is
    /// recorded, in one atomic step (PostgreSQL: under the first signing keys' lock), so
    /// of nodes starting together one records it. Answers what is recorded, and whether
    /// this call recorded it.
    async fn record_deployment(
        &self,
        mine: &crate::deployment::Identity,
        now: Timestamp,
    ) -> Result<(crate::deployment::Identity, bool), StoreError>;
    async fn find_deployment(&self) -> Result<Option<crate::deployment::Identity>, StoreError>;
}

#[async_trait]
pub trait GrantRepo: Send + Sync {
    async fn insert_grant(&self, grant: &Grant) -> Result<(), StoreError>;
    async fn find_grant(&self, id: &GrantId) -> Result<Option<Grant>, StoreError>;
    async fn revoke_grant(&self, id: &GrantId, now: Timestamp) -> Result<bool, StoreError>;
    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), StoreError>;
    /// A new grant and its first refresh token, in one transaction.
    async fn insert_grant_with_token(
        &self,
        grant: &Grant,
        token: &RefreshToken,
    ) -> Result<(), StoreError>;
    /// Marks a refresh token of `client` used, atomically, and when it was fresh stores
    /// `next` in its place (same grant and scopes, created `now`) in the same transaction:
    /// a failure between the two must not leave the client holding only a used token,
    /// whose retry would look like reuse. A second use revokes its grant family. A token
    /// of another client is `Invalid` and stays unused.
    async fn use_refresh_token(
        &self,
        digest: &TokenDigest,
        client: &ClientId,
        now: Timestamp,
        next: &Rotation,
    ) -> Result<RefreshUse, StoreError>;
    async fn find_refresh_token(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<(RefreshToken, Grant)>, StoreError>;
}

/// The refresh token that replaces a used one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    pub digest: TokenDigest,
    pub expires_at: Timestamp,
    /// The DPoP key the request proved possession of, if any: a grant bound to a key
    /// (RFC 9449 §5) rotates only for that key, and is otherwise left as it was.
    pub proof_jkt: Option<crate::oidc::dpop::Jkt>,
}

/// Revocations that must outlive the ephemeral store (a Redis restart, a process
/// restart in embedded mode). Recorded through [`Change::RecordRevocation`], so the
/// audit event that says why is saved with it.
#[async_trait]
pub trait RevocationRepo: Send + Sync {
    /// Every revocation still in force at `now`: recorded ones not yet expired, and
    /// grants revoked at or after `grants_revoked_since` (their `revoked_at`), each of
    /// those kept until `revoked_at + horizon`.
    async fn find_revocations(
        &self,
        now: Timestamp,
        grants_revoked_since: Timestamp,
        horizon: Duration,
    ) -> Result<Vec<Revocation>, StoreError>;
    /// Removes recorded revocations expired at `now`; returns how many went.
    async fn delete_expired_revocations(&self, now: Timestamp) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait ConsentRepo: Send + Sync {
    /// Records consent, replacing an earlier one for the same member and client.
    async fn upsert(&self, consent: &Consent) -> Result<(), StoreError>;
    async fn find(&self, user: &UserId, client: &ClientId) -> Result<Option<Consent>, StoreError>;
    async fn find_by_user(&self, user: &UserId) -> Result<Vec<Consent>, StoreError>;
    async fn delete(&self, user: &UserId, client: &ClientId) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait SessionRepo: Send + Sync {
    async fn insert(&self, session: &BrowserSession) -> Result<(), StoreError>;
    async fn find_by_id(&self, id: &SessionId) -> Result<Option<BrowserSession>, StoreError>;
    async fn touch(&self, id: &SessionId, now: Timestamp) -> Result<bool, StoreError>;
    async fn end(&self, id: &SessionId, now: Timestamp) -> Result<bool, StoreError>;
    async fn find_live_by_user(
        &self,
        user: &UserId,
        now: Timestamp,
    ) -> Result<Vec<BrowserSession>, StoreError>;
    /// Ends every live session of a member but `keep`; returns how many ended.
    async fn end_all_for_user(
        &self,
        user: &UserId,
        keep: Option<&SessionId>,
        now: Timestamp,
    ) -> Result<u64, StoreError>;
    /// Records that `session` signed into `client` (a code was issued), once.
    async fn record_client(
        &self,
        session: &SessionId,
        client: &ClientId,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Ends up to `limit` sessions not yet marked ended that are past their absolute
    /// lifetime or idle longer than their idle timeout (`default_idle` when they carry
    /// none); returns how many ended.
    async fn end_lapsed(
        &self,
        now: Timestamp,
        default_idle: Duration,
        limit: u32,
    ) -> Result<u64, StoreError>;
}

/// Back-channel logout deliveries. Every way a session ends (the `SessionRepo` ends,
/// [`Change::DeleteUser`]) queues, in its own transaction, one delivery for each client
/// the session signed into that has a `backchannel_logout_uri`.
#[async_trait]
pub trait LogoutDeliveryRepo: Send + Sync {
    /// Takes for `owner` until `lease_until` up to `limit` deliveries due at `now` whose
    /// lease (if any) has run out. Of nodes claiming together, each delivery goes to one.
    async fn claim_due(
        &self,
        owner: &str,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<crate::oidc::backchannel::LogoutDelivery>, StoreError>;
    /// Removes a delivery `owner` holds: sent, given up or dropped; false when not theirs.
    async fn finish(&self, id: &str, owner: &str) -> Result<bool, StoreError>;
    /// Schedules another attempt of a delivery `owner` holds, releasing the lease.
    async fn retry_at(
        &self,
        id: &str,
        owner: &str,
        attempts: u32,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait PolicyRepo: Send + Sync {
    async fn find_policy(&self, org: &OrgId) -> Result<Option<OrgPolicyRecord>, StoreError>;
    async fn upsert_policy(&self, policy: &OrgPolicyRecord) -> Result<(), StoreError>;
    async fn find_ip_list(
        &self,
        org: &OrgId,
        purpose: IpListPurpose,
    ) -> Result<Vec<IpListEntry>, StoreError>;
    /// Replaces a whole list in one transaction.
    async fn replace_ip_list(
        &self,
        org: &OrgId,
        purpose: IpListPurpose,
        entries: &[IpListEntry],
    ) -> Result<(), StoreError>;
    async fn insert_admin(&self, assignment: &AdminAssignment) -> Result<(), StoreError>;
    async fn find_admin_by_user(&self, user: &UserId) -> Result<Vec<AdminAssignment>, StoreError>;
    /// Every administrator assignment over any of `orgs`.
    async fn find_admin_by_orgs(&self, orgs: &[OrgId]) -> Result<Vec<AdminAssignment>, StoreError>;
    /// What is known of the logos of any of `orgs` (not their bytes), in one query.
    async fn find_logo_infos(
        &self,
        orgs: &[OrgId],
    ) -> Result<Vec<crate::branding::LogoInfo>, StoreError>;
    /// An organization's own logo with its bytes.
    async fn find_logo(&self, org: &OrgId) -> Result<Option<crate::branding::Logo>, StoreError>;
}

/// A change to durable state that the audit log records. [`AuditRepo::commit`] applies
/// changes and appends the events that record them in one transaction, so a change is
/// never saved without its record, nor recorded without being saved.
// A handful are built per request and consumed at once; boxing the larger ones would
// buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Change {
    UpsertPolicy(OrgPolicyRecord),
    /// Removes the credentials of `scope` of every member under `path`; touches as many
    /// members as held some.
    ClearCredentialsInSubtree {
        path: String,
        scope: CredentialScope,
        now: Timestamp,
    },
    ReplaceIpList {
        org: OrgId,
        purpose: IpListPurpose,
        entries: Vec<IpListEntry>,
    },
    /// Sets a member's permissions over an organization, replacing what they held there.
    ReplaceAdmin(AdminAssignment),
    UpdateStatus {
        user: UserId,
        status: UserStatus,
        now: Timestamp,
    },
    /// Writes a member's credentials (creating them when missing).
    UpdateCredentials(Credentials),
    /// Removes every pending one-time link of a member.
    DeleteLinks(UserId),
    /// As [`CredentialRepo::set_password`].
    SetPassword {
        user: UserId,
        phc: String,
        must_change: bool,
        now: Timestamp,
    },
    /// As [`CredentialRepo::replace_recovery_codes`].
    ReplaceRecoveryCodes {
        user: UserId,
        digests: Vec<TokenDigest>,
        now: Timestamp,
    },
    /// A new passkey; fails with [`StoreError::Conflict`] when its credential id is
    /// registered already.
    InsertPasskey(PasskeyRecord),
    /// Removes one of a member's passkeys; touches 0 rows when it was not theirs.
    DeletePasskey {
        user: UserId,
        id: String,
    },
    /// As [`CredentialRepo::reset_second_factor`] (passkeys go too).
    ResetSecondFactor {
        user: UserId,
        now: Timestamp,
    },
    InsertClient(Client),
    /// An initial access token for dynamic registration.
    InsertInitialToken(crate::oidc::registration::InitialAccessToken),
    /// Marks an initial access token revoked; touches 0 rows when it was already.
    RevokeInitialToken {
        id: String,
        now: Timestamp,
    },
    /// A dynamically registered client's registration access token (with its client).
    InsertClientRegistration(crate::oidc::registration::ClientRegistration),
    /// Replaces a registration access token that is still `from`; fails with
    /// `StoreError::Changed` (the whole commit with it) when it is not.
    RotateRegistrationToken {
        client: ClientId,
        from: TokenDigest,
        to: TokenDigest,
    },
    InsertOrg(Organization),
    /// A new member with their credentials.
    InsertUser(User, Credentials),
    /// Records consent, replacing an earlier one for the same member and client.
    UpsertConsent(Consent),
    /// As [`GrantRepo::revoke_grant`]; touches 0 rows when it was revoked already.
    RevokeGrant {
        grant: GrantId,
        now: Timestamp,
    },
    /// Records a revocation durably; touches 0 rows when it was recorded already.
    RecordRevocation(Revocation),
    /// Removes a client; touches 0 rows when there was none.
    DeleteClient(ClientId),
    /// Removes a member's consent to a client; touches 0 rows when there was none.
    DeleteConsent {
        user: UserId,
        client: ClientId,
    },
    /// As [`LoginMethodRepo::record_sign_in`]: counts a completed sign-in on its method,
    /// creating the method (an upstream link) the first time.
    RecordSignIn(SignInRecord),
    /// As [`LoginMethodRepo::unlink`]; touches 0 rows when there was no such link.
    Unlink {
        user: UserId,
        kind: LoginMethodKind,
        subject: String,
    },
    /// Writes an organization's name and slug.
    UpdateOrg(Organization),
    /// Puts `org` under `new_parent`: its path `old_path` and every descendant's prefix
    /// become `new_path`. Fails with [`StoreError::Changed`] when `org` is no longer at
    /// `old_path` (moved meanwhile).
    MoveSubtree {
        org: OrgId,
        new_parent: OrgId,
        old_path: String,
        new_path: String,
        now: Timestamp,
    },
    /// Removes an organization with its settings, IP lists and administrator
    /// assignments; refused by the database while members, clients or sub-organizations
    /// refer to it ([`StoreError::MissingReference`]).
    DeleteOrg(OrgId),
    /// Writes a member's profile, organization and address, only if the member is still
    /// as last read (`read_at` is their `updated_at` then); otherwise
    /// [`StoreError::Changed`].
    UpdateUser {
        user: User,
        read_at: Timestamp,
    },
    /// The member proved they receive mail at `email` (an emailed link or code worked):
    /// their address is marked verified, if it is still that address.
    MarkEmailVerified {
        user: UserId,
        email: crate::email::Email,
        now: Timestamp,
    },
    /// Removes a member and everything that is theirs: credentials, links, sign-in
    /// methods, consents, administrator roles and grants. Their sessions end, and each of
    /// their grants is recorded as revoked until `revoked_until`, so access tokens already
    /// out are refused after the grant rows are gone.
    DeleteUser {
        user: UserId,
        now: Timestamp,
        revoked_until: Timestamp,
    },
    /// Writes a client's registration (all but its id, organization and creation time).
    UpdateClient(Client),
    /// A previewed import with its plan and file.
    InsertImport(Box<(ImportJob, ImportPlan)>),
    /// Queues a previewed import for apply; touches 0 rows when it was not previewed.
    QueueImport {
        id: String,
        now: Timestamp,
    },
    /// Sets the deployment's issuer to `to` if it is still `from`; touches 0 rows when it
    /// is not (`crate::deployment::change_issuer`).
    ChangeIssuer {
        from: String,
        to: String,
        now: Timestamp,
    },
    /// A background audit export, queued (`crate::audit_jobs::request`).
    QueueExport(Box<crate::audit_jobs::ExportRecord>),
    /// Moves an import past step `from` (counted as applied or not, with a line for its
    /// results); fails with [`StoreError::Changed`] when the import is not at `from`.
    AdvanceImport {
        id: String,
        from: i64,
        applied: bool,
        outcome: Option<String>,
        now: Timestamp,
    },
    /// Sets an organization's own logo, replacing the one it had.
    PutLogo(Box<crate::branding::Logo>),
    /// Removes an organization's own logo; touches 0 rows when it had none.
    DeleteLogo(OrgId),
}

/// Member imports and exports: reads in bulk, and the imports' durable state.
#[async_trait]
pub trait MembersIoRepo: Send + Sync {
    /// Members of any organization with one of these addresses, with their credentials.
    async fn find_with_credentials_by_emails(
        &self,
        emails: &[Email],
    ) -> Result<Vec<(User, Option<Credentials>)>, StoreError>;
    /// A page of the members of the organizations under `path` (only of `only`, when
    /// given), ordered by id, after `after`, with what an export shows of them.
    async fn export_page(
        &self,
        path: &str,
        only: Option<&OrgId>,
        after: Option<&UserId>,
        limit: u32,
    ) -> Result<Vec<ExportMember>, StoreError>;
    /// The administrator assignments of these members, for an export's page.
    async fn find_admin_assignments(
        &self,
        members: &[UserId],
    ) -> Result<Vec<AdminAssignment>, StoreError>;
    async fn find_import(&self, id: &str) -> Result<Option<ImportJob>, StoreError>;
    async fn find_import_plan(&self, id: &str) -> Result<Option<ImportPlan>, StoreError>;
    /// The results lines of an import (JSON, one a line).
    async fn import_outcomes(&self, id: &str) -> Result<String, StoreError>;
    /// Takes, for `owner` until `lease_until`, the oldest import (or import `only`) that
    /// is queued, or running with its lease run out (its node stopped); marks it running.
    /// Of nodes claiming together, one gets it.
    async fn claim_import(
        &self,
        owner: &str,
        only: Option<&str>,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<ImportJob>, StoreError>;
    /// Extends `owner`'s lease; false when the import is no longer theirs.
    async fn renew_import_lease(
        &self,
        id: &str,
        owner: &str,
        lease_until: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Ends `owner`'s running import with `status`; false when it was not theirs.
    async fn finish_import(
        &self,
        id: &str,
        owner: &str,
        status: JobStatus,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Adds a line to an import's results.
    async fn note_import(&self, id: &str, line: &str) -> Result<(), StoreError>;
    /// Removes imports previewed before `previewed_before` and never applied, and
    /// imports that finished before `finished_before`, with their files; how many.
    async fn delete_old_imports(
        &self,
        previewed_before: Timestamp,
        finished_before: Timestamp,
    ) -> Result<u64, StoreError>;
}

/// Whether a password may be checked now: [`CredentialRepo::admit_password_attempt`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    Admitted,
    /// The account was locked already.
    Locked,
    /// This refusal locked the account.
    LockedNow,
}

/// Makes the events that record a failed password sign-in from the failure count and
/// whether this failure locked the account.
pub type FailureRecord = Box<dyn Fn(i32, bool) -> Vec<NewAuditEvent> + Send + Sync>;

/// Makes the event that records a retention deletion from how many events went and the
/// position and digest the chain continues from.
pub type RetentionRecord = Box<dyn Fn(u64, i64, &[u8]) -> NewAuditEvent + Send + Sync>;

#[async_trait]
pub trait AuditRepo: Send + Sync {
    /// Appends an event to its organization's chain.
    async fn append(&self, event: &NewAuditEvent) -> Result<AuditEvent, StoreError>;
    /// Appends events in one transaction, all or none, each to its organization's chain in
    /// the order given (a batch may mix organizations). For bulk writers such as imports
    /// and the benchmark: one commit instead of one per event.
    async fn append_batch(&self, events: &[NewAuditEvent]) -> Result<Vec<AuditEvent>, StoreError>;
    /// Applies `changes` in order and appends `events`, in one transaction: when any of
    /// it fails, nothing is saved. Returns how many rows each change touched.
    async fn commit(
        &self,
        changes: &[Change],
        events: &[NewAuditEvent],
    ) -> Result<Vec<u64>, StoreError>;
    /// Newest first, after `cursor`.
    async fn search(
        &self,
        filter: &AuditFilter,
        cursor: Option<&AuditCursor>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError>;
    /// Removes an organization's events older than `before`, from the start of its chain,
    /// remembers the last removed event as the chain's new start, and appends the event
    /// `record` makes of the deletion, all in one transaction (nothing when no event is
    /// old enough). Returns how many went and that start.
    async fn delete_before(
        &self,
        org: &OrgId,
        before: Timestamp,
        now: Timestamp,
        record: RetentionRecord,
    ) -> Result<(u64, Option<(i64, Vec<u8>)>), StoreError>;
    /// Where an organization's chain starts: the last event retention removed.
    async fn anchor(&self, org: &OrgId) -> Result<Option<(i64, Vec<u8>)>, StoreError>;
    /// An organization's chain in order, from `after_seq` on.
    async fn find_chain(
        &self,
        org: &OrgId,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError>;
    /// Takes, for `owner` until `lease_until`, the oldest export that is claimable at `now`
    /// (`ExportRecord::claimable`: queued, or running with its lease run out, claimed
    /// fewer than `max_attempts` times): marks it running, counts the attempt, and removes
    /// any chunk an earlier attempt stored, so the file is written again from the start.
    /// Of nodes claiming together, one gets it (PostgreSQL: `FOR UPDATE SKIP LOCKED`).
    async fn claim_export(
        &self,
        owner: &str,
        now: Timestamp,
        lease_until: Timestamp,
        max_attempts: i64,
    ) -> Result<Option<crate::audit_jobs::ExportRecord>, StoreError>;
    /// Extends `owner`'s lease on a running export; false when it is no longer theirs.
    async fn renew_export_lease(
        &self,
        job: &str,
        owner: &str,
        lease_until: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Stores chunk `seq` of an export's file, kept until `expires_at`, and extends the
    /// lease to `lease_until`, in one transaction, only while `owner` holds the running
    /// export; false (nothing stored) when it is no longer theirs.
    async fn put_export_chunk(
        &self,
        job: &str,
        owner: &str,
        seq: u32,
        data: &[u8],
        lease_until: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Ends `owner`'s running export with `status`: done keeps its chunks until
    /// `expires_at`, failed removes them. False when it was not theirs (nothing changes).
    async fn finish_export(
        &self,
        job: &str,
        owner: &str,
        status: crate::audit_jobs::ExportStatus,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<bool, StoreError>;
    async fn find_export(
        &self,
        job: &str,
    ) -> Result<Option<crate::audit_jobs::ExportRecord>, StoreError>;
    /// Removes exports asked for before `before`, with any chunks left; how many went.
    async fn delete_old_exports(&self, before: Timestamp) -> Result<u64, StoreError>;
    /// Chunk `seq` of an export's file, if stored and not expired.
    async fn export_chunk(
        &self,
        job: &str,
        seq: u32,
        now: Timestamp,
    ) -> Result<Option<Vec<u8>>, StoreError>;
    /// Removes an export's file; how many chunks went.
    async fn delete_export(&self, job: &str) -> Result<u64, StoreError>;
    /// Removes the chunks of every export whose link expired; how many went.
    async fn delete_expired_exports(&self, now: Timestamp) -> Result<u64, StoreError>;
}

#[derive(Debug, thiserror::Error)]
pub enum EphemeralError {
    #[error("the ephemeral store is unavailable: {0}")]
    Unavailable(String),
}

/// An entry to store only if its key is absent ([`Ephemeral::put_new`]).
#[derive(Clone, Copy, Debug)]
pub struct NewEntry<'a> {
    pub key: &'a str,
    pub value: &'a [u8],
    pub ttl: Duration,
}

/// Short-lived state: codes, pending sign-ins, one-time links, counters, replay caches.
/// Every entry has a time to live; single use is an atomic take.
#[async_trait]
pub trait Ephemeral: Send + Sync {
    async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), EphemeralError>;
    /// Stores only when the key is absent; true when it stored.
    async fn put_new(&self, key: &str, value: &[u8], ttl: Duration)
    -> Result<bool, EphemeralError>;
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError>;
    /// Reads and removes in one step: of two concurrent takes, one gets the value.
    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError>;
    /// Replaces the value of a key that exists, returning the value it replaced, in one
    /// atomic step; a missing key stays missing. Marks a single-use value as used while
    /// keeping a trace of its use.
    async fn swap_existing(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<Option<Vec<u8>>, EphemeralError>;
    /// Whether any of `keys` exists, in one round trip.
    async fn exists_any(&self, keys: &[&str]) -> Result<bool, EphemeralError>;
    /// Which of `keys` exist, in order, read at one instant (one atomic step): no
    /// flush or write falls between the answers for two keys.
    async fn exists_each(&self, keys: &[&str]) -> Result<Vec<bool>, EphemeralError>;
    /// [`Ephemeral::exists_each`] of `keys`, then [`Ephemeral::put_new`] of `entry`, in
    /// one round trip where the store has round trips: which keys exist, and whether the
    /// entry was stored. A check and a single-use mark that one request needs together.
    async fn exists_each_then_put_new(
        &self,
        keys: &[&str],
        entry: &NewEntry<'_>,
    ) -> Result<(Vec<bool>, bool), EphemeralError> {
        let found = self.exists_each(keys).await?;
        let stored = self.put_new(entry.key, entry.value, entry.ttl).await?;
        Ok((found, stored))
    }
    /// Adds one; the first increment starts the window of `ttl`.
    async fn incr(&self, key: &str, ttl: Duration) -> Result<u64, EphemeralError>;
    /// [`Ephemeral::incr`] of each key with its window, in one round trip where the
    /// store has round trips; the counts in order.
    async fn incr_each(&self, counters: &[(&str, Duration)]) -> Result<Vec<u64>, EphemeralError> {
        let mut counts = Vec::with_capacity(counters.len());
        for (key, ttl) in counters {
            counts.push(self.incr(key, *ttl).await?);
        }
        Ok(counts)
    }
    async fn delete(&self, key: &str) -> Result<(), EphemeralError>;
    /// Every live key that starts with `prefix`, with the time it has left. Read in
    /// passes where the store has many keys: a key written or removed meanwhile may be
    /// missing or still listed.
    async fn alive_under(&self, prefix: &str) -> Result<Vec<(String, Duration)>, EphemeralError>;
    async fn ping(&self) -> Result<(), EphemeralError>;
    /// Tells every node sharing this store that what `notice` names has changed, so that
    /// they drop what they keep of it. A store that only one process sees has no one to
    /// tell.
    async fn announce(&self, notice: &str) -> Result<(), EphemeralError> {
        let _ = notice;
        Ok(())
    }
}

/// A message to a member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: Email,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the message could not be built: {0}")]
    Invalid(String),
    #[error("the message could not be delivered: {0}")]
    Delivery(String),
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}

/// Why a text message was not handed to the gateway. Never holds the number or the body.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("text messages are not configured")]
    NotConfigured,
    #[error("the gateway did not answer in time")]
    Timeout,
    #[error("the gateway could not be reached: {0}")]
    Unreachable(String),
    #[error("the gateway refused the message: {0}")]
    Refused(String),
}

/// Sends text messages through a gateway (the operator's `sms.*` settings).
#[async_trait]
pub trait SmsSender: Send + Sync {
    /// Whether a gateway is configured; when not, text messages are offered nowhere.
    fn enabled(&self) -> bool;
    /// How long a code sent this way works: [`crate::mfa::SMS_CODE_TTL`] unless the
    /// operator shortened it.
    fn code_lifetime(&self) -> std::time::Duration {
        crate::mfa::SMS_CODE_TTL
    }
    /// Hands `body` to the gateway for `to`; returns once it accepted the message.
    async fn send(&self, to: &crate::phone::PhoneNumber, body: &str) -> Result<(), SmsError>;
}

/// No gateway: text messages are off (the default).
pub struct NoSms;

#[async_trait]
impl SmsSender for NoSms {
    fn enabled(&self) -> bool {
        false
    }
    async fn send(&self, _: &crate::phone::PhoneNumber, _: &str) -> Result<(), SmsError> {
        Err(SmsError::NotConfigured)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("too many sign-ins are being checked at once; try again shortly")]
    Busy,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// argon2id off the async threads, with a cap on how many run at once.
#[async_trait]
pub trait Passwords: Send + Sync {
    async fn hash(&self, password: Password) -> Result<String, PasswordError>;
    async fn verify(&self, password: Password, phc: String) -> Result<bool, PasswordError>;
    /// Does the work of a verification against a decoy, for accounts that do not exist.
    async fn burn(&self, password: Password) -> Result<(), PasswordError>;
}

/// Everything a use case may touch, wired once at start-up.
#[derive(Clone)]
pub struct Stores {
    pub orgs: Arc<dyn OrgRepo>,
    pub users: Arc<dyn UserRepo>,
    pub credentials: Arc<dyn CredentialRepo>,
    pub passkeys: Arc<dyn PasskeyRepo>,
    pub login_methods: Arc<dyn LoginMethodRepo>,
    pub clients: Arc<dyn ClientRepo>,
    pub keys: Arc<dyn KeyRepo>,
    pub grants: Arc<dyn GrantRepo>,
    pub revocations: Arc<dyn RevocationRepo>,
    pub consents: Arc<dyn ConsentRepo>,
    pub sessions: Arc<dyn SessionRepo>,
    pub policies: Arc<dyn PolicyRepo>,
    pub audit: Arc<dyn AuditRepo>,
    pub members_io: Arc<dyn MembersIoRepo>,
    pub ephemeral: Arc<dyn Ephemeral>,
    pub mailer: Arc<dyn Mailer>,
    /// Text messages; [`NoSms`] unless the operator configured a gateway.
    pub sms: Arc<dyn SmsSender>,
    pub passwords: Arc<dyn Passwords>,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn Random>,
    pub logout_deliveries: Arc<dyn LogoutDeliveryRepo>,
    /// Documents a registration refers to (a `sector_identifier_uri`).
    pub fetcher: Arc<dyn Fetcher>,
    pub registrations: Arc<dyn RegistrationRepo>,
}

/// Reads a small document a registration points at, with a short timeout and a size
/// cap, following no redirects.
#[async_trait]
pub trait Fetcher: Send + Sync {
    /// The body of a 200 answer to a GET of `url`; the error says why in words.
    async fn fetch(&self, url: &str) -> Result<Vec<u8>, String>;
}
