//! The client side of federation: `idp` as a relying party of Google and Entra ID, through
//! the `openidconnect` crate. Discovery and keys are fetched with timeouts and cached;
//! an unknown `kid` refreshes the keys, at most once per [`JWKS_REFRESH_EVERY`].

use crate::settings::{FederationSettings, UpstreamSettings};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use idp_core::federation::{Provider, UpstreamIdentity, entra_address, entra_issuer};
use idp_core::secret::SecretString;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreJsonWebKeySet, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, Nonce,
    OAuth2TokenResponse as _, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    SignatureVerificationError, TokenResponse as _,
};
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long discovery is trusted before it is read again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// The least time between two key refreshes caused by unknown key ids.
pub const JWKS_REFRESH_EVERY: Duration = Duration::from_secs(30);
/// How far in the future an upstream `iat` may be (clock skew).
const IAT_SKEW: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("{provider} could not be reached: {detail}")]
    Unreachable {
        provider: &'static str,
        detail: String,
    },
    #[error("{provider} answered something unexpected: {detail}")]
    BadAnswer {
        provider: &'static str,
        detail: String,
    },
    #[error("the ID token from {provider} was refused: {detail}")]
    InvalidToken {
        provider: &'static str,
        detail: String,
    },
}

impl UpstreamError {
    /// The failure reason the audit log records.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => "upstream_unreachable",
            Self::BadAnswer { .. } => "upstream_bad_answer",
            Self::InvalidToken { .. } => "invalid_id_token",
        }
    }
}

/// `idp`'s client at an upstream: endpoints from discovery.
type UpstreamClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The configured upstream providers.
pub struct Upstreams {
    google: Option<Upstream>,
    entra: Option<Upstream>,
}

impl Upstreams {
    pub fn new(settings: &FederationSettings) -> Result<Self, crate::settings::ConfigError> {
        let timeout = Duration::from_secs(settings.timeout_secs);
        let make =
            |provider, s: &Option<UpstreamSettings>| -> Result<_, crate::settings::ConfigError> {
                s.as_ref()
                    .map(|s| Upstream::new(provider, s, timeout))
                    .transpose()
            };
        Ok(Self {
            google: make(Provider::Google, &settings.google)?,
            entra: make(Provider::Entra, &settings.entra)?,
        })
    }

    pub fn get(&self, provider: Provider) -> Option<&Upstream> {
        match provider {
            Provider::Google => self.google.as_ref(),
            Provider::Entra => self.entra.as_ref(),
        }
    }

    /// The providers this deployment is configured for.
    pub fn configured(&self) -> Vec<Provider> {
        [Provider::Google, Provider::Entra]
            .into_iter()
            .filter(|p| self.get(*p).is_some())
            .collect()
    }
}

/// What the browser's round trip through the upstream must bring back.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Started {
    pub pkce_verifier: String,
    pub nonce: String,
}

pub struct Upstream {
    provider: Provider,
    client_id: String,
    client_secret: SecretString,
    discovery_url: String,
    /// Entra single-tenant: the one tenant id accepted, whatever the organizations list.
    pinned_tenant: Option<String>,
    graph_url: Option<String>,
    http: reqwest::Client,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    metadata: Option<(CoreProviderMetadata, Instant)>,
    /// The last refresh an unknown key id caused.
    forced_refresh: Option<Instant>,
}

impl Upstream {
    fn new(
        provider: Provider,
        s: &UpstreamSettings,
        timeout: Duration,
    ) -> Result<Self, crate::settings::ConfigError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // Token and key endpoints answer directly; a redirect is not followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                crate::settings::ConfigError::new(
                    &format!("federation.{}", provider.as_str()),
                    format!("cannot build the HTTP client: {e}"),
                )
            })?;
        Ok(Self {
            provider,
            client_id: s.client_id.clone(),
            client_secret: s.secret(provider.as_str())?,
            discovery_url: s.discovery_url.clone(),
            pinned_tenant: s
                .tenant
                .clone()
                .filter(|t| uuid_shaped(t))
                .map(|t| t.to_ascii_lowercase()),
            graph_url: s.graph_url.clone(),
            http,
            cache: Mutex::new(Cache::default()),
        })
    }

    fn unreachable(&self, e: impl std::fmt::Display) -> UpstreamError {
        UpstreamError::Unreachable {
            provider: self.provider.label(),
            detail: e.to_string(),
        }
    }

    fn bad_answer(&self, e: impl std::fmt::Display) -> UpstreamError {
        UpstreamError::BadAnswer {
            provider: self.provider.label(),
            detail: e.to_string(),
        }
    }

    fn invalid(&self, e: impl std::fmt::Display) -> UpstreamError {
        UpstreamError::InvalidToken {
            provider: self.provider.label(),
            detail: e.to_string(),
        }
    }

    async fn get_json(&self, url: &str) -> Result<Vec<u8>, UpstreamError> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        if !response.status().is_success() {
            return Err(self.bad_answer(format!("{url} answered {}", response.status())));
        }
        Ok(response
            .bytes()
            .await
            .map_err(|e| self.unreachable(e))?
            .to_vec())
    }

    async fn fetch_jwks(
        &self,
        metadata: &CoreProviderMetadata,
    ) -> Result<CoreJsonWebKeySet, UpstreamError> {
        let body = self.get_json(metadata.jwks_uri().url().as_str()).await?;
        serde_json::from_slice(&body).map_err(|e| self.bad_answer(format!("keys: {e}")))
    }

    /// Discovery with its keys, from the cache while fresh. The issuer check is ours
    /// (Entra's multi-tenant issuer is a template), so discovery is read as plain JSON.
    async fn metadata(&self, refresh_keys: bool) -> Result<CoreProviderMetadata, UpstreamError> {
        let mut cache = self.cache.lock().await;
        if let Some((metadata, at)) = &cache.metadata
            && at.elapsed() < METADATA_TTL
        {
            let recently = cache
                .forced_refresh
                .is_some_and(|t| t.elapsed() < JWKS_REFRESH_EVERY);
            if !refresh_keys || recently {
                return Ok(metadata.clone());
            }
            let (metadata, discovered) = (metadata.clone(), *at);
            cache.forced_refresh = Some(Instant::now());
            let jwks = self.fetch_jwks(&metadata).await?;
            let metadata = metadata.set_jwks(jwks);
            cache.metadata = Some((metadata.clone(), discovered));
            return Ok(metadata);
        }
        let body = self.get_json(&self.discovery_url).await?;
        let metadata: CoreProviderMetadata = serde_json::from_slice(&body)
            .map_err(|e| self.bad_answer(format!("discovery: {e}")))?;
        let jwks = self.fetch_jwks(&metadata).await?;
        let metadata = metadata.set_jwks(jwks);
        cache.metadata = Some((metadata.clone(), Instant::now()));
        Ok(metadata)
    }

    fn client(
        &self,
        metadata: CoreProviderMetadata,
        redirect: &str,
    ) -> Result<UpstreamClient, UpstreamError> {
        let redirect = RedirectUrl::new(redirect.to_owned()).map_err(|e| self.bad_answer(e))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.client_id.clone()),
            Some(ClientSecret::new(self.client_secret.expose().to_owned())),
        )
        .set_redirect_uri(redirect))
    }

    /// The upstream authorization URL (code flow, PKCE S256, `state`, `nonce`), the
    /// `state` it carries, and what the callback needs.
    pub async fn start(
        &self,
        redirect: &str,
    ) -> Result<(url::Url, String, Started), UpstreamError> {
        let metadata = self.metadata(false).await?;
        let client = self.client(metadata, redirect)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge);
        if self.graph_url.is_some() {
            request = request.add_scope(Scope::new("offline_access".into()));
        }
        let (url, state, nonce) = request.url();
        Ok((
            url,
            state.secret().clone(),
            Started {
                pkce_verifier: verifier.secret().clone(),
                nonce: nonce.secret().clone(),
            },
        ))
    }

    /// Exchanges the code, validates the ID token strictly and reads the identity.
    pub async fn finish(
        &self,
        redirect: &str,
        code: &str,
        started: &Started,
    ) -> Result<UpstreamIdentity, UpstreamError> {
        let metadata = self.metadata(false).await?;
        let client = self.client(metadata.clone(), redirect)?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| self.bad_answer(e))?
            .set_pkce_verifier(PkceCodeVerifier::new(started.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                openidconnect::RequestTokenError::Request(e) => self.unreachable(e),
                other => self.bad_answer(format!("token endpoint: {other}")),
            })?;
        let id_token = token
            .id_token()
            .ok_or_else(|| self.bad_answer("no ID token in the token response"))?;
        let nonce = Nonce::new(started.nonce.clone());
        let claims = match self.verify(&client, id_token, &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                // The upstream may have rotated its keys since we read them.
                let refreshed = self.client(self.metadata(true).await?, redirect)?;
                self.verify(&refreshed, id_token, &nonce)
            }
            other => other,
        }
        .map_err(|e| self.invalid(e))?;
        let issuer = metadata.issuer().as_str();
        let mut identity = self.identity(&claims, issuer)?;
        if let Some(graph) = &self.graph_url {
            self.read_graph(graph, token.access_token().secret(), &mut identity)
                .await;
        }
        Ok(identity)
    }

    /// Signature (against the upstream keys), audience, expiry, issue time and nonce;
    /// the issuer is checked here for Google and in [`Self::identity`] for Entra.
    /// Answers the verified payload.
    fn verify(
        &self,
        client: &UpstreamClient,
        id_token: &CoreIdToken,
        nonce: &Nonce,
    ) -> Result<Value, ClaimsVerificationError> {
        let verifier = client
            .id_token_verifier()
            .require_issuer_match(self.provider == Provider::Google)
            .set_issue_time_verifier_fn(|iat| {
                let skew = i64::try_from(IAT_SKEW.as_secs()).unwrap_or(0);
                if iat.timestamp() > now_secs().saturating_add(skew) {
                    Err(format!("issued in the future ({iat})"))
                } else {
                    Ok(())
                }
            });
        id_token.claims(&verifier, nonce)?;
        let text = id_token.to_string();
        let payload = text
            .split('.')
            .nth(1)
            .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
            .and_then(|p| serde_json::from_slice::<Value>(&p).ok())
            .ok_or_else(|| ClaimsVerificationError::Other("unreadable payload".into()))?;
        Ok(payload)
    }

    fn identity(&self, claims: &Value, issuer: &str) -> Result<UpstreamIdentity, UpstreamError> {
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        let flag = |name: &str| match claims.get(name) {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) => Some(s == "true"),
            _ => None,
        };
        let amr = claims
            .get("amr")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let sub = text("sub").ok_or_else(|| self.invalid("no sub"))?;
        match self.provider {
            Provider::Google => Ok(UpstreamIdentity {
                provider: self.provider,
                subject: sub,
                tenant: None,
                hosted_domain: text("hd"),
                email: text("email"),
                email_verified: flag("email_verified").unwrap_or(false),
                name: text("name"),
                amr,
                job_title: None,
                phone: None,
            }),
            Provider::Entra => {
                let tid = text("tid").ok_or_else(|| self.invalid("no tid"))?;
                let oid = text("oid").ok_or_else(|| self.invalid("no oid"))?;
                if let Some(pinned) = &self.pinned_tenant
                    && !pinned.eq_ignore_ascii_case(&tid)
                {
                    return Err(self.invalid(format!(
                        "tenant {tid} is not this deployment's tenant {pinned}"
                    )));
                }
                let expected = entra_issuer(issuer, &tid);
                if text("iss").as_deref() != Some(expected.as_str()) {
                    return Err(self.invalid(format!(
                        "issuer {:?} is not {expected} for tenant {tid}",
                        text("iss").unwrap_or_default()
                    )));
                }
                let (email, email_verified) =
                    entra_address(text("email"), flag("email_verified"), flag("xms_edov"));
                Ok(UpstreamIdentity {
                    provider: self.provider,
                    subject: format!("{tid}/{oid}"),
                    tenant: Some(tid),
                    hosted_domain: None,
                    email_verified,
                    email,
                    name: text("name"),
                    amr,
                    job_title: None,
                    phone: None,
                })
            }
        }
    }

    /// Job title and phone from Microsoft Graph; a failure leaves them out, with a log line.
    async fn read_graph(&self, base: &str, access_token: &str, identity: &mut UpstreamIdentity) {
        let url = format!(
            "{}/me?$select=jobTitle,mobilePhone,businessPhones",
            base.trim_end_matches('/')
        );
        let answer = async {
            let response = self
                .http
                .get(&url)
                .bearer_auth(access_token)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("answered {}", response.status()));
            }
            response.json::<Value>().await.map_err(|e| e.to_string())
        }
        .await;
        match answer {
            Ok(me) => {
                let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
                identity.job_title = text(me.get("jobTitle"));
                identity.phone = text(me.get("mobilePhone"))
                    .or_else(|| text(me.get("businessPhones").and_then(|p| p.get(0))));
            }
            Err(e) => {
                tracing::warn!(error = %e, "Microsoft Graph could not be read; job title and phone left as they are")
            }
        }
    }
}

/// A tenant id rather than `common` / `organizations` / `consumers`.
fn uuid_shaped(tenant: &str) -> bool {
    tenant.len() == 36 && tenant.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
