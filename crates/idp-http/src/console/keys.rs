//! The signing keys (super administrator only): each algorithm's current, next and
//! retired keys with their dates, and rotation through the same use case as
//! `idp keys rotate`.

use super::members::open;
use super::{Console, Frame};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::admin;
use idp_core::client::SigningAlg;
use idp_core::i18n::Tr;
use idp_core::records::KeyState;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/keys", aw::get().to(show))
        .route("/admin/keys/rotate", aw::post().to(rotate));
}

struct KeyRow {
    alg: &'static str,
    kid: String,
    state: String,
    created: String,
    activated: String,
    retired: String,
    leaves: String,
}

#[derive(Template)]
#[template(path = "console/keys.html")]
struct KeysPage {
    frame: Frame,
    notice: Option<String>,
    rows: Vec<KeyRow>,
    algs: Vec<&'static str>,
    reload_secs: u64,
}

fn state_label(t: &Tr, s: KeyState) -> String {
    match s {
        KeyState::Current => t.t("console-key-current"),
        KeyState::Next => t.t("console-key-next"),
        KeyState::Retired => t.t("console-key-retired"),
    }
}

/// Only the super administrator sees keys; anyone else is told so.
fn not_super(console: &Console) -> Result<HttpResponse, HttpError> {
    console.say(
        StatusCode::FORBIDDEN,
        "console-refused-forbidden",
        "console-keys-super-only",
        "console-back-to-orgs",
        "/admin/orgs",
    )
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<super::Done>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    if !console.is_super() {
        return not_super(&console);
    }
    let stores = &state.stores;
    let mut keys = stores.keys.find_published(stores.clock.now()).await?;
    let rank = |s: KeyState| match s {
        KeyState::Current => 0,
        KeyState::Next => 1,
        KeyState::Retired => 2,
    };
    keys.sort_by(|a, b| {
        (
            a.alg.as_str(),
            rank(a.state),
            std::cmp::Reverse(a.created_at),
        )
            .cmp(&(
                b.alg.as_str(),
                rank(b.state),
                std::cmp::Reverse(b.created_at),
            ))
    });
    let rows = keys
        .into_iter()
        .map(|k| KeyRow {
            alg: k.alg.as_str(),
            kid: k.kid.clone(),
            state: state_label(&console.t, k.state),
            created: console.when(Some(k.created_at)),
            activated: console.when(k.activated_at),
            retired: console.when(k.retired_at),
            leaves: console.when(k.expires_at),
        })
        .collect();
    console.page(
        StatusCode::OK,
        &KeysPage {
            frame: console.frame(console.t.t("console-nav-keys"), "keys"),
            notice: query.notice(),
            rows,
            algs: SigningAlg::ALL.iter().map(|a| a.as_str()).collect(),
            reload_secs: state.settings.keys.reload_secs,
        },
    )
}

#[derive(serde::Deserialize)]
struct RotateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    alg: String,
}

async fn rotate(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<RotateForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    if let Some(stale) = console.stale_form(&state, &req, &form.csrf, "/admin/keys")? {
        return Ok(stale);
    }
    if !console.is_super() {
        return not_super(&console);
    }
    let algs: Vec<SigningAlg> = if form.alg.is_empty() || form.alg == "all" {
        SigningAlg::ALL.to_vec()
    } else {
        match form.alg.parse() {
            Ok(a) => vec![a],
            Err(_) => {
                return console.say(
                    StatusCode::BAD_REQUEST,
                    "console-keys-not-rotated",
                    "console-keys-choose-alg",
                    "console-back-to-keys",
                    "/admin/keys",
                );
            }
        }
    };
    let stores = &state.stores;
    let retire_after = crate::cli::longest_token_lifetime(&state.settings, stores).await?;
    let reports = match admin::rotate_keys(
        stores,
        &state.master_key,
        &console.actor,
        &web::origin(&req),
        &algs,
        retire_after,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return console.refusal(e, "/admin/keys"),
    };
    let promoted: Vec<String> = reports
        .iter()
        .map(|r| {
            console.t.t2(
                "console-key-promoted",
                "alg",
                r.alg.as_str(),
                "kid",
                r.promoted.to_string(),
            )
        })
        .collect();
    // This node signs with the new keys at once; the others when they hear of it (or
    // within their reload interval).
    state
        .keys_changed()
        .await
        .map_err(|e| HttpError::Internal(e.to_string()))?;
    let done = console
        .t
        .t1("console-keys-rotated", "list", promoted.join("; "));
    Ok(super::Done::back_to("/admin/keys", &done))
}
