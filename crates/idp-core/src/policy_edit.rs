//! Organization policy as an administrator edits it: where each setting's value comes
//! from (set here, inherited from which organization, or the default), values typed in
//! the units people use and converted to the units stored, IP lists typed one entry a
//! line, the version that keeps a stale form from undoing a newer save, who holds which
//! administrator areas over an organization, and Entra ID's admin-consent link.

use crate::admin::{self, AdminError, Links, PolicyUpdate};
use crate::audit::{ActivityType, AuditFilter};
use crate::authz::{Actor, Permission};
use crate::clock::Timestamp;
use crate::crypto::TokenDigest;
use crate::i18n::Tr;
use crate::ids::{OrgId, UserId};
use crate::org::Organization;
use crate::policy::{EffectivePolicy, FactorKind, PolicyError, PolicySettings, parse_allow_list};
use crate::ports::{StoreError, Stores};
use crate::records::{AdminAssignment, IpListEntry, IpListPurpose, OrgPolicyRecord};
use crate::signin::Origin;

/// Where the value of one setting of an organization comes from. The chain runs from
/// the main organization (index 0) down to the organization itself (the last).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The organization sets it itself.
    Here,
    /// The organization at this index of the chain sets it.
    Inherited(usize),
    /// Nobody sets it: `idp`'s default applies.
    Default,
}

/// Where the value `get` reads comes from for the last organization of `chain`.
pub fn source_of<T>(
    chain: &[PolicySettings],
    get: impl Fn(&PolicySettings) -> Option<T>,
) -> Source {
    let last = chain.len().saturating_sub(1);
    match chain.iter().rposition(|p| get(p).is_some()) {
        Some(i) if i == last => Source::Here,
        Some(i) => Source::Inherited(i),
        None => Source::Default,
    }
}

/// Where email-and-password sign-in's switch comes from: only the main organization's
/// setting counts, whatever a sub-organization holds.
pub fn email_login_source(chain: &[PolicySettings]) -> Source {
    match chain.first().and_then(|root| root.email_password_login) {
        Some(_) if chain.len() == 1 => Source::Here,
        Some(_) => Source::Inherited(0),
        None => Source::Default,
    }
}

/// The unit a number setting is stored in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Characters,
    Classes,
    Passwords,
    Failures,
    Minutes,
    Hours,
    Days,
}

impl Unit {
    fn minutes(self) -> Option<u64> {
        match self {
            Unit::Minutes => Some(1),
            Unit::Hours => Some(60),
            Unit::Days => Some(24 * 60),
            _ => None,
        }
    }

    /// The unit's name for `n` of it.
    pub fn name(self, n: u32) -> &'static str {
        let one = n == 1;
        match self {
            Unit::Characters if one => "character",
            Unit::Characters => "characters",
            Unit::Classes if one => "character class",
            Unit::Classes => "character classes",
            Unit::Passwords if one => "password",
            Unit::Passwords => "passwords",
            Unit::Failures if one => "failed sign-in",
            Unit::Failures => "failed sign-ins",
            Unit::Minutes if one => "minute",
            Unit::Minutes => "minutes",
            Unit::Hours if one => "hour",
            Unit::Hours => "hours",
            Unit::Days if one => "day",
            Unit::Days => "days",
        }
    }
}

/// A login setting that holds a number.
#[derive(Clone, Copy, Debug)]
pub struct NumberSetting {
    /// Its key in [`PolicySettings`] (and in `update_policy`'s changes).
    pub key: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    /// What 0 means, when 0 is allowed and means something other than a number.
    pub zero_means: Option<&'static str>,
    /// What having no value at all means (the default is no limit).
    pub unset_means: Option<&'static str>,
    pub get: fn(&PolicySettings) -> Option<u32>,
    /// The effective value in this setting's unit (`None`: no limit).
    pub effective: fn(&EffectivePolicy) -> Option<u32>,
}

fn secs_in(d: Option<std::time::Duration>, unit_secs: u64) -> Option<u32> {
    d.and_then(|d| u32::try_from(d.as_secs() / unit_secs).ok())
}

/// The login settings that hold numbers, in the order the console shows them.
pub const NUMBER_SETTINGS: [NumberSetting; 7] = [
    NumberSetting {
        key: "password_min_length",
        label: "Minimum password length",
        unit: Unit::Characters,
        zero_means: None,
        unset_means: None,
        get: |p| p.password_min_length,
        effective: |e| u32::try_from(e.password_min_length).ok(),
    },
    NumberSetting {
        key: "password_character_classes",
        label: "Character classes required",
        unit: Unit::Classes,
        zero_means: Some("none required"),
        unset_means: None,
        get: |p| p.password_character_classes,
        effective: |e| u32::try_from(e.password_character_classes).ok(),
    },
    NumberSetting {
        key: "password_expiry_days",
        label: "Password expiry",
        unit: Unit::Days,
        zero_means: Some("never expires"),
        unset_means: None,
        get: |p| p.password_expiry_days,
        effective: |e| Some(secs_in(e.password_expiry, 86_400).unwrap_or(0)),
    },
    NumberSetting {
        key: "password_history",
        label: "Earlier passwords that may not be reused",
        unit: Unit::Passwords,
        zero_means: Some("any may be reused"),
        unset_means: None,
        get: |p| p.password_history,
        effective: |e| u32::try_from(e.password_history).ok(),
    },
    NumberSetting {
        key: "lockout_after_failures",
        label: "Lock the account after",
        unit: Unit::Failures,
        zero_means: Some("never locks"),
        unset_means: None,
        get: |p| p.lockout_after_failures,
        effective: |e| Some(e.lockout_after_failures.unwrap_or(0)),
    },
    NumberSetting {
        key: "idle_timeout_minutes",
        label: "Sign out after being idle for",
        unit: Unit::Minutes,
        zero_means: None,
        unset_means: Some("no idle limit"),
        get: |p| p.idle_timeout_minutes,
        effective: |e| secs_in(e.idle_timeout, 60),
    },
    NumberSetting {
        key: "session_lifetime_hours",
        label: "Session lifetime",
        unit: Unit::Hours,
        zero_means: None,
        unset_means: Some("no limit"),
        get: |p| p.session_lifetime_hours,
        effective: |e| secs_in(e.session_lifetime, 3600),
    },
];

/// A setting's value as people read it: `90 days`, `0 (never expires)`, `no limit`.
pub fn describe(setting: &NumberSetting, value: Option<u32>) -> String {
    match value {
        None => setting.unset_means.unwrap_or("—").to_owned(),
        Some(0) if setting.zero_means.is_some() => {
            setting.zero_means.unwrap_or_default().to_owned()
        }
        Some(n) => format!("{n} {}", setting.unit.name(n)),
    }
}

/// A value typed in a form that cannot be used; says what to type instead.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InputError {
    #[error("{label}: {text:?} is not a number; type a whole number, like 30 or 30 {unit}")]
    NotANumber {
        label: &'static str,
        text: String,
        unit: &'static str,
    },
    #[error("{label} is counted in whole {unit}; {text:?} is not a whole number of {unit}")]
    NotWhole {
        label: &'static str,
        text: String,
        unit: &'static str,
    },
    #[error("{label} must be between {min} and {max} {unit}")]
    OutOfRange {
        label: &'static str,
        min: u32,
        max: u32,
        unit: &'static str,
    },
    #[error("line {line}: {message}")]
    IpLine { line: usize, message: String },
    /// An entry of a list setting (`google_hosted_domains`, …) that is not what it takes.
    #[error("{label}: {value:?} is not {expected}")]
    ListEntry {
        setting: &'static str,
        label: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(transparent)]
    Policy(PolicyError),
    #[error("{0}")]
    Other(String),
}

impl InputError {
    /// What to type instead, as a sentence in the reader's language (`Display` stays
    /// English). IP list lines and the `Other` sentences are still English.
    pub fn message(&self, tr: &Tr) -> String {
        match self {
            InputError::NotANumber { label, text, .. } => {
                let (label, unit) = setting_words(tr, label);
                tr.message(
                    "console-input-not-a-number",
                    &[("label", &label), ("text", text), ("unit", &unit)],
                )
            }
            InputError::NotWhole { label, text, .. } => {
                let (label, unit) = setting_words(tr, label);
                tr.message(
                    "console-input-not-whole",
                    &[("label", &label), ("text", text), ("unit", &unit)],
                )
            }
            InputError::OutOfRange {
                label, min, max, ..
            } => {
                let (label, unit) = setting_words(tr, label);
                tr.message(
                    "console-input-out-of-range",
                    &[
                        ("label", &label),
                        ("min", min),
                        ("max", max),
                        ("unit", &unit),
                    ],
                )
            }
            InputError::ListEntry { setting, value, .. } => match *setting {
                "google_hosted_domains" => tr.t1("console-input-bad-domain", "value", value),
                "entra_allowed_tenants" => tr.t1("console-input-bad-tenant", "value", value),
                "passkey_aaguids" => tr.t1("console-input-bad-aaguid", "value", value),
                _ => admin::sentence(&self.to_string()),
            },
            InputError::Policy(p) => p.message(tr),
            InputError::IpLine { .. } | InputError::Other(_) => admin::sentence(&self.to_string()),
        }
    }
}

/// A number setting's name and its unit (as many of it) in the reader's language,
/// found by the English label `InputError` holds.
fn setting_words(tr: &Tr, label: &str) -> (String, String) {
    let Some(setting) = NUMBER_SETTINGS.iter().find(|s| s.label == label) else {
        return (label.to_owned(), String::new());
    };
    let name = match setting.key {
        "password_min_length" => tr.t("console-setting-password-min-length"),
        "password_character_classes" => tr.t("console-setting-character-classes"),
        "password_expiry_days" => tr.t("console-setting-password-expiry"),
        "password_history" => tr.t("console-setting-password-history"),
        "lockout_after_failures" => tr.t("console-setting-lockout"),
        "idle_timeout_minutes" => tr.t("console-setting-idle-timeout"),
        "session_lifetime_hours" => tr.t("console-setting-session-lifetime"),
        _ => label.to_owned(),
    };
    let unit = match setting.unit {
        Unit::Characters => tr.t("console-unit-characters"),
        Unit::Classes => tr.t("console-unit-classes"),
        Unit::Passwords => tr.t("console-unit-passwords"),
        Unit::Failures => tr.t("console-unit-failures"),
        Unit::Minutes => tr.t("console-unit-minutes"),
        Unit::Hours => tr.t("console-unit-hours"),
        Unit::Days => tr.t("console-unit-days"),
    };
    (name, unit)
}

/// Reads what was typed for `setting`: a whole number in the setting's unit, or, for a
/// duration, a number followed by a unit (`2 days`, `90 min`, `8 h`, `2 weeks`) converted
/// to the setting's unit. Range checks are [`PolicySettings::validate`]'s.
pub fn parse_amount(setting: &NumberSetting, text: &str) -> Result<u32, InputError> {
    let text = text.trim();
    let unit_name = setting.unit.name(2);
    let not_a_number = || InputError::NotANumber {
        label: setting.label,
        text: text.to_owned(),
        unit: unit_name,
    };
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, rest) = text.split_at(split);
    let n: u64 = digits.parse().map_err(|_| not_a_number())?;
    let rest = rest.trim().to_ascii_lowercase();
    let typed_minutes: Option<u64> = match rest.as_str() {
        "" => return u32::try_from(n).map_err(|_| not_a_number()),
        "m" | "min" | "mins" | "minute" | "minutes" => Some(1),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(60),
        "d" | "day" | "days" => Some(24 * 60),
        "w" | "week" | "weeks" => Some(7 * 24 * 60),
        _ => None,
    };
    let (Some(typed), Some(stored)) = (typed_minutes, setting.unit.minutes()) else {
        // The word is not a unit, or the setting is not a duration.
        if rest == unit_name || rest == setting.unit.name(1) {
            return u32::try_from(n).map_err(|_| not_a_number());
        }
        return Err(not_a_number());
    };
    let minutes = n.checked_mul(typed).ok_or_else(not_a_number)?;
    if minutes % stored != 0 {
        return Err(InputError::NotWhole {
            label: setting.label,
            text: text.to_owned(),
            unit: unit_name,
        });
    }
    u32::try_from(minutes / stored).map_err(|_| not_a_number())
}

/// A refusal of `validate` as a sentence that names the setting as the form does.
pub fn explain(e: &PolicyError) -> InputError {
    match e {
        PolicyError::OutOfRange { setting, min, max } => {
            match NUMBER_SETTINGS.iter().find(|s| s.key == *setting) {
                Some(s) => InputError::OutOfRange {
                    label: s.label,
                    min: *min,
                    max: *max,
                    unit: s.unit.name(*max),
                },
                None => InputError::Policy(e.clone()),
            }
        }
        PolicyError::BadEntry {
            setting,
            value,
            expected,
        } => InputError::ListEntry {
            setting,
            label: match *setting {
                "google_hosted_domains" => "Allowed Google domains",
                "entra_allowed_tenants" => "Allowed Entra tenants",
                "passkey_aaguids" => "Authenticator models",
                other => other,
            },
            value: value.clone(),
            expected,
        },
        other => InputError::Policy(other.clone()),
    }
}

/// The changes a login-settings form asks for. Each number is typed as text: empty
/// leaves the setting to the organizations above (removing this organization's own
/// value), and a value equal to what is inherited is not made an override. Every value
/// is checked (range included) before any change is returned.
pub fn number_changes(
    chain: &[PolicySettings],
    typed: &[(&'static str, String)],
    is_root: bool,
) -> Result<Vec<(String, String)>, InputError> {
    let own = chain.last().cloned().unwrap_or_default();
    let above = EffectivePolicy::from_chain(chain.split_last().map_or(&[][..], |(_, up)| up));
    let mut changes = Vec::new();
    let mut probe = own.clone();
    for setting in &NUMBER_SETTINGS {
        let Some((_, text)) = typed.iter().find(|(k, _)| *k == setting.key) else {
            continue;
        };
        let mine = (setting.get)(&own);
        if text.trim().is_empty() {
            if mine.is_some() {
                changes.push((setting.key.to_owned(), String::new()));
            }
            continue;
        }
        let value = parse_amount(setting, text)?;
        set_number(&mut probe, setting.key, Some(value));
        let unchanged = match mine {
            Some(m) => m == value,
            None => (setting.effective)(&above) == Some(value),
        };
        if !unchanged {
            changes.push((setting.key.to_owned(), value.to_string()));
        }
    }
    probe.validate(is_root).map_err(|e| explain(&e))?;
    Ok(changes)
}

fn set_number(p: &mut PolicySettings, key: &str, v: Option<u32>) {
    match key {
        "password_min_length" => p.password_min_length = v,
        "password_character_classes" => p.password_character_classes = v,
        "password_expiry_days" => p.password_expiry_days = v,
        "password_history" => p.password_history = v,
        "lockout_after_failures" => p.lockout_after_failures = v,
        "idle_timeout_minutes" => p.idle_timeout_minutes = v,
        "session_lifetime_hours" => p.session_lifetime_hours = v,
        _ => {}
    }
}

/// The change a yes/no setting's choice asks for: `inherit` removes this organization's
/// own value; `on`/`off` set it unless it is already what holds here.
pub fn switch_change(
    key: &str,
    own: Option<bool>,
    choice: &str,
) -> Result<Option<(String, String)>, InputError> {
    let wanted = match choice {
        "inherit" | "" => None,
        "on" => Some(true),
        "off" => Some(false),
        other => {
            return Err(InputError::Other(format!(
                "{other:?} is not a choice for {key}"
            )));
        }
    };
    Ok((wanted != own).then(|| {
        (
            key.to_owned(),
            wanted.map(|b| b.to_string()).unwrap_or_default(),
        )
    }))
}

/// The change the counter-regression choice asks for: `inherit` removes this
/// organization's own rule; `refuse` or `allow` sets it unless it already holds here.
pub fn counter_regression_change(
    own: Option<crate::policy::CounterRegression>,
    choice: &str,
) -> Result<Option<(String, String)>, InputError> {
    let wanted = match choice {
        "inherit" | "" => None,
        rule => Some(
            rule.parse::<crate::policy::CounterRegression>()
                .map_err(|_| {
                    InputError::Other(format!(
                        "{rule:?} is not a choice for passkey_counter_regression"
                    ))
                })?,
        ),
    };
    Ok((wanted != own).then(|| {
        (
            "passkey_counter_regression".to_owned(),
            wanted.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        )
    }))
}

/// The change the default-language choice asks for: `inherit` removes this
/// organization's own language; a shipped language's code sets it unless it already holds
/// here.
pub fn language_change(
    own: Option<crate::i18n::Language>,
    choice: &str,
) -> Result<Option<(String, String)>, InputError> {
    let wanted = match choice {
        "inherit" | "" => None,
        code => Some(
            code.parse::<crate::i18n::Language>()
                .map_err(|_| InputError::Other(format!("{code:?} is not a language idp ships")))?,
        ),
    };
    Ok((wanted != own).then(|| {
        (
            "default_language".to_owned(),
            wanted.map(|l| l.as_str().to_owned()).unwrap_or_default(),
        )
    }))
}

/// The change a list typed one entry a line asks for: empty leaves the list to the
/// organizations above (removing this organization's own), and so does the inherited list
/// typed unchanged; anything else sets it unless it is already this organization's own.
pub fn list_change(
    key: &str,
    own: Option<&[String]>,
    inherited: &[String],
    text: &str,
) -> Option<(String, String)> {
    let typed = lines(text);
    if typed.is_empty() {
        return own.map(|_| (key.to_owned(), String::new()));
    }
    if own.is_none() && typed == inherited {
        return None;
    }
    (own != Some(typed.as_slice()))
        .then(|| (key.to_owned(), serde_json::Value::from(typed).to_string()))
}

/// What a typed confirmation confirms: the number of members a change affects, typed as
/// that number or as the organization's name (which stands for the number shown).
pub fn typed_confirmation(typed: &str, org_name: &str, affected_now: u64) -> Option<u64> {
    let typed = typed.trim();
    if typed.is_empty() {
        None
    } else if typed == org_name.trim() {
        Some(affected_now)
    } else {
        typed.parse().ok()
    }
}

/// A list typed one entry a line (domains, tenant ids, application ids); blank lines and
/// surrounding spaces are dropped, and so are repeats.
pub fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|o| o == line) {
            out.push(line.to_owned());
        }
    }
    out
}

/// An IP list typed one entry a line, `address-or-range note…`; every line is checked
/// (the line named when one is wrong) and the list as a whole too.
pub fn parse_ip_lines(text: &str) -> Result<Vec<(String, Option<String>)>, InputError> {
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (cidr, note) = match line.split_once(char::is_whitespace) {
            Some((c, n)) => (c, Some(n.trim().to_owned()).filter(|n| !n.is_empty())),
            None => (line, None),
        };
        parse_allow_list(&[cidr.to_owned()]).map_err(|e| InputError::IpLine {
            line: i + 1,
            message: e.to_string(),
        })?;
        entries.push((cidr.to_owned(), note));
    }
    let all: Vec<String> = entries.iter().map(|(c, _)| c.clone()).collect();
    parse_allow_list(&all).map_err(|e| InputError::Other(e.to_string()))?;
    Ok(entries)
}

/// The entries an IP list form saves: nothing when the list is turned off (so nothing
/// restricts), and at least one entry when it is on.
pub fn ip_list_entries(on: bool, text: &str) -> Result<Vec<(String, Option<String>)>, InputError> {
    if !on {
        return Ok(Vec::new());
    }
    let entries = parse_ip_lines(text)?;
    if entries.is_empty() {
        return Err(InputError::Other(
            "the list is on but holds no address; add at least one address or range, or turn the list off".into(),
        ));
    }
    Ok(entries)
}

/// The change a checkbox asks for: none when it shows what already holds here
/// (inherited or not), else this organization's own value.
pub fn checkbox_change(
    key: &str,
    own: Option<bool>,
    holds: bool,
    checked: bool,
) -> Option<(String, String)> {
    if own == Some(checked) || (own.is_none() && holds == checked) {
        return None;
    }
    Some((key.to_owned(), checked.to_string()))
}

/// The change the allowed kinds of second factor ask for: `inherit` removes this
/// organization's own list; otherwise the kinds checked, in their usual order, unless
/// that is already this organization's own. None checked is passed on as an empty list,
/// which [`PolicySettings::validate`] refuses with its own sentence.
pub fn kinds_change(
    own: Option<&[FactorKind]>,
    inherit: bool,
    checked: &[String],
) -> Result<Option<(String, String)>, InputError> {
    let key = "allowed_second_factors";
    if inherit {
        return Ok(own.map(|_| (key.to_owned(), String::new())));
    }
    let mut picked = Vec::new();
    for c in checked {
        let kind = c
            .parse::<FactorKind>()
            .map_err(|_| InputError::Other(format!("{c:?} is not a kind of second factor")))?;
        picked.push(kind);
    }
    let kinds: Vec<FactorKind> = FactorKind::ALL
        .iter()
        .copied()
        .filter(|k| picked.contains(k))
        .collect();
    if own == Some(kinds.as_slice()) {
        return Ok(None);
    }
    let words: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    Ok(Some((
        key.to_owned(),
        serde_json::Value::from(words).to_string(),
    )))
}

/// The change the allow-list's function-restriction scope asks for: `all` restricts
/// every sign-in (no list of applications), `chosen` only the chosen applications' ones.
pub fn client_scope_change(
    own: Option<&[String]>,
    scope: &str,
    chosen: &[String],
) -> Result<Option<(String, String)>, InputError> {
    let key = "ip_allow_list_clients";
    match scope {
        "chosen" if chosen.is_empty() => Err(InputError::Other(
            "choose at least one application, or restrict all applications".into(),
        )),
        "chosen" => Ok((own != Some(chosen)).then(|| {
            (
                key.to_owned(),
                serde_json::Value::from(chosen.to_vec()).to_string(),
            )
        })),
        _ => Ok(own.map(|_| (key.to_owned(), String::new()))),
    }
}

/// A stored IP list as the form shows it: one `range note` a line.
pub fn ip_lines(entries: &[IpListEntry]) -> String {
    entries
        .iter()
        .map(|e| match &e.note {
            Some(n) => format!("{} {n}", e.cidr),
            None => e.cidr.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Adds `ip` to a typed list unless a line already starts with it.
pub fn with_address(text: &str, ip: &str, note: &str) -> String {
    if text
        .lines()
        .any(|l| l.split_whitespace().next() == Some(ip))
    {
        return text.to_owned();
    }
    let mut out = text.trim_end().to_owned();
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(ip);
    if !note.is_empty() {
        out.push(' ');
        out.push_str(note);
    }
    out
}

/// The version of an organization's own settings and IP lists as a form showed them: a
/// digest that changes whenever any of them does.
pub fn version(record: Option<&OrgPolicyRecord>, lists: &[IpListEntry]) -> String {
    let mut text = record.map_or_else(|| "{}".to_owned(), |r| r.settings.to_string());
    for e in lists {
        text.push('\n');
        text.push_str(e.purpose.as_str());
        text.push(' ');
        text.push_str(&e.cidr);
        text.push(' ');
        text.push_str(e.note.as_deref().unwrap_or_default());
    }
    TokenDigest::of(&text).to_hex().chars().take(20).collect()
}

/// Who saved an organization's settings last (when the audit log says), and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastChange {
    pub by: Option<String>,
    pub at: Timestamp,
}

/// Refuses a save from a form showing `expected` when the settings are now `current`:
/// someone saved in between, and saving would silently undo their change.
pub fn check_version(expected: &str, current: &str, last: &LastChange) -> Result<(), AdminError> {
    if expected == current {
        return Ok(());
    }
    Err(AdminError::Stale {
        by: last.by.clone(),
        at: last.at,
    })
}

/// The current version of `org`'s settings and IP lists, and when they last changed.
pub async fn current_version(stores: &Stores, org: &Organization) -> Result<String, StoreError> {
    Ok(current(stores, org).await?.0)
}

async fn current(
    stores: &Stores,
    org: &Organization,
) -> Result<(String, Option<Timestamp>), StoreError> {
    let record = stores.policies.find_policy(&org.id).await?;
    let mut lists = stores
        .policies
        .find_ip_list(&org.id, IpListPurpose::AllowSignIn)
        .await?;
    lists.extend(
        stores
            .policies
            .find_ip_list(&org.id, IpListPurpose::SkipSecondFactor)
            .await?,
    );
    let changed = record
        .as_ref()
        .map(|r| r.updated_at)
        .into_iter()
        .chain(lists.iter().map(|e| e.created_at))
        .max();
    Ok((version(record.as_ref(), &lists), changed))
}

/// The last recorded change of `org`'s own security settings, with its author's name and
/// address, from the audit log.
pub async fn last_change(
    stores: &Stores,
    org: &Organization,
) -> Result<Option<LastChange>, StoreError> {
    let filter = AuditFilter {
        org_path: Some(org.path.clone()),
        activity: Some(ActivityType::SecuritySettingsChange),
        ..Default::default()
    };
    let events = stores.audit.search(&filter, None, 50).await?;
    let Some(e) = events.into_iter().find(|e| e.event.org_id == org.id) else {
        return Ok(None);
    };
    let by = match &e.event.actor_id {
        Some(id) => match stores.users.find_by_id(&UserId::from_string(id)).await? {
            Some(u) => match &u.name {
                Some(n) => format!("{n} <{}>", u.email),
                None => u.email.to_string(),
            },
            None => id.clone(),
        },
        None => "the command line".to_owned(),
    };
    Ok(Some(LastChange {
        by: Some(by),
        at: e.event.occurred_at,
    }))
}

/// Refuses unless `org`'s settings are still at the version the form showed.
pub async fn require_version(
    stores: &Stores,
    org: &Organization,
    expected: &str,
) -> Result<(), AdminError> {
    let (current, changed) = current(stores, org).await?;
    if current == expected {
        return Ok(());
    }
    let last = match last_change(stores, org).await? {
        Some(last) => last,
        None => LastChange {
            by: None,
            at: changed.unwrap_or_else(|| stores.clock.now()),
        },
    };
    check_version(expected, &current, &last)
}

/// [`admin::update_policy`] from a form that showed version `expected`: refused, with who
/// changed what since, when the settings moved on. (Two saves that pass this check at the
/// same instant both apply, the later winning; the check is for people, a few seconds
/// apart, not for machines.)
#[expect(
    clippy::too_many_arguments,
    reason = "update_policy's arguments and the version"
)]
pub async fn save_policy(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &Organization,
    expected: &str,
    changes: &[(String, String)],
    confirm: Option<u64>,
    links: &Links,
) -> Result<PolicyUpdate, AdminError> {
    require_version(stores, org, expected).await?;
    admin::update_policy(stores, by, origin, org.id.as_str(), changes, confirm, links).await
}

/// [`admin::set_ip_list`] from a form that showed version `expected`.
#[expect(
    clippy::too_many_arguments,
    reason = "set_ip_list's arguments and the version"
)]
pub async fn save_ip_list(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &Organization,
    expected: &str,
    purpose: IpListPurpose,
    entries: &[(String, Option<String>)],
    confirm_own_address: bool,
) -> Result<usize, AdminError> {
    require_version(stores, org, expected).await?;
    admin::set_ip_list(
        stores,
        by,
        origin,
        org.id.as_str(),
        purpose,
        entries,
        confirm_own_address,
    )
    .await
}

/// Saves the allow-list of `org` with the policy changes that go with it (whether it
/// binds the super administrator, which applications it restricts), from a form that
/// showed version `expected`. The administrator's own address is checked against the
/// list as the new policy will apply it, so binding the super administrator in the same
/// save counts; a refusal saves nothing. Every input is checked before the list is saved.
#[expect(
    clippy::too_many_arguments,
    reason = "the list, the policy changes and the version"
)]
pub async fn save_allow_list(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &Organization,
    expected: &str,
    entries: &[(String, Option<String>)],
    changes: &[(String, String)],
    confirm_own_address: bool,
    links: &Links,
) -> Result<usize, AdminError> {
    crate::authz::require(
        stores,
        by,
        org,
        Permission::AllowedIps,
        origin,
        "allow_sign_in",
    )
    .await?;
    require_version(stores, org, expected).await?;
    let cidrs: Vec<String> = entries.iter().map(|(c, _)| c.clone()).collect();
    let ranges = parse_allow_list(&cidrs)?;
    let mut chain = crate::policy::settings_chain(stores, org).await?;
    let before = stores
        .policies
        .find_policy(&org.id)
        .await?
        .map_or_else(|| serde_json::json!({}), |r| r.settings);
    let will = PolicySettings::parse(&admin::with_changes(&before, changes))?;
    will.validate(org.is_root())?;
    if let Some(own) = chain.last_mut() {
        *own = will;
    }
    let policy = EffectivePolicy::from_chain(&chain);
    if let Actor::Member(me) = by
        && !confirm_own_address
    {
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
    let n = admin::set_ip_list(
        stores,
        by,
        origin,
        org.id.as_str(),
        IpListPurpose::AllowSignIn,
        entries,
        true,
    )
    .await?;
    if !changes.is_empty() {
        admin::update_policy(stores, by, origin, org.id.as_str(), changes, None, links).await?;
    }
    Ok(n)
}

/// One administrator's areas over an organization, as its Administrators page lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub user_id: UserId,
    /// The organization the areas are held over: this one or an ancestor.
    pub over: OrgId,
    /// Whether they are held over an ancestor (and so reach here by inheritance).
    pub inherited: bool,
    pub areas: Vec<Permission>,
}

/// Who holds areas over the last organization of `chain` (ids from the main
/// organization down): assignments over it first, then those over its ancestors, nearest
/// first; assignments with no area left are not listed.
pub fn holders(chain: &[OrgId], assignments: &[AdminAssignment]) -> Vec<Holder> {
    let mut out = Vec::new();
    for (depth, org) in chain.iter().enumerate().rev() {
        let mut here: Vec<Holder> = assignments
            .iter()
            .filter(|a| &a.org_id == org)
            .filter_map(|a| {
                let areas: Vec<Permission> = Permission::ALL
                    .iter()
                    .copied()
                    .filter(|p| a.permissions.iter().any(|h| h == p.as_str()))
                    .collect();
                (!areas.is_empty()).then(|| Holder {
                    user_id: a.user_id.clone(),
                    over: org.clone(),
                    inherited: depth + 1 != chain.len(),
                    areas,
                })
            })
            .collect();
        here.sort_by(|a, b| a.user_id.as_str().cmp(b.user_id.as_str()));
        out.extend(here);
    }
    out
}

/// Entra ID's admin-consent link for `idp`'s application: a tenant's administrator who
/// opens it grants the application organization-wide consent in one step. `tenant` is a
/// tenant id or domain, or `organizations` to let the administrator's own tenant decide;
/// the redirect is `idp`'s registered Entra callback, so Microsoft accepts it.
pub fn entra_admin_consent_url(tenant: Option<&str>, client_id: &str, issuer: &str) -> String {
    let tenant = tenant
        .map(str::trim)
        .filter(|t| !t.is_empty() && *t != "common")
        .unwrap_or("organizations");
    let tenant: String = url::form_urlencoded::byte_serialize(tenant.as_bytes()).collect();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client_id)
        .append_pair("scope", "https://graph.microsoft.com/.default")
        .append_pair(
            "redirect_uri",
            &format!(
                "{}/login/federated/entra/callback",
                issuer.trim_end_matches('/')
            ),
        )
        .finish();
    format!("https://login.microsoftonline.com/{tenant}/v2.0/adminconsent?{query}")
}

/// What Microsoft reports when an Entra administrator comes back from the admin-consent
/// link (on `idp`'s Entra callback, with `admin_consent` instead of a code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminConsent {
    /// Consent was granted for this tenant.
    Granted { tenant: String },
    /// Refused or failed, with Microsoft's error code.
    Refused { error: String },
}

/// Reads the admin-consent return: `None` when the callback is an ordinary sign-in.
pub fn admin_consent_outcome(
    admin_consent: Option<&str>,
    tenant: Option<&str>,
    error: Option<&str>,
) -> Option<AdminConsent> {
    let answered = admin_consent?;
    let error_code = |e: &str| -> String {
        e.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect()
    };
    Some(match (answered.eq_ignore_ascii_case("true"), error) {
        (_, Some(e)) => AdminConsent::Refused {
            error: error_code(e),
        },
        (true, None) => AdminConsent::Granted {
            tenant: tenant.map_or_else(|| "unknown".to_owned(), error_code_tenant),
        },
        (false, None) => AdminConsent::Refused {
            error: "access_denied".to_owned(),
        },
    })
}

/// A tenant id as shown back: GUID characters only.
fn error_code_tenant(t: &str) -> String {
    t.chars()
        .filter(|c| c.is_ascii_hexdigit() || *c == '-')
        .take(36)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_kinds_are_saved_in_order_inherited_or_refused() {
        let typed = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            kinds_change(None, false, &typed(&["sms_code", "totp"])),
            Ok(Some((
                "allowed_second_factors".into(),
                r#"["totp","sms_code"]"#.into()
            )))
        );
        let own = [FactorKind::Totp, FactorKind::SmsCode];
        assert_eq!(
            kinds_change(Some(&own), false, &typed(&["totp", "sms_code"])),
            Ok(None),
            "unchanged"
        );
        assert_eq!(
            kinds_change(Some(&own), true, &[]),
            Ok(Some(("allowed_second_factors".into(), String::new())))
        );
        assert_eq!(kinds_change(None, true, &[]), Ok(None));
        // None checked: passed on for validation to refuse in its own words.
        let (_, none) = kinds_change(None, false, &[]).unwrap().unwrap();
        let parsed =
            PolicySettings::parse(&serde_json::json!({"allowed_second_factors": serde_json::from_str::<serde_json::Value>(&none).unwrap()}))
                .unwrap();
        assert_eq!(
            parsed.validate(true),
            Err(PolicyError::NoSecondFactorAllowed)
        );
        assert!(kinds_change(None, false, &typed(&["fax"])).is_err());
    }

    fn setting(key: &str) -> &'static NumberSetting {
        NUMBER_SETTINGS.iter().find(|s| s.key == key).unwrap()
    }

    #[test]
    fn a_setting_comes_from_the_nearest_organization_that_sets_it() {
        let set = PolicySettings {
            password_min_length: Some(16),
            ..Default::default()
        };
        let unset = PolicySettings::default();
        let get = |p: &PolicySettings| p.password_min_length;
        assert_eq!(
            source_of(&[set.clone(), unset.clone(), unset.clone()], get),
            Source::Inherited(0)
        );
        assert_eq!(
            source_of(&[unset.clone(), set.clone(), unset.clone()], get),
            Source::Inherited(1)
        );
        assert_eq!(source_of(&[unset.clone(), set.clone()], get), Source::Here);
        assert_eq!(
            source_of(&[unset.clone(), unset.clone()], get),
            Source::Default
        );
        assert_eq!(source_of::<u32>(&[], get), Source::Default);
    }

    #[test]
    fn only_the_main_organization_decides_email_login() {
        let root = PolicySettings {
            email_password_login: Some(false),
            ..Default::default()
        };
        let sub = PolicySettings {
            email_password_login: Some(true),
            ..Default::default()
        };
        assert_eq!(
            email_login_source(std::slice::from_ref(&root)),
            Source::Here
        );
        assert_eq!(
            email_login_source(&[root, sub.clone()]),
            Source::Inherited(0)
        );
        assert_eq!(
            email_login_source(&[PolicySettings::default(), sub]),
            Source::Default
        );
    }

    #[test]
    fn durations_are_typed_in_the_units_people_use() {
        let expiry = setting("password_expiry_days");
        let idle = setting("idle_timeout_minutes");
        let session = setting("session_lifetime_hours");
        assert_eq!(parse_amount(expiry, "90"), Ok(90));
        assert_eq!(parse_amount(expiry, " 90 days "), Ok(90));
        assert_eq!(parse_amount(expiry, "2 weeks"), Ok(14));
        assert_eq!(parse_amount(idle, "2 hours"), Ok(120));
        assert_eq!(parse_amount(idle, "15min"), Ok(15));
        assert_eq!(parse_amount(session, "2 days"), Ok(48));
        assert_eq!(parse_amount(session, "8 h"), Ok(8));
        assert!(matches!(
            parse_amount(session, "90 minutes"),
            Err(InputError::NotWhole { .. })
        ));
        assert!(matches!(
            parse_amount(expiry, "36 hours"),
            Err(InputError::NotWhole { .. })
        ));
        assert!(matches!(
            parse_amount(expiry, "soon"),
            Err(InputError::NotANumber { .. })
        ));
        assert!(matches!(
            parse_amount(expiry, "-1"),
            Err(InputError::NotANumber { .. })
        ));
        assert!(matches!(
            parse_amount(expiry, "99999999999"),
            Err(InputError::NotANumber { .. })
        ));
        // Counts take their own unit's name but no time unit.
        let history = setting("password_history");
        assert_eq!(parse_amount(history, "5 passwords"), Ok(5));
        assert!(parse_amount(history, "5 days").is_err());
    }

    #[test]
    fn values_are_described_as_people_read_them() {
        assert_eq!(
            describe(setting("password_expiry_days"), Some(0)),
            "never expires"
        );
        assert_eq!(describe(setting("password_expiry_days"), Some(1)), "1 day");
        assert_eq!(
            describe(setting("idle_timeout_minutes"), None),
            "no idle limit"
        );
        assert_eq!(
            describe(setting("lockout_after_failures"), Some(5)),
            "5 failed sign-ins"
        );
    }

    #[test]
    fn a_form_changes_only_what_differs_from_what_holds() {
        let root = PolicySettings {
            password_min_length: Some(14),
            ..Default::default()
        };
        let own = PolicySettings {
            password_history: Some(3),
            ..Default::default()
        };
        let chain = [root, own];
        let typed = vec![
            // Equal to what is inherited: not made an override.
            ("password_min_length", "14".to_owned()),
            // Equal to this organization's own value: nothing to change.
            ("password_history", "3".to_owned()),
            // New here, typed in weeks.
            ("password_expiry_days", "4 weeks".to_owned()),
            // Empty and not set here: nothing.
            ("idle_timeout_minutes", String::new()),
        ];
        assert_eq!(
            number_changes(&chain, &typed, false),
            Ok(vec![("password_expiry_days".to_owned(), "28".to_owned())])
        );
        // Emptying this organization's own value reverts it to the inherited one.
        let typed = vec![("password_history", " ".to_owned())];
        assert_eq!(
            number_changes(&chain, &typed, false),
            Ok(vec![("password_history".to_owned(), String::new())])
        );
    }

    #[test]
    fn a_bad_value_is_refused_with_a_sentence_naming_the_field() {
        let chain = [PolicySettings::default()];
        let typed = vec![
            ("password_expiry_days", "30".to_owned()),
            ("password_min_length", "4".to_owned()),
        ];
        let e = number_changes(&chain, &typed, true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Minimum password length must be between 8 and 128 characters"
        );
        let typed = vec![("idle_timeout_minutes", "8 days".to_owned())];
        assert_eq!(
            number_changes(&chain, &typed, true)
                .unwrap_err()
                .to_string(),
            "Sign out after being idle for must be between 1 and 10080 minutes"
        );
    }

    #[test]
    fn a_refused_form_value_reads_in_the_administrators_language() {
        use crate::i18n::Language;
        let chain = [PolicySettings::default()];
        let refused =
            |key, text: &str| number_changes(&chain, &[(key, text.to_owned())], true).unwrap_err();
        let de = Tr::new(Language::De);
        let en = Tr::default();
        let short = refused("password_min_length", "4");
        assert_eq!(
            short.message(&de),
            "„Mindestlänge des Passworts“ muss zwischen 8 und 128 Zeichen liegen."
        );
        assert_eq!(
            short.message(&en),
            "Minimum password length must be between 8 and 128 characters."
        );
        let typo = refused("session_lifetime_hours", "lots");
        assert_eq!(typo.message(&en), admin::sentence(&typo.to_string()));
        assert!(typo.message(&de).contains("„lots“ ist keine Zahl"));
        let idle = refused("idle_timeout_minutes", "90 s");
        assert_eq!(idle.message(&en), admin::sentence(&idle.to_string()));
        let domain = explain(&PolicyError::BadEntry {
            setting: "google_hosted_domains",
            value: "Example".into(),
            expected: "a domain name in lower case, like example.com",
        });
        assert_eq!(domain.message(&en), admin::sentence(&domain.to_string()));
        assert!(
            domain
                .message(&Tr::new(Language::Ko))
                .contains("\"Example\"")
        );
    }

    #[test]
    fn switches_inherit_or_override() {
        assert_eq!(switch_change("google_sign_in", None, "inherit"), Ok(None));
        assert_eq!(
            switch_change("google_sign_in", None, "on"),
            Ok(Some(("google_sign_in".into(), "true".into())))
        );
        assert_eq!(switch_change("google_sign_in", Some(true), "on"), Ok(None));
        assert_eq!(
            switch_change("google_sign_in", Some(true), "inherit"),
            Ok(Some(("google_sign_in".into(), String::new())))
        );
        assert!(switch_change("google_sign_in", None, "maybe").is_err());
    }

    #[test]
    fn the_counter_regression_rule_inherits_or_overrides() {
        use crate::policy::CounterRegression;
        let key = || "passkey_counter_regression".to_owned();
        assert_eq!(counter_regression_change(None, "inherit"), Ok(None));
        assert_eq!(
            counter_regression_change(None, "allow"),
            Ok(Some((key(), "allow".into())))
        );
        assert_eq!(
            counter_regression_change(Some(CounterRegression::Refuse), "refuse"),
            Ok(None)
        );
        assert_eq!(
            counter_regression_change(Some(CounterRegression::Allow), "inherit"),
            Ok(Some((key(), String::new())))
        );
        assert!(counter_regression_change(None, "sometimes").is_err());
    }

    #[test]
    fn the_default_language_inherits_or_overrides() {
        use crate::i18n::Language;
        assert_eq!(language_change(None, "inherit"), Ok(None));
        assert_eq!(
            language_change(None, "ko"),
            Ok(Some(("default_language".into(), "ko".into())))
        );
        assert_eq!(language_change(Some(Language::Ko), "ko"), Ok(None));
        assert_eq!(
            language_change(Some(Language::Ko), "inherit"),
            Ok(Some(("default_language".into(), String::new())))
        );
        assert!(language_change(None, "fr").is_err());
    }

    #[test]
    fn lists_inherit_when_empty_and_change_only_when_different() {
        let own = vec!["example.com".to_owned()];
        let key = "google_hosted_domains";
        assert_eq!(list_change(key, None, &[], "\n"), None);
        assert_eq!(
            list_change(key, Some(&own), &[], ""),
            Some((key.into(), String::new()))
        );
        assert_eq!(list_change(key, Some(&own), &[], " example.com\n"), None);
        // The inherited list typed back unchanged stays inherited.
        assert_eq!(list_change(key, None, &own, "example.com"), None);
        assert_eq!(
            list_change(key, Some(&own), &[], "example.com\nexample.org"),
            Some((
                "google_hosted_domains".into(),
                r#"["example.com","example.org"]"#.into()
            ))
        );
    }

    #[test]
    fn a_confirmation_is_the_number_or_the_organization_name() {
        assert_eq!(typed_confirmation("", "Acme", 7), None);
        assert_eq!(typed_confirmation(" 7 ", "Acme", 7), Some(7));
        assert_eq!(typed_confirmation("6", "Acme", 7), Some(6));
        assert_eq!(typed_confirmation("Acme", "Acme", 7), Some(7));
        assert_eq!(typed_confirmation("acme corp", "Acme", 7), None);
    }

    #[test]
    fn an_ip_list_that_is_on_holds_an_address_and_one_that_is_off_holds_none() {
        assert_eq!(ip_list_entries(false, "203.0.113.1"), Ok(vec![]));
        assert!(matches!(
            ip_list_entries(true, " \n"),
            Err(InputError::Other(_))
        ));
        assert_eq!(
            ip_list_entries(true, "203.0.113.1 office"),
            Ok(vec![("203.0.113.1".into(), Some("office".into()))])
        );
    }

    #[test]
    fn checkboxes_and_application_scope_change_only_what_differs() {
        let key = "ip_allow_list_super_admin";
        assert_eq!(checkbox_change(key, None, false, false), None);
        assert_eq!(
            checkbox_change(key, None, false, true),
            Some((key.into(), "true".into()))
        );
        assert_eq!(checkbox_change(key, Some(true), true, true), None);
        assert_eq!(
            checkbox_change(key, Some(true), true, false),
            Some((key.into(), "false".into()))
        );
        let own = vec!["payroll".to_owned()];
        assert_eq!(client_scope_change(None, "all", &[]), Ok(None));
        assert_eq!(
            client_scope_change(Some(&own), "all", &[]),
            Ok(Some(("ip_allow_list_clients".into(), String::new())))
        );
        assert_eq!(client_scope_change(Some(&own), "chosen", &own), Ok(None));
        assert_eq!(
            client_scope_change(None, "chosen", &own),
            Ok(Some((
                "ip_allow_list_clients".into(),
                r#"["payroll"]"#.into()
            )))
        );
        assert!(client_scope_change(None, "chosen", &[]).is_err());
    }

    #[test]
    fn ip_lists_are_typed_one_entry_a_line() {
        let typed = "203.0.113.0/24  Head office\n\n2001:db8::1\n";
        assert_eq!(
            parse_ip_lines(typed),
            Ok(vec![
                ("203.0.113.0/24".into(), Some("Head office".into())),
                ("2001:db8::1".into(), None),
            ])
        );
        assert!(matches!(
            parse_ip_lines("203.0.113.1\nnot-an-address office"),
            Err(InputError::IpLine { line: 2, .. })
        ));
        assert!(matches!(
            parse_ip_lines("10.0.0.0/4"),
            Err(InputError::IpLine { line: 1, .. })
        ));
        let many: String = (0..101).map(|i| format!("10.0.0.{i}\n")).collect();
        assert!(matches!(parse_ip_lines(&many), Err(InputError::Other(_))));
        assert_eq!(
            with_address("203.0.113.0/24 office", "198.51.100.7", "added"),
            "203.0.113.0/24 office\n198.51.100.7 added"
        );
        assert_eq!(
            with_address("198.51.100.7", "198.51.100.7", ""),
            "198.51.100.7"
        );
        assert_eq!(lines(" a.com\n\nb.com\na.com "), vec!["a.com", "b.com"]);
    }

    #[test]
    fn a_save_from_a_stale_form_names_who_changed_what_since() {
        let record = |s: serde_json::Value| OrgPolicyRecord {
            org_id: OrgId::from_string("o"),
            settings: s,
            updated_at: Timestamp::from_secs(0),
        };
        let before = version(
            Some(&record(serde_json::json!({"password_history": 3}))),
            &[],
        );
        let after = version(
            Some(&record(serde_json::json!({"password_history": 4}))),
            &[],
        );
        assert_ne!(before, after);
        assert_eq!(
            version(None, &[]),
            version(Some(&record(serde_json::json!({}))), &[])
        );
        let entry = IpListEntry {
            id: "e".into(),
            org_id: OrgId::from_string("o"),
            purpose: IpListPurpose::AllowSignIn,
            cidr: "203.0.113.0/24".into(),
            note: None,
            created_at: Timestamp::from_secs(0),
        };
        assert_ne!(version(None, &[]), version(None, &[entry]));
        let last = LastChange {
            by: Some("Bea <bea@example.com>".into()),
            at: Timestamp::from_secs(1_800_000_000),
        };
        assert!(check_version(&before, &before, &last).is_ok());
        let e = check_version(&before, &after, &last).unwrap_err();
        assert!(matches!(e, AdminError::Stale { .. }));
        let text = e.to_string();
        assert!(text.contains("Bea <bea@example.com>"), "{text}");
        assert!(text.contains("2027-01-15T08:00:00"), "{text}");
        assert!(text.contains("reload"), "{text}");
    }

    #[test]
    fn administrators_are_listed_here_first_then_inherited_nearest_first() {
        let (root, sub) = (OrgId::from_string("root"), OrgId::from_string("sub"));
        let other = OrgId::from_string("other");
        let a = |user: &str, org: &OrgId, p: &[&str]| AdminAssignment {
            user_id: UserId::from_string(user),
            org_id: org.clone(),
            permissions: p.iter().map(|s| (*s).to_owned()).collect(),
            created_at: Timestamp::from_secs(0),
        };
        let list = holders(
            &[root.clone(), sub.clone()],
            &[
                a("ada", &root, &["members", "audit_log"]),
                a("bea", &sub, &["two_factor"]),
                a("cy", &other, &["members"]),
                a("dee", &sub, &[]),
            ],
        );
        assert_eq!(
            list,
            vec![
                Holder {
                    user_id: UserId::from_string("bea"),
                    over: sub,
                    inherited: false,
                    areas: vec![Permission::TwoFactor],
                },
                Holder {
                    user_id: UserId::from_string("ada"),
                    over: root,
                    inherited: true,
                    areas: vec![Permission::Members, Permission::AuditLog],
                },
            ]
        );
    }

    #[test]
    fn the_admin_consent_return_is_told_apart_from_a_sign_in() {
        assert_eq!(admin_consent_outcome(None, None, None), None);
        assert_eq!(
            admin_consent_outcome(Some("True"), Some(TENANT_ID), None),
            Some(AdminConsent::Granted {
                tenant: TENANT_ID.into()
            })
        );
        assert_eq!(
            admin_consent_outcome(Some("True"), Some("<script>"), None),
            Some(AdminConsent::Granted { tenant: "c".into() })
        );
        assert_eq!(
            admin_consent_outcome(Some("False"), None, Some("access_denied<b>")),
            Some(AdminConsent::Refused {
                error: "access_deniedb".into()
            })
        );
    }

    const TENANT_ID: &str = "11111111-1111-4111-8111-111111111111";

    #[test]
    fn the_entra_admin_consent_link_asks_for_the_tenant_or_lets_it_decide() {
        let url = entra_admin_consent_url(
            Some("11111111-1111-4111-8111-111111111111"),
            "app-id",
            "https://idp.example.com/",
        );
        assert_eq!(
            url,
            "https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0/adminconsent?client_id=app-id&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&redirect_uri=https%3A%2F%2Fidp.example.com%2Flogin%2Ffederated%2Fentra%2Fcallback"
        );
        for tenant in [None, Some("common"), Some(" ")] {
            assert!(
                entra_admin_consent_url(tenant, "app-id", "https://idp.example.com").starts_with(
                    "https://login.microsoftonline.com/organizations/v2.0/adminconsent?"
                )
            );
        }
    }
}
