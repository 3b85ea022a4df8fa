//! Organization policy as it applies to one member. A setting made on an organization
//! holds for its sub-organizations unless one nearer the member sets its own.

use crate::client::wire_enum;
use crate::ids::OrgId;
use crate::org::Organization;
use crate::ports::{StoreError, Stores};
use crate::records::{IpListEntry, IpListPurpose, OrgPolicyRecord, User};
use std::net::IpAddr;

wire_enum!(
    /// Who must prove a second factor when signing in with email and password.
    TwoFactorScope, "two-factor scope" {
        Off => "off",
        Everybody => "everybody",
        Administrators => "administrators",
    }
);

/// The policy key holding the [`TwoFactorScope`].
pub const TWO_FACTOR_SCOPE: &str = "two_factor_scope";

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

/// Reads a request's IP as the origin recorded it.
pub fn parse_ip(text: Option<&str>) -> Option<IpAddr> {
    text.and_then(|t| t.parse::<IpAddr>().ok()).map(canonical)
}

/// The nearest value of `key` along `chain`, which runs from the main organization down
/// to the member's own.
fn nearest<'a>(chain: &'a [OrgPolicyRecord], key: &str) -> Option<&'a serde_json::Value> {
    chain.iter().rev().find_map(|p| p.settings.get(key))
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
        let scope = nearest(chain, TWO_FACTOR_SCOPE)
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse().ok())
            .unwrap_or(TwoFactorScope::Off);
        let skip_from = skip_lists
            .iter()
            .rev()
            .find(|l| !l.is_empty())
            .map(|l| {
                l.iter()
                    .filter_map(|e| IpRange::parse(&e.cidr).ok())
                    .collect()
            })
            .unwrap_or_default();
        Self { scope, skip_from }
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
    let ids = ancestry(org);
    let mut chain = Vec::with_capacity(ids.len());
    let mut lists = Vec::with_capacity(ids.len());
    for id in &ids {
        if let Some(p) = stores.policies.find_policy(id).await? {
            chain.push(p);
        }
        lists.push(
            stores
                .policies
                .find_ip_list(id, IpListPurpose::SkipSecondFactor)
                .await?,
        );
    }
    Ok(SecondFactorPolicy::from_chain(&chain, &lists))
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
}
