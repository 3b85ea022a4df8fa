//! Administration use cases the `idp` command and the first-run page share:
//! organizations, members, relying applications and the first super administrator.

use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
use crate::authz::{self, Actor, AuthzError, Permission};
use crate::client::{
    Client, ClientAuthMethod, GrantType, RedirectUri, RedirectUriError, SecurityProfile,
    SigningAlg, UnknownValue,
};
use crate::crypto::{MasterKey, TokenDigest};
use crate::email::{Email, EmailError};
use crate::i18n::Tr;
use crate::ids::{ClientId, OrgId, UserId};
use crate::org::{OrgError, Organization};
use crate::policy::{
    AllowListError, EffectivePolicy, PolicyError, PolicySettings, TwoFactorScope, parse_allow_list,
};
use crate::ports::{Change, EphemeralError, PasswordError, StoreError, Stores};
use crate::random::token;
use crate::records::{
    CredentialScope, Credentials, IpListEntry, IpListPurpose, OrgPolicyRecord, User, UserStatus,
};
use crate::secret::{ClientSecret, Password};
use crate::signin::Origin;
use crate::totp::{self, TotpSecret, TotpSecretError};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("no organization with id or slug {0:?}")]
    UnknownOrganization(String),
    #[error("no member with address {0:?} in that organization")]
    UnknownMember(String),
    #[error("no member with id {0:?}")]
    UnknownMemberId(String),
    #[error("no client with id {0:?}")]
    UnknownClient(String),
    #[error("an organization with slug {0:?} already exists")]
    DuplicateSlug(String),
    #[error("{email} is already a member of this organization")]
    DuplicateEmail { email: Email },
    #[error(transparent)]
    Org(#[from] OrgError),
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    RedirectUri(#[from] RedirectUriError),
    #[error(transparent)]
    Unknown(#[from] UnknownValue),
    #[error(transparent)]
    TotpSecret(#[from] TotpSecretError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    AllowList(#[from] AllowListError),
    #[error(
        "this deletes {what} of {affected} members; to go ahead, confirm with that number (--confirm {affected})"
    )]
    ConfirmationRequired { affected: u64, what: &'static str },
    #[error("the email could not be sent: {0}")]
    Link(String),
    #[error(transparent)]
    PasswordRule(#[from] crate::password_policy::PasswordRuleError),
    #[error(transparent)]
    Authz(#[from] AuthzError),
    #[error(
        "your own address {0} is not on this list: saving it would lock you out; confirm to save it anyway"
    )]
    WouldLockYouOut(String),
    #[error(transparent)]
    SignInWaysKept(#[from] crate::policy::SignInWaysRefusal),
    #[error("only the super administrator manages signing keys")]
    KeysSuperAdminOnly,
    #[error("the signing keys could not be rotated: {0}")]
    Keys(String),
    #[error("passwords must be {min} to {max} characters long")]
    PasswordLength { min: usize, max: usize },
    #[error("{0}")]
    InvalidClient(&'static str),
    #[error("email and password sign-in is off for {0}; turn it on under Authentication first")]
    EmailLoginOff(String),
    #[error("choose the organization to move the members to")]
    MoveTargetMissing,
    #[error("one action can change at most {limit} members; narrow the selection")]
    TooMany { limit: usize },
    #[error("the first-run link is unknown, used or expired")]
    BootstrapLinkInvalid,
    #[error("a super administrator already exists")]
    AlreadyBootstrapped,
    #[error("{0}")]
    OrgMove(&'static str),
    #[error("the main organization cannot be deleted")]
    CannotDeleteRoot,
    #[error("this organization still has {0}; move or delete them first")]
    OrgNotEmpty(String),
    #[error("{}, reload and try again", stale_sentence(by.as_deref(), *at))]
    Stale {
        /// Who made the change, when the audit log says (name or address).
        by: Option<String>,
        at: crate::clock::Timestamp,
    },
    #[error("an authenticator secret can be imported only with the idp command")]
    TotpImportCliOnly,
    #[error("a name must be at most {0} characters, without control characters")]
    MemberName(usize),
    #[error("only a super administrator can delete a super administrator")]
    SuperAdminOnly,
    #[error("you cannot delete yourself")]
    CannotDeleteYourself,
    #[error("this is the last super administrator; make another one first")]
    LastSuperAdmin,
    #[error("{0}")]
    ClientSecret(&'static str),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
    #[error(transparent)]
    LogoutUri(#[from] crate::oidc::backchannel::LogoutUriError),
    #[error(transparent)]
    Sector(#[from] crate::oidc::subject::SectorError),
    #[error("the sector_identifier_uri could not be read: {0}")]
    SectorFetch(String),
    #[error("no registration token with id {0:?}")]
    UnknownRegistrationToken(String),
}

impl AdminError {
    /// The refusal as a sentence in the reader's language, for the console (`Display`
    /// stays the English of logs, the API and the command line). Refusals that carry
    /// another layer's words (addresses, passwords, clients, allow-list entries,
    /// sign-in ways, organization moves) are still English.
    pub fn message(&self, tr: &Tr) -> String {
        match self {
            AdminError::UnknownOrganization(r) => {
                tr.t1("console-refusal-unknown-org", "ref", r.as_str())
            }
            AdminError::UnknownMember(email) => {
                tr.t1("console-refusal-unknown-member", "email", email.as_str())
            }
            AdminError::UnknownMemberId(id) => {
                tr.t1("console-refusal-unknown-member-id", "id", id.as_str())
            }
            AdminError::UnknownClient(id) => {
                tr.t1("console-refusal-unknown-client", "id", id.as_str())
            }
            AdminError::DuplicateSlug(slug) => {
                tr.t1("console-refusal-duplicate-slug", "slug", slug.as_str())
            }
            AdminError::DuplicateEmail { email } => {
                tr.t1("console-refusal-duplicate-email", "email", email.as_str())
            }
            AdminError::Policy(p) => p.message(tr),
            AdminError::ConfirmationRequired { affected, what } => {
                if what.contains("password") {
                    tr.t1("console-confirm-passwords", "count", *affected)
                } else {
                    tr.t1("console-confirm-second-factors", "count", *affected)
                }
            }
            AdminError::Authz(AuthzError::Forbidden(p)) => tr.t2(
                "console-refusal-forbidden",
                "permission",
                p.as_str(),
                "area",
                area_name(tr, *p),
            ),
            AdminError::WouldLockYouOut(ip) => {
                tr.t1("console-refusal-would-lock-you-out", "ip", ip.as_str())
            }
            AdminError::KeysSuperAdminOnly => tr.t("console-refusal-keys-super-admin-only"),
            AdminError::PasswordLength { min, max } => {
                tr.t2("console-refusal-password-length", "min", *min, "max", *max)
            }
            AdminError::EmailLoginOff(org) => {
                tr.t1("console-refusal-email-login-off", "org", org.as_str())
            }
            AdminError::MoveTargetMissing => tr.t("console-refusal-move-target-missing"),
            AdminError::TooMany { limit } => tr.t1("console-refusal-too-many", "limit", *limit),
            AdminError::BootstrapLinkInvalid => tr.t("console-refusal-bootstrap-link-invalid"),
            AdminError::AlreadyBootstrapped => tr.t("console-refusal-already-bootstrapped"),
            AdminError::CannotDeleteRoot => tr.t("console-refusal-cannot-delete-root"),
            AdminError::Stale { by: Some(who), at } => tr.t2(
                "console-refusal-stale-by",
                "who",
                who.as_str(),
                "at",
                tr.datetime(*at),
            ),
            AdminError::Stale { by: None, at } => {
                tr.t1("console-refusal-stale", "at", tr.datetime(*at))
            }
            AdminError::TotpImportCliOnly => tr.t("console-refusal-totp-import-cli-only"),
            AdminError::MemberName(max) => tr.t1("console-refusal-member-name", "max", *max),
            AdminError::SuperAdminOnly => tr.t("console-refusal-super-admin-only"),
            AdminError::CannotDeleteYourself => tr.t("console-refusal-cannot-delete-yourself"),
            AdminError::LastSuperAdmin => tr.t("console-refusal-last-super-admin"),
            AdminError::UnknownRegistrationToken(id) => tr.t1(
                "console-refusal-unknown-registration-token",
                "id",
                id.as_str(),
            ),
            other => sentence(&other.to_string()),
        }
    }
}

/// An area of administration as the console names it.
pub(crate) fn area_name(tr: &Tr, p: Permission) -> String {
    match p {
        Permission::TwoFactor => tr.t("console-two-factor-heading"),
        Permission::AllowedIps => tr.t("console-area-allowed-ips"),
        Permission::LoginSettings => tr.t("console-tab-login-settings"),
        Permission::Members => tr.t("console-tab-members"),
        Permission::AuditLog => tr.t("console-tab-audit"),
        Permission::Clients => tr.t("console-nav-clients"),
    }
}

/// An error text as a sentence: capitalized, with a full stop.
pub fn sentence(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(text.len() + 1);
    let first_word = text.split_whitespace().next().unwrap_or_default();
    let mut chars = text.chars();
    match chars.next() {
        // An address or a name written in code keeps its spelling.
        Some(first) if !first_word.contains(['@', '_', '/']) => {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
        _ => out.push_str(text),
    }
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

fn stale_sentence(by: Option<&str>, at: crate::clock::Timestamp) -> String {
    match by {
        Some(who) => format!("changed by {who} at {}", at.to_rfc3339()),
        None => format!("changed at {}", at.to_rfc3339()),
    }
}

/// Length bounds every password meets. Organizations raise the floor (never lower it).
pub const PASSWORD_MIN: usize = 8;
/// High enough for passphrases, low enough that hashing stays bounded.
pub const PASSWORD_MAX: usize = 1024;

pub fn check_password_length(password: &Password) -> Result<(), AdminError> {
    let n = password.expose().chars().count();
    if (PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
        Ok(())
    } else {
        Err(AdminError::PasswordLength {
            min: PASSWORD_MIN,
            max: PASSWORD_MAX,
        })
    }
}

/// Finds an organization by id or slug.
pub async fn resolve_org(stores: &Stores, id_or_slug: &str) -> Result<Organization, AdminError> {
    if let Some(org) = stores
        .orgs
        .find_by_id(&OrgId::from_string(id_or_slug))
        .await?
    {
        return Ok(org);
    }
    stores
        .orgs
        .find_by_slug(id_or_slug)
        .await?
        .ok_or_else(|| AdminError::UnknownOrganization(id_or_slug.to_owned()))
}

/// An event by `by`, from `origin`.
pub(crate) fn actor_event(
    org: &OrgId,
    by: &Actor,
    origin: &Origin,
    activity: ActivityType,
    event: EventKind,
    info: InfoType,
    stores: &Stores,
) -> NewAuditEvent {
    audit_event(org, by.audit(), origin, activity, event, info, stores)
}

/// An event by the actor the audit log names `who` (a background job keeps only that).
pub(crate) fn audit_event(
    org: &OrgId,
    who: (ActorKind, Option<String>),
    origin: &Origin,
    activity: ActivityType,
    event: EventKind,
    info: InfoType,
    stores: &Stores,
) -> NewAuditEvent {
    let mut e = system_event(org, activity, event, info, stores);
    (e.actor_kind, e.actor_id) = who;
    e.ip = origin.ip.clone();
    e.user_agent = origin.user_agent.clone();
    e
}

fn system_event(
    org: &OrgId,
    activity: ActivityType,
    event: EventKind,
    info: InfoType,
    stores: &Stores,
) -> NewAuditEvent {
    NewAuditEvent {
        org_id: org.clone(),
        occurred_at: stores.clock.now(),
        actor_kind: ActorKind::System,
        actor_id: None,
        target_user_id: None,
        activity,
        event,
        info_type: info,
        ip: None,
        user_agent: None,
        device_id: None,
        detail: serde_json::Value::Null,
    }
}

/// Where links in the emails of a policy change point, and how long they work.
#[derive(Clone, Debug)]
pub struct Links {
    pub base_url: String,
    pub ttl: Duration,
    /// The upstream providers the deployment is configured for: turning email-and-password
    /// sign-in off must leave the members one of them.
    pub upstreams: Vec<crate::federation::Provider>,
}

/// What a policy change did.
#[derive(Clone, Debug)]
pub struct PolicyUpdate {
    /// The organization's own settings after the change.
    pub settings: serde_json::Value,
    pub effective: EffectivePolicy,
    /// Members whose stored credentials the change deleted.
    pub cleared: u64,
    /// Members sent a link to set a password again.
    pub invited: u64,
}

/// Changes an organization's own policy settings: each `(key, value)` sets a value
/// (read as JSON, or as a word when it is not JSON) or, with an empty value, removes it.
/// Nothing is saved unless the whole result is valid.
///
/// Turning email-password sign-in off deletes every stored password and second factor
/// in the tree; turning the two-factor scope off deletes every second factor. Either
/// needs `confirm` to name the number of members affected, which the refusal reports.
/// Turning email-password sign-in back on sends each member a link to set a password.
pub async fn update_policy(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    changes: &[(String, String)],
    confirm: Option<u64>,
    links: &Links,
) -> Result<PolicyUpdate, AdminError> {
    let org = resolve_org(stores, org).await?;
    let mut needed = vec![];
    for (key, _) in changes {
        let p = match key.as_str() {
            "two_factor_scope" | "allowed_second_factors" => Permission::TwoFactor,
            k if k.starts_with("ip_allow_list") => Permission::AllowedIps,
            _ => Permission::LoginSettings,
        };
        if !needed.contains(&p) {
            needed.push(p);
        }
    }
    if needed.is_empty() {
        needed.push(Permission::LoginSettings);
    }
    for p in needed {
        authz::require(stores, by, &org, p, origin, "update_policy").await?;
    }
    let now = stores.clock.now();
    let record = stores.policies.find_policy(&org.id).await?;
    let before = record
        .as_ref()
        .map(|r| r.settings.clone())
        .unwrap_or_else(|| serde_json::json!({}));
    let after = with_changes(&before, changes);
    let parsed = PolicySettings::parse(&after)?;
    parsed.validate(org.is_root())?;
    let mut chain = crate::policy::settings_chain(stores, &org).await?;
    let was = EffectivePolicy::from_chain(&chain);
    if let Some(own) = chain.last_mut() {
        *own = parsed.clone();
    }
    let will = EffectivePolicy::from_chain(&chain);
    let linked = match by {
        Actor::Member(me) if !will.email_password_login => Some(
            stores
                .login_methods
                .find_by_user(&me.id)
                .await?
                .iter()
                .filter_map(|m| crate::federation::Provider::of_kind(m.kind))
                .collect::<Vec<_>>(),
        ),
        Actor::Member(_) => Some(vec![]),
        // Neither signs in through a browser, so neither can lock itself out.
        Actor::Service { .. } | Actor::Operator => None,
    };
    crate::policy::check_ways_in(&was, &will, &links.upstreams, linked.as_deref())?;
    let scope = if was.email_password_login && !will.email_password_login {
        Some(CredentialScope::Everything)
    } else if was.two_factor_scope != TwoFactorScope::Off
        && will.two_factor_scope == TwoFactorScope::Off
    {
        Some(CredentialScope::SecondFactors)
    } else {
        None
    };
    let mut affected = 0;
    if let Some(scope) = scope {
        affected = stores
            .credentials
            .count_in_subtree(&org.path, scope)
            .await?;
        if affected > 0 && confirm != Some(affected) {
            return Err(AdminError::ConfirmationRequired {
                affected,
                what: match scope {
                    CredentialScope::Everything => "every stored password and second factor",
                    CredentialScope::SecondFactors => "every enrolled second factor",
                },
            });
        }
    }
    let mut update = PolicyUpdate {
        settings: after.clone(),
        effective: will.clone(),
        cleared: 0,
        invited: 0,
    };
    if after == before {
        return Ok(update);
    }
    let mut changes = Vec::with_capacity(2);
    if let Some(scope) = scope {
        changes.push(Change::ClearCredentialsInSubtree {
            path: org.path.clone(),
            scope,
            now,
        });
    }
    changes.push(Change::UpsertPolicy(OrgPolicyRecord {
        org_id: org.id.clone(),
        settings: after.clone(),
        updated_at: now,
    }));
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::SecuritySettingsChange,
        EventKind::Edit,
        InfoType::SecuritySettings,
        stores,
    );
    event.detail = serde_json::json!({"before": before, "after": after,
                                      "members_whose_credentials_were_deleted": affected});
    let touched = stores.audit.commit(&changes, &[event]).await?;
    if scope.is_some() {
        update.cleared = touched.first().copied().unwrap_or_default();
    }
    if !was.email_password_login && will.email_password_login {
        update.invited = invite_subtree(stores, &org, links, by.audit(), origin).await?;
    }
    Ok(update)
}

/// An organization's own settings (as stored) with `changes` made: each `(key, value)`
/// sets a value (read as JSON, or as a word when it is not JSON), or with an empty value
/// removes it.
pub fn with_changes(
    settings: &serde_json::Value,
    changes: &[(String, String)],
) -> serde_json::Value {
    let mut after = settings.clone();
    if let Some(map) = after.as_object_mut() {
        for (key, value) in changes {
            if value.is_empty() {
                map.remove(key);
            } else {
                let v = serde_json::from_str(value)
                    .unwrap_or_else(|_| serde_json::Value::String(value.clone()));
                map.insert(key.clone(), v);
            }
        }
    }
    after
}

/// Rotates the signing keys of `algs` (see [`crate::keyring::rotate`]) for the super
/// administrator or an operator on the server. A super administrator's rotation is
/// recorded in their own organization's audit log, one event naming every key moved.
pub async fn rotate_keys(
    stores: &Stores,
    master_key: &MasterKey,
    by: &Actor,
    origin: &Origin,
    algs: &[SigningAlg],
    retire_after: Duration,
) -> Result<Vec<crate::keyring::RotationReport>, AdminError> {
    let org = match by {
        Actor::Operator => None,
        Actor::Member(me) if me.super_admin => Some(me.org_id.clone()),
        _ => return Err(AdminError::KeysSuperAdminOnly),
    };
    let mut reports = Vec::with_capacity(algs.len());
    for alg in algs {
        reports.push(
            crate::keyring::rotate(
                stores.keys.as_ref(),
                master_key,
                stores.random.as_ref(),
                stores.clock.as_ref(),
                *alg,
                retire_after,
            )
            .await
            .map_err(|e| match e {
                crate::keyring::KeyringError::Store(s) => AdminError::Store(s),
                other => AdminError::Keys(other.to_string()),
            })?,
        );
    }
    if let Some(org) = org {
        let mut event = actor_event(
            &org,
            by,
            origin,
            ActivityType::SecuritySettingsChange,
            EventKind::Edit,
            InfoType::SecuritySettings,
            stores,
        );
        event.detail = serde_json::json!({"signing_keys_rotated": reports.iter().map(|r| serde_json::json!({
            "alg": r.alg.as_str(), "promoted": r.promoted, "retired": r.retired, "next": r.next,
        })).collect::<Vec<_>>()});
        stores.audit.append(&event).await?;
    }
    Ok(reports)
}

/// Sends every member under `org` who signs in with email a link to set a password.
async fn invite_subtree(
    stores: &Stores,
    org: &Organization,
    links: &Links,
    actor: (ActorKind, Option<String>),
    origin: &Origin,
) -> Result<u64, AdminError> {
    let mut sent = 0;
    for o in stores.orgs.find_subtree(&org.path).await? {
        let mut after = None;
        loop {
            let page = stores.users.find_by_org(&o.id, after.as_ref(), 500).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for member in &page {
                match crate::password_policy::send_link(
                    stores,
                    member,
                    crate::password_policy::LinkKind::Welcome,
                    &links.base_url,
                    links.ttl,
                    actor.clone(),
                    origin,
                )
                .await
                {
                    Ok(()) => sent += 1,
                    Err(
                        crate::password_policy::ChangeError::EmailLoginDisabled
                        | crate::password_policy::ChangeError::TooManyRequests,
                    ) => {}
                    Err(e) => return Err(AdminError::Link(e.to_string())),
                }
            }
        }
    }
    Ok(sent)
}

/// Turns email sign-in on or off for the listed members of `org`. Every address must
/// belong to a member, or nothing changes. Turning it on sends a welcome email with a
/// single-use link to create a password; turning it off deletes the stored password.
pub async fn set_member_email_login(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    emails: &[String],
    enabled: bool,
    links: &Links,
) -> Result<Vec<User>, AdminError> {
    let scope = resolve_org(stores, org).await?;
    authz::require(
        stores,
        by,
        &scope,
        Permission::Members,
        origin,
        "email_login",
    )
    .await?;
    let mut members = Vec::with_capacity(emails.len());
    for e in emails {
        members.push(resolve_member(stores, org, e).await?);
    }
    let now = stores.clock.now();
    // Every member's change and its record in one transaction: all of them, or none.
    let mut changes = Vec::with_capacity(members.len() * 2);
    let mut events = Vec::with_capacity(members.len());
    for member in &members {
        let creds = stores.credentials.find_by_user(&member.id).await?;
        let (c, event) =
            email_login_change(stores, member, creds, enabled, now, by.audit(), origin);
        changes.extend(c);
        events.push(event);
    }
    stores.audit.commit(&changes, &events).await?;
    for member in &members {
        if enabled {
            send_welcome(stores, member, links, by.audit(), origin).await?;
        }
    }
    Ok(members)
}

/// The changes that turn a member's email sign-in on or off, and their record: off
/// deletes the stored password and any pending link to set one.
pub(crate) fn email_login_change(
    stores: &Stores,
    member: &User,
    creds: Option<Credentials>,
    enabled: bool,
    now: crate::clock::Timestamp,
    who: (ActorKind, Option<String>),
    origin: &Origin,
) -> (Vec<Change>, NewAuditEvent) {
    let mut changes = Vec::with_capacity(2);
    let mut creds = creds.unwrap_or_else(|| Credentials::empty(member.id.clone(), now));
    let before = creds.email_login_enabled;
    creds.email_login_enabled = enabled;
    if !enabled {
        creds.password_hash = None;
        creds.password_must_change = false;
        changes.push(Change::DeleteLinks(member.id.clone()));
    }
    creds.updated_at = now;
    changes.push(Change::UpdateCredentials(creds));
    let mut event = audit_event(
        &member.org_id,
        who,
        origin,
        ActivityType::SecuritySettingsChange,
        EventKind::Edit,
        InfoType::SecuritySettings,
        stores,
    );
    event.target_user_id = Some(member.id.clone());
    event.detail = serde_json::json!({"email_login": {"before": before, "after": enabled}});
    (changes, event)
}

/// Sends a member whose email sign-in was turned on the welcome email, with a
/// single-use link to create a password.
pub(crate) async fn send_welcome(
    stores: &Stores,
    member: &User,
    links: &Links,
    who: (ActorKind, Option<String>),
    origin: &Origin,
) -> Result<(), AdminError> {
    crate::password_policy::send_link(
        stores,
        member,
        crate::password_policy::LinkKind::Welcome,
        &links.base_url,
        links.ttl,
        who,
        origin,
    )
    .await
    .map_err(|e| AdminError::Link(e.to_string()))
}

/// The effective policy as JSON, for people and scripts.
pub fn effective_json(p: &EffectivePolicy) -> serde_json::Value {
    let secs = |d: Option<Duration>| d.map(|d| d.as_secs());
    serde_json::json!({
        "email_password_login": p.email_password_login,
        "two_factor_scope": p.two_factor_scope,
        "password_min_length": p.password_min_length,
        "password_character_classes": p.password_character_classes,
        "password_expiry_secs": secs(p.password_expiry),
        "password_history": p.password_history,
        "lockout_after_failures": p.lockout_after_failures,
        "idle_timeout_secs": secs(p.idle_timeout),
        "session_lifetime_secs": secs(p.session_lifetime),
        "leave_of_absence_sign_in": p.leave_of_absence_sign_in,
        "ip_allow_list_super_admin": p.ip_allow_list_super_admin,
        "ip_allow_list_clients": p.ip_allow_list_clients,
        "audit_retention_secs": p.audit_retention.as_secs(),
        "google_sign_in": p.google_sign_in,
        "google_hosted_domains": p.google_hosted_domains,
        "entra_sign_in": p.entra_sign_in,
        "entra_allowed_tenants": p.entra_allowed_tenants,
        "just_in_time_provisioning": p.just_in_time_provisioning,
        "passkey_sign_in": p.passkey_sign_in,
        "default_language": p.default_language,
        "allowed_second_factors": p.allowed_second_factors,
        "admins_require_passkey": p.admins_require_passkey,
        "passkey_counter_regression": p.passkey_counter_regression,
        "passkey_aaguids": p.passkey_aaguids.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

/// Sets a member's status (active, on leave, disabled); returns it before and after.
pub async fn set_status(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    email: &str,
    status: &str,
) -> Result<(UserStatus, UserStatus), AdminError> {
    let status: UserStatus = status.parse()?;
    let member = resolve_member(stores, org, email).await?;
    let scope = resolve_org(stores, org).await?;
    authz::require(
        stores,
        by,
        &scope,
        Permission::Members,
        origin,
        "set_status",
    )
    .await?;
    let (change, event) = status_change(stores, &member, status, by.audit(), origin);
    stores.audit.commit(&[change], &[event]).await?;
    Ok((member.status, status))
}

/// The change that sets a member's status, and its record.
pub(crate) fn status_change(
    stores: &Stores,
    member: &User,
    status: UserStatus,
    who: (ActorKind, Option<String>),
    origin: &Origin,
) -> (Change, NewAuditEvent) {
    let mut event = audit_event(
        &member.org_id,
        who,
        origin,
        ActivityType::MemberChange,
        EventKind::Edit,
        InfoType::Hr,
        stores,
    );
    event.target_user_id = Some(member.id.clone());
    event.detail = serde_json::json!({"status": {"before": member.status, "after": status}});
    let change = Change::UpdateStatus {
        user: member.id.clone(),
        status,
        now: event.occurred_at,
    };
    (change, event)
}

/// Replaces one of an organization's IP lists (the allow-list, or the addresses where
/// the second factor is not asked) after checking all of it; nothing is saved when one
/// entry is wrong. An administrator whose own address the allow-list would exclude must
/// confirm. Returns how many entries it holds.
pub async fn set_ip_list(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    purpose: IpListPurpose,
    entries: &[(String, Option<String>)],
    confirm_own_address: bool,
) -> Result<usize, AdminError> {
    let org = resolve_org(stores, org).await?;
    let permission = match purpose {
        IpListPurpose::AllowSignIn => Permission::AllowedIps,
        IpListPurpose::SkipSecondFactor => Permission::TwoFactor,
    };
    authz::require(stores, by, &org, permission, origin, purpose.as_str()).await?;
    let cidrs: Vec<String> = entries.iter().map(|(c, _)| c.clone()).collect();
    let ranges = parse_allow_list(&cidrs)?;
    // An administrator signing in under this list from where they are now.
    if let Actor::Member(me) = by
        && purpose == IpListPurpose::AllowSignIn
        && !confirm_own_address
    {
        let policy = crate::policy::effective_policy(stores, &org).await?;
        let here = crate::policy::parse_ip(origin.ip.as_deref());
        let mine = stores.orgs.find_by_id(&me.org_id).await?;
        if mine.is_some_and(|m| org.contains(&m))
            && !crate::policy::ip_allowed(&ranges, &policy, me.super_admin, None, here)
        {
            return Err(AdminError::WouldLockYouOut(
                origin.ip.clone().unwrap_or_else(|| "unknown".into()),
            ));
        }
    }
    let now = stores.clock.now();
    let before: Vec<String> = stores
        .policies
        .find_ip_list(&org.id, purpose)
        .await?
        .into_iter()
        .map(|e| e.cidr)
        .collect();
    let rows: Vec<IpListEntry> = ranges
        .iter()
        .zip(entries)
        .map(|(range, (_, note))| IpListEntry {
            id: crate::ids::EventId::generate().to_string(),
            org_id: org.id.clone(),
            purpose,
            cidr: range.to_string(),
            note: note.clone(),
            created_at: now,
        })
        .collect();
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::SecuritySettingsChange,
        EventKind::Edit,
        InfoType::SecuritySettings,
        stores,
    );
    let after: Vec<String> = rows.iter().map(|r| r.cidr.clone()).collect();
    event.detail =
        serde_json::json!({"setting": purpose.as_str(), "before": before, "after": after});
    let n = rows.len();
    let change = Change::ReplaceIpList {
        org: org.id.clone(),
        purpose,
        entries: rows,
    };
    stores.audit.commit(&[change], &[event]).await?;
    Ok(n)
}

/// Records that `by` read members' personal details: who, and which fields.
pub(crate) fn personal_access(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &OrgId,
    target: Option<&UserId>,
    detail: serde_json::Value,
) -> NewAuditEvent {
    let mut event = actor_event(
        org,
        by,
        origin,
        ActivityType::PersonalInfoAccess,
        EventKind::View,
        InfoType::Personal,
        stores,
    );
    event.target_user_id = target.cloned();
    event.detail = detail;
    event
}

/// The fields of a member an administrator reads.
pub(crate) const MEMBER_FIELDS: [&str; 6] = [
    "email",
    "name",
    "status",
    "locale",
    "super_admin",
    "created_at",
];

/// An organization's members, for someone with member management over it; the reading
/// is recorded as an access to personal information.
pub async fn list_members(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
) -> Result<Vec<User>, AdminError> {
    let org = resolve_org(stores, org).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::Members,
        origin,
        "list_members",
    )
    .await?;
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = stores
            .users
            .find_by_org(&org.id, after.as_ref(), 500)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id.clone());
        all.extend(page);
    }
    let event = personal_access(
        stores,
        by,
        origin,
        &org.id,
        None,
        serde_json::json!({"listed": "members", "count": all.len(), "fields": MEMBER_FIELDS}),
    );
    stores.audit.append(&event).await?;
    Ok(all)
}

/// One member's details, for someone with member management over their organization;
/// the reading is recorded as an access to that member's personal information.
pub async fn view_member(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &UserId,
) -> Result<User, AdminError> {
    let member = stores
        .users
        .find_by_id(id)
        .await?
        .ok_or_else(|| AdminError::UnknownMemberId(id.to_string()))?;
    let org = resolve_org(stores, member.org_id.as_str()).await?;
    authz::require(stores, by, &org, Permission::Members, origin, "view_member").await?;
    let event = personal_access(
        stores,
        by,
        origin,
        &org.id,
        Some(&member.id),
        serde_json::json!({"fields": MEMBER_FIELDS}),
    );
    stores.audit.append(&event).await?;
    Ok(member)
}

/// Finds a member of an organization by address.
pub async fn resolve_member(stores: &Stores, org: &str, email: &str) -> Result<User, AdminError> {
    let org = resolve_org(stores, org).await?;
    let email = Email::parse(email)?;
    stores
        .users
        .find_by_email(&org.id, &email)
        .await?
        .ok_or_else(|| AdminError::UnknownMember(email.to_string()))
}

/// Creates an organization, for the command line and the first-run page.
pub async fn create_org(
    stores: &Stores,
    name: &str,
    slug: Option<&str>,
    parent: Option<&str>,
) -> Result<Organization, AdminError> {
    let parent = match parent {
        Some(p) => Some(resolve_org(stores, p).await?),
        None => None,
    };
    insert_org(
        stores,
        &Actor::Operator,
        &Origin::default(),
        parent.as_ref(),
        name,
        slug,
    )
    .await
}

/// The one way an organization is made: checked, then saved with its record. The
/// caller has checked `by`'s permission over `parent`.
pub(crate) async fn insert_org(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    parent: Option<&Organization>,
    name: &str,
    slug: Option<&str>,
) -> Result<Organization, AdminError> {
    let org = Organization::new(name, slug, parent, stores.clock.now())?;
    if stores.orgs.find_by_slug(&org.slug).await?.is_some() {
        return Err(AdminError::DuplicateSlug(org.slug));
    }
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::OrganizationChange,
        EventKind::Create,
        InfoType::Other,
        stores,
    );
    event.detail = serde_json::json!({"after": {"name": org.name, "slug": org.slug, "parent_id": org.parent_id}});
    stores
        .audit
        .commit(&[Change::InsertOrg(org.clone())], &[event])
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => AdminError::DuplicateSlug(org.slug.clone()),
            other => AdminError::Store(other),
        })?;
    Ok(org)
}

/// A member as an administrator describes them.
#[derive(Debug, Default)]
pub struct NewMember {
    pub org: String,
    pub email: String,
    pub name: Option<String>,
    pub password: Option<Password>,
    pub totp_secret: Option<String>,
    pub super_admin: bool,
    /// The address is known to be the member's (ID tokens and userinfo say
    /// `email_verified: true`); otherwise it is proven by an emailed link or code.
    pub email_verified: bool,
}

/// Creates a member, with a password and an imported TOTP secret when given.
/// Everything is checked before anything is written.
pub async fn create_member(
    stores: &Stores,
    master_key: &MasterKey,
    member: NewMember,
) -> Result<User, AdminError> {
    insert_member(
        stores,
        Some(master_key),
        &Actor::Operator,
        &Origin::default(),
        member,
        true,
    )
    .await
}

/// The one way a member is made: checked, then saved with their credentials and the
/// record of it. The caller has checked `by`'s permission over the organization.
pub(crate) async fn insert_member(
    stores: &Stores,
    master_key: Option<&MasterKey>,
    by: &Actor,
    origin: &Origin,
    member: NewMember,
    email_login: bool,
) -> Result<User, AdminError> {
    let email = Email::parse(&member.email)?;
    let totp_secret = member
        .totp_secret
        .as_deref()
        .map(TotpSecret::parse_base32)
        .transpose()?;
    if totp_secret.is_some() && master_key.is_none() {
        return Err(AdminError::TotpImportCliOnly);
    }
    if let Some(p) = &member.password {
        check_password_length(p)?;
    }
    let org = resolve_org(stores, &member.org).await?;
    if stores.users.find_by_email(&org.id, &email).await?.is_some() {
        return Err(AdminError::DuplicateEmail { email });
    }
    if let Some(p) = &member.password {
        let policy = crate::policy::effective_policy(stores, &org).await?;
        crate::password_policy::check(&policy, p, &email, member.name.as_deref())?;
    }
    let password_hash = match member.password {
        Some(p) => Some(stores.passwords.hash(p).await?),
        None => None,
    };
    let now = stores.clock.now();
    let mut user = new_user(&org.id, &email, member.name.as_deref(), now);
    user.super_admin = member.super_admin;
    user.email_verified = member.email_verified;
    let mut credentials = Credentials::empty(user.id.clone(), now);
    credentials.email_login_enabled = email_login;
    credentials.password_changed_at = password_hash.as_ref().map(|_| now);
    credentials.password_hash = password_hash;
    if let (Some(secret), Some(master_key)) = (totp_secret, master_key) {
        credentials.totp_secret_sealed =
            Some(master_key.seal(stores.random.as_ref(), totp::SEAL_PURPOSE, secret.expose()));
        credentials.totp_enrolled_at = Some(now);
    }
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::MemberChange,
        EventKind::Create,
        InfoType::Personal,
        stores,
    );
    event.target_user_id = Some(user.id.clone());
    event.detail = serde_json::json!({
        "after": {"super_admin": user.super_admin, "password_set": credentials.password_hash.is_some(),
                  "totp_imported": credentials.totp_secret_sealed.is_some(), "email_login": email_login}
    });
    stores
        .audit
        .commit(&[Change::InsertUser(user.clone(), credentials)], &[event])
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => AdminError::DuplicateEmail {
                email: email.clone(),
            },
            other => AdminError::Store(other),
        })?;
    Ok(user)
}

/// A new active member of `org`, not yet saved.
pub(crate) fn new_user(
    org: &OrgId,
    email: &Email,
    name: Option<&str>,
    now: crate::clock::Timestamp,
) -> User {
    User {
        id: UserId::generate(),
        org_id: org.clone(),
        email: email.clone(),
        email_verified: false,
        name: name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        given_name: None,
        family_name: None,
        locale: None,
        zoneinfo: None,
        job_title: None,
        phone: None,
        status: UserStatus::Active,
        super_admin: false,
        created_at: now,
        updated_at: now,
    }
}

/// A relying application as an administrator registers it.
#[derive(Clone, Debug, Default)]
pub struct NewClient {
    pub org: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub public: bool,
    pub first_party: bool,
    /// Grant types by their OAuth names; empty means authorization_code + refresh_token.
    pub grants: Vec<String>,
    /// JWS algorithm of the client's tokens (`id_token_signed_response_alg`); RS256 when unset.
    pub signing_alg: Option<String>,
    /// A JWK Set (JSON): the client authenticates with `private_key_jwt` instead of a secret.
    pub jwks: Option<String>,
    /// A confidential client may leave PKCE out (it is required by default).
    pub pkce_optional: bool,
    /// Scopes beyond the OpenID ones this client may ask for.
    pub extra_scopes: Vec<String>,
    /// Lifetimes in seconds that replace the deployment's for this client.
    pub access_token_ttl_secs: Option<u32>,
    pub id_token_ttl_secs: Option<u32>,
    pub refresh_token_ttl_secs: Option<u32>,
    /// Authorization requests count only when pushed to `/par` (RFC 9126).
    pub require_pushed_authorization_requests: bool,
    /// Authorization requests count only as request objects signed with `jwks` (RFC 9101).
    pub require_signed_request_object: bool,
    /// RFC 9449 §5.2: every token request must carry a DPoP proof.
    pub dpop_bound_access_tokens: bool,
    /// Back-Channel Logout 1.0: where logout tokens are POSTed.
    pub backchannel_logout_uri: Option<String>,
    /// The client needs `sid` in logout tokens (always sent).
    pub backchannel_logout_session_required: bool,
    /// `public` or `pairwise` (OIDC Core §8); public when unset.
    pub subject_type: Option<String>,
    /// OIDC Core §8.1: a document (JSON array) listing the client's redirect URIs, read
    /// at registration; its host is the pairwise sector.
    pub sector_identifier_uri: Option<String>,
    /// `standard` or `fapi2`; standard when unset.
    pub security_profile: Option<String>,
}

/// Registers a client, for the command line. A confidential client's secret is
/// returned once and stored as a digest.
pub async fn create_client(
    stores: &Stores,
    new: NewClient,
) -> Result<(Client, Option<ClientSecret>), AdminError> {
    crate::client_admin::create_client(stores, &Actor::Operator, &Origin::default(), new).await
}

/// A registration that passed [`check_client`]: everything a [`Client`] holds but its
/// identity, secret and times.
pub(crate) struct CheckedClient {
    pub name: String,
    pub auth_method: ClientAuthMethod,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub grant_types: Vec<GrantType>,
    pub extra_scopes: Vec<String>,
    pub first_party: bool,
    pub require_pkce: bool,
    pub id_token_alg: SigningAlg,
    pub access_token_ttl_secs: Option<u32>,
    pub id_token_ttl_secs: Option<u32>,
    pub refresh_token_ttl_secs: Option<u32>,
    pub jwks: Option<String>,
    pub require_pushed_authorization_requests: bool,
    pub require_signed_request_object: bool,
    pub dpop_bound_access_tokens: bool,
    pub backchannel_logout_uri: Option<String>,
    pub backchannel_logout_session_required: bool,
    pub subject_type: crate::client::SubjectType,
    pub sector_identifier_uri: Option<String>,
    pub security_profile: SecurityProfile,
}

impl CheckedClient {
    /// A new client in `org` made of this registration, with its secret's digest.
    pub(crate) fn into_client(
        self,
        org: OrgId,
        secret_digest: Option<TokenDigest>,
        now: crate::clock::Timestamp,
    ) -> Client {
        self.into_client_as(ClientId::generate(), org, secret_digest, now, now)
    }

    /// The client this registration describes, under an identity, secret and times
    /// given.
    fn into_client_as(
        self,
        id: ClientId,
        org: OrgId,
        secret_digest: Option<TokenDigest>,
        created_at: crate::clock::Timestamp,
        updated_at: crate::clock::Timestamp,
    ) -> Client {
        Client {
            id,
            org_id: org,
            name: self.name,
            secret_digest,
            auth_method: self.auth_method,
            redirect_uris: self.redirect_uris,
            post_logout_redirect_uris: self.post_logout_redirect_uris,
            grant_types: self.grant_types,
            extra_scopes: self.extra_scopes,
            first_party: self.first_party,
            require_pkce: self.require_pkce,
            id_token_alg: self.id_token_alg,
            access_token_ttl_secs: self.access_token_ttl_secs,
            id_token_ttl_secs: self.id_token_ttl_secs,
            refresh_token_ttl_secs: self.refresh_token_ttl_secs,
            jwks: self.jwks,
            created_at,
            updated_at,
            require_pushed_authorization_requests: self.require_pushed_authorization_requests,
            require_signed_request_object: self.require_signed_request_object,
            dpop_bound_access_tokens: self.dpop_bound_access_tokens,
            backchannel_logout_uri: self.backchannel_logout_uri,
            backchannel_logout_session_required: self.backchannel_logout_session_required,
            subject_type: self.subject_type,
            sector_identifier_uri: self.sector_identifier_uri,
            security_profile: self.security_profile,
        }
    }

    /// Puts the checked registration into `client`, keeping its identity and secret.
    pub(crate) fn apply_to(self, client: &mut Client) {
        let (id, org) = (client.id.clone(), client.org_id.clone());
        let secret = client.secret_digest.take();
        *client = self.into_client_as(id, org, secret, client.created_at, client.updated_at);
    }
}

/// The rules every registration meets, at creation and at each change.
pub(crate) fn check_client(new: &NewClient) -> Result<CheckedClient, AdminError> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AdminError::InvalidClient(
            "a client name must be 1 to 200 characters",
        ));
    }
    let redirect_uris = new
        .redirect_uris
        .iter()
        .map(|u| RedirectUri::parse(u))
        .collect::<Result<Vec<_>, _>>()?;
    let post_logout = new
        .post_logout_redirect_uris
        .iter()
        .map(|u| RedirectUri::parse(u))
        .collect::<Result<Vec<_>, _>>()?;
    let mut grant_types = new
        .grants
        .iter()
        .map(|g| g.parse::<GrantType>())
        .collect::<Result<Vec<_>, _>>()?;
    if grant_types.is_empty() {
        grant_types = vec![GrantType::AuthorizationCode, GrantType::RefreshToken];
    }
    grant_types.dedup();
    let uses_code = grant_types.contains(&GrantType::AuthorizationCode);
    if uses_code && redirect_uris.is_empty() {
        return Err(AdminError::InvalidClient(
            "a client using authorization_code needs at least one redirect URI",
        ));
    }
    if new.public && grant_types.contains(&GrantType::ClientCredentials) {
        return Err(AdminError::InvalidClient(
            "a public client cannot use client_credentials: it has no secret",
        ));
    }
    let security_profile = new
        .security_profile
        .as_deref()
        .map(str::parse::<SecurityProfile>)
        .transpose()?
        .unwrap_or(SecurityProfile::Standard);
    let id_token_alg = new
        .signing_alg
        .as_deref()
        .map(str::parse::<SigningAlg>)
        .transpose()?
        .unwrap_or(match security_profile {
            SecurityProfile::Standard => SigningAlg::Rs256,
            SecurityProfile::Fapi2 => SigningAlg::Es256,
        });
    if new.public && (new.jwks.is_some() || new.pkce_optional) {
        return Err(AdminError::InvalidClient(
            "a public client has no keys and always uses PKCE",
        ));
    }
    if let Some(jwks) = &new.jwks
        && crate::jose::JwkSet::from_json(jwks).map_or(true, |set| set.is_empty())
    {
        return Err(AdminError::InvalidClient(
            "the JWK Set holds no usable public key (RSA, P-256 or Ed25519)",
        ));
    }
    if new.require_signed_request_object && new.jwks.is_none() {
        return Err(AdminError::InvalidClient(
            "a client that must sign its request objects needs its public keys (a JWK Set)",
        ));
    }
    let extra_scopes = crate::oidc::scope::parse(&new.extra_scopes.join(" ")).map_err(|_| {
        AdminError::InvalidClient("a scope may use only the characters RFC 6749 allows")
    })?;
    if [
        new.access_token_ttl_secs,
        new.id_token_ttl_secs,
        new.refresh_token_ttl_secs,
    ]
    .contains(&Some(0))
    {
        return Err(AdminError::InvalidClient(
            "token lifetimes must be at least one second",
        ));
    }
    let backchannel_logout_uri = new
        .backchannel_logout_uri
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|u| crate::oidc::backchannel::check_logout_uri(u).map(|()| u.to_owned()))
        .transpose()?;
    let subject_type = new
        .subject_type
        .as_deref()
        .map(str::parse::<crate::client::SubjectType>)
        .transpose()?
        .unwrap_or(crate::client::SubjectType::Public);
    let sector_identifier_uri = new
        .sector_identifier_uri
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(|u| crate::oidc::subject::check_sector_uri(u).map(|()| u.to_owned()))
        .transpose()?;
    if subject_type == crate::client::SubjectType::Pairwise && sector_identifier_uri.is_none() {
        // OIDC Core §8.1: without a sector document, the redirect URIs' one host is the sector.
        let hosts: std::collections::BTreeSet<Option<String>> = redirect_uris
            .iter()
            .map(|u| {
                url::Url::parse(u.as_str())
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            })
            .collect();
        if hosts.len() > 1 {
            return Err(crate::oidc::subject::SectorError::ManyHosts.into());
        }
    }
    let mut checked = CheckedClient {
        security_profile,
        backchannel_logout_uri,
        backchannel_logout_session_required: new.backchannel_logout_session_required,
        subject_type,
        sector_identifier_uri,
        name: name.to_owned(),
        auth_method: if new.public {
            ClientAuthMethod::None
        } else if new.jwks.is_some() {
            ClientAuthMethod::PrivateKeyJwt
        } else {
            ClientAuthMethod::ClientSecretBasic
        },
        redirect_uris,
        post_logout_redirect_uris: post_logout,
        grant_types,
        extra_scopes,
        first_party: new.first_party,
        require_pkce: !new.pkce_optional,
        id_token_alg,
        access_token_ttl_secs: new.access_token_ttl_secs,
        id_token_ttl_secs: new.id_token_ttl_secs,
        refresh_token_ttl_secs: new.refresh_token_ttl_secs,
        jwks: new.jwks.clone(),
        require_pushed_authorization_requests: new.require_pushed_authorization_requests,
        require_signed_request_object: new.require_signed_request_object,
        dpop_bound_access_tokens: new.dpop_bound_access_tokens,
    };
    if security_profile == SecurityProfile::Fapi2 {
        hold_to_fapi2(&mut checked)?;
    }
    Ok(checked)
}

/// FAPI 2.0 Security Profile §5.3: a client held to the profile is confidential with
/// `private_key_jwt`, uses PKCE, pushes its requests, gets DPoP-bound tokens, signs
/// nothing in RS256 and is redirected over https only. What it cannot go below is
/// refused; the two switches the profile implies are turned on.
fn hold_to_fapi2(c: &mut CheckedClient) -> Result<(), AdminError> {
    if c.auth_method != ClientAuthMethod::PrivateKeyJwt {
        return Err(AdminError::InvalidClient(
            "a FAPI 2.0 client is confidential and authenticates with private_key_jwt: register its public keys",
        ));
    }
    if !c.require_pkce {
        return Err(AdminError::InvalidClient(
            "a FAPI 2.0 client always uses PKCE",
        ));
    }
    if c.id_token_alg == SigningAlg::Rs256 {
        return Err(AdminError::InvalidClient(
            "FAPI 2.0 allows PS256, ES256 and EdDSA only: sign its ID tokens with ES256 or EdDSA",
        ));
    }
    if c.grant_types.contains(&GrantType::DeviceCode) {
        return Err(AdminError::InvalidClient(
            "a FAPI 2.0 client uses the authorization code grant, not the device grant",
        ));
    }
    let https_only = c.redirect_uris.iter().all(|u| {
        url::Url::parse(u.as_str()).is_ok_and(|url| {
            url.scheme() == "https" || (url.scheme() == "http" && crate::client::is_loopback(&url))
        })
    });
    if !https_only {
        return Err(AdminError::InvalidClient(
            "a FAPI 2.0 client's redirect URIs use https",
        ));
    }
    c.require_pushed_authorization_requests = true;
    c.dpop_bound_access_tokens = true;
    Ok(())
}

/// What the audit log keeps of a client's registration (never its secret).
pub(crate) fn client_summary(client: &Client) -> serde_json::Value {
    serde_json::json!({"client_id": client.id, "name": client.name,
        "redirect_uris": client.redirect_uris, "public": client.is_public(),
        "first_party": client.first_party, "grant_types": client.grant_types,
        "dpop_bound_access_tokens": client.dpop_bound_access_tokens,
        "backchannel_logout_uri": client.backchannel_logout_uri,
        "subject_type": client.subject_type, "sector_identifier_uri": client.sector_identifier_uri,
        "require_pushed_authorization_requests": client.require_pushed_authorization_requests,
        "require_signed_request_object": client.require_signed_request_object,
        "security_profile": client.security_profile})
}

/// Removes a client, with its grants, refresh tokens and consents (the database cascades),
/// for someone holding the clients permission over its organization. Servers stop
/// accepting it once their client cache lets it go (30 seconds at most).
pub async fn delete_client(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &ClientId,
) -> Result<Client, AdminError> {
    let client = stores
        .clients
        .find_by_id(id)
        .await?
        .ok_or_else(|| AdminError::UnknownClient(id.to_string()))?;
    let org = resolve_org(stores, client.org_id.as_str()).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::Clients,
        origin,
        "delete_client",
    )
    .await?;
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::ClientChange,
        EventKind::Delete,
        InfoType::SecuritySettings,
        stores,
    );
    event.detail = serde_json::json!({"before": client_summary(&client)});
    stores
        .audit
        .commit(&[Change::DeleteClient(client.id.clone())], &[event])
        .await?;
    Ok(client)
}

const BOOTSTRAP_KEY: &str = "bootstrap:";
/// How long the first-run link printed at start-up stays valid.
pub const BOOTSTRAP_TTL: Duration = Duration::from_secs(24 * 3600);

/// When nobody can administer `idp` yet, makes a one-time first-run token.
pub async fn start_bootstrap(stores: &Stores) -> Result<Option<String>, AdminError> {
    if stores.users.count_super_admins().await? > 0 {
        return Ok(None);
    }
    let t = token(stores.random.as_ref());
    let key = format!("{BOOTSTRAP_KEY}{}", TokenDigest::of(&t).to_hex());
    stores.ephemeral.put(&key, b"1", BOOTSTRAP_TTL).await?;
    Ok(Some(t))
}

/// Whether a first-run token is live, without using it (to show the form).
pub async fn bootstrap_token_is_live(stores: &Stores, t: &str) -> Result<bool, AdminError> {
    let key = format!("{BOOTSTRAP_KEY}{}", TokenDigest::of(t).to_hex());
    Ok(stores.ephemeral.get(&key).await?.is_some())
}

/// What the first person fills in on the first-run page.
#[derive(Debug)]
pub struct FirstAdmin {
    pub org_name: String,
    pub email: String,
    pub name: Option<String>,
    pub password: Password,
}

/// Uses a first-run token: creates the main organization and its super administrator.
pub async fn complete_bootstrap(
    stores: &Stores,
    master_key: &MasterKey,
    t: &str,
    admin: FirstAdmin,
) -> Result<User, AdminError> {
    let email = Email::parse(&admin.email)?;
    check_password_length(&admin.password)?;
    // Checked before the link is used up, so a refused password can be tried again.
    crate::password_policy::check(
        &EffectivePolicy::default(),
        &admin.password,
        &email,
        admin.name.as_deref(),
    )?;
    let org_probe = Organization::new(&admin.org_name, None, None, stores.clock.now())?;
    let key = format!("{BOOTSTRAP_KEY}{}", TokenDigest::of(t).to_hex());
    if stores.ephemeral.take(&key).await?.is_none() {
        return Err(AdminError::BootstrapLinkInvalid);
    }
    if stores.users.count_super_admins().await? > 0 {
        return Err(AdminError::AlreadyBootstrapped);
    }
    let org = match stores.orgs.find_by_slug(&org_probe.slug).await? {
        Some(existing) => existing,
        None => create_org(stores, &admin.org_name, None, None).await?,
    };
    create_member(
        stores,
        master_key,
        NewMember {
            org: org.id.to_string(),
            email: admin.email,
            name: admin.name,
            password: Some(admin.password),
            totp_secret: None,
            super_admin: true,
            email_verified: false,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_in_the_administrators_language_and_english_is_unchanged() {
        use crate::i18n::Language;
        let en = Tr::default();
        let email = Email::parse("kim@example.com").unwrap();
        for e in [
            AdminError::UnknownOrganization("nope".into()),
            AdminError::UnknownMember("kim@example.com".into()),
            AdminError::UnknownMemberId("u1".into()),
            AdminError::UnknownClient("c1".into()),
            AdminError::DuplicateSlug("acme".into()),
            AdminError::DuplicateEmail { email },
            AdminError::Authz(AuthzError::Forbidden(Permission::AllowedIps)),
            AdminError::WouldLockYouOut("192.0.2.7".into()),
            AdminError::KeysSuperAdminOnly,
            AdminError::PasswordLength { min: 8, max: 1024 },
            AdminError::EmailLoginOff("Acme".into()),
            AdminError::MoveTargetMissing,
            AdminError::TooMany { limit: 500 },
            AdminError::BootstrapLinkInvalid,
            AdminError::AlreadyBootstrapped,
            AdminError::CannotDeleteRoot,
            AdminError::TotpImportCliOnly,
            AdminError::MemberName(200),
            AdminError::SuperAdminOnly,
            AdminError::CannotDeleteYourself,
            AdminError::LastSuperAdmin,
            AdminError::UnknownRegistrationToken("t1".into()),
            AdminError::OrgMove("an organization cannot move under itself"),
        ] {
            assert_eq!(e.message(&en), sentence(&e.to_string()), "{e:?}");
            for language in [Language::De, Language::Ko] {
                assert!(!e.message(&Tr::new(language)).is_empty(), "{e:?}");
            }
        }
        let de = Tr::new(Language::De);
        assert_eq!(
            AdminError::DuplicateSlug("acme".into()).message(&de),
            "Eine Organisation mit dem Kürzel „acme“ gibt es bereits."
        );
        assert_eq!(
            AdminError::Authz(AuthzError::Forbidden(Permission::AllowedIps)).message(&de),
            "Sie haben für diese Organisation keine Berechtigung für den Bereich „Erlaubte IPs“."
        );
        assert_eq!(
            AdminError::LastSuperAdmin.message(&Tr::new(Language::Ko)),
            "마지막 최고 관리자입니다. 먼저 다른 최고 관리자를 지정하세요."
        );
        // A stale form names the moment in the reader's words, not RFC 3339.
        let stale = AdminError::Stale {
            by: Some("Kim".into()),
            at: crate::clock::Timestamp::from_micros(0),
        };
        let said = stale.message(&de);
        assert!(
            said.starts_with("Kim hat dies am ") && !said.contains("T00:"),
            "{said}"
        );
    }

    #[test]
    fn errors_read_as_sentences_and_addresses_keep_their_spelling() {
        assert_eq!(
            sentence("no member with id \"x\""),
            "No member with id \"x\"."
        );
        assert_eq!(sentence("Done."), "Done.");
        assert_eq!(
            sentence("kim@example.com is already a member"),
            "kim@example.com is already a member."
        );
        assert_eq!(sentence(""), "");
    }
}
