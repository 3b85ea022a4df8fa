//! The UserInfo endpoint (OIDC Core §5.3): the signed-in member's claims for the scopes
//! an access token carries, with RFC 6750 errors; DPoP-bound tokens (RFC 9449 §7) only
//! with the `DPoP` scheme and a proof of their key.

use crate::oauth;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, RETRY_AFTER, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::oidc::claims::member_claims;
use idp_core::oidc::dpop::{self, Dpop, DpopError, PresentationError, Scheme};
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

/// An access token and how it was presented.
struct Presented {
    token: String,
    scheme: Scheme,
}

fn header_token(req: &HttpRequest) -> Option<Presented> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let scheme = if scheme.eq_ignore_ascii_case("bearer") {
        Scheme::Bearer
    } else if scheme.eq_ignore_ascii_case("dpop") {
        Scheme::Dpop
    } else {
        return None;
    };
    Some(Presented {
        token: token.trim().to_owned(),
        scheme,
    })
}

async fn get(state: aw::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let presented = header_token(&req);
    answer(&state, &req, presented).await
}

async fn post(state: aw::Data<AppState>, req: HttpRequest, body: aw::Bytes) -> HttpResponse {
    let from_form = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| Presented {
            token: v.into_owned(),
            scheme: Scheme::Bearer,
        });
    match (header_token(&req), from_form) {
        (Some(_), Some(_)) => bearer_error(
            StatusCode::BAD_REQUEST,
            Some("invalid_request"),
            "send the token once",
        ),
        (h, f) => answer(&state, &req, h.or(f)).await,
    }
}

/// RFC 9449 §7.1: a refused DPoP presentation, challenged with the `DPoP` scheme.
fn dpop_error(state: &AppState, error: &DpopError) -> HttpResponse {
    if *error == DpopError::Unavailable {
        return bearer_error(
            StatusCode::SERVICE_UNAVAILABLE,
            Some("temporarily_unavailable"),
            "try again",
        );
    }
    let oauth = error.oauth();
    let mut r = HttpResponse::build(StatusCode::UNAUTHORIZED);
    r.insert_header((
        WWW_AUTHENTICATE,
        crate::dpop::challenge(Some((oauth.code.as_str(), &oauth.description))),
    ))
    .insert_header((CACHE_CONTROL, "no-store"));
    if let Some(header) = crate::dpop::nonce_header(state, Some(error)) {
        r.insert_header(header);
    }
    r.json(
        serde_json::json!({"error": oauth.code.as_str(), "error_description": oauth.description}),
    )
}

/// `invalid_token` for a DPoP-bound token, challenged with the scheme it needs.
fn dpop_token_error(description: &str) -> HttpResponse {
    HttpResponse::build(StatusCode::UNAUTHORIZED)
        .insert_header((
            WWW_AUTHENTICATE,
            crate::dpop::challenge(Some(("invalid_token", description))),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({"error": "invalid_token", "error_description": description}))
}

async fn answer(state: &AppState, req: &HttpRequest, presented: Option<Presented>) -> HttpResponse {
    let Some(Presented { token, scheme }) = presented else {
        return bearer_error(StatusCode::UNAUTHORIZED, None, "");
    };
    if scheme == Scheme::Dpop && state.dpop.is_none() {
        return bearer_error(
            StatusCode::UNAUTHORIZED,
            Some("invalid_token"),
            "DPoP is not supported here",
        );
    }
    // RFC 9449 §7: with the DPoP scheme the proof must carry the token's hash (`ath`).
    let proof = if scheme == Scheme::Dpop {
        match crate::dpop::check(state, req, "/userinfo", Some(&token)) {
            Ok(p) => p,
            Err(e) => return dpop_error(state, &e),
        }
    } else {
        None
    };
    let keys = state.keys.get();
    let issuer = oauth::issuer(state, &keys);
    // The proof's single use is recorded in the revocation check's round trip.
    let mark = proof
        .as_ref()
        .zip(state.dpop.as_ref())
        .map(|(p, d)| d.jti_mark(p));
    let entry = mark.as_ref().map(|m| m.entry());
    let claims = match issuer
        .verify_access_token_marking(&token, entry.as_ref())
        .await
    {
        Ok((c, marked)) => {
            if let Err(e) = marked.map_or(Ok(()), Dpop::spent) {
                return dpop_error(state, &e);
            }
            c
        }
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
    match dpop::check_presentation(claims.jkt(), scheme, proof.as_ref()) {
        Ok(()) => {}
        Err(PresentationError::Token(why)) if claims.jkt().is_some() => {
            return dpop_token_error(why);
        }
        Err(PresentationError::Token(why)) => {
            return bearer_error(StatusCode::UNAUTHORIZED, Some("invalid_token"), why);
        }
        Err(PresentationError::Proof(e)) => return dpop_error(state, &e),
    }
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
    let user = match state.stores.users.find_for_tokens(&member).await {
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
    let mut response = oauth::json_no_store(&answer);
    if proof.is_some()
        && let Some((name, value)) = crate::dpop::nonce_header(state, None)
    {
        response.headers_mut().insert(name, value);
    }
    response
}
