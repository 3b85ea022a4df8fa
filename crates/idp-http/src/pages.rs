//! Rendering askama pages into responses that are never cached.

use crate::error::HttpError;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE};
use askama::Template;
use idp_core::i18n::Tr;

/// A page that says one thing: a title and a sentence, already in the reader's language.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub t: &'a Tr,
    pub title: &'a str,
    pub message: &'a str,
}

impl<'a> MessagePage<'a> {
    /// The page whose title and sentence are the messages `title` and `message`.
    pub fn keys(t: &'a Tr, title: &'a str, message: &'a str) -> MessageOwned<'a> {
        MessageOwned {
            t,
            title: t.t(title),
            message: t.t(message),
            next: None,
        }
    }

    /// Where the reader goes from here: the start page.
    fn way_forward(&self) -> (&str, String) {
        ("/", self.t.t("error-start-page"))
    }
}

/// A [`MessagePage`] whose texts were just looked up.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessageOwned<'a> {
    pub t: &'a Tr,
    pub title: String,
    pub message: String,
    next: Option<(&'static str, String)>,
}

impl<'a> MessageOwned<'a> {
    /// A page whose texts are already in the reader's language.
    pub fn new(t: &'a Tr, title: String, message: String) -> Self {
        Self {
            t,
            title,
            message,
            next: None,
        }
    }

    /// Points the reader on to `href`, labelled with the message `label`, instead of the
    /// start page: the page that ends a flow says where the person goes next.
    pub fn onward(mut self, href: &'static str, label: &str) -> Self {
        self.next = Some((href, self.t.t(label)));
        self
    }

    fn way_forward(&self) -> (&str, String) {
        match &self.next {
            Some((href, label)) => (href, label.clone()),
            None => ("/", self.t.t("error-start-page")),
        }
    }
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

/// Whether a failed request came from a person's browser, who should read a page: it
/// accepts HTML and is not one of the protocol's endpoints, whose errors the specs fix as
/// JSON whoever asks.
pub fn wants_html(req: &actix_web::HttpRequest) -> bool {
    const PROTOCOL: [&str; 10] = [
        "/token",
        "/userinfo",
        "/introspect",
        "/revoke",
        "/register",
        "/par",
        "/device_authorization",
        "/jwks",
        "/.well-known/",
        "/metrics",
    ];
    let path = req.path();
    let protocol =
        PROTOCOL.iter().any(|p| path.starts_with(p)) || matches!(path, "/healthz" | "/readyz");
    !protocol
        && req
            .headers()
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

/// A failed request's page: what went wrong, in the reader's language, and where to go.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: &'a Tr,
    title: String,
    message: String,
    /// The English sentence of a refusal the catalog does not hold, shown under the
    /// translated one for a reader of another language.
    detail: Option<String>,
    operation: Option<String>,
    /// Links onward: (href, label), the first one the main way.
    ways: Vec<(String, String)>,
}

/// The catalog key of a status's page title and sentence.
fn status_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "400",
        401 => "401",
        403 => "403",
        404 | 405 => "404",
        409 => "409",
        410 => "410",
        413 => "413",
        429 => "429",
        503 => "503",
        _ => "500",
    }
}

/// The page a form posted to `path` lives on: where "go back" leads. (Browsers send no
/// `Referer` here: every answer says `Referrer-Policy: no-referrer`.)
fn page_of_form(path: &str) -> Option<&'static str> {
    [
        ("/account/security", "/account/security"),
        ("/account", "/account"),
        ("/admin", "/admin"),
        ("/forgot-password", "/forgot-password"),
        ("/device", "/device"),
    ]
    .into_iter()
    .find(|(prefix, _)| path.starts_with(prefix))
    .map(|(_, page)| page)
}

/// Turns an error answered to a browser (one that accepts HTML) into a page in the
/// layout, keeping the status and headers such as `Retry-After`; API clients, the
/// protocol's endpoints and pages already rendered keep their answer.
pub fn error_page<B: 'static>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let already_a_page = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if already_a_page || !wants_html(res.request()) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    Ok(ErrorHandlerResponse::Future(Box::pin(async move {
        let t = reader_of(&res).await;
        let page = error_page_html(&res, &t);
        let mut response = HttpResponse::build(res.status());
        for (name, value) in res.headers() {
            if name != CONTENT_TYPE && name != CONTENT_LENGTH {
                response.insert_header((name.clone(), value.clone()));
            }
        }
        let response = response
            .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((CACHE_CONTROL, "no-store"))
            .body(page);
        Ok(res.into_response(response).map_into_right_body())
    })))
}

/// Who reads an error page: a signed-in member in their language, zone and
/// organization's branding (its support contact included); anyone else as their browser
/// asks. Refusals under load (429) and a store that is down (503) never wait on a store.
async fn reader_of<B>(res: &actix_web::dev::ServiceResponse<B>) -> Tr {
    let req = res.request();
    let quick = crate::lang::from_browser(req);
    if matches!(res.status().as_u16(), 429 | 503) {
        return quick;
    }
    let Some(state) = req.app_data::<actix_web::web::Data<crate::state::AppState>>() else {
        return quick;
    };
    let member = match crate::routes::authorize::current_session(state, req).await {
        Ok(Some(session)) => state
            .stores
            .users
            .find_for_tokens(&session.user_id)
            .await
            .ok()
            .flatten(),
        _ => None,
    };
    let Some(member) = member else {
        return quick;
    };
    let reader = crate::lang::Reader {
        member: Some(&member),
        ..Default::default()
    };
    crate::lang::tr(state, req, reader).await.unwrap_or(quick)
}

/// The error page's HTML for `res`, read by `t`.
fn error_page_html<B>(res: &actix_web::dev::ServiceResponse<B>, t: &Tr) -> String {
    let status = res.status();
    let req = res.request();
    let code = status_key(status);
    let error = res
        .response()
        .error()
        .and_then(|e| e.as_error::<HttpError>());
    let (message, detail) = match error {
        Some(HttpError::Keyed { key, .. }) => (t.t(key), None),
        Some(
            HttpError::BadRequest(m)
            | HttpError::Unauthorized(m)
            | HttpError::NotFound(m)
            | HttpError::Gone(m)
            | HttpError::Forbidden(m)
            | HttpError::Conflict(m)
            | HttpError::TooManyRequests(m)
            | HttpError::PayloadTooLarge(m),
        ) => {
            // idp-core's sentences are English; a reader of English reads only that.
            if t.language() == idp_core::i18n::Language::En {
                (m.clone(), None)
            } else {
                (t.t(&format!("error-message-{code}")), Some(m.clone()))
            }
        }
        _ => (t.t(&format!("error-message-{code}")), None),
    };
    let operation = res
        .response()
        .extensions()
        .get::<crate::error::OperationId>()
        .map(|o| o.0.clone());
    let mut ways = Vec::new();
    if status == StatusCode::UNAUTHORIZED {
        ways.push(("/account".to_owned(), t.t("error-sign-in")));
    }
    if req.method() == actix_web::http::Method::GET {
        if matches!(code, "429" | "503" | "500") {
            ways.push((req.uri().to_string(), t.t("error-try-again")));
        }
    } else if let Some(page) = page_of_form(req.path()) {
        ways.push((page.to_owned(), t.t("error-go-back")));
    }
    ways.push(("/".to_owned(), t.t("error-start-page")));
    let page = ErrorPage {
        title: t.t(&format!("error-title-{code}")),
        message,
        detail,
        operation,
        ways,
        t,
    };
    page.render().unwrap_or_else(|_| page.message.clone())
}

/// What an address no route answers gets: a page for a browser, JSON for the rest.
pub async fn not_found() -> Result<HttpResponse, HttpError> {
    Err(HttpError::keyed(StatusCode::NOT_FOUND, "error-message-404"))
}

#[cfg(test)]
mod error_page_tests {
    use super::*;
    use actix_web::middleware::ErrorHandlers;
    use actix_web::{App, test as actix_test, web};

    async fn answer(path: &str, accept: &str, language: &str) -> (StatusCode, String, String) {
        let app = actix_test::init_service(
            App::new()
                .wrap(ErrorHandlers::new().default_handler(error_page))
                .route(
                    "/broken",
                    web::get().to(|| async {
                        Err::<HttpResponse, _>(HttpError::Internal("the disk is on fire".into()))
                    }),
                )
                .route(
                    "/token",
                    web::post().to(|| async {
                        Err::<HttpResponse, _>(HttpError::BadRequest("bad".into()))
                    }),
                )
                .default_service(web::to(not_found)),
        )
        .await;
        let method = if path == "/token" {
            actix_web::http::Method::POST
        } else {
            actix_web::http::Method::GET
        };
        let req = actix_test::TestRequest::default()
            .method(method)
            .uri(path)
            .insert_header((ACCEPT, accept))
            .insert_header((actix_web::http::header::ACCEPT_LANGUAGE, language))
            .to_request();
        let res = actix_test::call_service(&app, req).await;
        let status = res.status();
        let kind = res
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = actix_test::read_body(res).await;
        (status, kind, String::from_utf8_lossy(&body).into_owned())
    }

    #[actix_web::test]
    async fn an_internal_error_tells_a_browser_its_operation_id_and_never_the_cause() {
        let (status, kind, page) = answer("/broken", "text/html", "ja").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(kind.starts_with("text/html"), "{kind}");
        assert!(page.contains("<html lang=\"ja\">"), "{page}");
        assert!(page.contains("問題が発生しました"), "{page}");
        assert!(!page.contains("disk"), "the cause stays in the log: {page}");
        let (_, _, json) = answer("/broken", "application/json", "ja").await;
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let id = json["operation_id"].as_str().unwrap();
        assert!(id.len() >= 16, "{json}");
        // Each failure has its own id, and the page shows the one logged.
        let (_, _, page) = answer("/broken", "text/html", "en").await;
        let at = page.find("Reference for your administrator: ").unwrap() + 34;
        let shown = &page[at..at + page[at..].find('<').unwrap()];
        assert_eq!(shown.len(), id.len(), "{page}");
        assert_ne!(shown, id);
    }

    #[actix_web::test]
    async fn protocol_endpoints_and_api_clients_keep_json() {
        let (status, kind, _) = answer("/token", "text/html", "en").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(kind.starts_with("application/json"), "{kind}");
        let (status, kind, _) = answer("/nowhere", "*/*", "en").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(kind.starts_with("application/json"), "{kind}");
        let (status, kind, page) = answer("/nowhere", "text/html", "es").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(kind.starts_with("text/html"), "{kind}");
        assert!(page.contains("Página no encontrada"), "{page}");
    }

    #[test]
    fn every_status_has_a_title_and_a_sentence() {
        let en = Tr::new(idp_core::i18n::Language::En);
        for code in [400, 401, 403, 404, 405, 409, 410, 413, 429, 500, 502, 503] {
            let key = status_key(StatusCode::from_u16(code).unwrap());
            for kind in ["title", "message"] {
                let name = format!("error-{kind}-{key}");
                assert!(!en.t(&name).is_empty(), "{code}: {name}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use idp_core::i18n::{Language, catalog_keys};
    use std::path::{Path, PathBuf};

    fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, ext, out);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }

    fn key_shaped(s: &str) -> bool {
        s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    }

    /// The message keys in `text`: the string literals that directly open a call of
    /// `t`, `t1`, `t2` or `message` (templates and Rust alike), both of
    /// `MessagePage::keys` and the three of the console's `say`.
    fn keys_in(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        // (call, how many literals it names, whether the first is its first argument)
        for (call, literals, first) in [
            (".t(", 1, true),
            (".t1(", 1, true),
            (".t2(", 1, true),
            (".message(", 1, true),
            (".say(", 3, false),
            ("MessagePage::keys(", 2, false),
            ("HttpError::keyed(", 1, false),
            (".onward(", 2, true),
        ] {
            for (at, _) in text.match_indices(call) {
                let mut rest = &text[at + call.len()..];
                for n in 0..literals {
                    let Some(open) = rest.find('"') else { break };
                    // Only a literal that comes next (after `&t, ` at most); a key held
                    // in a variable is not one, nor are the names of its variables.
                    let before = &rest[..open];
                    if before.contains(['(', ')', ';', '{', '"'])
                        || (first && n == 0 && !before.trim().is_empty())
                    {
                        break;
                    }
                    let after = &rest[open + 1..];
                    let Some(close) = after.find('"') else { break };
                    let key = &after[..close];
                    if key_shaped(key) {
                        keys.push(key.to_owned());
                    }
                    rest = &after[close + 1..];
                }
            }
        }
        keys
    }

    /// Every message key a template or handler asks for is in the English catalog (the
    /// completeness test in idp-core holds the other languages to English).
    #[test]
    fn every_key_used_exists() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut sources = Vec::new();
        files(&crates.join("idp-http/templates"), "html", &mut sources);
        files(&crates.join("idp-http/src"), "rs", &mut sources);
        files(&crates.join("idp-core/src"), "rs", &mut sources);
        let english = catalog_keys(Language::En);
        let mut used = 0;
        let mut missing = Vec::new();
        for path in &sources {
            let text = std::fs::read_to_string(path).unwrap();
            // The catalog's own test asks for a key that must not exist.
            for key in keys_in(&text).into_iter().filter(|k| k != "no-such-key") {
                used += 1;
                if !english.contains(&key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys no catalog has:\n{}",
            missing.join("\n")
        );
        assert!(
            used > 150,
            "only {used} keys found: is the scan still right?"
        );
    }

    /// The console's catalog has no message nothing asks for: each of its keys is named
    /// by a console template or handler.
    #[test]
    fn every_console_key_is_used() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut sources = Vec::new();
        files(
            &crates.join("idp-http/templates/console"),
            "html",
            &mut sources,
        );
        files(&crates.join("idp-http/src/console"), "rs", &mut sources);
        // idp-core's refusals say themselves in the console's words (`message(&Tr)`).
        files(&crates.join("idp-core/src"), "rs", &mut sources);
        let used: std::collections::BTreeSet<String> = sources
            .iter()
            .flat_map(|p| keys_in(&std::fs::read_to_string(p).unwrap()))
            .collect();
        let unused: Vec<_> = catalog_keys(Language::En)
            .into_iter()
            .filter(|k| k.starts_with("console-") && !used.contains(k))
            .collect();
        assert!(unused.is_empty(), "console keys nothing uses: {unused:?}");
    }

    /// Words a console template may show as they are: names of products and formats.
    const VERBATIM: [&str; 4] = ["Google", "Microsoft", "CSV", "Excel"];

    /// What a template shows as it is: text between tags, and the values of `title`,
    /// `aria-label` and `label` attributes, once template expressions and tags are
    /// taken out. Anything left with a letter in it was not looked up in a catalog.
    fn bare_text(template: &str) -> Vec<String> {
        let mut text = String::new();
        let mut rest = template;
        // Expressions and statements become a space.
        while let Some(at) = rest.find(['{']) {
            text.push_str(&rest[..at]);
            let tail = &rest[at..];
            let close = match tail.get(..2) {
                Some("{{") => "}}",
                Some("{%") => "%}",
                Some("{#") => "#}",
                _ => {
                    text.push('{');
                    rest = &tail[1..];
                    continue;
                }
            };
            match tail.find(close) {
                Some(end) => {
                    text.push(' ');
                    rest = &tail[end + 2..];
                }
                None => break,
            }
        }
        text.push_str(rest);
        let mut found = Vec::new();
        for attr in ["aria-label=\"", "title=\"", " label=\""] {
            for (at, _) in text.match_indices(attr) {
                let value = &text[at + attr.len()..];
                let value = &value[..value.find('"').unwrap_or(value.len())];
                found.push(value.to_owned());
            }
        }
        let mut inside = false;
        let mut node = String::new();
        for c in text.chars() {
            match c {
                '<' => {
                    found.push(std::mem::take(&mut node));
                    inside = true;
                }
                '>' => inside = false,
                c if !inside => node.push(c),
                _ => {}
            }
        }
        found.push(node);
        found
            .into_iter()
            .map(|t| {
                VERBATIM
                    .iter()
                    .fold(t, |t, w| t.replace(w, ""))
                    .trim()
                    .to_owned()
            })
            .filter(|t| t.chars().any(char::is_alphabetic))
            .collect()
    }

    /// Every console page takes its visible words from the catalogs.
    #[test]
    fn console_templates_have_no_bare_text() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/console");
        let mut templates = Vec::new();
        files(&dir, "html", &mut templates);
        assert!(templates.len() > 15);
        let mut bare = Vec::new();
        for path in &templates {
            for text in bare_text(&std::fs::read_to_string(path).unwrap()) {
                bare.push(format!("{}: {text:?}", path.display()));
            }
        }
        assert!(
            bare.is_empty(),
            "text not from a catalog:\n{}",
            bare.join("\n")
        );
    }

    #[test]
    fn bare_text_is_found() {
        let page = r#"<h1>{{ frame.t.t("console-orgs-title") }}</h1>
            <p>Skipped, <a href="/x" aria-label="Go">{% if a %}{{ b }}{% endif %}</a></p>
            <option>Google</option><button title="{{ t }}">{{ x }}</button>"#;
        assert_eq!(bare_text(page), ["Go", "Skipped,"]);
    }

    #[test]
    fn the_scan_finds_keys() {
        let text = r#"{{ t.t("login-title") }} {{ t.t1("codes-left", "count", n) }}
            t.t(key) t.t1(key, "count", 3) MessagePage::keys(&t, "link-dead-title", "link-dead-message")
            console.say(StatusCode::BAD_REQUEST, "console-stale-title", "console-stale-message", "console-go-back", &back)
            t.message("console-import-progress", &[("status", &s)])"#;
        assert_eq!(
            keys_in(text),
            [
                "login-title",
                "codes-left",
                "console-import-progress",
                "console-stale-title",
                "console-stale-message",
                "console-go-back",
                "link-dead-title",
                "link-dead-message"
            ]
        );
    }
}
