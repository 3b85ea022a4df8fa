//! The second factor of a password sign-in: an authenticator app, single-use recovery
//! codes, codes sent by email and by text message; the replay cache; the lock after
//! repeated failures; and resets by the member or an administrator.

use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
use crate::authz::{self, Actor, AuthzError, Permission};
use crate::client::wire_enum;
use crate::clock::Timestamp;
use crate::crypto::{CryptoError, MasterKey, TokenDigest};
use crate::ids::UserId;
use crate::phone::{PhoneError, PhoneNumber};
use crate::policy::{self, EffectivePolicy, FactorKind, SecondFactorStep};
use crate::ports::{
    Change, Ephemeral, EphemeralError, MailError, OutgoingMail, PasswordError, SmsError,
    StoreError, Stores,
};
use crate::random::Random;
use crate::records::{Credentials, SecondFactorLock, User};
use crate::secret::Password;
use crate::signin::{Origin, failure_recorded, record_locked_refusal, sign_in_event};
use crate::totp::{self, TotpSecret};
use std::time::Duration;

/// Failures within [`LOCK_WINDOW`] that lock second-factor entry.
pub const LOCK_AFTER_FAILURES: i32 = 10;
/// The failure from which a wrong code's answer says how many tries are left.
pub const WARN_FROM_FAILURE: i32 = 3;
pub const LOCK_WINDOW: Duration = Duration::from_secs(24 * 3600);
pub const LOCK_DURATION: Duration = Duration::from_secs(24 * 3600);
/// Recovery codes in a set.
pub const RECOVERY_CODES: usize = 10;
/// Sign-in warns when this many or fewer recovery codes remain.
pub const RECOVERY_CODES_LOW: u64 = 2;
pub const EMAIL_CODE_TTL: Duration = Duration::from_secs(10 * 60);
/// Emailed codes a member may ask for per [`EMAIL_CODE_WINDOW`].
pub const EMAIL_CODES_PER_WINDOW: u64 = 5;
pub const EMAIL_CODE_WINDOW: Duration = Duration::from_secs(3600);
pub const SMS_CODE_TTL: Duration = Duration::from_secs(10 * 60);
/// Text messages a member may ask for per [`SMS_CODE_WINDOW`].
pub const SMS_CODES_PER_MEMBER: u64 = 5;
/// Text messages one number receives per [`SMS_CODE_WINDOW`], whoever asks (a number can
/// be typed by more than one member).
pub const SMS_CODES_PER_NUMBER: u64 = 5;
pub const SMS_CODE_WINDOW: Duration = Duration::from_secs(3600);
/// The `amr` values a code sent by text message proves (RFC 8176 §2).
pub const SMS_AMR: &[&str] = &["otp", "sms"];
/// How long an issued, not yet confirmed authenticator secret waits.
pub const ENROLMENT_TTL: Duration = Duration::from_secs(15 * 60);
/// Long enough to cover every step a code is accepted in.
const REPLAY_TTL: Duration =
    Duration::from_secs((totp::STEP_SECS as u64) * (2 * totp::DRIFT_STEPS as u64 + 2));

wire_enum!(
    /// How a member proved their second factor.
    SecondFactorMethod, "second-factor method" {
        Totp => "totp",
        RecoveryCode => "recovery_code",
        EmailCode => "email_code",
        Passkey => "passkey",
        SmsCode => "sms_code",
    }
);

impl SecondFactorMethod {
    /// The kind of factor an organization allows or not; `None` for recovery codes,
    /// which stand in for whichever factor was lost.
    pub fn kind(self) -> Option<FactorKind> {
        match self {
            Self::Totp => Some(FactorKind::Totp),
            Self::RecoveryCode => None,
            Self::EmailCode => Some(FactorKind::EmailCode),
            Self::SmsCode => Some(FactorKind::SmsCode),
            Self::Passkey => Some(FactorKind::Passkey),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    /// Wrong, expired, reused or malformed: one answer for all; from the
    /// [`WARN_FROM_FAILURE`]th failure on, how many tries are left before the lock.
    #[error("That code is not right. Check it and try again.")]
    WrongCode { attempts_left: Option<u32> },
    /// `set_now` when this attempt set the lock (operators count locks).
    #[error("Too many requests: too many wrong codes. Try again after {until} UTC, or ask an administrator to reset your second factor.", until = .until.to_rfc3339())]
    Locked { until: Timestamp, set_now: bool },
    #[error("That method is not set up for this account.")]
    NotSetUp,
    #[error("The set-up expired. Start again.")]
    EnrolmentExpired,
    #[error("Too many codes were sent. Wait a while before asking for another.")]
    TooManyEmails,
    #[error("Too many text messages were sent. Wait a while before asking for another.")]
    TooManyTexts,
    /// The gateway failed or did not answer in time; nothing was lost.
    #[error(
        "The text message could not be sent ({0}). Try again later, or have a code sent by email."
    )]
    TextNotSent(SmsError),
    #[error("Your organization does not allow that kind of second factor.")]
    NotAllowed,
    #[error("{0}")]
    Phone(PhoneError),
    #[error("A phone number is set up already. Remove it before adding another.")]
    PhoneInUse,
    #[error("The password is not right.")]
    WrongPassword,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("a stored secret could not be opened: {0}")]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Mail(#[from] MailError),
    /// A passkey offered as the second factor was refused.
    #[error(transparent)]
    Passkey(#[from] crate::passkeys::PasskeyError),
}

type SfResult<T> = Result<T, SecondFactorError>;

impl SecondFactorError {
    /// What the person reads, in their language (times in their zone).
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            Self::WrongCode {
                attempts_left: None,
            } => tr.t("second-factor-wrong-code"),
            Self::WrongCode {
                attempts_left: Some(left),
            } => tr.t1("second-factor-wrong-code-left", "count", *left),
            Self::Locked { until, .. } => {
                tr.t1("second-factor-locked", "until", tr.datetime(*until))
            }
            Self::NotSetUp => tr.t("second-factor-not-set-up"),
            Self::EnrolmentExpired => tr.t("second-factor-expired"),
            Self::TooManyEmails => tr.t("second-factor-too-many-emails"),
            Self::TooManyTexts => tr.t("second-factor-too-many-texts"),
            Self::TextNotSent(_) => tr.t("second-factor-text-not-sent"),
            Self::NotAllowed => tr.t("second-factor-not-allowed"),
            Self::Phone(e) => e.message(tr),
            Self::PhoneInUse => tr.t("second-factor-phone-in-use"),
            Self::WrongPassword => tr.t("second-factor-wrong-password"),
            Self::Forbidden => tr.t("second-factor-forbidden"),
            Self::Passkey(e) => e.message(tr),
            other => other.to_string(),
        }
    }
}

impl SecondFactorLock {
    /// Until when entry is locked, if it is at `now`.
    pub fn locked_until(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|until| *until > now)
    }

    /// Admits one code check at `now`, before the code is looked at, counting it as a
    /// failure until it proves right: the state to store. A check beyond the
    /// [`LOCK_AFTER_FAILURES`] counted in the window is refused and locks entry: `Err`
    /// holds the state to store (`None` when it was locked already) and until when.
    pub fn admit(&self, now: Timestamp) -> Result<Self, (Option<Self>, Timestamp)> {
        if let Some(until) = self.locked_until(now) {
            return Err((None, until));
        }
        let in_window = self
            .window_started_at
            .is_some_and(|start| now < start.plus(LOCK_WINDOW));
        let (failures, window_started_at) = if in_window {
            (self.failures.saturating_add(1), self.window_started_at)
        } else {
            (1, Some(now))
        };
        if failures > LOCK_AFTER_FAILURES {
            let until = now.plus(LOCK_DURATION);
            let locked = Self {
                failures: self.failures,
                window_started_at,
                locked_until: Some(until),
            };
            return Err((Some(locked), until));
        }
        Ok(Self {
            failures,
            window_started_at,
            locked_until: None,
        })
    }

    /// Tries left before the lock, told from the [`WARN_FROM_FAILURE`]th failure in the
    /// window on (earlier, a typo is no cause for alarm); `None` when locked.
    pub fn attempts_left(&self, now: Timestamp) -> Option<u32> {
        if self.locked_until(now).is_some() || self.failures < WARN_FROM_FAILURE {
            return None;
        }
        u32::try_from(LOCK_AFTER_FAILURES - self.failures).ok()
    }

    /// The state once an admitted check proved wrong (it was counted on admission):
    /// locked when the count has reached [`LOCK_AFTER_FAILURES`]. A lock already set is
    /// never extended.
    pub fn after_wrong(&self, now: Timestamp) -> Self {
        let locked_until = match self.locked_until(now) {
            Some(until) => Some(until),
            None if self.failures >= LOCK_AFTER_FAILURES => Some(now.plus(LOCK_DURATION)),
            None => None,
        };
        Self {
            locked_until,
            ..*self
        }
    }

    /// The state once a check admitted as `admitted` proved right: its count taken back.
    /// `Err` with until when entry is locked: a lock set while the code was checked
    /// stands, and the right code does not pass.
    pub fn after_right(&self, admitted: &Self, now: Timestamp) -> Result<Self, Timestamp> {
        if let Some(until) = self.locked_until(now) {
            return Err(until);
        }
        let mut next = *self;
        if next.window_started_at == admitted.window_started_at && next.failures > 0 {
            next.failures -= 1;
        }
        Ok(next)
    }
}

/// Whether a member has a second factor to prove, given how many passkeys they hold.
pub fn has_factor(creds: &Credentials, passkeys: u64) -> bool {
    creds.totp_secret_sealed.is_some()
        || creds.email_otp_enabled
        || verified_phone(creds).is_some()
        || passkeys > 0
}

/// The member's phone number once a code sent to it proved it.
pub fn verified_phone(creds: &Credentials) -> Option<&PhoneNumber> {
    creds
        .phone_number
        .as_ref()
        .filter(|_| creds.phone_verified_at.is_some())
}

/// Whether a member has a second factor their organization allows (text messages only
/// while a gateway is configured; `passkeys` is how many they hold). A member whose every
/// factor is disallowed is treated as having none: asked to set one up where policy
/// requires it.
pub fn has_allowed_factor(
    creds: &Credentials,
    passkeys: u64,
    policy: &EffectivePolicy,
    sms_on: bool,
) -> bool {
    (creds.totp_secret_sealed.is_some() && policy.allows(FactorKind::Totp))
        || (email_codes_usable(creds) && policy.allows(FactorKind::EmailCode))
        || (verified_phone(creds).is_some() && sms_on && policy.allows(FactorKind::SmsCode))
        || (passkeys > 0 && policy.allows(FactorKind::Passkey))
}

/// Whether a member has a second factor to prove, passkeys counted.
async fn member_has_factor(
    stores: &Stores,
    user: &UserId,
    creds: Option<&Credentials>,
) -> SfResult<bool> {
    let Some(creds) = creds else {
        return Ok(false);
    };
    Ok(has_factor(
        creds,
        crate::passkeys::count(stores, user).await?,
    ))
}

/// Whether emailed codes may be sent: turned on as a method, or as the way out when a
/// text message does not arrive.
fn email_codes_usable(creds: &Credentials) -> bool {
    creds.email_otp_enabled || verified_phone(creds).is_some()
}

/// What a password sign-in asks next for this member, from this address.
pub async fn next_step(
    stores: &Stores,
    user: &User,
    origin: &Origin,
) -> SfResult<SecondFactorStep> {
    let creds = stores.credentials.find_by_user(&user.id).await?;
    let effective = policy::policy_of_org(stores, &user.org_id).await?;
    let passkeys = crate::passkeys::count(stores, &user.id).await?;
    let admin = policy::is_admin(stores, user).await?;
    if effective.passkey_required(admin) {
        // From every address: an administrator held to passkeys proves one (one without
        // is stopped by the journey, `crate::journey::Barrier::PasskeyRequired`).
        return Ok(passkey_required_step(passkeys));
    }
    let has = creds
        .as_ref()
        .is_some_and(|c| has_allowed_factor(c, passkeys, &effective, stores.sms.enabled()));
    let Some(org) = stores.orgs.find_by_id(&user.org_id).await? else {
        return Ok(if has {
            SecondFactorStep::Verify
        } else {
            SecondFactorStep::NotAsked
        });
    };
    let policy = policy::second_factor_policy(stores, &org).await?;
    Ok(policy::second_factor_step(
        &policy,
        admin,
        has,
        policy::parse_ip(origin.ip.as_deref()),
    ))
}

/// What a member who must prove a passkey is asked after the password: the passkey,
/// or, holding none, to set one up (which the journey turns into a refusal that says
/// how to get one).
pub fn passkey_required_step(passkeys: u64) -> SecondFactorStep {
    if passkeys > 0 {
        SecondFactorStep::Verify
    } else {
        SecondFactorStep::Enrol
    }
}

/// Whether `user` must prove a passkey as their second factor
/// ([`policy::EffectivePolicy::passkey_required`]).
pub async fn passkey_required(stores: &Stores, user: &User) -> SfResult<bool> {
    let policy = policy::policy_of_org(stores, &user.org_id).await?;
    Ok(policy.admins_require_passkey
        && policy.passkey_required(policy::is_admin(stores, user).await?))
}

/// A step-up an application asked for (an `acr` needing a second factor): the member
/// proves the factor they have, or sets one up, whatever their organization's policy or
/// network would ask at an ordinary sign-in.
pub async fn step_up(stores: &Stores, user: &UserId) -> SfResult<SecondFactorStep> {
    let creds = stores.credentials.find_by_user(user).await?;
    Ok(if member_has_factor(stores, user, creds.as_ref()).await? {
        SecondFactorStep::Verify
    } else {
        SecondFactorStep::Enrol
    })
}

/// The methods a member can use at sign-in, and what the page should say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Methods {
    pub totp: bool,
    pub email: bool,
    /// The verified number text messages go to, masked, when they may be used.
    pub sms: Option<String>,
    pub recovery_codes_left: u64,
    /// How many passkeys the member holds.
    pub passkeys: u64,
    pub locked_until: Option<Timestamp>,
}

/// The methods `user` may use at sign-in: those set up, allowed by their organization,
/// and (for text messages) deliverable.
pub async fn methods(stores: &Stores, user: &User) -> SfResult<Methods> {
    let Some(creds) = stores.credentials.find_by_user(&user.id).await? else {
        return Ok(Methods::default());
    };
    let policy = policy::policy_of_org(stores, &user.org_id).await?;
    let summary = stores.credentials.recovery_code_summary(&user.id).await?;
    let passkeys = crate::passkeys::count(stores, &user.id).await?;
    if passkey_required(stores, user).await? {
        // An administrator held to passkeys: the passkey and nothing else.
        return Ok(Methods {
            passkeys,
            locked_until: creds.second_factor_lock.locked_until(stores.clock.now()),
            ..Methods::default()
        });
    }
    Ok(Methods {
        totp: creds.totp_secret_sealed.is_some() && policy.allows(FactorKind::Totp),
        email: email_codes_usable(&creds) && policy.allows(FactorKind::EmailCode),
        sms: verified_phone(&creds)
            .filter(|_| stores.sms.enabled() && policy.allows(FactorKind::SmsCode))
            .map(PhoneNumber::masked),
        recovery_codes_left: summary.unused,
        passkeys,
        locked_until: creds.second_factor_lock.locked_until(stores.clock.now()),
    })
}

fn event(
    user: &User,
    activity: ActivityType,
    kind: EventKind,
    origin: &Origin,
    now: Timestamp,
    detail: serde_json::Value,
) -> NewAuditEvent {
    NewAuditEvent {
        org_id: user.org_id.clone(),
        occurred_at: now,
        actor_kind: ActorKind::Member,
        actor_id: Some(user.id.to_string()),
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

/// Saves a change to a member's own second factor with its audit event, in one
/// transaction.
async fn record(
    stores: &Stores,
    changes: &[Change],
    events: &[NewAuditEvent],
) -> Result<(), StoreError> {
    stores.audit.commit(changes, events).await.map(drop)
}

/// A fresh set of recovery codes: the codes to show once, the change that stores their
/// digests (replacing the old set), and its audit event.
fn fresh_recovery_codes(
    stores: &Stores,
    user: &User,
    origin: &Origin,
    now: Timestamp,
) -> (Vec<String>, Change, NewAuditEvent) {
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| recovery_code(stores.random.as_ref()))
        .collect();
    let digests: Vec<TokenDigest> = codes
        .iter()
        .filter_map(|c| normalize_recovery_code(c))
        .map(|c| TokenDigest::of(&c))
        .collect();
    let change = Change::ReplaceRecoveryCodes {
        user: user.id.clone(),
        digests,
        now,
    };
    let recorded = event(
        user,
        ActivityType::SecuritySettingsChange,
        EventKind::Create,
        origin,
        now,
        serde_json::json!({"recovery_codes": RECOVERY_CODES}),
    );
    (codes, change, recorded)
}

async fn credentials(stores: &Stores, user: &UserId) -> SfResult<Credentials> {
    stores
        .credentials
        .find_by_user(user)
        .await?
        .ok_or(SecondFactorError::NotSetUp)
}

fn refuse_if_locked(creds: &Credentials, now: Timestamp) -> SfResult<()> {
    match creds.second_factor_lock.locked_until(now) {
        Some(until) => Err(SecondFactorError::Locked {
            until,
            set_now: false,
        }),
        None => Ok(()),
    }
}

/// Applies `step` to a member's second-factor lock by compare and swap, so concurrent
/// checks each see and change the latest state. `step` answers the state to store (if
/// any) and its result. A member without credentials has no lock to keep.
async fn update_lock<T>(
    stores: &Stores,
    user: &UserId,
    step: impl Fn(&SecondFactorLock) -> (Option<SecondFactorLock>, T),
) -> SfResult<T> {
    // Each lost race means another check moved the state on; a burst of N checks needs
    // at most N rounds.
    for _ in 0..LOCK_SWAP_ROUNDS {
        let old = match stores.credentials.find_by_user(user).await? {
            Some(creds) => creds.second_factor_lock,
            None => return Ok(step(&SecondFactorLock::default()).1),
        };
        let (new, out) = step(&old);
        let Some(new) = new.filter(|new| *new != old) else {
            return Ok(out);
        };
        if stores
            .credentials
            .swap_second_factor_lock(user, &old, &new)
            .await?
        {
            return Ok(out);
        }
    }
    Err(StoreError::Backend("the second-factor lock kept changing".into()).into())
}

const LOCK_SWAP_ROUNDS: usize = 500;

/// Checks a code under the second-factor lock. The check is admitted before `check`
/// looks at the code, counted as a failure in the same atomic step, so a burst of
/// guesses cannot outrun the lock: none admitted after the lock is evaluated, and a
/// right code that finishes after a lock was set does not pass.
async fn guarded_check<F>(
    stores: &Stores,
    user: &User,
    method: SecondFactorMethod,
    origin: &Origin,
    check: F,
) -> SfResult<()>
where
    F: Future<Output = SfResult<bool>>,
{
    let now = stores.clock.now();
    let admitted = update_lock(stores, &user.id, |old| match old.admit(now) {
        Ok(new) => (Some(new), Ok(new)),
        Err((locked, until)) => (locked, Err((locked.is_some(), until))),
    })
    .await?;
    let admitted = match admitted {
        Ok(admitted) => admitted,
        Err((locked_now, until)) => {
            if locked_now {
                record_lock(stores, user, origin, now, until).await?;
            }
            let refused = sign_in_event(
                &user.org_id,
                Some(&user.id),
                now,
                origin,
                serde_json::json!({"method": method, "result": "failure", "reason": "second_factor_locked"}),
            );
            record_locked_refusal(stores, &refused).await?;
            return Err(SecondFactorError::Locked {
                until,
                set_now: locked_now,
            });
        }
    };
    let ok = match check.await {
        Ok(ok) => ok,
        // An error settles nothing: the check stays counted, as a failure would.
        Err(e) => return Err(e),
    };
    if ok {
        let now = stores.clock.now();
        let settled = update_lock(stores, &user.id, |old| {
            match old.after_right(&admitted, now) {
                Ok(new) => (Some(new), Ok(())),
                Err(until) => (None, Err(until)),
            }
        })
        .await?;
        return settled.map_err(|until| SecondFactorError::Locked {
            until,
            set_now: false,
        });
    }
    let now = stores.clock.now();
    let (new, locked_now) = update_lock(stores, &user.id, |old| {
        let new = old.after_wrong(now);
        let locked_now = old.locked_until(now).is_none() && new.locked_until(now).is_some();
        (Some(new), (new, locked_now))
    })
    .await?;
    if failure_recorded(new.failures) || locked_now {
        let failed = sign_in_event(
            &user.org_id,
            Some(&user.id),
            now,
            origin,
            serde_json::json!({"method": method, "result": "failure", "reason": "wrong_code",
                               "failures_in_window": new.failures}),
        );
        stores.audit.append(&failed).await?;
    }
    match new.locked_until(now) {
        Some(until) => {
            if locked_now {
                record_lock(stores, user, origin, now, until).await?;
            }
            Err(SecondFactorError::Locked {
                until,
                set_now: locked_now,
            })
        }
        None => Err(SecondFactorError::WrongCode {
            attempts_left: new.attempts_left(now),
        }),
    }
}

async fn record_lock(
    stores: &Stores,
    user: &User,
    origin: &Origin,
    now: Timestamp,
    until: Timestamp,
) -> SfResult<()> {
    let locked = event(
        user,
        ActivityType::AccountLock,
        EventKind::Edit,
        origin,
        now,
        serde_json::json!({"lock": "second_factor", "until": until.to_rfc3339()}),
    );
    stores.audit.append(&locked).await?;
    Ok(())
}

fn replay_key(user: &UserId, step: i64) -> String {
    format!("totp-used:{user}:{step}")
}

fn email_code_key(user: &UserId) -> String {
    format!("email-code:{user}")
}

fn sms_code_key(user: &UserId) -> String {
    format!("sms-code:{user}")
}

fn phone_verify_key(user: &UserId) -> String {
    format!("phone-verify:{user}")
}

/// What a text-message code is stored as: bound to the number it went to, so a code
/// sent to a number since replaced proves nothing.
fn sms_bound(number: &PhoneNumber, code: &str) -> String {
    format!("{}:{code}", number.as_str())
}

/// Whether `code` is the one stored under `key` for `number`; the right one is taken,
/// so of two requests with it only one wins.
async fn take_matching_code(
    ephemeral: &dyn Ephemeral,
    key: &str,
    number: &PhoneNumber,
    code: &str,
) -> SfResult<bool> {
    let stored = ephemeral.get(key).await?;
    let matches = match (totp::normalize_code(code), stored) {
        (Some(c), Some(stored)) => {
            TokenDigest::from_bytes(&stored).is_some_and(|d| d.matches(&sms_bound(number, &c)))
        }
        _ => false,
    };
    Ok(matches && ephemeral.take(key).await?.is_some())
}

/// Checks a code against the authenticator secret; records the step so the same code
/// cannot be used again on any node.
async fn check_totp(
    ephemeral: &dyn Ephemeral,
    key: &MasterKey,
    user: &UserId,
    sealed: &[u8],
    code: &str,
    now: Timestamp,
) -> SfResult<bool> {
    let secret = TotpSecret::from_bytes(key.open(totp::SEAL_PURPOSE, sealed)?);
    let Some(step) = totp::matching_step(&secret, code, now) else {
        return Ok(false);
    };
    Ok(ephemeral
        .put_new(&replay_key(user, step), b"1", REPLAY_TTL)
        .await?)
}

/// Verifies a second-factor code at sign-in. Every refusal counts toward the lock and
/// changes nothing else.
pub async fn verify(
    stores: &Stores,
    key: &MasterKey,
    user: &User,
    method: SecondFactorMethod,
    code: &str,
    origin: &Origin,
) -> SfResult<()> {
    let creds = credentials(stores, &user.id).await?;
    let set_up = match method {
        SecondFactorMethod::Totp => creds.totp_secret_sealed.is_some(),
        SecondFactorMethod::RecoveryCode => {
            has_factor(&creds, crate::passkeys::count(stores, &user.id).await?)
        }
        SecondFactorMethod::EmailCode => email_codes_usable(&creds),
        SecondFactorMethod::SmsCode => verified_phone(&creds).is_some(),
        // A passkey is no code: `crate::passkeys::finish_authentication` checks it.
        SecondFactorMethod::Passkey => false,
    };
    if !set_up {
        return Err(SecondFactorError::NotSetUp);
    }
    // Recovery codes too: an administrator held to passkeys who lost theirs asks
    // another administrator.
    if passkey_required(stores, user).await? {
        return Err(SecondFactorError::NotAllowed);
    }
    if let Some(kind) = method.kind() {
        let policy = policy::policy_of_org(stores, &user.org_id).await?;
        if !policy.allows(kind) {
            return Err(SecondFactorError::NotAllowed);
        }
    }
    let check = async {
        let now = stores.clock.now();
        Ok(match method {
            SecondFactorMethod::Totp => match &creds.totp_secret_sealed {
                Some(sealed) => {
                    check_totp(stores.ephemeral.as_ref(), key, &user.id, sealed, code, now).await?
                }
                None => false,
            },
            SecondFactorMethod::RecoveryCode => match normalize_recovery_code(code) {
                Some(c) => {
                    stores
                        .credentials
                        .use_recovery_code(&user.id, &TokenDigest::of(&c), now)
                        .await?
                }
                None => false,
            },
            SecondFactorMethod::EmailCode => {
                let k = email_code_key(&user.id);
                let stored = stores.ephemeral.get(&k).await?;
                let matches = match (totp::normalize_code(code), stored) {
                    (Some(c), Some(stored)) => {
                        TokenDigest::from_bytes(&stored).is_some_and(|d| d.matches(&c))
                    }
                    _ => false,
                };
                // Of two requests with the right code, only the one that takes it wins.
                matches && stores.ephemeral.take(&k).await?.is_some()
            }
            SecondFactorMethod::SmsCode => match verified_phone(&creds) {
                Some(number) => {
                    take_matching_code(
                        stores.ephemeral.as_ref(),
                        &sms_code_key(&user.id),
                        number,
                        code,
                    )
                    .await?
                }
                None => false,
            },
            SecondFactorMethod::Passkey => false,
        })
    };
    guarded_check(stores, user, method, origin, check).await?;
    if method == SecondFactorMethod::RecoveryCode {
        return Ok(());
    }
    // Read again: the lock and the factors may have changed while the code was checked.
    let mut creds = credentials(stores, &user.id).await?;
    let now = stores.clock.now();
    match method {
        SecondFactorMethod::Totp => creds.totp_last_used_at = Some(now),
        SecondFactorMethod::EmailCode => creds.email_otp_last_used_at = Some(now),
        SecondFactorMethod::SmsCode => creds.sms_last_used_at = Some(now),
        SecondFactorMethod::RecoveryCode | SecondFactorMethod::Passkey => {}
    }
    creds.updated_at = now;
    if method == SecondFactorMethod::EmailCode && !user.email_verified {
        // A code that came by mail proves the address.
        let changes = [
            Change::UpdateCredentials(creds),
            Change::MarkEmailVerified {
                user: user.id.clone(),
                email: user.email.clone(),
                now,
            },
        ];
        stores.audit.commit(&changes, &[]).await?;
    } else {
        stores.credentials.update(&creds).await?;
    }
    Ok(())
}

/// A six-digit code, uniformly drawn.
fn six_digits(rng: &dyn Random) -> String {
    loop {
        let mut b = [0u8; 4];
        rng.fill(&mut b);
        let n = u32::from_be_bytes(b);
        // Reject the top sliver so every code is equally likely.
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// Sends a sign-in code to the member's address, replacing any earlier one.
pub async fn send_email_code(stores: &Stores, user: &User, issuer_name: &str) -> SfResult<()> {
    let now = stores.clock.now();
    let creds = credentials(stores, &user.id).await?;
    refuse_if_locked(&creds, now)?;
    if !email_codes_usable(&creds) {
        return Err(SecondFactorError::NotSetUp);
    }
    if !policy::policy_of_org(stores, &user.org_id)
        .await?
        .allows(FactorKind::EmailCode)
        || passkey_required(stores, user).await?
    {
        return Err(SecondFactorError::NotAllowed);
    }
    let sent = stores
        .ephemeral
        .incr(&format!("email-code-sent:{}", user.id), EMAIL_CODE_WINDOW)
        .await?;
    if sent > EMAIL_CODES_PER_WINDOW {
        return Err(SecondFactorError::TooManyEmails);
    }
    let code = six_digits(stores.random.as_ref());
    stores
        .ephemeral
        .put(
            &email_code_key(&user.id),
            TokenDigest::of(&code).as_bytes(),
            EMAIL_CODE_TTL,
        )
        .await?;
    let tr = crate::i18n::member_tr(stores, user).await?;
    stores
        .mailer
        .send(&OutgoingMail {
            to: user.email.clone(),
            // The organization's display name, when set, is the name members know.
            subject: tr.t1(
                "email-code-subject",
                "issuer",
                tr.brand()
                    .and_then(|b| b.display_name.as_deref())
                    .unwrap_or(issuer_name),
            ),
            text: crate::branding::signed(
                &tr,
                format!(
                    "{}\n\n{}\n",
                    tr.t1("email-code-code", "code", &code),
                    tr.t("email-code-warning")
                ),
            ),
        })
        .await?;
    Ok(())
}

/// What a text message is for: the member hears which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextPurpose {
    SignIn,
    VerifyNumber,
}

impl TextPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::VerifyNumber => "verify_number",
        }
    }
}

/// An audit event about a text message or a phone number; the number only masked.
fn phone_event(
    user: &User,
    activity: ActivityType,
    kind: EventKind,
    origin: &Origin,
    now: Timestamp,
    number: &PhoneNumber,
    detail: serde_json::Value,
) -> NewAuditEvent {
    let mut detail = detail;
    if let Some(map) = detail.as_object_mut() {
        map.insert("method".into(), SecondFactorMethod::SmsCode.as_str().into());
        map.insert("phone".into(), number.masked().into());
    }
    event(user, activity, kind, origin, now, detail)
}

/// Counts one more text message for the member and for the number; refuses past either
/// limit. Both counters are per [`SMS_CODE_WINDOW`] and shared by every node.
async fn admit_text(
    ephemeral: &dyn Ephemeral,
    user: &UserId,
    number: &PhoneNumber,
) -> SfResult<()> {
    let by_member = ephemeral
        .incr(&format!("sms-sent:{user}"), SMS_CODE_WINDOW)
        .await?;
    let by_number = ephemeral
        .incr(
            &format!("sms-to:{}", TokenDigest::of(number.as_str()).to_hex()),
            SMS_CODE_WINDOW,
        )
        .await?;
    if by_member > SMS_CODES_PER_MEMBER || by_number > SMS_CODES_PER_NUMBER {
        return Err(SecondFactorError::TooManyTexts);
    }
    Ok(())
}

/// Draws a code, keeps its digest under `key` for [`SMS_CODE_TTL`] (replacing any earlier
/// one) and hands it to the gateway, recording what happened. A failed delivery drops the
/// code, is logged and recorded, and answers [`SecondFactorError::TextNotSent`]. Callers
/// count the text ([`admit_text`]) before they change anything.
async fn send_text_code(
    stores: &Stores,
    user: &User,
    number: &PhoneNumber,
    key: &str,
    purpose: TextPurpose,
    issuer_name: &str,
    origin: &Origin,
) -> SfResult<()> {
    let code = six_digits(stores.random.as_ref());
    stores
        .ephemeral
        .put(
            key,
            TokenDigest::of(&sms_bound(number, &code)).as_bytes(),
            stores.sms.code_lifetime().min(SMS_CODE_TTL),
        )
        .await?;
    let tr = crate::i18n::member_tr(stores, user).await?;
    let issuer = tr
        .brand()
        .and_then(|b| b.display_name.as_deref())
        .unwrap_or(issuer_name)
        .to_owned();
    let body = tr.t2("sms-code-body", "code", &code, "issuer", &issuer);
    let sent = stores.sms.send(number, &body).await;
    let now = stores.clock.now();
    match sent {
        Ok(()) => {
            let recorded = phone_event(
                user,
                ActivityType::SignIn,
                EventKind::Create,
                origin,
                now,
                number,
                serde_json::json!({"text": "code_sent", "purpose": purpose.as_str()}),
            );
            stores.audit.append(&recorded).await?;
            Ok(())
        }
        Err(e) => {
            // The code never arrived: nobody may use it.
            let _ = stores.ephemeral.delete(key).await;
            tracing::warn!(
                user_id = %user.id,
                phone = %number.masked(),
                error = %e,
                "a text message could not be delivered"
            );
            let recorded = phone_event(
                user,
                ActivityType::SignIn,
                EventKind::Create,
                origin,
                now,
                number,
                serde_json::json!({"text": "delivery_failed", "purpose": purpose.as_str(),
                                   "result": "failure", "reason": e.to_string()}),
            );
            stores.audit.append(&recorded).await?;
            Err(SecondFactorError::TextNotSent(e))
        }
    }
}

/// Sends a sign-in code by text message to the member's verified number, replacing any
/// earlier one. Answers the number, masked, for the page to say where it went.
pub async fn send_sms_code(
    stores: &Stores,
    user: &User,
    issuer_name: &str,
    origin: &Origin,
) -> SfResult<String> {
    let now = stores.clock.now();
    let creds = credentials(stores, &user.id).await?;
    refuse_if_locked(&creds, now)?;
    let Some(number) = verified_phone(&creds).cloned() else {
        return Err(SecondFactorError::NotSetUp);
    };
    if !policy::policy_of_org(stores, &user.org_id)
        .await?
        .allows(FactorKind::SmsCode)
        || passkey_required(stores, user).await?
    {
        return Err(SecondFactorError::NotAllowed);
    }
    if !stores.sms.enabled() {
        return Err(SecondFactorError::NotSetUp);
    }
    admit_text(stores.ephemeral.as_ref(), &user.id, &number).await?;
    send_text_code(
        stores,
        user,
        &number,
        &sms_code_key(&user.id),
        TextPurpose::SignIn,
        issuer_name,
        origin,
    )
    .await?;
    Ok(number.masked())
}

/// Whether text messages can be offered to `user` at all: a gateway, and a policy that
/// allows them.
pub async fn text_messages_offered(stores: &Stores, user: &User) -> SfResult<bool> {
    Ok(stores.sms.enabled()
        && policy::policy_of_org(stores, &user.org_id)
            .await?
            .allows(FactorKind::SmsCode))
}

/// Which kinds of second factor the security page offers `user` to set up or keep on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offered {
    pub totp: bool,
    pub email_code: bool,
    pub sms_code: bool,
}

pub async fn offered(stores: &Stores, user: &User) -> SfResult<Offered> {
    let policy = policy::policy_of_org(stores, &user.org_id).await?;
    Ok(Offered {
        totp: policy.allows(FactorKind::Totp),
        email_code: policy.allows(FactorKind::EmailCode),
        sms_code: stores.sms.enabled() && policy.allows(FactorKind::SmsCode),
    })
}

/// What a member whom policy asks to set up a second factor at sign-in may set up there:
/// the kinds their organization allows that need nothing but the browser. A passkey
/// needs the server's passkeys on; emailed codes go to the address the member signed in
/// with; a text message needs a number typed and proven, which only the security page
/// does, so it is never set up here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EnrolKinds {
    pub totp: bool,
    pub passkey: bool,
    pub email_code: bool,
}

impl EnrolKinds {
    /// Whether anything can be set up at sign-in; when not, only an administrator helps.
    pub fn any(self) -> bool {
        self.totp || self.passkey || self.email_code
    }
}

/// [`EnrolKinds`] under `policy`, with the server's passkeys on or off.
pub fn enrol_kinds(policy: &EffectivePolicy, passkeys_on: bool) -> EnrolKinds {
    EnrolKinds {
        totp: policy.allows(FactorKind::Totp),
        passkey: passkeys_on && policy.allows(FactorKind::Passkey),
        email_code: policy.allows(FactorKind::EmailCode),
    }
}

/// Whether a factor of `kind` may be set up under `policy`: refused as
/// [`SecondFactorError::NotAllowed`] where the organization does not allow it, whatever
/// page the set-up came from.
pub fn may_set_up(policy: &EffectivePolicy, kind: FactorKind) -> SfResult<()> {
    if policy.allows(kind) {
        Ok(())
    } else {
        Err(SecondFactorError::NotAllowed)
    }
}

/// What `user` may set up at sign-in (see [`EnrolKinds`]).
pub async fn enrolment_kinds(
    stores: &Stores,
    user: &User,
    passkeys_on: bool,
) -> SfResult<EnrolKinds> {
    let policy = policy::policy_of_org(stores, &user.org_id).await?;
    Ok(enrol_kinds(&policy, passkeys_on))
}

/// Whether adding a passkey brings a set of recovery codes: it is the member's first
/// passkey and they hold no unused recovery code (a member whose first second factor is
/// a passkey needs a way back when the device is lost, as one with an app does).
pub fn recovery_codes_due(passkeys_after: u64, unused_recovery_codes: u64) -> bool {
    passkeys_after == 1 && unused_recovery_codes == 0
}

/// After a passkey was added: a fresh set of recovery codes to show once when
/// [`recovery_codes_due`], else `None`.
pub async fn recovery_codes_after_passkey(
    stores: &Stores,
    user: &User,
    origin: &Origin,
) -> SfResult<Option<Vec<String>>> {
    let passkeys = crate::passkeys::count(stores, &user.id).await?;
    let unused = stores
        .credentials
        .recovery_code_summary(&user.id)
        .await?
        .unused;
    if !recovery_codes_due(passkeys, unused) {
        return Ok(None);
    }
    Ok(Some(new_recovery_codes(stores, user, origin).await?))
}

/// Checks a passkey's answer to the sign-in's second-factor ceremony under the
/// second-factor lock, as a code is checked: a refused or stale answer counts as a wrong
/// code and locks entry after as many; while locked no answer is looked at. The refusal
/// is answered with its own reason, unless this one set the lock.
pub async fn verify_passkey(
    stores: &Stores,
    rp: &crate::passkeys::RelyingParty,
    user: &User,
    owner: &str,
    answer: &str,
    origin: &Origin,
) -> SfResult<crate::passkeys::PasskeyProof> {
    use crate::passkeys::PasskeyError;
    if crate::passkeys::count(stores, &user.id).await? == 0 {
        return Err(SecondFactorError::NotSetUp);
    }
    if !policy::policy_of_org(stores, &user.org_id)
        .await?
        .allows(FactorKind::Passkey)
    {
        return Err(SecondFactorError::NotAllowed);
    }
    let mut proof = None;
    let mut refused = None;
    let check = async {
        match crate::passkeys::finish_authentication(stores, rp, user, owner, answer, origin).await
        {
            Ok(p) => {
                proof = Some(p);
                Ok(true)
            }
            Err(e @ (PasskeyError::Refused(_) | PasskeyError::Expired)) => {
                refused = Some(e);
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    };
    let checked = guarded_check(stores, user, SecondFactorMethod::Passkey, origin, check).await;
    match checked {
        Ok(()) => proof.ok_or(SecondFactorError::Passkey(PasskeyError::Expired)),
        Err(SecondFactorError::WrongCode { attempts_left }) => Err(match refused {
            Some(e) => SecondFactorError::Passkey(e),
            None => SecondFactorError::WrongCode { attempts_left },
        }),
        Err(e) => Err(e),
    }
}

/// The member adds a phone number (typed as people type them) and is sent a code to
/// prove it. The number is kept unproven until [`verify_phone`]; a number already proven
/// must be removed first. A delivery that fails leaves the number waiting, to send again.
pub async fn add_phone(
    stores: &Stores,
    user: &User,
    typed: &str,
    issuer_name: &str,
    origin: &Origin,
) -> SfResult<String> {
    let number = PhoneNumber::parse(typed).map_err(SecondFactorError::Phone)?;
    if !text_messages_offered(stores, user).await? {
        return Err(SecondFactorError::NotAllowed);
    }
    let now = stores.clock.now();
    let mut creds = credentials(stores, &user.id).await?;
    refuse_if_locked(&creds, now)?;
    if verified_phone(&creds).is_some() {
        return Err(SecondFactorError::PhoneInUse);
    }
    // Counted before anything is saved: a refused text leaves the page as it was.
    admit_text(stores.ephemeral.as_ref(), &user.id, &number).await?;
    if creds.phone_number.as_ref() != Some(&number) {
        creds.phone_number = Some(number.clone());
        creds.phone_added_at = Some(now);
        creds.phone_verified_at = None;
        creds.sms_last_used_at = None;
        creds.updated_at = now;
        let added = phone_event(
            user,
            ActivityType::SecuritySettingsChange,
            EventKind::Create,
            origin,
            now,
            &number,
            serde_json::json!({"phone_number": "added"}),
        );
        record(stores, &[Change::UpdateCredentials(creds)], &[added]).await?;
    }
    send_text_code(
        stores,
        user,
        &number,
        &phone_verify_key(&user.id),
        TextPurpose::VerifyNumber,
        issuer_name,
        origin,
    )
    .await?;
    Ok(number.masked())
}

/// Sends the code for the number waiting to be proven again.
pub async fn resend_phone_code(
    stores: &Stores,
    user: &User,
    issuer_name: &str,
    origin: &Origin,
) -> SfResult<String> {
    let creds = credentials(stores, &user.id).await?;
    refuse_if_locked(&creds, stores.clock.now())?;
    let Some(number) = creds
        .phone_number
        .clone()
        .filter(|_| creds.phone_verified_at.is_none())
    else {
        return Err(SecondFactorError::NotSetUp);
    };
    if !text_messages_offered(stores, user).await? {
        return Err(SecondFactorError::NotAllowed);
    }
    admit_text(stores.ephemeral.as_ref(), &user.id, &number).await?;
    send_text_code(
        stores,
        user,
        &number,
        &phone_verify_key(&user.id),
        TextPurpose::VerifyNumber,
        issuer_name,
        origin,
    )
    .await?;
    Ok(number.masked())
}

/// Proves the waiting number with the code sent to it: from then on it is a second
/// factor. Wrong codes count toward the same lock as every other code.
pub async fn verify_phone(
    stores: &Stores,
    user: &User,
    code: &str,
    origin: &Origin,
) -> SfResult<()> {
    let creds = credentials(stores, &user.id).await?;
    let Some(number) = creds
        .phone_number
        .clone()
        .filter(|_| creds.phone_verified_at.is_none())
    else {
        return Err(SecondFactorError::NotSetUp);
    };
    if !text_messages_offered(stores, user).await? {
        return Err(SecondFactorError::NotAllowed);
    }
    let key = phone_verify_key(&user.id);
    let check = take_matching_code(stores.ephemeral.as_ref(), &key, &number, code);
    guarded_check(stores, user, SecondFactorMethod::SmsCode, origin, check).await?;
    // Read again: the number may have been removed or replaced meanwhile.
    let mut creds = credentials(stores, &user.id).await?;
    if creds.phone_number.as_ref() != Some(&number) {
        return Err(SecondFactorError::NotSetUp);
    }
    let now = stores.clock.now();
    creds.phone_verified_at = Some(now);
    creds.updated_at = now;
    let verified = phone_event(
        user,
        ActivityType::SecuritySettingsChange,
        EventKind::Edit,
        origin,
        now,
        &number,
        serde_json::json!({"phone_number": "verified"}),
    );
    record(stores, &[Change::UpdateCredentials(creds)], &[verified]).await?;
    Ok(())
}

/// Removes the member's phone number, proven or waiting, after they prove their password.
pub async fn remove_phone(
    stores: &Stores,
    user: &User,
    password: Password,
    origin: &Origin,
) -> SfResult<()> {
    let now = stores.clock.now();
    let mut creds = credentials(stores, &user.id).await?;
    check_password(stores, &creds, password).await?;
    let Some(number) = creds.phone_number.take() else {
        return Err(SecondFactorError::NotSetUp);
    };
    creds.phone_added_at = None;
    creds.phone_verified_at = None;
    creds.sms_last_used_at = None;
    creds.updated_at = now;
    let removed = phone_event(
        user,
        ActivityType::SecuritySettingsChange,
        EventKind::Delete,
        origin,
        now,
        &number,
        serde_json::json!({"phone_number": "removed"}),
    );
    record(stores, &[Change::UpdateCredentials(creds)], &[removed]).await?;
    forget_text_codes(stores, &user.id).await;
    Ok(())
}

/// Drops text-message codes still pending once the number is gone. Best effort, for the
/// reason [`forget_email_code`] gives: a code is accepted only for the number stored.
async fn forget_text_codes(stores: &Stores, user: &UserId) {
    let _ = stores.ephemeral.delete(&sms_code_key(user)).await;
    let _ = stores.ephemeral.delete(&phone_verify_key(user)).await;
}

const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A recovery code: 16 characters (about 79 bits) in groups of four.
fn recovery_code(rng: &dyn Random) -> String {
    let mut out = String::with_capacity(19);
    let mut n = 0;
    while n < 16 {
        let mut b = [0u8; 1];
        rng.fill(&mut b);
        // 248 is the largest multiple of 31 that fits a byte.
        if b[0] >= 248 {
            continue;
        }
        if n > 0 && n % 4 == 0 {
            out.push('-');
        }
        if let Some(c) = RECOVERY_ALPHABET.get(usize::from(b[0]) % RECOVERY_ALPHABET.len()) {
            out.push(char::from(*c));
            n += 1;
        }
    }
    out
}

/// The form recovery codes are stored in: lower case, without dashes or spaces.
pub fn normalize_recovery_code(typed: &str) -> Option<String> {
    let c: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (c.len() == 16 && c.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(c)
}

/// A fresh set of recovery codes, replacing the old set; shown to the member once.
pub async fn new_recovery_codes(
    stores: &Stores,
    user: &User,
    origin: &Origin,
) -> SfResult<Vec<String>> {
    let now = stores.clock.now();
    let creds = credentials(stores, &user.id).await?;
    if !has_factor(&creds, crate::passkeys::count(stores, &user.id).await?) {
        return Err(SecondFactorError::NotSetUp);
    }
    let (codes, change, recorded) = fresh_recovery_codes(stores, user, origin, now);
    record(stores, &[change], &[recorded]).await?;
    Ok(codes)
}

fn enrolment_key(owner: &str) -> String {
    format!("totp-enrol:{}", TokenDigest::of(owner).to_hex())
}

/// The secret offered for enrolment to `owner` (a session or a half-finished sign-in):
/// the one issued before if it is still waiting, so a reload shows the same QR code.
pub async fn begin_enrolment(
    stores: &Stores,
    key: &MasterKey,
    owner: &str,
) -> SfResult<TotpSecret> {
    let k = enrolment_key(owner);
    if let Some(sealed) = stores.ephemeral.get(&k).await? {
        return Ok(TotpSecret::from_bytes(
            key.open(totp::SEAL_PURPOSE, &sealed)?,
        ));
    }
    let secret = TotpSecret::generate(stores.random.as_ref());
    let sealed = key.seal(stores.random.as_ref(), totp::SEAL_PURPOSE, secret.expose());
    stores.ephemeral.put(&k, &sealed, ENROLMENT_TTL).await?;
    Ok(secret)
}

/// Confirms enrolment with a code from the app. Only the secret the server issued to
/// `owner` can be enrolled, and only where the member's organization allows an app.
/// Returns the new recovery codes.
pub async fn complete_enrolment(
    stores: &Stores,
    key: &MasterKey,
    user: &User,
    owner: &str,
    code: &str,
    origin: &Origin,
) -> SfResult<Vec<String>> {
    may_set_up(
        &policy::policy_of_org(stores, &user.org_id).await?,
        FactorKind::Totp,
    )?;
    let now = stores.clock.now();
    let mut creds = stores
        .credentials
        .find_by_user(&user.id)
        .await?
        .unwrap_or_else(|| Credentials::empty(user.id.clone(), now));
    refuse_if_locked(&creds, now)?;
    let k = enrolment_key(owner);
    let Some(sealed) = stores.ephemeral.get(&k).await? else {
        return Err(SecondFactorError::EnrolmentExpired);
    };
    let check = check_totp(stores.ephemeral.as_ref(), key, &user.id, &sealed, code, now);
    guarded_check(stores, user, SecondFactorMethod::Totp, origin, check).await?;
    if stores.ephemeral.take(&k).await?.is_none() {
        return Err(SecondFactorError::EnrolmentExpired);
    }
    let replaced = creds.totp_secret_sealed.is_some();
    creds.totp_secret_sealed = Some(sealed);
    creds.totp_enrolled_at = Some(now);
    creds.totp_last_used_at = Some(now);
    creds.updated_at = now;
    let enrolled = event(
        user,
        ActivityType::SecuritySettingsChange,
        EventKind::Create,
        origin,
        now,
        serde_json::json!({"method": SecondFactorMethod::Totp, "replaced": replaced}),
    );
    let (codes, new_codes, codes_made) = fresh_recovery_codes(stores, user, origin, now);
    record(
        stores,
        &[Change::UpdateCredentials(creds), new_codes],
        &[enrolled, codes_made],
    )
    .await?;
    Ok(codes)
}

async fn check_password(stores: &Stores, creds: &Credentials, password: Password) -> SfResult<()> {
    let Some(phc) = creds.password_hash.clone() else {
        stores.passwords.burn(password).await?;
        return Err(SecondFactorError::WrongPassword);
    };
    if stores.passwords.verify(password, phc).await? {
        Ok(())
    } else {
        Err(SecondFactorError::WrongPassword)
    }
}

/// Removes the authenticator app, and with it every recovery code.
pub async fn remove_authenticator(
    stores: &Stores,
    user: &User,
    password: Password,
    origin: &Origin,
) -> SfResult<()> {
    let now = stores.clock.now();
    let mut creds = credentials(stores, &user.id).await?;
    check_password(stores, &creds, password).await?;
    if creds.totp_secret_sealed.is_none() {
        return Err(SecondFactorError::NotSetUp);
    }
    creds.totp_secret_sealed = None;
    creds.totp_enrolled_at = None;
    creds.totp_last_used_at = None;
    creds.updated_at = now;
    let removed = event(
        user,
        ActivityType::SecuritySettingsChange,
        EventKind::Delete,
        origin,
        now,
        serde_json::json!({"method": SecondFactorMethod::Totp, "recovery_codes_deleted": true}),
    );
    let no_codes = Change::ReplaceRecoveryCodes {
        user: user.id.clone(),
        digests: Vec::new(),
        now,
    };
    record(
        stores,
        &[Change::UpdateCredentials(creds), no_codes],
        &[removed],
    )
    .await?;
    Ok(())
}

/// Turns emailed codes on or off as a method.
pub async fn set_email_codes(
    stores: &Stores,
    user: &User,
    enabled: bool,
    origin: &Origin,
) -> SfResult<()> {
    let now = stores.clock.now();
    let mut creds = credentials(stores, &user.id).await?;
    if creds.email_otp_enabled == enabled {
        return Ok(());
    }
    if enabled && !offered(stores, user).await?.email_code {
        return Err(SecondFactorError::NotAllowed);
    }
    creds.email_otp_enabled = enabled;
    creds.email_otp_enabled_at = enabled.then_some(now);
    creds.email_otp_last_used_at = None;
    creds.updated_at = now;
    let changed = event(
        user,
        ActivityType::SecuritySettingsChange,
        if enabled {
            EventKind::Create
        } else {
            EventKind::Delete
        },
        origin,
        now,
        serde_json::json!({"method": SecondFactorMethod::EmailCode,
                           "before": !enabled, "after": enabled}),
    );
    record(stores, &[Change::UpdateCredentials(creds)], &[changed]).await?;
    if !enabled {
        forget_email_code(stores, &user.id).await;
    }
    Ok(())
}

/// The member turns off every second-factor method, after proving their password.
pub async fn reset_own(
    stores: &Stores,
    user: &User,
    password: Password,
    origin: &Origin,
) -> SfResult<()> {
    let now = stores.clock.now();
    let creds = credentials(stores, &user.id).await?;
    check_password(stores, &creds, password).await?;
    let reset = event(
        user,
        ActivityType::SecondFactorReset,
        EventKind::Delete,
        origin,
        now,
        serde_json::json!({"by": "self"}),
    );
    let change = Change::ResetSecondFactor {
        user: user.id.clone(),
        now,
    };
    record(stores, &[change], &[reset]).await?;
    forget_email_code(stores, &user.id).await;
    forget_text_codes(stores, &user.id).await;
    Ok(())
}

/// An administrator (or an operator, or a service client) removes every second factor
/// of `target`, lifting any lock. Needs the two-factor permission over their organization.
pub async fn reset_by_admin(
    stores: &Stores,
    by: &Actor,
    target: &User,
    origin: &Origin,
) -> SfResult<()> {
    let now = stores.clock.now();
    let org = stores
        .orgs
        .find_by_id(&target.org_id)
        .await?
        .ok_or(SecondFactorError::Forbidden)?;
    match authz::require(
        stores,
        by,
        &org,
        Permission::TwoFactor,
        origin,
        "reset_second_factor",
    )
    .await
    {
        Ok(()) => {}
        Err(AuthzError::Forbidden(_)) => return Err(SecondFactorError::Forbidden),
        Err(AuthzError::Store(e)) => return Err(e.into()),
    }
    let before = stores.credentials.find_by_user(&target.id).await?;
    let passkeys_before = crate::passkeys::count(stores, &target.id).await?;
    let was_locked = before
        .as_ref()
        .and_then(|c| c.second_factor_lock.locked_until(now))
        .is_some();
    let by_text = match by {
        Actor::Member(a) => a.email.to_string(),
        Actor::Service { client, .. } => format!("client {}", client.id),
        Actor::Operator => "command line".to_owned(),
    };
    let mut done = event(
        target,
        ActivityType::SecondFactorReset,
        EventKind::Delete,
        origin,
        now,
        serde_json::json!({
            "by": by_text,
            "before": {
                "authenticator": before.as_ref().is_some_and(|c| c.totp_secret_sealed.is_some()),
                "email_codes": before.as_ref().is_some_and(|c| c.email_otp_enabled),
                "phone": before.as_ref().and_then(|c| c.phone_number.as_ref()).map(PhoneNumber::masked),
                "passkeys": passkeys_before,
                "locked": was_locked,
            },
            "after": {"authenticator": false, "email_codes": false, "phone": null, "passkeys": 0,
                      "locked": false},
        }),
    );
    (done.actor_kind, done.actor_id) = by.audit();
    let mut events = vec![done];
    if was_locked {
        let mut unlocked = event(
            target,
            ActivityType::AccountLock,
            EventKind::Edit,
            origin,
            now,
            serde_json::json!({"lock": "second_factor", "before": "locked", "after": "unlocked",
                               "by": "second_factor_reset"}),
        );
        (unlocked.actor_kind, unlocked.actor_id) = by.audit();
        events.push(unlocked);
    }
    let change = Change::ResetSecondFactor {
        user: target.id.clone(),
        now,
    };
    record(stores, &[change], &events).await?;
    forget_email_code(stores, &target.id).await;
    forget_text_codes(stores, &target.id).await;
    Ok(())
}

/// Drops an emailed code still pending, once emailed codes were turned off in the
/// database. Best effort: the change is saved, and a code is accepted only while
/// emailed codes are on (`verify`), so one left behind by an unreachable ephemeral store
/// is useless and expires by itself; failing here would report a saved change as failed.
async fn forget_email_code(stores: &Stores, user: &UserId) {
    let _ = stores.ephemeral.delete(&email_code_key(user)).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;
    use crate::testing::MemoryEphemeral;

    const T0: Timestamp = Timestamp::from_secs(1_800_000_000);

    fn hours(h: u64) -> Duration {
        Duration::from_secs(h * 3600)
    }

    /// One wrong code at `t`: admitted, then settled as wrong.
    fn wrong(lock: SecondFactorLock, t: Timestamp) -> SecondFactorLock {
        match lock.admit(t) {
            Ok(admitted) => admitted.after_wrong(t),
            Err((locked, _)) => locked.unwrap_or(lock),
        }
    }

    #[test]
    fn sign_in_enrolment_offers_only_the_kinds_policy_allows() {
        let only = |kinds: &[FactorKind]| EffectivePolicy {
            allowed_second_factors: kinds.to_vec(),
            ..EffectivePolicy::default()
        };
        let all = enrol_kinds(&EffectivePolicy::default(), true);
        assert_eq!(
            all,
            EnrolKinds {
                totp: true,
                passkey: true,
                email_code: true
            }
        );
        // Passkeys off on the server: not offered, whatever policy says.
        assert!(!enrol_kinds(&EffectivePolicy::default(), false).passkey);
        // An organization without apps: no app set-up at sign-in.
        let no_app = enrol_kinds(&only(&[FactorKind::Passkey, FactorKind::EmailCode]), true);
        assert!(!no_app.totp && no_app.passkey && no_app.email_code);
        let passkeys_only = enrol_kinds(&only(&[FactorKind::Passkey]), true);
        assert_eq!(
            passkeys_only,
            EnrolKinds {
                passkey: true,
                ..EnrolKinds::default()
            }
        );
        assert!(!enrol_kinds(&only(&[FactorKind::Passkey]), false).any());
        // Text messages need a proven number first: nothing to set up at sign-in.
        assert!(!enrol_kinds(&only(&[FactorKind::SmsCode]), true).any());
        assert_eq!(
            enrol_kinds(&only(&[FactorKind::SmsCode, FactorKind::EmailCode]), true),
            EnrolKinds {
                email_code: true,
                ..EnrolKinds::default()
            }
        );
    }

    #[test]
    fn an_app_is_not_set_up_where_the_organization_disallows_it() {
        let no_app = EffectivePolicy {
            allowed_second_factors: vec![FactorKind::Passkey, FactorKind::EmailCode],
            ..EffectivePolicy::default()
        };
        assert!(matches!(
            may_set_up(&no_app, FactorKind::Totp),
            Err(SecondFactorError::NotAllowed)
        ));
        assert!(may_set_up(&no_app, FactorKind::Passkey).is_ok());
        assert!(may_set_up(&EffectivePolicy::default(), FactorKind::Totp).is_ok());
    }

    #[test]
    fn the_first_passkey_brings_recovery_codes_unless_some_are_left() {
        assert!(recovery_codes_due(1, 0));
        assert!(!recovery_codes_due(1, 3), "codes left from an app");
        assert!(!recovery_codes_due(2, 0), "not the first passkey");
        assert!(!recovery_codes_due(0, 0));
    }

    #[test]
    fn tries_left_are_told_from_the_third_failure_on() {
        let mut lock = SecondFactorLock::default();
        let mut told = Vec::new();
        for i in 1..=LOCK_AFTER_FAILURES {
            let at = T0.plus(hours(u64::try_from(i).unwrap()));
            lock = wrong(lock, at);
            told.push(lock.attempts_left(at));
        }
        assert_eq!(
            told,
            [
                None,
                None,
                Some(7),
                Some(6),
                Some(5),
                Some(4),
                Some(3),
                Some(2),
                Some(1),
                None
            ],
            "the tenth failure locks, and a lock tells its own sentence"
        );
        let message = SecondFactorError::WrongCode {
            attempts_left: Some(1),
        }
        .message(&crate::i18n::Tr::new(crate::i18n::Language::En));
        assert!(message.contains("1 try left"), "{message}");
    }

    #[test]
    fn ten_failures_within_a_day_lock_for_a_day() {
        let mut lock = SecondFactorLock::default();
        for i in 1..LOCK_AFTER_FAILURES {
            lock = wrong(lock, T0.plus(hours(u64::try_from(i).unwrap())));
            assert_eq!(lock.failures, i);
            assert_eq!(lock.locked_until(T0.plus(hours(10))), None, "{i} failures");
        }
        let tenth = T0.plus(hours(20));
        lock = wrong(lock, tenth);
        let until = tenth.plus(LOCK_DURATION);
        assert_eq!(lock.locked_until(tenth), Some(until));
        assert_eq!(
            lock.locked_until(until.minus(Duration::from_secs(1))),
            Some(until)
        );
        assert_eq!(lock.locked_until(until), None, "lifted after 24 hours");
        // Checks while locked are refused and do not extend the lock.
        assert_eq!(lock.admit(tenth.plus(hours(1))), Err((None, until)));
        assert_eq!(wrong(lock, tenth.plus(hours(1))), lock);
        // After the lock, counting starts again.
        let fresh = wrong(lock, until);
        assert_eq!(fresh.failures, 1);
        assert_eq!(fresh.locked_until(until), None);
    }

    #[test]
    fn failures_spread_over_more_than_a_day_do_not_lock() {
        let mut lock = SecondFactorLock::default();
        let mut t = T0;
        for _ in 0..30 {
            lock = wrong(lock, t);
            assert_eq!(lock.locked_until(t), None);
            t = t.plus(hours(3));
        }
        assert!(lock.failures < LOCK_AFTER_FAILURES);
    }

    #[test]
    fn a_burst_of_checks_cannot_outrun_the_lock() {
        // Checks admitted but not yet settled count: the one past the limit is refused
        // before its code is looked at, and locks.
        let mut lock = SecondFactorLock::default();
        let mut admitted = Vec::new();
        for _ in 0..LOCK_AFTER_FAILURES {
            let a = lock.admit(T0).unwrap();
            admitted.push(a);
            lock = a;
        }
        let (locked, until) = lock.admit(T0).unwrap_err();
        let locked = locked.expect("the refusal locks");
        assert_eq!(until, T0.plus(LOCK_DURATION));
        assert_eq!(locked.locked_until(T0), Some(until));
        // A right code among the burst, settled after the lock, does not pass.
        assert_eq!(locked.after_right(&admitted[3], T0), Err(until));
        // And once locked, nothing more is admitted.
        assert_eq!(locked.admit(T0.plus(hours(1))), Err((None, until)));
    }

    #[test]
    fn a_right_code_takes_its_count_back() {
        let one_wrong = wrong(SecondFactorLock::default(), T0);
        let admitted = one_wrong.admit(T0).unwrap();
        assert_eq!(admitted.failures, 2);
        assert_eq!(admitted.after_right(&admitted, T0), Ok(one_wrong));
        // Settled after the window moved on, nothing is taken back from the new one.
        let later = T0.plus(LOCK_WINDOW);
        let next_window = wrong(admitted, later);
        assert_eq!(next_window.failures, 1);
        assert_eq!(next_window.after_right(&admitted, later), Ok(next_window));
    }

    #[test]
    fn the_tenth_wrong_code_locks_and_the_lock_is_never_extended() {
        let mut lock = SecondFactorLock::default();
        for _ in 0..LOCK_AFTER_FAILURES - 1 {
            lock = wrong(lock, T0);
        }
        let tenth = lock.admit(T0).unwrap();
        assert_eq!(tenth.locked_until(T0), None, "admitted, not yet locked");
        let locked = tenth.after_wrong(T0.plus(hours(1)));
        let until = T0.plus(hours(1)).plus(LOCK_DURATION);
        assert_eq!(locked.locked_until(T0.plus(hours(1))), Some(until));
        assert_eq!(locked.after_wrong(T0.plus(hours(2))), locked);
    }

    #[test]
    fn recovery_codes_are_long_distinct_and_normalized() {
        let codes: Vec<String> = (0..50).map(|_| recovery_code(&OsRandom)).collect();
        for c in &codes {
            assert_eq!(c.len(), 19, "{c}");
            assert_eq!(c.matches('-').count(), 3);
            let n = normalize_recovery_code(c).unwrap();
            assert_eq!(normalize_recovery_code(&c.to_uppercase()), Some(n.clone()));
            assert_eq!(
                normalize_recovery_code(&format!(" {} ", c.replace('-', " "))),
                Some(n)
            );
        }
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
        for bad in [
            "",
            "abcd-efgh",
            "abcd-efgh-jkmn-pqrs-t",
            "abcd-efgh-jkmn-pqr1",
            "abcd-efgh-jkmn-pqr!",
        ] {
            assert_eq!(normalize_recovery_code(bad), None, "{bad:?}");
        }
    }

    #[tokio::test]
    async fn a_code_is_accepted_once_per_member_and_step() {
        let memory = MemoryEphemeral::default();
        let key = MasterKey::generate(&OsRandom);
        let secret = TotpSecret::generate(&OsRandom);
        let sealed = key.seal(&OsRandom, totp::SEAL_PURPOSE, secret.expose());
        let ada = UserId::generate();
        let bob = UserId::generate();
        let now = T0;
        let code = totp::code_at_step(&secret, totp::step_at(now));
        assert!(
            check_totp(&memory, &key, &ada, &sealed, &code, now)
                .await
                .unwrap()
        );
        assert!(
            !check_totp(
                &memory,
                &key,
                &ada,
                &sealed,
                &code,
                now.plus(Duration::from_secs(20))
            )
            .await
            .unwrap(),
            "the same code again is refused"
        );
        assert!(
            check_totp(&memory, &key, &bob, &sealed, &code, now)
                .await
                .unwrap(),
            "the cache is per member"
        );
        let next = totp::code_at_step(&secret, totp::step_at(now) + 1);
        assert!(
            check_totp(&memory, &key, &ada, &sealed, &next, now)
                .await
                .unwrap(),
            "the next step still works"
        );
        assert!(
            !check_totp(&memory, &key, &ada, &sealed, "000000x", now)
                .await
                .unwrap()
        );
        let other = key.seal(&OsRandom, "idp/other", secret.expose());
        assert!(
            check_totp(&memory, &key, &ada, &other, &code, now)
                .await
                .is_err(),
            "sealed for another purpose"
        );
    }

    #[tokio::test]
    async fn a_text_code_works_once_and_only_for_the_number_it_went_to() {
        let memory = MemoryEphemeral::default();
        let ada = UserId::generate();
        let key = sms_code_key(&ada);
        let number = PhoneNumber::parse("+82 10 1234 5612").unwrap();
        let other = PhoneNumber::parse("+82 10 9999 5612").unwrap();
        let code = six_digits(&OsRandom);
        let put = |n: &PhoneNumber| {
            let digest = TokenDigest::of(&sms_bound(n, &code));
            let memory = &memory;
            let key = key.clone();
            async move {
                memory
                    .put(&key, digest.as_bytes(), SMS_CODE_TTL)
                    .await
                    .unwrap()
            }
        };
        put(&number).await;
        assert!(
            !take_matching_code(&memory, &key, &other, &code)
                .await
                .unwrap(),
            "a code sent to another number proves nothing"
        );
        assert!(
            !take_matching_code(&memory, &key, &number, "12345x")
                .await
                .unwrap()
        );
        assert!(
            !take_matching_code(&memory, &key, &number, "")
                .await
                .unwrap()
        );
        let spaced = format!("{} {}", code.get(..3).unwrap(), code.get(3..).unwrap());
        assert!(
            take_matching_code(&memory, &key, &number, &spaced)
                .await
                .unwrap(),
            "typed with a space, as people read it out"
        );
        assert!(
            !take_matching_code(&memory, &key, &number, &code)
                .await
                .unwrap(),
            "usable once"
        );
        assert!(!memory.has(&key), "taken, not left behind");
        // A code whose time ran out is gone from the store: refused like any other.
        put(&number).await;
        memory.flush();
        assert!(
            !take_matching_code(&memory, &key, &number, &code)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn text_messages_are_limited_per_member_and_per_number() {
        let memory = MemoryEphemeral::default();
        let ada = UserId::generate();
        let bob = UserId::generate();
        let number = PhoneNumber::parse("+14155550100").unwrap();
        for _ in 0..SMS_CODES_PER_MEMBER {
            admit_text(&memory, &ada, &number).await.unwrap();
        }
        assert!(matches!(
            admit_text(&memory, &ada, &number).await,
            Err(SecondFactorError::TooManyTexts)
        ));
        assert!(
            matches!(
                admit_text(&memory, &bob, &number).await,
                Err(SecondFactorError::TooManyTexts)
            ),
            "the same number typed by another member is limited too"
        );
        let bobs = PhoneNumber::parse("+14155550199").unwrap();
        admit_text(&memory, &bob, &bobs).await.unwrap();
        assert_eq!(SMS_CODE_TTL, Duration::from_secs(600), "valid ten minutes");
    }

    #[test]
    fn text_codes_are_an_allowed_kind_and_recovery_codes_no_kind() {
        assert_eq!(SecondFactorMethod::SmsCode.as_str(), "sms_code");
        assert_eq!("sms_code".parse().ok(), Some(SecondFactorMethod::SmsCode));
        assert_eq!(
            SecondFactorMethod::SmsCode.kind(),
            Some(FactorKind::SmsCode)
        );
        assert_eq!(SecondFactorMethod::RecoveryCode.kind(), None);
        let now = T0;
        let mut creds = Credentials::empty(UserId::generate(), now);
        creds.phone_number = Some(PhoneNumber::parse("+14155550100").unwrap());
        assert!(!has_factor(&creds, 0), "an unproven number is no factor");
        assert!(has_factor(&creds, 1), "a passkey is one");
        creds.phone_verified_at = Some(now);
        assert!(has_factor(&creds, 0));
        let all = EffectivePolicy::default();
        assert!(has_allowed_factor(&creds, 0, &all, true));
        let texts_only = EffectivePolicy {
            allowed_second_factors: vec![FactorKind::SmsCode],
            ..EffectivePolicy::default()
        };
        assert!(has_allowed_factor(&creds, 0, &texts_only, true));
        assert!(
            !has_allowed_factor(&creds, 0, &texts_only, false),
            "no gateway, no texts"
        );
        let no_texts = EffectivePolicy {
            allowed_second_factors: vec![FactorKind::Totp, FactorKind::EmailCode],
            ..EffectivePolicy::default()
        };
        // The emailed code, the way out when a text does not arrive, still counts.
        assert!(has_allowed_factor(&creds, 0, &no_texts, true));
        let app_only = EffectivePolicy {
            allowed_second_factors: vec![FactorKind::Totp],
            ..EffectivePolicy::default()
        };
        assert!(!has_allowed_factor(&creds, 0, &app_only, true));
        // A passkey counts where passkeys are allowed, and only there.
        let none = Credentials::empty(UserId::generate(), now);
        assert!(has_allowed_factor(&none, 1, &all, false));
        assert!(!has_allowed_factor(&none, 1, &app_only, false));
    }

    #[test]
    fn six_digit_codes_are_six_digits() {
        for _ in 0..200 {
            let c = six_digits(&OsRandom);
            assert_eq!(totp::normalize_code(&c), Some(c));
        }
    }
}
