//! What a node announces when it changes something other nodes keep in memory, in the
//! words that travel over the ephemeral store's `notices` channel.

use crate::clock::Timestamp;
use crate::ids::{ClientId, UserId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A client's registration changed or was removed.
    Client(ClientId),
    /// The signing keys changed (a rotation, a retirement).
    Keys,
    /// A member changed or was removed.
    Member(UserId),
    /// Members changed in bulk (an import, an organization moved or removed).
    Members,
    /// Failures reached a limit: the throttling block `key` holds until `until`.
    Blocked { key: String, until: Timestamp },
}

impl Notice {
    const CLIENT: &'static str = "client:";
    const KEYS: &'static str = "keys";
    const MEMBER: &'static str = "member:";
    const MEMBERS: &'static str = "members";
    const BLOCKED: &'static str = "blocked:";

    pub fn encode(&self) -> String {
        match self {
            Self::Client(id) => format!("{}{id}", Self::CLIENT),
            Self::Keys => Self::KEYS.to_owned(),
            Self::Member(id) => format!("{}{id}", Self::MEMBER),
            Self::Members => Self::MEMBERS.to_owned(),
            Self::Blocked { key, until } => {
                format!("{}{}:{key}", Self::BLOCKED, until.as_micros())
            }
        }
    }

    /// `None` for what this version does not know (a newer node may announce more).
    pub fn decode(text: &str) -> Option<Self> {
        match text {
            Self::KEYS => return Some(Self::Keys),
            Self::MEMBERS => return Some(Self::Members),
            _ => {}
        }
        let named = |prefix: &str| text.strip_prefix(prefix).filter(|id| !id.is_empty());
        if let Some(id) = named(Self::CLIENT) {
            return Some(Self::Client(ClientId::from_string(id)));
        }
        if let Some(rest) = named(Self::BLOCKED) {
            let (until, key) = rest.split_once(':')?;
            let until = Timestamp::from_micros(until.parse().ok()?);
            return (!key.is_empty()).then(|| Self::Blocked {
                key: key.to_owned(),
                until,
            });
        }
        named(Self::MEMBER).map(|id| Self::Member(UserId::from_string(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_read_back_what_they_wrote_and_ignore_the_unknown() {
        for notice in [
            Notice::Client(ClientId::generate()),
            Notice::Keys,
            Notice::Member(UserId::generate()),
            Notice::Members,
            Notice::Blocked {
                key: "throttled:client_auth:address:ab12:29".into(),
                until: Timestamp::from_micros(1_800_000_000_123_456),
            },
        ] {
            assert_eq!(Notice::decode(&notice.encode()), Some(notice));
        }
        assert_eq!(Notice::decode("branding:acme"), None);
        assert_eq!(Notice::decode("client:"), None);
        assert_eq!(Notice::decode("member:"), None);
        assert_eq!(Notice::decode("blocked:"), None);
        assert_eq!(Notice::decode("blocked:soon:throttled:x"), None);
        assert_eq!(Notice::decode("blocked:1800000000:"), None);
    }
}
