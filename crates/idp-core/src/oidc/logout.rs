//! RP-Initiated Logout 1.0 and `id_token_hint`: which application a logout concerns,
//! where the browser may go afterwards, and when to ask the person first.

use crate::client::{Client, SigningAlg};
use crate::jose::{self, JwkSet};

/// What an ID token this server signed says about whom and for whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdTokenHint {
    pub sub: Option<String>,
    /// The audience (the first, when there are several).
    pub aud: Option<String>,
}

/// Reads an `id_token_hint`: our signature and issuer, but an expired token still names
/// its subject (OIDC Core §3.1.2.1). `None` when it is not an ID token of ours.
pub fn read_id_token_hint(keys: &JwkSet, issuer: &str, hint: &str) -> Option<IdTokenHint> {
    let (_, claims) = jose::verify_jwt(hint, keys, SigningAlg::ALL).ok()?;
    if claims.get("iss").and_then(|v| v.as_str()) != Some(issuer) {
        return None;
    }
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    let aud = match claims.get("aud") {
        Some(serde_json::Value::Array(list)) => list.first().and_then(text),
        Some(v) => text(v),
        None => None,
    };
    Some(IdTokenHint {
        sub: claims.get("sub").and_then(text),
        aud,
    })
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LogoutError {
    #[error("The id_token_hint was not issued by this server.")]
    HintNotOurs,
    #[error("client_id and id_token_hint name different applications.")]
    ClientMismatch,
    #[error("The post_logout_redirect_uri is not registered for this application.")]
    UnregisteredRedirect,
}

impl LogoutError {
    /// What the person signing out reads, in their language.
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            Self::HintNotOurs => tr.t("logout-hint-not-ours"),
            Self::ClientMismatch => tr.t("logout-client-mismatch"),
            Self::UnregisteredRedirect => tr.t("logout-unregistered-redirect"),
        }
    }
}

/// The application a logout is for: `client_id`, or the hint's audience; both must agree.
pub fn logout_client_id(
    client_id: Option<&str>,
    hint: Option<&IdTokenHint>,
) -> Result<Option<String>, LogoutError> {
    let hinted = hint.and_then(|h| h.aud.as_deref());
    match (client_id, hinted) {
        (Some(a), Some(b)) if a != b => Err(LogoutError::ClientMismatch),
        (a, b) => Ok(a.or(b).map(str::to_owned)),
    }
}

/// RP-Initiated Logout §2: the browser goes only to a URI registered for the client.
pub fn check_post_logout_redirect(client: Option<&Client>, uri: &str) -> Result<(), LogoutError> {
    let registered = client.is_some_and(|c| {
        c.post_logout_redirect_uris
            .iter()
            .any(|r| r.as_str() == uri)
    });
    if registered {
        Ok(())
    } else {
        Err(LogoutError::UnregisteredRedirect)
    }
}

/// Whether to ask before ending the session: a signed-in person is asked unless a hint
/// names them, or they already confirmed. `session_subject` is the signed-in member as
/// the hint's client knows them (pairwise where it is registered so).
pub fn ask_to_confirm(
    hint: Option<&IdTokenHint>,
    session_subject: Option<&str>,
    confirmed: bool,
) -> bool {
    let Some(subject) = session_subject else {
        return false;
    };
    let hint_names_them = hint.is_some_and(|h| h.sub.as_deref() == Some(subject));
    !confirmed && !hint_names_them
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientAuthMethod, RedirectUri};

    use crate::ids::OrgId;
    use crate::jose::SigningKeyPair;
    use crate::random::OsRandom;

    fn hint(sub: &str, aud: &str) -> IdTokenHint {
        IdTokenHint {
            sub: Some(sub.into()),
            aud: Some(aud.into()),
        }
    }

    #[test]
    fn hints_are_read_only_when_ours() {
        let (key, _) = SigningKeyPair::generate(SigningAlg::Es256, &OsRandom).unwrap();
        let keys = JwkSet::new(vec![key.verifying_key().unwrap()]);
        let expired = key
            .sign_jwt("JWT", &serde_json::json!({"iss": "https://id", "sub": "u1", "aud": ["app", "other"], "exp": 1}))
            .unwrap();
        assert_eq!(
            read_id_token_hint(&keys, "https://id", &expired),
            Some(hint("u1", "app"))
        );
        assert_eq!(
            read_id_token_hint(&keys, "https://elsewhere", &expired),
            None
        );
        let (stranger, _) = SigningKeyPair::generate(SigningAlg::Es256, &OsRandom).unwrap();
        let forged = stranger
            .sign_jwt(
                "JWT",
                &serde_json::json!({"iss": "https://id", "sub": "u1"}),
            )
            .unwrap();
        assert_eq!(read_id_token_hint(&keys, "https://id", &forged), None);
        assert_eq!(read_id_token_hint(&keys, "https://id", "not a jwt"), None);
    }

    #[test]
    fn the_client_comes_from_either_and_both_must_agree() {
        let h = hint("u1", "app");
        assert_eq!(logout_client_id(None, Some(&h)), Ok(Some("app".into())));
        assert_eq!(
            logout_client_id(Some("app"), Some(&h)),
            Ok(Some("app".into()))
        );
        assert_eq!(
            logout_client_id(Some("other"), Some(&h)),
            Err(LogoutError::ClientMismatch)
        );
        assert_eq!(logout_client_id(Some("app"), None), Ok(Some("app".into())));
        assert_eq!(logout_client_id(None, None), Ok(None));
    }

    #[test]
    fn only_registered_uris_receive_the_browser() {
        let client = Client {
            org_id: OrgId::from_string("o"),
            auth_method: ClientAuthMethod::None,
            redirect_uris: vec![],
            post_logout_redirect_uris: vec![
                RedirectUri::parse("https://app.example.com/bye").unwrap(),
            ],
            grant_types: vec![],
            ..Client::fixture("app")
        };
        assert_eq!(
            check_post_logout_redirect(Some(&client), "https://app.example.com/bye"),
            Ok(())
        );
        assert_eq!(
            check_post_logout_redirect(Some(&client), "https://app.example.com/bye?x=1"),
            Err(LogoutError::UnregisteredRedirect)
        );
        assert_eq!(
            check_post_logout_redirect(None, "https://app.example.com/bye"),
            Err(LogoutError::UnregisteredRedirect)
        );
    }

    #[test]
    fn a_signed_in_person_is_asked_unless_the_hint_names_them() {
        let ada = Some("u1");
        assert!(!ask_to_confirm(None, None, false), "nobody to sign out");
        assert!(ask_to_confirm(None, ada, false));
        assert!(!ask_to_confirm(None, ada, true));
        assert!(!ask_to_confirm(Some(&hint("u1", "app")), ada, false));
        assert!(ask_to_confirm(Some(&hint("u2", "app")), ada, false));
    }
}
