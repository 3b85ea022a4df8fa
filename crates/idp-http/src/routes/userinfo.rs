//! The UserInfo endpoint (OIDC Core §5.3): the signed-in member's claims for the scopes
//! an access token carries, with RFC 6750 errors.

use crate::oauth;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, RETRY_AFTER, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::oidc::claims::member_claims;
use idp_core::oidc::{OAuthErrorCode, scope};
use idp_core::records::UserStatus;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/userinfo", aw::get().to(get))
        .route("/userinfo", aw::post().to(post));
}

fn bearer_error(status: StatusCode, code: Option<&str>, description: &str) -> HttpResponse {
    let challenge = match code {
        Some(c) => {
            format!("Bearer realm=\"idp\", error=\"{c}\", error_description=\"{description}\"")
        }
        None => "Bearer realm=\"idp\"".to_owned(),
    };
    let mut r = HttpResponse::build(status);
    r.insert_header((WWW_AUTHENTICATE, challenge))
        .insert_header((CACHE_CONTROL, "no-store"));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        r.insert_header((RETRY_AFTER, crate::error::RETRY_AFTER_SECS));
    }
    match code {
        Some(c) => r.json(serde_json::json!({"error": c, "error_description": description})),
        None => r.finish(),
    }
}

fn header_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

async fn get(state: aw::Data<AppState>, req: HttpRequest) -> HttpResponse {
    answer(&state, header_token(&req)).await
}

async fn post(state: aw::Data<AppState>, req: HttpRequest, body: aw::Bytes) -> HttpResponse {
    let from_form = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned());
    match (header_token(&req), from_form) {
        (Some(_), Some(_)) => bearer_error(
            StatusCode::BAD_REQUEST,
            Some("invalid_request"),
            "send the token once",
        ),
        (h, f) => answer(&state, h.or(f)).await,
    }
}

async fn answer(state: &AppState, token: Option<String>) -> HttpResponse {
    let Some(token) = token else {
        return bearer_error(StatusCode::UNAUTHORIZED, None, "");
    };
    let keys = state.keys.get();
    let issuer = oauth::issuer(state, &keys);
    let claims = match issuer.verify_access_token(&token).await {
        Ok(c) => c,
        Err(e) if e.code == OAuthErrorCode::TemporarilyUnavailable => {
            return bearer_error(
                StatusCode::SERVICE_UNAVAILABLE,
                Some("temporarily_unavailable"),
                &e.description,
            );
        }
        Err(e) => {
            return bearer_error(
                StatusCode::UNAUTHORIZED,
                Some("invalid_token"),
                &e.description,
            );
        }
    };
    let scopes = claims.scopes();
    if !scopes.iter().any(|s| s == scope::OPENID) {
        return bearer_error(
            StatusCode::FORBIDDEN,
            Some("insufficient_scope"),
            "the token lacks the openid scope",
        );
    }
    let Some(member) = claims.member(&state.subjects) else {
        return bearer_error(
            StatusCode::UNAUTHORIZED,
            Some("invalid_token"),
            "the access token is not for a member",
        );
    };
    let user = match state.stores.users.find_by_id(&member).await {
        Ok(Some(u)) if u.status != UserStatus::Disabled => u,
        Ok(_) => {
            return bearer_error(
                StatusCode::UNAUTHORIZED,
                Some("invalid_token"),
                "the member no longer exists",
            );
        }
        Err(e) => {
            tracing::warn!(error = %e, "userinfo: member lookup failed");
            return bearer_error(
                StatusCode::SERVICE_UNAVAILABLE,
                Some("temporarily_unavailable"),
                "try again",
            );
        }
    };
    let mut answer = member_claims(&user, &scopes, &claims.uclaims);
    // The subject the client knows the member by (pairwise where registered so).
    answer.insert("sub".into(), serde_json::Value::from(claims.sub));
    oauth::json_no_store(&answer)
}
