//! Token revocation (RFC 7009): the client that holds a token can end it.

use crate::oauth::{self, client_and_token, error_json};
use crate::state::AppState;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpRequest, HttpResponse, web as aw};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/revoke", aw::post().to(revoke))
        .route("/revoke", aw::route().to(crate::oauth::post_only));
}

async fn revoke(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let (auth, token) = match client_and_token(&state, &req, &form, "revoke").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let keys = state.keys.get();
    match oauth::issuer(&state, &keys)
        .revoke(&auth.client, &token)
        .await
    {
        // RFC 7009 §2.2: 200 whether or not the token was known.
        Ok(()) => HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .finish(),
        Err(e) => error_json(&e, auth.basic),
    }
}
