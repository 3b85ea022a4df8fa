//! The typed configuration: built-in defaults, then a TOML file given with `--config`,
//! then `IDP_SECTION__KEY` environment variables. Validated before anything starts.

use figment::Figment;
use figment::providers::{Env, Format as _, Serialized, Toml};
use idp_core::secret::SecretString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use url::Url;

/// A bad configuration value, with the key it was read from.
#[derive(Debug, thiserror::Error)]
#[error("configuration key `{key}`: {message}")]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            message: message.into(),
        }
    }
}

/// A secret read from configuration: deserializes from a string, serializes masked.
#[derive(Clone, Debug)]
pub struct Secret(pub SecretString);

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Secret(SecretString::new(s)))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One process, generates what it lacks (master key, data directory).
    Embedded,
    /// Refuses to start without an operator-provided master key.
    Production,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub mail: MailSettings,
    pub log: LogSettings,
    pub telemetry: TelemetrySettings,
    pub security: SecuritySettings,
    pub tokens: TokenSettings,
    pub session: SessionSettings,
    pub keys: KeySettings,
    pub audit: AuditSettings,
    pub imports: ImportSettings,
    pub federation: FederationSettings,
    pub throttle: ThrottleSettings,
    pub par: ParSettings,
    pub dpop: DpopSettings,
    pub backchannel: BackchannelSettings,
    pub device: DeviceSettings,
    pub registration: RegistrationSettings,
    pub passkeys: PasskeySettings,
    pub sms: SmsSettings,
}

/// Pushed authorization requests (RFC 9126).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ParSettings {
    /// Seconds a pushed request's `request_uri` may wait to be used (once), 1 to 600.
    pub request_uri_ttl_secs: u64,
    /// Every client must push its authorization requests to `/par` first (clients may
    /// also be required to one by one).
    pub require_pushed_authorization_requests: bool,
}

impl Default for ParSettings {
    fn default() -> Self {
        Self {
            request_uri_ttl_secs: 60,
            require_pushed_authorization_requests: false,
        }
    }
}

/// DPoP (RFC 9449): sender-constrained tokens, bound to a key the client proves it holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DpopSettings {
    /// Accept DPoP proofs and issue DPoP-bound tokens (advertised in discovery).
    pub enabled: bool,
    /// Seconds a proof's `iat` may be from the server's clock, either way; its `jti` is
    /// remembered twice as long to refuse a replay.
    pub iat_window_secs: u64,
    /// Require a server nonce in every proof (`use_dpop_nonce`, `DPoP-Nonce`).
    pub require_nonce: bool,
    /// Seconds one nonce is current; the previous one is still accepted.
    pub nonce_step_secs: u64,
}

impl Default for DpopSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            iat_window_secs: 60,
            require_nonce: false,
            nonce_step_secs: 300,
        }
    }
}

impl DpopSettings {
    pub fn rules(&self) -> idp_core::oidc::dpop::DpopRules {
        idp_core::oidc::dpop::DpopRules {
            iat_window: std::time::Duration::from_secs(self.iat_window_secs),
            require_nonce: self.require_nonce,
            nonce_step: std::time::Duration::from_secs(self.nonce_step_secs),
        }
    }
}

/// Back-Channel Logout 1.0: logout tokens sent in the background, by whichever node
/// takes each delivery, with bounded retries.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackchannelSettings {
    /// Milliseconds a client has to answer one POST; at least 1.
    pub timeout_ms: u64,
    /// Attempts per logout token, the first included; at least 1.
    pub attempts: u32,
    /// Seconds to wait after the first failure, doubled after each further one.
    pub backoff_secs: u64,
    /// The longest wait between two attempts, in seconds.
    pub max_backoff_secs: u64,
    /// Milliseconds between each node's looks for deliveries due; at least 1.
    pub poll_ms: u64,
    /// Seconds between each node's looks for sessions that ran out (idle or absolute
    /// lifetime) without the browser coming back, so their clients are told; 0 turns it
    /// off.
    pub sweep_secs: u64,
}

impl Default for BackchannelSettings {
    fn default() -> Self {
        Self {
            timeout_ms: 5000,
            attempts: 5,
            backoff_secs: 5,
            max_backoff_secs: 300,
            poll_ms: 1000,
            sweep_secs: 60,
        }
    }
}

impl BackchannelSettings {
    pub fn retry_policy(&self) -> idp_core::oidc::backchannel::RetryPolicy {
        idp_core::oidc::backchannel::RetryPolicy {
            attempts: self.attempts.max(1),
            backoff: std::time::Duration::from_secs(self.backoff_secs),
            max_backoff: std::time::Duration::from_secs(
                self.max_backoff_secs.max(self.backoff_secs),
            ),
        }
    }
}

/// Dynamic client registration (RFC 7591/7592) at `/register`, for holders of an
/// initial access token an administrator issued (`idp client registration-token`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistrationSettings {
    /// Serve `/register` (advertised in discovery only when on). Off by default.
    pub enabled: bool,
}

/// Passkeys (WebAuthn). The relying-party id is the issuer's host and the only origin
/// the issuer's origin; browsers refuse WebAuthn on an IP address.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasskeySettings {
    /// `true`: on (start-up refuses an issuer whose host is an IP address); `false`: off;
    /// unset: on exactly when the issuer's host is a name (such as `localhost`).
    pub enabled: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsMode {
    /// No text messages: they are offered nowhere.
    Off,
    /// Posts `body_template` to `endpoint`, for gateways with an HTTP API of their own.
    Http,
    /// Twilio's Messages API and the gateways that copy it: form fields `To`, `From`,
    /// `Body`, with `username` and `password` as basic authentication.
    Twilio,
}

/// The gateway that delivers text-message codes. Off by default.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmsSettings {
    /// `off`, `http` or `twilio`.
    pub mode: SmsMode,
    /// The URL messages are posted to (for Twilio, the account's Messages endpoint).
    pub endpoint: Option<String>,
    /// Basic-authentication user name (Twilio: the account SID).
    pub username: Option<String>,
    /// Basic-authentication password (Twilio: the auth token).
    pub password: Option<Secret>,
    /// Sent as `Authorization: Bearer …` in `http` mode, when set.
    pub bearer_token: Option<Secret>,
    /// The sender: a number in E.164 or a name the gateway accepts. Read as text even
    /// when the environment gives `+15005550006`, which would otherwise read as a number.
    #[serde(deserialize_with = "text_or_number")]
    pub from: String,
    /// `http` mode: the request body, with `{number}`, `{message}` and `{from}` replaced
    /// (escaped for JSON when `content_type` is JSON, for forms when it is a form).
    pub body_template: String,
    /// `http` mode: the request's content type.
    pub content_type: String,
    /// Milliseconds the gateway has to accept a message (100 to 60000).
    pub timeout_ms: u64,
    /// Seconds a code sent by text message works (1 to 600).
    pub code_lifetime_secs: u64,
}

impl Settings {
    fn check_sms(&self) -> Result<(), ConfigError> {
        let sms = &self.sms;
        if sms.mode == SmsMode::Off {
            return Ok(());
        }
        let endpoint_ok = sms.endpoint.as_deref().is_some_and(|e| {
            Url::parse(e)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        });
        if !endpoint_ok {
            return Err(ConfigError::new(
                "sms.endpoint",
                "must be the gateway's http(s) URL when sms.mode is not off",
            ));
        }
        if !(100..=60_000).contains(&sms.timeout_ms) {
            return Err(ConfigError::new("sms.timeout_ms", "must be 100 to 60000"));
        }
        if !(1..=600).contains(&sms.code_lifetime_secs) {
            return Err(ConfigError::new(
                "sms.code_lifetime_secs",
                "must be 1 to 600",
            ));
        }
        if sms.mode == SmsMode::Twilio {
            if sms.username.as_deref().is_none_or(|u| u.trim().is_empty()) || sms.password.is_none()
            {
                return Err(ConfigError::new(
                    "sms.username",
                    "twilio mode needs sms.username (account SID) and sms.password (auth token)",
                ));
            }
            if sms.from.trim().is_empty() {
                return Err(ConfigError::new(
                    "sms.from",
                    "twilio mode needs a sender number",
                ));
            }
        }
        if sms.mode == SmsMode::Http && !sms.body_template.contains("{message}") {
            return Err(ConfigError::new(
                "sms.body_template",
                "must contain {message} (and usually {number})",
            ));
        }
        Ok(())
    }
}

/// A string setting that may arrive as a number from the environment (`IDP_SMS__FROM=+1…`
/// is parsed as an integer, dropping the `+`, which a sender number needs kept).
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Whole(u64),
        Signed(i64),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::Text(s) => s,
        // The environment parser dropped a leading `+`: a number as long as a phone
        // number is an E.164 sender; a short code (3 to 6 digits) stays as it was.
        Raw::Whole(n) if n >= 10_000_000 => format!("+{n}"),
        Raw::Whole(n) => n.to_string(),
        Raw::Signed(n) => n.to_string(),
    })
}

impl Default for SmsSettings {
    fn default() -> Self {
        Self {
            mode: SmsMode::Off,
            endpoint: None,
            username: None,
            password: None,
            bearer_token: None,
            from: String::new(),
            body_template: r#"{"to":"{number}","from":"{from}","text":"{message}"}"#.into(),
            content_type: "application/json".into(),
            timeout_ms: 10_000,
            code_lifetime_secs: 600,
        }
    }
}

/// The device authorization grant (RFC 8628): devices without a browser show a short
/// code that a person types at `/device`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeviceSettings {
    /// Serve `/device_authorization`, `/device` and the device-code grant (advertised in
    /// discovery only when on).
    pub enabled: bool,
    /// Seconds a device code and its user code work (10 to 1800).
    pub code_lifetime_secs: u64,
    /// Seconds a device waits between polls, before any `slow_down` (1 to 60).
    pub interval_secs: u64,
}

impl Default for DeviceSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            code_lifetime_secs: 600,
            interval_secs: 5,
        }
    }
}

impl DeviceSettings {
    pub fn rules(&self) -> idp_core::oidc::device::DeviceSettings {
        idp_core::oidc::device::DeviceSettings {
            lifetime: std::time::Duration::from_secs(self.code_lifetime_secs),
            interval: std::time::Duration::from_secs(self.interval_secs),
        }
    }
}

/// Rate limits, counted per client address and per account (or client) in the
/// ephemeral store, so shared by every node on Redis. A `max` of 0 turns a limit off.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThrottleSettings {
    /// Sign-ins (password checks) per address per window.
    pub sign_in_per_address: u32,
    /// Sign-ins per account (the email address typed) per window.
    pub sign_in_per_account: u32,
    pub sign_in_window_secs: u64,
    /// Second-factor codes entered, per address per window.
    pub second_factor_per_address: u32,
    /// Second-factor codes entered, per member per window.
    pub second_factor_per_account: u32,
    pub second_factor_window_secs: u64,
    /// "Forgot your password?" requests per address per window.
    pub password_reset_per_address: u32,
    /// "Forgot your password?" requests per email address per window.
    pub password_reset_per_account: u32,
    pub password_reset_window_secs: u64,
    /// Emailed sign-in codes asked for, per address per window.
    pub email_code_per_address: u32,
    /// Emailed sign-in codes asked for, per member per window.
    pub email_code_per_account: u32,
    pub email_code_window_secs: u64,
    /// Failed client authentications (token, revocation, introspection) per address
    /// per window; once reached, that address is refused until the window ends.
    pub client_auth_failures_per_address: u32,
    /// Failed client authentications per client per window (off by default: secrets are
    /// random, and this limit would let anyone lock a client out).
    pub client_auth_failures_per_client: u32,
    pub client_auth_window_secs: u64,
    /// Password checks one address may have queued or running at once on this node.
    pub hashes_in_flight_per_address: u32,
    /// Wrong user codes typed on the device verification page per address per window;
    /// once reached, that address is refused until the window ends.
    pub user_code_failures_per_address: u32,
    pub user_code_window_secs: u64,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        let l = idp_core::throttle::Limits::default();
        Self {
            sign_in_per_address: l.sign_in.per_address.max,
            sign_in_per_account: l.sign_in.per_account.max,
            sign_in_window_secs: l.sign_in.per_address.window.as_secs(),
            second_factor_per_address: l.second_factor.per_address.max,
            second_factor_per_account: l.second_factor.per_account.max,
            second_factor_window_secs: l.second_factor.per_address.window.as_secs(),
            password_reset_per_address: l.password_reset.per_address.max,
            password_reset_per_account: l.password_reset.per_account.max,
            password_reset_window_secs: l.password_reset.per_address.window.as_secs(),
            email_code_per_address: l.email_code.per_address.max,
            email_code_per_account: l.email_code.per_account.max,
            email_code_window_secs: l.email_code.per_address.window.as_secs(),
            client_auth_failures_per_address: l.client_auth.per_address.max,
            client_auth_failures_per_client: l.client_auth.per_account.max,
            client_auth_window_secs: l.client_auth.per_address.window.as_secs(),
            hashes_in_flight_per_address: 4,
            user_code_failures_per_address: l.user_code.per_address.max,
            user_code_window_secs: l.user_code.per_address.window.as_secs(),
        }
    }
}

impl ThrottleSettings {
    pub fn limits(&self) -> idp_core::throttle::Limits {
        use idp_core::throttle::{ActionLimits, Limit, Limits};
        let pair = |address: u32, account: u32, window: u64| ActionLimits {
            per_address: Limit::new(address, window),
            per_account: Limit::new(account, window),
        };
        Limits {
            sign_in: pair(
                self.sign_in_per_address,
                self.sign_in_per_account,
                self.sign_in_window_secs,
            ),
            second_factor: pair(
                self.second_factor_per_address,
                self.second_factor_per_account,
                self.second_factor_window_secs,
            ),
            password_reset: pair(
                self.password_reset_per_address,
                self.password_reset_per_account,
                self.password_reset_window_secs,
            ),
            email_code: pair(
                self.email_code_per_address,
                self.email_code_per_account,
                self.email_code_window_secs,
            ),
            client_auth: pair(
                self.client_auth_failures_per_address,
                self.client_auth_failures_per_client,
                self.client_auth_window_secs,
            ),
            user_code: pair(
                self.user_code_failures_per_address,
                0,
                self.user_code_window_secs,
            ),
        }
    }
}

/// Member imports applied in the background: any node takes up a waiting import, or one
/// whose node stopped once that node's lease has run out.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportSettings {
    /// Seconds a node holds an import it applies before another may take it over
    /// (renewed as it goes); at least 1.
    pub lease_secs: u64,
    /// Seconds between looks for waiting or abandoned imports; at least 1.
    pub check_secs: u64,
}

impl Default for ImportSettings {
    fn default() -> Self {
        Self {
            lease_secs: 30,
            check_secs: 5,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    /// Seconds between runs of the retention task (each organization's
    /// `audit_retention_days`); 0 turns it off (run `idp audit prune` instead).
    pub retention_check_secs: u64,
    /// How long the emailed one-time link to a background export works, in seconds (up
    /// to 7 days); the file is deleted when it is downloaded or the link expires.
    pub export_link_ttl_secs: u64,
    /// Seconds a node holds a background export it writes before another may take it
    /// over (renewed as it goes).
    pub export_lease_secs: u64,
    /// Size in KiB of the pieces an export's file is stored in.
    pub export_chunk_kib: u64,
    /// Test-only: a pause in milliseconds before each piece is stored, so a test can stop
    /// a node mid-write. 0 in production.
    pub export_test_pause_ms: u64,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            retention_check_secs: 3600,
            export_link_ttl_secs: 24 * 3600,
            export_lease_secs: 30,
            export_chunk_kib: 1024,
            export_test_pause_ms: 0,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenSettings {
    /// Access token lifetime in seconds (clients may set their own).
    pub access_token_ttl_secs: u32,
    /// ID token lifetime in seconds (clients may set their own).
    pub id_token_ttl_secs: u32,
    /// Refresh token lifetime in seconds (clients may set their own).
    pub refresh_token_ttl_secs: u32,
    /// Authorization code lifetime in seconds, 1 to 60 (RFC 9700 keeps codes short).
    pub code_ttl_secs: u32,
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self {
            access_token_ttl_secs: 900,
            id_token_ttl_secs: 3600,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            code_ttl_secs: 60,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    /// Seconds without activity after which a browser session ends.
    pub idle_timeout_secs: u64,
    /// Seconds after sign-in at which a browser session ends regardless.
    pub absolute_lifetime_secs: u64,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            idle_timeout_secs: 8 * 3600,
            absolute_lifetime_secs: 14 * 24 * 3600,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeySettings {
    /// Seconds between reloads of the signing keys from the database (picks up rotations).
    pub reload_secs: u64,
}

impl Default for KeySettings {
    fn default() -> Self {
        Self { reload_secs: 30 }
    }
}

/// The issuer when `server.issuer` is unset and `server.bind` is its default,
/// 127.0.0.1:8080: a name, not an address, so that browsers allow passkeys on it (they
/// refuse WebAuthn on an IP address).
pub const DEFAULT_ISSUER: &str = "http://localhost:8080";

/// The issuer of a server bound to `bind` whose `server.issuer` is unset: `localhost` on
/// a loopback address (which is where a browser on the same machine reaches it, and a
/// name passkeys work on), else the address itself.
fn default_issuer(bind: &str) -> String {
    match bind.parse::<SocketAddr>() {
        Ok(addr) if addr.ip().is_loopback() => format!("http://localhost:{}", addr.port()),
        _ => format!("http://{bind}"),
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// Address and port to listen on.
    pub bind: String,
    /// The issuer identifier: the public base URL relying parties see. Unset:
    /// `http://localhost:PORT` on a loopback `bind` ([`DEFAULT_ISSUER`] by default), else
    /// `http://<bind>`.
    pub issuer: Option<String>,
    /// Where the embedded database, master key and mail outbox live.
    pub data_dir: PathBuf,
    /// `embedded` or `production`.
    pub mode: Mode,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Seconds in-flight requests get to finish on shutdown.
    pub shutdown_timeout_secs: u64,
    /// Seconds between `SIGTERM` and closing the listener, while `/readyz` answers 503
    /// and every request is still served: long enough for a load balancer's health
    /// checks to take the node out (its interval times the failures it waits for).
    pub drain_secs: u64,
    /// Comma-separated addresses and CIDR ranges of the proxies in front of `idp`.
    pub trusted_proxies: String,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            issuer: None,
            data_dir: PathBuf::from("./data"),
            mode: Mode::Embedded,
            workers: 0,
            shutdown_timeout_secs: 30,
            drain_secs: 0,
            trusted_proxies: String::new(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// `postgres://…` or `sqlite://PATH`; unset means SQLite at `<data_dir>/idp.db`.
    pub url: Option<Secret>,
    pub max_connections: u32,
    pub acquire_timeout_ms: u64,
    /// How long start-up keeps retrying an unreachable database.
    pub startup_retry_secs: u64,
    pub sqlite_busy_timeout_ms: u64,
    /// Apply pending migrations when `idp serve` starts.
    pub migrate_on_start: bool,
    /// `/healthz` fails once the pool has handed out no working connection for this
    /// many seconds while a fresh connection to the database works; 0 turns it off.
    pub liveness_failure_secs: u64,
    /// PostgreSQL: grants and refresh rotations wait for the WAL flush (see
    /// config/default.toml for the trade-off).
    pub durable_grant_writes: bool,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 8,
            acquire_timeout_ms: 5000,
            startup_retry_secs: 30,
            sqlite_busy_timeout_ms: 5000,
            migrate_on_start: true,
            liveness_failure_secs: 120,
            durable_grant_writes: true,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedisSettings {
    /// `redis://…`, `rediss://…`, or `redis+sentinel://host:port,…/master[/db]` (and
    /// `rediss+sentinel://`) for a master found through Redis Sentinel; unset keeps
    /// ephemeral state in this process's memory.
    pub url: Option<Secret>,
    pub connect_timeout_ms: u64,
    pub command_timeout_ms: u64,
    pub key_prefix: String,
}

impl Default for RedisSettings {
    fn default() -> Self {
        Self {
            url: None,
            connect_timeout_ms: 2000,
            command_timeout_ms: 500,
            key_prefix: "idp".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    File,
    Smtp,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailSettings {
    /// `file` writes .eml files to the outbox; `smtp` sends.
    pub transport: MailTransport,
    pub from: String,
    /// Unset means `<data_dir>/outbox`.
    pub outbox_dir: Option<PathBuf>,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `none` (loopback relays only), `starttls` or `tls`.
    pub smtp_security: idp_store::SmtpSecurity,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<Secret>,
    pub timeout_secs: u64,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            transport: MailTransport::File,
            from: "idp <no-reply@localhost.localdomain>".into(),
            outbox_dir: None,
            smtp_host: "127.0.0.1".into(),
            smtp_port: 25,
            smtp_security: idp_store::SmtpSecurity::None,
            smtp_username: None,
            smtp_password: None,
            timeout_secs: 10,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    pub format: LogFormat,
    /// An env-filter directive; `RUST_LOG` overrides it.
    pub filter: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Human,
            filter: "info".into(),
        }
    }
}

/// OpenTelemetry trace export, off unless an endpoint is named.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetrySettings {
    /// The OTLP/HTTP collector's base URL (`/v1/traces` is added); unset: no export.
    pub otlp_endpoint: Option<String>,
    /// The `service.name` the spans carry.
    pub service_name: String,
    /// Milliseconds one export may take.
    pub otlp_timeout_ms: u64,
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self {
            otlp_endpoint: None,
            service_name: "idp".into(),
            otlp_timeout_ms: 5000,
        }
    }
}

impl TelemetrySettings {
    /// Where spans are posted: the endpoint with `/v1/traces`, unless it names it already.
    pub fn traces_url(&self) -> Option<String> {
        let base = self.otlp_endpoint.as_deref()?.trim_end_matches('/');
        Some(if base.ends_with("/v1/traces") {
            base.to_owned()
        } else {
            format!("{base}/v1/traces")
        })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecuritySettings {
    /// File holding the master key (64 hex digits); `IDP_MASTER_KEY` takes precedence.
    pub master_key_file: Option<PathBuf>,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// Threads computing password hashes (each holds one argon2 buffer); 0 means one
    /// per core.
    pub max_concurrent_hashes: usize,
    /// Password checks waiting for a hashing thread; beyond it a sign-in is answered
    /// busy (429). 0 means 16 per thread.
    pub hash_queue_length: usize,
    /// How long a sign-in waits for a hashing slot before it is refused.
    pub hash_queue_timeout_ms: u64,
    /// `Strict-Transport-Security` max-age on an https issuer, in seconds; 0 sends none.
    pub hsts_max_age_secs: u64,
    /// Adds `includeSubDomains` to `Strict-Transport-Security`.
    pub hsts_include_subdomains: bool,
    /// How long a password reset link works.
    pub reset_link_ttl_secs: u64,
    /// How long the welcome link to create a first password works.
    pub welcome_link_ttl_secs: u64,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        let owasp = idp_core::crypto::PasswordHashing::default();
        Self {
            master_key_file: None,
            argon2_memory_kib: owasp.memory_kib,
            argon2_iterations: owasp.iterations,
            argon2_parallelism: owasp.parallelism,
            max_concurrent_hashes: 0,
            hash_queue_length: 0,
            hash_queue_timeout_ms: 2000,
            hsts_max_age_secs: 365 * 24 * 3600,
            hsts_include_subdomains: false,
            reset_link_ttl_secs: 3600,
            welcome_link_ttl_secs: 7 * 24 * 3600,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FederationSettings {
    /// Seconds an upstream request (discovery, keys, code exchange, Graph) may take.
    pub timeout_secs: u64,
    pub google: Option<UpstreamSettings>,
    pub entra: Option<UpstreamSettings>,
}

impl Default for FederationSettings {
    fn default() -> Self {
        Self {
            timeout_secs: 10,
            google: None,
            entra: None,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamSettings {
    pub client_id: String,
    /// The secret itself (prefer the environment), or `client_secret_file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret_file: Option<PathBuf>,
    pub discovery_url: String,
    /// Entra ID: a tenant id, `common` or `organizations`.
    #[serde(default)]
    pub tenant: Option<String>,
    /// Entra ID: Microsoft Graph's base URL, when the deployment may read job titles and
    /// phone numbers (`https://graph.microsoft.com/v1.0`); unset: Graph is not called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_url: Option<String>,
}

impl UpstreamSettings {
    /// The client secret, from the setting or its file.
    pub fn secret(&self, name: &str) -> Result<SecretString, ConfigError> {
        match (&self.client_secret, &self.client_secret_file) {
            (Some(s), None) => Ok(s.0.clone()),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map(|s| SecretString::new(s.trim().to_owned()))
                .map_err(|e| {
                    ConfigError::new(
                        &format!("federation.{name}.client_secret_file"),
                        format!("cannot read {}: {e}", path.display()),
                    )
                }),
            (Some(_), Some(_)) => Err(ConfigError::new(
                &format!("federation.{name}.client_secret"),
                "set client_secret or client_secret_file, not both",
            )),
            (None, None) => Err(ConfigError::new(
                &format!("federation.{name}.client_secret"),
                "missing: set it (or client_secret_file)",
            )),
        }
    }
}

impl Settings {
    /// Defaults, then `file`, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, Env::prefixed("IDP_"))
    }

    fn load_from(file: Option<&Path>, env: Env) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::new(
                    "--config",
                    format!("{} is not a readable file", path.display()),
                ));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        // Only SECTION__KEY variables are configuration: IDP_MASTER_KEY and IDP_TEST_* are not.
        let env = env.filter(|k| k.as_str().contains("__")).split("__");
        let mut settings: Settings = figment.merge(env).extract().map_err(figment_error)?;
        if settings.server.issuer.is_none() {
            settings.server.issuer = Some(default_issuer(&settings.server.bind));
        }
        settings.validate()?;
        Ok(settings)
    }

    /// Checks every value that serde's types do not already guarantee.
    pub fn validate(&self) -> Result<(), ConfigError> {
        parse_bind(&self.server.bind)?;
        let issuer_text = self.issuer();
        let issuer = Url::parse(issuer_text).map_err(|e| {
            ConfigError::new(
                "server.issuer",
                format!("{issuer_text:?} is not a URL: {e}"),
            )
        })?;
        // OIDC Discovery §3: https, no query or fragment (http allowed for loopback development).
        if !matches!(issuer.scheme(), "https" | "http")
            || issuer.query().is_some()
            || issuer.fragment().is_some()
        {
            return Err(ConfigError::new(
                "server.issuer",
                "must be an http(s) URL without query or fragment",
            ));
        }
        if issuer.scheme() == "http"
            && !idp_core::client::is_loopback(&issuer)
            && self.server.mode == Mode::Production
        {
            return Err(ConfigError::new(
                "server.issuer",
                "must use https in production mode",
            ));
        }
        self.passkey_relying_party()?;
        if let Some(endpoint) = &self.telemetry.otlp_endpoint {
            let ok = Url::parse(endpoint)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if !ok {
                return Err(ConfigError::new(
                    "telemetry.otlp_endpoint",
                    format!("{endpoint:?} is not an http(s) URL"),
                ));
            }
        }
        if self.telemetry.service_name.trim().is_empty() {
            return Err(ConfigError::new(
                "telemetry.service_name",
                "must not be empty",
            ));
        }
        if let Some(url) = &self.database.url {
            idp_store::DbTarget::parse(url.0.expose())
                .map_err(|e| ConfigError::new("database.url", e.to_string()))?;
        }
        if self.database.max_connections == 0 {
            return Err(ConfigError::new(
                "database.max_connections",
                "must be at least 1",
            ));
        }
        if let Some(url) = &self.redis.url {
            idp_store::RedisTarget::parse(url.0.expose())
                .map_err(|e| ConfigError::new("redis.url", e.to_string()))?;
        }
        idp_store::mail::check_mailbox(&self.mail.from).map_err(|e| {
            ConfigError::new(
                "mail.from",
                format!("{:?} is not a mailbox: {e}", self.mail.from),
            )
        })?;
        if self.mail.transport == MailTransport::Smtp && self.mail.smtp_host.trim().is_empty() {
            return Err(ConfigError::new(
                "mail.smtp_host",
                "is required when mail.transport is smtp",
            ));
        }
        if self.mail.smtp_port == 0 {
            return Err(ConfigError::new("mail.smtp_port", "must be 1 to 65535"));
        }
        self.check_sms()?;
        let hashing = self.password_hashing();
        if hashing.memory_kib < 8 * hashing.parallelism.max(1)
            || hashing.iterations == 0
            || hashing.parallelism == 0
        {
            return Err(ConfigError::new(
                "security.argon2_memory_kib",
                "argon2 needs at least 8 KiB per lane and one pass",
            ));
        }
        if let Err(e) = self.trusted_proxies() {
            return Err(ConfigError::new("server.trusted_proxies", e.to_string()));
        }
        if !(60..=30 * 24 * 3600).contains(&self.security.welcome_link_ttl_secs) {
            return Err(ConfigError::new(
                "security.welcome_link_ttl_secs",
                "must be 60 seconds to 30 days",
            ));
        }
        if !(60..=7 * 24 * 3600).contains(&self.security.reset_link_ttl_secs) {
            return Err(ConfigError::new(
                "security.reset_link_ttl_secs",
                "must be 60 seconds to 7 days",
            ));
        }
        if !(1..=3600).contains(&self.audit.export_lease_secs) {
            return Err(ConfigError::new(
                "audit.export_lease_secs",
                "must be 1 second to an hour",
            ));
        }
        if !(1..=64 * 1024).contains(&self.audit.export_chunk_kib) {
            return Err(ConfigError::new(
                "audit.export_chunk_kib",
                "must be 1 to 65536 (64 MiB)",
            ));
        }
        if !(1..=7 * 24 * 3600).contains(&self.audit.export_link_ttl_secs) {
            return Err(ConfigError::new(
                "audit.export_link_ttl_secs",
                "must be 1 second to 7 days",
            ));
        }
        if !(1..=3600).contains(&self.dpop.iat_window_secs) {
            return Err(ConfigError::new(
                "dpop.iat_window_secs",
                "must be 1 to 3600 seconds",
            ));
        }
        if !(10..=24 * 3600).contains(&self.dpop.nonce_step_secs) {
            return Err(ConfigError::new(
                "dpop.nonce_step_secs",
                "must be 10 seconds to 24 hours",
            ));
        }
        if !(1..=60).contains(&self.tokens.code_ttl_secs) {
            return Err(ConfigError::new(
                "tokens.code_ttl_secs",
                "must be 1 to 60 seconds",
            ));
        }
        for (key, value) in [
            (
                "tokens.access_token_ttl_secs",
                u64::from(self.tokens.access_token_ttl_secs),
            ),
            (
                "tokens.id_token_ttl_secs",
                u64::from(self.tokens.id_token_ttl_secs),
            ),
            (
                "tokens.refresh_token_ttl_secs",
                u64::from(self.tokens.refresh_token_ttl_secs),
            ),
            ("session.idle_timeout_secs", self.session.idle_timeout_secs),
            (
                "session.absolute_lifetime_secs",
                self.session.absolute_lifetime_secs,
            ),
            ("keys.reload_secs", self.keys.reload_secs),
            ("backchannel.timeout_ms", self.backchannel.timeout_ms),
            ("backchannel.attempts", u64::from(self.backchannel.attempts)),
            ("backchannel.poll_ms", self.backchannel.poll_ms),
        ] {
            if value == 0 {
                return Err(ConfigError::new(key, "must be at least 1"));
            }
        }
        for (name, upstream) in [
            ("google", &self.federation.google),
            ("entra", &self.federation.entra),
        ] {
            if let Some(u) = upstream {
                for (key, value) in [
                    ("discovery_url", Some(&u.discovery_url)),
                    ("graph_url", u.graph_url.as_ref()),
                ] {
                    if let Some(value) = value {
                        Url::parse(value).map_err(|e| {
                            ConfigError::new(
                                &format!("federation.{name}.{key}"),
                                format!("not a URL: {e}"),
                            )
                        })?;
                    }
                }
                u.secret(name)?;
            }
        }
        for (key, value) in [
            (
                "throttle.sign_in_window_secs",
                self.throttle.sign_in_window_secs,
            ),
            (
                "throttle.second_factor_window_secs",
                self.throttle.second_factor_window_secs,
            ),
            (
                "throttle.password_reset_window_secs",
                self.throttle.password_reset_window_secs,
            ),
            (
                "throttle.email_code_window_secs",
                self.throttle.email_code_window_secs,
            ),
            (
                "throttle.client_auth_window_secs",
                self.throttle.client_auth_window_secs,
            ),
            (
                "throttle.user_code_window_secs",
                self.throttle.user_code_window_secs,
            ),
        ] {
            if !(1..=24 * 3600).contains(&value) {
                return Err(ConfigError::new(key, "must be 1 second to 1 day"));
            }
        }
        if !(1..=600).contains(&self.par.request_uri_ttl_secs) {
            return Err(ConfigError::new(
                "par.request_uri_ttl_secs",
                "must be 1 to 600 seconds",
            ));
        }
        if !(10..=1800).contains(&self.device.code_lifetime_secs) {
            return Err(ConfigError::new(
                "device.code_lifetime_secs",
                "must be 10 to 1800 seconds",
            ));
        }
        if !(1..=60).contains(&self.device.interval_secs) {
            return Err(ConfigError::new(
                "device.interval_secs",
                "must be 1 to 60 seconds",
            ));
        }
        if self.federation.timeout_secs == 0 {
            return Err(ConfigError::new(
                "federation.timeout_secs",
                "must be at least 1",
            ));
        }
        Ok(())
    }

    /// Where emailed welcome links point, and how long they work.
    pub fn welcome_links(&self) -> idp_core::admin::Links {
        idp_core::admin::Links {
            base_url: self.issuer().to_owned(),
            ttl: std::time::Duration::from_secs(self.security.welcome_link_ttl_secs),
            upstreams: self.configured_upstreams(),
        }
    }

    /// The upstream providers this deployment is configured for.
    pub fn configured_upstreams(&self) -> Vec<idp_core::federation::Provider> {
        use idp_core::federation::Provider;
        [
            (Provider::Google, self.federation.google.is_some()),
            (Provider::Entra, self.federation.entra.is_some()),
        ]
        .into_iter()
        .filter_map(|(p, on)| on.then_some(p))
        .collect()
    }

    /// How long a node holds a member import it applies.
    pub fn import_lease(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.imports.lease_secs.max(1))
    }

    /// How long the link to a background audit export works.
    pub fn export_link_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.audit.export_link_ttl_secs)
    }

    /// How long a password reset link works.
    pub fn reset_link_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.security.reset_link_ttl_secs)
    }

    /// The trusted proxies, parsed.
    pub fn trusted_proxies(
        &self,
    ) -> Result<Vec<idp_core::policy::IpRange>, idp_core::policy::IpRangeError> {
        self.server
            .trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(idp_core::policy::IpRange::parse)
            .collect()
    }

    /// The WebAuthn relying party of this deployment, when passkeys are on (see
    /// [`PasskeySettings::enabled`]); an error names `server.issuer` when they are turned
    /// on and the issuer's host is an IP address.
    pub fn passkey_relying_party(
        &self,
    ) -> Result<Option<idp_core::passkeys::RelyingParty>, ConfigError> {
        if self.passkeys.enabled == Some(false) {
            return Ok(None);
        }
        match idp_core::passkeys::RelyingParty::from_issuer(self.issuer(), "idp") {
            Ok(rp) => Ok(Some(rp)),
            Err(idp_core::passkeys::RelyingPartyError::IpAddress { .. })
                if self.passkeys.enabled.is_none() =>
            {
                Ok(None)
            }
            Err(e) => Err(ConfigError::new("server.issuer", e.to_string())),
        }
    }

    /// The issuer identifier in force.
    pub fn issuer(&self) -> &str {
        self.server.issuer.as_deref().unwrap_or(DEFAULT_ISSUER)
    }

    pub fn bind_addr(&self) -> Result<SocketAddr, ConfigError> {
        parse_bind(&self.server.bind)
    }

    /// The database URL in force: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) => url.0.expose().to_owned(),
            None => format!("sqlite://{}", self.server.data_dir.join("idp.db").display()),
        }
    }

    /// The `Strict-Transport-Security` value: only on an https issuer (RFC 6797 §7.2:
    /// never over plain http).
    pub fn hsts(&self) -> Option<String> {
        let s = &self.security;
        (self.issuer().starts_with("https://") && s.hsts_max_age_secs > 0).then(|| {
            let mut v = format!("max-age={}", s.hsts_max_age_secs);
            if s.hsts_include_subdomains {
                v.push_str("; includeSubDomains");
            }
            v
        })
    }

    pub fn password_hashing(&self) -> idp_core::crypto::PasswordHashing {
        idp_core::crypto::PasswordHashing {
            memory_kib: self.security.argon2_memory_kib,
            iterations: self.security.argon2_iterations,
            parallelism: self.security.argon2_parallelism,
        }
    }

    /// The effective configuration as TOML, secrets masked.
    pub fn to_masked_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

fn parse_bind(bind: &str) -> Result<SocketAddr, ConfigError> {
    let (_, port) = bind.rsplit_once(':').ok_or_else(|| {
        ConfigError::new("server.bind", format!("{bind:?} needs the form host:port"))
    })?;
    match port.parse::<u32>() {
        Ok(p) if (1..=65535).contains(&p) => {}
        Ok(p) => {
            return Err(ConfigError::new(
                "server.bind",
                format!("port {p} is out of range (1-65535)"),
            ));
        }
        Err(_) => {
            return Err(ConfigError::new(
                "server.bind",
                format!("{port:?} is not a port number"),
            ));
        }
    }
    bind.parse().map_err(|_| {
        ConfigError::new(
            "server.bind",
            format!("{bind:?} is not an IP address and port"),
        )
    })
}

fn figment_error(e: figment::Error) -> ConfigError {
    let first = e.into_iter().next();
    match first {
        Some(err) => {
            let key = if err.path.is_empty() {
                "(root)".to_owned()
            } else {
                err.path.join(".")
            };
            ConfigError {
                key,
                message: err.kind.to_string(),
            }
        }
        None => ConfigError::new("(root)", "invalid configuration"),
    }
}

#[cfg(test)]
#[allow(
    clippy::result_large_err,
    reason = "figment's Jail fixes the closures' error type"
)]
mod tests {
    use super::*;
    use figment::Jail;

    fn load_in_jail(jail: &mut Jail, toml: Option<&str>) -> Result<Settings, ConfigError> {
        let file = toml.map(|t| {
            jail.create_file("idp.toml", t).unwrap();
            PathBuf::from("idp.toml")
        });
        Settings::load(file.as_deref())
    }

    #[test]
    fn defaults_are_embedded_and_valid() {
        Jail::expect_with(|jail| {
            let s = load_in_jail(jail, None).unwrap();
            assert_eq!(s.server.bind, "127.0.0.1:8080");
            assert_eq!(s.issuer(), "http://localhost:8080");
            assert_eq!(s.database_url(), "sqlite://./data/idp.db");
            assert!(s.redis.url.is_none());
            assert_eq!(s.mail.transport, MailTransport::File);
            assert_eq!(s.throttle.limits(), idp_core::throttle::Limits::default());
            assert_eq!(s.hsts(), None);
            Ok(())
        });
    }

    #[test]
    fn the_default_issuer_is_a_name_on_loopback_and_passkeys_follow_it() {
        Jail::expect_with(|jail| {
            let s = load_in_jail(jail, Some("[server]\nbind = \"127.0.0.1:9000\"\n")).unwrap();
            assert_eq!(s.issuer(), "http://localhost:9000");
            let rp = s.passkey_relying_party().unwrap().unwrap();
            assert_eq!(rp.id(), "localhost");

            let s = load_in_jail(jail, Some("[server]\nbind = \"0.0.0.0:9000\"\n")).unwrap();
            assert_eq!(s.issuer(), "http://0.0.0.0:9000");
            // Unset, passkeys are simply off on an address.
            assert!(s.passkey_relying_party().unwrap().is_none());

            let s = load_in_jail(jail, Some("[passkeys]\nenabled = false\n")).unwrap();
            assert!(s.passkey_relying_party().unwrap().is_none());

            // Turned on, an address as the issuer's host stops start-up, naming the key.
            let err = load_in_jail(
                jail,
                Some("[server]\nissuer = \"http://127.0.0.1:8080\"\n[passkeys]\nenabled = true\n"),
            )
            .unwrap_err();
            assert_eq!(err.key, "server.issuer");
            assert!(err.message.contains("127.0.0.1"), "{}", err.message);
            assert!(err.message.contains("IP address"), "{}", err.message);
            let s = load_in_jail(
                jail,
                Some("[server]\nissuer = \"https://id.example.com\"\n[passkeys]\nenabled = true\n"),
            )
            .unwrap();
            assert_eq!(
                s.passkey_relying_party().unwrap().unwrap().id(),
                "id.example.com"
            );
            Ok(())
        });
    }

    #[test]
    fn file_then_environment_override() {
        Jail::expect_with(|jail| {
            jail.set_env("IDP_SERVER__BIND", "127.0.0.1:9999");
            jail.set_env("IDP_MASTER_KEY", "not configuration");
            jail.set_env("IDP_TEST_DATABASE_URL", "not configuration either");
            let s = load_in_jail(
                jail,
                Some("[server]\nbind = \"127.0.0.1:7000\"\nissuer = \"https://id.example.com\"\n"),
            )
            .unwrap();
            assert_eq!(s.server.bind, "127.0.0.1:9999");
            assert_eq!(s.issuer(), "https://id.example.com");
            assert_eq!(s.hsts().as_deref(), Some("max-age=31536000"));
            Ok(())
        });
    }

    #[test]
    fn bad_values_name_their_key() {
        Jail::expect_with(|jail| {
            let cases = [
                (
                    "[server]\nbind = \"127.0.0.1:70000\"\n",
                    "server.bind",
                    "out of range",
                ),
                (
                    "[server]\nissuer = \"not a url\"\n",
                    "server.issuer",
                    "not a URL",
                ),
                ("[server]\nbogus = 1\n", "server", "bogus"),
                (
                    "[database]\nurl = \"mysql://x\"\n",
                    "database.url",
                    "postgres://",
                ),
                ("[redis]\nurl = \"http://x\"\n", "redis.url", "redis://"),
                (
                    "[redis]\nurl = \"redis+sentinel://s1:26379,s2:26379\"\n",
                    "redis.url",
                    "names no master",
                ),
                ("[mail]\nfrom = \"nobody\"\n", "mail.from", "mailbox"),
                ("[mail]\nsmtp_port = 70000\n", "mail.smtp_port", ""),
                (
                    "[throttle]\nsign_in_window_secs = 0\n",
                    "throttle.sign_in_window_secs",
                    "1 second",
                ),
                (
                    "[par]\nrequest_uri_ttl_secs = 3600\n",
                    "par.request_uri_ttl_secs",
                    "600 seconds",
                ),
            ];
            for (toml, key, words) in cases {
                let err = load_in_jail(jail, Some(toml)).unwrap_err();
                assert!(
                    err.key.starts_with(key),
                    "{toml}: key {} ({})",
                    err.key,
                    err.message
                );
                assert!(err.to_string().contains(words), "{toml}: {err}");
            }
            Ok(())
        });
    }

    #[test]
    fn secrets_are_masked_when_printed() {
        Jail::expect_with(|jail| {
            jail.set_env("IDP_MAIL__SMTP_PASSWORD", "hunter2");
            jail.set_env("IDP_DATABASE__URL", "postgres://u:pw@127.0.0.1/db");
            let s = load_in_jail(jail, None).unwrap();
            let shown = s.to_masked_toml();
            assert!(!shown.contains("hunter2"));
            assert!(!shown.contains("pw@"));
            assert!(shown.contains("smtp_password = \"***\""));
            Ok(())
        });
    }

    /// config/default.toml is the documented defaults: it loads to the built-in values
    /// and names every key, each after a comment line.
    #[test]
    fn default_toml_documents_every_key() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config/default.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let from_file: toml::Value = toml::from_str(&text).unwrap();
        let builtin: toml::Value = toml::from_str(&Settings::default().to_masked_toml()).unwrap();
        for (section, keys) in builtin.as_table().unwrap() {
            let Some(keys) = keys.as_table() else {
                continue;
            };
            for (key, value) in keys {
                if value.is_table() {
                    continue;
                }
                assert_eq!(
                    from_file.get(section).and_then(|s| s.get(key)),
                    Some(value),
                    "{section}.{key}"
                );
            }
        }
        // Optional keys appear commented out, with their own comment above.
        let optional = [
            "issuer",
            "url",
            "outbox_dir",
            "smtp_username",
            "smtp_password",
            "master_key_file",
            "tenant",
            "client_secret_file",
            "graph_url",
            "endpoint",
            "username",
            "password",
            "bearer_token",
        ];
        let lines: Vec<&str> = text.lines().collect();
        for key in optional {
            let at = lines
                .iter()
                .position(|l| l.starts_with(&format!("# {key} =")))
                .unwrap_or_else(|| panic!("{key} is not documented"));
            assert!(lines[at - 1].starts_with("# "), "{key} has no comment line");
        }
        for (i, line) in lines.iter().enumerate() {
            if !line.starts_with('#') && !line.starts_with('[') && line.contains(" = ") {
                assert!(
                    lines[i - 1].starts_with('#'),
                    "{line:?} has no comment line"
                );
            }
        }
        Jail::expect_with(|jail| {
            let s = Settings::load(Some(Path::new(path))).unwrap();
            assert_eq!(
                s.to_masked_toml(),
                load_in_jail(jail, None).unwrap().to_masked_toml()
            );
            Ok(())
        });
    }
}
