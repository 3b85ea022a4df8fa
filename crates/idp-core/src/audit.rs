//! The audit event model: who did what to whom, when and from where. Each
//! organization's events form a hash chain, so a silent edit breaks a link.

use crate::client::wire_enum;
use crate::clock::Timestamp;
use crate::ids::{EventId, OrgId, UserId};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

wire_enum!(
    ActivityType, "activity type" {
        SignIn => "sign_in",
        PersonalInfoAccess => "personal_info_access",
        PermissionChange => "permission_change",
        SecuritySettingsChange => "security_settings_change",
        SecondFactorReset => "second_factor_reset",
        TemporaryPassword => "temporary_password",
        PasswordReset => "password_reset",
        AccountLock => "account_lock",
        Consent => "consent",
        TokenRevocation => "token_revocation",
        ClientChange => "client_change",
        OrganizationChange => "organization_change",
        MemberChange => "member_change",
        AuditAccess => "audit_access",
        Retention => "retention",
    }
);

wire_enum!(
    EventKind, "event" {
        View => "view",
        Create => "create",
        Edit => "edit",
        Delete => "delete",
        Download => "download",
        SignIn => "sign_in",
    }
);

wire_enum!(
    InfoType, "information type" {
        AuthenticationToken => "authentication_token",
        Personal => "personal",
        Hr => "hr",
        Contact => "contact",
        SecuritySettings => "security_settings",
        Permission => "permission",
        Other => "other",
    }
);

wire_enum!(
    ActorKind, "actor kind" {
        Member => "member",
        Administrator => "administrator",
        Client => "client",
        System => "system",
    }
);

/// An event as a use case describes it, before it takes its place in the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAuditEvent {
    pub org_id: OrgId,
    pub occurred_at: Timestamp,
    pub actor_kind: ActorKind,
    pub actor_id: Option<String>,
    pub target_user_id: Option<UserId>,
    pub activity: ActivityType,
    pub event: EventKind,
    pub info_type: InfoType,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device_id: Option<String>,
    /// Before and after values of a change; never a secret.
    pub detail: serde_json::Value,
}

/// A stored event with its place in its organization's chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: EventId,
    pub seq: i64,
    #[serde(flatten)]
    pub event: NewAuditEvent,
    #[serde(with = "hex_bytes")]
    pub prev_digest: Vec<u8>,
    #[serde(with = "hex_bytes")]
    pub digest: Vec<u8>,
}

mod hex_bytes {
    use serde::{Deserialize as _, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&data_encoding::HEXLOWER.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        data_encoding::HEXLOWER
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

/// The digest the first event of a chain links to.
pub const GENESIS: [u8; 32] = [0u8; 32];

/// The digest of an event: SHA-256 over the previous digest, its position and a
/// canonical serialization of its content. Any change to a stored event changes it.
pub fn chain_digest(prev: &[u8], seq: i64, id: &EventId, event: &NewAuditEvent) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"idp-audit-v1\0");
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(id.as_str().as_bytes());
    h.update([0]);
    // serde_json writes struct fields in declaration order and map keys sorted, so this is stable.
    h.update(serde_json::to_vec(event).unwrap_or_default());
    h.finalize().to_vec()
}

impl AuditEvent {
    /// Places `event` after the event with `prev_seq`/`prev_digest` (none: start of chain).
    pub fn chained(event: NewAuditEvent, prev: Option<(i64, &[u8])>) -> Self {
        let (seq, prev_digest) = match prev {
            Some((seq, digest)) => (seq.saturating_add(1), digest.to_vec()),
            None => (1, GENESIS.to_vec()),
        };
        let id = EventId::generate();
        let digest = chain_digest(&prev_digest, seq, &id, &event);
        Self {
            id,
            seq,
            event,
            prev_digest,
            digest,
        }
    }
}

/// Where verification of a chain found it broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainBreak {
    /// The event's stored digest does not match its content.
    Altered { seq: i64, id: EventId },
    /// The event does not link to the one before it (an event was removed or reordered).
    Unlinked { seq: i64, id: EventId },
}

/// Checks a chain event by event, so a long chain can be read page by page.
#[derive(Clone, Debug)]
pub struct ChainVerifier {
    prev: Vec<u8>,
    prev_seq: Option<i64>,
    checked: usize,
}

impl ChainVerifier {
    /// Starts at `start`: the genesis, or the digest retention continued from.
    pub fn new(start: &[u8]) -> Self {
        Self {
            prev: start.to_vec(),
            prev_seq: None,
            checked: 0,
        }
    }

    /// The next event in chain order; the first broken link is an error.
    pub fn check(&mut self, e: &AuditEvent) -> Result<(), ChainBreak> {
        let linked = e.prev_digest == self.prev && self.prev_seq.is_none_or(|p| e.seq == p + 1);
        if !linked {
            return Err(ChainBreak::Unlinked {
                seq: e.seq,
                id: e.id.clone(),
            });
        }
        if chain_digest(&e.prev_digest, e.seq, &e.id, &e.event) != e.digest {
            return Err(ChainBreak::Altered {
                seq: e.seq,
                id: e.id.clone(),
            });
        }
        self.prev.clone_from(&e.digest);
        self.prev_seq = Some(e.seq);
        self.checked += 1;
        Ok(())
    }

    /// Events checked so far.
    pub fn checked(&self) -> usize {
        self.checked
    }
}

/// Walks events in chain order, starting from `start` (the genesis, or the digest
/// retention continued from), and reports the first broken link.
pub fn verify_chain<'a>(
    start: &[u8],
    events: impl IntoIterator<Item = &'a AuditEvent>,
) -> Result<usize, ChainBreak> {
    let mut v = ChainVerifier::new(start);
    for e in events {
        v.check(e)?;
    }
    Ok(v.checked())
}

/// Verifies an organization's stored chain from its start, a page at a time. Returns
/// how many events it checked, or where the chain first breaks.
pub async fn verify_stored_chain(
    stores: &crate::ports::Stores,
    org: &crate::ids::OrgId,
) -> Result<Result<usize, ChainBreak>, crate::ports::StoreError> {
    const PAGE: u32 = 1000;
    let (mut after, start) = match stores.audit.anchor(org).await? {
        Some((seq, digest)) => (seq, digest),
        None => (0, GENESIS.to_vec()),
    };
    let mut v = ChainVerifier::new(&start);
    loop {
        let page = stores.audit.find_chain(org, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            if let Err(broken) = v.check(e) {
                return Ok(Err(broken));
            }
        }
    }
    Ok(Ok(v.checked()))
}

/// Applies every organization's own retention period; returns how many events went.
pub async fn apply_all_retention(
    stores: &crate::ports::Stores,
) -> Result<u64, crate::ports::StoreError> {
    let mut deleted = 0;
    for org in stores.orgs.find_all().await? {
        let policy = crate::policy::effective_policy(stores, &org).await?;
        deleted += apply_retention(stores, &org, policy.audit_retention).await?;
    }
    Ok(deleted)
}

/// Deletes an organization's events older than its retention period, from the old end
/// of the chain, and records the deletion (with the digest the chain continues from) as
/// a new event. Returns how many were deleted.
pub async fn apply_retention(
    stores: &crate::ports::Stores,
    org: &crate::org::Organization,
    keep: std::time::Duration,
) -> Result<u64, crate::ports::StoreError> {
    let now = stores.clock.now();
    let before = now.minus(keep);
    let org_id = org.id.clone();
    // Written in the deletion's transaction: no deletion goes unrecorded.
    let record = move |deleted: u64, seq: i64, digest: &[u8]| NewAuditEvent {
        org_id: org_id.clone(),
        occurred_at: now,
        actor_kind: ActorKind::System,
        actor_id: None,
        target_user_id: None,
        activity: ActivityType::Retention,
        event: EventKind::Delete,
        info_type: InfoType::Other,
        ip: None,
        user_agent: None,
        device_id: None,
        detail: serde_json::json!({
            "deleted": deleted,
            "older_than": before.to_rfc3339(),
            "chain_continues_after_seq": seq,
            "chain_continues_from_digest": digest.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        }),
    };
    let (deleted, _) = stores
        .audit
        .delete_before(&org.id, before, now, Box::new(record))
        .await?;
    Ok(deleted)
}

/// Which events an administrator asked for. Every field narrows the result. Kept with a
/// background export (JSON), so any node can write it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditFilter {
    /// An organization and all its sub-organizations.
    pub org_path: Option<String>,
    pub target_user_id: Option<UserId>,
    pub activity: Option<ActivityType>,
    pub event: Option<EventKind>,
    pub info_type: Option<InfoType>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

/// Records that someone read (or downloaded) an organization's audit log.
pub async fn record_access(
    stores: &crate::ports::Stores,
    org: &crate::ids::OrgId,
    actor: (ActorKind, Option<String>),
    origin: &crate::signin::Origin,
    kind: EventKind,
    target: Option<UserId>,
    detail: serde_json::Value,
) -> Result<(), crate::ports::StoreError> {
    stores
        .audit
        .append(&NewAuditEvent {
            org_id: org.clone(),
            occurred_at: stores.clock.now(),
            actor_kind: actor.0,
            actor_id: actor.1,
            target_user_id: target,
            activity: ActivityType::AuditAccess,
            event: kind,
            info_type: InfoType::Other,
            ip: origin.ip.clone(),
            user_agent: origin.user_agent.clone(),
            device_id: None,
            detail,
        })
        .await
        .map(drop)
}

/// The filters a person types, as text.
#[derive(Clone, Debug, Default)]
pub struct FilterText<'a> {
    pub member: Option<&'a str>,
    pub activity: Option<&'a str>,
    pub event: Option<&'a str>,
    pub info_type: Option<&'a str>,
    pub from: Option<&'a str>,
    pub until: Option<&'a str>,
}

/// A filter value that cannot be used; names the filter.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FilterError {
    #[error("{name} must be an RFC 3339 time or a date")]
    Time { name: &'static str },
    #[error(transparent)]
    Unknown(#[from] crate::client::UnknownValue),
}

impl FilterError {
    /// The refusal as a sentence in the reader's language (`Display` stays English).
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            FilterError::Time { name: "from" } => tr.t("console-filter-bad-from"),
            FilterError::Time { .. } => tr.t("console-filter-bad-until"),
            FilterError::Unknown(u) => {
                let value = u.value.as_str();
                match u.kind {
                    "activity type" => tr.t1("console-filter-unknown-activity", "value", value),
                    "event" => tr.t1("console-filter-unknown-event", "value", value),
                    "information type" => tr.t1("console-filter-unknown-info", "value", value),
                    _ => crate::admin::sentence(&u.to_string()),
                }
            }
        }
    }
}

impl AuditFilter {
    /// The filter for an organization's tree at `org_path`, every value checked; the
    /// error names what is wrong.
    pub fn parse(org_path: &str, text: &FilterText<'_>) -> Result<Self, FilterError> {
        let time = |t: Option<&str>, name: &'static str| {
            t.map(|s| Timestamp::parse_rfc3339(s).ok_or(FilterError::Time { name }))
                .transpose()
        };
        Ok(Self {
            org_path: Some(org_path.to_owned()),
            target_user_id: text.member.map(UserId::from_string),
            activity: text
                .activity
                .map(str::parse)
                .transpose()
                .map_err(FilterError::Unknown)?,
            event: text
                .event
                .map(str::parse)
                .transpose()
                .map_err(FilterError::Unknown)?,
            info_type: text
                .info_type
                .map(str::parse)
                .transpose()
                .map_err(FilterError::Unknown)?,
            from: time(text.from, "from")?,
            until: time(text.until, "until")?,
        })
    }
}

/// The end of a date range as a person means it: a bare date (`2026-12-02`, from a date
/// picker) includes that whole day, so it becomes the next day's midnight (the filter's
/// `until` excludes its own instant); a full RFC 3339 time is kept as typed.
pub fn inclusive_until(text: &str) -> String {
    let text = text.trim();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(text, &format)
        .ok()
        .and_then(time::Date::next_day)
        .and_then(|d| d.format(&format).ok())
    {
        Some(next) => next,
        None => text.to_owned(),
    }
}

/// Keyset position: the last event of the previous page (newest first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditCursor {
    pub occurred_at: Timestamp,
    pub id: EventId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_filter_reads_in_the_readers_language_and_english_is_unchanged() {
        use crate::i18n::{Language, Tr};
        let refused = |text: FilterText<'_>| AuditFilter::parse("/root", &text).unwrap_err();
        let until = refused(FilterText {
            until: Some("yesterday"),
            ..FilterText::default()
        });
        let activity = refused(FilterText {
            activity: Some("dancing"),
            ..FilterText::default()
        });
        let en = Tr::default();
        for e in [&until, &activity] {
            assert_eq!(e.message(&en), crate::admin::sentence(&e.to_string()));
        }
        assert_eq!(
            until.to_string(),
            "until must be an RFC 3339 time or a date"
        );
        let de = Tr::new(Language::De);
        assert_eq!(
            until.message(&de),
            "„Bis“ muss ein Datum oder eine Zeit nach RFC 3339 sein."
        );
        assert_eq!(activity.message(&de), "Unbekannte Aktivitätsart „dancing“.");
    }

    fn event(n: i64) -> NewAuditEvent {
        NewAuditEvent {
            org_id: OrgId::from_string("org"),
            occurred_at: Timestamp::from_secs(n),
            actor_kind: ActorKind::System,
            actor_id: None,
            target_user_id: None,
            activity: ActivityType::SignIn,
            event: EventKind::SignIn,
            info_type: InfoType::AuthenticationToken,
            ip: Some("127.0.0.1".into()),
            user_agent: None,
            device_id: None,
            detail: serde_json::json!({"n": n}),
        }
    }

    fn chain(n: i64) -> Vec<AuditEvent> {
        let mut out: Vec<AuditEvent> = Vec::new();
        for i in 0..n {
            let prev = out.last().map(|e| (e.seq, e.digest.as_slice()));
            let next = AuditEvent::chained(event(i), prev);
            out.push(next);
        }
        out
    }

    #[test]
    fn a_date_range_includes_its_last_day() {
        assert_eq!(inclusive_until("2026-12-02"), "2026-12-03");
        assert_eq!(inclusive_until("2026-12-31"), "2027-01-01");
        assert_eq!(
            inclusive_until("2026-12-02T10:00:00Z"),
            "2026-12-02T10:00:00Z"
        );
        assert_eq!(inclusive_until("yesterday"), "yesterday");
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(c[0].seq, 1);
        assert_eq!(c[4].seq, 5);
        assert_eq!(verify_chain(&GENESIS, &c), Ok(5));
        // Retention removed the first two; verification continues from the recorded digest.
        assert_eq!(verify_chain(&c[1].digest, &c[2..]), Ok(3));
    }

    #[test]
    fn edits_and_removals_are_found() {
        let mut c = chain(4);
        c[2].event.detail = serde_json::json!({"n": 99});
        assert_eq!(
            verify_chain(&GENESIS, &c),
            Err(ChainBreak::Altered {
                seq: 3,
                id: c[2].id.clone()
            })
        );

        let mut c = chain(4);
        c.remove(1);
        assert_eq!(
            verify_chain(&GENESIS, &c),
            Err(ChainBreak::Unlinked {
                seq: 3,
                id: c[1].id.clone()
            })
        );
    }

    #[test]
    fn serializes_with_hex_digests() {
        let c = chain(1);
        let json = serde_json::to_value(&c[0]).unwrap();
        assert_eq!(json["activity"], "sign_in");
        assert_eq!(json["prev_digest"].as_str().unwrap().len(), 64);
        let back: AuditEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, c[0]);
    }
}
