//! Dynamic client registration (RFC 7591) and its management (RFC 7592): initial access
//! tokens that administrators issue for one organization, RFC 7591 metadata mapped onto
//! the same registration rules as `idp client create` (`admin::check_client`), and the
//! registration access token that lets a registered client read, change and delete its
//! own registration. Tokens are stored as digests only.
//!
//! The registration access token is rotated on every successful update (RFC 7592 §2.2
//! allows it): the update's answer carries the new one, the old one stops working in
//! the same transaction. Reads do not rotate it.

use super::error::{OAuthError, OAuthErrorCode};
use super::scope;
use crate::admin::{
    AdminError, NewClient, actor_event, audit_event, check_client, client_summary, resolve_org,
};
use crate::audit::{ActivityType, ActorKind, EventKind, InfoType};
use crate::authz::{self, Actor, Permission};
use crate::client::{Client, ClientAuthMethod, GrantType, SecurityProfile};
use crate::clock::Timestamp;
use crate::crypto::TokenDigest;
use crate::ids::{ClientId, OrgId};
use crate::ports::{Change, StoreError, Stores};
use crate::random::token;
use crate::secret::ClientSecret;
use crate::signin::Origin;
use serde::Deserialize;
use std::time::Duration;

/// An initial access token (RFC 7591 §3): lets whoever holds it register clients in one
/// organization until it expires or is revoked. Only its digest is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitialAccessToken {
    pub id: String,
    pub org_id: OrgId,
    pub digest: TokenDigest,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

impl InitialAccessToken {
    pub fn is_usable(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }
}

/// A client registered through `/register`, with the digest of its registration access
/// token (RFC 7592 §1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRegistration {
    pub client_id: ClientId,
    pub token_digest: TokenDigest,
    /// The initial access token it was registered with (kept for the audit trail).
    pub initial_token_id: Option<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    /// RFC 6750 §3.1: a missing, unknown, expired or revoked token (401).
    #[error("{0}")]
    InvalidToken(&'static str),
    /// RFC 7591 §3.2.2.
    #[error("{0}")]
    InvalidRedirectUri(String),
    /// RFC 7591 §3.2.2.
    #[error("{0}")]
    InvalidClientMetadata(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RegistrationError {
    /// The error as the registration endpoint answers it.
    pub fn oauth(&self) -> OAuthError {
        let code = match self {
            RegistrationError::InvalidToken(_) => OAuthErrorCode::InvalidToken,
            RegistrationError::InvalidRedirectUri(_) => OAuthErrorCode::InvalidRedirectUri,
            RegistrationError::InvalidClientMetadata(_) => OAuthErrorCode::InvalidClientMetadata,
            RegistrationError::Store(StoreError::Unavailable(_)) => {
                OAuthErrorCode::TemporarilyUnavailable
            }
            RegistrationError::Store(_) => OAuthErrorCode::ServerError,
        };
        let description = match self {
            RegistrationError::Store(StoreError::Unavailable(_)) => {
                "the database is unavailable".to_owned()
            }
            RegistrationError::Store(_) => "internal error".to_owned(),
            other => other.to_string(),
        };
        OAuthError::new(code, description)
    }
}

/// Client metadata as RFC 7591 §2 (and OIDC Dynamic Client Registration §2) name it.
/// Fields `idp` does not use are ignored, as §2 allows.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ClientMetadata {
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub token_endpoint_auth_method: Option<String>,
    #[serde(default)]
    pub grant_types: Option<Vec<String>>,
    #[serde(default)]
    pub response_types: Option<Vec<String>>,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub jwks: Option<serde_json::Value>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    #[serde(default)]
    pub id_token_signed_response_alg: Option<String>,
    /// RFC 9126 §6.
    #[serde(default)]
    pub require_pushed_authorization_requests: bool,
    /// RFC 9101 §10.5.
    #[serde(default)]
    pub require_signed_request_object: bool,
    /// RFC 9449 §5.2.
    #[serde(default)]
    pub dpop_bound_access_tokens: bool,
    /// Back-Channel Logout 1.0 §2.2.
    #[serde(default)]
    pub backchannel_logout_uri: Option<String>,
    #[serde(default)]
    pub backchannel_logout_session_required: bool,
    /// OIDC Core §8.
    #[serde(default)]
    pub subject_type: Option<String>,
    #[serde(default)]
    pub sector_identifier_uri: Option<String>,
    /// `standard` or `fapi2` (FAPI 2.0 Security Profile); standard when absent.
    #[serde(default)]
    pub security_profile: Option<String>,
    /// RFC 7592 §2.2: an update names the client it changes.
    #[serde(default)]
    pub client_id: Option<String>,
    /// RFC 7592 §2.2: an update may carry the current secret; it must then be right.
    #[serde(default)]
    pub client_secret: Option<String>,
}

impl ClientMetadata {
    /// Reads a request body; anything that is not a JSON object of the right member
    /// types is `invalid_client_metadata`.
    pub fn from_json(body: &[u8]) -> Result<Self, RegistrationError> {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|_| RegistrationError::InvalidClientMetadata("the body is not JSON".into()))?;
        if !value.is_object() {
            return Err(RegistrationError::InvalidClientMetadata(
                "the body must be a JSON object".into(),
            ));
        }
        serde_json::from_value(value).map_err(|e| {
            RegistrationError::InvalidClientMetadata(format!("malformed metadata: {e}"))
        })
    }

    /// The registration this metadata asks for in `org`, as `idp client create` would
    /// take it; `check_client` then applies the very same rules.
    pub fn to_new_client(&self, org: &OrgId) -> Result<NewClient, RegistrationError> {
        let bad = |m: &str| RegistrationError::InvalidClientMetadata(m.to_owned());
        if self.jwks_uri.is_some() {
            return Err(bad("jwks_uri is not supported; register the keys as jwks"));
        }
        let public = match self.token_endpoint_auth_method.as_deref() {
            None | Some("client_secret_basic" | "client_secret_post") => {
                if self.jwks.is_some() {
                    return Err(bad(
                        "jwks is for private_key_jwt; a client with a secret registers none",
                    ));
                }
                false
            }
            Some("private_key_jwt") => {
                if self.jwks.is_none() {
                    return Err(bad("private_key_jwt needs the client's keys in jwks"));
                }
                false
            }
            Some("none") => true,
            Some(other) => {
                return Err(RegistrationError::InvalidClientMetadata(format!(
                    "token_endpoint_auth_method {other} is not supported"
                )));
            }
        };
        // RFC 7591 §2: authorization_code is the default grant.
        let grants = self
            .grant_types
            .clone()
            .unwrap_or_else(|| vec![GrantType::AuthorizationCode.as_str().to_owned()]);
        if grants.is_empty() {
            return Err(bad("grant_types must name at least one grant type"));
        }
        let uses_code = grants
            .iter()
            .any(|g| g == GrantType::AuthorizationCode.as_str());
        // RFC 7591 §2.1: response types and grant types must agree.
        match &self.response_types {
            None => {}
            Some(types) => {
                if let Some(other) = types.iter().find(|t| *t != "code") {
                    return Err(RegistrationError::InvalidClientMetadata(format!(
                        "response_type {other} is not supported; use code"
                    )));
                }
                if uses_code != types.iter().any(|t| t == "code") {
                    return Err(bad(
                        "response_types code goes with the authorization_code grant, and only with it",
                    ));
                }
            }
        }
        let extra_scopes = match &self.scope {
            None => Vec::new(),
            Some(text) => scope::parse(text)
                .map_err(|_| bad("scope may use only the characters RFC 6749 allows"))?
                .into_iter()
                .filter(|s| !scope::STANDARD.contains(&s.as_str()))
                .collect(),
        };
        let name = self
            .client_name
            .clone()
            .unwrap_or_else(|| "Registered application".to_owned());
        Ok(NewClient {
            org: org.to_string(),
            name,
            redirect_uris: self.redirect_uris.clone(),
            post_logout_redirect_uris: self.post_logout_redirect_uris.clone(),
            public,
            // A self-registered application is never first-party: members are asked.
            first_party: false,
            grants,
            signing_alg: self.id_token_signed_response_alg.clone(),
            jwks: self.jwks.as_ref().map(ToString::to_string),
            pkce_optional: false,
            extra_scopes,
            access_token_ttl_secs: None,
            id_token_ttl_secs: None,
            refresh_token_ttl_secs: None,
            require_pushed_authorization_requests: self.require_pushed_authorization_requests,
            require_signed_request_object: self.require_signed_request_object,
            dpop_bound_access_tokens: self.dpop_bound_access_tokens,
            backchannel_logout_uri: self.backchannel_logout_uri.clone(),
            backchannel_logout_session_required: self.backchannel_logout_session_required,
            subject_type: self.subject_type.clone(),
            sector_identifier_uri: self.sector_identifier_uri.clone(),
            security_profile: self.security_profile.clone(),
        })
    }
}

/// The registration rules' refusals in RFC 7591's words.
fn metadata_error(e: AdminError) -> RegistrationError {
    match e {
        AdminError::RedirectUri(e) => RegistrationError::InvalidRedirectUri(e.to_string()),
        AdminError::InvalidClient(m) if m.contains("redirect URI") => {
            RegistrationError::InvalidRedirectUri(m.to_owned())
        }
        AdminError::Store(s) => RegistrationError::Store(s),
        other => RegistrationError::InvalidClientMetadata(other.to_string()),
    }
}

/// A registration as `/register` answers it: the client, its secret (only when just
/// made) and its registration access token (only when just made).
#[derive(Debug)]
pub struct Registered {
    pub client: Client,
    pub secret: Option<ClientSecret>,
    pub access_token: Option<ClientSecret>,
}

/// The initial access token `presented`, if it may register now.
pub async fn usable_initial_token(
    stores: &Stores,
    presented: &str,
) -> Result<InitialAccessToken, RegistrationError> {
    let found = stores
        .registrations
        .find_initial_token(&TokenDigest::of(presented))
        .await?;
    found
        .filter(|t| t.is_usable(stores.clock.now()))
        .ok_or(RegistrationError::InvalidToken(
            "the initial access token is unknown, expired or revoked",
        ))
}

fn new_secret(stores: &Stores) -> ClientSecret {
    ClientSecret::new(token(stores.random.as_ref()))
}

/// RFC 7591 §3: registers a client in the initial access token's organization, with its
/// audit event and registration access token in one transaction.
pub async fn register(
    stores: &Stores,
    initial_token: &str,
    metadata: &ClientMetadata,
    origin: &Origin,
) -> Result<Registered, RegistrationError> {
    let initial = usable_initial_token(stores, initial_token).await?;
    let new = metadata.to_new_client(&initial.org_id)?;
    let checked = check_client(&new).map_err(metadata_error)?;
    crate::client_admin::check_sector_document(
        stores,
        checked.sector_identifier_uri.as_deref(),
        &checked.redirect_uris,
    )
    .await
    .map_err(metadata_error)?;
    let secret =
        (checked.auth_method == ClientAuthMethod::ClientSecretBasic).then(|| new_secret(stores));
    let access_token = new_secret(stores);
    let now = stores.clock.now();
    let client = checked.into_client(
        initial.org_id.clone(),
        secret.as_ref().map(|s| TokenDigest::of(s.expose())),
        now,
    );
    let registration = ClientRegistration {
        client_id: client.id.clone(),
        token_digest: TokenDigest::of(access_token.expose()),
        initial_token_id: Some(initial.id.clone()),
        created_at: now,
    };
    let mut event = audit_event(
        &client.org_id,
        (ActorKind::Client, Some(client.id.to_string())),
        origin,
        ActivityType::ClientChange,
        EventKind::Create,
        InfoType::SecuritySettings,
        stores,
    );
    event.detail = serde_json::json!({"after": client_summary(&client),
        "registered_with": initial.id});
    stores
        .audit
        .commit(
            &[
                Change::InsertClient(client.clone()),
                Change::InsertClientRegistration(registration),
            ],
            &[event],
        )
        .await?;
    Ok(Registered {
        client,
        secret,
        access_token: Some(access_token),
    })
}

/// RFC 7592 §2: the client a registration access token manages. Another client's
/// token, a made-up one and a deleted client's all answer `invalid_token` alike.
pub async fn managed(
    stores: &Stores,
    client_id: &ClientId,
    presented: &str,
) -> Result<(Client, ClientRegistration), RegistrationError> {
    let invalid = || {
        RegistrationError::InvalidToken(
            "the registration access token is not valid for this client",
        )
    };
    let registration = stores
        .registrations
        .find_client_registration(client_id)
        .await?
        .filter(|r| r.token_digest.matches(presented))
        .ok_or_else(invalid)?;
    let client = stores
        .clients
        .find_by_id(client_id)
        .await?
        .ok_or_else(invalid)?;
    Ok((client, registration))
}

/// RFC 7592 §2.2: replaces the registration with `metadata` (omitted values return to
/// their defaults), checked by the same rules, and rotates the registration access token.
pub async fn update(
    stores: &Stores,
    client_id: &ClientId,
    presented: &str,
    metadata: &ClientMetadata,
    origin: &Origin,
) -> Result<Registered, RegistrationError> {
    let (client, _) = managed(stores, client_id, presented).await?;
    if metadata.client_id.as_deref() != Some(client.id.as_str()) {
        return Err(RegistrationError::InvalidClientMetadata(
            "client_id must be the registered client's".into(),
        ));
    }
    if let Some(secret) = &metadata.client_secret
        && !client
            .secret_digest
            .as_ref()
            .is_some_and(|d| d.matches(secret))
    {
        return Err(RegistrationError::InvalidClientMetadata(
            "client_secret is not the client's secret".into(),
        ));
    }
    let mut new = metadata.to_new_client(&client.org_id)?;
    // A registration held to FAPI 2.0 stays so: the client cannot lower itself.
    if client.security_profile == SecurityProfile::Fapi2 {
        match new.security_profile.as_deref() {
            None => new.security_profile = Some(SecurityProfile::Fapi2.as_str().to_owned()),
            Some(p) if p == SecurityProfile::Fapi2.as_str() => {}
            Some(_) => {
                return Err(RegistrationError::InvalidClientMetadata(
                    "a FAPI 2.0 registration cannot be moved to a lower profile".into(),
                ));
            }
        }
    }
    let checked = check_client(&new).map_err(metadata_error)?;
    if checked.sector_identifier_uri != client.sector_identifier_uri
        || checked.redirect_uris != client.redirect_uris
    {
        crate::client_admin::check_sector_document(
            stores,
            checked.sector_identifier_uri.as_deref(),
            &checked.redirect_uris,
        )
        .await
        .map_err(metadata_error)?;
    }
    let mut next = client.clone();
    checked.apply_to(&mut next);
    // A client that now needs a secret and had none gets one; one that needs none
    // loses it.
    let secret = match (next.auth_method, &client.secret_digest) {
        (ClientAuthMethod::ClientSecretBasic, Some(_)) => None,
        (ClientAuthMethod::ClientSecretBasic, None) => Some(new_secret(stores)),
        _ => {
            next.secret_digest = None;
            None
        }
    };
    if let Some(s) = &secret {
        next.secret_digest = Some(TokenDigest::of(s.expose()));
    }
    next.updated_at = stores.clock.now();
    let access_token = new_secret(stores);
    let mut event = audit_event(
        &client.org_id,
        (ActorKind::Client, Some(client.id.to_string())),
        origin,
        ActivityType::ClientChange,
        EventKind::Edit,
        InfoType::SecuritySettings,
        stores,
    );
    event.detail = serde_json::json!({"before": client_summary(&client),
        "after": client_summary(&next), "through": "registration"});
    stores
        .audit
        .commit(
            &[
                Change::UpdateClient(next.clone()),
                // Compare and swap: of two updates with the same token, one wins.
                Change::RotateRegistrationToken {
                    client: client.id.clone(),
                    from: TokenDigest::of(presented),
                    to: TokenDigest::of(access_token.expose()),
                },
            ],
            &[event],
        )
        .await
        .map_err(|e| match e {
            StoreError::Changed(_) => {
                RegistrationError::InvalidToken("the registration access token was just rotated")
            }
            other => other.into(),
        })?;
    Ok(Registered {
        client: next,
        secret,
        access_token: Some(access_token),
    })
}

/// RFC 7592 §2.3: removes the client (its grants, consents and registration cascade).
pub async fn delete(
    stores: &Stores,
    client_id: &ClientId,
    presented: &str,
    origin: &Origin,
) -> Result<Client, RegistrationError> {
    let (client, _) = managed(stores, client_id, presented).await?;
    let mut event = audit_event(
        &client.org_id,
        (ActorKind::Client, Some(client.id.to_string())),
        origin,
        ActivityType::ClientChange,
        EventKind::Delete,
        InfoType::SecuritySettings,
        stores,
    );
    event.detail =
        serde_json::json!({"before": client_summary(&client), "through": "registration"});
    stores
        .audit
        .commit(&[Change::DeleteClient(client.id.clone())], &[event])
        .await?;
    Ok(client)
}

/// Issues an initial access token for `org`, for someone holding `clients` over it; the
/// token is returned once.
pub async fn create_initial_token(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
    lifetime: Option<Duration>,
) -> Result<(InitialAccessToken, ClientSecret), AdminError> {
    let org = resolve_org(stores, org).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::Clients,
        origin,
        "create_registration_token",
    )
    .await?;
    let value = new_secret(stores);
    let now = stores.clock.now();
    let record = InitialAccessToken {
        id: ClientId::generate().to_string(),
        org_id: org.id.clone(),
        digest: TokenDigest::of(value.expose()),
        created_at: now,
        expires_at: lifetime.map(|l| now.plus(l)),
        revoked_at: None,
    };
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::ClientChange,
        EventKind::Create,
        InfoType::AuthenticationToken,
        stores,
    );
    event.detail = serde_json::json!({"registration_token": record.id,
        "expires_at": record.expires_at.map(Timestamp::to_rfc3339)});
    stores
        .audit
        .commit(&[Change::InsertInitialToken(record.clone())], &[event])
        .await?;
    Ok((record, value))
}

/// The initial access tokens of `org` (never their values), newest first.
pub async fn list_initial_tokens(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &str,
) -> Result<Vec<InitialAccessToken>, AdminError> {
    let org = resolve_org(stores, org).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::Clients,
        origin,
        "list_registration_tokens",
    )
    .await?;
    Ok(stores.registrations.list_initial_tokens(&org.id).await?)
}

/// Revokes an initial access token: it registers nothing more (clients it registered
/// stay).
pub async fn revoke_initial_token(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &str,
) -> Result<InitialAccessToken, AdminError> {
    let token = stores
        .registrations
        .find_initial_token_by_id(id)
        .await?
        .ok_or_else(|| AdminError::UnknownRegistrationToken(id.to_owned()))?;
    let org = resolve_org(stores, token.org_id.as_str()).await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::Clients,
        origin,
        "revoke_registration_token",
    )
    .await?;
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let now = stores.clock.now();
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::ClientChange,
        EventKind::Delete,
        InfoType::AuthenticationToken,
        stores,
    );
    event.detail = serde_json::json!({"registration_token": token.id});
    stores
        .audit
        .commit(
            &[Change::RevokeInitialToken {
                id: token.id.clone(),
                now,
            }],
            &[event],
        )
        .await?;
    Ok(InitialAccessToken {
        revoked_at: Some(now),
        ..token
    })
}

/// A lifetime as an administrator types it: seconds, or a number followed by `s`, `m`,
/// `h` or `d` (`90m`, `7d`); at least a second, at most a year.
pub fn parse_lifetime(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (text.get(..i)?, c),
        _ => (text, 's'),
    };
    let n: u64 = number.trim().parse().ok()?;
    let secs = n.checked_mul(match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    })?;
    (1..=366 * 86_400)
        .contains(&secs)
        .then(|| Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_read_as_typed() {
        assert_eq!(parse_lifetime("3600"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_lifetime("90m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_lifetime(" 7d"), Some(Duration::from_secs(604_800)));
        assert_eq!(parse_lifetime("2h"), Some(Duration::from_secs(7200)));
        for bad in ["", "0", "d", "7w", "-1", "1.5h", "400d"] {
            assert_eq!(parse_lifetime(bad), None, "{bad}");
        }
    }

    fn meta(json: &str) -> ClientMetadata {
        ClientMetadata::from_json(json.as_bytes()).unwrap()
    }

    fn org() -> OrgId {
        OrgId::from_string("org")
    }

    fn checked(json: &str) -> Result<crate::admin::CheckedClient, RegistrationError> {
        check_client(&meta(json).to_new_client(&org())?).map_err(metadata_error)
    }

    #[test]
    fn rfc_7591_metadata_maps_onto_a_registration() {
        let m = meta(
            r#"{"redirect_uris":["https://rp.example.com/cb"],"client_name":"Reports",
                "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
                "scope":"openid email reports:read","id_token_signed_response_alg":"ES256",
                "post_logout_redirect_uris":["https://rp.example.com/bye"],
                "logo_uri":"https://rp.example.com/logo.png"}"#,
        );
        let new = m.to_new_client(&org()).unwrap();
        assert_eq!(new.name, "Reports");
        assert!(!new.public && !new.first_party && !new.pkce_optional);
        assert_eq!(new.extra_scopes, vec!["reports:read"]);
        let c = check_client(&new).unwrap();
        assert_eq!(c.auth_method, ClientAuthMethod::ClientSecretBasic);
        assert_eq!(c.id_token_alg, crate::client::SigningAlg::Es256);
        // Defaults: authorization_code only, a secret.
        let c = checked(r#"{"redirect_uris":["https://rp.example.com/cb"]}"#).unwrap();
        assert_eq!(c.grant_types, vec![GrantType::AuthorizationCode]);
        let public = checked(
            r#"{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none"}"#,
        )
        .unwrap();
        assert_eq!(public.auth_method, ClientAuthMethod::None);
    }

    #[test]
    fn bad_metadata_gets_rfc_7591_errors() {
        let code = |json: &str| {
            let e = match ClientMetadata::from_json(json.as_bytes()) {
                Ok(m) => checked_from(&m).unwrap_err(),
                Err(e) => e,
            };
            e.oauth().code
        };
        fn checked_from(m: &ClientMetadata) -> Result<(), RegistrationError> {
            check_client(&m.to_new_client(&OrgId::from_string("org"))?)
                .map(drop)
                .map_err(metadata_error)
        }
        use OAuthErrorCode::{InvalidClientMetadata as Meta, InvalidRedirectUri as Uri};
        for (json, expected) in [
            (r#"{"redirect_uris":["http://rp.example.com/cb"]}"#, Uri),
            (r#"{"redirect_uris":["https://rp.example.com/cb#x"]}"#, Uri),
            (r#"{"redirect_uris":[]}"#, Uri),
            (r#"{"client_name":"x"}"#, Uri),
            (r#"not json"#, Meta),
            (r#"["a"]"#, Meta),
            (r#"{"redirect_uris":"https://rp.example.com/cb"}"#, Meta),
            (
                r#"{"redirect_uris":["https://rp.example.com/cb"],"grant_types":["password"]}"#,
                Meta,
            ),
            (
                r#"{"redirect_uris":["https://rp.example.com/cb"],"response_types":["token"]}"#,
                Meta,
            ),
            (
                r#"{"grant_types":["client_credentials"],"response_types":["code"]}"#,
                Meta,
            ),
            (
                r#"{"redirect_uris":["https://rp.example.com/cb"],"token_endpoint_auth_method":"tls_client_auth"}"#,
                Meta,
            ),
            (
                r#"{"redirect_uris":["https://rp.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#,
                Meta,
            ),
            (
                r#"{"redirect_uris":["https://rp.example.com/cb"],"jwks_uri":"https://rp.example.com/jwks"}"#,
                Meta,
            ),
            (
                r#"{"redirect_uris":["https://rp.example.com/cb"],"id_token_signed_response_alg":"none"}"#,
                Meta,
            ),
            (
                r#"{"grant_types":["client_credentials"],"token_endpoint_auth_method":"none"}"#,
                Meta,
            ),
        ] {
            assert_eq!(code(json), expected, "{json}");
        }
    }

    #[test]
    fn initial_tokens_expire_and_are_revoked() {
        let mut t = InitialAccessToken {
            id: "t".into(),
            org_id: org(),
            digest: TokenDigest::of("x"),
            created_at: Timestamp::from_secs(0),
            expires_at: Some(Timestamp::from_secs(100)),
            revoked_at: None,
        };
        assert!(t.is_usable(Timestamp::from_secs(99)));
        assert!(!t.is_usable(Timestamp::from_secs(100)));
        t.expires_at = None;
        assert!(t.is_usable(Timestamp::from_secs(1_000_000)));
        t.revoked_at = Some(Timestamp::from_secs(5));
        assert!(!t.is_usable(Timestamp::from_secs(6)));
    }
}
