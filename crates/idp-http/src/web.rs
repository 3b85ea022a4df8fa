//! Browser plumbing shared by the pages: cookies (session and CSRF), the request's
//! origin, and redirects that never cache.

use crate::error::HttpError;
use crate::state::AppState;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::{HttpRequest, HttpResponse};
use idp_core::random::token;
use idp_core::signin::Origin;
use subtle::ConstantTimeEq as _;

/// Cookie names: `__Host-` requires Secure, which a plain-http loopback issuer cannot set.
pub struct CookieNames {
    pub session: &'static str,
    pub csrf: &'static str,
    /// A sign-in whose password is proven and whose second factor is not yet.
    pub second_factor: &'static str,
    /// A sign-in gone to an upstream provider, binding its `state` to this browser.
    pub federation: &'static str,
    pub secure: bool,
}

pub fn cookie_names(state: &AppState) -> CookieNames {
    if state.settings.issuer().starts_with("https://") {
        CookieNames {
            session: "__Host-idp_session",
            csrf: "__Host-idp_csrf",
            second_factor: "__Host-idp_2f",
            federation: "__Host-idp_fed",
            secure: true,
        }
    } else {
        CookieNames {
            session: "idp_session",
            csrf: "idp_csrf",
            second_factor: "idp_2f",
            federation: "idp_fed",
            secure: false,
        }
    }
}

fn cookie(
    name: &'static str,
    value: String,
    secure: bool,
    max_age: Option<CookieDuration>,
) -> Cookie<'static> {
    let mut c = Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish();
    if let Some(age) = max_age {
        c.set_max_age(age);
    }
    c
}

pub fn session_cookie(state: &AppState, value: String) -> Cookie<'static> {
    let names = cookie_names(state);
    cookie(names.session, value, names.secure, None)
}

pub fn expired_session_cookie(state: &AppState) -> Cookie<'static> {
    let names = cookie_names(state);
    cookie(
        names.session,
        String::new(),
        names.secure,
        Some(CookieDuration::ZERO),
    )
}

pub fn second_factor_cookie(state: &AppState, value: String) -> Cookie<'static> {
    let names = cookie_names(state);
    cookie(names.second_factor, value, names.secure, None)
}

pub fn expired_second_factor_cookie(state: &AppState) -> Cookie<'static> {
    let names = cookie_names(state);
    cookie(
        names.second_factor,
        String::new(),
        names.secure,
        Some(CookieDuration::ZERO),
    )
}

pub fn second_factor_cookie_value(state: &AppState, req: &HttpRequest) -> Option<String> {
    req.cookie(cookie_names(state).second_factor)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The cookie binding an upstream sign-in to this browser; an empty value removes it.
pub fn federation_cookie(state: &AppState, value: String) -> Cookie<'static> {
    let names = cookie_names(state);
    let max_age = value.is_empty().then_some(CookieDuration::ZERO);
    cookie(names.federation, value, names.secure, max_age)
}

pub fn federation_cookie_value(state: &AppState, req: &HttpRequest) -> Option<String> {
    req.cookie(cookie_names(state).federation)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

pub fn session_cookie_value(state: &AppState, req: &HttpRequest) -> Option<String> {
    req.cookie(cookie_names(state).session)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The CSRF token of this browser, and the cookie to set when it is new.
pub fn csrf_token(state: &AppState, req: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    let names = cookie_names(state);
    match req
        .cookie(names.csrf)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() >= 43)
    {
        Some(existing) => (existing, None),
        None => {
            let fresh = token(state.stores.random.as_ref());
            (
                fresh.clone(),
                Some(cookie(names.csrf, fresh, names.secure, None)),
            )
        }
    }
}

/// A form must carry the token its browser's cookie holds (double submit).
pub fn check_csrf(state: &AppState, req: &HttpRequest, submitted: &str) -> Result<(), HttpError> {
    let cookie = req
        .cookie(cookie_names(state).csrf)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if cookie.len() >= 43 && bool::from(cookie.as_bytes().ct_eq(submitted.as_bytes())) {
        Ok(())
    } else {
        Err(HttpError::keyed(
            actix_web::http::StatusCode::FORBIDDEN,
            "form-expired",
        ))
    }
}

/// Where a request came from. The address is the peer's, or, behind a trusted proxy,
/// the one the proxy forwarded.
pub fn origin(req: &HttpRequest) -> Origin {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let trusted = req
        .app_data::<actix_web::web::Data<AppState>>()
        .map(|s| s.trusted_proxies.as_slice())
        .unwrap_or_default();
    let ip = idp_core::policy::client_ip(
        req.peer_addr().map(|a| a.ip()),
        header("x-forwarded-for"),
        header("forwarded"),
        trusted,
    );
    Origin {
        ip: ip.map(|a| a.to_string()),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
    }
}

/// 303 See Other, so a POST is followed by a GET.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .insert_header((CACHE_CONTROL, "no-store"))
        .finish()
}

/// 302 Found, as authorization responses use.
pub fn found(location: &str) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((LOCATION, location))
        .insert_header((CACHE_CONTROL, "no-store"))
        .finish()
}

/// Adds cookies to a response.
pub fn with_cookies(
    mut response: HttpResponse,
    cookies: &[Cookie<'_>],
) -> Result<HttpResponse, HttpError> {
    for c in cookies {
        response
            .add_cookie(c)
            .map_err(|e| HttpError::Internal(e.to_string()))?;
    }
    Ok(response)
}

/// Adds a cookie to a response (such as a new CSRF cookie), when there is one.
pub fn with_cookie(
    mut response: HttpResponse,
    cookie: Option<Cookie<'_>>,
) -> Result<HttpResponse, HttpError> {
    if let Some(c) = cookie {
        response
            .add_cookie(&c)
            .map_err(|e| HttpError::Internal(e.to_string()))?;
    }
    Ok(response)
}

/// Holds `value` as JSON in the ephemeral store for `ttl`.
pub async fn put_json<T: serde::Serialize>(
    state: &AppState,
    key: &str,
    value: &T,
    ttl: std::time::Duration,
) -> Result<(), HttpError> {
    let bytes = serde_json::to_vec(value).map_err(|e| HttpError::Internal(e.to_string()))?;
    state.stores.ephemeral.put(key, &bytes, ttl).await?;
    Ok(())
}

/// The JSON value under `key`; `None` when it is missing or unreadable.
pub async fn get_json<T: serde::de::DeserializeOwned>(
    state: &AppState,
    key: &str,
) -> Result<Option<T>, HttpError> {
    Ok(state
        .stores
        .ephemeral
        .get(key)
        .await?
        .and_then(|b| serde_json::from_slice(&b).ok()))
}

/// Takes the JSON value under `key` in one step, so only one caller ever gets it.
pub async fn take_json<T: serde::de::DeserializeOwned>(
    state: &AppState,
    key: &str,
) -> Result<Option<T>, HttpError> {
    Ok(state
        .stores
        .ephemeral
        .take(key)
        .await?
        .and_then(|b| serde_json::from_slice(&b).ok()))
}
