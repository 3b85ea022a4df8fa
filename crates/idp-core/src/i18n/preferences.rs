//! A member's own language and time zone, as they set them on their account page.

use super::{Language, TimeZoneError, parse_time_zone};
use crate::ports::{Change, StoreError, Stores};
use crate::records::User;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum PreferenceError {
    #[error(transparent)]
    TimeZone(#[from] TimeZoneError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Saves the member's language (`None`: as the browser asks) and time zone (`None`:
/// UTC); a zone must be an IANA name. Returns the member as saved.
pub async fn save_preferences(
    stores: &Stores,
    member: &User,
    language: Option<Language>,
    time_zone: Option<&str>,
) -> Result<User, PreferenceError> {
    let zoneinfo = match time_zone.map(str::trim).filter(|z| !z.is_empty()) {
        Some(name) => {
            parse_time_zone(name)?;
            Some(name.to_owned())
        }
        None => None,
    };
    let mut next = member.clone();
    next.locale = language.map(|l| l.as_str().to_owned());
    next.zoneinfo = zoneinfo;
    if next == *member {
        return Ok(next);
    }
    // Strictly later, so the version check of other changes sees this one.
    next.updated_at = stores
        .clock
        .now()
        .max(member.updated_at.plus(Duration::from_micros(1)));
    let change = Change::UpdateUser {
        user: next.clone(),
        read_at: member.updated_at,
    };
    stores.audit.commit(&[change], &[]).await?;
    Ok(next)
}
