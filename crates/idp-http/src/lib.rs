//! The `idp` server: HTTP endpoints and pages over `idp-core`'s use cases, start-up
//! wiring, configuration and the command line.

pub mod backchannel;
pub mod caches;
pub mod cli;
pub mod console;
pub mod cors;
pub mod dpop;
pub mod error;
pub mod fetch;
pub mod lang;
pub mod members_files;
pub mod metrics;
pub mod oauth;
pub mod pages;
pub mod routes;
pub mod server;
pub mod settings;
pub mod sms;
pub mod state;
pub mod telemetry;
pub mod throttling;
pub mod upstream;
pub mod web;
pub mod wiring;
