//! Applications: the relying applications an administrator manages (super administrator,
//! or `clients` over an organization), registering, editing, rotating a secret (shown
//! once) and deleting.

use super::members::open;
use super::{Console, Frame};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::admin::{AdminError, NewClient};
use idp_core::authz::Permission;
use idp_core::client::Client;
use idp_core::client_admin::{self, ClientUpdate, LifetimeUnit, lifetime_text, parse_lifetime};
use idp_core::ids::ClientId;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/clients", aw::get().to(list))
        .route("/admin/clients/new", aw::get().to(new_form))
        .route("/admin/clients/new", aw::post().to(create))
        .route("/admin/clients/{id}", aw::get().to(edit_form))
        .route("/admin/clients/{id}", aw::post().to(change));
}

struct Row {
    id: String,
    name: String,
    org: String,
    kind: String,
    grants: String,
    redirects: String,
}

#[derive(Template)]
#[template(path = "console/clients.html")]
struct ListPage {
    frame: Frame,
    notice: Option<String>,
    rows: Vec<Row>,
}

fn kind(t: &idp_core::i18n::Tr, c: &Client) -> String {
    if c.is_public() {
        t.t("console-client-public")
    } else {
        t.t("console-client-confidential")
    }
}

async fn list(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<super::Done>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let clients =
        match client_admin::list_clients(&state.stores, &console.actor, &web::origin(&req), None)
            .await
        {
            Ok(c) => c,
            Err(e) => return console.refusal(e, "/admin/orgs"),
        };
    let names = super::org_names(&state).await?;
    let rows = clients
        .iter()
        .map(|c| Row {
            id: c.id.to_string(),
            name: c.name.clone(),
            org: names
                .get(c.org_id.as_str())
                .map_or_else(|| c.org_id.to_string(), |n| n.1.clone()),
            kind: kind(&console.t, c),
            grants: c
                .grant_types
                .iter()
                .map(|g| g.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            redirects: c
                .redirect_uris
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect();
    console.page(
        StatusCode::OK,
        &ListPage {
            frame: console.frame(console.t.t("console-nav-clients"), "clients"),
            notice: query.notice(),
            rows,
        },
    )
}

/// Access token, ID token and refresh token lifetimes in seconds (`None`: the deployment's).
type Lifetimes = (Option<u32>, Option<u32>, Option<u32>);

/// What the registration form holds, as typed.
#[derive(serde::Deserialize, Default, Clone)]
struct ClientForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    redirect_uris: String,
    #[serde(default)]
    post_logout_redirect_uris: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    authorization_code: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    client_credentials: Option<String>,
    #[serde(default)]
    signing_alg: String,
    #[serde(default)]
    access_minutes: String,
    #[serde(default)]
    id_minutes: String,
    #[serde(default)]
    refresh_days: String,
    #[serde(default)]
    skip_consent: Option<String>,
    /// Authorization requests count only when pushed to /par (RFC 9126).
    #[serde(default)]
    require_par: Option<String>,
    /// RFC 9449: every token request must carry a DPoP proof.
    #[serde(default)]
    require_dpop: Option<String>,
    #[serde(default)]
    backchannel_logout_uri: String,
    #[serde(default)]
    subject_type: String,
    #[serde(default)]
    sector_identifier_uri: String,
    #[serde(default)]
    security_profile: String,
    /// The device authorization grant (RFC 8628): kept through an edit, not dropped.
    #[serde(default)]
    device_code: Option<String>,
}

impl ClientForm {
    fn of(c: &Client) -> Self {
        let has = |g: &str| {
            c.grant_types
                .iter()
                .any(|x| x.as_str() == g)
                .then(|| "1".to_owned())
        };
        let lines = |v: &[idp_core::client::RedirectUri]| {
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        };
        ClientForm {
            org: c.org_id.to_string(),
            name: c.name.clone(),
            redirect_uris: lines(&c.redirect_uris),
            post_logout_redirect_uris: lines(&c.post_logout_redirect_uris),
            kind: if c.is_public() {
                "public"
            } else {
                "confidential"
            }
            .into(),
            authorization_code: has("authorization_code"),
            refresh_token: has("refresh_token"),
            client_credentials: has("client_credentials"),
            signing_alg: c.id_token_alg.as_str().to_owned(),
            access_minutes: lifetime_text(c.access_token_ttl_secs, LifetimeUnit::Minutes),
            id_minutes: lifetime_text(c.id_token_ttl_secs, LifetimeUnit::Minutes),
            refresh_days: lifetime_text(c.refresh_token_ttl_secs, LifetimeUnit::Days),
            skip_consent: c.first_party.then(|| "1".to_owned()),
            require_par: c
                .require_pushed_authorization_requests
                .then(|| "1".to_owned()),
            require_dpop: c.dpop_bound_access_tokens.then(|| "1".to_owned()),
            backchannel_logout_uri: c.backchannel_logout_uri.clone().unwrap_or_default(),
            subject_type: c.subject_type.as_str().to_owned(),
            sector_identifier_uri: c.sector_identifier_uri.clone().unwrap_or_default(),
            security_profile: c.security_profile.as_str().to_owned(),
            device_code: has(idp_core::oidc::device::GRANT_TYPE),
            ..Default::default()
        }
    }

    /// An optional text field: empty is none.
    fn optional(text: &str) -> Option<String> {
        Some(text.trim().to_owned()).filter(|t| !t.is_empty())
    }

    fn uris(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    fn grants(&self) -> Vec<String> {
        [
            ("authorization_code", &self.authorization_code),
            ("refresh_token", &self.refresh_token),
            ("client_credentials", &self.client_credentials),
            (idp_core::oidc::device::GRANT_TYPE, &self.device_code),
        ]
        .into_iter()
        .filter(|(_, on)| on.is_some())
        .map(|(g, _)| g.to_owned())
        .collect()
    }

    fn lifetimes(&self) -> Result<Lifetimes, AdminError> {
        Ok((
            parse_lifetime(&self.access_minutes, LifetimeUnit::Minutes)?,
            parse_lifetime(&self.id_minutes, LifetimeUnit::Minutes)?,
            parse_lifetime(&self.refresh_days, LifetimeUnit::Days)?,
        ))
    }
}

#[derive(Template)]
#[template(path = "console/client.html")]
struct FormPage {
    frame: Frame,
    /// `None` while registering.
    id: Option<String>,
    confidential: bool,
    error: Option<String>,
    notice: Option<String>,
    secret: Option<String>,
    form: ClientForm,
    /// Organizations the application may belong to: (id, indented name).
    orgs: Vec<(String, String)>,
    algs: &'static [&'static str],
}

const ALGS: &[&str] = &["RS256", "ES256", "EdDSA"];

async fn client_orgs(
    state: &AppState,
    console: &Console,
) -> Result<Vec<(String, String)>, HttpError> {
    Ok(super::orgs_holding(state, console, Permission::Clients)
        .await?
        .into_iter()
        .map(|(org, label)| (org.id.to_string(), label))
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    console: &Console,
    status: StatusCode,
    client: Option<&Client>,
    form: ClientForm,
    error: Option<String>,
    notice: Option<String>,
    secret: Option<String>,
) -> Result<HttpResponse, HttpError> {
    let title = match client {
        Some(c) => c.name.clone(),
        None => console.t.t("console-client-register-title"),
    };
    console.page(
        status,
        &FormPage {
            frame: console.frame(title, "clients"),
            id: client.map(|c| c.id.to_string()),
            confidential: client.is_some_and(|c| c.secret_digest.is_some()),
            error,
            notice,
            secret,
            form,
            orgs: client_orgs(state, console).await?,
            algs: ALGS,
        },
    )
}

async fn new_form(state: aw::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let form = ClientForm {
        kind: "confidential".into(),
        authorization_code: Some("1".into()),
        refresh_token: Some("1".into()),
        signing_alg: "RS256".into(),
        ..Default::default()
    };
    form_page(
        &state,
        &console,
        StatusCode::OK,
        None,
        form,
        None,
        None,
        None,
    )
    .await
}

async fn create(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<ClientForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    if let Some(stale) = console.stale_form(&state, &req, &form.csrf, "/admin/clients/new")? {
        return Ok(stale);
    }
    let form = form.into_inner();
    let created = match form.lifetimes() {
        Ok((access, id, refresh)) => {
            client_admin::create_client(
                &state.stores,
                &console.actor,
                &web::origin(&req),
                NewClient {
                    org: form.org.clone(),
                    name: form.name.clone(),
                    redirect_uris: ClientForm::uris(&form.redirect_uris),
                    post_logout_redirect_uris: ClientForm::uris(&form.post_logout_redirect_uris),
                    public: form.kind == "public",
                    first_party: form.skip_consent.is_some(),
                    grants: form.grants(),
                    signing_alg: Some(form.signing_alg.clone()),
                    access_token_ttl_secs: access,
                    id_token_ttl_secs: id,
                    refresh_token_ttl_secs: refresh,
                    require_pushed_authorization_requests: form.require_par.is_some(),
                    dpop_bound_access_tokens: form.require_dpop.is_some(),
                    backchannel_logout_uri: ClientForm::optional(&form.backchannel_logout_uri),
                    subject_type: ClientForm::optional(&form.subject_type),
                    sector_identifier_uri: ClientForm::optional(&form.sector_identifier_uri),
                    security_profile: ClientForm::optional(&form.security_profile),
                    ..Default::default()
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match created {
        Ok((client, secret)) => {
            form_page(
                &state,
                &console,
                StatusCode::OK,
                Some(&client),
                ClientForm::of(&client),
                None,
                Some(
                    console
                        .t
                        .t1("console-client-registered", "name", &client.name),
                ),
                secret.map(|s| s.expose().to_owned()),
            )
            .await
        }
        Err(e) => refused(&state, &console, None, form, e).await,
    }
}

async fn refused(
    state: &AppState,
    console: &Console,
    client: Option<&Client>,
    form: ClientForm,
    e: AdminError,
) -> Result<HttpResponse, HttpError> {
    match e {
        AdminError::Store(_) | AdminError::Ephemeral(_) => Err(e.into()),
        AdminError::Authz(_)
        | AdminError::UnknownClient(_)
        | AdminError::UnknownOrganization(_) => console.refusal(e, "/admin/clients"),
        other => {
            form_page(
                state,
                console,
                StatusCode::BAD_REQUEST,
                client,
                form,
                Some(other.message(&console.t)),
                None,
                None,
            )
            .await
        }
    }
}

async fn managed(
    state: &AppState,
    console: &Console,
    req: &HttpRequest,
    id: &ClientId,
) -> Result<Result<Client, HttpResponse>, HttpError> {
    let found = state.stores.clients.find_by_id(id).await?;
    let Some(client) = found else {
        return console
            .refusal(AdminError::UnknownClient(id.to_string()), "/admin/clients")
            .map(Err);
    };
    let org = idp_core::admin::resolve_org(&state.stores, client.org_id.as_str()).await?;
    if let Err(e) = idp_core::authz::require(
        &state.stores,
        &console.actor,
        &org,
        Permission::Clients,
        &web::origin(req),
        "view_client",
    )
    .await
    {
        return console.refusal(e.into(), "/admin/clients").map(Err);
    }
    Ok(Ok(client))
}

async fn edit_form(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<super::Done>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let id = ClientId::from_string(path.into_inner());
    let client = match managed(&state, &console, &req, &id).await? {
        Ok(c) => c,
        Err(response) => return Ok(response),
    };
    let notice = query.notice();
    form_page(
        &state,
        &console,
        StatusCode::OK,
        Some(&client),
        ClientForm::of(&client),
        None,
        notice,
        None,
    )
    .await
}

async fn change(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    form: aw::Form<ClientForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let id = ClientId::from_string(path.into_inner());
    let back = format!("/admin/clients/{id}");
    if let Some(stale) = console.stale_form(&state, &req, &form.csrf, &back)? {
        return Ok(stale);
    }
    let client = match managed(&state, &console, &req, &id).await? {
        Ok(c) => c,
        Err(response) => return Ok(response),
    };
    let form = form.into_inner();
    let stores = &state.stores;
    let origin = web::origin(&req);
    let by = &console.actor;
    let outcome = match form.action.as_str() {
        "rotate" => client_admin::rotate_client_secret(stores, by, &origin, &id)
            .await
            .map(|secret| Some(secret.expose().to_owned())),
        "delete" => match client_admin::delete_client(stores, by, &origin, &id).await {
            Ok(gone) => {
                state.client_changed(&id).await;
                let text = console.t.t1("console-client-deleted", "name", &gone.name);
                return Ok(super::Done::back_to("/admin/clients", &text));
            }
            Err(e) => Err(e),
        },
        _ => match form.lifetimes() {
            Ok((access, id_ttl, refresh)) => client_admin::update_client(
                stores,
                by,
                &origin,
                &id,
                ClientUpdate {
                    name: Some(form.name.clone()),
                    redirect_uris: Some(ClientForm::uris(&form.redirect_uris)),
                    post_logout_redirect_uris: Some(ClientForm::uris(
                        &form.post_logout_redirect_uris,
                    )),
                    grant_types: Some(form.grants()),
                    public: Some(form.kind == "public"),
                    id_token_alg: Some(form.signing_alg.clone()),
                    access_token_ttl_secs: Some(access),
                    id_token_ttl_secs: Some(id_ttl),
                    refresh_token_ttl_secs: Some(refresh),
                    first_party: Some(form.skip_consent.is_some()),
                    extra_scopes: None,
                    require_pushed_authorization_requests: Some(form.require_par.is_some()),
                    require_signed_request_object: None,
                    dpop_bound_access_tokens: Some(form.require_dpop.is_some()),
                    backchannel_logout_uri: Some(ClientForm::optional(
                        &form.backchannel_logout_uri,
                    )),
                    subject_type: ClientForm::optional(&form.subject_type),
                    sector_identifier_uri: Some(ClientForm::optional(&form.sector_identifier_uri)),
                    security_profile: ClientForm::optional(&form.security_profile),
                    ..Default::default()
                },
            )
            .await
            .map(|_| None),
            Err(e) => Err(e),
        },
    };
    state.client_changed(&id).await;
    match outcome {
        Ok(secret) => {
            let client = stores.clients.find_by_id(&id).await?.unwrap_or(client);
            let notice = if secret.is_some() {
                console.t.t("console-client-secret-rotated")
            } else {
                console.t.t("console-client-saved")
            };
            form_page(
                &state,
                &console,
                StatusCode::OK,
                Some(&client),
                ClientForm::of(&client),
                None,
                Some(notice),
                secret,
            )
            .await
        }
        Err(e) => refused(&state, &console, Some(&client), form, e).await,
    }
}
