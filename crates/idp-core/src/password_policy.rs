//! Choosing and changing passwords under an organization's rules: length, character
//! classes, nothing from the member's address or name, none of the most common
//! passwords, no reuse of recent ones; password reset links and temporary passwords.

use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
use crate::crypto::TokenDigest;
use crate::email::Email;
use crate::ids::{SessionId, UserId};
use crate::org::Organization;
use crate::policy::{self, EffectivePolicy};
use crate::ports::{
    Change, EphemeralError, MailError, OutgoingMail, PasswordError, StoreError, Stores,
};
use crate::random::{Random, token};
use crate::records::User;
use crate::secret::Password;
use crate::signin::Origin;
use std::time::Duration;

/// The most common passwords in published breaches, shipped with `idp`.
const COMMON: &str = include_str!("../data/common-passwords.txt");

/// Passphrases fit; hashing stays bounded.
pub const MAX_LENGTH: usize = 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordRuleError {
    #[error("Use at least {0} characters.")]
    TooShort(usize),
    #[error("Use at most {MAX_LENGTH} characters.")]
    TooLong,
    #[error(
        "Mix at least {0} of: lower-case letters, upper-case letters, digits, other characters."
    )]
    TooFewClasses(usize),
    #[error("Do not use your email address or your name in your password.")]
    Personal,
    #[error("That password is among the most common ones; choose another.")]
    Common,
    #[error("Choose a password you have not used recently.")]
    Reused,
    #[error("The two passwords do not match.")]
    Mismatch,
}

fn classes(p: &str) -> usize {
    let mut seen = [false; 4];
    for c in p.chars() {
        let i = if c.is_lowercase() {
            0
        } else if c.is_uppercase() {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            3
        };
        if let Some(s) = seen.get_mut(i) {
            *s = true;
        }
    }
    seen.iter().filter(|s| **s).count()
}

/// Whether a password is a common one, or a common one with digits or symbols added.
pub fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    COMMON
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|common| common == lower || (!stem.is_empty() && common == stem))
}

/// The parts of a member's address and name a password must not contain.
fn personal_words(email: &Email, name: Option<&str>) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let local = email.as_str().split('@').next().unwrap_or_default();
    words.push(local.to_lowercase());
    words.extend(local.split(['.', '_', '-', '+']).map(str::to_lowercase));
    if let Some(name) = name {
        words.extend(name.split_whitespace().map(str::to_lowercase));
    }
    words.retain(|w| w.chars().count() >= 3);
    words
}

/// Checks a new password against the rules, before any hashing.
pub fn check(
    policy: &EffectivePolicy,
    password: &Password,
    email: &Email,
    name: Option<&str>,
) -> Result<(), PasswordRuleError> {
    let p = password.expose();
    let n = p.chars().count();
    let min = policy.password_min_length.max(crate::admin::PASSWORD_MIN);
    if n < min {
        return Err(PasswordRuleError::TooShort(min));
    }
    if n > MAX_LENGTH {
        return Err(PasswordRuleError::TooLong);
    }
    if classes(p) < policy.password_character_classes {
        return Err(PasswordRuleError::TooFewClasses(
            policy.password_character_classes,
        ));
    }
    let lower = p.to_lowercase();
    if personal_words(email, name)
        .iter()
        .any(|w| lower.contains(w.as_str()))
    {
        return Err(PasswordRuleError::Personal);
    }
    if is_common(p) {
        return Err(PasswordRuleError::Common);
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Rule(#[from] PasswordRuleError),
    #[error("The link is unknown, used or expired. Ask for a new one.")]
    LinkInvalid,
    #[error("Email sign-in is not enabled for this account.")]
    EmailLoginDisabled,
    #[error("Too many links were asked for. Wait a while before asking again.")]
    TooManyRequests,
    #[error("No super administrator has that address.")]
    NoSuperAdministrator,
    #[error("This account is disabled. Another super administrator can enable it again.")]
    Disabled,
    #[error("The current password is not right.")]
    WrongCurrentPassword,
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
    #[error(transparent)]
    Mail(#[from] MailError),
}

/// Whether `new` may become the member's password: typed twice alike, within the
/// rules, and none of the recent ones.
async fn vet(
    stores: &Stores,
    user: &User,
    new: &Password,
    confirm: &str,
) -> Result<(), ChangeError> {
    if new.expose() != confirm {
        return Err(PasswordRuleError::Mismatch.into());
    }
    let policy = policy::policy_of_org(stores, &user.org_id).await?;
    check(&policy, new, &user.email, user.name.as_deref())?;
    if policy.password_history == 0 {
        return Ok(());
    }
    let mut earlier = Vec::new();
    if let Some(current) = stores
        .credentials
        .find_by_user(&user.id)
        .await?
        .and_then(|c| c.password_hash)
    {
        earlier.push(current);
    }
    let limit = u32::try_from(policy.password_history).unwrap_or(u32::MAX);
    earlier.extend(stores.credentials.password_history(&user.id, limit).await?);
    earlier.truncate(policy.password_history);
    for phc in earlier {
        if stores.passwords.verify(new.clone(), phc).await? {
            return Err(PasswordRuleError::Reused.into());
        }
    }
    Ok(())
}

async fn store(stores: &Stores, user: &User, new: Password) -> Result<(), ChangeError> {
    let phc = stores.passwords.hash(new).await?;
    stores
        .credentials
        .set_password(&user.id, &phc, false, stores.clock.now())
        .await?;
    Ok(())
}

/// Sets a member's new password once the rules and the history allow it.
pub async fn change_password(
    stores: &Stores,
    user: &User,
    new: Password,
    confirm: &str,
) -> Result<(), ChangeError> {
    vet(stores, user, &new, confirm).await?;
    store(stores, user, new).await
}

/// Tries at the current password a member may make per [`OWN_CHANGE_WINDOW`] on the
/// security page: a stolen session must not become a way to guess the password.
const OWN_CHANGE_TRIES: u64 = 5;
const OWN_CHANGE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Whether the member has a password already: a link for one who has none sets their
/// first.
pub async fn has_password(stores: &Stores, user: &UserId) -> Result<bool, StoreError> {
    Ok(stores
        .credentials
        .find_by_user(user)
        .await?
        .is_some_and(|c| c.password_hash.is_some()))
}

/// A signed-in member replaces their password, proving the current one first. The new
/// one must pass the rules and the history; the member's other sessions end (`keep` is
/// the one they are using), and the change is recorded.
pub async fn change_own_password(
    stores: &Stores,
    user: &User,
    current: Password,
    new: Password,
    confirm: &str,
    keep: Option<&SessionId>,
    origin: &Origin,
) -> Result<(), ChangeError> {
    if !email_login_allowed(stores, user).await? {
        return Err(ChangeError::EmailLoginDisabled);
    }
    let Some(phc) = stores
        .credentials
        .find_by_user(&user.id)
        .await?
        .and_then(|c| c.password_hash)
    else {
        return Err(ChangeError::EmailLoginDisabled);
    };
    let tries = stores
        .ephemeral
        .incr(
            &format!("own-password-change:{}", user.id),
            OWN_CHANGE_WINDOW,
        )
        .await?;
    if tries > OWN_CHANGE_TRIES {
        return Err(ChangeError::TooManyRequests);
    }
    if !stores.passwords.verify(current, phc).await? {
        return Err(ChangeError::WrongCurrentPassword);
    }
    vet(stores, user, &new, confirm).await?;
    let phc = stores.passwords.hash(new).await?;
    let now = stores.clock.now();
    let change = Change::SetPassword {
        user: user.id.clone(),
        phc,
        must_change: false,
        now,
    };
    let recorded = event(
        user,
        ActivityType::PasswordReset,
        EventKind::Edit,
        (ActorKind::Member, Some(user.id.to_string())),
        origin,
        stores,
        serde_json::json!({"step": "changed", "by": "member"}),
    );
    stores.audit.commit(&[change], &[recorded]).await?;
    stores
        .sessions
        .end_all_for_user(&user.id, keep, now)
        .await?;
    Ok(())
}

/// The event of a password lock lifted `via` a new password.
fn password_unlocked(
    user: &User,
    actor: (ActorKind, Option<String>),
    origin: &Origin,
    stores: &Stores,
    via: &str,
) -> NewAuditEvent {
    event(
        user,
        ActivityType::AccountLock,
        EventKind::Edit,
        actor,
        origin,
        stores,
        serde_json::json!({"lock": "password", "before": "locked", "after": "unlocked", "by": via}),
    )
}

fn event(
    user: &User,
    activity: ActivityType,
    kind: EventKind,
    actor: (ActorKind, Option<String>),
    origin: &Origin,
    stores: &Stores,
    detail: serde_json::Value,
) -> NewAuditEvent {
    NewAuditEvent {
        org_id: user.org_id.clone(),
        occurred_at: stores.clock.now(),
        actor_kind: actor.0,
        actor_id: actor.1,
        target_user_id: Some(user.id.clone()),
        activity,
        event: kind,
        info_type: InfoType::SecuritySettings,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        device_id: None,
        detail,
    }
}

/// Links a member may ask for per hour.
const RESET_LINKS_PER_HOUR: u64 = 5;

/// Whether email-and-password sign-in is open to this member at all.
pub async fn email_login_allowed(stores: &Stores, user: &User) -> Result<bool, StoreError> {
    let enabled = stores
        .credentials
        .find_by_user(&user.id)
        .await?
        .is_some_and(|c| c.email_login_enabled);
    Ok(enabled
        && policy::policy_of_org(stores, &user.org_id)
            .await?
            .email_password_login)
}

/// Why a member gets a link to set a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// They asked, or an administrator sent it again.
    Reset,
    /// Email sign-in was turned on for them: create a first password.
    Welcome,
}

/// Emails `user` a single-use link to set a new password, valid for `ttl`.
pub async fn send_link(
    stores: &Stores,
    user: &User,
    kind: LinkKind,
    base_url: &str,
    ttl: Duration,
    by: (ActorKind, Option<String>),
    origin: &Origin,
) -> Result<(), ChangeError> {
    if !email_login_allowed(stores, user).await? {
        return Err(ChangeError::EmailLoginDisabled);
    }
    let asked = stores
        .ephemeral
        .incr(
            &format!("password-reset-sent:{}", user.id),
            Duration::from_secs(3600),
        )
        .await?;
    if asked > RESET_LINKS_PER_HOUR {
        return Err(ChangeError::TooManyRequests);
    }
    let t = token(stores.random.as_ref());
    let now = stores.clock.now();
    let purpose = match kind {
        LinkKind::Reset => "password_reset",
        LinkKind::Welcome => "welcome",
    };
    stores
        .credentials
        .insert_link(&TokenDigest::of(&t), &user.id, purpose, now, now.plus(ttl))
        .await?;
    let link = format!("{base_url}/reset-password?token={t}");
    let tr = crate::i18n::member_tr(stores, user).await?;
    let email = user.email.as_str();
    let (subject, text) = match kind {
        LinkKind::Reset => (
            tr.t("email-reset-subject"),
            format!(
                "{}\n\n{}\n{link}\n\n{}\n",
                tr.t1("email-reset-intro", "email", email),
                tr.t1("email-reset-open", "duration", tr.duration(ttl)),
                tr.t("email-reset-ignore"),
            ),
        ),
        LinkKind::Welcome => (
            tr.t("email-welcome-subject"),
            format!(
                "{}\n\n{}\n{link}\n",
                tr.t1("email-welcome-intro", "email", email),
                tr.t1("email-welcome-open", "duration", tr.duration(ttl)),
            ),
        ),
    };
    stores
        .mailer
        .send(&OutgoingMail {
            to: user.email.clone(),
            subject,
            text: crate::branding::signed(&tr, text),
        })
        .await?;
    stores
        .audit
        .append(&event(
            user,
            ActivityType::PasswordReset,
            EventKind::Create,
            by,
            origin,
            stores,
            serde_json::json!({"step": "link_sent", "kind": format!("{kind:?}").to_lowercase()}),
        ))
        .await?;
    Ok(())
}

/// The purpose a recovery sign-in link is stored under, apart from password links.
const RECOVERY_PURPOSE: &str = "recovery_sign_in";

/// How a recovery sign-in is recorded, and the one `amr` value its session carries: a
/// one-time secret the operator handed over (RFC 8176 `otp`), never a second factor.
pub const RECOVERY_METHOD: &str = "recovery_link";
pub const RECOVERY_AMR: &str = "otp";
/// The purposes of links that open the page to set a password.
pub const PASSWORD_PURPOSES: [&str; 2] = ["password_reset", "welcome"];

/// A single-use link that signs the super administrator with address `email` in, for an
/// operator on the server to hand over when no other way in is left (email-and-password
/// sign-in off, no upstream account). Stored as a digest like every link, valid for `ttl`,
/// and recorded in the audit log. Returns the member and the link.
pub async fn issue_recovery_link(
    stores: &Stores,
    email: &str,
    base_url: &str,
    ttl: Duration,
) -> Result<(User, String), ChangeError> {
    let email = Email::parse(email).map_err(|_| ChangeError::NoSuperAdministrator)?;
    let user = stores
        .users
        .find_all_by_email(&email)
        .await?
        .into_iter()
        .find(|u| u.super_admin)
        .ok_or(ChangeError::NoSuperAdministrator)?;
    let t = token(stores.random.as_ref());
    let now = stores.clock.now();
    let expires_at = now.plus(ttl);
    stores
        .credentials
        .insert_link(
            &TokenDigest::of(&t),
            &user.id,
            RECOVERY_PURPOSE,
            now,
            expires_at,
        )
        .await?;
    stores
        .audit
        .append(&event(
            &user,
            ActivityType::SignIn,
            EventKind::Create,
            (ActorKind::System, None),
            &Origin::default(),
            stores,
            serde_json::json!({"method": RECOVERY_METHOD, "step": "issued",
                               "expires_at": expires_at.to_rfc3339()}),
        ))
        .await?;
    Ok((user, format!("{base_url}/recovery-link?token={t}")))
}

/// Uses up a recovery link: the member it signs in, or `None` when it is unknown, used,
/// expired or another kind of link. The caller records the sign-in and starts the session.
pub async fn use_recovery_link(stores: &Stores, t: &str) -> Result<Option<User>, ChangeError> {
    let Some(id) = stores
        .credentials
        .use_link(&TokenDigest::of(t), &[RECOVERY_PURPOSE], stores.clock.now())
        .await?
    else {
        return Ok(None);
    };
    match stores.users.find_by_id(&id).await? {
        // A link outlives nothing it was not meant to: a disabled account stays shut.
        Some(user) if user.status == crate::records::UserStatus::Disabled => {
            Err(ChangeError::Disabled)
        }
        found => Ok(found),
    }
}

/// The "forgot password" page: a link to every member with this address who signs in
/// with a password. The caller answers the same whether or not anyone matched.
pub async fn request_reset(
    stores: &Stores,
    email: &str,
    base_url: &str,
    ttl: Duration,
    origin: &Origin,
) -> Result<(), ChangeError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    for user in stores.users.find_all_by_email(&email).await? {
        let me = (ActorKind::Member, Some(user.id.to_string()));
        match send_link(stores, &user, LinkKind::Reset, base_url, ttl, me, origin).await {
            Ok(()) | Err(ChangeError::EmailLoginDisabled | ChangeError::TooManyRequests) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The member a live reset link is for.
pub async fn reset_link_user(stores: &Stores, t: &str) -> Result<Option<User>, ChangeError> {
    let now = stores.clock.now();
    let Some(id) = stores
        .credentials
        .find_link(&TokenDigest::of(t), &PASSWORD_PURPOSES, now)
        .await?
    else {
        return Ok(None);
    };
    let Some(user) = stores.users.find_by_id(&id).await? else {
        return Ok(None);
    };
    // A link sent before email sign-in was turned off no longer works.
    Ok(email_login_allowed(stores, &user).await?.then_some(user))
}

/// Sets the new password from a reset link: the link is used up only when the password
/// is accepted. Unlocks the account and ends every session of the member.
pub async fn complete_reset(
    stores: &Stores,
    t: &str,
    new: Password,
    confirm: &str,
    origin: &Origin,
) -> Result<User, ChangeError> {
    let user = reset_link_user(stores, t)
        .await?
        .ok_or(ChangeError::LinkInvalid)?;
    let was_locked = stores
        .credentials
        .find_by_user(&user.id)
        .await?
        .is_some_and(|c| c.locked_at.is_some());
    // Rules first, so a refused password leaves the link usable.
    vet(stores, &user, &new, confirm).await?;
    let used = stores
        .credentials
        .use_link(&TokenDigest::of(t), &PASSWORD_PURPOSES, stores.clock.now())
        .await?;
    if used.as_ref() != Some(&user.id) {
        return Err(ChangeError::LinkInvalid);
    }
    let phc = stores.passwords.hash(new).await?;
    let now = stores.clock.now();
    let me = (ActorKind::Member, Some(user.id.to_string()));
    let mut events = vec![event(
        &user,
        ActivityType::PasswordReset,
        EventKind::Edit,
        me.clone(),
        origin,
        stores,
        serde_json::json!({"step": "completed", "unlocked": was_locked}),
    )];
    if was_locked {
        events.push(password_unlocked(
            &user,
            me,
            origin,
            stores,
            "password_reset",
        ));
    }
    // The new password and its record together; the link was used up just before. The
    // link came by mail, so the address is proven too.
    let changes = [
        Change::SetPassword {
            user: user.id.clone(),
            phc,
            must_change: false,
            now,
        },
        Change::MarkEmailVerified {
            user: user.id.clone(),
            email: user.email.clone(),
            now,
        },
    ];
    stores.audit.commit(&changes, &events).await?;
    stores
        .sessions
        .end_all_for_user(&user.id, None, now)
        .await?;
    Ok(user)
}

/// A temporary password: 20 characters from four classes, without look-alikes.
fn temporary(rng: &dyn Random) -> String {
    const SETS: [&[u8]; 4] = [
        b"abcdefghjkmnpqrstuvwxyz",
        b"ABCDEFGHJKLMNPQRSTUVWXYZ",
        b"23456789",
        b"-_.!@#%+=",
    ];
    let mut out = String::new();
    let mut i = 0usize;
    while out.len() < 20 {
        let set = SETS.get(i % 4).copied().unwrap_or(b"a");
        let mut b = [0u8; 1];
        rng.fill(&mut b);
        let limit = 256 - (256 % set.len());
        if usize::from(b[0]) >= limit {
            continue;
        }
        if let Some(c) = set.get(usize::from(b[0]) % set.len()) {
            out.push(char::from(*c));
            i += 1;
        }
    }
    out
}

/// An administrator gives a member a temporary password: it signs in once and the
/// member must choose a new one before any token is issued. A new password lifts a
/// password lock, which is recorded too. Returns it to show once.
pub async fn issue_temporary_password(
    stores: &Stores,
    user: &User,
    by: (ActorKind, Option<String>),
    origin: &Origin,
) -> Result<Password, ChangeError> {
    let password = Password::new(temporary(stores.random.as_ref()));
    let phc = stores.passwords.hash(password.clone()).await?;
    let was_locked = stores
        .credentials
        .find_by_user(&user.id)
        .await?
        .is_some_and(|c| c.locked_at.is_some());
    let mut events = vec![event(
        user,
        ActivityType::TemporaryPassword,
        EventKind::Create,
        by.clone(),
        origin,
        stores,
        serde_json::json!({"must_change": true, "unlocked": was_locked}),
    )];
    if was_locked {
        events.push(password_unlocked(
            user,
            by,
            origin,
            stores,
            "temporary_password",
        ));
    }
    let change = Change::SetPassword {
        user: user.id.clone(),
        phc,
        must_change: true,
        now: stores.clock.now(),
    };
    stores.audit.commit(&[change], &events).await?;
    Ok(password)
}

/// Emails a member the temporary password an administrator just issued them.
pub async fn email_temporary_password(
    stores: &Stores,
    user: &User,
    password: &Password,
) -> Result<(), ChangeError> {
    let tr = crate::i18n::member_tr(stores, user).await?;
    stores
        .mailer
        .send(&OutgoingMail {
            to: user.email.clone(),
            subject: tr.t("email-temporary-subject"),
            text: crate::branding::signed(
                &tr,
                format!(
                    "{}\n\n{}\n\n{}\n",
                    tr.t1("email-temporary-intro", "email", user.email.as_str()),
                    password.expose(),
                    tr.t("email-temporary-once"),
                ),
            ),
        })
        .await?;
    Ok(())
}

/// Where members of `org` are sent when they ask for a link: a reminder of the policy.
pub async fn rules_summary(
    stores: &Stores,
    org: &Organization,
    tr: &crate::i18n::Tr,
) -> Result<String, StoreError> {
    let p = policy::effective_policy(stores, org).await?;
    Ok(tr.t2(
        "password-rules",
        "length",
        p.password_min_length,
        "classes",
        p.password_character_classes,
    ))
}

impl ChangeError {
    /// What a member changing their own password reads, in their language; `None` for
    /// failures that are not theirs to mend (the page answers those as errors).
    pub fn message(&self, tr: &crate::i18n::Tr) -> Option<String> {
        Some(match self {
            Self::Rule(rule) => rule.message(tr),
            Self::WrongCurrentPassword => tr.t("password-wrong-current"),
            Self::TooManyRequests => tr.t("password-too-many-tries"),
            Self::EmailLoginDisabled => tr.t("password-email-sign-in-off"),
            _ => return None,
        })
    }
}

impl PasswordRuleError {
    /// What the person reads, in their language.
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            Self::TooShort(n) => tr.t1("password-too-short", "count", *n),
            Self::TooLong => tr.t1("password-too-long", "count", MAX_LENGTH),
            Self::TooFewClasses(n) => tr.t1("password-too-few-classes", "count", *n),
            Self::Personal => tr.t("password-personal"),
            Self::Common => tr.t("password-common"),
            Self::Reused => tr.t("password-reused"),
            Self::Mismatch => tr.t("password-mismatch"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;

    fn policy(min: usize, classes: usize) -> EffectivePolicy {
        EffectivePolicy {
            password_min_length: min,
            password_character_classes: classes,
            ..EffectivePolicy::default()
        }
    }

    fn pw(s: &str) -> Password {
        Password::new(s.to_owned())
    }

    #[test]
    fn the_rules_in_order() {
        let email = Email::parse("ada.lovelace@example.com").unwrap();
        let name = Some("Ada Lovelace");
        let p = policy(12, 3);
        let check = |s: &str| check(&p, &pw(s), &email, name);
        assert_eq!(check("Short1!"), Err(PasswordRuleError::TooShort(12)));
        assert_eq!(
            check("alllowercaseletters"),
            Err(PasswordRuleError::TooFewClasses(3))
        );
        assert_eq!(
            check("Lovelace-Engine-1843"),
            Err(PasswordRuleError::Personal)
        );
        assert_eq!(
            check("ADA.LOVELACE.IS.ME.7"),
            Err(PasswordRuleError::Personal)
        );
        assert_eq!(check("Password123456!"), Err(PasswordRuleError::Common));
        assert_eq!(check("Analytical Engine 1843"), Ok(()));
        assert_eq!(check(&"Aa1!".repeat(300)), Err(PasswordRuleError::TooLong));
        // A long passphrase of one class passes where classes are not asked for.
        let relaxed = policy(12, 0);
        assert_eq!(
            super::check(&relaxed, &pw("purple monkey dishwasher"), &email, name),
            Ok(())
        );
        // The floor holds even if a policy asked for less.
        assert_eq!(
            super::check(&policy(4, 0), &pw("seven77"), &email, name),
            Err(PasswordRuleError::TooShort(8))
        );
    }

    #[test]
    fn common_passwords_with_digits_or_symbols_added_are_still_common() {
        for p in [
            "password",
            "PASSWORD",
            "password123!",
            "Qwerty123456",
            "iloveyou!!",
        ] {
            assert!(is_common(p), "{p}");
        }
        for p in [
            "purple monkey dishwasher",
            "Analytical Engine 1843",
            "1843password-x",
        ] {
            assert!(!is_common(p), "{p}");
        }
    }

    #[test]
    fn temporary_passwords_meet_every_rule() {
        let email = Email::parse("ada@example.com").unwrap();
        for _ in 0..100 {
            let t = temporary(&OsRandom);
            assert_eq!(t.chars().count(), 20);
            assert_eq!(check(&policy(20, 4), &pw(&t), &email, None), Ok(()), "{t}");
        }
    }
}
