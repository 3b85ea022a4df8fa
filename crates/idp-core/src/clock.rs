//! Time as the domain sees it: UTC instants with microsecond precision, read through a port.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Microseconds since the Unix epoch, UTC. Stored as a plain 64-bit integer in every backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    pub const fn from_secs(secs: i64) -> Self {
        Self(secs.saturating_mul(1_000_000))
    }

    pub const fn as_micros(self) -> i64 {
        self.0
    }

    /// Whole seconds, as JWT `exp`/`iat` want them.
    pub const fn as_secs(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }

    pub fn plus(self, d: Duration) -> Self {
        Self(self.0.saturating_add(duration_micros(d)))
    }

    pub fn minus(self, d: Duration) -> Self {
        Self(self.0.saturating_sub(duration_micros(d)))
    }

    /// RFC 3339 text, for people and exports.
    pub fn to_rfc3339(self) -> String {
        let nanos = i128::from(self.0) * 1000;
        time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| self.0.to_string())
    }

    /// Reads RFC 3339 text (`2026-11-22T10:00:00Z`), or a bare date as its midnight UTC.
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        use time::format_description::well_known::Rfc3339;
        let text = text.trim();
        let parsed = time::OffsetDateTime::parse(text, &Rfc3339)
            .or_else(|_| time::OffsetDateTime::parse(&format!("{text}T00:00:00Z"), &Rfc3339))
            .ok()?;
        i64::try_from(parsed.unix_timestamp_nanos() / 1000)
            .ok()
            .map(Self)
    }
}

fn duration_micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// The source of the current time. Expiry and lockout rules read it, so tests can fix it.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let micros = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(duration_micros)
            .unwrap_or(0);
        Timestamp(micros)
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn at(t: Timestamp) -> Self {
        Self(AtomicI64::new(t.0))
    }

    pub fn advance(&self, d: Duration) {
        self.0.fetch_add(duration_micros(d), Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_reads_back_what_it_writes() {
        let t = Timestamp::from_micros(1_800_000_000_123_456);
        assert_eq!(Timestamp::parse_rfc3339(&t.to_rfc3339()), Some(t));
        assert_eq!(
            Timestamp::parse_rfc3339("2027-01-15"),
            Timestamp::parse_rfc3339("2027-01-15T00:00:00Z")
        );
        assert_eq!(Timestamp::parse_rfc3339("last tuesday"), None);
    }

    #[test]
    fn arithmetic_and_formatting() {
        let t = Timestamp::from_secs(1_700_000_000);
        assert_eq!(t.plus(Duration::from_secs(60)).as_secs(), 1_700_000_060);
        assert_eq!(
            t.minus(Duration::from_millis(1)).as_micros(),
            1_699_999_999_999_000
        );
        assert_eq!(t.to_rfc3339(), "2023-11-14T22:13:20Z");
        assert_eq!(Timestamp::from_micros(-1).as_secs(), -1);
    }

    #[test]
    fn fixed_clock_moves_only_when_advanced() {
        let c = FixedClock::at(Timestamp::from_secs(10));
        assert_eq!(c.now(), Timestamp::from_secs(10));
        c.advance(Duration::from_secs(5));
        assert_eq!(c.now(), Timestamp::from_secs(15));
    }
}
