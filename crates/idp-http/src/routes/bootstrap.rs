//! The first-run page: the one-time link printed at start-up lets the first person
//! create the main organization and its super administrator.

use crate::error::HttpError;
use crate::pages::{MessagePage, render};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use idp_core::admin::{self, AdminError, FirstAdmin, PASSWORD_MIN};
use idp_core::i18n::Tr;
use idp_core::secret::Password;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/bootstrap", web::get().to(show))
        .route("/bootstrap", web::post().to(submit));
}

#[derive(Template)]
#[template(path = "bootstrap.html")]
struct BootstrapPage<'a> {
    t: &'a Tr,
    token: &'a str,
    org_name: &'a str,
    email: &'a str,
    name: &'a str,
    error: Option<String>,
    min_len: usize,
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn link_gone(t: &Tr) -> Result<HttpResponse, HttpError> {
    render(
        StatusCode::GONE,
        &MessagePage::keys(t, "link-dead-title", "bootstrap-link-dead"),
    )
}

async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, HttpError> {
    let t = crate::lang::from_browser(&req);
    if query.token.is_empty()
        || !admin::bootstrap_token_is_live(&state.stores, &query.token).await?
    {
        return link_gone(&t);
    }
    render(
        StatusCode::OK,
        &BootstrapPage {
            t: &t,
            token: &query.token,
            org_name: "",
            email: "",
            name: "",
            error: None,
            min_len: PASSWORD_MIN,
        },
    )
}

#[derive(Deserialize)]
struct BootstrapForm {
    token: String,
    org_name: String,
    email: String,
    #[serde(default)]
    name: String,
    password: String,
    password_confirm: String,
}

async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<BootstrapForm>,
) -> Result<HttpResponse, HttpError> {
    let form = form.into_inner();
    let t = crate::lang::from_browser(&req);
    let again = |error: String| {
        render(
            StatusCode::BAD_REQUEST,
            &BootstrapPage {
                t: &t,
                token: &form.token,
                org_name: &form.org_name,
                email: &form.email,
                name: &form.name,
                error: Some(error),
                min_len: PASSWORD_MIN,
            },
        )
    };
    if form.password != form.password_confirm {
        return again(t.t("passwords-differ"));
    }
    let first = FirstAdmin {
        org_name: form.org_name.clone(),
        email: form.email.clone(),
        name: Some(form.name.clone()),
        password: Password::new(form.password.clone()),
    };
    match admin::complete_bootstrap(&state.stores, &state.master_key, &form.token, first).await {
        Ok(user) => {
            tracing::info!(user_id = %user.id, "super administrator created through the first-run link");
            render(
                StatusCode::OK,
                &MessagePage::keys(&t, "bootstrap-done-title", "bootstrap-done-message")
                    .onward("/admin", "bootstrap-open-console"),
            )
        }
        Err(AdminError::BootstrapLinkInvalid | AdminError::AlreadyBootstrapped) => link_gone(&t),
        Err(
            e @ (AdminError::Email(_)
            | AdminError::Org(_)
            | AdminError::PasswordLength { .. }
            | AdminError::DuplicateSlug(_)),
        ) => again(e.message(&t)),
        Err(e) => Err(e.into()),
    }
}
