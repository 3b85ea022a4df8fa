//! Token introspection (RFC 7662) for the client that holds the token.

use crate::oauth::{self, client_and_token, error_json, json_no_store};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web as aw};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/introspect", aw::post().to(introspect))
        .route("/introspect", aw::route().to(crate::oauth::post_only));
}

async fn introspect(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let (auth, token) = match client_and_token(&state, &req, &form, "introspect").await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let keys = state.keys.get();
    match oauth::issuer(&state, &keys)
        .introspect(&auth.client, &token)
        .await
    {
        Ok(body) => json_no_store(&body),
        Err(e) => error_json(&e, auth.basic),
    }
}
