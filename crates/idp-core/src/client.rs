//! Relying applications: how they authenticate, where they may be redirected,
//! which grants they use and how their tokens are signed.

use crate::clock::Timestamp;
use crate::crypto::TokenDigest;
use crate::ids::{ClientId, OrgId};
use serde::{Deserialize, Serialize};
use std::fmt;
use url::{Host, Url};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RedirectUriError {
    #[error("redirect URI {0:?} is not an absolute URI")]
    NotAbsolute(String),
    #[error("redirect URI {0:?} must not contain a fragment")]
    Fragment(String),
    #[error("redirect URI {0:?} uses plain http on a host other than loopback; use https")]
    InsecureHttp(String),
}

/// A registered redirect URI: absolute, no fragment (RFC 6749 §3.1.2), https except on
/// loopback, or a private-use scheme of a native app (RFC 8252 §7.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RedirectUri(String);

impl RedirectUri {
    pub fn parse(text: &str) -> Result<Self, RedirectUriError> {
        let url = Url::parse(text).map_err(|_| RedirectUriError::NotAbsolute(text.to_owned()))?;
        if url.cannot_be_a_base() && url.scheme() != "urn" && !url.scheme().contains('.') {
            return Err(RedirectUriError::NotAbsolute(text.to_owned()));
        }
        if url.fragment().is_some() {
            return Err(RedirectUriError::Fragment(text.to_owned()));
        }
        if url.scheme() == "http" && !is_loopback(&url) {
            return Err(RedirectUriError::InsecureHttp(text.to_owned()));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// RFC 8252 §7.3: loopback redirects, where the port is chosen by the app at run time.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// The web origins a browser-based application calls the token endpoint and its
/// neighbours from: the origins (scheme, host and port) of public clients' http and
/// https redirect URIs. Confidential clients call from servers, which need no CORS.
pub fn browser_origins<'a>(
    clients: impl IntoIterator<Item = &'a Client>,
) -> std::collections::BTreeSet<String> {
    clients
        .into_iter()
        .filter(|c| c.is_public())
        .flat_map(|c| c.redirect_uris.iter())
        .filter_map(|uri| Url::parse(uri.as_str()).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .map(|url| url.origin().ascii_serialization())
        .collect()
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RedirectUri {
    type Error = RedirectUriError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<RedirectUri> for String {
    fn from(value: RedirectUri) -> Self {
        value.0
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

/// Declares a closed set of protocol words with their wire spelling.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident, $kind:literal { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::client::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    other => Err($crate::client::UnknownValue { kind: $kind, value: other.to_owned() }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use wire_enum;

wire_enum!(
    /// OAuth 2.0 grant types `idp` supports.
    GrantType, "grant type" {
        AuthorizationCode => "authorization_code",
        RefreshToken => "refresh_token",
        ClientCredentials => "client_credentials",
        DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
    }
);

wire_enum!(
    /// How a client authenticates at the token endpoint.
    ClientAuthMethod, "client authentication method" {
        ClientSecretBasic => "client_secret_basic",
        ClientSecretPost => "client_secret_post",
        PrivateKeyJwt => "private_key_jwt",
        None => "none",
    }
);

wire_enum!(
    /// JWS algorithms for ID tokens.
    SigningAlg, "signing algorithm" {
        Rs256 => "RS256",
        Es256 => "ES256",
        EdDsa => "EdDSA",
    }
);

wire_enum!(
    /// The security profile a client is held to. `fapi2` is the FAPI 2.0 Security
    /// Profile: confidential with `private_key_jwt`, PKCE, pushed requests, DPoP-bound
    /// tokens, and no RS256 anywhere.
    SecurityProfile, "security profile" {
        Standard => "standard",
        Fapi2 => "fapi2",
    }
);

impl SecurityProfile {
    /// Whether a JWS the client signs (a client assertion, a request object, a DPoP
    /// proof) may use `alg`: FAPI 2.0 §5.4 allows PS256, ES256 and EdDSA only.
    pub fn accepts(self, alg: crate::jose::JwsAlg) -> bool {
        match self {
            SecurityProfile::Standard => true,
            SecurityProfile::Fapi2 => alg != crate::jose::JwsAlg::Rs256,
        }
    }
}

wire_enum!(
    /// OIDC Core §8: the kinds of subject identifier a client may receive.
    SubjectType, "subject type" {
        Public => "public",
        Pairwise => "pairwise",
    }
);

/// A relying application registered with `idp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    pub id: ClientId,
    pub org_id: OrgId,
    pub name: String,
    /// Digest of the secret of a confidential client using a `client_secret_*` method.
    pub secret_digest: Option<TokenDigest>,
    pub auth_method: ClientAuthMethod,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub grant_types: Vec<GrantType>,
    /// Scopes beyond the OIDC standard ones that this client may request.
    pub extra_scopes: Vec<String>,
    /// First-party applications skip the consent page.
    pub first_party: bool,
    pub require_pkce: bool,
    pub id_token_alg: SigningAlg,
    pub access_token_ttl_secs: Option<u32>,
    pub id_token_ttl_secs: Option<u32>,
    pub refresh_token_ttl_secs: Option<u32>,
    /// Public keys (a JWK Set) for `private_key_jwt` and signed request objects.
    pub jwks: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// RFC 9126 §6: the client's authorization requests count only when pushed to `/par`.
    pub require_pushed_authorization_requests: bool,
    /// RFC 9101 §10.5: the client's authorization requests count only as a request
    /// object signed with one of its keys (`jwks`).
    pub require_signed_request_object: bool,
    /// RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request must carry a DPoP
    /// proof, so every access token is bound to a key.
    pub dpop_bound_access_tokens: bool,
    /// Back-Channel Logout 1.0 §2.2: where logout tokens are POSTed (https, or http on
    /// loopback; no fragment). `None`: the client is not told of logouts.
    pub backchannel_logout_uri: Option<String>,
    /// Back-Channel Logout 1.0 §2.2: the client needs `sid` in logout tokens. `idp`
    /// always sends it; kept so the registration reads back as written.
    pub backchannel_logout_session_required: bool,
    /// OIDC Core §8: whether the client sees the member's id or a pairwise `sub`.
    pub subject_type: SubjectType,
    /// OIDC Core §8.1: a document listing the client's redirect URIs; its host is the
    /// sector pairwise subjects are computed for.
    pub sector_identifier_uri: Option<String>,
    /// The profile the registration is held to; see [`SecurityProfile`].
    pub security_profile: SecurityProfile,
}

impl Client {
    pub fn is_public(&self) -> bool {
        self.auth_method == ClientAuthMethod::None
    }

    pub fn allows_grant(&self, grant: GrantType) -> bool {
        self.grant_types.contains(&grant)
    }
}

/// A confidential authorization-code client of organization `org` with every option at
/// its default, for unit tests to override what they are about (`..Client::fixture(id)`).
#[cfg(test)]
impl Client {
    pub(crate) fn fixture(id: &str) -> Client {
        Client {
            id: ClientId::from_string(id),
            org_id: OrgId::from_string("org"),
            name: "App".into(),
            secret_digest: None,
            auth_method: ClientAuthMethod::ClientSecretBasic,
            redirect_uris: vec![RedirectUri("https://app.example.com/cb".into())],
            post_logout_redirect_uris: vec![],
            grant_types: vec![GrantType::AuthorizationCode],
            extra_scopes: vec![],
            first_party: false,
            require_pkce: true,
            id_token_alg: SigningAlg::Rs256,
            access_token_ttl_secs: None,
            id_token_ttl_secs: None,
            refresh_token_ttl_secs: None,
            jwks: None,
            created_at: Timestamp::from_secs(0),
            updated_at: Timestamp::from_secs(0),
            require_pushed_authorization_requests: false,
            require_signed_request_object: false,
            dpop_bound_access_tokens: false,
            backchannel_logout_uri: None,
            backchannel_logout_session_required: false,
            subject_type: SubjectType::Public,
            sector_identifier_uri: None,
            security_profile: SecurityProfile::Standard,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered(public: bool, uris: &[&str]) -> Client {
        Client {
            auth_method: if public {
                ClientAuthMethod::None
            } else {
                ClientAuthMethod::ClientSecretBasic
            },
            redirect_uris: uris
                .iter()
                .map(|u| RedirectUri::parse(u).unwrap())
                .collect(),
            id_token_alg: SigningAlg::Es256,
            ..Client::fixture("app")
        }
    }

    #[test]
    fn browser_origins_are_those_of_public_clients_web_redirects() {
        let spa = registered(
            true,
            &[
                "https://spa.example.com/callback",
                "https://spa.example.com:8443/other",
                "http://localhost:5173/cb",
                "com.example.app:/oauth2redirect",
            ],
        );
        let server = registered(false, &["https://server.example.com/cb"]);
        let origins: Vec<String> = browser_origins([&spa, &server]).into_iter().collect();
        assert_eq!(
            origins,
            [
                "http://localhost:5173",
                "https://spa.example.com",
                "https://spa.example.com:8443"
            ]
        );
    }

    #[test]
    fn redirect_uris_follow_rfc_6749_and_8252() {
        assert!(RedirectUri::parse("https://app.example.com/cb?x=1").is_ok());
        assert!(RedirectUri::parse("http://127.0.0.1/cb").is_ok());
        assert!(RedirectUri::parse("http://[::1]:8080/cb").is_ok());
        assert!(RedirectUri::parse("http://localhost:3000/cb").is_ok());
        assert!(RedirectUri::parse("com.example.app:/oauth2redirect").is_ok());
        assert!(matches!(
            RedirectUri::parse("/relative"),
            Err(RedirectUriError::NotAbsolute(_))
        ));
        assert!(matches!(
            RedirectUri::parse("not a uri"),
            Err(RedirectUriError::NotAbsolute(_))
        ));
        assert!(matches!(
            RedirectUri::parse("https://a.example/cb#frag"),
            Err(RedirectUriError::Fragment(_))
        ));
        assert!(matches!(
            RedirectUri::parse("http://app.example.com/cb"),
            Err(RedirectUriError::InsecureHttp(_))
        ));
    }

    #[test]
    fn wire_words_round_trip() {
        for g in GrantType::ALL {
            assert_eq!(g.as_str().parse::<GrantType>().unwrap(), *g);
        }
        assert_eq!("EdDSA".parse::<SigningAlg>().unwrap(), SigningAlg::EdDsa);
        let err = "password".parse::<GrantType>().unwrap_err();
        assert_eq!(err.to_string(), "unknown grant type \"password\"");
        assert_eq!(
            serde_json::to_string(&ClientAuthMethod::None).unwrap(),
            "\"none\""
        );
    }
}
