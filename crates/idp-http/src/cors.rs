//! Cross-origin requests from browser-based applications (the Fetch standard's CORS
//! protocol) to the endpoints such an application calls itself: discovery, JWKS, token,
//! pushed authorization requests, userinfo, revocation and introspection. Only the web origins of registered public
//! clients are allowed; the authorization endpoint and the pages a person reads answer
//! no CORS headers at all, so no other site can read them.

use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};

const PATHS: &[&str] = &[
    "/.well-known/openid-configuration",
    "/jwks",
    "/token",
    "/par",
    "/userinfo",
    "/revoke",
    "/introspect",
];

/// What a preflight may ask to send: client authentication, form and JSON bodies, and
/// DPoP proofs.
const ALLOW_HEADERS: &str = "Authorization, Content-Type, DPoP";
const ALLOW_METHODS: &str = "GET, POST";
/// What a page may read of an answer beyond the basics: the challenge of a 401 and the
/// server's DPoP nonce.
const EXPOSE_HEADERS: &str = "WWW-Authenticate, DPoP-Nonce, Retry-After";
const PREFLIGHT_MAX_AGE: &str = "600";

pub async fn cors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if !PATHS.contains(&req.path()) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let origin = req.headers().get(header::ORIGIN).cloned();
    let allowed = match (&origin, req.app_data::<web::Data<AppState>>()) {
        (Some(origin), Some(state)) => match origin.to_str() {
            Ok(text) => state
                .clients
                .browser_origins(&state.stores)
                .await
                .map(|origins| origins.contains(text))
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "CORS: the registered origins could not be read");
                    false
                }),
            Err(_) => false,
        },
        _ => false,
    };
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        let mut answer = if allowed {
            HttpResponse::NoContent()
        } else {
            HttpResponse::build(StatusCode::FORBIDDEN)
        };
        answer.insert_header((header::VARY, "Origin"));
        if let (true, Some(origin)) = (allowed, origin) {
            answer
                .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
                .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS))
                .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS))
                .insert_header((header::ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE));
        }
        return Ok(req.into_response(answer.finish()));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let (true, Some(origin)) = (allowed, origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
    Ok(res)
}
