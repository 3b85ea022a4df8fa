//! Registration tokens: the initial access tokens of dynamic client registration (RFC
//! 7591) for the organizations an administrator holds `clients` over: issue one (shown
//! once), see which are usable, revoke one. The rules are `idp_core::oidc::registration`'s,
//! shared with the command line and the API.

use super::members::open;
use super::{Console, Frame};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::authz::Permission;
use idp_core::oidc::registration;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/registration-tokens", aw::get().to(show))
        .route("/admin/registration-tokens", aw::post().to(submit));
}

struct Row {
    id: String,
    org: String,
    created: String,
    expires: String,
    usable: bool,
}

#[derive(Template)]
#[template(path = "console/registration_tokens.html")]
struct TokensPage {
    frame: Frame,
    enabled: bool,
    notice: Option<String>,
    error: Option<String>,
    token: Option<String>,
    orgs: Vec<(String, String)>,
    rows: Vec<Row>,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    console: &Console,
    status: StatusCode,
    (notice, error, token): (Option<String>, Option<String>, Option<String>),
) -> Result<HttpResponse, HttpError> {
    let orgs = super::orgs_holding(state, console, Permission::Clients).await?;
    let now = state.stores.clock.now();
    let mut rows = Vec::new();
    for (org, label) in &orgs {
        let tokens = match registration::list_initial_tokens(
            &state.stores,
            &console.actor,
            &web::origin(req),
            org.id.as_str(),
        )
        .await
        {
            Ok(t) => t,
            Err(e) => return console.refusal(e, "/admin/clients"),
        };
        rows.extend(tokens.into_iter().map(|t| Row {
            usable: t.is_usable(now),
            id: t.id,
            org: label.clone(),
            created: console.when(Some(t.created_at)),
            expires: t.expires_at.map_or_else(
                || console.t.t("console-token-never-expires"),
                |e| console.when(Some(e)),
            ),
        }));
    }
    console.page(
        status,
        &TokensPage {
            frame: console.frame(console.t.t("console-tokens-title"), "clients"),
            enabled: state.settings.registration.enabled,
            notice,
            error,
            token,
            orgs: orgs
                .into_iter()
                .map(|(org, label)| (org.id.to_string(), label))
                .collect(),
            rows,
        },
    )
}

async fn show(state: aw::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    page(&state, &req, &console, StatusCode::OK, (None, None, None)).await
}

#[derive(serde::Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    expires: String,
    #[serde(default)]
    id: String,
}

async fn submit(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<TokenForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    if let Some(stale) =
        console.stale_form(&state, &req, &form.csrf, "/admin/registration-tokens")?
    {
        return Ok(stale);
    }
    let origin = web::origin(&req);
    if form.action == "revoke" {
        return match registration::revoke_initial_token(
            &state.stores,
            &console.actor,
            &origin,
            &form.id,
        )
        .await
        {
            Ok(t) => {
                let notice = console.t.t1("console-token-revoked", "id", t.id.as_str());
                page(
                    &state,
                    &req,
                    &console,
                    StatusCode::OK,
                    (Some(notice), None, None),
                )
                .await
            }
            Err(e) => console.refusal(e, "/admin/registration-tokens"),
        };
    }
    let lifetime = match form.expires.trim() {
        "" => None,
        text => match registration::parse_lifetime(text) {
            Some(l) => Some(l),
            None => {
                let error = console.t.t("console-token-bad-lifetime");
                return page(
                    &state,
                    &req,
                    &console,
                    StatusCode::BAD_REQUEST,
                    (None, Some(error), None),
                )
                .await;
            }
        },
    };
    match registration::create_initial_token(
        &state.stores,
        &console.actor,
        &origin,
        &form.org,
        lifetime,
    )
    .await
    {
        Ok((_, value)) => {
            page(
                &state,
                &req,
                &console,
                StatusCode::OK,
                (None, None, Some(value.expose().to_owned())),
            )
            .await
        }
        Err(e) => console.refusal(e, "/admin/registration-tokens"),
    }
}
