//! The `idp` command line: serve, migrate, check configuration, and administer
//! organizations, members and clients. Configuration errors exit with 2, failed
//! commands with 1, each with one line on standard error.

use crate::caches::{ClientCache, KeyCache};
use crate::server;
use crate::settings::Settings;
use crate::state::AppState;
use crate::wiring::{self, MasterKeySource, StartupError};
use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use idp_core::admin::{self, NewClient, NewMember};
use idp_core::authz::Actor;
use idp_core::client::Client;
use idp_core::client::SigningAlg;
use idp_core::keyring;
use idp_core::members_io;
use idp_core::notice::Notice;
use idp_core::org::Organization;
use idp_core::records::{IpListPurpose, User};
use idp_core::secret::Password;
use idp_core::signin::Origin;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "idp",
    version,
    about = "OpenID Connect identity provider and SSO broker"
)]
struct Cli {
    /// A TOML configuration file (see config/default.toml); IDP_SECTION__KEY variables override it.
    #[arg(long, global = true, env = "IDP_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server.
    Serve {
        /// Do not apply pending migrations at start.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Inspect the configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Organizations and sub-organizations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Members.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Relying applications.
    Client {
        #[command(subcommand)]
        command: ClientCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Token signing keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The issuer every node of the deployment uses.
    Issuer {
        #[command(subcommand)]
        command: IssuerCommand,
    },
}

#[derive(Subcommand)]
enum IssuerCommand {
    /// Change the deployment's recorded issuer (recorded in every main organization's
    /// audit log). Tokens issued before carry the old one, which relying parties refuse.
    /// Then restart every node with server.issuer set to it: until then a node with the
    /// old issuer keeps running, and one started with the new one is refused.
    Change {
        /// The new issuer URL.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        out: Output,
    },
    /// The recorded issuer and master key check value.
    Show {
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Promote the published next key to signing, retire the current one (it stays
    /// published until every token it signed has expired) and publish a new next key.
    Rotate {
        /// RS256, ES256 or EdDSA; all three when omitted.
        #[arg(long)]
        alg: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// The published keys and their state.
    List {
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate the configuration and print it with secrets masked.
    Check {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct Output {
    /// Print JSON for scripts.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk each organization's hash chain (or one's, with --org) and report the first
    /// broken link. Exits 1 when a chain is broken.
    Verify {
        #[arg(long)]
        org: Option<String>,
    },
    /// Delete, now, the events older than each organization's retention period (the
    /// server also does this on a timer).
    Prune,
    /// List an organization's events (its sub-organizations included), newest first.
    Search {
        #[arg(long)]
        org: String,
        /// A member id.
        #[arg(long)]
        member: Option<String>,
        #[arg(long)]
        activity: Option<String>,
        #[arg(long)]
        event: Option<String>,
        #[arg(long)]
        info_type: Option<String>,
        /// RFC 3339 time or date.
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        until: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organization, or a sub-organization with --parent.
    Create {
        #[arg(long)]
        name: String,
        /// Defaults to one made from the name.
        #[arg(long)]
        slug: Option<String>,
        /// Parent organization, by id or slug.
        #[arg(long)]
        parent: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// List organizations.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Show an organization's own policy settings and the effective policy its members
    /// get; `--set key=value` changes settings (`--set key=` removes one, inheriting again).
    Policy {
        #[arg(long)]
        org: String,
        #[arg(long = "set")]
        set: Vec<String>,
        /// The number of members a destructive change affects, as its refusal said.
        #[arg(long)]
        confirm: Option<u64>,
        #[command(flatten)]
        out: Output,
    },
    /// Show an organization's branding (what it sets and what its pages show), or change
    /// it: `--name`, `--color #rrggbb`, `--support EMAIL_OR_HTTPS_URL` (an empty value
    /// inherits again), `--logo FILE` (PNG, JPEG, WebP or GIF, at most 256 KB; the type is
    /// read from the file's bytes) or `--remove-logo`.
    Branding {
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        color: Option<String>,
        #[arg(long)]
        support: Option<String>,
        #[arg(long)]
        logo: Option<std::path::PathBuf>,
        #[arg(long, conflicts_with = "logo")]
        remove_logo: bool,
    },
    /// Turn email-and-password sign-in on or off for a main organization and all its
    /// sub-organizations. Off deletes every stored password and second factor.
    EmailPassword {
        #[arg(long)]
        org: String,
        #[arg(long)]
        enable: bool,
        #[arg(long)]
        disable: bool,
        #[arg(long)]
        confirm: Option<u64>,
    },
    /// Replace the organization's IP allow-list: sign-ins from elsewhere are refused.
    /// Up to 100 `--entry ADDRESS_OR_CIDR[=note]`; none clears the list.
    AllowIps {
        #[arg(long)]
        org: String,
        #[arg(long = "entry")]
        entries: Vec<String>,
    },
    /// Replace the addresses from which the second factor is not asked (up to 100
    /// `--entry ADDRESS_OR_CIDR[=note]`; none clears the list).
    SkipSecondFactorIps {
        #[arg(long)]
        org: String,
        #[arg(long = "entry")]
        entries: Vec<String>,
    },
    /// Set who must use a second factor at email-and-password sign-in: off, everybody
    /// or administrators. Sub-organizations inherit it unless they set their own.
    TwoFactor {
        #[arg(long)]
        org: String,
        #[arg(long)]
        scope: String,
        /// Turning it off deletes every second factor: the number of members affected.
        #[arg(long)]
        confirm: Option<u64>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a member.
    Create {
        /// Organization id or slug.
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        password: Option<String>,
        /// Import an existing authenticator secret (base32), e.g. from another provider.
        #[arg(long)]
        totp_secret: Option<String>,
        #[arg(long)]
        super_admin: bool,
        /// The address is known to be the member's: ID tokens and userinfo say
        /// `email_verified: true` from the first sign-in.
        #[arg(long)]
        email_verified: bool,
        #[command(flatten)]
        out: Output,
    },
    /// List an organization's members.
    List {
        #[arg(long)]
        org: String,
        #[command(flatten)]
        out: Output,
    },
    /// Print a one-time link that signs a super administrator in, for when no other way
    /// in is left (email-and-password sign-in off, no linked Google or Microsoft account).
    /// It works once, for as long as a password reset link does, and is audited.
    RecoveryLink {
        #[arg(long)]
        email: String,
    },
    /// Give a member a temporary password, printed once: it signs in once, then the member
    /// must choose a new one.
    TempPassword {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
    },
    /// Turn email sign-in on (sending a welcome email to create a password) or off
    /// (deleting the password) for one or more members.
    EmailLogin {
        #[arg(long)]
        org: String,
        #[arg(long = "email", required = true)]
        emails: Vec<String>,
        #[arg(long)]
        enable: bool,
        #[arg(long)]
        disable: bool,
    },
    /// Export an organization's members (with --subtree, those of its sub-organizations
    /// too) as a workbook or a CSV file for Excel.
    Export {
        #[arg(long)]
        org: String,
        /// xlsx or csv.
        #[arg(long, default_value = "xlsx")]
        format: String,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// With the members of sub-organizations.
        #[arg(long)]
        subtree: bool,
    },
    /// Preview an import of a members file (.xlsx or .csv) and print the report; with
    /// --apply, apply it when the preview found no error.
    Import {
        #[arg(long)]
        org: String,
        file: PathBuf,
        #[arg(long)]
        apply: bool,
        /// Also write the file with Status and Messages columns added here.
        #[arg(long)]
        report: Option<PathBuf>,
        #[command(flatten)]
        out: Output,
    },
    /// Make a member an administrator of an organization (and its sub-organizations) for
    /// the given areas: two_factor, allowed_ips, login_settings, members, audit_log, clients.
    GrantAdmin(AdminPermissions),
    /// Take administrator permissions over an organization away from a member, keeping
    /// the others.
    RevokeAdmin(AdminPermissions),
    /// Set a member's status: active, on_leave or disabled.
    SetStatus {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        status: String,
    },
    /// Email a member a link to choose a new password (members with email sign-in only).
    SendPasswordReset {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
    },
    /// Remove every second factor of a member (authenticator app, emailed codes, recovery
    /// codes) and lift a second-factor lock.
    ResetSecondFactor {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
    },
}

/// A member and the administrator permissions over an organization to grant or revoke.
#[derive(Args)]
struct AdminPermissions {
    #[arg(long)]
    org: String,
    #[arg(long)]
    email: String,
    #[arg(long = "permission", required = true)]
    permissions: Vec<String>,
}

/// Back-channel logout and subject identifiers of a client.
#[derive(clap::Args)]
struct LogoutAndSubjectArgs {
    /// Back-Channel Logout: where logout tokens are POSTed (https, or http on loopback).
    #[arg(long)]
    backchannel_logout_uri: Option<String>,
    /// The client needs `sid` in logout tokens (idp always sends it).
    #[arg(long)]
    backchannel_logout_session_required: bool,
    /// `public` (the member id) or `pairwise` (a `sub` per sector).
    #[arg(long)]
    subject_type: Option<String>,
    /// A JSON array of the client's redirect URIs, read now; its host is the sector.
    #[arg(long)]
    sector_identifier_uri: Option<String>,
}

#[derive(Subcommand)]
enum ClientCommand {
    /// Register a relying application. A confidential client's secret is printed once.
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uris: Vec<String>,
        /// A public client (SPA, native app): no secret, PKCE required.
        #[arg(long)]
        public: bool,
        /// A first-party application: members are not asked for consent.
        #[arg(long)]
        first_party: bool,
        /// Grant types (authorization_code, refresh_token, client_credentials,
        /// urn:ietf:params:oauth:grant-type:device_code).
        #[arg(long = "grant")]
        grants: Vec<String>,
        /// Algorithm of the client's tokens: RS256 (default), ES256 or EdDSA.
        #[arg(long = "signing-alg")]
        signing_alg: Option<String>,
        /// A file holding the client's public keys (a JWK Set): it authenticates with
        /// private_key_jwt and gets no secret.
        #[arg(long = "jwks-file")]
        jwks_file: Option<PathBuf>,
        /// Let this confidential client leave PKCE out.
        #[arg(long)]
        pkce_optional: bool,
        /// A scope beyond the OpenID ones the client may ask for (repeatable).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// Access token lifetime in seconds for this client.
        #[arg(long)]
        access_token_ttl: Option<u32>,
        /// ID token lifetime in seconds for this client.
        #[arg(long)]
        id_token_ttl: Option<u32>,
        /// Refresh token lifetime in seconds for this client.
        #[arg(long)]
        refresh_token_ttl: Option<u32>,
        /// Its authorization requests count only when pushed to /par first (RFC 9126).
        #[arg(long)]
        require_par: bool,
        /// Its authorization requests count only as request objects signed with its keys
        /// (RFC 9101); needs --jwks-file.
        #[arg(long)]
        require_signed_request_object: bool,
        /// Require a DPoP proof (RFC 9449) with every token request, so every access
        /// token is bound to the client's key.
        #[arg(long)]
        dpop_bound_access_tokens: bool,
        /// `fapi2` holds the client to the FAPI 2.0 Security Profile: private_key_jwt
        /// (--jwks-file), PKCE, PAR and DPoP required, ES256 or EdDSA ID tokens.
        #[arg(long, value_name = "standard|fapi2")]
        profile: Option<String>,
        #[command(flatten)]
        logout: LogoutAndSubjectArgs,
        #[command(flatten)]
        out: Output,
    },
    /// Change a relying application; what is not given stays as it is. Running servers
    /// apply the change within 30 seconds (their client cache).
    Update {
        /// The client_id.
        #[arg(long)]
        id: String,
        /// true: its authorization requests count only when pushed to /par (RFC 9126).
        #[arg(long, value_name = "BOOL")]
        require_par: Option<bool>,
        /// true: its authorization requests count only as signed request objects (RFC 9101).
        #[arg(long, value_name = "BOOL")]
        require_signed_request_object: Option<bool>,
        /// Require (true) or stop requiring (false) a DPoP proof with every token request.
        #[arg(long)]
        dpop_bound_access_tokens: Option<bool>,
        /// `standard` or `fapi2` (FAPI 2.0 Security Profile).
        #[arg(long, value_name = "standard|fapi2")]
        profile: Option<String>,
        #[command(flatten)]
        logout: LogoutAndSubjectArgs,
        /// Stop sending logout tokens to this client.
        #[arg(long, conflicts_with = "backchannel_logout_uri")]
        no_backchannel_logout: bool,
        #[command(flatten)]
        out: Output,
    },
    /// List relying applications.
    List {
        #[arg(long)]
        org: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Remove a relying application with its grants, refresh tokens and consents. Running
    /// servers stop accepting it within 30 seconds (their client cache).
    Delete {
        /// The client_id.
        #[arg(long)]
        id: String,
        #[command(flatten)]
        out: Output,
    },
    /// Initial access tokens for dynamic client registration (RFC 7591) at /register.
    #[command(subcommand)]
    RegistrationToken(RegistrationTokenCommand),
}

#[derive(Subcommand)]
enum RegistrationTokenCommand {
    /// Issue a token that registers applications in one organization; printed once.
    Create {
        #[arg(long)]
        org: String,
        /// Lifetime: seconds, or a number with s, m, h or d (7d); absent: until revoked.
        #[arg(long)]
        expires: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// An organization's tokens, newest first (never their values).
    List {
        #[arg(long)]
        org: String,
        #[command(flatten)]
        out: Output,
    },
    /// Revoke a token: it registers nothing more; applications it registered stay.
    Revoke {
        #[arg(long)]
        id: String,
        #[command(flatten)]
        out: Output,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref())
        .and_then(|s| MasterKeySource::resolve(&s).map(|_| s))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // Traces are exported by the server only; a command's few spans are not worth a
    // flush at exit.
    let serving = matches!(cli.command, Command::Serve { .. });
    let _telemetry = crate::telemetry::init(&settings.log, &settings.telemetry, serving);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = match e.downcast_ref::<StartupError>() {
                Some(StartupError::Config(_)) => 2,
                _ => 1,
            };
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve { no_migrate } => serve(settings, !no_migrate).await,
        Command::Migrate => {
            let db = wiring::connect_database(&settings, false).await?;
            let migrating = db.clone();
            let applied = tokio::task::spawn_blocking(move || migrating.migrate()).await??;
            println!("applied {} migration(s)", applied.len());
            // Records the deployment's issuer and key (or checks them) when the key is
            // configured; otherwise the first node to start records them.
            let source = wiring::MasterKeySource::resolve(&settings).ok();
            if let Some(key) = source.map(|s| s.load_existing()).transpose()?.flatten() {
                let settled = wiring::settle_deployment(&settings, &db, &key).await?;
                if settled == idp_core::deployment::Settled::Recorded {
                    println!("recorded the deployment's issuer: {}", settings.issuer());
                }
            }
            Ok(())
        }
        Command::Config {
            command: ConfigCommand::Check { json },
        } => {
            if json {
                println!("{}", serde_json::to_string_pretty(&settings)?);
            } else {
                print!("{}", settings.to_masked_toml());
            }
            eprintln!("configuration is valid");
            Ok(())
        }
        Command::Org { command } => org(command, settings).await,
        Command::User { command } => user(command, settings).await,
        Command::Client { command } => client(command, settings).await,
        Command::Keys { command } => keys(command, settings).await,
        Command::Issuer { command } => issuer(command, settings).await,
        Command::Audit { command } => audit(command, settings).await,
    }
}

async fn issuer(command: IssuerCommand, mut settings: Settings) -> anyhow::Result<()> {
    let wired = wiring::wire(&settings, true).await?;
    match command {
        IssuerCommand::Change { to, out } => {
            // The new issuer meets the rules server.issuer does.
            settings.server.issuer = Some(to.clone());
            settings.validate()?;
            let change = idp_core::deployment::change_issuer(
                &wired.stores,
                &wired.master_key,
                &Origin::default(),
                &to,
            )
            .await
            .map_err(|e| match e {
                idp_core::deployment::DeploymentError::Split(_) => anyhow::anyhow!(
                    "this command's master key is not the deployment's: only an operator holding it may change the issuer"
                ),
                other => other.into(),
            })?;
            if out.json {
                print_json(&json!({"from": change.from, "to": change.to,
                    "recorded_in_orgs": change.recorded_in}))
            } else {
                println!(
                    "the deployment's issuer is now {} (was {}); restart every node with server.issuer = {:?}",
                    change.to, change.from, change.to
                );
                Ok(())
            }
        }
        IssuerCommand::Show { out } => {
            let recorded = wired.stores.keys.find_deployment().await?;
            if out.json {
                return print_json(&recorded.map_or(serde_json::Value::Null, |r| {
                    json!({"issuer": r.issuer,
                        "master_key_check": idp_core::deployment::fingerprint(&r.key_check)})
                }));
            }
            match recorded {
                Some(r) => println!(
                    "issuer {}; master key check {}",
                    r.issuer,
                    idp_core::deployment::fingerprint(&r.key_check)
                ),
                None => {
                    println!("no deployment recorded yet: the first node to start records it")
                }
            }
            Ok(())
        }
    }
}

async fn serve(settings: Settings, migrate: bool) -> anyhow::Result<()> {
    let migrate = migrate && settings.database.migrate_on_start;
    let wired = wiring::wire(&settings, migrate).await?;
    // Before this node writes anything: a node of another configuration stops here.
    if wiring::settle_deployment(&settings, wired.stores.keys.as_ref(), &wired.master_key).await?
        == idp_core::deployment::Settled::Recorded
    {
        tracing::info!(issuer = %settings.issuer(), "recorded this deployment's issuer and master key check");
    }
    let addr = settings.bind_addr()?;
    let listener =
        std::net::TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, issuer = %settings.issuer(), database = ?wired.db.backend(), redis = wired.redis, "idp is listening");
    if wired.db.backend() == idp_store::Backend::Postgres && !wired.redis {
        tracing::warn!(
            "redis.url is not set: codes, sign-in limits and other short-lived state live in this process's memory, so this must be the only node on this database; set redis.url to run several"
        );
    }
    if let Some(token) = admin::start_bootstrap(&wired.stores).await? {
        let base = settings.issuer().trim_end_matches('/');
        tracing::warn!(
            "no administrator exists yet: open {base}/bootstrap?token={token} to create the super administrator (valid for 24 hours, once)"
        );
    }
    keyring::ensure_keys(
        wired.stores.keys.as_ref(),
        &wired.master_key,
        wired.stores.random.as_ref(),
        wired.stores.clock.as_ref(),
        SigningAlg::ALL,
    )
    .await?;
    let loaded = keyring::load(
        wired.stores.keys.as_ref(),
        &wired.master_key,
        wired.stores.clock.as_ref(),
    )
    .await?;
    let discovery = crate::routes::discovery::document(&settings);
    let dpop = settings
        .dpop
        .enabled
        .then(|| idp_core::oidc::dpop::Dpop::new(settings.dpop.rules(), &wired.master_key));
    let subjects = idp_core::oidc::subject::Subjects::new(&wired.master_key);
    let passkeys = settings.passkey_relying_party()?.map(Arc::new);
    match &passkeys {
        Some(rp) => tracing::info!(rp_id = rp.id(), "passkeys are on"),
        None => tracing::info!(
            "passkeys are off (passkeys.enabled, or an issuer whose host is an IP address)"
        ),
    }
    let notices = wired.notices;
    let state = AppState {
        stores: wired.stores,
        db: wired.db,
        master_key: wired.master_key,
        redis: wired.redis,
        metrics: wired.metrics,
        throttle: idp_core::throttle::Throttle::new(settings.throttle.limits()),
        draining: std::sync::atomic::AtomicBool::new(false),
        in_flight: idp_core::throttle::InFlight::new(
            settings.throttle.hashes_in_flight_per_address,
        ),
        keys: KeyCache::new(loaded),
        clients: ClientCache::default(),
        discovery,
        trusted_proxies: settings.trusted_proxies()?,
        upstreams: Arc::new(crate::upstream::Upstreams::new(&settings.federation)?),
        dpop,
        settings: Arc::new(settings),
        subjects,
        members: wired.members,
        passkeys,
    };
    server::run(listener, state, notices, server::shutdown_signal()).await?;
    tracing::info!("idp stopped");
    Ok(())
}

fn org_json(o: &Organization) -> serde_json::Value {
    json!({"id": o.id, "parent_id": o.parent_id, "name": o.name, "slug": o.slug, "path": o.path,
           "created_at": o.created_at.to_rfc3339()})
}

fn user_json(u: &User) -> serde_json::Value {
    json!({"id": u.id, "org_id": u.org_id, "email": u.email, "email_verified": u.email_verified,
           "name": u.name, "status": u.status.as_str(), "super_admin": u.super_admin, "job_title": u.job_title, "phone": u.phone,
           "created_at": u.created_at.to_rfc3339()})
}

fn client_json(c: &Client) -> serde_json::Value {
    json!({"client_id": c.id, "org_id": c.org_id, "name": c.name, "public": c.is_public(),
           "token_endpoint_auth_method": c.auth_method.as_str(), "redirect_uris": c.redirect_uris,
           "post_logout_redirect_uris": c.post_logout_redirect_uris, "grant_types": c.grant_types,
           "first_party": c.first_party, "id_token_signed_response_alg": c.id_token_alg.as_str(), "require_pkce": c.require_pkce, "scopes": c.extra_scopes,
           "access_token_ttl_secs": c.access_token_ttl_secs, "id_token_ttl_secs": c.id_token_ttl_secs, "refresh_token_ttl_secs": c.refresh_token_ttl_secs, "created_at": c.created_at.to_rfc3339(),
           "require_pushed_authorization_requests": c.require_pushed_authorization_requests,
           "require_signed_request_object": c.require_signed_request_object,
           "dpop_bound_access_tokens": c.dpop_bound_access_tokens,
           "backchannel_logout_uri": c.backchannel_logout_uri, "backchannel_logout_session_required": c.backchannel_logout_session_required,
           "subject_type": c.subject_type, "sector_identifier_uri": c.sector_identifier_uri,
           "security_profile": c.security_profile})
}

async fn audit(command: AuditCommand, settings: Settings) -> anyhow::Result<()> {
    let wired = wiring::wire(&settings, true).await?;
    match command {
        AuditCommand::Search {
            org,
            member,
            activity,
            event,
            info_type,
            from,
            until,
            limit,
            out,
        } => {
            let org = admin::resolve_org(&wired.stores, &org).await?;
            let filter = idp_core::audit::AuditFilter::parse(
                &org.path,
                &idp_core::audit::FilterText {
                    member: member.as_deref(),
                    activity: activity.as_deref(),
                    event: event.as_deref(),
                    info_type: info_type.as_deref(),
                    from: from.as_deref(),
                    until: until.as_deref(),
                },
            )
            .map_err(anyhow::Error::msg)?;
            let events = wired
                .stores
                .audit
                .search(&filter, None, limit.clamp(1, 10_000))
                .await?;
            idp_core::audit::record_access(
                &wired.stores,
                &org.id,
                Actor::Operator.audit(),
                &Origin::default(),
                idp_core::audit::EventKind::View,
                filter.target_user_id.clone(),
                json!({"filter": {"org": org.slug, "member": member, "activity": activity,
                                  "event": event, "info_type": info_type, "from": from, "until": until},
                       "via": "command line"}),
            )
            .await?;
            if out.json {
                print_json(&json!(
                    events
                        .iter()
                        .map(crate::routes::audit_api::event_json)
                        .collect::<Vec<_>>()
                ))
            } else {
                for e in &events {
                    let n = &e.event;
                    println!(
                        "{}  {}  {}  {}  {}  {}",
                        n.occurred_at.to_rfc3339(),
                        n.activity,
                        n.event,
                        n.actor_id.as_deref().unwrap_or(n.actor_kind.as_str()),
                        n.ip.as_deref().unwrap_or("-"),
                        n.detail
                    );
                }
                Ok(())
            }
        }
        AuditCommand::Prune => {
            let n = idp_core::audit::apply_all_retention(&wired.stores).await?;
            println!("deleted {n} audit events past retention");
            Ok(())
        }
        AuditCommand::Verify { org } => {
            let orgs = match org {
                Some(o) => vec![admin::resolve_org(&wired.stores, &o).await?],
                None => wired.stores.orgs.find_all().await?,
            };
            let mut broken = 0;
            for o in &orgs {
                match idp_core::audit::verify_stored_chain(&wired.stores, &o.id).await? {
                    Ok(n) => println!("{}: {n} events, chain intact", o.slug),
                    Err(b) => {
                        broken += 1;
                        let (what, seq, id) = match b {
                            idp_core::audit::ChainBreak::Altered { seq, id } => {
                                ("altered", seq, id)
                            }
                            idp_core::audit::ChainBreak::Unlinked { seq, id } => {
                                ("missing or out of order before", seq, id)
                            }
                        };
                        println!("{}: chain broken: event {seq} ({id}) {what}", o.slug);
                    }
                }
            }
            if broken > 0 {
                anyhow::bail!("{broken} audit chain(s) broken");
            }
            Ok(())
        }
    }
}

/// `CIDR` or `CIDR=note` arguments.
fn ip_entries(entries: &[String]) -> Vec<(String, Option<String>)> {
    entries
        .iter()
        .map(|e| match e.split_once('=') {
            Some((cidr, note)) => (cidr.trim().to_owned(), Some(note.trim().to_owned())),
            None => (e.trim().to_owned(), None),
        })
        .collect()
}

/// A policy change made from the command line.
/// Replaces one of an organization's IP lists as the operator.
async fn set_ip_list(
    wired: &wiring::Wired,
    org: &str,
    purpose: IpListPurpose,
    entries: &[String],
) -> anyhow::Result<usize> {
    Ok(admin::set_ip_list(
        &wired.stores,
        &Actor::Operator,
        &Origin::default(),
        org,
        purpose,
        &ip_entries(entries),
        true,
    )
    .await?)
}

async fn operator_policy(
    wired: &wiring::Wired,
    settings: &Settings,
    org: &str,
    changes: &[(String, String)],
    confirm: Option<u64>,
) -> anyhow::Result<admin::PolicyUpdate> {
    Ok(admin::update_policy(
        &wired.stores,
        &Actor::Operator,
        &Origin::default(),
        org,
        changes,
        confirm,
        &settings.welcome_links(),
    )
    .await?)
}

fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

async fn org(command: OrgCommand, settings: Settings) -> anyhow::Result<()> {
    let wired = wiring::wire(&settings, true).await?;
    match command {
        OrgCommand::Create {
            name,
            slug,
            parent,
            out,
        } => {
            let org =
                admin::create_org(&wired.stores, &name, slug.as_deref(), parent.as_deref()).await?;
            if out.json {
                print_json(&org_json(&org))
            } else {
                println!(
                    "created organization {} ({}) with id {}",
                    org.name, org.slug, org.id
                );
                Ok(())
            }
        }
        OrgCommand::Policy {
            org,
            set,
            confirm,
            out: _,
        } => {
            let changes = set
                .iter()
                .map(|kv| {
                    kv.split_once('=')
                        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                        .ok_or_else(|| anyhow::anyhow!("--set takes key=value, not {kv:?}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let update = operator_policy(&wired, &settings, &org, &changes, confirm).await?;
            let shown = json!({
                "settings": update.settings,
                "effective": admin::effective_json(&update.effective),
                "members_whose_credentials_were_deleted": update.cleared,
                "members_sent_a_password_link": update.invited,
            });
            // JSON is the readable form too; --json is accepted for scripts' sake.
            print_json(&shown)
        }
        OrgCommand::Branding {
            org,
            name,
            color,
            support,
            logo,
            remove_logo,
        } => {
            let changes: Vec<(String, String)> = [
                ("brand_display_name", name),
                ("brand_primary_color", color),
                ("brand_support_contact", support),
            ]
            .into_iter()
            .filter_map(|(k, v)| {
                // Kept a JSON string whatever it looks like; empty inherits again.
                v.map(|v| {
                    let v = v.trim();
                    let v = if v.is_empty() {
                        String::new()
                    } else {
                        json!(v).to_string()
                    };
                    (k.to_owned(), v)
                })
            })
            .collect();
            if !changes.is_empty() {
                operator_policy(&wired, &settings, &org, &changes, None).await?;
            }
            if let Some(path) = logo {
                let bytes =
                    std::fs::read(&path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                idp_core::branding::set_logo(
                    &wired.stores,
                    &Actor::Operator,
                    &Origin::default(),
                    &org,
                    bytes,
                )
                .await
                .map_err(|e| anyhow::anyhow!(admin::sentence(&e.to_string())))?;
            }
            if remove_logo {
                idp_core::branding::remove_logo(
                    &wired.stores,
                    &Actor::Operator,
                    &Origin::default(),
                    &org,
                )
                .await?;
            }
            let org = admin::resolve_org(&wired.stores, &org).await?;
            let brand = idp_core::branding::brand_of_org(&wired.stores, &org).await?;
            let own = wired
                .stores
                .policies
                .find_policy(&org.id)
                .await?
                .map(|p| idp_core::policy::PolicySettings::from_stored(&p.settings))
                .unwrap_or_default();
            print_json(&crate::routes::branding::brand_json(&brand, &own))
        }
        OrgCommand::SkipSecondFactorIps { org, entries } => {
            let saved =
                set_ip_list(&wired, &org, IpListPurpose::SkipSecondFactor, &entries).await?;
            println!("second factor not asked from: {saved} entries");
            Ok(())
        }
        OrgCommand::AllowIps { org, entries } => {
            let saved = set_ip_list(&wired, &org, IpListPurpose::AllowSignIn, &entries).await?;
            println!("allow-list: {saved} entries");
            Ok(())
        }
        OrgCommand::TwoFactor {
            org,
            scope,
            confirm,
        } => {
            let changes = [("two_factor_scope".to_owned(), scope)];
            let update = operator_policy(&wired, &settings, &org, &changes, confirm).await?;
            println!(
                "two-factor scope: {}; second factors deleted for {} members",
                update.effective.two_factor_scope, update.cleared
            );
            Ok(())
        }
        OrgCommand::EmailPassword {
            org,
            enable,
            disable,
            confirm,
        } => {
            if enable == disable {
                anyhow::bail!("say --enable or --disable");
            }
            let changes = [("email_password_login".to_owned(), enable.to_string())];
            let update = operator_policy(&wired, &settings, &org, &changes, confirm).await?;
            println!(
                "email-password sign-in: {}; credentials deleted for {} members; {} members sent a link to set a password",
                if update.effective.email_password_login {
                    "on"
                } else {
                    "off"
                },
                update.cleared,
                update.invited
            );
            Ok(())
        }
        OrgCommand::List { out } => {
            let orgs = wired.stores.orgs.find_all().await?;
            if out.json {
                print_json(&json!(orgs.iter().map(org_json).collect::<Vec<_>>()))
            } else {
                for o in &orgs {
                    let depth = o.path.matches('/').count().saturating_sub(2);
                    println!("{}{}  {}  {}", "  ".repeat(depth), o.slug, o.id, o.name);
                }
                Ok(())
            }
        }
    }
}

/// Grants (`grant`) or revokes a member's administrator permissions over an organization.
async fn change_admin(
    wired: &wiring::Wired,
    change: &AdminPermissions,
    grant: bool,
) -> anyhow::Result<()> {
    let permissions = change
        .permissions
        .iter()
        .map(|p| p.parse::<idp_core::authz::Permission>())
        .collect::<Result<Vec<_>, _>>()?;
    let member = admin::resolve_member(&wired.stores, &change.org, &change.email).await?;
    let scope = admin::resolve_org(&wired.stores, &change.org).await?;
    let held = idp_core::authz::change_permissions(
        &wired.stores,
        &Actor::Operator,
        &scope,
        &member,
        &permissions,
        &Origin::default(),
        grant,
    )
    .await?;
    println!(
        "{} administers {}: {}",
        member.email,
        scope.slug,
        held.permissions.join(", ")
    );
    Ok(())
}

async fn user(command: UserCommand, settings: Settings) -> anyhow::Result<()> {
    let wired = wiring::wire(&settings, true).await?;
    match command {
        UserCommand::Create {
            org,
            email,
            name,
            password,
            totp_secret,
            super_admin,
            email_verified,
            out,
        } => {
            let member = NewMember {
                org,
                email,
                name,
                password: password.map(Password::new),
                totp_secret,
                super_admin,
                email_verified,
            };
            let user = admin::create_member(&wired.stores, &wired.master_key, member).await?;
            if out.json {
                print_json(&user_json(&user))
            } else {
                println!("created member {} with id {}", user.email, user.id);
                Ok(())
            }
        }
        UserCommand::EmailLogin {
            org,
            emails,
            enable,
            disable,
        } => {
            if enable == disable {
                anyhow::bail!("say --enable or --disable");
            }
            let members = admin::set_member_email_login(
                &wired.stores,
                &Actor::Operator,
                &Origin::default(),
                &org,
                &emails,
                enable,
                &settings.welcome_links(),
            )
            .await?;
            println!(
                "email sign-in {} for {} members",
                if enable { "on" } else { "off" },
                members.len()
            );
            Ok(())
        }
        UserCommand::Export {
            org,
            format,
            output,
            subtree,
        } => export_members(&wired, &org, &format, &output, subtree).await,
        UserCommand::Import {
            org,
            file,
            apply,
            report,
            out,
        } => import_members(&wired, &settings, &org, &file, apply, report, out.json).await,
        UserCommand::GrantAdmin(change) => change_admin(&wired, &change, true).await,
        UserCommand::RevokeAdmin(change) => change_admin(&wired, &change, false).await,
        UserCommand::SetStatus { org, email, status } => {
            let (before, after) = admin::set_status(
                &wired.stores,
                &Actor::Operator,
                &Origin::default(),
                &org,
                &email,
                &status,
            )
            .await?;
            println!("{email}: {before} -> {after}");
            Ok(())
        }
        UserCommand::RecoveryLink { email } => {
            let (member, link) = idp_core::password_policy::issue_recovery_link(
                &wired.stores,
                &email,
                settings.issuer(),
                settings.reset_link_ttl(),
            )
            .await?;
            eprintln!(
                "a one-time sign-in link for {}, valid for {} minutes:",
                member.email,
                settings.reset_link_ttl().as_secs() / 60
            );
            println!("{link}");
            Ok(())
        }
        UserCommand::TempPassword { org, email } => {
            let member = admin::resolve_member(&wired.stores, &org, &email).await?;
            let password = idp_core::password_policy::issue_temporary_password(
                &wired.stores,
                &member,
                (idp_core::audit::ActorKind::System, None),
                &idp_core::signin::Origin::default(),
            )
            .await?;
            println!("{}", password.expose());
            Ok(())
        }
        UserCommand::SendPasswordReset { org, email } => {
            let member = admin::resolve_member(&wired.stores, &org, &email).await?;
            idp_core::password_policy::send_link(
                &wired.stores,
                &member,
                idp_core::password_policy::LinkKind::Reset,
                settings.issuer(),
                settings.reset_link_ttl(),
                (idp_core::audit::ActorKind::System, None),
                &idp_core::signin::Origin::default(),
            )
            .await?;
            println!("sent a password reset link to {}", member.email);
            Ok(())
        }
        UserCommand::ResetSecondFactor { org, email } => {
            let member = admin::resolve_member(&wired.stores, &org, &email).await?;
            idp_core::mfa::reset_by_admin(
                &wired.stores,
                &idp_core::authz::Actor::Operator,
                &member,
                &idp_core::signin::Origin::default(),
            )
            .await?;
            println!("reset the second factor of {}", member.email);
            Ok(())
        }
        UserCommand::List { org, out } => {
            let all =
                admin::list_members(&wired.stores, &Actor::Operator, &Origin::default(), &org)
                    .await?;
            if out.json {
                print_json(&json!(all.iter().map(user_json).collect::<Vec<_>>()))
            } else {
                for u in &all {
                    println!(
                        "{}  {}  {}{}",
                        u.id,
                        u.email,
                        u.status,
                        if u.super_admin { "  super-admin" } else { "" }
                    );
                }
                Ok(())
            }
        }
    }
}

async fn export_members(
    wired: &wiring::Wired,
    org: &str,
    format: &str,
    output: &std::path::Path,
    subtree: bool,
) -> anyhow::Result<()> {
    let format: idp_core::audit_jobs::ExportFormat = format.parse()?;
    let query = idp_core::members::MemberQuery {
        subtree: if subtree { "true" } else { "" }.into(),
        ..Default::default()
    };
    let scope = members_io::export::start(
        &wired.stores,
        &Actor::Operator,
        &Origin::default(),
        org,
        &query,
        format,
    )
    .await?;
    let pages = members_io::export::Pages::new(wired.stores.clone(), scope);
    let runtime = tokio::runtime::Handle::current();
    let path = output.to_owned();
    let n = tokio::task::spawn_blocking(move || {
        crate::members_files::write_export(format, pages, &runtime, &path)
    })
    .await??;
    println!("exported {n} members to {}", output.display());
    Ok(())
}

async fn import_members(
    wired: &wiring::Wired,
    settings: &Settings,
    org: &str,
    file: &std::path::Path,
    apply: bool,
    report_path: Option<PathBuf>,
    json_out: bool,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let scope =
        members_io::plan::import_scope(&wired.stores, &Actor::Operator, &Origin::default(), org)
            .await?;
    let (bytes, sheet) = tokio::task::spawn_blocking(move || {
        let sheet = members_io::read::read(&bytes);
        (bytes, sheet)
    })
    .await?;
    let run = members_io::plan::dry_run(
        &wired.stores,
        &Actor::Operator,
        &Origin::default(),
        &scope,
        &name,
        bytes,
        sheet?,
    )
    .await?;
    if let Some(path) = &report_path {
        std::fs::write(
            path,
            crate::members_files::report_file(&run.sheet, &run.report, &Default::default())?,
        )?;
    }
    let report = &run.report;
    let mut applied = None;
    if apply && report.totals.errors == 0 {
        members_io::job::request_apply(
            &wired.stores,
            &Actor::Operator,
            &Origin::default(),
            &run.import_id,
            &report.digest,
        )
        .await?;
        crate::routes::members_io_api::run_waiting(
            &wired.stores,
            &settings.welcome_links(),
            settings.import_lease(),
            Some(&run.import_id),
        )
        .await;
        applied = wired.stores.members_io.find_import(&run.import_id).await?;
    }
    if json_out {
        let outcomes = wired
            .stores
            .members_io
            .import_outcomes(&run.import_id)
            .await?;
        print_json(&json!({
            "import_id": run.import_id,
            "digest": report.digest,
            "report": report,
            "job": applied,
            "outcomes": outcomes.lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()).collect::<Vec<_>>(),
        }))?;
    } else {
        print_report(report);
        match &applied {
            Some(job) => println!(
                "applied: {} of {} changes ({} not applied: changed since the preview); status {}",
                job.applied, job.total, job.conflicts, job.status
            ),
            None if apply => println!("nothing applied: fix the errors and run again"),
            None => println!(
                "dry run: nothing changed. Run again with --apply to apply (import {})",
                run.import_id
            ),
        }
    }
    if apply && report.totals.errors > 0 {
        anyhow::bail!(
            "the preview found {} errors; nothing was applied",
            report.totals.errors
        );
    }
    Ok(())
}

fn print_report(report: &members_io::plan::Report) {
    let t = &report.totals;
    println!(
        "create {}, update {}, unchanged {}, warnings {}, errors {}",
        t.create, t.update, t.unchanged, t.warnings, t.errors
    );
    for note in &report.notes {
        println!("note: {note}");
    }
    for line in &report.impact {
        println!("impact: {line}");
    }
    for r in &report.rows {
        if r.action == members_io::plan::Action::Unchanged && r.messages.is_empty() {
            continue;
        }
        println!("row {} {} {}", r.row, r.email, r.status_text());
        for c in &r.changes {
            println!(
                "    {}: {} -> {}",
                c.field,
                c.old.as_deref().unwrap_or("(new)"),
                c.new
            );
        }
        for m in &r.messages {
            println!("    {:?}: {}", m.level, m.text);
        }
    }
}

async fn client(command: ClientCommand, settings: Settings) -> anyhow::Result<()> {
    let wired = wiring::wire(&settings, true).await?;
    match command {
        ClientCommand::Create {
            org,
            name,
            redirect_uris,
            post_logout_redirect_uris,
            public,
            first_party,
            grants,
            signing_alg,
            jwks_file,
            pkce_optional,
            scopes,
            access_token_ttl,
            id_token_ttl,
            refresh_token_ttl,
            require_par,
            require_signed_request_object,
            dpop_bound_access_tokens,
            profile,
            logout,
            out,
        } => {
            let jwks = match jwks_file {
                Some(path) => Some(
                    std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?,
                ),
                None => None,
            };
            let new = NewClient {
                signing_alg,
                jwks,
                pkce_optional,
                extra_scopes: scopes,
                access_token_ttl_secs: access_token_ttl,
                id_token_ttl_secs: id_token_ttl,
                refresh_token_ttl_secs: refresh_token_ttl,
                org,
                name,
                redirect_uris,
                post_logout_redirect_uris,
                public,
                first_party,
                grants,
                require_pushed_authorization_requests: require_par,
                require_signed_request_object,
                dpop_bound_access_tokens,
                backchannel_logout_uri: logout.backchannel_logout_uri,
                backchannel_logout_session_required: logout.backchannel_logout_session_required,
                subject_type: logout.subject_type,
                sector_identifier_uri: logout.sector_identifier_uri,
                security_profile: profile,
            };
            let (client, secret) = admin::create_client(&wired.stores, new).await?;
            if out.json {
                let mut value = client_json(&client);
                if let (Some(obj), Some(s)) = (value.as_object_mut(), &secret) {
                    obj.insert("client_secret".into(), json!(s.expose()));
                }
                print_json(&value)
            } else {
                println!(
                    "created client {} with client_id {}",
                    client.name, client.id
                );
                if let Some(s) = secret {
                    println!("client_secret: {} (shown once: store it now)", s.expose());
                }
                Ok(())
            }
        }
        ClientCommand::Update {
            id,
            require_par,
            require_signed_request_object,
            dpop_bound_access_tokens,
            profile,
            logout,
            no_backchannel_logout,
            out,
        } => {
            let change = idp_core::client_admin::ClientUpdate {
                require_pushed_authorization_requests: require_par,
                require_signed_request_object,
                dpop_bound_access_tokens,
                backchannel_logout_uri: if no_backchannel_logout {
                    Some(None)
                } else {
                    logout.backchannel_logout_uri.map(Some)
                },
                backchannel_logout_session_required: logout
                    .backchannel_logout_session_required
                    .then_some(true),
                subject_type: logout.subject_type,
                sector_identifier_uri: logout.sector_identifier_uri.map(Some),
                security_profile: profile,
                ..Default::default()
            };
            let client = idp_core::client_admin::update_client(
                &wired.stores,
                &Actor::Operator,
                &Origin::default(),
                &idp_core::ids::ClientId::from_string(id),
                change,
            )
            .await?;
            crate::state::announce(&wired.stores, &Notice::Client(client.id.clone())).await;
            if out.json {
                print_json(&client_json(&client))
            } else {
                println!("updated client {} ({})", client.name, client.id);
                Ok(())
            }
        }
        ClientCommand::Delete { id, out } => {
            let client = admin::delete_client(
                &wired.stores,
                &Actor::Operator,
                &Origin::default(),
                &idp_core::ids::ClientId::from_string(id),
            )
            .await?;
            crate::state::announce(&wired.stores, &Notice::Client(client.id.clone())).await;
            if out.json {
                print_json(&json!({"deleted": client.id}))
            } else {
                println!("deleted client {} ({})", client.name, client.id);
                Ok(())
            }
        }
        ClientCommand::RegistrationToken(command) => {
            registration_token(command, &wired.stores).await
        }
        ClientCommand::List { org, out } => {
            let clients = match org {
                Some(o) => {
                    let org = admin::resolve_org(&wired.stores, &o).await?;
                    wired.stores.clients.find_by_org(&org.id).await?
                }
                None => wired.stores.clients.find_all().await?,
            };
            if out.json {
                print_json(&json!(clients.iter().map(client_json).collect::<Vec<_>>()))
            } else {
                for c in &clients {
                    println!(
                        "{}  {}  {}",
                        c.id,
                        c.name,
                        if c.is_public() {
                            "public"
                        } else {
                            "confidential"
                        }
                    );
                }
                Ok(())
            }
        }
    }
}

async fn registration_token(
    command: RegistrationTokenCommand,
    stores: &idp_core::ports::Stores,
) -> anyhow::Result<()> {
    use crate::routes::registration::token_json;
    use idp_core::oidc::registration;
    let now = stores.clock.now();
    let (by, origin) = (Actor::Operator, Origin::default());
    match command {
        RegistrationTokenCommand::Create { org, expires, out } => {
            let lifetime = match expires.as_deref() {
                Some(text) => Some(registration::parse_lifetime(text).with_context(|| {
                    format!("--expires {text:?}: give seconds, or a number with s, m, h or d (up to 366d)")
                })?),
                None => None,
            };
            let (token, value) =
                registration::create_initial_token(stores, &by, &origin, &org, lifetime).await?;
            if out.json {
                let mut shown = token_json(&token, now);
                if let Some(obj) = shown.as_object_mut() {
                    obj.insert("token".into(), json!(value.expose()));
                }
                print_json(&shown)
            } else {
                println!(
                    "registration token {} for organization {}",
                    token.id, token.org_id
                );
                println!("token: {} (shown once: store it now)", value.expose());
                Ok(())
            }
        }
        RegistrationTokenCommand::List { org, out } => {
            let tokens = registration::list_initial_tokens(stores, &by, &origin, &org).await?;
            if out.json {
                print_json(&json!(
                    tokens
                        .iter()
                        .map(|t| token_json(t, now))
                        .collect::<Vec<_>>()
                ))
            } else {
                for t in &tokens {
                    println!(
                        "{}  created {}  {}",
                        t.id,
                        t.created_at.to_rfc3339(),
                        if t.is_usable(now) {
                            "usable"
                        } else {
                            "expired or revoked"
                        }
                    );
                }
                Ok(())
            }
        }
        RegistrationTokenCommand::Revoke { id, out } => {
            let token = registration::revoke_initial_token(stores, &by, &origin, &id).await?;
            if out.json {
                print_json(&token_json(&token, now))
            } else {
                println!("revoked registration token {}", token.id);
                Ok(())
            }
        }
    }
}

/// The longest a token signed now may live: what a retired key must outlive.
pub(crate) async fn longest_token_lifetime(
    settings: &Settings,
    stores: &idp_core::ports::Stores,
) -> Result<std::time::Duration, idp_core::ports::StoreError> {
    let t = &settings.tokens;
    let mut longest = t.access_token_ttl_secs.max(t.id_token_ttl_secs);
    for c in stores.clients.find_all().await? {
        longest = longest
            .max(c.access_token_ttl_secs.unwrap_or(0))
            .max(c.id_token_ttl_secs.unwrap_or(0));
    }
    // One reload interval more, so no node still signs with it when it leaves the JWKS.
    Ok(std::time::Duration::from_secs(
        u64::from(longest) + settings.keys.reload_secs,
    ))
}

async fn keys(command: KeysCommand, settings: Settings) -> anyhow::Result<()> {
    let wired = wiring::wire(&settings, true).await?;
    let s = &wired.stores;
    keyring::ensure_keys(
        s.keys.as_ref(),
        &wired.master_key,
        s.random.as_ref(),
        s.clock.as_ref(),
        SigningAlg::ALL,
    )
    .await?;
    match command {
        KeysCommand::Rotate { alg, out } => {
            let algs: Vec<SigningAlg> = match alg {
                Some(a) => vec![a.parse()?],
                None => SigningAlg::ALL.to_vec(),
            };
            let retire_after = longest_token_lifetime(&settings, s).await?;
            let mut reports = Vec::new();
            for r in admin::rotate_keys(
                s,
                &wired.master_key,
                &Actor::Operator,
                &Origin::default(),
                &algs,
                retire_after,
            )
            .await?
            {
                reports.push(
                    json!({"alg": r.alg.as_str(), "promoted": r.promoted, "retired": r.retired,
                    "retired_until": r.retired_until.to_rfc3339(), "next": r.next}),
                );
            }
            crate::state::announce(s, &Notice::Keys).await;
            if out.json {
                print_json(&json!(reports))
            } else {
                for r in &reports {
                    println!(
                        "{}: {} now signs; {} retired until {}; {} published as next",
                        r["alg"].as_str().unwrap_or_default(),
                        r["promoted"].as_str().unwrap_or_default(),
                        r["retired"],
                        r["retired_until"].as_str().unwrap_or_default(),
                        r["next"].as_str().unwrap_or_default()
                    );
                }
                println!(
                    "running servers pick this up at once with Redis, otherwise within {} s",
                    settings.keys.reload_secs
                );
                Ok(())
            }
        }
        KeysCommand::List { out } => {
            let keys = s.keys.find_published(s.clock.now()).await?;
            let rows: Vec<serde_json::Value> = keys
                .iter()
                .map(|k| json!({"kid": k.kid, "alg": k.alg.as_str(), "state": k.state.as_str(),
                    "created_at": k.created_at.to_rfc3339(), "expires_at": k.expires_at.map(|t| t.to_rfc3339())}))
                .collect();
            if out.json {
                print_json(&json!(rows))
            } else {
                for k in &keys {
                    println!("{}  {}  {}", k.kid, k.alg, k.state);
                }
                Ok(())
            }
        }
    }
}
