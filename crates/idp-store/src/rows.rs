//! Table rows and their conversions to and from the domain's records.

use crate::schema::*;
use diesel::prelude::*;
use idp_core::Timestamp;
use idp_core::audit::{AuditEvent, NewAuditEvent};
use idp_core::audit_jobs::{ExportJob, ExportRecord};
use idp_core::branding::{ImageType, Logo, LogoInfo};
use idp_core::client::Client;
use idp_core::crypto::TokenDigest;
use idp_core::email::Email;
use idp_core::ids::{ClientId, EventId, GrantId, OrgId, SessionId, UserId};
use idp_core::members_io::job::{ImportJob, ImportPlan};
use idp_core::oidc::dpop::Jkt;
use idp_core::oidc::registration::{ClientRegistration, InitialAccessToken};
use idp_core::org::Organization;
use idp_core::ports::StoreError;
use idp_core::records::{
    AdminAssignment, BrowserSession, Consent, Credentials, Grant, IpListEntry, LoginMethod,
    OrgPolicyRecord, PasskeyRecord, RefreshToken, SecondFactorLock, SigningKey, User,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::str::FromStr;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

pub(crate) fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

fn parse<T: FromStr>(what: &str, text: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e| corrupt(what, e))
}

pub(crate) fn ts(v: i64) -> Timestamp {
    Timestamp::from_micros(v)
}

fn opt_ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp::from_micros)
}

fn digest(what: &str, bytes: &[u8]) -> Result<TokenDigest, StoreError> {
    TokenDigest::from_bytes(bytes).ok_or_else(|| corrupt(what, "not a 32-byte digest"))
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations)]
pub(crate) struct OrgRow {
    pub id: String,
    pub parent_id: Option<String>,
    pub path: String,
    pub name: String,
    pub slug: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&Organization> for OrgRow {
    fn from(o: &Organization) -> Self {
        Self {
            id: o.id.to_string(),
            parent_id: o.parent_id.as_ref().map(ToString::to_string),
            path: o.path.clone(),
            name: o.name.clone(),
            slug: o.slug.clone(),
            created_at: o.created_at.as_micros(),
            updated_at: o.updated_at.as_micros(),
        }
    }
}

impl From<OrgRow> for Organization {
    fn from(r: OrgRow) -> Self {
        Self {
            id: OrgId::from_string(r.id),
            parent_id: r.parent_id.map(OrgId::from_string),
            path: r.path,
            name: r.name,
            slug: r.slug,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub locale: Option<String>,
    pub status: String,
    pub super_admin: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    pub zoneinfo: Option<String>,
}

impl From<&User> for UserRow {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            org_id: u.org_id.to_string(),
            email: u.email.to_string(),
            email_verified: u.email_verified,
            name: u.name.clone(),
            given_name: u.given_name.clone(),
            family_name: u.family_name.clone(),
            locale: u.locale.clone(),
            status: u.status.as_str().to_owned(),
            super_admin: u.super_admin,
            created_at: u.created_at.as_micros(),
            updated_at: u.updated_at.as_micros(),
            job_title: u.job_title.clone(),
            phone: u.phone.clone(),
            zoneinfo: u.zoneinfo.clone(),
        }
    }
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: UserId::from_string(r.id),
            org_id: OrgId::from_string(r.org_id),
            email: Email::parse(&r.email).map_err(|e| corrupt("users.email", e))?,
            email_verified: r.email_verified,
            name: r.name,
            given_name: r.given_name,
            family_name: r.family_name,
            locale: r.locale,
            zoneinfo: r.zoneinfo,
            job_title: r.job_title,
            phone: r.phone,
            status: parse("users.status", &r.status)?,
            super_admin: r.super_admin,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = credentials)]
pub(crate) struct CredentialsRow {
    #[diesel(embed)]
    pub fields: CredentialsFields,
    pub second_factor_failures: i32,
    pub second_factor_window_start: Option<i64>,
    pub second_factor_locked_until: Option<i64>,
}

/// Everything but the second-factor lock, which only a compare-and-swap writes.
#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = credentials, treat_none_as_null = true)]
pub(crate) struct CredentialsFields {
    pub user_id: String,
    pub password_hash: Option<String>,
    pub password_changed_at: Option<i64>,
    pub password_must_change: bool,
    pub email_login_enabled: bool,
    pub totp_secret_sealed: Option<Vec<u8>>,
    pub totp_enrolled_at: Option<i64>,
    pub totp_last_used_at: Option<i64>,
    pub email_otp_enabled: bool,
    pub email_otp_enabled_at: Option<i64>,
    pub email_otp_last_used_at: Option<i64>,
    pub phone_number: Option<String>,
    pub phone_added_at: Option<i64>,
    pub phone_verified_at: Option<i64>,
    pub sms_last_used_at: Option<i64>,
    // The password lock changes only through its own atomic statements; a whole-record
    // update written from an earlier read must never undo a lock or a count.
    #[diesel(skip_update)]
    pub failed_sign_ins: i32,
    #[diesel(skip_update)]
    pub locked_at: Option<i64>,
    pub second_factor_reset_at: Option<i64>,
    pub updated_at: i64,
}

impl From<&Credentials> for CredentialsFields {
    fn from(c: &Credentials) -> Self {
        let micros = |t: Option<Timestamp>| t.map(Timestamp::as_micros);
        Self {
            user_id: c.user_id.to_string(),
            password_hash: c.password_hash.clone(),
            password_changed_at: micros(c.password_changed_at),
            password_must_change: c.password_must_change,
            email_login_enabled: c.email_login_enabled,
            totp_secret_sealed: c.totp_secret_sealed.clone(),
            totp_enrolled_at: micros(c.totp_enrolled_at),
            totp_last_used_at: micros(c.totp_last_used_at),
            email_otp_enabled: c.email_otp_enabled,
            email_otp_enabled_at: micros(c.email_otp_enabled_at),
            email_otp_last_used_at: micros(c.email_otp_last_used_at),
            phone_number: c.phone_number.clone().map(String::from),
            phone_added_at: micros(c.phone_added_at),
            phone_verified_at: micros(c.phone_verified_at),
            sms_last_used_at: micros(c.sms_last_used_at),
            failed_sign_ins: c.failed_sign_ins,
            locked_at: micros(c.locked_at),
            second_factor_reset_at: micros(c.second_factor_reset_at),
            updated_at: c.updated_at.as_micros(),
        }
    }
}

impl From<&Credentials> for CredentialsRow {
    fn from(c: &Credentials) -> Self {
        let lock = c.second_factor_lock;
        Self {
            fields: CredentialsFields::from(c),
            second_factor_failures: lock.failures,
            second_factor_window_start: lock.window_started_at.map(Timestamp::as_micros),
            second_factor_locked_until: lock.locked_until.map(Timestamp::as_micros),
        }
    }
}

impl From<CredentialsRow> for Credentials {
    fn from(row: CredentialsRow) -> Self {
        let r = row.fields;
        Self {
            user_id: UserId::from_string(r.user_id),
            password_hash: r.password_hash,
            password_changed_at: opt_ts(r.password_changed_at),
            password_must_change: r.password_must_change,
            email_login_enabled: r.email_login_enabled,
            totp_secret_sealed: r.totp_secret_sealed,
            totp_enrolled_at: opt_ts(r.totp_enrolled_at),
            totp_last_used_at: opt_ts(r.totp_last_used_at),
            email_otp_enabled: r.email_otp_enabled,
            email_otp_enabled_at: opt_ts(r.email_otp_enabled_at),
            email_otp_last_used_at: opt_ts(r.email_otp_last_used_at),
            // Written only from a parsed number; one that no longer reads is no factor.
            phone_number: r
                .phone_number
                .and_then(|p| idp_core::phone::PhoneNumber::parse(&p).ok()),
            phone_added_at: opt_ts(r.phone_added_at),
            phone_verified_at: opt_ts(r.phone_verified_at),
            sms_last_used_at: opt_ts(r.sms_last_used_at),
            failed_sign_ins: r.failed_sign_ins,
            locked_at: opt_ts(r.locked_at),
            second_factor_reset_at: opt_ts(r.second_factor_reset_at),
            second_factor_lock: SecondFactorLock {
                failures: row.second_factor_failures,
                window_started_at: opt_ts(row.second_factor_window_start),
                locked_until: opt_ts(row.second_factor_locked_until),
            },
            updated_at: ts(r.updated_at),
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = login_methods)]
pub(crate) struct LoginMethodRow {
    pub user_id: String,
    pub kind: String,
    pub upstream_subject: String,
    pub upstream_tenant: Option<String>,
    pub last_sign_in_at: Option<i64>,
    pub sign_in_count: i64,
    pub last_ip: Option<String>,
    pub last_user_agent: Option<String>,
    pub created_at: i64,
}

impl TryFrom<LoginMethodRow> for LoginMethod {
    type Error = StoreError;
    fn try_from(r: LoginMethodRow) -> Result<Self, StoreError> {
        Ok(Self {
            user_id: UserId::from_string(r.user_id),
            kind: parse("login_methods.kind", &r.kind)?,
            upstream_subject: r.upstream_subject,
            upstream_tenant: r.upstream_tenant,
            last_sign_in_at: opt_ts(r.last_sign_in_at),
            sign_in_count: r.sign_in_count,
            last_ip: r.last_ip,
            last_user_agent: r.last_user_agent,
            created_at: ts(r.created_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = clients)]
pub(crate) struct ClientRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub secret_digest: Option<Vec<u8>>,
    pub auth_method: String,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub grant_types: String,
    pub extra_scopes: String,
    pub first_party: bool,
    pub require_pkce: bool,
    pub id_token_alg: String,
    pub access_token_ttl_secs: Option<i32>,
    pub id_token_ttl_secs: Option<i32>,
    pub refresh_token_ttl_secs: Option<i32>,
    pub jwks: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub require_pushed_authorization_requests: bool,
    pub require_signed_request_object: bool,
    pub dpop_bound_access_tokens: bool,
    pub backchannel_logout_uri: Option<String>,
    pub backchannel_logout_session_required: bool,
    pub subject_type: String,
    pub sector_identifier_uri: Option<String>,
    pub security_profile: String,
}

fn ttl_to_db(v: Option<u32>) -> Option<i32> {
    v.map(|v| i32::try_from(v).unwrap_or(i32::MAX))
}

fn ttl_from_db(v: Option<i32>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

impl From<&Client> for ClientRow {
    fn from(c: &Client) -> Self {
        Self {
            id: c.id.to_string(),
            org_id: c.org_id.to_string(),
            name: c.name.clone(),
            secret_digest: c.secret_digest.as_ref().map(|d| d.as_bytes().to_vec()),
            auth_method: c.auth_method.as_str().to_owned(),
            redirect_uris: to_json(&c.redirect_uris),
            post_logout_redirect_uris: to_json(&c.post_logout_redirect_uris),
            grant_types: to_json(&c.grant_types),
            extra_scopes: to_json(&c.extra_scopes),
            first_party: c.first_party,
            require_pkce: c.require_pkce,
            id_token_alg: c.id_token_alg.as_str().to_owned(),
            access_token_ttl_secs: ttl_to_db(c.access_token_ttl_secs),
            id_token_ttl_secs: ttl_to_db(c.id_token_ttl_secs),
            refresh_token_ttl_secs: ttl_to_db(c.refresh_token_ttl_secs),
            jwks: c.jwks.clone(),
            created_at: c.created_at.as_micros(),
            updated_at: c.updated_at.as_micros(),
            require_pushed_authorization_requests: c.require_pushed_authorization_requests,
            require_signed_request_object: c.require_signed_request_object,
            dpop_bound_access_tokens: c.dpop_bound_access_tokens,
            backchannel_logout_uri: c.backchannel_logout_uri.clone(),
            backchannel_logout_session_required: c.backchannel_logout_session_required,
            subject_type: c.subject_type.as_str().to_owned(),
            sector_identifier_uri: c.sector_identifier_uri.clone(),
            security_profile: c.security_profile.as_str().to_owned(),
        }
    }
}

impl TryFrom<ClientRow> for Client {
    type Error = StoreError;
    fn try_from(r: ClientRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: ClientId::from_string(r.id),
            org_id: OrgId::from_string(r.org_id),
            name: r.name,
            secret_digest: r
                .secret_digest
                .as_deref()
                .map(|d| digest("clients.secret_digest", d))
                .transpose()?,
            auth_method: parse("clients.auth_method", &r.auth_method)?,
            redirect_uris: from_json("clients.redirect_uris", &r.redirect_uris)?,
            post_logout_redirect_uris: from_json(
                "clients.post_logout_redirect_uris",
                &r.post_logout_redirect_uris,
            )?,
            grant_types: from_json("clients.grant_types", &r.grant_types)?,
            extra_scopes: from_json("clients.extra_scopes", &r.extra_scopes)?,
            first_party: r.first_party,
            require_pkce: r.require_pkce,
            id_token_alg: parse("clients.id_token_alg", &r.id_token_alg)?,
            access_token_ttl_secs: ttl_from_db(r.access_token_ttl_secs),
            id_token_ttl_secs: ttl_from_db(r.id_token_ttl_secs),
            refresh_token_ttl_secs: ttl_from_db(r.refresh_token_ttl_secs),
            jwks: r.jwks,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            require_pushed_authorization_requests: r.require_pushed_authorization_requests,
            require_signed_request_object: r.require_signed_request_object,
            dpop_bound_access_tokens: r.dpop_bound_access_tokens,
            backchannel_logout_uri: r.backchannel_logout_uri,
            backchannel_logout_session_required: r.backchannel_logout_session_required,
            subject_type: parse("clients.subject_type", &r.subject_type)?,
            sector_identifier_uri: r.sector_identifier_uri,
            security_profile: parse("clients.security_profile", &r.security_profile)?,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = signing_keys)]
pub(crate) struct KeyRow {
    pub kid: String,
    pub alg: String,
    pub state: String,
    pub private_sealed: Vec<u8>,
    pub public_jwk: String,
    pub created_at: i64,
    pub activated_at: Option<i64>,
    pub retired_at: Option<i64>,
    pub expires_at: Option<i64>,
}

impl From<&SigningKey> for KeyRow {
    fn from(k: &SigningKey) -> Self {
        Self {
            kid: k.kid.clone(),
            alg: k.alg.as_str().to_owned(),
            state: k.state.as_str().to_owned(),
            private_sealed: k.private_sealed.clone(),
            public_jwk: k.public_jwk.clone(),
            created_at: k.created_at.as_micros(),
            activated_at: k.activated_at.map(Timestamp::as_micros),
            retired_at: k.retired_at.map(Timestamp::as_micros),
            expires_at: k.expires_at.map(Timestamp::as_micros),
        }
    }
}

impl TryFrom<KeyRow> for SigningKey {
    type Error = StoreError;
    fn try_from(r: KeyRow) -> Result<Self, StoreError> {
        Ok(Self {
            kid: r.kid,
            alg: parse("signing_keys.alg", &r.alg)?,
            state: parse("signing_keys.state", &r.state)?,
            private_sealed: r.private_sealed,
            public_jwk: r.public_jwk,
            created_at: ts(r.created_at),
            activated_at: opt_ts(r.activated_at),
            retired_at: opt_ts(r.retired_at),
            expires_at: opt_ts(r.expires_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = grants)]
// A `None` is bound as NULL (these columns default to NULL): the statement's text is
// then the same for every row, and SQLite keeps it prepared (with DEFAULT it varies,
// and is parsed again on each exchange and refresh).
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct GrantRow {
    pub id: String,
    pub user_id: Option<String>,
    pub client_id: String,
    pub scopes: String,
    pub auth_time: Option<i64>,
    pub amr: String,
    pub session_id: Option<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub dpop_jkt: Option<String>,
}

impl From<&Grant> for GrantRow {
    fn from(g: &Grant) -> Self {
        Self {
            id: g.id.to_string(),
            user_id: g.user_id.as_ref().map(ToString::to_string),
            client_id: g.client_id.to_string(),
            scopes: to_json(&g.scopes),
            auth_time: g.auth_time.map(Timestamp::as_micros),
            amr: to_json(&g.amr),
            session_id: g.session_id.as_ref().map(ToString::to_string),
            created_at: g.created_at.as_micros(),
            revoked_at: g.revoked_at.map(Timestamp::as_micros),
            dpop_jkt: g.dpop_jkt.as_ref().map(|j| j.as_str().to_owned()),
        }
    }
}

impl TryFrom<GrantRow> for Grant {
    type Error = StoreError;
    fn try_from(r: GrantRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: GrantId::from_string(r.id),
            user_id: r.user_id.map(UserId::from_string),
            client_id: ClientId::from_string(r.client_id),
            scopes: from_json("grants.scopes", &r.scopes)?,
            auth_time: opt_ts(r.auth_time),
            amr: from_json("grants.amr", &r.amr)?,
            session_id: r.session_id.map(SessionId::from_string),
            created_at: ts(r.created_at),
            revoked_at: opt_ts(r.revoked_at),
            dpop_jkt: r
                .dpop_jkt
                .map(|j| {
                    Jkt::parse(&j).ok_or_else(|| {
                        StoreError::Corrupt(format!("grants.dpop_jkt: {j:?} is not a thumbprint"))
                    })
                })
                .transpose()?,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
// A `None` is bound as NULL (these columns default to NULL): the statement's text is
// then the same for every row, and SQLite keeps it prepared (with DEFAULT it varies,
// and is parsed again on each exchange and refresh).
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct RefreshRow {
    pub digest: Vec<u8>,
    pub grant_id: String,
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

impl From<&RefreshToken> for RefreshRow {
    fn from(t: &RefreshToken) -> Self {
        Self {
            digest: t.digest.as_bytes().to_vec(),
            grant_id: t.grant_id.to_string(),
            scopes: to_json(&t.scopes),
            created_at: t.created_at.as_micros(),
            expires_at: t.expires_at.as_micros(),
            used_at: t.used_at.map(Timestamp::as_micros),
        }
    }
}

impl TryFrom<RefreshRow> for RefreshToken {
    type Error = StoreError;
    fn try_from(r: RefreshRow) -> Result<Self, StoreError> {
        Ok(Self {
            digest: digest("refresh_tokens.digest", &r.digest)?,
            grant_id: GrantId::from_string(r.grant_id),
            scopes: from_json("refresh_tokens.scopes", &r.scopes)?,
            created_at: ts(r.created_at),
            expires_at: ts(r.expires_at),
            used_at: opt_ts(r.used_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
pub(crate) struct ConsentRow {
    pub user_id: String,
    pub client_id: String,
    pub scopes: String,
    pub granted_at: i64,
}

impl From<&Consent> for ConsentRow {
    fn from(c: &Consent) -> Self {
        Self {
            user_id: c.user_id.to_string(),
            client_id: c.client_id.to_string(),
            scopes: to_json(&c.scopes),
            granted_at: c.granted_at.as_micros(),
        }
    }
}

impl TryFrom<ConsentRow> for Consent {
    type Error = StoreError;
    fn try_from(r: ConsentRow) -> Result<Self, StoreError> {
        Ok(Self {
            user_id: UserId::from_string(r.user_id),
            client_id: ClientId::from_string(r.client_id),
            scopes: from_json("consents.scopes", &r.scopes)?,
            granted_at: ts(r.granted_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = browser_sessions)]
pub(crate) struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub auth_time: i64,
    pub amr: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub ended_at: Option<i64>,
    pub idle_timeout_secs: Option<i64>,
}

impl From<&BrowserSession> for SessionRow {
    fn from(s: &BrowserSession) -> Self {
        Self {
            id: s.id.to_string(),
            user_id: s.user_id.to_string(),
            auth_time: s.auth_time.as_micros(),
            amr: to_json(&s.amr),
            ip: s.ip.clone(),
            user_agent: s.user_agent.clone(),
            created_at: s.created_at.as_micros(),
            last_seen_at: s.last_seen_at.as_micros(),
            expires_at: s.expires_at.as_micros(),
            ended_at: s.ended_at.map(Timestamp::as_micros),
            idle_timeout_secs: s
                .idle_timeout
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        }
    }
}

impl TryFrom<SessionRow> for BrowserSession {
    type Error = StoreError;
    fn try_from(r: SessionRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: SessionId::from_string(r.id),
            user_id: UserId::from_string(r.user_id),
            auth_time: ts(r.auth_time),
            amr: from_json("browser_sessions.amr", &r.amr)?,
            ip: r.ip,
            user_agent: r.user_agent,
            created_at: ts(r.created_at),
            last_seen_at: ts(r.last_seen_at),
            expires_at: ts(r.expires_at),
            ended_at: opt_ts(r.ended_at),
            idle_timeout: r
                .idle_timeout_secs
                .and_then(|s| u64::try_from(s).ok())
                .map(std::time::Duration::from_secs),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = org_policies)]
pub(crate) struct PolicyRow {
    pub org_id: String,
    pub settings: String,
    pub updated_at: i64,
}

impl TryFrom<PolicyRow> for OrgPolicyRecord {
    type Error = StoreError;
    fn try_from(r: PolicyRow) -> Result<Self, StoreError> {
        Ok(Self {
            org_id: OrgId::from_string(r.org_id),
            settings: from_json("org_policies.settings", &r.settings)?,
            updated_at: ts(r.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = passkeys)]
pub(crate) struct PasskeyRow {
    pub id: String,
    pub user_id: String,
    pub credential_id: String,
    pub name: String,
    pub passkey: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl From<&PasskeyRecord> for PasskeyRow {
    fn from(p: &PasskeyRecord) -> Self {
        Self {
            id: p.id.clone(),
            user_id: p.user_id.to_string(),
            credential_id: p.credential_id.clone(),
            name: p.name.clone(),
            passkey: p.passkey.clone(),
            created_at: p.created_at.as_micros(),
            last_used_at: p.last_used_at.map(|t| t.as_micros()),
        }
    }
}

impl From<PasskeyRow> for PasskeyRecord {
    fn from(r: PasskeyRow) -> Self {
        Self {
            id: r.id,
            user_id: UserId::from_string(r.user_id),
            credential_id: r.credential_id,
            name: r.name,
            passkey: r.passkey,
            created_at: ts(r.created_at),
            last_used_at: opt_ts(r.last_used_at),
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = organization_logos)]
pub(crate) struct LogoRow {
    pub org_id: String,
    pub content_type: String,
    pub data: Vec<u8>,
    pub digest: String,
    pub size: i64,
    pub updated_at: i64,
}

impl From<&Logo> for LogoRow {
    fn from(l: &Logo) -> Self {
        Self {
            org_id: l.org_id.to_string(),
            content_type: l.image_type.mime().to_owned(),
            data: l.bytes.clone(),
            digest: l.digest.clone(),
            size: i64::try_from(l.bytes.len()).unwrap_or(i64::MAX),
            updated_at: l.updated_at.as_micros(),
        }
    }
}

fn image_type(mime: &str) -> Result<ImageType, StoreError> {
    ImageType::from_mime(mime)
        .ok_or_else(|| StoreError::Corrupt(format!("organization_logos.content_type {mime:?}")))
}

impl TryFrom<LogoRow> for Logo {
    type Error = StoreError;
    fn try_from(r: LogoRow) -> Result<Self, StoreError> {
        Ok(Self {
            org_id: OrgId::from_string(r.org_id),
            image_type: image_type(&r.content_type)?,
            bytes: r.data,
            digest: r.digest,
            updated_at: ts(r.updated_at),
        })
    }
}

/// A logo's row without its bytes.
#[derive(Queryable, Selectable)]
#[diesel(table_name = organization_logos)]
pub(crate) struct LogoInfoRow {
    pub org_id: String,
    pub content_type: String,
    pub digest: String,
    pub size: i64,
    pub updated_at: i64,
}

impl TryFrom<LogoInfoRow> for LogoInfo {
    type Error = StoreError;
    fn try_from(r: LogoInfoRow) -> Result<Self, StoreError> {
        Ok(Self {
            org_id: OrgId::from_string(r.org_id),
            image_type: image_type(&r.content_type)?,
            digest: r.digest,
            size: usize::try_from(r.size).unwrap_or_default(),
            updated_at: ts(r.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = ip_list_entries)]
pub(crate) struct IpEntryRow {
    pub id: String,
    pub org_id: String,
    pub purpose: String,
    pub cidr: String,
    pub note: Option<String>,
    pub created_at: i64,
}

impl From<&IpListEntry> for IpEntryRow {
    fn from(e: &IpListEntry) -> Self {
        Self {
            id: e.id.clone(),
            org_id: e.org_id.to_string(),
            purpose: e.purpose.as_str().to_owned(),
            cidr: e.cidr.clone(),
            note: e.note.clone(),
            created_at: e.created_at.as_micros(),
        }
    }
}

impl TryFrom<IpEntryRow> for IpListEntry {
    type Error = StoreError;
    fn try_from(r: IpEntryRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            org_id: OrgId::from_string(r.org_id),
            purpose: parse("ip_list_entries.purpose", &r.purpose)?,
            cidr: r.cidr,
            note: r.note,
            created_at: ts(r.created_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = admin_assignments)]
pub(crate) struct AdminRow {
    pub user_id: String,
    pub org_id: String,
    pub permissions: String,
    pub created_at: i64,
}

impl TryFrom<AdminRow> for AdminAssignment {
    type Error = StoreError;
    fn try_from(r: AdminRow) -> Result<Self, StoreError> {
        Ok(Self {
            user_id: UserId::from_string(r.user_id),
            org_id: OrgId::from_string(r.org_id),
            permissions: from_json("admin_assignments.permissions", &r.permissions)?,
            created_at: ts(r.created_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
// A `None` is bound as NULL, not written as DEFAULT, which SQLite refuses in a
// multi-row INSERT (batch appends insert many rows per statement).
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct AuditRow {
    pub id: String,
    pub org_id: String,
    pub seq: i64,
    pub occurred_at: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub target_user_id: Option<String>,
    pub activity: String,
    pub event: String,
    pub info_type: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub device_id: Option<String>,
    pub detail: String,
    pub prev_digest: Vec<u8>,
    pub digest: Vec<u8>,
}

impl From<&AuditEvent> for AuditRow {
    fn from(a: &AuditEvent) -> Self {
        let e = &a.event;
        Self {
            id: a.id.to_string(),
            org_id: e.org_id.to_string(),
            seq: a.seq,
            occurred_at: e.occurred_at.as_micros(),
            actor_kind: e.actor_kind.as_str().to_owned(),
            actor_id: e.actor_id.clone(),
            target_user_id: e.target_user_id.as_ref().map(ToString::to_string),
            activity: e.activity.as_str().to_owned(),
            event: e.event.as_str().to_owned(),
            info_type: e.info_type.as_str().to_owned(),
            ip: e.ip.clone(),
            user_agent: e.user_agent.clone(),
            device_id: e.device_id.clone(),
            detail: to_json(&e.detail),
            prev_digest: a.prev_digest.clone(),
            digest: a.digest.clone(),
        }
    }
}

impl TryFrom<AuditRow> for AuditEvent {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: EventId::from_string(r.id),
            seq: r.seq,
            event: NewAuditEvent {
                org_id: OrgId::from_string(r.org_id),
                occurred_at: ts(r.occurred_at),
                actor_kind: parse("audit_events.actor_kind", &r.actor_kind)?,
                actor_id: r.actor_id,
                target_user_id: r.target_user_id.map(UserId::from_string),
                activity: parse("audit_events.activity", &r.activity)?,
                event: parse("audit_events.event", &r.event)?,
                info_type: parse("audit_events.info_type", &r.info_type)?,
                ip: r.ip,
                user_agent: r.user_agent,
                device_id: r.device_id,
                detail: from_json("audit_events.detail", &r.detail)?,
            },
            prev_digest: r.prev_digest,
            digest: r.digest,
        })
    }
}

/// An import's state, without its plan and file.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = member_imports)]
pub(crate) struct ImportRow {
    pub id: String,
    pub org_id: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub file_name: String,
    pub format: String,
    pub digest: String,
    pub status: String,
    pub total: i64,
    pub processed: i64,
    pub applied: i64,
    pub conflicts: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

impl From<&ImportJob> for ImportRow {
    fn from(j: &ImportJob) -> Self {
        Self {
            id: j.id.clone(),
            org_id: j.org_id.to_string(),
            actor_kind: j.actor_kind.as_str().to_owned(),
            actor_id: j.actor_id.clone(),
            ip: j.ip.clone(),
            user_agent: j.user_agent.clone(),
            file_name: j.file_name.clone(),
            format: j.format.as_str().to_owned(),
            digest: j.digest.clone(),
            status: j.status.as_str().to_owned(),
            total: j.total,
            processed: j.processed,
            applied: j.applied,
            conflicts: j.conflicts,
            lease_owner: j.lease_owner.clone(),
            lease_until: j.lease_until.map(Timestamp::as_micros),
            created_at: j.created_at.as_micros(),
            updated_at: j.updated_at.as_micros(),
            finished_at: j.finished_at.map(Timestamp::as_micros),
        }
    }
}

impl TryFrom<ImportRow> for ImportJob {
    type Error = StoreError;
    fn try_from(r: ImportRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            org_id: OrgId::from_string(r.org_id),
            actor_kind: parse("member_imports.actor_kind", &r.actor_kind)?,
            actor_id: r.actor_id,
            ip: r.ip,
            user_agent: r.user_agent,
            file_name: r.file_name,
            format: parse("member_imports.format", &r.format)?,
            digest: r.digest,
            status: parse("member_imports.status", &r.status)?,
            total: r.total,
            processed: r.processed,
            applied: r.applied,
            conflicts: r.conflicts,
            lease_owner: r.lease_owner,
            lease_until: opt_ts(r.lease_until),
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            finished_at: opt_ts(r.finished_at),
        })
    }
}

/// What a dry run stored for the apply.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = member_imports)]
pub(crate) struct ImportPlanRow {
    pub report: String,
    pub steps: String,
    pub file: Vec<u8>,
}

impl From<ImportPlanRow> for ImportPlan {
    fn from(r: ImportPlanRow) -> Self {
        Self {
            report: r.report,
            steps: r.steps,
            file: r.file,
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = registration_tokens)]
pub(crate) struct InitialTokenRow {
    pub id: String,
    pub org_id: String,
    pub digest: Vec<u8>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl From<&InitialAccessToken> for InitialTokenRow {
    fn from(t: &InitialAccessToken) -> Self {
        Self {
            id: t.id.clone(),
            org_id: t.org_id.to_string(),
            digest: t.digest.as_bytes().to_vec(),
            created_at: t.created_at.as_micros(),
            expires_at: t.expires_at.map(Timestamp::as_micros),
            revoked_at: t.revoked_at.map(Timestamp::as_micros),
        }
    }
}

impl TryFrom<InitialTokenRow> for InitialAccessToken {
    type Error = StoreError;
    fn try_from(r: InitialTokenRow) -> Result<Self, StoreError> {
        Ok(Self {
            digest: digest("registration_tokens.digest", &r.digest)?,
            id: r.id,
            org_id: OrgId::from_string(r.org_id),
            created_at: ts(r.created_at),
            expires_at: r.expires_at.map(ts),
            revoked_at: r.revoked_at.map(ts),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = client_registrations)]
pub(crate) struct ClientRegistrationRow {
    pub client_id: String,
    pub token_digest: Vec<u8>,
    pub initial_token_id: Option<String>,
    pub created_at: i64,
}

impl From<&ClientRegistration> for ClientRegistrationRow {
    fn from(r: &ClientRegistration) -> Self {
        Self {
            client_id: r.client_id.to_string(),
            token_digest: r.token_digest.as_bytes().to_vec(),
            initial_token_id: r.initial_token_id.clone(),
            created_at: r.created_at.as_micros(),
        }
    }
}

impl TryFrom<ClientRegistrationRow> for ClientRegistration {
    type Error = StoreError;
    fn try_from(r: ClientRegistrationRow) -> Result<Self, StoreError> {
        Ok(Self {
            token_digest: digest("client_registrations.token_digest", &r.token_digest)?,
            client_id: ClientId::from_string(r.client_id),
            initial_token_id: r.initial_token_id,
            created_at: ts(r.created_at),
        })
    }
}

/// A background audit export's state.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_exports)]
pub(crate) struct ExportRow {
    pub id: String,
    pub org_id: String,
    pub org_slug: String,
    pub format: String,
    pub requested_by: String,
    pub filter: String,
    pub status: String,
    pub attempts: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

impl From<&ExportRecord> for ExportRow {
    fn from(r: &ExportRecord) -> Self {
        Self {
            id: r.job.id.clone(),
            org_id: r.job.org_id.to_string(),
            org_slug: r.job.org_slug.clone(),
            format: r.job.format.as_str().to_owned(),
            requested_by: r.job.requested_by.to_string(),
            filter: to_json(&r.filter),
            status: r.status.as_str().to_owned(),
            attempts: r.attempts,
            lease_owner: r.lease_owner.clone(),
            lease_until: r.lease_until.map(Timestamp::as_micros),
            created_at: r.created_at.as_micros(),
            updated_at: r.updated_at.as_micros(),
            finished_at: r.finished_at.map(Timestamp::as_micros),
        }
    }
}

impl TryFrom<ExportRow> for ExportRecord {
    type Error = StoreError;
    fn try_from(r: ExportRow) -> Result<Self, StoreError> {
        Ok(Self {
            job: ExportJob {
                id: r.id,
                org_id: OrgId::from_string(r.org_id),
                org_slug: r.org_slug,
                format: parse("audit_exports.format", &r.format)?,
                requested_by: UserId::from_string(r.requested_by),
            },
            filter: from_json("audit_exports.filter", &r.filter)?,
            status: parse("audit_exports.status", &r.status)?,
            attempts: r.attempts,
            lease_owner: r.lease_owner,
            lease_until: r.lease_until.map(Timestamp::from_micros),
            created_at: Timestamp::from_micros(r.created_at),
            updated_at: Timestamp::from_micros(r.updated_at),
            finished_at: r.finished_at.map(Timestamp::from_micros),
        })
    }
}
