//! Passkeys (WebAuthn credentials): the relying party derived from the issuer,
//! registration on the security page, and authentication either as the second factor of
//! a known member or alone (a discoverable credential) where the member's organization
//! allows it.
//!
//! The ceremonies are webauthn-rs's; what is ours is where their state lives (the
//! ephemeral store, taken once, for [`CEREMONY_TTL`]), which passkeys a member may use,
//! and what is recorded. Invariants: a ceremony's state is taken atomically by its
//! finish, so an answer is checked at most once and a replayed one finds nothing; an
//! assertion is accepted only for a stored credential of the member the ceremony was for
//! (or, discoverable, of the member its user handle names); a signature counter that does
//! not move forward is refused and recorded; user verification is always required, so a
//! passkey is a multi-factor proof on its own.

use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
use crate::clock::Timestamp;
use crate::crypto::{MasterKey, TokenDigest};
use crate::ids::UserId;
use crate::ports::{Change, EphemeralError, PasswordError, StoreError, Stores};
use crate::random::Random;
use crate::records::{PasskeyRecord, User};
use crate::secret::Password;
use crate::signin::Origin;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::time::Duration;
use url::Url;
use webauthn_rs::prelude::{
    CredentialID, DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Uuid, WebauthnError,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};

/// How long a started ceremony waits for the browser's answer.
pub const CEREMONY_TTL: Duration = Duration::from_secs(5 * 60);
/// The longest name a member may give a passkey, in characters.
pub const NAME_MAX: usize = 64;
/// Passkeys one member may hold.
pub const MAX_PER_MEMBER: usize = 20;

/// Why the relying party cannot be made from the issuer.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RelyingPartyError {
    #[error(
        "passkeys need a host name, and {host} is an IP address (browsers refuse WebAuthn there): use a name such as localhost, or turn passkeys off"
    )]
    IpAddress { host: String },
    #[error("{0}")]
    Invalid(String),
}

/// The WebAuthn relying party: its id is the issuer's host, its only origin the issuer's
/// origin.
pub struct RelyingParty {
    webauthn: Webauthn,
    rp_id: String,
}

impl std::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelyingParty")
            .field("rp_id", &self.rp_id)
            .finish_non_exhaustive()
    }
}

impl RelyingParty {
    /// The relying party of the deployment whose issuer is `issuer`. An IP address is
    /// refused: browsers do not run WebAuthn on one.
    pub fn from_issuer(issuer: &str, name: &str) -> Result<Self, RelyingPartyError> {
        let url = Url::parse(issuer).map_err(|e| RelyingPartyError::Invalid(e.to_string()))?;
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_owned(),
            Some(url::Host::Ipv4(ip)) => {
                return Err(RelyingPartyError::IpAddress {
                    host: ip.to_string(),
                });
            }
            Some(url::Host::Ipv6(ip)) => {
                return Err(RelyingPartyError::IpAddress {
                    host: ip.to_string(),
                });
            }
            None => return Err(RelyingPartyError::Invalid("the issuer has no host".into())),
        };
        if host.parse::<IpAddr>().is_ok() {
            return Err(RelyingPartyError::IpAddress { host });
        }
        let mut origin = url.clone();
        origin.set_path("");
        origin.set_query(None);
        origin.set_fragment(None);
        let webauthn = WebauthnBuilder::new(&host, &origin)
            .map_err(|e| RelyingPartyError::Invalid(e.to_string()))?
            .rp_name(name)
            .timeout(CEREMONY_TTL)
            .build()
            .map_err(|e| RelyingPartyError::Invalid(e.to_string()))?;
        Ok(Self {
            webauthn,
            rp_id: host,
        })
    }

    /// The relying-party id (the issuer's host).
    pub fn id(&self) -> &str {
        &self.rp_id
    }
}

/// Why a passkey answer was refused, as the audit log records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The credential id is not one of ours (or not the member's).
    UnknownCredential,
    /// The credential is registered already (to this member or another).
    ExcludedCredential,
    /// The answer was made for another origin or relying party.
    CrossOrigin,
    /// The answer does not match the ceremony (another challenge, a replay).
    WrongChallenge,
    /// The signature does not verify, or the answer cannot be read.
    BadSignature,
    /// The authenticator did not verify the person (PIN, biometric).
    UserNotVerified,
    /// The signature counter did not move forward: the key may have been cloned.
    CounterRegression,
    /// The organization does not allow signing in with a passkey alone.
    NotAllowed,
    /// The authenticator's model (its AAGUID) is not on the organization's list.
    ModelNotAllowed,
}

#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    #[error("Passkeys are not available on this server.")]
    Disabled,
    #[error("The passkey request expired. Start again.")]
    Expired,
    #[error("Give the passkey a name of 1 to 64 characters.")]
    BadName,
    #[error("You have as many passkeys as allowed. Remove one first.")]
    TooMany,
    #[error("That passkey is not in your list.")]
    NotFound,
    /// The member's organization does not allow passkeys as a second factor.
    #[error("Your organization does not use passkeys. Use another method.")]
    NotOffered,
    #[error("The password is not right.")]
    WrongPassword,
    /// The browser gave no answer: the person cancelled, or the authenticator refused
    /// (one of its credentials is registered already, say).
    #[error(
        "The passkey was not used: the browser or the device stopped. Try again or use another method."
    )]
    NoAnswer,
    /// The form came without the script that runs the ceremony.
    #[error(
        "Passkeys need JavaScript and a browser that supports them. Turn JavaScript on or use another method."
    )]
    NeedsScript,
    /// The answer was refused: each reason has its sentence.
    #[error("{}", refusal_text(*.0))]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
    #[error(transparent)]
    Password(#[from] PasswordError),
}

fn refusal_text(r: Refusal) -> &'static str {
    match r {
        Refusal::UnknownCredential => "That passkey is not registered here.",
        Refusal::ExcludedCredential => "That passkey is registered already.",
        Refusal::CrossOrigin => "The passkey answered for another site.",
        Refusal::WrongChallenge => "The passkey's answer does not belong to this request.",
        Refusal::BadSignature => "The passkey's answer could not be verified.",
        Refusal::UserNotVerified => {
            "The passkey did not check that it is you (PIN, fingerprint or face)."
        }
        Refusal::CounterRegression => {
            "This passkey may have been copied: its counter went backwards. Use another method and tell an administrator."
        }
        Refusal::NotAllowed => "Your organization does not allow signing in with a passkey alone.",
        Refusal::ModelNotAllowed => {
            "Your organization does not accept passkeys from this kind of authenticator. Use another one."
        }
    }
}

impl PasskeyError {
    /// What the person reads, in their language.
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        match self {
            Self::Disabled => tr.t("passkey-error-disabled"),
            Self::Expired => tr.t("passkey-error-expired"),
            Self::BadName => tr.t("passkey-error-name"),
            Self::TooMany => tr.t("passkey-error-too-many"),
            Self::NotFound => tr.t("passkey-error-not-found"),
            Self::NotOffered => tr.t("passkey-error-not-offered"),
            Self::WrongPassword => tr.t("second-factor-wrong-password"),
            Self::NoAnswer => tr.t("passkey-cancelled"),
            Self::NeedsScript => tr.t("passkey-needs-script"),
            Self::Refused(r) => tr.t(match r {
                Refusal::UnknownCredential => "passkey-error-unknown",
                Refusal::ExcludedCredential => "passkey-error-excluded",
                Refusal::CrossOrigin => "passkey-error-cross-origin",
                Refusal::WrongChallenge => "passkey-error-challenge",
                Refusal::BadSignature => "passkey-error-signature",
                Refusal::UserNotVerified => "passkey-error-user-not-verified",
                Refusal::CounterRegression => "passkey-error-counter",
                Refusal::NotAllowed => "passkey-error-not-allowed",
                Refusal::ModelNotAllowed => "passkey-error-model",
            }),
            other => other.to_string(),
        }
    }
}

type PkResult<T> = Result<T, PasskeyError>;

/// The refusal a webauthn-rs error amounts to.
pub fn refusal_of(e: &WebauthnError) -> Refusal {
    match e {
        WebauthnError::InvalidRPOrigin
        | WebauthnError::InvalidRPIDHash
        | WebauthnError::CredentialCrossOrigin => Refusal::CrossOrigin,
        WebauthnError::MismatchedChallenge | WebauthnError::InvalidClientDataType => {
            Refusal::WrongChallenge
        }
        WebauthnError::UserNotVerified => Refusal::UserNotVerified,
        WebauthnError::CredentialPossibleCompromise => Refusal::CounterRegression,
        WebauthnError::CredentialExcludedFromRequest
        | WebauthnError::CredentialAlteredAlgFromRequest => Refusal::ExcludedCredential,
        _ => Refusal::BadSignature,
    }
}

/// The user handle a member's passkeys carry: their id when it is a UUID (ids are
/// UUIDv7), else a UUID made from its digest. Never an address: authenticators show it
/// to no one but may keep it.
pub fn user_handle(user: &UserId) -> Uuid {
    Uuid::parse_str(user.as_str()).unwrap_or_else(|_| {
        let digest = TokenDigest::of(user.as_str());
        let mut b = [0u8; 16];
        b.copy_from_slice(digest.as_bytes().get(..16).unwrap_or(&[0u8; 16]));
        uuid::Builder::from_custom_bytes(b).into_uuid()
    })
}

/// What a passkey proved, for the session's `amr` (RFC 8176).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasskeyProof {
    /// The key may be synchronised between devices (backup eligible): software-secured.
    pub synced: bool,
    pub user_verified: bool,
}

impl PasskeyProof {
    /// `swk` for a synchronised key, `hwk` for a device-bound one; `user` and `mfa` when
    /// the authenticator verified the person.
    pub fn amr(&self) -> Vec<String> {
        let mut amr = vec![if self.synced { "swk" } else { "hwk" }.to_owned()];
        if self.user_verified {
            amr.push("user".into());
            amr.push("mfa".into());
        }
        amr
    }
}

/// What an empty answer from the browser means: `failure` is the DOMException name the
/// script reported, empty when no script ran.
pub fn no_answer(failure: &str) -> PasskeyError {
    if failure.is_empty() {
        PasskeyError::NeedsScript
    } else {
        PasskeyError::NoAnswer
    }
}

/// A member's passkey as their security page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeySummary {
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

/// A member's passkeys, oldest first.
pub async fn list(stores: &Stores, user: &UserId) -> PkResult<Vec<PasskeySummary>> {
    Ok(stores
        .passkeys
        .list(user)
        .await?
        .into_iter()
        .map(|r| PasskeySummary {
            id: r.id,
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        })
        .collect())
}

/// Whether the member's organization allows passkeys (policy `allowed_second_factors`).
pub async fn offered(stores: &Stores, user: &User) -> Result<bool, StoreError> {
    Ok(crate::policy::policy_of_org(stores, &user.org_id)
        .await?
        .allows(crate::policy::FactorKind::Passkey))
}

/// How many passkeys a member holds.
pub async fn count(stores: &Stores, user: &UserId) -> Result<u64, StoreError> {
    Ok(stores.passkeys.list(user).await?.len() as u64)
}

/// A passkey name as typed, trimmed; `None` when empty, too long or with control
/// characters.
pub fn clean_name(typed: &str) -> Option<String> {
    let name = typed.trim();
    let ok =
        !name.is_empty() && name.chars().count() <= NAME_MAX && !name.chars().any(char::is_control);
    ok.then(|| name.to_owned())
}

fn key_for(kind: &str, owner: &str) -> String {
    format!("passkey-{kind}:{}", TokenDigest::of(owner).to_hex())
}

#[derive(Serialize, Deserialize)]
struct PendingRegistration {
    user: String,
    state: PasskeyRegistration,
}

#[derive(Serialize, Deserialize)]
struct PendingAuthentication {
    user: String,
    state: PasskeyAuthentication,
}

fn to_json<T: Serialize>(v: &T) -> PkResult<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| StoreError::Backend(format!("passkey state: {e}")).into())
}

fn stored_passkey(record: &PasskeyRecord) -> PkResult<Passkey> {
    serde_json::from_str(&record.passkey).map_err(|e| {
        StoreError::Backend(format!("stored passkey {} is unreadable: {e}", record.id)).into()
    })
}

fn decode_credential_id(id: &CredentialID) -> String {
    URL_SAFE_NO_PAD.encode(id.as_ref())
}

fn member_event(
    user: &User,
    activity: ActivityType,
    kind: EventKind,
    origin: &Origin,
    now: Timestamp,
    detail: serde_json::Value,
) -> NewAuditEvent {
    NewAuditEvent {
        org_id: user.org_id.clone(),
        occurred_at: now,
        actor_kind: ActorKind::Member,
        actor_id: Some(user.id.to_string()),
        target_user_id: Some(user.id.clone()),
        activity,
        event: kind,
        info_type: if activity == ActivityType::SignIn {
            InfoType::AuthenticationToken
        } else {
            InfoType::SecuritySettings
        },
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        device_id: None,
        detail,
    }
}

/// Records a refused answer (for `user` when known) and returns the refusal.
async fn refuse(
    stores: &Stores,
    user: Option<&User>,
    ceremony: &str,
    refusal: Refusal,
    credential_id: Option<&str>,
    origin: &Origin,
) -> PasskeyError {
    let now = stores.clock.now();
    let detail = serde_json::json!({
        "method": "passkey", "ceremony": ceremony, "result": "failure",
        "reason": refusal, "credential_id": credential_id,
    });
    let event = match user {
        Some(u) => {
            let activity = if ceremony == "registration" {
                ActivityType::SecuritySettingsChange
            } else {
                ActivityType::SignIn
            };
            let kind = if ceremony == "registration" {
                EventKind::Create
            } else {
                EventKind::SignIn
            };
            Some(member_event(u, activity, kind, origin, now, detail))
        }
        // An unknown credential names no member and so no organization's log; it is
        // logged for operators instead.
        None => None,
    };
    match event {
        Some(e) => {
            if let Err(err) = stores.audit.append(&e).await {
                return err.into();
            }
        }
        None => tracing::info!(?refusal, ceremony, "passkey answer refused"),
    }
    PasskeyError::Refused(refusal)
}

/// Starts adding a passkey for `user`, on behalf of `owner` (their session): the options
/// the browser's `navigator.credentials.create` takes, as JSON (replacing a ceremony the
/// owner started before). The member's passkeys are excluded, user verification is
/// required, and the credential is asked to be discoverable so it can sign in alone where
/// that is allowed.
pub async fn begin_registration(
    stores: &Stores,
    rp: &RelyingParty,
    user: &User,
    owner: &str,
) -> PkResult<serde_json::Value> {
    if !offered(stores, user).await? {
        return Err(PasskeyError::NotOffered);
    }
    let existing = stores.passkeys.list(&user.id).await?;
    if existing.len() >= MAX_PER_MEMBER {
        return Err(PasskeyError::TooMany);
    }
    let mut exclude = Vec::with_capacity(existing.len());
    for record in &existing {
        exclude.push(stored_passkey(record)?.cred_id().clone());
    }
    let display = user.name.clone().unwrap_or_else(|| user.email.to_string());
    let (options, state) =
        registration_options(rp, &user.id, user.email.as_str(), &display, exclude)?;
    let pending = PendingRegistration {
        user: user.id.to_string(),
        state,
    };
    stores
        .ephemeral
        .put(&key_for("reg", owner), &to_json(&pending)?, CEREMONY_TTL)
        .await?;
    Ok(options)
}

/// The options of a registration ceremony and its state: the member's own passkeys
/// excluded, user verification required, and a discoverable credential asked for, so it
/// can sign in alone where that is allowed (webauthn-rs leaves residency to the
/// authenticator).
fn registration_options(
    rp: &RelyingParty,
    user: &UserId,
    email: &str,
    display: &str,
    exclude: Vec<CredentialID>,
) -> PkResult<(serde_json::Value, PasskeyRegistration)> {
    let (options, state) = rp
        .webauthn
        .start_passkey_registration(user_handle(user), email, display, Some(exclude))
        .map_err(|e| StoreError::Backend(format!("passkey registration: {e}")))?;
    let mut options = serde_json::to_value(&options)
        .map_err(|e| StoreError::Backend(format!("passkey options: {e}")))?;
    if let Some(sel) = options
        .get_mut("publicKey")
        .and_then(|pk| pk.get_mut("authenticatorSelection"))
        .and_then(serde_json::Value::as_object_mut)
    {
        sel.insert("residentKey".into(), "required".into());
        sel.insert("requireResidentKey".into(), true.into());
    }
    Ok((options, state))
}

/// Finishes adding a passkey named `name` with the browser's answer (JSON of the
/// `PublicKeyCredential`, binary fields in base64url). A bad name changes nothing; past
/// it, the ceremony is used up whatever the outcome. Answers the passkey and what its
/// creation proved (user verification is required), for a sign-in that sets it up as
/// its second factor.
pub async fn finish_registration(
    stores: &Stores,
    rp: &RelyingParty,
    user: &User,
    owner: &str,
    name: &str,
    answer: &str,
    origin: &Origin,
) -> PkResult<(PasskeySummary, PasskeyProof)> {
    let name = clean_name(name).ok_or(PasskeyError::BadName)?;
    if !offered(stores, user).await? {
        return Err(PasskeyError::NotOffered);
    }
    if stores.passkeys.list(&user.id).await?.len() >= MAX_PER_MEMBER {
        return Err(PasskeyError::TooMany);
    }
    let Some(raw) = stores.ephemeral.take(&key_for("reg", owner)).await? else {
        return Err(PasskeyError::Expired);
    };
    let pending: PendingRegistration =
        serde_json::from_slice(&raw).map_err(|_| PasskeyError::Expired)?;
    if pending.user != user.id.as_str() {
        return Err(PasskeyError::Expired);
    }
    let Ok(answer) = serde_json::from_str::<RegisterPublicKeyCredential>(answer) else {
        return Err(refuse(
            stores,
            Some(user),
            "registration",
            Refusal::BadSignature,
            None,
            origin,
        )
        .await);
    };
    let passkey = match rp
        .webauthn
        .finish_passkey_registration(&answer, &pending.state)
    {
        Ok(p) => p,
        Err(e) => {
            let r = refusal_of(&e);
            return Err(refuse(stores, Some(user), "registration", r, None, origin).await);
        }
    };
    let credential_id = decode_credential_id(passkey.cred_id());
    // Without attestation (not asked for) the model is the authenticator's own claim.
    let aaguid = aaguid_of(&answer.response.attestation_object).unwrap_or(Uuid::nil());
    let policy = crate::policy::policy_of_org(stores, &user.org_id).await?;
    if !policy.admits_aaguid(aaguid) {
        return Err(refuse(
            stores,
            Some(user),
            "registration",
            Refusal::ModelNotAllowed,
            Some(&credential_id),
            origin,
        )
        .await);
    }
    let proof = PasskeyProof {
        synced: backup_eligible(&passkey),
        user_verified: true,
    };
    if stores
        .passkeys
        .find_by_credential(&credential_id)
        .await?
        .is_some()
    {
        return Err(refuse(
            stores,
            Some(user),
            "registration",
            Refusal::ExcludedCredential,
            Some(&credential_id),
            origin,
        )
        .await);
    }
    let now = stores.clock.now();
    let record = PasskeyRecord {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user.id.clone(),
        credential_id: credential_id.clone(),
        name,
        passkey: serde_json::to_string(&passkey)
            .map_err(|e| StoreError::Backend(format!("passkey: {e}")))?,
        created_at: now,
        last_used_at: None,
    };
    let added = member_event(
        user,
        ActivityType::SecuritySettingsChange,
        EventKind::Create,
        origin,
        now,
        serde_json::json!({"method": "passkey", "passkey": {"id": record.id, "name": record.name,
                           "credential_id": credential_id, "aaguid": aaguid.to_string()}}),
    );
    match stores
        .audit
        .commit(&[Change::InsertPasskey(record.clone())], &[added])
        .await
    {
        Ok(_) => {}
        // Registered by a concurrent ceremony between the check and the insert.
        Err(StoreError::Conflict { .. }) => {
            return Err(refuse(
                stores,
                Some(user),
                "registration",
                Refusal::ExcludedCredential,
                Some(&credential_id),
                origin,
            )
            .await);
        }
        Err(e) => return Err(e.into()),
    }
    let summary = PasskeySummary {
        id: record.id,
        name: record.name,
        created_at: record.created_at,
        last_used_at: None,
    };
    Ok((summary, proof))
}

/// Whether a new passkey may be synchronised between devices, read from its stored form
/// (webauthn-rs exposes the flag only on an authentication's result).
fn backup_eligible(passkey: &Passkey) -> bool {
    serde_json::to_value(passkey)
        .ok()
        .and_then(|v| v.get("cred")?.get("backup_eligible")?.as_bool())
        .unwrap_or(false)
}

/// The authenticator model (AAGUID) an attestation object names in its attested
/// credential data, if it has any: the bytes after the relying party's hash (32), the
/// flags (1) and the counter (4).
pub fn aaguid_of(attestation_object: &[u8]) -> Option<Uuid> {
    // The map's "authData" key, a text of 8 bytes, then a byte string.
    const KEY: &[u8] = b"\x68authData";
    let at = attestation_object
        .windows(KEY.len())
        .position(|w| w == KEY)?
        .checked_add(KEY.len())?;
    let rest = attestation_object.get(at..)?;
    let (len, skip): (usize, usize) = match *rest.first()? {
        h @ 0x40..=0x57 => (usize::from(h - 0x40), 1),
        0x58 => (usize::from(*rest.get(1)?), 2),
        0x59 => (
            usize::from(u16::from_be_bytes([*rest.get(1)?, *rest.get(2)?])),
            3,
        ),
        _ => return None,
    };
    let auth_data = rest.get(skip..skip.checked_add(len)?)?;
    const ATTESTED: u8 = 0x40;
    if auth_data.get(32)? & ATTESTED == 0 {
        return None;
    }
    Uuid::from_slice(auth_data.get(37..53)?).ok()
}

/// Removes one of the member's passkeys after a fresh proof (their password), with its
/// audit event.
pub async fn remove(
    stores: &Stores,
    user: &User,
    id: &str,
    password: Password,
    origin: &Origin,
) -> PkResult<()> {
    let creds = stores.credentials.find_by_user(&user.id).await?;
    let phc = creds.and_then(|c| c.password_hash);
    let right = match phc {
        Some(phc) => stores.passwords.verify(password, phc).await?,
        None => {
            stores.passwords.burn(password).await?;
            false
        }
    };
    if !right {
        return Err(PasskeyError::WrongPassword);
    }
    let Some(record) = stores
        .passkeys
        .list(&user.id)
        .await?
        .into_iter()
        .find(|r| r.id == id)
    else {
        return Err(PasskeyError::NotFound);
    };
    let now = stores.clock.now();
    let removed = member_event(
        user,
        ActivityType::SecuritySettingsChange,
        EventKind::Delete,
        origin,
        now,
        serde_json::json!({"method": "passkey", "passkey": {"id": record.id, "name": record.name,
                           "credential_id": record.credential_id}}),
    );
    stores
        .audit
        .commit(
            &[Change::DeletePasskey {
                user: user.id.clone(),
                id: record.id.clone(),
            }],
            &[removed],
        )
        .await?;
    Ok(())
}

/// Starts a passkey check as the second factor of `user` (known from their password):
/// the options for `navigator.credentials.get`, naming their passkeys. `None` when they
/// have none.
pub async fn begin_authentication(
    stores: &Stores,
    rp: &RelyingParty,
    user: &User,
    owner: &str,
) -> PkResult<Option<serde_json::Value>> {
    let records = stores.passkeys.list(&user.id).await?;
    if records.is_empty() || !offered(stores, user).await? {
        return Ok(None);
    }
    let mut keys = Vec::with_capacity(records.len());
    for record in &records {
        keys.push(stored_passkey(record)?);
    }
    let (options, state) = rp
        .webauthn
        .start_passkey_authentication(&keys)
        .map_err(|e| StoreError::Backend(format!("passkey authentication: {e}")))?;
    let pending = PendingAuthentication {
        user: user.id.to_string(),
        state,
    };
    stores
        .ephemeral
        .put(&key_for("auth", owner), &to_json(&pending)?, CEREMONY_TTL)
        .await?;
    Ok(Some(serde_json::to_value(&options).map_err(|e| {
        StoreError::Backend(format!("passkey options: {e}"))
    })?))
}

/// Finishes a passkey check as `user`'s second factor. Refusals are recorded; the
/// ceremony is used up whatever the outcome.
pub async fn finish_authentication(
    stores: &Stores,
    rp: &RelyingParty,
    user: &User,
    owner: &str,
    answer: &str,
    origin: &Origin,
) -> PkResult<PasskeyProof> {
    let Some(raw) = stores.ephemeral.take(&key_for("auth", owner)).await? else {
        return Err(PasskeyError::Expired);
    };
    let pending: PendingAuthentication =
        serde_json::from_slice(&raw).map_err(|_| PasskeyError::Expired)?;
    if pending.user != user.id.as_str() {
        return Err(PasskeyError::Expired);
    }
    let Ok(answer) = serde_json::from_str::<PublicKeyCredential>(answer) else {
        return Err(refuse(
            stores,
            Some(user),
            "authentication",
            Refusal::BadSignature,
            None,
            origin,
        )
        .await);
    };
    let credential_id = URL_SAFE_NO_PAD.encode(answer.get_credential_id());
    let record = match stores.passkeys.find_by_credential(&credential_id).await? {
        Some(r) if r.user_id == user.id => r,
        _ => {
            return Err(refuse(
                stores,
                Some(user),
                "authentication",
                Refusal::UnknownCredential,
                Some(&credential_id),
                origin,
            )
            .await);
        }
    };
    let result = rp
        .webauthn
        .finish_passkey_authentication(&answer, &pending.state);
    let flags = answer_flags(&answer);
    settle(stores, user, record, result, flags, "second_factor", origin).await
}

/// What seals a sign-in page's ceremony (see [`begin_discoverable`]).
const DISCOVERABLE_PURPOSE: &str = "idp/passkey-sign-in";

#[derive(Serialize, Deserialize)]
struct SealedDiscoverable {
    state: DiscoverableAuthentication,
    /// Microseconds: the ceremony is refused from then on.
    expires_at: i64,
}

/// Starts a sign-in with a passkey alone (a discoverable credential; the browser's
/// autofill or the "Sign in with a passkey" button): options naming no credential, and
/// the ceremony's state sealed under the master key for the form to carry back. Nothing
/// is stored, so showing the sign-in page costs no state however often it is loaded;
/// [`finish_discoverable`] makes the ceremony single-use.
pub fn begin_discoverable(
    rp: &RelyingParty,
    key: &MasterKey,
    rng: &dyn Random,
    now: Timestamp,
) -> PkResult<(serde_json::Value, String)> {
    let (options, state) = rp
        .webauthn
        .start_discoverable_authentication()
        .map_err(|e| StoreError::Backend(format!("passkey authentication: {e}")))?;
    let sealed = SealedDiscoverable {
        state,
        expires_at: now.plus(CEREMONY_TTL).as_micros(),
    };
    let token = URL_SAFE_NO_PAD.encode(key.seal(rng, DISCOVERABLE_PURPOSE, &to_json(&sealed)?));
    let options = serde_json::to_value(&options)
        .map_err(|e| StoreError::Backend(format!("passkey options: {e}")))?;
    Ok((options, token))
}

/// A sealed sign-in ceremony, if it is ours and unexpired at `now`.
fn open_ceremony(key: &MasterKey, ceremony: &str, now: Timestamp) -> PkResult<SealedDiscoverable> {
    let pending: SealedDiscoverable = URL_SAFE_NO_PAD
        .decode(ceremony)
        .ok()
        .and_then(|sealed| key.open(DISCOVERABLE_PURPOSE, &sealed).ok())
        .and_then(|json| serde_json::from_slice(&json).ok())
        .ok_or(PasskeyError::Expired)?;
    if now.as_micros() >= pending.expires_at {
        return Err(PasskeyError::Expired);
    }
    Ok(pending)
}

/// Finishes a sign-in with a passkey alone, from the sealed ceremony the form carried
/// back: the member it proves and what it proved. Refused unless the ceremony is ours,
/// unexpired and not used before (its digest is put once in the ephemeral store), the
/// credential is stored, its user handle is its holder's, the member's organization
/// allows signing in with a passkey alone, and the answer verifies with user
/// verification. The member's status and the rest of the sign-in rules are the
/// journey's (the same as after a password).
pub async fn finish_discoverable(
    stores: &Stores,
    rp: &RelyingParty,
    key: &MasterKey,
    ceremony: &str,
    answer: &str,
    origin: &Origin,
) -> PkResult<(User, PasskeyProof)> {
    let pending = open_ceremony(key, ceremony, stores.clock.now())?;
    let used = format!("passkey-disc-used:{}", TokenDigest::of(ceremony).to_hex());
    if !stores.ephemeral.put_new(&used, b"1", CEREMONY_TTL).await? {
        return Err(PasskeyError::Expired);
    }
    let Ok(answer) = serde_json::from_str::<PublicKeyCredential>(answer) else {
        return Err(refuse(stores, None, "sign_in", Refusal::BadSignature, None, origin).await);
    };
    let credential_id = URL_SAFE_NO_PAD.encode(answer.get_credential_id());
    let found = stores.passkeys.find_by_credential(&credential_id).await?;
    let record = match found {
        Some(r) => r,
        None => {
            return Err(refuse(
                stores,
                None,
                "sign_in",
                Refusal::UnknownCredential,
                Some(&credential_id),
                origin,
            )
            .await);
        }
    };
    let Some(user) = stores.users.find_by_id(&record.user_id).await? else {
        return Err(refuse(
            stores,
            None,
            "sign_in",
            Refusal::UnknownCredential,
            Some(&credential_id),
            origin,
        )
        .await);
    };
    let handle_matches = answer
        .get_user_unique_id()
        .and_then(|b| Uuid::from_slice(b).ok())
        .is_some_and(|h| h == user_handle(&user.id));
    if !handle_matches {
        return Err(refuse(
            stores,
            Some(&user),
            "sign_in",
            Refusal::UnknownCredential,
            Some(&credential_id),
            origin,
        )
        .await);
    }
    let policy = crate::policy::policy_of_org(stores, &user.org_id).await?;
    if !policy.passkey_sign_in || !policy.allows(crate::policy::FactorKind::Passkey) {
        return Err(refuse(
            stores,
            Some(&user),
            "sign_in",
            Refusal::NotAllowed,
            Some(&credential_id),
            origin,
        )
        .await);
    }
    let key: DiscoverableKey = (&stored_passkey(&record)?).into();
    let result = rp
        .webauthn
        .finish_discoverable_authentication(&answer, pending.state, &[key]);
    let flags = answer_flags(&answer);
    let proof = settle(stores, &user, record, result, flags, "sign_in", origin).await?;
    Ok((user, proof))
}

/// The flags byte of an assertion's authenticator data (after the relying party's hash).
fn answer_flags(answer: &PublicKeyCredential) -> u8 {
    answer
        .response
        .authenticator_data
        .get(32)
        .copied()
        .unwrap_or_default()
}

/// Records the outcome of a verified-or-not assertion of `record`: a refusal with its
/// reason, or the use (the counter moved forward, the time). A counter that went
/// backwards is recorded, and refused unless the organization's
/// `passkey_counter_regression` is `allow` (then the counter stays as stored).
async fn settle(
    stores: &Stores,
    user: &User,
    record: PasskeyRecord,
    result: Result<webauthn_rs::prelude::AuthenticationResult, WebauthnError>,
    flags: u8,
    ceremony: &str,
    origin: &Origin,
) -> PkResult<PasskeyProof> {
    if matches!(result, Err(WebauthnError::CredentialPossibleCompromise)) {
        let policy = crate::policy::policy_of_org(stores, &user.org_id).await?;
        if counter_regression_allowed(policy.passkey_counter_regression) {
            return settle_regressed(stores, user, &record, flags, ceremony, origin).await;
        }
    }
    let result = match result {
        Ok(r) if r.user_verified() => r,
        Ok(_) => {
            return Err(refuse(
                stores,
                Some(user),
                ceremony,
                Refusal::UserNotVerified,
                Some(&record.credential_id),
                origin,
            )
            .await);
        }
        Err(e) => {
            let refusal = refusal_of(&e);
            return Err(refuse(
                stores,
                Some(user),
                ceremony,
                refusal,
                Some(&record.credential_id),
                origin,
            )
            .await);
        }
    };
    let mut passkey = stored_passkey(&record)?;
    passkey.update_credential(&result);
    let now = stores.clock.now();
    let to = serde_json::to_string(&passkey)
        .map_err(|e| StoreError::Backend(format!("passkey: {e}")))?;
    // Two answers signed with one counter value: only the first one's write goes through.
    if !stores
        .passkeys
        .record_use(&record.id, &record.passkey, &to, now)
        .await?
    {
        return Err(refuse(
            stores,
            Some(user),
            ceremony,
            Refusal::CounterRegression,
            Some(&record.credential_id),
            origin,
        )
        .await);
    }
    let used = member_event(
        user,
        ActivityType::SignIn,
        EventKind::SignIn,
        origin,
        now,
        serde_json::json!({"method": "passkey", "ceremony": ceremony, "result": "passkey_used",
                           "passkey": {"id": record.id, "name": record.name},
                           "counter": result.counter(),
                           "user_verified": result.user_verified(),
                           "synced": result.backup_eligible()}),
    );
    stores.audit.append(&used).await?;
    Ok(PasskeyProof {
        synced: result.backup_eligible(),
        user_verified: result.user_verified(),
    })
}

/// Whether a sign-in goes on past a counter that went backwards. webauthn-rs reports the
/// regression only once everything else (challenge, origin, signature, user
/// verification) has verified.
pub fn counter_regression_allowed(rule: crate::policy::CounterRegression) -> bool {
    rule == crate::policy::CounterRegression::Allow
}

/// A verified assertion whose counter went backwards, where the organization lets it
/// sign in: recorded as a regression and as the use; the stored counter stays.
async fn settle_regressed(
    stores: &Stores,
    user: &User,
    record: &PasskeyRecord,
    flags: u8,
    ceremony: &str,
    origin: &Origin,
) -> PkResult<PasskeyProof> {
    const UV: u8 = 0x04;
    const BE: u8 = 0x08;
    let user_verified = flags & UV != 0;
    let synced = flags & BE != 0;
    let now = stores.clock.now();
    // Only the time of use changes; a concurrent use that wrote first wins.
    if !stores
        .passkeys
        .record_use(&record.id, &record.passkey, &record.passkey, now)
        .await?
    {
        return Err(refuse(
            stores,
            Some(user),
            ceremony,
            Refusal::CounterRegression,
            Some(&record.credential_id),
            origin,
        )
        .await);
    }
    let regressed = member_event(
        user,
        ActivityType::SignIn,
        EventKind::SignIn,
        origin,
        now,
        serde_json::json!({"method": "passkey", "ceremony": ceremony, "result": "warning",
                           "reason": Refusal::CounterRegression, "allowed_by_policy": true,
                           "credential_id": record.credential_id}),
    );
    let used = member_event(
        user,
        ActivityType::SignIn,
        EventKind::SignIn,
        origin,
        now,
        serde_json::json!({"method": "passkey", "ceremony": ceremony, "result": "passkey_used",
                           "passkey": {"id": record.id, "name": record.name},
                           "counter_regression": true,
                           "user_verified": user_verified, "synced": synced}),
    );
    stores.audit.append(&regressed).await?;
    stores.audit.append(&used).await?;
    Ok(PasskeyProof {
        synced,
        user_verified,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
    use sha2::{Digest, Sha256};

    const ISSUER: &str = "http://localhost:8080";

    fn b64(b: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(b)
    }

    /// A CBOR head: major type and length.
    fn head(major: u8, n: usize) -> Vec<u8> {
        let m = major << 5;
        match n {
            0..=23 => vec![m | n as u8],
            24..=255 => vec![m | 24, n as u8],
            _ => {
                let mut v = vec![m | 25];
                v.extend_from_slice(&(n as u16).to_be_bytes());
                v
            }
        }
    }

    fn text(s: &str) -> Vec<u8> {
        let mut v = head(3, s.len());
        v.extend_from_slice(s.as_bytes());
        v
    }

    fn bytes(b: &[u8]) -> Vec<u8> {
        let mut v = head(2, b.len());
        v.extend_from_slice(b);
        v
    }

    const UP: u8 = 0x01;
    const UV: u8 = 0x04;
    const AT: u8 = 0x40;

    /// A software authenticator: one P-256 key, its credential id and its counter.
    struct SoftKey {
        pair: EcdsaKeyPair,
        id: Vec<u8>,
        counter: u32,
        rp_id: String,
    }

    impl SoftKey {
        fn new(rp_id: &str) -> Self {
            let rng = SystemRandom::new();
            let pkcs8 =
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
            let pair =
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
                    .unwrap();
            let mut id = vec![0u8; 32];
            ring::rand::SecureRandom::fill(&rng, &mut id).unwrap();
            Self {
                pair,
                id,
                counter: 0,
                rp_id: rp_id.to_owned(),
            }
        }

        fn cose_key(&self) -> Vec<u8> {
            let pk = self.pair.public_key().as_ref();
            let mut v = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
            v.extend(bytes(&pk[1..33]));
            v.push(0x22);
            v.extend(bytes(&pk[33..65]));
            v
        }

        fn auth_data(&self, flags: u8, attested: bool) -> Vec<u8> {
            let mut d = Sha256::digest(self.rp_id.as_bytes()).to_vec();
            d.push(flags | if attested { AT } else { 0 });
            d.extend_from_slice(&self.counter.to_be_bytes());
            if attested {
                d.extend_from_slice(&[0u8; 16]);
                d.extend_from_slice(&(self.id.len() as u16).to_be_bytes());
                d.extend_from_slice(&self.id);
                d.extend(self.cose_key());
            }
            d
        }

        /// The browser's answer to `navigator.credentials.create`, as JSON.
        fn register(&mut self, options: &serde_json::Value, origin: &str, flags: u8) -> String {
            let challenge = options["publicKey"]["challenge"].as_str().unwrap();
            let client = serde_json::json!({"type": "webauthn.create", "challenge": challenge,
                                            "origin": origin, "crossOrigin": false})
            .to_string();
            let mut att = vec![0xa3];
            att.extend(text("fmt"));
            att.extend(text("none"));
            att.extend(text("attStmt"));
            att.push(0xa0);
            att.extend(text("authData"));
            att.extend(bytes(&self.auth_data(flags, true)));
            serde_json::json!({
                "id": b64(&self.id), "rawId": b64(&self.id), "type": "public-key",
                "response": {"attestationObject": b64(&att), "clientDataJSON": b64(client.as_bytes())},
                "clientExtensionResults": {},
            })
            .to_string()
        }

        /// The browser's answer to `navigator.credentials.get`, as JSON; the counter moves
        /// on first.
        fn assert(
            &mut self,
            options: &serde_json::Value,
            origin: &str,
            flags: u8,
            user: Option<Uuid>,
        ) -> String {
            self.counter += 1;
            let challenge = options["publicKey"]["challenge"].as_str().unwrap();
            let client = serde_json::json!({"type": "webauthn.get", "challenge": challenge,
                                            "origin": origin, "crossOrigin": false})
            .to_string();
            let data = self.auth_data(flags, false);
            let mut signed = data.clone();
            signed.extend_from_slice(&Sha256::digest(client.as_bytes()));
            let sig = self.pair.sign(&SystemRandom::new(), &signed).unwrap();
            serde_json::json!({
                "id": b64(&self.id), "rawId": b64(&self.id), "type": "public-key",
                "response": {"authenticatorData": b64(&data), "clientDataJSON": b64(client.as_bytes()),
                             "signature": b64(sig.as_ref()),
                             "userHandle": user.map(|u| b64(u.as_bytes()))},
                "clientExtensionResults": {},
            })
            .to_string()
        }
    }

    fn rp() -> RelyingParty {
        RelyingParty::from_issuer(ISSUER, "idp").unwrap()
    }

    /// A passkey registered through the relying party's own ceremony.
    fn registered(rp: &RelyingParty, key: &mut SoftKey) -> Passkey {
        let (options, state) = rp
            .webauthn
            .start_passkey_registration(Uuid::now_v7(), "a@example.com", "A", None)
            .unwrap();
        let options = serde_json::to_value(&options).unwrap();
        let answer = key.register(&options, ISSUER, UP | UV);
        rp.webauthn
            .finish_passkey_registration(&serde_json::from_str(&answer).unwrap(), &state)
            .unwrap()
    }

    fn authenticate(
        rp: &RelyingParty,
        passkey: &Passkey,
        key: &mut SoftKey,
        origin: &str,
        flags: u8,
    ) -> Result<webauthn_rs::prelude::AuthenticationResult, WebauthnError> {
        let (options, state) = rp
            .webauthn
            .start_passkey_authentication(std::slice::from_ref(passkey))
            .unwrap();
        let options = serde_json::to_value(&options).unwrap();
        let answer = key.assert(&options, origin, flags, None);
        rp.webauthn
            .finish_passkey_authentication(&serde_json::from_str(&answer).unwrap(), &state)
    }

    #[test]
    fn the_relying_party_is_the_issuer_host_and_never_an_ip_address() {
        assert_eq!(rp().id(), "localhost");
        assert_eq!(
            RelyingParty::from_issuer("https://id.example.com/tenant", "idp")
                .unwrap()
                .id(),
            "id.example.com"
        );
        for ip in [
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "https://192.0.2.7",
        ] {
            assert!(
                matches!(
                    RelyingParty::from_issuer(ip, "idp"),
                    Err(RelyingPartyError::IpAddress { .. })
                ),
                "{ip}"
            );
        }
    }

    #[test]
    fn registration_asks_for_a_discoverable_user_verified_passkey_excluding_known_ones() {
        let rp = rp();
        let mut key = SoftKey::new("localhost");
        let known = registered(&rp, &mut key);
        let member = UserId::from_string(Uuid::now_v7().to_string());
        let (options, _) = registration_options(
            &rp,
            &member,
            "a@example.com",
            "A",
            vec![known.cred_id().clone()],
        )
        .unwrap();
        let pk = &options["publicKey"];
        assert_eq!(pk["authenticatorSelection"]["userVerification"], "required");
        assert_eq!(pk["authenticatorSelection"]["residentKey"], "required");
        assert_eq!(pk["authenticatorSelection"]["requireResidentKey"], true);
        assert_eq!(pk["user"]["id"], b64(user_handle(&member).as_bytes()));
        assert_eq!(pk["rp"]["id"], "localhost");
        assert_eq!(pk["excludeCredentials"][0]["id"], b64(&key.id));
    }

    #[test]
    fn registration_without_user_verification_is_refused() {
        let rp = rp();
        let mut key = SoftKey::new("localhost");
        let (options, state) = rp
            .webauthn
            .start_passkey_registration(Uuid::now_v7(), "a@example.com", "A", None)
            .unwrap();
        let answer = key.register(&serde_json::to_value(&options).unwrap(), ISSUER, UP);
        let e = rp
            .webauthn
            .finish_passkey_registration(&serde_json::from_str(&answer).unwrap(), &state)
            .unwrap_err();
        assert_eq!(refusal_of(&e), Refusal::UserNotVerified);
    }

    #[test]
    fn registration_from_another_origin_is_refused() {
        let rp = rp();
        let mut key = SoftKey::new("localhost");
        let (options, state) = rp
            .webauthn
            .start_passkey_registration(Uuid::now_v7(), "a@example.com", "A", None)
            .unwrap();
        let answer = key.register(
            &serde_json::to_value(&options).unwrap(),
            "http://evil.example",
            UP | UV,
        );
        let e = rp
            .webauthn
            .finish_passkey_registration(&serde_json::from_str(&answer).unwrap(), &state)
            .unwrap_err();
        assert_eq!(refusal_of(&e), Refusal::CrossOrigin);
    }

    #[test]
    fn an_assertion_verifies_and_moves_the_counter_forward() {
        let rp = rp();
        let mut key = SoftKey::new("localhost");
        let mut passkey = registered(&rp, &mut key);
        let result = authenticate(&rp, &passkey, &mut key, ISSUER, UP | UV).unwrap();
        assert!(result.user_verified());
        assert_eq!(result.counter(), 1);
        assert_eq!(passkey.update_credential(&result), Some(true));
        let stored = serde_json::to_value(&passkey).unwrap();
        assert_eq!(stored["cred"]["counter"], 1);
        let proof = PasskeyProof {
            synced: result.backup_eligible(),
            user_verified: result.user_verified(),
        };
        assert_eq!(proof.amr(), ["hwk", "user", "mfa"]);
    }

    #[test]
    fn the_authenticator_model_is_read_from_the_attestation_object() {
        let mut key = SoftKey::new("localhost");
        let options = serde_json::json!({"publicKey": {"challenge": "AAAA"}});
        let answer: serde_json::Value =
            serde_json::from_str(&key.register(&options, ISSUER, UP | UV)).unwrap();
        let att = URL_SAFE_NO_PAD
            .decode(answer["response"]["attestationObject"].as_str().unwrap())
            .unwrap();
        assert_eq!(aaguid_of(&att), Some(Uuid::nil()));
        // Another model: the 16 bytes after hash, flags and counter.
        let mut other = att.clone();
        let head = other.windows(8).position(|w| w == b"authData").unwrap() + 8;
        let at = head
            + match other[head] {
                0x58 => 2,
                0x59 => 3,
                _ => 1,
            };
        other[at + 37] = 0xad;
        assert_eq!(
            aaguid_of(&other).map(|u| u.as_bytes()[0]),
            Some(0xad),
            "the model's first byte"
        );
        assert_eq!(aaguid_of(&att[..att.len() - 80]), None, "cut short");
        assert_eq!(aaguid_of(b"no attestation here"), None);
    }

    #[test]
    fn a_counter_regression_goes_on_only_where_policy_allows_it() {
        use crate::policy::CounterRegression;
        assert!(!counter_regression_allowed(CounterRegression::Refuse));
        assert!(counter_regression_allowed(CounterRegression::Allow));
    }

    #[test]
    fn a_counter_that_goes_backwards_is_refused_as_a_possible_clone() {
        let rp = rp();
        let mut key = SoftKey::new("localhost");
        let mut passkey = registered(&rp, &mut key);
        key.counter = 9;
        let result = authenticate(&rp, &passkey, &mut key, ISSUER, UP | UV).unwrap();
        passkey.update_credential(&result);
        // A copy of the key that kept an older counter.
        key.counter = 3;
        let e = authenticate(&rp, &passkey, &mut key, ISSUER, UP | UV).unwrap_err();
        assert_eq!(refusal_of(&e), Refusal::CounterRegression);
    }

    #[test]
    fn forged_cross_origin_and_unverified_assertions_are_refused() {
        let rp = rp();
        let mut key = SoftKey::new("localhost");
        let passkey = registered(&rp, &mut key);
        let e =
            authenticate(&rp, &passkey, &mut key, "http://localhost:9999", UP | UV).unwrap_err();
        assert_eq!(refusal_of(&e), Refusal::CrossOrigin);
        let e = authenticate(&rp, &passkey, &mut key, ISSUER, UP).unwrap_err();
        assert_eq!(refusal_of(&e), Refusal::UserNotVerified);
        // Signed by another key under the same credential id.
        let mut forger = SoftKey::new("localhost");
        forger.id = key.id.clone();
        forger.counter = 50;
        let e = authenticate(&rp, &passkey, &mut forger, ISSUER, UP | UV).unwrap_err();
        assert_eq!(refusal_of(&e), Refusal::BadSignature);
        // Made for another relying party.
        let mut elsewhere = SoftKey::new("example.com");
        elsewhere.id = key.id.clone();
        elsewhere.pair = SoftKey::new("x").pair;
        let e = authenticate(&rp, &passkey, &mut elsewhere, ISSUER, UP | UV).unwrap_err();
        assert_ne!(refusal_of(&e), Refusal::CounterRegression);
    }

    #[test]
    fn an_answer_to_another_challenge_is_refused() {
        let rp = rp();
        let mut key = SoftKey::new("localhost");
        let passkey = registered(&rp, &mut key);
        let (first, _) = rp
            .webauthn
            .start_passkey_authentication(std::slice::from_ref(&passkey))
            .unwrap();
        let (_, second) = rp
            .webauthn
            .start_passkey_authentication(std::slice::from_ref(&passkey))
            .unwrap();
        let answer = key.assert(
            &serde_json::to_value(&first).unwrap(),
            ISSUER,
            UP | UV,
            None,
        );
        let e = rp
            .webauthn
            .finish_passkey_authentication(&serde_json::from_str(&answer).unwrap(), &second)
            .unwrap_err();
        assert_eq!(refusal_of(&e), Refusal::WrongChallenge);
    }

    #[test]
    fn a_discoverable_sign_in_names_its_member_by_user_handle() {
        let rp = rp();
        let mut key = SoftKey::new("localhost");
        let passkey = registered(&rp, &mut key);
        let (options, state) = rp.webauthn.start_discoverable_authentication().unwrap();
        let member = user_handle(&UserId::from_string(Uuid::now_v7().to_string()));
        let answer = key.assert(
            &serde_json::to_value(&options).unwrap(),
            ISSUER,
            UP | UV,
            Some(member),
        );
        let answer: PublicKeyCredential = serde_json::from_str(&answer).unwrap();
        let (handle, id) = rp
            .webauthn
            .identify_discoverable_authentication(&answer)
            .unwrap();
        assert_eq!(handle, member);
        assert_eq!(id, key.id.as_slice());
        let result = rp
            .webauthn
            .finish_discoverable_authentication(&answer, state, &[(&passkey).into()])
            .unwrap();
        assert!(result.user_verified());
    }

    #[test]
    fn a_sign_in_ceremony_is_sealed_for_its_purpose_and_its_time() {
        let rng = crate::random::OsRandom;
        let key = MasterKey::generate(&rng);
        let t0 = Timestamp::from_secs(1_800_000_000);
        let (options, token) = begin_discoverable(&rp(), &key, &rng, t0).unwrap();
        assert_eq!(options["mediation"], "conditional");
        assert!(open_ceremony(&key, &token, t0.plus(CEREMONY_TTL / 2)).is_ok());
        assert!(matches!(
            open_ceremony(&key, &token, t0.plus(CEREMONY_TTL)),
            Err(PasskeyError::Expired)
        ));
        // Another deployment's key, a changed byte, or something else sealed by ours.
        let other = MasterKey::generate(&rng);
        assert!(open_ceremony(&other, &token, t0).is_err());
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(open_ceremony(&key, &URL_SAFE_NO_PAD.encode(&bytes), t0).is_err());
        let elsewhere = URL_SAFE_NO_PAD.encode(key.seal(&rng, crate::totp::SEAL_PURPOSE, b"{}"));
        assert!(open_ceremony(&key, &elsewhere, t0).is_err());
        assert!(open_ceremony(&key, "not base64!", t0).is_err());
    }

    #[test]
    fn user_handles_are_stable_and_distinct() {
        let a = UserId::from_string("0190f5c4-7a1b-7cc2-9d3e-0123456789ab");
        assert_eq!(user_handle(&a).to_string(), a.as_str());
        let odd = UserId::from_string("imported-17");
        assert_eq!(user_handle(&odd), user_handle(&odd));
        assert_ne!(user_handle(&odd), user_handle(&a));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  Laptop  ").as_deref(), Some("Laptop"));
        assert_eq!(clean_name(""), None);
        assert_eq!(clean_name("   "), None);
        assert_eq!(clean_name("a\u{7}b"), None);
        assert!(clean_name(&"x".repeat(NAME_MAX)).is_some());
        assert_eq!(clean_name(&"x".repeat(NAME_MAX + 1)), None);
    }

    #[test]
    fn amr_tells_a_synced_key_from_a_device_bound_one() {
        let synced = PasskeyProof {
            synced: true,
            user_verified: true,
        };
        assert_eq!(synced.amr(), ["swk", "user", "mfa"]);
        let unverified = PasskeyProof {
            synced: false,
            user_verified: false,
        };
        assert_eq!(unverified.amr(), ["hwk"]);
    }
}
