//! Every route `idp` serves, registered area by area.

pub mod bootstrap;
pub mod health;

use actix_web::web::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    health::configure(cfg);
    bootstrap::configure(cfg);
}
