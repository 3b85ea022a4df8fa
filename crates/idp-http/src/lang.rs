//! The language and time zone of a page: gathers what the sign-in, the member and the
//! browser say and lets `idp_core::i18n::negotiate` decide.

use crate::error::HttpError;
use crate::oauth::Pending;
use crate::state::AppState;
use actix_web::HttpRequest;
use actix_web::http::header::ACCEPT_LANGUAGE;
use idp_core::i18n::{Language, LanguageWishes, Tr, negotiate, parse_time_zone};
use idp_core::ids::OrgId;
use idp_core::records::User;

/// What a page knows about its reader.
#[derive(Clone, Copy, Default)]
pub struct Reader<'a> {
    /// The authorization being signed in for (its `ui_locales`).
    pub pending: Option<&'a Pending>,
    /// `ui_locales` sent with a request that has no pending sign-in (RP-initiated logout).
    pub ui_locales: Option<&'a str>,
    /// The member, once known (their saved language and time zone).
    pub member: Option<&'a User>,
    /// The organization whose default applies when no member is known yet (the
    /// application's).
    pub org: Option<&'a OrgId>,
}

fn accept_language(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
}

/// The messages for this request's reader, with the branding of the organization they
/// read for (the member's once known, else the application's). The organization's
/// default language is read only when nothing the reader sent names a shipped language.
/// The messages for a signed-in member, or the member a link is for: their saved
/// language, then the browser's, in their organization's brand.
pub async fn for_member(
    state: &AppState,
    req: &HttpRequest,
    user: &idp_core::records::User,
) -> Result<Tr, HttpError> {
    let reader = Reader {
        member: Some(user),
        ..Default::default()
    };
    tr(state, req, reader).await
}

pub async fn tr(state: &AppState, req: &HttpRequest, reader: Reader<'_>) -> Result<Tr, HttpError> {
    let wishes = LanguageWishes {
        ui_locales: reader
            .pending
            .and_then(|p| p.request.ui_locales.as_deref())
            .or(reader.ui_locales),
        member: reader.member.and_then(|u| u.locale.as_deref()),
        accept_language: accept_language(req),
    };
    let language = match wishes.wished() {
        Some(language) => language,
        None => {
            let org = reader.member.map(|m| &m.org_id).or(reader.org);
            let default = match org {
                Some(org) => {
                    idp_core::policy::policy_of_org(&state.stores, org)
                        .await?
                        .default_language
                }
                None => None,
            };
            negotiate(&wishes, default)
        }
    };
    let org = reader.member.map(|m| &m.org_id).or(reader.org);
    let tr = branded(state, Tr::new(language), org).await?;
    let saved = reader.member.and_then(|m| m.zoneinfo.as_deref());
    Ok(in_zone(tr, req, saved))
}

/// The cookie `static/zone.js` sets to the browser's IANA time zone.
pub const ZONE_COOKIE: &str = "idp_tz";

/// `tr` in the member's saved time zone, else the browser's, else UTC.
fn in_zone(tr: Tr, req: &HttpRequest, saved: Option<&str>) -> Tr {
    let browser = req.cookie(ZONE_COOKIE);
    let zone = saved
        .and_then(|z| parse_time_zone(z).ok())
        .or_else(|| browser.and_then(|c| parse_time_zone(c.value()).ok()));
    match zone {
        Some(zone) => tr.in_zone(zone),
        None => tr,
    }
}

/// `tr` with the branding of `org`, when it has any.
pub async fn branded(state: &AppState, tr: Tr, org: Option<&OrgId>) -> Result<Tr, HttpError> {
    Ok(match org {
        Some(org) => tr.branded(idp_core::branding::brand_of(&state.stores, org).await?),
        None => tr,
    })
}

/// The messages for a reader known only by their browser: pages that must not wait on
/// a store (refusals, errors).
pub fn from_browser(req: &HttpRequest) -> Tr {
    let language = negotiate(
        &LanguageWishes {
            accept_language: accept_language(req),
            ..LanguageWishes::default()
        },
        None,
    );
    in_zone(Tr::new(language), req, None)
}

/// The languages a switcher offers, each with its own name.
pub fn choices() -> Vec<(&'static str, &'static str)> {
    Language::ALL
        .iter()
        .map(|l| (l.as_str(), l.native_name()))
        .collect()
}
