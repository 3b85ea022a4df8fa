//! The first-run page: the one-time link printed at start-up lets the first person
//! create the main organization and its super administrator.

use crate::error::HttpError;
use crate::pages::{MessagePage, render};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use idp_core::admin::{self, AdminError, FirstAdmin, PASSWORD_MIN};
use idp_core::secret::Password;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/bootstrap", web::get().to(show))
        .route("/bootstrap", web::post().to(submit));
}

#[derive(Template)]
#[template(path = "bootstrap.html")]
struct BootstrapPage<'a> {
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

fn link_gone() -> Result<HttpResponse, HttpError> {
    render(
        StatusCode::GONE,
        &MessagePage {
            title: "This link no longer works",
            message: "The first-run link is unknown, already used or expired. Restart idp to print a new one if no administrator exists yet.",
        },
    )
}

async fn show(
    state: web::Data<AppState>,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, HttpError> {
    if query.token.is_empty()
        || !admin::bootstrap_token_is_live(&state.stores, &query.token).await?
    {
        return link_gone();
    }
    render(
        StatusCode::OK,
        &BootstrapPage {
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
    form: web::Form<BootstrapForm>,
) -> Result<HttpResponse, HttpError> {
    let form = form.into_inner();
    let again = |error: String| {
        render(
            StatusCode::BAD_REQUEST,
            &BootstrapPage {
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
        return again("The two passwords differ.".into());
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
                &MessagePage {
                    title: "Super administrator created",
                    message: "You can now sign in with this email address and password.",
                },
            )
        }
        Err(AdminError::BootstrapLinkInvalid | AdminError::AlreadyBootstrapped) => link_gone(),
        Err(
            e @ (AdminError::Email(_)
            | AdminError::Org(_)
            | AdminError::PasswordLength { .. }
            | AdminError::DuplicateSlug(_)),
        ) => again(e.to_string()),
        Err(e) => Err(e.into()),
    }
}
