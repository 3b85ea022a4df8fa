//! Scopes (RFC 6749 §3.3) and which claims the OpenID ones grant (OIDC Core §5.4).

use super::OAuthError;

pub const OPENID: &str = "openid";
pub const OFFLINE_ACCESS: &str = "offline_access";
/// The scopes every client may ask for.
pub const STANDARD: &[&str] = &["openid", "profile", "email", "phone", "offline_access"];

/// Parses a space-delimited scope string into distinct tokens, in order.
pub fn parse(text: &str) -> Result<Vec<String>, OAuthError> {
    let mut out: Vec<String> = Vec::new();
    for token in text.split(' ').filter(|t| !t.is_empty()) {
        // scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
        if !token
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
        {
            return Err(OAuthError::invalid_scope(
                "a scope contains a character RFC 6749 does not allow",
            ));
        }
        if !out.iter().any(|s| s == token) {
            out.push(token.to_owned());
        }
    }
    Ok(out)
}

pub fn join(scopes: &[String]) -> String {
    scopes.join(" ")
}

/// Refuses scopes that are neither standard nor registered for the client.
pub fn check_allowed(requested: &[String], client_extra: &[String]) -> Result<(), OAuthError> {
    match requested
        .iter()
        .find(|s| !STANDARD.contains(&s.as_str()) && !client_extra.contains(s))
    {
        Some(s) => Err(OAuthError::invalid_scope(format!(
            "the scope {s} is not available to this client"
        ))),
        None => Ok(()),
    }
}

/// The claims a scope grants.
pub fn claims_of(scope: &str) -> &'static [&'static str] {
    match scope {
        "profile" => &[
            "name",
            "given_name",
            "family_name",
            "preferred_username",
            "locale",
            "updated_at",
        ],
        "email" => &["email", "email_verified"],
        "phone" => &["phone_number", "phone_number_verified"],
        _ => &[],
    }
}

/// What a person reads on the consent page for a scope, in their language; a scope
/// `idp` does not describe is shown by its name.
pub fn describe(scope: &str, tr: &crate::i18n::Tr) -> String {
    match scope {
        "openid" => tr.t("scope-openid"),
        "profile" => tr.t("scope-profile"),
        "email" => tr.t("scope-email"),
        "offline_access" => tr.t("scope-offline_access"),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dedups_and_checks() {
        assert_eq!(
            parse("openid  email openid").unwrap(),
            vec!["openid", "email"]
        );
        assert!(parse("openid \"x\"").is_err());
        let extra = vec!["reports:read".to_owned()];
        assert!(check_allowed(&parse("openid reports:read").unwrap(), &extra).is_ok());
        assert!(check_allowed(&parse("openid admin").unwrap(), &extra).is_err());
        assert_eq!(claims_of("email"), &["email", "email_verified"]);
    }
}
