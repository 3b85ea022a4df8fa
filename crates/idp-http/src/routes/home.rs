//! The start page: a signed-in member goes to their account, anyone else reads what
//! this is and where to sign in.

use super::authorize::current_session;
use crate::error::HttpError;
use crate::pages::{MessagePage, render};
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web as aw};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/", aw::get().to(start))
        // Sign-out is a form; someone who types the address is asked to confirm it.
        .route(
            "/logout",
            aw::get().to(|| async { web::see_other("/end_session") }),
        )
        .route("/static/zone.js", aw::get().to(zone_script))
        .route("/static/passkeys.js", aw::get().to(passkey_script));
}

/// The script of the pages that offer passkeys (`data-passkey` forms): the browser's
/// WebAuthn ceremony, from the same origin as the page.
async fn passkey_script() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/javascript; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/passkeys.js"))
}

/// The script every page loads to report the browser's time zone (`lang::ZONE_COOKIE`).
async fn zone_script() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/javascript; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../static/zone.js"))
}

async fn start(state: aw::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, HttpError> {
    if current_session(&state, &req).await?.is_some() {
        return Ok(web::found("/account"));
    }
    let t = crate::lang::from_browser(&req);
    render(
        StatusCode::OK,
        &MessagePage::keys(&t, "landing-title", "landing-message")
            .onward("/login", "landing-sign-in"),
    )
}
