//! Every route `idp` serves, registered area by area.

pub mod account;
pub mod admin_api;
pub mod audit_api;
pub mod authorize;
pub mod bootstrap;
pub mod branding;
pub mod client_api;
pub mod consent;
pub mod device;
pub mod directory_api;
pub mod discovery;
pub mod end_session;
pub mod federated;
pub mod health;
pub mod home;
pub mod introspect;
pub mod login;
pub mod members_io_api;
pub mod openapi;
pub mod par;
pub mod password_reset;
pub mod registration;
pub mod revoke;
pub mod second_factor;
pub mod security;
pub mod token;
pub mod userinfo;

use actix_web::web::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    // Paths are tried in this order, and one with a `{segment}` costs a regex match:
    // the fixed protocol paths every relying party calls come first.
    token::configure(cfg);
    userinfo::configure(cfg);
    introspect::configure(cfg);
    revoke::configure(cfg);
    par::configure(cfg);
    discovery::configure(cfg);
    health::configure(cfg);
    home::configure(cfg);
    bootstrap::configure(cfg);
    branding::configure(cfg);
    authorize::configure(cfg);
    login::configure(cfg);
    federated::configure(cfg);
    consent::configure(cfg);
    end_session::configure(cfg);
    account::configure(cfg);
    security::configure(cfg);
    second_factor::configure(cfg);
    admin_api::configure(cfg);
    password_reset::configure(cfg);
    crate::console::configure(cfg);
    device::configure(cfg);
    registration::configure(cfg);
}
