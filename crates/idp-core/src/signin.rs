//! Signing in with email and password, browser sessions, and consent: the use cases
//! behind the sign-in and consent pages.

use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
use crate::client::Client;
use crate::clock::Timestamp;
use crate::crypto::TokenDigest;
use crate::email::Email;
use crate::ids::{ClientId, OrgId, SessionId, UserId};
use crate::org::Organization;
use crate::policy::{EffectivePolicy, allow_list, ip_allowed, parse_ip, policy_of_org};
use crate::ports::{Admission, Change, FailureRecord, PasswordError, StoreError, Stores};
use crate::random::token;
use crate::records::{
    BrowserSession, Consent, Credentials, LoginMethodKind, SignInRecord, User, UserStatus,
};
use crate::secret::Password;
use std::time::Duration;

/// A password that checked out, and whether it must be replaced before any token.
#[derive(Clone, Debug)]
pub struct PasswordSignIn {
    pub user: User,
    /// A temporary password, or one older than the organization allows.
    pub must_change_password: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("Your account is on leave of absence: signing in is paused until you are back.")]
    OnLeave,
    #[error(
        "Your organization does not allow signing in from this network ({ip}). Connect from an allowed network, or ask your administrator."
    )]
    IpNotAllowed { ip: String },
    /// One answer for an unknown address, a wrong password, a lock and a disabled
    /// account; what it was is for operators (metrics), never for the person.
    #[error("the email address or password is not right")]
    InvalidCredentials(CredentialsRefused),
    /// The right password for a locked account: only someone who knows the password
    /// learns that the account exists and is locked, and how to unlock it.
    #[error(
        "This account is locked after too many wrong passwords. Choose a new password to unlock it."
    )]
    Locked,
    #[error(transparent)]
    Busy(#[from] PasswordError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why [`SignInError::InvalidCredentials`] refused a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialsRefused {
    /// No account with that address signs in with a password here.
    NoSuchAccount,
    WrongPassword,
    /// The account was locked already.
    Locked,
    /// This attempt locked the account.
    LockedNow,
    Disabled,
}

impl CredentialsRefused {
    pub const ALL: [Self; 5] = [
        Self::NoSuchAccount,
        Self::WrongPassword,
        Self::Locked,
        Self::LockedNow,
        Self::Disabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoSuchAccount => "no_such_account",
            Self::WrongPassword => "wrong_password",
            Self::Locked => "locked",
            Self::LockedNow => "locked_now",
            Self::Disabled => "disabled",
        }
    }
}

/// Where a request came from, for the member's session list and the audit log.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

pub(crate) fn sign_in_event(
    org: &OrgId,
    user: Option<&UserId>,
    now: Timestamp,
    origin: &Origin,
    detail: serde_json::Value,
) -> NewAuditEvent {
    NewAuditEvent {
        org_id: org.clone(),
        occurred_at: now,
        actor_kind: ActorKind::Member,
        actor_id: user.map(ToString::to_string),
        target_user_id: user.cloned(),
        activity: ActivityType::SignIn,
        event: EventKind::SignIn,
        info_type: InfoType::AuthenticationToken,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        device_id: None,
        detail,
    }
}

/// Failed passwords the audit log records one by one; past these, one in
/// [`FAILURE_SAMPLE`] is recorded, carrying the running count, so that guessing
/// against an account that never locks cannot flood the log.
pub const FAILURES_RECORDED_IN_FULL: i32 = 20;
pub const FAILURE_SAMPLE: i32 = 20;

/// Whether the audit log records the failed password that brought the count to `count`.
/// A lock is always recorded.
pub fn failure_recorded(count: i32) -> bool {
    count <= FAILURES_RECORDED_IN_FULL || count % FAILURE_SAMPLE == 0
}

/// How long refusals of a locked account are summarized by the first of them.
pub const LOCKED_REFUSAL_WINDOW: Duration = Duration::from_secs(3600);

/// The events of a password check that failed (`checked`), or was refused before any
/// check, from the failure count and whether it locked the account.
fn failure_record(user: &User, now: Timestamp, origin: &Origin, checked: bool) -> FailureRecord {
    let (org, id, origin) = (user.org_id.clone(), user.id.clone(), origin.clone());
    Box::new(move |failures: i32, locked_now: bool| {
        let mut events = Vec::new();
        let reason = if checked {
            "invalid_credentials"
        } else {
            "locked"
        };
        if locked_now || failure_recorded(failures) {
            events.push(sign_in_event(
                &org,
                Some(&id),
                now,
                &origin,
                serde_json::json!({"method": "password", "result": "failure", "reason": reason,
                                   "failures": failures}),
            ));
        }
        if locked_now {
            let mut lock = sign_in_event(
                &org,
                Some(&id),
                now,
                &origin,
                serde_json::json!({"lock": "password", "after_failures": failures}),
            );
            lock.activity = ActivityType::AccountLock;
            lock.event = EventKind::Edit;
            events.push(lock);
        }
        events
    })
}

/// Records a sign-in refused because the account is locked: the first per member and
/// [`LOCKED_REFUSAL_WINDOW`], so a flood against a locked account cannot flood the audit
/// log; the lock itself was recorded when it was set.
pub(crate) async fn record_locked_refusal(
    stores: &Stores,
    event: &NewAuditEvent,
) -> Result<(), StoreError> {
    let member = event.target_user_id.as_ref().map(ToString::to_string);
    let key = format!("audit-locked-refusal:{}", member.as_deref().unwrap_or(""));
    let first = stores
        .ephemeral
        .put_new(&key, b"1", LOCKED_REFUSAL_WINDOW)
        .await
        .unwrap_or(true);
    if first {
        stores.audit.append(event).await?;
    }
    Ok(())
}

/// The organization tree a client's members sign in within: the tree of its main
/// organization. The same address may belong to members of several trees.
pub async fn sign_in_tree(
    stores: &Stores,
    client: &Client,
) -> Result<Option<Organization>, StoreError> {
    let Some(org) = stores.orgs.find_by_id(&client.org_id).await? else {
        return Ok(None);
    };
    if org.is_root() {
        return Ok(Some(org));
    }
    stores.orgs.find_by_id(&org.root_id()).await
}

/// Checks an email and password, for the application `client` when a sign-in serves one.
/// A failure is recorded here; success is recorded by [`record_native_sign_in`] once any
/// second factor is proven too.
pub async fn sign_in_with_password(
    stores: &Stores,
    email: &str,
    password: Password,
    client: Option<&Client>,
    origin: &Origin,
) -> Result<PasswordSignIn, SignInError> {
    let within = match client {
        Some(c) => sign_in_tree(stores, c).await?,
        None => None,
    };
    let within = within.as_ref();
    let candidates = match Email::parse(email) {
        Ok(email) => stores.users.find_all_by_email(&email).await?,
        Err(_) => Vec::new(),
    };
    let candidates: Vec<User> = match within {
        Some(tree) => {
            let orgs = stores.orgs.find_subtree(&tree.path).await?;
            candidates
                .into_iter()
                .filter(|u| orgs.iter().any(|o| o.id == u.org_id))
                .collect()
        }
        None => candidates,
    };
    let mut matched: Option<(User, Credentials, EffectivePolicy)> = None;
    let mut checked: Vec<(User, EffectivePolicy)> = Vec::new();
    // Refused because locked, and whether that refusal was recorded as it locked.
    let mut locked: Vec<(User, bool)> = Vec::new();
    // A locked account whose password was right.
    let mut locked_right: Option<User> = None;
    let first_candidate = candidates.first().cloned();
    for user in candidates {
        let Some(creds) = stores.credentials.find_by_user(&user.id).await? else {
            continue;
        };
        let Some(phc) = creds
            .password_hash
            .clone()
            .filter(|_| creds.email_login_enabled)
        else {
            continue;
        };
        let policy = policy_of_org(stores, &user.org_id).await?;
        if !policy.email_password_login {
            continue;
        }
        // The lock is decided before the hash, in the step that counts this check, so
        // no check that starts after the lock can succeed. A locked account is still
        // hashed, when the queue has room, to tell its owner why it is refused.
        let now = stores.clock.now();
        let admission = stores
            .credentials
            .admit_password_attempt(
                &user.id,
                policy.lockout_after_failures,
                now,
                failure_record(&user, now, origin, false),
            )
            .await?;
        match admission {
            Admission::Admitted => {}
            Admission::LockedNow => {
                locked.push((user, true));
                continue;
            }
            Admission::Locked => {
                // Only when the hashing queue has room: a flood against a locked account
                // is refused as any wrong password would be, never answered busy.
                if matches!(
                    stores.passwords.verify(password.clone(), phc).await,
                    Ok(true)
                ) {
                    locked_right = Some(user);
                    break;
                }
                locked.push((user, false));
                continue;
            }
        }
        let verified = match stores.passwords.verify(password.clone(), phc).await {
            Ok(verified) => verified,
            Err(busy) => {
                // Not checked after all: the admission counts nothing.
                stores
                    .credentials
                    .release_password_attempt(&user.id)
                    .await?;
                return Err(busy.into());
            }
        };
        if verified {
            matched = Some((user, creds, policy));
            break;
        }
        checked.push((user, policy));
    }
    if matched.is_none() && checked.is_empty() && locked.is_empty() {
        // The same work as a real check, so timing does not tell whether the account exists.
        stores.passwords.burn(password).await?;
    }
    let now = stores.clock.now();
    let fail = |user: &User, reason: &str| {
        sign_in_event(
            &user.org_id,
            Some(&user.id),
            now,
            origin,
            serde_json::json!({"method": "password", "result": "failure", "reason": reason}),
        )
    };
    if let Some(user) = locked_right {
        record_locked_refusal(stores, &fail(&user, "locked")).await?;
        return Err(SignInError::Locked);
    }
    let Some((user, mut creds, policy)) = matched else {
        let mut locked_now = locked.iter().any(|(_, now)| *now);
        for (user, policy) in &checked {
            // The failure, and the lock it may cause, recorded in one transaction.
            let (_, locked) = stores
                .credentials
                .record_failed_sign_in(
                    &user.id,
                    policy.lockout_after_failures,
                    now,
                    failure_record(user, now, origin, true),
                )
                .await?;
            locked_now |= locked;
        }
        for (user, _) in locked.iter().filter(|(_, recorded)| !recorded) {
            record_locked_refusal(stores, &fail(user, "locked")).await?;
        }
        // An address that matched nobody has no organization to file the event under.
        if checked.is_empty()
            && locked.is_empty()
            && let Some(user) = &first_candidate
        {
            stores
                .audit
                .append(&fail(user, "invalid_credentials"))
                .await?;
        }
        let why = if locked_now {
            CredentialsRefused::LockedNow
        } else if !checked.is_empty() {
            CredentialsRefused::WrongPassword
        } else if !locked.is_empty() {
            CredentialsRefused::Locked
        } else {
            CredentialsRefused::NoSuchAccount
        };
        return Err(SignInError::InvalidCredentials(why));
    };
    if user.status == UserStatus::Disabled {
        stores.audit.append(&fail(&user, "disabled")).await?;
        return Err(SignInError::InvalidCredentials(
            CredentialsRefused::Disabled,
        ));
    }
    // A good password starts the count again only while the account is unlocked: a lock
    // set while it was being checked stands.
    if !stores.credentials.clear_failed_sign_ins(&user.id).await? {
        record_locked_refusal(stores, &fail(&user, "locked")).await?;
        return Err(SignInError::Locked);
    }
    if let Some(refused) = refusal(stores, &user, &policy, client, origin).await? {
        stores.audit.append(&fail(&user, refused.reason())).await?;
        return Err(refused);
    }
    let expired = policy.password_expired(creds.password_changed_at, now);
    if creds.password_must_change {
        // A temporary password works once: from here only a new one signs in.
        creds.password_hash = None;
        creds.updated_at = now;
        stores.credentials.update(&creds).await?;
    }
    Ok(PasswordSignIn {
        must_change_password: creds.password_must_change || expired,
        user,
    })
}

/// Why a member who proved who they are may still not sign in: on leave, or outside
/// the organization's allowed networks. The same rules hold for every sign-in method.
pub async fn refusal(
    stores: &Stores,
    user: &User,
    policy: &EffectivePolicy,
    client: Option<&Client>,
    origin: &Origin,
) -> Result<Option<SignInError>, StoreError> {
    if user.status == UserStatus::OnLeave && !policy.leave_of_absence_sign_in {
        return Ok(Some(SignInError::OnLeave));
    }
    if let Some(org) = stores.orgs.find_by_id(&user.org_id).await? {
        let list = allow_list(stores, &org).await?;
        let ip = parse_ip(origin.ip.as_deref());
        if !ip_allowed(
            &list,
            policy,
            user.super_admin,
            client.map(|c| c.id.as_str()),
            ip,
        ) {
            return Ok(Some(SignInError::IpNotAllowed {
                ip: origin.ip.clone().unwrap_or_else(|| "unknown".into()),
            }));
        }
    }
    Ok(None)
}

impl SignInError {
    /// The failure reason the audit log records.
    /// What the person reads, in their language.
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            Self::OnLeave => tr.t("login-on-leave"),
            Self::IpNotAllowed { ip } => tr.t1("login-ip-refused", "ip", ip),
            Self::InvalidCredentials(_) => tr.t("login-wrong"),
            Self::Locked => tr.t("login-locked"),
            Self::Busy(_) => tr.t("too-many-sign-ins"),
            Self::Store(e) => e.to_string(),
        }
    }

    pub fn reason(&self) -> &'static str {
        match self {
            Self::OnLeave => "on_leave",
            Self::IpNotAllowed { .. } => "ip_not_allowed",
            Self::InvalidCredentials(_) => "invalid_credentials",
            Self::Locked => "locked",
            Self::Busy(_) => "busy",
            Self::Store(_) => "store",
        }
    }
}

/// Records a completed native sign-in on the member's method and in the audit log, once
/// every factor it needed is proven. `methods` names them, e.g. `["password", "totp"]`.
pub async fn record_native_sign_in(
    stores: &Stores,
    user: &User,
    methods: &[&str],
    origin: &Origin,
) -> Result<(), StoreError> {
    let now = stores.clock.now();
    let record = SignInRecord {
        user_id: user.id.clone(),
        kind: LoginMethodKind::Native,
        upstream_subject: String::new(),
        upstream_tenant: None,
        at: now,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
    };
    let event = sign_in_event(
        &user.org_id,
        Some(&user.id),
        now,
        origin,
        serde_json::json!({"method": methods.join("+"), "result": "success"}),
    );
    stores
        .audit
        .commit(&[Change::RecordSignIn(record)], &[event])
        .await?;
    Ok(())
}

/// How long sessions live.
#[derive(Clone, Copy, Debug)]
pub struct SessionLifetimes {
    /// Ends a session nobody used for this long.
    pub idle: Duration,
    /// Ends every session this long after sign-in.
    pub absolute: Duration,
}

/// The session id stored for a cookie value: its digest, so a database leak yields no cookies.
pub fn session_id_for(cookie: &str) -> SessionId {
    SessionId::from_string(TokenDigest::of(cookie).to_hex())
}

/// Starts a browser session after a sign-in; returns the cookie value and the session.
/// Any session the browser had before is ended (its id is never reused).
pub async fn start_session(
    stores: &Stores,
    user: &User,
    amr: Vec<String>,
    origin: &Origin,
    previous_cookie: Option<&str>,
    lifetimes: SessionLifetimes,
) -> Result<(String, BrowserSession), StoreError> {
    let now = stores.clock.now();
    if let Some(old) = previous_cookie {
        stores.sessions.end(&session_id_for(old), now).await?;
    }
    let cookie = token(stores.random.as_ref());
    // The member's organization may end sessions sooner than the server does.
    let policy = policy_of_org(stores, &user.org_id).await?;
    let absolute = policy
        .session_lifetime
        .map_or(lifetimes.absolute, |d| d.min(lifetimes.absolute));
    let idle = policy.idle_timeout.map(|d| d.min(lifetimes.idle));
    let session = BrowserSession {
        id: session_id_for(&cookie),
        user_id: user.id.clone(),
        auth_time: now,
        amr,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        created_at: now,
        last_seen_at: now,
        expires_at: now.plus(absolute),
        ended_at: None,
        idle_timeout: idle,
    };
    stores.sessions.insert(&session).await?;
    Ok((cookie, session))
}

/// How often at most a session's last activity is written.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// The live session behind a cookie. A session idle too long is ended here, server-side.
pub async fn resolve_session(
    stores: &Stores,
    cookie: &str,
    lifetimes: SessionLifetimes,
) -> Result<Option<BrowserSession>, StoreError> {
    let now = stores.clock.now();
    let Some(mut session) = stores.sessions.find_by_id(&session_id_for(cookie)).await? else {
        return Ok(None);
    };
    if !session.is_live(now) {
        return Ok(None);
    }
    let idle = session.idle_timeout.unwrap_or(lifetimes.idle);
    if session.last_seen_at.plus(idle) <= now {
        stores.sessions.end(&session.id, now).await?;
        return Ok(None);
    }
    // Often enough that a short idle timeout never ends a session in use.
    if session.last_seen_at.plus(TOUCH_EVERY.min(idle / 4)) <= now {
        stores.sessions.touch(&session.id, now).await?;
        session.last_seen_at = now;
    }
    Ok(Some(session))
}

/// Records consent to `scopes`, keeping what was consented to before.
pub async fn record_consent(
    stores: &Stores,
    user: &User,
    client: &ClientId,
    scopes: &[String],
    origin: &Origin,
) -> Result<Consent, StoreError> {
    let now = stores.clock.now();
    let mut all = stores
        .consents
        .find(&user.id, client)
        .await?
        .map(|c| c.scopes)
        .unwrap_or_default();
    for s in scopes {
        if !all.contains(s) {
            all.push(s.clone());
        }
    }
    let consent = Consent {
        user_id: user.id.clone(),
        client_id: client.clone(),
        scopes: all,
        granted_at: now,
    };
    let mut event = sign_in_event(
        &user.org_id,
        Some(&user.id),
        now,
        origin,
        serde_json::json!({"client_id": client, "scopes": consent.scopes}),
    );
    event.activity = ActivityType::Consent;
    event.event = EventKind::Create;
    event.info_type = InfoType::Permission;
    stores
        .audit
        .commit(&[Change::UpsertConsent(consent.clone())], &[event])
        .await?;
    Ok(consent)
}

/// A member withdraws their consent to a client: the next sign-in there asks again.
/// Returns whether there was a consent to withdraw.
pub async fn revoke_consent(
    stores: &Stores,
    user: &User,
    client: &ClientId,
    origin: &Origin,
) -> Result<bool, StoreError> {
    let Some(consent) = stores.consents.find(&user.id, client).await? else {
        return Ok(false);
    };
    let mut event = sign_in_event(
        &user.org_id,
        Some(&user.id),
        stores.clock.now(),
        origin,
        serde_json::json!({"client_id": client, "before": {"scopes": consent.scopes},
                           "after": null}),
    );
    event.activity = ActivityType::Consent;
    event.event = EventKind::Delete;
    event.info_type = InfoType::Permission;
    let change = Change::DeleteConsent {
        user: user.id.clone(),
        client: client.clone(),
    };
    let touched = stores.audit.commit(&[change], &[event]).await?;
    Ok(touched.first().is_some_and(|n| *n > 0))
}
