//! The OpenID Connect and OAuth 2.0 protocol rules: requests, decisions, codes, tokens
//! and claims, with no HTTP in sight.

pub mod acr;
pub mod authorize;
pub mod backchannel;
pub mod claims;
pub mod device;
pub mod dpop;
pub mod error;
pub mod logout;
pub mod par;
pub mod pkce;
pub mod registration;
pub mod request_object;
pub mod revocation;
pub mod scope;
pub mod subject;
pub mod token;

pub use error::{OAuthError, OAuthErrorCode};
