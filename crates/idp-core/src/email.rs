//! Email addresses as members type them, normalized so that uniqueness holds.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("an email address needs one @ with text on both sides")]
    Shape,
    #[error("an email address can be at most 254 characters")]
    TooLong,
    #[error("an email address cannot contain spaces or control characters")]
    BadCharacter,
    #[error("the domain of an email address needs a dot and no empty labels")]
    Domain,
}

/// A syntactically valid address, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, EmailError> {
        // Lower-cased before the length rules: lower-casing can lengthen a string (`Ⱥ` is
        // two bytes, `ⱥ` three), and a stored address must always parse again.
        let text = text.trim().to_lowercase();
        let text = text.as_str();
        if text.len() > 254 {
            return Err(EmailError::TooLong);
        }
        if text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        {
            return Err(EmailError::BadCharacter);
        }
        let (local, domain) = text.rsplit_once('@').ok_or(EmailError::Shape)?;
        if local.is_empty() || domain.is_empty() || local.len() > 64 || local.contains('@') {
            return Err(EmailError::Shape);
        }
        if !domain.contains('.') || domain.split('.').any(str::is_empty) {
            return Err(EmailError::Domain);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalizes() {
        let e = Email::parse("  Ada.Lovelace@Example.ORG ").unwrap();
        assert_eq!(e.as_str(), "ada.lovelace@example.org");
        assert_eq!(e.domain(), "example.org");
    }

    #[test]
    fn an_accepted_address_always_parses_again() {
        // Found by the fuzz target: 32 × `Ⱥ` is 64 bytes, lower-cased 96, past the
        // local part's limit, so the stored address could not be read back.
        let local = "Ⱥ".repeat(32);
        assert_eq!(
            Email::parse(&format!("{local}@example.org")),
            Err(EmailError::Shape)
        );
        let ok = Email::parse(&format!("{}@Example.org", "Ⱥ".repeat(21))).unwrap();
        assert_eq!(Email::parse(ok.as_str()), Ok(ok));
    }

    #[test]
    fn refuses_malformed() {
        assert_eq!(Email::parse("nobody"), Err(EmailError::Shape));
        assert_eq!(Email::parse("@example.org"), Err(EmailError::Shape));
        assert_eq!(Email::parse("a@"), Err(EmailError::Shape));
        assert_eq!(
            Email::parse("a b@example.org"),
            Err(EmailError::BadCharacter)
        );
        assert_eq!(Email::parse("a@localhost"), Err(EmailError::Domain));
        assert_eq!(Email::parse("a@example..org"), Err(EmailError::Domain));
        assert_eq!(
            Email::parse(&format!("{}@example.org", "a".repeat(250))),
            Err(EmailError::TooLong)
        );
    }
}
