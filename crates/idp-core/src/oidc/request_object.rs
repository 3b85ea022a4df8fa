//! Signed request objects (RFC 9101, OIDC Core §6.1): an authorization request sent as a
//! JWS the client signed with one of its registered keys. Only the object's parameters
//! count; the outer request contributes its `client_id`, and `response_type` and `scope`
//! where the object leaves them out.

use super::error::{OAuthError, OAuthErrorCode};
use crate::client::Client;
use crate::clock::Timestamp;
use crate::jose::{self, JoseError, JwkSet, JwsAlg};
use serde_json::Value;

/// The algorithms a request object may be signed with (discovery's
/// `request_object_signing_alg_values_supported`). Never `none`.
pub const SIGNING_ALGS: [JwsAlg; 4] = [JwsAlg::Rs256, JwsAlg::Ps256, JwsAlg::Es256, JwsAlg::EdDsa];

/// RFC 9101 §10.2 and FAPI 2.0: an object lives at most 60 minutes after its `nbf`.
pub const MAX_LIFETIME_SECS: f64 = 3600.0;

/// Clock skew allowed on `exp` and `nbf`.
const LEEWAY_SECS: i64 = 30;

/// Claims of the JWT itself, not parameters of the request.
const JWT_CLAIMS: [&str; 6] = ["iss", "aud", "exp", "nbf", "iat", "jti"];

/// Why a request object is refused; each is `invalid_request_object` (RFC 9101 §6.3).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RequestObjectError {
    #[error("the client has registered no keys to sign request objects with")]
    NoKeys,
    #[error("the request object is not signed with one of the client's keys: {0}")]
    Signature(JoseError),
    #[error("the request object's iss must be the client_id")]
    Issuer,
    #[error("the request object's aud must be this server's issuer")]
    Audience,
    #[error("the request object has no exp, or has expired or is not valid yet: {0}")]
    Time(JoseError),
    #[error("the request object may be valid for at most 60 minutes after its nbf")]
    TooLong,
    #[error("the request object's client_id differs from the request's")]
    ClientId,
    #[error("a request object may not hold request or request_uri")]
    Nested,
    #[error("the request object's {0} is neither a string, a number nor an object")]
    BadValue(String),
}

impl From<RequestObjectError> for OAuthError {
    fn from(e: RequestObjectError) -> Self {
        OAuthError::new(OAuthErrorCode::InvalidRequestObject, e.to_string())
    }
}

/// Verifies `jwt` as `client`'s request object for `issuer` at `now`, and returns its
/// parameters as a request would carry them: strings as they are, numbers as digits,
/// objects (`claims`) as JSON text.
pub fn read(
    jwt: &str,
    client: &Client,
    issuer: &str,
    now: Timestamp,
) -> Result<Vec<(String, String)>, RequestObjectError> {
    let keys = client
        .jwks
        .as_deref()
        .and_then(|j| JwkSet::from_json(j).ok())
        .filter(|k| !k.is_empty())
        .ok_or(RequestObjectError::NoKeys)?;
    // RFC 8725 §3.1: `alg: none` and unsigned objects fail here; the alg must fit the key.
    let algs: Vec<JwsAlg> = SIGNING_ALGS
        .into_iter()
        .filter(|a| client.security_profile.accepts(*a))
        .collect();
    let (_, claims) = jose::verify_jwt(jwt, &keys, &algs).map_err(RequestObjectError::Signature)?;
    // RFC 9101 §6.2 and OIDC Core §6.1: signed by the client, for us.
    if claims.get("iss").and_then(Value::as_str) != Some(client.id.as_str()) {
        return Err(RequestObjectError::Issuer);
    }
    let for_us = match claims.get("aud") {
        Some(Value::String(a)) => a == issuer,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(issuer)),
        _ => false,
    };
    if !for_us {
        return Err(RequestObjectError::Audience);
    }
    jose::check_time_claims(&claims, now.as_secs(), LEEWAY_SECS)
        .map_err(RequestObjectError::Time)?;
    if let (Some(nbf), Some(exp)) = (
        claims.get("nbf").and_then(Value::as_f64),
        claims.get("exp").and_then(Value::as_f64),
    ) && exp - nbf > MAX_LIFETIME_SECS
    {
        return Err(RequestObjectError::TooLong);
    }
    let Value::Object(members) = claims else {
        return Err(RequestObjectError::BadValue("payload".into()));
    };
    let mut params = Vec::with_capacity(members.len());
    for (name, value) in members {
        if JWT_CLAIMS.contains(&name.as_str()) {
            continue;
        }
        if name == "request" || name == "request_uri" {
            return Err(RequestObjectError::Nested);
        }
        let text = match value {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            v @ Value::Object(_) => v.to_string(),
            Value::Null => continue,
            _ => return Err(RequestObjectError::BadValue(name)),
        };
        if name == "client_id" && text != client.id.as_str() {
            return Err(RequestObjectError::ClientId);
        }
        params.push((name, text));
    }
    Ok(params)
}

/// The parameters that count when `object` came in a request with `outer` (RFC 9101 §5,
/// OIDC Core §6.1): the object's, the outer `client_id`, and the outer `response_type` and
/// `scope` where the object has none. Every other outer parameter is ignored. An outer
/// `response_type` that differs from the object's makes the request invalid.
pub fn effective_params(
    outer: &[(String, String)],
    mut object: Vec<(String, String)>,
) -> Result<Vec<(String, String)>, OAuthError> {
    let outer_value = |name: &str| outer.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let has = |params: &[(String, String)], name: &str| params.iter().any(|(k, _)| k == name);
    if let (Some(outer_type), Some((_, inner_type))) = (
        outer_value("response_type"),
        object.iter().find(|(k, _)| k == "response_type"),
    ) && outer_type != inner_type
    {
        return Err(OAuthError::invalid_request(
            "response_type differs between the request and its request object",
        ));
    }
    for name in ["client_id", "response_type", "scope"] {
        if !has(&object, name)
            && let Some(v) = outer_value(name)
        {
            object.push((name.to_owned(), v.clone()));
        }
    }
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientAuthMethod, SigningAlg};

    use crate::jose::SigningKeyPair;
    use crate::random::OsRandom;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    const ISSUER: &str = "https://idp.example";
    const NOW: i64 = 1_800_000_000;

    fn client_with(keys: &[&SigningKeyPair]) -> Client {
        let jwks = json!({"keys": keys.iter().map(|k| k.public_jwk().clone()).collect::<Vec<_>>()});
        Client {
            auth_method: ClientAuthMethod::PrivateKeyJwt,
            jwks: Some(jwks.to_string()),
            ..Client::fixture("app")
        }
    }

    fn claims() -> Value {
        json!({"iss": "app", "aud": ISSUER, "exp": NOW + 60, "nbf": NOW - 1, "iat": NOW,
               "client_id": "app", "response_type": "code", "scope": "openid email",
               "redirect_uri": "https://app.example.com/cb", "state": "s1", "max_age": 300,
               "claims": {"id_token": {"email": null}}})
    }

    fn read_now(jwt: &str, client: &Client) -> Result<Vec<(String, String)>, RequestObjectError> {
        read(jwt, client, ISSUER, Timestamp::from_secs(NOW))
    }

    fn key(alg: SigningAlg) -> SigningKeyPair {
        SigningKeyPair::generate(alg, &OsRandom).unwrap().0
    }

    fn value<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_signed_object_gives_its_parameters() {
        for alg in [SigningAlg::Rs256, SigningAlg::Es256, SigningAlg::EdDsa] {
            let k = key(alg);
            let params = read_now(
                &k.sign_jwt("oauth-authz-req+jwt", &claims()).unwrap(),
                &client_with(&[&k]),
            )
            .unwrap_or_else(|e| panic!("{alg}: {e}"));
            assert_eq!(value(&params, "scope"), Some("openid email"));
            assert_eq!(value(&params, "max_age"), Some("300"));
            assert_eq!(
                value(&params, "claims"),
                Some(r#"{"id_token":{"email":null}}"#)
            );
            assert_eq!(value(&params, "iss"), None, "JWT claims are not parameters");
            assert_eq!(value(&params, "exp"), None);
        }
    }

    #[test]
    fn unsigned_wrongly_signed_and_misaddressed_objects_are_refused() {
        let k = key(SigningAlg::Es256);
        let client = client_with(&[&k]);
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(claims().to_string())
        );
        assert!(matches!(
            read_now(&none, &client),
            Err(RequestObjectError::Signature(_))
        ));
        let other = key(SigningAlg::Es256);
        let forged = other.sign_jwt("JWT", &claims()).unwrap();
        assert!(matches!(
            read_now(&forged, &client),
            Err(RequestObjectError::Signature(_))
        ));
        let mut keyless = client.clone();
        keyless.jwks = None;
        assert_eq!(
            read_now(&k.sign_jwt("JWT", &claims()).unwrap(), &keyless),
            Err(RequestObjectError::NoKeys)
        );

        let with = |name: &str, v: Value| {
            let mut c = claims();
            c[name] = v;
            k.sign_jwt("JWT", &c).unwrap()
        };
        let without = |name: &str| {
            let mut c = claims();
            c.as_object_mut().unwrap().remove(name);
            k.sign_jwt("JWT", &c).unwrap()
        };
        let cases = [
            (
                with("iss", json!("someone-else")),
                RequestObjectError::Issuer,
            ),
            (without("iss"), RequestObjectError::Issuer),
            (
                with("aud", json!("https://other.example")),
                RequestObjectError::Audience,
            ),
            (without("aud"), RequestObjectError::Audience),
            (
                with("client_id", json!("other")),
                RequestObjectError::ClientId,
            ),
            (with("request", json!("x.y.z")), RequestObjectError::Nested),
            (
                with("request_uri", json!("urn:x")),
                RequestObjectError::Nested,
            ),
            (
                with("state", json!(["a"])),
                RequestObjectError::BadValue("state".into()),
            ),
        ];
        for (jwt, expected) in cases {
            assert_eq!(read_now(&jwt, &client), Err(expected));
        }
        assert!(matches!(
            read_now(&with("exp", json!(NOW - 60)), &client),
            Err(RequestObjectError::Time(JoseError::Expired))
        ));
        assert!(matches!(
            read_now(&without("exp"), &client),
            Err(RequestObjectError::Time(JoseError::BadTimeClaim("exp")))
        ));
        assert!(matches!(
            read_now(&with("nbf", json!(NOW + 600)), &client),
            Err(RequestObjectError::Time(JoseError::NotYetValid))
        ));
        assert_eq!(
            read_now(&with("exp", json!(NOW - 1 + 3601)), &client),
            Err(RequestObjectError::TooLong)
        );
        assert!(read_now(&with("exp", json!(NOW - 1 + 3600)), &client).is_ok());
        assert!(read_now(&with("aud", json!(["x", ISSUER])), &client).is_ok());
        assert_eq!(
            OAuthError::from(RequestObjectError::Audience).code,
            OAuthErrorCode::InvalidRequestObject
        );
    }

    #[test]
    fn only_the_objects_parameters_count() {
        let outer: Vec<(String, String)> = [
            ("client_id", "app"),
            ("response_type", "code"),
            ("scope", "openid profile"),
            ("state", "outer"),
            ("redirect_uri", "https://evil.example/cb"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let object = vec![
            ("scope".to_owned(), "openid email".to_owned()),
            ("state".to_owned(), "inner".to_owned()),
        ];
        let got = effective_params(&outer, object).unwrap();
        assert_eq!(value(&got, "scope"), Some("openid email"));
        assert_eq!(value(&got, "state"), Some("inner"));
        assert_eq!(
            value(&got, "redirect_uri"),
            None,
            "outer parameters are ignored"
        );
        assert_eq!(value(&got, "client_id"), Some("app"));
        assert_eq!(
            value(&got, "response_type"),
            Some("code"),
            "from the outer request"
        );
        let clash = vec![("response_type".to_owned(), "token".to_owned())];
        assert!(effective_params(&outer, clash).is_err());
        let bare = effective_params(&[], vec![("scope".into(), "openid".into())]).unwrap();
        assert_eq!(bare.len(), 1);
    }
}
