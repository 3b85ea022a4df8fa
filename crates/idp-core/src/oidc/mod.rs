//! The OpenID Connect and OAuth 2.0 protocol rules: requests, decisions, codes, tokens
//! and claims, with no HTTP in sight.

pub mod acr;
pub mod authorize;
pub mod claims;
pub mod device;
pub mod error;
pub mod logout;
pub mod pkce;
pub mod registration;
pub mod revocation;
pub mod scope;
pub mod token;

pub use error::{OAuthError, OAuthErrorCode};
