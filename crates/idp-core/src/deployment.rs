//! What every node of one deployment must agree on: the issuer its tokens carry and the
//! master key that seals its secrets. The database records both (the master key only as
//! a check value: an HMAC-SHA256 of a fixed label under it, never the key) the first
//! time a node starts or `idp migrate` runs; a node configured otherwise is refused at
//! start with both values named, rather than discovered later as tokens another node
//! will not accept. The issuer changes only by an operator's explicit command, recorded
//! in the audit log of every main organization.

use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
use crate::clock::Clock;
use crate::crypto::MasterKey;
use crate::ports::{Change, KeyRepo, StoreError, Stores};
use crate::signin::Origin;

/// The label whose HMAC under the master key is the key's check value. Changing it
/// would make every recorded check value differ: never change it.
const KEY_CHECK_LABEL: &str = "idp deployment master key check v1";

/// What a node is configured with, or what the database recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    /// Hex of HMAC-SHA256(master key, [`KEY_CHECK_LABEL`]).
    pub key_check: String,
}

impl Identity {
    pub fn of(issuer: &str, master_key: &MasterKey) -> Self {
        Self {
            issuer: issuer.to_owned(),
            key_check: key_check(master_key),
        }
    }
}

/// The master key's check value: tells keys apart without revealing them.
pub fn key_check(master_key: &MasterKey) -> String {
    master_key
        .derive(KEY_CHECK_LABEL)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first 16 hex digits of a check value: enough for a person to tell two apart.
pub fn fingerprint(key_check: &str) -> &str {
    key_check.get(..16).unwrap_or(key_check)
}

/// How a node's configuration differs from what the database recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Split {
    Issuer {
        recorded: String,
        configured: String,
    },
    /// The check values' fingerprints.
    MasterKey {
        recorded: String,
        configured: String,
    },
}

/// Every way `mine` differs from `recorded`; empty when they agree. Issuers are compared
/// exactly, as relying parties compare `iss`.
pub fn compare(recorded: &Identity, mine: &Identity) -> Vec<Split> {
    let mut splits = Vec::new();
    if recorded.issuer != mine.issuer {
        splits.push(Split::Issuer {
            recorded: recorded.issuer.clone(),
            configured: mine.issuer.clone(),
        });
    }
    if recorded.key_check != mine.key_check {
        splits.push(Split::MasterKey {
            recorded: fingerprint(&recorded.key_check).to_owned(),
            configured: fingerprint(&mine.key_check).to_owned(),
        });
    }
    splits
}

#[derive(Debug, thiserror::Error)]
pub enum DeploymentError {
    #[error("this node's configuration differs from the deployment's")]
    Split(Vec<Split>),
    #[error(
        "no deployment is recorded yet: start a node (or run `idp migrate`) with the configuration to record"
    )]
    NotRecorded,
    #[error("the issuer is already {0}")]
    Unchanged(String),
    #[error("the recorded issuer changed meanwhile; run the command again")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether this node's identity was recorded now or found as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// The first: the database now records this node's issuer and key.
    Recorded,
    Agrees,
}

/// Records `mine` as the deployment's when none is recorded (once, whichever node comes
/// first), or checks it against what is: [`DeploymentError::Split`] names every
/// difference.
pub async fn settle(
    keys: &dyn KeyRepo,
    clock: &dyn Clock,
    mine: &Identity,
) -> Result<Settled, DeploymentError> {
    let (recorded, now_recorded) = keys.record_deployment(mine, clock.now()).await?;
    let splits = compare(&recorded, mine);
    if !splits.is_empty() {
        return Err(DeploymentError::Split(splits));
    }
    Ok(if now_recorded {
        Settled::Recorded
    } else {
        Settled::Agrees
    })
}

/// An issuer change as the command line reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerChange {
    pub from: String,
    pub to: String,
    /// Main organizations whose audit log records it.
    pub recorded_in: usize,
}

/// Changes the deployment's issuer to `to`, for an operator holding the deployment's
/// master key: tokens issued before carry the old issuer, which relying parties will
/// refuse, so this is never implicit. Saved by compare and swap with an event in the
/// audit log of every main organization, in one transaction. Nodes already running
/// keep their configured issuer until restarted with the new one.
pub async fn change_issuer(
    stores: &Stores,
    master_key: &MasterKey,
    origin: &Origin,
    to: &str,
) -> Result<IssuerChange, DeploymentError> {
    let Some(recorded) = stores.keys.find_deployment().await? else {
        return Err(DeploymentError::NotRecorded);
    };
    let mine = Identity::of(&recorded.issuer, master_key);
    let splits = compare(&recorded, &mine);
    if !splits.is_empty() {
        return Err(DeploymentError::Split(splits));
    }
    if recorded.issuer == to {
        return Err(DeploymentError::Unchanged(recorded.issuer));
    }
    let now = stores.clock.now();
    let mains: Vec<_> = stores
        .orgs
        .find_all()
        .await?
        .into_iter()
        .filter(|o| o.parent_id.is_none())
        .collect();
    let events: Vec<NewAuditEvent> = mains
        .iter()
        .map(|org| NewAuditEvent {
            org_id: org.id.clone(),
            occurred_at: now,
            actor_kind: ActorKind::System,
            actor_id: Some("operator".into()),
            target_user_id: None,
            activity: ActivityType::SecuritySettingsChange,
            event: EventKind::Edit,
            info_type: InfoType::SecuritySettings,
            ip: origin.ip.clone(),
            user_agent: origin.user_agent.clone(),
            device_id: None,
            detail: serde_json::json!({"issuer": {"before": recorded.issuer, "after": to}}),
        })
        .collect();
    let touched = stores
        .audit
        .commit(
            &[Change::ChangeIssuer {
                from: recorded.issuer.clone(),
                to: to.to_owned(),
                now,
            }],
            &events,
        )
        .await?;
    if touched.first().copied().unwrap_or_default() == 0 {
        return Err(DeploymentError::Changed);
    }
    Ok(IssuerChange {
        from: recorded.issuer,
        to: to.to_owned(),
        recorded_in: mains.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(hex_digit: char) -> MasterKey {
        MasterKey::parse(&hex_digit.to_string().repeat(64)).unwrap()
    }

    #[test]
    fn the_check_value_tells_keys_apart_and_reveals_neither() {
        let (a, b) = (key('a'), key('b'));
        assert_eq!(key_check(&a), key_check(&key('a')), "stable");
        assert_ne!(key_check(&a), key_check(&b));
        assert_eq!(key_check(&a).len(), 64);
        assert!(!key_check(&a).contains(&a.to_hex()));
        assert_eq!(fingerprint(&key_check(&a)).len(), 16);
    }

    #[test]
    fn a_node_agreeing_with_the_record_has_no_split() {
        let recorded = Identity::of("https://id.example.com", &key('a'));
        assert!(compare(&recorded, &recorded.clone()).is_empty());
    }

    #[test]
    fn every_difference_is_named_with_both_values() {
        let recorded = Identity::of("https://id.example.com", &key('a'));
        let issuer = Identity::of("http://127.0.0.1:8081", &key('a'));
        assert_eq!(
            compare(&recorded, &issuer),
            [Split::Issuer {
                recorded: "https://id.example.com".into(),
                configured: "http://127.0.0.1:8081".into(),
            }]
        );
        let both = Identity::of("https://id.example.com/", &key('b'));
        let splits = compare(&recorded, &both);
        assert_eq!(
            splits.len(),
            2,
            "a trailing slash is another issuer: {splits:?}"
        );
        assert_eq!(
            splits[1],
            Split::MasterKey {
                recorded: fingerprint(&recorded.key_check).to_owned(),
                configured: fingerprint(&both.key_check).to_owned(),
            }
        );
    }
}
