//! The pushed authorization request endpoint (RFC 9126): the client authenticates as at
//! the token endpoint, its request is validated as `/authorize` would, and it gets a
//! single-use `request_uri` for the browser to carry. Errors are JSON, never redirects.

use crate::oauth::{authenticate_client_for, error_json};
use crate::state::AppState;
use actix_web::http::header::{CACHE_CONTROL, PRAGMA};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::oidc::par::{self, RequestPolicy};
use std::time::Duration;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/par", aw::post().to(push))
        .route("/par", aw::route().to(crate::oauth::post_only));
}

/// The deployment's rules for authorization requests, from `[par]`.
pub fn request_policy(state: &AppState) -> RequestPolicy<'_> {
    RequestPolicy {
        issuer: state.settings.issuer(),
        request_uri_ttl: Duration::from_secs(state.settings.par.request_uri_ttl_secs),
        require_pushed: state.settings.par.require_pushed_authorization_requests,
    }
}

async fn push(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let form = form.into_inner();
    let base = state.settings.issuer().trim_end_matches('/');
    // RFC 9126 §2: an assertion may name the issuer, the token endpoint or this endpoint.
    let (token, here) = (format!("{base}/token"), format!("{base}/par"));
    let auth = match authenticate_client_for(&state, &req, &form, &[&token, &here]).await {
        Ok(a) => a,
        Err(e) => return e.response(),
    };
    let now = state.stores.clock.now();
    match par::push(
        state.stores.ephemeral.as_ref(),
        state.stores.random.as_ref(),
        &auth.client,
        &form,
        &request_policy(&state),
        now,
    )
    .await
    {
        // RFC 9126 §2.2: 201 with the request_uri and its lifetime.
        Ok(pushed) => HttpResponse::Created()
            .insert_header((CACHE_CONTROL, "no-store"))
            .insert_header((PRAGMA, "no-cache"))
            .json(pushed),
        Err(e) => {
            tracing::info!(client_id = %auth.client.id, error = %e, "pushed authorization request refused");
            error_json(&e, auth.basic)
        }
    }
}
