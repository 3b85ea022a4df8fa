//! Signing in with email and password, browser sessions, and consent: the use cases
//! behind the sign-in and consent pages.

use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
use crate::client::Client;
use crate::clock::Timestamp;
use crate::crypto::TokenDigest;
use crate::email::Email;
use crate::ids::{ClientId, OrgId, SessionId, UserId};
use crate::org::Organization;
use crate::ports::{PasswordError, StoreError, Stores};
use crate::random::token;
use crate::records::{BrowserSession, Consent, LoginMethodKind, SignInRecord, User, UserStatus};
use crate::secret::Password;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// One answer for an unknown address, a wrong password and a disabled account.
    #[error("the email address or password is not right")]
    InvalidCredentials,
    #[error(transparent)]
    Busy(#[from] PasswordError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a request came from, for the member's session list and the audit log.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

fn sign_in_event(
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
) -> Result<User, SignInError> {
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
    let mut matched: Option<User> = None;
    let mut checked_any = false;
    let first_candidate = candidates.first().cloned();
    for user in candidates {
        let Some(creds) = stores.credentials.find_by_user(&user.id).await? else {
            continue;
        };
        let Some(phc) = creds.password_hash.filter(|_| creds.email_login_enabled) else {
            continue;
        };
        checked_any = true;
        if stores.passwords.verify(password.clone(), phc).await? {
            matched = Some(user);
            break;
        }
    }
    if !checked_any {
        // The same work as a real check, so timing does not tell whether the account exists.
        stores.passwords.burn(password).await?;
    }
    let now = stores.clock.now();
    let Some(user) = matched else {
        // An address that matched nobody has no organization to file the event under.
        if let Some(user) = &first_candidate {
            let event = sign_in_event(
                &user.org_id,
                Some(&user.id),
                now,
                origin,
                serde_json::json!({"method": "password", "result": "failure", "reason": "invalid_credentials"}),
            );
            stores.audit.append(&event).await?;
        }
        return Err(SignInError::InvalidCredentials);
    };
    if user.status == UserStatus::Disabled {
        let event = sign_in_event(
            &user.org_id,
            Some(&user.id),
            now,
            origin,
            serde_json::json!({"method": "password", "result": "failure", "reason": "disabled"}),
        );
        stores.audit.append(&event).await?;
        return Err(SignInError::InvalidCredentials);
    }
    Ok(user)
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
    stores
        .login_methods
        .record_sign_in(&SignInRecord {
            user_id: user.id.clone(),
            kind: LoginMethodKind::Native,
            upstream_subject: String::new(),
            upstream_tenant: None,
            at: now,
            ip: origin.ip.clone(),
            user_agent: origin.user_agent.clone(),
        })
        .await?;
    let event = sign_in_event(
        &user.org_id,
        Some(&user.id),
        now,
        origin,
        serde_json::json!({"method": methods.join("+"), "result": "success"}),
    );
    stores.audit.append(&event).await?;
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
    let session = BrowserSession {
        id: session_id_for(&cookie),
        user_id: user.id.clone(),
        auth_time: now,
        amr,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        created_at: now,
        last_seen_at: now,
        expires_at: now.plus(lifetimes.absolute),
        ended_at: None,
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
    if session.last_seen_at.plus(lifetimes.idle) <= now {
        stores.sessions.end(&session.id, now).await?;
        return Ok(None);
    }
    if session.last_seen_at.plus(TOUCH_EVERY) <= now {
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
    stores.consents.upsert(&consent).await?;
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
    stores.audit.append(&event).await?;
    Ok(consent)
}
