//! The durable records of the mission: members, their credentials and sign-in methods,
//! signing keys, grants and refresh tokens, consents, browser sessions, and policy.

use crate::client::{SigningAlg, wire_enum};
use crate::clock::Timestamp;
use crate::crypto::TokenDigest;
use crate::email::Email;
use crate::ids::{ClientId, GrantId, OrgId, SessionId, UserId};
use serde::{Deserialize, Serialize};

wire_enum!(
    /// Whether a member may sign in at all.
    UserStatus, "member status" {
        Active => "active",
        OnLeave => "on_leave",
        Disabled => "disabled",
    }
);

/// A member of an organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub org_id: OrgId,
    pub email: Email,
    pub email_verified: bool,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// The member's language (BCP 47), chosen on `/account`: the OIDC `locale` claim and
    /// the language of their pages and emails.
    pub locale: Option<String>,
    /// The member's time zone (IANA name), chosen on `/account`: the OIDC `zoneinfo`
    /// claim and the zone of times on their pages.
    pub zoneinfo: Option<String>,
    /// From the upstream directory (Microsoft Graph), where the deployment reads it.
    pub job_title: Option<String>,
    pub phone: Option<String>,
    pub status: UserStatus,
    /// Everything, everywhere.
    pub super_admin: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What an upstream directory says about a member; `None` leaves a value as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub name: Option<String>,
    pub job_title: Option<String>,
    pub phone: Option<String>,
}

/// What a member signs in with natively. Absent fields mean "not set".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub user_id: UserId,
    /// argon2id PHC string.
    pub password_hash: Option<String>,
    pub password_changed_at: Option<Timestamp>,
    /// A temporary password, or an expired one: change before any token is issued.
    pub password_must_change: bool,
    pub email_login_enabled: bool,
    /// TOTP secret sealed under the master key.
    pub totp_secret_sealed: Option<Vec<u8>>,
    pub totp_enrolled_at: Option<Timestamp>,
    pub totp_last_used_at: Option<Timestamp>,
    pub email_otp_enabled: bool,
    pub email_otp_enabled_at: Option<Timestamp>,
    pub email_otp_last_used_at: Option<Timestamp>,
    /// The number text-message codes go to; a factor once `phone_verified_at` is set.
    pub phone_number: Option<crate::phone::PhoneNumber>,
    pub phone_added_at: Option<Timestamp>,
    pub phone_verified_at: Option<Timestamp>,
    pub sms_last_used_at: Option<Timestamp>,
    pub failed_sign_ins: i32,
    pub locked_at: Option<Timestamp>,
    pub second_factor_reset_at: Option<Timestamp>,
    /// Written only through [`crate::ports::CredentialRepo::swap_second_factor_lock`],
    /// never by a whole-record update.
    pub second_factor_lock: SecondFactorLock,
    pub updated_at: Timestamp,
}

/// Failed second-factor attempts: counted in a window that starts at the first
/// failure, and the lock they lead to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SecondFactorLock {
    pub failures: i32,
    pub window_started_at: Option<Timestamp>,
    pub locked_until: Option<Timestamp>,
}

impl Credentials {
    pub fn empty(user_id: UserId, now: Timestamp) -> Self {
        Self {
            user_id,
            password_hash: None,
            password_changed_at: None,
            password_must_change: false,
            email_login_enabled: true,
            totp_secret_sealed: None,
            totp_enrolled_at: None,
            totp_last_used_at: None,
            email_otp_enabled: false,
            email_otp_enabled_at: None,
            email_otp_last_used_at: None,
            phone_number: None,
            phone_added_at: None,
            phone_verified_at: None,
            sms_last_used_at: None,
            failed_sign_ins: 0,
            locked_at: None,
            second_factor_reset_at: None,
            second_factor_lock: SecondFactorLock::default(),
            updated_at: now,
        }
    }
}

/// A member's passkey (a WebAuthn credential), as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasskeyRecord {
    /// Our id for it, in pages and audit events.
    pub id: String,
    pub user_id: UserId,
    /// The credential id the authenticator chose, base64url without padding; unique
    /// across the deployment.
    pub credential_id: String,
    /// What the member called it.
    pub name: String,
    /// webauthn-rs's `Passkey` as JSON: the public key, the signature counter and the
    /// flags seen at registration. Holds no secret.
    pub passkey: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

/// Which stored credentials an organization-wide change removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialScope {
    /// Passwords (and their history), second factors, everything.
    Everything,
    /// Authenticator apps, emailed codes, phone numbers and recovery codes.
    SecondFactors,
}

/// What a member's recovery codes look like, for their security page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecoveryCodeSummary {
    pub unused: u64,
    pub created_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

wire_enum!(
    /// How a member proved who they are.
    LoginMethodKind, "sign-in method" {
        Native => "native",
        Google => "google",
        Entra => "entra",
    }
);

/// One way a member signs in, with its usage record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginMethod {
    pub user_id: UserId,
    pub kind: LoginMethodKind,
    /// The upstream subject (`sub`, or `oid` for Entra); empty for native sign-in.
    pub upstream_subject: String,
    pub upstream_tenant: Option<String>,
    pub last_sign_in_at: Option<Timestamp>,
    pub sign_in_count: i64,
    pub last_ip: Option<String>,
    pub last_user_agent: Option<String>,
    pub created_at: Timestamp,
}

/// One sign-in through a method, recorded on its [`LoginMethod`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInRecord {
    pub user_id: UserId,
    pub kind: LoginMethodKind,
    pub upstream_subject: String,
    pub upstream_tenant: Option<String>,
    pub at: Timestamp,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

wire_enum!(
    /// Where a signing key is in its life: published ahead, signing, or only verifying.
    KeyState, "key state" {
        Next => "next",
        Current => "current",
        Retired => "retired",
    }
);

/// A signing key; its private part is sealed under the master key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningKey {
    pub kid: String,
    pub alg: SigningAlg,
    pub state: KeyState,
    pub private_sealed: Vec<u8>,
    /// The public JWK, as published.
    pub public_jwk: String,
    pub created_at: Timestamp,
    pub activated_at: Option<Timestamp>,
    pub retired_at: Option<Timestamp>,
    /// When a retired key can leave the JWKS: every token it signed has expired.
    pub expires_at: Option<Timestamp>,
}

/// One member's (or, for client credentials, one client's) authorization of a client:
/// the family its refresh tokens belong to. Revoking it ends them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub id: GrantId,
    pub user_id: Option<UserId>,
    pub client_id: ClientId,
    pub scopes: Vec<String>,
    pub auth_time: Option<Timestamp>,
    pub amr: Vec<String>,
    pub session_id: Option<SessionId>,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    /// RFC 9449 §5: the DPoP key a public client's refresh tokens are bound to.
    pub dpop_jkt: Option<crate::oidc::dpop::Jkt>,
}

/// What a revocation ends: one access token (by its `jti`), or a grant and every
/// token issued under it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Revoked {
    AccessToken(String),
    Grant(GrantId),
}

/// A revocation recorded durably, kept until `expires_at`, when nothing it revokes
/// could be used any more anyway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    pub revoked: Revoked,
    pub expires_at: Timestamp,
}

/// A refresh token, known only by its digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshToken {
    pub digest: TokenDigest,
    pub grant_id: GrantId,
    pub scopes: Vec<String>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
}

/// What became of presenting a refresh token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "returned once per refresh, never stored in bulk"
)]
pub enum RefreshUse {
    /// It was live and is now used: this is the record, with its grant and the member
    /// it is for, read in the same transaction so that nothing the answer needs can be
    /// lost once the token is used.
    Fresh(RefreshToken, Grant, Option<User>),
    /// It had been used before: its grant family has been revoked.
    Reused { grant_id: GrantId },
    /// Unknown, expired, or its grant revoked.
    Invalid,
    /// Its grant is bound to a DPoP key the request did not prove: left unused.
    WrongKey,
}

/// A member's consent to a client for a set of scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub user_id: UserId,
    pub client_id: ClientId,
    pub scopes: Vec<String>,
    pub granted_at: Timestamp,
}

impl Consent {
    /// Whether this consent already covers `requested`.
    pub fn covers(&self, requested: &[String]) -> bool {
        requested.iter().all(|s| self.scopes.contains(s))
    }
}

/// A signed-in browser. The cookie holds a random value; storage keys on its digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowserSession {
    pub id: SessionId,
    pub user_id: UserId,
    pub auth_time: Timestamp,
    pub amr: Vec<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    /// The idle timeout in force when the session started; `None`: the server's.
    pub idle_timeout: Option<std::time::Duration>,
}

impl BrowserSession {
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.ended_at.is_none() && now < self.expires_at
    }
}

wire_enum!(
    /// What an IP list entry is for.
    IpListPurpose, "IP list purpose" {
        AllowSignIn => "allow_sign_in",
        SkipSecondFactor => "skip_second_factor",
    }
);

/// An address or CIDR range on one of an organization's IP lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpListEntry {
    pub id: String,
    pub org_id: OrgId,
    pub purpose: IpListPurpose,
    pub cidr: String,
    pub note: Option<String>,
    pub created_at: Timestamp,
}

/// The settings an organization sets itself, as JSON; absent keys are inherited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgPolicyRecord {
    pub org_id: OrgId,
    pub settings: serde_json::Value,
    pub updated_at: Timestamp,
}

/// An administrator's permissions over an organization and its sub-organizations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminAssignment {
    pub user_id: UserId,
    pub org_id: OrgId,
    pub permissions: Vec<String>,
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_covers_subsets_only() {
        let c = Consent {
            user_id: UserId::generate(),
            client_id: ClientId::generate(),
            scopes: vec!["openid".into(), "email".into()],
            granted_at: Timestamp::from_secs(0),
        };
        assert!(c.covers(&["openid".into()]));
        assert!(c.covers(&["email".into(), "openid".into()]));
        assert!(!c.covers(&["profile".into()]));
    }

    #[test]
    fn sessions_end_by_time_or_by_hand() {
        let mut s = BrowserSession {
            id: SessionId::generate(),
            user_id: UserId::generate(),
            auth_time: Timestamp::from_secs(0),
            amr: vec!["pwd".into()],
            ip: None,
            user_agent: None,
            created_at: Timestamp::from_secs(0),
            last_seen_at: Timestamp::from_secs(0),
            expires_at: Timestamp::from_secs(100),
            ended_at: None,
            idle_timeout: None,
        };
        assert!(s.is_live(Timestamp::from_secs(99)));
        assert!(!s.is_live(Timestamp::from_secs(100)));
        s.ended_at = Some(Timestamp::from_secs(1));
        assert!(!s.is_live(Timestamp::from_secs(2)));
    }

    #[test]
    fn status_words() {
        assert_eq!(
            "on_leave".parse::<UserStatus>().unwrap(),
            UserStatus::OnLeave
        );
        assert!("gone".parse::<UserStatus>().is_err());
    }
}
