//! Rendering askama pages into responses that are never cached.

use crate::error::HttpError;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use askama::Template;

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub title: &'a str,
    pub message: &'a str,
}

pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, HttpError> {
    let html = page
        .render()
        .map_err(|e| HttpError::Internal(format!("template: {e}")))?;
    Ok(HttpResponse::build(status)
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(html))
}

/// Turns a 503 for a browser (one that accepts HTML) into a page that says to try again
/// shortly, keeping the status and `Retry-After`; API clients keep their JSON.
pub fn unavailable_page<B>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let wants_html = res
        .request()
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if !wants_html {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let page = MessagePage {
        title: "Temporarily unavailable",
        message: "This service cannot answer right now. Please try again in a few seconds.",
    };
    let html = page.render().unwrap_or_else(|_| page.message.to_owned());
    let response = HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((RETRY_AFTER, crate::error::RETRY_AFTER_SECS))
        .body(html);
    Ok(ErrorHandlerResponse::Response(
        res.into_response(response).map_into_right_body(),
    ))
}
