//! Organization policy as it applies to one member. A setting made on an organization
//! holds for its sub-organizations unless one nearer the member sets its own.

use crate::client::wire_enum;
use crate::i18n::{Language, Tr};
use crate::ids::OrgId;
use crate::org::Organization;
use crate::ports::{StoreError, Stores};
use crate::records::{IpListEntry, IpListPurpose, OrgPolicyRecord, User};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::time::Duration;

wire_enum!(
    /// Who must prove a second factor when signing in with email and password.
    TwoFactorScope, "two-factor scope" {
        Off => "off",
        Everybody => "everybody",
        Administrators => "administrators",
    }
);

wire_enum!(
    /// A kind of second factor an organization may allow its members to use. Recovery
    /// codes are no kind of their own: they stand in for whichever factor was lost.
    FactorKind, "second-factor kind" {
        Totp => "totp",
        Passkey => "passkey",
        EmailCode => "email_code",
        // NIST SP 800-63B §5.1.3.3: a restricted authenticator.
        SmsCode => "sms_code",
    }
);

wire_enum!(
    /// What a passkey whose signature counter went backwards (a possible copy of the
    /// key) does to the sign-in; recorded in the audit log either way.
    CounterRegression, "counter-regression rule" {
        Refuse => "refuse",
        Allow => "allow",
    }
);

/// Why `value` is not a set of policy settings: the first setting that cannot be read
/// (each is tried alone, so the refusal names it).
fn explain(value: &serde_json::Value) -> Unreadable {
    let Some(settings) = value.as_object() else {
        return Unreadable::NotAnObject;
    };
    for (name, v) in settings {
        let alone = serde_json::json!({ name: v });
        if let Err(e) = serde_json::from_value::<PolicySettings>(alone) {
            return refusal(name, v, &e.to_string());
        }
    }
    Unreadable::Unknown
}

/// serde's words for a refused value, turned into what the administrator is told.
fn refusal(name: &str, value: &serde_json::Value, serde: &str) -> Unreadable {
    // "unknown field `x`, expected one of `a`, `b`" / "unknown variant `x`, expected …"
    let choices = || {
        serde
            .split_once("expected one of ")
            .map(|(_, list)| list.replace('`', ""))
            .unwrap_or_default()
    };
    let name = name.to_owned();
    let value = value.to_string();
    if serde.starts_with("unknown field") {
        Unreadable::UnknownSetting {
            name,
            settings: choices(),
        }
    } else if serde.starts_with("unknown variant") {
        Unreadable::NotOneOf {
            name,
            choices: choices(),
            value,
        }
    } else if serde.contains("expected u32") {
        Unreadable::NotWholeNumber { name, value }
    } else if serde.contains("expected a boolean") {
        Unreadable::NotTrueOrFalse { name, value }
    } else if serde.contains("expected a sequence") {
        Unreadable::NotAList { name, value }
    } else {
        Unreadable::Refused { name, value }
    }
}

/// Why policy settings as sent cannot be read. `Display` is the English sentence logs,
/// the API and the command line give; [`Unreadable::message`] is the reader's.
/// Values are shown as JSON (`"sometimes"`, `12`).
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum Unreadable {
    #[error("The policy settings must be an object of name and value pairs.")]
    NotAnObject,
    #[error("{name} is not a policy setting; the settings are: {settings}.")]
    UnknownSetting { name: String, settings: String },
    #[error("{name} must be one of: {choices}; not {value}.")]
    NotOneOf {
        name: String,
        choices: String,
        value: String,
    },
    #[error("{name} must be a whole number of 0 or more, not {value}.")]
    NotWholeNumber { name: String, value: String },
    #[error("{name} must be true or false, not {value}.")]
    NotTrueOrFalse { name: String, value: String },
    #[error("{name} must be a list, not {value}.")]
    NotAList { name: String, value: String },
    #[error("{name} cannot be {value}.")]
    Refused { name: String, value: String },
    #[error("The policy settings cannot be read.")]
    Unknown,
}

impl Unreadable {
    /// The refusal as a sentence in the reader's language; setting names and values
    /// stay as sent.
    pub fn message(&self, tr: &Tr) -> String {
        match self {
            Unreadable::NotAnObject => tr.t("console-policy-not-an-object"),
            Unreadable::UnknownSetting { name, settings } => tr.t2(
                "console-policy-unknown-setting",
                "name",
                name,
                "settings",
                settings,
            ),
            Unreadable::NotOneOf {
                name,
                choices,
                value,
            } => tr.message(
                "console-policy-not-one-of",
                &[("name", name), ("choices", choices), ("value", value)],
            ),
            Unreadable::NotWholeNumber { name, value } => tr.t2(
                "console-policy-not-whole-number",
                "name",
                name,
                "value",
                value,
            ),
            Unreadable::NotTrueOrFalse { name, value } => tr.t2(
                "console-policy-not-true-or-false",
                "name",
                name,
                "value",
                value,
            ),
            Unreadable::NotAList { name, value } => {
                tr.t2("console-policy-not-a-list", "name", name, "value", value)
            }
            Unreadable::Refused { name, value } => {
                tr.t2("console-policy-refused-value", "name", name, "value", value)
            }
            Unreadable::Unknown => tr.t("console-policy-unreadable"),
        }
    }
}

/// What an organization sets for itself; `None` leaves a setting to the organizations
/// above it, down from the main organization, and then to the defaults of
/// [`EffectivePolicy`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySettings {
    /// Email-and-password sign-in at all; set on the main organization only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_password_login: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor_scope: Option<TwoFactorScope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_min_length: Option<u32>,
    /// How many of lower case, upper case, digits and other characters a password needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_character_classes: Option<u32>,
    /// 0: passwords never expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_expiry_days: Option<u32>,
    /// How many earlier passwords may not be used again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_history: Option<u32>,
    /// Consecutive failed sign-ins that lock the account; 0: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockout_after_failures: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_lifetime_hours: Option<u32>,
    /// Whether members on leave of absence may sign in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leave_of_absence_sign_in: Option<bool>,
    /// Whether the IP allow-list binds the super administrator too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_allow_list_super_admin: Option<bool>,
    /// The applications (client ids) whose sign-ins the allow-list restricts; absent or
    /// empty: every sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_allow_list_clients: Option<Vec<String>>,
    /// How long audit events are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_retention_days: Option<u32>,
    /// Whether members may sign in with Google.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_sign_in: Option<bool>,
    /// The Google Workspace domains (`hd`) accepted; absent or empty: any verified address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_hosted_domains: Option<Vec<String>>,
    /// Whether members may sign in with Microsoft Entra ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entra_sign_in: Option<bool>,
    /// The Entra ID tenant ids (`tid`) accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entra_allowed_tenants: Option<Vec<String>>,
    /// Whether an upstream sign-in that matches no member creates one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub just_in_time_provisioning: Option<bool>,
    /// Whether members may sign in with a passkey alone (user verification makes it a
    /// multi-factor sign-in); off by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey_sign_in: Option<bool>,
    /// The language of pages and emails for readers who ask for none `idp` ships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_language: Option<Language>,
    /// The organization's name on its sign-in pages, emails and console (1–80 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_display_name: Option<String>,
    /// The primary colour of its sign-in pages, `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_primary_color: Option<String>,
    /// Where members get help: an email address or an https URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_support_contact: Option<String>,
    /// The kinds of second factor members may use (at least one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_second_factors: Option<Vec<FactorKind>>,
    /// Whether members who administer anything must prove a passkey as their second
    /// factor (where passkeys are allowed); off by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admins_require_passkey: Option<bool>,
    /// Whether a passkey whose counter went backwards may still sign in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey_counter_regression: Option<CounterRegression>,
    /// The authenticator models (AAGUIDs) passkeys may be added from; absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey_aaguids: Option<Vec<String>>,
}

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum PolicyError {
    #[error("{setting} must be between {min} and {max}")]
    OutOfRange {
        setting: &'static str,
        min: u32,
        max: u32,
    },
    #[error("email_password_login is set on the main organization only")]
    RootOnly,
    /// Names the setting and what it takes.
    #[error("{0}")]
    Unreadable(Unreadable),
    #[error("{setting} holds {value:?}, which is not {expected}")]
    BadEntry {
        setting: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(transparent)]
    Brand(#[from] crate::branding::BrandingError),
    #[error("allowed_second_factors must allow at least one kind of second factor")]
    NoSecondFactorAllowed,
    #[error("allowed_second_factors names {0} twice")]
    SecondFactorTwice(FactorKind),
    #[error("admins_require_passkey needs passkeys among the allowed_second_factors")]
    PasskeyRequiredNotAllowed,
}

impl PolicyError {
    /// The refusal as a sentence in the reader's language (`Display` stays the English
    /// of logs, the API and the command line). Setting names are the API's; branding rules are
    /// still English.
    pub fn message(&self, tr: &Tr) -> String {
        match self {
            PolicyError::OutOfRange { setting, min, max } => tr.message(
                "console-policy-out-of-range",
                &[("name", setting), ("min", min), ("max", max)],
            ),
            PolicyError::RootOnly => tr.t("console-policy-root-only"),
            PolicyError::Unreadable(u) => u.message(tr),
            PolicyError::BadEntry { setting, value, .. } => match *setting {
                "google_hosted_domains" => tr.t1("console-policy-bad-domain", "value", value),
                "entra_allowed_tenants" => tr.t1("console-policy-bad-tenant", "value", value),
                "passkey_aaguids" => tr.t1("console-policy-bad-aaguid", "value", value),
                _ => crate::admin::sentence(&self.to_string()),
            },
            PolicyError::Brand(b) => b.message(tr),
            PolicyError::NoSecondFactorAllowed => tr.t("console-policy-no-second-factor"),
            PolicyError::SecondFactorTwice(kind) => {
                tr.t1("console-policy-second-factor-twice", "kind", kind.as_str())
            }
            PolicyError::PasskeyRequiredNotAllowed => {
                tr.t("console-policy-passkey-required-not-allowed")
            }
        }
    }
}

impl PolicySettings {
    /// Parses settings as an administrator sends them: unknown keys are errors.
    pub fn parse(value: &serde_json::Value) -> Result<Self, PolicyError> {
        serde_json::from_value(value.clone()).map_err(|_| PolicyError::Unreadable(explain(value)))
    }

    /// Settings as stored; what cannot be read is left to the parent, never enforced half.
    pub fn from_stored(value: &serde_json::Value) -> Self {
        Self::parse(value).unwrap_or_default()
    }

    /// Checks every value is one `idp` can enforce, for an organization at the root or below.
    pub fn validate(&self, is_root: bool) -> Result<(), PolicyError> {
        if self.email_password_login.is_some() && !is_root {
            return Err(PolicyError::RootOnly);
        }
        let ranges: [(&'static str, Option<u32>, u32, u32); 8] = [
            ("audit_retention_days", self.audit_retention_days, 1, 3650),
            ("password_min_length", self.password_min_length, 8, 128),
            (
                "password_character_classes",
                self.password_character_classes,
                0,
                4,
            ),
            ("password_expiry_days", self.password_expiry_days, 0, 3650),
            ("password_history", self.password_history, 0, 24),
            (
                "lockout_after_failures",
                self.lockout_after_failures,
                0,
                100,
            ),
            (
                "idle_timeout_minutes",
                self.idle_timeout_minutes,
                1,
                7 * 24 * 60,
            ),
            (
                "session_lifetime_hours",
                self.session_lifetime_hours,
                1,
                365 * 24,
            ),
        ];
        for (setting, value, min, max) in ranges {
            if let Some(v) = value
                && !(min..=max).contains(&v)
            {
                return Err(PolicyError::OutOfRange { setting, min, max });
            }
        }
        for domain in self.google_hosted_domains.iter().flatten() {
            let labels_ok = domain.split('.').count() >= 2
                && domain.split('.').all(|l| {
                    !l.is_empty()
                        && l.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                });
            if !labels_ok {
                return Err(PolicyError::BadEntry {
                    setting: "google_hosted_domains",
                    value: domain.clone(),
                    expected: "a domain name in lower case, like example.com",
                });
            }
        }
        crate::branding::validate(self)?;
        if let Some(kinds) = &self.allowed_second_factors {
            if kinds.is_empty() {
                return Err(PolicyError::NoSecondFactorAllowed);
            }
            for (i, kind) in kinds.iter().enumerate() {
                if kinds.iter().take(i).any(|k| k == kind) {
                    return Err(PolicyError::SecondFactorTwice(*kind));
                }
            }
        }
        if self.admins_require_passkey == Some(true)
            && self
                .allowed_second_factors
                .as_ref()
                .is_some_and(|k| !k.contains(&FactorKind::Passkey))
        {
            return Err(PolicyError::PasskeyRequiredNotAllowed);
        }
        for aaguid in self.passkey_aaguids.iter().flatten() {
            if uuid::Uuid::try_parse(aaguid).is_err() {
                return Err(PolicyError::BadEntry {
                    setting: "passkey_aaguids",
                    value: aaguid.clone(),
                    expected: "an authenticator model's AAGUID (a UUID)",
                });
            }
        }
        for tenant in self.entra_allowed_tenants.iter().flatten() {
            if uuid::Uuid::try_parse(tenant).is_err() {
                return Err(PolicyError::BadEntry {
                    setting: "entra_allowed_tenants",
                    value: tenant.clone(),
                    expected: "a tenant id (a GUID)",
                });
            }
        }
        Ok(())
    }
}

/// The policy that applies to one member: every setting resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectivePolicy {
    pub email_password_login: bool,
    pub two_factor_scope: TwoFactorScope,
    pub password_min_length: usize,
    pub password_character_classes: usize,
    pub password_expiry: Option<Duration>,
    pub password_history: usize,
    pub lockout_after_failures: Option<u32>,
    pub idle_timeout: Option<Duration>,
    pub session_lifetime: Option<Duration>,
    pub leave_of_absence_sign_in: bool,
    pub ip_allow_list_super_admin: bool,
    pub ip_allow_list_clients: Vec<String>,
    pub audit_retention: Duration,
    pub google_sign_in: bool,
    pub google_hosted_domains: Vec<String>,
    pub entra_sign_in: bool,
    pub entra_allowed_tenants: Vec<String>,
    pub just_in_time_provisioning: bool,
    pub passkey_sign_in: bool,
    /// `None`: English, after whatever the reader asks for.
    pub default_language: Option<Language>,
    /// Never empty: every kind unless an organization allows fewer.
    pub allowed_second_factors: Vec<FactorKind>,
    pub admins_require_passkey: bool,
    pub passkey_counter_regression: CounterRegression,
    /// Empty: passkeys from any authenticator model.
    pub passkey_aaguids: Vec<uuid::Uuid>,
}

impl Default for EffectivePolicy {
    fn default() -> Self {
        Self {
            email_password_login: true,
            two_factor_scope: TwoFactorScope::Off,
            password_min_length: 12,
            password_character_classes: 0,
            password_expiry: None,
            password_history: 0,
            lockout_after_failures: Some(10),
            idle_timeout: None,
            session_lifetime: None,
            leave_of_absence_sign_in: false,
            ip_allow_list_super_admin: false,
            ip_allow_list_clients: Vec::new(),
            audit_retention: Duration::from_secs(365 * 86_400),
            google_sign_in: false,
            google_hosted_domains: Vec::new(),
            entra_sign_in: false,
            entra_allowed_tenants: Vec::new(),
            just_in_time_provisioning: false,
            passkey_sign_in: false,
            default_language: None,
            allowed_second_factors: FactorKind::ALL.to_vec(),
            admins_require_passkey: false,
            passkey_counter_regression: CounterRegression::Refuse,
            passkey_aaguids: Vec::new(),
        }
    }
}

impl EffectivePolicy {
    /// Whether a password set at `changed_at` has expired at `now`.
    pub fn password_expired(
        &self,
        changed_at: Option<crate::clock::Timestamp>,
        now: crate::clock::Timestamp,
    ) -> bool {
        self.password_expiry
            .zip(changed_at)
            .is_some_and(|(ttl, changed)| changed.plus(ttl) <= now)
    }

    /// Resolves settings listed from the main organization down to the member's own:
    /// the nearest organization that sets a value decides it.
    pub fn from_chain(chain: &[PolicySettings]) -> Self {
        let d = Self::default();
        let days = |n: u32| Duration::from_secs(u64::from(n) * 86_400);
        Self {
            email_password_login: chain
                .first()
                .and_then(|root| root.email_password_login)
                .unwrap_or(d.email_password_login),
            two_factor_scope: nearest(chain, |p| p.two_factor_scope).unwrap_or(d.two_factor_scope),
            password_min_length: nearest(chain, |p| p.password_min_length)
                .map_or(d.password_min_length, |n| n as usize),
            password_character_classes: nearest(chain, |p| p.password_character_classes)
                .map_or(d.password_character_classes, |n| n as usize),
            password_expiry: nearest(chain, |p| p.password_expiry_days)
                .map_or(d.password_expiry, |n| (n > 0).then(|| days(n))),
            password_history: nearest(chain, |p| p.password_history)
                .map_or(d.password_history, |n| n as usize),
            lockout_after_failures: nearest(chain, |p| p.lockout_after_failures)
                .map_or(d.lockout_after_failures, |n| (n > 0).then_some(n)),
            idle_timeout: nearest(chain, |p| p.idle_timeout_minutes)
                .map(|m| Duration::from_secs(u64::from(m) * 60)),
            session_lifetime: nearest(chain, |p| p.session_lifetime_hours)
                .map(|h| Duration::from_secs(u64::from(h) * 3600)),
            leave_of_absence_sign_in: nearest(chain, |p| p.leave_of_absence_sign_in)
                .unwrap_or(d.leave_of_absence_sign_in),
            ip_allow_list_super_admin: nearest(chain, |p| p.ip_allow_list_super_admin)
                .unwrap_or(d.ip_allow_list_super_admin),
            ip_allow_list_clients: nearest(chain, |p| p.ip_allow_list_clients.clone())
                .unwrap_or(d.ip_allow_list_clients),
            audit_retention: nearest(chain, |p| p.audit_retention_days)
                .map_or(d.audit_retention, days),
            google_sign_in: nearest(chain, |p| p.google_sign_in).unwrap_or(d.google_sign_in),
            google_hosted_domains: nearest(chain, |p| p.google_hosted_domains.clone())
                .unwrap_or(d.google_hosted_domains),
            entra_sign_in: nearest(chain, |p| p.entra_sign_in).unwrap_or(d.entra_sign_in),
            entra_allowed_tenants: nearest(chain, |p| p.entra_allowed_tenants.clone())
                .unwrap_or(d.entra_allowed_tenants),
            just_in_time_provisioning: nearest(chain, |p| p.just_in_time_provisioning)
                .unwrap_or(d.just_in_time_provisioning),
            passkey_sign_in: nearest(chain, |p| p.passkey_sign_in).unwrap_or(d.passkey_sign_in),
            default_language: nearest(chain, |p| p.default_language),
            allowed_second_factors: nearest(chain, |p| {
                p.allowed_second_factors.clone().filter(|k| !k.is_empty())
            })
            .unwrap_or(d.allowed_second_factors),
            admins_require_passkey: nearest(chain, |p| p.admins_require_passkey)
                .unwrap_or(d.admins_require_passkey),
            passkey_counter_regression: nearest(chain, |p| p.passkey_counter_regression)
                .unwrap_or(d.passkey_counter_regression),
            // Stored values were validated; one that is not a UUID admits nothing.
            passkey_aaguids: nearest(chain, |p| p.passkey_aaguids.clone()).map_or(
                d.passkey_aaguids,
                |list| {
                    list.iter()
                        .map(|a| uuid::Uuid::try_parse(a).unwrap_or(uuid::Uuid::max()))
                        .collect()
                },
            ),
        }
    }

    /// Whether this member's second factor must be a passkey: they administer
    /// something, the organization requires it of administrators, and passkeys are allowed.
    pub fn passkey_required(&self, is_admin: bool) -> bool {
        is_admin && self.admins_require_passkey && self.allows(FactorKind::Passkey)
    }

    /// Whether this member may use a second factor of this kind: [`Self::allows`], and
    /// only passkeys where [`Self::passkey_required`].
    pub fn allows_for(&self, kind: FactorKind, is_admin: bool) -> bool {
        self.allows(kind) && (kind == FactorKind::Passkey || !self.passkey_required(is_admin))
    }

    /// Whether a passkey from this authenticator model may be added.
    pub fn admits_aaguid(&self, aaguid: uuid::Uuid) -> bool {
        self.passkey_aaguids.is_empty() || self.passkey_aaguids.contains(&aaguid)
    }

    /// Whether members may use a second factor of this kind.
    pub fn allows(&self, kind: FactorKind) -> bool {
        self.allowed_second_factors.contains(&kind)
    }
}

/// The value set by the organization nearest the member (the chain runs from the main
/// organization down), if any sets it.
fn nearest<T>(chain: &[PolicySettings], f: impl Fn(&PolicySettings) -> Option<T>) -> Option<T> {
    chain.iter().rev().find_map(f)
}

/// The effective policy for members of `org`.
pub async fn effective_policy(
    stores: &Stores,
    org: &Organization,
) -> Result<EffectivePolicy, StoreError> {
    Ok(EffectivePolicy::from_chain(
        &settings_chain(stores, org).await?,
    ))
}

/// The effective policy of the organization with this id: its members' rules. An
/// organization that is gone has the defaults.
pub async fn policy_of_org(stores: &Stores, org: &OrgId) -> Result<EffectivePolicy, StoreError> {
    match stores.orgs.find_by_id(org).await? {
        Some(org) => effective_policy(stores, &org).await,
        None => Ok(EffectivePolicy::default()),
    }
}

/// The settings each organization from the main one down to `org` sets itself, in
/// that order: what [`EffectivePolicy::from_chain`] resolves.
pub async fn settings_chain(
    stores: &Stores,
    org: &Organization,
) -> Result<Vec<PolicySettings>, StoreError> {
    let mut chain = Vec::new();
    for id in ancestry(org) {
        chain.push(match stores.policies.find_policy(&id).await? {
            Some(p) => PolicySettings::from_stored(&p.settings),
            None => PolicySettings::default(),
        });
    }
    Ok(chain)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IpRangeError {
    #[error("{0:?} is not an IPv4 or IPv6 address or CIDR range")]
    Malformed(String),
}

/// An address or CIDR range from an organization's IP list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpRange(ipnet::IpNet);

impl IpRange {
    /// `203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`; a single address is its own range.
    pub fn parse(text: &str) -> Result<Self, IpRangeError> {
        let text = text.trim();
        if let Ok(net) = text.parse::<ipnet::IpNet>() {
            return Ok(Self(net.trunc()));
        }
        text.parse::<IpAddr>()
            .map(|ip| Self(ipnet::IpNet::from(canonical(ip))))
            .map_err(|_| IpRangeError::Malformed(text.to_owned()))
    }

    /// Whether `ip` lies in this range; an IPv4-mapped IPv6 address counts as its IPv4.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&canonical(ip))
    }

    pub fn prefix_len(&self) -> u8 {
        self.0.prefix_len()
    }
}

impl std::fmt::Display for IpRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// Entries an allow-list may hold.
pub const MAX_ALLOW_LIST: usize = 100;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AllowListError {
    #[error("an allow-list holds at most {MAX_ALLOW_LIST} entries; this one has {0}")]
    TooMany(usize),
    #[error(transparent)]
    Malformed(#[from] IpRangeError),
    #[error("{0} is too broad to be an allow-list entry (IPv4 needs /8 or narrower, IPv6 /16)")]
    TooBroad(String),
}

/// Checks a whole allow-list before anything is saved.
pub fn parse_allow_list(entries: &[String]) -> Result<Vec<IpRange>, AllowListError> {
    if entries.len() > MAX_ALLOW_LIST {
        return Err(AllowListError::TooMany(entries.len()));
    }
    entries
        .iter()
        .map(|e| {
            let range = IpRange::parse(e)?;
            let floor = match range.0 {
                ipnet::IpNet::V4(_) => 8,
                ipnet::IpNet::V6(_) => 16,
            };
            if range.prefix_len() < floor {
                return Err(AllowListError::TooBroad(e.trim().to_owned()));
            }
            Ok(range)
        })
        .collect()
}

/// Whether a sign-in from `ip` may go ahead under an allow-list. An empty list allows
/// everything; the super administrator is exempt unless the policy binds them too; a
/// list scoped to some applications restricts only their sign-ins.
pub fn ip_allowed(
    list: &[IpRange],
    policy: &EffectivePolicy,
    super_admin: bool,
    client: Option<&str>,
    ip: Option<IpAddr>,
) -> bool {
    if list.is_empty() || (super_admin && !policy.ip_allow_list_super_admin) {
        return true;
    }
    if !policy.ip_allow_list_clients.is_empty()
        && !client.is_some_and(|c| policy.ip_allow_list_clients.iter().any(|x| x == c))
    {
        return true;
    }
    ip.is_some_and(|ip| list.iter().any(|r| r.contains(ip)))
}

/// The list of `purpose` that applies in `org`: the nearest organization's non-empty
/// one, read from the member's own organization upwards until one is found.
pub async fn nearest_list(
    stores: &Stores,
    org: &Organization,
    purpose: IpListPurpose,
) -> Result<Vec<IpRange>, StoreError> {
    for id in ancestry(org).iter().rev() {
        let entries = stores.policies.find_ip_list(id, purpose).await?;
        if !entries.is_empty() {
            return Ok(ranges(&entries));
        }
    }
    Ok(Vec::new())
}

fn ranges(entries: &[IpListEntry]) -> Vec<IpRange> {
    entries
        .iter()
        .filter_map(|e| IpRange::parse(&e.cidr).ok())
        .collect()
}

/// The allow-list that applies in `org`.
pub async fn allow_list(stores: &Stores, org: &Organization) -> Result<Vec<IpRange>, StoreError> {
    nearest_list(stores, org, IpListPurpose::AllowSignIn).await
}

/// The client's address: the connection's peer, unless the peer is a trusted proxy, in
/// which case the nearest address in `X-Forwarded-For` (or `Forwarded: for=`) that is
/// not itself a trusted proxy.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    forwarded: Option<&str>,
    trusted: &[IpRange],
) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    let is_trusted = |ip: IpAddr| trusted.iter().any(|r| r.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let hops: Vec<IpAddr> = match (forwarded_for, forwarded) {
        (Some(xff), _) => xff
            .split(',')
            .filter_map(|h| h.trim().parse::<IpAddr>().ok())
            .collect(),
        (None, Some(fwd)) => fwd
            .split(',')
            .flat_map(|element| element.split(';'))
            .filter_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                if !k.trim().eq_ignore_ascii_case("for") {
                    return None;
                }
                let v = v.trim().trim_matches('"');
                let v = v
                    .strip_prefix('[')
                    .map_or(v, |r| r.split(']').next().unwrap_or(r));
                v.parse::<IpAddr>()
                    .ok()
                    .or_else(|| v.rsplit_once(':').and_then(|(h, _)| h.parse().ok()))
            })
            .collect(),
        (None, None) => Vec::new(),
    };
    Some(
        hops.into_iter()
            .rev()
            .map(canonical)
            .find(|ip| !is_trusted(*ip))
            .unwrap_or(peer),
    )
}

/// Reads a request's IP as the origin recorded it.
pub fn parse_ip(text: Option<&str>) -> Option<IpAddr> {
    text.and_then(|t| t.parse::<IpAddr>().ok()).map(canonical)
}

/// What decides whether a member is asked for a second factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondFactorPolicy {
    pub scope: TwoFactorScope,
    /// Addresses from which the second factor is not asked.
    pub skip_from: Vec<IpRange>,
}

impl SecondFactorPolicy {
    /// From the policy records and lists of the organizations from the root down.
    /// The nearest organization with a list of skip addresses decides them.
    pub fn from_chain(chain: &[OrgPolicyRecord], skip_lists: &[Vec<IpListEntry>]) -> Self {
        let settings: Vec<PolicySettings> = chain
            .iter()
            .map(|r| PolicySettings::from_stored(&r.settings))
            .collect();
        Self {
            scope: EffectivePolicy::from_chain(&settings).two_factor_scope,
            skip_from: skip_lists
                .iter()
                .rev()
                .find(|l| !l.is_empty())
                .map(|l| ranges(l))
                .unwrap_or_default(),
        }
    }
}

/// What the sign-in asks after the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecondFactorStep {
    /// Nothing more: the password is enough here.
    NotAsked,
    /// Prove a method the member has set up.
    Verify,
    /// Policy requires one and the member has none: set one up before any token.
    Enrol,
}

/// The "required for this member from this IP" decision. A member who set up a second
/// factor is asked for it even where policy would not require one; an address on the
/// skip list is never asked.
pub fn second_factor_step(
    policy: &SecondFactorPolicy,
    is_admin: bool,
    has_factor: bool,
    ip: Option<IpAddr>,
) -> SecondFactorStep {
    if ip.is_some_and(|ip| policy.skip_from.iter().any(|r| r.contains(ip))) {
        return SecondFactorStep::NotAsked;
    }
    let required = match policy.scope {
        TwoFactorScope::Off => false,
        TwoFactorScope::Everybody => true,
        TwoFactorScope::Administrators => is_admin,
    };
    match (has_factor, required) {
        (true, _) => SecondFactorStep::Verify,
        (false, true) => SecondFactorStep::Enrol,
        (false, false) => SecondFactorStep::NotAsked,
    }
}

/// The organizations from the main one down to `org`, in that order.
pub fn ancestry(org: &Organization) -> Vec<OrgId> {
    org.path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(OrgId::from_string)
        .collect()
}

/// Whether a member administers anything.
pub async fn is_admin(stores: &Stores, user: &User) -> Result<bool, StoreError> {
    Ok(user.super_admin
        || !stores
            .policies
            .find_admin_by_user(&user.id)
            .await?
            .is_empty())
}

/// The second-factor policy that applies to a member of `org`.
pub async fn second_factor_policy(
    stores: &Stores,
    org: &Organization,
) -> Result<SecondFactorPolicy, StoreError> {
    Ok(SecondFactorPolicy {
        scope: effective_policy(stores, org).await?.two_factor_scope,
        skip_from: nearest_list(stores, org, IpListPurpose::SkipSecondFactor).await?,
    })
}

/// Why a policy change that would leave people no way to sign in is refused. Nothing is
/// changed when it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignInWaysRefusal {
    #[error(
        "email and password sign-in stays on: no Google or Microsoft sign-in is enabled for this organization's members, so nobody could sign in; enable one on the Federation page first"
    )]
    NoUpstream,
    #[error(
        "email and password sign-in stays on: you have no linked Google or Microsoft account, so turning it off would leave you no way to sign in; sign in once with one of them to link it, then try again"
    )]
    WouldLockYouOut,
    #[error(
        "Google and Microsoft sign-in stay as they are: email and password sign-in is off, so turning off the last of them would leave this organization's members no way to sign in; turn email and password sign-in on first"
    )]
    LastUpstream,
    #[error(
        "Google and Microsoft sign-in stay as they are: email and password sign-in is off and your account is linked to none of the providers that would stay on, so this change would leave you no way to sign in"
    )]
    LastUpstreamForYou,
}

/// The providers a deployment is `configured` for that `policy` lets members use.
fn usable(
    policy: &EffectivePolicy,
    configured: &[crate::federation::Provider],
) -> Vec<crate::federation::Provider> {
    configured
        .iter()
        .copied()
        .filter(|p| p.allowed_by(policy))
        .collect()
}

/// Whether a policy change from `was` to `will` leaves a way to sign in: members who had
/// one (email and password, or a provider the deployment is `configured` for and the policy
/// allows) keep one, and so does an administrator making the change (`admin_linked`: the
/// providers their account is linked to; `None` for an operator on the server or a
/// service, who never sign in through a browser). A change to a policy that already left
/// no way in is not refused, so an organization is never stuck with it.
pub fn check_ways_in(
    was: &EffectivePolicy,
    will: &EffectivePolicy,
    configured: &[crate::federation::Provider],
    admin_linked: Option<&[crate::federation::Provider]>,
) -> Result<(), SignInWaysRefusal> {
    let (usable_was, usable_will) = (usable(was, configured), usable(will, configured));
    let switched_off = was.email_password_login && !will.email_password_login;
    let members = |p: &EffectivePolicy, usable: &[_]| p.email_password_login || !usable.is_empty();
    if members(was, &usable_was) && !members(will, &usable_will) {
        return Err(if switched_off {
            SignInWaysRefusal::NoUpstream
        } else {
            SignInWaysRefusal::LastUpstream
        });
    }
    if let Some(linked) = admin_linked {
        let admin = |p: &EffectivePolicy, usable: &[crate::federation::Provider]| {
            p.email_password_login || linked.iter().any(|l| usable.contains(l))
        };
        if admin(was, &usable_was) && !admin(will, &usable_will) {
            return Err(if switched_off {
                SignInWaysRefusal::WouldLockYouOut
            } else {
                SignInWaysRefusal::LastUpstreamForYou
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use serde_json::json;

    fn record(org: &str, settings: serde_json::Value) -> OrgPolicyRecord {
        OrgPolicyRecord {
            org_id: OrgId::from_string(org),
            settings,
            updated_at: Timestamp::from_secs(0),
        }
    }

    fn entry(cidr: &str) -> IpListEntry {
        IpListEntry {
            id: cidr.into(),
            org_id: OrgId::from_string("o"),
            purpose: IpListPurpose::SkipSecondFactor,
            cidr: cidr.into(),
            note: None,
            created_at: Timestamp::from_secs(0),
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    const TENANT: &str = "11111111-1111-4111-8111-111111111111";
    const AAGUID: &str = "01020304-0506-0708-0102-030405060708";

    #[test]
    fn allowed_second_factors_keep_at_least_one_and_name_each_once() {
        let kinds =
            |v: serde_json::Value| PolicySettings::parse(&json!({"allowed_second_factors": v}));
        let none = kinds(json!([])).unwrap();
        assert_eq!(
            none.validate(false),
            Err(PolicyError::NoSecondFactorAllowed)
        );
        let twice = kinds(json!(["totp", "sms_code", "totp"])).unwrap();
        assert_eq!(
            twice.validate(false),
            Err(PolicyError::SecondFactorTwice(FactorKind::Totp))
        );
        let unknown = kinds(json!(["carrier_pigeon"])).unwrap_err();
        assert!(
            unknown.to_string().contains("sms_code"),
            "the refusal lists the kinds: {unknown}"
        );
        let ok = kinds(json!(["passkey", "email_code"])).unwrap();
        assert_eq!(ok.validate(false), Ok(()));
        let en = crate::i18n::Tr::new(crate::i18n::Language::En);
        assert!(!PolicyError::NoSecondFactorAllowed.message(&en).is_empty());
    }

    #[test]
    fn federation_settings_are_checked_before_saving() {
        let bad_domain = PolicySettings {
            google_hosted_domains: Some(vec!["Example Corp".into()]),
            ..PolicySettings::default()
        };
        assert!(matches!(
            bad_domain.validate(true),
            Err(PolicyError::BadEntry {
                setting: "google_hosted_domains",
                ..
            })
        ));
        let bad_tenant = PolicySettings {
            entra_allowed_tenants: Some(vec!["contoso.onmicrosoft.com".into()]),
            ..PolicySettings::default()
        };
        assert!(matches!(
            bad_tenant.validate(false),
            Err(PolicyError::BadEntry {
                setting: "entra_allowed_tenants",
                ..
            })
        ));
        let good = PolicySettings {
            google_hosted_domains: Some(vec!["example.co.uk".into()]),
            entra_allowed_tenants: Some(vec![TENANT.into()]),
            ..PolicySettings::default()
        };
        assert_eq!(good.validate(false), Ok(()));
    }

    #[test]
    fn every_setting_is_inherited_unless_set_nearer() {
        let root = PolicySettings {
            email_password_login: Some(false),
            two_factor_scope: Some(TwoFactorScope::Everybody),
            password_min_length: Some(16),
            password_character_classes: Some(3),
            password_expiry_days: Some(90),
            password_history: Some(5),
            lockout_after_failures: Some(3),
            idle_timeout_minutes: Some(15),
            session_lifetime_hours: Some(8),
            leave_of_absence_sign_in: Some(true),
            ip_allow_list_super_admin: Some(true),
            ip_allow_list_clients: Some(vec!["payroll".into()]),
            audit_retention_days: Some(30),
            google_sign_in: Some(true),
            google_hosted_domains: Some(vec!["example.com".into()]),
            entra_sign_in: Some(true),
            entra_allowed_tenants: Some(vec![TENANT.into()]),
            passkey_sign_in: Some(true),
            just_in_time_provisioning: Some(true),
            default_language: Some(Language::De),
            // Branding is resolved by `branding::Brand::resolve`, and tested there.
            brand_display_name: None,
            brand_primary_color: None,
            brand_support_contact: None,
            allowed_second_factors: Some(vec![FactorKind::Totp, FactorKind::SmsCode]),
            admins_require_passkey: Some(true),
            passkey_counter_regression: Some(CounterRegression::Allow),
            passkey_aaguids: Some(vec![AAGUID.into()]),
        };
        let inherited = EffectivePolicy::from_chain(&[root.clone(), PolicySettings::default()]);
        let day = 86_400;
        assert_eq!(
            inherited,
            EffectivePolicy {
                email_password_login: false,
                two_factor_scope: TwoFactorScope::Everybody,
                password_min_length: 16,
                password_character_classes: 3,
                password_expiry: Some(Duration::from_secs(90 * day)),
                password_history: 5,
                lockout_after_failures: Some(3),
                idle_timeout: Some(Duration::from_secs(15 * 60)),
                session_lifetime: Some(Duration::from_secs(8 * 3600)),
                leave_of_absence_sign_in: true,
                ip_allow_list_super_admin: true,
                ip_allow_list_clients: vec!["payroll".into()],
                audit_retention: Duration::from_secs(30 * day),
                google_sign_in: true,
                google_hosted_domains: vec!["example.com".into()],
                entra_sign_in: true,
                entra_allowed_tenants: vec![TENANT.into()],
                just_in_time_provisioning: true,
                passkey_sign_in: true,
                default_language: Some(Language::De),
                allowed_second_factors: vec![FactorKind::Totp, FactorKind::SmsCode],
                admins_require_passkey: true,
                passkey_counter_regression: CounterRegression::Allow,
                passkey_aaguids: vec![uuid::Uuid::parse_str(AAGUID).unwrap()],
            }
        );
        let child = PolicySettings {
            // Ignored below the root: the main organization alone decides it.
            email_password_login: Some(true),
            two_factor_scope: Some(TwoFactorScope::Administrators),
            password_min_length: Some(20),
            password_character_classes: Some(1),
            password_expiry_days: Some(0),
            password_history: Some(0),
            lockout_after_failures: Some(0),
            idle_timeout_minutes: Some(60),
            session_lifetime_hours: Some(24),
            leave_of_absence_sign_in: Some(false),
            ip_allow_list_super_admin: Some(false),
            ip_allow_list_clients: Some(vec![]),
            audit_retention_days: Some(90),
            google_sign_in: Some(false),
            google_hosted_domains: Some(vec![]),
            entra_sign_in: Some(false),
            entra_allowed_tenants: Some(vec![]),
            passkey_sign_in: Some(false),
            just_in_time_provisioning: Some(false),
            default_language: Some(Language::Ko),
            // Branding is resolved by `branding::Brand::resolve`, and tested there.
            brand_display_name: None,
            brand_primary_color: None,
            brand_support_contact: None,
            // An empty list (refused when saved) would allow nothing: left to the parent.
            allowed_second_factors: Some(vec![]),
            admins_require_passkey: Some(false),
            passkey_counter_regression: Some(CounterRegression::Refuse),
            passkey_aaguids: Some(vec![]),
        };
        let overridden =
            EffectivePolicy::from_chain(&[root.clone(), PolicySettings::default(), child]);
        assert_eq!(
            overridden,
            EffectivePolicy {
                email_password_login: false,
                two_factor_scope: TwoFactorScope::Administrators,
                password_min_length: 20,
                password_character_classes: 1,
                password_expiry: None,
                password_history: 0,
                lockout_after_failures: None,
                idle_timeout: Some(Duration::from_secs(3600)),
                session_lifetime: Some(Duration::from_secs(24 * 3600)),
                leave_of_absence_sign_in: false,
                ip_allow_list_super_admin: false,
                ip_allow_list_clients: vec![],
                audit_retention: Duration::from_secs(90 * day),
                google_sign_in: false,
                google_hosted_domains: vec![],
                entra_sign_in: false,
                entra_allowed_tenants: vec![],
                just_in_time_provisioning: false,
                passkey_sign_in: false,
                default_language: Some(Language::Ko),
                allowed_second_factors: vec![FactorKind::Totp, FactorKind::SmsCode],
                admins_require_passkey: false,
                passkey_counter_regression: CounterRegression::Refuse,
                passkey_aaguids: vec![],
            }
        );
        assert_eq!(
            EffectivePolicy::default().allowed_second_factors,
            FactorKind::ALL,
            "every kind is allowed by default"
        );
        assert_eq!(EffectivePolicy::from_chain(&[]), EffectivePolicy::default());
        let sms_only = EffectivePolicy::from_chain(&[PolicySettings {
            allowed_second_factors: Some(vec![FactorKind::EmailCode]),
            ..PolicySettings::default()
        }]);
        assert!(sms_only.allows(FactorKind::EmailCode));
        assert!(!sms_only.allows(FactorKind::SmsCode));
        assert_eq!(EffectivePolicy::default().lockout_after_failures, Some(10));
        assert_eq!(EffectivePolicy::default().password_min_length, 12);
    }

    #[test]
    fn passwords_expire_after_the_organization_s_days() {
        let set = Timestamp::from_secs(1_800_000_000);
        let day = Duration::from_secs(86_400);
        let ninety = EffectivePolicy::from_chain(&[PolicySettings {
            password_expiry_days: Some(90),
            ..PolicySettings::default()
        }]);
        assert!(!ninety.password_expired(Some(set), set.plus(day * 89)));
        assert!(
            !ninety.password_expired(Some(set), set.plus(day * 90).minus(Duration::from_secs(1)))
        );
        assert!(ninety.password_expired(Some(set), set.plus(day * 90)));
        assert!(
            !ninety.password_expired(None, set.plus(day * 900)),
            "never set: nothing to expire"
        );
        let never = EffectivePolicy::default();
        assert!(!never.password_expired(Some(set), set.plus(day * 3650)));
    }

    #[test]
    fn settings_are_checked_before_they_are_saved() {
        let parse = |v: serde_json::Value| PolicySettings::parse(&v);
        assert!(matches!(
            parse(json!({"lockout_after": 3})),
            Err(PolicyError::Unreadable(_))
        ));
        // Refusals are sentences naming the setting and what it takes, not serde's words.
        let said = |v| parse(v).unwrap_err().to_string();
        assert_eq!(
            said(json!({"two_factor_scope": "sometimes"})),
            "two_factor_scope must be one of: off, everybody, administrators; not \"sometimes\"."
        );
        assert_eq!(
            said(json!({"password_min_length": 12, "lockout_after_failures": "five"})),
            "lockout_after_failures must be a whole number of 0 or more, not \"five\"."
        );
        assert_eq!(
            said(json!({"google_sign_in": "yes"})),
            "google_sign_in must be true or false, not \"yes\"."
        );
        let unknown = said(json!({"lockout_after": 3}));
        assert!(
            unknown.starts_with("lockout_after is not a policy setting; the settings are: ")
                && unknown.contains("lockout_after_failures")
                && !unknown.contains('`'),
            "{unknown}"
        );
        assert!(parse(json!({"password_min_length": "long"})).is_err());
        let short = parse(json!({"password_min_length": 6})).unwrap();
        assert_eq!(
            short.validate(true),
            Err(PolicyError::OutOfRange {
                setting: "password_min_length",
                min: 8,
                max: 128
            })
        );
        let root_only = parse(json!({"email_password_login": false})).unwrap();
        assert_eq!(root_only.validate(true), Ok(()));
        assert_eq!(root_only.validate(false), Err(PolicyError::RootOnly));
        let fine =
            parse(json!({"two_factor_scope": "administrators", "lockout_after_failures": 0}))
                .unwrap();
        assert_eq!(fine.validate(false), Ok(()));
        assert_eq!(
            PolicySettings::from_stored(&json!({"bogus": 1})),
            PolicySettings::default()
        );
    }

    #[test]
    fn a_refused_setting_reads_in_the_administrators_language() {
        use crate::i18n::Language;
        let refused = |v: serde_json::Value| PolicySettings::parse(&v).unwrap_err();
        let scope = refused(json!({"two_factor_scope": "sometimes"}));
        let said = |e: &PolicyError, language| e.message(&Tr::new(language));
        // English reads as the API's sentence, word for word.
        for e in [
            scope.clone(),
            refused(json!({"lockout_after_failures": "five"})),
            refused(json!({"google_sign_in": "yes"})),
            refused(json!({"lockout_after": 3})),
            refused(json!({"google_hosted_domains": "x"})),
            refused(json!({"brand_display_name": 3})),
            refused(json!("settings")),
            PolicyError::RootOnly,
        ] {
            assert_eq!(
                said(&e, Language::En),
                crate::admin::sentence(&e.to_string())
            );
        }
        assert_eq!(said(&scope, Language::En), scope.to_string());
        assert_eq!(
            said(&scope, Language::De),
            "two_factor_scope muss einer dieser Werte sein: off, everybody, administrators; nicht \"sometimes\"."
        );
        assert_eq!(
            said(&scope, Language::Ko),
            "two_factor_scope의 값은 off, everybody, administrators 중 하나여야 합니다. \"sometimes\"은(는) 사용할 수 없습니다."
        );
        let range = PolicyError::OutOfRange {
            setting: "audit_retention_days",
            min: 1,
            max: 3650,
        };
        assert_eq!(
            said(&range, Language::De),
            "audit_retention_days muss zwischen 1 und 3650 liegen."
        );
        assert_eq!(
            said(&range, Language::En),
            "audit_retention_days must be between 1 and 3650."
        );
        assert_eq!(
            said(&PolicyError::RootOnly, Language::Ko),
            "email_password_login은 최상위 조직에서만 설정할 수 있습니다."
        );
        let tenant = PolicyError::BadEntry {
            setting: "entra_allowed_tenants",
            value: "acme".into(),
            expected: "a tenant id (a GUID)",
        };
        assert_eq!(
            said(&tenant, Language::En),
            crate::admin::sentence(&tenant.to_string())
        );
        assert!(said(&tenant, Language::De).contains("„acme“"));
    }

    #[test]
    fn allow_lists_are_bounded_and_never_everything() {
        let ok: Vec<String> = (0..100).map(|i| format!("10.0.{i}.0/24")).collect();
        assert_eq!(parse_allow_list(&ok).unwrap().len(), 100);
        let mut too_many = ok.clone();
        too_many.push("192.0.2.1".into());
        assert_eq!(
            parse_allow_list(&too_many),
            Err(AllowListError::TooMany(101))
        );
        for broad in ["0.0.0.0/0", "10.0.0.0/7", "::/0", "2001::/15"] {
            assert!(
                matches!(
                    parse_allow_list(&[broad.into()]),
                    Err(AllowListError::TooBroad(_))
                ),
                "{broad}"
            );
        }
        assert!(matches!(
            parse_allow_list(&["10.0.0.0/8".into(), "nonsense".into()]),
            Err(AllowListError::Malformed(_))
        ));
    }

    #[test]
    fn who_the_allow_list_lets_in() {
        let list = vec![IpRange::parse("203.0.113.0/24").unwrap()];
        let inside = Some(ip("203.0.113.9"));
        let outside = Some(ip("198.51.100.7"));
        let base = EffectivePolicy::default();
        assert!(ip_allowed(&list, &base, false, None, inside));
        assert!(!ip_allowed(&list, &base, false, None, outside));
        assert!(
            !ip_allowed(&list, &base, false, None, None),
            "no address, no entry"
        );
        assert!(
            ip_allowed(&[], &base, false, None, outside),
            "no list, no limit"
        );
        assert!(
            ip_allowed(&list, &base, true, None, outside),
            "super administrator exempt"
        );
        let strict = EffectivePolicy {
            ip_allow_list_super_admin: true,
            ..base.clone()
        };
        assert!(!ip_allowed(&list, &strict, true, None, outside));
        let scoped = EffectivePolicy {
            ip_allow_list_clients: vec!["payroll".into()],
            ..base
        };
        assert!(!ip_allowed(&list, &scoped, false, Some("payroll"), outside));
        assert!(ip_allowed(&list, &scoped, false, Some("wiki"), outside));
        assert!(
            ip_allowed(&list, &scoped, false, None, outside),
            "the account page is not payroll"
        );
    }

    #[test]
    fn the_client_address_comes_from_trusted_proxies_only() {
        let trusted = vec![IpRange::parse("10.0.0.0/8").unwrap()];
        let proxy = Some(ip("10.1.2.3"));
        let stranger = Some(ip("198.51.100.7"));
        // A header from a peer that is not a trusted proxy is ignored.
        assert_eq!(
            client_ip(stranger, Some("203.0.113.9"), None, &trusted),
            stranger
        );
        assert_eq!(client_ip(proxy, None, None, &trusted), proxy);
        // The nearest untrusted hop wins; what the client wrote on the left is not believed.
        assert_eq!(
            client_ip(
                proxy,
                Some("1.2.3.4, 203.0.113.9, 10.9.9.9"),
                None,
                &trusted
            ),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client_ip(
                proxy,
                None,
                Some(r#"for=192.0.2.60;proto=http, for="[2001:db8::1]:4711""#),
                &trusted
            ),
            Some(ip("2001:db8::1"))
        );
        assert_eq!(
            client_ip(proxy, None, Some("for=192.0.2.60:8080"), &trusted),
            Some(ip("192.0.2.60"))
        );
        assert_eq!(
            client_ip(
                Some(ip("::ffff:10.1.2.3")),
                Some("203.0.113.9"),
                None,
                &trusted
            ),
            Some(ip("203.0.113.9")),
            "a mapped proxy address is still the proxy"
        );
        assert_eq!(client_ip(proxy, Some("garbage"), None, &trusted), proxy);
    }

    #[test]
    fn cidr_matching_v4_v6_and_mapped() {
        let v4 = IpRange::parse("203.0.113.0/24").unwrap();
        assert!(v4.contains(ip("203.0.113.200")));
        assert!(!v4.contains(ip("203.0.114.1")));
        assert!(v4.contains(ip("::ffff:203.0.113.9")), "mapped address");
        let one = IpRange::parse(" 198.51.100.7 ").unwrap();
        assert_eq!(one.prefix_len(), 32);
        assert!(one.contains(ip("198.51.100.7")));
        assert!(!one.contains(ip("198.51.100.8")));
        let v6 = IpRange::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("203.0.113.1")));
        assert_eq!(
            IpRange::parse("10.0.0.1/24").unwrap().to_string(),
            "10.0.0.0/24",
            "host bits dropped"
        );
        for bad in ["", "10.0.0", "10.0.0.0/33", "example.com", "::g"] {
            assert!(IpRange::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_nearest_organization_decides_the_scope() {
        let root = record("root", json!({"two_factor_scope": "everybody"}));
        let mid = record("mid", json!({}));
        let leaf = record("leaf", json!({"two_factor_scope": "administrators"}));
        let p = SecondFactorPolicy::from_chain(&[root.clone(), mid.clone()], &[]);
        assert_eq!(
            p.scope,
            TwoFactorScope::Everybody,
            "inherited from the root"
        );
        let p = SecondFactorPolicy::from_chain(&[root, mid, leaf], &[]);
        assert_eq!(p.scope, TwoFactorScope::Administrators, "overridden below");
        let p = SecondFactorPolicy::from_chain(&[], &[]);
        assert_eq!(p.scope, TwoFactorScope::Off, "off unless set");
        let p = SecondFactorPolicy::from_chain(
            &[record("r", json!({"two_factor_scope": "bogus"}))],
            &[],
        );
        assert_eq!(
            p.scope,
            TwoFactorScope::Off,
            "an unreadable value is not enforced"
        );
    }

    #[test]
    fn the_nearest_skip_list_decides_the_addresses() {
        let p = SecondFactorPolicy::from_chain(
            &[],
            &[vec![entry("10.0.0.0/8")], vec![], vec![entry("192.0.2.1")]],
        );
        assert_eq!(p.skip_from, vec![IpRange::parse("192.0.2.1").unwrap()]);
        let p = SecondFactorPolicy::from_chain(&[], &[vec![entry("10.0.0.0/8")], vec![]]);
        assert_eq!(p.skip_from, vec![IpRange::parse("10.0.0.0/8").unwrap()]);
    }

    #[test]
    fn administrators_may_be_held_to_passkeys() {
        let on = EffectivePolicy {
            admins_require_passkey: true,
            ..EffectivePolicy::default()
        };
        assert!(on.passkey_required(true));
        assert!(
            !on.passkey_required(false),
            "members who administer nothing"
        );
        assert!(
            !EffectivePolicy::default().passkey_required(true),
            "off by default"
        );
        for kind in FactorKind::ALL.iter().copied() {
            assert_eq!(
                on.allows_for(kind, true),
                kind == FactorKind::Passkey,
                "{kind}"
            );
            assert!(on.allows_for(kind, false), "{kind}");
        }
        // Where passkeys are not allowed the requirement cannot hold (and is refused when
        // set on one organization).
        let no_passkeys = EffectivePolicy {
            allowed_second_factors: vec![FactorKind::Totp],
            ..on.clone()
        };
        assert!(!no_passkeys.passkey_required(true));
        assert!(no_passkeys.allows_for(FactorKind::Totp, true));
        let conflicting = PolicySettings {
            admins_require_passkey: Some(true),
            allowed_second_factors: Some(vec![FactorKind::Totp]),
            ..PolicySettings::default()
        };
        assert_eq!(
            conflicting.validate(true),
            Err(PolicyError::PasskeyRequiredNotAllowed)
        );
        // Inherited: a sub-organization's own value wins, else the nearest parent's.
        let root = PolicySettings {
            admins_require_passkey: Some(true),
            ..PolicySettings::default()
        };
        assert!(
            EffectivePolicy::from_chain(&[root.clone(), PolicySettings::default()])
                .admins_require_passkey
        );
        let sub = PolicySettings {
            admins_require_passkey: Some(false),
            ..PolicySettings::default()
        };
        assert!(!EffectivePolicy::from_chain(&[root, sub]).admins_require_passkey);
    }

    #[test]
    fn counter_regression_rule_and_authenticator_models_read_and_validate() {
        let p = PolicySettings::parse(&serde_json::json!({
            "passkey_counter_regression": "allow",
            "passkey_aaguids": [AAGUID],
        }))
        .unwrap();
        assert_eq!(p.validate(true), Ok(()));
        let effective = EffectivePolicy::from_chain(&[p]);
        assert_eq!(
            effective.passkey_counter_regression,
            CounterRegression::Allow
        );
        let model = uuid::Uuid::parse_str(AAGUID).unwrap();
        assert!(effective.admits_aaguid(model));
        assert!(!effective.admits_aaguid(uuid::Uuid::nil()));
        assert!(
            EffectivePolicy::default().admits_aaguid(uuid::Uuid::nil()),
            "any model by default"
        );
        assert_eq!(
            EffectivePolicy::default().passkey_counter_regression,
            CounterRegression::Refuse
        );
        assert!(matches!(
            PolicySettings::parse(&serde_json::json!({"passkey_counter_regression": "sometimes"})),
            Err(PolicyError::Unreadable(Unreadable::NotOneOf { .. }))
        ));
        let bad = PolicySettings {
            passkey_aaguids: Some(vec!["yubikey".into()]),
            ..PolicySettings::default()
        };
        assert!(matches!(
            bad.validate(false),
            Err(PolicyError::BadEntry {
                setting: "passkey_aaguids",
                ..
            })
        ));
    }

    #[test]
    fn who_is_asked_for_a_second_factor() {
        use SecondFactorStep::*;
        let policy = |scope| SecondFactorPolicy {
            scope,
            skip_from: vec![IpRange::parse("192.0.2.0/24").unwrap()],
        };
        let office = Some(ip("192.0.2.10"));
        let home = Some(ip("198.51.100.1"));
        for (scope, admin, has, from, want) in [
            (TwoFactorScope::Off, false, false, home, NotAsked),
            (TwoFactorScope::Off, false, true, home, Verify),
            (TwoFactorScope::Everybody, false, false, home, Enrol),
            (TwoFactorScope::Everybody, false, true, home, Verify),
            (TwoFactorScope::Everybody, false, true, office, NotAsked),
            (TwoFactorScope::Everybody, true, false, office, NotAsked),
            (TwoFactorScope::Administrators, false, false, home, NotAsked),
            (TwoFactorScope::Administrators, true, false, home, Enrol),
            (TwoFactorScope::Administrators, true, true, None, Verify),
        ] {
            assert_eq!(
                second_factor_step(&policy(scope), admin, has, from),
                want,
                "{scope:?} admin={admin} has={has} from={from:?}"
            );
        }
    }

    mod email_login_off {
        use super::super::*;
        use crate::federation::Provider::{Entra, Google};

        fn on() -> EffectivePolicy {
            EffectivePolicy::default()
        }

        fn off(google: bool, entra: bool) -> EffectivePolicy {
            EffectivePolicy {
                email_password_login: false,
                google_sign_in: google,
                entra_sign_in: entra,
                ..EffectivePolicy::default()
            }
        }

        #[test]
        fn refused_without_an_upstream_the_members_could_use() {
            // Allowed by policy but not configured on the deployment, or the reverse.
            for (configured, will) in [
                (&[][..], off(true, true)),
                (&[Google][..], off(false, true)),
                (&[Google, Entra][..], off(false, false)),
            ] {
                assert_eq!(
                    check_ways_in(&on(), &will, configured, None),
                    Err(SignInWaysRefusal::NoUpstream)
                );
                assert_eq!(
                    check_ways_in(&on(), &will, configured, Some(&[Google, Entra])),
                    Err(SignInWaysRefusal::NoUpstream),
                    "the usable upstream is checked first"
                );
            }
        }

        #[test]
        fn refused_when_the_administrator_keeps_no_way_in_but_not_for_the_operator() {
            let will = off(false, true);
            assert_eq!(
                check_ways_in(&on(), &will, &[Google, Entra], Some(&[])),
                Err(SignInWaysRefusal::WouldLockYouOut)
            );
            assert_eq!(
                check_ways_in(&on(), &will, &[Google, Entra], Some(&[Google])),
                Err(SignInWaysRefusal::WouldLockYouOut),
                "a Google link does not help when only Microsoft stays allowed"
            );
            assert_eq!(
                check_ways_in(&on(), &will, &[Google, Entra], Some(&[Entra])),
                Ok(())
            );
            assert_eq!(check_ways_in(&on(), &will, &[Entra], None), Ok(()));
        }

        #[test]
        fn with_email_password_off_the_last_provider_stays_on() {
            let both = off(true, true);
            // Members keep Microsoft; an administrator linked only to Google does not.
            assert_eq!(
                check_ways_in(&both, &off(false, true), &[Google, Entra], None),
                Ok(())
            );
            assert_eq!(
                check_ways_in(&both, &off(false, true), &[Google, Entra], Some(&[Google])),
                Err(SignInWaysRefusal::LastUpstreamForYou)
            );
            assert_eq!(
                check_ways_in(&both, &off(false, true), &[Google, Entra], Some(&[Entra])),
                Ok(())
            );
            // The last one, for anyone; whether allowed but not configured counts as gone.
            assert_eq!(
                check_ways_in(&both, &off(false, false), &[Google, Entra], None),
                Err(SignInWaysRefusal::LastUpstream)
            );
            assert_eq!(
                check_ways_in(&both, &off(true, false), &[Entra], Some(&[Entra])),
                Err(SignInWaysRefusal::LastUpstream)
            );
            // Turning email and password back on is always a way in.
            assert_eq!(
                check_ways_in(&off(false, false), &on(), &[], Some(&[])),
                Ok(())
            );
        }

        #[test]
        fn a_policy_that_already_left_no_way_in_can_still_be_changed() {
            let stuck = off(true, false);
            assert_eq!(check_ways_in(&stuck, &off(false, false), &[], None), Ok(()));
            assert_eq!(check_ways_in(&stuck, &stuck, &[Entra], Some(&[])), Ok(()));
        }

        #[test]
        fn only_the_switch_turning_off_is_checked() {
            let nothing = off(false, false);
            assert_eq!(check_ways_in(&nothing, &nothing, &[], Some(&[])), Ok(()));
            assert_eq!(check_ways_in(&nothing, &on(), &[], Some(&[])), Ok(()));
            assert_eq!(check_ways_in(&on(), &on(), &[], Some(&[])), Ok(()));
        }
    }
}
