//! The identity provider's domain: types, rules and use cases, and the ports
//! (traits) that the stores implement. Nothing here knows HTTP, SQL, Redis or tokio.

pub mod admin;
pub mod audit;
pub mod audit_export;
pub mod audit_jobs;
pub mod authz;
pub mod branding;
pub mod client;
pub mod client_admin;
pub mod clock;
pub mod crypto;
pub mod deployment;
pub mod email;
pub mod federation;
pub mod i18n;
pub mod ids;
pub mod jose;
pub mod journey;
pub mod keyring;
pub mod mail_body;
pub mod maintenance;
pub mod member_admin;
pub mod member_cache;
pub mod members;
pub mod members_io;
pub mod mfa;
pub mod notice;
pub mod oidc;
pub mod org;
pub mod org_admin;
pub mod passkeys;
pub mod password_policy;
pub mod phone;
pub mod policy;
pub mod policy_edit;
pub mod ports;
pub mod random;
pub mod records;
pub mod secret;
pub mod signin;
#[cfg(test)]
pub(crate) mod testing;
pub mod throttle;
pub mod totp;

pub use clock::{Clock, Timestamp};
pub use ids::{ClientId, OrgId, UserId};
