//! Rendering askama pages into responses that are never cached.

use crate::error::HttpError;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
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
        }
    }
}

/// A [`MessagePage`] whose texts were just looked up.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessageOwned<'a> {
    pub t: &'a Tr,
    pub title: String,
    pub message: String,
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
    let t = crate::lang::from_browser(res.request());
    let page = MessagePage::keys(&t, "unavailable-title", "unavailable-message");
    let html = page.render().unwrap_or_else(|_| page.message.clone());
    let response = HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((RETRY_AFTER, crate::error::RETRY_AFTER_SECS))
        .body(html);
    Ok(ErrorHandlerResponse::Response(
        res.into_response(response).map_into_right_body(),
    ))
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
