//! The administrators' JSON API. A call from a browser authenticates with the
//! administrator's session and carries the CSRF token in `X-CSRF-Token`.

use super::authorize::current_session;
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::ids::UserId;
use idp_core::mfa::{self, ResetBy};
use idp_core::records::User;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route(
        "/admin/api/members/{id}/second-factor/reset",
        aw::post().to(reset_second_factor),
    );
}

/// The administrator making this call.
async fn caller(state: &AppState, req: &HttpRequest) -> Result<User, HttpError> {
    let header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    web::check_csrf(state, req, header)?;
    let session = current_session(state, req)
        .await?
        .ok_or_else(|| HttpError::Unauthorized("sign in first".into()))?;
    state
        .stores
        .users
        .find_by_id(&session.user_id)
        .await?
        .ok_or_else(|| HttpError::Unauthorized("sign in first".into()))
}

async fn reset_second_factor(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let admin = caller(&state, &req).await?;
    let target = state
        .stores
        .users
        .find_by_id(&UserId::from_string(path.into_inner()))
        .await?
        .ok_or_else(|| HttpError::NotFound("no such member".into()))?;
    mfa::reset_by_admin(
        &state.stores,
        ResetBy::Administrator(&admin),
        &target,
        &web::origin(&req),
    )
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "member_id": target.id,
        "second_factor": "reset",
    })))
}
