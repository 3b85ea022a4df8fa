//! Authorization codes and the token endpoint's grants (RFC 6749 §4.1.3, §4.4, §6;
//! OIDC Core §3.1.3, §12), access tokens as JWTs (RFC 9068), their verification,
//! revocation (RFC 7009) and introspection (RFC 7662).

use super::authorize::{AuthorizeRequest, ClaimsRequest};
use super::claims::member_claims;
use super::dpop::{self, Jkt};
use super::error::{OAuthError, OAuthErrorCode};
use super::revocation::{self, RevocationCache, RevocationError};
use super::{pkce, scope};
use crate::client::{Client, GrantType, SigningAlg};
use crate::clock::Timestamp;
use crate::crypto::TokenDigest;
use crate::ids::{ClientId, GrantId, SessionId, UserId};
use crate::jose::{self, JwkSet, SigningKeyPair};
use crate::ports::{EphemeralError, NewEntry, StoreError, Stores};
use crate::random::token;
use crate::records::{Grant, RefreshToken, RefreshUse, Revocation, Revoked, UserStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

/// RFC 9700 §4.2.1: codes are short-lived. The default and the most a deployment may set.
pub const CODE_TTL: Duration = Duration::from_secs(60);
/// The `typ` of access tokens (RFC 9068 §2.1).
pub const ACCESS_TOKEN_TYP: &str = "at+jwt";

/// The keys tokens are signed with and verified against.
pub trait SigningKeys: Send + Sync {
    fn signer(&self, alg: SigningAlg) -> Option<&SigningKeyPair>;
    fn verifiers(&self) -> &JwkSet;
    /// Access tokens already checked against [`Self::verifiers`], when kept.
    fn verified(&self) -> Option<&VerifiedTokens> {
        None
    }
}

impl SigningKeys for crate::keyring::LoadedKeys {
    fn signer(&self, alg: SigningAlg) -> Option<&SigningKeyPair> {
        crate::keyring::LoadedKeys::signer(self, alg)
    }

    fn verifiers(&self) -> &JwkSet {
        self.verifier_set()
    }

    fn verified(&self) -> Option<&VerifiedTokens> {
        Some(crate::keyring::LoadedKeys::verified(self))
    }
}

/// Access tokens of ours whose signature, type and issuer were checked, by digest, so
/// that a token presented again (userinfo, introspection) skips the signature check.
/// Its lifetime and revocation are checked on every use.
#[derive(Default)]
pub struct VerifiedTokens {
    entries: RwLock<HashMap<TokenDigest, Arc<AccessClaims>>>,
}

/// Tokens kept at most; beyond it the set is emptied and refilled.
const MAX_VERIFIED: usize = 20_000;

impl VerifiedTokens {
    fn get(&self, digest: &TokenDigest) -> Option<Arc<AccessClaims>> {
        self.entries
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(digest)
            .cloned()
    }

    fn keep(&self, digest: TokenDigest, claims: Arc<AccessClaims>, now: i64) {
        let mut map = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_VERIFIED {
            map.retain(|_, c| c.exp > now);
            if map.len() >= MAX_VERIFIED {
                map.clear();
            }
        }
        map.insert(digest, claims);
    }
}

impl std::fmt::Debug for VerifiedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.entries.read().map_or(0, |m| m.len());
        f.debug_struct("VerifiedTokens")
            .field("kept", &kept)
            .finish()
    }
}

/// Token lifetimes for one client: its own, or the deployment's.
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    pub access: Duration,
    pub id: Duration,
    pub refresh: Duration,
    /// Authorization codes, at most [`CODE_TTL`].
    pub code: Duration,
}

impl Lifetimes {
    pub fn for_client(&self, client: &Client) -> Lifetimes {
        let pick = |own: Option<u32>, default: Duration| {
            own.map_or(default, |s| Duration::from_secs(u64::from(s)))
        };
        Lifetimes {
            access: pick(client.access_token_ttl_secs, self.access),
            id: pick(client.id_token_ttl_secs, self.id),
            refresh: pick(client.refresh_token_ttl_secs, self.refresh),
            code: self.code.min(CODE_TTL),
        }
    }
}

/// What issuing needs: the stores, the keys, who we are, and how long tokens live.
pub struct Issuer<'a> {
    pub stores: &'a Stores,
    pub keys: &'a dyn SigningKeys,
    pub issuer: &'a str,
    pub lifetimes: Lifetimes,
    /// Makes each client's `sub` (pairwise where registered so).
    pub subjects: &'a super::subject::Subjects,
}

/// The token endpoint's successful answer (RFC 6749 §5.1, OIDC Core §3.1.3.3).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: u64,
    /// RFC 6749 §3.3: one or more scope tokens; left out when none was granted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// What an authorization code stands for, kept in the ephemeral store for 60 seconds.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CodeGrant {
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub user_id: UserId,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: Timestamp,
    pub amr: Vec<String>,
    pub session_id: Option<SessionId>,
    pub claims: ClaimsRequest,
    /// RFC 9449 §10: the DPoP key the code may only be exchanged with (`dpop_jkt`).
    #[serde(default)]
    pub dpop_jkt: Option<Jkt>,
}

impl CodeGrant {
    pub fn for_request(
        req: &AuthorizeRequest,
        user: &UserId,
        auth_time: Timestamp,
        amr: Vec<String>,
        session: Option<SessionId>,
    ) -> Self {
        Self {
            client_id: req.client_id.clone(),
            redirect_uri: req.redirect_uri.clone(),
            user_id: user.clone(),
            scopes: req.scopes.clone(),
            nonce: req.nonce.clone(),
            code_challenge: req.code_challenge.clone(),
            auth_time,
            amr,
            session_id: session,
            claims: req.claims.clone(),
            dpop_jkt: req.dpop_jkt.clone(),
        }
    }
}

fn code_key(code: &str) -> String {
    format!("code:{}", TokenDigest::of(code).to_hex())
}

/// What a used code's entry holds until it expires, so a replay is recognised.
const USED: &[u8] = b"used";

/// The grant a code's tokens belong to, derived from the code, so that a replayed code
/// finds the grant to revoke without another lookup.
pub fn grant_for_code(code: &str) -> GrantId {
    let digest = TokenDigest::of(&format!("grant:{code}")).to_hex();
    GrantId::from_string(digest.get(..32).unwrap_or(&digest))
}

fn server_error(e: impl std::fmt::Display) -> OAuthError {
    OAuthError::new(OAuthErrorCode::ServerError, format!("internal error: {e}"))
}

impl From<StoreError> for OAuthError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => OAuthError::new(
                OAuthErrorCode::TemporarilyUnavailable,
                "the database is unavailable",
            ),
            other => server_error(other),
        }
    }
}

impl From<RevocationError> for OAuthError {
    fn from(e: RevocationError) -> Self {
        match e {
            RevocationError::Store(s) => s.into(),
            RevocationError::Ephemeral(s) => s.into(),
        }
    }
}

impl From<EphemeralError> for OAuthError {
    fn from(_: EphemeralError) -> Self {
        OAuthError::new(
            OAuthErrorCode::TemporarilyUnavailable,
            "the ephemeral store is unavailable",
        )
    }
}

/// Stores a code for `grant`; returns the code to hand to the browser.
pub async fn issue_code(
    stores: &Stores,
    grant: &CodeGrant,
    ttl: Duration,
) -> Result<String, EphemeralError> {
    let code = token(stores.random.as_ref());
    let value =
        serde_json::to_vec(grant).map_err(|e| EphemeralError::Unavailable(e.to_string()))?;
    stores
        .ephemeral
        .put(&code_key(&code), &value, ttl.min(CODE_TTL))
        .await?;
    Ok(code)
}

/// Revokes a grant of `client` and every token issued under it, and records why (`detail`)
/// in the same transaction; access tokens already out are refused from then on. The
/// revocation is recorded even where the grant has no row (a code-only grant).
async fn revoke_grant(
    stores: &Stores,
    client: &Client,
    grant: &GrantId,
    access_ttl: Duration,
    detail: Value,
) -> Result<(), OAuthError> {
    let member = grant_member(stores, grant).await?;
    let now = stores.clock.now();
    let revocation = Revocation {
        revoked: Revoked::Grant(grant.clone()),
        expires_at: now.plus(access_ttl),
    };
    let changes = [
        crate::ports::Change::RevokeGrant {
            grant: grant.clone(),
            now,
        },
        crate::ports::Change::RecordRevocation(revocation.clone()),
    ];
    let event = revocation_event(stores, client, member, detail);
    record_then_cache(stores, &changes, event, &revocation).await
}

/// Writes a revocation to the database with its audit event, then to the cache: a
/// revocation the cache lost is found again in the database.
async fn record_then_cache(
    stores: &Stores,
    changes: &[crate::ports::Change],
    event: crate::audit::NewAuditEvent,
    revocation: &Revocation,
) -> Result<(), OAuthError> {
    stores.audit.commit(changes, &[event]).await?;
    revocation::remember(stores.ephemeral.as_ref(), stores.clock.now(), revocation).await?;
    Ok(())
}

fn revocation_cache(stores: &Stores, horizon: Duration) -> RevocationCache<'_> {
    RevocationCache {
        ephemeral: stores.ephemeral.as_ref(),
        durable: stores.revocations.as_ref(),
        horizon,
    }
}

/// A revocation, by the client or by reuse detection, in the audit log of the client's
/// organization.
fn revocation_event(
    stores: &Stores,
    client: &Client,
    member: Option<UserId>,
    detail: Value,
) -> crate::audit::NewAuditEvent {
    use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
    NewAuditEvent {
        org_id: client.org_id.clone(),
        occurred_at: stores.clock.now(),
        actor_kind: ActorKind::Client,
        actor_id: Some(client.id.to_string()),
        target_user_id: member,
        activity: ActivityType::TokenRevocation,
        event: EventKind::Delete,
        info_type: InfoType::AuthenticationToken,
        ip: None,
        user_agent: None,
        device_id: None,
        detail,
    }
}

/// The member a grant was for, when it still exists.
async fn grant_member(stores: &Stores, grant: &GrantId) -> Result<Option<UserId>, OAuthError> {
    Ok(stores
        .grants
        .find_grant(grant)
        .await?
        .and_then(|g| g.user_id))
}

impl Issuer<'_> {
    fn sign(
        &self,
        alg: SigningAlg,
        typ: &str,
        claims: &Value,
    ) -> Result<(String, SigningAlg), OAuthError> {
        let (key, alg) = match self.keys.signer(alg) {
            Some(k) => (k, alg),
            // A client asking for an algorithm without a key still gets RS256, OIDC's default.
            None => (
                self.keys
                    .signer(SigningAlg::Rs256)
                    .ok_or_else(|| server_error("no signing key"))?,
                SigningAlg::Rs256,
            ),
        };
        key.sign_jwt(typ, claims)
            .map(|t| (t, alg))
            .map_err(server_error)
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "each is one claim of the access token"
    )]
    fn access_token(
        &self,
        client: &Client,
        member: Option<&UserId>,
        scopes: &[String],
        grant: Option<&GrantId>,
        auth: Option<(&Timestamp, &[String])>,
        session: Option<&SessionId>,
        userinfo_claims: &[String],
        now: Timestamp,
        ttl: Duration,
        bound_to: Option<&Jkt>,
    ) -> Result<String, OAuthError> {
        let subject = match member {
            Some(m) => self.subjects.subject_for(client, m),
            None => client.id.to_string(),
        };
        let mut claims = json!({
            "iss": self.issuer,
            "sub": subject,
            "aud": client.id,
            "client_id": client.id,
            "iat": now.as_secs(),
            "exp": now.plus(ttl).as_secs(),
            "jti": token(self.stores.random.as_ref()),
            "scope": scope::join(scopes),
        });
        if let Some(obj) = claims.as_object_mut() {
            if let Some(g) = grant {
                obj.insert("gid".into(), json!(g));
            }
            if let Some((auth_time, amr)) = auth {
                obj.insert("auth_time".into(), json!(auth_time.as_secs()));
                obj.insert("amr".into(), json!(amr));
            }
            if let Some(sid) = session {
                obj.insert("sid".into(), json!(sid));
            }
            if !userinfo_claims.is_empty() {
                obj.insert("uclaims".into(), json!(userinfo_claims));
            }
            // RFC 9449 §6.1: the key the token is bound to.
            if let Some(jkt) = bound_to {
                obj.insert("cnf".into(), json!({"jkt": jkt}));
            }
            // A pairwise `sub` cannot be turned back into the member: the member id
            // travels sealed, readable only by us (OIDC Core §8.1 keeps it from the client).
            if let Some(m) = member
                && client.subject_type == crate::client::SubjectType::Pairwise
            {
                obj.insert(
                    "mbr".into(),
                    json!(self.subjects.seal_member(self.stores.random.as_ref(), m)),
                );
            }
        }
        Ok(self.sign(client.id_token_alg, ACCESS_TOKEN_TYP, &claims)?.0)
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "each is one claim of the ID token"
    )]
    fn id_token(
        &self,
        client: &Client,
        user_claims: serde_json::Map<String, Value>,
        auth_time: Timestamp,
        amr: &[String],
        nonce: Option<&str>,
        session: Option<&SessionId>,
        access_token: &str,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<String, OAuthError> {
        let mut claims = user_claims;
        if let Some(member) = claims.get("sub").and_then(Value::as_str) {
            let subject = self
                .subjects
                .subject_for(client, &UserId::from_string(member));
            claims.insert("sub".into(), json!(subject));
        }
        let alg = if self.keys.signer(client.id_token_alg).is_some() {
            client.id_token_alg
        } else {
            SigningAlg::Rs256
        };
        // The level really reached, never the one asked for.
        let acr = super::acr::Acr::achieved(amr).as_str();
        for (k, v) in [
            ("iss", json!(self.issuer)),
            ("aud", json!(client.id)),
            ("azp", json!(client.id)),
            ("iat", json!(now.as_secs())),
            ("exp", json!(now.plus(ttl).as_secs())),
            ("auth_time", json!(auth_time.as_secs())),
            ("amr", json!(amr)),
            ("acr", json!(acr)),
            ("at_hash", json!(jose::at_hash(access_token, alg))),
        ] {
            claims.insert(k.into(), v);
        }
        if let Some(n) = nonce {
            claims.insert("nonce".into(), json!(n));
        }
        if let Some(sid) = session {
            claims.insert("sid".into(), json!(sid));
        }
        Ok(self.sign(alg, "JWT", &Value::Object(claims))?.0)
    }

    fn new_refresh_token(
        &self,
        grant: &GrantId,
        scopes: &[String],
        now: Timestamp,
        ttl: Duration,
    ) -> (String, RefreshToken) {
        let value = token(self.stores.random.as_ref());
        let record = RefreshToken {
            digest: TokenDigest::of(&value),
            grant_id: grant.clone(),
            scopes: scopes.to_vec(),
            created_at: now,
            expires_at: now.plus(ttl),
            used_at: None,
        };
        (value, record)
    }

    /// RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6): a code works once, for the client and
    /// redirect URI it was issued to; using it twice revokes what the first use issued.
    pub async fn exchange_code(
        &self,
        client: &Client,
        code: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
        proof: Option<&Jkt>,
    ) -> Result<TokenResponse, OAuthError> {
        // Before the code is touched: a client that must use DPoP keeps its code.
        let bound_to = dpop::token_binding(client, proof)?;
        let lifetimes = self.lifetimes.for_client(client);
        // One atomic step marks the code used and returns what it stood for.
        let swapped = self
            .stores
            .ephemeral
            .swap_existing(&code_key(code), USED, lifetimes.access.max(CODE_TTL))
            .await?;
        let grant_id = grant_for_code(code);
        let raw = match swapped {
            None => return Err(OAuthError::invalid_grant("the code is unknown or expired")),
            Some(v) if v == USED => {
                revoke_grant(
                    self.stores,
                    client,
                    &grant_id,
                    lifetimes.access,
                    json!({"reason": "authorization_code_replayed", "grant": grant_id}),
                )
                .await?;
                return Err(OAuthError::invalid_grant(
                    "the code was already used; the tokens issued for it are revoked",
                ));
            }
            Some(v) => v,
        };
        let grant: CodeGrant = serde_json::from_slice(&raw).map_err(server_error)?;
        if grant.client_id != client.id {
            return Err(OAuthError::invalid_grant(
                "the code was issued to another client",
            ));
        }
        if redirect_uri != Some(grant.redirect_uri.as_str()) {
            return Err(OAuthError::invalid_grant(
                "redirect_uri differs from the authorization request",
            ));
        }
        match (&grant.code_challenge, verifier) {
            (Some(challenge), Some(v)) if pkce::verify_s256(v, challenge) => {}
            (Some(_), _) => {
                return Err(OAuthError::invalid_grant(
                    "code_verifier does not match the code_challenge",
                ));
            }
            // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is refused.
            (None, Some(_)) => {
                return Err(OAuthError::invalid_grant(
                    "code_verifier sent for a code issued without PKCE",
                ));
            }
            (None, None) => {}
        }
        dpop::check_code_binding(grant.dpop_jkt.as_ref(), proof)?;
        self.issue_for_grant(client, &grant, &grant_id, bound_to)
            .await
    }

    /// RFC 8628 §3.4: the device polls; once the person approved, the tokens are issued
    /// exactly as for an authorization code, once.
    pub async fn exchange_device_code(
        &self,
        client: &Client,
        device_code: &str,
        proof: Option<&Jkt>,
    ) -> Result<TokenResponse, OAuthError> {
        let bound_to = dpop::token_binding(client, proof)?;
        if !client.allows_grant(GrantType::DeviceCode) {
            return Err(OAuthError::new(
                OAuthErrorCode::UnauthorizedClient,
                "this client may not use the device authorization grant",
            ));
        }
        let now = self.stores.clock.now();
        let (grant_id, grant) =
            super::device::poll(self.stores.ephemeral.as_ref(), now, &client.id, device_code)
                .await?;
        self.issue_for_grant(client, &grant, &grant_id, bound_to)
            .await
    }

    /// The tokens of an approved grant (a code exchanged, a device approved): an access
    /// token, an ID token, and a refresh token when the client may refresh.
    async fn issue_for_grant(
        &self,
        client: &Client,
        grant: &CodeGrant,
        grant_id: &GrantId,
        bound_to: Option<Jkt>,
    ) -> Result<TokenResponse, OAuthError> {
        let lifetimes = self.lifetimes.for_client(client);
        let user = self
            .stores
            .users
            .find_for_tokens(&grant.user_id)
            .await?
            .filter(|u| u.status != UserStatus::Disabled);
        let Some(user) = user else {
            return Err(OAuthError::invalid_grant(
                "the member can no longer sign in",
            ));
        };
        let now = self.stores.clock.now();
        let refresh = if client.allows_grant(GrantType::RefreshToken) {
            let (value, record) =
                self.new_refresh_token(grant_id, &grant.scopes, now, lifetimes.refresh);
            let family = Grant {
                id: grant_id.clone(),
                user_id: Some(user.id.clone()),
                client_id: client.id.clone(),
                scopes: grant.scopes.clone(),
                auth_time: Some(grant.auth_time),
                amr: grant.amr.clone(),
                session_id: grant.session_id.clone(),
                created_at: now,
                revoked_at: None,
                // RFC 9449 §5: a public client's refresh tokens are bound to its key; a
                // confidential client's are bound by its authentication instead.
                dpop_jkt: bound_to.clone().filter(|_| client.is_public()),
            };
            self.stores
                .grants
                .insert_grant_with_token(&family, &record)
                .await?;
            Some(value)
        } else {
            None
        };
        let access = self.access_token(
            client,
            Some(&user.id),
            &grant.scopes,
            Some(grant_id),
            Some((&grant.auth_time, &grant.amr)),
            grant.session_id.as_ref(),
            &grant.claims.userinfo,
            now,
            lifetimes.access,
            bound_to.as_ref(),
        )?;
        let id_token = self.id_token(
            client,
            member_claims(&user, &grant.scopes, &grant.claims.id_token),
            grant.auth_time,
            &grant.amr,
            grant.nonce.as_deref(),
            grant.session_id.as_ref(),
            &access,
            now,
            lifetimes.id,
        )?;
        Ok(TokenResponse {
            access_token: access,
            token_type: token_type(bound_to.as_ref()).into(),
            expires_in: lifetimes.access.as_secs(),
            scope: scope::join(&grant.scopes),
            id_token: Some(id_token),
            refresh_token: refresh,
        })
    }

    /// RFC 6749 §6 with rotation (RFC 9700 §4.14.2): each refresh token works once; a
    /// used one presented again revokes its whole grant. Scope may narrow, never widen.
    pub async fn refresh(
        &self,
        client: &Client,
        presented: &str,
        requested_scope: Option<&str>,
        proof: Option<&Jkt>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.allows_grant(GrantType::RefreshToken) {
            return Err(OAuthError::new(
                OAuthErrorCode::UnauthorizedClient,
                "this client may not use refresh tokens",
            ));
        }
        let bound_to = dpop::token_binding(client, proof)?;
        let lifetimes = self.lifetimes.for_client(client);
        let now = self.stores.clock.now();
        let asked = requested_scope.map(scope::parse).transpose()?;
        // A refused scope must not use the token up: the answer carries no new refresh
        // token, so the client would be left with a used one, and its next (proper)
        // refresh would look like a replay and revoke the grant. A used or revoked token
        // goes on to reuse detection below.
        if let Some(asked) = &asked
            && let Some((token, grant)) = self.find_refresh(presented).await?
            && grant.client_id == client.id
            && token.used_at.is_none()
            && grant.revoked_at.is_none()
            && let Some(extra) = asked.iter().find(|s| !token.scopes.contains(s))
        {
            return Err(OAuthError::invalid_scope(format!(
                "the scope {extra} was not granted"
            )));
        }
        let next_value = token(self.stores.random.as_ref());
        let next = crate::ports::Rotation {
            digest: TokenDigest::of(&next_value),
            expires_at: now.plus(lifetimes.refresh),
            proof_jkt: proof.cloned(),
        };
        let (old, grant, member) = match self
            .stores
            .grants
            .use_refresh_token(&TokenDigest::of(presented), &client.id, now, &next)
            .await?
        {
            RefreshUse::Fresh(token, grant, member) => (token, grant, member),
            RefreshUse::Reused { grant_id } => {
                // The store revoked the grant's row; its record keeps it revoked for as
                // long as this client's access tokens live.
                let member = grant_member(self.stores, &grant_id).await?;
                let revocation = Revocation {
                    revoked: Revoked::Grant(grant_id.clone()),
                    expires_at: now.plus(lifetimes.access),
                };
                let event = revocation_event(
                    self.stores,
                    client,
                    member,
                    json!({"reason": "refresh_token_reused", "grant": grant_id}),
                );
                record_then_cache(
                    self.stores,
                    &[crate::ports::Change::RecordRevocation(revocation.clone())],
                    event,
                    &revocation,
                )
                .await?;
                return Err(OAuthError::invalid_grant(
                    "the refresh token was already used; its grant is revoked",
                ));
            }
            RefreshUse::Invalid => {
                return Err(OAuthError::invalid_grant(
                    "the refresh token is unknown, expired or revoked",
                ));
            }
            RefreshUse::WrongKey => {
                return Err(OAuthError::invalid_grant(
                    "the refresh token is bound to a DPoP key: send a proof of that key",
                ));
            }
        };
        let scopes = match asked {
            None => old.scopes.clone(),
            Some(asked) => {
                if let Some(extra) = asked.iter().find(|s| !old.scopes.contains(s)) {
                    return Err(OAuthError::invalid_scope(format!(
                        "the scope {extra} was not granted"
                    )));
                }
                asked
            }
        };
        if grant.user_id.is_none() {
            return Err(OAuthError::invalid_grant("the grant has no member"));
        }
        // Nothing below reads the database: the token is used, so a database lost now
        // must not turn the answer into an error the client would retry into reuse.
        let Some(user) = member.filter(|u| u.status != UserStatus::Disabled) else {
            return Err(OAuthError::invalid_grant(
                "the member can no longer sign in",
            ));
        };
        // RFC 6749 §6: the new refresh token, stored with the use of the old one, carries
        // the scope of the one it replaces.
        let value = next_value;
        let auth_time = grant.auth_time.unwrap_or(grant.created_at);
        let access = self.access_token(
            client,
            Some(&user.id),
            &scopes,
            Some(&grant.id),
            Some((&auth_time, &grant.amr)),
            grant.session_id.as_ref(),
            &[],
            now,
            lifetimes.access,
            bound_to.as_ref(),
        )?;
        let id_token = if scopes.iter().any(|s| s == scope::OPENID) {
            Some(self.id_token(
                client,
                member_claims(&user, &scopes, &[]),
                auth_time,
                &grant.amr,
                None,
                grant.session_id.as_ref(),
                &access,
                now,
                lifetimes.id,
            )?)
        } else {
            None
        };
        Ok(TokenResponse {
            access_token: access,
            token_type: token_type(bound_to.as_ref()).into(),
            expires_in: lifetimes.access.as_secs(),
            scope: scope::join(&scopes),
            id_token,
            refresh_token: Some(value),
        })
    }

    /// RFC 6749 §4.4: a confidential client acting for itself.
    pub async fn client_credentials(
        &self,
        client: &Client,
        requested_scope: Option<&str>,
        proof: Option<&Jkt>,
    ) -> Result<TokenResponse, OAuthError> {
        let bound_to = dpop::token_binding(client, proof)?;
        if !client.allows_grant(GrantType::ClientCredentials) || client.is_public() {
            return Err(OAuthError::new(
                OAuthErrorCode::UnauthorizedClient,
                "this client may not use client_credentials",
            ));
        }
        let scopes = scope::parse(requested_scope.unwrap_or_default())?;
        if let Some(s) = scopes.iter().find(|s| !client.extra_scopes.contains(s)) {
            return Err(OAuthError::invalid_scope(format!(
                "the scope {s} is not available to this client"
            )));
        }
        let lifetimes = self.lifetimes.for_client(client);
        let now = self.stores.clock.now();
        let access = self.access_token(
            client,
            None,
            &scopes,
            None,
            None,
            None,
            &[],
            now,
            lifetimes.access,
            bound_to.as_ref(),
        )?;
        Ok(TokenResponse {
            access_token: access,
            token_type: token_type(bound_to.as_ref()).into(),
            expires_in: lifetimes.access.as_secs(),
            scope: scope::join(&scopes),
            id_token: None,
            refresh_token: None,
        })
    }

    /// Verifies an access token of ours: signature, type, issuer, lifetime, revocation.
    pub async fn verify_access_token(&self, token: &str) -> Result<AccessClaims, OAuthError> {
        self.verify_access_token_marking(token, None)
            .await
            .map(|(claims, _)| claims)
    }

    /// As [`TokenIssuer::verify_access_token`], storing `mark` if absent in the
    /// revocation check's round trip (a DPoP proof's `jti`, [`Dpop::jti_mark`]): the
    /// claims, and whether `mark` was stored (`None` without one).
    ///
    /// [`Dpop::jti_mark`]: crate::oidc::dpop::Dpop::jti_mark
    pub async fn verify_access_token_marking(
        &self,
        token: &str,
        mark: Option<&NewEntry<'_>>,
    ) -> Result<(AccessClaims, Option<bool>), OAuthError> {
        let invalid = |why: &str| OAuthError::new(OAuthErrorCode::InvalidToken, why);
        let now = self.stores.clock.now().as_secs();
        let digest = TokenDigest::of(token);
        let kept = self.keys.verified().and_then(|v| v.get(&digest));
        let parsed = match kept {
            // Checked before in full: only its lifetime can have changed since.
            Some(claims) if now >= claims.exp => {
                return Err(invalid("the access token has expired"));
            }
            Some(claims) => AccessClaims::clone(&claims),
            None => {
                let (header, claims) =
                    jose::verify_jwt(token, self.keys.verifiers(), SigningAlg::ALL)
                        .map_err(|_| invalid("the access token is not valid"))?;
                if header.get("typ").and_then(Value::as_str) != Some(ACCESS_TOKEN_TYP) {
                    return Err(invalid("not an access token"));
                }
                jose::check_time_claims(&claims, now, 0)
                    .map_err(|_| invalid("the access token has expired"))?;
                let parsed: AccessClaims = serde_json::from_value(claims)
                    .map_err(|_| invalid("the access token is malformed"))?;
                if parsed.iss != self.issuer {
                    return Err(invalid("the access token is from another issuer"));
                }
                if let Some(verified) = self.keys.verified() {
                    verified.keep(digest, Arc::new(parsed.clone()), now);
                }
                parsed
            }
        };
        let (revoked, marked) = revocation_cache(self.stores, self.lifetimes.access)
            .is_revoked_marking(
                self.stores.clock.now(),
                &parsed.jti,
                parsed.gid.as_ref(),
                mark,
            )
            .await?;
        if revoked {
            return Err(invalid("the access token was revoked"));
        }
        Ok((parsed, marked))
    }

    /// RFC 7009: revokes a token the client holds. Unknown tokens are not an error.
    pub async fn revoke(&self, client: &Client, token: &str) -> Result<(), OAuthError> {
        let lifetimes = self.lifetimes.for_client(client);
        // RFC 7009 §2.1: a token issued to another client is refused, and stays valid.
        let not_theirs = || {
            OAuthError::new(
                OAuthErrorCode::UnauthorizedClient,
                "the token was not issued to this client",
            )
        };
        if token.contains('.') {
            if let Ok(claims) = self.verify_access_token(token).await {
                if claims.client_id != client.id {
                    return Err(not_theirs());
                }
                let revocation = Revocation {
                    revoked: Revoked::AccessToken(claims.jti.clone()),
                    expires_at: Timestamp::from_secs(claims.exp),
                };
                let member = claims.member(self.subjects);
                let event = revocation_event(
                    self.stores,
                    client,
                    member,
                    json!({"token": "access_token", "jti": claims.jti}),
                );
                record_then_cache(
                    self.stores,
                    &[crate::ports::Change::RecordRevocation(revocation.clone())],
                    event,
                    &revocation,
                )
                .await?;
            }
            return Ok(());
        }
        if let Some((_, grant)) = self.find_refresh(token).await? {
            if grant.client_id != client.id {
                return Err(not_theirs());
            }
            revoke_grant(
                self.stores,
                client,
                &grant.id,
                lifetimes.access,
                json!({"token": "refresh_token", "grant": grant.id}),
            )
            .await?;
        }
        Ok(())
    }

    async fn find_refresh(&self, token: &str) -> Result<Option<(RefreshToken, Grant)>, OAuthError> {
        Ok(self
            .stores
            .grants
            .find_refresh_token(&TokenDigest::of(token))
            .await?)
    }

    /// RFC 7662: what a token is, for the client that holds it; anything else is inactive.
    pub async fn introspect(&self, client: &Client, token: &str) -> Result<Value, OAuthError> {
        let inactive = json!({"active": false});
        if token.contains('.') {
            return Ok(match self.verify_access_token(token).await {
                Ok(c) if c.client_id == client.id => {
                    let mut body = json!({
                        "active": true, "token_type": token_type(c.jkt()), "client_id": c.client_id, "sub": c.sub,
                        "scope": c.scope, "exp": c.exp, "iat": c.iat, "iss": c.iss, "aud": c.client_id, "jti": c.jti,
                    });
                    // RFC 9449 §6.2: the key a DPoP-bound token is bound to.
                    if let (Some(jkt), Some(obj)) = (c.jkt(), body.as_object_mut()) {
                        obj.insert("cnf".into(), json!({"jkt": jkt}));
                    }
                    body
                }
                _ => inactive,
            });
        }
        let now = self.stores.clock.now();
        Ok(match self.find_refresh(token).await? {
            Some((t, g))
                if g.client_id == client.id
                    && t.used_at.is_none()
                    && g.revoked_at.is_none()
                    && t.expires_at > now =>
            {
                let sub = g
                    .user_id
                    .as_ref()
                    .map(|u| self.subjects.subject_for(client, u));
                json!({
                    "active": true, "token_type": "refresh_token", "client_id": g.client_id, "sub": sub,
                    "scope": scope::join(&t.scopes), "exp": t.expires_at.as_secs(), "iat": t.created_at.as_secs(), "iss": self.issuer,
                })
            }
            _ => inactive,
        })
    }
}

/// The claims of an access token of ours.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub client_id: ClientId,
    pub scope: String,
    pub jti: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default)]
    pub gid: Option<GrantId>,
    #[serde(default)]
    pub sid: Option<SessionId>,
    #[serde(default)]
    pub uclaims: Vec<String>,
    /// RFC 9449 §6.1: the confirmation of a DPoP-bound token.
    #[serde(default)]
    pub cnf: Option<Confirmation>,
    /// The member id, sealed, in tokens of pairwise clients.
    #[serde(default)]
    pub mbr: Option<String>,
}

/// RFC 7800 `cnf` as RFC 9449 uses it: the thumbprint of the key a token is bound to.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Confirmation {
    pub jkt: Option<Jkt>,
}

/// RFC 9449 §5: `DPoP` for a token bound to a key, `Bearer` otherwise.
pub fn token_type(bound_to: Option<&Jkt>) -> &'static str {
    if bound_to.is_some() { "DPoP" } else { "Bearer" }
}

impl AccessClaims {
    /// The key the token is bound to, if it is DPoP-bound.
    pub fn jkt(&self) -> Option<&Jkt> {
        self.cnf.as_ref().and_then(|c| c.jkt.as_ref())
    }

    /// The member the token is for: the sealed id of a pairwise client's token, the
    /// `sub` of another; `None` for a client acting for itself or a seal not ours.
    pub fn member(&self, subjects: &super::subject::Subjects) -> Option<UserId> {
        match &self.mbr {
            Some(sealed) => subjects.open_member(sealed),
            None => {
                (self.sub != self.client_id.as_str()).then(|| UserId::from_string(self.sub.clone()))
            }
        }
    }

    pub fn scopes(&self) -> Vec<String> {
        self.scope
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}
