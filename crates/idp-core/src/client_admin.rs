//! Relying applications for administrators: listing, registering, changing, rotating
//! secrets and removing, for the super administrator or whoever holds `clients` over the
//! application's organization.

use crate::admin::{AdminError, NewClient, actor_event, check_client, client_summary, resolve_org};
use crate::audit::{ActivityType, EventKind, InfoType};
use crate::authz::{self, Actor, Permission};
use crate::client::{Client, ClientAuthMethod, SecurityProfile};
use crate::crypto::TokenDigest;
use crate::ids::ClientId;
use crate::org::Organization;
use crate::ports::{Change, Stores};
use crate::random::token;
use crate::secret::ClientSecret;
use crate::signin::Origin;

pub use crate::admin::delete_client;

/// The applications `by` may manage: those of `org`'s subtree when given (which needs
/// `clients` over it), otherwise every one they may see, ordered by organization and name.
pub async fn list_clients(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: Option<&str>,
) -> Result<Vec<Client>, AdminError> {
    let scopes: Option<Vec<Organization>> = match org {
        Some(o) => {
            let org = resolve_org(stores, o).await?;
            authz::require(
                stores,
                by,
                &org,
                Permission::Clients,
                origin,
                "list_clients",
            )
            .await?;
            Some(vec![org])
        }
        None => match crate::org_admin::visible_roots(stores, by, Some(Permission::Clients)).await?
        {
            Some(roots) if roots.is_empty() => {
                return Err(authz::AuthzError::Forbidden(Permission::Clients).into());
            }
            other => other,
        },
    };
    let orgs = stores.orgs.find_all().await?;
    let path_of = |c: &Client| {
        orgs.iter()
            .find(|o| o.id == c.org_id)
            .map(|o| o.path.as_str())
    };
    let mut clients: Vec<Client> = stores
        .clients
        .find_all()
        .await?
        .into_iter()
        .filter(|c| match (&scopes, path_of(c)) {
            (None, _) => true,
            (Some(roots), Some(path)) => roots.iter().any(|r| path.starts_with(&r.path)),
            (Some(_), None) => false,
        })
        .collect();
    clients.sort_by(|a, b| (path_of(a), &a.name).cmp(&(path_of(b), &b.name)));
    Ok(clients)
}

/// Registers a client in `new.org` for someone holding `clients` over it. A
/// confidential client's secret is returned once and stored as a digest.
pub async fn create_client(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    new: NewClient,
) -> Result<(Client, Option<ClientSecret>), AdminError> {
    let checked = check_client(&new)?;
    let org = resolve_org(stores, &new.org).await?;
    check_sector_document(
        stores,
        checked.sector_identifier_uri.as_deref(),
        &checked.redirect_uris,
    )
    .await?;
    authz::require(
        stores,
        by,
        &org,
        Permission::Clients,
        origin,
        "create_client",
    )
    .await?;
    let secret = (checked.auth_method == ClientAuthMethod::ClientSecretBasic)
        .then(|| ClientSecret::new(token(stores.random.as_ref())));
    let now = stores.clock.now();
    let client = checked.into_client(
        org.id.clone(),
        secret.as_ref().map(|s| TokenDigest::of(s.expose())),
        now,
    );
    let mut event = actor_event(
        &org.id,
        by,
        origin,
        ActivityType::ClientChange,
        EventKind::Create,
        InfoType::SecuritySettings,
        stores,
    );
    event.detail = serde_json::json!({"after": client_summary(&client)});
    stores
        .audit
        .commit(&[Change::InsertClient(client.clone())], &[event])
        .await?;
    Ok((client, secret))
}

/// A change to a registration; `None` leaves a value as it is. Lifetimes are
/// `Some(None)` to go back to the deployment's.
#[derive(Clone, Debug, Default)]
pub struct ClientUpdate {
    pub name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub grant_types: Option<Vec<String>>,
    pub public: Option<bool>,
    pub id_token_alg: Option<String>,
    pub access_token_ttl_secs: Option<Option<u32>>,
    pub id_token_ttl_secs: Option<Option<u32>>,
    pub refresh_token_ttl_secs: Option<Option<u32>>,
    /// First-party applications skip the consent page.
    pub first_party: Option<bool>,
    pub extra_scopes: Option<Vec<String>>,
    /// Authorization requests count only when pushed to `/par` (RFC 9126).
    pub require_pushed_authorization_requests: Option<bool>,
    /// Authorization requests count only as signed request objects (RFC 9101).
    pub require_signed_request_object: Option<bool>,
    /// RFC 9449 §5.2: every token request must carry a DPoP proof.
    pub dpop_bound_access_tokens: Option<bool>,
    /// `Some(None)` stops logout tokens.
    pub backchannel_logout_uri: Option<Option<String>>,
    pub backchannel_logout_session_required: Option<bool>,
    pub subject_type: Option<String>,
    /// `Some(None)` goes back to the redirect URIs' host as the sector.
    pub sector_identifier_uri: Option<Option<String>>,
    /// `standard` or `fapi2`.
    pub security_profile: Option<String>,
}

/// OIDC Core §8.1: the document at a `sector_identifier_uri`, read now, must list every
/// redirect URI of the registration.
pub(crate) async fn check_sector_document(
    stores: &Stores,
    uri: Option<&str>,
    redirect_uris: &[crate::client::RedirectUri],
) -> Result<(), AdminError> {
    let Some(uri) = uri else {
        return Ok(());
    };
    let document = stores
        .fetcher
        .fetch(uri)
        .await
        .map_err(AdminError::SectorFetch)?;
    let uris: Vec<String> = redirect_uris.iter().map(ToString::to_string).collect();
    crate::oidc::subject::check_sector_document(&document, &uris)?;
    Ok(())
}

/// The registration `client` would be described with at creation, with `change` applied.
fn merged(client: &Client, change: ClientUpdate) -> NewClient {
    let texts = |v: &[crate::client::RedirectUri]| v.iter().map(ToString::to_string).collect();
    NewClient {
        org: client.org_id.to_string(),
        name: change.name.unwrap_or_else(|| client.name.clone()),
        redirect_uris: change
            .redirect_uris
            .unwrap_or_else(|| texts(&client.redirect_uris)),
        post_logout_redirect_uris: change
            .post_logout_redirect_uris
            .unwrap_or_else(|| texts(&client.post_logout_redirect_uris)),
        public: change.public.unwrap_or_else(|| client.is_public()),
        first_party: change.first_party.unwrap_or(client.first_party),
        grants: change.grant_types.unwrap_or_else(|| {
            client
                .grant_types
                .iter()
                .map(|g| g.as_str().to_owned())
                .collect()
        }),
        signing_alg: Some(
            change
                .id_token_alg
                .unwrap_or_else(|| client.id_token_alg.as_str().to_owned()),
        ),
        jwks: client.jwks.clone(),
        pkce_optional: !client.require_pkce,
        extra_scopes: change
            .extra_scopes
            .unwrap_or_else(|| client.extra_scopes.clone()),
        access_token_ttl_secs: change
            .access_token_ttl_secs
            .unwrap_or(client.access_token_ttl_secs),
        id_token_ttl_secs: change.id_token_ttl_secs.unwrap_or(client.id_token_ttl_secs),
        refresh_token_ttl_secs: change
            .refresh_token_ttl_secs
            .unwrap_or(client.refresh_token_ttl_secs),
        require_pushed_authorization_requests: change
            .require_pushed_authorization_requests
            .unwrap_or(client.require_pushed_authorization_requests),
        require_signed_request_object: change
            .require_signed_request_object
            .unwrap_or(client.require_signed_request_object),
        dpop_bound_access_tokens: change
            .dpop_bound_access_tokens
            .unwrap_or(client.dpop_bound_access_tokens),
        backchannel_logout_uri: change
            .backchannel_logout_uri
            .unwrap_or_else(|| client.backchannel_logout_uri.clone()),
        backchannel_logout_session_required: change
            .backchannel_logout_session_required
            .unwrap_or(client.backchannel_logout_session_required),
        subject_type: Some(
            change
                .subject_type
                .unwrap_or_else(|| client.subject_type.as_str().to_owned()),
        ),
        sector_identifier_uri: change
            .sector_identifier_uri
            .unwrap_or_else(|| client.sector_identifier_uri.clone()),
        security_profile: Some(
            change
                .security_profile
                .unwrap_or_else(|| client.security_profile.as_str().to_owned()),
        ),
    }
}

/// `client` as `change` makes it, checked by the rules of a new registration. A client
/// made public loses its secret; one made confidential has none until it is rotated.
pub fn updated_client(client: &Client, change: ClientUpdate) -> Result<Client, AdminError> {
    let fapi2 = change
        .security_profile
        .as_deref()
        .map_or(client.security_profile == SecurityProfile::Fapi2, |p| {
            p == SecurityProfile::Fapi2.as_str()
        });
    // FAPI 2.0: turning off what the profile requires is refused, not quietly undone.
    if fapi2
        && (change.require_pushed_authorization_requests == Some(false)
            || change.dpop_bound_access_tokens == Some(false))
    {
        return Err(AdminError::InvalidClient(
            "a FAPI 2.0 client must push its requests and use DPoP-bound tokens",
        ));
    }
    let checked = check_client(&merged(client, change))?;
    let mut next = client.clone();
    checked.apply_to(&mut next);
    if next.auth_method != ClientAuthMethod::ClientSecretBasic {
        next.secret_digest = None;
    }
    Ok(next)
}

async fn managed_client(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &ClientId,
    action: &str,
) -> Result<Client, AdminError> {
    let client = stores
        .clients
        .find_by_id(id)
        .await?
        .ok_or_else(|| AdminError::UnknownClient(id.to_string()))?;
    let org = resolve_org(stores, client.org_id.as_str()).await?;
    authz::require(stores, by, &org, Permission::Clients, origin, action).await?;
    Ok(client)
}

/// Changes a registration, for someone holding `clients` over its organization; saved
/// with its record (before and after) only when valid as a whole.
pub async fn update_client(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &ClientId,
    change: ClientUpdate,
) -> Result<Client, AdminError> {
    let client = managed_client(stores, by, origin, id, "update_client").await?;
    let mut next = updated_client(&client, change)?;
    if next == client {
        return Ok(client);
    }
    // The sector document is read again whenever what it vouches for may have changed.
    if next.sector_identifier_uri != client.sector_identifier_uri
        || next.redirect_uris != client.redirect_uris
    {
        check_sector_document(
            stores,
            next.sector_identifier_uri.as_deref(),
            &next.redirect_uris,
        )
        .await?;
    }
    next.updated_at = stores.clock.now();
    let mut event = actor_event(
        &client.org_id,
        by,
        origin,
        ActivityType::ClientChange,
        EventKind::Edit,
        InfoType::SecuritySettings,
        stores,
    );
    event.detail =
        serde_json::json!({"before": client_summary(&client), "after": client_summary(&next)});
    stores
        .audit
        .commit(&[Change::UpdateClient(next.clone())], &[event])
        .await?;
    Ok(next)
}

/// Gives a client that authenticates with a secret a new one, returned once; the old
/// one stops working at once (on other nodes when their client cache lets it go).
pub async fn rotate_client_secret(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &ClientId,
) -> Result<ClientSecret, AdminError> {
    let client = managed_client(stores, by, origin, id, "rotate_client_secret").await?;
    match client.auth_method {
        ClientAuthMethod::None => {
            return Err(AdminError::ClientSecret("a public client has no secret"));
        }
        ClientAuthMethod::PrivateKeyJwt => {
            return Err(AdminError::ClientSecret(
                "this client signs in with its keys, not a secret",
            ));
        }
        ClientAuthMethod::ClientSecretBasic | ClientAuthMethod::ClientSecretPost => {}
    }
    let secret = ClientSecret::new(token(stores.random.as_ref()));
    let mut next = client.clone();
    next.secret_digest = Some(TokenDigest::of(secret.expose()));
    next.updated_at = stores.clock.now();
    let mut event = actor_event(
        &client.org_id,
        by,
        origin,
        ActivityType::ClientChange,
        EventKind::Edit,
        InfoType::SecuritySettings,
        stores,
    );
    event.detail = serde_json::json!({"client_id": client.id, "secret": "rotated"});
    stores
        .audit
        .commit(&[Change::UpdateClient(next)], &[event])
        .await?;
    Ok(secret)
}

/// How a token lifetime is entered: a whole number of minutes or days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LifetimeUnit {
    Minutes,
    Days,
}

/// Reads a lifetime typed by a person (blank: the deployment's) into seconds; refuses
/// what is not a whole number above zero, or longer than a year.
pub fn parse_lifetime(text: &str, unit: LifetimeUnit) -> Result<Option<u32>, AdminError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let per: u64 = match unit {
        LifetimeUnit::Minutes => 60,
        LifetimeUnit::Days => 86_400,
    };
    let n: u64 = text
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AdminError::InvalidClient(
            "a token lifetime is a whole number above zero",
        ))?;
    let secs = n.saturating_mul(per);
    if secs > 366 * 86_400 {
        return Err(AdminError::InvalidClient(
            "a token lifetime is at most a year",
        ));
    }
    Ok(u32::try_from(secs).ok())
}

/// A lifetime in seconds as the form shows it, in `unit` (blank when unset).
pub fn lifetime_text(secs: Option<u32>, unit: LifetimeUnit) -> String {
    let per = match unit {
        LifetimeUnit::Minutes => 60,
        LifetimeUnit::Days => 86_400,
    };
    secs.map(|s| (s / per).max(1).to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn lifetimes_are_typed_in_minutes_or_days() {
        assert_eq!(parse_lifetime("", LifetimeUnit::Minutes).unwrap(), None);
        assert_eq!(
            parse_lifetime(" 15 ", LifetimeUnit::Minutes).unwrap(),
            Some(900)
        );
        assert_eq!(
            parse_lifetime("30", LifetimeUnit::Days).unwrap(),
            Some(2_592_000)
        );
        for bad in ["0", "-3", "1.5", "ten", "367"] {
            assert!(parse_lifetime(bad, LifetimeUnit::Days).is_err(), "{bad}");
        }
        assert_eq!(lifetime_text(Some(900), LifetimeUnit::Minutes), "15");
        assert_eq!(lifetime_text(None, LifetimeUnit::Days), "");
    }
    use super::*;
    use crate::client::{GrantType, RedirectUri};

    fn confidential() -> Client {
        Client {
            secret_digest: Some(TokenDigest::of("s3cret")),
            redirect_uris: vec![RedirectUri::parse("https://app.example/cb").unwrap()],
            grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
            access_token_ttl_secs: Some(300),
            ..Client::fixture("app")
        }
    }

    #[test]
    fn an_empty_change_keeps_the_registration() {
        let c = confidential();
        assert_eq!(updated_client(&c, ClientUpdate::default()).unwrap(), c);
    }

    #[test]
    fn a_change_is_checked_by_the_rules_of_a_new_registration() {
        let c = confidential();
        for (change, why) in [
            (
                ClientUpdate {
                    redirect_uris: Some(vec!["http://app.example/cb".into()]),
                    ..ClientUpdate::default()
                },
                "plain http",
            ),
            (
                ClientUpdate {
                    redirect_uris: Some(vec![]),
                    ..ClientUpdate::default()
                },
                "no redirect URI for the code flow",
            ),
            (
                ClientUpdate {
                    name: Some("  ".into()),
                    ..ClientUpdate::default()
                },
                "empty name",
            ),
            (
                ClientUpdate {
                    grant_types: Some(vec!["client_credentials".into()]),
                    public: Some(true),
                    ..ClientUpdate::default()
                },
                "public with client credentials",
            ),
            (
                ClientUpdate {
                    id_token_alg: Some("none".into()),
                    ..ClientUpdate::default()
                },
                "unknown algorithm",
            ),
            (
                ClientUpdate {
                    access_token_ttl_secs: Some(Some(0)),
                    ..ClientUpdate::default()
                },
                "zero lifetime",
            ),
            (
                ClientUpdate {
                    require_signed_request_object: Some(true),
                    ..ClientUpdate::default()
                },
                "signed request objects without keys to sign them with",
            ),
        ] {
            assert!(updated_client(&c, change).is_err(), "{why}");
        }
    }

    #[test]
    fn going_public_drops_the_secret_and_lifetimes_can_go_back_to_the_default() {
        let c = confidential();
        let public = updated_client(
            &c,
            ClientUpdate {
                public: Some(true),
                first_party: Some(true),
                access_token_ttl_secs: Some(None),
                ..ClientUpdate::default()
            },
        )
        .unwrap();
        assert!(public.is_public());
        assert_eq!(public.secret_digest, None);
        assert!(public.first_party);
        assert_eq!(public.access_token_ttl_secs, None);
        assert_eq!(public.id, c.id);
        let back = updated_client(
            &public,
            ClientUpdate {
                public: Some(false),
                ..ClientUpdate::default()
            },
        )
        .unwrap();
        assert_eq!(back.auth_method, ClientAuthMethod::ClientSecretBasic);
        assert_eq!(back.secret_digest, None, "no secret until it is rotated");
    }

    #[test]
    fn request_requirements_are_kept_and_changed() {
        let c = confidential();
        let strict = updated_client(
            &c,
            ClientUpdate {
                require_pushed_authorization_requests: Some(true),
                ..ClientUpdate::default()
            },
        )
        .unwrap();
        assert!(strict.require_pushed_authorization_requests);
        assert!(!strict.require_signed_request_object);
        let renamed = updated_client(
            &strict,
            ClientUpdate {
                name: Some("Renamed".into()),
                ..ClientUpdate::default()
            },
        )
        .unwrap();
        assert!(renamed.require_pushed_authorization_requests, "kept");
        let mut keyed = c.clone();
        keyed.jwks = Some(
            r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#
                .into(),
        );
        let signing = updated_client(
            &keyed,
            ClientUpdate {
                require_signed_request_object: Some(true),
                ..ClientUpdate::default()
            },
        )
        .unwrap();
        assert!(signing.require_signed_request_object);
    }

    #[test]
    fn logout_uris_and_subject_types_are_checked_and_kept() {
        let c = confidential();
        for (change, why) in [
            (
                ClientUpdate {
                    backchannel_logout_uri: Some(Some("http://app.example/logout".into())),
                    ..ClientUpdate::default()
                },
                "plain http logout URI",
            ),
            (
                ClientUpdate {
                    backchannel_logout_uri: Some(Some("https://app.example/logout#x".into())),
                    ..ClientUpdate::default()
                },
                "a fragment",
            ),
            (
                ClientUpdate {
                    subject_type: Some("random".into()),
                    ..ClientUpdate::default()
                },
                "unknown subject type",
            ),
            (
                ClientUpdate {
                    subject_type: Some("pairwise".into()),
                    redirect_uris: Some(vec![
                        "https://a.example/cb".into(),
                        "https://b.example/cb".into(),
                    ]),
                    ..ClientUpdate::default()
                },
                "pairwise over two hosts without a sector document",
            ),
            (
                ClientUpdate {
                    sector_identifier_uri: Some(Some("http://sector.example/s.json".into())),
                    ..ClientUpdate::default()
                },
                "a sector document over plain http",
            ),
        ] {
            assert!(updated_client(&c, change).is_err(), "{why}");
        }
        let set = updated_client(
            &c,
            ClientUpdate {
                backchannel_logout_uri: Some(Some("https://app.example/logout".into())),
                backchannel_logout_session_required: Some(true),
                subject_type: Some("pairwise".into()),
                ..ClientUpdate::default()
            },
        )
        .unwrap();
        assert_eq!(
            set.backchannel_logout_uri.as_deref(),
            Some("https://app.example/logout")
        );
        assert!(set.backchannel_logout_session_required);
        assert_eq!(set.subject_type, crate::client::SubjectType::Pairwise);
        // An unrelated change keeps them; an explicit null removes the URI.
        let renamed = updated_client(
            &set,
            ClientUpdate {
                name: Some("Renamed".into()),
                ..ClientUpdate::default()
            },
        )
        .unwrap();
        assert_eq!(renamed.backchannel_logout_uri, set.backchannel_logout_uri);
        assert_eq!(renamed.subject_type, set.subject_type);
        let off = updated_client(
            &set,
            ClientUpdate {
                backchannel_logout_uri: Some(None),
                ..ClientUpdate::default()
            },
        )
        .unwrap();
        assert_eq!(off.backchannel_logout_uri, None);
    }

    #[test]
    fn a_fapi2_client_is_held_to_the_profile() {
        let fapi2 = || ClientUpdate {
            security_profile: Some("fapi2".into()),
            ..ClientUpdate::default()
        };
        // A client with a secret cannot take the profile: it needs registered keys.
        assert!(updated_client(&confidential(), fapi2()).is_err());
        let mut keyed = confidential();
        keyed.jwks = Some(
            r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#
                .into(),
        );
        keyed.id_token_alg = crate::client::SigningAlg::EdDsa;
        let held = updated_client(&keyed, fapi2()).unwrap();
        assert_eq!(held.security_profile, SecurityProfile::Fapi2);
        assert_eq!(held.auth_method, ClientAuthMethod::PrivateKeyJwt);
        assert!(held.require_pushed_authorization_requests, "PAR turned on");
        assert!(held.dpop_bound_access_tokens, "DPoP turned on");
        // Nothing below the profile is accepted afterwards.
        for (change, why) in [
            (
                ClientUpdate {
                    id_token_alg: Some("RS256".into()),
                    ..ClientUpdate::default()
                },
                "RS256 ID tokens",
            ),
            (
                ClientUpdate {
                    require_pushed_authorization_requests: Some(false),
                    ..ClientUpdate::default()
                },
                "no PAR",
            ),
            (
                ClientUpdate {
                    dpop_bound_access_tokens: Some(false),
                    ..ClientUpdate::default()
                },
                "no DPoP",
            ),
            (
                ClientUpdate {
                    public: Some(true),
                    ..ClientUpdate::default()
                },
                "a public client",
            ),
            (
                ClientUpdate {
                    redirect_uris: Some(vec!["com.example.app:/cb".into()]),
                    ..ClientUpdate::default()
                },
                "a private-use redirect scheme",
            ),
        ] {
            assert!(updated_client(&held, change).is_err(), "{why}");
        }
        let renamed = updated_client(
            &held,
            ClientUpdate {
                name: Some("Renamed".into()),
                ..ClientUpdate::default()
            },
        )
        .unwrap();
        assert_eq!(renamed.security_profile, SecurityProfile::Fapi2, "kept");
        // The profile itself may be changed back by an administrator, explicitly.
        let standard = updated_client(
            &held,
            ClientUpdate {
                security_profile: Some("standard".into()),
                ..ClientUpdate::default()
            },
        )
        .unwrap();
        assert_eq!(standard.security_profile, SecurityProfile::Standard);
    }

    #[test]
    fn fapi2_refuses_rs256_from_the_client() {
        use crate::jose::JwsAlg;
        for alg in [JwsAlg::Ps256, JwsAlg::Es256, JwsAlg::EdDsa] {
            assert!(SecurityProfile::Fapi2.accepts(alg));
        }
        assert!(!SecurityProfile::Fapi2.accepts(JwsAlg::Rs256));
        assert!(SecurityProfile::Standard.accepts(JwsAlg::Rs256));
    }
}
