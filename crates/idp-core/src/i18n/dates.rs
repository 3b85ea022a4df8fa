//! Members' time zones: IANA names, checked against the time zone database built in.

use jiff::tz::TimeZone;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TimeZoneError {
    #[error("{0:?} is not a time zone name like Europe/Berlin or Asia/Seoul")]
    Unknown(String),
}

/// The time zone an IANA name (`Asia/Seoul`, `UTC`) names.
pub fn parse_time_zone(name: &str) -> Result<TimeZone, TimeZoneError> {
    let name = name.trim();
    let plausible = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'));
    if !plausible {
        return Err(TimeZoneError::Unknown(name.chars().take(64).collect()));
    }
    jiff::tz::db()
        .get(name)
        .map_err(|_| TimeZoneError::Unknown(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names_only() {
        assert!(parse_time_zone("Asia/Seoul").is_ok());
        assert!(parse_time_zone("America/Argentina/Buenos_Aires").is_ok());
        assert!(parse_time_zone("UTC").is_ok());
        for bad in ["", "Mars/Olympus", "../../etc/passwd", "+09:00"] {
            assert!(parse_time_zone(bad).is_err(), "{bad:?}");
        }
        assert!(parse_time_zone(&"A".repeat(10_000)).is_err());
    }
}
