//! Phone numbers for text-message codes: typed in the forms people use, kept in E.164
//! (`+` and up to 15 digits, ITU-T E.164 §6), and shown masked wherever anyone but
//! the member reads them (the console, the audit log).
//!
//! The normalizer is ours rather than a port of libphonenumber: we do not guess a
//! country for a number typed without one (the member types the `+` and the country
//! code, or `00` before it), so there is no metadata to keep current. What it checks is
//! the shape E.164 guarantees; whether a carrier can reach the number is the gateway's
//! answer.

use serde::{Deserialize, Serialize};

/// Fewest digits we accept: a country code and a subscriber number are rarely shorter.
const MIN_DIGITS: usize = 8;
/// E.164 §6.1: at most 15 digits, country code included.
const MAX_DIGITS: usize = 15;

/// A phone number in E.164 form, `+` then 8 to 15 digits, the first not 0.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error(
        "Type the number with its country code, starting with + (for example +82 10 1234 5678)."
    )]
    NoCountryCode,
    #[error("A phone number holds only digits, spaces, dashes, dots and brackets.")]
    NotANumber,
    #[error("That number is too short or too long to be a phone number.")]
    WrongLength,
}

impl PhoneError {
    /// What the member reads, in their language.
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            Self::NoCountryCode => tr.t("phone-no-country-code"),
            Self::NotANumber => tr.t("phone-not-a-number"),
            Self::WrongLength => tr.t("phone-wrong-length"),
        }
    }
}

impl PhoneNumber {
    /// Reads a number as people type it: `+82 10-1234-5678`, `(+1) 415.555.0100`,
    /// `0049 30 1234567`. Separators are dropped; a leading `00` is read as `+`.
    pub fn parse(typed: &str) -> Result<Self, PhoneError> {
        let typed = typed.trim();
        let rest = if let Some(rest) = typed.strip_prefix('+') {
            rest
        } else if let Some(rest) = typed.strip_prefix("(+") {
            // "(+1) 415…": the bracket closes after the country code.
            rest
        } else if let Some(rest) = typed.strip_prefix("00") {
            rest
        } else {
            return Err(if typed.chars().any(|c| c.is_ascii_digit()) {
                PhoneError::NoCountryCode
            } else {
                PhoneError::NotANumber
            });
        };
        let mut digits = String::with_capacity(MAX_DIGITS);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(PhoneError::NotANumber),
            }
        }
        if digits.starts_with('0') {
            // No country code starts with 0 (E.164 §6.2.1).
            return Err(PhoneError::NoCountryCode);
        }
        if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
            return Err(PhoneError::WrongLength);
        }
        Ok(Self(format!("+{digits}")))
    }

    /// The E.164 form, `+821012345678`: what the gateway receives.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as the console and the audit log show it: the first two and last two
    /// digits, the rest hidden (`+82••••••••78`).
    pub fn masked(&self) -> String {
        let digits = self.0.trim_start_matches('+');
        let n = digits.chars().count();
        let mut out = String::with_capacity(n * 3);
        out.push('+');
        for (i, c) in digits.chars().enumerate() {
            if i < 2 || i + 2 >= n {
                out.push(c);
            } else {
                out.push('•');
            }
        }
        out
    }
}

impl std::fmt::Debug for PhoneNumber {
    // A number is personal data: logs and debug output see it masked.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, PhoneError> {
        Self::parse(&s)
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_type_them_become_e164() {
        for (typed, e164) in [
            ("+82 10-1234-5678", "+821012345678"),
            ("+1 (415) 555-0100", "+14155550100"),
            ("(+1) 415.555.0100", "+14155550100"),
            ("0049 30 1234567", "+49301234567"),
            ("  +44\u{a0}20 7946 0958 ", "+442079460958"),
            ("+123456789012345", "+123456789012345"),
        ] {
            assert_eq!(
                PhoneNumber::parse(typed).map(|p| p.as_str().to_owned()),
                Ok(e164.to_owned()),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn what_is_not_a_number_is_refused_with_the_reason() {
        for (typed, why) in [
            ("010 1234 5678", PhoneError::NoCountryCode),
            ("+0 10 1234 5678", PhoneError::NoCountryCode),
            ("", PhoneError::NotANumber),
            ("call me", PhoneError::NotANumber),
            ("+82 10 1234 567x", PhoneError::NotANumber),
            ("+82;10", PhoneError::NotANumber),
            ("+1 555 01", PhoneError::WrongLength),
            ("+1234567890123456", PhoneError::WrongLength),
            ("+", PhoneError::WrongLength),
        ] {
            assert_eq!(PhoneNumber::parse(typed), Err(why), "{typed:?}");
        }
    }

    #[test]
    fn a_masked_number_shows_two_digits_at_each_end() {
        let p = PhoneNumber::parse("+82 10 1234 5612").unwrap();
        assert_eq!(p.masked(), "+82••••••••12");
        assert!(!p.masked().contains("1234"));
        assert_eq!(format!("{p:?}"), "PhoneNumber(+82••••••••12)");
        let short = PhoneNumber::parse("+4930123456").unwrap();
        assert_eq!(short.masked(), "+49••••••56");
    }

    #[test]
    fn stored_numbers_round_trip_and_bad_ones_do_not_load() {
        let p = PhoneNumber::parse("+14155550100").unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "\"+14155550100\"");
        assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), p);
        assert!(serde_json::from_str::<PhoneNumber>("\"12\"").is_err());
    }
}
